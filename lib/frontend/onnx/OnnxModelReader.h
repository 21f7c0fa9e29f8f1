//===- OnnxModelReader.h - Bytes to an onnx::ModelProto ---------*- C++ -*-===//
//
// Kept apart from the importer because libonnx's text parser reports some
// malformed input by throwing; its one .cpp is the only exception-enabled
// file of the frontend, and no exception crosses this interface.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_LIB_FRONTEND_ONNX_ONNXMODELREADER_H
#define KILN_LIB_FRONTEND_ONNX_ONNXMODELREADER_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace onnx {
class ModelProto;
} // namespace onnx

namespace kiln::onnx_frontend {

/// Whether `bytes` hold the ONNX text syntax: the first byte that is neither
/// blank nor inside a `#` comment line is '<' (the `<ir_version: ...>`
/// header). No binary ModelProto starts that way: '<', '#' and the blanks
/// are all field tags that ModelProto cannot hold.
bool isOnnxText(llvm::StringRef bytes);

/// Parses `bytes` (binary protobuf, or text per isOnnxText) into `model`.
/// On failure returns false and sets `error` to a one-line reason.
bool parseOnnxModel(llvm::StringRef bytes, onnx::ModelProto &model,
                    std::string &error);

/// Reads the model file at `path` into `model` as parseOnnxModel would parse
/// its contents. A binary model is parsed from the file as a stream, so the
/// file's bytes are never held beside the parsed message (whose initializer
/// bytes then are the one copy of the weights in memory). On failure returns
/// false and sets `error` to a one-line reason.
bool readOnnxModelFile(llvm::StringRef path, onnx::ModelProto &model,
                       std::string &error);

} // namespace kiln::onnx_frontend

#endif // KILN_LIB_FRONTEND_ONNX_ONNXMODELREADER_H
