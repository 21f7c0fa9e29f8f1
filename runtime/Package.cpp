// runtime/Package.cpp - reading a .kpkg (format 2): map or borrow, validate header and sections, parse the manifest, load the code; verify on request.
#include "runtime/Package.h"

#include "runtime/CpuFeatures.h"
#include "runtime/PackageFormat.h"
#include "runtime/Status.h"
#include "runtime/Tensor.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

using kiln::rt::makeStatus;
using kiln::rt::str;
using Json = nlohmann::json;
namespace fmt = kiln::format;

void kiln::rt::ValueSig::link() {
  dimNamePtrs.clear();
  for (const std::string &n : dimNames)
    dimNamePtrs.push_back(n.empty() ? nullptr : n.c_str());
  info.name = name.c_str();
  info.dtype = dtype;
  info.rank = dims.size();
  info.dims = dims.empty() ? nullptr : dims.data();
  info.dim_names = dimNamePtrs.empty() ? nullptr : dimNamePtrs.data();
}

kiln_package::~kiln_package() {
  if (library)
    dlclose(library);
  if (codeFd >= 0)
    close(codeFd);
  if (map && storage == Storage::Mapped)
    munmap(const_cast<uint8_t *>(map), mapSize);
  else if (storage == Storage::Copied)
    std::free(const_cast<uint8_t *>(map));
}

bool kiln_package::inMapping(const void *p) const {
  auto *b = static_cast<const uint8_t *>(p);
  return map && b >= map && b < map + mapSize;
}

namespace {

//===----------------------------------------------------------------------===//
// Manifest parsing. Each helper names the JSON path of what it rejects
// ("functions[0].inputs[1].dtype"), so a bad manifest is easy to locate.
//===----------------------------------------------------------------------===//

bool getString(const Json &obj, const char *key, const std::string &where,
               std::string &out, std::string &error) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string() || it->get<std::string>().empty()) {
    error = str(where, ".", key, ": expected a non-empty string");
    return false;
  }
  out = it->get<std::string>();
  return true;
}

bool getUInt(const Json &obj, const char *key, const std::string &where,
             uint64_t &out, std::string &error) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number_unsigned()) {
    error = str(where, ".", key, ": expected a non-negative integer");
    return false;
  }
  out = it->get<uint64_t>();
  return true;
}

bool getArray(const Json &obj, const char *key, const std::string &where,
              const Json *&out, std::string &error) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_array()) {
    error = str(where, ".", key, ": expected an array");
    return false;
  }
  out = &*it;
  return true;
}

bool getDType(const Json &obj, const std::string &where, kiln_dtype &out,
              std::string &error) {
  std::string name;
  if (!getString(obj, "dtype", where, name, error))
    return false;
  out = fmt::dtypeFromName(name);
  if (out == KILN_DTYPE_INVALID) {
    error = str(where, ".dtype: unknown dtype '", name, "'");
    return false;
  }
  return true;
}

/// Parses "shape": integers, and (when `symbolic`) names of symbolic dims.
bool getShape(const Json &obj, const std::string &where, bool symbolic,
              std::vector<int64_t> &dims, std::vector<std::string> &names,
              std::string &error) {
  const Json *shape = nullptr;
  if (!getArray(obj, "shape", where, shape, error))
    return false;
  for (size_t i = 0; i < shape->size(); ++i) {
    const Json &d = (*shape)[i];
    if (d.is_number_unsigned() && d.get<uint64_t>() <= INT64_MAX) {
      dims.push_back(d.get<int64_t>());
      names.emplace_back();
    } else if (symbolic && d.is_string() && !d.get<std::string>().empty()) {
      dims.push_back(-1);
      names.push_back(d.get<std::string>());
    } else {
      error = str(where, ".shape[", i, "]: expected a non-negative integer",
                  symbolic ? " or a dim name" : "");
      return false;
    }
  }
  return true;
}

