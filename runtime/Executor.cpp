// runtime/Executor.cpp - running a package function: input checks, memref descriptors, the kiln_exec of a call, result wrapping.
//
// The calling convention is include/kiln/abi.h and docs/package-format.md,
// "Calling convention of the code": `int32_t entry(void **args, kiln_exec
// *exec)`, where args[0] is the result area, then one memref descriptor per
// input and per weight, each {allocated, aligned, offset, sizes[r],
// strides[r]} as 64-bit words.
#include "runtime/Executor.h"

#include "runtime/Package.h"
#include "runtime/PackageFormat.h"
#include "runtime/Status.h"
#include "runtime/Tensor.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>

using kiln::rt::makeStatus;
using kiln::rt::str;
using kiln::rt::ValueSig;

static_assert(sizeof(void *) == sizeof(int64_t),
              "memref descriptors are laid out for 64-bit pointers");

namespace {

/// The size a symbolic dim is bound to, and by whom ("input 'x'").
struct Binding {
  int64_t size;
  std::string by;
};
using Bindings = std::map<std::string, Binding>;

std::string count(size_t n, const char *noun) {
  return str(n, " ", noun, n == 1 ? "" : "s");
}

/// Checks one tensor's dims against a signature, binding symbolic dims.
/// `what` names the value in messages ("input 'x'").
std::string checkDims(const ValueSig &sig, const std::vector<int64_t> &dims,
                      const std::string &what, Bindings &bindings) {
  if (dims.size() != sig.dims.size())
    return str(what, " expects rank ", sig.dims.size(), " (",
               kiln::rt::shapeString(sig.dims, &sig.dimNames), "), got rank ",
               dims.size(), " (", kiln::rt::shapeString(dims), ")");
  for (size_t i = 0; i < dims.size(); ++i) {
    if (sig.dims[i] >= 0) {
      if (dims[i] != sig.dims[i])
        return str(what, " dim ", i, " expects ", sig.dims[i], ", got ",
                   dims[i], " (shape ", kiln::rt::shapeString(dims),
                   ", expected ",
                   kiln::rt::shapeString(sig.dims, &sig.dimNames), ")");
      continue;
    }
    const std::string &name = sig.dimNames[i];
    if (name == "?")
      continue; // Anonymous: binds independently.
    auto [it, inserted] = bindings.try_emplace(name, Binding{dims[i], what});
    if (!inserted && it->second.size != dims[i])
      return str("dim '", name, "' of ", what, " is ", dims[i],
                 " but was bound to ", it->second.size, " by ",
                 it->second.by);
  }
  return "";
}

kiln_status checkInputs(const kiln_function &fn, kiln_tensor *const *inputs,
                        size_t n, Bindings &bindings) {
  const size_t expected = fn.inputs.size();
  auto fail = [&](const std::string &what) {
    return makeStatus(KILN_INVALID_ARGUMENT,
                      str("function '", fn.name, "': ", what));
  };
  if (n < expected)
    return fail(str("expects ", count(expected, "input"), ", got ", n,
                    ": missing input '", fn.inputs[n].name, "'"));
  if (n > expected)
    return fail(str("expects ", count(expected, "input"), ", got ", n,
                    ": unexpected extra input #", expected + 1));
  if (n > 0 && !inputs)
    return fail("inputs is NULL");
  for (size_t i = 0; i < n; ++i) {
    const ValueSig &sig = fn.inputs[i];
    const kiln_tensor *t = inputs[i];
    std::string what = str("input '", sig.name, "'");
    if (!t)
      return fail(what + " is NULL");
    if (t->dtype != sig.dtype)
      return fail(str(what, " expects ", kiln::format::dtypeName(sig.dtype),
                      ", got ", kiln::format::dtypeName(t->dtype)));
    std::string error = checkDims(sig, t->dims, what, bindings);
    if (!error.empty())
      return fail(error);
  }
  return nullptr;
}

/// Appends a contiguous row-major descriptor of `data` to `words`.
void appendDescriptor(std::vector<int64_t> &words, const void *data,
                      const std::vector<int64_t> &dims) {
  auto ptr = static_cast<int64_t>(reinterpret_cast<intptr_t>(data));
  words.push_back(ptr); // allocated: the code never frees inputs
  words.push_back(ptr); // aligned
  words.push_back(0);   // offset
  words.insert(words.end(), dims.begin(), dims.end());
  size_t stridesAt = words.size();
  words.resize(words.size() + dims.size());
  int64_t stride = 1;
  for (size_t i = dims.size(); i-- > 0;) {
    words[stridesAt + i] = stride;
    stride *= dims[i];
  }
}

/// One result descriptor as the code left it.
struct Result {
  void *allocated = nullptr;
  const uint8_t *data = nullptr; // aligned + offset * element size
  std::vector<int64_t> sizes, strides;
  bool owned = false;       // a fresh buffer this call must take or free
  bool contiguous = true;   // row-major without gaps
  size_t byteSize = 0;
};

/// Fresh result buffers not adopted by a tensor are freed on every path (an
/// exception included), but only at the end: a later result may alias one.
struct FreeList {
  std::vector<void *> items;
  FreeList() = default;
  FreeList(const FreeList &) = delete;
  FreeList &operator=(const FreeList &) = delete;
  ~FreeList() {
    for (void *p : items)
      std::free(p);
  }
  void release(void *p) {
    items.erase(std::find(items.begin(), items.end(), p));
  }
};

/// Copies a strided view element by element into a contiguous buffer.
void gather(uint8_t *dst, const Result &r, size_t elementSize,
            size_t elementCount) {
  std::vector<int64_t> index(r.sizes.size(), 0);
  for (size_t n = 0; n < elementCount; ++n) {
    int64_t offset = 0;
    for (size_t i = 0; i < index.size(); ++i)
      offset += index[i] * r.strides[i];
    std::memcpy(dst + n * elementSize, r.data + offset * int64_t(elementSize),
                elementSize);
    for (size_t i = index.size(); i-- > 0;) {
      if (++index[i] < r.sizes[i])
        break;
      index[i] = 0;
    }
  }
}

/// Copies a checked result into `dst` (its byteSize bytes, contiguous).
void copyResult(uint8_t *dst, const Result &r, kiln_dtype dtype) {
  const size_t elementSize = kiln::format::dtypeSize(dtype);
  if (r.contiguous)
    std::memcpy(dst, r.data, r.byteSize);
  else
    gather(dst, r, elementSize, r.byteSize / elementSize);
}

/// Reads the result descriptors the code left in `area`, and lists the
/// fresh buffers among them in `toFree`: those that are neither an input,
/// nor a weight, nor an earlier result.
std::vector<Result> readResults(const kiln_function &fn,
                                kiln_tensor *const *inputs,
                                const std::vector<int64_t> &area,
                                FreeList &toFree) {
  std::vector<Result> results(fn.outputs.size());
  size_t at = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    const ValueSig &sig = fn.outputs[i];
    const size_t rank = sig.dims.size();
    const size_t elementSize = kiln::format::dtypeSize(sig.dtype);
    Result &r = results[i];
    auto word = area.begin() + ptrdiff_t(at);
    r.allocated = reinterpret_cast<void *>(static_cast<intptr_t>(word[0]));
    auto *aligned =
        reinterpret_cast<const uint8_t *>(static_cast<intptr_t>(word[1]));
    r.data = aligned ? aligned + word[2] * int64_t(elementSize) : nullptr;
    r.sizes.assign(word + 3, word + 3 + ptrdiff_t(rank));
    r.strides.assign(word + 3 + ptrdiff_t(rank), word + 3 + 2 * ptrdiff_t(rank));
    at += 3 + 2 * rank;

    r.owned = r.allocated && !fn.package->inMapping(r.allocated);
    for (size_t j = 0; j < fn.inputs.size(); ++j)
      r.owned &= r.allocated != inputs[j]->data;
    for (size_t j = 0; j < i; ++j)
      r.owned &= r.allocated != results[j].allocated;
    if (r.owned)
      toFree.items.push_back(r.allocated);

    int64_t stride = 1;
    for (size_t d = rank; d-- > 0;) {
      if (r.sizes[d] > 1 && r.strides[d] != stride)
        r.contiguous = false;
      stride *= r.sizes[d];
    }
  }
  return results;
}

