//===- Vision.cpp - Convolutions to linalg --------------------------------===//
//
// Sliding-window ops read a padded input: padding is materialized by
// tensor.pad (zeros for convolutions and sums, the lowest value for max),
// sized so that every window of the output lies inside the padded tensor
// whatever the run-time sizes are. Each spatial dim gets
//
//   low  = pad_begin
//   high = max(0, (out - 1) * s + (K - 1) * d + 1 - in - pad_begin)
//
// which is at most pad_end in floor mode and adds the windows ceil_mode lets
// run past the end. A symbolic spatial dim computes `out` and the SAME pads
// at run time; a padded input shorter than the kernel is a run-time error
// (the output then has size 0, so nothing is read).
//
// Then the named linalg op that fits (linalg.conv_2d_nchw_fchw and its 1-D,
// 3-D, grouped and depthwise kin, linalg.pooling_nchw_max / _sum and the
// 1-D ones), else a linalg.generic with the same indexing maps. Sums of
// 16-bit floats accumulate in f32; i32 convolutions (ConvInteger) are exact
// integer sums. Window.cpp holds the geometry, Pooling.cpp
// the pools and LRN.
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

/// The accumulator a convolution starts from: the bias broadcast along the
/// channel dim (dim 1), or zeros.
Value convInit(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
               Type acc, Value bias) {
  if (!bias)
    return filledTensor(b, loc, sizes, acc, constantOf(b, loc, acc, 0));
  Value empty = tensor::EmptyOp::create(b, loc, sizes, acc);
  auto type = cast<RankedTensorType>(empty.getType());
  MLIRContext *ctx = b.getContext();
  int64_t rank = type.getRank();
  SmallVector<AffineMap> maps = {
      AffineMap::get(rank, 0, {getAffineDimExpr(1, ctx)}, ctx),
      b.getMultiDimIdentityMap(rank)};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, type, bias, empty, maps, iterators,
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               linalg::YieldOp::create(
                   nb, nloc, convertScalar(nb, nloc, args[0], acc));
             })
      .getResult(0);
}

/// Splits dim `dim` of `value` into [outer, size / outer] (static sizes).
Value splitDim(OpBuilder &b, Location loc, Value value, int64_t dim,
               int64_t outer) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape;
  SmallVector<OpFoldResult> sizes;
  SmallVector<ReassociationIndices> groups;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    OpFoldResult size = tensor::getMixedSize(b, loc, value, i);
    if (i != dim) {
      groups.push_back({(int64_t)shape.size()});
      shape.push_back(type.getDimSize(i));
      sizes.push_back(size);
      continue;
    }
    int64_t inner = type.getDimSize(i) / outer;
    groups.push_back({(int64_t)shape.size(), (int64_t)shape.size() + 1});
    shape.append({outer, inner});
    sizes.append({b.getIndexAttr(outer), b.getIndexAttr(inner)});
  }
  return buildExpandShape(b, loc, type.clone(shape), value, groups, sizes);
}

/// Merges dims `dim` and `dim + 1` of `value`.
Value mergeDims(OpBuilder &b, Location loc, Value value, int64_t dim) {
  int64_t rank = cast<RankedTensorType>(value.getType()).getRank();
  SmallVector<ReassociationIndices> groups;
  for (int64_t i = 0; i < rank; ++i) {
    if (i == dim + 1)
      continue;
    groups.push_back(i == dim ? ReassociationIndices{i, i + 1}
                              : ReassociationIndices{i});
  }
  return tensor::CollapseShapeOp::create(b, loc, value, groups);
}

/// How the generic convolution reads its weight.
enum class WeightLayout {
  Forward,   ///< [F, C / group, K...] (conv)
  Transposed ///< [C, F / group, K...], kernel flipped (conv_transpose)
};

