//===- Contraction.cpp - Matmul, reductions and softmax to linalg ---------===//
#include "passes/Conversion/ModelToLinalg/ModelToLinalg.h"

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

Value floatConstant(OpBuilder &b, Location loc, Type type, double value) {
  return arith::ConstantOp::create(b, loc, type,
                                   b.getFloatAttr(type, value));
}

/// The loop nest of a contraction C[batch..., m, n] += A[..., m, k] * B[..., k, n].
/// The reduction loop k goes between m and n when B is read along n (rows
/// of B and C are then walked contiguously in the innermost loop, which LLVM
/// vectorizes); it goes innermost when B is read along k (B transposed),
/// making the innermost loop a dot product of two contiguous rows.
struct ContractionLoops {
  ContractionLoops(MLIRContext *ctx, int64_t batch, bool reductionInnermost)
      : batch(batch), reductionInnermost(reductionInnermost) {
    m = getAffineDimExpr(batch, ctx);
    n = getAffineDimExpr(reductionInnermost ? batch + 1 : batch + 2, ctx);
    k = getAffineDimExpr(reductionInnermost ? batch + 2 : batch + 1, ctx);
  }

  int64_t numLoops() const { return batch + 3; }

  AffineMap outputMap(MLIRContext *ctx) const {
    SmallVector<AffineExpr> exprs;
    for (int64_t i = 0; i < batch; ++i)
      exprs.push_back(getAffineDimExpr(i, ctx));
    exprs.push_back(m);
    exprs.push_back(n);
    return AffineMap::get(numLoops(), 0, exprs, ctx);
  }

  SmallVector<utils::IteratorType> iterators() const {
    SmallVector<utils::IteratorType> types(numLoops(),
                                           utils::IteratorType::parallel);
    types[reductionInnermost ? batch + 2 : batch + 1] =
        utils::IteratorType::reduction;
    return types;
  }

  int64_t batch;
  bool reductionInnermost;
  AffineExpr m, n, k;
};

/// acc + lhs * rhs on floats or integers. `contract` lets LLVM fuse the
/// multiply-add into an FMA; an innermost float reduction also needs
/// `reassoc` to be vectorized.
Value multiplyAccumulate(OpBuilder &b, Location loc, Value lhs, Value rhs,
                         Value acc, bool reassociate) {
  if (isa<FloatType>(acc.getType())) {
    auto flags = arith::FastMathFlags::contract;
    if (reassociate)
      flags = flags | arith::FastMathFlags::reassoc;
    auto fastmath = arith::FastMathFlagsAttr::get(b.getContext(), flags);
    Value product = arith::MulFOp::create(b, loc, lhs, rhs, fastmath);
    return arith::AddFOp::create(b, loc, acc, product, fastmath);
  }
  return arith::AddIOp::create(b, loc, acc,
                               arith::MulIOp::create(b, loc, lhs, rhs));
}

Value zeroOf(OpBuilder &b, Location loc, Type type) {
  return arith::ConstantOp::create(b, loc, type, b.getZeroAttr(type));
}

/// A contraction generic over `loops`; `inputMaps` index the two operands.
Value buildContraction(OpBuilder &b, Location loc, RankedTensorType resultType,
                       Value init, Value lhs, Value rhs,
                       const ContractionLoops &loops,
                       ArrayRef<AffineMap> inputMaps, Value alpha) {
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(loops.outputMap(b.getContext()));
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, ValueRange{lhs, rhs}, init, maps, loops.iterators(),
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value product = args[0];
        if (alpha)
          product = arith::MulFOp::create(nb, nloc, product, alpha);
        linalg::YieldOp::create(
            nb, nloc,
            multiplyAccumulate(nb, nloc, product, args[1], args[2],
                               loops.reductionInnermost));
      });
  return generic.getResult(0);
}

