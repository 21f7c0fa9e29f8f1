//===- FlashAttention.cpp - fused.attention by tiled online softmax -------===//
// The lowering of fused.attention that never materializes the [Sq, Sk]
// scores (FlashAttention's algorithm, on tensors): the op is tiled through
// its TilingInterface into an scf.forall over (batch, head, block of query
// rows); each tile walks the blocks of keys it can see with an scf.for that
// carries the running row maximum m, the running row sum l and the
// accumulator acc = sum_j exp(s_j - m) v_j, all in f32:
//
//   s     = scale * q_blk . k_blk^T (+ mask)       [Bq, Bk]  linalg.matmul
//   m'    = max(m, rowmax(s))
//   p     = exp(s - m'),  alpha = exp(m - m')
//   l'    = alpha * l + rowsum(p)
//   acc'  = alpha * acc + p . v_blk                [Bq, Dv]  linalg.matmul
//   out   = acc / l                                after the last block
//
// The key loop's bounds come from the query block: under causal or a window
// the blocks nobody in the query block sees are not visited at all, and the
// visibility select runs (scf.if) only on the blocks that straddle the
// boundary.
#include "passes/Conversion/FusedToLinalg/FlashAttention.h"

#include "passes/Conversion/ModelToLinalg/ModelToLinalg.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include <limits>

using namespace mlir;
using kiln::model_to_linalg::accumulatorType;
using kiln::model_to_linalg::convertScalar;

namespace {

using utils::IteratorType;
constexpr IteratorType kPar = IteratorType::parallel;
constexpr IteratorType kRed = IteratorType::reduction;

int64_t staticSize(OpFoldResult size) {
  std::optional<int64_t> c = getConstantIntValue(size);
  return c ? *c : ShapedType::kDynamic;
}

/// The lowering of one tile: an op whose batch and heads are 1.
class TileLowering {
public:
  TileLowering(RewriterBase &rewriter, kiln::fused::AttentionOp op,
               int64_t keyTile)
      : b(rewriter), op(op), loc(op.getLoc()), keyTile(keyTile) {}

  LogicalResult run();

private:
  Value index(int64_t value) {
    return arith::ConstantIndexOp::create(b, loc, value);
  }
  Value floatConst(OpBuilder &nb, Location l, double value) {
    return arith::ConstantOp::create(nb, l, acc, nb.getFloatAttr(acc, value));
  }
  Value minusInf(OpBuilder &nb, Location l) {
    return floatConst(nb, l, -std::numeric_limits<double>::infinity());
  }
  /// A [sizes] tensor of `type` filled with `value`.
  Value filled(OpBuilder &nb, ArrayRef<OpFoldResult> sizes, double value) {
    Value empty = tensor::EmptyOp::create(nb, loc, sizes, acc);
    return linalg::FillOp::create(nb, loc, floatConst(nb, loc, value), empty)
        .getResult(0);
  }
  /// The rank-reduced [rows, cols] slice at (row, col) of a [1, 1, R, C]
  /// operand.
  Value slice2D(OpBuilder &nb, Value source, OpFoldResult row,
                OpFoldResult rows, OpFoldResult col, OpFoldResult cols) {
    auto type = cast<RankedTensorType>(source.getType());
    auto sliceType = RankedTensorType::get(
        {staticSize(rows), staticSize(cols)}, type.getElementType());
    OpFoldResult zero = nb.getIndexAttr(0), one = nb.getIndexAttr(1);
    return tensor::ExtractSliceOp::create(nb, loc, sliceType, source,
                                          {zero, zero, row, col},
                                          {one, one, rows, cols},
                                          {one, one, one, one});
  }
  Value generic(OpBuilder &nb, ValueRange ins, ValueRange outs,
                ArrayRef<AffineMap> maps, ArrayRef<IteratorType> iterators,
                function_ref<SmallVector<Value>(OpBuilder &, Location,
                                                ValueRange)>
                    body,
                unsigned result = 0) {
    auto g = linalg::GenericOp::create(
        nb, loc, TypeRange(outs), ins, outs, maps, iterators,
        [&](OpBuilder &bb, Location l, ValueRange args) {
          linalg::YieldOp::create(bb, l, body(bb, l, args));
        });
    return g.getResult(result);
  }
  AffineMap map(std::initializer_list<AffineExpr> exprs, unsigned dims = 2) {
    return AffineMap::get(dims, 0, SmallVector<AffineExpr>(exprs),
                          b.getContext());
  }

