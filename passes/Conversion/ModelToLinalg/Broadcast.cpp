//===- Broadcast.cpp - Broadcasting that is correct for every run-time size ===//
// numpy broadcasting of dims whose sizes the compiler cannot prove. A static
// 1 stretches and a dim proven equal to the result's needs nothing: those
// operands are read through affine maps, as for static shapes, so static
// shapes pay nothing. A dynamic dim that may be 1 at run time (or may
// contradict the others) is "unknown": the result size is computed at run
// time (the last operand dim that is not 1), a check reports a contradiction
// through `cf.assert` (the target turns it into a run error naming the node),
// and the operand is read at min(i, size - 1), which is index 0 for a run-time
// 1. When the check fails every unknown operand is replaced by a zero tensor
// of size 1 in its unknown dims, so that the code after it, which keeps
// running, never reads out of bounds.
#include "passes/Conversion/ModelToLinalg/ModelToLinalg.h"

#include "dialects/Model/Analysis/DimEquivalence.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace kiln::model_to_linalg {

std::string describeSource(Operation *op) {
  Location loc = op->getLoc();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    if (!fused.getLocations().empty())
      loc = fused.getLocations().front();
  std::string where;
  if (auto name = dyn_cast<NameLoc>(loc)) {
    where = ("node '" + name.getName().getValue() + "'").str();
  } else if (auto file = dyn_cast<FileLineColLoc>(loc)) {
    where = (file.getFilename().getValue() + ":" + Twine(file.getLine()) +
             ":" + Twine(file.getColumn()))
                .str();
  } else {
    where = "an unnamed node";
  }
  return where + " (" + op->getName().getStringRef().str() + ")";
}

void emitRuntimeCheck(OpBuilder &b, Location loc, Value ok, Operation *op,
                      const Twine &what) {
  cf::AssertOp::create(b, loc, ok, (describeSource(op) + ": " + what).str());
}

BroadcastPlan planBroadcast(ArrayRef<Value> modelOperands,
                            ArrayRef<int64_t> broadcastDims,
                            RankedTensorType resultType, int64_t resultDims,
                            const model::DimEquivalence *facts,
                            Value modelResult) {
  BroadcastPlan plan;
  plan.resultDims = resultDims;
  plan.broadcastDims.assign(broadcastDims.begin(), broadcastDims.end());
  plan.relations.resize(modelOperands.size());
  for (auto [k, operand] : llvm::enumerate(modelOperands))
    plan.relations[k].assign(broadcastDims[k], DimRelation::Equal);
  for (int64_t i = 0; i < resultDims; ++i) {
    int64_t resultSize = resultType.getDimSize(i);
    // The operands that are dynamic at result dim i.
    SmallVector<std::pair<size_t, int64_t>> dynamic;
    for (auto [k, operand] : llvm::enumerate(modelOperands)) {
      auto type = cast<RankedTensorType>(operand.getType());
      int64_t j = i - (resultDims - broadcastDims[k]);
      if (j < 0)
        continue;
      if (!type.isDynamicDim(j)) {
        if (type.getDimSize(j) == 1 && resultSize != 1)
          plan.relations[k][j] = DimRelation::Stretched;
        continue;
      }
      dynamic.emplace_back(k, j);
    }
    if (dynamic.empty())
      continue;
    bool allEqual = !ShapedType::isDynamic(resultSize) ? false : true;
    for (auto [k, j] : dynamic) {
      auto [k0, j0] = dynamic.front();
      allEqual &= facts && facts->provenEqual(modelOperands[k], j,
                                              modelOperands[k0], j0);
    }
    // With a model-level result at hand, an operand proven equal to it needs
    // nothing either (e.g. the product of a Gemm against its own result).
    for (auto [k, j] : dynamic) {
      bool equal = allEqual ||
                   (facts && modelResult &&
                    facts->provenEqual(modelOperands[k], j, modelResult, i));
      if (!equal) {
        plan.relations[k][j] = DimRelation::Unknown;
        plan.anyUnknown = true;
      }
    }
  }
  return plan;
}

