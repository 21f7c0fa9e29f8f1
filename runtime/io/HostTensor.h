// runtime/io/HostTensor.h - the host tensor that the .npy, .pb and inline readers produce and the writers consume.
#ifndef KILN_RUNTIME_IO_HOSTTENSOR_H
#define KILN_RUNTIME_IO_HOSTTENSOR_H

#include "kiln/runtime.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kiln::io {

/// A dense row-major tensor owning its bytes.
struct HostTensor {
  kiln_dtype dtype = KILN_DTYPE_INVALID;
  std::vector<int64_t> dims;
  std::vector<uint8_t> data;
};

/// A borrowed view of a dense row-major tensor: what the writers and the
/// printer take, so that they work on HostTensor and kiln_tensor alike.
struct TensorView {
  kiln_dtype dtype = KILN_DTYPE_INVALID;
  std::vector<int64_t> dims;
  const void *data = nullptr;
  size_t byteSize = 0;
};

/// A view of `t`, valid while `t` is alive and unchanged.
TensorView view(const HostTensor &t);

/// The product of `dims` (1 for a scalar); dims are assumed non-negative.
uint64_t elementCount(const std::vector<int64_t> &dims);

/// "2x3", or "scalar" for rank 0.
std::string shapeString(const std::vector<int64_t> &dims);

/// IEEE half and bfloat16 conversions (round to nearest even).
float halfToFloat(uint16_t bits);
uint16_t floatToHalf(float value);
float bf16ToFloat(uint16_t bits);
uint16_t floatToBf16(float value);

/// Reads a whole file; the error names the path.
bool readFileBytes(const std::string &path, std::string &bytes,
                   std::string &error);

// Bridges to the C API. Inline, so that this library does not link the
// runtime: a caller that uses them links kiln_runtime itself.

/// Copies `t` into a new kiln tensor owned by the caller.
inline kiln_status toKilnTensor(const HostTensor &t, kiln_tensor **out) {
  return kiln_tensor_create_copy(t.dtype, t.dims.size(), t.dims.data(),
                                 t.data.data(), t.data.size(), out);
}

/// A view of a kiln tensor, valid while the tensor is alive.
inline TensorView view(kiln_tensor *t) {
  TensorView v;
  v.dtype = kiln_tensor_dtype(t);
  const int64_t *dims = kiln_tensor_dims(t);
  v.dims.assign(dims, dims + kiln_tensor_rank(t));
  v.data = kiln_tensor_data(t);
  v.byteSize = kiln_tensor_byte_size(t);
  return v;
}

} // namespace kiln::io

#endif // KILN_RUNTIME_IO_HOSTTENSOR_H