// matmul: C[b..., m, n] = sum_k A[b..., m, k] * B[b..., k, n], with the batch
// dims of A and B broadcast to those of C.
struct MatMulPattern : OpConversionPattern<MatMulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    auto lhsType = cast<RankedTensorType>(lhs.getType());
    auto rhsType = cast<RankedTensorType>(rhs.getType());
    int64_t rank = resultType.getRank(), batch = rank - 2;
    MLIRContext *ctx = rewriter.getContext();
    ContractionLoops loops(ctx, batch, /*reductionInnermost=*/false);

    auto operandMap = [&](RankedTensorType type, AffineExpr row,
                          AffineExpr col) {
      SmallVector<AffineExpr> exprs;
      int64_t offset = batch - (type.getRank() - 2);
      for (int64_t j = 0; j < type.getRank() - 2; ++j) {
        bool stretched =
            type.getDimSize(j) == 1 && resultType.getDimSize(j + offset) != 1;
        exprs.push_back(stretched ? getAffineConstantExpr(0, ctx)
                                  : getAffineDimExpr(j + offset, ctx));
      }
      exprs.push_back(row);
      exprs.push_back(col);
      return AffineMap::get(loops.numLoops(), 0, exprs, ctx);
    };

    SmallVector<Value> dynSizes = matmulDynamicSizes(rewriter, loc, resultType,
                                                     lhs, rhs);
    Value init = buildFilled(rewriter, loc, resultType, dynSizes,
                             zeroOf(rewriter, loc, resultType.getElementType()));
    Value result = buildContraction(
        rewriter, loc, resultType, init, lhs, rhs, loops,
        {operandMap(lhsType, loops.m, loops.k),
         operandMap(rhsType, loops.k, loops.n)},
        Value());
    rewriter.replaceOp(op, result);
    return success();
  }

  /// Dynamic result dims: batch dims from whichever operand has them dynamic,
  /// M from the lhs, N from the rhs.
  static SmallVector<Value> matmulDynamicSizes(OpBuilder &b, Location loc,
                                               RankedTensorType resultType,
                                               Value lhs, Value rhs) {
    auto lhsType = cast<RankedTensorType>(lhs.getType());
    auto rhsType = cast<RankedTensorType>(rhs.getType());
    int64_t batch = resultType.getRank() - 2;
    SmallVector<Value> sizes;
    for (int64_t i = 0; i < batch; ++i) {
      if (!resultType.isDynamicDim(i))
        continue;
      for (auto [value, type] : {std::pair(lhs, lhsType), {rhs, rhsType}}) {
        int64_t j = i - (batch - (type.getRank() - 2));
        if (j >= 0 && type.isDynamicDim(j)) {
          sizes.push_back(tensor::DimOp::create(b, loc, value, j));
          break;
        }
      }
    }
    if (resultType.isDynamicDim(batch))
      sizes.push_back(dimValue(b, loc, lhs, lhsType.getRank() - 2));
    if (resultType.isDynamicDim(batch + 1))
      sizes.push_back(dimValue(b, loc, rhs, rhsType.getRank() - 1));
    return sizes;
  }
};

