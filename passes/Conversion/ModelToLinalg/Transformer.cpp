//===- Transformer.cpp - rms_norm and rotary_embedding to linalg ----------===//
//
// model.rms_norm: one reduction of x^2 over the normalized dims (in the
// stash type), then one generic that scales x by the inverse root mean
// square and by `scale` (read at min(i, size - 1), which is index 0 of a
// size-1 dim).
// model.rotary_embedding: one generic over the result that reads each
// feature, its rotation partner and the cos/sin of the token's position.
// Sizes the verifiers could not compare, and positions, are checked at run
// time; after a failed check nothing is read.
//
//===----------------------------------------------------------------------===//
#include "passes/Conversion/ModelToLinalg/ModelToLinalg.h"

#include "dialects/Model/IR/ModelOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace kiln::model;
using namespace kiln::model_to_linalg;

namespace {

/// min(i, size - 1): a read of a broadcast (possibly size-1) dim.
Value clampIndex(OpBuilder &b, Location loc, Value i, Value size) {
  return arith::MinUIOp::create(
      b, loc, i, arith::SubIOp::create(b, loc, size, indexConstant(b, loc, 1)));
}

//===----------------------------------------------------------------------===//
// rms_norm
//===----------------------------------------------------------------------===//

struct RMSNormPattern : CheckedPattern<RMSNormOp> {
  using CheckedPattern::CheckedPattern;
  LogicalResult
  matchAndRewrite(RMSNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput(), scale = adaptor.getScale();
    auto type = cast<RankedTensorType>(x.getType());
    auto scaleType = cast<RankedTensorType>(scale.getType());
    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    Type element = type.getElementType();
    Type stash = op.getStashType();
    int64_t rank = type.getRank(), axis = op.getAxis();
    int64_t scaleRank = scaleType.getRank();

    // Each scale dim is 1 or the input's; a dim of x the result states
    // statically (inferred from scale) must be that size.
    RuntimeChecks checks;
    Value one = indexConstant(rewriter, loc, 1);
    for (int64_t j = 0; j < scaleRank; ++j) {
      int64_t i = rank - scaleRank + j;
      if (scaleType.getDimSize(j) == 1 ||
          (!scaleType.isDynamicDim(j) && !type.isDynamicDim(i)))
        continue;
      Value s = dimValue(rewriter, loc, scale, j);
      checks.require(
          rewriter, loc,
          arith::OrIOp::create(
              rewriter, loc,
              cmpi(rewriter, loc, arith::CmpIPredicate::eq, s, one),
              cmpi(rewriter, loc, arith::CmpIPredicate::eq, s,
                       dimValue(rewriter, loc, x, i))));
    }
    for (int64_t i = 0; i < rank; ++i)
      if (type.isDynamicDim(i) && !resultType.isDynamicDim(i))
        checks.require(
            rewriter, loc,
            cmpi(rewriter, loc, arith::CmpIPredicate::eq,
                     dimValue(rewriter, loc, x, i),
                     indexConstant(rewriter, loc, resultType.getDimSize(i))));
    Value ok = checks.emit(rewriter, loc, op,
                           "scale does not broadcast to the normalized dims");

    Value result = buildIfValid(
        rewriter, loc, ok, resultType, [&](OpBuilder &b, Location l) {
          return build(b, l, x, scale, type, element, stash, rank, axis,
                       op.getEpsilon().convertToDouble());
        });
    if (result.getType() != resultType)
      result = tensor::CastOp::create(rewriter, loc, resultType, result);
    rewriter.replaceOp(op, result);
    return success();
  }

