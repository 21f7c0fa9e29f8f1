//===- FuseAttention.cpp - Decomposed attention into fused.attention ------===//
#include "passes/Fusion/Passes.h"

#include "dialects/Model/Analysis/DimEquivalence.h"
#include "dialects/Model/IR/ModelOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace kiln {
#define GEN_PASS_DEF_FUSEATTENTION
#include "passes/Fusion/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln::model;

namespace {

/// The value of a scalar (rank-0 or single-element) float constant.
std::optional<double> scalarConstant(Value v) {
  DenseElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) || attr.getNumElements() != 1 ||
      !isa<FloatType>(attr.getElementType()))
    return std::nullopt;
  return (*attr.value_begin<APFloat>()).convertToDouble();
}

int64_t rankOf(Value v) { return cast<RankedTensorType>(v.getType()).getRank(); }

struct FuseAttentionPattern : OpRewritePattern<MatMulOp> {
  FuseAttentionPattern(MLIRContext *ctx, const DimEquivalence *facts)
      : OpRewritePattern(ctx), facts(facts) {}

  bool equal(Value a, int64_t i, Value b, int64_t j) const {
    auto ta = cast<RankedTensorType>(a.getType());
    auto tb = cast<RankedTensorType>(b.getType());
    if (!ta.isDynamicDim(i) && !tb.isDynamicDim(j))
      return ta.getDimSize(i) == tb.getDimSize(j);
    return facts && facts->provenEqual(a, i, b, j);
  }

