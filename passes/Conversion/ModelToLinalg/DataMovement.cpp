//===- DataMovement.cpp - Shape and indexing `model` ops to tensor/linalg -===//
#include "passes/Conversion/ModelToLinalg/ModelToLinalg.h"

#include "dialects/Model/IR/ModelOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace kiln::model;
using namespace kiln::model_to_linalg;

namespace {

Value indexConstant(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// Dim `i` of `value` as an i64 (the element type of shape tensors).
Value i64Dim(OpBuilder &b, Location loc, Value value, int64_t i) {
  return arith::IndexCastOp::create(b, loc, b.getI64Type(),
                                    dimValue(b, loc, value, i));
}

/// Replaces `op` by a tensor.reshape of `input` to the i64 sizes `dims`.
void replaceWithReshape(ConversionPatternRewriter &rewriter, Operation *op,
                        Value input, ArrayRef<Value> dims) {
  Value shape = tensor::FromElementsOp::create(
      rewriter, op->getLoc(),
      RankedTensorType::get({(int64_t)dims.size()}, rewriter.getI64Type()),
      dims);
  rewriter.replaceOpWithNewOp<tensor::ReshapeOp>(op, op->getResult(0).getType(),
                                                 input, shape);
}

struct TransposePattern : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    SmallVector<Value> sizes;
    for (auto [i, p] : llvm::enumerate(op.getPerm()))
      if (resultType.isDynamicDim(i))
        sizes.push_back(tensor::DimOp::create(rewriter, loc,
                                              adaptor.getInput(), p));
    Value empty = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                          resultType.getElementType(), sizes);
    rewriter.replaceOp(op, linalg::TransposeOp::create(rewriter, loc,
                                                       adaptor.getInput(),
                                                       empty, op.getPerm())
                               .getResult());
    return success();
  }
};

/// `input` with the same elements in row-major order as `resultType`, whose
/// dims are `sizes`: one collapse_shape or expand_shape when the two shapes
/// group into each other, else a collapse to 1-D followed by an expand.
Value reshapeRowMajor(OpBuilder &b, Location loc, Value input,
                      RankedTensorType resultType,
                      ArrayRef<OpFoldResult> sizes) {
  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t inRank = inputType.getRank(), outRank = resultType.getRank();
  auto castTo = [&](Value v, RankedTensorType type) -> Value {
    return v.getType() == type ? v : tensor::CastOp::create(b, loc, type, v);
  };
  if (auto groups = getReassociationIndicesForReshape(inputType, resultType)) {
    if (outRank < inRank)
      return tensor::CollapseShapeOp::create(b, loc, resultType, input,
                                             *groups);
    if (outRank > inRank)
      return buildExpandShape(b, loc, resultType, input, *groups, sizes);
    return castTo(input, resultType);
  }
  Value flat = input;
  if (inRank != 1) {
    SmallVector<ReassociationIndices> all;
    if (inRank > 1)
      all.push_back(llvm::to_vector(llvm::seq<int64_t>(0, inRank)));
    flat = tensor::CollapseShapeOp::create(b, loc, input, all);
  }
  if (outRank == 1)
    return castTo(flat, resultType);
  SmallVector<ReassociationIndices> all;
  if (outRank > 0)
    all.push_back(llvm::to_vector(llvm::seq<int64_t>(0, outRank)));
  if (outRank == 0)
    return tensor::CollapseShapeOp::create(b, loc, resultType, flat, all);
  return buildExpandShape(b, loc, resultType, flat, all, sizes);
}

// reshape: the row-major element order is kept, so a reshape is a
// collapse_shape / expand_shape to the resolved shape (0 copies an input dim,
// -1 takes the remaining element count).
struct ReshapePattern : OpConversionPattern<ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    if (inputType == resultType) {
      rewriter.replaceOp(op, input);
      return success();
    }
    SmallVector<OpFoldResult> dims;
    Value known = indexConstant(rewriter, loc, 1);
    int64_t inferredAt = -1;
    for (auto [i, d] : llvm::enumerate(op.getShape())) {
      OpFoldResult dim;
      if (!resultType.isDynamicDim(i))
        dim = rewriter.getIndexAttr(resultType.getDimSize(i));
      else if (d == 0)
        dim = tensor::DimOp::create(rewriter, loc, input, i).getResult();
      else
        inferredAt = i;
      dims.push_back(dim);
      if (dim)
        known = arith::MulIOp::create(
            rewriter, loc, known,
            getValueOrCreateConstantIndexOp(rewriter, loc, dim));
    }
    if (inferredAt >= 0) {
      Value total = indexConstant(rewriter, loc, 1);
      for (int64_t i = 0; i < inputType.getRank(); ++i)
        total = arith::MulIOp::create(rewriter, loc, total,
                                      dimValue(rewriter, loc, input, i));
      dims[inferredAt] =
          arith::DivUIOp::create(rewriter, loc, total, known).getResult();
    }
    rewriter.replaceOp(op,
                       reshapeRowMajor(rewriter, loc, input, resultType, dims));
    return success();
  }
};

