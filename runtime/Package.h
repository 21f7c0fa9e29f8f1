// runtime/Package.h - a loaded .kpkg: its bytes (mapped, borrowed or copied), the section table, the parsed manifest and the loaded code.
#ifndef KILN_RUNTIME_PACKAGE_H
#define KILN_RUNTIME_PACKAGE_H

#include "kiln/abi.h"
#include "kiln/runtime.h"
#include "runtime/PackageFormat.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace kiln::rt {

/// The entry point every function's code exports (include/kiln/abi.h).
using EntryFn = kiln_entry_fn;

/// One weight: a typed view into the mapped weights section.
struct Weight {
  std::string name;
  kiln_dtype dtype = KILN_DTYPE_INVALID;
  std::vector<int64_t> dims;
  const void *data = nullptr;
  uint64_t size = 0;
};

/// The signature of one input or output. `info` points into the other
/// members, so a ValueSig must not move once `link()` has run.
struct ValueSig {
  std::string name;
  kiln_dtype dtype = KILN_DTYPE_INVALID;
  /// -1 for a symbolic dim.
  std::vector<int64_t> dims;
  /// The symbolic dim's name, "" for a static dim.
  std::vector<std::string> dimNames;
  std::vector<const char *> dimNamePtrs;
  kiln_value_info info{};

  /// Fills `info` (and `dimNamePtrs`) from the members.
  void link();
};

} // namespace kiln::rt

/// The object behind kiln_function: one entry of the manifest's "functions"
/// plus its resolved symbol.
struct kiln_function {
  std::string name;
  std::string symbol;
  std::vector<kiln::rt::ValueSig> inputs;
  std::vector<kiln::rt::ValueSig> outputs;
  /// Indices into the package's weights, in the order the code expects them.
  std::vector<size_t> weights;
  /// The manifest's "abi_version" (include/kiln/abi.h), if it has one.
  bool hasAbiVersion = false;
  uint64_t abiVersion = 0;
  kiln::rt::EntryFn entry = nullptr;
  const kiln_package *package = nullptr;
};

/// The object behind kiln_package. Immutable once loaded, which is what
/// makes concurrent runs safe.
struct kiln_package {
  /// Where the package came from: its path, or the name given to
  /// kiln_package_load_from_memory. Prefixes every message about it.
  std::string path;
  std::string producer;
  std::string target;
  std::string triple;
  /// Instruction-set extensions the code uses (LLVM names, e.g. "avx2").
  std::vector<std::string> cpuFeatures;
  /// How `map` is held, which decides how it is released.
  enum class Storage { Mapped, Borrowed, Copied };
  Storage storage = Storage::Mapped;
  /// The whole package: the file mapped read-only, the caller's memory
  /// (kiln_package_load_from_memory, aligned), or the runtime's copy of it.
  const uint8_t *map = nullptr;
  size_t mapSize = 0;
  /// The section table, in table order.
  std::vector<kiln::format::Section> sections;
  std::vector<kiln::rt::Weight> weights;
  /// Not reallocated after loading: kiln_function pointers are handed out.
  std::vector<kiln_function> functions;
  /// dlopen handle of the code section.
  void *library = nullptr;
  /// The memfd the code was loaded from; kept open while the library is
  /// loaded (see loadCode in Package.cpp).
  int codeFd = -1;

  kiln_package() = default;
  kiln_package(const kiln_package &) = delete;
  kiln_package &operator=(const kiln_package &) = delete;
  ~kiln_package();

  /// Whether `p` points into the package's bytes (i.e. at weight memory).
  bool inMapping(const void *p) const;
};

namespace kiln::rt {

/// Maps, validates and loads the package at `path` (see kiln_package_load).
kiln_status loadPackage(const char *path, std::unique_ptr<kiln_package> &out);

/// Validates and loads a package from memory (see
/// kiln_package_load_from_memory); `name` prefixes its messages.
kiln_status loadPackageFromMemory(const void *data, size_t size,
                                  const char *name,
                                  std::unique_ptr<kiln_package> &out);

/// Checks the checksum of every section, the weights included (see
/// kiln_package_verify).
kiln_status verifyPackage(const kiln_package &pkg);

} // namespace kiln::rt

#endif // KILN_RUNTIME_PACKAGE_H