Value zerosOfType(OpBuilder &b, Location loc, RankedTensorType type,
                  ArrayRef<OpFoldResult> sizes) {
  Value empty = tensor::EmptyOp::create(b, loc, sizes, type.getElementType());
  Value zero = arith::ConstantOp::create(
      b, loc, type.getElementType(), b.getZeroAttr(type.getElementType()));
  Value filled = linalg::FillOp::create(b, loc, zero, empty).getResult(0);
  return filled.getType() == type
             ? filled
             : tensor::CastOp::create(b, loc, type, filled).getResult();
}

/// A zero tensor of `value`'s type and sizes, but 1 in its unknown dims.
static Value unitDummy(OpBuilder &b, Location loc, Value value,
                       ArrayRef<DimRelation> relation) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, value);
  for (auto [j, r] : llvm::enumerate(relation))
    if (r == DimRelation::Unknown)
      sizes[j] = b.getIndexAttr(1);
  return zerosOfType(b, loc, type, sizes);
}

GuardedBroadcast guardBroadcast(OpBuilder &b, Location loc, Operation *op,
                                const BroadcastPlan &plan, ValueRange lowered,
                                RankedTensorType resultType) {
  GuardedBroadcast guarded;
  int64_t resultDims = plan.resultDims;
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  auto dimOf = [&](size_t k, int64_t j) -> Value {
    return tensor::DimOp::create(b, loc, lowered[k], j);
  };
  auto operandDim = [&](size_t k, int64_t i) {
    return i - (resultDims - plan.broadcastDims[k]);
  };
  // Result sizes: static, read from an operand proven equal, or the last
  // unknown operand dim that is not 1.
  SmallVector<Value> sizes(resultDims);
  for (int64_t i = 0; i < resultDims; ++i) {
    if (!resultType.isDynamicDim(i)) {
      sizes[i] =
          arith::ConstantIndexOp::create(b, loc, resultType.getDimSize(i));
      continue;
    }
    Value size;
    bool unknown = false;
    for (size_t k = 0; k < lowered.size(); ++k) {
      int64_t j = operandDim(k, i);
      if (j < 0 || plan.relations[k][j] == DimRelation::Stretched)
        continue;
      if (plan.relations[k][j] == DimRelation::Equal) {
        if (!size && cast<RankedTensorType>(lowered[k].getType())
                         .isDynamicDim(j))
          size = dimOf(k, j);
        continue;
      }
      unknown = true;
    }
    if (unknown) {
      size = size ? size : one;
      for (size_t k = 0; k < lowered.size(); ++k) {
        int64_t j = operandDim(k, i);
        if (j < 0 || plan.relations[k][j] != DimRelation::Unknown)
          continue;
        Value d = dimOf(k, j);
        Value isOne = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                            d, one);
        size = arith::SelectOp::create(b, loc, isOne, size, d);
      }
    }
    sizes[i] = size ? size : one;
  }
  // Every unknown dim is 1 or the result's size.
  Value ok = arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1);
  for (size_t k = 0; k < lowered.size(); ++k)
    for (int64_t j = 0; j < plan.broadcastDims[k]; ++j) {
      if (plan.relations[k][j] != DimRelation::Unknown)
        continue;
      int64_t i = j + (resultDims - plan.broadcastDims[k]);
      Value d = dimOf(k, j);
      Value isOne =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, d, one);
      Value isFull = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                           d, sizes[i]);
      ok = arith::AndIOp::create(
          b, loc, ok, arith::OrIOp::create(b, loc, isOne, isFull));
    }
  emitRuntimeCheck(b, loc, ok, op,
                   "operand shapes do not broadcast: a dim is neither 1 nor "
                   "the size of the other operands' dim");
  // Safe operands and sizes for the code that runs on after a failed check.
  for (size_t k = 0; k < lowered.size(); ++k) {
    Value operand = lowered[k];
    if (!llvm::is_contained(plan.relations[k], DimRelation::Unknown)) {
      guarded.operands.push_back(operand);
      continue;
    }
    auto ifOp = scf::IfOp::create(
        b, loc, ok,
        [&](OpBuilder &nb, Location nloc) {
          scf::YieldOp::create(nb, nloc, operand);
        },
        [&](OpBuilder &nb, Location nloc) {
          scf::YieldOp::create(nb, nloc,
                               unitDummy(nb, nloc, operand, plan.relations[k]));
        });
    guarded.operands.push_back(ifOp.getResult(0));
  }
  for (int64_t i = 0; i < resultDims; ++i) {
    Value size = sizes[i];
    if (resultType.isDynamicDim(i))
      size = arith::SelectOp::create(b, loc, ok, size, one);
    guarded.sizes.push_back(size);
  }
  return guarded;
}

