//===- RuntimeGuards.cpp - Checked results, indices and shape operands ----===//
//
// What the layout, generate and indexing lowerings share. An op whose sizes
// or indices the compiler cannot prove collects the conditions it relies on
// in RuntimeChecks, emits them as one run-time check naming its node, and
// builds its result under buildIfValid: the real computation when the check
// held, zeros otherwise. Code after a failed check keeps running (the run
// reports the error when it ends), so this is what keeps every access in
// bounds. Index tensors are checked by one reduction (allIndicesInRange)
// and then only wrapped, never clamped.
//
//===----------------------------------------------------------------------===//
#include "passes/Conversion/ModelToLinalg/ModelToLinalg.h"

#include "dialects/Model/IR/ModelOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace kiln::model_to_linalg {

Value andOf(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  return arith::AndIOp::create(b, loc, lhs, rhs);
}

void RuntimeChecks::require(OpBuilder &b, Location loc, Value condition) {
  ok = ok ? andOf(b, loc, ok, condition) : condition;
}

void RuntimeChecks::requireEqualDims(OpBuilder &b, Location loc, Value lhs,
                                     int64_t i, Value rhs, int64_t j) {
  auto lt = cast<RankedTensorType>(lhs.getType());
  auto rt = cast<RankedTensorType>(rhs.getType());
  if (!lt.isDynamicDim(i) && !rt.isDynamicDim(j))
    return;
  require(b, loc,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                dimValue(b, loc, lhs, i),
                                dimValue(b, loc, rhs, j)));
}

void RuntimeChecks::requireStaticDim(OpBuilder &b, Location loc,
                                     RankedTensorType type, int64_t i,
                                     Value size, bool proven) {
  if (type.isDynamicDim(i) || proven)
    return;
  require(b, loc,
          arith::CmpIOp::create(
              b, loc, arith::CmpIPredicate::eq, size,
              arith::ConstantIndexOp::create(b, loc, type.getDimSize(i))));
}

Value RuntimeChecks::emit(OpBuilder &b, Location loc, Operation *op,
                          const Twine &what) {
  if (ok)
    emitRuntimeCheck(b, loc, ok, op, what);
  return ok;
}

Value buildIfValid(OpBuilder &b, Location loc, Value ok,
                   RankedTensorType resultType,
                   function_ref<Value(OpBuilder &, Location)> build) {
  if (!ok || matchPattern(ok, m_One()))
    return build(b, loc);
  auto ifOp = scf::IfOp::create(
      b, loc, ok,
      [&](OpBuilder &nb, Location nloc) {
        Value built = build(nb, nloc);
        if (built.getType() != resultType)
          built = tensor::CastOp::create(nb, nloc, resultType, built);
        scf::YieldOp::create(nb, nloc, built);
      },
      [&](OpBuilder &nb, Location nloc) {
        SmallVector<OpFoldResult> sizes;
        for (int64_t d : resultType.getShape())
          sizes.push_back(nb.getIndexAttr(ShapedType::isDynamic(d) ? 0 : d));
        scf::YieldOp::create(nb, nloc,
                             zerosOfType(nb, nloc, resultType, sizes));
      });
  return ifOp.getResult(0);
}

Value allOf(OpBuilder &b, Location loc, Value tensor,
            function_ref<Value(OpBuilder &, Location, Value)> predicate) {
  auto type = cast<RankedTensorType>(tensor.getType());
  int64_t rank = type.getRank();
  auto resultType = RankedTensorType::get({}, b.getI1Type());
  Value init =
      buildFilled(b, loc, resultType, {},
                  arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1));
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank),
                                 AffineMap::get(rank, 0, {}, b.getContext())};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::reduction);
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, tensor, init, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(
            nb, nloc, andOf(nb, nloc, args[1], predicate(nb, nloc, args[0])));
      });
  return tensor::ExtractOp::create(b, loc, generic.getResult(0), ValueRange{});
}

Value allIndicesInRange(OpBuilder &b, Location loc, Value indices,
                        function_ref<Value(OpBuilder &, Location)> bound) {
  return allOf(b, loc, indices, [&](OpBuilder &nb, Location l, Value index) {
    Value i = arith::IndexCastOp::create(nb, l, nb.getIndexType(), index);
    Value n = bound(nb, l);
    Value negN = arith::SubIOp::create(
        nb, l, arith::ConstantIndexOp::create(nb, l, 0), n);
    return andOf(
        nb, l, arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sge, i, negN),
        arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, i, n));
  });
}

Value wrapIndex(OpBuilder &b, Location loc, Value index, Value dim) {
  Value i = arith::IndexCastOp::create(b, loc, b.getIndexType(), index);
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, i,
                            arith::ConstantIndexOp::create(b, loc, 0));
  return arith::SelectOp::create(b, loc, negative,
                                 arith::AddIOp::create(b, loc, i, dim), i);
}

SmallVector<ShapeOperandEntry> readShapeOperand(OpBuilder &b, Location loc,
                                                Value modelValue,
                                                Value lowered) {
  SmallVector<ShapeOperandEntry> entries;
  for (auto [k, known] :
       llvm::enumerate(kiln::model::knownShapeEntries(modelValue))) {
    if (known.constant) {
      entries.push_back(
          {arith::ConstantIndexOp::create(b, loc, *known.constant),
           known.constant});
      continue;
    }
    Value v = tensor::ExtractOp::create(
        b, loc, lowered, ValueRange{arith::ConstantIndexOp::create(b, loc, k)});
    entries.push_back(
        {arith::IndexCastOp::create(b, loc, b.getIndexType(), v),
         std::nullopt});
  }
  return entries;
}

Value extractScalar(OpBuilder &b, Location loc, Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  SmallVector<Value> at(type.getRank(),
                        arith::ConstantIndexOp::create(b, loc, 0));
  return tensor::ExtractOp::create(b, loc, tensor, at);
}

SmallVector<Value> dynamicSizesOf(RankedTensorType type,
                                  ArrayRef<Value> sizes) {
  SmallVector<Value> dynamic;
  for (auto [i, size] : llvm::enumerate(sizes))
    if (type.isDynamicDim(i))
      dynamic.push_back(size);
  return dynamic;
}

Value buildIndexed(
    OpBuilder &b, Location loc, RankedTensorType resultType,
    ArrayRef<Value> sizes,
    function_ref<Value(OpBuilder &, Location, ArrayRef<Value>)> body) {
  int64_t rank = resultType.getRank();
  Value empty = tensor::EmptyOp::create(b, loc, resultType.getShape(),
                                        resultType.getElementType(),
                                        dynamicSizesOf(resultType, sizes));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, ValueRange{}, empty,
      ArrayRef<AffineMap>{b.getMultiDimIdentityMap(rank)}, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange) {
        SmallVector<Value> ivs;
        for (int64_t i = 0; i < rank; ++i)
          ivs.push_back(linalg::IndexOp::create(nb, nloc, i));
        linalg::YieldOp::create(nb, nloc, body(nb, nloc, ivs));
      });
  return generic.getResult(0);
}

} // namespace kiln::model_to_linalg