/// The convolution as a linalg.generic over (n, g, f, o..., c, j...):
///   init[n, g*Fg + f, o...] += in[n, g*Cg + c, o*s + j*d + offset...]
///                              * w[g*Fg + f, c, j...]
/// (the Transposed layout reads w[g*Cg + c, f, K - 1 - j...]). The weight
/// and the accumulator get an explicit group dim and a flipped kernel a
/// shape-only window operand, so that every loop is a dim of some operand
/// (which is how linalg finds the loop ranges); the input is read through
/// g*Cg + c.
Value buildConvGeneric(OpBuilder &b, Location loc, Value input, Value weight,
                       Value init, int64_t group, ArrayRef<int64_t> strides,
                       ArrayRef<int64_t> dilations, ArrayRef<int64_t> offsets,
                       WeightLayout layout) {
  MLIRContext *ctx = b.getContext();
  auto weightType = cast<RankedTensorType>(weight.getType());
  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t k = inputType.getRank() - 2;
  int64_t cg = inputType.getDimSize(1) / group;
  Value groupedWeight = splitDim(b, loc, weight, 0, group);
  Value groupedInit = splitDim(b, loc, init, 1, group);
  // Loops: n, g, f, o_1..o_k, c, j_1..j_k.
  int64_t numLoops = 4 + 2 * k;
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  AffineExpr n = d(0), g = d(1), f = d(2), c = d(3 + k);
  SmallVector<AffineExpr> inExprs = {n, g * cg + c}, wExprs,
                          outExprs = {n, g, f};
  wExprs = layout == WeightLayout::Forward ? SmallVector<AffineExpr>{g, f, c}
                                           : SmallVector<AffineExpr>{g, c, f};
  for (int64_t i = 0; i < k; ++i) {
    AffineExpr o = d(3 + i), j = d(4 + k + i);
    inExprs.push_back(o * strides[i] + j * dilations[i] + offsets[i]);
    int64_t kernel = weightType.getDimSize(2 + i);
    wExprs.push_back(layout == WeightLayout::Forward ? j : kernel - 1 - j);
    outExprs.push_back(o);
  }
  SmallVector<Value> ins = {input, groupedWeight};
  SmallVector<AffineMap> maps = {AffineMap::get(numLoops, 0, inExprs, ctx),
                                 AffineMap::get(numLoops, 0, wExprs, ctx)};
  if (layout == WeightLayout::Transposed) {
    SmallVector<AffineExpr> windowExprs;
    for (int64_t i = 0; i < k; ++i)
      windowExprs.push_back(d(4 + k + i));
    ins.push_back(tensor::EmptyOp::create(b, loc,
                                          weightType.getShape().drop_front(2),
                                          weightType.getElementType()));
    maps.push_back(AffineMap::get(numLoops, 0, windowExprs, ctx));
  }
  maps.push_back(AffineMap::get(numLoops, 0, outExprs, ctx));
  SmallVector<utils::IteratorType> iterators(numLoops,
                                             utils::IteratorType::parallel);
  for (int64_t i = 3 + k; i < numLoops; ++i)
    iterators[i] = utils::IteratorType::reduction;
  Type acc = cast<RankedTensorType>(init.getType()).getElementType();
  Value result =
      linalg::GenericOp::create(
          b, loc, groupedInit.getType(), ins, groupedInit, maps, iterators,
          [&](OpBuilder &nb, Location nloc, ValueRange args) {
            Value x = convertScalar(nb, nloc, args[0], acc);
            Value w = convertScalar(nb, nloc, args[1], acc);
            Value sum;
            if (isa<FloatType>(acc)) {
              Value product = arith::MulFOp::create(nb, nloc, x, w);
              sum = arith::AddFOp::create(nb, nloc, args.back(), product);
            } else {
              Value product = arith::MulIOp::create(nb, nloc, x, w);
              sum = arith::AddIOp::create(nb, nloc, args.back(), product);
            }
            linalg::YieldOp::create(nb, nloc, sum);
          })
          .getResult(0);
  return mergeDims(b, loc, result, 1);
}

//===----------------------------------------------------------------------===//
// Convolutions
//===----------------------------------------------------------------------===//

