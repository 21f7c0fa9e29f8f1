//===- FuseAttention.cpp - Decomposed attention into fused.attention ------===//
// Matches matmul(softmax(scale * matmul(Q, Kt) + masks, keys), V) in the
// forms torch.onnx.export writes: the scale after the matmul (div/mul by a
// constant) or on Q and K before it; K^T as a transpose of K; K and V
// repeated for GQA by Hugging Face's repeat_kv (unsqueeze, expand, reshape)
// or broadcast by the matmul (multi-query); masks that are the causal
// triangle or a causal band (constant, Trilu, or a Where over index ranges:
// AttentionMask.cpp) become attributes, any other float mask stays an
// additive operand. Anything else stays unfused.
#include "passes/Fusion/Passes.h"

#include "dialects/Model/Analysis/DimEquivalence.h"
#include "dialects/Model/IR/ModelOps.h"
#include "passes/Fusion/AttentionMask.h"
#include "passes/Fusion/FusionReport.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

namespace kiln {
#define GEN_PASS_DEF_FUSEATTENTION
#include "passes/Fusion/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln::model;
using kiln::fusion::Band;
using kiln::fusion::MaskClass;

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
int64_t dimOf(Value v, int64_t i) {
  return cast<RankedTensorType>(v.getType()).getDimSize(i);
}

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

  /// Whether a shape entry is dim `d` of `x` in every run.
  bool entryIs(const ShapeEntry &entry, Value x, int64_t d) const {
    if (entry.constant)
      return !ShapedType::isDynamic(dimOf(x, d)) && *entry.constant == dimOf(x, d);
    return entry.dimOf && equal(entry.dimOf, entry.dim, x, d);
  }

  /// Peels `x * c`, `c * x` (c a scalar float constant) off `v`,
  /// multiplying `scale`; the peeled ops join `matched`.
  Value peelScalarMul(Value v, double &scale,
                      SmallVectorImpl<Operation *> &matched) const {
    while (auto mul = v.getDefiningOp<MulOp>()) {
      if (mul.getType() != v.getType())
        break;
      std::optional<double> c = scalarConstant(mul.getRhs());
      Value other = mul.getLhs();
      if (!c) {
        c = scalarConstant(mul.getLhs());
        other = mul.getRhs();
      }
      if (!c || other.getType() != v.getType())
        break;
      scale *= *c;
      matched.push_back(mul);
      v = other;
    }
    return v;
  }

  /// Hugging Face's repeat_kv: reshape(expand(unsqueeze(x, [2]),
  /// [B, G, n, S, D]), [B, G * n, S, D]) of x [B, G, S, D]; returns x, or
  /// null when `v` is no such repeat.
  Value unrepeat(Value v, SmallVectorImpl<Operation *> &matched) const {
    Operation *reshape = v.getDefiningOp();
    if (!reshape || !isa<ReshapeOp, DynamicReshapeOp>(reshape) ||
        rankOf(v) != 4)
      return {};
    auto expand = reshape->getOperand(0).getDefiningOp<ExpandOp>();
    if (!expand || rankOf(expand) != 5)
      return {};
    auto unsqueeze = expand.getInput().getDefiningOp<UnsqueezeOp>();
    if (!unsqueeze || unsqueeze.getAxes().size() != 1 ||
        unsqueeze.getAxes()[0] != 2 || rankOf(unsqueeze.getInput()) != 4)
      return {};
    Value x = unsqueeze.getInput();
    if (ShapedType::isDynamic(dimOf(x, 1)) || ShapedType::isDynamic(dimOf(x, 3)))
      return {};
    SmallVector<ShapeEntry> e = expandShapeEntries(expand.getShape());
    if (e.size() != 5 || !e[2].constant || *e[2].constant < 1)
      return {};
    int64_t groups = dimOf(x, 1), rep = *e[2].constant;
    auto keeps = [&](const ShapeEntry &entry, int64_t d) {
      return (entry.constant && *entry.constant == 1) || entryIs(entry, x, d);
    };
    if (!keeps(e[0], 0) || !keeps(e[1], 1) || !keeps(e[3], 2) || !keeps(e[4], 3))
      return {};
    SmallVector<ShapeEntry> t;
    if (auto r = dyn_cast<ReshapeOp>(reshape)) {
      for (int64_t d : r.getShape())
        t.push_back({d, {}, 0});
    } else {
      t = knownShapeEntries(cast<DynamicReshapeOp>(reshape).getShape());
    }
    if (t.size() != 4)
      return {};
    auto isConst = [](const ShapeEntry &entry, int64_t c) {
      return entry.constant && *entry.constant == c;
    };
    // 0 copies the expanded dim 0 (B); -1 can only be D, the rest being known.
    if (!(isConst(t[0], 0) || entryIs(t[0], x, 0)) ||
        !isConst(t[1], groups * rep) || !entryIs(t[2], x, 2) ||
        !(isConst(t[3], -1) || entryIs(t[3], x, 3)))
      return {};
    matched.append({reshape, expand, unsqueeze});
    return x;
  }