/// Checks the results against the signature (binding symbolic dims the
/// inputs left open) and computes their byte sizes; "" when they are fine.
std::string checkResults(const kiln_function &fn, std::vector<Result> &results,
                         Bindings &bindings) {
  for (size_t i = 0; i < results.size(); ++i) {
    const ValueSig &sig = fn.outputs[i];
    Result &r = results[i];
    std::string what = str("output '", sig.name, "'");
    std::string error = checkDims(sig, r.sizes, what, bindings);
    if (!error.empty())
      return error;
    size_t elements = 0;
    if (kiln_status st = kiln::rt::checkShape(sig.dtype, r.sizes.size(),
                                              r.sizes.data(), elements,
                                              r.byteSize)) {
      error = str(what, ": ", kiln_status_message(st));
      kiln_status_free(st);
      return error;
    }
    if (elements > 0 && !r.data)
      return what + " has no buffer";
  }
  return "";
}

//===----------------------------------------------------------------------===//
// The execution context of one call (include/kiln/abi.h).
//===----------------------------------------------------------------------===//

/// What kiln_exec.runtime_private points to during one call.
struct CallState {
  kiln::rt::ThreadPool *pool = nullptr;
  int32_t numThreads = 1;
  std::atomic<bool> failed{false};
  std::mutex mutex;
  std::string message; // the first failure; guarded by mutex
};