bool parseValues(const Json &fn, const char *key, const std::string &where,
                 std::vector<kiln::rt::ValueSig> &out, std::string &error) {
  const Json *values = nullptr;
  if (!getArray(fn, key, where, values, error))
    return false;
  out.resize(values->size());
  for (size_t i = 0; i < values->size(); ++i) {
    std::string at = str(where, ".", key, "[", i, "]");
    const Json &v = (*values)[i];
    if (!v.is_object()) {
      error = at + ": expected an object";
      return false;
    }
    if (!getString(v, "name", at, out[i].name, error) ||
        !getDType(v, at, out[i].dtype, error) ||
        !getShape(v, at, /*symbolic=*/true, out[i].dims, out[i].dimNames,
                  error))
      return false;
  }
  return true;
}

/// Parses the manifest's "weights" as views into the weights section at
/// `section` (`sectionSize` bytes; 0 when the package has none).
bool parseWeights(kiln_package &pkg, const Json &m, const uint8_t *section,
                  uint64_t sectionSize, std::string &error) {
  const Json *weights = nullptr;
  if (!m.contains("weights"))
    return true;
  if (!getArray(m, "weights", "manifest", weights, error))
    return false;
  for (size_t i = 0; i < weights->size(); ++i) {
    std::string at = str("weights[", i, "]");
    const Json &w = (*weights)[i];
    kiln::rt::Weight weight;
    std::vector<std::string> unusedNames;
    uint64_t offset = 0;
    if (!w.is_object()) {
      error = at + ": expected an object";
      return false;
    }
    if (!getString(w, "name", at, weight.name, error) ||
        !getDType(w, at, weight.dtype, error) ||
        !getShape(w, at, /*symbolic=*/false, weight.dims, unusedNames, error) ||
        !getUInt(w, "offset", at, offset, error) ||
        !getUInt(w, "size", at, weight.size, error))
      return false;
    size_t count = 0, bytes = 0;
    if (kiln_status st = kiln::rt::checkShape(weight.dtype, weight.dims.size(),
                                              weight.dims.data(), count, bytes)) {
      error = str(at, ": ", kiln_status_message(st));
      kiln_status_free(st);
      return false;
    }
    if (bytes != weight.size) {
      error = str(at, " ('", weight.name, "'): size is ", weight.size,
                  " bytes, but shape ", kiln::rt::shapeString(weight.dims),
                  " of ", fmt::dtypeName(weight.dtype), " needs ", bytes);
      return false;
    }
    if (offset % fmt::kAlignment != 0 || offset > sectionSize ||
        weight.size > sectionSize - offset) {
      error = str(at, " ('", weight.name, "'): bytes [", offset, ", ",
                  offset + weight.size,
                  ") are not a 64-byte-aligned range of the weights section (",
                  sectionSize, " bytes)");
      return false;
    }
    weight.data = section + offset;
    pkg.weights.push_back(std::move(weight));
  }
  return true;
}

bool parseFunction(kiln_package &pkg, const Json &f, const std::string &at,
                   kiln_function &fn, std::string &error) {
  fn.package = &pkg;
  if (!f.is_object()) {
    error = at + ": expected an object";
    return false;
  }
  if (!getString(f, "name", at, fn.name, error) ||
      !getString(f, "symbol", at, fn.symbol, error) ||
      !parseValues(f, "inputs", at, fn.inputs, error) ||
      !parseValues(f, "outputs", at, fn.outputs, error))
    return false;
  // Checked against the versions this runtime implements by the loader,
  // which names the function; here only its type.
  fn.hasAbiVersion = f.contains("abi_version");
  if (fn.hasAbiVersion && !getUInt(f, "abi_version", at, fn.abiVersion, error))
    return false;
  const Json *indices = nullptr;
  if (f.contains("weights") && !getArray(f, "weights", at, indices, error))
    return false;
  for (size_t j = 0; indices && j < indices->size(); ++j) {
    const Json &idx = (*indices)[j];
    if (!idx.is_number_unsigned() || idx.get<uint64_t>() >= pkg.weights.size()) {
      error = str(at, ".weights[", j, "]: expected an index below ",
                  pkg.weights.size());
      return false;
    }
    fn.weights.push_back(idx.get<size_t>());
  }
  for (auto &v : fn.inputs)
    v.link();
  for (auto &v : fn.outputs)
    v.link();
  return true;
}

