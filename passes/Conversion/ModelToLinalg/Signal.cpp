//===- Signal.cpp - DFT, STFT, mel filters and det to linalg ---------------===//
//
// A DFT of N points is a contraction with an N x N matrix of twiddle
// factors: O(N^2), but exact to rounding and one linalg.generic that the
// CPU pipeline tiles like any contraction. The factors are computed in the
// lowering's own generic from (k * n) mod N in index arithmetic, so the
// angle 2 pi ((k n) mod N) / N stays in [0, 2 pi) and cos/sin are taken in
// f64 for every N, then rounded to the accumulator (f64 for f64 data, f32
// otherwise). Complex values are [re, im] in a trailing dim of 2 (1 for
// real data), so the contraction runs over (n, ci) with factors
// W[k, n, ci, co]:
//
//   forward:  re += xr cos + xi sin,  im += xi cos - xr sin
//   inverse:  (re += xr cos - xi sin,  im += xi cos + xr sin) / N
//
// STFT gathers its frames (times the window) into [B, F, FL, C] and runs the
// same contraction along the frame axis; its run-time sizes are checked and
// the result is zeros after a failed check, so no frame is read past the
// signal. The mel matrix is computed per element from its closed form; det
// is an LU decomposition with partial pivoting in scf loops per matrix.
//
//===----------------------------------------------------------------------===//
#include "passes/Conversion/ModelToLinalg/Window.h"

#include "dialects/Model/IR/ModelOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>

using namespace mlir;
using namespace kiln::model;
using namespace kiln::model_to_linalg;

namespace {

/// The element type a signal op computes in: f64 for f64, else f32.
Type computeType(Type element) {
  if (element.isF64())
    return element;
  return Float32Type::get(element.getContext());
}

int64_t staticOr(OpFoldResult size) {
  std::optional<int64_t> c = getConstantIntValue(size);
  return c ? *c : ShapedType::kDynamic;
}

/// An index value as f64.
Value indexToF64(OpBuilder &b, Location loc, Value i) {
  Value i64 = arith::IndexCastOp::create(b, loc, b.getI64Type(), i);
  return arith::SIToFPOp::create(b, loc, b.getF64Type(), i64);
}

/// The twiddle factors W[k, n, ci, co] (K x M x C x 2, in `acc`): the
/// weight of component ci of sample n in component co of bin k, for an
/// N-point transform.
Value buildTwiddles(OpBuilder &b, Location loc, OpFoldResult bins,
                    OpFoldResult samples, int64_t components, Value points,
                    bool inverse, Type acc) {
  IndexMath m{b, loc};
  auto type = RankedTensorType::get(
      {staticOr(bins), staticOr(samples), components, 2}, acc);
  SmallVector<Value> sizes = {m.value(bins), m.value(samples),
                              m.value(m.c(components)), m.value(m.c(2))};
  Value pointsF = indexToF64(b, loc, points);
  return buildIndexed(
      b, loc, type, sizes,
      [&](OpBuilder &nb, Location nl, ArrayRef<Value> ivs) -> Value {
        // (k * n) mod N: k, n < 2^31 (the verifiers' bound on sizes that are
        // constants; run-time ones are as large as memory allows).
        Value product = arith::MulIOp::create(nb, nl, ivs[0], ivs[1]);
        Value phase = arith::RemUIOp::create(nb, nl, product, points);
        Value angle = arith::DivFOp::create(
            nb, nl,
            arith::MulFOp::create(
                nb, nl, indexToF64(nb, nl, phase),
                arith::ConstantOp::create(nb, nl, nb.getF64FloatAttr(2 * M_PI))),
            pointsF);
        Value cos = math::CosOp::create(nb, nl, angle);
        Value sin = math::SinOp::create(nb, nl, angle);
        Value zero = arith::ConstantIndexOp::create(nb, nl, 0);
        Value same = arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::eq,
                                           ivs[2], ivs[3]);
        // Off the diagonal: +sin into re and -sin into im (forward), the
        // opposite for the inverse.
        Value intoRe = arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::eq,
                                             ivs[3], zero);
        Value negSin = arith::NegFOp::create(nb, nl, sin);
        Value cross = inverse
                          ? arith::SelectOp::create(nb, nl, intoRe, negSin, sin)
                          : arith::SelectOp::create(nb, nl, intoRe, sin, negSin);
        Value w = arith::SelectOp::create(nb, nl, same, cos, cross);
        if (inverse)
          w = arith::DivFOp::create(nb, nl, w, pointsF);
        return convertScalar(nb, nl, w, acc);
      });
}

