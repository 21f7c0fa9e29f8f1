//===- Reduction.cpp - Reductions and layer normalization to linalg -------===//
// Every reduction is one linalg.generic whose reduced dims are reduction
// iterators over an accumulator filled with the combination's identity
// (16-bit floats accumulate in f32), so a reduction over zero elements gives
// that identity; keepdims re-inserts the unit dims with an expand_shape.
// Axes known only at run time make a loop nest instead (dynamic_reduce).
// Arg-reductions carry the best value and its index in two accumulators.
// Layer normalization is three reductions over the normalized dims (sum,
// sum of squared deviations) and one elementwise pass, then the broadcast
// scale and bias.
#include "passes/Conversion/ModelToLinalg/ModelToLinalg.h"

#include "dialects/Model/Analysis/DimEquivalence.h"
#include "dialects/Model/IR/ModelOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace kiln::model;
using namespace kiln::model_to_linalg;

namespace {

Value constantOf(OpBuilder &b, Location loc, Type type, double value) {
  if (isa<FloatType>(type))
    return arith::ConstantOp::create(b, loc, type, b.getFloatAttr(type, value));
  return arith::ConstantOp::create(b, loc, type,
                                   b.getIntegerAttr(type, (int64_t)value));
}

/// -inf for floats, the smallest integer otherwise (false for i1): the
/// identity of max.
Value lowestOf(OpBuilder &b, Location loc, Type type) {
  if (auto f = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(
        b, loc, type,
        b.getFloatAttr(type, APFloat::getInf(f.getFloatSemantics(), true)));
  unsigned width = type.getIntOrFloatBitWidth();
  APInt lowest = width == 1 ? APInt(1, 0) : APInt::getSignedMinValue(width);
  return arith::ConstantOp::create(b, loc, type,
                                   b.getIntegerAttr(type, lowest));
}

/// +inf for floats, the largest integer otherwise (true for i1): the
/// identity of min.
Value highestOf(OpBuilder &b, Location loc, Type type) {
  if (auto f = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(
        b, loc, type,
        b.getFloatAttr(type, APFloat::getInf(f.getFloatSemantics(), false)));
  unsigned width = type.getIntOrFloatBitWidth();
  APInt highest = width == 1 ? APInt(1, 1) : APInt::getSignedMaxValue(width);
  return arith::ConstantOp::create(b, loc, type,
                                   b.getIntegerAttr(type, highest));
}

/// Reduces `input` over `axes` (sorted, non-empty) into a tensor without the
/// reduced dims, starting from `identity` and combining with `combine`. The
/// result has the identity's element type; input elements are converted to it
/// first (16-bit floats accumulate in f32).
Value buildReduction(OpBuilder &b, Location loc, Value input,
                     ArrayRef<int64_t> axes, Value identity,
                     ScalarBuilder combine) {
  auto type = cast<RankedTensorType>(input.getType());
  Type acc = identity.getType();
  SmallVector<int64_t> shape;
  SmallVector<Value> sizes;
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    if (llvm::is_contained(axes, i)) {
      iterators.push_back(utils::IteratorType::reduction);
      continue;
    }
    iterators.push_back(utils::IteratorType::parallel);
    shape.push_back(type.getDimSize(i));
    outExprs.push_back(b.getAffineDimExpr(i));
    if (type.isDynamicDim(i))
      sizes.push_back(tensor::DimOp::create(b, loc, input, i));
  }
  auto resultType = RankedTensorType::get(shape, acc);
  Value init = buildFilled(b, loc, resultType, sizes, identity);
  SmallVector<AffineMap> maps = {
      b.getMultiDimIdentityMap(type.getRank()),
      AffineMap::get(type.getRank(), 0, outExprs, b.getContext())};
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, input, init, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value element = convertScalar(nb, nloc, args[0], acc);
        linalg::YieldOp::create(nb, nloc,
                                combine(nb, nloc, {element, args[1]}));
      });
  return generic.getResult(0);
}

