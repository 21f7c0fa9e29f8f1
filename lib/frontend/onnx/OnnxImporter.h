//===- OnnxImporter.h - ONNX models into the `model` dialect ----*- C++ -*-===//
//
// The ONNX frontend: reads an ONNX model (binary protobuf, or the ONNX text
// syntax) and builds a module holding one public `func.func @main` whose body
// uses only the `model` dialect.
//
//   mlir::MLIRContext context;
//   auto module = kiln::onnx_frontend::importOnnxFile(context, "model.onnx");
//   if (failed(module))
//     return failure(); // the reasons went to the context's diagnostics
//
// The function's arguments are the graph inputs that are not initializers, in
// order, and its results the graph outputs. Each carries its ONNX name in a
// `model.name` argument/result attribute; symbolic dims (`dim_param`) become
// `?` and their names are kept in `model.dims` (a #model.dims, present only
// when some dim has a name; see dialects/Model/IR/ModelAttrs.h). Initializers and constants with more than 16 elements are
// `model.weight` ops named after their ONNX value, smaller ones
// `model.constant`. Every op is located at NameLoc(node name, file:0:0).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_LIB_FRONTEND_ONNX_ONNXIMPORTER_H
#define KILN_LIB_FRONTEND_ONNX_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/LLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kiln::onnx_frontend {

/// Imports an ONNX model file (binary protobuf, or the ONNX text syntax when
/// the file's first non-blank, non-comment byte is '<') into a new module with
/// one public func.func @main.
/// Errors are emitted as MLIR diagnostics on `context` (location: the file,
/// and for node errors a NameLoc of the node name) and the result is failure;
/// malformed input never crashes or asserts.
mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
importOnnxFile(mlir::MLIRContext &context, llvm::StringRef path);

/// One row of the importer's operator table (default ONNX domain).
struct SupportedOnnxOp {
  std::string opType;
  int64_t minOpset;
  int64_t maxOpset;
};

/// Every operator the importer handles, with the opset range it accepts; one
/// row per range, sorted by op type. Feeds the support table in the docs.
std::vector<SupportedOnnxOp> getSupportedOnnxOps();

/// The ONNX element types (TensorProto data type names, "FLOAT", ...) the
/// importer accepts, in the enum's order. Feeds the docs too.
std::vector<std::string> getSupportedOnnxElementTypes();

/// Why a default-domain `opType` node at `opset` cannot be imported
/// ("operator is not supported by kiln", "kiln supports X only in opsets A
/// to B"), or "" when it can. Other domains and model-local functions are
/// the caller's to decide.
std::string unsupportedOpReason(llvm::StringRef opType, int64_t opset);

/// Prints the operators (per domain and op type: opset, node count, input
/// element types where declared) and element types an ONNX model uses, each
/// marked supported or not by the operator table, without importing it.
/// Returns whether everything is supported; fails (with a diagnostic) when
/// the file cannot be read.
mlir::FailureOr<bool> printOnnxOpStats(mlir::MLIRContext &context,
                                       llvm::StringRef path,
                                       llvm::raw_ostream &os);

} // namespace kiln::onnx_frontend

#endif // KILN_LIB_FRONTEND_ONNX_ONNXIMPORTER_H
