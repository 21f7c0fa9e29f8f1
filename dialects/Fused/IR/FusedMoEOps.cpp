//===- FusedMoEOps.cpp - fused.moe: verifier and tiling -------------------===//
#include "dialects/Fused/IR/FusedOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace kiln::fused;

namespace {

/// Whether two dims agree where both are known.
bool compatible(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

/// Checks that `value` (when present) has rank `expected.size()` and the
/// dims of `expected` where both are known; `what` names it in the error.
LogicalResult checkShape(Operation *op, Value value, StringRef what,
                         ArrayRef<int64_t> expected) {
  if (!value)
    return success();
  auto type = cast<RankedTensorType>(value.getType());
  auto describe = [&]() {
    std::string s = "[";
    for (auto [i, d] : llvm::enumerate(expected))
      s += (i ? ", " : "") +
           (ShapedType::isDynamic(d) ? std::string("?") : std::to_string(d));
    return s + "]";
  };
  if (type.getRank() != static_cast<int64_t>(expected.size()))
    return op->emitOpError() << what << " must have rank " << expected.size()
                             << " (" << describe() << "), got " << type;
  for (auto [i, d] : llvm::enumerate(expected))
    if (!compatible(type.getDimSize(i), d))
      return op->emitOpError() << what << " must be " << describe() << ", got "
                               << type;
  return success();
}

} // namespace

bool kiln::fused::isKnownMoEActivation(StringRef name) {
  return llvm::StringSwitch<bool>(name)
      .Cases({"silu", "gelu", "gelu_tanh", "relu"}, true)
      .Default(false);
}

LogicalResult MoEOp::verify() {
  Operation *op = getOperation();
  // I64Attr hands its value out unsigned; the counts are signed.
  auto experts = static_cast<int64_t>(getNumExperts());
  auto topK = static_cast<int64_t>(getTopK());
  if (experts < 1)
    return emitOpError("num_experts must be >= 1, got ") << experts;
  if (topK < 1)
    return emitOpError("top_k must be >= 1, got ") << topK;
  if (topK > experts)
    return emitOpError("top_k (") << topK << ") must not exceed num_experts ("
                                  << experts << ")";
  if (getScoring() != "softmax" && getScoring() != "sigmoid")
    return emitOpError("scoring must be \"softmax\" or \"sigmoid\", got \"")
           << getScoring() << "\"";
  if (getSoftmaxAfterTopk() && getScoring() != "softmax")
    return emitOpError("softmax_after_topk needs scoring = \"softmax\"");
  if (!isKnownMoEActivation(getActivation()))
    return emitOpError("unknown activation \"")
           << getActivation() << "\" (known: silu, gelu, gelu_tanh, relu)";
  if (getGated() != static_cast<bool>(getGateWeight()))
    return emitOpError(getGated() ? "a gated MoE needs a gate weight"
                                  : "a plain MoE takes no gate weight");
  if (getGateBias() && !getGated())
    return emitOpError("a gate bias needs a gate weight");

  auto tokens = cast<RankedTensorType>(getTokens().getType());
  auto up = cast<RankedTensorType>(getUpWeight().getType());
  if (tokens.getRank() != 2)
    return emitOpError("tokens must have rank 2 ([T, H]), got ") << tokens;
  if (up.getRank() != 3)
    return emitOpError("up weight must have rank 3 ([E, H, F]), got ") << up;
  int64_t t = tokens.getDimSize(0), h = tokens.getDimSize(1),
          f = up.getDimSize(2);
  // The lowerings read the tokens' rows with the weights' hidden size.
  if (ShapedType::isDynamic(h))
    return emitOpError("the tokens' hidden size must be static, got ")
           << tokens;
  Type element = tokens.getElementType();
  if (!isa<FloatType>(element))
    return emitOpError("tokens must have a float element type, got ")
           << element;
  for (Value v : op->getOperands())
    if (cast<RankedTensorType>(v.getType()).getElementType() != element)
      return emitOpError("every operand must have the tokens' element type (")
             << element << ")";
  if (failed(checkShape(op, getLogits(), "logits", {t, experts})) ||
      failed(checkShape(op, getSelectionBias(), "selection bias", {experts})) ||
      failed(checkShape(op, getUpWeight(), "up weight", {experts, h, f})) ||
      failed(checkShape(op, getGateWeight(), "gate weight", {experts, h, f})) ||
      failed(checkShape(op, getDownWeight(), "down weight", {experts, f, h})) ||
      failed(checkShape(op, getUpBias(), "up bias", {experts, f})) ||
      failed(checkShape(op, getGateBias(), "gate bias", {experts, f})) ||
      failed(checkShape(op, getDownBias(), "down bias", {experts, h})) ||
      failed(checkShape(op, getInit(), "destination", {t, h})))
    return failure();
  for (Value w : {getUpWeight(), getDownWeight(), getGateWeight()})
    if (w && !cast<RankedTensorType>(w.getType()).hasStaticShape())
      return emitOpError("expert weights must have static shapes");

  // The shared expert: up and down, plus a gate when the experts are gated.
  bool shared = getSharedUp() || getSharedDown() || getSharedGate();
  if (shared) {
    if (!getSharedUp() || !getSharedDown())
      return emitOpError("a shared expert needs both up and down weights");
    if (getGated() != static_cast<bool>(getSharedGate()))
      return emitOpError("the shared expert must be gated exactly when the "
                         "routed experts are");
    auto sharedUp = cast<RankedTensorType>(getSharedUp().getType());
    int64_t fs = sharedUp.getRank() == 2 ? sharedUp.getDimSize(1)
                                         : ShapedType::kDynamic;
    if (failed(checkShape(op, getSharedUp(), "shared up weight", {h, fs})) ||
        failed(checkShape(op, getSharedGate(), "shared gate weight", {h, fs})) ||
        failed(checkShape(op, getSharedDown(), "shared down weight", {fs, h})))
      return failure();
  }
  if (getResult().getType() != getInit().getType())
    return emitOpError("result type ")
           << getResult().getType() << " differs from the destination's "
           << getInit().getType();
  return success();
}

//===----------------------------------------------------------------------===//
// TilingInterface: a parallel loop over the tokens.
//===----------------------------------------------------------------------===//

SmallVector<utils::IteratorType> MoEOp::getLoopIteratorTypes() {
  return {utils::IteratorType::parallel};
}

SmallVector<Range> MoEOp::getIterationDomain(OpBuilder &b) {
  return {Range{b.getIndexAttr(0),
                tensor::getMixedSize(b, getLoc(), getTokens(), 0),
                b.getIndexAttr(1)}};
}

FailureOr<TilingResult>
MoEOp::getTiledImplementation(OpBuilder &b, ArrayRef<OpFoldResult> offsets,
                              ArrayRef<OpFoldResult> sizes) {
  Location loc = getLoc();
  SmallVector<Operation *> slices;
  // Rows [offset, offset + size) of a [T, *] operand.
  auto rows = [&](Value source) -> Value {
    OpFoldResult zero = b.getIndexAttr(0), one = b.getIndexAttr(1);
    auto op = tensor::ExtractSliceOp::create(
        b, loc, source, ArrayRef<OpFoldResult>{offsets[0], zero},
        ArrayRef<OpFoldResult>{sizes[0],
                               tensor::getMixedSize(b, loc, source, 1)},
        ArrayRef<OpFoldResult>{one, one});
    slices.push_back(op);
    return op.getResult();
  };
  IRMapping mapping;
  mapping.map(getTokens(), rows(getTokens()));
  mapping.map(getLogits(), rows(getLogits()));
  Value init = rows(getInit());
  // Everything else (weights, biases, the selection bias) is read whole.
  Operation *tiled = b.clone(*getOperation(), mapping);
  tiled->setOperand(getInitMutable().getOperandNumber(), init);
  tiled->getResult(0).setType(init.getType());
  return TilingResult{{tiled}, SmallVector<Value>(tiled->getResults()),
                      slices};
}

LogicalResult MoEOp::getResultTilePosition(
    OpBuilder &b, unsigned, ArrayRef<OpFoldResult> offsets,
    ArrayRef<OpFoldResult> sizes, SmallVector<OpFoldResult> &resultOffsets,
    SmallVector<OpFoldResult> &resultSizes) {
  resultOffsets = {offsets[0], b.getIndexAttr(0)};
  resultSizes = {sizes[0], tensor::getMixedSize(b, getLoc(), getInit(), 1)};
  return success();
}
