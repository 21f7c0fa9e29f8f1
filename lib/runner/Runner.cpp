// lib/runner/Runner.cpp - the command-line runner shared by kiln-run and standalone executables: flags, tensor files, bench.
#include "lib/runner/Runner.h"

#include "kiln/runtime.h"
#include "runtime/io/InlineSpec.h"
#include "runtime/io/Npy.h"
#include "runtime/io/TensorPrint.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace kiln::runner {

TensorFormat npyFormat() {
  TensorFormat f;
  f.extension = ".npy";
  f.description = "a NumPy array (C order, little-endian)";
  f.read = io::readNpy;
  f.write = [](const std::string &path, const io::TensorView &t,
               const std::string &, std::string &error) {
    return io::writeNpy(path, t, error);
  };
  return f;
}

namespace {

bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() > suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// The format of `path`, or nullptr.
const TensorFormat *formatOf(const Config &config, const std::string &path) {
  for (const TensorFormat &f : config.formats)
    if (endsWith(path, f.extension))
      return &f;
  return nullptr;
}

/// ".npy or .pb", for messages.
std::string extensionList(const Config &config, const char *prefix = "") {
  std::string list;
  for (size_t i = 0; i < config.formats.size(); ++i)
    list += (i == 0 ? "" : i + 1 == config.formats.size() ? " or " : ", ") +
            std::string(prefix) + config.formats[i].extension;
  return list;
}

} // namespace

bool readTensor(const Config &config, const std::string &path,
                io::HostTensor &out, std::string &error) {
  const TensorFormat *f = formatOf(config, path);
  if (!f || !f->read) {
    error = path + ": unknown tensor file type (expected " +
            extensionList(config) + ")";
    return false;
  }
  return f->read(path, out, error);
}

bool writeTensor(const Config &config, const std::string &path,
                 const io::TensorView &t, const std::string &name,
                 std::string &error) {
  const TensorFormat *f = formatOf(config, path);
  if (!f || !f->write) {
    error = path + ": unknown tensor file type (expected " +
            extensionList(config) + ")";
    return false;
  }
  return f->write(path, t, name, error);
}

std::string usage(const Config &config) {
  const bool embedded = config.embeddedData != nullptr;
  std::string formats;
  for (const TensorFormat &f : config.formats) {
    std::string item = "@FILE" + f.extension;
    item.resize(std::max<size_t>(item.size() + 1, 12), ' ');
    formats += "                      " + item + f.description + "\n";
  }
  std::string text =
      "usage: " + config.program + (embedded ? " [options]\n\n" : " PACKAGE [options]\n\n") +
      (embedded ? "Runs one function of the kiln package built into this program (" +
                      config.embeddedName + ")\nand prints or saves its outputs.\n"
                : "Runs one function of a kiln package (.kpkg) and prints or saves its outputs.\n") +
      R"(
options:
  --function=NAME   the function to run (default: the package's only function,
                    else 'main')
  --input=SPEC      one input; repeat it for each input, in the function's input
                    order (see --list). SPEC is one of
)" + formats + R"(                      DIMSxDTYPE=VALUES   an inline tensor, row-major, e.g.
                                  2x3xf32=1,2,3,4,5,6 or f32=1.5 (a scalar);
                                  dtypes: f32 f64 f16 bf16 i8 i16 i32 i64
                                  u8 u16 u32 u64 bool
  --output=@FILE    save an output to FILE ()" + extensionList(config) + R"(); repeat it for each
                    output, in order. Files are written whole or not at all.
                    Without --output, each output is printed as
                    'name: SHAPE DTYPE' followed by its values (large tensors
                    are summarized with '...').
  --bench=N         after the first run (the warm-up, whose outputs are
                    printed or saved), time N more runs and print
                    'bench: median_ms=F min_ms=F max_ms=F iters=N ...'
  --threads=N       threads the generated code may use, this one included
                    (0 = one per core; default 1): the runtime starts N-1
                    worker threads for code that uses parallel_for
  --verify          check the checksum of every section, the weights
                    included (a load checks all but the weights), and print
                    the result; then exit, unless --input, --output or
                    --bench ask for a run
  --list            print the package's functions and signatures, then exit
  --help            print this help, then exit

Errors are printed as ')" + config.program + R"(: error: <file>: <what>'; the exit status is 1
for a failed load, read, run or write, and 2 for a bad command line.
)";
  return text;
}