  Value scoreBlock(OpBuilder &nb, Value scores, Value keyStart,
                   Value keyCount, bool applyVisibility);
  Value maskBlock(OpBuilder &nb, Value keyStart, Value keyCount,
                  AffineMap &maskMap);
  SmallVector<Value> keyBlock(OpBuilder &nb, Value keyStart,
                              ValueRange carried);

  RewriterBase &b;
  kiln::fused::AttentionOp op;
  Location loc;
  int64_t keyTile;
  Type element, acc;
  OpFoldResult rows, headDim, valueDim, keys;
  Value queryBlock, offset, keyEnd;
  bool causal = false;
  int64_t left = -1, right = -1;
};

/// The mask's part for keys [keyStart, keyStart + keyCount) as a tensor of
/// rank <= 2 and its map from the (row, key) loops; dims the mask
/// broadcasts read index 0.
Value TileLowering::maskBlock(OpBuilder &nb, Value keyStart, Value keyCount,
                              AffineMap &maskMap) {
  Value mask = op.getMask();
  auto type = cast<RankedTensorType>(mask.getType());
  int64_t rank = type.getRank();
  OpFoldResult zero = nb.getIndexAttr(0), one = nb.getIndexAttr(1);
  SmallVector<OpFoldResult> offsets, sizes;
  SmallVector<int64_t> shape;
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t scoreDim = d + 4 - rank;
    bool broadcast = type.getDimSize(d) == 1;
    // Batch and heads are 1 in a tile: index 0 either way.
    if (scoreDim < 2) {
      offsets.push_back(zero);
      sizes.push_back(one);
      continue;
    }
    if (broadcast) {
      offsets.push_back(zero);
      sizes.push_back(one);
      shape.push_back(1);
      exprs.push_back(nb.getAffineConstantExpr(0));
      continue;
    }
    offsets.push_back(scoreDim == 2 ? zero : OpFoldResult(keyStart));
    OpFoldResult size = scoreDim == 2 ? rows : OpFoldResult(keyCount);
    sizes.push_back(size);
    shape.push_back(staticSize(size));
    exprs.push_back(nb.getAffineDimExpr(scoreDim - 2));
  }
  maskMap = AffineMap::get(2, 0, exprs, nb.getContext());
  SmallVector<OpFoldResult> strides(rank, one);
  return tensor::ExtractSliceOp::create(
      nb, loc, RankedTensorType::get(shape, type.getElementType()), mask,
      offsets, sizes, strides);
}

