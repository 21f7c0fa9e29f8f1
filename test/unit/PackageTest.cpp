// test/unit/PackageTest.cpp - package writer layout and atomicity, zero-copy reading, and every load error.
#include "lib/package/PackageWriter.h"
#include "runtime/Package.h"
#include "runtime/PackageFormat.h"
#include "test/unit/TestPackages.h"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <cstring>

namespace {

namespace fmt = kiln::format;
using kiln::test::TempDir;

struct LoadResult {
  kiln_code code;
  std::string message;
};

/// Loads `path` through the C API and returns the outcome.
LoadResult load(const std::string &path) {
  kiln_package *pkg = nullptr;
  kiln_status st = kiln_package_load(path.c_str(), &pkg);
  LoadResult r{kiln_status_code(st), kiln_status_message(st)};
  kiln_status_free(st);
  EXPECT_EQ(pkg == nullptr, r.code != KILN_OK);
  kiln_package_free(pkg);
  return r;
}

/// Recomputes the trailing checksum, so that a test reaches the check
/// behind it.
std::string withChecksum(std::string bytes) {
  uint64_t sum = fmt::fnv1a(bytes.data(), bytes.size() - 8);
  fmt::storeLE(reinterpret_cast<uint8_t *>(&bytes[bytes.size() - 8]), sum);
  return bytes;
}

fmt::Header headerOf(const std::string &bytes) {
  return fmt::decodeHeader(reinterpret_cast<const uint8_t *>(bytes.data()));
}

std::string withHeader(std::string bytes, const fmt::Header &h) {
  fmt::encodeHeader(h, reinterpret_cast<uint8_t *>(bytes.data()));
  return withChecksum(std::move(bytes));
}

/// Lays out a package by hand, bypassing the writer's checks, so that the
/// reader's own checks of the weight entries can be reached.
std::string rawPackage(const std::string &manifest, size_t weightsSize) {
  fmt::Header h;
  h.manifestSize = manifest.size();
  h.weightsOffset = fmt::alignUp(64 + manifest.size());
  h.weightsSize = weightsSize;
  h.codeOffset = fmt::alignUp(h.weightsOffset + weightsSize);
  std::string bytes(h.codeOffset + 8, '\0');
  fmt::encodeHeader(h, reinterpret_cast<uint8_t *>(bytes.data()));
  bytes.replace(64, manifest.size(), manifest);
  return withChecksum(std::move(bytes));
}

class PackageTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(kiln::test::writeTestPackage(path, error)) << error;
    bytes = kiln::test::readFile(path);
  }

  /// Writes `b` as a package file and loads it.
  LoadResult loadBytes(const std::string &b) {
    std::string p = dir.file("damaged.kpkg");
    kiln::test::writeFile(p, b);
    return load(p);
  }

  /// Writes a package with `manifest` (and the test weights and code) and
  /// loads it.
  LoadResult loadManifest(const std::string &manifest,
                          const std::string &code = kiln::test::kernelBytes()) {
    std::string p = dir.file("custom.kpkg"), error;
    EXPECT_TRUE(kiln::package::writePackage(p, manifest, kiln::test::testWeights(),
                                            code, error))
        << error;
    return load(p);
  }

  TempDir dir;
  std::string path = dir.file("test.kpkg");
  std::string bytes;
};

TEST_F(PackageTest, WriterLayoutFollowsTheSpec) {
  const auto *p = reinterpret_cast<const uint8_t *>(bytes.data());
  ASSERT_TRUE(fmt::hasMagic(p));
  fmt::Header h = headerOf(bytes);
  EXPECT_EQ(h.version, 1u);
  EXPECT_EQ(h.flags, 0u);
  EXPECT_EQ(h.manifestOffset, 64u);
  EXPECT_EQ(h.weightsOffset % 64, 0u);
  EXPECT_EQ(h.codeOffset % 64, 0u);
  EXPECT_GE(h.weightsOffset, 64 + h.manifestSize);
  EXPECT_GE(h.codeOffset, h.weightsOffset + h.weightsSize);
  EXPECT_EQ(bytes.size(), h.codeOffset + h.codeSize + 8);
  EXPECT_EQ(fmt::loadLE<uint64_t>(p + bytes.size() - 8),
            fmt::fnv1a(p, bytes.size() - 8));

  auto manifest = nlohmann::json::parse(bytes.substr(64, h.manifestSize));
  EXPECT_EQ(manifest["format_version"], 1);
  EXPECT_EQ(manifest["target"], "cpu");
  EXPECT_EQ(manifest["functions"].size(), 5u);
  // "pad" (5 bytes) at 0 pushes "w" to the next 64-byte boundary.
  EXPECT_EQ(manifest["weights"][0],
            nlohmann::json::parse(R"({"name": "pad", "dtype": "u8", "shape": [5],
                                      "offset": 0, "size": 5})"));
  EXPECT_EQ(manifest["weights"][1]["offset"], 64);
  EXPECT_EQ(manifest["weights"][1]["size"], 16);
  EXPECT_EQ(h.weightsSize, 64u + 16u);
  EXPECT_EQ(std::memcmp(p + h.weightsOffset + 64, kiln::test::kWeightW, 16), 0);
  EXPECT_EQ(bytes.substr(h.codeOffset, h.codeSize), kiln::test::kernelBytes());
}

