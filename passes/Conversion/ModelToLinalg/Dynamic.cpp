//===- Dynamic.cpp - Run-time-sized `model` ops to tensor/linalg/scf ------===//
//
// Lowerings of the ops in ModelDynamicOps.td. Their sizes come from values
// read at run time: the index operands of dynamic_slice / dynamic_squeeze /
// dynamic_unsqueeze have a static length, so their entries are read one by
// one and every size is computed with scalar arithmetic, unrolled over the
// (static) rank; non_zero and compress count what they select in a first
// pass, allocate the result with that size and fill it in a second, an
// scf.for over tensors that bufferizes in place.
//
// Invalid index values (axes out of range or repeated, zero steps, squeezed
// dims that are not 1, true conditions past the data) and static result dims
// that the values contradict fail the run through one RuntimeChecks check per
// op, and the result is then built under buildIfValid, so nothing reads out
// of bounds.
//
//===----------------------------------------------------------------------===//
#include "passes/Conversion/ModelToLinalg/ModelToLinalg.h"

#include "dialects/Model/IR/ModelOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace kiln::model;
using namespace kiln::model_to_linalg;

namespace {

using Pred = arith::CmpIPredicate;

/// Scalar index arithmetic at one insertion point, named for readability of
/// the size formulas below.
struct IndexMath {
  OpBuilder &b;
  Location loc;

  Value c(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value cmp(Pred p, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, p, x, y);
  }
  Value select(Value cond, Value x, Value y) {
    return arith::SelectOp::create(b, loc, cond, x, y);
  }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value min(Value x, Value y) { return arith::MinSIOp::create(b, loc, x, y); }
  Value max(Value x, Value y) { return arith::MaxSIOp::create(b, loc, x, y); }
  Value andOf(Value x, Value y) { return arith::AndIOp::create(b, loc, x, y); }
  Value orOf(Value x, Value y) { return arith::OrIOp::create(b, loc, x, y); }
  Value notOf(Value x) {
    return arith::XOrIOp::create(
        b, loc, x, arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1));
  }
  /// 1 where `cond` holds, else 0.
  Value count(Value cond) { return select(cond, c(1), c(0)); }

  /// Entry `k` of the 1-D integer tensor `vector` as an index
  /// (sign-extended).
  Value entry(Value vector, int64_t k) {
    Value v = tensor::ExtractOp::create(b, loc, vector, ValueRange{c(k)});
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
  }
  /// An axis in [-rank, rank) mapped to [0, rank), requiring in `checks`
  /// that it was in range.
  Value normalizeAxis(Value axis, int64_t rank, RuntimeChecks &checks) {
    Value wrapped = select(cmp(Pred::slt, axis, c(0)), add(axis, c(rank)), axis);
    checks.require(b, loc,
                   andOf(cmp(Pred::sge, wrapped, c(0)),
                         cmp(Pred::slt, wrapped, c(rank))));
    return wrapped;
  }
};

/// The entries of `axes`, normalized against `rank`, with the checks that
/// they are in range and distinct.
SmallVector<Value> readAxes(IndexMath &m, Value axes, int64_t rank,
                            RuntimeChecks &checks) {
  int64_t count = cast<RankedTensorType>(axes.getType()).getDimSize(0);
  SmallVector<Value> normalized;
  for (int64_t k = 0; k < count; ++k)
    normalized.push_back(m.normalizeAxis(m.entry(axes, k), rank, checks));
  for (int64_t k = 0; k < count; ++k)
    for (int64_t l = k + 1; l < count; ++l)
      checks.require(m.b, m.loc,
                     m.cmp(Pred::ne, normalized[k], normalized[l]));
  return normalized;
}

/// Whether position `p` is one of `axes`, and how many axes lie below it.
std::pair<Value, Value> axisAt(IndexMath &m, ArrayRef<Value> axes, int64_t p) {
  Value isAxis = arith::ConstantIntOp::create(m.b, m.loc, m.b.getI1Type(), 0);
  Value below = m.c(0);
  for (Value a : axes) {
    isAxis = m.orOf(isAxis, m.cmp(Pred::eq, a, m.c(p)));
    below = m.add(below, m.count(m.cmp(Pred::slt, a, m.c(p))));
  }
  return {isAxis, below};
}

