//===- Einsum.cpp - model.einsum to one linalg.generic --------------------===//
//
// Every letter of the equation is one loop: the result's letters parallel,
// the others reductions; each operand is read through the map of its term
// (a repeated letter reads a diagonal), and the body multiplies the operands
// into the accumulator. Two-operand equations without diagonals are then
// plain contractions, which linalg recognizes (isaContractionOpInterface)
// and the CPU target schedules like matmuls.
//
// Sizes: a letter's size is static where any operand knows it, else the
// minimum over the dims it names; every dim not proven equal is checked at
// run time, and an operand that fails a check is read as zeros of the
// letters' sizes, so a failed check never reads out of bounds.
//
//===----------------------------------------------------------------------===//
#include "passes/Conversion/ModelToLinalg/ModelToLinalg.h"

#include "dialects/Model/Analysis/DimEquivalence.h"
#include "dialects/Model/IR/ModelOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace kiln::model;
using namespace kiln::model_to_linalg;

namespace {

struct EinsumPattern : CheckedPattern<EinsumOp> {
  using CheckedPattern::CheckedPattern;

  LogicalResult
  matchAndRewrite(EinsumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    SmallVector<StringRef> terms = op.getInputTerms();
    StringRef output = op.getOutputTerm();
    auto resultType = cast<RankedTensorType>(op.getType());
    MLIRContext *ctx = op.getContext();

    // Loops: the result's letters, then the summed ones in order of first
    // appearance.
    SmallVector<char> loops(output.begin(), output.end());
    for (StringRef term : terms)
      for (char letter : term)
        if (!llvm::is_contained(loops, letter))
          loops.push_back(letter);
    auto loopOf = [&](char letter) {
      return static_cast<unsigned>(llvm::find(loops, letter) - loops.begin());
    };

    // Each letter's size: static where any operand has it, else the
    // minimum of the dims it names. A dynamic dim not proven equal to the
    // others is checked at run time, and an operand that fails a check is
    // replaced by zeros of the letters' sizes, so nothing reads out of
    // bounds afterwards.
    ValueRange operands = adaptor.getInputs();
    ValueRange modelOperands = op.getInputs();
    auto dimSize = [&](unsigned i, unsigned d) {
      return cast<RankedTensorType>(operands[i].getType()).getDimSize(d);
    };
    SmallVector<OpFoldResult> sizes;
    SmallVector<Value> operandOk(operands.size());
    for (char letter : loops) {
      SmallVector<std::pair<unsigned, unsigned>> uses;
      int64_t staticSize = ShapedType::kDynamic;
      for (auto [i, term] : llvm::enumerate(terms))
        for (auto [d, l] : llvm::enumerate(term))
          if (l == letter) {
            uses.emplace_back(i, d);
            if (!ShapedType::isDynamic(dimSize(i, d)))
              staticSize = dimSize(i, d);
          }
      bool allProven = ShapedType::isDynamic(staticSize);
      for (auto [i, d] : llvm::drop_begin(uses))
        allProven &= facts && facts->provenEqual(modelOperands[uses[0].first],
                                                 uses[0].second,
                                                 modelOperands[i], d);
      Value size;
      if (!ShapedType::isDynamic(staticSize)) {
        size = arith::ConstantIndexOp::create(rewriter, loc, staticSize);
      } else {
        for (auto [i, d] : uses) {
          Value dim = dimValue(rewriter, loc, operands[i], d);
          size = size ? arith::MinUIOp::create(rewriter, loc, size, dim) : dim;
          if (allProven)
            break;
        }
      }
      if (!allProven) {
        Value letterOk;
        for (auto [i, d] : uses) {
          if (!ShapedType::isDynamic(dimSize(i, d)))
            continue;
          Value equal = arith::CmpIOp::create(
              rewriter, loc, arith::CmpIPredicate::eq,
              dimValue(rewriter, loc, operands[i], d), size);
          operandOk[i] = operandOk[i] ? arith::AndIOp::create(
                                            rewriter, loc, operandOk[i], equal)
                                      : equal;
          letterOk = letterOk
                         ? arith::AndIOp::create(rewriter, loc, letterOk, equal)
                         : equal;
        }
        if (letterOk)
          emitRuntimeCheck(rewriter, loc, letterOk, op,
                           llvm::Twine("the dims named '") + Twine(letter) +
                               "' in '" + op.getEquation() + "' differ");
      }
      sizes.push_back(ShapedType::isDynamic(staticSize)
                          ? OpFoldResult(size)
                          : OpFoldResult(rewriter.getIndexAttr(staticSize)));
    }

    // Operands (guarded where checked) and their maps.
    SmallVector<Value> inputs;
    SmallVector<AffineMap> maps;
    for (auto [i, term] : llvm::enumerate(terms)) {
      Value operand = operands[i];
      SmallVector<OpFoldResult> operandSizes;
      SmallVector<AffineExpr> exprs;
      for (char letter : term) {
        operandSizes.push_back(sizes[loopOf(letter)]);
        exprs.push_back(getAffineDimExpr(loopOf(letter), ctx));
      }
      if (Value ok = operandOk[i]) {
        // The operand's type with every size the letters know statically.
        SmallVector<int64_t> shape;
        for (OpFoldResult s : operandSizes)
          shape.push_back(getConstantIntValue(s).value_or(ShapedType::kDynamic));
        auto guardedType =
            cast<RankedTensorType>(operand.getType()).clone(shape);
        auto guarded = scf::IfOp::create(
            rewriter, loc, ok,
            [&](OpBuilder &b, Location l) {
              Value same = tensor::CastOp::create(b, l, guardedType, operand);
              scf::YieldOp::create(b, l, same);
            },
            [&](OpBuilder &b, Location l) {
              scf::YieldOp::create(
                  b, l, zerosOfType(b, l, guardedType, operandSizes));
            });
        operand = guarded.getResult(0);
      }
      inputs.push_back(operand);
      maps.push_back(AffineMap::get(loops.size(), 0, exprs, ctx));
    }
    SmallVector<AffineExpr> outExprs;
    for (unsigned i = 0; i < output.size(); ++i)
      outExprs.push_back(getAffineDimExpr(i, ctx));
    maps.push_back(AffineMap::get(loops.size(), 0, outExprs, ctx));

    Type element = resultType.getElementType();
    Type acc = accumulatorType(element);
    auto accType = resultType.clone(acc);
    SmallVector<Value> dynamicSizes;
    for (auto [i, d] : llvm::enumerate(resultType.getShape()))
      if (ShapedType::isDynamic(d))
        dynamicSizes.push_back(
            getValueOrCreateConstantIndexOp(rewriter, loc, sizes[i]));
    Value zero = arith::ConstantOp::create(rewriter, loc, acc,
                                           rewriter.getZeroAttr(acc));
    Value init = buildFilled(rewriter, loc, accType, dynamicSizes, zero);

    SmallVector<utils::IteratorType> iterators;
    for (unsigned i = 0; i < loops.size(); ++i)
      iterators.push_back(i < output.size() ? utils::IteratorType::parallel
                                            : utils::IteratorType::reduction);
    bool isFloat = isa<FloatType>(acc);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, accType, inputs, init, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value product = convertScalar(b, l, args[0], acc);
          for (Value arg : args.drop_front().drop_back()) {
            Value v = convertScalar(b, l, arg, acc);
            product = isFloat ? (Value)arith::MulFOp::create(b, l, product, v)
                              : arith::MulIOp::create(b, l, product, v);
          }
          Value sum =
              isFloat ? (Value)arith::AddFOp::create(b, l, args.back(), product)
                      : arith::AddIOp::create(b, l, args.back(), product);
          linalg::YieldOp::create(b, l, sum);
        });
    Value result = generic.getResult(0);
    if (acc != element)
      result = buildElementwise(
          rewriter, loc, resultType, result,
          [&](OpBuilder &b, Location l, ValueRange args) {
            return convertScalar(b, l, args[0], element);
          });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void kiln::model_to_linalg::populateEinsumPatterns(RewritePatternSet &patterns,
                                                   const DimFacts *facts) {
  patterns.add<EinsumPattern>(patterns.getContext(), facts);
}
