//===- Sampling.cpp - model.grid_sample and model.max_unpool to linalg ----===//
//
// One linalg.generic over the output [N, C, O1..Or]: each element reads its
// grid position (entry r - 1 - s for spatial dim s), maps it to an input
// coordinate, applies the padding mode to coordinates outside the input
// (per dim, as the ONNX reference does), and interpolates the neighbours it
// reads with tensor.extract. Every neighbour index is clamped to [0, D - 1]
// after its padding mode is applied (zeros masks the value instead), and
// the float is clamped before it becomes an integer, so NaN or huge grid
// values read inside the input. The arithmetic is in f64 for f64 data and
// f32 otherwise, like the reference's. max_unpool scatters in an scf loop.
//
//===----------------------------------------------------------------------===//
#include "passes/Conversion/ModelToLinalg/Window.h"

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

/// Scalar arithmetic in one float type inside the generic body.
struct FloatMath {
  OpBuilder &b;
  Location loc;
  Type type;

  Value c(double v) {
    return arith::ConstantOp::create(b, loc, type, b.getFloatAttr(type, v));
  }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivFOp::create(b, loc, x, y); }
  Value floor(Value x) { return math::FloorOp::create(b, loc, x); }
  Value lt(Value x, Value y) {
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, y);
  }
  Value le(Value x, Value y) {
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLE, x, y);
  }
  Value eq(Value x, Value y) {
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x, y);
  }
  Value select(Value cond, Value x, Value y) {
    return arith::SelectOp::create(b, loc, cond, x, y);
  }
  Value orOf(Value x, Value y) { return arith::OrIOp::create(b, loc, x, y); }
  /// Clamps to [lo, hi]; NaN becomes lo (maxnumf returns the number).
  Value clamp(Value x, Value lo, Value hi) {
    return arith::MinNumFOp::create(b, loc,
                                    arith::MaxNumFOp::create(b, loc, x, lo), hi);
  }
  /// A float in [0, D - 1] as an index (truncated toward zero).
  Value toIndex(Value x) {
    Value i64 = arith::FPToSIOp::create(b, loc, b.getI64Type(), x);
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), i64);
  }

  /// `x` reflected at `lo` and `hi` until it lies between them (the
  /// reference's rule); `lo` when the range is empty.
  Value reflect(Value x, Value lo, Value hi) {
    Value range = sub(hi, lo);
    Value below = lt(x, lo), above = lt(hi, x);
    Value distance = select(below, sub(lo, x), sub(x, hi));
    Value turns = floor(div(distance, range));
    Value rest = sub(distance, mul(turns, range));
    Value even = eq(sub(turns, mul(c(2), floor(div(turns, c(2))))), c(0));
    Value fromLo = add(lo, rest), fromHi = sub(hi, rest);
    Value reflected =
        select(below, select(even, fromLo, fromHi), select(even, fromHi, fromLo));
    reflected = select(eq(range, c(0)), lo, reflected);
    return select(orOf(below, above), reflected, x);
  }
};

/// Keys' cubic convolution weights (A = -0.75) of the taps at distances
/// 1 + t, t, 1 - t, 2 - t from the sample.
SmallVector<Value> cubicWeights(FloatMath &g, Value t) {
  const double a = -0.75;
  auto outer = [&](Value s) { // 1 < s < 2
    return g.sub(
        g.mul(g.add(g.mul(g.sub(g.mul(g.c(a), s), g.c(5 * a)), s), g.c(8 * a)),
              s),
        g.c(4 * a));
  };
  auto inner = [&](Value s) { // s <= 1
    return g.add(g.mul(g.mul(g.sub(g.mul(g.c(a + 2), s), g.c(a + 3)), s), s),
                 g.c(1));
  };
  Value one = g.c(1);
  return {outer(g.add(one, t)), inner(t), inner(g.sub(one, t)),
          outer(g.sub(g.c(2), t))};
}