// gemm: Y[m, n] = alpha * sum_k A'[m, k] * B'[k, n] + beta * C[m, n], where
// A' and B' are A and B optionally transposed and C broadcasts to [M, N].
struct GemmPattern : OpConversionPattern<GemmOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GemmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Type element = resultType.getElementType();
    MLIRContext *ctx = rewriter.getContext();
    ContractionLoops loops(ctx, /*batch=*/0,
                           /*reductionInnermost=*/op.getTransB());
    AffineExpr m = loops.m, n = loops.n, k = loops.k;
    AffineMap aMap = AffineMap::get(3, 0, op.getTransA()
                                              ? ArrayRef<AffineExpr>{k, m}
                                              : ArrayRef<AffineExpr>{m, k},
                                    ctx);
    AffineMap bMap = AffineMap::get(3, 0, op.getTransB()
                                              ? ArrayRef<AffineExpr>{n, k}
                                              : ArrayRef<AffineExpr>{k, n},
                                    ctx);
    SmallVector<Value> sizes;
    if (resultType.isDynamicDim(0))
      sizes.push_back(
          dimValue(rewriter, loc, adaptor.getA(), op.getTransA() ? 1 : 0));
    if (resultType.isDynamicDim(1))
      sizes.push_back(
          dimValue(rewriter, loc, adaptor.getB(), op.getTransB() ? 0 : 1));

    Value init = buildFilled(rewriter, loc, resultType, sizes,
                             zeroOf(rewriter, loc, element));
    float alpha = op.getAlpha().convertToFloat();
    Value alphaValue =
        alpha == 1.0f ? Value() : floatConstant(rewriter, loc, element, alpha);
    Value result = buildContraction(rewriter, loc, resultType, init,
                                    adaptor.getA(), adaptor.getB(), loops,
                                    {aMap, bMap}, alphaValue);
    if (Value c = adaptor.getC()) {
      // A separate elementwise add keeps C's broadcast simple; linalg's
      // elementwise fusion folds it into the consumer anyway.
      float beta = op.getBeta().convertToFloat();
      Value betaValue = floatConstant(rewriter, loc, element, beta);
      result = buildElementwise(
          rewriter, loc, resultType, {result, c},
          [&](OpBuilder &b, Location nloc, ValueRange args) -> Value {
            Value scaled = beta == 1.0f ? args[1]
                                        : (Value)arith::MulFOp::create(
                                              b, nloc, args[1], betaValue);
            return arith::AddFOp::create(b, nloc, args[0], scaled);
          });
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Reduces `input` over `axes` (sorted, non-empty) into a tensor without the
/// reduced dims, starting from `identity` and combining with `combine`.
Value buildReduction(OpBuilder &b, Location loc, Value input,
                     ArrayRef<int64_t> axes, Value identity,
                     ScalarBuilder combine) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape;
  SmallVector<Value> sizes;
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    if (llvm::is_contained(axes, i)) {
      iterators.push_back(utils::IteratorType::reduction);
      continue;
    }
    iterators.push_back(utils::IteratorType::parallel);
    shape.push_back(type.getDimSize(i));
    outExprs.push_back(b.getAffineDimExpr(i));
    if (type.isDynamicDim(i))
      sizes.push_back(tensor::DimOp::create(b, loc, input, i));
  }
  auto resultType = type.clone(shape);
  Value init = buildFilled(b, loc, resultType, sizes, identity);
  SmallVector<AffineMap> maps = {
      b.getMultiDimIdentityMap(type.getRank()),
      AffineMap::get(type.getRank(), 0, outExprs, b.getContext())};
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, input, init, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(nb, nloc, combine(nb, nloc, args));
      });
  return generic.getResult(0);
}

/// Reshapes a reduction result (reduced dims dropped) to `keptType`, which
/// has the reduced dims as size 1: each kept dim takes the unit dims after it,
/// leading unit dims join the first group.
Value expandToKeptDims(OpBuilder &b, Location loc, Value reduced,
                       RankedTensorType keptType, ArrayRef<int64_t> axes) {
  SmallVector<ReassociationIndices> groups;
  SmallVector<int64_t> leading;
  for (int64_t i = 0; i < keptType.getRank(); ++i) {
    if (llvm::is_contained(axes, i)) {
      if (groups.empty())
        leading.push_back(i);
      else
        groups.back().push_back(i);
      continue;
    }
    groups.emplace_back(leading.begin(), leading.end());
    groups.back().push_back(i);
    leading.clear();
  }
  if (!groups.empty() && !leading.empty())
    groups.front().append(leading.begin(), leading.end());
  return tensor::ExpandShapeOp::create(b, loc, keptType, reduced, groups);
}

