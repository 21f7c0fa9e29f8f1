// runtime/Executor.cpp - running a package function: input checks, memref descriptors, result wrapping.
//
// The calling convention is docs/package-format.md, "Calling convention of
// the code": args[0] is the result area, then one memref descriptor per
// input and per weight, each {allocated, aligned, offset, sizes[r],
// strides[r]} as 64-bit words.
#include "runtime/Executor.h"

#include "runtime/Package.h"
#include "runtime/PackageFormat.h"
#include "runtime/Status.h"
#include "runtime/Tensor.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>

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

/// Reads, checks and wraps the results into output tensors. Buffers the code
/// allocated are adopted without a copy when they are fresh and contiguous;
/// a result that aliases an input, a weight or another result, or is not
/// contiguous, is copied instead, so that every tensor owns exactly its own
/// buffer. On any failure every fresh buffer is freed.
kiln_status wrapResults(const kiln_function &fn, kiln_tensor *const *inputs,
                        const std::vector<int64_t> &area, Bindings &bindings,
                        kiln_tensor **outputs) {
  std::vector<Result> results(fn.outputs.size());
  std::string error;
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

    std::string what = str("output '", sig.name, "'");
    size_t elements = 0;
    if (error.empty())
      error = checkDims(sig, r.sizes, what, bindings);
    if (error.empty()) {
      if (kiln_status st = kiln::rt::checkShape(sig.dtype, rank,
                                                r.sizes.data(), elements,
                                                r.byteSize)) {
        error = str(what, ": ", kiln_status_message(st));
        kiln_status_free(st);
      } else if (elements > 0 && !aligned) {
        error = what + " has no buffer";
      }
    }
    int64_t stride = 1;
    for (size_t d = rank; d-- > 0;) {
      if (r.sizes[d] > 1 && r.strides[d] != stride)
        r.contiguous = false;
      stride *= r.sizes[d];
    }
  }

  // Fresh buffers not adopted by a tensor are freed on every path (an
  // exception included), but only at the end: a later result may alias one.
  struct FreeList {
    std::vector<void *> items;
    ~FreeList() {
      for (void *p : items)
        std::free(p);
    }
  } toFree;
  for (const Result &r : results)
    if (r.owned)
      toFree.items.push_back(r.allocated);
  if (!error.empty())
    return makeStatus(KILN_INTERNAL, str("function '", fn.name,
                                         "' returned a bad result: ", error));

  std::vector<std::unique_ptr<kiln_tensor>> made(results.size());
  for (size_t i = 0; i < results.size(); ++i) {
    const ValueSig &sig = fn.outputs[i];
    Result &r = results[i];
    if (r.owned && r.contiguous && r.byteSize > 0) {
      auto t = std::make_unique<kiln_tensor>();
      t->dtype = sig.dtype;
      t->dims = r.sizes;
      t->byteSize = r.byteSize;
      t->data = const_cast<uint8_t *>(r.data);
      t->allocation = r.allocated;
      toFree.items.erase(
          std::find(toFree.items.begin(), toFree.items.end(), r.allocated));
      made[i] = std::move(t);
      continue;
    }
    if (kiln_status st = kiln::rt::newTensor(sig.dtype, r.sizes.size(),
                                             r.sizes.data(), made[i]))
      return st;
    const size_t elementSize = kiln::format::dtypeSize(sig.dtype);
    if (r.contiguous)
      std::memcpy(made[i]->data, r.data, r.byteSize);
    else
      gather(static_cast<uint8_t *>(made[i]->data), r, elementSize,
             r.byteSize / elementSize);
  }
  for (size_t i = 0; i < made.size(); ++i)
    outputs[i] = made[i].release();
  return nullptr;
}

} // namespace

kiln_status kiln::rt::runFunction(const kiln_function &fn,
                                  const kiln_context *context,
                                  kiln_tensor *const *inputs,
                                  size_t inputCount, kiln_tensor **outputs,
                                  size_t outputCount) {
  // The context only carries the thread count, which single-threaded
  // generated code does not use yet.
  (void)context;
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
    const Weight &weight = fn.package->weights[w];
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

  fn.entry(args.data());
  return wrapResults(fn, inputs, area, bindings, outputs);
}