struct GridSamplePattern : OpConversionPattern<GridSampleOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GridSampleOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput(), grid = adaptor.getGrid();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto gridType = cast<RankedTensorType>(grid.getType());
    int64_t rank = inputType.getRank(), spatial = rank - 2;
    RankedTensorType resultType = op.getType();
    RuntimeChecks checks;
    checks.requireEqualDims(rewriter, loc, input, 0, grid, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    for (int64_t s = 0; s < spatial; ++s)
      if (inputType.isDynamicDim(s + 2))
        checks.require(rewriter, loc,
                       arith::CmpIOp::create(rewriter, loc,
                                             arith::CmpIPredicate::sge,
                                             dimValue(rewriter, loc, input,
                                                      s + 2),
                                             one));
    Value ok = checks.emit(rewriter, loc, op,
                           "the grid's batch differs from the input's or a "
                           "spatial dim of the input is empty");
    Value result = buildIfValid(
        rewriter, loc, ok, resultType, [&](OpBuilder &b, Location l) {
          return sample(b, l, op, input, grid, spatial, inputType, gridType,
                        resultType);
        });
    rewriter.replaceOp(op, result);
    return success();
  }

  static Value sample(OpBuilder &b, Location loc, GridSampleOp op, Value input,
                      Value grid, int64_t spatial, RankedTensorType inputType,
                      RankedTensorType gridType, RankedTensorType resultType) {
    Type element = inputType.getElementType();
    Type f = element.isF64() || gridType.getElementType().isF64()
                 ? b.getF64Type()
                 : b.getF32Type();
    SmallVector<Value> sizes = {dimValue(b, loc, input, 0),
                                dimValue(b, loc, input, 1)};
    for (int64_t s = 1; s <= spatial; ++s)
      sizes.push_back(dimValue(b, loc, grid, s));
    // The spatial sizes, as indices and as floats.
    SmallVector<Value> dims, dimsF;
    for (int64_t s = 0; s < spatial; ++s) {
      dims.push_back(dimValue(b, loc, input, s + 2));
      Value i64 =
          arith::IndexCastOp::create(b, loc, b.getI64Type(), dims.back());
      dimsF.push_back(arith::SIToFPOp::create(b, loc, f, i64));
    }
    bool align = op.getAlignCorners();
    StringRef mode = op.getMode(), padding = op.getPaddingMode();
    return buildIndexed(
        b, loc, resultType, sizes,
        [&](OpBuilder &nb, Location nl, ArrayRef<Value> ivs) -> Value {
          FloatMath g{nb, nl, f};
          SmallVector<Value> lo, hi, last;
          for (int64_t s = 0; s < spatial; ++s) {
            last.push_back(g.sub(dimsF[s], g.c(1)));
            lo.push_back(align ? g.c(0) : g.c(-0.5));
            hi.push_back(align ? last.back() : g.sub(dimsF[s], g.c(0.5)));
          }
          // The input coordinate of every spatial dim.
          SmallVector<Value> coords;
          for (int64_t s = 0; s < spatial; ++s) {
            SmallVector<Value> at = {ivs[0]};
            at.append(ivs.begin() + 2, ivs.end());
            at.push_back(
                arith::ConstantIndexOp::create(nb, nl, spatial - 1 - s));
            Value pos = convertScalar(
                nb, nl, tensor::ExtractOp::create(nb, nl, grid, at), f);
            Value shifted = g.add(pos, g.c(1));
            Value x = align ? g.mul(g.div(shifted, g.c(2)), last[s])
                            : g.div(g.sub(g.mul(shifted, dimsF[s]), g.c(1)),
                                    g.c(2));
            if (mode == "nearest")
              x = math::RoundEvenOp::create(nb, nl, x);
            Value outside = g.orOf(g.lt(x, lo[s]), g.lt(hi[s], x));
            if (padding == "border")
              x = g.select(outside, g.clamp(x, g.c(0), last[s]), x);
            else if (padding == "reflection")
              x = g.reflect(x, lo[s], hi[s]);
            coords.push_back(x);
          }
          // The element at whole-numbered `taps`, by the padding mode.
          auto read = [&](ArrayRef<Value> taps) -> Value {
            SmallVector<Value> at = {ivs[0], ivs[1]};
            Value inside;
            for (int64_t s = 0; s < spatial; ++s) {
              Value t = taps[s];
              if (padding == "zeros") {
                Value in = arith::AndIOp::create(nb, nl, g.le(g.c(0), t),
                                                 g.le(t, last[s]));
                inside = inside ? arith::AndIOp::create(nb, nl, inside, in)
                                : in;
              } else if (padding == "reflection") {
                t = g.reflect(t, lo[s], hi[s]);
              }
              at.push_back(g.toIndex(g.clamp(t, g.c(0), last[s])));
            }
            Value v = convertScalar(
                nb, nl, tensor::ExtractOp::create(nb, nl, input, at), f);
            return inside ? g.select(inside, v, g.c(0)) : v;
          };
          Value v;
          if (mode == "nearest") {
            v = read(coords);
          } else if (mode == "linear") {
            SmallVector<Value> base, frac;
            for (Value x : coords) {
              base.push_back(g.floor(x));
              frac.push_back(g.sub(x, base.back()));
            }
            v = g.c(0);
            for (int64_t corner = 0; corner < (int64_t(1) << spatial);
                 ++corner) {
              SmallVector<Value> taps;
              Value w = g.c(1);
              for (int64_t s = 0; s < spatial; ++s) {
                bool upper = (corner >> s) & 1;
                taps.push_back(upper ? g.add(base[s], g.c(1)) : base[s]);
                w = g.mul(w, upper ? frac[s] : g.sub(g.c(1), frac[s]));
              }
              v = g.add(v, g.mul(w, read(taps)));
            }
          } else {
            // cubic, 2 spatial dims: the 4 x 4 taps around the coordinate.
            SmallVector<Value> base;
            SmallVector<SmallVector<Value>> weights;
            for (Value x : coords) {
              base.push_back(g.floor(x));
              weights.push_back(cubicWeights(g, g.sub(x, base.back())));
            }
            v = g.c(0);
            for (int64_t i = 0; i < 4; ++i) {
              for (int64_t j = 0; j < 4; ++j) {
                SmallVector<Value> taps = {g.add(base[0], g.c(double(i - 1))),
                                           g.add(base[1], g.c(double(j - 1)))};
                Value w = g.mul(weights[0][i], weights[1][j]);
                v = g.add(v, g.mul(w, read(taps)));
              }
            }
          }
          return convertScalar(nb, nl, v, element);
        });
  }
};

