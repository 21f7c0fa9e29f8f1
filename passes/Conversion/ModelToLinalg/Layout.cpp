//===- Layout.cpp - Broadcast, tile, split, pad, depth and space ----------===//
//
// Lowerings of the `model` ops that lay existing elements out anew: expand,
// tile, split, pad, depth_to_space and space_to_depth.
//
// Their shape-like operands (expand's shape, tile's repeats, pad's pads,
// split's sizes) are read where they are known statically (constants, and
// what knownShapeEntries proves) and extracted at run time otherwise. What
// the compiler cannot prove — that an entry is valid, that a run-time size
// matches a static result dim — is checked at run time (RuntimeChecks),
// and the result is then built under buildIfValid, so after a failed check
// nothing reads or writes out of bounds.
//
//===----------------------------------------------------------------------===//
#include "passes/Conversion/ModelToLinalg/ModelToLinalg.h"

#include "dialects/Model/IR/ModelOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace kiln::model;
using namespace kiln::model_to_linalg;

namespace {

using arith::CmpIPredicate;

//===----------------------------------------------------------------------===//
// expand and tile
//===----------------------------------------------------------------------===//

// expand: result dim i broadcasts input dim j = i - (R - r) (1 when missing)
// with entry e: out = e == 1 ? in : e, valid when in == 1, e == 1 or
// in == e. The input is read at index 0 along a dim of size 1 and at the
// result's index otherwise.
struct ExpandPattern : OpConversionPattern<ExpandOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ExpandOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    SmallVector<ShapeOperandEntry> entries =
        readShapeOperand(rewriter, loc, op.getShape(), adaptor.getShape());
    int64_t rank = inputType.getRank(), resultRank = resultType.getRank();
    int64_t length = entries.size();
    Value one = indexConstant(rewriter, loc, 1);
    RuntimeChecks checks;
    SmallVector<Value> sizes;
    // Per input dim: read at 0 (stretched), at the result index, or at
    // `in == 1 ? 0 : i` (known only at run time).
    enum class Read { Zero, Same, Select };
    SmallVector<Read> reads(rank, Read::Same);
    for (int64_t i = 0; i < resultRank; ++i) {
      int64_t j = i - (resultRank - rank), k = i - (resultRank - length);
      ShapeOperandEntry e = k >= 0 ? entries[k] : ShapeOperandEntry{one, 1};
      int64_t inStatic = j >= 0 ? inputType.getDimSize(j) : 1;
      Value in = j >= 0 ? dimValue(rewriter, loc, input, j) : one;
      bool inKnown = !ShapedType::isDynamic(inStatic);
      auto isOne = [&](Value v) {
        return cmpi(rewriter, loc, CmpIPredicate::eq, v, one);
      };
      auto requireNonNegative = [&] {
        if (!e.constant)
          checks.require(rewriter, loc,
                         cmpi(rewriter, loc, CmpIPredicate::sge, e.value,
                              indexConstant(rewriter, loc, 0)));
      };
      Value size;
      bool proven = true;
      if (e.constant && *e.constant == 1) {
        size = in;
        proven = inKnown;
      } else if (e.constant && inKnown) {
        size = e.value; // inference verified in == 1 or in == e
      } else if (inStatic == 1) {
        size = e.value;
        proven = e.constant.has_value();
        requireNonNegative();
      } else if (inKnown) {
        // A static in > 1 is the result's size when e is 1 or in.
        size = in;
        checks.require(rewriter, loc,
                       arith::OrIOp::create(
                           rewriter, loc, isOne(e.value),
                           cmpi(rewriter, loc, CmpIPredicate::eq, in, e.value)));
      } else {
        size = e.constant ? e.value
                          : (Value)arith::SelectOp::create(
                                rewriter, loc, isOne(e.value), in, e.value);
        proven = e.constant.has_value();
        checks.require(
            rewriter, loc,
            arith::OrIOp::create(
                rewriter, loc, isOne(in),
                arith::OrIOp::create(
                    rewriter, loc, isOne(e.value),
                    cmpi(rewriter, loc, CmpIPredicate::eq, in, e.value))));
        requireNonNegative();
      }
      checks.requireStaticDim(rewriter, loc, resultType, i, size, proven);
      sizes.push_back(size);
      if (j < 0)
        continue;
      if (inStatic == 1)
        reads[j] = resultType.getDimSize(i) == 1 ? Read::Same : Read::Zero;
      else if (!inKnown && !(e.constant && *e.constant == 1))
        reads[j] = Read::Select;
    }
    Value ok = checks.emit(rewriter, loc, op,
                           "the shape does not broadcast with the input "
                           "(negative entries, or dims neither 1 nor equal)");
    Value result = buildIfValid(
        rewriter, loc, ok, resultType, [&](OpBuilder &b, Location l) {
          if (!llvm::is_contained(reads, Read::Select)) {
            // Every read is affine: the input is an operand of the generic,
            // which elementwise fusion can then merge.
            SmallVector<AffineExpr> exprs;
            for (int64_t j = 0; j < rank; ++j)
              exprs.push_back(reads[j] == Read::Zero
                                  ? b.getAffineConstantExpr(0)
                                  : b.getAffineDimExpr(j + resultRank - rank));
            Value empty = tensor::EmptyOp::create(
                b, l, resultType.getShape(), resultType.getElementType(),
                dynamicSizesOf(resultType, sizes));
            SmallVector<AffineMap> maps = {
                AffineMap::get(resultRank, 0, exprs, b.getContext()),
                b.getMultiDimIdentityMap(resultRank)};
            SmallVector<utils::IteratorType> iterators(
                resultRank, utils::IteratorType::parallel);
            return linalg::GenericOp::create(
                       b, l, resultType, input, empty, maps, iterators,
                       [](OpBuilder &nb, Location nl, ValueRange args) {
                         linalg::YieldOp::create(nb, nl, args[0]);
                       })
                .getResult(0);
          }
          return buildIndexed(
              b, l, resultType, sizes,
              [&](OpBuilder &nb, Location nl, ArrayRef<Value> ivs) -> Value {
                SmallVector<Value> at;
                Value zero = indexConstant(nb, nl, 0);
                for (int64_t j = 0; j < rank; ++j) {
                  Value i = ivs[j + resultRank - rank];
                  if (reads[j] == Read::Zero) {
                    at.push_back(zero);
                  } else if (reads[j] == Read::Same) {
                    at.push_back(i);
                  } else {
                    Value isOne = cmpi(nb, nl, CmpIPredicate::eq,
                                       tensor::DimOp::create(nb, nl, input, j),
                                       indexConstant(nb, nl, 1));
                    at.push_back(
                        arith::SelectOp::create(nb, nl, isOne, zero, i));
                  }
                }
                return tensor::ExtractOp::create(nb, nl, input, at);
              });
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

// tile: out_i = in_i * r_i and result[p] = input[p mod in]; a dim repeated
// once is read at the result's index.
struct TilePattern : OpConversionPattern<TileOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TileOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    SmallVector<ShapeOperandEntry> repeats =
        readShapeOperand(rewriter, loc, op.getRepeats(), adaptor.getRepeats());
    int64_t rank = inputType.getRank();
    RuntimeChecks checks;
    SmallVector<Value> sizes;
    SmallVector<bool> wraps;
    for (int64_t i = 0; i < rank; ++i) {
      Value in = dimValue(rewriter, loc, input, i);
      ShapeOperandEntry r = repeats[i];
      if (!r.constant)
        checks.require(rewriter, loc,
                       cmpi(rewriter, loc, CmpIPredicate::sge, r.value,
                            indexConstant(rewriter, loc, 0)));
      Value size = arith::MulIOp::create(rewriter, loc, in, r.value);
      bool proven = r.constant && !inputType.isDynamicDim(i);
      checks.requireStaticDim(rewriter, loc, resultType, i, size, proven);
      sizes.push_back(size);
      wraps.push_back(!(r.constant && *r.constant == 1));
    }
    Value ok = checks.emit(rewriter, loc, op,
                           "repeats are negative or do not give the result's "
                           "static size");
    Value result = buildIfValid(
        rewriter, loc, ok, resultType, [&](OpBuilder &b, Location l) {
          return buildIndexed(
              b, l, resultType, sizes,
              [&](OpBuilder &nb, Location nl, ArrayRef<Value> ivs) -> Value {
                SmallVector<Value> at;
                for (int64_t i = 0; i < rank; ++i)
                  at.push_back(wraps[i] ? arith::RemUIOp::create(
                                              nb, nl, ivs[i],
                                              dimValue(nb, nl, input, i))
                                        : ivs[i]);
                return tensor::ExtractOp::create(nb, nl, input, at);
              });
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// split and pad
//===----------------------------------------------------------------------===//

// split: piece k is the slice [offset_k, offset_k + size_k) along the axis,
// offset_k the sum of the sizes before it. Given sizes must be non-negative
// and add up to the dim; equal parts are ceil(dim / parts), the last ones
// clamped to what remains.
struct SplitPattern : OpConversionPattern<SplitOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SplitOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    int64_t axis = op.getAxis(), parts = op.getParts();
    int64_t rank = inputType.getRank();
    Value dim = dimValue(rewriter, loc, input, axis);
    Value zero = indexConstant(rewriter, loc, 0);
    RuntimeChecks checks;
    SmallVector<Value> sizes;
    if (op.getSizes()) {
      Value total = zero;
      for (ShapeOperandEntry e :
           readShapeOperand(rewriter, loc, op.getSizes(), adaptor.getSizes())) {
        if (!e.constant)
          checks.require(rewriter, loc,
                         cmpi(rewriter, loc, CmpIPredicate::sge, e.value, zero));
        total = arith::AddIOp::create(rewriter, loc, total, e.value);
        sizes.push_back(e.value);
      }
      checks.require(rewriter, loc,
                     cmpi(rewriter, loc, CmpIPredicate::eq, total, dim));
    } else {
      Value chunk = arith::CeilDivUIOp::create(
          rewriter, loc, dim, indexConstant(rewriter, loc, parts));
      for (int64_t k = 0; k < parts; ++k) {
        Value rest = arith::SubIOp::create(
            rewriter, loc, dim,
            arith::MulIOp::create(rewriter, loc, chunk,
                                  indexConstant(rewriter, loc, k)));
        sizes.push_back(arith::MinSIOp::create(
            rewriter, loc, arith::MaxSIOp::create(rewriter, loc, rest, zero),
            chunk));
      }
    }
    for (auto [k, result] : llvm::enumerate(op.getResults()))
      checks.requireStaticDim(rewriter, loc, cast<RankedTensorType>(result.getType()), axis,
                       sizes[k], false);
    Value ok = checks.emit(rewriter, loc, op,
                           "the split sizes are negative, do not add up to "
                           "the dim, or differ from the results' static "
                           "sizes");
    SmallVector<Value> results;
    Value offset = zero;
    for (auto [k, result] : llvm::enumerate(op.getResults())) {
      auto type = cast<RankedTensorType>(result.getType());
      Value size = sizes[k], start = offset;
      offset = arith::AddIOp::create(rewriter, loc, offset, size);
      results.push_back(buildIfValid(
          rewriter, loc, ok, type, [&](OpBuilder &b, Location l) -> Value {
            SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
            SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
            // A Value, not a folded constant: a static offset 0 into an empty
            // dim fails tensor.extract_slice's bounds verifier even though
            // the slice it takes is empty.
            offsets[axis] = start;
            // Sizes as the result type states them: static where it is.
            SmallVector<OpFoldResult> extent =
                tensor::getMixedSizes(b, l, input);
            extent[axis] = size;
            for (int64_t i = 0; i < rank; ++i)
              if (!type.isDynamicDim(i))
                extent[i] = b.getIndexAttr(type.getDimSize(i));
            return tensor::ExtractSliceOp::create(b, l, type, input, offsets,
                                                  extent, strides);
          }));
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// Where a pad of `mode` reads its source along one dim: `s` (the result
/// index minus the pad before, possibly out of [0, n)) mapped into [0, n).
Value padSource(OpBuilder &b, Location loc, StringRef mode, Value s,
                Value n) {
  Value zero = indexConstant(b, loc, 0), one = indexConstant(b, loc, 1);
  Value last = arith::SubIOp::create(b, loc, n, one);
  // ((v mod m) + m) mod m: a remainder in [0, m) also for negative v.
  auto positiveRem = [&](Value v, Value m) -> Value {
    Value r = arith::RemSIOp::create(b, loc, v, m);
    return arith::RemSIOp::create(b, loc, arith::AddIOp::create(b, loc, r, m),
                                  m);
  };
  if (mode == "edge")
    return arith::MinSIOp::create(b, loc,
                                  arith::MaxSIOp::create(b, loc, s, zero), last);
  if (mode == "wrap")
    return positiveRem(s, n);
  // reflect: the input mirrored without repeating its ends has period
  // 2 (n - 1); a single element repeats.
  Value period = arith::AddIOp::create(b, loc, last, last);
  Value safePeriod = arith::MaxSIOp::create(b, loc, period, one);
  Value m = positiveRem(s, safePeriod);
  Value mirrored = arith::SelectOp::create(
      b, loc, cmpi(b, loc, CmpIPredicate::slt, m, n), m,
      arith::SubIOp::create(b, loc, period, m));
  return arith::SelectOp::create(b, loc,
                                 cmpi(b, loc, CmpIPredicate::eq, n, one), zero,
                                 mirrored);
}

// pad: along dim i with entries (b, e) the input is first cropped by
// max(-b, 0) and max(-e, 0), leaving n elements, then padded by max(b, 0)
// and max(e, 0). Constant mode fills the result with the value and inserts
// the cropped input; the other modes read every element at padSource.
struct PadPattern : OpConversionPattern<PadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t rank = inputType.getRank();
    StringRef mode = op.getMode();
    SmallVector<ShapeOperandEntry> pads =
        readShapeOperand(rewriter, loc, op.getPads(), adaptor.getPads());
    Value zero = indexConstant(rewriter, loc, 0);
    Value one = indexConstant(rewriter, loc, 1);
    auto maxZero = [&](Value v) -> Value {
      return arith::MaxSIOp::create(rewriter, loc, v, zero);
    };
    RuntimeChecks checks;
    SmallVector<Value> cropBefore, padBefore, kept, sizes;
    SmallVector<bool> unchanged;
    for (int64_t i = 0; i < rank; ++i) {
      ShapeOperandEntry before = pads[i], after = pads[rank + i];
      bool padsKnown = before.constant && after.constant;
      bool proven = padsKnown && !inputType.isDynamicDim(i);
      unchanged.push_back(padsKnown && *before.constant == 0 &&
                          *after.constant == 0);
      Value negBefore = arith::SubIOp::create(rewriter, loc, zero, before.value);
      Value negAfter = arith::SubIOp::create(rewriter, loc, zero, after.value);
      Value crop = maxZero(negBefore);
      Value n = arith::SubIOp::create(
          rewriter, loc,
          arith::SubIOp::create(rewriter, loc,
                                dimValue(rewriter, loc, input, i), crop),
          maxZero(negAfter));
      Value padB = maxZero(before.value), padA = maxZero(after.value);
      if (!proven) {
        checks.require(rewriter, loc,
                       cmpi(rewriter, loc, CmpIPredicate::sge, n, zero));
        if (mode != "constant") {
          // Something to pad needs something to read.
          Value padded = cmpi(rewriter, loc, CmpIPredicate::sgt,
                              arith::AddIOp::create(rewriter, loc, padB, padA),
                              zero);
          checks.require(
              rewriter, loc,
              arith::OrIOp::create(
                  rewriter, loc,
                  arith::XOrIOp::create(
                      rewriter, loc, padded,
                      arith::ConstantIntOp::create(rewriter, loc,
                                                   rewriter.getI1Type(), 1)),
                  cmpi(rewriter, loc, CmpIPredicate::sge, n, one)));
        }
      }
      Value size = arith::AddIOp::create(
          rewriter, loc, n, arith::AddIOp::create(rewriter, loc, padB, padA));
      checks.requireStaticDim(rewriter, loc, resultType, i, size, proven);
      cropBefore.push_back(crop);
      padBefore.push_back(padB);
      kept.push_back(n);
      sizes.push_back(size);
    }
    Value ok = checks.emit(rewriter, loc, op,
                           "the pads crop more than the input has, leave "
                           "nothing to pad from, or give a size other than "
                           "the result's static one");
    Value value;
    if (mode == "constant")
      value = adaptor.getValue()
                  ? extractScalar(rewriter, loc, adaptor.getValue())
                  : zeroOf(rewriter, loc, resultType.getElementType());
    Value result = buildIfValid(
        rewriter, loc, ok, resultType, [&](OpBuilder &b, Location l) -> Value {
          if (mode == "constant") {
            SmallVector<OpFoldResult> ones(rank, b.getIndexAttr(1));
            SmallVector<OpFoldResult> crop = getAsOpFoldResult(cropBefore);
            SmallVector<OpFoldResult> extent = getAsOpFoldResult(kept);
            Value source = tensor::ExtractSliceOp::create(b, l, input, crop,
                                                          extent, ones);
            Value filled = buildFilled(b, l, resultType,
                                       dynamicSizesOf(resultType, sizes), value);
            return tensor::InsertSliceOp::create(
                b, l, source, filled, getAsOpFoldResult(padBefore), extent,
                ones);
          }
          return buildIndexed(
              b, l, resultType, sizes,
              [&](OpBuilder &nb, Location nl, ArrayRef<Value> ivs) -> Value {
                SmallVector<Value> at;
                for (int64_t i = 0; i < rank; ++i) {
                  if (unchanged[i]) {
                    at.push_back(ivs[i]);
                    continue;
                  }
                  Value s = arith::SubIOp::create(nb, nl, ivs[i], padBefore[i]);
                  at.push_back(arith::AddIOp::create(
                      nb, nl, padSource(nb, nl, mode, s, kept[i]),
                      cropBefore[i]));
                }
                return tensor::ExtractOp::create(nb, nl, input, at);
              });
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// depth_to_space and space_to_depth
//===----------------------------------------------------------------------===//

/// `value` transposed by `perm` into a fresh tensor.
Value transposed(OpBuilder &b, Location loc, Value value,
                 ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape;
  SmallVector<OpFoldResult> sizes;
  for (int64_t p : perm) {
    shape.push_back(type.getDimSize(p));
    sizes.push_back(tensor::getMixedSize(b, loc, value, p));
  }
  Value empty = tensor::EmptyOp::create(b, loc, sizes, type.getElementType());
  return linalg::TransposeOp::create(b, loc, value, empty, perm).getResult()[0];
}

// depth_to_space: [N, C, H, W] expands C into (b, b, C') (DCR) or
// (C', b, b) (CRD), moves the two b's after H and W, and collapses
// (H, b) and (W, b).
struct DepthToSpacePattern : OpConversionPattern<DepthToSpaceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DepthToSpaceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t b = op.getBlocksize();
    bool dcr = op.getMode() == "DCR";
    Value channels = dimValue(rewriter, loc, input, 1);
    Value area = indexConstant(rewriter, loc, b * b);
    RuntimeChecks checks;
    if (inputType.isDynamicDim(1))
      checks.require(
          rewriter, loc,
          cmpi(rewriter, loc, CmpIPredicate::eq,
               arith::RemUIOp::create(rewriter, loc, channels, area),
               indexConstant(rewriter, loc, 0)));
    Value ok = checks.emit(rewriter, loc, op,
                           "the channels are not divisible by blocksize^2");
    Value result = buildIfValid(
        rewriter, loc, ok, resultType, [&](OpBuilder &nb, Location l) {
          ArrayRef<int64_t> in = inputType.getShape();
          int64_t c = resultType.getDimSize(1);
          OpFoldResult cSize =
              resultType.isDynamicDim(1)
                  ? OpFoldResult(
                        arith::DivUIOp::create(nb, l, channels, area).getResult())
                  : nb.getIndexAttr(c);
          OpFoldResult bSize = nb.getIndexAttr(b);
          SmallVector<int64_t> shape = {in[0], b, b, c, in[2], in[3]};
          SmallVector<OpFoldResult> sizes = {
              tensor::getMixedSize(nb, l, input, 0), bSize, bSize, cSize,
              tensor::getMixedSize(nb, l, input, 2),
              tensor::getMixedSize(nb, l, input, 3)};
          SmallVector<int64_t> perm = {0, 3, 4, 1, 5, 2};
          if (!dcr) {
            shape = {in[0], c, b, b, in[2], in[3]};
            std::swap(sizes[1], sizes[3]);
            perm = {0, 1, 4, 2, 5, 3};
          }
          SmallVector<ReassociationIndices> expandGroups = {
              {0}, {1, 2, 3}, {4}, {5}};
          Value expanded = buildExpandShape(
              nb, l, RankedTensorType::get(shape, inputType.getElementType()),
              input, expandGroups, sizes);
          Value moved = transposed(nb, l, expanded, perm);
          SmallVector<ReassociationIndices> collapseGroups = {
              {0}, {1}, {2, 3}, {4, 5}};
          return tensor::CollapseShapeOp::create(nb, l, resultType, moved,
                                                 collapseGroups)
              .getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

// space_to_depth: [N, C, H, W] expands H into (H', b) and W into (W', b),
// moves the two b's before C, and collapses (b, b, C).
struct SpaceToDepthPattern : OpConversionPattern<SpaceToDepthOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SpaceToDepthOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t b = op.getBlocksize();
    Value block = indexConstant(rewriter, loc, b);
    RuntimeChecks checks;
    for (int64_t i = 2; i < 4; ++i)
      if (inputType.isDynamicDim(i))
        checks.require(
            rewriter, loc,
            cmpi(rewriter, loc, CmpIPredicate::eq,
                 arith::RemUIOp::create(rewriter, loc,
                                        dimValue(rewriter, loc, input, i),
                                        block),
                 indexConstant(rewriter, loc, 0)));
    Value ok = checks.emit(rewriter, loc, op,
                           "the spatial dims are not divisible by the "
                           "blocksize");
    Value result = buildIfValid(
        rewriter, loc, ok, resultType, [&](OpBuilder &nb, Location l) {
          ArrayRef<int64_t> in = inputType.getShape();
          auto blocks = [&](int64_t i) -> OpFoldResult {
            if (!inputType.isDynamicDim(i))
              return nb.getIndexAttr(in[i] / b);
            return arith::DivUIOp::create(nb, l, dimValue(nb, l, input, i),
                                          block)
                .getResult();
          };
          OpFoldResult bSize = nb.getIndexAttr(b);
          SmallVector<int64_t> shape = {in[0], in[1], resultType.getDimSize(2),
                                        b, resultType.getDimSize(3), b};
          SmallVector<OpFoldResult> sizes = {
              tensor::getMixedSize(nb, l, input, 0),
              tensor::getMixedSize(nb, l, input, 1), blocks(2), bSize,
              blocks(3), bSize};
          SmallVector<ReassociationIndices> expandGroups = {
              {0}, {1}, {2, 3}, {4, 5}};
          Value expanded = buildExpandShape(
              nb, l, RankedTensorType::get(shape, inputType.getElementType()),
              input, expandGroups, sizes);
          Value moved = transposed(nb, l, expanded, {0, 3, 5, 1, 2, 4});
          SmallVector<ReassociationIndices> collapseGroups = {
              {0}, {1, 2, 3}, {4}, {5}};
          return tensor::CollapseShapeOp::create(nb, l, resultType, moved,
                                                 collapseGroups)
              .getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void kiln::model_to_linalg::populateLayoutPatterns(RewritePatternSet &patterns,
                                                   const DimFacts *) {
  patterns.add<ExpandPattern, TilePattern, SplitPattern, PadPattern,
               DepthToSpacePattern, SpaceToDepthPattern>(patterns.getContext());
}
