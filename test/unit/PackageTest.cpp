// test/unit/PackageTest.cpp - package format 2: writer layout and atomicity, the checksum, zero-copy and in-memory loading, every load error, verification, and load cost independent of weight size.
#include "lib/package/PackageWriter.h"
#include "runtime/Package.h"
#include "runtime/PackageFormat.h"
#include "test/unit/TestPackages.h"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <sys/mman.h>
#include <unistd.h>

namespace {

namespace fmt = kiln::format;
using kiln::test::TempDir;

struct LoadResult {
  kiln_code code;
  std::string message;
};

LoadResult take(kiln_status st) {
  LoadResult r{kiln_status_code(st), kiln_status_message(st)};
  kiln_status_free(st);
  return r;
}

/// Loads `path` through the C API and returns the outcome.
LoadResult load(const std::string &path) {
  kiln_package *pkg = nullptr;
  LoadResult r = take(kiln_package_load(path.c_str(), &pkg));
  EXPECT_EQ(pkg == nullptr, r.code != KILN_OK);
  kiln_package_free(pkg);
  return r;
}

const uint8_t *u8(const std::string &bytes) {
  return reinterpret_cast<const uint8_t *>(bytes.data());
}

fmt::Header headerOf(const std::string &bytes) {
  return fmt::decodeHeader(u8(bytes));
}

std::vector<fmt::Section> sectionsOf(const std::string &bytes) {
  fmt::Header h = headerOf(bytes);
  std::vector<fmt::Section> sections;
  // Only the entries the bytes hold (a test may cut the table short).
  for (size_t i = 0; i < h.sectionCount && 64 + 64 * (i + 1) <= bytes.size(); ++i)
    sections.push_back(fmt::decodeSection(u8(bytes) + 64 + 64 * i));
  return sections;
}

/// The index of the first section of `kind`.
size_t sectionIndex(const std::string &bytes, uint32_t kind) {
  std::vector<fmt::Section> sections = sectionsOf(bytes);
  for (size_t i = 0; i < sections.size(); ++i)
    if (sections[i].kind == kind)
      return i;
  ADD_FAILURE() << "no section of kind " << kind;
  return 0;
}

fmt::Section sectionOf(const std::string &bytes, uint32_t kind) {
  return sectionsOf(bytes)[sectionIndex(bytes, kind)];
}

/// Re-encodes header and section table and recomputes the header checksum,
/// so that a test reaches the checks behind it.
std::string withTable(std::string bytes, fmt::Header h,
                      const std::vector<fmt::Section> &sections) {
  auto *p = reinterpret_cast<uint8_t *>(bytes.data());
  for (size_t i = 0; i < sections.size(); ++i)
    fmt::encodeSection(sections[i], p + 64 + 64 * i);
  fmt::encodeHeader(h, p); // the checksum covers the new header fields
  // (A table that does not fit cannot be hashed; the reader rejects its
  // geometry before the checksum.)
  if (64 + uint64_t(h.sectionCount) * 64 <= bytes.size())
    h.checksum = fmt::headerChecksum(p, h);
  fmt::encodeHeader(h, p);
  return bytes;
}

/// `bytes` with the header checksum recomputed over its current table.
std::string resealedHeader(std::string bytes) {
  auto *p = reinterpret_cast<uint8_t *>(bytes.data());
  fmt::Header h = fmt::decodeHeader(p);
  h.checksum = fmt::headerChecksum(p, h);
  fmt::encodeHeader(h, p);
  return bytes;
}

/// `bytes` with section `index` changed by `change`, the table re-sealed.
template <typename F>
std::string withSection(const std::string &bytes, size_t index, F change) {
  std::vector<fmt::Section> sections = sectionsOf(bytes);
  change(sections[index]);
  return withTable(bytes, headerOf(bytes), sections);
}

/// `bytes` with the header changed by `change`, re-sealed.
template <typename F> std::string withHeader(const std::string &bytes, F change) {
  fmt::Header h = headerOf(bytes);
  change(h);
  return withTable(bytes, h, sectionsOf(bytes));
}

/// Recomputes the checksum of section `index` after its bytes changed.
std::string resealed(const std::string &bytes, size_t index) {
  return withSection(bytes, index, [&](fmt::Section &s) {
    s.checksum = fmt::checksum(u8(bytes) + s.offset, s.size);
  });
}

/// Lays out a package by hand (manifest and a zero-filled weights section,
/// no code), bypassing the writer's checks, so that the reader's own checks
/// of the weight entries can be reached.
std::string rawPackage(const std::string &manifest, size_t weightsSize) {
  fmt::Section m, w;
  m.kind = fmt::kManifest;
  m.offset = 64 + 2 * 64;
  m.size = manifest.size();
  m.checksum = fmt::checksum(manifest.data(), manifest.size());
  w.kind = fmt::kWeights;
  w.offset = fmt::alignUp(m.offset + m.size);
  w.size = weightsSize;
  std::string bytes(w.offset + w.size, '\0');
  bytes.replace(m.offset, manifest.size(), manifest);
  w.checksum = fmt::checksum(u8(bytes) + w.offset, w.size);
  fmt::Header h;
  h.fileSize = bytes.size();
  h.sectionCount = 2;
  return withTable(bytes, h, {m, w});
}

/// A version-1 package as kiln-compile wrote it before format 2: a 64-byte
/// header (magic, version 1, flags, three offset/size pairs), the manifest,
/// and a trailing 64-bit FNV-1a checksum of everything before it.
std::string versionOnePackage() {
  const std::string manifest = R"({"format_version": 1, "target": "cpu", "functions": []})";
  std::string bytes(64, '\0');
  auto *p = reinterpret_cast<uint8_t *>(bytes.data());
  std::memcpy(p, fmt::kMagic, 8);
  fmt::storeLE<uint32_t>(p + 8, 1);
  fmt::storeLE<uint64_t>(p + 16, 64);
  fmt::storeLE<uint64_t>(p + 24, manifest.size());
  uint64_t end = fmt::alignUp(64 + manifest.size());
  fmt::storeLE<uint64_t>(p + 32, end);
  fmt::storeLE<uint64_t>(p + 48, end);
  bytes += manifest;
  bytes.resize(end);
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes)
    hash = (hash ^ c) * 0x100000001b3ULL;
  for (int i = 0; i < 8; ++i)
    bytes.push_back(char(hash >> (8 * i)));
  return bytes;
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
  const uint8_t *p = u8(bytes);
  ASSERT_TRUE(fmt::hasMagic(p));
  fmt::Header h = headerOf(bytes);
  EXPECT_EQ(h.version, 2u);
  EXPECT_EQ(h.flags, 0u);
  EXPECT_EQ(h.fileSize, bytes.size());
  EXPECT_EQ(h.sectionEntrySize, 64u);
  EXPECT_EQ(h.sectionTableOffset, 64u);
  EXPECT_EQ(h.reserved[0] | h.reserved[1], 0u);
  EXPECT_EQ(h.checksum, fmt::headerChecksum(p, h));

