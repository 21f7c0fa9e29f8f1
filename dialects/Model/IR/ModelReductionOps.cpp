//===- ModelReductionOps.cpp - Inference and verifiers of reductions ------===//
//
// The ops of ModelReductionOps.td: reductions, arg-reductions, cumsum, top-k
// and layer normalization. Their op classes are generated into
// ModelOps.cpp.inc with the rest of the dialect; this file holds only their
// hand-written methods.
//
//===----------------------------------------------------------------------===//
#include "dialects/Model/IR/ModelOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace kiln::model;

#define KILN_REFINABLE(OP)                                                     \
  bool OP::isCompatibleReturnTypes(TypeRange l, TypeRange r) {                 \
    return isRefinementOf(l, r);                                               \
  }

static RankedTensorType rankedType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

static std::string dimString(int64_t d) {
  return ShapedType::isDynamic(d) ? std::string("?") : std::to_string(d);
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

/// The shape after reducing `axes` of `shape` (all of them when empty).
static SmallVector<int64_t>
reducedShape(ArrayRef<int64_t> shape, ArrayRef<int64_t> axes, bool keepDims) {
  SmallVector<int64_t> result;
  for (auto [i, d] : llvm::enumerate(shape)) {
    bool reduced = axes.empty() || llvm::is_contained(axes, (int64_t)i);
    if (!reduced)
      result.push_back(d);
    else if (keepDims)
      result.push_back(1);
  }
  return result;
}

static LogicalResult inferReduce(std::optional<Location> loc, Value input,
                                 ArrayRef<int64_t> axes, bool keepDims,
                                 SmallVectorImpl<Type> &types) {
  RankedTensorType type = rankedType(input);
  if (failed(checkAxes(loc, axes, type.getRank(), "reduction")))
    return failure();
  types.push_back(type.clone(reducedShape(type.getShape(), axes, keepDims)));
  return success();
}

/// Sums, means and products of booleans are not defined (ONNX has none);
/// max and min of i1 are `or` and `and`.
#define KILN_REDUCE(OP, ALLOWS_I1)                                             \
  LogicalResult OP::inferReturnTypes(                                          \
      MLIRContext *, std::optional<Location> loc, Adaptor adaptor,             \
      SmallVectorImpl<Type> &types) {                                          \
    return inferReduce(loc, adaptor.getInput(), adaptor.getAxes(),             \
                       adaptor.getKeepdims(), types);                          \
  }                                                                            \
  KILN_REFINABLE(OP)                                                           \
  LogicalResult OP::verify() {                                                 \
    Type element = getInput().getType().getElementType();                      \
    if (!isa<FloatType, IntegerType>(element))                                 \
      return emitOpError("requires an integer or float tensor, got ")          \
             << element;                                                       \
    if (!ALLOWS_I1 && element.isInteger(1))                                    \
      return emitOpError("is not defined on i1 tensors");                      \
    return success();                                                          \
  }

KILN_REDUCE(ReduceSumOp, false)
KILN_REDUCE(ReduceMeanOp, false)
KILN_REDUCE(ReduceProdOp, false)
KILN_REDUCE(ReduceMaxOp, true)
KILN_REDUCE(ReduceMinOp, true)
#undef KILN_REDUCE

LogicalResult DynamicReduceOp::inferReturnTypes(MLIRContext *,
                                                std::optional<Location> loc,
                                                Adaptor adaptor,
                                                SmallVectorImpl<Type> &types) {
  RankedTensorType type = rankedType(adaptor.getInput());
  auto axes = rankedType(adaptor.getAxes());
  auto element = dyn_cast<IntegerType>(axes.getElementType());
  if (axes.getRank() != 1 || axes.isDynamicDim(0) || !element ||
      (element.getWidth() != 32 && element.getWidth() != 64))
    return emitOptionalError(
        loc, "axes must be a 1-D i32/i64 tensor of static length, got ",
        adaptor.getAxes().getType());
  int64_t count = axes.getDimSize(0), rank = type.getRank();
  if (count > rank)
    return emitOptionalError(loc, count, " axes for a rank-", rank, " input");
  SmallVector<int64_t> shape;
  if (adaptor.getKeepdims()) {
    for (int64_t d : type.getShape())
      shape.push_back(d == 1 ? 1 : ShapedType::kDynamic);
  } else {
    shape.assign(rank - count, ShapedType::kDynamic);
  }
  types.push_back(type.clone(shape));
  return success();
}
KILN_REFINABLE(DynamicReduceOp)

LogicalResult DynamicReduceOp::verify() {
  StringRef kind = getKind();
  if (kind != "sum" && kind != "mean" && kind != "prod" && kind != "max" &&
      kind != "min")
    return emitOpError("kind must be sum, mean, prod, max or min, got '")
           << kind << "'";
  Type element = getInput().getType().getElementType();
  if (!isa<FloatType, IntegerType>(element))
    return emitOpError("requires an integer or float tensor, got ") << element;
  if (element.isInteger(1) && kind != "max" && kind != "min")
    return emitOpError("'") << kind << "' is not defined on i1 tensors";
  return success();
}

#define KILN_ARG_REDUCE(OP)                                                    \
  LogicalResult OP::inferReturnTypes(                                          \
      MLIRContext *context, std::optional<Location> loc, Adaptor adaptor,      \
      SmallVectorImpl<Type> &types) {                                          \
    RankedTensorType type = rankedType(adaptor.getInput());                    \
    int64_t axis = adaptor.getAxis();                                          \
    if (axis < 0 || axis >= type.getRank())                                    \
      return emitOptionalError(loc, "axis ", axis, " is out of range [0, ",    \
                               type.getRank(), ")");                           \
    types.push_back(RankedTensorType::get(                                     \
        reducedShape(type.getShape(), {axis}, adaptor.getKeepdims()),          \
        IntegerType::get(context, 64)));                                       \
    return success();                                                          \
  }                                                                            \
  KILN_REFINABLE(OP)                                                           \
  LogicalResult OP::verify() {                                                 \
    Type element = getInput().getType().getElementType();                      \
    if (!isa<FloatType, IntegerType>(element) || element.isInteger(1))         \
      return emitOpError("requires an integer (not i1) or float tensor, got ") \
             << element;                                                       \
    return success();                                                          \
  }

KILN_ARG_REDUCE(ArgMaxOp)
KILN_ARG_REDUCE(ArgMinOp)
#undef KILN_ARG_REDUCE

//===----------------------------------------------------------------------===//
// Scans and selection
//===----------------------------------------------------------------------===//

/// A scalar-like integer operand: 0-D or a single element, i32 or i64.
static bool isIndexScalar(Type type, bool allowRank0) {
  auto t = cast<RankedTensorType>(type);
  auto element = dyn_cast<IntegerType>(t.getElementType());
  if (!element || (element.getWidth() != 32 && element.getWidth() != 64))
    return false;
  if (t.getRank() == 0)
    return allowRank0;
  return t.getRank() == 1 && t.getDimSize(0) == 1;
}

LogicalResult CumSumOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  types.push_back(adaptor.getInput().getType());
  return success();
}
KILN_REFINABLE(CumSumOp)

