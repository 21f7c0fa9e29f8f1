//===- ModelTransformerOps.cpp - rms_norm and rotary_embedding ------------===//
//
// Inference and verifiers of the ops of ModelTransformerOps.td; their
// classes are generated into ModelOps.cpp.inc with the rest of the dialect.
//
//===----------------------------------------------------------------------===//
#include "dialects/Model/IR/ModelOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

#include <string>

using namespace mlir;
using namespace kiln::model;

static std::string dimText(int64_t d) {
  return ShapedType::isDynamic(d) ? std::string("?") : std::to_string(d);
}

//===----------------------------------------------------------------------===//
// rms_norm
//===----------------------------------------------------------------------===//

LogicalResult RMSNormOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  auto type = cast<RankedTensorType>(adaptor.getInput().getType());
  auto scale = cast<RankedTensorType>(adaptor.getScale().getType());
  int64_t rank = type.getRank(), axis = adaptor.getAxis();
  if (axis < 0 || axis >= rank)
    return emitOptionalError(loc, "axis ", axis, " is out of range [0, ", rank,
                             ")");
  if (scale.getElementType() != type.getElementType())
    return emitOptionalError(loc, "scale element type ", scale.getElementType(),
                             " differs from the "
                             "input's ",
                             type.getElementType());
  ArrayRef<int64_t> normalized = type.getShape().drop_front(axis);
  if (scale.getRank() > rank - axis)
    return emitOptionalError(
        loc, "scale of shape ", formatShape(scale.getShape()),
        " has more dims than the normalized ", formatShape(normalized));
  // x's shape; a dim x leaves dynamic takes the size scale states (the
  // broadcast never stretches x, so they must agree).
  SmallVector<int64_t> shape(type.getShape());
  for (int64_t j = 0; j < scale.getRank(); ++j) {
    int64_t i = rank - scale.getRank() + j;
    int64_t d = scale.getDimSize(j);
    if (d == 1 || ShapedType::isDynamic(d))
      continue;
    if (ShapedType::isDynamic(shape[i]))
      shape[i] = d;
    else if (shape[i] != d)
      return emitOptionalError(
          loc, "scale of shape ", formatShape(scale.getShape()),
          " does not broadcast to the normalized ", formatShape(normalized),
          " (dim ", dimText(type.getDimSize(i)), ")");
  }
  types.push_back(type.clone(shape));
  return success();
}

bool RMSNormOp::isCompatibleReturnTypes(TypeRange l, TypeRange r) {
  return isRefinementOf(l, r);
}

LogicalResult RMSNormOp::verify() {
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

//===----------------------------------------------------------------------===//
// rotary_embedding
//===----------------------------------------------------------------------===//

LogicalResult
RotaryEmbeddingOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                    Adaptor adaptor,
                                    SmallVectorImpl<Type> &types) {
  types.push_back(adaptor.getInput().getType());
  return success();
}

bool RotaryEmbeddingOp::isCompatibleReturnTypes(TypeRange l, TypeRange r) {
  return isRefinementOf(l, r);
}

LogicalResult RotaryEmbeddingOp::verify() {
  RankedTensorType type = getInput().getType();
  Type element = type.getElementType();
  if (!isa<FloatType>(element))
    return emitOpError("requires a floating-point input, got ") << element;
  int64_t rank = type.getRank(), heads = getNumHeads();
  if (rank != 3 && rank != 4)
    return emitOpError("input must be 3-D [batch, seq, hidden] or 4-D "
                       "[batch, heads, seq, head_size], got ")
           << formatShape(type.getShape());
  if (rank == 4 && heads != 0)
    return emitOpError("num_heads must be 0 for 4-D input, got ") << heads;
  if (rank == 3 && heads <= 0)
    return emitOpError("3-D input needs num_heads > 0, got ") << heads;
  int64_t rotary = getRotaryDim();
  if (rotary <= 0 || rotary % 2 != 0)
    return emitOpError("rotary_dim must be positive and even, got ") << rotary;
  int64_t last = type.getDimSize(rank - 1);
  if (!ShapedType::isDynamic(last)) {
    if (rank == 3 && last % heads != 0)
      return emitOpError("hidden size ")
             << last << " is not a multiple of num_heads " << heads;
    int64_t headSize = rank == 3 ? last / heads : last;
    if (rotary > headSize)
      return emitOpError("rotary_dim ")
             << rotary << " exceeds the head size " << headSize;
  }
  bool withPositions = getPositionIds() != nullptr;
  int64_t cacheRank = withPositions ? 2 : 3;
  for (Value cache : {getCosCache(), getSinCache()}) {
    auto t = cast<RankedTensorType>(cache.getType());
    if (t.getElementType() != element)
      return emitOpError("cos/sin cache element type ")
             << t.getElementType() << " differs from the input's " << element;
    if (t.getRank() != cacheRank)
      return emitOpError("cos/sin caches must be ")
             << cacheRank << "-D "
             << (withPositions ? "[positions, rotary_dim / 2] with"
                               : "[batch, seq, rotary_dim / 2] without")
             << " position ids, got " << formatShape(t.getShape());
    int64_t half = t.getDimSize(cacheRank - 1);
    if (!ShapedType::isDynamic(half) && half < rotary / 2)
      return emitOpError("cos/sin caches have ")
             << half << " entries per position, fewer than rotary_dim / 2 = "
             << rotary / 2;
  }
  if (withPositions) {
    auto t = cast<RankedTensorType>(getPositionIds().getType());
    if (t.getRank() != 2 || !t.getElementType().isSignlessInteger(64))
      return emitOpError("position_ids must be a 2-D i64 [batch, seq] tensor, "
                         "got ")
             << t;
  }
  return success();
}
