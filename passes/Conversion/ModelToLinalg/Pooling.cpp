//===- Pooling.cpp - Max, average pooling and LRN to linalg ---------------===//
//
// Pools read their input padded as the convolutions do (Vision.cpp): with
// -inf (the smallest integer) for max, zeros for sums. linalg's named
// pooling ops cover 1-D and 2-D windows, generics the rest and the argmax.
// Average pooling divides by the kernel size where every window is whole,
// else by each window's count of counted positions.
//
//===----------------------------------------------------------------------===//
#include "passes/Conversion/ModelToLinalg/Window.h"

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

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

/// A pooling generic over (n, c, o..., j...) reading
/// padded[n, c, o*s + j*d ...], with the window as a shape-only operand as
/// linalg's named pooling ops have it. `body` combines (element, window
/// element, accumulators...) into the new accumulators.
SmallVector<Value>
buildPoolGeneric(OpBuilder &b, Location loc, Value padded, ValueRange inits,
                 ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                 ArrayRef<int64_t> dilations,
                 function_ref<SmallVector<Value>(OpBuilder &, Location,
                                                 ValueRange)>
                     body) {
  MLIRContext *ctx = b.getContext();
  int64_t k = kernel.size(), numLoops = 2 + 2 * k;
  Type element = cast<RankedTensorType>(padded.getType()).getElementType();
  Value window = tensor::EmptyOp::create(b, loc, kernel, element);
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineExpr> inExprs = {d(0), d(1)}, wExprs,
                          outExprs = {d(0), d(1)};
  for (int64_t i = 0; i < k; ++i) {
    inExprs.push_back(d(2 + i) * strides[i] + d(2 + k + i) * dilations[i]);
    wExprs.push_back(d(2 + k + i));
    outExprs.push_back(d(2 + i));
  }
  AffineMap outMap = AffineMap::get(numLoops, 0, outExprs, ctx);
  SmallVector<AffineMap> maps = {AffineMap::get(numLoops, 0, inExprs, ctx),
                                 AffineMap::get(numLoops, 0, wExprs, ctx)};
  maps.append(inits.size(), outMap);
  SmallVector<utils::IteratorType> iterators(numLoops,
                                             utils::IteratorType::parallel);
  for (int64_t i = 2 + k; i < numLoops; ++i)
    iterators[i] = utils::IteratorType::reduction;
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange(inits), ValueRange{padded, window}, inits, maps,
      iterators, [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(nb, nloc, body(nb, nloc, args));
      });
  return generic.getResults();
}

Value maxOf(OpBuilder &b, Location loc, Value x, Value y) {
  return isa<FloatType>(x.getType())
             ? (Value)arith::MaximumFOp::create(b, loc, x, y)
             : arith::MaxSIOp::create(b, loc, x, y);
}

/// The spatial plans, padded input and output sizes of a pooling op.
struct PoolSetup {
  SmallVector<WindowDim> dims;
  SmallVector<SpatialPlan> plans;
  Value padded;
  SmallVector<OpFoldResult> outSizes;
};

template <typename OpTy>
PoolSetup setupPool(OpBuilder &b, Location loc, OpTy op, Value input,
                    Value padValue) {
  PoolSetup s;
  s.dims = windowDims(op.getKernelShape(), op.getStrides(), op.getDilations(),
                      op.getPads());
  s.plans = planWindows(b, loc, op, input, s.dims,
                        *parseWindowPadding(op.getAutoPad()), op.getCeilMode(),
                        cast<RankedTensorType>(op->getResult(0).getType()));
  s.padded = padSpatial(b, loc, input, s.plans, padValue);
  s.outSizes = windowOutputSizes(
      b, loc, input, tensor::getMixedSize(b, loc, input, 1), s.plans);
  return s;
}

