// test/unit/CpuFeaturesTest.cpp - a package that needs CPU features the machine lacks is refused by name.
#include "kiln/runtime.h"
#include "lib/package/PackageWriter.h"
#include "runtime/CpuFeatures.h"
#include "test/unit/TestPackages.h"

#include <gtest/gtest.h>

namespace {

TEST(CpuFeaturesTest, ListsExactlyTheMissingFeaturesInOrder) {
  auto has = [](const std::string &f) { return f == "avx" || f == "fma"; };
  EXPECT_EQ(kiln::rt::missingCpuFeatures({"avx", "avx2", "fma", "avx512f"}, has),
            (std::vector<std::string>{"avx2", "avx512f"}));
  EXPECT_TRUE(kiln::rt::missingCpuFeatures({}, has).empty());
}

TEST(CpuFeaturesTest, UnknownFeaturesCannotBeCheckedAndPass) {
  EXPECT_TRUE(kiln::rt::hostHasCpuFeature("not-a-feature"));
}

/// The loader refuses a package naming every feature this machine lacks and
/// loads it when none is missing; which case runs depends on the CPU.
TEST(CpuFeaturesTest, LoaderRefusesPackagesForMissingFeatures) {
  const std::vector<std::string> all = {
      "sse4.2",   "avx",      "avx2",     "fma",        "bmi2",      "avx512f",
      "avx512bw", "avx512dq", "avx512vl", "avx512vnni", "avx512bf16"};
  std::vector<std::string> missing =
      kiln::rt::missingCpuFeatures(all, kiln::rt::hostHasCpuFeature);

  std::string list;
  for (const std::string &f : all)
    list += (list.empty() ? "\"" : ", \"") + f + "\"";
  kiln::test::TempDir dir;
  std::string path = dir.file("features.kpkg"), error;
  std::string manifest = R"({"target": "cpu", "cpu_features": [)" + list +
                         R"(], "functions": []})";
  ASSERT_TRUE(kiln::package::writePackage(path, manifest,
                                          kiln::test::testWeights(),
                                          kiln::test::kernelBytes(), error))
      << error;

  kiln_package *pkg = nullptr;
  kiln_status st = kiln_package_load(path.c_str(), &pkg);
  if (missing.empty()) {
    EXPECT_EQ(st, nullptr) << kiln_status_message(st);
  } else {
    std::string expected;
    for (const std::string &f : missing)
      expected += (expected.empty() ? "" : ", ") + f;
    ASSERT_NE(st, nullptr);
    EXPECT_EQ(kiln_status_code(st), KILN_UNIMPLEMENTED);
    EXPECT_NE(std::string(kiln_status_message(st))
                  .find("package code needs CPU features this machine lacks: " +
                        expected + " ("),
              std::string::npos)
        << kiln_status_message(st);
  }
  kiln_status_free(st);
  kiln_package_free(pkg);
}

TEST(CpuFeaturesTest, RejectsMalformedFeatureLists) {
  kiln::test::TempDir dir;
  std::string path = dir.file("bad.kpkg"), error;
  ASSERT_TRUE(kiln::package::writePackage(
      path, R"({"target": "cpu", "cpu_features": [1], "functions": []})",
      kiln::test::testWeights(), kiln::test::kernelBytes(), error))
      << error;
  kiln_package *pkg = nullptr;
  kiln_status st = kiln_package_load(path.c_str(), &pkg);
  ASSERT_NE(st, nullptr);
  EXPECT_NE(std::string(kiln_status_message(st))
                .find("manifest cpu_features must be an array of strings"),
            std::string::npos)
      << kiln_status_message(st);
  kiln_status_free(st);
}

} // namespace
