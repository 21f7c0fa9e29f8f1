//===- Elementwise.cpp - Elementwise `model` ops to linalg.generic --------===//
// Each op states its scalar math; buildElementwise supplies the broadcasting
// loop nest, so every elementwise op lowers to one linalg.generic that
// linalg's elementwise fusion can merge with its neighbours.
#include "passes/Conversion/ModelToLinalg/ModelToLinalg.h"

#include "dialects/Model/IR/ModelOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace kiln::model;
using namespace kiln::model_to_linalg;

namespace {

bool isFloat(Value v) { return isa<FloatType>(getElementTypeOrSelf(v)); }

Value constantLike(OpBuilder &b, Location loc, Value like, double value) {
  Type type = like.getType();
  if (auto f = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, loc, type, b.getFloatAttr(f, value));
  return arith::ConstantOp::create(b, loc, type,
                                   b.getIntegerAttr(type, (int64_t)value));
}

//===----------------------------------------------------------------------===//
// Scalar math of each op
//===----------------------------------------------------------------------===//

Value scalarOf(AddOp, OpBuilder &b, Location loc, ValueRange a) {
  return isFloat(a[0]) ? (Value)arith::AddFOp::create(b, loc, a[0], a[1])
                       : arith::AddIOp::create(b, loc, a[0], a[1]);
}
Value scalarOf(SubOp, OpBuilder &b, Location loc, ValueRange a) {
  return isFloat(a[0]) ? (Value)arith::SubFOp::create(b, loc, a[0], a[1])
                       : arith::SubIOp::create(b, loc, a[0], a[1]);
}
Value scalarOf(MulOp, OpBuilder &b, Location loc, ValueRange a) {
  return isFloat(a[0]) ? (Value)arith::MulFOp::create(b, loc, a[0], a[1])
                       : arith::MulIOp::create(b, loc, a[0], a[1]);
}
Value scalarOf(DivOp, OpBuilder &b, Location loc, ValueRange a) {
  return isFloat(a[0]) ? (Value)arith::DivFOp::create(b, loc, a[0], a[1])
                       : arith::DivSIOp::create(b, loc, a[0], a[1]);
}
Value scalarOf(PowOp, OpBuilder &b, Location loc, ValueRange a) {
  return math::PowFOp::create(b, loc, a[0], a[1]);
}
Value scalarOf(MaxOp, OpBuilder &b, Location loc, ValueRange a) {
  return isFloat(a[0]) ? (Value)arith::MaximumFOp::create(b, loc, a[0], a[1])
                       : arith::MaxSIOp::create(b, loc, a[0], a[1]);
}
Value scalarOf(MinOp, OpBuilder &b, Location loc, ValueRange a) {
  return isFloat(a[0]) ? (Value)arith::MinimumFOp::create(b, loc, a[0], a[1])
                       : arith::MinSIOp::create(b, loc, a[0], a[1]);
}

Value compare(OpBuilder &b, Location loc, ValueRange a,
              arith::CmpFPredicate fp, arith::CmpIPredicate ip) {
  return isFloat(a[0]) ? (Value)arith::CmpFOp::create(b, loc, fp, a[0], a[1])
                       : arith::CmpIOp::create(b, loc, ip, a[0], a[1]);
}
Value scalarOf(EqualOp, OpBuilder &b, Location loc, ValueRange a) {
  return compare(b, loc, a, arith::CmpFPredicate::OEQ,
                 arith::CmpIPredicate::eq);
}
Value scalarOf(LessOp, OpBuilder &b, Location loc, ValueRange a) {
  return compare(b, loc, a, arith::CmpFPredicate::OLT,
                 arith::CmpIPredicate::slt);
}
Value scalarOf(GreaterOp, OpBuilder &b, Location loc, ValueRange a) {
  return compare(b, loc, a, arith::CmpFPredicate::OGT,
                 arith::CmpIPredicate::sgt);
}

// relu(x) = max(x, 0)
Value scalarOf(ReluOp, OpBuilder &b, Location loc, ValueRange a) {
  Value zero = constantLike(b, loc, a[0], 0);
  return isFloat(a[0]) ? (Value)arith::MaximumFOp::create(b, loc, a[0], zero)
                       : arith::MaxSIOp::create(b, loc, a[0], zero);
}
Value scalarOf(NegOp, OpBuilder &b, Location loc, ValueRange a) {
  if (isFloat(a[0]))
    return arith::NegFOp::create(b, loc, a[0]);
  return arith::SubIOp::create(b, loc, constantLike(b, loc, a[0], 0), a[0]);
}
Value scalarOf(AbsOp, OpBuilder &b, Location loc, ValueRange a) {
  return isFloat(a[0]) ? (Value)math::AbsFOp::create(b, loc, a[0])
                       : math::AbsIOp::create(b, loc, a[0]);
}
// sigmoid(x) = 1 / (1 + exp(-x))
Value scalarOf(SigmoidOp, OpBuilder &b, Location loc, ValueRange a) {
  Value one = constantLike(b, loc, a[0], 1);
  Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, a[0]));
  return arith::DivFOp::create(b, loc, one,
                               arith::AddFOp::create(b, loc, one, e));
}
Value scalarOf(TanhOp, OpBuilder &b, Location loc, ValueRange a) {
  return math::TanhOp::create(b, loc, a[0]);
}
Value scalarOf(ErfOp, OpBuilder &b, Location loc, ValueRange a) {
  return math::ErfOp::create(b, loc, a[0]);
}
Value scalarOf(ExpOp, OpBuilder &b, Location loc, ValueRange a) {
  return math::ExpOp::create(b, loc, a[0]);
}
Value scalarOf(LogOp, OpBuilder &b, Location loc, ValueRange a) {
  return math::LogOp::create(b, loc, a[0]);
}
Value scalarOf(SqrtOp, OpBuilder &b, Location loc, ValueRange a) {
  return math::SqrtOp::create(b, loc, a[0]);
}
Value scalarOf(ReciprocalOp, OpBuilder &b, Location loc, ValueRange a) {
  return arith::DivFOp::create(b, loc, constantLike(b, loc, a[0], 1), a[0]);
}
Value scalarOf(WhereOp, OpBuilder &b, Location loc, ValueRange a) {
  return arith::SelectOp::create(b, loc, a[0], a[1], a[2]);
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

/// Any elementwise op whose scalar math is `scalarOf(OpTy, ...)`.
template <typename OpTy>
struct ElementwisePattern : CheckedPattern<OpTy> {
  using CheckedPattern<OpTy>::CheckedPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op.getType());
    Value result = buildCheckedElementwise(
        rewriter, op.getLoc(), op, resultType, adaptor.getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return scalarOf(op, b, loc, args);
        },
        this->facts);
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct CastPattern : OpConversionPattern<CastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type to = op.getTo();
    Value result = buildElementwise(
        rewriter, op.getLoc(), op.getType(), adaptor.getInput(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return convertScalar(b, loc, args[0], to);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Constants become arith.constant. (Weights stay `model.weight`: how code
/// reaches them is the target's entry ABI, e.g. kiln-cpu-entry-abi.)
template <typename OpTy>
struct ConstantPattern : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, cast<TypedAttr>(op.getValue()));
    return success();
  }
};

} // namespace

void kiln::model_to_linalg::populateElementwisePatterns(
    RewritePatternSet &patterns, const DimFacts *facts) {
  patterns.add<ElementwisePattern<AddOp>, ElementwisePattern<SubOp>,
               ElementwisePattern<MulOp>, ElementwisePattern<DivOp>,
               ElementwisePattern<PowOp>, ElementwisePattern<MaxOp>,
               ElementwisePattern<MinOp>, ElementwisePattern<EqualOp>,
               ElementwisePattern<LessOp>, ElementwisePattern<GreaterOp>,
               ElementwisePattern<ReluOp>, ElementwisePattern<NegOp>,
               ElementwisePattern<AbsOp>, ElementwisePattern<SigmoidOp>,
               ElementwisePattern<TanhOp>, ElementwisePattern<ErfOp>,
               ElementwisePattern<ExpOp>, ElementwisePattern<LogOp>,
               ElementwisePattern<SqrtOp>, ElementwisePattern<ReciprocalOp>,
               ElementwisePattern<WhereOp>>(patterns.getContext(), facts);
  patterns.add<CastPattern, ConstantPattern<ConstantOp>>(
      patterns.getContext());
}