/// `input` with the same elements in row-major order as `resultType` with
/// dims `sizes` (index values): a tensor.reshape, which is all a squeeze or
/// unsqueeze of run-time axes is once its sizes are known.
Value reshapeTo(OpBuilder &b, Location loc, Value input,
                RankedTensorType resultType, ArrayRef<Value> sizes) {
  SmallVector<Value> entries;
  for (Value s : sizes)
    entries.push_back(
        arith::IndexCastOp::create(b, loc, b.getI64Type(), s));
  Value shape = tensor::FromElementsOp::create(
      b, loc, RankedTensorType::get({int64_t(sizes.size())}, b.getI64Type()),
      entries);
  return tensor::ReshapeOp::create(b, loc, resultType, input, shape);
}

/// The end of a squeeze or unsqueeze of run-time axes: `sizes` must also meet
/// the result's static dims, and `op` becomes the reshape of `input` to
/// them, built only when every check in `checks` held.
void replaceByReshape(ConversionPatternRewriter &rewriter, Operation *op,
                      Value input, RankedTensorType resultType,
                      ArrayRef<Value> sizes, RuntimeChecks &checks,
                      StringRef message) {
  Location loc = op->getLoc();
  for (auto [j, size] : llvm::enumerate(sizes))
    checks.requireStaticDim(rewriter, loc, resultType, j, size, false);
  Value ok = checks.emit(rewriter, loc, op, message);
  rewriter.replaceOp(op, buildIfValid(rewriter, loc, ok, resultType,
                                      [&](OpBuilder &b, Location l) {
                                        return reshapeTo(b, l, input,
                                                         resultType, sizes);
                                      }));
}

// dynamic_slice: per input dim d, the entry whose axis is d (if any) gives
// start, end and step; ONNX then counts negative bounds from the back and
// clamps them, to [0, D] for a positive step and to [0, D - 1] (start) and
// [-1, D - 1] (end) for a negative one, and takes
//   size = diff > 0 ? (diff - 1) / |step| + 1 : 0
// elements with diff = end - start (start - end for a negative step). The
// division is unsigned so that |INT64_MIN| = 2^63 is exact. Element i of dim
// d reads input index start + i * step, which the size keeps in [0, D).
struct DynamicSlicePattern : OpConversionPattern<DynamicSliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DynamicSliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    IndexMath m{rewriter, loc};
    Value input = adaptor.getInput();
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t rank = resultType.getRank();
    int64_t count =
        cast<RankedTensorType>(adaptor.getStarts().getType()).getDimSize(0);
    RuntimeChecks checks;
    SmallVector<Value> axes = readAxes(m, adaptor.getAxes(), rank, checks);
    SmallVector<Value> starts, ends, steps;
    for (int64_t k = 0; k < count; ++k) {
      starts.push_back(m.entry(adaptor.getStarts(), k));
      ends.push_back(m.entry(adaptor.getEnds(), k));
      steps.push_back(m.entry(adaptor.getSteps(), k));
      checks.require(rewriter, loc, m.cmp(Pred::ne, steps.back(), m.c(0)));
    }
    SmallVector<Value> offsets, strides, sizes;
    for (int64_t d = 0; d < rank; ++d) {
      Value dim = dimValue(rewriter, loc, input, d);
      Value start = m.c(0), end = dim, step = m.c(1);
      for (int64_t k = 0; k < count; ++k) {
        Value hit = m.cmp(Pred::eq, axes[k], m.c(d));
        start = m.select(hit, starts[k], start);
        end = m.select(hit, ends[k], end);
        step = m.select(hit, steps[k], step);
      }
      // A zero step failed the check; 1 keeps the arithmetic defined.
      step = m.select(m.cmp(Pred::eq, step, m.c(0)), m.c(1), step);
      Value negative = m.cmp(Pred::slt, step, m.c(0));
      start = m.select(m.cmp(Pred::slt, start, m.c(0)), m.add(start, dim),
                       start);
      end = m.select(m.cmp(Pred::slt, end, m.c(0)), m.add(end, dim), end);
      Value last = m.sub(dim, m.c(1));
      start = m.min(m.max(start, m.c(0)), m.select(negative, last, dim));
      end = m.min(m.max(end, m.select(negative, m.c(-1), m.c(0))),
                  m.select(negative, last, dim));
      Value diff = m.select(negative, m.sub(start, end), m.sub(end, start));
      Value magnitude = m.select(negative, m.sub(m.c(0), step), step);
      Value size = m.select(
          m.cmp(Pred::sgt, diff, m.c(0)),
          m.add(arith::DivUIOp::create(rewriter, loc, m.sub(diff, m.c(1)),
                                       magnitude),
                m.c(1)),
          m.c(0));
      checks.requireStaticDim(rewriter, loc, resultType, d, size, false);
      offsets.push_back(start);
      strides.push_back(step);
      sizes.push_back(size);
    }
    Value ok = checks.emit(rewriter, loc, op,
                           "an axis is out of range or repeated, a step is 0, "
                           "or the slice contradicts the result's static "
                           "shape");
    rewriter.replaceOp(
        op, buildIfValid(rewriter, loc, ok, resultType,
                         [&](OpBuilder &b, Location l) {
                           return buildIndexed(
                               b, l, resultType, sizes,
                               [&](OpBuilder &nb, Location nl,
                                   ArrayRef<Value> ivs) -> Value {
                                 IndexMath n{nb, nl};
                                 SmallVector<Value> at;
                                 for (int64_t d = 0; d < rank; ++d)
                                   at.push_back(n.add(
                                       offsets[d], n.mul(ivs[d], strides[d])));
                                 return tensor::ExtractOp::create(nb, nl,
                                                                  input, at);
                               });
                         }));
    return success();
  }
};