TEST_F(PackageTest, ReaderMapsWeightsWithoutCopying) {
  std::unique_ptr<kiln_package> pkg;
  kiln_status st = kiln::rt::loadPackage(path.c_str(), pkg);
  ASSERT_EQ(st, nullptr) << kiln_status_message(st);
  EXPECT_EQ(pkg->producer, "kiln unit tests");
  EXPECT_EQ(pkg->target, "cpu");
  EXPECT_EQ(pkg->mapSize, bytes.size());
  ASSERT_EQ(pkg->weights.size(), 2u);

  const kiln::rt::Weight &w = pkg->weights[1];
  EXPECT_EQ(w.name, "w");
  EXPECT_EQ(w.dtype, KILN_DTYPE_F32);
  EXPECT_EQ(w.dims, std::vector<int64_t>{4});
  // Zero-copy: the weight is the mapped file itself, 64-byte aligned.
  EXPECT_TRUE(pkg->inMapping(w.data));
  EXPECT_EQ(static_cast<const uint8_t *>(w.data),
            pkg->map + headerOf(bytes).weightsOffset + 64);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(w.data) % 64, 0u);
  EXPECT_EQ(std::memcmp(w.data, kiln::test::kWeightW, sizeof kiln::test::kWeightW), 0);

  ASSERT_EQ(pkg->functions.size(), 5u);
  const kiln_function &main = pkg->functions[0];
  EXPECT_EQ(main.name, "main");
  EXPECT_NE(main.entry, nullptr);
  EXPECT_EQ(main.weights, std::vector<size_t>{1});
  const kiln_value_info &x = main.inputs[0].info;
  EXPECT_STREQ(x.name, "x");
  ASSERT_EQ(x.rank, 2u);
  EXPECT_EQ(x.dims[0], -1);
  EXPECT_EQ(x.dims[1], 4);
  EXPECT_STREQ(x.dim_names[0], "batch");
  EXPECT_EQ(x.dim_names[1], nullptr);
}

TEST_F(PackageTest, WriterRejectsBadInputAndLeavesNothing) {
  using kiln::package::WeightBlob;
  const float data[4] = {};
  const std::string manifest = R"({"target": "cpu", "functions": []})";
  struct Case {
    std::string manifest;
    std::vector<WeightBlob> weights;
    std::string error;
  } cases[] = {
      {"{not json", {}, "manifest is not valid JSON"},
      {"[1, 2]", {}, "manifest is not a JSON object"},
      {R"({"target": "cpu"})", {}, "manifest has no 'functions' array"},
      {R"({"target": "cpu", "functions": [], "weights": []})", {},
       "manifest must not contain 'weights': pass them to writePackage"},
      {R"({"target": "cpu", "functions": [{"weights": [1]}]})",
       {{"a", "f32", {4}, data, 16}},
       "function weight index 1 is not below 1"},
      {manifest, {{"a", "f32", {4}, data, 12}},
       "weight 'a': size is 12 bytes, but its shape and dtype need 16"},
      {manifest, {{"a", "float", {4}, data, 16}}, "weight 'a': unknown dtype 'float'"},
      {manifest, {{"a", "f32", {-4}, data, 16}}, "weight 'a': invalid shape"},
      {manifest, {{"a", "f32", {4}, data, 16}, {"a", "f32", {4}, data, 16}},
       "weight 'a': duplicate name"},
      {manifest, {{"a", "f32", {4}, nullptr, 16}}, "weight 'a': data is null"},
  };
  // An existing package must survive every failed write untouched.
  for (const Case &c : cases) {
    std::string error;
    EXPECT_FALSE(kiln::package::writePackage(path, c.manifest, c.weights, "", error));
    EXPECT_EQ(error, path + ": " + c.error);
    EXPECT_EQ(kiln::test::readFile(path), bytes);
    EXPECT_EQ(dir.list(), std::vector<std::string>{"test.kpkg"});
  }
}