  LogicalResult matchAndRewrite(MatMulOp op,
                                PatternRewriter &rewriter) const override {
    auto softmax = op.getLhs().getDefiningOp<SoftmaxOp>();
    if (!softmax)
      return failure(); // a plain matmul, no candidate
    Value v = op.getRhs();
    if (rankOf(op.getResult()) != 4 || rankOf(v) != 4)
      return rewriter.notifyMatchFailure(op, "not rank-4 [batch, heads, seq, dim] attention");
    if (softmax.getAxis() != 3)
      return rewriter.notifyMatchFailure(
          op, "the softmax is not over the last axis (the keys)");
    if (!softmax->hasOneUse())
      return rewriter.notifyMatchFailure(op, "the attention weights have other uses");
    SmallVector<Operation *> matched = {op, softmax};

    // The softmax input as a sum of terms: the scores and the masks.
    SmallVector<Value> terms, work = {softmax.getInput()};
    while (!work.empty()) {
      Value x = work.pop_back_val();
      auto add = x.getDefiningOp<AddOp>();
      if (add && add->hasOneUse() &&
          isa<FloatType>(getElementTypeOrSelf(add.getType()))) {
        matched.push_back(add);
        work.push_back(add.getRhs());
        work.push_back(add.getLhs());
        continue;
      }
      terms.push_back(x);
    }
    auto scoresOf = [](Value t) -> MatMulOp {
      while (Operation *def = t.getDefiningOp()) {
        if (auto mm = dyn_cast<MatMulOp>(def))
          return rankOf(mm) == 4 ? mm : MatMulOp();
        if (!isa<MulOp, DivOp>(def))
          return {};
        t = def->getOperand(0).getType() == t.getType() ? def->getOperand(0)
                                                        : def->getOperand(1);
      }
      return {};
    };
    auto scoresTerm = llvm::find_if(terms, [&](Value t) { return scoresOf(t); });
    if (scoresTerm == terms.end())
      return rewriter.notifyMatchFailure(
          op, "the softmax input holds no Q·Kᵀ matmul (times a constant)");
    Value x = *scoresTerm;
    SmallVector<Value> masks;
    for (Value t : terms)
      if (t != x)
        masks.push_back(t);

    // scores (* or /) constants
    double scale = 1.0;
    while (!x.getDefiningOp<MatMulOp>()) {
      Operation *def = x.getDefiningOp();
      if (!def->hasOneUse())
        return rewriter.notifyMatchFailure(op, "the scaled scores have other uses");
      if (auto div = dyn_cast<DivOp>(def)) {
        std::optional<double> c = scalarConstant(div.getRhs());
        if (!c || *c == 0.0)
          return rewriter.notifyMatchFailure(
              op, "the scores are divided by something other than a scalar constant");
        scale /= *c;
        x = div.getLhs();
      } else {
        auto mul = cast<MulOp>(def);
        std::optional<double> c = scalarConstant(mul.getRhs());
        Value other = mul.getLhs();
        if (!c) {
          c = scalarConstant(mul.getLhs());
          other = mul.getRhs();
        }
        if (!c)
          return rewriter.notifyMatchFailure(
              op, "the scores are multiplied by something other than a scalar constant");
        scale *= *c;
        x = other;
      }
      matched.push_back(def);
    }
    auto scores = x.getDefiningOp<MatMulOp>();
    if (!scores->hasOneUse())
      return rewriter.notifyMatchFailure(op, "the scores have other uses");
    matched.push_back(scores);
    Value q = scores.getLhs(), kt = scores.getRhs();
    if (rankOf(q) != 4 || rankOf(kt) != 4)
      return rewriter.notifyMatchFailure(op, "Q or K^T is not rank 4");

    // Scale before the matmul (q * s, k * s), K from K^T, GQA repeats.
    q = peelScalarMul(q, scale, matched);
    kt = peelScalarMul(kt, scale, matched);
    Value k;
    if (auto t = kt.getDefiningOp<TransposeOp>())
      if (t.getPerm() == ArrayRef<int64_t>{0, 1, 3, 2}) {
        matched.push_back(t);
        k = peelScalarMul(t.getInput(), scale, matched);
      }
    SmallVector<Operation *> repeatOps;
    Value kBase = k ? unrepeat(k, repeatOps) : Value();
    Value vBase = unrepeat(v, repeatOps);
    // GQA only when both are repeats with the same groups.
    if (kBase && vBase && dimOf(kBase, 1) == dimOf(vBase, 1)) {
      k = kBase;
      v = vBase;
      llvm::append_range(matched, repeatOps);
    }

    auto qType = cast<RankedTensorType>(q.getType());
    Type element = qType.getElementType();
    if (!isa<FloatType>(element))
      return rewriter.notifyMatchFailure(op, "not a float attention");
    if (qType.isDynamicDim(1))
      return rewriter.notifyMatchFailure(op, "the head count is dynamic");
    int64_t heads = qType.getDimSize(1);
    // K's dims as [b, g, Sk, D] (from K^T's when K is not at hand).
    Value kDims = k ? k : kt;
    int64_t kSeq = k ? 2 : 3, kDim = k ? 3 : 2;
    int64_t kvHeads = dimOf(kDims, 1);
    if (ShapedType::isDynamic(kvHeads) || dimOf(v, 1) != kvHeads)
      return rewriter.notifyMatchFailure(
          op, "the key and value head counts differ or are dynamic");
    if (kvHeads <= 0 || heads % kvHeads != 0)
      return rewriter.notifyMatchFailure(
          op, "the key/value heads do not divide the query heads");
    if (!equal(q, 0, kDims, 0) || !equal(q, 0, v, 0))
      return rewriter.notifyMatchFailure(
          op, "the batch sizes of Q, K and V are not proven equal");
    if (!equal(q, 3, kDims, kDim))
      return rewriter.notifyMatchFailure(
          op, "the head dims of Q and K are not proven equal");
    if (!equal(kDims, kSeq, v, 2))
      return rewriter.notifyMatchFailure(
          op, "the key lengths of K and V are not proven equal");

    // Masks: visibility patterns become attributes; one additive mask stays.
    auto isScoreDim = [&](Value m, int64_t d, int which) {
      return which == 0 ? equal(m, d, q, 2) : equal(m, d, kDims, kSeq);
    };
    Band band;
    bool hasBand = false;
    Value additive;
    for (Value mask : masks) {
      MaskClass kind = kiln::fusion::classifyMask(mask, isScoreDim);
      if (kind.kind == MaskClass::Additive) {
        if (additive)
          return rewriter.notifyMatchFailure(op, "more than one additive mask");
        additive = mask;
        continue;
      }
      llvm::append_range(matched, kind.ops);
      hasBand = true;
      if (kind.band.lo && (!band.lo || *kind.band.lo > *band.lo))
        band.lo = kind.band.lo;
      if (kind.band.hi && (!band.hi || *kind.band.hi < *band.hi))
        band.hi = kind.band.hi;
    }
    bool causal = false;
    int64_t windowLeft = -1, windowRight = -1;
    if (hasBand && (band.lo || band.hi)) {
      // The diagonal key of query i is i + (Sk - Sq).
      std::optional<int64_t> offset;
      int64_t sq = dimOf(q, 2), sk = dimOf(kDims, kSeq);
      if (!ShapedType::isDynamic(sq) && !ShapedType::isDynamic(sk))
        offset = sk - sq;
      else if (equal(q, 2, kDims, kSeq))
        offset = 0;
      if (!offset || *offset < 0)
        return rewriter.notifyMatchFailure(
            op, "a causal-looking mask over query and key lengths not proven "
                "to end together");
      if ((band.hi && *band.hi < *offset) || (band.lo && *band.lo > *offset))
        return rewriter.notifyMatchFailure(
            op, "the mask hides the diagonal: a triangle or band with the "
                "wrong offset, neither causal nor a causal band");
      // Every key after the query visible is an anti-causal triangle: the
      // fused op could say it (window_left alone), but no model means it,
      // so it is far likelier a bug worth seeing than a form to fuse.
      if (!band.hi)
        return rewriter.notifyMatchFailure(
            op, "the mask hides the keys before each query, not after (a "
                "triangle in the wrong direction)");
      causal = band.hi && *band.hi == *offset;
      if (band.hi && !causal)
        windowRight = *band.hi - *offset;
      if (band.lo)
        windowLeft = *offset - *band.lo;
    }
    if (additive) {
      auto maskType = cast<RankedTensorType>(additive.getType());
      if (maskType.getElementType() != element || maskType.getRank() > 4)
        return rewriter.notifyMatchFailure(op, "the mask is not an additive mask of the scores' type");
      // Each mask dim is a static 1 or the score dim it lines up with.
      Value scoreDims[4] = {q, q, q, kDims};
      int64_t scoreDim[4] = {0, 1, 2, kSeq};
      for (int64_t j = 0; j < maskType.getRank(); ++j) {
        int64_t i = j + 4 - maskType.getRank();
        // A dim whose type says `?` but that is 1 in every run (expanded
        // to 1, as HF's [b, 1, q, k] masks are) broadcasts like a static 1.
        if (maskType.getDimSize(j) == 1 ||
            (facts && facts->provenOne(additive, j)))
          continue;
        if (!equal(additive, j, scoreDims[i], scoreDim[i]))
          return rewriter.notifyMatchFailure(op, "the mask is not proven to broadcast to the scores");
      }
    }

    SmallVector<Location> locs;
    for (Operation *m : matched)
      locs.push_back(m->getLoc());
    Location loc = rewriter.getFusedLoc(locs);
    if (!k)
      k = TransposeOp::create(rewriter, loc, kt,
                              rewriter.getDenseI64ArrayAttr({0, 1, 3, 2}));
    if (additive) {
      // The fused op broadcasts only static unit mask dims (a dynamic one
      // must match the score dim at run time): state the proven 1s.
      auto maskType = cast<RankedTensorType>(additive.getType());
      SmallVector<int64_t> shape(maskType.getShape());
      for (int64_t j = 0; j < maskType.getRank(); ++j)
        if (maskType.isDynamicDim(j) && facts && facts->provenOne(additive, j))
          shape[j] = 1;
      if (ArrayRef<int64_t>(shape) != maskType.getShape())
        additive = tensor::CastOp::create(
            rewriter, loc, maskType.clone(shape), additive);
    }
    auto resultType = cast<RankedTensorType>(op.getType());
    SmallVector<OpFoldResult> sizes = {
        tensor::getMixedSize(rewriter, loc, q, 0),
        tensor::getMixedSize(rewriter, loc, q, 1),
        tensor::getMixedSize(rewriter, loc, q, 2),
        tensor::getMixedSize(rewriter, loc, v, 3)};
    Value init = tensor::EmptyOp::create(rewriter, loc, sizes, element);
    if (init.getType() != resultType)
      init = tensor::CastOp::create(rewriter, loc, resultType, init);
    auto fused = kiln::fused::AttentionOp::create(
        rewriter, loc, resultType, q, k, v, additive, init,
        rewriter.getI64IntegerAttr(heads), rewriter.getI64IntegerAttr(kvHeads),
        rewriter.getF32FloatAttr(static_cast<float>(scale)),
        rewriter.getBoolAttr(causal), rewriter.getI64IntegerAttr(windowLeft),
        rewriter.getI64IntegerAttr(windowRight));
    rewriter.replaceOp(op, fused.getResult());
    return success();
  }

  const DimEquivalence *facts;
};

struct FuseAttentionPass : kiln::impl::FuseAttentionBase<FuseAttentionPass> {
  using FuseAttentionBase::FuseAttentionBase;
  void runOnOperation() override {
    // The facts are about the graph before fusion; the pattern only asks
    // about values of its match, which fusion does not replace.
    DimEquivalence facts(getOperation());
    RewritePatternSet patterns(&getContext());
    kiln::populateFuseAttentionPatterns(patterns, &facts);
    if (failed(kiln::applyFusionPatterns(getOperation(), std::move(patterns),
                                         "attention", report)))
      signalPassFailure();
  }
};

} // namespace

void kiln::populateFuseAttentionPatterns(RewritePatternSet &patterns,
                                         const DimEquivalence *facts) {
  patterns.add<FuseAttentionPattern>(patterns.getContext(), facts);
}
