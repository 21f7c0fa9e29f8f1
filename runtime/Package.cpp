// runtime/Package.cpp - reading a .kpkg: map, validate, parse the manifest, load the code.
#include "runtime/Package.h"

#include "runtime/CpuFeatures.h"
#include "runtime/PackageFormat.h"
#include "runtime/Status.h"
#include "runtime/Tensor.h"

#include <nlohmann/json.hpp>

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
  if (map)
    munmap(const_cast<uint8_t *>(map), mapSize);
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

bool parseWeights(kiln_package &pkg, const Json &m, const fmt::Header &header,
                  std::string &error) {
  const Json *weights = nullptr;
  if (!m.contains("weights"))
    return true;
  if (!getArray(m, "weights", "manifest", weights, error))
    return false;
  const uint8_t *section = pkg.map + header.weightsOffset;
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
    if (offset % fmt::kAlignment != 0 || offset > header.weightsSize ||
        weight.size > header.weightsSize - offset) {
      error = str(at, " ('", weight.name, "'): bytes [", offset, ", ",
                  offset + weight.size,
                  ") are not a 64-byte-aligned range of the weights section (",
                  header.weightsSize, " bytes)");
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
                   const fmt::Header &header, std::string &error) {
  Json m = Json::parse(text.begin(), text.end(), nullptr,
                       /*allow_exceptions=*/false);
  if (m.is_discarded() || !m.is_object()) {
    error = "manifest is not a JSON object";
    return false;
  }
  uint64_t version = 0;
  if (m.contains("format_version") &&
      (!getUInt(m, "format_version", "manifest", version, error) ||
       version != header.version)) {
    error = str("manifest format_version does not match the header's (",
                header.version, ")");
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
  if (!parseWeights(pkg, m, header, error))
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

class Loader {
public:
  Loader(const char *path, kiln_package &pkg) : path_(path), pkg_(pkg) {}

  kiln_status load() {
    if (kiln_status st = mapFile())
      return st;
    fmt::Header h;
    if (kiln_status st = checkLayout(h))
      return st;
    std::string error;
    std::string_view manifest(reinterpret_cast<const char *>(pkg_.map) +
                                  h.manifestOffset,
                              h.manifestSize);
    if (!parseManifest(pkg_, manifest, h, error))
      return fail(KILN_DATA_LOSS, "invalid manifest: " + error);
    if (pkg_.target != "cpu")
      return fail(KILN_UNIMPLEMENTED,
                  str("package target '", pkg_.target,
                      "' is not supported by this runtime (it runs 'cpu')"));
    std::string arch = pkg_.triple.substr(0, pkg_.triple.find('-'));
    if (!arch.empty() && hostArch() && arch != hostArch())
      return fail(KILN_UNIMPLEMENTED,
                  str("package was compiled for ", pkg_.triple,
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
    if (pkg_.functions.empty())
      return nullptr;
    if (h.codeSize == 0)
      return fail(KILN_DATA_LOSS, "package has functions but no code");
    if (!loadCode(pkg_, pkg_.map + h.codeOffset, h.codeSize, error))
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
    return makeStatus(code, str(path_, ": ", what));
  }

  kiln_status mapFile() {
    int fd = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return fail(errno == ENOENT ? KILN_NOT_FOUND : KILN_INVALID_ARGUMENT,
                  str("cannot open: ", std::strerror(errno)));
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      close(fd);
      return fail(KILN_INVALID_ARGUMENT, "not a regular file");
    }
    size_t size = static_cast<size_t>(st.st_size);
    if (size < sizeof(fmt::kMagic)) {
      close(fd);
      return fail(KILN_DATA_LOSS,
                  str("truncated package (expected at least ",
                      fmt::kHeaderSize + fmt::kChecksumSize,
                      " bytes, file has ", size, ")"));
    }
    void *p = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    int mmapErrno = errno;
    close(fd); // The mapping keeps the file alive.
    if (p == MAP_FAILED)
      return fail(KILN_INTERNAL, str("mmap: ", std::strerror(mmapErrno)));
    pkg_.map = static_cast<const uint8_t *>(p);
    pkg_.mapSize = size;
    return nullptr;
  }

  /// Checks magic, version, size, checksum and section bounds, in that
  /// order: the version decides the layout, and a truncated file is better
  /// reported as truncated than as corrupted.
  kiln_status checkLayout(fmt::Header &h) {
    const uint8_t *p = pkg_.map;
    const uint64_t size = pkg_.mapSize;
    if (!fmt::hasMagic(p))
      return fail(KILN_DATA_LOSS, "not a kiln package (bad magic)");
    if (size < fmt::kHeaderSize + fmt::kChecksumSize)
      return fail(KILN_DATA_LOSS,
                  str("truncated package (expected at least ",
                      fmt::kHeaderSize + fmt::kChecksumSize,
                      " bytes, file has ", size, ")"));
    h = fmt::decodeHeader(p);
    if (h.version != fmt::kVersion)
      return fail(KILN_UNIMPLEMENTED,
                  str("unknown package format version ", h.version,
                      " (this runtime reads version ", fmt::kVersion, ")"));
    if (h.flags != 0)
      return fail(KILN_UNIMPLEMENTED,
                  str("unknown package flags ", h.flags,
                      " (this runtime reads flags 0)"));
    if (h.codeOffset > UINT64_MAX - h.codeSize - fmt::kChecksumSize)
      return fail(KILN_DATA_LOSS, "code section size overflows");
    uint64_t expected = h.codeOffset + h.codeSize + fmt::kChecksumSize;
    if (size < expected)
      return fail(KILN_DATA_LOSS, str("truncated package (expected ", expected,
                                      " bytes, file has ", size, ")"));
    if (size > expected)
      return fail(KILN_DATA_LOSS,
                  str("package size mismatch (expected ", expected,
                      " bytes, file has ", size, "): trailing bytes"));
    uint64_t stored = fmt::loadLE<uint64_t>(p + size - fmt::kChecksumSize);
    if (fmt::fnv1a(p, size - fmt::kChecksumSize) != stored)
      return fail(KILN_DATA_LOSS, "checksum mismatch: file is corrupted");
    if (h.manifestOffset != fmt::kHeaderSize)
      return fail(KILN_DATA_LOSS, str("manifest offset is ", h.manifestOffset,
                                      " (must be ", fmt::kHeaderSize, ")"));
    // Sections must follow each other in order, aligned, before the
    // checksum; the code's end was checked against the file size above.
    struct Section {
      const char *name;
      uint64_t offset, size;
      bool aligned;
    } sections[] = {{"manifest", h.manifestOffset, h.manifestSize, false},
                    {"weights", h.weightsOffset, h.weightsSize, true},
                    {"code", h.codeOffset, h.codeSize, true}};
    uint64_t end = fmt::kHeaderSize;
    for (const Section &s : sections) {
      if (s.aligned && s.offset % fmt::kAlignment != 0)
        return fail(KILN_DATA_LOSS, str(s.name, " section offset ", s.offset,
                                        " is not 64-byte aligned"));
      if (s.offset < end || s.offset > expected - fmt::kChecksumSize ||
          s.size > expected - fmt::kChecksumSize - s.offset)
        return fail(KILN_DATA_LOSS,
                    str(s.name, " section [", s.offset, ", +", s.size,
                        ") lies outside the file or overlaps the previous "
                        "section"));
      end = s.offset + s.size;
    }
    return nullptr;
  }

  std::string path_;
  kiln_package &pkg_;
};

} // namespace

kiln_status kiln::rt::loadPackage(const char *path,
                                  std::unique_ptr<kiln_package> &out) {
  auto pkg = std::make_unique<kiln_package>();
  pkg->path = path;
  if (kiln_status st = Loader(path, *pkg).load())
    return st;
  out = std::move(pkg);
  return nullptr;
}
