// lib/package/PackageWriter.cpp - lays out and writes a .kpkg: header, manifest, weights, code, checksum.
#include "lib/package/PackageWriter.h"

#include "runtime/AtomicFile.h"
#include "runtime/PackageFormat.h"

#include <nlohmann/json.hpp>

#include <unordered_set>

namespace fmt = kiln::format;
using Json = nlohmann::json;

namespace {

/// Writes through an AtomicFile while hashing every byte for the trailing
/// checksum, so the file is produced in one pass.
class HashingWriter {
public:
  explicit HashingWriter(kiln::AtomicFile &file) : file_(file) {}

  bool write(const void *data, size_t size, std::string &error) {
    hash_ = fmt::fnv1a(data, size, hash_);
    offset_ += size;
    return file_.write(data, size, error);
  }

  /// Writes zeros up to the next 64-byte boundary.
  bool pad(std::string &error) {
    static const uint8_t zeros[fmt::kAlignment] = {};
    return write(zeros, fmt::alignUp(offset_) - offset_, error);
  }

  uint64_t hash() const { return hash_; }

private:
  kiln::AtomicFile &file_;
  uint64_t hash_ = fmt::kFnvOffsetBasis;
  uint64_t offset_ = 0;
};

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

  // Layout: each weight at the next 64-byte boundary of the section.
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

  fmt::Header header;
  header.manifestOffset = fmt::kHeaderSize;
  header.manifestSize = manifestText.size();
  header.weightsOffset = fmt::alignUp(fmt::kHeaderSize + manifestText.size());
  header.weightsSize = weightsSize;
  header.codeOffset = fmt::alignUp(header.weightsOffset + weightsSize);
  header.codeSize = code.size();
  uint8_t headerBytes[fmt::kHeaderSize];
  fmt::encodeHeader(header, headerBytes);

  AtomicFile file(path);
  if (!file.open(error))
    return false;
  HashingWriter out(file);
  if (!out.write(headerBytes, sizeof headerBytes, error) ||
      !out.write(manifestText.data(), manifestText.size(), error) ||
      !out.pad(error))
    return false;
  for (const WeightBlob &w : weights)
    if (!out.pad(error) || !out.write(w.data, w.size, error))
      return false;
  if (!out.pad(error) || !out.write(code.data(), code.size(), error))
    return false;
  uint8_t checksum[fmt::kChecksumSize];
  fmt::storeLE(checksum, out.hash());
  if (!file.write(checksum, sizeof checksum, error))
    return false;
  return file.commit(error);
}