/// The value of operand `k` at the result's loop indices: affine-mapped dims
/// as usual, unknown dims clamped to the operand's last index.
static Value readBroadcast(OpBuilder &b, Location loc, Value operand,
                           ArrayRef<DimRelation> relation, int64_t offset) {
  auto type = cast<RankedTensorType>(operand.getType());
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  SmallVector<Value> indices;
  for (int64_t j = 0; j < type.getRank(); ++j) {
    DimRelation r =
        j < int64_t(relation.size()) ? relation[j] : DimRelation::Equal;
    if (r == DimRelation::Stretched) {
      indices.push_back(zero);
      continue;
    }
    Value index = linalg::IndexOp::create(b, loc, j + offset);
    if (r == DimRelation::Unknown) {
      Value last = arith::SubIOp::create(
          b, loc, tensor::DimOp::create(b, loc, operand, j), one);
      index = arith::MinSIOp::create(b, loc, index, last);
    }
    indices.push_back(index);
  }
  return tensor::ExtractOp::create(b, loc, operand, indices);
}

Value buildCheckedElementwise(OpBuilder &b, Location loc, Operation *op,
                              RankedTensorType resultType, ValueRange operands,
                              ScalarBuilder body,
                              const model::DimEquivalence *facts) {
  SmallVector<Value> modelOperands(op->getOperands());
  SmallVector<int64_t> dims;
  for (Value v : modelOperands)
    dims.push_back(cast<RankedTensorType>(v.getType()).getRank());
  BroadcastPlan plan = planBroadcast(modelOperands, dims, resultType,
                                     resultType.getRank(), facts,
                                     op->getResult(0));
  if (!plan.anyUnknown)
    return buildElementwise(b, loc, resultType, operands, body);
  GuardedBroadcast guarded =
      guardBroadcast(b, loc, op, plan, operands, resultType);
  return buildGuardedElementwise(b, loc, resultType, plan, guarded, body);
}

Value buildGuardedElementwise(OpBuilder &b, Location loc,
                              RankedTensorType resultType,
                              const BroadcastPlan &plan,
                              const GuardedBroadcast &guarded,
                              ScalarBuilder body) {
  int64_t rank = resultType.getRank();
  SmallVector<Value> dynamicSizes;
  for (int64_t i = 0; i < rank; ++i)
    if (resultType.isDynamicDim(i))
      dynamicSizes.push_back(guarded.sizes[i]);
  Value empty = tensor::EmptyOp::create(b, loc, resultType.getShape(),
                                        resultType.getElementType(),
                                        dynamicSizes);
  // Operands without unknown dims are generic inputs; the others are read in
  // the body.
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  SmallVector<int64_t> inputOf(guarded.operands.size(), -1);
  for (auto [k, operand] : llvm::enumerate(guarded.operands)) {
    if (llvm::is_contained(plan.relations[k], DimRelation::Unknown))
      continue;
    inputOf[k] = inputs.size();
    inputs.push_back(operand);
    maps.push_back(
        broadcastMap(cast<RankedTensorType>(operand.getType()), resultType));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, inputs, empty, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        SmallVector<Value> scalars;
        for (auto [k, operand] : llvm::enumerate(guarded.operands)) {
          if (inputOf[k] >= 0) {
            scalars.push_back(args[inputOf[k]]);
            continue;
          }
          int64_t offset =
              rank - cast<RankedTensorType>(operand.getType()).getRank();
          scalars.push_back(
              readBroadcast(nb, nloc, operand, plan.relations[k], offset));
        }
        linalg::YieldOp::create(nb, nloc, body(nb, nloc, scalars));
      });
  return generic.getResult(0);
}

} // namespace kiln::model_to_linalg
