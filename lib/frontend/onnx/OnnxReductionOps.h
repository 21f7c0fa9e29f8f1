//===- OnnxReductionOps.h - Building blocks of composed ONNX ops -*- C++
//-*-===//
//
// Internal to the reduction and normalization handlers
// (OnnxReductionOps.cpp, OnnxNormalizationOps.cpp, OnnxTransformerOps.cpp): the small model-op
// compositions that several ONNX ops share, each failing at the node.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_LIB_FRONTEND_ONNX_ONNXREDUCTIONOPS_H
#define KILN_LIB_FRONTEND_ONNX_ONNXREDUCTIONOPS_H

#include "lib/frontend/onnx/OnnxImporterImpl.h"

namespace kiln::onnx_frontend {

/// A rank-0 model.constant of `element` holding `value`.
mlir::FailureOr<mlir::Value> scalarConstant(NodeImporter &n, mlir::Type element,
                                            double value);

/// A 1-D i64 model.constant, or a 0-D one of `values[0]` with `rank0`.
mlir::FailureOr<mlir::Value> i64Constant(NodeImporter &n,
                                         llvm::ArrayRef<int64_t> values,
                                         bool rank0 = false);

/// `OpTy` (a model.reduce_*) of `x` over the sorted, non-negative `axes`
/// (empty: all dims).
template <typename OpTy>
mlir::FailureOr<mlir::Value> reduce(NodeImporter &n, mlir::Value x,
                                    llvm::ArrayRef<int64_t> axes,
                                    bool keepDims) {
  return n.create<OpTy>(
      {x},
      {n.named("axes", n.i64Array(axes)),
       n.named("keepdims", mlir::BoolAttr::get(n.getContext(), keepDims))});
}

/// An elementwise model op of the given operands.
template <typename OpTy, typename... Values>
mlir::FailureOr<mlir::Value> elementwise(NodeImporter &n, Values... operands) {
  return n.create<OpTy>({operands...});
}

/// log_softmax(x) = (x - m) - log(sum(exp(x - m))), m = max(x), along `axis`:
/// never overflows, and keeps the precision of large negative logits that
/// log(softmax(x)) would round to log(0).
mlir::FailureOr<mlir::Value> buildLogSoftmax(NodeImporter &n, mlir::Value x,
                                             int64_t axis);

/// `v` reshaped to the shape of `like` (same element count): a reshape when
/// the shape is static, else a dynamic_reshape to model.shape(like).
mlir::FailureOr<mlir::Value> reshapeLike(NodeImporter &n, mlir::Value v,
                                         mlir::Value like);

/// The stash type of a normalization of `element` that names none: 16-bit
/// floats compute in f32, wider floats in themselves.
mlir::Type defaultStashType(mlir::Type element);

/// The stash type an ONNX `stash_type` attribute names (FLOAT by default):
/// LayerNormalization and RMSNormalization.
mlir::FailureOr<mlir::Type> stashTypeAttr(NodeImporter &n);

} // namespace kiln::onnx_frontend

#endif // KILN_LIB_FRONTEND_ONNX_ONNXREDUCTIONOPS_H
