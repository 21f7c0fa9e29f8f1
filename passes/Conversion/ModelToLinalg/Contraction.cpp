//===- Contraction.cpp - Matmul, Gemm and softmax to linalg ---------------===//
#include "passes/Conversion/ModelToLinalg/ModelToLinalg.h"

#include "dialects/Model/Analysis/DimEquivalence.h"
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

/// A zero-filled accumulator of `type` whose dynamic dims are `sizes` (all
/// dims, static ones included, as folded results).
Value zeroAccumulator(OpBuilder &b, Location loc, RankedTensorType type,
                      ArrayRef<OpFoldResult> sizes) {
  Value empty = tensor::EmptyOp::create(b, loc, sizes, type.getElementType());
  return linalg::FillOp::create(b, loc, zeroOf(b, loc, type.getElementType()),
                                empty)
      .getResult(0);
}

/// The lowering of a contraction names the contraction and nothing else:
/// linalg.matmul, linalg.batch_matmul, or linalg.contract with projected
/// permutation maps. Which loop runs innermost, tiling and vectorization are
/// the target pipeline's choice (kiln-cpu-contraction-loop-order).
///
/// `maps` index lhs, rhs and the result over (batch..., m, n, k), the order
/// linalg's named contractions use. A dim an operand broadcasts is absent from
/// its map; a unit dim stretched by broadcasting must have been collapsed away
/// (see dropStretchedDims), since a constant-0 map result would make the op
/// unrecognizable as a contraction.
Value buildContraction(OpBuilder &b, Location loc, Value lhs, Value rhs,
                       RankedTensorType accType, ArrayRef<OpFoldResult> sizes,
                       ArrayRef<AffineMap> maps) {
  Value init = zeroAccumulator(b, loc, accType, sizes);
  MLIRContext *ctx = b.getContext();
  unsigned rank = accType.getRank();
  if (rank == 2 && maps[0].getNumResults() == 2 &&
      maps[1].getNumResults() == 2) {
    auto matmul = linalg::MatmulOp::create(b, loc, TypeRange{accType},
                                           ValueRange{lhs, rhs}, init);
    if (!linalg::MatmulOp::isDefaultIndexingMaps(
            b.getAffineMapArrayAttr(maps)))
      matmul.setIndexingMapsAttr(b.getAffineMapArrayAttr(maps));
    return matmul.getResult(0);
  }
  if (rank == 3 && maps == ArrayRef<AffineMap>(
                              linalg::BatchMatmulOp::getDefaultIndexingMaps(ctx)))
    return linalg::BatchMatmulOp::create(b, loc, TypeRange{accType},
                                         ValueRange{lhs, rhs}, init)
        .getResult(0);
  return linalg::ContractOp::create(b, loc, TypeRange{accType},
                                    ValueRange{lhs, rhs}, init,
                                    b.getAffineMapArrayAttr(maps))
      .getResult(0);
}

/// Collapses away the unit dims of `operand` at `positions` (dims that
/// broadcasting stretches), so that the remaining dims map one to one onto
/// contraction loops.
Value dropStretchedDims(OpBuilder &b, Location loc, Value operand,
                        ArrayRef<int64_t> positions) {
  if (positions.empty())
    return operand;
  auto type = cast<RankedTensorType>(operand.getType());
  return tensor::CollapseShapeOp::create(
      b, loc, operand, unitDimGroups(type.getRank(), positions));
}

/// Makes the contracted dims `lhsDim` of `lhs` and `rhsDim` of `rhs` agree
/// when the compiler cannot prove they do: a run-time check, and after a
/// failed one the operand whose dim is dynamic is replaced by zeros sized
/// like the other's, so nothing is read out of bounds. (Cutting both to the
/// smaller size would do too, but leaves strided views that reshapes copy.)
void checkInnerDims(OpBuilder &b, Location loc, Operation *op,
                    const DimFacts *facts, Value modelLhs, Value modelRhs,
                    Value &lhs, int64_t lhsDim, Value &rhs, int64_t rhsDim) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  if (!lhsType.isDynamicDim(lhsDim) && !rhsType.isDynamicDim(rhsDim))
    return; // the verifier proved them equal
  if (facts && facts->provenEqual(modelLhs, lhsDim, modelRhs, rhsDim))
    return;
  Value ka = tensor::DimOp::create(b, loc, lhs, lhsDim);
  Value kb = tensor::DimOp::create(b, loc, rhs, rhsDim);
  Value ok = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, ka, kb);
  emitRuntimeCheck(b, loc, ok, op,
                   "the contracted (inner) dims of the operands differ");
  bool replaceLhs = lhsType.isDynamicDim(lhsDim);
  Value &replaced = replaceLhs ? lhs : rhs;
  int64_t dim = replaceLhs ? lhsDim : rhsDim;
  Value size = replaceLhs ? kb : ka;
  Value original = replaced;
  auto ifOp = scf::IfOp::create(
      b, loc, ok,
      [&](OpBuilder &nb, Location nloc) {
        scf::YieldOp::create(nb, nloc, original);
      },
      [&](OpBuilder &nb, Location nloc) {
        SmallVector<OpFoldResult> sizes =
            tensor::getMixedSizes(nb, nloc, original);
        sizes[dim] = size;
        scf::YieldOp::create(
            nb, nloc,
            zerosOfType(nb, nloc, cast<RankedTensorType>(original.getType()),
                        sizes));
      });
  replaced = ifOp.getResult(0);
}