bool parseManifest(kiln_package &pkg, std::string_view text,
                   const uint8_t *weights, uint64_t weightsSize,
                   std::string &error) {
  Json m = Json::parse(text.begin(), text.end(), nullptr,
                       /*allow_exceptions=*/false);
  if (m.is_discarded() || !m.is_object()) {
    error = "manifest is not a JSON object";
    return false;
  }
  uint64_t version = 0;
  if (m.contains("format_version") &&
      (!getUInt(m, "format_version", "manifest", version, error) ||
       version != fmt::kVersion)) {
    error = str("manifest format_version does not match the header's (",
                fmt::kVersion, ")");
    return false;
  }
  if (!getString(m, "target", "manifest", pkg.target, error))
    return false;
  if (auto it = m.find("producer"); it != m.end() && it->is_string())
    pkg.producer = it->get<std::string>();
  if (auto it = m.find("triple"); it != m.end() && it->is_string())
    pkg.triple = it->get<std::string>();
  if (auto it = m.find("cpu_features"); it != m.end()) {
    if (!it->is_array()) {
      error = "manifest cpu_features must be an array of strings";
      return false;
    }
    for (const Json &feature : *it) {
      if (!feature.is_string()) {
        error = "manifest cpu_features must be an array of strings";
        return false;
      }
      pkg.cpuFeatures.push_back(feature.get<std::string>());
    }
  }
  if (!parseWeights(pkg, m, weights, weightsSize, error))
    return false;

  const Json *functions = nullptr;
  if (!getArray(m, "functions", "manifest", functions, error))
    return false;
  // Sized once: kiln_function and kiln_value_info pointers are handed out.
  pkg.functions.resize(functions->size());
  for (size_t i = 0; i < functions->size(); ++i) {
    std::string at = str("functions[", i, "]");
    if (!parseFunction(pkg, (*functions)[i], at, pkg.functions[i], error))
      return false;
    for (size_t j = 0; j < i; ++j)
      if (pkg.functions[j].name == pkg.functions[i].name) {
        error = str(at, ": duplicate function name '", pkg.functions[i].name,
                    "'");
        return false;
      }
  }
  return true;
}

/// The architecture part of target triples this build runs.
const char *hostArch() {
#if defined(__x86_64__)
  return "x86_64";
#elif defined(__aarch64__)
  return "aarch64";
#else
  return nullptr;
#endif
}

//===----------------------------------------------------------------------===//
// Code loading.
//===----------------------------------------------------------------------===//

