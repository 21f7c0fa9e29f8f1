//===- FusedOps.cpp - The `fused` dialect: registration, verifiers, tiling -===//
#include "dialects/Fused/IR/FusedOps.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace kiln::fused;

#include "dialects/Fused/IR/FusedDialect.cpp.inc"

void FusedDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/Fused/IR/FusedOps.cpp.inc"
      >();
}

#define GET_OP_CLASSES
#include "dialects/Fused/IR/FusedOps.cpp.inc"

namespace {

/// Whether two dims agree where both are known.
bool compatible(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

} // namespace

LogicalResult AttentionOp::verify() {
  auto q = cast<RankedTensorType>(getQuery().getType());
  auto k = cast<RankedTensorType>(getKey().getType());
  auto v = cast<RankedTensorType>(getValue().getType());
  auto out = cast<RankedTensorType>(getInit().getType());
  for (auto [name, type] : {std::pair("query", q), {"key", k}, {"value", v},
                            {"destination", out}})
    if (type.getRank() != 4)
      return emitOpError() << name << " must have rank 4 ([batch, heads, "
                              "seq, dim]), got " << type;
  if (getResult().getType() != out)
    return emitOpError("result type ")
           << getResult().getType() << " differs from the destination's "
           << out;
  Type element = q.getElementType();
  if (!isa<FloatType>(element) || k.getElementType() != element ||
      v.getElementType() != element || out.getElementType() != element)
    return emitOpError("query, key, value and destination must have the same "
                       "float element type");
  int64_t heads = static_cast<int64_t>(getNumHeads()),
          kvHeads = static_cast<int64_t>(getNumKvHeads());
  if (heads <= 0 || kvHeads <= 0)
    return emitOpError("num_heads and num_kv_heads must be positive");
  if (heads % kvHeads != 0)
    return emitOpError("num_heads (")
           << heads << ") must be a multiple of num_kv_heads (" << kvHeads
           << ")";
  if (!compatible(q.getDimSize(1), heads) || !compatible(out.getDimSize(1), heads))
    return emitOpError("query and destination must have num_heads (")
           << heads << ") heads";
  if (!compatible(k.getDimSize(1), kvHeads) ||
      !compatible(v.getDimSize(1), kvHeads))
    return emitOpError("key and value must have num_kv_heads (")
           << kvHeads << ") heads";
  for (auto type : {k, v, out})
    if (!compatible(type.getDimSize(0), q.getDimSize(0)))
      return emitOpError("batch sizes differ");
  if (!compatible(q.getDimSize(3), k.getDimSize(3)))
    return emitOpError("query and key head dims differ: ")
           << q.getDimSize(3) << " vs " << k.getDimSize(3);
  if (!compatible(k.getDimSize(2), v.getDimSize(2)))
    return emitOpError("key and value lengths differ");
  if (!compatible(out.getDimSize(2), q.getDimSize(2)) ||
      !compatible(out.getDimSize(3), v.getDimSize(3)))
    return emitOpError("destination must be [batch, num_heads, Sq, Dv]");
  // I64Attr hands its value out unsigned; the extents are signed.
  if (static_cast<int64_t>(getWindowLeft()) < -1 ||
      static_cast<int64_t>(getWindowRight()) < -1)
    return emitOpError("window extents must be >= 0, or -1 for unbounded");
  if (Value mask = getMask()) {
    auto m = cast<RankedTensorType>(mask.getType());
    if (m.getElementType() != element && !m.getElementType().isInteger(1))
      return emitOpError("the mask must be additive, with the element type of "
                         "the scores (")
             << element << "), or boolean (i1)";
    if (m.getRank() > 4)
      return emitOpError("mask rank must be at most 4");
    int64_t scoreShape[4] = {q.getDimSize(0), heads, q.getDimSize(2),
                             k.getDimSize(2)};
    for (int64_t j = 0; j < m.getRank(); ++j) {
      int64_t d = m.getDimSize(j), s = scoreShape[j + 4 - m.getRank()];
      if (d != 1 && !compatible(d, s))
        return emitOpError("mask shape ")
               << m << " does not broadcast to the scores [batch, heads, Sq, Sk]";
    }
  }
  return success();
}

//===----------------------------------------------------------------------===//
// TilingInterface: parallel loops over batch, heads and query rows.
//===----------------------------------------------------------------------===//

SmallVector<utils::IteratorType> AttentionOp::getLoopIteratorTypes() {
  return SmallVector<utils::IteratorType>(3, utils::IteratorType::parallel);
}

SmallVector<Range> AttentionOp::getIterationDomain(OpBuilder &b) {
  Location loc = getLoc();
  OpFoldResult zero = b.getIndexAttr(0), one = b.getIndexAttr(1);
  return {
      Range{zero, tensor::getMixedSize(b, loc, getQuery(), 0), one},
      Range{zero, b.getIndexAttr(static_cast<int64_t>(getNumHeads())), one},
      Range{zero, tensor::getMixedSize(b, loc, getQuery(), 2), one}};
}

FailureOr<TilingResult>
AttentionOp::getTiledImplementation(OpBuilder &b,
                                    ArrayRef<OpFoldResult> offsets,
                                    ArrayRef<OpFoldResult> sizes) {
  Location loc = getLoc();
  OpFoldResult zero = b.getIndexAttr(0), one = b.getIndexAttr(1);
  auto heads = static_cast<int64_t>(getNumHeads());
  int64_t group = heads / static_cast<int64_t>(getNumKvHeads());
  // The tile's heads must map onto whole key/value heads: a number of whole
  // groups, or a part of one group. Tiling loops start tiles at multiples of
  // the tile size, so either way the first head of a tile is that of its
  // key/value head's group or lies inside one group.
  std::optional<int64_t> headTile = getConstantIntValue(sizes[1]);
  if (!headTile || *headTile <= 0 ||
      (*headTile % group != 0 && group % *headTile != 0)) {
    emitOpError("a tile of the heads must have a constant size that is a "
                "multiple of the group (")
        << group << ") or divides it";
    return failure();
  }
  int64_t kvTile = *headTile % group == 0 ? *headTile / group : 1;
  AffineExpr h;
  bindDims(b.getContext(), h);
  OpFoldResult kvOffset =
      affine::makeComposedFoldedAffineApply(b, loc, h.floorDiv(group),
                                            {offsets[1]});
  OpFoldResult kvSizes = b.getIndexAttr(kvTile);

  SmallVector<Operation *> slices;
  auto slice = [&](Value source, ArrayRef<OpFoldResult> sliceOffsets,
                   ArrayRef<OpFoldResult> sliceSizes) -> Value {
    SmallVector<OpFoldResult> strides(sliceOffsets.size(), one);
    auto op = tensor::ExtractSliceOp::create(b, loc, source, sliceOffsets,
                                             sliceSizes, strides);
    slices.push_back(op);
    return op.getResult();
  };
  OpFoldResult sk = tensor::getMixedSize(b, loc, getKey(), 2);
  Value query = slice(getQuery(), {offsets[0], offsets[1], offsets[2], zero},
                      {sizes[0], sizes[1], sizes[2],
                       tensor::getMixedSize(b, loc, getQuery(), 3)});
  Value key = slice(getKey(), {offsets[0], kvOffset, zero, zero},
                    {sizes[0], kvSizes, sk,
                     tensor::getMixedSize(b, loc, getKey(), 3)});
  OpFoldResult dv = tensor::getMixedSize(b, loc, getValue(), 3);
  Value value = slice(getValue(), {offsets[0], kvOffset, zero, zero},
                      {sizes[0], kvSizes, sk, dv});
  Value init = slice(getInit(), {offsets[0], offsets[1], offsets[2], zero},
                     {sizes[0], sizes[1], sizes[2], dv});
  // The mask follows the scores' tile where it is not broadcast.
  Value mask;
  if (Value fullMask = getMask()) {
    auto maskType = cast<RankedTensorType>(fullMask.getType());
    int64_t rank = maskType.getRank();
    SmallVector<OpFoldResult> maskOffsets, maskSizes;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t scoreDim = d + 4 - rank;
      if (maskType.getDimSize(d) == 1 || scoreDim == 3) {
        maskOffsets.push_back(zero);
        maskSizes.push_back(tensor::getMixedSize(b, loc, fullMask, d));
        continue;
      }
      maskOffsets.push_back(offsets[scoreDim]);
      maskSizes.push_back(sizes[scoreDim]);
    }
    mask = slice(fullMask, maskOffsets, maskSizes);
  }
  // Rows [i0, i0 + size) keep their key positions: offset + i0.
  OpFoldResult baseOffset;
  if (Value given = getQueryOffset())
    baseOffset = given;
  else
    baseOffset = affine::makeComposedFoldedAffineApply(
        b, loc, h - getAffineDimExpr(1, b.getContext()),
        {sk, tensor::getMixedSize(b, loc, getQuery(), 2)});
  Value queryOffset = getValueOrCreateConstantIndexOp(
      b, loc,
      affine::makeComposedFoldedAffineApply(
          b, loc, h + getAffineDimExpr(1, b.getContext()),
          {baseOffset, offsets[2]}));

  auto tiled = AttentionOp::create(
      b, loc, init.getType(), query, key, value, mask, init,
      b.getI64IntegerAttr(*headTile), b.getI64IntegerAttr(kvTile),
      getScaleAttr(), getCausalAttr(), getWindowLeftAttr(),
      getWindowRightAttr(), queryOffset);
  return TilingResult{{tiled}, {tiled.getResult()}, slices};
}

LogicalResult AttentionOp::getResultTilePosition(
    OpBuilder &b, unsigned resultNumber, ArrayRef<OpFoldResult> offsets,
    ArrayRef<OpFoldResult> sizes, SmallVector<OpFoldResult> &resultOffsets,
    SmallVector<OpFoldResult> &resultSizes) {
  resultOffsets = {offsets[0], offsets[1], offsets[2], b.getIndexAttr(0)};
  resultSizes = {sizes[0], sizes[1], sizes[2],
                 tensor::getMixedSize(b, getLoc(), getInit(), 3)};
  return success();
}