struct MaxPoolPattern : OpConversionPattern<MaxPoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MaxPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    Type element = inputType.getElementType();
    Value lowest = lowestOf(rewriter, loc, element);
    PoolSetup s = setupPool(rewriter, loc, op, input, lowest);
    Value init = filledTensor(rewriter, loc, s.outSizes, element, lowest);
    ArrayRef<int64_t> kernel = op.getKernelShape(), strides = op.getStrides(),
                      dilations = op.getDilations();
    int64_t k = kernel.size();
    if (op.getWithIndices()) {
      rewriter.replaceOp(op, withIndices(rewriter, loc, op, input, s, init));
      return success();
    }
    Value result;
    Attribute st = rewriter.getI64TensorAttr(strides),
              di = rewriter.getI64TensorAttr(dilations);
    if (k <= 2) {
      Value window = tensor::EmptyOp::create(rewriter, loc, kernel, element);
      SmallVector<Value> ins = {s.padded, window};
      result = k == 1 ? linalg::PoolingNcwMaxOp::create(rewriter, loc,
                                                        init.getType(), ins,
                                                        init, st, di)
                            .getResult(0)
                      : linalg::PoolingNchwMaxOp::create(rewriter, loc,
                                                         init.getType(), ins,
                                                         init, st, di)
                            .getResult(0);
    } else {
      result = buildPoolGeneric(
          rewriter, loc, s.padded, init, kernel, strides, dilations,
          [](OpBuilder &nb, Location nloc, ValueRange args) {
            return SmallVector<Value>{maxOf(nb, nloc, args[2], args[0])};
          })[0];
    }
    rewriter.replaceOp(op, result);
    return success();
  }

  /// The maximum and its position: the flattened index of the window
  /// element into the unpadded input, taken where the element is strictly
  /// greater than the maximum so far (padding, the lowest value, never is).
  static SmallVector<Value> withIndices(OpBuilder &b, Location loc,
                                        MaxPoolOp op, Value input,
                                        const PoolSetup &s, Value init) {
    ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations();
    int64_t k = s.dims.size(), rank = k + 2;
    Value indexInit = filledTensor(b, loc, s.outSizes, b.getI64Type(),
                             constantOf(b, loc, b.getI64Type(), 0));
    // Dims of the input in the order the flattened index strides them:
    // n, c, then the spatial dims, reversed for column-major storage.
    SmallVector<int64_t> order = {0, 1};
    for (int64_t i = 0; i < k; ++i)
      order.push_back(op.getStorageOrder() ? rank - 1 - i : 2 + i);
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, input);
    return buildPoolGeneric(
        b, loc, s.padded, {init, indexInit}, op.getKernelShape(), strides,
        dilations, [&](OpBuilder &nb, Location nloc, ValueRange args) {
          IndexMath m{nb, nloc};
          SmallVector<OpFoldResult> position;
          for (int64_t i = 0; i < rank; ++i) {
            OpFoldResult index =
                linalg::IndexOp::create(nb, nloc, i).getResult();
            if (i >= 2) {
              Value j = linalg::IndexOp::create(nb, nloc, k + i);
              index = m.sub(m.add(m.mul(index, strides[i - 2]),
                                  m.mul(j, dilations[i - 2])),
                            s.plans[i - 2].padBegin);
            }
            position.push_back(index);
          }
          OpFoldResult flat = m.c(0);
          for (int64_t i : order)
            flat = m.add(m.mul(flat, sizes[i]), position[i]);
          Value flatI64 = arith::IndexCastOp::create(nb, nloc, nb.getI64Type(),
                                                     m.value(flat));
          Value x = args[0], best = args[2];
          Value greater =
              isa<FloatType>(x.getType())
                  ? (Value)arith::CmpFOp::create(
                        nb, nloc, arith::CmpFPredicate::OGT, x, best)
                  : arith::CmpIOp::create(nb, nloc, arith::CmpIPredicate::sgt,
                                          x, best);
          return SmallVector<Value>{
              arith::SelectOp::create(nb, nloc, greater, x, best),
              arith::SelectOp::create(nb, nloc, greater, flatI64, args[3])};
        });
  }
};

