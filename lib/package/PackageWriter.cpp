// lib/package/PackageWriter.cpp - lays out and writes a .kpkg (format 2): header, section table, manifest, code, weights.
#include "lib/package/PackageWriter.h"

#include "runtime/AtomicFile.h"
#include "runtime/PackageFormat.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <sys/mman.h>
#include <unistd.h>
#include <unordered_set>

namespace fmt = kiln::format;
using Json = nlohmann::json;

namespace {

/// Writes through an AtomicFile, tracking the offset so that padding can be
/// expressed as "up to offset N".
class OffsetWriter {
public:
  explicit OffsetWriter(kiln::AtomicFile &file) : file_(file) {}

  bool write(const void *data, size_t size, std::string &error) {
    offset_ += size;
    return file_.write(data, size, error);
  }

  /// Writes zeros up to `offset` (not before the current one).
  bool padTo(uint64_t offset, std::string &error) {
    static const uint8_t zeros[4096] = {};
    while (offset_ < offset) {
      uint64_t n = std::min<uint64_t>(offset - offset_, sizeof zeros);
      if (!write(zeros, n, error))
        return false;
    }
    return true;
  }

private:
  kiln::AtomicFile &file_;
  uint64_t offset_ = 0;
};

/// Asks the kernel to reclaim the pages of [data, data + size) now. Only a
/// hint: the contents stay (a file mapping's pages are read again on a later
/// access), so a page shared with neighbouring data is fine to include.
void releasePages(const void *data, size_t size) {
#ifdef MADV_PAGEOUT
  static const uintptr_t page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  uintptr_t begin = reinterpret_cast<uintptr_t>(data) & ~(page - 1);
  uintptr_t end = (reinterpret_cast<uintptr_t>(data) + size) & ~(page - 1);
  if (end > begin)
    (void)::madvise(reinterpret_cast<void *>(begin), end - begin, MADV_PAGEOUT);
#else
  (void)data, (void)size;
#endif
}

/// Writes the weights section (each weight at its offset, zeros between)
/// and returns its checksum through `checksum`, reading every weight once.
bool writeWeights(OffsetWriter &out, uint64_t sectionOffset,
                  const std::vector<kiln::package::WeightBlob> &weights,
                  const std::vector<uint64_t> &offsets, uint64_t &checksum,
                  std::string &error) {
  // Large enough for full-speed writes, small enough that a mapped weight
  // never has more than this resident on its account.
  constexpr uint64_t kChunk = uint64_t(8) << 20;
  static const uint8_t zeros[fmt::kAlignment] = {};
  fmt::Checksum sum;
  uint64_t at = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    const kiln::package::WeightBlob &w = weights[i];
    sum.update(zeros, offsets[i] - at);
    if (!out.padTo(sectionOffset + offsets[i], error))
      return false;
    const auto *data = static_cast<const uint8_t *>(w.data);
    for (uint64_t done = 0; done < w.size; done += kChunk) {
      size_t n = static_cast<size_t>(std::min(kChunk, w.size - done));
      sum.update(data + done, n);
      if (!out.write(data + done, n, error))
        return false;
      if (w.mapped)
        releasePages(data + done, n);
    }
    at = offsets[i] + w.size;
  }
  checksum = sum.value();
  return true;
}

/// The target of the host code section: the architecture part of the
/// manifest's triple ("x86_64"), or "" without a triple.
bool codeTarget(const Json &manifest, std::string &target, std::string &error) {
  auto it = manifest.find("triple");
  if (it == manifest.end() || !it->is_string())
    return true;
  const std::string triple = it->get<std::string>();
  target = triple.substr(0, triple.find('-'));
  bool printable = std::all_of(target.begin(), target.end(), [](char c) {
    return c > 0x20 && c < 0x7f;
  });
  if (target.size() > fmt::kTargetSize || !printable) {
    error = "manifest triple '" + triple +
            "' does not start with an architecture name of at most " +
            std::to_string(fmt::kTargetSize) + " printable characters";
    return false;
  }
  return true;
}

/// Checks what the writer is responsible for: the weights and the indices
/// that refer to them. The reader validates the rest of the manifest.
bool checkInputs(const Json &manifest,
                 const std::vector<kiln::package::WeightBlob> &weights,
                 std::string &error) {
  if (!manifest.is_object()) {
    error = "manifest is not a JSON object";
    return false;
  }
  if (manifest.contains("weights")) {
    error = "manifest must not contain 'weights': pass them to writePackage";
    return false;
  }
  if (auto it = manifest.find("format_version");
      it != manifest.end() && *it != fmt::kVersion) {
    error = "manifest format_version must be " + std::to_string(fmt::kVersion);
    return false;
  }
  auto functions = manifest.find("functions");
  if (functions == manifest.end() || !functions->is_array()) {
    error = "manifest has no 'functions' array";
    return false;
  }
  for (const Json &fn : *functions) {
    auto it = fn.is_object() ? fn.find("weights") : fn.end();
    if (it == fn.end())
      continue;
    if (!it->is_array()) {
      error = "a function's 'weights' is not an array";
      return false;
    }
    for (const Json &index : *it)
      if (!index.is_number_unsigned() || index.get<uint64_t>() >= weights.size()) {
        error = "function weight index " + index.dump() + " is not below " +
                std::to_string(weights.size());
        return false;
      }
  }
  std::unordered_set<std::string> names;
  for (const kiln::package::WeightBlob &w : weights) {
    std::string what = "weight '" + w.name + "'";
    size_t elementSize = fmt::dtypeSize(fmt::dtypeFromName(w.dtype));
    if (elementSize == 0) {
      error = what + ": unknown dtype '" + w.dtype + "'";
      return false;
    }
    if (!names.insert(w.name).second) {
      error = what + ": duplicate name";
      return false;
    }
    // An overflowing product could not match any real size, so a plain
    // product with a saturation check is enough.
    uint64_t bytes = elementSize;
    for (int64_t d : w.shape) {
      if (d < 0 || (d != 0 && bytes > UINT64_MAX / uint64_t(d))) {
        error = what + ": invalid shape";
        return false;
      }
      bytes *= uint64_t(d);
    }
    if (bytes != w.size) {
      error = what + ": size is " + std::to_string(w.size) +
              " bytes, but its shape and dtype need " + std::to_string(bytes);
      return false;
    }
    if (w.size > 0 && !w.data) {
      error = what + ": data is null";
      return false;
    }
  }
  return true;
}

} // namespace