Value combineSum(OpBuilder &b, Location loc, ValueRange a) {
  return isa<FloatType>(a[0].getType())
             ? (Value)arith::AddFOp::create(b, loc, a[0], a[1])
             : arith::AddIOp::create(b, loc, a[0], a[1]);
}
Value combineProd(OpBuilder &b, Location loc, ValueRange a) {
  return isa<FloatType>(a[0].getType())
             ? (Value)arith::MulFOp::create(b, loc, a[0], a[1])
             : arith::MulIOp::create(b, loc, a[0], a[1]);
}
// On i1, false < true: max is `or` and min is `and` (signed i1 would order
// true = -1 below false).
Value combineMax(OpBuilder &b, Location loc, ValueRange a) {
  Type type = a[0].getType();
  if (isa<FloatType>(type))
    return arith::MaximumFOp::create(b, loc, a[0], a[1]);
  if (type.isInteger(1))
    return arith::OrIOp::create(b, loc, a[0], a[1]);
  return arith::MaxSIOp::create(b, loc, a[0], a[1]);
}
Value combineMin(OpBuilder &b, Location loc, ValueRange a) {
  Type type = a[0].getType();
  if (isa<FloatType>(type))
    return arith::MinimumFOp::create(b, loc, a[0], a[1]);
  if (type.isInteger(1))
    return arith::AndIOp::create(b, loc, a[0], a[1]);
  return arith::MinSIOp::create(b, loc, a[0], a[1]);
}

/// The number of elements of `input` along `axes`, as a scalar of `type`.
Value countOf(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes,
              Type type) {
  Value count = arith::ConstantIndexOp::create(b, loc, 1);
  for (int64_t axis : axes)
    count = arith::MulIOp::create(b, loc, count, dimValue(b, loc, input, axis));
  Value countInt = arith::IndexCastOp::create(b, loc, b.getI64Type(), count);
  return isa<FloatType>(type)
             ? (Value)arith::SIToFPOp::create(b, loc, type, countInt)
             : convertScalar(b, loc, countInt, type);
}

/// sum / count for ReduceMean, in the accumulator type of `sum`.
Value divideByCount(OpBuilder &b, Location loc, Value sum, Value input,
                    ArrayRef<int64_t> axes) {
  Type acc = cast<RankedTensorType>(sum.getType()).getElementType();
  Value divisor = countOf(b, loc, input, axes, acc);
  return buildElementwise(
      b, loc, cast<RankedTensorType>(sum.getType()), sum,
      [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
        if (isa<FloatType>(acc))
          return arith::DivFOp::create(nb, nloc, args[0], divisor);
        return arith::DivSIOp::create(nb, nloc, args[0], divisor);
      });
}

/// The reduction of a model.reduce_* op: its identity, how it combines and
/// in which type it accumulates.
enum class ReduceKind { Sum, Mean, Prod, Max, Min };
template <typename OpTy> constexpr ReduceKind kindOf();
template <> constexpr ReduceKind kindOf<ReduceSumOp>() {
  return ReduceKind::Sum;
}
template <> constexpr ReduceKind kindOf<ReduceMeanOp>() {
  return ReduceKind::Mean;
}
template <> constexpr ReduceKind kindOf<ReduceProdOp>() {
  return ReduceKind::Prod;
}
template <> constexpr ReduceKind kindOf<ReduceMaxOp>() {
  return ReduceKind::Max;
}
template <> constexpr ReduceKind kindOf<ReduceMinOp>() {
  return ReduceKind::Min;
}

