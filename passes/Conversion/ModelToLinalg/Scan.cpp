//===- Scan.cpp - cumsum and top-k to loops over tensors ------------------===//
// Neither a scan nor a selection is a linalg structured op, so both are scf
// loops over tensors (which bufferize in place):
//   cumsum: one step per position along the axis, adding that slice into a
//           running accumulator slice and writing it (before or after the
//           add, for exclusive) into the result;
//   topk:   per outer index, one pass over the axis keeping the best k seen
//           so far sorted in the outputs, by insertion.
// An axis or k that is only known at run time is checked there.
#include "passes/Conversion/ModelToLinalg/ModelToLinalg.h"

#include "dialects/Model/IR/ModelOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace kiln::model;
using namespace kiln::model_to_linalg;

namespace {

/// The integer in the 0-D or 1-element tensor `scalar`, as an index.
Value readIndexScalar(OpBuilder &b, Location loc, Value scalar) {
  auto type = cast<RankedTensorType>(scalar.getType());
  SmallVector<Value> indices(type.getRank(),
                             arith::ConstantIndexOp::create(b, loc, 0));
  Value v = tensor::ExtractOp::create(b, loc, scalar, indices);
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
}

std::optional<int64_t> constantIndexScalar(Value scalar) {
  DenseIntElementsAttr attr;
  if (!matchPattern(scalar, m_Constant(&attr)))
    return std::nullopt;
  return (*attr.begin()).getSExtValue();
}

/// cumsum of `input` along the static `axis`:
///   acc = 0; for i in order: out[i] = exclusive ? acc : acc + x[i];
///                            acc += x[i]
/// with `order` descending for `reverse`. acc is one slice of the input
/// (size 1 along the axis) in the accumulator type, updated in place: the
/// loop must yield the buffer it was given.
Value buildCumSum(OpBuilder &b, Location loc, Value input, int64_t axis,
                  bool exclusive, bool reverse) {
  auto type = cast<RankedTensorType>(input.getType());
  Type element = type.getElementType();
  Type acc = accumulatorType(element);
  int64_t rank = type.getRank();
  SmallVector<OpFoldResult> sliceSizes = tensor::getMixedSizes(b, loc, input);
  sliceSizes[axis] = b.getIndexAttr(1);
  SmallVector<int64_t> sliceShape(type.getShape());
  sliceShape[axis] = 1;
  auto sliceType = RankedTensorType::get(sliceShape, element);
  auto accType = RankedTensorType::get(sliceShape, acc);
  SmallVector<Value> sliceDynamic, dynamic;
  for (int64_t i = 0; i < rank; ++i)
    if (type.isDynamicDim(i)) {
      dynamic.push_back(tensor::DimOp::create(b, loc, input, i));
      if (i != axis)
        sliceDynamic.push_back(dynamic.back());
    }
  Value zero = arith::ConstantOp::create(b, loc, acc, b.getZeroAttr(acc));
  Value accInit = buildFilled(b, loc, accType, sliceDynamic, zero);
  Value outInit =
      tensor::EmptyOp::create(b, loc, type.getShape(), element, dynamic);
  Value n = dimValue(b, loc, input, axis);
  Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
  Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
  SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
  AffineMap id = b.getMultiDimIdentityMap(rank);
  SmallVector<utils::IteratorType> parallel(rank,
                                            utils::IteratorType::parallel);
  auto loop = scf::ForOp::create(
      b, loc, c0, n, c1, ValueRange{accInit, outInit},
      [&](OpBuilder &lb, Location l, Value i, ValueRange iter) {
        Value pos = i;
        if (reverse)
          pos = arith::SubIOp::create(lb, l,
                                      arith::SubIOp::create(lb, l, n, c1), i);
        SmallVector<OpFoldResult> offsets(rank, lb.getIndexAttr(0));
        offsets[axis] = pos;
        Value slice = tensor::ExtractSliceOp::create(
            lb, l, sliceType, input, offsets, sliceSizes, strides);
        // One generic updates the accumulator in place and produces the
        // slice to write (the sum before or after the add, in the element
        // type), so that nothing else reads the accumulator it overwrites.
        Value written =
            tensor::EmptyOp::create(lb, l, sliceShape, element, sliceDynamic);
        auto step = linalg::GenericOp::create(
            lb, l, TypeRange{accType, sliceType}, slice,
            ValueRange{iter[0], written}, ArrayRef<AffineMap>{id, id, id},
            parallel, [&](OpBuilder &gb, Location gl, ValueRange args) {
              Value x = convertScalar(gb, gl, args[0], acc);
              Value sum = isa<FloatType>(acc)
                              ? (Value)arith::AddFOp::create(gb, gl, x, args[1])
                              : arith::AddIOp::create(gb, gl, x, args[1]);
              Value out =
                  convertScalar(gb, gl, exclusive ? args[1] : sum, element);
              linalg::YieldOp::create(gb, gl, ValueRange{sum, out});
            });
        Value next = step.getResult(0);
        Value out = tensor::InsertSliceOp::create(
            lb, l, step.getResult(1), iter[1], offsets, sliceSizes, strides);
        scf::YieldOp::create(lb, l, ValueRange{next, out});
      });
  return loop.getResult(1);
}

struct CumSumPattern : OpConversionPattern<CumSumOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CumSumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    int64_t rank = cast<RankedTensorType>(input.getType()).getRank();
    bool exclusive = op.getExclusive(), reverse = op.getReverse();
    if (std::optional<int64_t> axis = constantIndexScalar(adaptor.getAxis())) {
      // The verifier checked the range.
      int64_t a = *axis < 0 ? *axis + rank : *axis;
      rewriter.replaceOp(
          op, buildCumSum(rewriter, loc, input, a, exclusive, reverse));
      return success();
    }
    // A run-time axis: check it, then switch to the cumsum along it. After a
    // failed check the clamped axis still computes something in bounds.
    Value axis = readIndexScalar(rewriter, loc, adaptor.getAxis());
    Value rankValue = arith::ConstantIndexOp::create(rewriter, loc, rank);
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value negative = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::slt, axis, zero);
    Value normalized = arith::SelectOp::create(
        rewriter, loc, negative,
        arith::AddIOp::create(rewriter, loc, axis, rankValue), axis);
    Value ok = arith::AndIOp::create(
        rewriter, loc,
        arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sge,
                              normalized, zero),
        arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::slt,
                              normalized, rankValue));
    emitRuntimeCheck(rewriter, loc, ok, op,
                     "axis is out of range [-rank, rank) of the input");
    SmallVector<int64_t> cases =
        llvm::to_vector(llvm::seq<int64_t>(0, rank - 1));
    auto switchOp =
        scf::IndexSwitchOp::create(rewriter, loc, TypeRange{input.getType()},
                                   normalized, cases, cases.size());
    for (int64_t a = 0; a < rank; ++a) {
      Region &region = a + 1 < rank ? switchOp.getCaseRegions()[a]
                                    : switchOp.getDefaultRegion();
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(&region.emplaceBlock());
      scf::YieldOp::create(
          rewriter, loc,
          buildCumSum(rewriter, loc, input, a, exclusive, reverse));
    }
    rewriter.replaceOp(op, switchOp.getResult(0));
    return success();
  }
};

