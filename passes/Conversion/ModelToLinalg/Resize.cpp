//===- Resize.cpp - model.resize to linalg --------------------------------===//
//
// Resizing is separable (nearest, linear and cubic weights are products of
// per-dim weights), so every dim that changes is resized on its own, one
// after another: a linalg.generic over the output computes, for its
// position x along that dim, the input coordinate (in f64, as ONNX's
// reference does), and reads its one, two or four neighbours with
// tensor.extract at indices clamped to the input. tf_crop_and_resize
// writes extrapolation_value outside [0, in - 1]; a later dim interpolating
// between such values keeps it, since the weights sum to 1.
//
// Scales, sizes and the output size of a symbolic dim are computed at run
// time; an empty input dim resized to a non-empty one is a run-time error
// (and reads zeros after it, not past the end).
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

/// f64 scalar arithmetic inside a generic body.
struct F64Math {
  OpBuilder &b;
  Location loc;

  Value c(double v) {
    return arith::ConstantOp::create(b, loc, b.getF64FloatAttr(v));
  }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivFOp::create(b, loc, x, y); }
  Value min(Value x, Value y) {
    return arith::MinimumFOp::create(b, loc, x, y);
  }
  Value max(Value x, Value y) {
    return arith::MaximumFOp::create(b, loc, x, y);
  }
  Value clamp(Value x, Value lo, Value hi) { return min(max(x, lo), hi); }
  Value floor(Value x) { return math::FloorOp::create(b, loc, x); }
  Value ceil(Value x) { return math::CeilOp::create(b, loc, x); }
  Value cmp(arith::CmpFPredicate p, Value x, Value y) {
    return arith::CmpFOp::create(b, loc, p, x, y);
  }
  Value select(Value cond, Value x, Value y) {
    return arith::SelectOp::create(b, loc, cond, x, y);
  }
  /// An index value as f64.
  Value fromIndex(Value i) {
    Value i64 = arith::IndexCastOp::create(b, loc, b.getI64Type(), i);
    return arith::SIToFPOp::create(b, loc, b.getF64Type(), i64);
  }
  /// A whole-valued f64 (already clamped into range) as an index.
  Value toIndex(Value x) {
    Value i64 = arith::FPToSIOp::create(b, loc, b.getI64Type(), x);
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), i64);
  }
};

/// Whether resizing dim `dim` changes nothing: scale 1 under a coordinate
/// mode that maps every position to itself.
bool isIdentityDim(ResizeOp op, RankedTensorType inputType, int64_t dim) {
  if (op.getScalesInput() || op.getSizesInput())
    return false;
  StringRef coordinates = op.getCoordinateMode();
  if (coordinates == "tf_half_pixel_for_nn" ||
      coordinates == "tf_crop_and_resize")
    return false;
  if (!op.getSizes().empty())
    return inputType.getDimSize(dim) == op.getSizes()[dim];
  return op.getScales()[dim] == 1.0;
}

/// Guards dim `dim` of `current` against an empty input resized to a
/// non-empty output: a run-time check, and zeros of size 1 after a failed
/// one, so that the clamped reads stay in bounds.
Value guardEmpty(OpBuilder &b, Location loc, Operation *op, Value current,
                 int64_t dim, OpFoldResult out) {
  auto type = cast<RankedTensorType>(current.getType());
  if (!type.isDynamicDim(dim) || isConstantIntValue(out, 0))
    return current;
  IndexMath m{b, loc};
  Value in = tensor::DimOp::create(b, loc, current, dim);
  Value nonEmpty = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, in,
                                         m.value(m.c(1)));
  Value noOutput = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                         m.value(out), m.value(m.c(0)));
  Value ok = arith::OrIOp::create(b, loc, nonEmpty, noOutput);
  emitRuntimeCheck(b, loc, ok, op,
                   "dim " + Twine(dim) +
                       " of the input is empty but resized to a non-empty "
                       "size");
  return scf::IfOp::create(
             b, loc, ok,
             [&](OpBuilder &nb, Location nloc) {
               scf::YieldOp::create(nb, nloc, current);
             },
             [&](OpBuilder &nb, Location nloc) {
               SmallVector<OpFoldResult> sizes =
                   tensor::getMixedSizes(nb, nloc, current);
               sizes[dim] = nb.getIndexAttr(1);
               scf::YieldOp::create(nb, nloc,
                                    zerosOfType(nb, nloc, type, sizes));
             })
      .getResult(0);
}

