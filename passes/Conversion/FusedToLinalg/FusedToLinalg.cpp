//===- FusedToLinalg.cpp - The linalg decomposition of `fused` ops --------===//
// The reference lowering every target can fall back on: attention as a
// contraction for the scores, an elementwise scale/mask/visibility step,
// linalg.softmax and a contraction with the values. It materializes the
// [Sq, Sk] scores; the pass's `flash` option selects the tiled online-softmax
// lowering (FlashAttention.cpp) instead.
#include "dialects/Fused/IR/FusedOps.h"
#include "passes/Conversion/FusedToLinalg/FlashAttention.h"
#include "passes/Conversion/FusedToLinalg/FusedTiling.h"
#include "passes/Conversion/ModelToLinalg/ModelToLinalg.h"
#include "passes/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace kiln {
#define GEN_PASS_DEF_CONVERTFUSEDTOLINALG
#include "passes/Conversion/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using kiln::model_to_linalg::accumulatorType;
using kiln::model_to_linalg::convertScalar;

namespace {

/// acc + a * b in the accumulator's type.
Value multiplyAdd(OpBuilder &b, Location loc, Value x, Value y, Value acc) {
  Type t = acc.getType();
  Value product = arith::MulFOp::create(b, loc, convertScalar(b, loc, x, t),
                                        convertScalar(b, loc, y, t));
  return arith::AddFOp::create(b, loc, acc, product);
}

/// out[b, h, i, x] = sum_r lhs[b, h, i, r] * rhs[b, h / group, ...] over
/// loops (b, h, i, x, r), with `rhsMap` placing x and r in rhs: the two
/// contractions of attention, both reading the key/value head of their
/// query head.
Value contractHeads(OpBuilder &b, Location loc, RankedTensorType type,
                    Value lhs, Value rhs, AffineMap rhsMap, Value init) {
  MLIRContext *ctx = b.getContext();
  AffineExpr d0, d1, d2, d3, d4;
  bindDims(ctx, d0, d1, d2, d3, d4);
  auto par = utils::IteratorType::parallel;
  return linalg::GenericOp::create(
             b, loc, type, ValueRange{lhs, rhs}, init,
             {AffineMap::get(5, 0, {d0, d1, d2, d4}, ctx), rhsMap,
              AffineMap::get(5, 0, {d0, d1, d2, d3}, ctx)},
             {par, par, par, par, utils::IteratorType::reduction},
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(
                   nb, l, multiplyAdd(nb, l, args[0], args[1], args[2]));
             })
      .getResult(0);
}

