//===- ModelToLinalg.cpp - The kiln-convert-model-to-linalg pass ----------===//
#include "passes/Conversion/ModelToLinalg/ModelToLinalg.h"

#include "dialects/Model/Analysis/DimEquivalence.h"
#include "dialects/Model/IR/ModelDialect.h"
#include "dialects/Model/IR/ModelOps.h"
#include "passes/Conversion/Passes.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/DialectConversion.h"

namespace kiln {
#define GEN_PASS_DEF_CONVERTMODELTOLINALG
#include "passes/Conversion/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln::model_to_linalg {

Type accumulatorType(Type element) {
  if (element.isF16() || element.isBF16())
    return Float32Type::get(element.getContext());
  return element;
}

Value convertScalar(OpBuilder &b, Location loc, Value x, Type to) {
  Type from = x.getType();
  if (from == to)
    return x;
  auto fromInt = dyn_cast<IntegerType>(from);
  auto toInt = dyn_cast<IntegerType>(to);
  if (toInt && toInt.getWidth() == 1) {
    Value zero = arith::ConstantOp::create(b, loc, from, b.getZeroAttr(from));
    return fromInt ? (Value)arith::CmpIOp::create(
                         b, loc, arith::CmpIPredicate::ne, x, zero)
                   : arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE,
                                           x, zero);
  }
  if (fromInt && toInt) {
    if (fromInt.getWidth() < toInt.getWidth())
      return fromInt.getWidth() == 1
                 ? (Value)arith::ExtUIOp::create(b, loc, to, x)
                 : arith::ExtSIOp::create(b, loc, to, x);
    return arith::TruncIOp::create(b, loc, to, x);
  }
  if (fromInt)
    return fromInt.getWidth() == 1
               ? (Value)arith::UIToFPOp::create(b, loc, to, x)
               : arith::SIToFPOp::create(b, loc, to, x);
  if (toInt)
    return arith::FPToSIOp::create(b, loc, to, x);
  unsigned fromWidth = from.getIntOrFloatBitWidth(),
           toWidth = to.getIntOrFloatBitWidth();
  if (fromWidth < toWidth)
    return arith::ExtFOp::create(b, loc, to, x);
  if (fromWidth > toWidth)
    return arith::TruncFOp::create(b, loc, to, x);
  // f16 <-> bf16: same width, different formats; every value of either is
  // exact in f32.
  Value wide = arith::ExtFOp::create(b, loc, Float32Type::get(b.getContext()), x);
  return arith::TruncFOp::create(b, loc, to, wide);
}

Value convertElements(OpBuilder &b, Location loc, Value value, Type element) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getElementType() == element)
    return value;
  return buildElementwise(
      b, loc, type.clone(element), value,
      [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
        return convertScalar(nb, nloc, args[0], element);
      });
}

SmallVector<ReassociationIndices> unitDimGroups(int64_t largeRank,
                                                ArrayRef<int64_t> unitDims) {
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices leading;
  for (int64_t i = 0; i < largeRank; ++i) {
    if (llvm::is_contained(unitDims, i)) {
      (groups.empty() ? leading : groups.back()).push_back(i);
      continue;
    }
    groups.push_back(leading);
    groups.back().push_back(i);
    leading.clear();
  }
  if (!groups.empty())
    groups.front().append(leading.begin(), leading.end());
  for (ReassociationIndices &g : groups)
    llvm::sort(g);
  return groups;
}

Value buildExpandShape(OpBuilder &b, Location loc, RankedTensorType resultType,
                       Value source, ArrayRef<ReassociationIndices> groups,
                       ArrayRef<OpFoldResult> sizes) {
  // MLIR 22's expand-strided-metadata crashes on a memref.expand_shape group
  // with two dynamic sizes (the stride of the group's outer dims is computed
  // from a null fold result); tensor.reshape avoids that pattern.
  bool twoDynamicInOneGroup = llvm::any_of(groups, [&](const auto &group) {
    return llvm::count_if(group, [&](int64_t d) {
             return resultType.isDynamicDim(d);
           }) > 1;
  });
  if (!twoDynamicInOneGroup)
    return tensor::ExpandShapeOp::create(b, loc, resultType, source, groups,
                                         sizes);
  SmallVector<Value> dims;
  for (OpFoldResult size : sizes)
    dims.push_back(arith::IndexCastOp::create(
        b, loc, b.getI64Type(),
        getValueOrCreateConstantIndexOp(b, loc, size)));
  Value shape = tensor::FromElementsOp::create(
      b, loc, RankedTensorType::get({(int64_t)dims.size()}, b.getI64Type()),
      dims);
  return tensor::ReshapeOp::create(b, loc, resultType, source, shape);
}

Value dimValue(OpBuilder &b, Location loc, Value value, int64_t dim) {
  auto type = cast<RankedTensorType>(value.getType());
  if (!type.isDynamicDim(dim))
    return arith::ConstantIndexOp::create(b, loc, type.getDimSize(dim));
  return tensor::DimOp::create(b, loc, value, dim);
}