/// scale * scores (+ mask), in place; with `applyVisibility` the keys that a
/// row does not see become -inf.
Value TileLowering::scoreBlock(OpBuilder &nb, Value scores, Value keyStart,
                               Value keyCount, bool applyVisibility) {
  SmallVector<Value> ins;
  SmallVector<AffineMap> maps;
  bool booleanMask = false;
  if (op.getMask()) {
    AffineMap maskMap;
    ins.push_back(maskBlock(nb, keyStart, keyCount, maskMap));
    maps.push_back(maskMap);
    booleanMask = cast<RankedTensorType>(op.getMask().getType())
                      .getElementType()
                      .isInteger(1);
  }
  maps.push_back(nb.getMultiDimIdentityMap(2));
  float scale = op.getScale().convertToFloat();
  return generic(
      nb, ins, scores, maps, {kPar, kPar},
      [&](OpBuilder &bb, Location l, ValueRange args) -> SmallVector<Value> {
        Value s = arith::MulFOp::create(bb, l, args.back(),
                                        floatConst(bb, l, scale));
        if (!ins.empty()) {
          if (booleanMask)
            s = arith::SelectOp::create(bb, l, args[0], s, minusInf(bb, l));
          else
            s = arith::AddFOp::create(bb, l, s,
                                      convertScalar(bb, l, args[0], acc));
        }
        if (applyVisibility) {
          // Query row i sits at key position offset + i.
          Value i = linalg::IndexOp::create(bb, l, 0);
          Value j = arith::AddIOp::create(
              bb, l, keyStart, linalg::IndexOp::create(bb, l, 1));
          Value pos = arith::AddIOp::create(bb, l, i, offset);
          Value visible = arith::ConstantIntOp::create(bb, l, bb.getI1Type(), 1);
          auto andIf = [&](arith::CmpIPredicate p, Value lhs, Value rhs) {
            visible = arith::AndIOp::create(
                bb, l, visible, arith::CmpIOp::create(bb, l, p, lhs, rhs));
          };
          if (causal)
            andIf(arith::CmpIPredicate::sle, j, pos);
          if (right >= 0)
            andIf(arith::CmpIPredicate::sle, j,
                  arith::AddIOp::create(
                      bb, l, pos, arith::ConstantIndexOp::create(bb, l, right)));
          if (left >= 0)
            andIf(arith::CmpIPredicate::sge, j,
                  arith::SubIOp::create(
                      bb, l, pos, arith::ConstantIndexOp::create(bb, l, left)));
          s = arith::SelectOp::create(bb, l, visible, s, minusInf(bb, l));
        }
        return {s};
      });
}

