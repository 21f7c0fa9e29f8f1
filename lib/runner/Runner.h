// lib/runner/Runner.h - the command-line runner shared by kiln-run and standalone executables: flags, tensor files, bench.
//
// Links the runtime's C API and runtime/io's core (.npy, inline tensors,
// printing) only. Tensor file formats are passed in (Config::formats), so a
// program without protobuf simply leaves .pb out; lib/runner/PbFormat.h
// adds it for those that link kiln_runner_pb.
#ifndef KILN_LIB_RUNNER_RUNNER_H
#define KILN_LIB_RUNNER_RUNNER_H

#include "runtime/io/HostTensor.h"

#include <cstdio>
#include <string>
#include <vector>

namespace kiln::runner {

/// One tensor file format for --input=@FILE and --output=@FILE, chosen by
/// the file's extension.
struct TensorFormat {
  /// With the dot: ".npy".
  std::string extension;
  /// For --help: "a NumPy array (C order, little-endian)".
  std::string description;
  bool (*read)(const std::string &path, io::HostTensor &out,
               std::string &error) = nullptr;
  /// `name` is the output's name, for formats that store one.
  bool (*write)(const std::string &path, const io::TensorView &t,
                const std::string &name, std::string &error) = nullptr;
};

/// NumPy .npy files (runtime/io, no dependencies).
TensorFormat npyFormat();

/// What the program around the runner provides.
struct Config {
  /// The program's name, for --help and messages ("kiln-run").
  std::string program = "kiln-run";
  /// The tensor file formats, in the order --help lists them.
  std::vector<TensorFormat> formats = {npyFormat()};
  /// A package built into the program (a standalone executable), loaded
  /// with kiln_package_load_from_memory; the command line then takes no
  /// PACKAGE argument. `embeddedName` names it in messages.
  const void *embeddedData = nullptr;
  size_t embeddedSize = 0;
  std::string embeddedName;
  /// Where results and errors go (tests pass memory streams).
  std::FILE *out = stdout;
  std::FILE *err = stderr;
};

/// The parsed command line.
struct Options {
  std::string package;
  std::string function;
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  long bench = 0;
  long threads = 1;
  bool list = false;
  bool verify = false;
  bool help = false;
};

/// The --help text.
std::string usage(const Config &config);

/// Parses the arguments after the program name. Returns false with
/// `error` set (without the "(see --help)" hint) for a bad command line.
bool parseArgs(const Config &config, const std::vector<std::string> &args,
               Options &options, std::string &error);

/// Reads a tensor file by extension among `config.formats`.
bool readTensor(const Config &config, const std::string &path,
                io::HostTensor &out, std::string &error);

/// Writes a tensor file by extension among `config.formats`.
bool writeTensor(const Config &config, const std::string &path,
                 const io::TensorView &t, const std::string &name,
                 std::string &error);

/// The whole program: parses `argv` (argv[0] is skipped), loads the package,
/// runs and prints, saves or benchmarks. Errors go to `config.err` as
/// "<program>: error: <file>: <what>"; returns the exit status: 0, 1 for a
/// failed load, read, run or write, 2 for a bad command line. Never throws.
int runMain(int argc, char **argv, const Config &config);

} // namespace kiln::runner

#endif // KILN_LIB_RUNNER_RUNNER_H