SmallVector<Value> broadcastDynamicSizes(OpBuilder &b, Location loc,
                                         RankedTensorType resultType,
                                         ValueRange operands) {
  SmallVector<Value> sizes;
  int64_t rank = resultType.getRank();
  for (int64_t i = 0; i < rank; ++i) {
    if (!resultType.isDynamicDim(i))
      continue;
    for (Value operand : operands) {
      auto type = cast<RankedTensorType>(operand.getType());
      int64_t j = i - (rank - type.getRank());
      if (j >= 0 && type.isDynamicDim(j)) {
        sizes.push_back(tensor::DimOp::create(b, loc, operand, j));
        break;
      }
    }
  }
  return sizes;
}

AffineMap broadcastMap(RankedTensorType operandType,
                       RankedTensorType resultType) {
  MLIRContext *ctx = resultType.getContext();
  int64_t rank = resultType.getRank(), offset = rank - operandType.getRank();
  SmallVector<AffineExpr> exprs;
  for (int64_t j = 0; j < operandType.getRank(); ++j) {
    bool stretched = operandType.getDimSize(j) == 1 &&
                     resultType.getDimSize(j + offset) != 1;
    exprs.push_back(stretched ? getAffineConstantExpr(0, ctx)
                              : getAffineDimExpr(j + offset, ctx));
  }
  return AffineMap::get(rank, 0, exprs, ctx);
}

Value buildFilled(OpBuilder &b, Location loc, RankedTensorType type,
                  ValueRange dynamicSizes, Value value) {
  Value empty = tensor::EmptyOp::create(b, loc, type.getShape(),
                                        type.getElementType(), dynamicSizes);
  return linalg::FillOp::create(b, loc, value, empty).getResult(0);
}

Value buildElementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                       ValueRange operands, ScalarBuilder body) {
  Value empty = tensor::EmptyOp::create(
      b, loc, resultType.getShape(), resultType.getElementType(),
      broadcastDynamicSizes(b, loc, resultType, operands));
  SmallVector<AffineMap> maps;
  for (Value operand : operands)
    maps.push_back(
        broadcastMap(cast<RankedTensorType>(operand.getType()), resultType));
  maps.push_back(b.getMultiDimIdentityMap(resultType.getRank()));
  SmallVector<utils::IteratorType> iterators(resultType.getRank(),
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, operands, empty, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value result = body(nb, nloc, args.drop_back());
        linalg::YieldOp::create(nb, nloc, result);
      });
  return generic.getResult(0);
}

} // namespace kiln::model_to_linalg

void kiln::populateModelToLinalgPatterns(RewritePatternSet &patterns,
                                         const model::DimEquivalence *facts) {
  model_to_linalg::populateElementwisePatterns(patterns, facts);
  model_to_linalg::populateContractionPatterns(patterns, facts);
  model_to_linalg::populateDataMovementPatterns(patterns, facts);
  model_to_linalg::populateEinsumPatterns(patterns, facts);
  model_to_linalg::populateReductionPatterns(patterns, facts);
  model_to_linalg::populateLayoutPatterns(patterns, facts);
  model_to_linalg::populateGeneratePatterns(patterns, facts);
  model_to_linalg::populateIndexingPatterns(patterns, facts);
  model_to_linalg::populateVisionPatterns(patterns, facts);
  model_to_linalg::populateQuantizationPatterns(patterns, facts);
  model_to_linalg::populateSignalPatterns(patterns, facts);
  model_to_linalg::populateSamplingPatterns(patterns, facts);
  model_to_linalg::populateTransformerPatterns(patterns, facts);
  model_to_linalg::populateRecurrentPatterns(patterns, facts);
  model_to_linalg::populateDynamicPatterns(patterns, facts);
}

namespace {

struct ConvertModelToLinalgPass
    : kiln::impl::ConvertModelToLinalgBase<ConvertModelToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    // arith only computes on signless integers; say so instead of building
    // invalid IR.
    WalkResult unsupported = getOperation()->walk([](Operation *op) {
      if (!isa<kiln::model::ModelDialect>(op->getDialect()))
        return WalkResult::advance();
      for (Type type : llvm::concat<const Type>(op->getOperandTypes(),
                                                 op->getResultTypes())) {
        auto integer = dyn_cast<IntegerType>(getElementTypeOrSelf(type));
        if (integer && !integer.isSignless()) {
          op->emitError("unsigned and signed integer element types (")
              << integer << ") are not supported by the lowering yet";
          return WalkResult::interrupt();
        }
      }
      return WalkResult::advance();
    });
    if (unsupported.wasInterrupted())
      return signalPassFailure();
    ConversionTarget target(*ctx);
    target.addIllegalDialect<kiln::model::ModelDialect>();
    // Weights are target business: each target's entry ABI decides how its
    // code reaches them (arguments into the mapped package on the CPU).
    target.addLegalOp<kiln::model::WeightOp>();
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, tensor::TensorDialect,
                           func::FuncDialect, scf::SCFDialect,
                           cf::ControlFlowDialect>();
    // The facts are about the model-level values, which stay in place (and
    // are what the patterns' ops refer to) until the conversion finishes.
    kiln::model::DimEquivalence facts(getOperation());
    RewritePatternSet patterns(ctx);
    kiln::populateModelToLinalgPatterns(patterns, &facts);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