/// A message from generated code is a NUL-terminated string; the bound
/// keeps a missing terminator from running through memory.
constexpr size_t kMaxFailMessage = 4096;

void execFail(kiln_exec *exec, const char *message) noexcept {
  if (!exec || !exec->runtime_private)
    return;
  auto *state = static_cast<CallState *>(exec->runtime_private);
  if (state->failed.load(std::memory_order_acquire))
    return; // Only the first message counts.
  try {
    std::lock_guard<std::mutex> lock(state->mutex);
    if (state->failed.load(std::memory_order_relaxed))
      return;
    state->message = message ? std::string(message, strnlen(message, kMaxFailMessage))
                             : std::string();
    state->failed.store(true, std::memory_order_release);
  } catch (...) {
    // Out of memory for the message: the failure itself must not be lost.
    state->failed.store(true, std::memory_order_release);
  }
}

void execParallelFor(kiln_exec *exec, int64_t count, int64_t grain,
                     kiln_task_fn body, void *closure) noexcept {
  if (!exec || !exec->runtime_private || !body || count <= 0)
    return;
  auto *state = static_cast<CallState *>(exec->runtime_private);
  grain = std::max<int64_t>(grain, 1);
  // Inline: one thread, a range no bigger than one chunk, or a nested call
  // (its caller already occupies a thread of the pool).
  if (!state->pool || state->numThreads <= 1 || count <= grain ||
      kiln::rt::ThreadPool::inBody()) {
    kiln::rt::ThreadPool::runInline(count, body, closure);
    return;
  }
  // A few chunks per thread even out bodies of uneven cost; never below the
  // grain the code asked for.
  const int64_t pieces = int64_t(state->numThreads) * 4;
  const int64_t chunk =
      std::max(grain, count / pieces + (count % pieces != 0));
  state->pool->parallelFor(count, chunk, body, closure);
}

/// The status of a run whose entry returned `rc` != 0: the kiln_code it
/// names, or KILN_INTERNAL for a value that is none.
kiln_code codeOfReturn(int32_t rc) {
  return rc > KILN_OK && rc <= KILN_INTERNAL ? static_cast<kiln_code>(rc)
                                             : KILN_INTERNAL;
}