  // Manifest and code first (what a load reads), the weights last.
  std::vector<fmt::Section> s = sectionsOf(bytes);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].kind, uint32_t(fmt::kManifest));
  EXPECT_EQ(s[1].kind, uint32_t(fmt::kHostCode));
  EXPECT_EQ(s[2].kind, uint32_t(fmt::kWeights));
#if defined(__aarch64__)
  EXPECT_EQ(s[1].target, "aarch64");
#else
  EXPECT_EQ(s[1].target, "x86_64");
#endif
  EXPECT_EQ(s[0].target, "");
  EXPECT_EQ(s[0].offset, 64u + 3 * 64);
  EXPECT_EQ(s[1].offset, fmt::alignUp(s[0].offset + s[0].size));
  EXPECT_EQ(s[2].alignment, 4096u);
  EXPECT_EQ(s[2].offset, fmt::alignUp(s[1].offset + s[1].size, 4096));
  EXPECT_EQ(s[2].offset + s[2].size, bytes.size());
  for (const fmt::Section &section : s) {
    EXPECT_EQ(section.flags, 0u);
    EXPECT_EQ(section.offset % section.alignment, 0u);
    EXPECT_EQ(section.checksum, fmt::checksum(p + section.offset, section.size));
  }

  auto manifest = nlohmann::json::parse(bytes.substr(s[0].offset, s[0].size));
  EXPECT_EQ(manifest["format_version"], 2);
  EXPECT_EQ(manifest["target"], "cpu");
  EXPECT_EQ(manifest["functions"].size(), 10u);
  EXPECT_EQ(manifest["functions"][0]["abi_version"], 2);
  // "pad" (5 bytes) at 0 pushes "w" to the next 64-byte boundary.
  EXPECT_EQ(manifest["weights"][0],
            nlohmann::json::parse(R"({"name": "pad", "dtype": "u8", "shape": [5],
                                      "offset": 0, "size": 5})"));
  EXPECT_EQ(manifest["weights"][1]["offset"], 64);
  EXPECT_EQ(manifest["weights"][1]["size"], 16);
  EXPECT_EQ(s[2].size, 64u + 16u);
  EXPECT_EQ(std::memcmp(p + s[2].offset + 64, kiln::test::kWeightW, 16), 0);
  EXPECT_EQ(bytes.substr(s[1].offset, s[1].size), kiln::test::kernelBytes());
}