/// The row-major coordinates of the linear position `linear` in a tensor
/// of `sizes` (every size >= 1 when there is a position at all).
SmallVector<Value> delinearize(OpBuilder &b, Location loc, Value linear,
                               ArrayRef<Value> sizes) {
  SmallVector<Value> coords(sizes.size());
  for (int64_t d = sizes.size() - 1; d >= 0; --d) {
    coords[d] = arith::RemUIOp::create(b, loc, linear, sizes[d]);
    linear = arith::DivUIOp::create(b, loc, linear, sizes[d]);
  }
  return coords;
}

/// model.max_unpool: zeros of the output shape, then a loop over the input
/// elements that inserts each at the coordinates of its index in the
/// unpooled shape (which the output shape contains, by the check).
struct MaxUnpoolPattern : OpConversionPattern<MaxUnpoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MaxUnpoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    IndexMath m{b, loc};
    Value input = adaptor.getInput(), indices = adaptor.getIndices();
    auto type = cast<RankedTensorType>(input.getType());
    int64_t rank = type.getRank(), spatial = rank - 2;
    RankedTensorType resultType = op.getType();
    ArrayRef<int64_t> kernel = op.getKernelShape(), strides = op.getStrides(),
                      pads = op.getPads();
    SmallVector<OpFoldResult> unpooled = {
        tensor::getMixedSize(b, loc, input, 0),
        tensor::getMixedSize(b, loc, input, 1)};
    for (int64_t i = 0; i < spatial; ++i)
      unpooled.push_back(m.add(
          m.mul(m.add(tensor::getMixedSize(b, loc, input, i + 2), -1),
                strides[i]),
          kernel[i] - pads[i] - pads[i + spatial]));
    SmallVector<OpFoldResult> output(unpooled);
    RuntimeChecks checks;
    using P = arith::CmpIPredicate;
    auto cmp = [&](P p, OpFoldResult x, OpFoldResult y) {
      return arith::CmpIOp::create(b, loc, p, m.value(x), m.value(y))
          .getResult();
    };
    if (Value shape = adaptor.getOutputShape()) {
      SmallVector<ShapeOperandEntry> entries =
          readShapeOperand(b, loc, op.getOutputShape(), shape);
      for (int64_t i = 0; i < rank; ++i) {
        output[i] = entries[i].constant ? OpFoldResult(b.getIndexAttr(
                                              *entries[i].constant))
                                        : OpFoldResult(entries[i].value);
        if (getConstantIntValue(output[i]) && getConstantIntValue(unpooled[i]))
          continue; // the verifier compared them
        checks.require(b, loc,
                       cmp(i < 2 ? P::eq : P::sge, output[i], unpooled[i]));
      }
    }
    // Every index inside the unpooled tensor.
    OpFoldResult total = m.c(1);
    for (OpFoldResult size : unpooled)
      total = m.mul(total, size);
    Value totalI64 = arith::IndexCastOp::create(b, loc, b.getI64Type(),
                                                m.value(total));
    checks.require(
        b, loc, allOf(b, loc, indices, [&](OpBuilder &nb, Location nl, Value i) {
          Value zero = arith::ConstantIntOp::create(nb, nl, nb.getI64Type(), 0);
          return andOf(nb, nl,
                       arith::CmpIOp::create(nb, nl, P::sge, i, zero),
                       arith::CmpIOp::create(nb, nl, P::slt, i, totalI64));
        }));
    Value ok = checks.emit(b, loc, op,
                           "an index is outside the unpooled tensor, or "
                           "output_shape does not hold it");
    Value result = buildIfValid(
        b, loc, ok, resultType, [&](OpBuilder &nb, Location nl) {
          IndexMath bm{nb, nl};
          Value init = zerosOfType(
              nb, nl,
              RankedTensorType::get(
                  llvm::map_to_vector(output,
                                      [](OpFoldResult s) {
                                        std::optional<int64_t> c =
                                            getConstantIntValue(s);
                                        return c ? *c : ShapedType::kDynamic;
                                      }),
                  type.getElementType()),
              output);
          SmallVector<Value> inSizes, unpooledSizes;
          OpFoldResult count = bm.c(1);
          for (int64_t i = 0; i < rank; ++i) {
            inSizes.push_back(dimValue(nb, nl, input, i));
            unpooledSizes.push_back(bm.value(unpooled[i]));
            count = bm.mul(count, tensor::getMixedSize(nb, nl, input, i));
          }
          Value c0 = arith::ConstantIndexOp::create(nb, nl, 0);
          Value c1 = arith::ConstantIndexOp::create(nb, nl, 1);
          auto loop = scf::ForOp::create(
              nb, nl, c0, bm.value(count), c1, ValueRange{init},
              [&](OpBuilder &lb, Location l, Value e, ValueRange out) {
                SmallVector<Value> at = delinearize(lb, l, e, inSizes);
                Value v = tensor::ExtractOp::create(lb, l, input, at);
                Value index = arith::IndexCastOp::create(
                    lb, l, lb.getIndexType(),
                    tensor::ExtractOp::create(lb, l, indices, at));
                SmallVector<Value> to =
                    delinearize(lb, l, index, unpooledSizes);
                scf::YieldOp::create(
                    lb, l,
                    tensor::InsertOp::create(lb, l, v, out[0], to)
                        .getResult());
              });
          return loop.getResult(0);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void kiln::model_to_linalg::populateSamplingPatterns(
    RewritePatternSet &patterns, const DimFacts *) {
  patterns.add<GridSamplePattern, MaxUnpoolPattern>(patterns.getContext());
}