/// One step of the online softmax over the keys [keyStart, keyStart + Bk).
SmallVector<Value> TileLowering::keyBlock(OpBuilder &nb, Value keyStart,
                                          ValueRange carried) {
  Value rowMax = carried[0], rowSum = carried[1], accum = carried[2];
  // The last block may be partial.
  Value count = arith::MinSIOp::create(
      nb, loc, arith::ConstantIndexOp::create(nb, loc, keyTile),
      arith::SubIOp::create(nb, loc, keyEnd, keyStart));
  Value keyBlk = slice2D(nb, op.getKey(), keyStart, count, nb.getIndexAttr(0),
                         headDim);
  Value valueBlk = slice2D(nb, op.getValue(), keyStart, count,
                           nb.getIndexAttr(0), valueDim);

  // s = q . k^T: linalg.matmul with k read transposed.
  AffineExpr m, n, k;
  bindDims(nb.getContext(), m, n, k);
  Value zeros = filled(nb, {rows, OpFoldResult(count)}, 0.0);
  auto qk = linalg::MatmulOp::create(nb, loc, TypeRange{zeros.getType()},
                                     ValueRange{queryBlock, keyBlk}, zeros);
  qk.setIndexingMapsAttr(nb.getAffineMapArrayAttr(
      {map({m, k}, 3), map({n, k}, 3), map({m, n}, 3)}));
  Value scores = qk.getResult(0);

  if (causal || left >= 0 || right >= 0) {
    // Whether every row sees every key of the block; else the block straddles
    // the boundary and gets the visibility select.
    Value last = arith::SubIOp::create(
        nb, loc, arith::AddIOp::create(nb, loc, keyStart, count),
        arith::ConstantIndexOp::create(nb, loc, 1));
    Value lastRow = arith::SubIOp::create(
        nb, loc,
        arith::AddIOp::create(
            nb, loc, offset, getValueOrCreateConstantIndexOp(nb, loc, rows)),
        arith::ConstantIndexOp::create(nb, loc, 1));
    Value inside = arith::ConstantIntOp::create(nb, loc, nb.getI1Type(), 1);
    auto andIf = [&](arith::CmpIPredicate p, Value lhs, Value rhs) {
      inside = arith::AndIOp::create(
          nb, loc, inside, arith::CmpIOp::create(nb, loc, p, lhs, rhs));
    };
    // The first row sees the fewest keys on the right, the last row the
    // fewest on the left.
    if (causal)
      andIf(arith::CmpIPredicate::sle, last, offset);
    if (right >= 0)
      andIf(arith::CmpIPredicate::sle, last,
            arith::AddIOp::create(
                nb, loc, offset,
                arith::ConstantIndexOp::create(nb, loc, right)));
    if (left >= 0)
      andIf(arith::CmpIPredicate::sge, keyStart,
            arith::SubIOp::create(
                nb, loc, lastRow,
                arith::ConstantIndexOp::create(nb, loc, left)));
    // The result types come from the branches' yields.
    auto branch = scf::IfOp::create(
        nb, loc, inside,
        [&](OpBuilder &bb, Location l) {
          scf::YieldOp::create(
              bb, l, scoreBlock(bb, scores, keyStart, count, false));
        },
        [&](OpBuilder &bb, Location l) {
          scf::YieldOp::create(
              bb, l, scoreBlock(bb, scores, keyStart, count, true));
        });
    scores = branch.getResult(0);
  } else {
    scores = scoreBlock(nb, scores, keyStart, count, false);
  }

  AffineExpr i, j;
  bindDims(nb.getContext(), i, j);
  AffineMap full = map({i, j}), row = map({i});
  AffineMap rowOnly = map({i}, 1);
  // The block's row maxima, then m' = max(m, them) in place of m (an
  // scf.for yield must be its iter_arg's buffer), with alpha = exp(m - m')
  // read from m before it is overwritten. A row that has seen no visible key
  // yet keeps m' = -inf; subtracting 0 instead keeps exp at 0 rather than
  // NaN.
  Value blockMax = generic(
      nb, scores,
      filled(nb, {rows}, -std::numeric_limits<double>::infinity()),
      {full, row}, {kPar, kRed},
      [&](OpBuilder &bb, Location l, ValueRange a) -> SmallVector<Value> {
        return {arith::MaximumFOp::create(bb, l, a[0], a[1])};
      });
  Value alphaInit =
      tensor::EmptyOp::create(nb, loc, ArrayRef<OpFoldResult>{rows}, acc);
  Value safeInit =
      tensor::EmptyOp::create(nb, loc, ArrayRef<OpFoldResult>{rows}, acc);
  auto rescale = linalg::GenericOp::create(
      nb, loc,
      TypeRange{rowMax.getType(), alphaInit.getType(), safeInit.getType()},
      ValueRange{blockMax}, ValueRange{rowMax, alphaInit, safeInit},
      SmallVector<AffineMap>(4, rowOnly), {kPar},
      [&](OpBuilder &bb, Location l, ValueRange a) {
        Value newMax = arith::MaximumFOp::create(bb, l, a[1], a[0]);
        Value isEmpty = arith::CmpFOp::create(bb, l, arith::CmpFPredicate::OEQ,
                                              newMax, minusInf(bb, l));
        Value safe = arith::SelectOp::create(bb, l, isEmpty,
                                             floatConst(bb, l, 0.0), newMax);
        Value alpha = math::ExpOp::create(
            bb, l, arith::SubFOp::create(bb, l, a[1], safe));
        linalg::YieldOp::create(bb, l, ValueRange{newMax, alpha, safe});
      });
  Value newMax = rescale.getResult(0);
  Value alpha = rescale.getResult(1), safeMax = rescale.getResult(2);
  // p = exp(s - m'), in place of s.
  Value probs = generic(
      nb, safeMax, scores, {row, full}, {kPar, kPar},
      [&](OpBuilder &bb, Location l, ValueRange a) -> SmallVector<Value> {
        return {math::ExpOp::create(bb, l,
                                    arith::SubFOp::create(bb, l, a[1], a[0]))};
      });
  // l' = alpha * l + rowsum(p)
  Value scaledSum = generic(
      nb, alpha, rowSum, {rowOnly, rowOnly}, {kPar},
      [&](OpBuilder &bb, Location l, ValueRange a) -> SmallVector<Value> {
        return {arith::MulFOp::create(bb, l, a[1], a[0])};
      });
  Value newSum = generic(
      nb, probs, scaledSum, {full, row}, {kPar, kRed},
      [&](OpBuilder &bb, Location l, ValueRange a) -> SmallVector<Value> {
        return {arith::AddFOp::create(bb, l, a[1], a[0])};
      });
  // acc' = alpha * acc + p . v
  Value scaledAcc = generic(
      nb, alpha, accum, {row, full}, {kPar, kPar},
      [&](OpBuilder &bb, Location l, ValueRange a) -> SmallVector<Value> {
        return {arith::MulFOp::create(bb, l, a[1], a[0])};
      });
  Value newAcc =
      linalg::MatmulOp::create(nb, loc, TypeRange{scaledAcc.getType()},
                               ValueRange{probs, valueBlk}, scaledAcc)
          .getResult(0);
  return {newMax, newSum, newAcc};
}

