//===- ModelToLinalg.h - Patterns lowering `model` to linalg ----*- C++ -*-===//
#ifndef KILN_PASSES_CONVERSION_MODELTOLINALG_H
#define KILN_PASSES_CONVERSION_MODELTOLINALG_H

#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace kiln {

/// Adds every pattern that lowers a `model` op to linalg/tensor/arith/math.
void populateModelToLinalgPatterns(mlir::RewritePatternSet &patterns);

namespace model_to_linalg {

void populateElementwisePatterns(mlir::RewritePatternSet &patterns);
void populateContractionPatterns(mlir::RewritePatternSet &patterns);
void populateDataMovementPatterns(mlir::RewritePatternSet &patterns);

/// Computes a scalar from the scalars of the operands inside a generic body.
using ScalarBuilder = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// Values of the dynamic dims of `resultType`, each read from an operand that
/// has that (right-aligned) dim dynamic too. Broadcasting never stretches a
/// dynamic dim, so any such operand has the result's size.
llvm::SmallVector<mlir::Value>
broadcastDynamicSizes(mlir::OpBuilder &b, mlir::Location loc,
                      mlir::RankedTensorType resultType,
                      mlir::ValueRange operands);

/// The indexing map reading `operandType` broadcast to rank `resultRank`:
/// right-aligned, with stretched size-1 dims read at index 0.
mlir::AffineMap broadcastMap(mlir::RankedTensorType operandType,
                             mlir::RankedTensorType resultType);

/// Builds a `linalg.generic` computing `body` elementwise over the broadcast
/// operands into a fresh tensor of `resultType`.
mlir::Value buildElementwise(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::RankedTensorType resultType,
                             mlir::ValueRange operands, ScalarBuilder body);

/// A tensor of `type` whose every element is `value`.
mlir::Value buildFilled(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType type,
                        mlir::ValueRange dynamicSizes, mlir::Value value);

/// The element type a contraction or a sum over `element` accumulates in:
/// f32 for f16 and bf16, `element` itself otherwise.
mlir::Type accumulatorType(mlir::Type element);

/// Converts the scalar `x` to `to` with ONNX Cast semantics (float <-> int
/// truncates toward zero, to bool compares with 0, f16 <-> bf16 through f32).
mlir::Value convertScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                          mlir::Type to);

/// Groups the dims of the larger-rank side of a unit-dim insertion or removal
/// (the reassociation of the expand_shape / collapse_shape between them): each
/// other dim takes the unit dims that follow it, leading unit dims join the
/// first group. With every dim a unit dim, the groups are empty (rank 0).
llvm::SmallVector<mlir::ReassociationIndices>
unitDimGroups(int64_t largeRank, llvm::ArrayRef<int64_t> unitDims);

/// `tensor.expand_shape` of `source` into `resultType` whose dims are `sizes`,
/// or a `tensor.reshape` where the expand would hit an upstream bug (two
/// dynamic dims in one group). The one way lowerings expand shapes.
mlir::Value buildExpandShape(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::RankedTensorType resultType,
                             mlir::Value source,
                             llvm::ArrayRef<mlir::ReassociationIndices> groups,
                             llvm::ArrayRef<mlir::OpFoldResult> sizes);

/// The dim `dim` of `value` as an index value (constant when static).
mlir::Value dimValue(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                     int64_t dim);

} // namespace model_to_linalg
} // namespace kiln

#endif // KILN_PASSES_CONVERSION_MODELTOLINALG_H
