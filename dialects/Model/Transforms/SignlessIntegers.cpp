//===- SignlessIntegers.cpp - Unsigned integer tensors to signless ones ---===//
//
// Frontends keep ONNX's unsigned element types (ui8 ... ui64) in the model
// dialect, and package signatures are read from it, so a u8 input stays a
// u8 input. The lowering computes on signless integers only (arith), so
// this pass retypes every unsigned value to the signless type of its width
// and keeps each op's result what it was:
//  - ops whose bits do not depend on signedness (wrapping arithmetic,
//    equality, data movement) are only retyped;
//  - ops that order or divide (max, min, comparisons, div, mod, relu, abs,
//    sign, reductions by order, argmax, topk, mean) compute on the values
//    zero-extended to a wider signless type and truncate back; for 64-bit
//    operands, where nothing is wider, order-based ops compare with the sign
//    bit flipped instead (x + INT64_MIN), mod takes `as_unsigned` (the
//    unsigned remainder), and division is rejected;
//  - casts from and to unsigned types go through the widened value;
//  - one_hot reads unsigned indices and depth as non-negative int64 values
//    (index tensors of the gathers and scatters are signed by ONNX).
// Any other op with an unsigned operand is an error naming it, never a
// silent signed computation.
//
//===----------------------------------------------------------------------===//
#include "dialects/Model/IR/ModelBuilder.h"
#include "dialects/Model/IR/ModelOps.h"
#include "dialects/Model/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/TypeSwitch.h"

namespace kiln::model {
#define GEN_PASS_DEF_SIGNLESSINTEGERS
#include "dialects/Model/Transforms/Passes.h.inc"
} // namespace kiln::model

using namespace mlir;
using namespace kiln::model;

namespace {

bool isUnsignedTensor(Type type) {
  auto integer = dyn_cast<IntegerType>(getElementTypeOrSelf(type));
  return integer && integer.isUnsigned();
}

/// The signless type of the same width (for tensors: of their elements).
Type signless(Type type) {
  auto integer = dyn_cast<IntegerType>(getElementTypeOrSelf(type));
  if (!integer || integer.isSignless())
    return type;
  Type element = IntegerType::get(type.getContext(), integer.getWidth());
  if (auto shaped = dyn_cast<ShapedType>(type))
    return shaped.clone(element);
  return element;
}

/// What an op computes on unsigned operands.
enum class Treatment { Retype, Widen, Identity, Cast, Indices, Unsupported };

Treatment treatmentOf(Operation *op) {
  return llvm::TypeSwitch<Operation *, Treatment>(op)
      // The bits of the result do not depend on the operands' signedness.
      .Case<ConstantOp, WeightOp, AddOp, SubOp, MulOp, NegOp, EqualOp,
            WhereOp, MatMulOp, EinsumOp, ReduceSumOp, ReduceProdOp, CumSumOp,
            TransposeOp, ReshapeOp, DynamicReshapeOp, ShapeOp, UnsqueezeOp,
            SqueezeOp, ConcatOp, SliceOp, GatherOp, BitShiftOp, ExpandOp,
            TileOp, SplitOp, PadOp, ConstantOfShapeOp, EyeLikeOp, TriluOp,
            DepthToSpaceOp, SpaceToDepthOp, GatherElementsOp, GatherNDOp,
            ReverseSequenceOp, SizeOp, DynamicSliceOp, DynamicSqueezeOp,
            DynamicUnsqueezeOp, CompressOp, NonZeroOp>(
          [](Operation *) { return Treatment::Retype; })
      .Case<DivOp, ModOp, MaxOp, MinOp, LessOp, GreaterOp, LessEqualOp,
            GreaterEqualOp, SignOp, ReduceMaxOp, ReduceMinOp, ReduceMeanOp,
            ArgMaxOp, ArgMinOp, TopKOp, MaxPoolOp>(
          [](Operation *) { return Treatment::Widen; })
      // max(x, 0) and |x| of an unsigned x are x.
      .Case<ReluOp, AbsOp>([](Operation *) { return Treatment::Identity; })
      .Case<CastOp>([](Operation *) { return Treatment::Cast; })
      // one_hot compares its indices and depth as signed int64 values.
      .Case<OneHotOp>([](Operation *) { return Treatment::Indices; })
      .Default([](Operation *) { return Treatment::Unsupported; });
}

/// Ops that only order their operands: for 64 bits, flipping the sign bit
/// makes signed order unsigned order.
bool ordersOnly(Operation *op) {
  return isa<MaxOp, MinOp, LessOp, GreaterOp, LessEqualOp, GreaterEqualOp,
             ReduceMaxOp, ReduceMinOp, ArgMaxOp, ArgMinOp, TopKOp, MaxPoolOp>(
      op);
}

class Rewriter {
public:
  Rewriter(OpBuilder &builder) : builder(builder), model(builder) {}