/// What a run-time list operand of model.resize holds at `i`, as f64 (or
/// i64 for sizes), read outside the loops.
Value readList(OpBuilder &b, Location loc, Value list, int64_t i) {
  Value element = tensor::ExtractOp::create(
      b, loc, list, ValueRange{arith::ConstantIndexOp::create(b, loc, i)});
  if (element.getType().isInteger(64))
    return element;
  return convertScalar(b, loc, element, b.getF64Type());
}

/// The scale and output size of one dim.
struct DimScale {
  OpFoldResult out;
  Value scale; ///< f64, 0 while unknown (sizes: set from `in`)
};

struct ResizePattern : OpConversionPattern<ResizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ResizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value current = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(current.getType());
    for (int64_t dim = 0; dim < inputType.getRank(); ++dim)
      if (!isIdentityDim(op, inputType, dim))
        current = resizeDim(rewriter, op.getLoc(), op, adaptor, current, dim);
    if (current.getType() != op.getType())
      current = tensor::CastOp::create(rewriter, op.getLoc(), op.getType(),
                                       current);
    rewriter.replaceOp(op, current);
    return success();
  }

  /// The output size of dim `dim` of `current` (sizes[dim], or floor(in *
  /// scale)) and, with scales, the scale. Run-time sizes are checked to be
  /// non-negative and scales positive; after a failed check the size is 0.
  static DimScale outputSize(OpBuilder &b, Location loc, ResizeOp op,
                             ResizeOp::Adaptor adaptor, Value current,
                             int64_t dim) {
    F64Math f{b, loc};
    IndexMath m{b, loc};
    if (!op.getSizes().empty())
      return {b.getIndexAttr(op.getSizes()[dim]), Value()};
    if (Value sizes = adaptor.getSizesInput()) {
      Value size = readList(b, loc, sizes, dim);
      Value zero = arith::ConstantIntOp::create(b, loc, size.getType(), 0);
      emitRuntimeCheck(
          b, loc,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, size, zero),
          op, "size " + Twine(dim) + " is negative");
      Value index = arith::IndexCastOp::create(b, loc, b.getIndexType(), size);
      return {m.max(index, 0), Value()};
    }
    auto type = cast<RankedTensorType>(current.getType());
    if (!adaptor.getScalesInput() && !type.isDynamicDim(dim)) {
      double scale = op.getScales()[dim];
      return {b.getIndexAttr(
                  int64_t(std::floor(double(type.getDimSize(dim)) * scale))),
              f.c(scale)};
    }
    Value scale = adaptor.getScalesInput()
                      ? readList(b, loc, adaptor.getScalesInput(), dim)
                      : f.c(op.getScales()[dim]);
    if (adaptor.getScalesInput())
      emitRuntimeCheck(b, loc, f.cmp(arith::CmpFPredicate::OGT, scale, f.c(0)),
                       op, "scale " + Twine(dim) + " is not positive");
    Value in = f.fromIndex(tensor::DimOp::create(b, loc, current, dim));
    // Clamped so that the conversion to an integer is defined; a size
    // beyond 2^62 fails at allocation.
    Value out = f.clamp(f.floor(f.mul(in, scale)), f.c(0), f.c(0x1p62));
    return {f.toIndex(out), scale};
  }

  static Value resizeDim(OpBuilder &b, Location loc, ResizeOp op,
                         ResizeOp::Adaptor adaptor, Value current,
                         int64_t dim) {
    DimScale dimScale = outputSize(b, loc, op, adaptor, current, dim);
    OpFoldResult out = dimScale.out;
    current = guardEmpty(b, loc, op, current, dim, out);
    auto type = cast<RankedTensorType>(current.getType());
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, current);
    sizes[dim] = out;
    Value empty = tensor::EmptyOp::create(b, loc, sizes, type.getElementType());
    auto resultType = cast<RankedTensorType>(empty.getType());

    // Run-time quantities of the dim, outside the loop: the input length
    // (at least 1, so that no coordinate is NaN), the output length, the
    // scale and length_resized = scale * in.
    F64Math f{b, loc};
    IndexMath m{b, loc};
    Value inIndex =
        m.value(m.max(tensor::getMixedSize(b, loc, current, dim), 1));
    Value in = f.fromIndex(inIndex);
    Value outLength = f.fromIndex(m.value(out));
    bool fromSizes = !dimScale.scale;
    Value scale = fromSizes ? f.div(outLength, in) : dimScale.scale;
    Value resized = fromSizes ? outLength : f.mul(scale, in);
    Value roiStart, roiEnd;
    if (op.getCoordinateMode() == "tf_crop_and_resize") {
      int64_t rank = type.getRank();
      if (Value roi = adaptor.getRoiInput()) {
        roiStart = readList(b, loc, roi, dim);
        roiEnd = readList(b, loc, roi, dim + rank);
      } else {
        roiStart = f.c(op.getRoi()[dim]);
        roiEnd = f.c(op.getRoi()[dim + rank]);
      }
    }

    int64_t rank = type.getRank();
    SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank)};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    Type element = type.getElementType();
    return linalg::GenericOp::create(
               b, loc, resultType, ValueRange{}, empty, maps, iterators,
               [&](OpBuilder &nb, Location nloc, ValueRange) {
                 F64Math g{nb, nloc};
                 SmallVector<Value> index;
                 for (int64_t i = 0; i < rank; ++i)
                   index.push_back(linalg::IndexOp::create(nb, nloc, i));
                 Value x = g.fromIndex(index[dim]);
                 Value original = coordinate(g, op, x, in, outLength, scale,
                                             resized, roiStart, roiEnd);
                 Value v = interpolate(nb, nloc, op, current, index, dim,
                                       original, in, inIndex, scale);
                 if (op.getCoordinateMode() == "tf_crop_and_resize") {
                   Value inside = arith::AndIOp::create(
                       nb, nloc,
                       g.cmp(arith::CmpFPredicate::OGE, original, g.c(0)),
                       g.cmp(arith::CmpFPredicate::OLE, original,
                             g.sub(in, g.c(1))));
                   Value extrapolated = constantOf(
                       nb, nloc, v.getType(),
                       op.getExtrapolationValue().convertToDouble());
                   v = g.select(inside, v, extrapolated);
                 }
                 linalg::YieldOp::create(nb, nloc,
                                         convertScalar(nb, nloc, v, element));
               })
        .getResult(0);
  }

  /// The input coordinate of output position `x` (see ModelVisionOps.td).
  static Value coordinate(F64Math &g, ResizeOp op, Value x, Value in,
                          Value out, Value scale, Value resized,
                          Value roiStart, Value roiEnd) {
    StringRef mode = op.getCoordinateMode();
    Value half = g.c(0.5), one = g.c(1);
    auto halfPixel = [&] {
      return g.sub(g.div(g.add(x, half), scale), half);
    };
    if (mode == "half_pixel")
      return halfPixel();
    if (mode == "half_pixel_symmetric") {
      Value adjustment = g.div(out, resized);
      Value offset = g.mul(g.mul(in, half), g.sub(one, adjustment));
      return g.add(offset, halfPixel());
    }
    if (mode == "pytorch_half_pixel")
      return g.select(g.cmp(arith::CmpFPredicate::OGT, resized, one),
                      halfPixel(), g.c(0));
    if (mode == "align_corners")
      return g.select(g.cmp(arith::CmpFPredicate::OEQ, resized, one), g.c(0),
                      g.div(g.mul(x, g.sub(in, one)), g.sub(resized, one)));
    if (mode == "asymmetric")
      return g.div(x, scale);
    if (mode == "tf_half_pixel_for_nn")
      return g.div(g.add(x, half), scale);
    // tf_crop_and_resize
    Value start = roiStart, end = roiEnd;
    Value last = g.sub(in, one);
    Value spread = g.div(g.mul(g.mul(x, g.sub(end, start)), last),
                         g.sub(resized, one));
    return g.select(g.cmp(arith::CmpFPredicate::OGT, resized, one),
                    g.add(g.mul(start, last), spread),
                    g.mul(g.mul(half, g.add(start, end)), last));
  }

  /// The value at input coordinate `x` along `dim`, reading `source` at
  /// `index` elsewhere; in the accumulator type for linear and cubic.
  static Value interpolate(OpBuilder &b, Location loc, ResizeOp op,
                           Value source, ArrayRef<Value> index, int64_t dim,
                           Value x, Value in, Value inIndex, Value scale) {
    F64Math g{b, loc};
    Value last = g.sub(in, g.c(1));
    auto read = [&](Value at) {
      SmallVector<Value> coords(index);
      coords[dim] = at;
      return tensor::ExtractOp::create(b, loc, source, coords).getResult();
    };
    StringRef mode = op.getMode();
    if (mode == "nearest") {
      Value rounded = nearest(g, op.getNearestMode(), x, scale);
      return read(g.toIndex(g.clamp(rounded, g.c(0), last)));
    }
    Type element = cast<RankedTensorType>(source.getType()).getElementType();
    Type acc = accumulatorType(element);
    auto value = [&](Value at) {
      return convertScalar(b, loc, read(at), acc);
    };
    auto weight = [&](Value w) { return convertScalar(b, loc, w, acc); };
    if (mode == "linear") {
      Value clamped = g.clamp(x, g.c(0), last);
      Value lower = g.floor(clamped);
      Value i0 = g.toIndex(lower);
      Value i1 = arith::MinSIOp::create(
          b, loc,
          arith::AddIOp::create(b, loc, i0,
                                arith::ConstantIndexOp::create(b, loc, 1)),
          arith::SubIOp::create(b, loc, inIndex,
                                arith::ConstantIndexOp::create(b, loc, 1)));
      Value w1 = g.sub(clamped, lower), w0 = g.sub(g.c(1), w1);
      Value low = arith::MulFOp::create(b, loc, value(i0), weight(w0));
      Value high = arith::MulFOp::create(b, loc, value(i1), weight(w1));
      return arith::AddFOp::create(b, loc, low, high);
    }
    // cubic: taps floor(x) - 1 ... floor(x) + 2 at distances 1 + t, t,
    // 1 - t, 2 - t from x, with Keys' kernel of parameter A. The clamp keeps
    // the conversion to an integer defined; real coordinates lie within.
    double a = op.getCubicCoeffA().convertToDouble();
    Value clamped = g.clamp(x, g.c(-2), g.add(in, g.c(1)));
    Value lower = g.floor(clamped);
    Value t = g.sub(clamped, lower);
    Value one = g.c(1), two = g.c(2);
    Value A = g.c(a);
    // |s| <= 1: (A + 2)|s|^3 - (A + 3)|s|^2 + 1
    auto inner = [&](Value s) {
      return g.add(g.mul(g.mul(g.sub(g.mul(g.c(a + 2), s), g.c(a + 3)), s), s),
                   one);
    };
    // 1 < |s| < 2: A|s|^3 - 5A|s|^2 + 8A|s| - 4A
    auto outer = [&](Value s) {
      return g.sub(
          g.mul(g.add(g.mul(g.sub(g.mul(A, s), g.c(5 * a)), s), g.c(8 * a)),
                s),
          g.c(4 * a));
    };
    Value weights[4] = {outer(g.add(one, t)), inner(t), inner(g.sub(one, t)),
                        outer(g.sub(two, t))};
    Value sum = g.c(0), total = constantOf(b, loc, acc, 0);
    for (int j = 0; j < 4; ++j) {
      Value tap = g.add(lower, g.c(j - 1));
      Value w = weights[j];
      if (op.getExcludeOutside()) {
        Value inside = arith::AndIOp::create(
            b, loc, g.cmp(arith::CmpFPredicate::OGE, tap, g.c(0)),
            g.cmp(arith::CmpFPredicate::OLE, tap, last));
        w = g.select(inside, w, g.c(0));
      }
      sum = g.add(sum, w);
      Value at = g.toIndex(g.clamp(tap, g.c(0), last));
      total = arith::AddFOp::create(
          b, loc, total, arith::MulFOp::create(b, loc, value(at), weight(w)));
    }
    if (!op.getExcludeOutside())
      return total;
    return arith::DivFOp::create(b, loc, total, weight(sum));
  }

  /// `x` rounded to a whole input position by `mode`.
  static Value nearest(F64Math &g, StringRef mode, Value x, Value scale) {
    if (mode == "round_prefer_floor")
      return g.ceil(g.sub(x, g.c(0.5)));
    if (mode == "round_prefer_ceil")
      return g.floor(g.add(x, g.c(0.5)));
    if (mode == "floor")
      return g.floor(x);
    if (mode == "ceil")
      return g.ceil(x);
    // simple: ceil when downsampling, else floor (x >= 0 here).
    return g.select(g.cmp(arith::CmpFPredicate::OLT, scale, g.c(1)),
                    g.ceil(x), g.floor(x));
  }
};

} // namespace

void kiln::model_to_linalg::populateResizePatterns(
    RewritePatternSet &patterns) {
  patterns.add<ResizePattern>(patterns.getContext());
}
