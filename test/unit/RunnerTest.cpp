// test/unit/RunnerTest.cpp - lib/runner: flags, tensor formats by extension, and running a package built into the program.
#include "lib/runner/PbFormat.h"
#include "lib/runner/Runner.h"
#include "test/unit/TestPackages.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

namespace {

using kiln::runner::Config;
using kiln::runner::Options;

Config withPb() {
  Config c;
  c.formats = {kiln::runner::npyFormat(), kiln::runner::pbFormat()};
  return c;
}

std::string parseError(const Config &config, std::vector<std::string> args) {
  Options o;
  std::string error;
  EXPECT_FALSE(kiln::runner::parseArgs(config, args, o, error));
  return error;
}

TEST(Runner, ParsesFlags) {
  Options o;
  std::string error;
  ASSERT_TRUE(kiln::runner::parseArgs(
      withPb(),
      {"m.kpkg", "--function=f", "--input=@x.npy", "--input=2xf32=1,2",
       "--output=@y.pb", "--bench=3", "--threads=0", "--verify"},
      o, error))
      << error;
  EXPECT_EQ(o.package, "m.kpkg");
  EXPECT_EQ(o.function, "f");
  EXPECT_EQ(o.inputs, (std::vector<std::string>{"@x.npy", "2xf32=1,2"}));
  EXPECT_EQ(o.outputs, std::vector<std::string>{"y.pb"});
  EXPECT_EQ(o.bench, 3);
  EXPECT_EQ(o.threads, 0);
  EXPECT_TRUE(o.verify);

  EXPECT_EQ(parseError(withPb(), {"m.kpkg", "--output=@y.bin"}),
            "--output expects @FILE.npy or @FILE.pb, got '@y.bin'");
  // Without the .pb format, .pb is just another unknown extension.
  EXPECT_EQ(parseError(Config(), {"m.kpkg", "--output=@y.pb"}),
            "--output expects @FILE.npy, got '@y.pb'");
  EXPECT_EQ(parseError(Config(), {"m.kpkg", "--bench=0"}),
            "--bench expects an integer >= 1, got '0'");
  EXPECT_EQ(parseError(Config(), {"m.kpkg", "--threads"}),
            "--threads needs a value: --threads=...");
  EXPECT_EQ(parseError(Config(), {"m.kpkg", "--function="}), "--function needs a name");
  EXPECT_EQ(parseError(Config(), {"m.kpkg", "n.kpkg"}),
            "unexpected argument 'n.kpkg' (one package only)");
  EXPECT_EQ(parseError(Config(), {"--list"}), "no package given");
}

TEST(Runner, ChoosesTensorFormatsByExtension) {
  kiln::test::TempDir dir;
  kiln::io::HostTensor t;
  t.dtype = KILN_DTYPE_F32;
  t.dims = {2};
  t.data = {0, 0, 128, 63, 0, 0, 0, 64}; // 1.0, 2.0
  std::string error;
  for (const char *name : {"t.npy", "t.pb"}) {
    ASSERT_TRUE(kiln::runner::writeTensor(withPb(), dir.file(name), kiln::io::view(t),
                                          "y", error))
        << error;
    kiln::io::HostTensor back;
    ASSERT_TRUE(kiln::runner::readTensor(withPb(), dir.file(name), back, error)) << error;
    EXPECT_EQ(back.data, t.data) << name;
  }
  // .npy starts with its magic, .pb does not: the extension chose the format.
  EXPECT_EQ(kiln::test::readFile(dir.file("t.npy")).substr(1, 5), "NUMPY");
  EXPECT_NE(kiln::test::readFile(dir.file("t.pb")).substr(1, 5), "NUMPY");

  kiln::io::HostTensor back;
  EXPECT_FALSE(kiln::runner::readTensor(withPb(), "x.bin", back, error));
  EXPECT_EQ(error, "x.bin: unknown tensor file type (expected .npy or .pb)");
  EXPECT_FALSE(kiln::runner::readTensor(Config(), dir.file("t.pb"), back, error));
  EXPECT_EQ(error, dir.file("t.pb") + ": unknown tensor file type (expected .npy)");
  EXPECT_FALSE(kiln::runner::writeTensor(Config(), dir.file("u.pb"), kiln::io::view(t),
                                         "y", error));
  EXPECT_EQ(dir.list(), (std::vector<std::string>{"t.npy", "t.pb"}));
}

/// What runMain printed and returned.
struct Captured {
  int status;
  std::string out, err;
};

Captured run(Config config, std::vector<std::string> args) {
  char *outBuf = nullptr, *errBuf = nullptr;
  size_t outLen = 0, errLen = 0;
  config.out = open_memstream(&outBuf, &outLen);
  config.err = open_memstream(&errBuf, &errLen);
  std::string program = "prog";
  std::vector<char *> argv{program.data()};
  for (std::string &a : args)
    argv.push_back(a.data());
  int status = kiln::runner::runMain(int(argv.size()), argv.data(), config);
  std::fclose(config.out);
  std::fclose(config.err);
  Captured c{status, std::string(outBuf, outLen), std::string(errBuf, errLen)};
  std::free(outBuf);
  std::free(errBuf);
  return c;
}

TEST(Runner, RunsAPackageBuiltIntoTheProgram) {
  kiln::test::TempDir dir;
  std::string error;
  ASSERT_TRUE(kiln::test::writeTestPackage(dir.file("add.kpkg"), error)) << error;
  const std::string bytes = kiln::test::readFile(dir.file("add.kpkg"));
  // As an executable would embed it: 64-byte aligned, so it is borrowed.
  void *embedded = std::aligned_alloc(64, (bytes.size() + 63) / 64 * 64);
  ASSERT_NE(embedded, nullptr);
  std::memcpy(embedded, bytes.data(), bytes.size());
  Config config;
  config.program = "prog";
  config.embeddedData = embedded;
  config.embeddedSize = bytes.size();
  config.embeddedName = "model.kpkg (built in)";

  Captured c = run(config, {"--input=1x4xf32=1,2,3,4"});
  EXPECT_EQ(c.status, 0) << c.err;
  EXPECT_EQ(c.out.rfind("y: 1x4 f32\n[[11., 22., 33., 44.]]\n", 0), 0u) << c.out;
  c = run(config, {"--verify"});
  EXPECT_EQ(c.status, 0) << c.err;
  EXPECT_EQ(c.out.rfind("model.kpkg (built in): verified: every section matches", 0), 0u)
      << c.out;
  c = run(config, {"--help"});
  EXPECT_EQ(c.out.rfind("usage: prog [options]\n\nRuns one function of the kiln package "
                        "built into this program (model.kpkg (built in))",
                        0),
            0u)
      << c.out;
  c = run(config, {"add.kpkg", "--list"});
  EXPECT_EQ(c.status, 2);
  EXPECT_EQ(c.err, "prog: error: unexpected argument 'add.kpkg' (the package is built "
                   "into this program) (see --help)\n");
  c = run(config, {"--input=1x4xi32=1,2,3,4"});
  EXPECT_EQ(c.status, 1);
  EXPECT_EQ(c.err, "prog: error: model.kpkg (built in): function 'main': input 'x' "
                   "expects f32, got i32\n");

  // A damaged embedded package fails like a damaged file, under its name.
  config.embeddedSize -= 1;
  c = run(config, {"--list"});
  EXPECT_EQ(c.status, 1);
  EXPECT_EQ(c.err.rfind("prog: error: model.kpkg (built in): truncated package", 0), 0u)
      << c.err;
  std::free(embedded);
}

} // namespace
