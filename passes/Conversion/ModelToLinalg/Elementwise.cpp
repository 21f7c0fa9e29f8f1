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
/// Integer division and remainder trap on x86 for a zero divisor and for
/// INT_MIN / -1; both are undefined in ONNX, so the divisor is replaced by 1
/// there (INT_MIN / -1 wraps to INT_MIN, like numpy) and a zero divisor
/// gives 0, as numpy does, instead of killing the caller's process.
struct SafeDivisor {
  Value divisor;     // b, or 1 where dividing by b would trap
  Value isZero;      // b == 0
};
SafeDivisor safeDivisor(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  auto type = cast<IntegerType>(rhs.getType());
  Value zero = constantLike(b, loc, rhs, 0);
  Value one = constantLike(b, loc, rhs, 1);
  Value minusOne = constantLike(b, loc, rhs, -1);
  Value intMin = arith::ConstantOp::create(
      b, loc, type,
      b.getIntegerAttr(type, APInt::getSignedMinValue(type.getWidth())));
  Value isZero =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, rhs, zero);
  Value overflows = arith::AndIOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lhs, intMin),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, rhs, minusOne));
  Value traps = arith::OrIOp::create(b, loc, isZero, overflows);
  return {arith::SelectOp::create(b, loc, traps, one, rhs), isZero};
}

Value scalarOf(DivOp, OpBuilder &b, Location loc, ValueRange a) {
  if (isFloat(a[0]))
    return arith::DivFOp::create(b, loc, a[0], a[1]);
  SafeDivisor d = safeDivisor(b, loc, a[0], a[1]);
  Value q = arith::DivSIOp::create(b, loc, a[0], d.divisor);
  return arith::SelectOp::create(b, loc, d.isZero,
                                 constantLike(b, loc, a[0], 0), q);
}

/// LLVM's shifts are poison from the width on; ONNX's shift the bits out.
Value scalarOf(BitShiftOp op, OpBuilder &b, Location loc, ValueRange a) {
  unsigned width = a[0].getType().getIntOrFloatBitWidth();
  Value zero = constantLike(b, loc, a[0], 0);
  Value inRange = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                        a[1], constantLike(b, loc, a[1], width));
  Value amount = arith::SelectOp::create(b, loc, inRange, a[1], zero);
  Value shifted =
      op.getRight() ? (Value)arith::ShRUIOp::create(b, loc, a[0], amount)
                    : arith::ShLIOp::create(b, loc, a[0], amount);
  return arith::SelectOp::create(b, loc, inRange, shifted, zero);
}