namespace {

/// Parses a count flag's value; "" on success, else the error.
std::string parseCount(const std::string &flag, const std::string &value,
                       long min, long &out) {
  char *end = nullptr;
  long v = std::strtol(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || v < min || v > 1000000000L)
    return flag + " expects an integer >= " + std::to_string(min) + ", got '" +
           value + "'";
  out = v;
  return "";
}

} // namespace

bool parseArgs(const Config &config, const std::vector<std::string> &args,
               Options &o, std::string &error) {
  const bool embedded = config.embeddedData != nullptr;
  bool functionGiven = false;
  for (const std::string &arg : args) {
    std::string flag = arg.substr(0, arg.find('='));
    bool hasValue = arg.find('=') != std::string::npos;
    std::string value = hasValue ? arg.substr(arg.find('=') + 1) : "";
    bool needsValue = flag == "--function" || flag == "--input" ||
                      flag == "--output" || flag == "--bench" ||
                      flag == "--threads";
    if (needsValue && !hasValue) {
      error = flag + " needs a value: " + flag + "=...";
      return false;
    }
    if (arg == "--help" || arg == "-h") {
      o.help = true;
    } else if (arg == "--list") {
      o.list = true;
    } else if (arg == "--verify") {
      o.verify = true;
    } else if (flag == "--function") {
      o.function = value;
      functionGiven = true;
    } else if (flag == "--input") {
      o.inputs.push_back(value);
    } else if (flag == "--output") {
      // Checked before anything runs, so a typo costs no run time.
      if (value.empty() || value[0] != '@' || !formatOf(config, value)) {
        error = "--output expects " + extensionList(config, "@FILE") +
                ", got '" + value + "'";
        return false;
      }
      o.outputs.push_back(value.substr(1));
    } else if (flag == "--bench") {
      error = parseCount(flag, value, 1, o.bench);
    } else if (flag == "--threads") {
      error = parseCount(flag, value, 0, o.threads);
    } else if (arg.size() > 1 && arg[0] == '-') {
      error = "unknown option '" + arg + "'";
    } else if (o.package.empty() && !embedded) {
      o.package = arg;
    } else {
      error = embedded ? "unexpected argument '" + arg +
                             "' (the package is built into this program)"
                       : "unexpected argument '" + arg + "' (one package only)";
    }
    if (!error.empty())
      return false;
  }
  if (embedded)
    o.package = config.embeddedName;
  if (!o.help && o.package.empty()) {
    error = "no package given";
    return false;
  }
  if (functionGiven && o.function.empty()) {
    error = "--function needs a name";
    return false;
  }
  return true;
}