/// A named linalg convolution over the padded input, where one fits:
/// ungrouped and depthwise (one filter per channel) convolutions in 1-3
/// spatial dims, and grouped 2-D ones.
std::optional<Value> buildNamedConv(OpBuilder &b, Location loc, Value input,
                                    Value weight, Value init, int64_t group,
                                    ArrayRef<int64_t> strides,
                                    ArrayRef<int64_t> dilations) {
  auto inputType = cast<RankedTensorType>(input.getType());
  auto weightType = cast<RankedTensorType>(weight.getType());
  int64_t k = inputType.getRank() - 2;
  int64_t channels = inputType.getDimSize(1);
  int64_t filters = weightType.getDimSize(0);
  Attribute s = b.getI64TensorAttr(strides), d = b.getI64TensorAttr(dilations);
  Type type = init.getType();
  if (group == 1) {
    SmallVector<Value> ins = {input, weight};
    if (k == 1)
      return linalg::Conv1DNcwFcwOp::create(b, loc, type, ins, init, s, d)
          .getResult(0);
    if (k == 2)
      return linalg::Conv2DNchwFchwOp::create(b, loc, type, ins, init, s, d)
          .getResult(0);
    if (k == 3)
      return linalg::Conv3DNcdhwFcdhwOp::create(b, loc, type, ins, init, s, d)
          .getResult(0);
    return std::nullopt;
  }
  if (group == channels && filters == channels && k <= 3) {
    // [C, 1, K...] -> [C, K...]
    SmallVector<ReassociationIndices> groups = {{0, 1}};
    for (int64_t i = 0; i < k; ++i)
      groups.push_back({i + 2});
    Value filter = tensor::CollapseShapeOp::create(b, loc, weight, groups);
    SmallVector<Value> ins = {input, filter};
    if (k == 1)
      return linalg::DepthwiseConv1DNcwCwOp::create(b, loc, type, ins, init, s,
                                                    d)
          .getResult(0);
    if (k == 2)
      return linalg::DepthwiseConv2DNchwChwOp::create(b, loc, type, ins, init,
                                                      s, d)
          .getResult(0);
    return linalg::DepthwiseConv3DNcdhwCdhwOp::create(b, loc, type, ins, init,
                                                      s, d)
        .getResult(0);
  }
  if (k == 2) {
    // [N, G*Cg, H, W] x [G*Fg, Cg, KH, KW] -> [N, G*Fg, OH, OW] through
    // linalg's [N, G, Cg, H, W] x [G, Fg, Cg, KH, KW] -> [N, G, Fg, OH, OW].
    Value groupedInput = splitDim(b, loc, input, 1, group);
    Value groupedWeight = splitDim(b, loc, weight, 0, group);
    Value groupedInit = splitDim(b, loc, init, 1, group);
    Value result = linalg::Conv2DNgchwGfchwOp::create(
                       b, loc, groupedInit.getType(),
                       ValueRange{groupedInput, groupedWeight}, groupedInit,
                       s, d)
                       .getResult(0);
    return mergeDims(b, loc, result, 1);
  }
  return std::nullopt;
}

struct ConvPattern : OpConversionPattern<ConvOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Type element = resultType.getElementType();
    Type acc = accumulatorType(element);
    Value input = adaptor.getInput(), weight = adaptor.getWeight();
    auto weightType = cast<RankedTensorType>(weight.getType());
    SmallVector<WindowDim> dims =
        windowDims(weightType.getShape().drop_front(2), op.getStrides(),
                   op.getDilations(), op.getPads());
    SmallVector<SpatialPlan> plans =
        planWindows(rewriter, loc, op, input, dims,
                    *parseWindowPadding(op.getAutoPad()), false, resultType);
    Value padded = padSpatial(rewriter, loc, input, plans,
                              constantOf(rewriter, loc, element, 0));
    Value init = convInit(
        rewriter, loc,
        windowOutputSizes(rewriter, loc, input,
                    rewriter.getIndexAttr(weightType.getDimSize(0)), plans),
        acc, adaptor.getBias());
    int64_t group = op.getGroup();
    std::optional<Value> result =
        buildNamedConv(rewriter, loc, padded, weight, init, group,
                       op.getStrides(), op.getDilations());
    if (!result) {
      SmallVector<int64_t> offsets(dims.size(), 0);
      result = buildConvGeneric(rewriter, loc, padded, weight, init, group,
                                op.getStrides(), op.getDilations(), offsets,
                                WeightLayout::Forward);
    }
    rewriter.replaceOp(op, castElements(rewriter, loc, *result, element));
    return success();
  }
};