/// fmod: the remainder has the dividend's sign (arith.remf / remsi); else
/// the divisor's (Python's %): a nonzero remainder of the other sign is
/// moved by one divisor.
Value scalarOf(ModOp op, OpBuilder &b, Location loc, ValueRange a) {
  if (isFloat(a[0]))
    return arith::RemFOp::create(b, loc, a[0], a[1]);
  Value zero = constantLike(b, loc, a[0], 0);
  if (op.getAsUnsigned()) {
    // Only a zero divisor traps.
    Value isZero =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, a[1], zero);
    Value divisor = arith::SelectOp::create(
        b, loc, isZero, constantLike(b, loc, a[1], 1), a[1]);
    Value r = arith::RemUIOp::create(b, loc, a[0], divisor);
    return arith::SelectOp::create(b, loc, isZero, zero, r);
  }
  SafeDivisor d = safeDivisor(b, loc, a[0], a[1]);
  Value r = arith::RemSIOp::create(b, loc, a[0], d.divisor);
  if (!op.getFmod()) {
    Value rNegative =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, r, zero);
    Value bNegative =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, a[1], zero);
    Value adjust = arith::AndIOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, r, zero),
        arith::XOrIOp::create(b, loc, rNegative, bNegative));
    r = arith::SelectOp::create(b, loc, adjust,
                                arith::AddIOp::create(b, loc, r, a[1]), r);
  }
  return arith::SelectOp::create(b, loc, d.isZero, zero, r);
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
Value scalarOf(LessEqualOp, OpBuilder &b, Location loc, ValueRange a) {
  return compare(b, loc, a, arith::CmpFPredicate::OLE,
                 arith::CmpIPredicate::sle);
}
Value scalarOf(GreaterEqualOp, OpBuilder &b, Location loc, ValueRange a) {
  return compare(b, loc, a, arith::CmpFPredicate::OGE,
                 arith::CmpIPredicate::sge);
}
Value scalarOf(AndOp, OpBuilder &b, Location loc, ValueRange a) {
  return arith::AndIOp::create(b, loc, a[0], a[1]);
}
Value scalarOf(OrOp, OpBuilder &b, Location loc, ValueRange a) {
  return arith::OrIOp::create(b, loc, a[0], a[1]);
}
Value scalarOf(XorOp, OpBuilder &b, Location loc, ValueRange a) {
  return arith::XOrIOp::create(b, loc, a[0], a[1]);
}
Value scalarOf(NotOp, OpBuilder &b, Location loc, ValueRange a) {
  Value trueValue = arith::ConstantOp::create(b, loc, b.getBoolAttr(true));
  return arith::XOrIOp::create(b, loc, a[0], trueValue);
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

/// The math-library functions, one math op each.
template <typename MathOp> Value mathOf(OpBuilder &b, Location loc, Value x) {
  return MathOp::create(b, loc, x);
}
Value scalarOf(SinOp, OpBuilder &b, Location loc, ValueRange a) {
  return mathOf<math::SinOp>(b, loc, a[0]);
}
Value scalarOf(CosOp, OpBuilder &b, Location loc, ValueRange a) {
  return mathOf<math::CosOp>(b, loc, a[0]);
}
Value scalarOf(TanOp, OpBuilder &b, Location loc, ValueRange a) {
  return mathOf<math::TanOp>(b, loc, a[0]);
}
Value scalarOf(AsinOp, OpBuilder &b, Location loc, ValueRange a) {
  return mathOf<math::AsinOp>(b, loc, a[0]);
}
Value scalarOf(AcosOp, OpBuilder &b, Location loc, ValueRange a) {
  return mathOf<math::AcosOp>(b, loc, a[0]);
}
Value scalarOf(AtanOp, OpBuilder &b, Location loc, ValueRange a) {
  return mathOf<math::AtanOp>(b, loc, a[0]);
}
Value scalarOf(SinhOp, OpBuilder &b, Location loc, ValueRange a) {
  return mathOf<math::SinhOp>(b, loc, a[0]);
}
Value scalarOf(CoshOp, OpBuilder &b, Location loc, ValueRange a) {
  return mathOf<math::CoshOp>(b, loc, a[0]);
}
Value scalarOf(AsinhOp, OpBuilder &b, Location loc, ValueRange a) {
  return mathOf<math::AsinhOp>(b, loc, a[0]);
}
Value scalarOf(AcoshOp, OpBuilder &b, Location loc, ValueRange a) {
  return mathOf<math::AcoshOp>(b, loc, a[0]);
}
Value scalarOf(AtanhOp, OpBuilder &b, Location loc, ValueRange a) {
  return mathOf<math::AtanhOp>(b, loc, a[0]);
}
Value scalarOf(FloorOp, OpBuilder &b, Location loc, ValueRange a) {
  return mathOf<math::FloorOp>(b, loc, a[0]);
}
Value scalarOf(CeilOp, OpBuilder &b, Location loc, ValueRange a) {
  return mathOf<math::CeilOp>(b, loc, a[0]);
}
Value scalarOf(RoundOp, OpBuilder &b, Location loc, ValueRange a) {
  return mathOf<math::RoundEvenOp>(b, loc, a[0]);
}
// softplus(x) = max(x, 0) + log1p(exp(-|x|)): no overflow for large x.
Value scalarOf(SoftplusOp, OpBuilder &b, Location loc, ValueRange a) {
  Value zero = constantLike(b, loc, a[0], 0);
  Value negAbs =
      arith::NegFOp::create(b, loc, math::AbsFOp::create(b, loc, a[0]));
  Value tail = math::Log1pOp::create(b, loc, math::ExpOp::create(b, loc, negAbs));
  return arith::AddFOp::create(
      b, loc, arith::MaximumFOp::create(b, loc, a[0], zero), tail);
}
// sign(x) = x > 0 ? 1 : (x < 0 ? -1 : x); x is 0 or NaN in the last case.
Value scalarOf(SignOp, OpBuilder &b, Location loc, ValueRange a) {
  Value x = a[0];
  Value zero = constantLike(b, loc, x, 0);
  Value one = constantLike(b, loc, x, 1), minusOne = constantLike(b, loc, x, -1);
  Value positive = compare(b, loc, {x, zero}, arith::CmpFPredicate::OGT,
                           arith::CmpIPredicate::sgt);
  Value negative = compare(b, loc, {x, zero}, arith::CmpFPredicate::OLT,
                           arith::CmpIPredicate::slt);
  return arith::SelectOp::create(
      b, loc, positive, one,
      arith::SelectOp::create(b, loc, negative, minusOne, x));
}
Value scalarOf(IsNaNOp, OpBuilder &b, Location loc, ValueRange a) {
  return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, a[0], a[0]);
}
Value scalarOf(IsInfOp op, OpBuilder &b, Location loc, ValueRange a) {
  auto type = cast<FloatType>(a[0].getType());
  auto isValue = [&](bool negative) {
    Value inf = arith::ConstantOp::create(
        b, loc, type,
        b.getFloatAttr(type, APFloat::getInf(type.getFloatSemantics(),
                                             negative)));
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, a[0], inf);
  };
  Value result = arith::ConstantOp::create(b, loc, b.getBoolAttr(false));
  if (op.getDetectPositive())
    result = arith::OrIOp::create(b, loc, result, isValue(false));
  if (op.getDetectNegative())
    result = arith::OrIOp::create(b, loc, result, isValue(true));
  return result;
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

/// One ElementwisePattern per op.
template <typename... OpTys>
static void addElementwise(RewritePatternSet &patterns, const DimFacts *facts) {
  patterns.add<ElementwisePattern<OpTys>...>(patterns.getContext(), facts);
}

void kiln::model_to_linalg::populateElementwisePatterns(
    RewritePatternSet &patterns, const DimFacts *facts) {
  addElementwise<AddOp, SubOp, MulOp, DivOp, PowOp, MaxOp, MinOp, ModOp,
                 BitShiftOp,
                 EqualOp, LessOp, GreaterOp, LessEqualOp, GreaterEqualOp,
                 AndOp, OrOp, XorOp, WhereOp>(patterns, facts);
  addElementwise<ReluOp, NegOp, AbsOp, SigmoidOp, TanhOp, ErfOp, ExpOp, LogOp,
                 SqrtOp, ReciprocalOp, NotOp, SinOp, CosOp, TanOp, AsinOp,
                 AcosOp, AtanOp, SinhOp, CoshOp, AsinhOp, AcoshOp, AtanhOp,
                 FloorOp, CeilOp, RoundOp, SoftplusOp, SignOp, IsNaNOp,
                 IsInfOp>(patterns, facts);
  patterns.add<CastPattern, ConstantPattern<ConstantOp>>(
      patterns.getContext());
}
