// test/unit/make_test_packages.cpp - writes the packages that the kiln-run CLI tests use (a ctest fixture).
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
  // One flipped bit in the middle (the code section): only the checksum
  // can tell.
  std::string bytes = kiln::test::readFile(dir + "/add.kpkg");
  bytes[bytes.size() / 2] ^= 0x10;
  kiln::test::writeFile(dir + "/corrupt.kpkg", bytes);
  std::printf("wrote %s/add.kpkg and %s/corrupt.kpkg\n", dir.c_str(),
              dir.c_str());
  return 0;
}