// matmul: C[b..., m, n] = sum_k A[b..., m, k] * B[b..., k, n], with the batch
// dims of A and B broadcast to those of C (numpy rules). Inner dims and batch
// dims that the compiler cannot prove are checked at run time, and a batch
// dim that is 1 at run time stretches.
struct MatMulPattern : CheckedPattern<MatMulOp> {
  using CheckedPattern::CheckedPattern;
  LogicalResult
  matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Type element = resultType.getElementType();
    auto accType = resultType.clone(accumulatorType(element));
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    int64_t lhsRank = cast<RankedTensorType>(lhs.getType()).getRank();
    int64_t rhsRank = cast<RankedTensorType>(rhs.getType()).getRank();
    checkInnerDims(rewriter, loc, op, facts, op.getLhs(), op.getRhs(), lhs,
                   lhsRank - 1, rhs, rhsRank - 2);
    int64_t batch = resultType.getRank() - 2;
    BroadcastPlan plan =
        planBroadcast({op.getLhs(), op.getRhs()}, {lhsRank - 2, rhsRank - 2},
                      resultType, batch, facts, op.getResult());
    if (plan.anyUnknown) {
      // Stretch unknown batch dims explicitly: both operands get the
      // result's batch dims, which the contraction then shares.
      GuardedBroadcast guarded =
          guardBroadcast(rewriter, loc, op, plan, {lhs, rhs}, resultType);
      Value *operands[] = {&lhs, &rhs};
      for (auto [k, operand] : llvm::enumerate(operands))
        *operand = broadcastBatch(rewriter, loc, plan, guarded, k, resultType);
      lhsRank = rhsRank = resultType.getRank();
    }
    Value result = rhsRank == 2 && lhsRank > 2
                       ? rowsTimesMatrix(rewriter, loc, lhs, rhs, accType)
                       : batched(rewriter, loc, lhs, rhs, accType);
    rewriter.replaceOp(op, convertElements(rewriter, loc, result, element));
    return success();
  }

  /// Operand `k` of a guarded batch broadcast, materialized with the result's
  /// batch dims (its own row and column dims kept).
  static Value broadcastBatch(OpBuilder &b, Location loc,
                              const BroadcastPlan &plan,
                              const GuardedBroadcast &guarded, size_t k,
                              RankedTensorType resultType) {
    Value operand = guarded.operands[k];
    auto type = cast<RankedTensorType>(operand.getType());
    int64_t batch = plan.resultDims, rank = type.getRank();
    SmallVector<int64_t> shape(resultType.getShape().take_front(batch));
    shape.append({type.getDimSize(rank - 2), type.getDimSize(rank - 1)});
    auto targetType = RankedTensorType::get(shape, type.getElementType());
    BroadcastPlan single;
    single.relations = {plan.relations[k]};
    single.broadcastDims = {rank};
    single.resultDims = batch + 2;
    single.anyUnknown = true;
    GuardedBroadcast one;
    one.operands = {operand};
    one.sizes.assign(guarded.sizes.begin(), guarded.sizes.end());
    one.sizes.push_back(tensor::DimOp::create(b, loc, operand, rank - 2));
    one.sizes.push_back(tensor::DimOp::create(b, loc, operand, rank - 1));
    return buildGuardedElementwise(
        b, loc, targetType, single, one,
        [](OpBuilder &, Location, ValueRange args) { return args[0]; });
  }

  /// [..., m, k] x [k, n]: the leading dims of A flatten into the rows of one
  /// GEMM, the common case of activations times a weight matrix.
  static Value rowsTimesMatrix(OpBuilder &b, Location loc, Value lhs, Value rhs,
                               RankedTensorType accType) {
    auto lhsType = cast<RankedTensorType>(lhs.getType());
    int64_t lhsRank = lhsType.getRank();
    ReassociationIndices rows =
        llvm::to_vector(llvm::seq<int64_t>(0, lhsRank - 1));
    Value flat = tensor::CollapseShapeOp::create(
        b, loc, lhs, ArrayRef<ReassociationIndices>{rows, {lhsRank - 1}});
    auto flatType = cast<RankedTensorType>(flat.getType());
    OpFoldResult n = tensor::getMixedSize(b, loc, rhs, 1);
    auto flatAcc = RankedTensorType::get(
        {flatType.getDimSize(0), accType.getDimSize(accType.getRank() - 1)},
        accType.getElementType());
    MLIRContext *ctx = b.getContext();
    Value product = buildContraction(
        b, loc, flat, rhs, flatAcc,
        {tensor::getMixedSize(b, loc, flat, 0), n},
        linalg::MatmulOp::getDefaultIndexingMaps(ctx));
    SmallVector<OpFoldResult> outShape;
    for (int64_t i = 0; i < lhsRank - 1; ++i)
      outShape.push_back(tensor::getMixedSize(b, loc, lhs, i));
    outShape.push_back(n);
    return buildExpandShape(b, loc, accType, product,
                            ArrayRef<ReassociationIndices>{rows, {lhsRank - 1}},
                            outShape);
  }

  /// The general case over loops (batch..., m, n, k).
  static Value batched(OpBuilder &b, Location loc, Value lhs, Value rhs,
                       RankedTensorType accType) {
    MLIRContext *ctx = b.getContext();
    int64_t rank = accType.getRank(), batch = rank - 2;
    AffineExpr m = b.getAffineDimExpr(batch), n = b.getAffineDimExpr(batch + 1),
               k = b.getAffineDimExpr(batch + 2);
    SmallVector<OpFoldResult> sizes(rank);
    auto operandMap = [&](Value &operand, AffineExpr row, AffineExpr col) {
      auto type = cast<RankedTensorType>(operand.getType());
      int64_t offset = batch - (type.getRank() - 2);
      SmallVector<AffineExpr> exprs;
      SmallVector<int64_t> stretched;
      for (int64_t j = 0; j < type.getRank() - 2; ++j) {
        if (type.getDimSize(j) == 1 && accType.getDimSize(j + offset) != 1) {
          stretched.push_back(j);
          continue;
        }
        exprs.push_back(b.getAffineDimExpr(j + offset));
        if (!sizes[j + offset])
          sizes[j + offset] = tensor::getMixedSize(b, loc, operand, j);
      }
      exprs.push_back(row);
      exprs.push_back(col);
      operand = dropStretchedDims(b, loc, operand, stretched);
      return AffineMap::get(rank + 1, 0, exprs, ctx);
    };
    int64_t lhsRank = cast<RankedTensorType>(lhs.getType()).getRank();
    int64_t rhsRank = cast<RankedTensorType>(rhs.getType()).getRank();
    sizes[batch] = tensor::getMixedSize(b, loc, lhs, lhsRank - 2);
    sizes[batch + 1] = tensor::getMixedSize(b, loc, rhs, rhsRank - 1);
    AffineMap lhsMap = operandMap(lhs, m, k);
    AffineMap rhsMap = operandMap(rhs, k, n);
    // A batch dim every operand stretches is 1.
    for (OpFoldResult &size : sizes)
      if (!size)
        size = b.getIndexAttr(1);
    SmallVector<AffineExpr> outExprs;
    for (int64_t i = 0; i < rank; ++i)
      outExprs.push_back(b.getAffineDimExpr(i));
    AffineMap outMap = AffineMap::get(rank + 1, 0, outExprs, ctx);
    return buildContraction(b, loc, lhs, rhs, accType, sizes,
                            {lhsMap, rhsMap, outMap});
  }
};