struct ShapePattern : OpConversionPattern<ShapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ShapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    SmallVector<Value> dims;
    for (int64_t i = 0; i < cast<RankedTensorType>(input.getType()).getRank();
         ++i)
      dims.push_back(i64Dim(rewriter, loc, input, i));
    rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(op, op.getType(),
                                                        dims);
    return success();
  }
};

// dynamic_reshape: the ONNX rules on run-time values. With v_i the requested
// entries and d_i the input dims:
//   r_i = v_i == 0 ? d_i : v_i
//   known = product of r_i over the entries that are not -1
//   out_i = r_i == -1 ? (product of d_i) / known : r_i
struct DynamicReshapePattern : OpConversionPattern<DynamicReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DynamicReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput(), shape = adaptor.getShape();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    Type i64 = rewriter.getI64Type();
    auto i64Constant = [&](int64_t v) -> Value {
      return arith::ConstantIntOp::create(rewriter, loc, i64, v);
    };
    auto inputDim = [&](int64_t i) { return i64Dim(rewriter, loc, input, i); };
    Value zero = i64Constant(0), minusOne = i64Constant(-1), one = i64Constant(1);
    Value total = one;
    for (int64_t i = 0; i < inputType.getRank(); ++i)
      total = arith::MulIOp::create(rewriter, loc, total, inputDim(i));

    SmallVector<Value> entries;
    Value known = one;
    for (int64_t i = 0; i < resultType.getRank(); ++i) {
      Value v = tensor::ExtractOp::create(rewriter, loc, shape,
                                          ValueRange{indexConstant(rewriter, loc, i)});
      if (i < inputType.getRank()) {
        Value isCopy = arith::CmpIOp::create(
            rewriter, loc, arith::CmpIPredicate::eq, v, zero);
        v = arith::SelectOp::create(rewriter, loc, isCopy, inputDim(i), v);
      }
      Value isInferred = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::eq, v, minusOne);
      known = arith::MulIOp::create(
          rewriter, loc, known,
          arith::SelectOp::create(rewriter, loc, isInferred, one, v));
      entries.push_back(v);
    }
    Value inferred = arith::DivSIOp::create(rewriter, loc, total, known);
    for (Value &v : entries) {
      Value isInferred = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::eq, v, minusOne);
      v = arith::SelectOp::create(rewriter, loc, isInferred, inferred, v);
    }
    replaceWithReshape(rewriter, op, input, entries);
    return success();
  }
};

struct UnsqueezePattern : OpConversionPattern<UnsqueezeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(UnsqueezeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op.getType());
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
        op, resultType, adaptor.getInput(),
        unitDimGroups(resultType.getRank(), op.getAxes()));
    return success();
  }
};

struct SqueezePattern : OpConversionPattern<SqueezeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SqueezeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto inputType = cast<RankedTensorType>(adaptor.getInput().getType());
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
        op, op.getType(), adaptor.getInput(),
        unitDimGroups(inputType.getRank(), op.getAxes()));
    return success();
  }
};

