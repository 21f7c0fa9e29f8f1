//===- OnnxFormula.h - ONNX ops written as formulas of model ops -*- C++ -*-===//
//
// Internal to lib/frontend/onnx: the handlers that spell an ONNX op as a
// formula over elementwise model ops (activations, quantization, windows)
// build it through Formula, which reports the first failure at the node and
// makes every later step a no-op, so a formula reads like its definition
// instead of a ladder of FailureOr checks.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_LIB_FRONTEND_ONNX_ONNXFORMULA_H
#define KILN_LIB_FRONTEND_ONNX_ONNXFORMULA_H

#include "lib/frontend/onnx/OnnxImporterImpl.h"

#include "mlir/IR/TypeUtilities.h"

#include <cmath>

namespace kiln::onnx_frontend {

/// Builds a formula from model ops at a node. The first failure has been
/// reported at the node; later steps then do nothing and yield null values,
/// and `finish` fails.
class Formula {
public:
  /// `element` is the type of `constant(v)` (e.g. the activation's input).
  explicit Formula(NodeImporter &n, mlir::Type element = {})
      : n(n), element(element) {}

  bool failed() const { return hasFailed; }

  /// A rank-0 constant of `type` (float or integer; integers truncate).
  mlir::Value constant(mlir::Type type, double v) {
    mlir::Attribute scalar;
    if (mlir::isa<mlir::FloatType>(type))
      scalar = mlir::FloatAttr::get(type, v);
    else
      scalar = mlir::IntegerAttr::get(type, static_cast<int64_t>(v));
    auto tensor = mlir::RankedTensorType::get({}, type);
    return op<kiln::model::ConstantOp>(
        {}, {n.named("value", mlir::DenseElementsAttr::get(tensor, scalar))});
  }
  mlir::Value constant(double v) { return constant(element, v); }
  mlir::Value f32(double v) {
    return constant(mlir::Float32Type::get(n.getContext()), v);
  }

  template <typename OpTy>
  mlir::Value op(llvm::ArrayRef<mlir::Value> operands,
                 llvm::ArrayRef<mlir::NamedAttribute> attributes = {}) {
    if (hasFailed || llvm::is_contained(operands, mlir::Value()))
      return fail();
    mlir::FailureOr<mlir::Value> result = n.create<OpTy>(operands, attributes);
    return mlir::failed(result) ? fail() : *result;
  }

  mlir::Value add(mlir::Value a, mlir::Value b) {
    return op<kiln::model::AddOp>({a, b});
  }
  mlir::Value sub(mlir::Value a, mlir::Value b) {
    return op<kiln::model::SubOp>({a, b});
  }
  mlir::Value mul(mlir::Value a, mlir::Value b) {
    return op<kiln::model::MulOp>({a, b});
  }
  mlir::Value div(mlir::Value a, mlir::Value b) {
    return op<kiln::model::DivOp>({a, b});
  }
  mlir::Value max(mlir::Value a, mlir::Value b) {
    return op<kiln::model::MaxOp>({a, b});
  }
  mlir::Value min(mlir::Value a, mlir::Value b) {
    return op<kiln::model::MinOp>({a, b});
  }
  mlir::Value less(mlir::Value a, mlir::Value b) {
    return op<kiln::model::LessOp>({a, b});
  }
  mlir::Value greater(mlir::Value a, mlir::Value b) {
    return op<kiln::model::GreaterOp>({a, b});
  }
  mlir::Value select(mlir::Value c, mlir::Value a, mlir::Value b) {
    return op<kiln::model::WhereOp>({c, a, b});
  }
  mlir::Value exp(mlir::Value x) { return op<kiln::model::ExpOp>({x}); }
  /// exp(x) - 1, the negative branch of the ELU family.
  mlir::Value expm1(mlir::Value x) { return sub(exp(x), constant(1)); }
  mlir::Value round(mlir::Value x) { return op<kiln::model::RoundOp>({x}); }
  mlir::Value matmul(mlir::Value a, mlir::Value b) {
    return op<kiln::model::MatMulOp>({a, b});
  }

  /// `x` converted to `type` (x itself when it already is).
  mlir::Value cast(mlir::Value x, mlir::Type type) {
    if (!x || mlir::getElementTypeOrSelf(x) == type)
      return x;
    return op<kiln::model::CastOp>(
        {x}, {n.named("to", mlir::TypeAttr::get(type))});
  }
  mlir::Value toF32(mlir::Value x) {
    return cast(x, mlir::Float32Type::get(n.getContext()));
  }

  /// `x` with size-1 dims inserted at `axes`.
  mlir::Value unsqueeze(mlir::Value x, llvm::ArrayRef<int64_t> axes) {
    if (axes.empty())
      return x;
    return op<kiln::model::UnsqueezeOp>(
        {x}, {n.named("axes", n.i64Array(axes))});
  }

  /// A float `x` clamped to `integer`'s range and converted to it: ONNX's
  /// saturate().
  mlir::Value saturate(mlir::Value x, mlir::IntegerType integer) {
    unsigned width = integer.getWidth();
    bool isUnsigned = integer.isUnsigned();
    double lo = isUnsigned ? 0.0 : -std::ldexp(1.0, width - 1);
    double hi = isUnsigned ? std::ldexp(1.0, width) - 1
                           : std::ldexp(1.0, width - 1) - 1;
    return cast(min(max(x, f32(lo)), f32(hi)), integer);
  }

  /// Defines the node's output 0 as `result`.
  mlir::LogicalResult finish(mlir::Value result) {
    if (hasFailed || !result)
      return mlir::failure();
    return n.setOutput(0, result);
  }

private:
  mlir::Value fail() {
    hasFailed = true;
    return {};
  }

  NodeImporter &n;
  mlir::Type element;
  bool hasFailed = false;
};

} // namespace kiln::onnx_frontend

#endif // KILN_LIB_FRONTEND_ONNX_ONNXFORMULA_H