template <typename OpTy> struct ReducePattern : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    constexpr ReduceKind kind = kindOf<OpTy>();
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    Type element = inputType.getElementType();
    SmallVector<int64_t> axes(op.getAxes());
    if (axes.empty())
      axes = llvm::to_vector(llvm::seq<int64_t>(0, inputType.getRank()));
    llvm::sort(axes);

    // max and min are exact in any type. Sums and products of 16-bit floats
    // accumulate in f32; a mean of narrow integers sums in i64, so that the
    // sum cannot wrap before the division brings it back into range.
    bool ordered = kind == ReduceKind::Max || kind == ReduceKind::Min;
    Type acc = ordered ? element : accumulatorType(element);
    if (kind == ReduceKind::Mean && isa<IntegerType>(element))
      acc = rewriter.getI64Type();
    Value identity;
    ScalarBuilder combine = combineSum;
    switch (kind) {
    case ReduceKind::Sum:
    case ReduceKind::Mean:
      identity = constantOf(rewriter, loc, acc, 0);
      break;
    case ReduceKind::Prod:
      identity = constantOf(rewriter, loc, acc, 1);
      combine = combineProd;
      break;
    case ReduceKind::Max:
      identity = lowestOf(rewriter, loc, acc);
      combine = combineMax;
      break;
    case ReduceKind::Min:
      identity = highestOf(rewriter, loc, acc);
      combine = combineMin;
      break;
    }
    Value reduced =
        buildReduction(rewriter, loc, input, axes, identity, combine);
    if (kind == ReduceKind::Mean)
      reduced = divideByCount(rewriter, loc, reduced, input, axes);
    reduced = convertElements(rewriter, loc, reduced, element);
    if (op.getKeepdims())
      reduced = tensor::ExpandShapeOp::create(
          rewriter, loc, op.getType(), reduced,
          unitDimGroups(inputType.getRank(), axes));
    rewriter.replaceOp(op, reduced);
    return success();
  }
};

