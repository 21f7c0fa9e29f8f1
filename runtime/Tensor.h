// runtime/Tensor.h - the kiln_tensor object: a dense row-major host buffer with dtype and dims.
#ifndef KILN_RUNTIME_TENSOR_H
#define KILN_RUNTIME_TENSOR_H

#include "kiln/runtime.h"

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

/// The object behind kiln_tensor. `data` may lie inside `allocation` at an
/// offset (results of the generated code keep the buffer it malloc'ed);
/// `allocation` is always released with free().
struct kiln_tensor {
  kiln_dtype dtype = KILN_DTYPE_INVALID;
  std::vector<int64_t> dims;
  void *data = nullptr;
  void *allocation = nullptr;
  size_t byteSize = 0;

  kiln_tensor() = default;
  kiln_tensor(const kiln_tensor &) = delete;
  kiln_tensor &operator=(const kiln_tensor &) = delete;
  ~kiln_tensor() { std::free(allocation); }
};

namespace kiln::rt {

/// Validates `dims` (each >= 0) and computes the element count and byte size
/// of a `dtype` tensor, rejecting sizes that overflow.
kiln_status checkShape(kiln_dtype dtype, size_t rank, const int64_t *dims,
                       size_t &elementCount, size_t &byteSize);

/// Allocates a zero-filled, 64-byte-aligned tensor.
kiln_status newTensor(kiln_dtype dtype, size_t rank, const int64_t *dims,
                      std::unique_ptr<kiln_tensor> &out);

/// Formats dims as "2x3" ("scalar" for rank 0); symbolic dims (-1) print
/// their name from `names` when given.
std::string shapeString(const std::vector<int64_t> &dims,
                        const std::vector<std::string> *names = nullptr);

} // namespace kiln::rt

#endif // KILN_RUNTIME_TENSOR_H