/// y[..., k, ..., co] = sum_{n, ci} x[..., n, ..., ci] * W[k, n, ci, co],
/// with n at `axis` of `x` and k at `axis` of the result (in `acc`), whose
/// sizes are `x`'s with `bins` at `axis` and 2 last.
Value contractTwiddles(OpBuilder &b, Location loc, Value x, Value twiddles,
                       int64_t axis, OpFoldResult bins, Type acc) {
  auto xType = cast<RankedTensorType>(x.getType());
  int64_t rank = xType.getRank();
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, x);
  sizes[axis] = bins;
  sizes[rank - 1] = b.getIndexAttr(2);
  Value init = filledTensor(b, loc, sizes, acc, constantOf(b, loc, acc, 0));
  MLIRContext *ctx = b.getContext();
  // Loops: the result dims d0..d(rank-1), then n = d(rank), ci = d(rank+1).
  AffineExpr n = getAffineDimExpr(rank, ctx), ci = getAffineDimExpr(rank + 1, ctx);
  SmallVector<AffineExpr> xExprs, outExprs;
  for (int64_t i = 0; i < rank; ++i) {
    outExprs.push_back(getAffineDimExpr(i, ctx));
    xExprs.push_back(i == axis ? n : i == rank - 1 ? ci : getAffineDimExpr(i, ctx));
  }
  SmallVector<AffineExpr> wExprs = {getAffineDimExpr(axis, ctx), n, ci,
                                    getAffineDimExpr(rank - 1, ctx)};
  SmallVector<AffineMap> maps = {AffineMap::get(rank + 2, 0, xExprs, ctx),
                                 AffineMap::get(rank + 2, 0, wExprs, ctx),
                                 AffineMap::get(rank + 2, 0, outExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  iterators.append(2, utils::IteratorType::reduction);
  return linalg::GenericOp::create(
             b, loc, init.getType(), ValueRange{x, twiddles}, init, maps,
             iterators,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               Value product = arith::MulFOp::create(
                   nb, nl, convertScalar(nb, nl, args[0], acc), args[1]);
               Value sum = arith::AddFOp::create(nb, nl, args[2], product);
               linalg::YieldOp::create(nb, nl, sum);
             })
      .getResult(0);
}

/// floor(points / 2) + 1 with `onesided`, else `points`.
OpFoldResult binsOf(IndexMath &m, OpFoldResult points, bool onesided) {
  return onesided ? m.add(m.floorDiv(points, 2), 1) : points;
}

struct DFTPattern : OpConversionPattern<DFTOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DFTOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    IndexMath m{rewriter, loc};
    Value x = adaptor.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    int64_t axis = op.getAxis(), rank = type.getRank();
    OpFoldResult length = tensor::getMixedSize(rewriter, loc, x, axis);
    OpFoldResult points =
        op.getLength() ? rewriter.getIndexAttr(*op.getLength()) : length;
    // Samples past the end are zeros: they add nothing, so the contraction
    // runs over the first min(N, L) only.
    OpFoldResult samples = m.min(points, length);
    if (op.getLength() && (type.isDynamicDim(axis) ||
                           type.getDimSize(axis) > int64_t(*op.getLength()))) {
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(rewriter, loc, x);
      SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
      sizes[axis] = samples;
      x = tensor::ExtractSliceOp::create(rewriter, loc, x, offsets, sizes,
                                         strides);
    }
    Type acc = computeType(type.getElementType());
    OpFoldResult bins = binsOf(m, points, op.getOnesided());
    Value twiddles =
        buildTwiddles(rewriter, loc, bins, samples, type.getDimSize(rank - 1),
                      m.value(points), op.getInverse(), acc);
    Value y = contractTwiddles(rewriter, loc, x, twiddles, axis, bins, acc);
    y = castElements(rewriter, loc, y, op.getType().getElementType());
    if (y.getType() != op.getType())
      y = tensor::CastOp::create(rewriter, loc, op.getType(), y);
    rewriter.replaceOp(op, y);
    return success();
  }
};