TEST_F(PackageTest, WriterReplacesFilesAtomically) {
  std::string error;
  ASSERT_TRUE(kiln::package::writePackage(
      path, R"({"target": "cpu", "producer": "second", "functions": []})", {},
      "", error))
      << error;
  EXPECT_EQ(load(path).code, KILN_OK);
  EXPECT_NE(kiln::test::readFile(path), bytes);
  EXPECT_EQ(dir.list(), std::vector<std::string>{"test.kpkg"});

  std::string missing = "/nonexistent-kiln-dir/x.kpkg";
  EXPECT_FALSE(kiln::package::writePackage(missing, R"({"target": "cpu", "functions": []})",
                                           {}, "", error));
  EXPECT_EQ(error, missing + ": cannot create file: No such file or directory");
}

TEST_F(PackageTest, LoadsItsOwnOutput) {
  LoadResult r = load(path);
  EXPECT_EQ(r.code, KILN_OK) << r.message;
}

TEST_F(PackageTest, RejectsDamagedFiles) {
  const size_t n = bytes.size();
  const fmt::Header h = headerOf(bytes);
  auto expectError = [&](const LoadResult &r, kiln_code code,
                         const std::string &message) {
    EXPECT_EQ(r.code, code) << r.message;
    EXPECT_EQ(r.message, dir.file("damaged.kpkg") + ": " + message);
  };

  LoadResult missing = load(dir.file("missing.kpkg"));
  EXPECT_EQ(missing.code, KILN_NOT_FOUND);
  EXPECT_EQ(missing.message,
            dir.file("missing.kpkg") + ": cannot open: No such file or directory");

  expectError(loadBytes(""), KILN_DATA_LOSS,
              "truncated package (expected at least 72 bytes, file has 0)");
  expectError(loadBytes(bytes.substr(0, 40)), KILN_DATA_LOSS,
              "truncated package (expected at least 72 bytes, file has 40)");
  expectError(loadBytes("PK\x03\x04" + bytes.substr(4)), KILN_DATA_LOSS,
              "not a kiln package (bad magic)");

  fmt::Header v7 = h;
  v7.version = 7;
  expectError(loadBytes(withHeader(bytes, v7)), KILN_UNIMPLEMENTED,
              "unknown package format version 7 (this runtime reads version 1)");
  // The version is checked before the checksum: a newer format may change
  // everything after the header.
  std::string v7raw = bytes;
  v7raw[8] = 7;
  expectError(loadBytes(v7raw), KILN_UNIMPLEMENTED,
              "unknown package format version 7 (this runtime reads version 1)");

  expectError(loadBytes(bytes.substr(0, n - 100)), KILN_DATA_LOSS,
              "truncated package (expected " + std::to_string(n) +
                  " bytes, file has " + std::to_string(n - 100) + ")");
  expectError(loadBytes(bytes + "x"), KILN_DATA_LOSS,
              "package size mismatch (expected " + std::to_string(n) +
                  " bytes, file has " + std::to_string(n + 1) +
                  "): trailing bytes");

  for (size_t at : {size_t(70), size_t(h.weightsOffset + 65), n / 2, n - 9}) {
    std::string corrupt = bytes;
    corrupt[at] ^= 0x01;
    expectError(loadBytes(corrupt), KILN_DATA_LOSS,
                "checksum mismatch: file is corrupted");
  }

  fmt::Header misaligned = h;
  misaligned.weightsOffset += 8;
  expectError(loadBytes(withHeader(bytes, misaligned)), KILN_DATA_LOSS,
              "weights section offset " + std::to_string(h.weightsOffset + 8) +
                  " is not 64-byte aligned");
  fmt::Header overlapping = h;
  overlapping.manifestSize = h.weightsOffset; // runs past the weights' start
  expectError(loadBytes(withHeader(bytes, overlapping)), KILN_DATA_LOSS,
              "weights section [" + std::to_string(h.weightsOffset) + ", +" +
                  std::to_string(h.weightsSize) +
                  ") lies outside the file or overlaps the previous section");
  fmt::Header manifestAt = h;
  manifestAt.manifestOffset = 128;
  expectError(loadBytes(withHeader(bytes, manifestAt)), KILN_DATA_LOSS,
              "manifest offset is 128 (must be 64)");

  std::string badJson = bytes;
  badJson[64] = 'x';
  expectError(loadBytes(withChecksum(badJson)), KILN_DATA_LOSS,
              "invalid manifest: manifest is not a JSON object");
}

