// test/unit/ElfDepsTest.cpp - libkiln_runtime.so needs only system libraries and exports only the C API; lib/runner without .pb needs no protobuf.
//
// Reads the ELF file directly (section headers, .dynamic and .dynsym) rather
// than parsing readelf's output.
#include "test/unit/TestPackages.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <elf.h>
#include <set>

namespace {

/// The parts of a 64-bit little-endian ELF shared object the tests look at.
struct ElfInfo {
  std::vector<std::string> needed;
  std::vector<std::string> exported; // defined global/weak dynamic symbols
};

template <typename T> bool readAt(const std::string &file, uint64_t offset, T &out) {
  if (offset > file.size() || file.size() - offset < sizeof(T))
    return false;
  std::memcpy(&out, file.data() + offset, sizeof(T));
  return true;
}

std::string stringAt(const std::string &file, const Elf64_Shdr &strtab,
                     uint64_t index) {
  if (index >= strtab.sh_size || strtab.sh_offset + index >= file.size())
    return "";
  return std::string(file.c_str() + strtab.sh_offset + index);
}

bool parseElf(const std::string &file, ElfInfo &info, std::string &error) {
  Elf64_Ehdr eh;
  if (!readAt(file, 0, eh) || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
      eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB) {
    error = "not a 64-bit little-endian ELF file";
    return false;
  }
  std::vector<Elf64_Shdr> sections(eh.e_shnum);
  for (size_t i = 0; i < sections.size(); ++i)
    if (!readAt(file, eh.e_shoff + i * eh.e_shentsize, sections[i])) {
      error = "truncated section headers";
      return false;
    }
  for (const Elf64_Shdr &s : sections) {
    if ((s.sh_type != SHT_DYNAMIC && s.sh_type != SHT_DYNSYM) ||
        s.sh_link >= sections.size())
      continue;
    const Elf64_Shdr &strtab = sections[s.sh_link];
    for (uint64_t at = 0; at + s.sh_entsize <= s.sh_size && s.sh_entsize; at += s.sh_entsize) {
      if (s.sh_type == SHT_DYNAMIC) {
        Elf64_Dyn dyn;
        if (readAt(file, s.sh_offset + at, dyn) && dyn.d_tag == DT_NEEDED)
          info.needed.push_back(stringAt(file, strtab, dyn.d_un.d_val));
      } else {
        Elf64_Sym sym;
        if (readAt(file, s.sh_offset + at, sym) && sym.st_shndx != SHN_UNDEF &&
            ELF64_ST_BIND(sym.st_info) != STB_LOCAL && sym.st_name != 0)
          info.exported.push_back(stringAt(file, strtab, sym.st_name));
      }
    }
  }
  return true;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

TEST(ElfDeps, RuntimeNeedsOnlySystemLibraries) {
  std::string file = kiln::test::readFile(KILN_RUNTIME_SO);
  ASSERT_FALSE(file.empty()) << "cannot read " << KILN_RUNTIME_SO;
  ElfInfo info;
  std::string error;
  ASSERT_TRUE(parseElf(file, info, error)) << error;

  const std::set<std::string> allowed = {
      "libc.so.6",       "libm.so.6",      "libdl.so.2",
      "libpthread.so.0", "libstdc++.so.6", "libgcc_s.so.1",
      "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1"};
  EXPECT_FALSE(info.needed.empty());
  for (const std::string &lib : info.needed) {
    EXPECT_TRUE(allowed.count(lib)) << "unexpected DT_NEEDED " << lib;
    for (const char *banned : {"mlir", "llvm", "protobuf", "onnx"})
      EXPECT_EQ(lower(lib).find(banned), std::string::npos) << lib;
  }
}

TEST(ElfDeps, RuntimeExportsOnlyTheCApi) {
  ElfInfo info;
  std::string error;
  ASSERT_TRUE(parseElf(kiln::test::readFile(KILN_RUNTIME_SO), info, error)) << error;
  EXPECT_NE(std::find(info.exported.begin(), info.exported.end(), "kiln_function_run"),
            info.exported.end());
  for (const std::string &name : info.exported)
    EXPECT_EQ(name.rfind("kiln_", 0), 0u) << "exported: " << name;
}

TEST(ElfDeps, RunnerWithoutPbNeedsNoProtobuf) {
  auto needsProtobuf = [](const char *path) {
    ElfInfo info;
    std::string error;
    EXPECT_TRUE(parseElf(kiln::test::readFile(path), info, error)) << path << ": " << error;
    EXPECT_FALSE(info.needed.empty()) << path;
    for (const std::string &lib : info.needed)
      if (lower(lib).find("protobuf") != std::string::npos ||
          lower(lib).find("onnx") != std::string::npos)
        return true;
    return false;
  };
  // kiln-run reads .pb files, so the check can tell the difference.
  EXPECT_TRUE(needsProtobuf(KILN_RUN));
  EXPECT_FALSE(needsProtobuf(KILN_RUNNER_NPY_ONLY));
}

} // namespace