bool writeAll(int fd, const uint8_t *data, size_t size, std::string &error) {
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      error = str("write: ", n < 0 ? std::strerror(errno) : "no progress");
      return false;
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

std::string dlError() {
  const char *e = dlerror();
  return e ? e : "unknown dlopen error";
}

/// Loads the code section as a shared object. dlopen needs a path, so the
/// bytes go to an anonymous memfd opened as /proc/self/fd/N. The fd stays
/// open while the library is loaded: glibc recognizes loaded objects by path
/// name, and a reused fd number would otherwise make a later dlopen return
/// this package's library. Where memfds are unavailable or not executable
/// (seccomp, vm.memfd_noexec), a temporary file is used instead and unlinked
/// at once (its random name is not reused).
bool loadCode(kiln_package &pkg, const uint8_t *code, size_t size,
              std::string &error) {
  std::string memfdError;
  int fd = memfd_create("kiln-code", MFD_CLOEXEC);
  if (fd < 0) {
    memfdError = str("memfd_create: ", std::strerror(errno));
  } else if (writeAll(fd, code, size, memfdError)) {
    // A library that outlived its package (linked with -z nodelete, or still
    // referenced) keeps its /proc/self/fd/N name: move to a free name first.
    std::string procPath = str("/proc/self/fd/", fd);
    for (void *stale; (stale = dlopen(procPath.c_str(), RTLD_NOW | RTLD_NOLOAD));) {
      dlclose(stale);
      int moved = fcntl(fd, F_DUPFD_CLOEXEC, fd + 1);
      close(fd);
      fd = moved;
      if (fd < 0)
        break;
      procPath = str("/proc/self/fd/", fd);
    }
    if (fd < 0) {
      memfdError = str("fcntl: ", std::strerror(errno));
    } else if ((pkg.library =
                    dlopen(procPath.c_str(), RTLD_NOW | RTLD_LOCAL))) {
      pkg.codeFd = fd;
      return true;
    } else {
      memfdError = dlError();
    }
  }
  if (fd >= 0)
    close(fd);

  const char *tmpDir = std::getenv("TMPDIR");
  std::string tmpPath =
      str(tmpDir && *tmpDir ? tmpDir : "/tmp", "/kiln-code-XXXXXX");
  std::string tmpError;
  int tmpFd = mkostemp(tmpPath.data(), O_CLOEXEC);
  if (tmpFd < 0) {
    tmpError = str(tmpPath, ": ", std::strerror(errno));
  } else {
    bool written = writeAll(tmpFd, code, size, tmpError);
    close(tmpFd);
    if (written) {
      pkg.library = dlopen(tmpPath.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (!pkg.library)
        tmpError = dlError();
    }
    unlink(tmpPath.c_str());
  }
  if (pkg.library)
    return true;
  error = str("cannot load the code section as a shared object (", memfdError,
              "; via a temporary file: ", tmpError, ")");
  return false;
}

//===----------------------------------------------------------------------===//
// The loader: each step's failure is one message prefixed with the path.
//===----------------------------------------------------------------------===//

/// "section 2 (weights)".
std::string sectionName(size_t index, const fmt::Section &s) {
  return str("section ", index, " (", fmt::sectionKindName(s.kind), ")");
}

/// "[4096, +128)".
std::string rangeString(const fmt::Section &s) {
  return str("[", s.offset, ", +", s.size, ")");
}

/// The checksum of a section's bytes. A big mapped section is first advised
/// to the kernel, so that reading it runs at disk or page-cache speed rather
/// than one page fault at a time; advice that fails changes nothing.
uint64_t sectionChecksum(const kiln_package &pkg, const fmt::Section &s) {
  const uint8_t *p = pkg.map + s.offset;
  if (pkg.storage == kiln_package::Storage::Mapped && s.size >= (1u << 20)) {
    const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
    const uintptr_t begin = reinterpret_cast<uintptr_t>(p) & ~(page - 1);
    const size_t length = reinterpret_cast<uintptr_t>(p) + s.size - begin;
#ifdef MADV_POPULATE_READ
    if (madvise(reinterpret_cast<void *>(begin), length, MADV_POPULATE_READ) != 0)
#endif
      madvise(reinterpret_cast<void *>(begin), length, MADV_WILLNEED);
  }
  return fmt::checksum(p, s.size);
}

/// The message for a section whose bytes do not match its checksum.
std::string checksumMismatch(size_t index, const fmt::Section &s) {
  return str(fmt::sectionKindName(s.kind),
             " section checksum mismatch: the package is corrupted (section ",
             index, ", ", s.size, " bytes at offset ", s.offset, ")");
}

std::string truncated(uint64_t expected, uint64_t size, bool atLeast = false) {
  return str("truncated package (expected ", atLeast ? "at least " : "",
             expected, " bytes, file has ", size, ")");
}

class Loader {
public:
  explicit Loader(kiln_package &pkg) : pkg_(pkg) {}

  /// Maps the file at pkg_.path read-only.
  kiln_status mapFile() {
    int fd = open(pkg_.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return fail(errno == ENOENT ? KILN_NOT_FOUND : KILN_INVALID_ARGUMENT,
                  str("cannot open: ", std::strerror(errno)));
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      close(fd);
      return fail(KILN_INVALID_ARGUMENT, "not a regular file");
    }
    size_t size = static_cast<size_t>(st.st_size);
    if (size < fmt::kHeaderSize) {
      // Too short to be a package; read what there is, for the messages of
      // checkHeader (mmap of an empty file fails).
      uint8_t head[fmt::kHeaderSize] = {};
      ssize_t n = pread(fd, head, size, 0);
      close(fd);
      return checkShortFile(head, n < 0 ? 0 : static_cast<size_t>(n));
    }
    // Not MAP_POPULATE: a load must not read the weights.
    void *p = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    int mmapErrno = errno;
    close(fd); // The mapping keeps the file alive.
    if (p == MAP_FAILED)
      return fail(KILN_INTERNAL, str("mmap: ", std::strerror(mmapErrno)));
    pkg_.storage = kiln_package::Storage::Mapped;
    pkg_.map = static_cast<const uint8_t *>(p);
    pkg_.mapSize = size;
    return nullptr;
  }

  /// Validates the bytes in pkg_.map and loads the manifest and the code.
  kiln_status load() {
    fmt::Header h;
    if (kiln_status st = checkHeader(h))
      return st;
    if (kiln_status st = checkSections(h))
      return st;
    for (int index : {manifest_, code_}) {
      if (index < 0)
        continue;
      const fmt::Section &s = pkg_.sections[size_t(index)];
      if (sectionChecksum(pkg_, s) != s.checksum)
        return fail(KILN_DATA_LOSS, checksumMismatch(size_t(index), s));
    }
    const fmt::Section &m = pkg_.sections[size_t(manifest_)];
    std::string_view manifest(reinterpret_cast<const char *>(pkg_.map) + m.offset,
                              m.size);
    const uint8_t *weights = nullptr;
    uint64_t weightsSize = 0;
    if (weights_ >= 0) {
      weights = pkg_.map + pkg_.sections[size_t(weights_)].offset;
      weightsSize = pkg_.sections[size_t(weights_)].size;
    }
    std::string error;
    if (!parseManifest(pkg_, manifest, weights, weightsSize, error))
      return fail(KILN_DATA_LOSS, "invalid manifest: " + error);
    if (kiln_status st = checkRunnable())
      return st;
    if (pkg_.functions.empty())
      return nullptr;
    if (code_ < 0)
      return fail(KILN_DATA_LOSS, "package has functions but no host code section");
    const fmt::Section &code = pkg_.sections[size_t(code_)];
    if (!loadCode(pkg_, pkg_.map + code.offset, code.size, error))
      return fail(KILN_INTERNAL, error);
    for (kiln_function &fn : pkg_.functions) {
      fn.entry = reinterpret_cast<kiln::rt::EntryFn>(
          dlsym(pkg_.library, fn.symbol.c_str()));
      if (!fn.entry)
        return fail(KILN_DATA_LOSS,
                    str("function '", fn.name, "': symbol '", fn.symbol,
                        "' is not in the code section"));
    }
    return nullptr;
  }

private:
  kiln_status fail(kiln_code code, const std::string &what) {
    return makeStatus(code, str(pkg_.path, ": ", what));
  }

  /// The message for a file shorter than a header: not a package at all,
  /// an old or newer one, or a truncated one.
  kiln_status checkShortFile(const uint8_t *p, size_t size) {
    if (size >= sizeof(fmt::kMagic) && !fmt::hasMagic(p))
      return fail(KILN_DATA_LOSS, "not a kiln package (bad magic)");
    if (size >= fmt::kVersionAt + 4)
      if (kiln_status st = checkVersion(fmt::decodeVersion(p)))
        return st;
    return fail(KILN_DATA_LOSS, truncated(fmt::kHeaderSize, size, true));
  }

  /// Version first: it decides the layout of everything after it.
  kiln_status checkVersion(uint32_t version) {
    if (version == fmt::kVersion)
      return nullptr;
    if (version == 1)
      return fail(KILN_UNIMPLEMENTED,
                  "package format version 1 is no longer supported (this "
                  "runtime reads version 2); recompile the model with this "
                  "kiln-compile");
    if (version > fmt::kVersion)
      return fail(KILN_UNIMPLEMENTED,
                  str("package format version ", version,
                      " is newer than this runtime reads (version ",
                      fmt::kVersion, "); use a newer kiln runtime"));
    return fail(KILN_DATA_LOSS, str("invalid package format version ", version,
                                    " (this runtime reads version ",
                                    fmt::kVersion, ")"));
  }

  /// Magic, version, the table's geometry, the header checksum, then the
  /// fields it vouches for: a corrupted byte is reported as corruption, a
  /// short file as truncated.
  kiln_status checkHeader(fmt::Header &h) {
    const uint8_t *p = pkg_.map;
    const uint64_t size = pkg_.mapSize;
    if (size < fmt::kHeaderSize)
      return checkShortFile(p, size);
    if (!fmt::hasMagic(p))
      return fail(KILN_DATA_LOSS, "not a kiln package (bad magic)");
    if (kiln_status st = checkVersion(fmt::decodeVersion(p)))
      return st;
    h = fmt::decodeHeader(p);
    if (h.sectionEntrySize != fmt::kSectionEntrySize ||
        h.sectionTableOffset != fmt::kHeaderSize || h.sectionCount == 0 ||
        h.sectionCount > fmt::kMaxSections)
      return fail(KILN_DATA_LOSS,
                  str("malformed section table: ", h.sectionCount,
                      " entries of ", h.sectionEntrySize, " bytes at offset ",
                      h.sectionTableOffset, " (expected 1 to ",
                      fmt::kMaxSections, " entries of ", fmt::kSectionEntrySize,
                      " bytes at offset ", fmt::kHeaderSize, ")"));
    tableEnd_ = fmt::kHeaderSize +
                uint64_t(h.sectionCount) * fmt::kSectionEntrySize;
    if (size < tableEnd_)
      return fail(KILN_DATA_LOSS, truncated(tableEnd_, size, true));
    if (fmt::headerChecksum(p, h) != h.checksum)
      return fail(KILN_DATA_LOSS, "header checksum mismatch: the header or "
                                  "section table is corrupted");
    if (h.flags != 0)
      return fail(KILN_UNIMPLEMENTED, str("unknown package flags ", h.flags,
                                          " (this runtime reads flags 0)"));
    if (h.reserved[0] != 0 || h.reserved[1] != 0)
      return fail(KILN_DATA_LOSS, str("reserved header bytes ",
                                      size_t(fmt::kReservedAt), "..",
                                      size_t(fmt::kHeaderChecksumAt) - 1,
                                      " are not zero"));
    if (size < h.fileSize)
      return fail(KILN_DATA_LOSS, truncated(h.fileSize, size));
    if (size > h.fileSize)
      return fail(KILN_DATA_LOSS,
                  str("package size mismatch (expected ", h.fileSize,
                      " bytes, file has ", size, "): trailing bytes"));
    return nullptr;
  }

  /// Each entry on its own (kind, flags, target, alignment, bounds), then
  /// the entries together (no overlaps, one manifest, at most one weights
  /// and one host code section).
  kiln_status checkSections(const fmt::Header &h) {
    const uint64_t size = h.fileSize;
    std::vector<fmt::Section> &sections = pkg_.sections;
    for (size_t i = 0; i < h.sectionCount; ++i) {
      fmt::Section s = fmt::decodeSection(pkg_.map + fmt::kHeaderSize +
                                          i * fmt::kSectionEntrySize);
      std::string name = sectionName(i, s);
      if (s.kind == 0 || s.kind > fmt::kWeights)
        return fail(KILN_DATA_LOSS,
                    str("section ", i, " has unknown kind ", s.kind));
      if (s.flags != 0)
        return fail(KILN_DATA_LOSS,
                    str(name, " has unknown flags ", s.flags));
      if (!s.targetValid)
        return fail(KILN_DATA_LOSS,
                    name + " target is not NUL-padded printable ASCII");
      if (s.alignment < fmt::kAlignment || (s.alignment & (s.alignment - 1)))
        return fail(KILN_DATA_LOSS,
                    str(name, " alignment ", s.alignment,
                        " is not a power of two of at least ", fmt::kAlignment));
      if (s.offset % s.alignment != 0)
        return fail(KILN_DATA_LOSS,
                    str(name, " offset ", s.offset,
                        " is not a multiple of its alignment ", s.alignment));
      if (s.offset > size || s.size > size - s.offset)
        return fail(KILN_DATA_LOSS, str(name, " ", rangeString(s),
                                        " lies outside the file (", size,
                                        " bytes)"));
      if (s.offset < tableEnd_)
        return fail(KILN_DATA_LOSS,
                    str(name, " ", rangeString(s),
                        " overlaps the header and section table (bytes [0, ",
                        tableEnd_, "))"));
      int *slot = s.kind == fmt::kManifest   ? &manifest_
                  : s.kind == fmt::kHostCode ? &code_
                  : s.kind == fmt::kWeights  ? &weights_
                                             : nullptr;
      if (slot && *slot >= 0)
        return fail(KILN_DATA_LOSS,
                    str("package has more than one ",
                        fmt::sectionKindName(s.kind), " section (sections ",
                        *slot, " and ", i, ")"));
      if (slot)
        *slot = static_cast<int>(i);
      sections.push_back(std::move(s));
    }
    std::vector<size_t> order(sections.size());
    for (size_t i = 0; i < order.size(); ++i)
      order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return sections[a].offset < sections[b].offset;
    });
    for (size_t k = 1; k < order.size(); ++k) {
      const fmt::Section &a = sections[order[k - 1]], &b = sections[order[k]];
      if (a.offset + a.size > b.offset)
        return fail(KILN_DATA_LOSS,
                    str("sections ", order[k - 1], " (",
                        fmt::sectionKindName(a.kind), ") ", rangeString(a),
                        " and ", order[k], " (", fmt::sectionKindName(b.kind),
                        ") ", rangeString(b), " overlap"));
    }
    if (manifest_ < 0)
      return fail(KILN_DATA_LOSS, "package has no manifest section");
    return nullptr;
  }

  /// Whether this runtime and machine can run the package: target,
  /// architecture, CPU features and each function's entry ABI.
  kiln_status checkRunnable() {
    if (pkg_.target != "cpu")
      return fail(KILN_UNIMPLEMENTED,
                  str("package target '", pkg_.target,
                      "' is not supported by this runtime (it runs 'cpu')"));
    // The code section names its architecture; older writers of a package
    // may leave it empty, then the manifest's triple tells.
    std::string arch = code_ >= 0 ? pkg_.sections[size_t(code_)].target : "";
    if (arch.empty())
      arch = pkg_.triple.substr(0, pkg_.triple.find('-'));
    if (!arch.empty() && hostArch() && arch != hostArch())
      return fail(KILN_UNIMPLEMENTED,
                  str("package code was compiled for ", arch,
                      pkg_.triple.empty() ? "" : " (" + pkg_.triple + ")",
                      ", but this machine is ", hostArch()));
    std::vector<std::string> missing = kiln::rt::missingCpuFeatures(
        pkg_.cpuFeatures, kiln::rt::hostHasCpuFeature);
    if (!missing.empty()) {
      std::string list;
      for (const std::string &feature : missing)
        list += (list.empty() ? "" : ", ") + feature;
      return fail(KILN_UNIMPLEMENTED,
                  str("package code needs CPU features this machine lacks: ",
                      list, " (recompile with kiln-compile --cpu=<this "
                            "machine's CPU, or x86-64-v2/v3>)"));
    }
    for (const kiln_function &fn : pkg_.functions) {
      if (!fn.hasAbiVersion)
        return fail(KILN_DATA_LOSS,
                    str("function '", fn.name,
                        "' has no abi_version (this runtime implements entry "
                        "ABI version ", KILN_ABI_VERSION, ")"));
      if (fn.abiVersion != KILN_ABI_VERSION)
        return fail(KILN_UNIMPLEMENTED,
                    str("function '", fn.name,
                        "' was compiled for entry ABI version ", fn.abiVersion,
                        ", but this runtime implements version ",
                        KILN_ABI_VERSION,
                        "; recompile the model with this kiln-compile"));
    }
    return nullptr;
  }

  kiln_package &pkg_;
  uint64_t tableEnd_ = 0;
  int manifest_ = -1, code_ = -1, weights_ = -1;
};

} // namespace