/// The result descriptors of one call, and the fresh buffers among them.
struct CallResults {
  std::vector<Result> results;
  FreeList toFree;
};

/// Checks the inputs, calls the entry with a fresh kiln_exec, and reads and
/// checks its results. Every failure after the call frees the fresh
/// buffers (through `out.toFree`).
kiln_status invoke(const kiln_function &fn, const kiln_context *context,
                   kiln_tensor *const *inputs, size_t inputCount,
                   Bindings &bindings, CallResults &out) {
  // All descriptors live in one word vector; args points into it once it no
  // longer grows.
  std::vector<int64_t> words;
  std::vector<size_t> starts;
  for (size_t i = 0; i < inputCount; ++i) {
    starts.push_back(words.size());
    appendDescriptor(words, inputs[i]->data, inputs[i]->dims);
  }
  for (size_t w : fn.weights) {
    starts.push_back(words.size());
    const kiln::rt::Weight &weight = fn.package->weights[w];
    appendDescriptor(words, weight.data, weight.dims);
  }
  size_t areaWords = 0;
  for (const ValueSig &sig : fn.outputs)
    areaWords += 3 + 2 * sig.dims.size();
  std::vector<int64_t> area(areaWords, 0);
  std::vector<void *> args;
  args.push_back(area.data());
  for (size_t s : starts)
    args.push_back(&words[s]);

  CallState state;
  if (context) {
    state.pool = context->pool.get();
    state.numThreads = context->numThreads;
  }
  kiln_exec exec{};
  exec.abi_version = KILN_ABI_VERSION;
  exec.num_threads = static_cast<uint32_t>(state.numThreads);
  exec.parallel_for = execParallelFor;
  exec.fail = execFail;
  exec.cuda_stream = nullptr;
  exec.runtime_private = &state;
  const int32_t rc = fn.entry(args.data(), &exec);

  out.results = readResults(fn, inputs, area, out.toFree);
  if (state.failed.load(std::memory_order_acquire)) {
    std::lock_guard<std::mutex> lock(state.mutex);
    return makeStatus(KILN_INVALID_ARGUMENT,
                      str("function '", fn.name, "': ",
                          state.message.empty() ? "a run-time check failed"
                                                : state.message));
  }
  if (rc != 0)
    return makeStatus(codeOfReturn(rc),
                      str("function '", fn.name, "': the code returned status ",
                          rc, rc > 0 && rc <= KILN_INTERNAL
                                  ? ""
                                  : ", which is not a kiln_code"));
  std::string error = checkResults(fn, out.results, bindings);
  if (!error.empty())
    return makeStatus(KILN_INTERNAL, str("function '", fn.name,
                                         "' returned a bad result: ", error));
  return nullptr;
}

} // namespace