/// topk along `axis` by insertion: for each outer index, the first
/// min(i, k) positions of the outputs hold the best of x[0..i) in order
/// (values that compare equal in index order). x[i] enters when there is
/// room or it beats the last kept; its place is the number of kept values
/// at least as good as it, the worse ones shift down by one and the last
/// falls off when full. O(dim * k) per row, O(dim) while few values enter.
struct TopKPattern : OpConversionPattern<TopKOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TopKOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto type = cast<RankedTensorType>(input.getType());
    Type element = type.getElementType();
    int64_t rank = type.getRank(), axis = op.getAxis();
    bool largest = op.getLargest();
    auto valuesType = cast<RankedTensorType>(op.getValues().getType());
    auto indicesType = cast<RankedTensorType>(op.getIndices().getType());

    Value c0 = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value c1 = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value n = dimValue(rewriter, loc, input, axis);
    Value k = readIndexScalar(rewriter, loc, adaptor.getK());
    Value ok = arith::AndIOp::create(
        rewriter, loc,
        arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sge, k, c0),
        arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sle, k, n));
    emitRuntimeCheck(rewriter, loc, ok, op,
                     "k is out of range [0, size of the axis]");
    // After a failed check nothing is selected (and nothing read).
    k = arith::SelectOp::create(rewriter, loc, ok, k, c0);

    SmallVector<Value> dynamic;
    for (int64_t i = 0; i < rank; ++i)
      if (valuesType.isDynamicDim(i))
        dynamic.push_back(
            i == axis
                ? k
                : tensor::DimOp::create(rewriter, loc, input, i).getResult());
    Value values0 = tensor::EmptyOp::create(
        rewriter, loc, valuesType.getShape(), element, dynamic);
    Value indices0 = tensor::EmptyOp::create(
        rewriter, loc, indicesType.getShape(), rewriter.getI64Type(), dynamic);

    auto compare = [&](OpBuilder &b, Location l, Value lhs, Value rhs,
                       bool strict) -> Value {
      if (isa<FloatType>(element)) {
        auto pred = largest ? (strict ? arith::CmpFPredicate::OGT
                                      : arith::CmpFPredicate::OGE)
                            : (strict ? arith::CmpFPredicate::OLT
                                      : arith::CmpFPredicate::OLE);
        return arith::CmpFOp::create(b, l, pred, lhs, rhs);
      }
      auto pred = largest ? (strict ? arith::CmpIPredicate::sgt
                                    : arith::CmpIPredicate::sge)
                          : (strict ? arith::CmpIPredicate::slt
                                    : arith::CmpIPredicate::sle);
      return arith::CmpIOp::create(b, l, pred, lhs, rhs);
    };

    SmallVector<Value> lbs, ubs, steps;
    for (int64_t i = 0; i < rank; ++i) {
      if (i == axis)
        continue;
      lbs.push_back(c0);
      ubs.push_back(dimValue(rewriter, loc, input, i));
      steps.push_back(c1);
    }
    scf::LoopNest nest = scf::buildLoopNest(
        rewriter, loc, lbs, ubs, steps, ValueRange{values0, indices0},
        [&](OpBuilder &b, Location l, ValueRange ivs,
            ValueRange outs) -> scf::ValueVector {
          // Indices of position `p` along the axis at this outer index.
          auto at = [&](Value p) {
            SmallVector<Value> idx(ivs.begin(), ivs.end());
            idx.insert(idx.begin() + axis, p);
            return idx;
          };
          auto row = scf::ForOp::create(
              b, l, c0, n, c1, outs,
              [&](OpBuilder &rb, Location rl, Value i, ValueRange kept) {
                Value x = tensor::ExtractOp::create(rb, rl, input, at(i));
                Value filled = arith::MinUIOp::create(rb, rl, i, k);
                Value room = arith::CmpIOp::create(
                    rb, rl, arith::CmpIPredicate::ult, filled, k);
                Value full = arith::CmpIOp::create(
                    rb, rl, arith::CmpIPredicate::ugt, k, c0);
                // Full (and k > 0): x enters only if it beats the last kept.
                auto enters = scf::IfOp::create(
                    rb, rl, room,
                    [&](OpBuilder &ib, Location il) {
                      scf::YieldOp::create(ib, il, room);
                    },
                    [&](OpBuilder &ib, Location il) {
                      auto beats = scf::IfOp::create(
                          ib, il, full,
                          [&](OpBuilder &jb, Location jl) {
                            Value lastPos =
                                arith::SubIOp::create(jb, jl, k, c1);
                            Value last = tensor::ExtractOp::create(
                                jb, jl, kept[0], at(lastPos));
                            scf::YieldOp::create(
                                jb, jl, compare(jb, jl, x, last, true));
                          },
                          [&](OpBuilder &jb, Location jl) {
                            scf::YieldOp::create(jb, jl, full);
                          });
                      scf::YieldOp::create(ib, il, beats.getResult(0));
                    });
                auto insert = scf::IfOp::create(
                    rb, rl, enters.getResult(0),
                    [&](OpBuilder &ib, Location il) {
                      // Its place: the kept values at least as good as x.
                      auto place = scf::ForOp::create(
                          ib, il, c0, filled, c1, ValueRange{c0},
                          [&](OpBuilder &pb, Location pl, Value q,
                              ValueRange count) {
                            Value v = tensor::ExtractOp::create(pb, pl, kept[0],
                                                                at(q));
                            Value up =
                                arith::AddIOp::create(pb, pl, count[0], c1);
                            scf::YieldOp::create(
                                pb, pl,
                                arith::SelectOp::create(
                                    pb, pl, compare(pb, pl, v, x, false), up,
                                    count[0])
                                    .getResult());
                          });
                      Value pos = place.getResult(0);
                      // Shift [pos, end) down by one; end is the last slot
                      // that stays (the k-th falls off when full).
                      Value end = arith::MinUIOp::create(
                          ib, il, filled, arith::SubIOp::create(ib, il, k, c1));
                      Value moves = arith::SubIOp::create(ib, il, end, pos);
                      auto shift = scf::ForOp::create(
                          ib, il, c0, moves, c1, kept,
                          [&](OpBuilder &sb, Location sl, Value t,
                              ValueRange cur) {
                            Value from = arith::SubIOp::create(
                                sb, sl, arith::SubIOp::create(sb, sl, end, t),
                                c1);
                            Value to = arith::AddIOp::create(sb, sl, from, c1);
                            Value v = tensor::ExtractOp::create(sb, sl, cur[0],
                                                                at(from));
                            Value ix = tensor::ExtractOp::create(sb, sl, cur[1],
                                                                 at(from));
                            Value nv = tensor::InsertOp::create(sb, sl, v,
                                                                cur[0], at(to));
                            Value ni = tensor::InsertOp::create(sb, sl, ix,
                                                                cur[1], at(to));
                            scf::YieldOp::create(sb, sl, ValueRange{nv, ni});
                          });
                      Value index = arith::IndexCastOp::create(
                          ib, il, ib.getI64Type(), i);
                      Value nv = tensor::InsertOp::create(
                          ib, il, x, shift.getResult(0), at(pos));
                      Value ni = tensor::InsertOp::create(
                          ib, il, index, shift.getResult(1), at(pos));
                      scf::YieldOp::create(ib, il, ValueRange{nv, ni});
                    },
                    [&](OpBuilder &ib, Location il) {
                      scf::YieldOp::create(ib, il, kept);
                    });
                scf::YieldOp::create(rb, rl, insert.getResults());
              });
          return scf::ValueVector(row.getResults().begin(),
                                  row.getResults().end());
        });
    rewriter.replaceOp(op, nest.results);
    return success();
  }
};

} // namespace

void kiln::model_to_linalg::populateScanPatterns(RewritePatternSet &patterns,
                                                 const DimFacts *) {
  patterns.add<CumSumPattern, TopKPattern>(patterns.getContext());
}