// A weight that views a file mapping (external data) is written in chunks
// whose pages the writer hands back to the kernel: the package is the same
// as one written from heap memory, and the mapping still reads the same.
TEST_F(PackageTest, WriterKeepsMappedWeightsIntact) {
  // Spans several of the writer's 8 MiB chunks and starts off a page.
  const size_t size = (size_t(20) << 20) + 5, skip = 3;
  std::string source(size + skip, '\0');
  std::mt19937 random(7);
  for (char &c : source)
    c = static_cast<char>(random());
  const std::string sourcePath = dir.file("weights.bin");
  kiln::test::writeFile(sourcePath, source);
  int fd = open(sourcePath.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  void *map = mmap(nullptr, source.size(), PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  ASSERT_NE(map, MAP_FAILED);
  const char *mapped = static_cast<const char *>(map) + skip;

  auto write = [&](const std::string &out, const void *data, bool isMapped) {
    std::vector<kiln::package::WeightBlob> weights = kiln::test::testWeights();
    kiln::package::WeightBlob big{"big", "u8", {int64_t(size)}, data, size};
    big.mapped = isMapped;
    weights.push_back(big);
    std::string error;
    EXPECT_TRUE(kiln::package::writePackage(out, kiln::test::testManifest(),
                                            weights, kiln::test::kernelBytes(),
                                            error))
        << error;
    return kiln::test::readFile(out);
  };
  const std::string fromMap = write(dir.file("mapped.kpkg"), mapped, true);
  const std::string fromHeap =
      write(dir.file("heap.kpkg"), source.data() + skip, false);
  EXPECT_TRUE(fromMap == fromHeap);
  EXPECT_EQ(std::memcmp(mapped, source.data() + skip, size), 0);
  munmap(map, source.size());

  fmt::Section weights = sectionsOf(fromMap).back();
  ASSERT_EQ(weights.kind, uint32_t(fmt::kWeights));
  EXPECT_EQ(weights.checksum,
            fmt::checksum(u8(fromMap) + weights.offset, weights.size));
  EXPECT_EQ(fromMap.compare(weights.offset + weights.size - size, size,
                            source, skip, size),
            0);
}

TEST(Checksum, DetectsEverySingleByteChangeAndStreams) {
  // Pinned values: the checksum is part of the format (and of
  // docs/package-format.md), so it must never change by accident.
  EXPECT_EQ(fmt::checksum("", 0), 0xe47cbaf055763cb8ULL);
  EXPECT_EQ(fmt::checksum("kiln", 4), 0x6f47414730e3b954ULL);
  const std::string fox = "The quick brown fox jumps over the lazy dog";
  EXPECT_EQ(fmt::checksum(fox.data(), fox.size()), 0x15005f98c6c882fbULL);

  std::string data(1000, '\0');
  std::mt19937 rng(7);
  for (char &c : data)
    c = char(rng());
  const uint64_t base = fmt::checksum(data.data(), data.size());
  // Every byte position (full stripes, the tail words and the final partial
  // word) with every other value.
  size_t undetected = 0;
  for (size_t at = 0; at < data.size(); ++at)
    for (int delta = 1; delta < 256; ++delta) {
      data[at] = char(data[at] ^ delta);
      undetected += fmt::checksum(data.data(), data.size()) == base;
      data[at] = char(data[at] ^ delta);
    }
  EXPECT_EQ(undetected, 0u);
  // A different length with the same leading bytes differs too.
  EXPECT_NE(fmt::checksum(data.data(), data.size() - 1), base);

  // Streaming in pieces of any size gives the one-shot value.
  for (size_t piece : {1, 3, 7, 8, 31, 32, 33, 100, 999}) {
    fmt::Checksum c;
    for (size_t at = 0; at < data.size(); at += piece)
      c.update(data.data() + at, std::min(piece, data.size() - at));
    EXPECT_EQ(c.value(), base) << "pieces of " << piece;
  }
}

TEST_F(PackageTest, ReaderMapsWeightsWithoutCopying) {
  std::unique_ptr<kiln_package> pkg;
  kiln_status st = kiln::rt::loadPackage(path.c_str(), pkg);
  ASSERT_EQ(st, nullptr) << kiln_status_message(st);
  EXPECT_EQ(pkg->producer, "kiln unit tests");
  EXPECT_EQ(pkg->target, "cpu");
  EXPECT_EQ(pkg->mapSize, bytes.size());
  EXPECT_EQ(pkg->storage, kiln_package::Storage::Mapped);
  ASSERT_EQ(pkg->weights.size(), 2u);

  const kiln::rt::Weight &w = pkg->weights[1];
  EXPECT_EQ(w.name, "w");
  EXPECT_EQ(w.dtype, KILN_DTYPE_F32);
  EXPECT_EQ(w.dims, std::vector<int64_t>{4});
  // Zero-copy: the weight is the mapped file itself, 64-byte aligned.
  EXPECT_TRUE(pkg->inMapping(w.data));
  EXPECT_EQ(static_cast<const uint8_t *>(w.data),
            pkg->map + sectionOf(bytes, fmt::kWeights).offset + 64);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(w.data) % 64, 0u);
  EXPECT_EQ(std::memcmp(w.data, kiln::test::kWeightW, sizeof kiln::test::kWeightW), 0);

  ASSERT_EQ(pkg->functions.size(), 10u);
  const kiln_function &main = pkg->functions[0];
  EXPECT_EQ(main.name, "main");
  EXPECT_NE(main.entry, nullptr);
  EXPECT_EQ(main.abiVersion, 2u);
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
      {R"({"target": "cpu", "format_version": 1, "functions": []})", {},
       "manifest format_version must be 2"},
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
      {R"({"target": "cpu", "triple": "averyveryverylongarchitecturename-linux",
           "functions": []})", {},
       "manifest triple 'averyveryverylongarchitecturename-linux' does not start "
       "with an architecture name of at most 24 printable characters"},
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
  // Without code and weights, the package is header, table and manifest.
  EXPECT_EQ(sectionsOf(kiln::test::readFile(path)).size(), 1u);

  std::string missing = "/nonexistent-kiln-dir/x.kpkg";
  EXPECT_FALSE(kiln::package::writePackage(missing, R"({"target": "cpu", "functions": []})",
                                           {}, "", error));
  EXPECT_EQ(error, missing + ": cannot create file: No such file or directory");
}

TEST_F(PackageTest, LoadsItsOwnOutput) {
  LoadResult r = load(path);
  EXPECT_EQ(r.code, KILN_OK) << r.message;
}