/// The value of a lowered rank-0 integer tensor as an index.
Value scalarIndex(OpBuilder &b, Location loc, Value tensor) {
  return arith::IndexCastOp::create(b, loc, b.getIndexType(),
                                    extractScalar(b, loc, tensor));
}

struct STFTPattern : OpConversionPattern<STFTOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(STFTOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    IndexMath m{rewriter, loc};
    Value signal = adaptor.getSignal(), window = adaptor.getWindow();
    auto signalType = cast<RankedTensorType>(signal.getType());
    RankedTensorType resultType = op.getType();
    auto cmp = [&](arith::CmpIPredicate p, OpFoldResult x, OpFoldResult y) {
      return arith::CmpIOp::create(rewriter, loc, p, m.value(x), m.value(y))
          .getResult();
    };
    using P = arith::CmpIPredicate;
    OpFoldResult step = scalarIndex(rewriter, loc, adaptor.getFrameStep());
    OpFoldResult windowLength =
        window ? tensor::getMixedSize(rewriter, loc, window, 0)
               : OpFoldResult();
    OpFoldResult frameLength =
        adaptor.getFrameLength()
            ? OpFoldResult(scalarIndex(rewriter, loc, adaptor.getFrameLength()))
            : windowLength;
    OpFoldResult signalLength = tensor::getMixedSize(rewriter, loc, signal, 1);
    RuntimeChecks checks;
    checks.require(rewriter, loc, cmp(P::sge, step, m.c(1)));
    checks.require(rewriter, loc, cmp(P::sge, frameLength, m.c(1)));
    checks.require(rewriter, loc, cmp(P::sle, frameLength, signalLength));
    if (window && adaptor.getFrameLength())
      checks.require(rewriter, loc, cmp(P::eq, windowLength, frameLength));
    // Sizes stay defined after a failed check (no division by 0, F >= 0).
    OpFoldResult safeStep = m.max(step, 1);
    OpFoldResult span = m.sub(signalLength, frameLength);
    std::optional<int64_t> spanConst = getConstantIntValue(span),
                           stepConst = getConstantIntValue(safeStep);
    OpFoldResult frames =
        spanConst && stepConst
            ? m.c(std::max<int64_t>(
                  llvm::divideFloorSigned(*spanConst, *stepConst) + 1, 0))
            : m.max(m.add(arith::FloorDivSIOp::create(rewriter, loc,
                                                      m.value(span),
                                                      m.value(safeStep))
                              .getResult(),
                          1),
                    0);
    OpFoldResult bins = binsOf(m, frameLength, op.getOnesided());
    // Where inference proved a size from constants, it is that constant.
    if (!resultType.isDynamicDim(1))
      frames = m.c(resultType.getDimSize(1));
    if (!resultType.isDynamicDim(2))
      bins = m.c(resultType.getDimSize(2));
    Value ok = checks.emit(rewriter, loc, op,
                           "frame_step and the frame length must be positive, "
                           "the frame no longer than the signal and the "
                           "window as long as the frame");
    Type acc = computeType(signalType.getElementType());
    int64_t components = signalType.getDimSize(2);
    Value result = buildIfValid(
        rewriter, loc, ok, resultType, [&](OpBuilder &b, Location l) {
          IndexMath bm{b, l};
          auto framesType = RankedTensorType::get(
              {signalType.getDimSize(0), staticOr(frames),
               staticOr(frameLength), components},
              acc);
          SmallVector<Value> sizes = {dimValue(b, l, signal, 0),
                                      bm.value(frames), bm.value(frameLength),
                                      bm.value(bm.c(components))};
          Value stepValue = bm.value(step);
          Value framed = buildIndexed(
              b, l, framesType, sizes,
              [&](OpBuilder &nb, Location nl, ArrayRef<Value> ivs) -> Value {
                Value at = arith::AddIOp::create(
                    nb, nl, arith::MulIOp::create(nb, nl, ivs[1], stepValue),
                    ivs[2]);
                Value v = convertScalar(
                    nb, nl,
                    tensor::ExtractOp::create(nb, nl, signal,
                                              ValueRange{ivs[0], at, ivs[3]}),
                    acc);
                if (!window)
                  return v;
                Value w = convertScalar(
                    nb, nl, tensor::ExtractOp::create(nb, nl, window, ivs[2]),
                    acc);
                return arith::MulFOp::create(nb, nl, v, w);
              });
          Value twiddles = buildTwiddles(b, l, bins, frameLength, components,
                                         bm.value(frameLength), false, acc);
          Value y = contractTwiddles(b, l, framed, twiddles, 2, bins, acc);
          return castElements(b, l, y, resultType.getElementType());
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// An integer scalar of a lowered rank-0 tensor as i64.
Value scalarI64(OpBuilder &b, Location loc, Value tensor) {
  Value v = extractScalar(b, loc, tensor);
  if (!v.getType().isInteger(64))
    v = arith::ExtSIOp::create(b, loc, b.getI64Type(), v);
  return v;
}

struct MelWeightMatrixPattern : OpConversionPattern<MelWeightMatrixOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MelWeightMatrixOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    RankedTensorType resultType = op.getType();
    Type f64 = b.getF64Type(), i64 = b.getI64Type();
    auto cf = [&](double v) {
      return arith::ConstantOp::create(b, loc, b.getF64FloatAttr(v))
          .getResult();
    };
    auto ci = [&](int64_t v) {
      return arith::ConstantIntOp::create(b, loc, i64, v).getResult();
    };
    Value mels = scalarI64(b, loc, adaptor.getNumMelBins());
    Value dft = scalarI64(b, loc, adaptor.getDftLength());
    Value rate = scalarI64(b, loc, adaptor.getSampleRate());
    using P = arith::CmpIPredicate;
    Value ok = andOf(
        b, loc,
        andOf(b, loc, arith::CmpIOp::create(b, loc, P::sge, mels, ci(0)),
              arith::CmpIOp::create(b, loc, P::sge, dft, ci(0))),
        arith::CmpIOp::create(b, loc, P::sge, rate, ci(1)));
    emitRuntimeCheck(b, loc, ok, op,
                     "num_mel_bins and dft_length must be non-negative and "
                     "sample_rate positive");
    mels = arith::MaxSIOp::create(b, loc, mels, ci(0));
    dft = arith::MaxSIOp::create(b, loc, dft, ci(0));
    rate = arith::MaxSIOp::create(b, loc, rate, ci(1));
    auto toIndex = [&](Value v) {
      return arith::IndexCastOp::create(b, loc, b.getIndexType(), v)
          .getResult();
    };
    Value rows = toIndex(arith::AddIOp::create(
        b, loc, arith::DivSIOp::create(b, loc, dft, ci(2)), ci(1)));
    Value cols = toIndex(mels);
    SmallVector<Value> sizes = {rows, cols};
    for (int64_t i = 0; i < 2; ++i)
      if (!resultType.isDynamicDim(i))
        sizes[i] = arith::ConstantIndexOp::create(b, loc,
                                                  resultType.getDimSize(i));
    auto toF64 = [&](OpBuilder &nb, Location nl, Value v) {
      return arith::SIToFPOp::create(nb, nl, f64, v).getResult();
    };
    auto mel = [&](Value hz) {
      Value ratio = arith::AddFOp::create(
          b, loc, cf(1), arith::DivFOp::create(b, loc, hz, cf(700)));
      return arith::MulFOp::create(b, loc, cf(2595),
                                   math::Log10Op::create(b, loc, ratio))
          .getResult();
    };
    Value low = mel(convertScalar(
        b, loc, extractScalar(b, loc, adaptor.getLowerEdgeHertz()), f64));
    Value high = mel(convertScalar(
        b, loc, extractScalar(b, loc, adaptor.getUpperEdgeHertz()), f64));
    Value step = arith::DivFOp::create(
        b, loc, arith::SubFOp::create(b, loc, high, low),
        toF64(b, loc, arith::AddIOp::create(b, loc, mels, ci(2))));
    Value scale = arith::DivFOp::create(
        b, loc, toF64(b, loc, arith::AddIOp::create(b, loc, dft, ci(1))),
        toF64(b, loc, rate));
    Type element = resultType.getElementType();
    Value result = buildIndexed(
        b, loc, resultType, sizes,
        [&](OpBuilder &nb, Location nl, ArrayRef<Value> ivs) -> Value {
          auto c = [&](double v) {
            return arith::ConstantOp::create(nb, nl, nb.getF64FloatAttr(v))
                .getResult();
          };
          Value mel = arith::IndexCastOp::create(nb, nl, i64, ivs[1]);
          // bin(m) = floor((D + 1) / R * 700 (10^(mel_m / 2595) - 1)),
          // clamped so that the conversion to an integer is defined.
          auto edge = [&](int64_t offset) -> Value {
            Value m = arith::AddIOp::create(
                nb, nl, mel, arith::ConstantIntOp::create(nb, nl, i64, offset));
            Value melValue = arith::AddFOp::create(
                nb, nl, low, arith::MulFOp::create(nb, nl, toF64(nb, nl, m), step));
            Value power = math::PowFOp::create(
                nb, nl, c(10), arith::DivFOp::create(nb, nl, melValue, c(2595)));
            Value hz = arith::MulFOp::create(
                nb, nl, c(700), arith::SubFOp::create(nb, nl, power, c(1)));
            Value bin = math::FloorOp::create(
                nb, nl, arith::MulFOp::create(nb, nl, scale, hz));
            bin = arith::MinNumFOp::create(
                nb, nl, arith::MaxNumFOp::create(nb, nl, bin, c(-0x1p62)),
                c(0x1p62));
            return arith::FPToSIOp::create(nb, nl, i64, bin);
          };
          Value l = edge(0), center = edge(1), h = edge(2);
          Value j = arith::IndexCastOp::create(nb, nl, i64, ivs[0]);
          auto cmp = [&](P p, Value x, Value y) {
            return arith::CmpIOp::create(nb, nl, p, x, y).getResult();
          };
          auto all = [&](std::initializer_list<Value> conds) {
            Value r;
            for (Value v : conds)
              r = r ? andOf(nb, nl, r, v) : v;
            return r;
          };
          auto ratio = [&](Value num, Value den) {
            return arith::DivFOp::create(nb, nl, toF64(nb, nl, num),
                                         toF64(nb, nl, den))
                .getResult();
          };
          auto sub = [&](Value x, Value y) {
            return arith::SubIOp::create(nb, nl, x, y).getResult();
          };
          Value rising = all({cmp(P::sgt, center, l), cmp(P::sle, l, j),
                              cmp(P::sle, j, center)});
          Value peak = all({cmp(P::eq, center, l), cmp(P::eq, j, center)});
          Value falling = all({cmp(P::sgt, h, center), cmp(P::sle, center, j),
                               cmp(P::slt, j, h)});
          // The reference writes the rising edge, then the falling one over
          // it; both are 1 where they meet.
          Value v = arith::SelectOp::create(nb, nl, rising,
                                            ratio(sub(j, l), sub(center, l)),
                                            c(0));
          v = arith::SelectOp::create(nb, nl, peak, c(1), v);
          v = arith::SelectOp::create(nb, nl, falling,
                                      ratio(sub(h, j), sub(h, center)), v);
          return convertScalar(nb, nl, v, element);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// det of each [M, M] matrix of `input` [B, M, M] (element `acc`) into a
/// [B] tensor of `element` (the leading min(M, N) x min(M, N) ones of
/// [B, M, N]): LU with partial pivoting, row by row.
Value buildDeterminants(OpBuilder &b, Location loc, Value input, Type acc,
                        Type element) {
  auto type = cast<RankedTensorType>(input.getType());
  Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
  Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
  OpFoldResult batchSize = tensor::getMixedSize(b, loc, input, 0);
  Value batch = getValueOrCreateConstantIndexOp(b, loc, batchSize);
  Value init = tensor::EmptyOp::create(
      b, loc, ArrayRef<OpFoldResult>{batchSize}, element);
  int64_t rows = type.getDimSize(1), cols = type.getDimSize(2);
  int64_t square = rows == cols ? rows : ShapedType::kDynamic;
  OpFoldResult sizeOfr =
      ShapedType::isDynamic(square)
          ? OpFoldResult(arith::MinSIOp::create(b, loc,
                                                dimValue(b, loc, input, 1),
                                                dimValue(b, loc, input, 2))
                             .getResult())
          : OpFoldResult(b.getIndexAttr(square));
  Value size = getValueOrCreateConstantIndexOp(b, loc, sizeOfr);
  auto matrixType =
      RankedTensorType::get({square, square}, type.getElementType());
  auto loop = scf::ForOp::create(
      b, loc, c0, batch, c1, ValueRange{init},
      [&](OpBuilder &lb, Location l, Value n, ValueRange outs) {
        SmallVector<OpFoldResult> offsets = {n, lb.getIndexAttr(0),
                                             lb.getIndexAttr(0)};
        SmallVector<OpFoldResult> sizes = {lb.getIndexAttr(1), sizeOfr,
                                           sizeOfr};
        SmallVector<OpFoldResult> strides(3, lb.getIndexAttr(1));
        Value matrix = tensor::ExtractSliceOp::create(
            lb, l, matrixType, input, offsets, sizes, strides);
        // A fresh copy in the accumulator type, updated in place.
        Value work = buildElementwise(
            lb, l, cast<RankedTensorType>(matrix.getType()).clone(acc), matrix,
            [&](OpBuilder &nb, Location nl, ValueRange args) {
              return convertScalar(nb, nl, args[0], acc);
            });
        Value one = constantOf(lb, l, acc, 1);
        auto columns = scf::ForOp::create(
            lb, l, c0, size, c1, ValueRange{work, one},
            [&](OpBuilder &kb, Location kl, Value k, ValueRange state) {
              Value a = state[0], det = state[1];
              auto at = [&](OpBuilder &eb, Location el, Value t, Value i,
                            Value j) {
                return tensor::ExtractOp::create(eb, el, t, ValueRange{i, j})
                    .getResult();
              };
              // The row with the largest |a[i, k]|, i >= k (first on ties).
              Value kNext = arith::AddIOp::create(kb, kl, k, c1);
              Value start = math::AbsFOp::create(kb, kl, at(kb, kl, a, k, k));
              auto search = scf::ForOp::create(
                  kb, kl, kNext, size, c1, ValueRange{start, k},
                  [&](OpBuilder &sb, Location sl, Value i, ValueRange best) {
                    Value v = math::AbsFOp::create(sb, sl, at(sb, sl, a, i, k));
                    Value better = arith::CmpFOp::create(
                        sb, sl, arith::CmpFPredicate::OGT, v, best[0]);
                    scf::YieldOp::create(
                        sb, sl,
                        ValueRange{
                            arith::SelectOp::create(sb, sl, better, v, best[0]),
                            arith::SelectOp::create(sb, sl, better, i,
                                                    best[1])});
                  });
              Value p = search.getResult(1);
              auto swap = scf::ForOp::create(
                  kb, kl, c0, size, c1, ValueRange{a},
                  [&](OpBuilder &wb, Location wl, Value j, ValueRange t) {
                    Value rowK = at(wb, wl, t[0], k, j);
                    Value rowP = at(wb, wl, t[0], p, j);
                    Value r = tensor::InsertOp::create(wb, wl, rowP, t[0],
                                                       ValueRange{k, j});
                    r = tensor::InsertOp::create(wb, wl, rowK, r,
                                                 ValueRange{p, j});
                    scf::YieldOp::create(wb, wl, r);
                  });
              a = swap.getResult(0);
              Value swapped = arith::CmpIOp::create(
                  kb, kl, arith::CmpIPredicate::ne, p, k);
              Value pivot = at(kb, kl, a, k, k);
              Value signedPivot = arith::SelectOp::create(
                  kb, kl, swapped, arith::NegFOp::create(kb, kl, pivot), pivot);
              det = arith::MulFOp::create(kb, kl, det, signedPivot);
              // A zero pivot makes det 0; eliminating with it would turn the
              // rest into NaN.
              Value zero = constantOf(kb, kl, acc, 0);
              Value nonZero = arith::CmpFOp::create(
                  kb, kl, arith::CmpFPredicate::UNE, pivot, zero);
              auto eliminate = scf::IfOp::create(
                  kb, kl, nonZero,
                  [&](OpBuilder &ib, Location il) {
                    auto rows = scf::ForOp::create(
                        ib, il, kNext, size, c1, ValueRange{a},
                        [&](OpBuilder &rb, Location rl, Value i,
                            ValueRange t) {
                          Value factor = arith::DivFOp::create(
                              rb, rl, at(rb, rl, t[0], i, k), pivot);
                          auto cols = scf::ForOp::create(
                              rb, rl, kNext, size, c1, ValueRange{t[0]},
                              [&](OpBuilder &cb, Location cl, Value j,
                                  ValueRange u) {
                                Value v = arith::SubFOp::create(
                                    cb, cl, at(cb, cl, u[0], i, j),
                                    arith::MulFOp::create(
                                        cb, cl, factor,
                                        at(cb, cl, u[0], k, j)));
                                scf::YieldOp::create(
                                    cb, cl,
                                    tensor::InsertOp::create(cb, cl, v, u[0],
                                                             ValueRange{i, j})
                                        .getResult());
                              });
                          scf::YieldOp::create(rb, rl, cols.getResult(0));
                        });
                    scf::YieldOp::create(ib, il, rows.getResult(0));
                  },
                  [&](OpBuilder &ib, Location il) {
                    scf::YieldOp::create(ib, il, a);
                  });
              scf::YieldOp::create(kb, kl,
                                   ValueRange{eliminate.getResult(0), det});
            });
        Value det = convertScalar(lb, l, columns.getResult(1), element);
        scf::YieldOp::create(
            lb, l,
            tensor::InsertOp::create(lb, l, det, outs[0], ValueRange{n})
                .getResult());
      });
  return loop.getResult(0);
}

struct DetPattern : OpConversionPattern<DetOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DetOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    int64_t rank = type.getRank(), batchRank = rank - 2;
    RankedTensorType resultType = op.getType();
    Type element = type.getElementType();
    // The batch dims as one: [B, M, M].
    Value batched = x;
    if (batchRank == 0) {
      auto expanded = RankedTensorType::get(
          {1, type.getDimSize(0), type.getDimSize(1)}, element);
      batched = buildExpandShape(rewriter, loc, expanded, x, {{0, 1}, {2}},
                                 {rewriter.getIndexAttr(1),
                                  tensor::getMixedSize(rewriter, loc, x, 0),
                                  tensor::getMixedSize(rewriter, loc, x, 1)});
    } else if (batchRank > 1) {
      SmallVector<ReassociationIndices> groups = {
          llvm::to_vector(llvm::seq<int64_t>(0, batchRank)), {batchRank},
          {batchRank + 1}};
      batched = tensor::CollapseShapeOp::create(rewriter, loc, x, groups);
    }
    // Rows and columns that differ fail the run; the matrices read meanwhile
    // are the leading square ones, inside the input.
    RuntimeChecks checks;
    checks.requireEqualDims(rewriter, loc, x, rank - 2, x, rank - 1);
    checks.emit(rewriter, loc, op, "the matrices are not square");
    Value dets = buildDeterminants(rewriter, loc, batched,
                                   computeType(element), element);
    Value result = dets;
    if (batchRank == 0) {
      result = tensor::CollapseShapeOp::create(
          rewriter, loc, RankedTensorType::get({}, element), dets,
          ArrayRef<ReassociationIndices>{});
    } else if (batchRank > 1) {
      SmallVector<OpFoldResult> sizes;
      for (int64_t i = 0; i < batchRank; ++i)
        sizes.push_back(tensor::getMixedSize(rewriter, loc, x, i));
      auto expandedType =
          RankedTensorType::get(type.getShape().drop_back(2), element);
      result = buildExpandShape(
          rewriter, loc, expandedType, dets,
          {llvm::to_vector(llvm::seq<int64_t>(0, batchRank))}, sizes);
    }
    if (result.getType() != resultType)
      result = tensor::CastOp::create(rewriter, loc, resultType, result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void kiln::model_to_linalg::populateSignalPatterns(RewritePatternSet &patterns,
                                                   const DimFacts *) {
  patterns.add<DFTPattern, STFTPattern, MelWeightMatrixPattern, DetPattern>(
      patterns.getContext());
}