// dynamic_unsqueeze: result dim j is 1 where j is an axis, else input dim
// j - (number of axes below j).
struct DynamicUnsqueezePattern : OpConversionPattern<DynamicUnsqueezeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DynamicUnsqueezeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    IndexMath m{rewriter, loc};
    Value input = adaptor.getInput();
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t inputRank = cast<RankedTensorType>(input.getType()).getRank();
    RuntimeChecks checks;
    SmallVector<Value> axes =
        readAxes(m, adaptor.getAxes(), resultType.getRank(), checks);
    SmallVector<Value> inputDims;
    for (int64_t p = 0; p < inputRank; ++p)
      inputDims.push_back(dimValue(rewriter, loc, input, p));
    SmallVector<Value> sizes;
    for (int64_t j = 0; j < resultType.getRank(); ++j) {
      auto [isAxis, below] = axisAt(m, axes, j);
      Value source = m.sub(m.c(j), below);
      Value size = m.c(1);
      for (int64_t p = 0; p < inputRank; ++p)
        size = m.select(m.cmp(Pred::eq, source, m.c(p)), inputDims[p], size);
      sizes.push_back(m.select(isAxis, m.c(1), size));
    }
    replaceByReshape(rewriter, op, input, resultType, sizes, checks,
                     "an axis is out of range or repeated, or the axes "
                     "contradict the result's static shape");
    return success();
  }
};

