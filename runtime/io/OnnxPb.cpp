// runtime/io/OnnxPb.cpp - ONNX TensorProto reader and writer over the generated protobuf classes.
#include "runtime/io/OnnxPb.h"

#include "runtime/AtomicFile.h"
#include "runtime/PackageFormat.h"

#include <onnx/onnx_pb.h>

#include <climits>
#include <cstring>

namespace kiln::io {
namespace {

using Proto = onnx::TensorProto;

/// ONNX element types and the kiln dtype each maps to.
struct OnnxType {
  int onnx;
  kiln_dtype dtype;
};
constexpr OnnxType kOnnxTypes[] = {
    {Proto::FLOAT, KILN_DTYPE_F32},     {Proto::DOUBLE, KILN_DTYPE_F64},
    {Proto::FLOAT16, KILN_DTYPE_F16},   {Proto::BFLOAT16, KILN_DTYPE_BF16},
    {Proto::INT8, KILN_DTYPE_I8},       {Proto::INT16, KILN_DTYPE_I16},
    {Proto::INT32, KILN_DTYPE_I32},     {Proto::INT64, KILN_DTYPE_I64},
    {Proto::UINT8, KILN_DTYPE_U8},      {Proto::UINT16, KILN_DTYPE_U16},
    {Proto::UINT32, KILN_DTYPE_U32},    {Proto::UINT64, KILN_DTYPE_U64},
    {Proto::BOOL, KILN_DTYPE_BOOL},
};

/// Narrows each value of a typed repeated field to the dtype's width. ONNX
/// stores the narrow integer types, bool, and the 16-bit float bit patterns
/// in int32_data, and u32 in uint64_data; the low bytes of a little-endian
/// value are its narrowed value.
template <typename Field>
void narrowInto(const Field &values, size_t elementSize,
                std::vector<uint8_t> &out) {
  out.resize(size_t(values.size()) * elementSize);
  for (int i = 0; i < values.size(); ++i) {
    auto v = values.Get(i);
    std::memcpy(out.data() + size_t(i) * elementSize, &v, elementSize);
  }
}

} // namespace

kiln_dtype dtypeFromOnnx(int onnxDataType) {
  for (const OnnxType &t : kOnnxTypes)
    if (t.onnx == onnxDataType)
      return t.dtype;
  return KILN_DTYPE_INVALID;
}

bool parsePb(std::string_view bytes, const std::string &name, HostTensor &out,
             std::string &error) {
  auto fail = [&](const std::string &what) {
    error = name + ": " + what;
    return false;
  };
  Proto proto;
  if (bytes.size() > size_t(INT_MAX) ||
      !proto.ParseFromArray(bytes.data(), int(bytes.size())))
    return fail("not a valid ONNX TensorProto");
  if (proto.data_location() == Proto::EXTERNAL)
    return fail("tensor uses external data, which is not supported");
  if (proto.has_segment())
    return fail("segmented tensors are not supported");
  kiln_dtype dtype = dtypeFromOnnx(proto.data_type());
  if (dtype == KILN_DTYPE_INVALID)
    return fail("unsupported ONNX data type " +
                std::string(Proto::DataType_Name(proto.data_type())) + " (" +
                std::to_string(proto.data_type()) + ")");
  std::vector<int64_t> dims(proto.dims().begin(), proto.dims().end());
  for (int64_t d : dims)
    if (d < 0)
      return fail("negative dim " + std::to_string(d));
  const size_t elementSize = format::dtypeSize(dtype);
  const uint64_t count = elementCount(dims);
  if (count > (uint64_t(1) << 48))
    return fail("shape " + shapeString(dims) + " is too large");

  std::vector<uint8_t> data;
  const char *field = "raw_data";
  if (proto.has_raw_data()) {
    // raw_data is little-endian, as is every host kiln runs on.
    data.assign(proto.raw_data().begin(), proto.raw_data().end());
  } else {
    switch (dtype) {
    case KILN_DTYPE_F32:
      field = "float_data";
      narrowInto(proto.float_data(), elementSize, data);
      break;
    case KILN_DTYPE_F64:
      field = "double_data";
      narrowInto(proto.double_data(), elementSize, data);
      break;
    case KILN_DTYPE_I64:
      field = "int64_data";
      narrowInto(proto.int64_data(), elementSize, data);
      break;
    case KILN_DTYPE_U32:
    case KILN_DTYPE_U64:
      field = "uint64_data";
      narrowInto(proto.uint64_data(), elementSize, data);
      break;
    default: // i8 i16 i32 u8 u16 bool f16 bf16
      field = "int32_data";
      narrowInto(proto.int32_data(), elementSize, data);
      break;
    }
  }
  if (data.size() != count * elementSize) {
    bool raw = proto.has_raw_data();
    return fail(std::string(field) + " holds " +
                std::to_string(raw ? data.size() : data.size() / elementSize) +
                (raw ? " bytes" : " values") + ", but shape " +
                shapeString(dims) + " of " + format::dtypeName(dtype) +
                " needs " +
                std::to_string(raw ? count * elementSize : count));
  }
  out.dtype = dtype;
  out.dims = std::move(dims);
  out.data = std::move(data);
  return true;
}

bool readPb(const std::string &path, HostTensor &out, std::string &error) {
  std::string bytes;
  return readFileBytes(path, bytes, error) && parsePb(bytes, path, out, error);
}

bool writePb(const std::string &path, const TensorView &t,
             const std::string &tensorName, std::string &error) {
  Proto proto;
  for (const OnnxType &o : kOnnxTypes)
    if (o.dtype == t.dtype)
      proto.set_data_type(o.onnx);
  if (proto.data_type() == Proto::UNDEFINED) {
    error = path + ": invalid dtype";
    return false;
  }
  proto.set_name(tensorName);
  for (int64_t d : t.dims)
    proto.add_dims(d);
  proto.set_raw_data(t.data, t.byteSize);
  std::string bytes;
  if (!proto.SerializeToString(&bytes)) {
    error = path + ": cannot serialize the tensor";
    return false;
  }
  AtomicFile file(path);
  return file.open(error) && file.write(bytes.data(), bytes.size(), error) &&
         file.commit(error);
}

} // namespace kiln::io