  /// A scalar constant of signless `element`.
  Value scalar(Location loc, Type element, const APInt &value) {
    auto type = RankedTensorType::get({}, element);
    return model.materialize(loc, DenseElementsAttr::get(type, value));
  }

  template <typename OpTy>
  Value create(Location loc, ValueRange operands,
               ArrayRef<NamedAttribute> attrs = {}) {
    FailureOr<Value> v = model.create<OpTy>(
        loc, operands, attrs, [&] { return emitError(loc); });
    if (mlir::failed(v))
      hadError = true;
    return succeeded(v) ? *v : Value();
  }

  Value cast(Location loc, Value v, Type element) {
    if (getElementTypeOrSelf(v) == element)
      return v;
    return create<CastOp>(
        loc, v, {builder.getNamedAttr("to", TypeAttr::get(element))});
  }

  /// The value of the (already signless) `v` read as unsigned, in the
  /// signless type `wide` (wider than v's width): sign extension, plus 2^N
  /// where that made it negative.
  Value zeroExtend(Location loc, Value v, Type wide) {
    unsigned width = getElementTypeOrSelf(v).getIntOrFloatBitWidth();
    unsigned wideWidth = wide.getIntOrFloatBitWidth();
    Value extended = cast(loc, v, wide);
    Value zero = scalar(loc, wide, APInt(wideWidth, 0));
    Value twoToN = scalar(loc, wide, APInt(wideWidth, 1).shl(width));
    Value negative = create<LessOp>(loc, {extended, zero});
    Value lifted = create<AddOp>(loc, {extended, twoToN});
    return create<WhereOp>(loc, {negative, lifted, extended});
  }

  /// v + INT64_MIN (wrapping): unsigned order as signed order.
  Value flipSign(Location loc, Value v) {
    Type element = getElementTypeOrSelf(v);
    return create<AddOp>(
        loc, {v, scalar(loc, element, APInt::getSignedMinValue(64))});
  }

