//===- DataMovement.cpp - Shape and indexing `model` ops to tensor/linalg -===//
#include "passes/Conversion/ModelToLinalg/ModelToLinalg.h"

#include "dialects/Model/Analysis/DimEquivalence.h"
#include "dialects/Model/IR/ModelOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace kiln::model;
using namespace kiln::model_to_linalg;

namespace {

/// Dim `i` of `value` as an i64 (the element type of shape tensors).
Value i64Dim(OpBuilder &b, Location loc, Value value, int64_t i) {
  return arith::IndexCastOp::create(b, loc, b.getI64Type(),
                                    dimValue(b, loc, value, i));
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
// -1 takes the remaining element count). With dynamic input dims the
// element counts are checked at run time: the -1 must divide evenly (and the
// other entries must not be 0, which it would divide by), and without a -1
// the counts must be equal.
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
    if (inputType.hasStaticShape()) {
      // The verifier checked the element counts (and inferred every dim).
      rewriter.replaceOp(
          op, reshapeRowMajor(rewriter, loc, input, resultType, dims));
      return success();
    }
    Value total = indexConstant(rewriter, loc, 1);
    for (int64_t i = 0; i < inputType.getRank(); ++i)
      total = arith::MulIOp::create(rewriter, loc, total,
                                    dimValue(rewriter, loc, input, i));
    Value zero = indexConstant(rewriter, loc, 0);
    Value ok;
    if (inferredAt >= 0) {
      Value isZero = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::eq, known, zero);
      Value safeKnown = arith::SelectOp::create(
          rewriter, loc, isZero, indexConstant(rewriter, loc, 1), known);
      Value inferred =
          arith::DivUIOp::create(rewriter, loc, total, safeKnown);
      Value rest = arith::RemUIOp::create(rewriter, loc, total, safeKnown);
      ok = arith::AndIOp::create(
          rewriter, loc,
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ne,
                                known, zero),
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, rest,
                                zero));
      dims[inferredAt] = inferred;
    } else {
      ok = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq,
                                 total, known);
    }
    emitRuntimeCheck(rewriter, loc, ok, op,
                     "the input's element count does not fit the requested "
                     "shape");
    rewriter.replaceOp(
        op, buildIfValid(rewriter, loc, ok, resultType,
                           [&](OpBuilder &b, Location l) {
                             return reshapeRowMajor(b, l, input, resultType,
                                                    dims);
                           }));
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
//   r_i = v_i == 0 ? d_i : v_i   (r_i = v_i with allowzero)
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
      // With allowzero a 0 is a size-0 dim, not a copy.
      if (i < inputType.getRank() && !op.getAllowzero()) {
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
    // Valid: at most one -1, no other negative entry, a known part that is
    // not 0 when there is a -1 (it divides by it), and equal element counts.
    Value ok = arith::ConstantIntOp::create(rewriter, loc, rewriter.getI1Type(), 1);
    Value inferredCount = i64Constant(0);
    for (Value v : entries) {
      Value isInferred = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::eq, v, minusOne);
      inferredCount = arith::AddIOp::create(
          rewriter, loc, inferredCount,
          arith::ExtUIOp::create(rewriter, loc, i64, isInferred));
      Value valid = arith::OrIOp::create(
          rewriter, loc, isInferred,
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sge, v,
                                zero));
      ok = arith::AndIOp::create(rewriter, loc, ok, valid);
    }
    Value hasInferred = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::eq, inferredCount, one);
    ok = arith::AndIOp::create(
        rewriter, loc, ok,
        arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ule,
                              inferredCount, one));
    Value knownIsZero = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::eq, known, zero);
    Value safeKnown =
        arith::SelectOp::create(rewriter, loc, knownIsZero, one, known);
    Value inferred = arith::DivSIOp::create(rewriter, loc, total, safeKnown);
    Value fits = arith::SelectOp::create(
        rewriter, loc, hasInferred,
        arith::AndIOp::create(
            rewriter, loc,
            arith::XOrIOp::create(
                rewriter, loc, knownIsZero,
                arith::ConstantIntOp::create(rewriter, loc,
                                             rewriter.getI1Type(), 1)),
            arith::CmpIOp::create(
                rewriter, loc, arith::CmpIPredicate::eq,
                arith::RemSIOp::create(rewriter, loc, total, safeKnown),
                zero)),
        arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, total,
                              known));
    ok = arith::AndIOp::create(rewriter, loc, ok, fits);
    for (Value &v : entries) {
      Value isInferred = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::eq, v, minusOne);
      v = arith::SelectOp::create(rewriter, loc, isInferred, inferred, v);
    }
    // A static result dim must also be what the shape tensor asks for.
    for (auto [i, v] : llvm::enumerate(entries))
      if (!resultType.isDynamicDim(i))
        ok = arith::AndIOp::create(
            rewriter, loc, ok,
            arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, v,
                                  i64Constant(resultType.getDimSize(i))));
    emitRuntimeCheck(rewriter, loc, ok, op,
                     "the shape tensor is not a valid reshape of the input "
                     "(negative entries, more than one -1, or a different "
                     "element count)");
    rewriter.replaceOp(
        op, buildIfValid(rewriter, loc, ok, resultType,
                           [&](OpBuilder &b, Location l) -> Value {
                             Value shape = tensor::FromElementsOp::create(
                                 b, l,
                                 RankedTensorType::get(
                                     {(int64_t)entries.size()}, i64),
                                 entries);
                             return tensor::ReshapeOp::create(
                                 b, l, resultType, input, shape);
                           }));
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
// The other dims of all inputs must agree; where the compiler cannot prove it
// they are checked at run time, and after a failed check the unproven inputs
// are replaced by zeros of the result's size, so every insert stays in
// bounds.
struct ConcatPattern : CheckedPattern<ConcatOp> {
  using CheckedPattern::CheckedPattern;
  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t axis = op.getAxis(), rank = resultType.getRank();
    SmallVector<Value> inputs(adaptor.getInputs());
    ValueRange modelInputs = op.getInputs();