struct AttentionToLinalg : OpConversionPattern<kiln::fused::AttentionOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(kiln::fused::AttentionOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    // The verifier compared the static sizes; dynamic ones (an imported
    // ONNX Attention has them, kiln-fuse-attention proves them) are checked
    // here, and after a failed check nothing is read.
    Location loc = op.getLoc();
    kiln::broadcastDynamicUnitMaskDims(rewriter, op);
    Value ok = kiln::checkAttentionSizes(rewriter, op);
    auto outType = cast<RankedTensorType>(op.getType());
    Value out = kiln::model_to_linalg::buildIfValid(
        rewriter, loc, ok, outType, [&](OpBuilder &b, Location) {
          OpBuilder::InsertionGuard guard(rewriter);
          rewriter.setInsertionPoint(b.getInsertionBlock(),
                                     b.getInsertionPoint());
          return lower(op, adaptor, rewriter);
        });
    rewriter.replaceOp(op, out);
    return success();
  }

  Value lower(kiln::fused::AttentionOp op, OpAdaptor adaptor,
              ConversionPatternRewriter &rewriter) const {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value q = adaptor.getQuery(), k = adaptor.getKey(), v = adaptor.getValue();
    auto outType = cast<RankedTensorType>(op.getType());
    Type element = outType.getElementType();
    Type acc = accumulatorType(element);
    int64_t group = op.getNumHeads() / op.getNumKvHeads();
    auto qType = cast<RankedTensorType>(q.getType());
    auto kType = cast<RankedTensorType>(k.getType());

    OpFoldResult batch = tensor::getMixedSize(rewriter, loc, q, 0);
    OpFoldResult heads = rewriter.getIndexAttr(op.getNumHeads());
    OpFoldResult sq = tensor::getMixedSize(rewriter, loc, q, 2);
    OpFoldResult sk = tensor::getMixedSize(rewriter, loc, k, 2);
    OpFoldResult dv = tensor::getMixedSize(rewriter, loc, v, 3);
    auto filled = [&](ArrayRef<OpFoldResult> sizes, Type type) {
      Value empty = tensor::EmptyOp::create(rewriter, loc, sizes, type);
      Value zero = arith::ConstantOp::create(rewriter, loc, type,
                                             rewriter.getZeroAttr(type));
      return linalg::FillOp::create(rewriter, loc, zero, empty).getResult(0);
    };
    AffineExpr d0, d1, d2, d3, d4;
    bindDims(ctx, d0, d1, d2, d3, d4);
    auto par = utils::IteratorType::parallel;

    // scores[b, h, i, j] = sum_d q[b, h, i, d] * k[b, h / group, j, d]
    SmallVector<int64_t> scoreShape = {qType.getDimSize(0),
                                       static_cast<int64_t>(op.getNumHeads()),
                                       qType.getDimSize(2),
                                       kType.getDimSize(2)};
    auto scoresType = RankedTensorType::get(scoreShape, acc);
    Value scoresInit = filled({batch, heads, sq, sk}, acc);
    Value scores = contractHeads(
        rewriter, loc, scoresType, q, k,
        AffineMap::get(5, 0, {d0, d1.floorDiv(group), d3, d4}, ctx),
        scoresInit);

    // Scale, mask and visibility: hidden keys get -inf.
    // Query row i sits at key position i + offset.
    Value offset = adaptor.getQueryOffset();
    if (!offset)
      offset = arith::SubIOp::create(
          rewriter, loc, getValueOrCreateConstantIndexOp(rewriter, loc, sk),
          getValueOrCreateConstantIndexOp(rewriter, loc, sq));
    SmallVector<Value> inputs = {scores};
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(4)};
    bool booleanMask = false;
    // The op's own mask: broadcastDynamicUnitMaskDims may have replaced it.
    if (Value mask = op.getMask()) {
      booleanMask =
          cast<RankedTensorType>(mask.getType()).getElementType().isInteger(1);
      inputs.push_back(mask);
      maps.push_back(kiln::model_to_linalg::broadcastMap(
          cast<RankedTensorType>(mask.getType()), scoresType));
    }
    maps.push_back(rewriter.getMultiDimIdentityMap(4));
    float scale = op.getScale().convertToFloat();
    bool causal = op.getCausal();
    auto left = static_cast<int64_t>(op.getWindowLeft()),
         right = static_cast<int64_t>(op.getWindowRight());
    Value maskedInit = tensor::EmptyOp::create(
        rewriter, loc, ArrayRef<OpFoldResult>{batch, heads, sq, sk}, acc);
    SmallVector<utils::IteratorType> allParallel(4, par);
    Value masked =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{scoresType}, ValueRange(inputs),
            ValueRange{maskedInit}, maps, allParallel,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value s = arith::MulFOp::create(
                  b, l, args[0],
                  arith::ConstantOp::create(b, l, acc,
                                            b.getFloatAttr(acc, scale)));
              if (inputs.size() > 1 && booleanMask)
                s = arith::SelectOp::create(
                    b, l, args[1], s,
                    arith::ConstantOp::create(
                        b, l, acc,
                        b.getFloatAttr(
                            acc, -std::numeric_limits<double>::infinity())));
              else if (inputs.size() > 1)
                s = arith::AddFOp::create(b, l, s,
                                          convertScalar(b, l, args[1], acc));
              if (causal || left >= 0 || right >= 0) {
                // Key j relative to the diagonal of query i.
                Value i = linalg::IndexOp::create(b, l, 2);
                Value j = linalg::IndexOp::create(b, l, 3);
                Value diag = arith::AddIOp::create(b, l, i, offset);
                Value visible =
                    arith::ConstantIntOp::create(b, l, b.getI1Type(), 1);
                auto andIf = [&](arith::CmpIPredicate p, Value lhs,
                                 Value rhs) {
                  visible = arith::AndIOp::create(
                      b, l, visible, arith::CmpIOp::create(b, l, p, lhs, rhs));
                };
                if (causal)
                  andIf(arith::CmpIPredicate::sle, j, diag);
                if (right >= 0)
                  andIf(arith::CmpIPredicate::sle, j,
                        arith::AddIOp::create(
                            b, l, diag,
                            arith::ConstantIndexOp::create(b, l, right)));
                if (left >= 0)
                  andIf(arith::CmpIPredicate::sge, j,
                        arith::SubIOp::create(
                            b, l, diag,
                            arith::ConstantIndexOp::create(b, l, left)));
                Value minusInf = arith::ConstantOp::create(
                    b, l, acc,
                    b.getFloatAttr(acc, -std::numeric_limits<double>::infinity()));
                s = arith::SelectOp::create(b, l, visible, s, minusInf);
              }
              linalg::YieldOp::create(b, l, s);
            })
            .getResult(0);

    Value probs =
        linalg::SoftmaxOp::create(
            rewriter, loc, scoresType, masked,
            tensor::EmptyOp::create(rewriter, loc,
                                    ArrayRef<OpFoldResult>{batch, heads, sq, sk},
                                    acc),
            3)
            .getResult()[0];

    // out[b, h, i, e] = sum_j p[b, h, i, j] * v[b, h / group, j, e]
    auto accOutType = outType.clone(acc);
    Value outInit = filled({batch, heads, sq, dv}, acc);
    Value out = contractHeads(
        rewriter, loc, accOutType, probs, v,
        AffineMap::get(5, 0, {d0, d1.floorDiv(group), d4, d3}, ctx), outInit);
    if (acc != element)
      out = kiln::model_to_linalg::buildElementwise(
          rewriter, loc, outType, out,
          [&](OpBuilder &b, Location l, ValueRange args) {
            return convertScalar(b, l, args[0], element);
          });
    return out;
  }
};

