//===- ModelToLinalg.h - Patterns lowering `model` to linalg ----*- C++ -*-===//
#ifndef KILN_PASSES_CONVERSION_MODELTOLINALG_H
#define KILN_PASSES_CONVERSION_MODELTOLINALG_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <optional>

namespace kiln {
namespace model {
class DimEquivalence;
} // namespace model

/// Adds every pattern that lowers a `model` op to linalg/tensor/arith/math.
/// `facts` says which dynamic dims are proven equal (null: none are); every
/// other size relation the lowering relies on is checked at run time.
void populateModelToLinalgPatterns(mlir::RewritePatternSet &patterns,
                                   const model::DimEquivalence *facts);

namespace model_to_linalg {

using DimFacts = model::DimEquivalence;

void populateElementwisePatterns(mlir::RewritePatternSet &patterns,
                                 const DimFacts *facts);
void populateContractionPatterns(mlir::RewritePatternSet &patterns,
                                 const DimFacts *facts);
void populateDataMovementPatterns(mlir::RewritePatternSet &patterns,
                                  const DimFacts *facts);
void populateEinsumPatterns(mlir::RewritePatternSet &patterns,
                            const DimFacts *facts);
void populateReductionPatterns(mlir::RewritePatternSet &patterns,
                               const DimFacts *facts);
void populateScanPatterns(mlir::RewritePatternSet &patterns,
                          const DimFacts *facts);
void populateLayoutPatterns(mlir::RewritePatternSet &patterns,
                            const DimFacts *facts);
void populateGeneratePatterns(mlir::RewritePatternSet &patterns,
                              const DimFacts *facts);
void populateIndexingPatterns(mlir::RewritePatternSet &patterns,
                              const DimFacts *facts);
void populateVisionPatterns(mlir::RewritePatternSet &patterns,
                            const DimFacts *facts);
void populateQuantizationPatterns(mlir::RewritePatternSet &patterns,
                                  const DimFacts *facts);
/// DFT, STFT, mel_weight_matrix and det (Signal.cpp).
void populateSignalPatterns(mlir::RewritePatternSet &patterns,
                            const DimFacts *facts);
/// grid_sample (Sampling.cpp).
void populateSamplingPatterns(mlir::RewritePatternSet &patterns,
                              const DimFacts *facts);
/// model.rms_norm and model.rotary_embedding (Transformer.cpp).
void populateTransformerPatterns(mlir::RewritePatternSet &patterns,
                                 const DimFacts *facts);
void populateRecurrentPatterns(mlir::RewritePatternSet &patterns,
                               const DimFacts *facts);
/// dynamic_slice / dynamic_squeeze / dynamic_unsqueeze, non_zero, compress
/// and dropout (Dynamic.cpp).
void populateDynamicPatterns(mlir::RewritePatternSet &patterns,
                             const DimFacts *facts);

/// A conversion pattern that knows which dims are proven equal.
template <typename OpTy>
struct CheckedPattern : mlir::OpConversionPattern<OpTy> {
  CheckedPattern(mlir::MLIRContext *ctx, const DimFacts *facts)
      : mlir::OpConversionPattern<OpTy>(ctx), facts(facts) {}
  const DimFacts *facts;
};

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

/// Converts `value` elementwise to `element` (f32 accumulators back to f16 or
/// bf16 results); `value` itself when it already has that element type.
mlir::Value convertElements(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value value, mlir::Type element);

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

//===----------------------------------------------------------------------===//
// Run-time checks and broadcasting of sizes the compiler cannot prove
// (Broadcast.cpp)
//===----------------------------------------------------------------------===//

/// "node 'Add_3' (model.add)": the source node a run-time error names (the
/// ONNX node name, or file:line:col of an .mlir input).
std::string describeSource(mlir::Operation *op);

/// Emits `cf.assert %ok, "<source of op>: <what>"`; the target turns it into
/// a run-time error of the run (kiln_status), and the code after it keeps
/// running on clamped sizes, so it must never index out of bounds.
void emitRuntimeCheck(mlir::OpBuilder &b, mlir::Location loc, mlir::Value ok,
                      mlir::Operation *op, const llvm::Twine &what);

/// A zero-filled tensor of `type` with the given sizes (static ones must
/// match `type`): what a guarded operand becomes after a failed check.
mlir::Value zerosOfType(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType type,
                        llvm::ArrayRef<mlir::OpFoldResult> sizes);

/// How an operand dim relates to the broadcast result dim it feeds.
enum class DimRelation {
  Equal,     ///< the same size in every run (static, or proven)
  Stretched, ///< a static 1 against a result dim that may be larger
  Unknown,   ///< dynamic, may be 1 or contradict: handled at run time
};

/// numpy broadcasting of the leading `broadcastDims[k]` dims of each operand
/// to the leading `resultDims` dims of the result.
struct BroadcastPlan {
  llvm::SmallVector<llvm::SmallVector<DimRelation>> relations;
  llvm::SmallVector<int64_t> broadcastDims;
  int64_t resultDims = 0;
  bool anyUnknown = false;
};

/// Plans the broadcast of `modelOperands` (model-level values, which `facts`
/// knows) to `resultType`; `modelResult` (optional) is the model-level value
/// with the result's dims.
BroadcastPlan planBroadcast(llvm::ArrayRef<mlir::Value> modelOperands,
                            llvm::ArrayRef<int64_t> broadcastDims,
                            mlir::RankedTensorType resultType,
                            int64_t resultDims, const DimFacts *facts,
                            mlir::Value modelResult = {});

/// The run-time result sizes of a plan with unknown dims, the check that
/// they broadcast (reported for `op`), and operands safe to read after a
/// failed check (unknown dims replaced by a size-1 zero tensor).
struct GuardedBroadcast {
  llvm::SmallVector<mlir::Value> operands;
  llvm::SmallVector<mlir::Value> sizes; ///< every result dim, as index values
};
GuardedBroadcast guardBroadcast(mlir::OpBuilder &b, mlir::Location loc,
                                mlir::Operation *op, const BroadcastPlan &plan,
                                mlir::ValueRange lowered,
                                mlir::RankedTensorType resultType);

/// The elementwise generic of a guarded broadcast: operands with unknown dims
/// are read at min(i, size - 1), the others through affine maps.
mlir::Value buildGuardedElementwise(mlir::OpBuilder &b, mlir::Location loc,
                                    mlir::RankedTensorType resultType,
                                    const BroadcastPlan &plan,
                                    const GuardedBroadcast &guarded,
                                    ScalarBuilder body);

/// buildElementwise for the model op `op` whose lowered operands are
/// `operands`: the plain generic when every dim is proven, else the guarded
/// one with its run-time check.
mlir::Value buildCheckedElementwise(mlir::OpBuilder &b, mlir::Location loc,
                                    mlir::Operation *op,
                                    mlir::RankedTensorType resultType,
                                    mlir::ValueRange operands,
                                    ScalarBuilder body, const DimFacts *facts);

/// The index constant `v`.
inline mlir::Value indexConstant(mlir::OpBuilder &b, mlir::Location loc,
                                 int64_t v) {
  return mlir::arith::ConstantIndexOp::create(b, loc, v);
}
/// The integer comparison `lhs pred rhs`.
inline mlir::Value cmpi(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::arith::CmpIPredicate pred, mlir::Value lhs,
                        mlir::Value rhs) {
  return mlir::arith::CmpIOp::create(b, loc, pred, lhs, rhs);
}
/// The constant `value` of the float type `type`.
inline mlir::Value floatConstant(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::Type type, double value) {
  return mlir::arith::ConstantOp::create(b, loc, type,
                                         b.getFloatAttr(type, value));
}
/// The zero of the integer or float type `element`.
inline mlir::Value zeroOf(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Type element) {
  return mlir::arith::ConstantOp::create(b, loc, element,
                                         b.getZeroAttr(element));
}

/// The dim `dim` of `value` as an index value (constant when static).
mlir::Value dimValue(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                     int64_t dim);

//===----------------------------------------------------------------------===//
// Run-time guards, indices and shape operands (RuntimeGuards.cpp), shared by
// the layout, generate and indexing lowerings
//===----------------------------------------------------------------------===//

/// The run-time conditions a lowering relies on, and-ed into one check.
struct RuntimeChecks {
  mlir::Value ok; ///< null while nothing is required

