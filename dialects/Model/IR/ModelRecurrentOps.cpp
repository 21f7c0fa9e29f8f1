//===- ModelRecurrentOps.cpp - Inference and verifiers of rnn, gru, lstm --===//
//
// The ops of ModelRecurrentOps.td; their classes are generated into
// ModelOps.cpp.inc with the rest of the dialect. Inference checks every
// operand shape (the lowering trusts them: the weights' shapes are static,
// and each symbolic dim of the input or the initial states is compared with
// the dim it must equal at run time) and keeps S and B symbolic.
//
//===----------------------------------------------------------------------===//
#include "dialects/Model/IR/ModelOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace kiln::model;

namespace {

/// What the shape checks of one recurrent op need to know.
struct RecurrentSignature {
  int64_t gates;      ///< G
  int64_t directions; ///< D
  int64_t hidden;     ///< H
};

/// Two sizes agree when either is symbolic (checked at run time) or both
/// are the same.
bool compatible(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

/// Checks that `value` (`role`) is a static tensor of `shape` with the
/// input's element type.
LogicalResult checkStatic(std::optional<Location> loc, Value value,
                          StringRef role, ArrayRef<int64_t> shape,
                          Type element) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getElementType() != element)
    return emitOptionalError(loc, role, " has element type ",
                             type.getElementType(), " but the input has ",
                             element);
  if (type.getShape() != shape)
    return emitOptionalError(loc, role, " must have the static shape ",
                             formatShape(shape), ", got ",
                             formatShape(type.getShape()));
  return success();
}

/// Checks that `value` (`role`) has `shape` where both are static.
LogicalResult checkCompatible(std::optional<Location> loc, Value value,
                              StringRef role, ArrayRef<int64_t> shape,
                              Type element) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getElementType() != element)
    return emitOptionalError(loc, role, " has element type ",
                             type.getElementType(), " but expected ",
                             element);
  if (type.getRank() != (int64_t)shape.size() ||
      !llvm::all_of(llvm::zip(type.getShape(), shape), [](auto pair) {
        return compatible(std::get<0>(pair), std::get<1>(pair));
      }))
    return emitOptionalError(loc, role, " of shape ",
                             formatShape(type.getShape()),
                             " does not match ", formatShape(shape));
  return success();
}

/// Infers [S, D, B, H] and `states` times [D, B, H] after checking the
/// operands of a recurrent op whose adaptor is `a`.
template <typename Adaptor>
LogicalResult inferRecurrent(std::optional<Location> loc, Adaptor a,
                             int64_t gates, Value initialC, Value peepholes,
                             int64_t states, SmallVectorImpl<Type> &types) {
  auto input = cast<RankedTensorType>(a.getInput().getType());
  Type element = input.getElementType();
  if (input.getRank() != 3)
    return emitOptionalError(loc, "input must have rank 3 ([seq, batch, "
                                  "input size]), got ",
                             formatShape(input.getShape()));
  if (!element.isF32() && !element.isF64())
    return emitOptionalError(loc, "element type must be f32 or f64, got ",
                             element);
  StringRef direction = a.getDirection();
  if (direction != "forward" && direction != "reverse" &&
      direction != "bidirectional")
    return emitOptionalError(loc, "direction '", direction,
                             "' is not one of forward, reverse, "
                             "bidirectional");
  int64_t d = direction == "bidirectional" ? 2 : 1;
  int64_t h = a.getHiddenSize();
  // Bounds every product of sizes below far from overflow.
  if (h < 1 || h > (int64_t(1) << 31))
    return emitOptionalError(loc, "hidden_size ", h, " must be in [1, 2^31]");
  int64_t gh = gates * h;
  auto weight = cast<RankedTensorType>(a.getWeight().getType());
  if (weight.getRank() != 3 || !weight.hasStaticShape())
    return emitOptionalError(loc, "weight must have a static rank-3 shape, "
                                  "got ",
                             formatShape(weight.getShape()));
  int64_t s = input.getDimSize(0), b = input.getDimSize(1);
  if (!compatible(input.getDimSize(2), weight.getDimSize(2)))
    return emitOptionalError(loc, "weight of shape ",
                             formatShape(weight.getShape()),
                             " does not fit the input size ",
                             input.getDimSize(2));
  if (failed(checkStatic(loc, a.getWeight(), "weight",
                         {d, gh, weight.getDimSize(2)}, element)) ||
      failed(checkStatic(loc, a.getRecurrence(), "recurrence", {d, gh, h},
                         element)))
    return failure();
  if (a.getBias() &&
      failed(checkStatic(loc, a.getBias(), "bias", {d, 2 * gh}, element)))
    return failure();
  if (Value lens = a.getSequenceLens()) {
    auto type = cast<RankedTensorType>(lens.getType());
    if (failed(checkCompatible(loc, lens, "sequence_lens", {b},
                               IntegerType::get(type.getContext(), 32))))
      return failure();
  }
  if (a.getInitialH() &&
      failed(checkCompatible(loc, a.getInitialH(), "initial_h", {d, b, h},
                             element)))
    return failure();
  if (initialC &&
      failed(checkCompatible(loc, initialC, "initial_c", {d, b, h}, element)))
    return failure();
  if (peepholes &&
      failed(checkStatic(loc, peepholes, "peepholes", {d, 3 * h}, element)))
    return failure();
  types.push_back(RankedTensorType::get({s, d, b, h}, element));
  for (int64_t i = 0; i < states; ++i)
    types.push_back(RankedTensorType::get({d, b, h}, element));
  return success();
}

/// The attributes' invariants: one activation per gate function and
/// direction, each one the lowering implements, and a positive clip.
template <typename OpTy> LogicalResult verifyRecurrent(OpTy op) {
  ArrayAttr activations = op.getActivations();
  int64_t expected = OpTy::kNumActivations * op.getNumDirections();
  if ((int64_t)activations.size() != expected)
    return op.emitOpError("expected ")
           << expected << " activations for direction '" << op.getDirection()
           << "', got " << activations.size();
  for (Attribute a : activations) {
    StringRef name = cast<StringAttr>(a).getValue();
    if (name != "Sigmoid" && name != "Tanh" && name != "Relu")
      return op.emitOpError("activation '")
             << name << "' is not one of Sigmoid, Tanh, Relu";
  }
  if (std::optional<APFloat> clip = op.getClip())
    if (!(clip->convertToDouble() > 0))
      return op.emitOpError("clip must be positive, got ")
             << clip->convertToDouble();
  return success();
}

} // namespace

LogicalResult RnnOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &types) {
  return inferRecurrent(loc, adaptor, kNumGates, Value(), Value(), 1, types);
}
bool RnnOp::isCompatibleReturnTypes(TypeRange l, TypeRange r) {
  return isRefinementOf(l, r);
}
LogicalResult RnnOp::verify() { return verifyRecurrent(*this); }

LogicalResult GruOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &types) {
  return inferRecurrent(loc, adaptor, kNumGates, Value(), Value(), 1, types);
}
bool GruOp::isCompatibleReturnTypes(TypeRange l, TypeRange r) {
  return isRefinementOf(l, r);
}
LogicalResult GruOp::verify() { return verifyRecurrent(*this); }

LogicalResult LstmOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &types) {
  return inferRecurrent(loc, adaptor, kNumGates, adaptor.getInitialC(),
                        adaptor.getPeepholes(), 2, types);
}
bool LstmOp::isCompatibleReturnTypes(TypeRange l, TypeRange r) {
  return isRefinementOf(l, r);
}
LogicalResult LstmOp::verify() { return verifyRecurrent(*this); }