// conv_transpose(x, w) is a stride-1 convolution of x dilated by the stride
// (s - 1 zeros between neighbours) and padded by (K - 1) * d - pad_begin at
// the start and (K - 1) * d - pad_end + output_padding at the end, with the
// kernel flipped and its channel dims swapped. The dilation is a strided
// tensor.insert_slice into zeros, so nothing scatters. A negative pad (a pad
// larger than the dilated kernel) crops instead: the generic then reads
// from an offset into the padded input.
struct ConvTransposePattern : OpConversionPattern<ConvTransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConvTransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    IndexMath m{rewriter, loc};
    auto resultType = cast<RankedTensorType>(op.getType());
    Type element = resultType.getElementType();
    Type acc = accumulatorType(element);
    Value input = adaptor.getInput(), weight = adaptor.getWeight();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto weightType = cast<RankedTensorType>(weight.getType());
    int64_t k = inputType.getRank() - 2, group = op.getGroup();
    ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations(),
                      pads = op.getPads(), extra = op.getOutputPadding();

    SmallVector<OpFoldResult> zSizes = {
        tensor::getMixedSize(rewriter, loc, input, 0),
        tensor::getMixedSize(rewriter, loc, input, 1)};
    SmallVector<OpFoldResult> offsets(2, rewriter.getIndexAttr(0)),
        sizes(zSizes), steps(2, rewriter.getIndexAttr(1));
    SmallVector<OpFoldResult> outSizes = {
        zSizes[0], rewriter.getIndexAttr(weightType.getDimSize(1) * group)};
    SmallVector<int64_t> readOffsets;
    for (int64_t i = 0; i < k; ++i) {
      int64_t s = strides[i], reach = (weightType.getDimSize(i + 2) - 1) *
                                      dilations[i];
      int64_t low = reach - pads[i], high = reach - pads[i + k] + extra[i];
      OpFoldResult in = tensor::getMixedSize(rewriter, loc, input, i + 2);
      // An empty input dim has no dilated form: it is an error (the size
      // is kept at 1 below so that nothing is read out of bounds).
      m.check(arith::CmpIPredicate::sge, in, m.c(1), op,
              "spatial dim " + Twine(i) + " of the input is empty");
      OpFoldResult dilated = m.add(m.mul(m.add(m.max(in, 1), -1), s), 1);
      OpFoldResult out = m.max(m.add(dilated, low + high - reach), 0);
      int64_t declared = resultType.getDimSize(i + 2);
      if (!ShapedType::isDynamic(declared)) {
        m.check(arith::CmpIPredicate::eq, out, m.c(declared), op,
                "spatial dim " + Twine(i) +
                    " of the output differs from its declared size " +
                    Twine(declared));
        out = m.c(declared);
      }
      int64_t lowPad = std::max<int64_t>(low, 0);
      readOffsets.push_back(lowPad - low);
      // Long enough for every window, (out - 1) + reach + 1 + offset, and
      // for the dilated input.
      zSizes.push_back(
          m.max(m.add(out, reach + lowPad - low),
                m.add(dilated, lowPad + std::max<int64_t>(high, 0))));
      offsets.push_back(rewriter.getIndexAttr(lowPad));
      sizes.push_back(in);
      steps.push_back(rewriter.getIndexAttr(s));
      outSizes.push_back(out);
    }
    Value zeros = filledTensor(rewriter, loc, zSizes, element,
                         constantOf(rewriter, loc, element, 0));
    Value dilatedInput = tensor::InsertSliceOp::create(
        rewriter, loc, input, zeros, offsets, sizes, steps);
    Value init = convInit(rewriter, loc, outSizes, acc, adaptor.getBias());
    SmallVector<int64_t> ones(k, 1);
    Value result = buildConvGeneric(rewriter, loc, dilatedInput, weight, init,
                                    group, ones, dilations, readOffsets,
                                    WeightLayout::Transposed);
    rewriter.replaceOp(op, castElements(rewriter, loc, result, element));
    return success();
  }
};

} // namespace

void kiln::model_to_linalg::populateVisionPatterns(RewritePatternSet &patterns,
                                                   const DimFacts *) {
  patterns.add<ConvPattern, ConvTransposePattern>(patterns.getContext());
  populatePoolingPatterns(patterns);
  populateResizePatterns(patterns);
}
