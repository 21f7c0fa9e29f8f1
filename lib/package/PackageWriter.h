// lib/package/PackageWriter.h - writes .kpkg packages (docs/package-format.md, format 2) for kiln-compile.
#ifndef KILN_LIB_PACKAGE_PACKAGEWRITER_H
#define KILN_LIB_PACKAGE_PACKAGEWRITER_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kiln::package {

/// One weight to store. The writer places it in the weights section and
/// records name, dtype, shape, offset and size in the manifest.
struct WeightBlob {
  std::string name;
  /// A manifest dtype name: f32 f64 f16 bf16 i8 i16 i32 i64 u8 u16 u32 u64 bool.
  std::string dtype;
  /// Static dims, row-major.
  std::vector<int64_t> shape;
  /// The bytes; borrowed for the duration of the call.
  const void *data = nullptr;
  /// Byte size; must equal the element count times the dtype's size.
  uint64_t size = 0;
  /// A hint that `data` views a read-only file mapping (external weights):
  /// the writer then hands each written range's pages back to the kernel
  /// (madvise MADV_PAGEOUT, which keeps the contents), so that writing the
  /// package does not leave the whole file resident in the process.
  bool mapped = false;
};

/// Writes a package (format version 2) to `path`.
///
/// `manifestJson` is the manifest without its "weights" array (which must be
/// absent): an object with "target", "functions" (each with "name",
/// "symbol", "abi_version", "inputs", "outputs" and optionally "weights" as
/// indices into `weights`), and optionally "producer", "triple" and
/// "cpu_features". The writer adds "format_version" and "weights", assigning
/// each weight a 64-byte-aligned offset in the order given. `code` is the
/// host code section (for target cpu an ELF shared object exporting each
/// function's symbol); it is omitted when empty. The section table records
/// the architecture of the triple as the code section's target, and a
/// checksum of every section.
///
/// The weights are read once, a chunk at a time: each chunk is checksummed
/// and written, and the header with the section table is filled in last.
///
/// The file is written under a temporary name in the same directory and
/// renamed into place only when complete: on failure nothing is left behind
/// and an existing `path` is untouched. Returns false and sets `error`
/// (starting with `path`) on failure.
bool writePackage(const std::string &path, std::string_view manifestJson,
                  const std::vector<WeightBlob> &weights,
                  std::string_view code, std::string &error);

} // namespace kiln::package

#endif // KILN_LIB_PACKAGE_PACKAGEWRITER_H
