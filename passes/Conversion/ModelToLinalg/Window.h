//===- Window.h - Window geometry of the vision lowerings -------*- C++ -*-===//
//
// What the convolution (Vision.cpp) and pooling (Pooling.cpp) lowerings
// share: index arithmetic that stays constant on static shapes, the
// run-time geometry of each spatial dim (pads, output size, checks), and the
// padded input. See Vision.cpp for the padding scheme.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_PASSES_CONVERSION_MODELTOLINALG_WINDOW_H
#define KILN_PASSES_CONVERSION_MODELTOLINALG_WINDOW_H

#include "dialects/Model/IR/ModelVision.h"
#include "passes/Conversion/ModelToLinalg/ModelToLinalg.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace kiln::model_to_linalg {

/// Index arithmetic on folded values: constants stay attributes and only
/// sizes known at run time become arith ops, so static shapes leave no ops
/// behind.
struct IndexMath {
  mlir::OpBuilder &b;
  mlir::Location loc;

  mlir::OpFoldResult c(int64_t v) { return b.getIndexAttr(v); }
  mlir::Value value(mlir::OpFoldResult x);
  mlir::OpFoldResult add(mlir::OpFoldResult x, mlir::OpFoldResult y);
  mlir::OpFoldResult add(mlir::OpFoldResult x, int64_t y) {
    return add(x, c(y));
  }
  mlir::OpFoldResult sub(mlir::OpFoldResult x, mlir::OpFoldResult y);
  mlir::OpFoldResult mul(mlir::OpFoldResult x, mlir::OpFoldResult y);
  mlir::OpFoldResult mul(mlir::OpFoldResult x, int64_t y) {
    return mul(x, c(y));
  }
  mlir::OpFoldResult floorDiv(mlir::OpFoldResult x, int64_t y);
  mlir::OpFoldResult ceilDiv(mlir::OpFoldResult x, int64_t y);
  mlir::OpFoldResult max(mlir::OpFoldResult x, mlir::OpFoldResult y);
  mlir::OpFoldResult max(mlir::OpFoldResult x, int64_t y) {
    return max(x, c(y));
  }
  mlir::OpFoldResult min(mlir::OpFoldResult x, mlir::OpFoldResult y);
  /// `x < y ? ifLess : otherwise`.
  mlir::OpFoldResult selectLess(mlir::OpFoldResult x, mlir::OpFoldResult y,
                                mlir::OpFoldResult ifLess,
                                mlir::OpFoldResult otherwise);
  /// Checks `x <pred> y` at run time for `op` unless both are constants
  /// (then the verifier has proved it).
  void check(mlir::arith::CmpIPredicate pred, mlir::OpFoldResult x,
             mlir::OpFoldResult y, mlir::Operation *op,
             const llvm::Twine &what);
};

/// One spatial dim of a window op, as sizes known statically or at run time.
struct SpatialPlan {
  mlir::OpFoldResult in;       ///< input size
  mlir::OpFoldResult padBegin; ///< the begin pad (SAME ones computed)
  mlir::OpFoldResult padEnd;   ///< the end pad
  /// The tensor.pad high padding, enough for every window.
  mlir::OpFoldResult high;
  mlir::OpFoldResult out; ///< output size
};

/// The per-dim window attributes of a conv or pooling op.
llvm::SmallVector<model::WindowDim>
windowDims(llvm::ArrayRef<int64_t> kernel, llvm::ArrayRef<int64_t> strides,
           llvm::ArrayRef<int64_t> dilations, llvm::ArrayRef<int64_t> pads);

/// The window geometry of every spatial dim of `input` (dims 2...). A size
/// the compiler cannot prove is checked at run time for `op`: an input
/// shorter than the padded kernel, and a result dim the op's type states
/// statically. `out` is never negative.
llvm::SmallVector<SpatialPlan>
planWindows(mlir::OpBuilder &b, mlir::Location loc, mlir::Operation *op,
            mlir::Value input, llvm::ArrayRef<model::WindowDim> dims,
            model::WindowPadding padding, bool ceilMode,
            mlir::RankedTensorType resultType);

/// `input` padded by `plans` in its spatial dims with `value`; the input
/// itself when every pad is 0.
mlir::Value padSpatial(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Value input, llvm::ArrayRef<SpatialPlan> plans,
                       mlir::Value value);

/// [input dim 0, channels, out...]: the output sizes of a window op.
llvm::SmallVector<mlir::OpFoldResult>
windowOutputSizes(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                  mlir::OpFoldResult channels,
                  llvm::ArrayRef<SpatialPlan> plans);

/// The scalar `value` of `type` (float or integer).
mlir::Value constantOf(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type,
                       double value);

/// The identity of max: -inf for floats, the smallest integer otherwise.
mlir::Value lowestOf(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type);

/// A tensor of `sizes` and `element` filled with `value`.
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         llvm::ArrayRef<mlir::OpFoldResult> sizes,
                         mlir::Type element, mlir::Value value);

/// Converts `value` elementwise to `element` (f32 accumulators back to f16
/// or bf16 results); `value` itself when it has that element type.
mlir::Value castElements(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value value, mlir::Type element);

/// The pooling and LRN patterns (Pooling.cpp).
void populatePoolingPatterns(mlir::RewritePatternSet &patterns);
/// The model.resize pattern (Resize.cpp).
void populateResizePatterns(mlir::RewritePatternSet &patterns);

} // namespace kiln::model_to_linalg

#endif // KILN_PASSES_CONVERSION_MODELTOLINALG_WINDOW_H