// dynamic_squeeze: every axis must name a dim of size 1; result dim j is
// the input dim p that is not an axis and has j non-axis dims below it.
struct DynamicSqueezePattern : OpConversionPattern<DynamicSqueezeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DynamicSqueezeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    IndexMath m{rewriter, loc};
    Value input = adaptor.getInput();
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t inputRank = cast<RankedTensorType>(input.getType()).getRank();
    RuntimeChecks checks;
    SmallVector<Value> axes = readAxes(m, adaptor.getAxes(), inputRank, checks);
    SmallVector<Value> kept, position, inputDims;
    for (int64_t p = 0; p < inputRank; ++p) {
      Value dim = dimValue(rewriter, loc, input, p);
      auto [isAxis, below] = axisAt(m, axes, p);
      checks.require(rewriter, loc,
                     m.orOf(m.notOf(isAxis), m.cmp(Pred::eq, dim, m.c(1))));
      kept.push_back(m.notOf(isAxis));
      position.push_back(m.sub(m.c(p), below));
      inputDims.push_back(dim);
    }
    SmallVector<Value> sizes;
    for (int64_t j = 0; j < resultType.getRank(); ++j) {
      Value size = m.c(1);
      for (int64_t p = 0; p < inputRank; ++p)
        size = m.select(m.andOf(kept[p], m.cmp(Pred::eq, position[p], m.c(j))),
                        inputDims[p], size);
      sizes.push_back(size);
    }
    replaceByReshape(rewriter, op, input, resultType, sizes, checks,
                     "an axis is out of range or repeated, names a dim that "
                     "is not 1, or the axes contradict the result's static "
                     "shape");
    return success();
  }
};

/// Whether the scalar `v` is non-zero (NaN is).
Value isNonZero(OpBuilder &b, Location loc, Value v) {
  Type type = v.getType();
  if (auto floatType = dyn_cast<FloatType>(type))
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, v,
                                 arith::ConstantOp::create(
                                     b, loc, b.getFloatAttr(floatType, 0.0)));
  return arith::CmpIOp::create(
      b, loc, Pred::ne, v,
      arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, 0)));
}

/// `result` as `type` (a refinement the op's declared type may state, which
/// a check before has proven).
Value castTo(OpBuilder &b, Location loc, Value result, RankedTensorType type) {
  if (result.getType() == type)
    return result;
  return tensor::CastOp::create(b, loc, type, result);
}

// non_zero: count the non-zero elements (a reduction), then one loop nest
// over the input writes the index of each into the next column.
struct NonZeroPattern : OpConversionPattern<NonZeroOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(NonZeroOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t rank = inputType.getRank();
    Type i64 = rewriter.getI64Type();

    auto countType = RankedTensorType::get({}, i64);
    Value zero = buildFilled(rewriter, loc, countType, {},
                             arith::ConstantIntOp::create(rewriter, loc, i64, 0));
    SmallVector<AffineMap> maps = {
        rewriter.getMultiDimIdentityMap(rank),
        AffineMap::get(rank, 0, {}, rewriter.getContext())};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::reduction);
    auto counted = linalg::GenericOp::create(
        rewriter, loc, countType, input, zero, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value one = arith::ExtUIOp::create(b, l, i64,
                                             isNonZero(b, l, args[0]));
          linalg::YieldOp::create(b, l,
                                  arith::AddIOp::create(b, l, args[1], one)
                                      .getResult());
        });
    Value count = arith::IndexCastOp::create(
        rewriter, loc, rewriter.getIndexType(),
        tensor::ExtractOp::create(rewriter, loc, counted.getResult(0),
                                  ValueRange{}));
    RuntimeChecks checks;
    checks.requireStaticDim(rewriter, loc, resultType, 1, count, false);
    Value ok = checks.emit(rewriter, loc, op,
                           "the number of non-zero elements contradicts the "
                           "result's static shape");

    auto build = [&](OpBuilder &b, Location l) -> Value {
      IndexMath n{b, l};
      auto fillType =
          RankedTensorType::get({rank, ShapedType::kDynamic}, i64);
      Value empty = tensor::EmptyOp::create(b, l, fillType.getShape(), i64,
                                            ValueRange{count});
      SmallVector<Value> lbs(rank, n.c(0)), steps(rank, n.c(1)), ubs;
      for (int64_t d = 0; d < rank; ++d)
        ubs.push_back(dimValue(b, l, input, d));
      scf::LoopNest nest = scf::buildLoopNest(
          b, l, lbs, ubs, steps, ValueRange{empty, n.c(0)},
          [&](OpBuilder &nb, Location nl, ValueRange ivs,
              ValueRange iterArgs) -> scf::ValueVector {
            Value element = tensor::ExtractOp::create(nb, nl, input, ivs);
            auto ifOp = scf::IfOp::create(
                nb, nl, isNonZero(nb, nl, element),
                [&](OpBuilder &tb, Location tl) {
                  IndexMath t{tb, tl};
                  Value result = iterArgs[0];
                  for (int64_t d = 0; d < rank; ++d)
                    result = tensor::InsertOp::create(
                        tb, tl,
                        arith::IndexCastOp::create(tb, tl, i64, ivs[d]),
                        result, ValueRange{t.c(d), iterArgs[1]});
                  scf::YieldOp::create(
                      tb, tl, ValueRange{result, t.add(iterArgs[1], t.c(1))});
                },
                [&](OpBuilder &eb, Location el) {
                  scf::YieldOp::create(eb, el, iterArgs);
                });
            return {ifOp.getResult(0), ifOp.getResult(1)};
          });
      return castTo(b, l, nest.results[0], resultType);
    };
    rewriter.replaceOp(op, buildIfValid(rewriter, loc, ok, resultType, build));
    return success();
  }
};

