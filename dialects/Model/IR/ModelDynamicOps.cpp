//===- ModelDynamicOps.cpp - Verifiers of the run-time-sized ops ----------===//
//
// Verifiers and type inference of the ops in ModelDynamicOps.td. What is
// checked here is what the types fix (ranks, element types, the static
// length of index operands); values of index operands are the lowering's
// run-time checks.
//
//===----------------------------------------------------------------------===//
#include "dialects/Model/IR/ModelOps.h"

using namespace mlir;
using namespace kiln::model;

namespace {

RankedTensorType rankedType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// Checks that `v` is a 1-D integer tensor of static length and returns it.
FailureOr<int64_t> indexVectorLength(Operation *op, Value v, StringRef what) {
  RankedTensorType type = rankedType(v);
  auto element = dyn_cast<IntegerType>(type.getElementType());
  if (type.getRank() != 1 || type.isDynamicDim(0) || !element ||
      element.getWidth() == 1)
    return op->emitOpError()
           << what << " must be a 1-D integer tensor of static length, got "
           << type;
  return type.getDimSize(0);
}

/// The result has the input's element type and the given rank.
LogicalResult checkResult(Operation *op, RankedTensorType input,
                          RankedTensorType result, int64_t rank) {
  if (result.getElementType() != input.getElementType())
    return op->emitOpError("result element type ")
           << result.getElementType() << " differs from the input's "
           << input.getElementType();
  if (result.getRank() != rank)
    return op->emitOpError("result rank ")
           << result.getRank() << " differs from the expected " << rank;
  return success();
}

} // namespace

LogicalResult DynamicSliceOp::verify() {
  RankedTensorType input = rankedType(getInput());
  SmallVector<int64_t> lengths;
  Value operands[] = {getStarts(), getEnds(), getAxes(), getSteps()};
  StringRef names[] = {"starts", "ends", "axes", "steps"};
  for (auto [v, what] : llvm::zip(operands, names)) {
    FailureOr<int64_t> length = indexVectorLength(*this, v, what);
    if (failed(length))
      return failure();
    lengths.push_back(*length);
  }
  if (!llvm::all_equal(lengths))
    return emitOpError("starts, ends, axes and steps differ in length (")
           << lengths[0] << ", " << lengths[1] << ", " << lengths[2] << ", "
           << lengths[3] << ")";
  return checkResult(*this, input, rankedType(getResult()), input.getRank());
}

LogicalResult DynamicUnsqueezeOp::verify() {
  FailureOr<int64_t> count = indexVectorLength(*this, getAxes(), "axes");
  if (failed(count))
    return failure();
  RankedTensorType input = rankedType(getInput());
  return checkResult(*this, input, rankedType(getResult()),
                     input.getRank() + *count);
}

LogicalResult DynamicSqueezeOp::verify() {
  FailureOr<int64_t> count = indexVectorLength(*this, getAxes(), "axes");
  if (failed(count))
    return failure();
  RankedTensorType input = rankedType(getInput());
  if (*count > input.getRank())
    return emitOpError("cannot squeeze ")
           << *count << " dims of a rank-" << input.getRank() << " input";
  return checkResult(*this, input, rankedType(getResult()),
                     input.getRank() - *count);
}

LogicalResult NonZeroOp::inferReturnTypes(MLIRContext *context,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  RankedTensorType input = rankedType(adaptor.getInput());
  if (input.getRank() == 0)
    return emitOptionalError(loc, "requires an input of rank >= 1");
  types.push_back(RankedTensorType::get({input.getRank(), ShapedType::kDynamic},
                                        IntegerType::get(context, 64)));
  return success();
}

bool NonZeroOp::isCompatibleReturnTypes(TypeRange l, TypeRange r) {
  return isRefinementOf(l, r);
}

LogicalResult CompressOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &types) {
  RankedTensorType input = rankedType(adaptor.getInput());
  RankedTensorType condition = rankedType(adaptor.getCondition());
  if (condition.getRank() != 1 || !condition.getElementType().isInteger(1))
    return emitOptionalError(loc, "condition must be a 1-D i1 tensor, got ",
                             condition);
  if (input.getRank() == 0)
    return emitOptionalError(loc, "requires an input of rank >= 1");
  std::optional<int64_t> axis = adaptor.getAxis();
  if (!axis) {
    types.push_back(RankedTensorType::get({ShapedType::kDynamic},
                                          input.getElementType()));
    return success();
  }
  if (*axis < 0 || *axis >= input.getRank())
    return emitOptionalError(loc, "axis ", *axis, " is out of range [0, ",
                             input.getRank(), ")");
  SmallVector<int64_t> shape(input.getShape());
  shape[*axis] = ShapedType::kDynamic;
  types.push_back(input.clone(shape));
  return success();
}

bool CompressOp::isCompatibleReturnTypes(TypeRange l, TypeRange r) {
  return isRefinementOf(l, r);
}

LogicalResult DropoutOp::inferReturnTypes(MLIRContext *context,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  RankedTensorType input = rankedType(adaptor.getInput());
  RankedTensorType ratio = rankedType(adaptor.getRatio());
  RankedTensorType training = rankedType(adaptor.getTrainingMode());
  if (!isa<FloatType>(input.getElementType()))
    return emitOptionalError(loc, "requires a floating-point input, got ",
                             input.getElementType());
  if (ratio.getRank() != 0 || !isa<FloatType>(ratio.getElementType()))
    return emitOptionalError(loc, "ratio must be a 0-D float tensor, got ",
                             ratio);
  if (training.getRank() != 0 || !training.getElementType().isInteger(1))
    return emitOptionalError(
        loc, "training_mode must be a 0-D i1 tensor, got ", training);
  types.push_back(input);
  types.push_back(input.clone(IntegerType::get(context, 1)));
  return success();
}

bool DropoutOp::isCompatibleReturnTypes(TypeRange l, TypeRange r) {
  return isRefinementOf(l, r);
}