bool kiln::package::writePackage(const std::string &path,
                                 std::string_view manifestJson,
                                 const std::vector<WeightBlob> &weights,
                                 std::string_view code, std::string &error) {
  Json manifest = Json::parse(manifestJson.begin(), manifestJson.end(),
                              nullptr, /*allow_exceptions=*/false);
  if (manifest.is_discarded()) {
    error = path + ": manifest is not valid JSON";
    return false;
  }
  if (!checkInputs(manifest, weights, error)) {
    error = path + ": " + error;
    return false;
  }

  std::string target;
  if (!codeTarget(manifest, target, error)) {
    error = path + ": " + error;
    return false;
  }

  // Each weight at the next 64-byte boundary of the weights section.
  Json weightEntries = Json::array();
  std::vector<uint64_t> offsets;
  uint64_t weightsSize = 0;
  for (const WeightBlob &w : weights) {
    uint64_t offset = fmt::alignUp(weightsSize);
    offsets.push_back(offset);
    weightEntries.push_back({{"name", w.name},
                             {"dtype", w.dtype},
                             {"shape", w.shape},
                             {"offset", offset},
                             {"size", w.size}});
    weightsSize = offset + w.size;
  }
  manifest["format_version"] = fmt::kVersion;
  manifest["weights"] = std::move(weightEntries);
  // Replace invalid UTF-8 instead of throwing: names come from models.
  const std::string manifestText =
      manifest.dump(-1, ' ', false, Json::error_handler_t::replace);

  // The sections in file order: what a load reads (manifest, code) first and
  // together, the weights, which a load only maps, last.
  std::vector<fmt::Section> sections;
  fmt::Section manifestSection;
  manifestSection.kind = fmt::kManifest;
  manifestSection.size = manifestText.size();
  manifestSection.checksum = fmt::checksum(manifestText.data(), manifestText.size());
  sections.push_back(manifestSection);
  if (!code.empty()) {
    fmt::Section codeSection;
    codeSection.kind = fmt::kHostCode;
    codeSection.size = code.size();
    codeSection.checksum = fmt::checksum(code.data(), code.size());
    codeSection.target = target;
    sections.push_back(codeSection);
  }
  if (!weights.empty()) {
    // Its checksum covers the padding between weights as well; it is
    // computed while the weights are written, over exactly those bytes.
    fmt::Section weightsSection;
    weightsSection.kind = fmt::kWeights;
    weightsSection.size = weightsSize;
    weightsSection.alignment = fmt::kWeightsSectionAlignment;
    sections.push_back(weightsSection);
  }
  uint64_t end = fmt::kHeaderSize + sections.size() * fmt::kSectionEntrySize;
  for (fmt::Section &s : sections) {
    s.offset = fmt::alignUp(end, s.alignment);
    end = s.offset + s.size;
  }

  // The header goes last, once the weights' checksum is known; zeros hold
  // its place.
  const size_t headSize =
      fmt::kHeaderSize + sections.size() * fmt::kSectionEntrySize;
  AtomicFile file(path);
  if (!file.open(error))
    return false;
  OffsetWriter out(file);
  if (!out.padTo(headSize, error))
    return false;
  for (fmt::Section &s : sections) {
    if (!out.padTo(s.offset, error))
      return false;
    bool ok = true;
    if (s.kind == fmt::kManifest)
      ok = out.write(manifestText.data(), manifestText.size(), error);
    else if (s.kind == fmt::kHostCode)
      ok = out.write(code.data(), code.size(), error);
    else
      ok = writeWeights(out, s.offset, weights, offsets, s.checksum, error);
    if (!ok)
      return false;
  }

  fmt::Header header;
  header.fileSize = end;
  header.sectionCount = static_cast<uint32_t>(sections.size());
  std::vector<uint8_t> head(headSize);
  for (size_t i = 0; i < sections.size(); ++i)
    fmt::encodeSection(sections[i], head.data() + fmt::kHeaderSize +
                                        i * fmt::kSectionEntrySize);
  fmt::encodeHeader(header, head.data());
  header.checksum = fmt::headerChecksum(head.data(), header);
  fmt::encodeHeader(header, head.data());
  if (!file.writeAt(0, head.data(), head.size(), error))
    return false;
  return file.commit(error);
}