// compress: one loop over the condition counts the true entries (and those
// within the data, which must be all of them); a second one copies each
// selected slice (with an axis) or element (flattened input) to the next
// position of the result.
struct CompressPattern : OpConversionPattern<CompressOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CompressOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    IndexMath m{rewriter, loc};
    Value input = adaptor.getInput(), condition = adaptor.getCondition();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t rank = inputType.getRank();
    std::optional<int64_t> axis = op.getAxis();

    // Without an axis the input is read flattened.
    if (!axis && rank > 1) {
      SmallVector<ReassociationIndices> all(1);
      for (int64_t d = 0; d < rank; ++d)
        all[0].push_back(d);
      input = tensor::CollapseShapeOp::create(rewriter, loc, input, all);
    }
    int64_t selectedDim = axis ? *axis : 0;
    Value available = dimValue(rewriter, loc, input, selectedDim);
    Value length = dimValue(rewriter, loc, condition, 0);

    auto counting = scf::ForOp::create(
        rewriter, loc, m.c(0), length, m.c(1), ValueRange{m.c(0), m.c(0)},
        [&](OpBuilder &b, Location l, Value i, ValueRange counts) {
          IndexMath n{b, l};
          Value selected = tensor::ExtractOp::create(b, l, condition, i);
          Value inData = n.andOf(selected, n.cmp(Pred::slt, i, available));
          scf::YieldOp::create(b, l,
                               ValueRange{n.add(counts[0], n.count(selected)),
                                          n.add(counts[1], n.count(inData))});
        });
    Value total = counting.getResult(0), count = counting.getResult(1);
    RuntimeChecks checks;
    checks.require(rewriter, loc, m.cmp(Pred::eq, total, count));
    checks.requireStaticDim(rewriter, loc, resultType, selectedDim, count,
                            false);
    for (int64_t d = 0; d < resultType.getRank(); ++d)
      if (d != selectedDim)
        checks.requireStaticDim(rewriter, loc, resultType, d,
                                dimValue(rewriter, loc, input, d), false);
    Value ok = checks.emit(rewriter, loc, op,
                           "the condition selects past the end of the data, "
                           "or the selection contradicts the result's static "
                           "shape");

    auto build = [&](OpBuilder &b, Location l) -> Value {
      IndexMath n{b, l};
      int64_t outRank = resultType.getRank();
      SmallVector<int64_t> shape(resultType.getShape());
      shape[selectedDim] = ShapedType::kDynamic;
      auto fillType = resultType.clone(shape);
      SmallVector<Value> dynamicSizes;
      SmallVector<OpFoldResult> sliceSizes;
      for (int64_t d = 0; d < outRank; ++d) {
        Value size = d == selectedDim ? count : dimValue(b, l, input, d);
        if (fillType.isDynamicDim(d))
          dynamicSizes.push_back(size);
        sliceSizes.push_back(d == selectedDim ? OpFoldResult(b.getIndexAttr(1))
                                              : OpFoldResult(size));
      }
      Value empty = tensor::EmptyOp::create(
          b, l, shape, resultType.getElementType(), dynamicSizes);
      Value bound = n.min(length, available);
      auto filling = scf::ForOp::create(
          b, l, n.c(0), bound, n.c(1), ValueRange{empty, n.c(0)},
          [&](OpBuilder &fb, Location fl, Value i, ValueRange state) {
            Value selected = tensor::ExtractOp::create(fb, fl, condition, i);
            auto ifOp = scf::IfOp::create(
                fb, fl, selected,
                [&](OpBuilder &tb, Location tl) {
                  IndexMath t{tb, tl};
                  Value result;
                  if (!axis) {
                    Value element = tensor::ExtractOp::create(tb, tl, input, i);
                    result = tensor::InsertOp::create(tb, tl, element,
                                                      state[0], state[1]);
                  } else {
                    SmallVector<OpFoldResult> from(outRank, tb.getIndexAttr(0));
                    SmallVector<OpFoldResult> to(outRank, tb.getIndexAttr(0));
                    SmallVector<OpFoldResult> ones(outRank, tb.getIndexAttr(1));
                    from[selectedDim] = i;
                    to[selectedDim] = state[1];
                    Value slice = tensor::ExtractSliceOp::create(
                        tb, tl, input, from, sliceSizes, ones);
                    result = tensor::InsertSliceOp::create(
                        tb, tl, slice, state[0], to, sliceSizes, ones);
                  }
                  scf::YieldOp::create(
                      tb, tl, ValueRange{result, t.add(state[1], t.c(1))});
                },
                [&](OpBuilder &eb, Location el) {
                  scf::YieldOp::create(eb, el, state);
                });
            scf::YieldOp::create(fb, fl, ifOp.getResults());
          });
      return castTo(b, l, filling.getResult(0), resultType);
    };
    rewriter.replaceOp(op, buildIfValid(rewriter, loc, ok, resultType, build));
    return success();
  }
};