TEST_F(PackageTest, RejectsOtherFormatVersions) {
  const std::string prefix = dir.file("damaged.kpkg") + ": ";
  const std::string v1 = versionOnePackage();
  LoadResult r = loadBytes(v1);
  EXPECT_EQ(r.code, KILN_UNIMPLEMENTED);
  EXPECT_EQ(r.message, prefix + "package format version 1 is no longer supported "
                                "(this runtime reads version 2); recompile the "
                                "model with this kiln-compile");
  // Even a version-1 file shorter than a version-2 header is named as such.
  EXPECT_EQ(loadBytes(v1.substr(0, 12)).message, r.message);

  // The version is checked before the checksum: a newer format may change
  // everything after it.
  for (uint32_t version : {3u, 7u, 1000u}) {
    std::string newer = bytes;
    fmt::storeLE<uint32_t>(reinterpret_cast<uint8_t *>(newer.data()) + 8, version);
    r = loadBytes(newer);
    EXPECT_EQ(r.code, KILN_UNIMPLEMENTED);
    EXPECT_EQ(r.message, prefix + "package format version " + std::to_string(version) +
                             " is newer than this runtime reads (version 2); use "
                             "a newer kiln runtime");
  }
  std::string zero = bytes;
  zero[8] = 0;
  zero[9] = 0;
  r = loadBytes(zero);
  EXPECT_EQ(r.code, KILN_DATA_LOSS);
  EXPECT_EQ(r.message, prefix + "invalid package format version 0 (this runtime "
                                "reads version 2)");
}