  void require(mlir::OpBuilder &b, mlir::Location loc, mlir::Value condition);
  /// Requires dim `i` of `lhs` to equal dim `j` of `rhs` unless both are
  /// static (the verifier compared those).
  void requireEqualDims(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value lhs, int64_t i, mlir::Value rhs,
                        int64_t j);
  /// Requires the run-time `size` to be dim `i` of `type` where that is
  /// static and the size is not `proven` to be it.
  void requireStaticDim(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType type, int64_t i,
                        mlir::Value size, bool proven);
  /// Emits the check naming `op` when anything was required, and returns
  /// the i1 for buildIfValid (null when nothing was).
  mlir::Value emit(mlir::OpBuilder &b, mlir::Location loc, mlir::Operation *op,
                   const llvm::Twine &what);
};

/// `ok ? build() : zeros`: after a failed run-time check, the value an op
/// yields instead of computing from sizes or indices it cannot trust: zeros
/// of `resultType` whose dynamic dims are 0, which nothing reads out of
/// bounds. Just `build()` when `ok` is null (nothing to check) or the
/// constant true.
mlir::Value
buildIfValid(mlir::OpBuilder &b, mlir::Location loc, mlir::Value ok,
             mlir::RankedTensorType resultType,
             llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location)>
                 build);

/// Whether every element of the integer tensor `indices` lies in
/// [-bound, bound): an i1 reduced over the whole tensor, where
/// `bound(b, loc)` builds the (index) bound inside the reduction's body,
/// which may read the element's position with linalg.index.
mlir::Value allIndicesInRange(
    mlir::OpBuilder &b, mlir::Location loc, mlir::Value indices,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location)> bound);