kiln_status kiln::rt::runFunction(const kiln_function &fn,
                                  const kiln_context *context,
                                  kiln_tensor *const *inputs,
                                  size_t inputCount, kiln_tensor **outputs,
                                  size_t outputCount) {
  if (outputCount > 0 && !outputs)
    return makeStatus(KILN_INVALID_ARGUMENT, "outputs is NULL");
  for (size_t i = 0; i < outputCount; ++i)
    outputs[i] = nullptr;
  if (outputCount != fn.outputs.size())
    return makeStatus(KILN_INVALID_ARGUMENT,
                      str("function '", fn.name, "' has ",
                          count(fn.outputs.size(), "output"),
                          ", but the outputs array has room for ",
                          outputCount));
  Bindings bindings;
  if (kiln_status st = checkInputs(fn, inputs, inputCount, bindings))
    return st;
  CallResults call;
  if (kiln_status st = invoke(fn, context, inputs, inputCount, bindings, call))
    return st;

  // Buffers the code allocated are adopted without a copy when they are
  // fresh and contiguous; a result that aliases an input, a weight or
  // another result, or is not contiguous, is copied instead, so that every
  // tensor owns exactly its own buffer.
  std::vector<std::unique_ptr<kiln_tensor>> made(call.results.size());
  for (size_t i = 0; i < call.results.size(); ++i) {
    const ValueSig &sig = fn.outputs[i];
    Result &r = call.results[i];
    if (r.owned && r.contiguous && r.byteSize > 0) {
      auto t = std::make_unique<kiln_tensor>();
      t->dtype = sig.dtype;
      t->dims = r.sizes;
      t->byteSize = r.byteSize;
      t->data = const_cast<uint8_t *>(r.data);
      t->allocation = r.allocated;
      call.toFree.release(r.allocated);
      made[i] = std::move(t);
      continue;
    }
    if (kiln_status st = kiln::rt::newTensor(sig.dtype, r.sizes.size(),
                                             r.sizes.data(), made[i]))
      return st;
    copyResult(static_cast<uint8_t *>(made[i]->data), r, sig.dtype);
  }
  for (size_t i = 0; i < made.size(); ++i)
    outputs[i] = made[i].release();
  return nullptr;
}

kiln_status kiln::rt::runFunctionInto(const kiln_function &fn,
                                      const kiln_context *context,
                                      kiln_tensor *const *inputs,
                                      size_t inputCount,
                                      kiln_tensor *const *outputs,
                                      size_t outputCount) {
  auto fail = [&](const std::string &what) {
    return makeStatus(KILN_INVALID_ARGUMENT,
                      str("function '", fn.name, "': ", what));
  };
  if (outputCount != fn.outputs.size())
    return makeStatus(KILN_INVALID_ARGUMENT,
                      str("function '", fn.name, "' has ",
                          count(fn.outputs.size(), "output"), ", but ",
                          outputCount, " output tensor",
                          outputCount == 1 ? " was" : "s were", " passed"));
  if (outputCount > 0 && !outputs)
    return makeStatus(KILN_INVALID_ARGUMENT, "outputs is NULL");
  Bindings bindings;
  if (kiln_status st = checkInputs(fn, inputs, inputCount, bindings))
    return st;
  // What can be checked before running is: dtype, rank, static dims and
  // dims the inputs bound. The bindings are a copy: the code's results bind
  // the remaining dims below, and must agree with the inputs, not with the
  // caller's guess.
  Bindings guessed = bindings;
  for (size_t i = 0; i < outputCount; ++i) {
    const ValueSig &sig = fn.outputs[i];
    const kiln_tensor *t = outputs[i];
    std::string what = str("output '", sig.name, "'");
    if (!t)
      return fail(what + " is NULL");
    for (size_t j = 0; j < i; ++j)
      if (outputs[j] == t)
        return fail(str(what, " is the same tensor as output '",
                        fn.outputs[j].name, "'"));
    if (t->dtype != sig.dtype)
      return fail(str(what, " expects ", kiln::format::dtypeName(sig.dtype),
                      ", got ", kiln::format::dtypeName(t->dtype)));
    std::string error = checkDims(sig, t->dims, what, guessed);
    if (!error.empty())
      return fail(error);
  }
  CallResults call;
  if (kiln_status st = invoke(fn, context, inputs, inputCount, bindings, call))
    return st;
  // All shapes first, so that a mismatch leaves every tensor untouched.
  for (size_t i = 0; i < outputCount; ++i)
    if (call.results[i].sizes != outputs[i]->dims)
      return fail(str("output '", fn.outputs[i].name, "': the tensor passed is ",
                      kiln::rt::shapeString(outputs[i]->dims),
                      ", but the function produced ",
                      kiln::rt::shapeString(call.results[i].sizes)));
  for (size_t i = 0; i < outputCount; ++i)
    copyResult(static_cast<uint8_t *>(outputs[i]->data), call.results[i],
               fn.outputs[i].dtype);
  return nullptr;
}