LogicalResult CumSumOp::verify() {
  RankedTensorType type = getInput().getType();
  Type element = type.getElementType();
  if (!isa<FloatType, IntegerType>(element) || element.isInteger(1))
    return emitOpError("requires an integer (not i1) or float tensor, got ")
           << element;
  if (type.getRank() == 0)
    return emitOpError("requires an input of rank >= 1");
  if (!isIndexScalar(getAxis().getType(), /*allowRank0=*/true))
    return emitOpError("axis must be a 0-D or 1-element i32/i64 tensor, got ")
           << getAxis().getType();
  DenseIntElementsAttr axis;
  if (matchPattern(getAxis(), m_Constant(&axis))) {
    int64_t a = (*axis.begin()).getSExtValue(), rank = type.getRank();
    if (a < -rank || a >= rank)
      return emitOpError("axis ")
             << a << " is out of range [" << -rank << ", " << rank << ")";
  }
  return success();
}

LogicalResult TopKOp::inferReturnTypes(MLIRContext *context,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &types) {
  RankedTensorType type = rankedType(adaptor.getInput());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= type.getRank())
    return emitOptionalError(loc, "axis ", axis, " is out of range [0, ",
                             type.getRank(), ")");
  if (!isIndexScalar(adaptor.getK().getType(), /*allowRank0=*/false) ||
      !rankedType(adaptor.getK()).getElementType().isInteger(64))
    return emitOptionalError(loc, "k must be a 1-element i64 tensor, got ",
                             adaptor.getK().getType());
  SmallVector<int64_t> shape(type.getShape());
  shape[axis] = ShapedType::kDynamic;
  DenseIntElementsAttr k;
  if (matchPattern(adaptor.getK(), m_Constant(&k))) {
    int64_t kValue = (*k.begin()).getSExtValue();
    int64_t dim = type.getDimSize(axis);
    if (kValue < 0 || (!ShapedType::isDynamic(dim) && kValue > dim))
      return emitOptionalError(loc, "k = ", kValue,
                               " is out of range for a dim of size ",
                               dimString(dim));
    shape[axis] = kValue;
  }
  types.push_back(type.clone(shape));
  types.push_back(RankedTensorType::get(shape, IntegerType::get(context, 64)));
  return success();
}
KILN_REFINABLE(TopKOp)