// gemm: Y[m, n] = alpha * sum_k A'[m, k] * B'[k, n] + beta * C[m, n], where
// A' and B' are A and B optionally transposed and C broadcasts to [M, N]. The
// product is a plain linalg.matmul (transposes as its indexing maps); alpha
// and beta scale in a separate elementwise op, which elementwise fusion
// merges with the add of C.
struct GemmPattern : CheckedPattern<GemmOp> {
  using CheckedPattern::CheckedPattern;
  LogicalResult
  matchAndRewrite(GemmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Type element = resultType.getElementType();
    auto accType = resultType.clone(accumulatorType(element));
    MLIRContext *ctx = rewriter.getContext();
    AffineExpr m = rewriter.getAffineDimExpr(0),
               n = rewriter.getAffineDimExpr(1),
               k = rewriter.getAffineDimExpr(2);
    bool transA = op.getTransA(), transB = op.getTransB();
    SmallVector<AffineMap> maps = {
        AffineMap::get(3, 0, transA ? ArrayRef<AffineExpr>{k, m}
                                    : ArrayRef<AffineExpr>{m, k}, ctx),
        AffineMap::get(3, 0, transB ? ArrayRef<AffineExpr>{n, k}
                                    : ArrayRef<AffineExpr>{k, n}, ctx),
        AffineMap::get(3, 0, {m, n}, ctx)};
    Value a = adaptor.getA(), b = adaptor.getB();
    checkInnerDims(rewriter, loc, op, facts, op.getA(), op.getB(), a,
                   transA ? 0 : 1, b, transB ? 1 : 0);
    SmallVector<OpFoldResult> sizes = {
        tensor::getMixedSize(rewriter, loc, a, transA ? 1 : 0),
        tensor::getMixedSize(rewriter, loc, b, transB ? 0 : 1)};
    Value result = buildContraction(rewriter, loc, a, b, accType, sizes, maps);
    result = convertElements(rewriter, loc, result, element);

    float alpha = op.getAlpha().convertToFloat();
    float beta = op.getBeta().convertToFloat();
    Value c = adaptor.getC();
    if (alpha == 1.0f && !c) {
      rewriter.replaceOp(op, result);
      return success();
    }
    Value alphaValue = floatConstant(rewriter, loc, element, alpha);
    Value betaValue = floatConstant(rewriter, loc, element, beta);
    SmallVector<Value> operands = {result}, modelOperands = {op.getResult()};
    if (c) {
      operands.push_back(c);
      modelOperands.push_back(op.getC());
    }
    SmallVector<int64_t> dims;
    for (Value v : modelOperands)
      dims.push_back(cast<RankedTensorType>(v.getType()).getRank());
    // C broadcasts to [M, N]; where that cannot be proven it is checked.
    BroadcastPlan plan = planBroadcast(modelOperands, dims, resultType, 2,
                                       facts, op.getResult());
    auto scaleAndAdd =
        [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
          Value y = args[0];
          if (alpha != 1.0f)
            y = arith::MulFOp::create(nb, nloc, y, alphaValue);
          if (args.size() < 2)
            return y;
          Value scaled = beta == 1.0f ? args[1]
                                      : (Value)arith::MulFOp::create(
                                            nb, nloc, args[1], betaValue);
          return arith::AddFOp::create(nb, nloc, y, scaled);
        };
    if (plan.anyUnknown) {
      GuardedBroadcast guarded =
          guardBroadcast(rewriter, loc, op, plan, operands, resultType);
      result = buildGuardedElementwise(rewriter, loc, resultType, plan,
                                       guarded, scaleAndAdd);
    } else {
      result = buildElementwise(rewriter, loc, resultType, operands,
                                scaleAndAdd);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

// softmax is linalg.softmax; the target pipeline decomposes it (max, exp of
// the difference, sum, divide) through its AggregatedOpInterface. 16-bit
// floats compute in f32, so that the sum of exponentials keeps its precision.
struct SoftmaxPattern : OpConversionPattern<SoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto type = cast<RankedTensorType>(input.getType());
    Type element = type.getElementType();
    Type acc = accumulatorType(element);
    input = convertElements(rewriter, loc, input, acc);
    SmallVector<Value> sizes;
    for (int64_t i = 0; i < type.getRank(); ++i)
      if (type.isDynamicDim(i))
        sizes.push_back(tensor::DimOp::create(rewriter, loc, input, i));
    Value empty =
        tensor::EmptyOp::create(rewriter, loc, type.getShape(), acc, sizes);
    Value result = linalg::SoftmaxOp::create(rewriter, loc, type.clone(acc),
                                             input, empty, (uint64_t)op.getAxis())
                       .getResult()[0];
    rewriter.replaceOp(op, convertElements(rewriter, loc, result, element));
    return success();
  }
};

} // namespace

void kiln::model_to_linalg::populateContractionPatterns(
    RewritePatternSet &patterns, const DimFacts *facts) {
  patterns.add<MatMulPattern, GemmPattern>(patterns.getContext(), facts);
  patterns.add<SoftmaxPattern>(patterns.getContext());
}