    // Each other dim's size comes from a static input if there is one.
    SmallVector<size_t> sourceOf(rank, 0);
    for (int64_t i = 0; i < rank; ++i)
      for (auto [k, input] : llvm::enumerate(inputs))
        if (!cast<RankedTensorType>(input.getType()).isDynamicDim(i))
          sourceOf[i] = k;
    SmallVector<bool> guarded(inputs.size(), false);
    Value ok = arith::ConstantIntOp::create(rewriter, loc,
                                            rewriter.getI1Type(), 1);
    for (int64_t i = 0; i < rank; ++i) {
      if (i == axis)
        continue;
      size_t src = sourceOf[i];
      for (auto [k, input] : llvm::enumerate(inputs)) {
        if (k == src)
          continue;
        bool bothStatic =
            !cast<RankedTensorType>(input.getType()).isDynamicDim(i) &&
            !cast<RankedTensorType>(inputs[src].getType()).isDynamicDim(i);
        if (bothStatic || (facts && facts->provenEqual(modelInputs[k], i,
                                                       modelInputs[src], i)))
          continue;
        guarded[k] = true;
        ok = arith::AndIOp::create(
            rewriter, loc, ok,
            arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq,
                                  dimValue(rewriter, loc, input, i),
                                  dimValue(rewriter, loc, inputs[src], i)));
      }
    }
    // A result axis refined to a static size must be what the inputs add up
    // to; after a failed check the dynamic ones become empty along it.
    SmallVector<bool> emptied(inputs.size(), false);
    if (!resultType.isDynamicDim(axis)) {
      Value total = indexConstant(rewriter, loc, 0);
      for (auto [k, input] : llvm::enumerate(inputs)) {
        total = arith::AddIOp::create(rewriter, loc, total,
                                      dimValue(rewriter, loc, input, axis));
        if (cast<RankedTensorType>(input.getType()).isDynamicDim(axis))
          guarded[k] = emptied[k] = true;
      }
      if (llvm::is_contained(emptied, true))
        ok = arith::AndIOp::create(
            rewriter, loc, ok,
            arith::CmpIOp::create(
                rewriter, loc, arith::CmpIPredicate::eq, total,
                indexConstant(rewriter, loc, resultType.getDimSize(axis))));
    }
    if (llvm::is_contained(guarded, true)) {
      emitRuntimeCheck(rewriter, loc, ok, op,
                       "the inputs' sizes do not concatenate into the result "
                       "(dims other than the axis differ, or the axis sizes "
                       "do not add up)");
      for (size_t k = 0; k < inputs.size(); ++k) {
        if (!guarded[k])
          continue;
        Value &input = inputs[k];
        Value original = input;
        input = scf::IfOp::create(
                    rewriter, loc, ok,
                    [&](OpBuilder &b, Location l) {
                      scf::YieldOp::create(b, l, original);
                    },
                    [&](OpBuilder &b, Location l) {
                      SmallVector<OpFoldResult> sizes;
                      for (int64_t i = 0; i < rank; ++i)
                        sizes.push_back(
                            i == axis && emptied[k]
                                ? OpFoldResult(b.getIndexAttr(0))
                                : tensor::getMixedSize(
                                      b, l,
                                      i == axis ? original
                                                : inputs[sourceOf[i]],
                                      i));
                      scf::YieldOp::create(
                          b, l,
                          zerosOfType(
                              b, l,
                              cast<RankedTensorType>(original.getType()),
                              sizes));
                    })
                    .getResult(0);
      }
    }

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
      sizes.push_back(dimValue(rewriter, loc, inputs[sourceOf[i]], i));
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