Value combineSum(OpBuilder &b, Location loc, ValueRange a) {
  return isa<FloatType>(a[0].getType())
             ? (Value)arith::AddFOp::create(b, loc, a[0], a[1])
             : arith::AddIOp::create(b, loc, a[0], a[1]);
}
Value combineMax(OpBuilder &b, Location loc, ValueRange a) {
  return isa<FloatType>(a[0].getType())
             ? (Value)arith::MaximumFOp::create(b, loc, a[0], a[1])
             : arith::MaxSIOp::create(b, loc, a[0], a[1]);
}
/// The identity of max: -inf for floats, the smallest integer otherwise.
Value lowestOf(OpBuilder &b, Location loc, Type type) {
  if (auto f = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(
        b, loc, type,
        b.getFloatAttr(type, APFloat::getInf(f.getFloatSemantics(), true)));
  return arith::ConstantOp::create(
      b, loc, type,
      b.getIntegerAttr(type, APInt::getSignedMinValue(
                                 type.getIntOrFloatBitWidth())));
}

template <typename OpTy>
struct ReducePattern : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    Type element = inputType.getElementType();
    SmallVector<int64_t> axes(op.getAxes());
    if (axes.empty())
      axes = llvm::to_vector(llvm::seq<int64_t>(0, inputType.getRank()));
    llvm::sort(axes);

    bool isMax = std::is_same_v<OpTy, ReduceMaxOp>;
    Value identity = isMax ? lowestOf(rewriter, loc, element)
                           : zeroOf(rewriter, loc, element);
    Value reduced = buildReduction(rewriter, loc, input, axes, identity,
                                   isMax ? combineMax : combineSum);
    if (std::is_same_v<OpTy, ReduceMeanOp>) {
      // mean = sum / (product of the reduced dims)
      Value count = arith::ConstantIndexOp::create(rewriter, loc, 1);
      for (int64_t axis : axes)
        count = arith::MulIOp::create(rewriter, loc, count,
                                      dimValue(rewriter, loc, input, axis));
      Value countInt = arith::IndexCastOp::create(
          rewriter, loc, rewriter.getI64Type(), count);
      Value divisor =
          isa<FloatType>(element)
              ? (Value)arith::SIToFPOp::create(rewriter, loc, element,
                                               countInt)
              : arith::TruncIOp::create(rewriter, loc, element, countInt);
      if (element.isInteger(64))
        divisor = countInt;
      reduced = buildElementwise(
          rewriter, loc, cast<RankedTensorType>(reduced.getType()), reduced,
          [&](OpBuilder &b, Location nloc, ValueRange args) -> Value {
            if (isa<FloatType>(element))
              return arith::DivFOp::create(b, nloc, args[0], divisor);
            return arith::DivSIOp::create(b, nloc, args[0], divisor);
          });
    }
    if (op.getKeepdims())
      reduced = expandToKeptDims(rewriter, loc, reduced,
                                 cast<RankedTensorType>(op.getType()), axes);
    rewriter.replaceOp(op, reduced);
    return success();
  }
};

// softmax(x)_i = exp(x_i - max(x)) / sum_j exp(x_j - max(x)) along `axis`;
// subtracting the max keeps exp from overflowing.
struct SoftmaxPattern : OpConversionPattern<SoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto type = cast<RankedTensorType>(input.getType());
    Type element = type.getElementType();
    int64_t axis = op.getAxis();
    Value max = buildReduction(rewriter, loc, input, {axis},
                               lowestOf(rewriter, loc, element), combineMax);
    Value exps = broadcastAlongAxis(
        rewriter, loc, type, input, max, axis,
        [](OpBuilder &b, Location l, ValueRange a) -> Value {
          return math::ExpOp::create(b, l,
                                     arith::SubFOp::create(b, l, a[0], a[1]));
        });
    Value sum = buildReduction(rewriter, loc, exps, {axis},
                               zeroOf(rewriter, loc, element), combineSum);
    Value result = broadcastAlongAxis(
        rewriter, loc, type, exps, sum, axis,
        [](OpBuilder &b, Location l, ValueRange a) -> Value {
          return arith::DivFOp::create(b, l, a[0], a[1]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }

  /// f(full[i], reduced[i without axis]) over the full shape.
  static Value broadcastAlongAxis(OpBuilder &b, Location loc,
                                  RankedTensorType type, Value full,
                                  Value reduced, int64_t axis,
                                  ScalarBuilder body) {
    SmallVector<Value> sizes;
    for (int64_t i = 0; i < type.getRank(); ++i)
      if (type.isDynamicDim(i))
        sizes.push_back(tensor::DimOp::create(b, loc, full, i));
    Value empty = tensor::EmptyOp::create(b, loc, type.getShape(),
                                          type.getElementType(), sizes);
    AffineMap id = b.getMultiDimIdentityMap(type.getRank());
    SmallVector<AffineMap> maps = {id, id.dropResult(axis), id};
    SmallVector<utils::IteratorType> iterators(type.getRank(),
                                               utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        b, loc, type, ValueRange{full, reduced}, empty, maps, iterators,
        [&](OpBuilder &nb, Location nloc, ValueRange args) {
          linalg::YieldOp::create(nb, nloc,
                                  body(nb, nloc, args.take_front(2)));
        });
    return generic.getResult(0);
  }
};

} // namespace

void kiln::model_to_linalg::populateContractionPatterns(
    RewritePatternSet &patterns) {
  patterns.add<MatMulPattern, GemmPattern, ReducePattern<ReduceSumOp>,
               ReducePattern<ReduceMeanOp>, ReducePattern<ReduceMaxOp>,
               SoftmaxPattern>(patterns.getContext());
}
