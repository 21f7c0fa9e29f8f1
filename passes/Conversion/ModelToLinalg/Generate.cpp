//===- Generate.cpp - Tensors computed from shapes and positions ----------===//
//
// Lowerings of the `model` ops whose elements are computed from their
// position and a few scalars rather than read: constant_of_shape, range,
// eye_like, trilu (which reads its input but decides by position) and
// size. Each is one linalg.generic (or a fill); sizes known only at run time
// are checked as in Layout.cpp.
//
//===----------------------------------------------------------------------===//
#include "passes/Conversion/ModelToLinalg/ModelToLinalg.h"

#include "dialects/Model/IR/ModelOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace kiln::model;
using namespace kiln::model_to_linalg;

namespace {

using arith::CmpIPredicate;

Value toIndex(OpBuilder &b, Location loc, Value v) {
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
}

Value toI64(OpBuilder &b, Location loc, Value v) {
  return arith::IndexCastOp::create(b, loc, b.getI64Type(), v);
}

// trilu: element [..., i, j] stays when j - i >= k (upper) or <= k (lower).
struct TriluPattern : OpConversionPattern<TriluOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TriluOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t rank = resultType.getRank();
    Value k = extractScalar(rewriter, loc, adaptor.getK());
    bool upper = op.getUpper();
    Value result = buildElementwise(
        rewriter, loc, resultType, adaptor.getInput(),
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value i = toI64(b, l, linalg::IndexOp::create(b, l, rank - 2));
          Value j = toI64(b, l, linalg::IndexOp::create(b, l, rank - 1));
          Value diff = arith::SubIOp::create(b, l, j, i);
          Value keep = cmpi(b, l, upper ? CmpIPredicate::sge : CmpIPredicate::sle,
                            diff, k);
          return arith::SelectOp::create(
              b, l, keep, args[0], zeroOf(b, l, resultType.getElementType()));
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// The constant 1 of an integer or float type.
Value oneOf(OpBuilder &b, Location loc, Type element) {
  if (auto f = dyn_cast<FloatType>(element))
    return arith::ConstantOp::create(b, loc, element, b.getFloatAttr(f, 1.0));
  return arith::ConstantOp::create(b, loc, element,
                                   b.getIntegerAttr(element, 1));
}

// eye_like: 1 where column - row == k.
struct EyeLikePattern : OpConversionPattern<EyeLikeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(EyeLikeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Type element = resultType.getElementType();
    SmallVector<Value> sizes = {dimValue(rewriter, loc, adaptor.getInput(), 0),
                                dimValue(rewriter, loc, adaptor.getInput(), 1)};
    int64_t k = op.getK();
    Value result = buildIndexed(
        rewriter, loc, resultType, sizes,
        [&](OpBuilder &b, Location l, ArrayRef<Value> ivs) -> Value {
          Value diff = arith::SubIOp::create(b, l, toI64(b, l, ivs[1]),
                                             toI64(b, l, ivs[0]));
          Value on = cmpi(b, l, CmpIPredicate::eq, diff,
                          arith::ConstantIntOp::create(b, l, b.getI64Type(), k));
          return arith::SelectOp::create(b, l, on, oneOf(b, l, element),
                                         zeroOf(b, l, element));
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

// constant_of_shape: a fill of the requested sizes (negative entries are
// an error and taken as 0).
struct ConstantOfShapePattern : OpConversionPattern<ConstantOfShapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConstantOfShapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Value zero = indexConstant(rewriter, loc, 0);
    RuntimeChecks checks;
    SmallVector<Value> sizes;
    for (auto [i, e] : llvm::enumerate(
             readShapeOperand(rewriter, loc, op.getShape(), adaptor.getShape()))) {
      if (!e.constant)
        checks.require(rewriter, loc,
                       cmpi(rewriter, loc, CmpIPredicate::sge, e.value, zero));
      Value size = arith::MaxSIOp::create(rewriter, loc, e.value, zero);
      checks.requireStaticDim(rewriter, loc, resultType, i, size,
                       e.constant.has_value());
      sizes.push_back(size);
    }
    checks.emit(rewriter, loc, op,
                "the shape has negative entries or differs from the result's "
                "static sizes");
    Value value = arith::ConstantOp::create(rewriter, loc, op.getValue());
    rewriter.replaceOp(op, buildFilled(rewriter, loc, resultType,
                                       dynamicSizesOf(resultType, sizes), value));
    return success();
  }
};

// range: n = max(ceil((limit - start) / delta), 0) computed in the element
// type (a zero delta is an error and gives no elements), and element i is
// start + i * delta.
struct RangePattern : OpConversionPattern<RangeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(RangeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Type element = resultType.getElementType();
    Value start = extractScalar(rewriter, loc, adaptor.getStart());
    Value limit = extractScalar(rewriter, loc, adaptor.getLimit());
    Value delta = extractScalar(rewriter, loc, adaptor.getDelta());
    Value zero = zeroOf(rewriter, loc, element);
    Value indexZero = indexConstant(rewriter, loc, 0);
    RuntimeChecks checks;
    Value count;
    if (isa<FloatType>(element)) {
      Value nonZero = arith::CmpFOp::create(rewriter, loc,
                                            arith::CmpFPredicate::UNE, delta,
                                            zero);
      checks.require(rewriter, loc, nonZero);
      Value steps = math::CeilOp::create(
          rewriter, loc,
          arith::DivFOp::create(rewriter, loc,
                                arith::SubFOp::create(rewriter, loc, limit,
                                                      start),
                                delta));
      // Only a positive, finite count converts; NaN and -inf give none.
      Value bound = arith::ConstantOp::create(
          rewriter, loc, element, rewriter.getFloatAttr(element, 0x1p62));
      Value positive = arith::CmpFOp::create(
          rewriter, loc, arith::CmpFPredicate::OGT, steps, zero);
      Value finite = arith::CmpFOp::create(
          rewriter, loc, arith::CmpFPredicate::OLT, steps, bound);
      checks.require(rewriter, loc,
                     arith::OrIOp::create(
                         rewriter, loc, finite,
                         arith::XOrIOp::create(
                             rewriter, loc, positive,
                             arith::ConstantIntOp::create(
                                 rewriter, loc, rewriter.getI1Type(), 1))));
      Value safe = arith::SelectOp::create(
          rewriter, loc, andOf(rewriter, loc, positive, finite), steps, zero);
      count = toIndex(rewriter, loc,
                      arith::FPToSIOp::create(rewriter, loc,
                                              rewriter.getI64Type(), safe));
    } else {
      Value nonZero = cmpi(rewriter, loc, CmpIPredicate::ne, delta, zero);
      checks.require(rewriter, loc, nonZero);
      Value safeDelta = arith::SelectOp::create(
          rewriter, loc, nonZero, delta,
          arith::ConstantOp::create(rewriter, loc, element,
                                    rewriter.getIntegerAttr(element, 1)));
      // In i64, where limit - start of a narrower type cannot overflow.
      auto wide = [&](Value v) -> Value {
        return element.isInteger(64) ? v
                                     : (Value)arith::ExtSIOp::create(
                                           rewriter, loc, rewriter.getI64Type(),
                                           v);
      };
      Value steps = arith::CeilDivSIOp::create(
          rewriter, loc,
          arith::SubIOp::create(rewriter, loc, wide(limit), wide(start)),
          wide(safeDelta));
      count = arith::MaxSIOp::create(rewriter, loc, toIndex(rewriter, loc, steps),
                                     indexZero);
    }
    // A result length the inference knew comes from the same constants.
    bool proven = !resultType.isDynamicDim(0) &&
                  matchPattern(op.getStart(), m_Constant()) &&
                  matchPattern(op.getLimit(), m_Constant()) &&
                  matchPattern(op.getDelta(), m_Constant());
    checks.requireStaticDim(rewriter, loc, resultType, 0, count, proven);
    Value ok = checks.emit(rewriter, loc, op,
                           "delta is zero, the length is not representable, "
                           "or it differs from the result's static length");
    Value result = buildIfValid(
        rewriter, loc, ok, resultType, [&](OpBuilder &b, Location l) {
          return buildIndexed(
              b, l, resultType, {count},
              [&](OpBuilder &nb, Location nl, ArrayRef<Value> ivs) -> Value {
                Value i = toI64(nb, nl, ivs[0]);
                if (isa<FloatType>(element))
                  return arith::AddFOp::create(
                      nb, nl,
                      arith::MulFOp::create(
                          nb, nl, arith::SIToFPOp::create(nb, nl, element, i),
                          delta),
                      start);
                if (!element.isInteger(64))
                  i = arith::TruncIOp::create(nb, nl, element, i);
                return arith::AddIOp::create(
                    nb, nl, arith::MulIOp::create(nb, nl, i, delta), start);
              });
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct SizePattern : OpConversionPattern<SizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    Value count = indexConstant(rewriter, loc, 1);
    for (int64_t i = 0; i < cast<RankedTensorType>(input.getType()).getRank();
         ++i)
      count = arith::MulIOp::create(rewriter, loc, count,
                                    dimValue(rewriter, loc, input, i));
    rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(
        op, op.getType(), ValueRange{toI64(rewriter, loc, count)});
    return success();
  }
};

} // namespace

void kiln::model_to_linalg::populateGeneratePatterns(
    RewritePatternSet &patterns, const DimFacts *) {
  patterns.add<TriluPattern, EyeLikePattern, ConstantOfShapePattern,
               RangePattern, SizePattern>(patterns.getContext());
}
