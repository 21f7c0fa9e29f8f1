// lib/runner/PbFormat.h - ONNX TensorProto (.pb) files for the runner; a library of its own because it needs protobuf.
#ifndef KILN_LIB_RUNNER_PBFORMAT_H
#define KILN_LIB_RUNNER_PBFORMAT_H

#include "lib/runner/Runner.h"

namespace kiln::runner {

/// ONNX TensorProto files (runtime/io/OnnxPb.h), as in the ONNX test data
/// sets. Linking kiln_runner_pb brings in libonnx's protobuf classes and
/// the protobuf shared library.
TensorFormat pbFormat();

} // namespace kiln::runner

#endif // KILN_LIB_RUNNER_PBFORMAT_H
