//===- Quantization.cpp - Lowering of model.iota --------------------------===//
//
// model.iota becomes a linalg.generic writing each element's index into a
// tensor of the run-time length, after checking the length is not negative
// (a failed check continues with length 0, so nothing is written).
//
//===----------------------------------------------------------------------===//
#include "passes/Conversion/ModelToLinalg/ModelToLinalg.h"

#include "dialects/Model/IR/ModelOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace kiln::model;
using namespace kiln::model_to_linalg;

namespace {

struct IotaPattern : OpConversionPattern<IotaOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(IotaOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Value count =
        tensor::ExtractOp::create(rewriter, loc, adaptor.getCount(), {});
    Value count64 = count;
    if (!count.getType().isInteger(64))
      count64 = arith::ExtSIOp::create(rewriter, loc, rewriter.getI64Type(),
                                       count);
    Value zero = arith::ConstantIntOp::create(rewriter, loc, 0, 64);
    Value ok = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sge,
                                     count64, zero);
    emitRuntimeCheck(rewriter, loc, ok, op, "the length must not be negative");
    Value length = arith::IndexCastOp::create(
        rewriter, loc, rewriter.getIndexType(),
        arith::SelectOp::create(rewriter, loc, ok, count64, zero));
    Value empty = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                          resultType.getElementType(),
                                          ValueRange{length});
    AffineMap identity = rewriter.getMultiDimIdentityMap(1);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, resultType, ValueRange{}, ValueRange{empty},
        ArrayRef<AffineMap>{identity},
        ArrayRef<utils::IteratorType>{utils::IteratorType::parallel},
        [](OpBuilder &b, Location l, ValueRange) {
          Value index = linalg::IndexOp::create(b, l, 0);
          Value value =
              arith::IndexCastOp::create(b, l, b.getI64Type(), index);
          linalg::YieldOp::create(b, l, value);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void kiln::model_to_linalg::populateQuantizationPatterns(
    RewritePatternSet &patterns, const DimFacts *) {
  patterns.add<IotaPattern>(patterns.getContext());
}