LogicalResult TopKOp::verify() {
  Type element = getInput().getType().getElementType();
  if (!isa<FloatType, IntegerType>(element) || element.isInteger(1))
    return emitOpError("requires an integer (not i1) or float tensor, got ")
           << element;
  return success();
}

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  RankedTensorType type = rankedType(adaptor.getInput());
  int64_t rank = type.getRank(), axis = adaptor.getAxis();
  if (axis < 0 || axis >= rank)
    return emitOptionalError(loc, "axis ", axis, " is out of range [0, ", rank,
                             ")");
  // The result is x's shape; a dim x leaves dynamic takes a size that scale
  // or bias state (numpy broadcasting never stretches x here).
  SmallVector<int64_t> shape(type.getShape());
  std::pair<Value, StringRef> operands[] = {{adaptor.getScale(), "scale"},
                                            {adaptor.getBias(), "bias"}};
  for (auto [operand, role] : operands) {
    if (!operand)
      continue;
    RankedTensorType t = rankedType(operand);
    if (t.getElementType() != type.getElementType())
      return emitOptionalError(loc, role, " element type ", t.getElementType(),
                               " differs from the input's ",
                               type.getElementType());
    if (t.getRank() > rank - axis)
      return emitOptionalError(loc, role, " of shape ",
                               formatShape(t.getShape()),
                               " has more dims than the normalized ",
                               formatShape(type.getShape().drop_front(axis)));
    for (int64_t j = 0; j < t.getRank(); ++j) {
      int64_t i = rank - t.getRank() + j;
      int64_t d = t.getDimSize(j), x = type.getDimSize(i);
      if (d == 1 || ShapedType::isDynamic(d))
        continue;
      if (ShapedType::isDynamic(shape[i]))
        shape[i] = d;
      else if (shape[i] != d)
        return emitOptionalError(loc, role, " of shape ",
                                 formatShape(t.getShape()),
                                 " does not broadcast to the normalized ",
                                 formatShape(type.getShape().drop_front(axis)),
                                 " (dim ", dimString(x), ")");
    }
  }
  types.push_back(type.clone(shape));
  SmallVector<int64_t> statsShape(type.getShape().take_front(axis));
  statsShape.append(rank - axis, 1);
  Type stash = adaptor.getStashType();
  types.push_back(RankedTensorType::get(statsShape, stash));
  types.push_back(RankedTensorType::get(statsShape, stash));
  return success();
}
KILN_REFINABLE(LayerNormOp)

LogicalResult LayerNormOp::verify() {
  if (!isa<FloatType>(getInput().getType().getElementType()))
    return emitOpError("requires a floating-point input, got ")
           << getInput().getType().getElementType();
  if (!isa<FloatType>(getStashType()))
    return emitOpError("stash_type must be a floating-point type, got ")
           << getStashType();
  if (!(getEpsilon().convertToDouble() >= 0))
    return emitOpError("epsilon must be >= 0, got ")
           << getEpsilon().convertToDouble();
  return success();
}
