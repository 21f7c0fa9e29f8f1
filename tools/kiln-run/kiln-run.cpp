// tools/kiln-run/kiln-run.cpp - runs a function of a .kpkg package on tensors from files or the command line.
#include "kiln/runtime.h"
#include "runtime/io/HostTensor.h"
#include "runtime/io/InlineSpec.h"
#include "runtime/io/TensorPrint.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace {

constexpr const char *kUsage = R"(usage: kiln-run PACKAGE [options]

Runs one function of a kiln package (.kpkg) and prints or saves its outputs.

options:
  --function=NAME   the function to run (default: the package's only function,
                    else 'main')
  --input=SPEC      one input; repeat it for each input, in the function's input
                    order (see --list). SPEC is one of
                      @FILE.npy   a NumPy array (C order, little-endian)
                      @FILE.pb    an ONNX TensorProto
                      DIMSxDTYPE=VALUES   an inline tensor, row-major, e.g.
                                  2x3xf32=1,2,3,4,5,6 or f32=1.5 (a scalar);
                                  dtypes: f32 f64 f16 bf16 i8 i16 i32 i64
                                  u8 u16 u32 u64 bool
  --output=@FILE    save an output to FILE (.npy or .pb); repeat it for each
                    output, in order. Files are written whole or not at all.
                    Without --output, each output is printed as
                    'name: SHAPE DTYPE' followed by its values (large tensors
                    are summarized with '...').
  --bench=N         after the first run (the warm-up, whose outputs are
                    printed or saved), time N more runs and print
                    'bench: median_ms=F min_ms=F max_ms=F iters=N ...'
  --threads=N       threads the generated code may use (0 = one per core;
                    default 1). kiln's CPU code is single-threaded today, so
                    this is recorded only.
  --list            print the package's functions and signatures, then exit
  --help            print this help, then exit

Errors are printed as 'kiln-run: error: <file>: <what>'; the exit status is 1
for a failed load, read, run or write, and 2 for a bad command line.
)";

struct Options {
  std::string package;
  std::string function;
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  long bench = 0;
  long threads = 1;
  bool list = false;
  bool help = false;
};

/// Thrown for bad command lines and failures; caught once in main.
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

long parseCount(const std::string &flag, const std::string &value, long min) {
  char *end = nullptr;
  long v = std::strtol(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || v < min || v > 1000000000L)
    usageFail(flag + " expects an integer >= " + std::to_string(min) +
              ", got '" + value + "'");
  return v;
}

Options parseArgs(int argc, char **argv) {
  Options o;
  bool functionGiven = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string flag = arg.substr(0, arg.find('='));
    bool hasValue = arg.find('=') != std::string::npos;
    std::string value = hasValue ? arg.substr(arg.find('=') + 1) : "";
    auto needValue = [&] {
      if (!hasValue)
        usageFail(flag + " needs a value: " + flag + "=...");
    };
    if (arg == "--help" || arg == "-h") {
      o.help = true;
    } else if (arg == "--list") {
      o.list = true;
    } else if (flag == "--function") {
      needValue();
      o.function = value;
      functionGiven = true;
    } else if (flag == "--input") {
      needValue();
      o.inputs.push_back(value);
    } else if (flag == "--output") {
      needValue();
      // Checked before anything runs, so a typo costs no run time.
      auto endsWith = [&](const char *ext) {
        size_t n = std::strlen(ext);
        return value.size() > n + 1 &&
               value.compare(value.size() - n, n, ext) == 0;
      };
      if (value.empty() || value[0] != '@' ||
          !(endsWith(".npy") || endsWith(".pb")))
        usageFail("--output expects @FILE.npy or @FILE.pb, got '" + value +
                  "'");
      o.outputs.push_back(value.substr(1));
    } else if (flag == "--bench") {
      needValue();
      o.bench = parseCount(flag, value, 1);
    } else if (flag == "--threads") {
      needValue();
      o.threads = parseCount(flag, value, 0);
    } else if (arg.size() > 1 && arg[0] == '-') {
      usageFail("unknown option '" + arg + "'");
    } else if (o.package.empty()) {
      o.package = arg;
    } else {
      usageFail("unexpected argument '" + arg + "' (one package only)");
    }
  }
  if (!o.help && o.package.empty())
    usageFail("no package given");
  if (functionGiven && o.function.empty())
    usageFail("--function needs a name");
  return o;
}