TEST_F(PackageTest, RejectsDamagedFiles) {
  const size_t n = bytes.size();
  const size_t code = sectionIndex(bytes, fmt::kHostCode);
  const size_t weights = sectionIndex(bytes, fmt::kWeights);
  const std::vector<fmt::Section> s = sectionsOf(bytes);
  auto expectError = [&](const std::string &b, kiln_code want,
                         const std::string &message) {
    LoadResult r = loadBytes(b);
    EXPECT_EQ(r.code, want) << r.message;
    EXPECT_EQ(r.message, dir.file("damaged.kpkg") + ": " + message);
  };

  LoadResult missing = load(dir.file("missing.kpkg"));
  EXPECT_EQ(missing.code, KILN_NOT_FOUND);
  EXPECT_EQ(missing.message,
            dir.file("missing.kpkg") + ": cannot open: No such file or directory");
  LoadResult directory = load(dir.file(""));
  EXPECT_EQ(directory.code, KILN_INVALID_ARGUMENT);
  EXPECT_EQ(directory.message, dir.file("") + ": not a regular file");

  // Truncated: before the header's end, inside the table, inside a section.
  expectError("", KILN_DATA_LOSS,
              "truncated package (expected at least 64 bytes, file has 0)");
  expectError(bytes.substr(0, 40), KILN_DATA_LOSS,
              "truncated package (expected at least 64 bytes, file has 40)");
  expectError(bytes.substr(0, 100), KILN_DATA_LOSS,
              "truncated package (expected at least 256 bytes, file has 100)");
  expectError(bytes.substr(0, n - 100), KILN_DATA_LOSS,
              "truncated package (expected " + std::to_string(n) +
                  " bytes, file has " + std::to_string(n - 100) + ")");
  expectError(bytes + "x", KILN_DATA_LOSS,
              "package size mismatch (expected " + std::to_string(n) +
                  " bytes, file has " + std::to_string(n + 1) +
                  "): trailing bytes");
  expectError("PK\x03\x04" + bytes.substr(4), KILN_DATA_LOSS,
              "not a kiln package (bad magic)");
  expectError("PK\x03\x04", KILN_DATA_LOSS,
              "truncated package (expected at least 64 bytes, file has 4)");
  expectError(std::string("PK\x03\x04\0\0\0\0\0\0", 10), KILN_DATA_LOSS,
              "not a kiln package (bad magic)");

  // Any changed byte of the header or the table.
  for (size_t at : {size_t(13), size_t(16), size_t(24), size_t(47), size_t(60),
                    size_t(64 + 8), size_t(64 + 64 * code + 40), size_t(255)}) {
    std::string corrupt = bytes;
    corrupt[at] ^= 0x01;
    expectError(corrupt, KILN_DATA_LOSS,
                "header checksum mismatch: the header or section table is corrupted");
  }

  // Header fields behind a valid checksum.
  expectError(withHeader(bytes, [](fmt::Header &x) { x.flags = 4; }),
              KILN_UNIMPLEMENTED, "unknown package flags 4 (this runtime reads flags 0)");
  expectError(withHeader(bytes, [](fmt::Header &x) { x.reserved[1] = 1; }),
              KILN_DATA_LOSS, "reserved header bytes 40..55 are not zero");
  const std::string malformed = "malformed section table: ";
  const std::string expected =
      " (expected 1 to 4096 entries of 64 bytes at offset 64)";
  expectError(withHeader(bytes, [](fmt::Header &x) { x.sectionCount = 0; }),
              KILN_DATA_LOSS, malformed + "0 entries of 64 bytes at offset 64" + expected);
  expectError(withHeader(bytes, [](fmt::Header &x) { x.sectionCount = 5000; }),
              KILN_DATA_LOSS, malformed + "5000 entries of 64 bytes at offset 64" + expected);
  expectError(withHeader(bytes, [](fmt::Header &x) { x.sectionEntrySize = 32; }),
              KILN_DATA_LOSS, malformed + "3 entries of 32 bytes at offset 64" + expected);
  {
    // Offset 128 cannot be re-sealed by withHeader (the checksum covers the
    // table where the header says it is): write the field only.
    std::string moved = bytes;
    fmt::storeLE<uint64_t>(reinterpret_cast<uint8_t *>(moved.data()) + 32, 128);
    expectError(moved, KILN_DATA_LOSS,
                malformed + "3 entries of 64 bytes at offset 128" + expected);
  }
  // A table that runs past the end of the file.
  {
    std::string shortTable = withHeader(bytes.substr(0, 200), [&](fmt::Header &x) {
      x.fileSize = 200;
    });
    expectError(shortTable, KILN_DATA_LOSS,
                "truncated package (expected at least 256 bytes, file has 200)");
  }

  // Section entries, one field at a time.
  expectError(withSection(bytes, 1, [](fmt::Section &x) { x.kind = 9; }),
              KILN_DATA_LOSS, "section 1 has unknown kind 9");
  expectError(withSection(bytes, 1, [](fmt::Section &x) { x.kind = 0; }),
              KILN_DATA_LOSS, "section 1 has unknown kind 0");
  expectError(withSection(bytes, 1, [](fmt::Section &x) { x.flags = 1; }),
              KILN_DATA_LOSS, "section 1 (host code) has unknown flags 1");
  {
    // A byte after the target's terminating NUL ("x86_64\0...y").
    std::string badTarget = bytes;
    badTarget[64 + 64 * code + 40 + 20] = 'y';
    expectError(resealedHeader(badTarget), KILN_DATA_LOSS,
                "section 1 (host code) target is not NUL-padded printable ASCII");
    badTarget = bytes;
    badTarget[64 + 64 * code + 40] = ' ';
    expectError(resealedHeader(badTarget), KILN_DATA_LOSS,
                "section 1 (host code) target is not NUL-padded printable ASCII");
  }
  expectError(withSection(bytes, weights, [](fmt::Section &x) { x.alignment = 48; }),
              KILN_DATA_LOSS,
              "section 2 (weights) alignment 48 is not a power of two of at least 64");
  expectError(withSection(bytes, weights, [](fmt::Section &x) { x.alignment = 32; }),
              KILN_DATA_LOSS,
              "section 2 (weights) alignment 32 is not a power of two of at least 64");
  // Misaligned weights: the offset breaks the section's alignment, or
  // even the 64 bytes every weight needs.
  expectError(withSection(bytes, weights, [](fmt::Section &x) { x.offset += 64; }),
              KILN_DATA_LOSS,
              "section 2 (weights) offset " + std::to_string(s[weights].offset + 64) +
                  " is not a multiple of its alignment 4096");
  expectError(withSection(bytes, weights,
                          [](fmt::Section &x) {
                            x.alignment = 64;
                            x.offset -= 8;
                          }),
              KILN_DATA_LOSS,
              "section 2 (weights) offset " + std::to_string(s[weights].offset - 8) +
                  " is not a multiple of its alignment 64");
  expectError(withSection(bytes, weights, [](fmt::Section &x) { x.size += 1; }),
              KILN_DATA_LOSS,
              "section 2 (weights) [" + std::to_string(s[weights].offset) + ", +" +
                  std::to_string(s[weights].size + 1) + ") lies outside the file (" +
                  std::to_string(n) + " bytes)");
  expectError(withSection(bytes, weights, [](fmt::Section &x) { x.size = ~0ull - 10; }),
              KILN_DATA_LOSS,
              "section 2 (weights) [" + std::to_string(s[weights].offset) + ", +" +
                  std::to_string(~0ull - 10) + ") lies outside the file (" +
                  std::to_string(n) + " bytes)");
  expectError(withSection(bytes, 0, [](fmt::Section &x) { x.offset = 192; }),
              KILN_DATA_LOSS,
              "section 0 (manifest) [192, +" + std::to_string(s[0].size) +
                  ") overlaps the header and section table (bytes [0, 256))");
  // Overlapping sections: the code grown into the weights.
  expectError(withSection(bytes, code,
                          [&](fmt::Section &x) {
                            x.size = s[weights].offset - x.offset + 1;
                          }),
              KILN_DATA_LOSS,
              "sections 1 (host code) [" + std::to_string(s[code].offset) + ", +" +
                  std::to_string(s[weights].offset - s[code].offset + 1) +
                  ") and 2 (weights) [" + std::to_string(s[weights].offset) + ", +" +
                  std::to_string(s[weights].size) + ") overlap");
  expectError(withSection(bytes, weights, [](fmt::Section &x) { x.kind = fmt::kManifest; }),
              KILN_DATA_LOSS,
              "package has more than one manifest section (sections 0 and 2)");
  expectError(withSection(bytes, weights, [](fmt::Section &x) { x.kind = fmt::kHostCode; }),
              KILN_DATA_LOSS,
              "package has more than one host code section (sections 1 and 2)");
  expectError(withSection(bytes, 0, [](fmt::Section &x) { x.kind = fmt::kPtx; }),
              KILN_DATA_LOSS, "package has no manifest section");

  // Section contents: the manifest and the code are checked at load.
  std::string badManifest = bytes;
  badManifest[s[0].offset + 10] ^= 0x20;
  expectError(badManifest, KILN_DATA_LOSS,
              "manifest section checksum mismatch: the package is corrupted "
              "(section 0, " + std::to_string(s[0].size) + " bytes at offset " +
                  std::to_string(s[0].offset) + ")");
  std::string badCode = bytes;
  badCode[s[code].offset + s[code].size / 2] ^= 0x01;
  expectError(badCode, KILN_DATA_LOSS,
              "host code section checksum mismatch: the package is corrupted "
              "(section 1, " + std::to_string(s[code].size) + " bytes at offset " +
                  std::to_string(s[code].offset) + ")");
  std::string badJson = bytes;
  badJson[s[0].offset] = 'x';
  expectError(resealed(badJson, 0), KILN_DATA_LOSS,
              "invalid manifest: manifest is not a JSON object");

  // A corrupted weight is not noticed at load (the weights are not read),
  // only by kiln_package_verify.
  std::string badWeight = bytes;
  badWeight[s[weights].offset + 64 + 3] ^= 0x40;
  EXPECT_EQ(loadBytes(badWeight).code, KILN_OK);
}