struct AveragePoolPattern : OpConversionPattern<AveragePoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AveragePoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto resultType = cast<RankedTensorType>(op.getType());
    Type element = resultType.getElementType();
    Type acc = accumulatorType(element);
    PoolSetup s = setupPool(rewriter, loc, op, input,
                            constantOf(rewriter, loc, element, 0));
    Value init = filledTensor(rewriter, loc, s.outSizes, acc,
                              constantOf(rewriter, loc, acc, 0));
    ArrayRef<int64_t> kernel = op.getKernelShape(), strides = op.getStrides(),
                      dilations = op.getDilations();
    int64_t k = kernel.size();
    Value sum;
    if (k <= 2) {
      Attribute st = rewriter.getI64TensorAttr(strides),
                di = rewriter.getI64TensorAttr(dilations);
      Value window = tensor::EmptyOp::create(rewriter, loc, kernel, element);
      SmallVector<Value> ins = {s.padded, window};
      sum = k == 1 ? linalg::PoolingNcwSumOp::create(rewriter, loc,
                                                     init.getType(), ins, init,
                                                     st, di)
                         .getResult(0)
                   : linalg::PoolingNchwSumOp::create(rewriter, loc,
                                                      init.getType(), ins,
                                                      init, st, di)
                         .getResult(0);
    } else {
      sum = buildPoolGeneric(
          rewriter, loc, s.padded, init, kernel, strides, dilations,
          [&](OpBuilder &nb, Location nloc, ValueRange args) {
            Value x = convertScalar(nb, nloc, args[0], acc);
            return SmallVector<Value>{
                arith::AddFOp::create(nb, nloc, args[2], x).getResult()};
          })[0];
    }
    rewriter.replaceOp(op, divideByCount(rewriter, loc, op, sum, s, element));
    return success();
  }

  /// Whether every window has all its positions counted, so that the count
  /// is the kernel size: no counted-out pads and no ceil_mode overhang.
  static bool uniformCount(AveragePoolOp op, const PoolSetup &s) {
    for (const SpatialPlan &p : s.plans) {
      std::optional<int64_t> begin = getConstantIntValue(p.padBegin),
                             end = getConstantIntValue(p.padEnd),
                             high = getConstantIntValue(p.high);
      if (!begin || !end || !high)
        return false;
      if (op.getCountIncludePad() ? *high > *end : (*begin || *high))
        return false;
    }
    return true;
  }

  // y = sum / count, where count is the number of window positions
  // start + j*d (start = o*s - pad_begin, 0 <= j < K) in [lo, hi): the input
  // [0, in), or with count_include_pad the padded input [-pad_begin,
  // in + pad_end). Per dim: j from max(0, ceil((lo - start) / d)) to
  // min(K - 1, floor((hi - 1 - start) / d)).
  static Value divideByCount(OpBuilder &b, Location loc, AveragePoolOp op,
                             Value sum, const PoolSetup &s, Type element) {
    auto sumType = cast<RankedTensorType>(sum.getType());
    Type acc = sumType.getElementType();
    int64_t kernelSize = 1;
    for (int64_t kernel : op.getKernelShape())
      kernelSize *= kernel;
    bool uniform = uniformCount(op, s);
    Value countAll = constantOf(b, loc, acc, double(kernelSize));
    return buildElementwise(
        b, loc, sumType.clone(element), sum,
        [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
          Value divisor = countAll;
          if (!uniform) {
            IndexMath m{nb, nloc};
            OpFoldResult count = m.c(1);
            for (auto [i, dim] : llvm::enumerate(s.dims)) {
              const SpatialPlan &p = s.plans[i];
              OpFoldResult o =
                  linalg::IndexOp::create(nb, nloc, i + 2).getResult();
              OpFoldResult start = m.sub(m.mul(o, dim.stride), p.padBegin);
              OpFoldResult lo = op.getCountIncludePad()
                                    ? m.sub(m.c(0), p.padBegin)
                                    : m.c(0);
              OpFoldResult hi =
                  op.getCountIncludePad() ? m.add(p.in, p.padEnd) : p.in;
              OpFoldResult first =
                  m.max(m.ceilDiv(m.sub(lo, start), dim.dilation), 0);
              OpFoldResult last =
                  m.min(m.floorDiv(m.add(m.sub(hi, start), -1), dim.dilation),
                        m.c(dim.kernel - 1));
              count = m.mul(count, m.max(m.add(m.sub(last, first), 1), 0));
            }
            Value countI64 = arith::IndexCastOp::create(
                nb, nloc, nb.getI64Type(), m.value(count));
            divisor = arith::SIToFPOp::create(nb, nloc, acc, countI64);
          }
          Value mean = arith::DivFOp::create(nb, nloc, args[0], divisor);
          return convertScalar(nb, nloc, mean, element);
        });
  }
};