/// "batch x 4" style shape of a signature, for --list.
std::string signatureShape(const kiln_value_info &v) {
  if (v.rank == 0)
    return "scalar";
  std::string s;
  for (size_t i = 0; i < v.rank; ++i)
    s += (i ? "x" : "") +
         (v.dims[i] < 0 ? std::string(v.dim_names[i]) : std::to_string(v.dims[i]));
  return s;
}

void listFunctions(const kiln_package *pkg) {
  for (size_t f = 0; f < kiln_package_function_count(pkg); ++f) {
    const kiln_function *fn = kiln_package_function_at(pkg, f);
    std::printf("function %s\n", kiln_function_name(fn));
    for (size_t i = 0; i < kiln_function_input_count(fn); ++i) {
      const kiln_value_info *v = kiln_function_input(fn, i);
      std::printf("  input  %s: %s %s\n", v->name, signatureShape(*v).c_str(),
                  kiln_dtype_name(v->dtype));
    }
    for (size_t i = 0; i < kiln_function_output_count(fn); ++i) {
      const kiln_value_info *v = kiln_function_output(fn, i);
      std::printf("  output %s: %s %s\n", v->name, signatureShape(*v).c_str(),
                  kiln_dtype_name(v->dtype));
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

void loadInput(const std::string &spec, Tensors &inputs) {
  kiln::io::HostTensor host;
  std::string error;
  bool ok = spec.size() > 1 && spec[0] == '@'
                ? kiln::io::readTensorFile(spec.substr(1), host, error)
                : kiln::io::parseInlineTensor(spec, host, error);
  if (!ok)
    fail(error);
  kiln_tensor *t = nullptr;
  check(kiln::io::toKilnTensor(host, &t), spec);
  inputs.items.push_back(t);
}

void printOutputs(const kiln_function *fn, const Tensors &outputs) {
  for (size_t i = 0; i < outputs.items.size(); ++i) {
    kiln::io::TensorView v = kiln::io::view(outputs.items[i]);
    bool summarized = false;
    kiln::io::PrintOptions options;
    std::string text = kiln::io::formatTensor(v, options, summarized);
    std::printf("%s: %s %s\n%s\n", kiln_function_output(fn, i)->name,
                kiln::io::shapeString(v.dims).c_str(),
                kiln_dtype_name(v.dtype), text.c_str());
    if (summarized)
      std::printf("(%llu elements; showing %zu at each end of every axis)\n",
                  static_cast<unsigned long long>(kiln::io::elementCount(v.dims)),
                  options.edgeItems);
  }
}

void writeOutputs(const kiln_function *fn, const Tensors &outputs,
                  const std::vector<std::string> &paths) {
  for (size_t i = 0; i < paths.size(); ++i) {
    std::string error;
    if (!kiln::io::writeTensorFile(paths[i], kiln::io::view(outputs.items[i]),
                                   kiln_function_output(fn, i)->name, error))
      fail(error);
  }
}

void bench(const kiln_function *fn, const kiln_context *ctx,
           const Tensors &inputs, long iterations) {
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
  std::printf("bench: function=%s median_ms=%.4f min_ms=%.4f max_ms=%.4f "
              "iters=%ld threads=%d\n",
              kiln_function_name(fn), median, ms.front(), ms.back(),
              iterations, kiln_context_num_threads(ctx));
}

int run(int argc, char **argv) {
  Options o = parseArgs(argc, argv);
  if (o.help) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  kiln_package *rawPkg = nullptr;
  check(kiln_package_load(o.package.c_str(), &rawPkg), o.package);
  std::unique_ptr<kiln_package, decltype(&kiln_package_free)> pkg(
      rawPkg, kiln_package_free);
  if (o.list) {
    listFunctions(pkg.get());
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
    loadInput(spec, inputs);
  Tensors outputs(outputCount);
  check(kiln_function_run(fn, ctx.get(), inputs.items.data(),
                          inputs.items.size(), outputs.items.data(),
                          outputCount),
        o.package);
  if (o.outputs.empty())
    printOutputs(fn, outputs);
  else
    writeOutputs(fn, outputs, o.outputs);
  if (o.bench > 0)
    bench(fn, ctx.get(), inputs, o.bench);
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  try {
    return run(argc, argv);
  } catch (const Failure &f) {
    std::fflush(stdout);
    std::fprintf(stderr, "kiln-run: error: %s\n", f.message.c_str());
    return f.exitCode;
  } catch (const std::exception &e) {
    std::fflush(stdout);
    std::fprintf(stderr, "kiln-run: error: %s\n", e.what());
    return 1;
  }
}