  static Value build(OpBuilder &b, Location loc, Value x, Value scale,
                     RankedTensorType type, Type element, Type stash,
                     int64_t rank, int64_t axis, double epsilon) {
    MLIRContext *ctx = b.getContext();
    auto scaleType = cast<RankedTensorType>(scale.getType());
    SmallVector<AffineExpr> outerExprs;
    SmallVector<Value> outerSizes, sizes;
    for (int64_t i = 0; i < rank; ++i) {
      if (type.isDynamicDim(i))
        sizes.push_back(tensor::DimOp::create(b, loc, x, i));
      if (i < axis) {
        outerExprs.push_back(b.getAffineDimExpr(i));
        if (type.isDynamicDim(i))
          outerSizes.push_back(sizes.back());
      }
    }
    auto statsType =
        RankedTensorType::get(type.getShape().take_front(axis), stash);
    AffineMap identity = b.getMultiDimIdentityMap(rank);
    AffineMap outer = AffineMap::get(rank, 0, outerExprs, ctx);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    for (int64_t i = axis; i < rank; ++i)
      iterators[i] = utils::IteratorType::reduction;
    Value zero = floatConstant(b, loc, stash, 0);
    Value squares =
        linalg::GenericOp::create(
            b, loc, statsType, ValueRange{x},
            buildFilled(b, loc, statsType, outerSizes, zero),
            ArrayRef<AffineMap>{identity, outer}, iterators,
            [&](OpBuilder &nb, Location l, ValueRange args) {
              Value v = convertScalar(nb, l, args[0], stash);
              linalg::YieldOp::create(
                  nb, l,
                  arith::AddFOp::create(nb, l, args[1],
                                        arith::MulFOp::create(nb, l, v, v))
                      .getResult());
            })
            .getResult(0);

    // n = the product of the normalized dims, as a stash-type scalar.
    Value count = indexConstant(b, loc, 1);
    for (int64_t i = axis; i < rank; ++i)
      count = arith::MulIOp::create(b, loc, count, dimValue(b, loc, x, i));
    Value countF = arith::SIToFPOp::create(
        b, loc, stash,
        arith::IndexCastOp::create(b, loc, b.getI64Type(), count));
    Value eps = floatConstant(b, loc, stash, epsilon);
    Value unit = floatConstant(b, loc, stash, 1);
    Value invRms = buildElementwise(
        b, loc, statsType, squares,
        [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
          Value mean = arith::DivFOp::create(nb, l, args[0], countF);
          Value rms = math::SqrtOp::create(
              nb, l, arith::AddFOp::create(nb, l, mean, eps));
          return arith::DivFOp::create(nb, l, unit, rms);
        });

    // y = T(x * inv_rms) * scale, scale read at min(i, size - 1).
    int64_t scaleRank = scaleType.getRank();
    SmallVector<Value> scaleSizes;
    for (int64_t j = 0; j < scaleRank; ++j)
      scaleSizes.push_back(dimValue(b, loc, scale, j));
    Value empty =
        tensor::EmptyOp::create(b, loc, type.getShape(), element, sizes);
    return linalg::GenericOp::create(
               b, loc, type, ValueRange{x, invRms}, empty,
               ArrayRef<AffineMap>{identity, outer, identity},
               SmallVector<utils::IteratorType>(rank,
                                                utils::IteratorType::parallel),
               [&](OpBuilder &nb, Location l, ValueRange args) {
                 Value n = arith::MulFOp::create(
                     nb, l, convertScalar(nb, l, args[0], stash), args[1]);
                 SmallVector<Value> at;
                 for (int64_t j = 0; j < scaleRank; ++j) {
                   Value i =
                       linalg::IndexOp::create(nb, l, rank - scaleRank + j);
                   at.push_back(clampIndex(nb, l, i, scaleSizes[j]));
                 }
                 Value s = tensor::ExtractOp::create(nb, l, scale, at);
                 linalg::YieldOp::create(
                     nb, l,
                     arith::MulFOp::create(nb, l,
                                           convertScalar(nb, l, n, element), s)
                         .getResult());
               })
        .getResult(0);
  }
};

//===----------------------------------------------------------------------===//
// rotary_embedding
//===----------------------------------------------------------------------===//

struct RotaryEmbeddingPattern : CheckedPattern<RotaryEmbeddingOp> {
  using CheckedPattern::CheckedPattern;
  LogicalResult
  matchAndRewrite(RotaryEmbeddingOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput(), cosCache = adaptor.getCosCache(),
          sinCache = adaptor.getSinCache(),
          positions = adaptor.getPositionIds();
    auto type = cast<RankedTensorType>(x.getType());
    int64_t rank = type.getRank(), heads = op.getNumHeads();
    int64_t rotary = op.getRotaryDim(), half = rotary / 2;
    // The (batch, seq) dims of x, and the head size.
    int64_t batchDim = 0, seqDim = rank == 4 ? 2 : 1;
    Value last = dimValue(rewriter, loc, x, rank - 1);
    Value headSize =
        rank == 3 ? arith::DivUIOp::create(rewriter, loc, last,
                                           indexConstant(rewriter, loc, heads))
                        .getResult()
                  : last;

    RuntimeChecks checks;
    auto require = [&](arith::CmpIPredicate p, Value lhs, Value rhs) {
      checks.require(rewriter, loc, cmpi(rewriter, loc, p, lhs, rhs));
    };
    if (type.isDynamicDim(rank - 1)) {
      if (rank == 3)
        require(arith::CmpIPredicate::eq,
                arith::RemUIOp::create(rewriter, loc, last,
                                       indexConstant(rewriter, loc, heads)),
                indexConstant(rewriter, loc, 0));
      require(arith::CmpIPredicate::uge, headSize,
              indexConstant(rewriter, loc, rotary));
    }
    auto cacheType = cast<RankedTensorType>(cosCache.getType());
    int64_t cacheRank = cacheType.getRank();
    for (int64_t d = 0; d < cacheRank; ++d)
      checks.requireEqualDims(rewriter, loc, cosCache, d, sinCache, d);
    if (cacheType.isDynamicDim(cacheRank - 1))
      require(arith::CmpIPredicate::uge,
              dimValue(rewriter, loc, cosCache, cacheRank - 1),
              indexConstant(rewriter, loc, half));
    // Per token: the position ids, or the caches themselves, are [batch,
    // seq] like x.
    Value perToken = positions ? positions : cosCache;
    checks.requireEqualDims(rewriter, loc, perToken, 0, x, batchDim);
    checks.requireEqualDims(rewriter, loc, perToken, 1, x, seqDim);
    Value ok = checks.emit(rewriter, loc, op,
                           "input, cos/sin caches and position ids disagree "
                           "in size");
    if (positions) {
      // Positions index the caches' first dim (reading the ids themselves
      // is always in bounds).
      Value maxPosition = dimValue(rewriter, loc, cosCache, 0);
      Value inRange = allOf(
          rewriter, loc, positions,
          [&](OpBuilder &b, Location l, Value p) -> Value {
            Value bound =
                arith::IndexCastOp::create(b, l, b.getI64Type(), maxPosition);
            Value zero = arith::ConstantIntOp::create(b, l, b.getI64Type(), 0);
            return andOf(
                b, l,
                arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, p, zero),
                arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, p,
                                      bound));
          });
      emitRuntimeCheck(rewriter, loc, inRange, op,
                       "a position id is outside the cos/sin caches");
      ok = ok ? andOf(rewriter, loc, ok, inRange) : inRange;
    }