namespace {

/// Thrown for failures inside runMain; caught there once.
struct Failure {
  std::string message;
  int exitCode;
};

[[noreturn]] void fail(const std::string &message) { throw Failure{message, 1}; }
[[noreturn]] void usageFail(const std::string &message) {
  throw Failure{message + " (see --help)", 2};
}

/// Throws on a non-OK status, prefixing `context` (the file involved) when
/// the runtime's message does not already start with it.
void check(kiln_status status, const std::string &context = "") {
  if (!status)
    return;
  std::string message = kiln_status_message(status);
  kiln_status_free(status);
  if (!context.empty() && message.rfind(context + ":", 0) != 0)
    message = context + ": " + message;
  fail(message);
}

/// "batchx4" style shape of a signature, for --list.
std::string signatureShape(const kiln_value_info &v) {
  if (v.rank == 0)
    return "scalar";
  std::string s;
  for (size_t i = 0; i < v.rank; ++i)
    s += (i ? "x" : "") +
         (v.dims[i] < 0 ? std::string(v.dim_names[i]) : std::to_string(v.dims[i]));
  return s;
}

void listFunctions(const Config &config, const kiln_package *pkg) {
  for (size_t f = 0; f < kiln_package_function_count(pkg); ++f) {
    const kiln_function *fn = kiln_package_function_at(pkg, f);
    std::fprintf(config.out, "function %s\n", kiln_function_name(fn));
    for (size_t i = 0; i < kiln_function_input_count(fn); ++i) {
      const kiln_value_info *v = kiln_function_input(fn, i);
      std::fprintf(config.out, "  input  %s: %s %s\n", v->name,
                   signatureShape(*v).c_str(), kiln_dtype_name(v->dtype));
    }
    for (size_t i = 0; i < kiln_function_output_count(fn); ++i) {
      const kiln_value_info *v = kiln_function_output(fn, i);
      std::fprintf(config.out, "  output %s: %s %s\n", v->name,
                   signatureShape(*v).c_str(), kiln_dtype_name(v->dtype));
    }
  }
}

const kiln_function *selectFunction(const kiln_package *pkg,
                                    const Options &o) {
  std::string name = o.function;
  if (name.empty())
    name = kiln_package_function_count(pkg) == 1
               ? kiln_function_name(kiln_package_function_at(pkg, 0))
               : "main";
  const kiln_function *fn = nullptr;
  check(kiln_package_find_function(pkg, name.c_str(), &fn), o.package);
  return fn;
}

/// Owns an array of tensors (inputs or one run's outputs).
struct Tensors {
  std::vector<kiln_tensor *> items;
  explicit Tensors(size_t n = 0) : items(n, nullptr) {}
  Tensors(const Tensors &) = delete;
  Tensors &operator=(const Tensors &) = delete;
  ~Tensors() { clear(); }
  void clear() {
    for (kiln_tensor *&t : items) {
      kiln_tensor_free(t);
      t = nullptr;
    }
  }
};

void loadInput(const Config &config, const std::string &spec, Tensors &inputs) {
  io::HostTensor host;
  std::string error;
  bool ok = spec.size() > 1 && spec[0] == '@'
                ? readTensor(config, spec.substr(1), host, error)
                : io::parseInlineTensor(spec, host, error);
  if (!ok)
    fail(error);
  kiln_tensor *t = nullptr;
  check(io::toKilnTensor(host, &t), spec);
  inputs.items.push_back(t);
}

void printOutputs(const Config &config, const kiln_function *fn,
                  const Tensors &outputs) {
  for (size_t i = 0; i < outputs.items.size(); ++i) {
    io::TensorView v = io::view(outputs.items[i]);
    bool summarized = false;
    io::PrintOptions options;
    std::string text = io::formatTensor(v, options, summarized);
    std::fprintf(config.out, "%s: %s %s\n%s\n", kiln_function_output(fn, i)->name,
                 io::shapeString(v.dims).c_str(), kiln_dtype_name(v.dtype),
                 text.c_str());
    if (summarized)
      std::fprintf(config.out,
                   "(%llu elements; showing %zu at each end of every axis)\n",
                   static_cast<unsigned long long>(io::elementCount(v.dims)),
                   options.edgeItems);
  }
}

void writeOutputs(const Config &config, const kiln_function *fn,
                  const Tensors &outputs, const std::vector<std::string> &paths) {
  for (size_t i = 0; i < paths.size(); ++i) {
    std::string error;
    if (!writeTensor(config, paths[i], io::view(outputs.items[i]),
                     kiln_function_output(fn, i)->name, error))
      fail(error);
  }
}

void bench(const Config &config, const kiln_function *fn,
           const kiln_context *ctx, const Tensors &inputs, long iterations) {
  std::vector<double> ms;
  Tensors outputs(kiln_function_output_count(fn));
  for (long i = 0; i < iterations; ++i) {
    auto start = std::chrono::steady_clock::now();
    kiln_status st =
        kiln_function_run(fn, ctx, inputs.items.data(), inputs.items.size(),
                          outputs.items.data(), outputs.items.size());
    auto end = std::chrono::steady_clock::now();
    check(st);
    outputs.clear();
    ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
  }
  std::sort(ms.begin(), ms.end());
  size_t n = ms.size();
  double median = n % 2 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
  std::fprintf(config.out,
               "bench: function=%s median_ms=%.4f min_ms=%.4f max_ms=%.4f "
               "iters=%ld threads=%d\n",
               kiln_function_name(fn), median, ms.front(), ms.back(),
               iterations, kiln_context_num_threads(ctx));
}

int run(const Config &config, const Options &o) {
  if (o.help) {
    std::fputs(usage(config).c_str(), config.out);
    return 0;
  }
  kiln_package *rawPkg = nullptr;
  if (config.embeddedData)
    check(kiln_package_load_from_memory(config.embeddedData, config.embeddedSize,
                                        config.embeddedName.c_str(), &rawPkg),
          o.package);
  else
    check(kiln_package_load(o.package.c_str(), &rawPkg), o.package);
  std::unique_ptr<kiln_package, decltype(&kiln_package_free)> pkg(
      rawPkg, kiln_package_free);
  if (o.verify) {
    auto start = std::chrono::steady_clock::now();
    check(kiln_package_verify(pkg.get()), o.package);
    auto end = std::chrono::steady_clock::now();
    std::fprintf(config.out,
                 "%s: verified: every section matches its checksum (%.1f ms)\n",
                 o.package.c_str(),
                 std::chrono::duration<double, std::milli>(end - start).count());
    if (o.inputs.empty() && o.outputs.empty() && o.bench == 0 && !o.list)
      return 0;
  }
  if (o.list) {
    listFunctions(config, pkg.get());
    return 0;
  }
  const kiln_function *fn = selectFunction(pkg.get(), o);
  const size_t outputCount = kiln_function_output_count(fn);
  if (!o.outputs.empty() && o.outputs.size() != outputCount)
    usageFail("function '" + std::string(kiln_function_name(fn)) + "' has " +
              std::to_string(outputCount) + " output(s), but " +
              std::to_string(o.outputs.size()) + " --output were given");

  kiln_context *rawCtx = nullptr;
  check(kiln_context_create(static_cast<int32_t>(o.threads), &rawCtx));
  std::unique_ptr<kiln_context, decltype(&kiln_context_free)> ctx(
      rawCtx, kiln_context_free);

  Tensors inputs;
  for (const std::string &spec : o.inputs)
    loadInput(config, spec, inputs);
  Tensors outputs(outputCount);
  check(kiln_function_run(fn, ctx.get(), inputs.items.data(),
                          inputs.items.size(), outputs.items.data(),
                          outputCount),
        o.package);
  if (o.outputs.empty())
    printOutputs(config, fn, outputs);
  else
    writeOutputs(config, fn, outputs, o.outputs);
  if (o.bench > 0)
    bench(config, fn, ctx.get(), inputs, o.bench);
  return 0;
}

} // namespace

int runMain(int argc, char **argv, const Config &config) {
  auto report = [&](const std::string &message) {
    std::fflush(config.out);
    std::fprintf(config.err, "%s: error: %s\n", config.program.c_str(),
                 message.c_str());
  };
  try {
    std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    Options o;
    std::string error;
    if (!parseArgs(config, args, o, error)) {
      report(error + " (see --help)");
      return 2;
    }
    return run(config, o);
  } catch (const Failure &f) {
    report(f.message);
    return f.exitCode;
  } catch (const std::exception &e) {
    report(e.what());
    return 1;
  }
}

} // namespace kiln::runner