kiln_status kiln::rt::loadPackage(const char *path,
                                  std::unique_ptr<kiln_package> &out) {
  auto pkg = std::make_unique<kiln_package>();
  pkg->path = path;
  Loader loader(*pkg);
  if (kiln_status st = loader.mapFile())
    return st;
  if (kiln_status st = loader.load())
    return st;
  out = std::move(pkg);
  return nullptr;
}

kiln_status kiln::rt::loadPackageFromMemory(const void *data, size_t size,
                                            const char *name,
                                            std::unique_ptr<kiln_package> &out) {
  auto pkg = std::make_unique<kiln_package>();
  pkg->path = name ? name : "<memory>";
  if (!data && size > 0)
    return makeStatus(KILN_INVALID_ARGUMENT, "data is NULL");
  if (reinterpret_cast<uintptr_t>(data) % fmt::kAlignment == 0) {
    // Borrowed: the weights stay where the caller keeps them.
    pkg->storage = kiln_package::Storage::Borrowed;
    pkg->map = static_cast<const uint8_t *>(data);
  } else {
    // Weights must be 64-byte aligned, and their offsets in the file are:
    // an aligned copy makes the pointers aligned.
    void *copy = std::aligned_alloc(fmt::kAlignment,
                                    fmt::alignUp(size ? size : 1));
    if (!copy)
      return makeStatus(KILN_RESOURCE_EXHAUSTED,
                        str(pkg->path, ": cannot allocate ", size,
                            " bytes to copy the unaligned package"));
    std::memcpy(copy, data, size);
    pkg->storage = kiln_package::Storage::Copied;
    pkg->map = static_cast<const uint8_t *>(copy);
  }
  pkg->mapSize = size;
  if (kiln_status st = Loader(*pkg).load())
    return st;
  out = std::move(pkg);
  return nullptr;
}

kiln_status kiln::rt::verifyPackage(const kiln_package &pkg) {
  fmt::Header h = fmt::decodeHeader(pkg.map);
  if (fmt::headerChecksum(pkg.map, h) != h.checksum)
    return makeStatus(KILN_DATA_LOSS,
                      str(pkg.path, ": header checksum mismatch: the header "
                                    "or section table is corrupted"));
  for (size_t i = 0; i < pkg.sections.size(); ++i) {
    const fmt::Section &s = pkg.sections[i];
    if (sectionChecksum(pkg, s) != s.checksum)
      return makeStatus(KILN_DATA_LOSS,
                        str(pkg.path, ": ", checksumMismatch(i, s)));
  }
  return nullptr;
}
