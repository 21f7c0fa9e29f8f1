// runtime/Tensor.cpp - tensor allocation and the tensor and dtype parts of the C API.
#include "runtime/Tensor.h"

#include "runtime/PackageFormat.h"
#include "runtime/Status.h"

#include <cstring>
#include <limits>

using kiln::rt::guard;
using kiln::rt::makeStatus;
using kiln::rt::str;

kiln_status kiln::rt::checkShape(kiln_dtype dtype, size_t rank,
                                 const int64_t *dims, size_t &elementCount,
                                 size_t &byteSize) {
  size_t elementSize = format::dtypeSize(dtype);
  if (elementSize == 0)
    return makeStatus(KILN_INVALID_ARGUMENT,
                      str("invalid dtype value ", static_cast<int>(dtype)));
  if (rank > 0 && !dims)
    return makeStatus(KILN_INVALID_ARGUMENT,
                      str("dims is NULL for a rank-", rank, " tensor"));
  // Multiply in size_t with an explicit overflow check: a huge or corrupted
  // shape must give an error, not a tiny wrapped-around allocation.
  size_t count = 1;
  const size_t limit = std::numeric_limits<size_t>::max() / elementSize;
  for (size_t i = 0; i < rank; ++i) {
    if (dims[i] < 0)
      return makeStatus(KILN_INVALID_ARGUMENT,
                        str("dim ", i, " is negative (", dims[i], ")"));
    auto d = static_cast<uint64_t>(dims[i]);
    if (d != 0 && count > limit / d)
      return makeStatus(KILN_INVALID_ARGUMENT, "tensor size overflows");
    count *= d;
  }
  elementCount = count;
  byteSize = count * elementSize;
  return nullptr;
}

kiln_status kiln::rt::newTensor(kiln_dtype dtype, size_t rank,
                                const int64_t *dims,
                                std::unique_ptr<kiln_tensor> &out) {
  size_t count = 0, bytes = 0;
  if (kiln_status st = checkShape(dtype, rank, dims, count, bytes))
    return st;
  auto t = std::make_unique<kiln_tensor>();
  t->dtype = dtype;
  t->dims.assign(dims, dims + rank);
  t->byteSize = bytes;
  // aligned_alloc wants a multiple of the alignment, and at least one block
  // so that even an empty tensor has a non-NULL data pointer.
  size_t allocSize = (bytes + 63) / 64 * 64;
  t->allocation = std::aligned_alloc(64, allocSize ? allocSize : 64);
  if (!t->allocation)
    return makeStatus(KILN_RESOURCE_EXHAUSTED,
                      str("cannot allocate a tensor of ", bytes, " bytes"));
  std::memset(t->allocation, 0, bytes);
  t->data = t->allocation;
  out = std::move(t);
  return nullptr;
}

std::string kiln::rt::shapeString(const std::vector<int64_t> &dims,
                                  const std::vector<std::string> *names) {
  if (dims.empty())
    return "scalar";
  std::string s;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i)
      s += 'x';
    s += dims[i] < 0 && names ? (*names)[i] : std::to_string(dims[i]);
  }
  return s;
}

extern "C" {

const char *kiln_dtype_name(kiln_dtype dtype) {
  return kiln::format::dtypeName(dtype);
}

size_t kiln_dtype_size(kiln_dtype dtype) {
  return kiln::format::dtypeSize(dtype);
}

kiln_status kiln_tensor_create_zeroed(kiln_dtype dtype, size_t rank,
                                      const int64_t *dims,
                                      kiln_tensor **out_tensor) {
  return guard([&]() -> kiln_status {
    if (!out_tensor)
      return makeStatus(KILN_INVALID_ARGUMENT, "out_tensor is NULL");
    *out_tensor = nullptr;
    std::unique_ptr<kiln_tensor> t;
    if (kiln_status st = kiln::rt::newTensor(dtype, rank, dims, t))
      return st;
    *out_tensor = t.release();
    return nullptr;
  });
}

kiln_status kiln_tensor_create_copy(kiln_dtype dtype, size_t rank,
                                    const int64_t *dims, const void *data,
                                    size_t byte_size,
                                    kiln_tensor **out_tensor) {
  return guard([&]() -> kiln_status {
    if (!out_tensor)
      return makeStatus(KILN_INVALID_ARGUMENT, "out_tensor is NULL");
    *out_tensor = nullptr;
    std::unique_ptr<kiln_tensor> t;
    if (kiln_status st = kiln::rt::newTensor(dtype, rank, dims, t))
      return st;
    if (byte_size != t->byteSize)
      return makeStatus(
          KILN_INVALID_ARGUMENT,
          str("data has ", byte_size, " bytes, but a ",
              kiln::rt::shapeString(t->dims), " ", kiln_dtype_name(dtype),
              " tensor needs ", t->byteSize));
    if (byte_size && !data)
      return makeStatus(KILN_INVALID_ARGUMENT, "data is NULL");
    if (byte_size)
      std::memcpy(t->data, data, byte_size);
    *out_tensor = t.release();
    return nullptr;
  });
}

void kiln_tensor_free(kiln_tensor *tensor) { delete tensor; }

kiln_dtype kiln_tensor_dtype(const kiln_tensor *tensor) {
  return tensor ? tensor->dtype : KILN_DTYPE_INVALID;
}

size_t kiln_tensor_rank(const kiln_tensor *tensor) {
  return tensor ? tensor->dims.size() : 0;
}

const int64_t *kiln_tensor_dims(const kiln_tensor *tensor) {
  return tensor && !tensor->dims.empty() ? tensor->dims.data() : nullptr;
}

size_t kiln_tensor_element_count(const kiln_tensor *tensor) {
  if (!tensor)
    return 0;
  size_t n = 1;
  for (int64_t d : tensor->dims)
    n *= static_cast<size_t>(d);
  return n;
}

size_t kiln_tensor_byte_size(const kiln_tensor *tensor) {
  return tensor ? tensor->byteSize : 0;
}

void *kiln_tensor_data(kiln_tensor *tensor) {
  return tensor ? tensor->data : nullptr;
}

} // extern "C"