    SmallVector<Value> sizes;
    for (int64_t d = 0; d < rank; ++d)
      sizes.push_back(dimValue(rewriter, loc, x, d));
    Type element = type.getElementType();
    Type compute = accumulatorType(element);
    bool interleaved = op.getInterleaved();
    Value result =
        buildIfValid(rewriter, loc, ok, type, [&](OpBuilder &b, Location l) {
          return buildIndexed(
              b, l, type, sizes,
              [&](OpBuilder &nb, Location bl, ArrayRef<Value> idx) -> Value {
                return rotate(nb, bl, x, cosCache, sinCache, positions, idx,
                              rank, headSize, rotary, half, interleaved,
                              compute, element);
              });
        });
    rewriter.replaceOp(op, result);
    return success();
  }

  /// The result element at `idx`.
  static Value rotate(OpBuilder &b, Location loc, Value x, Value cosCache,
                      Value sinCache, Value positions, ArrayRef<Value> idx,
                      int64_t rank, Value headSize, int64_t rotary,
                      int64_t half, bool interleaved, Type compute,
                      Type element) {
    using P = arith::CmpIPredicate;
    Value c0 = indexConstant(b, loc, 0), c1 = indexConstant(b, loc, 1);
    Value cHalf = indexConstant(b, loc, half);
    // d: the feature within its head; base: the index of feature 0 of the
    // head in x's last dim (3-D input packs the heads there).
    Value last = idx[rank - 1];
    Value d = rank == 3
                  ? arith::RemUIOp::create(b, loc, last, headSize).getResult()
                  : last;
    Value base = arith::SubIOp::create(b, loc, last, d);
    Value rotated = cmpi(b, loc, P::ult, d, indexConstant(b, loc, rotary));
    // The pair index p, the partner feature, and whether d is the pair's
    // first member; beyond rotary_dim, p = 0 and the partner is d itself.
    Value p, partner, first;
    if (interleaved) {
      p = arith::DivUIOp::create(b, loc, d, indexConstant(b, loc, 2));
      Value odd = arith::RemUIOp::create(b, loc, d, indexConstant(b, loc, 2));
      first = cmpi(b, loc, P::eq, odd, c0);
      partner = arith::SelectOp::create(b, loc, first,
                                        arith::AddIOp::create(b, loc, d, c1),
                                        arith::SubIOp::create(b, loc, d, c1));
    } else {
      first = cmpi(b, loc, P::ult, d, cHalf);
      p = arith::SelectOp::create(b, loc, first, d,
                                  arith::SubIOp::create(b, loc, d, cHalf));
      partner = arith::SelectOp::create(
          b, loc, first, arith::AddIOp::create(b, loc, d, cHalf), p);
    }
    p = arith::SelectOp::create(b, loc, rotated, p, c0);
    partner = arith::SelectOp::create(b, loc, rotated, partner, d);

    SmallVector<Value> at(idx), partnerAt(idx);
    partnerAt[rank - 1] = arith::AddIOp::create(b, loc, base, partner);
    Value self = convertScalar(b, loc, tensor::ExtractOp::create(b, loc, x, at),
                               compute);
    Value other = convertScalar(
        b, loc, tensor::ExtractOp::create(b, loc, x, partnerAt), compute);

    Value batch = idx[0], seq = idx[rank == 4 ? 2 : 1];
    SmallVector<Value> cacheAt;
    if (positions) {
      Value id =
          tensor::ExtractOp::create(b, loc, positions, ValueRange{batch, seq});
      cacheAt = {arith::IndexCastOp::create(b, loc, b.getIndexType(), id), p};
    } else {
      cacheAt = {batch, seq, p};
    }
    Value c = convertScalar(
        b, loc, tensor::ExtractOp::create(b, loc, cosCache, cacheAt), compute);
    Value s = convertScalar(
        b, loc, tensor::ExtractOp::create(b, loc, sinCache, cacheAt), compute);
    // first: c * x1 - s * x2 (x1 = self); second: s * x1 + c * x2 (x2 =
    // self), i.e. c * self + s * other.
    Value cs = arith::MulFOp::create(b, loc, c, self);
    Value so = arith::MulFOp::create(b, loc, s, other);
    Value value = arith::SelectOp::create(
        b, loc, first, arith::SubFOp::create(b, loc, cs, so),
        arith::AddFOp::create(b, loc, cs, so));
    value = arith::SelectOp::create(b, loc, rotated, value, self);
    return convertScalar(b, loc, value, element);
  }
};

} // namespace

void kiln::model_to_linalg::populateTransformerPatterns(
    RewritePatternSet &patterns, const DimFacts *facts) {
  patterns.add<RMSNormPattern, RotaryEmbeddingPattern>(patterns.getContext(),
                                                       facts);
}