LogicalResult TileLowering::run() {
  auto qType = cast<RankedTensorType>(op.getQuery().getType());
  auto kType = cast<RankedTensorType>(op.getKey().getType());
  if (qType.getDimSize(0) != 1 || qType.getDimSize(1) != 1 ||
      kType.getDimSize(0) != 1 || kType.getDimSize(1) != 1)
    return op.emitOpError("the online-softmax lowering takes one (batch, "
                          "head) tile; tile the op first");
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(op);
  element = qType.getElementType();
  acc = accumulatorType(element);
  causal = op.getCausal();
  left = static_cast<int64_t>(op.getWindowLeft());
  right = static_cast<int64_t>(op.getWindowRight());
  rows = tensor::getMixedSize(b, loc, op.getQuery(), 2);
  headDim = tensor::getMixedSize(b, loc, op.getQuery(), 3);
  keys = tensor::getMixedSize(b, loc, op.getKey(), 2);
  valueDim = tensor::getMixedSize(b, loc, op.getValue(), 3);
  Value rowCount = getValueOrCreateConstantIndexOp(b, loc, rows);
  Value keyCount = getValueOrCreateConstantIndexOp(b, loc, keys);
  offset = op.getQueryOffset();
  if (!offset)
    offset = arith::SubIOp::create(b, loc, keyCount, rowCount);
  OpFoldResult zero = b.getIndexAttr(0);
  queryBlock = slice2D(b, op.getQuery(), zero, rows, zero, headDim);

  // The keys any row of the block sees: [max(0, offset - L), min(Sk,
  // offset + rows [+ R])); hi >= lo keeps an empty range empty.
  Value lo = index(0), hi = keyCount;
  if (left >= 0)
    lo = arith::MaxSIOp::create(
        b, loc, lo, arith::SubIOp::create(b, loc, offset, index(left)));
  Value pastLastRow = arith::AddIOp::create(b, loc, offset, rowCount);
  if (causal)
    hi = arith::MinSIOp::create(b, loc, hi, pastLastRow);
  if (right >= 0)
    hi = arith::MinSIOp::create(
        b, loc, hi, arith::AddIOp::create(b, loc, pastLastRow, index(right)));
  hi = arith::MaxSIOp::create(b, loc, hi, lo);
  keyEnd = hi;

  Value maxInit = filled(b, {rows}, -std::numeric_limits<double>::infinity());
  Value sumInit = filled(b, {rows}, 0.0);
  Value accInit = filled(b, {rows, valueDim}, 0.0);
  auto loop = scf::ForOp::create(
      b, loc, lo, hi, index(keyTile), ValueRange{maxInit, sumInit, accInit},
      [&](OpBuilder &nb, Location l, Value keyStart, ValueRange carried) {
        scf::YieldOp::create(nb, l, keyBlock(nb, keyStart, carried));
      });

  // out = acc / l, in the element type, into the destination.
  Value dest = slice2D(b, op.getInit(), zero, rows, zero, valueDim);
  AffineExpr i, e;
  bindDims(b.getContext(), i, e);
  Value out = generic(
      b, ValueRange{loop.getResult(2), loop.getResult(1)}, dest,
      {map({i, e}), map({i}), map({i, e})}, {kPar, kPar},
      [&](OpBuilder &bb, Location l, ValueRange a) -> SmallVector<Value> {
        return {convertScalar(bb, l, arith::DivFOp::create(bb, l, a[0], a[1]),
                              element)};
      });
  OpFoldResult one = b.getIndexAttr(1);
  Value result = tensor::InsertSliceOp::create(
      b, loc, out, op.getInit(), {zero, zero, zero, zero},
      {one, one, rows, valueDim}, {one, one, one, one});
  b.replaceOp(op, result);
  return success();
}