// concat: each input is inserted into the result at the running offset.
struct ConcatPattern : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t axis = op.getAxis(), rank = resultType.getRank();
    ValueRange inputs = adaptor.getInputs();
    Value first = inputs.front();

    SmallVector<Value> sizes;
    for (int64_t i = 0; i < rank; ++i) {
      if (!resultType.isDynamicDim(i))
        continue;
      if (i == axis) {
        Value total = indexConstant(rewriter, loc, 0);
        for (Value input : inputs)
          total = arith::AddIOp::create(rewriter, loc, total,
                                        dimValue(rewriter, loc, input, axis));
        sizes.push_back(total);
        continue;
      }
      Value known;
      for (Value input : inputs)
        if (!cast<RankedTensorType>(input.getType()).isDynamicDim(i))
          known = dimValue(rewriter, loc, input, i);
      sizes.push_back(known ? known : dimValue(rewriter, loc, first, i));
    }
    Value result = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                           resultType.getElementType(), sizes);
    // The offset stays a constant while the preceding inputs are static.
    OpFoldResult offset = rewriter.getIndexAttr(0);
    for (Value input : inputs) {
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
      SmallVector<OpFoldResult> extent;
      for (int64_t i = 0; i < rank; ++i)
        extent.push_back(tensor::getMixedSize(rewriter, loc, input, i));
      offsets[axis] = offset;
      result = tensor::InsertSliceOp::create(rewriter, loc, input, result,
                                             offsets, extent, strides);
      std::optional<int64_t> staticOffset = getConstantIntValue(offset);
      std::optional<int64_t> staticExtent = getConstantIntValue(extent[axis]);
      if (staticOffset && staticExtent) {
        offset = rewriter.getIndexAttr(*staticOffset + *staticExtent);
        continue;
      }
      offset = arith::AddIOp::create(
                   rewriter, loc,
                   getValueOrCreateConstantIndexOp(rewriter, loc, offset),
                   getValueOrCreateConstantIndexOp(rewriter, loc, extent[axis]))
                   .getResult();
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

// slice: ONNX bounds (negative counts from the end, clamped to [0, dim]) and
// a positive step make one tensor.extract_slice.
struct SlicePattern : OpConversionPattern<SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t rank = resultType.getRank();
    SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
    SmallVector<OpFoldResult> sizes;
    for (int64_t i = 0; i < rank; ++i)
      sizes.push_back(tensor::getMixedSize(rewriter, loc, input, i));

    for (auto [axis, start, end, step] :
         llvm::zip(op.getAxes(), op.getStarts(), op.getEnds(),
                   op.getSteps())) {
      strides[axis] = rewriter.getIndexAttr(step);
      auto inputType = cast<RankedTensorType>(input.getType());
      if (!inputType.isDynamicDim(axis)) {
        // The same bounds the op's type inference computed.
        SliceRange range =
            clampSlice(start, end, step, inputType.getDimSize(axis));
        offsets[axis] = rewriter.getIndexAttr(range.start);
        sizes[axis] = rewriter.getIndexAttr(range.size);
        continue;
      }
      // Dynamic dim: clampSlice's arithmetic on index values.
      Value dim = tensor::DimOp::create(rewriter, loc, input, axis);
      Value zero = indexConstant(rewriter, loc, 0);
      auto clampIndex = [&](int64_t v) -> Value {
        Value raw = v < 0 ? (Value)arith::AddIOp::create(
                                rewriter, loc, dim, indexConstant(rewriter, loc, v))
                          : indexConstant(rewriter, loc, v);
        Value low = arith::MaxSIOp::create(rewriter, loc, raw, zero);
        return arith::MinSIOp::create(rewriter, loc, low, dim);
      };
      Value s = clampIndex(start), e = clampIndex(end);
      Value span = arith::MaxSIOp::create(
          rewriter, loc, arith::SubIOp::create(rewriter, loc, e, s), zero);
      offsets[axis] = s;
      sizes[axis] = arith::CeilDivSIOp::create(
                        rewriter, loc, span, indexConstant(rewriter, loc, step))
                        .getResult();
    }
    rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
        op, resultType, input, offsets, sizes, strides);
    return success();
  }
};

// gather: out[p..., i..., q...] = data[p..., clamp(wrap(indices[i...])), q...]
struct GatherPattern : OpConversionPattern<GatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    auto resultType = cast<RankedTensorType>(op.getType());
    auto dataType = cast<RankedTensorType>(data.getType());
    auto indicesType = cast<RankedTensorType>(indices.getType());
    int64_t axis = op.getAxis(), indexRank = indicesType.getRank();
    int64_t rank = resultType.getRank();

    SmallVector<Value> sizes;
    for (int64_t i = 0; i < rank; ++i) {
      if (!resultType.isDynamicDim(i))
        continue;
      if (i < axis)
        sizes.push_back(tensor::DimOp::create(rewriter, loc, data, i));
      else if (i < axis + indexRank)
        sizes.push_back(tensor::DimOp::create(rewriter, loc, indices, i - axis));
      else
        sizes.push_back(tensor::DimOp::create(rewriter, loc, data,
                                              i - indexRank + 1));
    }
    Value empty = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                          resultType.getElementType(), sizes);
    SmallVector<AffineExpr> indexExprs;
    for (int64_t i = 0; i < indexRank; ++i)
      indexExprs.push_back(rewriter.getAffineDimExpr(axis + i));
    SmallVector<AffineMap> maps = {
        AffineMap::get(rank, 0, indexExprs, rewriter.getContext()),
        rewriter.getMultiDimIdentityMap(rank)};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    Value axisDim = dimValue(rewriter, loc, data, axis);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, resultType, indices, empty, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value index =
              arith::IndexCastOp::create(b, l, b.getIndexType(), args[0]);
          Value zero = indexConstant(b, l, 0);
          Value negative = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::slt, index, zero);
          index = arith::SelectOp::create(
              b, l, negative, arith::AddIOp::create(b, l, index, axisDim),
              index);
          Value last = arith::SubIOp::create(b, l, axisDim,
                                             indexConstant(b, l, 1));
          index = arith::MinSIOp::create(
              b, l, arith::MaxSIOp::create(b, l, index, zero), last);
          SmallVector<Value> coords;
          for (int64_t i = 0; i < axis; ++i)
            coords.push_back(linalg::IndexOp::create(b, l, i));
          coords.push_back(index);
          for (int64_t i = axis + 1; i < dataType.getRank(); ++i)
            coords.push_back(linalg::IndexOp::create(b, l, i + indexRank - 1));
          Value element = tensor::ExtractOp::create(b, l, data, coords);
          linalg::YieldOp::create(b, l, element);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void kiln::model_to_linalg::populateDataMovementPatterns(
    RewritePatternSet &patterns) {
  patterns.add<TransposePattern, ReshapePattern, ShapePattern,
               DynamicReshapePattern, UnsqueezePattern,
               SqueezePattern, ConcatPattern, SlicePattern, GatherPattern>(
      patterns.getContext());
}