/// dynamic_reduce: which dims reduce is a run-time mask, so no indexing map
/// can say where an element goes. A loop nest over the input combines each
/// element into the kept-dims result at its indices with the reduced ones
/// zeroed:
///   reduced[d] = d in axes;  out[i with reduced dims 0] op= x[i]
/// (out has the input's rank, a reduced dim of size 1); without keepdims
/// that result is reshaped to its unreduced sizes, in order. The axes are
/// checked (in range, distinct); after a failed check they are clamped, and
/// the reshape never asks for more elements than there are.
struct DynamicReducePattern : OpConversionPattern<DynamicReduceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DynamicReduceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput(), axes = adaptor.getAxes();
    auto type = cast<RankedTensorType>(input.getType());
    Type element = type.getElementType();
    int64_t rank = type.getRank();
    int64_t count = cast<RankedTensorType>(axes.getType()).getDimSize(0);
    StringRef kind = op.getKind();
    OpBuilder &b = rewriter;
    Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
    Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
    Value rankValue = arith::ConstantIndexOp::create(b, loc, rank);
    Value falseValue = arith::ConstantIntOp::create(b, loc, b.getI1Type(), 0);
    Value trueValue = arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1);

    // reduced[d], and whether every axis is in range.
    SmallVector<Value> reduced(rank, falseValue);
    Value ok = trueValue;
    for (int64_t i = 0; i < count; ++i) {
      Value at = arith::ConstantIndexOp::create(b, loc, i);
      Value raw = arith::IndexCastOp::create(
          b, loc, b.getIndexType(),
          tensor::ExtractOp::create(b, loc, axes, ValueRange{at}));
      Value negative =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, raw, c0);
      Value axis = arith::SelectOp::create(
          b, loc, negative, arith::AddIOp::create(b, loc, raw, rankValue), raw);
      ok = arith::AndIOp::create(
          b, loc, ok,
          arith::AndIOp::create(
              b, loc,
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, axis,
                                    c0),
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, axis,
                                    rankValue)));
      for (int64_t d = 0; d < rank; ++d) {
        Value hit =
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, axis,
                                  arith::ConstantIndexOp::create(b, loc, d));
        reduced[d] = arith::OrIOp::create(b, loc, reduced[d], hit);
      }
    }
    // Distinct in-range axes mark exactly `count` dims.
    Value marked = c0;
    for (Value r : reduced)
      marked = arith::AddIOp::create(
          b, loc, marked, arith::SelectOp::create(b, loc, r, c1, c0));
    ok = arith::AndIOp::create(
        b, loc, ok,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, marked,
                              arith::ConstantIndexOp::create(b, loc, count)));
    emitRuntimeCheck(b, loc, ok, op,
                     "axes are out of range [-rank, rank) or repeated");

    // The kept-dims result, filled with the identity.
    bool ordered = kind == "max" || kind == "min";
    Type acc = ordered ? element : accumulatorType(element);
    if (kind == "mean" && isa<IntegerType>(element))
      acc = b.getI64Type();
    Value identity;
    ScalarBuilder combine = combineSum;
    if (kind == "sum" || kind == "mean") {
      identity = constantOf(b, loc, acc, 0);
    } else if (kind == "prod") {
      identity = constantOf(b, loc, acc, 1);
      combine = combineProd;
    } else if (kind == "max") {
      identity = lowestOf(b, loc, acc);
      combine = combineMax;
    } else {
      identity = highestOf(b, loc, acc);
      combine = combineMin;
    }
    SmallVector<Value> dims, keptSizes;
    SmallVector<int64_t> keptShape;
    Value reducedCount = c1;
    for (int64_t d = 0; d < rank; ++d) {
      dims.push_back(dimValue(b, loc, input, d));
      keptSizes.push_back(
          arith::SelectOp::create(b, loc, reduced[d], c1, dims[d]));
      keptShape.push_back(type.getDimSize(d) == 1 ? 1 : ShapedType::kDynamic);
      reducedCount = arith::MulIOp::create(
          b, loc, reducedCount,
          arith::SelectOp::create(b, loc, reduced[d], dims[d], c1));
    }
    auto keptType = RankedTensorType::get(keptShape, acc);
    SmallVector<Value> dynamicKept;
    for (int64_t d = 0; d < rank; ++d)
      if (keptType.isDynamicDim(d))
        dynamicKept.push_back(keptSizes[d]);
    Value init = buildFilled(b, loc, keptType, dynamicKept, identity);

    SmallVector<Value> lbs(rank, c0), steps(rank, c1);
    scf::LoopNest nest = scf::buildLoopNest(
        b, loc, lbs, dims, steps, ValueRange{init},
        [&](OpBuilder &nb, Location nl, ValueRange ivs,
            ValueRange outs) -> scf::ValueVector {
          SmallVector<Value> target;
          for (int64_t d = 0; d < rank; ++d)
            target.push_back(
                arith::SelectOp::create(nb, nl, reduced[d], c0, ivs[d]));
          Value x = convertScalar(
              nb, nl, tensor::ExtractOp::create(nb, nl, input, ivs), acc);
          Value old = tensor::ExtractOp::create(nb, nl, outs[0], target);
          Value next = combine(nb, nl, {x, old});
          return {tensor::InsertOp::create(nb, nl, next, outs[0], target)
                      .getResult()};
        });
    Value result = nest.results.front();
    if (kind == "mean") {
      Value countInt =
          arith::IndexCastOp::create(b, loc, b.getI64Type(), reducedCount);
      Value divisor =
          isa<FloatType>(acc)
              ? (Value)arith::SIToFPOp::create(b, loc, acc, countInt)
              : convertScalar(b, loc, countInt, acc);
      result = buildElementwise(
          b, loc, keptType, result,
          [&](OpBuilder &eb, Location el, ValueRange args) -> Value {
            if (isa<FloatType>(acc))
              return arith::DivFOp::create(eb, el, args[0], divisor);
            return arith::DivSIOp::create(eb, el, args[0], divisor);
          });
    }
    result = convertElements(b, loc, result, element);

    auto resultType = cast<RankedTensorType>(op.getType());
    if (!op.getKeepdims()) {
      // Size j of the result is the j-th unreduced dim.
      SmallVector<Value> sizes;
      for (int64_t j = 0; j < resultType.getRank(); ++j) {
        Value size = c1, before = c0;
        Value jValue = arith::ConstantIndexOp::create(b, loc, j);
        for (int64_t d = 0; d < rank; ++d) {
          Value kept = arith::XOrIOp::create(b, loc, reduced[d], trueValue);
          Value isJ = arith::AndIOp::create(
              b, loc, kept,
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, before,
                                    jValue));
          size = arith::SelectOp::create(b, loc, isJ, dims[d], size);
          before = arith::AddIOp::create(
              b, loc, before, arith::SelectOp::create(b, loc, kept, c1, c0));
        }
        sizes.push_back(
            arith::IndexCastOp::create(b, loc, b.getI64Type(), size));
      }
      Value shape = tensor::FromElementsOp::create(
          b, loc, RankedTensorType::get({resultType.getRank()}, b.getI64Type()),
          sizes);
      result = tensor::ReshapeOp::create(b, loc, resultType, result, shape);
    } else if (result.getType() != resultType) {
      result = tensor::CastOp::create(b, loc, resultType, result);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// argmax/argmin: one generic reducing `axis` into (best value, its index).
/// A later element replaces the best only when strictly better, or also when
/// equal with select_last_index, so ties keep the first (last) index; the
/// identity (-inf for argmax) never wins against a real element but leaves
/// index 0 for a row of only -inf, which is its first index.
template <typename OpTy, bool IsMax>
struct ArgReducePattern : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto type = cast<RankedTensorType>(input.getType());
    Type element = type.getElementType();
    int64_t axis = op.getAxis(), rank = type.getRank();
    bool last = op.getSelectLastIndex();

    SmallVector<int64_t> shape;
    SmallVector<Value> sizes;
    SmallVector<AffineExpr> outExprs;
    SmallVector<utils::IteratorType> iterators;
    for (int64_t i = 0; i < rank; ++i) {
      if (i == axis) {
        iterators.push_back(utils::IteratorType::reduction);
        continue;
      }
      iterators.push_back(utils::IteratorType::parallel);
      shape.push_back(type.getDimSize(i));
      outExprs.push_back(rewriter.getAffineDimExpr(i));
      if (type.isDynamicDim(i))
        sizes.push_back(tensor::DimOp::create(rewriter, loc, input, i));
    }
    Type i64 = rewriter.getI64Type();
    Value bestInit =
        buildFilled(rewriter, loc, RankedTensorType::get(shape, element), sizes,
                    IsMax ? lowestOf(rewriter, loc, element)
                          : highestOf(rewriter, loc, element));
    Value indexInit =
        buildFilled(rewriter, loc, RankedTensorType::get(shape, i64), sizes,
                    constantOf(rewriter, loc, i64, 0));
    AffineMap outMap = AffineMap::get(rank, 0, outExprs, rewriter.getContext());
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank),
                                   outMap, outMap};
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{bestInit.getType(), indexInit.getType()},
        input, ValueRange{bestInit, indexInit}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = args[0], best = args[1], bestIndex = args[2];
          Value index = arith::IndexCastOp::create(
              b, l, i64, linalg::IndexOp::create(b, l, axis));
          Value better;
          if (isa<FloatType>(element)) {
            auto pred = IsMax ? (last ? arith::CmpFPredicate::OGE
                                      : arith::CmpFPredicate::OGT)
                              : (last ? arith::CmpFPredicate::OLE
                                      : arith::CmpFPredicate::OLT);
            better = arith::CmpFOp::create(b, l, pred, x, best);
          } else {
            auto pred = IsMax ? (last ? arith::CmpIPredicate::sge
                                      : arith::CmpIPredicate::sgt)
                              : (last ? arith::CmpIPredicate::sle
                                      : arith::CmpIPredicate::slt);
            better = arith::CmpIOp::create(b, l, pred, x, best);
          }
          linalg::YieldOp::create(
              b, l,
              ValueRange{
                  arith::SelectOp::create(b, l, better, x, best),
                  arith::SelectOp::create(b, l, better, index, bestIndex)});
        });
    Value result = generic.getResult(1);
    if (op.getKeepdims())
      result = tensor::ExpandShapeOp::create(
          rewriter, loc, op.getType(), result, unitDimGroups(rank, {axis}));
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// layer_norm(x) over the dims [axis, rank), in the stash type S:
///   mean = sum(x) / n
///   inv_std_dev = 1 / sqrt(sum((x - mean)^2) / n + epsilon)
///   result = T((x - mean) * inv_std_dev) * scale + bias
/// The variance is the mean of squared deviations (two passes), which unlike
/// E[x^2] - E[x]^2 cannot cancel catastrophically.
struct LayerNormPattern : CheckedPattern<LayerNormOp> {
  using CheckedPattern::CheckedPattern;
  LogicalResult
  matchAndRewrite(LayerNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto type = cast<RankedTensorType>(input.getType());
    Type element = type.getElementType();
    Type stash = op.getStashType();
    int64_t rank = type.getRank(), axis = op.getAxis();
    SmallVector<int64_t> inner =
        llvm::to_vector(llvm::seq<int64_t>(axis, rank));

    Value zero = constantOf(rewriter, loc, stash, 0);
    Value sum = buildReduction(rewriter, loc, input, inner, zero, combineSum);
    auto statsType = cast<RankedTensorType>(sum.getType());
    Value count = countOf(rewriter, loc, input, inner, stash);
    Value mean = buildElementwise(
        rewriter, loc, statsType, sum,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          return arith::DivFOp::create(b, l, args[0], count);
        });