/// Tiles `op` and lowers its tiles; returns what replaces its result.
FailureOr<Value> tileAndLower(RewriterBase &rewriter,
                              kiln::fused::AttentionOp op, int64_t queryTile,
                              int64_t keyTile) {
  scf::SCFTilingOptions options;
  options.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
  options.setTileSizes({rewriter.getIndexAttr(1), rewriter.getIndexAttr(1),
                        rewriter.getIndexAttr(queryTile)});
  // The caller's insertion point (inside buildIfValid's branch, which may be
  // this very rewriter) stays where its terminator goes.
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
      rewriter, cast<TilingInterface>(op.getOperation()), options);
  if (failed(tiled))
    return failure();
  Value replacement = tiled->replacements.front();
  rewriter.replaceOp(op, replacement);
  for (Operation *tile : tiled->tiledOps)
    if (auto attention = dyn_cast<kiln::fused::AttentionOp>(tile))
      if (failed(TileLowering(rewriter, attention, keyTile).run()))
        return failure();
  return replacement;
}

} // namespace

LogicalResult kiln::lowerAttentionByOnlineSoftmax(RewriterBase &rewriter,
                                                  fused::AttentionOp op,
                                                  int64_t queryTile,
                                                  int64_t keyTile) {
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);
  broadcastDynamicUnitMaskDims(rewriter, op);
  Value ok = kiln::checkAttentionSizes(rewriter, op);
  // After a failed check the result is zeros and no tile runs.
  bool lowered = true;
  Value result = model_to_linalg::buildIfValid(
      rewriter, op.getLoc(), ok, op.getType(),
      [&](OpBuilder &nb, Location) -> Value {
        auto copy = cast<fused::AttentionOp>(nb.clone(*op));
        FailureOr<Value> replacement =
            tileAndLower(rewriter, copy, queryTile, keyTile);
        if (failed(replacement)) {
          lowered = false;
          return copy.getResult();
        }
        return *replacement;
      });
  if (!lowered)
    return failure();
  rewriter.replaceOp(op, result);
  return success();
}

void kiln::broadcastDynamicUnitMaskDims(RewriterBase &rewriter,
                                        fused::AttentionOp op) {
  using kiln::model_to_linalg::andOf;
  using kiln::model_to_linalg::cmpi;
  using kiln::model_to_linalg::dimValue;
  using kiln::model_to_linalg::indexConstant;
  Value mask = op.getMask();
  if (!mask)
    return;
  auto type = cast<RankedTensorType>(mask.getType());
  if (type.hasStaticShape())
    return;
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);
  Location loc = op.getLoc();
  int64_t rank = type.getRank();
  auto scoreSize = [&](int64_t scoreDim) -> Value {
    switch (scoreDim) {
    case 0:
      return dimValue(rewriter, loc, op.getQuery(), 0);
    case 1:
      return indexConstant(rewriter, loc, op.getNumHeads());
    case 2:
      return dimValue(rewriter, loc, op.getQuery(), 2);
    default:
      return dimValue(rewriter, loc, op.getKey(), 2);
    }
  };
  Value one = indexConstant(rewriter, loc, 1);
  Value stretch;
  SmallVector<Value> unit(rank), dynamicSizes;
  for (int64_t d = 0; d < rank; ++d) {
    if (!type.isDynamicDim(d))
      continue;
    Value size = dimValue(rewriter, loc, mask, d);
    Value target = scoreSize(d + 4 - rank);
    unit[d] = cmpi(rewriter, loc, arith::CmpIPredicate::eq, size, one);
    Value stretches = andOf(
        rewriter, loc, unit[d],
        cmpi(rewriter, loc, arith::CmpIPredicate::ne, target, one));
    stretch = stretch ? arith::OrIOp::create(rewriter, loc, stretch, stretches)
                            .getResult()
                      : stretches;
    dynamicSizes.push_back(
        arith::SelectOp::create(rewriter, loc, unit[d], target, size));
  }
  auto stretched = scf::IfOp::create(
      rewriter, loc, stretch,
      [&](OpBuilder &b, Location l) {
        // Dims 1 at run time read index 0; the others read their index.
        Value empty = tensor::EmptyOp::create(b, l, type, dynamicSizes);
        SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank)};
        SmallVector<IteratorType> iterators(rank, kPar);
        Value copy =
            linalg::GenericOp::create(
                b, l, TypeRange{type}, ValueRange{}, ValueRange{empty}, maps,
                iterators,
                [&](OpBuilder &nb, Location nl, ValueRange) {
                  SmallVector<Value> indices;
                  Value zero = indexConstant(nb, nl, 0);
                  for (int64_t d = 0; d < rank; ++d) {
                    Value i = linalg::IndexOp::create(nb, nl, d);
                    indices.push_back(
                        unit[d] ? arith::SelectOp::create(nb, nl, unit[d],
                                                          zero, i)
                                      .getResult()
                                : i);
                  }
                  linalg::YieldOp::create(
                      nb, nl,
                      tensor::ExtractOp::create(nb, nl, mask, indices)
                          .getResult());
                })
                .getResult(0);
        scf::YieldOp::create(b, l, copy);
      },
      [&](OpBuilder &b, Location l) { scf::YieldOp::create(b, l, mask); });
  rewriter.modifyOpInPlace(
      op, [&] { op.getMaskMutable().assign(stretched.getResult(0)); });
}