TEST_F(PackageTest, VerifyChecksTheWeights) {
  kiln_package *pkg = nullptr;
  ASSERT_EQ(take(kiln_package_load(path.c_str(), &pkg)).code, KILN_OK);
  LoadResult r = take(kiln_package_verify(pkg));
  EXPECT_EQ(r.code, KILN_OK) << r.message;
  kiln_package_free(pkg);

  const fmt::Section w = sectionOf(bytes, fmt::kWeights);
  std::string badWeight = bytes;
  badWeight[w.offset + 64 + 3] ^= 0x40;
  std::string p = dir.file("bad-weight.kpkg");
  kiln::test::writeFile(p, badWeight);
  ASSERT_EQ(take(kiln_package_load(p.c_str(), &pkg)).code, KILN_OK);
  r = take(kiln_package_verify(pkg));
  EXPECT_EQ(r.code, KILN_DATA_LOSS);
  EXPECT_EQ(r.message, p + ": weights section checksum mismatch: the package is "
                           "corrupted (section 2, " + std::to_string(w.size) +
                           " bytes at offset " + std::to_string(w.offset) + ")");
  kiln_package_free(pkg);
  EXPECT_EQ(take(kiln_package_verify(nullptr)).code, KILN_INVALID_ARGUMENT);
}

TEST_F(PackageTest, LoadsFromMemory) {
  // Aligned: borrowed, the weights are the caller's bytes.
  void *aligned = std::aligned_alloc(64, fmt::alignUp(bytes.size()));
  ASSERT_NE(aligned, nullptr);
  std::memcpy(aligned, bytes.data(), bytes.size());
  std::unique_ptr<kiln_package> pkg;
  LoadResult r = take(kiln::rt::loadPackageFromMemory(aligned, bytes.size(),
                                                      "embedded", pkg));
  ASSERT_EQ(r.code, KILN_OK) << r.message;
  EXPECT_EQ(pkg->storage, kiln_package::Storage::Borrowed);
  EXPECT_EQ(pkg->map, aligned);
  EXPECT_EQ(static_cast<const uint8_t *>(pkg->weights[1].data),
            static_cast<uint8_t *>(aligned) + sectionOf(bytes, fmt::kWeights).offset + 64);
  EXPECT_EQ(take(kiln_package_verify(pkg.get())).code, KILN_OK);
  pkg.reset();
  std::free(aligned);

  // Unaligned: copied, so the caller may free its buffer right away and the
  // package still runs.
  std::string buffer(bytes.size() + 1, '\0');
  // malloc aligns to 16, so one byte in is never 64-byte aligned.
  char *unaligned = buffer.data() + 1;
  ASSERT_NE(reinterpret_cast<uintptr_t>(unaligned) % 64, 0u);
  std::memcpy(unaligned, bytes.data(), bytes.size());
  kiln_package *copied = nullptr;
  r = take(kiln_package_load_from_memory(unaligned, bytes.size(), nullptr, &copied));
  ASSERT_EQ(r.code, KILN_OK) << r.message;
  EXPECT_EQ(copied->storage, kiln_package::Storage::Copied);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(copied->weights[1].data) % 64, 0u);
  EXPECT_FALSE(copied->weights[1].data >= static_cast<const void *>(buffer.data()) &&
               copied->weights[1].data < static_cast<const void *>(buffer.data() + buffer.size()));
  std::memset(buffer.data(), 0xee, buffer.size());
  buffer = std::string();
  const kiln_function *fn = nullptr;
  ASSERT_EQ(take(kiln_package_find_function(copied, "main", &fn)).code, KILN_OK);
  float x[4] = {1, 2, 3, 4};
  int64_t dims[2] = {1, 4};
  kiln_tensor *in = nullptr, *out[2] = {};
  ASSERT_EQ(kiln_tensor_create_copy(KILN_DTYPE_F32, 2, dims, x, sizeof x, &in), nullptr);
  r = take(kiln_function_run(fn, nullptr, &in, 1, out, 2));
  ASSERT_EQ(r.code, KILN_OK) << r.message;
  EXPECT_EQ(static_cast<float *>(kiln_tensor_data(out[0]))[3], 44.f);
  kiln_tensor_free(in);
  kiln_tensor_free(out[0]);
  kiln_tensor_free(out[1]);
  kiln_package_free(copied);

  // Errors name the package as the caller called it.
  std::string truncated = bytes.substr(0, bytes.size() - 10);
  r = take(kiln_package_load_from_memory(truncated.data(), truncated.size(),
                                         "model.kpkg (embedded)", &copied));
  EXPECT_EQ(r.code, KILN_DATA_LOSS);
  EXPECT_EQ(r.message, "model.kpkg (embedded): truncated package (expected " +
                           std::to_string(bytes.size()) + " bytes, file has " +
                           std::to_string(truncated.size()) + ")");
  EXPECT_EQ(copied, nullptr);
  r = take(kiln_package_load_from_memory(nullptr, 0, nullptr, &copied));
  EXPECT_EQ(r.message, "<memory>: truncated package (expected at least 64 bytes, "
                       "file has 0)");
  r = take(kiln_package_load_from_memory(nullptr, 100, nullptr, &copied));
  EXPECT_EQ(r.code, KILN_INVALID_ARGUMENT);
  EXPECT_EQ(r.message, "data is NULL");
  r = take(kiln_package_load_from_memory(bytes.data(), bytes.size(), nullptr, nullptr));
  EXPECT_EQ(r.message, "out_package is NULL");
