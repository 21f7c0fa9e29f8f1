// runtime/io/OnnxPb.h - ONNX TensorProto (.pb) files, as in the ONNX test data sets.
#ifndef KILN_RUNTIME_IO_ONNXPB_H
#define KILN_RUNTIME_IO_ONNXPB_H

#include "runtime/io/HostTensor.h"

#include <string>
#include <string_view>

namespace kiln::io {

/// The kiln dtype of an ONNX TensorProto data type (the one map of ONNX's
/// enum, which the compiler's ONNX importer shares); KILN_DTYPE_INVALID for
/// types kiln has no dtype for.
kiln_dtype dtypeFromOnnx(int onnxDataType);

/// Parses a serialized onnx.TensorProto, taking the values from raw_data or
/// from the typed field that goes with its data_type. External data,
/// segments and string tensors are rejected. `name` (the file path) starts
/// every error message.
bool parsePb(std::string_view bytes, const std::string &name, HostTensor &out,
             std::string &error);

/// Reads the .pb file at `path`.
bool readPb(const std::string &path, HostTensor &out, std::string &error);

/// Writes `t` as a TensorProto with raw_data and the given tensor name,
/// atomically.
bool writePb(const std::string &path, const TensorView &t,
             const std::string &tensorName, std::string &error);

} // namespace kiln::io

#endif // KILN_RUNTIME_IO_ONNXPB_H