/// Checks at run time the sizes the verifier could not compare (dynamic on
/// at least one side): the lowering slices K, V, the mask and the
/// destination by the query's batch and lengths, so a contradiction must
/// stop it before it reads out of bounds. Null when everything is static.
Value kiln::checkAttentionSizes(OpBuilder &b, kiln::fused::AttentionOp op) {
  using kiln::model_to_linalg::dimValue;
  Location loc = op.getLoc();
  Value q = op.getQuery(), k = op.getKey(), v = op.getValue(),
        init = op.getInit();
  kiln::model_to_linalg::RuntimeChecks checks;
  for (Value x : {k, v, init})
    checks.requireEqualDims(b, loc, q, 0, x, 0);
  checks.requireEqualDims(b, loc, q, 2, init, 2);
  checks.requireEqualDims(b, loc, q, 3, k, 3);
  checks.requireEqualDims(b, loc, k, 2, v, 2);
  checks.requireEqualDims(b, loc, v, 3, init, 3);
  auto requireSize = [&](Value x, int64_t dim, int64_t size) {
    if (!cast<RankedTensorType>(x.getType()).isDynamicDim(dim))
      return;
    checks.require(b, loc,
                   arith::CmpIOp::create(
                       b, loc, arith::CmpIPredicate::eq, dimValue(b, loc, x, dim),
                       arith::ConstantIndexOp::create(b, loc, size)));
  };
  auto heads = static_cast<int64_t>(op.getNumHeads());
  auto kvHeads = static_cast<int64_t>(op.getNumKvHeads());
  for (Value x : {q, init})
    requireSize(x, 1, heads);
  for (Value x : {k, v})
    requireSize(x, 1, kvHeads);
  // A mask dim that is not a static 1 must be the score dim it lines up
  // with (a dynamic one that is 1 at run time was stretched to it by
  // broadcastDynamicUnitMaskDims).
  if (Value mask = op.getMask()) {
    auto type = cast<RankedTensorType>(mask.getType());
    for (int64_t d = 0; d < type.getRank(); ++d) {
      if (type.getDimSize(d) == 1)
        continue; // broadcasts
      switch (d + 4 - type.getRank()) {
      case 0:
        checks.requireEqualDims(b, loc, mask, d, q, 0);
        break;
      case 1:
        requireSize(mask, d, heads);
        break;
      case 2:
        checks.requireEqualDims(b, loc, mask, d, q, 2);
        break;
      default:
        checks.requireEqualDims(b, loc, mask, d, k, 2);
      }
    }
  }
  return checks.emit(b, loc, op,
                     "the sizes of query, key, value, mask and destination "
                     "contradict each other");
}
