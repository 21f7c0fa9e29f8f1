// runtime/Executor.h - running a package function: input checks, memref descriptors, the kiln_exec of a call, result wrapping.
#ifndef KILN_RUNTIME_EXECUTOR_H
#define KILN_RUNTIME_EXECUTOR_H

#include "kiln/runtime.h"
#include "runtime/ThreadPool.h"

#include <cstdint>
#include <memory>

/// The object behind kiln_context: the thread count and the pool of
/// numThreads - 1 workers that parallel_for shares with the calling thread
/// (none for one thread).
struct kiln_context {
  int32_t numThreads = 1;
  std::unique_ptr<kiln::rt::ThreadPool> pool;
};

namespace kiln::rt {

/// The most threads a context may have: a bound on what a typo can start.
inline constexpr int32_t kMaxThreads = 1024;

/// Runs `fn` on `inputs` and stores new output tensors in `outputs`
/// (see kiln_function_run for the contract).
kiln_status runFunction(const kiln_function &fn, const kiln_context *context,
                        kiln_tensor *const *inputs, size_t inputCount,
                        kiln_tensor **outputs, size_t outputCount);

/// Runs `fn` on `inputs` and fills the caller's `outputs` (see
/// kiln_function_run_into for the contract).
kiln_status runFunctionInto(const kiln_function &fn,
                            const kiln_context *context,
                            kiln_tensor *const *inputs, size_t inputCount,
                            kiln_tensor *const *outputs, size_t outputCount);

} // namespace kiln::rt

#endif // KILN_RUNTIME_EXECUTOR_H