// gather: out[p..., i..., q...] = data[p..., wrap(indices[i...]), q...].
// Indices not proven in [-dim, dim) are checked at run time first; the
// gather is built only when they are.
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
    Value axisDim = dimValue(rewriter, loc, data, axis);

    DenseElementsAttr constant;
    std::optional<SmallVector<int64_t>> known =
        matchPattern(op.getIndices(), m_Constant(&constant))
            ? getIntValues(constant)
            : std::nullopt;
    int64_t dim = dataType.getDimSize(axis);
    bool proven = known && !ShapedType::isDynamic(dim) &&
                  llvm::all_of(*known, [&](int64_t v) {
                    return v >= -dim && v < dim;
                  });
    RuntimeChecks checks;
    if (!proven)
      checks.require(rewriter, loc,
                     allIndicesInRange(rewriter, loc, indices,
                                       [&](OpBuilder &, Location) {
                                         return axisDim;
                                       }));
    Value ok = checks.emit(rewriter, loc, op,
                           "an index is out of range of the gathered dim");

    auto build = [&](OpBuilder &b, Location l) -> Value {
      SmallVector<Value> sizes;
      for (int64_t i = 0; i < rank; ++i) {
        if (!resultType.isDynamicDim(i))
          continue;
        if (i < axis)
          sizes.push_back(tensor::DimOp::create(b, l, data, i));
        else if (i < axis + indexRank)
          sizes.push_back(tensor::DimOp::create(b, l, indices, i - axis));
        else
          sizes.push_back(
              tensor::DimOp::create(b, l, data, i - indexRank + 1));
      }
      Value empty = tensor::EmptyOp::create(b, l, resultType.getShape(),
                                            resultType.getElementType(), sizes);
      SmallVector<AffineExpr> indexExprs;
      for (int64_t i = 0; i < indexRank; ++i)
        indexExprs.push_back(b.getAffineDimExpr(axis + i));
      SmallVector<AffineMap> maps = {
          AffineMap::get(rank, 0, indexExprs, b.getContext()),
          b.getMultiDimIdentityMap(rank)};
      SmallVector<utils::IteratorType> iterators(rank,
                                                 utils::IteratorType::parallel);
      auto generic = linalg::GenericOp::create(
          b, l, resultType, indices, empty, maps, iterators,
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            SmallVector<Value> coords;
            for (int64_t i = 0; i < axis; ++i)
              coords.push_back(linalg::IndexOp::create(nb, nl, i));
            coords.push_back(wrapIndex(nb, nl, args[0], axisDim));
            for (int64_t i = axis + 1; i < dataType.getRank(); ++i)
              coords.push_back(
                  linalg::IndexOp::create(nb, nl, i + indexRank - 1));
            linalg::YieldOp::create(
                nb, nl,
                tensor::ExtractOp::create(nb, nl, data, coords).getResult());
          });
      return generic.getResult(0);
    };
    rewriter.replaceOp(op, buildIfValid(rewriter, loc, ok, resultType, build));
    return success();
  }
};

} // namespace

void kiln::model_to_linalg::populateDataMovementPatterns(
    RewritePatternSet &patterns, const DimFacts *facts) {
  patterns.add<TransposePattern, ReshapePattern, ShapePattern,
               DynamicReshapePattern, UnsqueezePattern, SqueezePattern,
               SlicePattern, GatherPattern>(patterns.getContext());
  patterns.add<ConcatPattern>(patterns.getContext(), facts);
}
