// runtime/Executor.h - running a package function: input checks, memref descriptors, result wrapping.
#ifndef KILN_RUNTIME_EXECUTOR_H
#define KILN_RUNTIME_EXECUTOR_H

#include "kiln/runtime.h"

#include <cstdint>

/// The object behind kiln_context. Only the thread count exists today; it is
/// recorded for the thread pool that parallel generated code will receive.
struct kiln_context {
  int32_t numThreads = 1;
};

namespace kiln::rt {

/// Runs `fn` on `inputs` and stores new output tensors in `outputs`
/// (see kiln_function_run for the contract).
kiln_status runFunction(const kiln_function &fn, const kiln_context *context,
                        kiln_tensor *const *inputs, size_t inputCount,
                        kiln_tensor **outputs, size_t outputCount);

} // namespace kiln::rt

#endif // KILN_RUNTIME_EXECUTOR_H