//===----------------------------------------------------------------------===//
// LRN
//===----------------------------------------------------------------------===//

// lrn: the squares, zero-padded along the channels by floor((size - 1) / 2)
// before and ceil((size - 1) / 2) after, summed over a window of `size`
// channels, then y = x / (bias + alpha / size * sum)^beta, in f32 for 16-bit
// floats.
struct LRNPattern : OpConversionPattern<LRNOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LRNOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value input = adaptor.getInput();
    auto type = cast<RankedTensorType>(input.getType());
    Type element = type.getElementType();
    Type acc = accumulatorType(element);
    int64_t rank = type.getRank(), size = op.getSize();
    Value squares = buildElementwise(
        rewriter, loc, type.clone(acc), input,
        [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
          Value x = convertScalar(nb, nloc, args[0], acc);
          return arith::MulFOp::create(nb, nloc, x, x);
        });
    SmallVector<OpFoldResult> low(rank, rewriter.getIndexAttr(0)), high(low);
    low[1] = rewriter.getIndexAttr((size - 1) / 2);
    high[1] = rewriter.getIndexAttr(size / 2);
    Value zero = constantOf(rewriter, loc, acc, 0);
    Value padded = tensor::PadOp::create(rewriter, loc, Type(), squares, low,
                                         high, zero)
                       .getResult();
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, loc, input);
    Value init = filledTensor(rewriter, loc, sizes, acc, zero);
    Value window =
        tensor::EmptyOp::create(rewriter, loc, SmallVector<int64_t>{size}, acc);
    // Loops: the dims of x, then the window.
    SmallVector<AffineExpr> inExprs, outExprs;
    for (int64_t i = 0; i < rank; ++i) {
      AffineExpr d = getAffineDimExpr(i, ctx);
      inExprs.push_back(i == 1 ? d + getAffineDimExpr(rank, ctx) : d);
      outExprs.push_back(d);
    }
    SmallVector<AffineMap> maps = {
        AffineMap::get(rank + 1, 0, inExprs, ctx),
        AffineMap::get(rank + 1, 0, {getAffineDimExpr(rank, ctx)}, ctx),
        AffineMap::get(rank + 1, 0, outExprs, ctx)};
    SmallVector<utils::IteratorType> iterators(rank + 1,
                                               utils::IteratorType::parallel);
    iterators[rank] = utils::IteratorType::reduction;
    Value sums =
        linalg::GenericOp::create(
            rewriter, loc, init.getType(), ValueRange{padded, window}, init,
            maps, iterators,
            [&](OpBuilder &nb, Location nloc, ValueRange args) {
              linalg::YieldOp::create(
                  nb, nloc,
                  arith::AddFOp::create(nb, nloc, args[2], args[0])
                      .getResult());
            })
            .getResult(0);
    double alpha = op.getAlpha().convertToDouble() / double(size);
    Value alphaValue = constantOf(rewriter, loc, acc, alpha);
    Value betaValue =
        constantOf(rewriter, loc, acc, op.getBeta().convertToDouble());
    Value biasValue =
        constantOf(rewriter, loc, acc, op.getBias().convertToDouble());
    Value result = buildElementwise(
        rewriter, loc, type, {input, sums},
        [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
          Value x = convertScalar(nb, nloc, args[0], acc);
          Value scaled = arith::MulFOp::create(nb, nloc, alphaValue, args[1]);
          Value base = arith::AddFOp::create(nb, nloc, biasValue, scaled);
          Value denominator = math::PowFOp::create(nb, nloc, base, betaValue);
          Value y = arith::DivFOp::create(nb, nloc, x, denominator);
          return convertScalar(nb, nloc, y, element);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void kiln::model_to_linalg::populatePoolingPatterns(
    RewritePatternSet &patterns) {
  patterns.add<MaxPoolPattern, AveragePoolPattern, LRNPattern>(
      patterns.getContext());
}
