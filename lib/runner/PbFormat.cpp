// lib/runner/PbFormat.cpp - ONNX TensorProto (.pb) files for the runner; a library of its own because it needs protobuf.
#include "lib/runner/PbFormat.h"

#include "runtime/io/OnnxPb.h"

kiln::runner::TensorFormat kiln::runner::pbFormat() {
  TensorFormat f;
  f.extension = ".pb";
  f.description = "an ONNX TensorProto";
  f.read = io::readPb;
  f.write = io::writePb;
  return f;
}