  LogicalResult matchAndRewrite(MatMulOp op,
                                PatternRewriter &rewriter) const override {
    auto softmax = op.getLhs().getDefiningOp<SoftmaxOp>();
    if (!softmax)
      return rewriter.notifyMatchFailure(op, "the lhs is not a softmax");
    Value v = op.getRhs();
    if (rankOf(op.getResult()) != 4 || rankOf(v) != 4)
      return rewriter.notifyMatchFailure(op, "not rank-4 [batch, heads, seq, dim] attention");
    if (softmax.getAxis() != 3)
      return rewriter.notifyMatchFailure(
          op, "the softmax is not over the last axis (the keys)");
    if (!softmax->hasOneUse())
      return rewriter.notifyMatchFailure(op, "the attention weights have other uses");

    // [scores (* or /) c] [+ mask]
    Value x = softmax.getInput(), mask;
    if (auto add = x.getDefiningOp<AddOp>()) {
      auto isScores = [](Value s) {
        Operation *def = s.getDefiningOp();
        return def && isa<MatMulOp, DivOp, MulOp>(def);
      };
      if (isScores(add.getLhs()) && rankOf(add.getLhs()) == 4) {
        x = add.getLhs();
        mask = add.getRhs();
      } else if (isScores(add.getRhs()) && rankOf(add.getRhs()) == 4) {
        x = add.getRhs();
        mask = add.getLhs();
      } else {
        return rewriter.notifyMatchFailure(op, "the softmax input is an add of no scores");
      }
      if (!add->hasOneUse())
        return rewriter.notifyMatchFailure(op, "the masked scores have other uses");
    }
    double scale = 1.0;
    if (auto div = x.getDefiningOp<DivOp>()) {
      std::optional<double> c = scalarConstant(div.getRhs());
      if (!c || *c == 0.0)
        return rewriter.notifyMatchFailure(op, "the scores are divided by something other than a scalar constant");
      scale = 1.0 / *c;
      x = div.getLhs();
    } else if (auto mul = x.getDefiningOp<MulOp>()) {
      std::optional<double> c = scalarConstant(mul.getRhs());
      Value other = mul.getLhs();
      if (!c) {
        c = scalarConstant(mul.getLhs());
        other = mul.getRhs();
      }
      if (!c)
        return rewriter.notifyMatchFailure(op, "the scores are multiplied by something other than a scalar constant");
      scale = *c;
      x = other;
    }
    auto scores = x.getDefiningOp<MatMulOp>();
    if (!scores)
      return rewriter.notifyMatchFailure(op, "the scores are not a matmul");
    Value q = scores.getLhs(), kt = scores.getRhs();
    if (rankOf(q) != 4 || rankOf(kt) != 4)
      return rewriter.notifyMatchFailure(op, "Q or K^T is not rank 4");

    // Every size the fused op relies on must be known to agree.
    auto qType = cast<RankedTensorType>(q.getType());
    Type element = qType.getElementType();
    if (!isa<FloatType>(element))
      return rewriter.notifyMatchFailure(op, "not a float attention");
    if (qType.isDynamicDim(1))
      return rewriter.notifyMatchFailure(op, "the head count is dynamic");
    bool sizesAgree = equal(q, 0, kt, 0) && equal(q, 0, v, 0) &&
                      equal(q, 1, kt, 1) && equal(q, 1, v, 1) &&
                      equal(q, 3, kt, 2) && equal(kt, 3, v, 2);
    if (!sizesAgree)
      return rewriter.notifyMatchFailure(
          op, "batch, heads, head dims or key lengths are not proven equal");
    if (mask) {
      auto maskType = cast<RankedTensorType>(mask.getType());
      if (maskType.getElementType() != element || maskType.getRank() > 4)
        return rewriter.notifyMatchFailure(op, "the mask is not an additive mask of the scores' type");
      // Each mask dim is a static 1 or the score dim it lines up with.
      Value scoreDims[4] = {q, q, q, kt};
      int64_t scoreDim[4] = {0, 1, 2, 3};
      for (int64_t j = 0; j < maskType.getRank(); ++j) {
        int64_t i = j + 4 - maskType.getRank();
        if (maskType.getDimSize(j) == 1)
          continue;
        if (!equal(mask, j, scoreDims[i], scoreDim[i]))
          return rewriter.notifyMatchFailure(op, "the mask is not proven to broadcast to the scores");
      }
    }

    Location loc = op.getLoc();
    auto k = TransposeOp::create(rewriter, loc, kt,
                                 rewriter.getDenseI64ArrayAttr({0, 1, 3, 2}));
    auto resultType = cast<RankedTensorType>(op.getType());
    SmallVector<OpFoldResult> sizes = {
        tensor::getMixedSize(rewriter, loc, q, 0),
        tensor::getMixedSize(rewriter, loc, q, 1),
        tensor::getMixedSize(rewriter, loc, q, 2),
        tensor::getMixedSize(rewriter, loc, v, 3)};
    Value init = tensor::EmptyOp::create(rewriter, loc, sizes, element);
    if (init.getType() != resultType)
      init = tensor::CastOp::create(rewriter, loc, resultType, init);
    int64_t heads = qType.getDimSize(1);
    auto fused = kiln::fused::AttentionOp::create(
        rewriter, loc, resultType, q, k, v, mask, init,
        rewriter.getI64IntegerAttr(heads), rewriter.getI64IntegerAttr(heads),
        rewriter.getF32FloatAttr(static_cast<float>(scale)),
        rewriter.getBoolAttr(false), rewriter.getI64IntegerAttr(-1),
        rewriter.getI64IntegerAttr(-1));
    rewriter.replaceOp(op, fused.getResult());
    return success();
  }

  const DimEquivalence *facts;
};

struct FuseAttentionPass : kiln::impl::FuseAttentionBase<FuseAttentionPass> {
  void runOnOperation() override {
    // The facts are about the graph before fusion; the pattern only asks
    // about values of its match, which fusion does not replace.
    DimEquivalence facts(getOperation());
    RewritePatternSet patterns(&getContext());
    kiln::populateFuseAttentionPatterns(patterns, &facts);
    GreedyRewriteConfig config;
    config.enableFolding(false);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns),
                                     config)))
      signalPassFailure();
  }
};

} // namespace

void kiln::populateFuseAttentionPatterns(RewritePatternSet &patterns,
                                         const DimEquivalence *facts) {
  patterns.add<FuseAttentionPattern>(patterns.getContext(), facts);
}
