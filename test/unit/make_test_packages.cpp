// test/unit/make_test_packages.cpp - writes the packages that the kiln-run CLI tests use (a ctest fixture).
#include "runtime/PackageFormat.h"
#include "test/unit/TestPackages.h"

#include <cstdio>

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: kiln_make_test_packages OUT_DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  std::string error;
  if (!kiln::test::writeTestPackage(dir + "/add.kpkg", error)) {
    std::fprintf(stderr, "error: %s\n", error.c_str());
    return 1;
  }
  // One flipped bit in the code section, which a load checks, and one in
  // the weights section, which only --verify reads.
  const std::string bytes = kiln::test::readFile(dir + "/add.kpkg");
  const auto *p = reinterpret_cast<const uint8_t *>(bytes.data());
  const kiln::format::Header h = kiln::format::decodeHeader(p);
  std::string code = bytes, weights = bytes;
  for (uint32_t i = 0; i < h.sectionCount; ++i) {
    kiln::format::Section s = kiln::format::decodeSection(
        p + kiln::format::kHeaderSize + i * kiln::format::kSectionEntrySize);
    if (s.kind == kiln::format::kHostCode)
      code[s.offset + s.size / 2] ^= 0x10;
    if (s.kind == kiln::format::kWeights)
      weights[s.offset + 64] ^= 0x10; // the first byte of weight "w"
  }
  kiln::test::writeFile(dir + "/corrupt.kpkg", code);
  kiln::test::writeFile(dir + "/corrupt-weights.kpkg", weights);
  std::printf("wrote add.kpkg, corrupt.kpkg and corrupt-weights.kpkg in %s\n",
              dir.c_str());
  return 0;
}