#if !defined(__SANITIZE_ADDRESS__)
  // An unaligned package too big to copy: the copy fails before any byte
  // is read (sanitizers abort on such a request instead).
  const size_t huge = size_t(1) << 62;
  r = take(kiln_package_load_from_memory(bytes.data() + 1, huge, "huge", &copied));
  EXPECT_EQ(r.code, KILN_RESOURCE_EXHAUSTED);
  EXPECT_EQ(r.message, "huge: cannot allocate " + std::to_string(huge) +
                           " bytes to copy the unaligned package");
#endif
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
  EXPECT_EQ(r.message.rfind(custom + "package code was compiled for riscv64 "
                                     "(riscv64-unknown-linux-gnu), but this machine is ", 0),
            0u)
      << r.message;
  // The code section's own target decides, whatever the triple says.
  {
    const size_t code = sectionIndex(bytes, fmt::kHostCode);
    std::string other = withSection(bytes, code, [](fmt::Section &s) {
      s.target = s.target == "x86_64" ? "aarch64" : "x86_64";
    });
    std::string p = dir.file("other-arch.kpkg");
    kiln::test::writeFile(p, other);
    r = load(p);
    EXPECT_EQ(r.code, KILN_UNIMPLEMENTED);
    EXPECT_NE(r.message.find("package code was compiled for " +
                             sectionsOf(other)[code].target + " ("),
              std::string::npos)
        << r.message;
  }

  r = loadManifest(R"({"target": "cpu", "functions": [{"name": "f", "abi_version": 2,
      "symbol": "kiln_entry_nope", "inputs": [], "outputs": []}]})");
  EXPECT_EQ(r.code, KILN_DATA_LOSS);
  EXPECT_EQ(r.message,
            custom + "function 'f': symbol 'kiln_entry_nope' is not in the code section");

  r = loadManifest(R"({"target": "cpu", "functions": [{"name": "f", "abi_version": 2,
      "symbol": "kiln_entry_main", "inputs": [], "outputs": []}]})",
                   "this is not an ELF file");
  EXPECT_EQ(r.code, KILN_INTERNAL);
  EXPECT_EQ(r.message.rfind(custom + "cannot load the code section as a shared object (", 0),
            0u)
      << r.message;
  r = loadManifest(R"({"target": "cpu", "functions": [{"name": "f", "abi_version": 2,
      "symbol": "kiln_entry_main", "inputs": [], "outputs": []}]})",
                   "");
  EXPECT_EQ(r.code, KILN_DATA_LOSS);
  EXPECT_EQ(r.message, custom + "package has functions but no host code section");

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
      {R"({"target": "cpu", "functions": [{"name": "f", "symbol": "s",
           "abi_version": "two", "inputs": [], "outputs": []}]})",
       "functions[0].abi_version: expected a non-negative integer"},
  };
  for (const Case &c : cases) {
    r = loadManifest(c.manifest);
    EXPECT_EQ(r.code, KILN_DATA_LOSS);
    EXPECT_EQ(r.message, custom + "invalid manifest: " + c.error);
  }
}

TEST_F(PackageTest, RefusesUnknownEntryAbiVersions) {
  const std::string custom = dir.file("custom.kpkg") + ": ";
  for (const char *version : {"1", "3", "0"}) {
    LoadResult r = loadManifest(kiln::test::testManifest("cpu", version));
    EXPECT_EQ(r.code, KILN_UNIMPLEMENTED);
    EXPECT_EQ(r.message, custom + "function 'main' was compiled for entry ABI version " +
                             version + ", but this runtime implements version 2; "
                                       "recompile the model with this kiln-compile");
  }
  LoadResult r = loadManifest(kiln::test::testManifest("cpu", ""));
  EXPECT_EQ(r.code, KILN_DATA_LOSS);
  EXPECT_EQ(r.message, custom + "function 'main' has no abi_version (this runtime "
                                "implements entry ABI version 2)");
  EXPECT_EQ(loadManifest(kiln::test::testManifest("cpu", "2")).code, KILN_OK);
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
  r = loadBytes(rawPackage(R"({"target": "cpu", "format_version": 1, "functions": []})", 0));
  EXPECT_EQ(r.message, prefix + "manifest format_version does not match the "
                                "header's (2)");
}