  OpBuilder &builder;
  ModelBuilder model;
  bool hadError = false;
};

/// The widest-needed signless type in which N-bit unsigned values keep their
/// order and quotients: i32 up to 16 bits, i64 for 32.
Type widenedType(MLIRContext *ctx, unsigned width) {
  return IntegerType::get(ctx, width <= 16 ? 32 : 64);
}

/// Rebuilds `op` (already retyped) on widened or sign-flipped operands and
/// replaces its results, narrowing the integer ones back.
LogicalResult widen(Operation *op, ArrayRef<bool> wasUnsigned,
                    ArrayRef<bool> resultWasUnsigned, unsigned width,
                    Rewriter &r) {
  Location loc = op->getLoc();
  MLIRContext *ctx = op->getContext();
  bool flip = width == 64;
  if (flip && !ordersOnly(op))
    return op->emitError("'")
           << op->getName() << "' on 64-bit unsigned integers is not "
           << "supported (no wider integer type to compute it in)";
  Type wide = widenedType(ctx, width);
  r.builder.setInsertionPoint(op);
  SmallVector<Value> operands;
  for (auto [operand, isUnsigned] :
       llvm::zip_equal(op->getOperands(), wasUnsigned)) {
    if (!isUnsigned)
      operands.push_back(operand);
    else
      operands.push_back(flip ? r.flipSign(loc, operand)
                              : r.zeroExtend(loc, operand, wide));
  }
  if (r.hadError)
    return failure();
  OperationState state(loc, op->getName());
  state.addOperands(operands);
  state.addAttributes(op->getAttrs());
  // Results that were unsigned follow the widened operands; the others
  // (i1 comparisons, i64 indices) stay.
  Type narrow = IntegerType::get(ctx, width);
  Type computed = flip ? narrow : wide;
  for (auto [t, isUnsigned] :
       llvm::zip_equal(op->getResultTypes(), resultWasUnsigned))
    state.addTypes(isUnsigned ? cast<ShapedType>(t).clone(computed) : t);
  Operation *rebuilt = r.builder.create(state);
  if (failed(mlir::verify(rebuilt)))
    return failure();
  for (auto [old, result, isUnsigned] : llvm::zip_equal(
           op->getResults(), rebuilt->getResults(), resultWasUnsigned)) {
    Value replacement = result;
    if (isUnsigned)
      replacement =
          flip ? r.flipSign(loc, result) : r.cast(loc, result, narrow);
    if (r.hadError)
      return failure();
    old.replaceAllUsesWith(replacement);
  }
  op->erase();
  return success();
}

/// The retyped unsigned integer tensor `v` of `width` bits as an i64 tensor
/// whose values keep their unsigned order and never look negative: zero
/// extension below 64 bits; at 64 bits a value >= 2^63 (negative when read
/// signed) becomes INT64_MAX, which is as out of range as it for any size a
/// tensor can have.
Value nonNegativeInt64(Location loc, Value v, unsigned width, Rewriter &r) {
  Type i64 = IntegerType::get(v.getContext(), 64);
  if (width < 64)
    return r.zeroExtend(loc, v, i64);
  Value zero = r.scalar(loc, i64, APInt(64, 0));
  Value max = r.scalar(loc, i64, APInt::getSignedMaxValue(64));
  return r.create<WhereOp>(loc, {r.create<LessOp>(loc, {v, zero}), max, v});
}

/// one_hot's unsigned indices and depth, replaced by their non-negative
/// int64 values (its values, and so its result, are only retyped).
LogicalResult rewriteIndices(OneHotOp op, ArrayRef<bool> wasUnsigned,
                             ArrayRef<unsigned> widths, Rewriter &r) {
  r.builder.setInsertionPoint(op);
  for (auto [operand, isUnsigned, width] :
       llvm::zip_equal(op->getOpOperands(), wasUnsigned, widths)) {
    if (!isUnsigned || &operand == &op.getValuesMutable())
      continue;
    Value converted = nonNegativeInt64(op->getLoc(), operand.get(), width, r);
    if (r.hadError)
      return failure();
    operand.set(converted);
  }
  return mlir::verify(op);
}

/// A cast whose source or target was unsigned (`from`/`to` are the original
/// element types; the op is already retyped).
LogicalResult rewriteCast(CastOp op, Type from, Type to, Rewriter &r) {
  Location loc = op.getLoc();
  MLIRContext *ctx = op.getContext();
  r.builder.setInsertionPoint(op);
  Value input = op.getInput();
  Type target = signless(to);
  if (from.isUnsignedInteger()) {
    unsigned width = from.getIntOrFloatBitWidth();
    if (width < 64) {
      // The exact value in i64, then the ordinary cast.
      input = r.zeroExtend(loc, input, IntegerType::get(ctx, 64));
    } else if (isa<FloatType>(target)) {
      // A negative i64 was a value >= 2^63: add 2^64 after converting.
      Value converted = r.cast(loc, input, target);
      Value zero = r.scalar(loc, IntegerType::get(ctx, 64), APInt(64, 0));
      Value negative = r.create<LessOp>(loc, {input, zero});
      auto twoTo64 = DenseElementsAttr::get(
          RankedTensorType::get({}, target),
          FloatAttr::get(target, 18446744073709551616.0));
      Value lifted = r.create<AddOp>(
          loc, {converted, r.model.materialize(loc, twoTo64)});
      Value result = r.create<WhereOp>(loc, {negative, lifted, converted});
      if (r.hadError)
        return failure();
      op.replaceAllUsesWith(result);
      op.erase();
      return success();
    }
  }
  if (to.isUnsignedInteger() && isa<FloatType>(getElementTypeOrSelf(input)) &&
      to.getIntOrFloatBitWidth() < 64)
    // Floats in the unsigned range convert exactly through i64.
    input = r.cast(loc, input, IntegerType::get(ctx, 64));
  Value result = r.cast(loc, input, target);
  if (r.hadError)
    return failure();
  op.replaceAllUsesWith(result);
  op.erase();
  return success();
}

/// The attribute of a constant or weight, retyped to signless (the bits are
/// the same).
Attribute retypeValue(Attribute value) {
  if (auto dense = dyn_cast<DenseElementsAttr>(value))
    return dense.bitcast(signless(dense.getElementType()));
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value))
    return DenseResourceElementsAttr::get(
        cast<ShapedType>(signless(resource.getType())),
        resource.getRawHandle());
  return value;
}