// dropout: nothing is dropped unless training with a non-zero ratio, which
// would need random numbers and fails the run instead.
struct DropoutPattern : OpConversionPattern<DropoutOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DropoutOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    IndexMath m{rewriter, loc};
    Value ratio = extractScalar(rewriter, loc, adaptor.getRatio());
    Value training = extractScalar(rewriter, loc, adaptor.getTrainingMode());
    Value ratioIsZero = arith::CmpFOp::create(
        rewriter, loc, arith::CmpFPredicate::OEQ, ratio,
        arith::ConstantOp::create(
            rewriter, loc, rewriter.getFloatAttr(ratio.getType(), 0.0)));
    emitRuntimeCheck(rewriter, loc, m.orOf(m.notOf(training), ratioIsZero),
                     op,
                     "training-mode dropout with a non-zero ratio is not "
                     "supported (kiln has no random number generator)");
    Value input = adaptor.getInput();
    auto maskType = cast<RankedTensorType>(op.getMask().getType());
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < maskType.getRank(); ++d)
      if (maskType.isDynamicDim(d))
        sizes.push_back(dimValue(rewriter, loc, input, d));
    Value mask = buildFilled(
        rewriter, loc, maskType, sizes,
        arith::ConstantIntOp::create(rewriter, loc, rewriter.getI1Type(), 1));
    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    rewriter.replaceOp(op, {castTo(rewriter, loc, input, resultType), mask});
    return success();
  }
};

} // namespace

void kiln::model_to_linalg::populateDynamicPatterns(RewritePatternSet &patterns,
                                                    const DimFacts *) {
  patterns.add<DynamicSlicePattern, DynamicUnsqueezePattern,
               DynamicSqueezePattern, NonZeroPattern, CompressPattern,
               DropoutPattern>(patterns.getContext());
}
