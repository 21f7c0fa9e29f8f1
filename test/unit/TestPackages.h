// test/unit/TestPackages.h - builds the test package (test_kernels.c + a manifest + weights) and temp dirs for tests.
#ifndef KILN_TEST_UNIT_TESTPACKAGES_H
#define KILN_TEST_UNIT_TESTPACKAGES_H

#include "lib/package/PackageWriter.h"

#include <string>
#include <vector>

namespace kiln::test {

/// The weight "w" that function main adds: {10, 20, 30, 40}.
extern const float kWeightW[4];

/// The bytes of the compiled test_kernels.c shared object.
std::string kernelBytes();

/// The manifest (without "weights") describing test_kernels.c's functions:
/// main, add2, transpose, identity, bad_shape, par_fill, rendezvous,
/// bad_size, ret_code, fail_null. `target` replaces "cpu"; `mainAbiVersion` replaces
/// main's "abi_version" (a JSON value; "" drops the key).
std::string testManifest(const std::string &target = "cpu",
                         const std::string &mainAbiVersion = "2");

/// Two weights: "pad" (u8[5], so that "w" must be realigned) and "w".
std::vector<kiln::package::WeightBlob> testWeights();

/// Writes the test package to `path`; returns false with `error` set.
bool writeTestPackage(const std::string &path, std::string &error);

/// Reads a whole file (empty if unreadable).
std::string readFile(const std::string &path);

/// Writes `bytes` to `path` as is.
void writeFile(const std::string &path, const std::string &bytes);

/// A fresh directory, removed with its contents on destruction.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;

  /// `name` inside the directory.
  std::string file(const std::string &name) const { return path_ + "/" + name; }
  /// The names of the files in the directory, sorted.
  std::vector<std::string> list() const;

private:
  std::string path_;
};

} // namespace kiln::test

#endif // KILN_TEST_UNIT_TESTPACKAGES_H
