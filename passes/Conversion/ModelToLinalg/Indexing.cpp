//===- Indexing.cpp - Gathers, scatters, one_hot and reverse_sequence -----===//
//
// Lowerings of the `model` ops that read or write at positions given by
// data: gather_elements and gather_nd (a linalg.generic that reads `data`
// at the position each result element names), scatter_nd and
// scatter_elements (loops over the updates, in order, that insert into a
// copy of `data`), one_hot and reverse_sequence.
//
// ONNX makes an index outside [-dim, dim) an error: every index tensor not
// proven in range is checked at run time by one reduction over it
// (allIndicesInRange), negative indices are wrapped, and the result is
// built under buildIfValid, so after a failed check nothing is read or
// written out of bounds.
//
//===----------------------------------------------------------------------===//
#include "passes/Conversion/ModelToLinalg/ModelToLinalg.h"

#include "dialects/Model/IR/ModelOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace kiln::model;
using namespace kiln::model_to_linalg;


namespace {

using arith::CmpIPredicate;

/// Whether the model-level `indices` are constants within [-dim, dim) of a
/// static `dim`, so that they need no run-time check.
bool constantInRange(Value indices, int64_t dim) {
  DenseElementsAttr attr;
  if (ShapedType::isDynamic(dim) || !matchPattern(indices, m_Constant(&attr)))
    return false;
  std::optional<SmallVector<int64_t>> values = getIntValues(attr);
  return values && llvm::all_of(*values, [&](int64_t v) {
           return v >= -dim && v < dim;
         });
}

/// The sizes of `type` whose dims are those of `sources[i]` (value, dim).
SmallVector<Value> dynamicSizes(OpBuilder &b, Location loc,
                                RankedTensorType type,
                                ArrayRef<std::pair<Value, int64_t>> sources) {
  SmallVector<Value> sizes;
  for (auto [i, source] : llvm::enumerate(sources))
    if (type.isDynamicDim(i))
      sizes.push_back(dimValue(b, loc, source.first, source.second));
  return sizes;
}

/// The generic over `resultType` that reads `indices` (of the result's
/// leading dims, through `indicesMap`) and yields `body(index, loop
/// indices)`.
Value buildGatherLike(
    OpBuilder &b, Location loc, RankedTensorType resultType,
    ArrayRef<Value> sizes, Value indices, AffineMap indicesMap,
    function_ref<Value(OpBuilder &, Location, Value, ArrayRef<Value>)> body) {
  int64_t rank = resultType.getRank();
  Value empty = tensor::EmptyOp::create(b, loc, resultType.getShape(),
                                        resultType.getElementType(), sizes);
  SmallVector<AffineMap> maps = {indicesMap, b.getMultiDimIdentityMap(rank)};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, resultType, indices, empty, maps, iterators,
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               SmallVector<Value> ivs;
               for (int64_t i = 0; i < rank; ++i)
                 ivs.push_back(linalg::IndexOp::create(nb, nloc, i));
               linalg::YieldOp::create(nb, nloc, body(nb, nloc, args[0], ivs));
             })
      .getResult(0);
}

//===----------------------------------------------------------------------===//
// Gathers
//===----------------------------------------------------------------------===//

