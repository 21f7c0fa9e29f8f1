//===- ModelToLinalg.cpp - The kiln-convert-model-to-linalg pass ----------===//
#include "passes/Conversion/ModelToLinalg/ModelToLinalg.h"

#include "dialects/Model/IR/ModelDialect.h"
#include "dialects/Model/IR/ModelOps.h"
#include "passes/Conversion/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/DialectConversion.h"

namespace kiln {
#define GEN_PASS_DEF_CONVERTMODELTOLINALG
#include "passes/Conversion/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln::model_to_linalg {

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

void kiln::populateModelToLinalgPatterns(RewritePatternSet &patterns) {
  model_to_linalg::populateElementwisePatterns(patterns);
  model_to_linalg::populateContractionPatterns(patterns);
  model_to_linalg::populateDataMovementPatterns(patterns);
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
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, tensor::TensorDialect,
                           func::FuncDialect>();
    RewritePatternSet patterns(ctx);
    kiln::populateModelToLinalgPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