//===----------------------------------------------------------------------===//
// Load cost: a package with 256 MiB of weights loads as fast as one with
// 1 MiB, because loading maps the weights and reads only header, table,
// manifest and code.
//===----------------------------------------------------------------------===//

/// Writes the test package plus one extra u8 weight of `size` bytes (zeros
/// from calloc: the OS hands them out lazily, so the blob costs no time to
/// make). Returns the offset of the extra weight in the file.
uint64_t writeWithExtraWeight(const std::string &path, size_t size) {
  std::unique_ptr<uint8_t, decltype(&std::free)> blob(
      static_cast<uint8_t *>(std::calloc(size, 1)), std::free);
  EXPECT_NE(blob, nullptr);
  blob.get()[size / 2] = 42;
  std::vector<kiln::package::WeightBlob> weights = kiln::test::testWeights();
  weights.push_back({"extra", "u8", {int64_t(size)}, blob.get(), size});
  std::string error;
  EXPECT_TRUE(kiln::package::writePackage(path, kiln::test::testManifest(), weights,
                                          kiln::test::kernelBytes(), error))
      << error;
  std::string head(4096, '\0');
  int fd = open(path.c_str(), O_RDONLY);
  EXPECT_EQ(pread(fd, head.data(), head.size(), 0), ssize_t(head.size()));
  close(fd);
  return sectionOf(head, fmt::kWeights).offset + 128; // after "pad" and "w"
}

/// The fastest of `n` loads (plus one run of main) of `path`, in ms.
double fastestLoadMs(const std::string &path, int n) {
  double best = 1e9;
  for (int i = 0; i < n; ++i) {
    auto start = std::chrono::steady_clock::now();
    kiln_package *pkg = nullptr;
    LoadResult r = take(kiln_package_load(path.c_str(), &pkg));
    auto end = std::chrono::steady_clock::now();
    EXPECT_EQ(r.code, KILN_OK) << r.message;
    best = std::min(best, std::chrono::duration<double, std::milli>(end - start).count());
    kiln_package_free(pkg);
  }
  return best;
}

TEST(LargePackage, LoadCostDoesNotGrowWithTheWeights) {
  TempDir dir;
  const std::string small = dir.file("small.kpkg"), big = dir.file("big.kpkg");
  writeWithExtraWeight(small, size_t(1) << 20);
  const uint64_t extraAt = writeWithExtraWeight(big, size_t(256) << 20);

  // The fastest of several loads: what the loader costs, without the noise
  // of a busy machine. Generous bounds: a load that read the weights would
  // take well over 20 ms for 256 MiB even from the page cache.
  const double smallMs = fastestLoadMs(small, 7), bigMs = fastestLoadMs(big, 7);
  std::printf("load: 1 MiB of weights %.3f ms, 256 MiB %.3f ms\n", smallMs, bigMs);
  RecordProperty("load_ms_1MiB", std::to_string(smallMs));
  RecordProperty("load_ms_256MiB", std::to_string(bigMs));
  EXPECT_LE(bigMs, 5.0 + 3.0 * smallMs);

  // The big package runs, and verifies.
  kiln_package *pkg = nullptr;
  ASSERT_EQ(take(kiln_package_load(big.c_str(), &pkg)).code, KILN_OK);
  const kiln_function *fn = nullptr;
  ASSERT_EQ(take(kiln_package_find_function(pkg, "main", &fn)).code, KILN_OK);
  float x[4] = {1, 2, 3, 4};
  int64_t dims[2] = {1, 4};
  kiln_tensor *in = nullptr, *out[2] = {};
  ASSERT_EQ(kiln_tensor_create_copy(KILN_DTYPE_F32, 2, dims, x, sizeof x, &in), nullptr);
  LoadResult r = take(kiln_function_run(fn, nullptr, &in, 1, out, 2));
  ASSERT_EQ(r.code, KILN_OK) << r.message;
  EXPECT_EQ(static_cast<float *>(kiln_tensor_data(out[1]))[0], 110.f);
  kiln_tensor_free(in);
  kiln_tensor_free(out[0]);
  kiln_tensor_free(out[1]);
  auto start = std::chrono::steady_clock::now();
  r = take(kiln_package_verify(pkg));
  auto end = std::chrono::steady_clock::now();
  EXPECT_EQ(r.code, KILN_OK) << r.message;
  double verifyMs = std::chrono::duration<double, std::milli>(end - start).count();
  std::printf("verify: 256 MiB of weights %.1f ms\n", verifyMs);
  RecordProperty("verify_ms_256MiB", std::to_string(verifyMs));
  kiln_package_free(pkg);

  // One weight byte changed in place: the load does not notice, the
  // verification does, naming the weights section.
  int fd = open(big.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  const char byte = 1;
  ASSERT_EQ(pwrite(fd, &byte, 1, off_t(extraAt + (size_t(100) << 20))), 1);
  close(fd);
  ASSERT_EQ(take(kiln_package_load(big.c_str(), &pkg)).code, KILN_OK);
  r = take(kiln_package_verify(pkg));
  EXPECT_EQ(r.code, KILN_DATA_LOSS);
  EXPECT_EQ(r.message.rfind(big + ": weights section checksum mismatch: the package "
                                  "is corrupted (section 2, ", 0),
            0u)
      << r.message;
  kiln_package_free(pkg);
}

} // namespace