TEST_F(PackageTest, RejectsBadManifestsAndCode) {
  const std::string custom = dir.file("custom.kpkg") + ": ";
  LoadResult r = loadManifest(kiln::test::testManifest("cuda"));
  EXPECT_EQ(r.code, KILN_UNIMPLEMENTED);
  EXPECT_EQ(r.message, custom + "package target 'cuda' is not supported by "
                                "this runtime (it runs 'cpu')");

  r = loadManifest(R"({"target": "cpu", "triple": "riscv64-unknown-linux-gnu",
                       "functions": []})");
  EXPECT_EQ(r.code, KILN_UNIMPLEMENTED);
  EXPECT_EQ(r.message.rfind(custom + "package was compiled for "
                                     "riscv64-unknown-linux-gnu, but this machine is ", 0),
            0u)
      << r.message;

  r = loadManifest(R"({"target": "cpu", "functions": [{"name": "f",
      "symbol": "kiln_entry_nope", "inputs": [], "outputs": []}]})");
  EXPECT_EQ(r.code, KILN_DATA_LOSS);
  EXPECT_EQ(r.message,
            custom + "function 'f': symbol 'kiln_entry_nope' is not in the code section");

  r = loadManifest(R"({"target": "cpu", "functions": [{"name": "f",
      "symbol": "kiln_entry_main", "inputs": [], "outputs": []}]})",
                   "this is not an ELF file");
  EXPECT_EQ(r.code, KILN_INTERNAL);
  EXPECT_EQ(r.message.rfind(custom + "cannot load the code section as a shared object (", 0),
            0u)
      << r.message;

  struct Case {
    const char *manifest;
    const char *error;
  } cases[] = {
      {R"({"functions": []})", "manifest.target: expected a non-empty string"},
      {R"({"target": "cpu", "functions": [{"name": "f", "symbol": "s",
           "inputs": [{"name": "x", "dtype": "f33", "shape": []}], "outputs": []}]})",
       "functions[0].inputs[0].dtype: unknown dtype 'f33'"},
      {R"({"target": "cpu", "functions": [{"name": "f", "symbol": "s",
           "inputs": [{"name": "x", "dtype": "f32", "shape": [-1]}], "outputs": []}]})",
       "functions[0].inputs[0].shape[0]: expected a non-negative integer or a dim name"},
      {R"({"target": "cpu", "functions": [{"name": "f", "symbol": "s", "inputs": []}]})",
       "functions[0].outputs: expected an array"},
      {R"({"target": "cpu", "functions": [
           {"name": "f", "symbol": "s", "inputs": [], "outputs": []},
           {"name": "f", "symbol": "s", "inputs": [], "outputs": []}]})",
       "functions[1]: duplicate function name 'f'"},
  };
  for (const Case &c : cases) {
    r = loadManifest(c.manifest);
    EXPECT_EQ(r.code, KILN_DATA_LOSS);
    EXPECT_EQ(r.message, custom + "invalid manifest: " + c.error);
  }
}

TEST_F(PackageTest, RejectsBadWeightEntries) {
  auto manifest = [](const std::string &weight) {
    return R"({"target": "cpu", "functions": [], "weights": [)" + weight + "]}";
  };
  const std::string prefix = dir.file("damaged.kpkg") + ": invalid manifest: ";
  LoadResult r = loadBytes(rawPackage(
      manifest(R"({"name": "w", "dtype": "f32", "shape": [2], "offset": 0, "size": 8})"),
      8));
  EXPECT_EQ(r.code, KILN_OK) << r.message;
  r = loadBytes(rawPackage(
      manifest(R"({"name": "w", "dtype": "f32", "shape": [2], "offset": 0, "size": 12})"),
      64));
  EXPECT_EQ(r.message, prefix + "weights[0] ('w'): size is 12 bytes, but shape 2 "
                                "of f32 needs 8");
  r = loadBytes(rawPackage(
      manifest(R"({"name": "w", "dtype": "f32", "shape": [2], "offset": 8, "size": 8})"),
      64));
  EXPECT_EQ(r.message, prefix + "weights[0] ('w'): bytes [8, 16) are not a "
                                "64-byte-aligned range of the weights section "
                                "(64 bytes)");
  r = loadBytes(rawPackage(
      manifest(R"({"name": "w", "dtype": "f32", "shape": [32], "offset": 0, "size": 128})"),
      64));
  EXPECT_EQ(r.message, prefix + "weights[0] ('w'): bytes [0, 128) are not a "
                                "64-byte-aligned range of the weights section "
                                "(64 bytes)");
  r = loadBytes(rawPackage(R"({"target": "cpu", "format_version": 2, "functions": []})", 0));
  EXPECT_EQ(r.message, prefix + "manifest format_version does not match the "
                                "header's (1)");
}

} // namespace
