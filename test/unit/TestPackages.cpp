// test/unit/TestPackages.cpp - builds the test package (test_kernels.c + a manifest + weights) and temp dirs for tests.
#include "test/unit/TestPackages.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace kiln::test {

const float kWeightW[4] = {10, 20, 30, 40};
static const uint8_t kWeightPad[5] = {1, 2, 3, 4, 5};

std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in),
                     std::istreambuf_iterator<char>());
}

void writeFile(const std::string &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
}

std::string kernelBytes() { return readFile(KILN_TEST_KERNELS); }

std::string testManifest(const std::string &target,
                         const std::string &mainAbiVersion) {
#if defined(__aarch64__)
  const char *triple = "aarch64-unknown-linux-gnu";
#else
  const char *triple = "x86_64-unknown-linux-gnu";
#endif
  std::string manifest = R"({"producer": "kiln unit tests", "target": ")" +
                         target + R"(", "triple": ")" + triple + R"(",
  "functions": [
    {"name": "main", "symbol": "kiln_entry_main", "abi_version": 2,
     "inputs": [{"name": "x", "dtype": "f32", "shape": ["batch", 4]}],
     "outputs": [{"name": "y", "dtype": "f32", "shape": ["batch", 4]},
                 {"name": "s", "dtype": "f32", "shape": ["batch"]}],
     "weights": [1]},
    {"name": "add2", "symbol": "kiln_entry_add2", "abi_version": 2,
     "inputs": [{"name": "a", "dtype": "f32", "shape": ["n", 3]},
                {"name": "b", "dtype": "f32", "shape": ["n", 3]}],
     "outputs": [{"name": "c", "dtype": "f32", "shape": ["n", 3]}]},
    {"name": "transpose", "symbol": "kiln_entry_transpose", "abi_version": 2,
     "inputs": [{"name": "x", "dtype": "f32", "shape": [2, 3]}],
     "outputs": [{"name": "y", "dtype": "f32", "shape": [3, 2]}]},
    {"name": "identity", "symbol": "kiln_entry_identity", "abi_version": 2,
     "inputs": [{"name": "x", "dtype": "f32", "shape": ["?"]}],
     "outputs": [{"name": "y", "dtype": "f32", "shape": ["?"]},
                 {"name": "w", "dtype": "f32", "shape": [4]}],
     "weights": [1]},
    {"name": "bad_shape", "symbol": "kiln_entry_bad_shape", "abi_version": 2,
     "inputs": [{"name": "x", "dtype": "f32", "shape": [2]}],
     "outputs": [{"name": "y", "dtype": "f32", "shape": [2]}]},
    {"name": "par_fill", "symbol": "kiln_entry_par_fill", "abi_version": 2,
     "inputs": [{"name": "x", "dtype": "f32", "shape": ["n"]},
                {"name": "grain", "dtype": "i64", "shape": []}],
     "outputs": [{"name": "y", "dtype": "i32", "shape": ["n"]},
                 {"name": "info", "dtype": "i64", "shape": [4]}]},
    {"name": "rendezvous", "symbol": "kiln_entry_rendezvous", "abi_version": 2,
     "inputs": [{"name": "x", "dtype": "f32", "shape": []}],
     "outputs": [{"name": "met", "dtype": "i32", "shape": []}]},
    {"name": "bad_size", "symbol": "kiln_entry_bad_size", "abi_version": 2,
     "inputs": [{"name": "a", "dtype": "f32", "shape": ["n"]},
                {"name": "b", "dtype": "f32", "shape": ["m"]}],
     "outputs": [{"name": "c", "dtype": "f32", "shape": ["n"]}]},
    {"name": "ret_code", "symbol": "kiln_entry_ret_code", "abi_version": 2,
     "inputs": [{"name": "x", "dtype": "i32", "shape": []}],
     "outputs": [{"name": "y", "dtype": "f32", "shape": [4]}]},
    {"name": "fail_null", "symbol": "kiln_entry_fail_null", "abi_version": 2,
     "inputs": [{"name": "x", "dtype": "f32", "shape": []}],
     "outputs": [{"name": "y", "dtype": "f32", "shape": []}]}
  ]})";
  // The ABI version of one function ("main"), for the loader's checks.
  const std::string key = R"("abi_version": 2)";
  if (mainAbiVersion != "2")
    manifest.replace(manifest.find(key), key.size(),
                     mainAbiVersion.empty()
                         ? R"("abi_version_missing": 0)"
                         : R"("abi_version": )" + mainAbiVersion);
  return manifest;
}

std::vector<kiln::package::WeightBlob> testWeights() {
  return {{"pad", "u8", {5}, kWeightPad, sizeof kWeightPad},
          {"w", "f32", {4}, kWeightW, sizeof kWeightW}};
}

bool writeTestPackage(const std::string &path, std::string &error) {
  std::string code = kernelBytes();
  if (code.empty()) {
    error = std::string("cannot read ") + KILN_TEST_KERNELS;
    return false;
  }
  return kiln::package::writePackage(path, testManifest(), testWeights(), code,
                                     error);
}

TempDir::TempDir() {
  std::string tmpl =
      (std::filesystem::temp_directory_path() / "kiln-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data()))
    throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::vector<std::string> TempDir::list() const {
  std::vector<std::string> names;
  for (const auto &entry : std::filesystem::directory_iterator(path_))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

} // namespace kiln::test