    // sum((x - mean)^2): x at every index, mean at the outer ones.
    SmallVector<AffineExpr> outerExprs;
    for (int64_t i = 0; i < axis; ++i)
      outerExprs.push_back(rewriter.getAffineDimExpr(i));
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap outer =
        AffineMap::get(rank, 0, outerExprs, rewriter.getContext());
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    for (int64_t i : inner)
      iterators[i] = utils::IteratorType::reduction;
    SmallVector<Value> outerSizes;
    for (int64_t i = 0; i < axis; ++i)
      if (type.isDynamicDim(i))
        outerSizes.push_back(tensor::DimOp::create(rewriter, loc, input, i));
    Value squares =
        linalg::GenericOp::create(
            rewriter, loc, statsType, ValueRange{input, mean},
            buildFilled(rewriter, loc, statsType, outerSizes, zero),
            ArrayRef<AffineMap>{identity, outer, outer}, iterators,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value d = arith::SubFOp::create(
                  b, l, convertScalar(b, l, args[0], stash), args[1]);
              linalg::YieldOp::create(
                  b, l,
                  arith::AddFOp::create(b, l, args[2],
                                        arith::MulFOp::create(b, l, d, d))
                      .getResult());
            })
            .getResult(0);
    Value epsilon =
        constantOf(rewriter, loc, stash, op.getEpsilon().convertToDouble());
    Value one = constantOf(rewriter, loc, stash, 1);
    Value invStdDev = buildElementwise(
        rewriter, loc, statsType, squares,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value variance = arith::DivFOp::create(b, l, args[0], count);
          Value std = math::SqrtOp::create(
              b, l, arith::AddFOp::create(b, l, variance, epsilon));
          return arith::DivFOp::create(b, l, one, std);
        });

    // The normalized x, in x's type and shape.
    SmallVector<Value> sizes;
    for (int64_t i = 0; i < rank; ++i)
      if (type.isDynamicDim(i))
        sizes.push_back(tensor::DimOp::create(rewriter, loc, input, i));
    Value normalized =
        linalg::GenericOp::create(
            rewriter, loc, type, ValueRange{input, mean, invStdDev},
            tensor::EmptyOp::create(rewriter, loc, type.getShape(), element,
                                    sizes)
                .getResult(),
            ArrayRef<AffineMap>{identity, outer, outer, identity},
            SmallVector<utils::IteratorType>(rank,
                                             utils::IteratorType::parallel),
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value d = arith::SubFOp::create(
                  b, l, convertScalar(b, l, args[0], stash), args[1]);
              Value n = arith::MulFOp::create(b, l, d, args[2]);
              linalg::YieldOp::create(b, l, convertScalar(b, l, n, element));
            })
            .getResult(0);

    // Scale and bias broadcast against the normalized x, which has the
    // input's dims (the model-level operand stands for it in the plan).
    Value result = normalized;
    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    if (op.getScale() || op.getBias()) {
      SmallVector<Value> modelOperands = {op.getInput()};
      SmallVector<Value> lowered = {normalized};
      if (op.getScale()) {
        modelOperands.push_back(op.getScale());
        lowered.push_back(adaptor.getScale());
      }
      if (op.getBias()) {
        modelOperands.push_back(op.getBias());
        lowered.push_back(adaptor.getBias());
      }
      bool hasScale = op.getScale() != nullptr;
      bool hasBias = op.getBias() != nullptr;
      auto body = [&](OpBuilder &b, Location l, ValueRange args) -> Value {
        Value y = args[0];
        if (hasScale)
          y = arith::MulFOp::create(b, l, y, args[1]);
        if (hasBias)
          y = arith::AddFOp::create(b, l, y, args.back());
        return y;
      };
      SmallVector<int64_t> dims;
      for (Value v : modelOperands)
        dims.push_back(cast<RankedTensorType>(v.getType()).getRank());
      BroadcastPlan plan = planBroadcast(modelOperands, dims, resultType, rank,
                                         facts, op.getResult());
      if (plan.anyUnknown) {
        GuardedBroadcast guarded =
            guardBroadcast(rewriter, loc, op, plan, lowered, resultType);
        // Broadcasting is one-way here: a run-time 1 in x must not stretch
        // to the size of scale or bias.
        Value same = arith::ConstantIntOp::create(rewriter, loc,
                                                  rewriter.getI1Type(), 1);
        for (int64_t i = 0; i < rank; ++i)
          if (plan.relations[0][i] == DimRelation::Unknown)
            same = arith::AndIOp::create(
                rewriter, loc, same,
                arith::CmpIOp::create(
                    rewriter, loc, arith::CmpIPredicate::eq,
                    tensor::DimOp::create(rewriter, loc, normalized, i),
                    guarded.sizes[i]));
        emitRuntimeCheck(rewriter, loc, same, op,
                         "scale or bias has a dim larger than the input's");
        result = buildGuardedElementwise(rewriter, loc, resultType, plan,
                                         guarded, body);
      } else {
        result = buildElementwise(rewriter, loc, resultType, lowered, body);
      }
    } else if (result.getType() != resultType) {
      result = tensor::CastOp::create(rewriter, loc, resultType, result);
    }

    auto groups = unitDimGroups(rank, inner);
    auto keep = [&](Value stats, Type to) -> Value {
      return tensor::ExpandShapeOp::create(rewriter, loc, to, stats, groups);
    };
    rewriter.replaceOp(op, {result, keep(mean, op.getMean().getType()),
                            keep(invStdDev, op.getInvStdDev().getType())});
    return success();
  }
};

} // namespace

void kiln::model_to_linalg::populateReductionPatterns(
    RewritePatternSet &patterns, const DimFacts *facts) {
  MLIRContext *ctx = patterns.getContext();
  patterns
      .add<ReducePattern<ReduceSumOp>, ReducePattern<ReduceMeanOp>,
           ReducePattern<ReduceProdOp>, ReducePattern<ReduceMaxOp>,
           ReducePattern<ReduceMinOp>, DynamicReducePattern,
           ArgReducePattern<ArgMaxOp, true>, ArgReducePattern<ArgMinOp, false>>(
          ctx);
  patterns.add<LayerNormPattern>(ctx, facts);
  populateScanPatterns(patterns, facts);
}
