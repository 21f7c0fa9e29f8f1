// runtime/CApi.cpp - the package, function and context parts of the C API (include/kiln/runtime.h).
//
// Every entry point that can fail runs inside guard(), so no C++ exception
// crosses the C boundary.
#include "kiln/runtime.h"

#include "runtime/Executor.h"
#include "runtime/Package.h"
#include "runtime/Status.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <system_error>
#include <thread>

using kiln::rt::guard;
using kiln::rt::makeStatus;
using kiln::rt::str;

extern "C" {

kiln_status kiln_context_create(int32_t num_threads,
                                kiln_context **out_context) {
  return guard([&]() -> kiln_status {
    if (!out_context)
      return makeStatus(KILN_INVALID_ARGUMENT, "out_context is NULL");
    *out_context = nullptr;
    if (num_threads < 0)
      return makeStatus(KILN_INVALID_ARGUMENT,
                        str("num_threads is negative (", num_threads, ")"));
    if (num_threads > kiln::rt::kMaxThreads)
      return makeStatus(KILN_INVALID_ARGUMENT,
                        str("num_threads is ", num_threads, ", more than ",
                            kiln::rt::kMaxThreads));
    auto ctx = std::make_unique<kiln_context>();
    unsigned hw = std::thread::hardware_concurrency();
    ctx->numThreads =
        num_threads > 0
            ? num_threads
            : static_cast<int32_t>(std::min<unsigned>(
                  hw ? hw : 1, static_cast<unsigned>(kiln::rt::kMaxThreads)));
    // The calling thread is one of the threads: it works on its own
    // parallel_for jobs, the workers help.
    if (ctx->numThreads > 1) {
      try {
        ctx->pool = std::make_unique<kiln::rt::ThreadPool>(
            static_cast<unsigned>(ctx->numThreads - 1));
      } catch (const std::system_error &e) {
        return makeStatus(KILN_RESOURCE_EXHAUSTED,
                          str("cannot start ", ctx->numThreads - 1,
                              " worker threads: ", e.what()));
      }
    }
    *out_context = ctx.release();
    return nullptr;
  });
}

void kiln_context_free(kiln_context *context) { delete context; }

int32_t kiln_context_num_threads(const kiln_context *context) {
  return context ? context->numThreads : 1;
}

kiln_status kiln_package_load(const char *path, kiln_package **out_package) {
  return guard([&]() -> kiln_status {
    if (!out_package)
      return makeStatus(KILN_INVALID_ARGUMENT, "out_package is NULL");
    *out_package = nullptr;
    if (!path)
      return makeStatus(KILN_INVALID_ARGUMENT, "path is NULL");
    std::unique_ptr<kiln_package> pkg;
    if (kiln_status st = kiln::rt::loadPackage(path, pkg))
      return st;
    *out_package = pkg.release();
    return nullptr;
  });
}

kiln_status kiln_package_load_from_memory(const void *data, size_t size,
                                          const char *name,
                                          kiln_package **out_package) {
  return guard([&]() -> kiln_status {
    if (!out_package)
      return makeStatus(KILN_INVALID_ARGUMENT, "out_package is NULL");
    *out_package = nullptr;
    std::unique_ptr<kiln_package> pkg;
    if (kiln_status st = kiln::rt::loadPackageFromMemory(data, size, name, pkg))
      return st;
    *out_package = pkg.release();
    return nullptr;
  });
}

kiln_status kiln_package_verify(const kiln_package *package) {
  return guard([&]() -> kiln_status {
    if (!package)
      return makeStatus(KILN_INVALID_ARGUMENT, "package is NULL");
    return kiln::rt::verifyPackage(*package);
  });
}

void kiln_package_free(kiln_package *package) { delete package; }

const char *kiln_package_target(const kiln_package *package) {
  return package ? package->target.c_str() : nullptr;
}

size_t kiln_package_function_count(const kiln_package *package) {
  return package ? package->functions.size() : 0;
}

const kiln_function *kiln_package_function_at(const kiln_package *package,
                                              size_t index) {
  if (!package || index >= package->functions.size())
    return nullptr;
  return &package->functions[index];
}

kiln_status kiln_package_find_function(const kiln_package *package,
                                       const char *name,
                                       const kiln_function **out_function) {
  return guard([&]() -> kiln_status {
    if (!out_function)
      return makeStatus(KILN_INVALID_ARGUMENT, "out_function is NULL");
    *out_function = nullptr;
    if (!package || !name)
      return makeStatus(KILN_INVALID_ARGUMENT, "package or name is NULL");
    std::string names;
    for (const kiln_function &fn : package->functions) {
      if (fn.name == name) {
        *out_function = &fn;
        return nullptr;
      }
      names += str(names.empty() ? "" : ", ", "'", fn.name, "'");
    }
    return makeStatus(KILN_NOT_FOUND,
                      str(package->path, ": no function '", name,
                          "' (the package has ",
                          names.empty() ? "none" : names, ")"));
  });
}

const char *kiln_function_name(const kiln_function *function) {
  return function ? function->name.c_str() : nullptr;
}

size_t kiln_function_input_count(const kiln_function *function) {
  return function ? function->inputs.size() : 0;
}

size_t kiln_function_output_count(const kiln_function *function) {
  return function ? function->outputs.size() : 0;
}

const kiln_value_info *kiln_function_input(const kiln_function *function,
                                           size_t index) {
  if (!function || index >= function->inputs.size())
    return nullptr;
  return &function->inputs[index].info;
}

const kiln_value_info *kiln_function_output(const kiln_function *function,
                                            size_t index) {
  if (!function || index >= function->outputs.size())
    return nullptr;
  return &function->outputs[index].info;
}

kiln_status kiln_function_run(const kiln_function *function,
                              const kiln_context *context,
                              kiln_tensor *const *inputs, size_t input_count,
                              kiln_tensor **outputs, size_t output_count) {
  return guard([&]() -> kiln_status {
    if (!function)
      return makeStatus(KILN_INVALID_ARGUMENT, "function is NULL");
    return kiln::rt::runFunction(*function, context, inputs, input_count,
                                 outputs, output_count);
  });
}

kiln_status kiln_function_run_into(const kiln_function *function,
                                   const kiln_context *context,
                                   kiln_tensor *const *inputs,
                                   size_t input_count,
                                   kiln_tensor *const *outputs,
                                   size_t output_count) {
  return guard([&]() -> kiln_status {
    if (!function)
      return makeStatus(KILN_INVALID_ARGUMENT, "function is NULL");
    return kiln::rt::runFunctionInto(*function, context, inputs, input_count,
                                     outputs, output_count);
  });
}

} // extern "C"