/// Whether `predicate` holds for every element of `tensor` (one reduction).
mlir::Value allOf(mlir::OpBuilder &b, mlir::Location loc, mlir::Value tensor,
                  llvm::function_ref<mlir::Value(mlir::OpBuilder &,
                                                 mlir::Location, mlir::Value)>
                      predicate);

/// An integer index known to lie in [-dim, dim) as an index value in
/// [0, dim): negative indices count from the end (ONNX).
mlir::Value wrapIndex(mlir::OpBuilder &b, mlir::Location loc,
                      mlir::Value index, mlir::Value dim);

/// The logical and of two i1 values.
mlir::Value andOf(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lhs,
                  mlir::Value rhs);

/// One entry of a shape-like operand (expand's shape, pad's pads, ...): its
/// value as an index, and the constant when knownShapeEntries proves it.
struct ShapeOperandEntry {
  mlir::Value value;
  std::optional<int64_t> constant;
};

/// The entries of the shape-like model-level operand `modelValue`, whose
/// lowered tensor is `lowered`: constants where proven, extracted at run
/// time otherwise.
llvm::SmallVector<ShapeOperandEntry> readShapeOperand(mlir::OpBuilder &b,
                                                      mlir::Location loc,
                                                      mlir::Value modelValue,
                                                      mlir::Value lowered);

/// The one element of a lowered scalar tensor (0-D, or 1-D of one element).
mlir::Value extractScalar(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value tensor);

/// Of `sizes` (one per dim of `type`), those of its dynamic dims.
llvm::SmallVector<mlir::Value> dynamicSizesOf(mlir::RankedTensorType type,
                                              llvm::ArrayRef<mlir::Value> sizes);

/// A linalg.generic over a fresh tensor of `resultType` with dims `sizes`
/// (one per dim) that yields `body(b, loc, loop indices)`.
mlir::Value buildIndexed(
    mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType resultType,
    llvm::ArrayRef<mlir::Value> sizes,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                   llvm::ArrayRef<mlir::Value>)>
        body);

} // namespace model_to_linalg
} // namespace kiln

#endif // KILN_PASSES_CONVERSION_MODELTOLINALG_H