// gather_elements: result[p] = data[p with p[axis] = wrap(indices[p])].
struct GatherElementsPattern : OpConversionPattern<GatherElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherElementsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    auto resultType = cast<RankedTensorType>(op.getType());
    auto dataType = cast<RankedTensorType>(data.getType());
    int64_t axis = op.getAxis(), rank = resultType.getRank();
    Value axisDim = dimValue(rewriter, loc, data, axis);
    RuntimeChecks checks;
    if (!constantInRange(op.getIndices(), dataType.getDimSize(axis)))
      checks.require(rewriter, loc,
                     allIndicesInRange(rewriter, loc, indices,
                                       [&](OpBuilder &, Location) {
                                         return axisDim;
                                       }));
    for (int64_t i = 0; i < rank; ++i)
      if (i != axis && (dataType.isDynamicDim(i) ||
                        cast<RankedTensorType>(indices.getType())
                            .isDynamicDim(i)))
        checks.require(rewriter, loc,
                       cmpi(rewriter, loc, CmpIPredicate::sle,
                            dimValue(rewriter, loc, indices, i),
                            dimValue(rewriter, loc, data, i)));
    Value ok = checks.emit(rewriter, loc, op,
                           "an index is out of range, or the indices are "
                           "larger than the data along another dim");
    SmallVector<std::pair<Value, int64_t>> sources;
    for (int64_t i = 0; i < rank; ++i)
      sources.push_back({indices, i});
    Value result = buildIfValid(
        rewriter, loc, ok, resultType, [&](OpBuilder &b, Location l) {
          return buildGatherLike(
              b, l, resultType, dynamicSizes(b, l, resultType, sources),
              indices, b.getMultiDimIdentityMap(rank),
              [&](OpBuilder &nb, Location nl, Value index,
                  ArrayRef<Value> ivs) -> Value {
                SmallVector<Value> at(ivs);
                at[axis] = wrapIndex(nb, nl, index, axisDim);
                return tensor::ExtractOp::create(nb, nl, data, at);
              });
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Dims [first, first + count) of `value` as index values.
SmallVector<Value> dimsOf(OpBuilder &b, Location loc, Value value,
                          int64_t first, int64_t count) {
  SmallVector<Value> dims;
  for (int64_t i = first; i < first + count; ++i)
    dims.push_back(dimValue(b, loc, value, i));
  return dims;
}

/// The check that every k-tuple in the last dim of `indices` addresses
/// dims [first, first + k) of `data`: component c is bounded by data dim
/// first + c.
Value tuplesInRange(OpBuilder &b, Location loc, Value indices, Value data,
                    int64_t first) {
  auto type = cast<RankedTensorType>(indices.getType());
  int64_t k = type.getDimSize(type.getRank() - 1);
  Value bounds = tensor::FromElementsOp::create(
      b, loc, RankedTensorType::get({k}, b.getIndexType()),
      dimsOf(b, loc, data, first, k));
  return allIndicesInRange(b, loc, indices, [&](OpBuilder &nb, Location l) {
    Value c = linalg::IndexOp::create(nb, l, type.getRank() - 1);
    return tensor::ExtractOp::create(nb, l, bounds, ValueRange{c}).getResult();
  });
}

/// The wrapped components of the index tuple at `position` (the indices'
/// leading dims), which address dims [first, first + k) of `data`.
SmallVector<Value> readTuple(OpBuilder &b, Location loc, Value indices,
                             ArrayRef<Value> position, Value data,
                             int64_t first) {
  auto type = cast<RankedTensorType>(indices.getType());
  int64_t k = type.getDimSize(type.getRank() - 1);
  SmallVector<Value> tuple;
  for (int64_t c = 0; c < k; ++c) {
    SmallVector<Value> at(position);
    at.push_back(indexConstant(b, loc, c));
    Value component = tensor::ExtractOp::create(b, loc, indices, at);
    tuple.push_back(
        wrapIndex(b, loc, component, dimValue(b, loc, data, first + c)));
  }
  return tuple;
}

// gather_nd: result[p, q] = data[p[:b], tuple(p), q], where p runs over the
// indices' leading dims and the tuple is indices[p, :].
struct GatherNDPattern : OpConversionPattern<GatherNDOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherNDOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    auto resultType = cast<RankedTensorType>(op.getType());
    auto indicesType = cast<RankedTensorType>(indices.getType());
    int64_t batch = op.getBatchDims(), q = indicesType.getRank();
    int64_t k = indicesType.getDimSize(q - 1);
    int64_t dataRank = cast<RankedTensorType>(data.getType()).getRank();
    RuntimeChecks checks;
    for (int64_t i = 0; i < batch; ++i)
      checks.requireEqualDims(rewriter, loc, indices, i, data, i);
    checks.require(rewriter, loc,
                   tuplesInRange(rewriter, loc, indices, data, batch));
    Value ok = checks.emit(rewriter, loc, op,
                           "an index is out of range, or the batch dims of "
                           "data and indices differ");
    SmallVector<std::pair<Value, int64_t>> sources;
    for (int64_t i = 0; i < q - 1; ++i)
      sources.push_back({i < batch ? data : indices, i});
    for (int64_t i = batch + k; i < dataRank; ++i)
      sources.push_back({data, i});
    Value result = buildIfValid(
        rewriter, loc, ok, resultType, [&](OpBuilder &b, Location l) {
          Value empty = tensor::EmptyOp::create(
              b, l, resultType.getShape(), resultType.getElementType(),
              dynamicSizes(b, l, resultType, sources));
          int64_t rank = resultType.getRank();
          SmallVector<utils::IteratorType> iterators(
              rank, utils::IteratorType::parallel);
          return linalg::GenericOp::create(
                     b, l, resultType, ValueRange{}, empty,
                     ArrayRef<AffineMap>{b.getMultiDimIdentityMap(rank)},
                     iterators,
                     [&](OpBuilder &nb, Location nl, ValueRange) {
                       SmallVector<Value> ivs;
                       for (int64_t i = 0; i < rank; ++i)
                         ivs.push_back(linalg::IndexOp::create(nb, nl, i));
                       ArrayRef<Value> position(ivs);
                       SmallVector<Value> at(position.take_front(batch));
                       llvm::append_range(
                           at, readTuple(nb, nl, indices,
                                         position.take_front(q - 1), data,
                                         batch));
                       llvm::append_range(at, position.drop_front(q - 1));
                       linalg::YieldOp::create(
                           nb, nl,
                           tensor::ExtractOp::create(nb, nl, data, at)
                               .getResult());
                     })
              .getResult(0);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Scatters
//===----------------------------------------------------------------------===//

/// `old` combined with `update` by a scatter's reduction.
Value combine(OpBuilder &b, Location loc, StringRef reduction, Value old,
              Value update) {
  Type type = old.getType();
  bool isFloat = isa<FloatType>(type), isBool = type.isInteger(1);
  if (reduction == "add")
    return isFloat  ? (Value)arith::AddFOp::create(b, loc, old, update)
           : isBool ? (Value)arith::OrIOp::create(b, loc, old, update)
                    : arith::AddIOp::create(b, loc, old, update);
  if (reduction == "mul")
    return isFloat  ? (Value)arith::MulFOp::create(b, loc, old, update)
           : isBool ? (Value)arith::AndIOp::create(b, loc, old, update)
                    : arith::MulIOp::create(b, loc, old, update);
  if (reduction == "max")
    return isFloat  ? (Value)arith::MaximumFOp::create(b, loc, old, update)
           : isBool ? (Value)arith::OrIOp::create(b, loc, old, update)
                    : arith::MaxSIOp::create(b, loc, old, update);
  if (reduction == "min")
    return isFloat  ? (Value)arith::MinimumFOp::create(b, loc, old, update)
           : isBool ? (Value)arith::AndIOp::create(b, loc, old, update)
                    : arith::MinSIOp::create(b, loc, old, update);
  return update;
}

/// Loops over `bounds` (in row-major order, so updates apply in ONNX's
/// order) carrying the result tensor, initially `data`; `body` gives the
/// position to store at and the update for the loop indices, and the
/// stored value combines it with the current one.
Value scatterLoops(
    OpBuilder &b, Location loc, Value data, ArrayRef<Value> bounds,
    StringRef reduction,
    function_ref<std::pair<SmallVector<Value>, Value>(OpBuilder &, Location,
                                                      ValueRange)>
        body) {
  SmallVector<Value> lbs(bounds.size(), indexConstant(b, loc, 0));
  SmallVector<Value> steps(bounds.size(), indexConstant(b, loc, 1));
  scf::LoopNest nest = scf::buildLoopNest(
      b, loc, lbs, bounds, steps, ValueRange{data},
      [&](OpBuilder &nb, Location l, ValueRange ivs,
          ValueRange acc) -> scf::ValueVector {
        auto [at, update] = body(nb, l, ivs);
        Value stored = update;
        if (reduction != "none")
          stored = combine(nb, l, reduction,
                           tensor::ExtractOp::create(nb, l, acc[0], at),
                           update);
        return {tensor::InsertOp::create(nb, l, stored, acc[0], at)};
      });
  return nest.results.front();
}

// scatter_nd: for each tuple position p (in order) and slice position s,
// out[tuple(p), s] = combine(out[tuple(p), s], updates[p, s]).
struct ScatterNDPattern : OpConversionPattern<ScatterNDOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ScatterNDOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData(), indices = adaptor.getIndices(),
          updates = adaptor.getUpdates();
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t q = cast<RankedTensorType>(indices.getType()).getRank();
    int64_t k = cast<RankedTensorType>(indices.getType()).getDimSize(q - 1);
    int64_t r = resultType.getRank();
    RuntimeChecks checks;
    for (int64_t i = 0; i < q - 1; ++i)
      checks.requireEqualDims(rewriter, loc, updates, i, indices, i);
    for (int64_t i = k; i < r; ++i)
      checks.requireEqualDims(rewriter, loc, updates, q - 1 + i - k, data, i);
    checks.require(rewriter, loc,
                   tuplesInRange(rewriter, loc, indices, data, 0));
    Value ok = checks.emit(rewriter, loc, op,
                           "an index is out of range, or the updates' shape "
                           "is not indices.shape[:-1] + data.shape[k:]");
    SmallVector<Value> bounds = dimsOf(rewriter, loc, updates, 0, q - 1 + r - k);
    StringRef reduction = op.getReduction();
    Value result = buildIfValid(
        rewriter, loc, ok, resultType, [&](OpBuilder &b, Location l) {
          return scatterLoops(
              b, l, data, bounds, reduction,
              [&](OpBuilder &nb, Location nl, ValueRange ivs) {
                SmallVector<Value> ivList(ivs.begin(), ivs.end());
                ArrayRef<Value> position(ivList);
                SmallVector<Value> at = readTuple(
                    nb, nl, indices, position.take_front(q - 1), data, 0);
                llvm::append_range(at, position.drop_front(q - 1));
                Value update =
                    tensor::ExtractOp::create(nb, nl, updates, ValueRange(ivs));
                return std::make_pair(at, update);
              });
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

// scatter_elements: for each position p of the updates (in row-major
// order), out[p with p[axis] = wrap(indices[p])] combines updates[p].
struct ScatterElementsPattern : OpConversionPattern<ScatterElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ScatterElementsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData(), indices = adaptor.getIndices(),
          updates = adaptor.getUpdates();
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t axis = op.getAxis(), rank = resultType.getRank();
    Value axisDim = dimValue(rewriter, loc, data, axis);
    RuntimeChecks checks;
    for (int64_t i = 0; i < rank; ++i) {
      checks.requireEqualDims(rewriter, loc, updates, i, indices, i);
      if (i != axis && (resultType.isDynamicDim(i) ||
                        cast<RankedTensorType>(indices.getType())
                            .isDynamicDim(i)))
        checks.require(rewriter, loc,
                       cmpi(rewriter, loc, CmpIPredicate::sle,
                            dimValue(rewriter, loc, indices, i),
                            dimValue(rewriter, loc, data, i)));
    }
    if (!constantInRange(op.getIndices(), resultType.getDimSize(axis)))
      checks.require(rewriter, loc,
                     allIndicesInRange(rewriter, loc, indices,
                                       [&](OpBuilder &, Location) {
                                         return axisDim;
                                       }));
    Value ok = checks.emit(rewriter, loc, op,
                           "an index is out of range, the updates' shape "
                           "differs from the indices', or the indices are "
                           "larger than the data along another dim");
    SmallVector<Value> bounds = dimsOf(rewriter, loc, indices, 0, rank);
    StringRef reduction = op.getReduction();
    Value result = buildIfValid(
        rewriter, loc, ok, resultType, [&](OpBuilder &b, Location l) {
          return scatterLoops(
              b, l, data, bounds, reduction,
              [&](OpBuilder &nb, Location nl, ValueRange ivs) {
                SmallVector<Value> at(ivs.begin(), ivs.end());
                Value index =
                    tensor::ExtractOp::create(nb, nl, indices, ValueRange(ivs));
                at[axis] = wrapIndex(nb, nl, index, axisDim);
                Value update =
                    tensor::ExtractOp::create(nb, nl, updates, ValueRange(ivs));
                return std::make_pair(at, update);
              });
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// one_hot and reverse_sequence
//===----------------------------------------------------------------------===//

/// An integer or floating-point scalar as ONNX casts it to int64.
Value toInt64(OpBuilder &b, Location loc, Value v) {
  Type type = v.getType(), i64 = b.getI64Type();
  if (isa<FloatType>(type))
    return arith::FPToSIOp::create(b, loc, i64, v);
  if (type.getIntOrFloatBitWidth() < 64)
    return arith::ExtSIOp::create(b, loc, i64, v);
  return v;
}

// one_hot: result[p with d inserted at axis] = index(p) == d ? on : off,
// where a negative index counts from the end when wrapNegative.
struct OneHotPattern : OpConversionPattern<OneHotOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OneHotOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value indices = adaptor.getIndices(), values = adaptor.getValues();
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t axis = op.getAxis(), rank = resultType.getRank();
    auto depthType = cast<RankedTensorType>(adaptor.getDepth().getType());
    SmallVector<Value> at(depthType.getRank(), indexConstant(rewriter, loc, 0));
    Value depth = toInt64(
        rewriter, loc,
        tensor::ExtractOp::create(rewriter, loc, adaptor.getDepth(), at));
    Value depthIndex =
        arith::IndexCastOp::create(rewriter, loc, rewriter.getIndexType(), depth);
    RuntimeChecks checks;
    if (!matchPattern(op.getDepth(), m_Constant())) {
      checks.require(rewriter, loc,
                     cmpi(rewriter, loc, CmpIPredicate::sge, depthIndex,
                          indexConstant(rewriter, loc, 0)));
      if (!resultType.isDynamicDim(axis))
        checks.require(rewriter, loc,
                       cmpi(rewriter, loc, CmpIPredicate::eq, depthIndex,
                            indexConstant(rewriter, loc,
                                          resultType.getDimSize(axis))));
    }
    Value ok = checks.emit(rewriter, loc, op,
                           "depth is negative or differs from the result's "
                           "static size");
    Value off = tensor::ExtractOp::create(
        rewriter, loc, values, ValueRange{indexConstant(rewriter, loc, 0)});
    Value on = tensor::ExtractOp::create(
        rewriter, loc, values, ValueRange{indexConstant(rewriter, loc, 1)});
    SmallVector<AffineExpr> indexExprs;
    for (int64_t i = 0; i < rank; ++i)
      if (i != axis)
        indexExprs.push_back(rewriter.getAffineDimExpr(i));
    AffineMap indicesMap =
        AffineMap::get(rank, 0, indexExprs, rewriter.getContext());
    bool wrap = op.getWrapNegative();
    Value result = buildIfValid(
        rewriter, loc, ok, resultType, [&](OpBuilder &b, Location l) {
          SmallVector<Value> sizes;
          for (int64_t i = 0, j = 0; i < rank; ++i) {
            if (i == axis) {
              if (resultType.isDynamicDim(i))
                sizes.push_back(depthIndex);
              continue;
            }
            if (resultType.isDynamicDim(i))
              sizes.push_back(dimValue(b, l, indices, j));
            ++j;
          }
          return buildGatherLike(
              b, l, resultType, sizes, indices, indicesMap,
              [&](OpBuilder &nb, Location nl, Value index,
                  ArrayRef<Value> ivs) -> Value {
                Value i = toInt64(nb, nl, index);
                if (wrap) {
                  Value negative = cmpi(
                      nb, nl, CmpIPredicate::slt, i,
                      arith::ConstantIntOp::create(nb, nl, nb.getI64Type(), 0));
                  i = arith::SelectOp::create(
                      nb, nl, negative, arith::AddIOp::create(nb, nl, i, depth),
                      i);
                }
                Value d = arith::IndexCastOp::create(nb, nl, nb.getI64Type(),
                                                     ivs[axis]);
                return arith::SelectOp::create(
                    nb, nl, cmpi(nb, nl, CmpIPredicate::eq, i, d), on, off);
              });
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

// reverse_sequence: with len = lens[b], result[b, t] = input[b, len - 1 - t]
// for t < len and input[b, t] after.
struct ReverseSequencePattern : OpConversionPattern<ReverseSequenceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReverseSequenceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput(), lens = adaptor.getSequenceLens();
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t batchAxis = op.getBatchAxis(), timeAxis = op.getTimeAxis();
    int64_t rank = resultType.getRank();
    Value time = dimValue(rewriter, loc, input, timeAxis);
    RuntimeChecks checks;
    checks.requireEqualDims(rewriter, loc, lens, 0, input, batchAxis);
    checks.require(rewriter, loc,
                   allOf(rewriter, loc, lens,
                         [&](OpBuilder &b, Location l, Value len) {
                           Value n = arith::IndexCastOp::create(
                               b, l, b.getIndexType(), len);
                           return andOf(
                               b, l,
                               cmpi(b, l, CmpIPredicate::sge, n,
                                    indexConstant(b, l, 0)),
                               cmpi(b, l, CmpIPredicate::sle, n, time));
                         }));
    Value ok = checks.emit(rewriter, loc, op,
                           "a sequence length is outside [0, time dim], or "
                           "there is not one per batch entry");
    Value result = buildIfValid(
        rewriter, loc, ok, resultType, [&](OpBuilder &b, Location l) {
          AffineMap lensMap = AffineMap::get(
              rank, 0, {b.getAffineDimExpr(batchAxis)}, b.getContext());
          SmallVector<std::pair<Value, int64_t>> sources;
          for (int64_t i = 0; i < rank; ++i)
            sources.push_back({input, i});
          return buildGatherLike(
              b, l, resultType, dynamicSizes(b, l, resultType, sources), lens,
              lensMap,
              [&](OpBuilder &nb, Location nl, Value len,
                  ArrayRef<Value> ivs) -> Value {
                Value n = arith::IndexCastOp::create(nb, nl, nb.getIndexType(),
                                                     len);
                Value t = ivs[timeAxis];
                Value reversed = arith::SubIOp::create(
                    nb, nl, arith::SubIOp::create(nb, nl, n, t),
                    indexConstant(nb, nl, 1));
                SmallVector<Value> at(ivs);
                at[timeAxis] = arith::SelectOp::create(
                    nb, nl, cmpi(nb, nl, CmpIPredicate::slt, t, n), reversed,
                    t);
                return tensor::ExtractOp::create(nb, nl, input, at);
              });
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void kiln::model_to_linalg::populateIndexingPatterns(
    RewritePatternSet &patterns, const DimFacts *) {
  patterns.add<GatherElementsPattern, GatherNDPattern, ScatterNDPattern,
               ScatterElementsPattern, OneHotPattern, ReverseSequencePattern>(
      patterns.getContext());
}