struct ConvertFusedToLinalgPass
    : kiln::impl::ConvertFusedToLinalgBase<ConvertFusedToLinalgPass> {
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    if (flash) {
      if (queryTile <= 0 || keyTile <= 0) {
        getOperation()->emitError("query-tile and key-tile must be positive");
        return signalPassFailure();
      }
      SmallVector<kiln::fused::AttentionOp> ops;
      getOperation()->walk(
          [&](kiln::fused::AttentionOp op) { ops.push_back(op); });
      IRRewriter rewriter(ctx);
      for (kiln::fused::AttentionOp op : ops)
        if (failed(kiln::lowerAttentionByOnlineSoftmax(rewriter, op,
                                                       queryTile, keyTile)))
          return signalPassFailure();
    }
    // fused.ssd and fused.moe tile through their TilingInterface into
    // scf.foralls (which kiln-cpu-parallel-loops runs on the thread pool)
    // before the conversion lowers what is left, the tiles included.
    IRRewriter rewriter(ctx);
    if (ssdHeadTile > 0) {
      SmallVector<kiln::fused::SSDOp> scans;
      getOperation()->walk([&](kiln::fused::SSDOp op) { scans.push_back(op); });
      for (kiln::fused::SSDOp op : scans)
        if (failed(kiln::lowerSSDByTiles(rewriter, op, ssdHeadTile)))
          return signalPassFailure();
    }
    if (moeTokenTile > 0) {
      SmallVector<kiln::fused::MoEOp> layers;
      getOperation()->walk([&](kiln::fused::MoEOp op) { layers.push_back(op); });
      for (kiln::fused::MoEOp op : layers)
        if (failed(kiln::tileMoEByTokens(rewriter, op, moeTokenTile)))
          return signalPassFailure();
    }
    ConversionTarget target(*ctx);
    target.addIllegalDialect<kiln::fused::FusedDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(ctx);
    kiln::populateFusedToLinalgPatterns(patterns);
    kiln::populateFusedMoEToLinalgPatterns(patterns, moeReference);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void kiln::populateFusedToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<AttentionToLinalg>(patterns.getContext());
  populateSSDToLinalgPatterns(patterns);
}