struct SignlessIntegersPass
    : kiln::model::impl::SignlessIntegersBase<SignlessIntegersPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    auto hasUnsigned = [](TypeRange types) {
      return llvm::any_of(types, isUnsignedTensor);
    };
    FunctionType fnType = func.getFunctionType();
    bool any = hasUnsigned(fnType.getInputs()) ||
               hasUnsigned(fnType.getResults());
    func.walk([&](Operation *op) {
      any |= hasUnsigned(op->getOperandTypes()) ||
             hasUnsigned(op->getResultTypes());
    });
    if (!any)
      return;

    // Decide, before retyping, what each op needs.
    struct Pending {
      Operation *op;
      Treatment treatment;
      SmallVector<bool> unsignedOperands, unsignedResults;
      Type castFrom, castTo;
      unsigned width;
      SmallVector<unsigned> operandWidths;
    };
    SmallVector<Pending> pending;
    WalkResult walk = func.walk([&](Operation *op) {
      if (isa<func::FuncOp, func::ReturnOp>(op) ||
          !(hasUnsigned(op->getOperandTypes()) ||
            hasUnsigned(op->getResultTypes())))
        return WalkResult::advance();
      Pending p{op, treatmentOf(op), {}, {}, {}, {}, 0, {}};
      for (Type t : op->getResultTypes())
        p.unsignedResults.push_back(isUnsignedTensor(t));
      for (Value v : op->getOperands()) {
        p.unsignedOperands.push_back(isUnsignedTensor(v.getType()));
        p.operandWidths.push_back(
            isUnsignedTensor(v.getType())
                ? getElementTypeOrSelf(v).getIntOrFloatBitWidth()
                : 0);
        if (isUnsignedTensor(v.getType()))
          p.width = getElementTypeOrSelf(v).getIntOrFloatBitWidth();
      }
      if (auto castOp = dyn_cast<CastOp>(op)) {
        p.castFrom = getElementTypeOrSelf(castOp.getInput());
        p.castTo = castOp.getTo();
      }
      if (p.treatment == Treatment::Unsupported) {
        op->emitError("'") << op->getName()
                           << "' on unsigned integers is not supported";
        return WalkResult::interrupt();
      }
      pending.push_back(std::move(p));
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();

    // Retype every value, the signature and the constants.
    auto retype = [](Value v) { v.setType(signless(v.getType())); };
    for (Block &block : func.getBody())
      for (BlockArgument arg : block.getArguments())
        retype(arg);
    func.walk([&](Operation *op) {
      for (Value result : op->getResults())
        retype(result);
      if (isa<ConstantOp, WeightOp>(op))
        op->setAttr("value", retypeValue(op->getAttr("value")));
      if (auto castOp = dyn_cast<CastOp>(op))
        castOp.setToAttr(TypeAttr::get(signless(castOp.getTo())));
    });
    SmallVector<Type> inputs, results;
    for (Type t : fnType.getInputs())
      inputs.push_back(signless(t));
    for (Type t : fnType.getResults())
      results.push_back(signless(t));
    func.setType(FunctionType::get(func.getContext(), inputs, results));

    OpBuilder builder(func.getContext());
    Rewriter r(builder);
    for (Pending &p : pending) {
      LogicalResult done = success();
      switch (p.treatment) {
      case Treatment::Retype:
        break;
      case Treatment::Identity:
        p.op->getResult(0).replaceAllUsesWith(p.op->getOperand(0));
        p.op->erase();
        break;
      case Treatment::Widen:
        if (p.width == 64 && isa<ModOp>(p.op))
          // Nothing is wider, but the unsigned remainder needs no widening.
          cast<ModOp>(p.op).setAsUnsigned(true);
        else if (p.width)
          done = widen(p.op, p.unsignedOperands, p.unsignedResults, p.width,
                       r);
        break;
      case Treatment::Cast:
        done = rewriteCast(cast<CastOp>(p.op), p.castFrom, p.castTo, r);
        break;
      case Treatment::Indices:
        done = rewriteIndices(cast<OneHotOp>(p.op), p.unsignedOperands,
                              p.operandWidths, r);
        break;
      case Treatment::Unsupported:
        llvm_unreachable("reported above");
      }
      if (failed(done))
        return signalPassFailure();
    }
  }
};

} // namespace
