//===- ModelQuantOps.cpp - Inference and verifier of model.iota -----------===//
//
// The ops of ModelQuantOps.td; their classes are generated into
// ModelOps.cpp.inc with the rest of the dialect.
//
//===----------------------------------------------------------------------===//
#include "dialects/Model/IR/ModelOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;
using namespace kiln::model;

LogicalResult IotaOp::inferReturnTypes(MLIRContext *context,
                                       std::optional<Location>, Adaptor,
                                       SmallVectorImpl<Type> &types) {
  types.push_back(RankedTensorType::get({ShapedType::kDynamic},
                                        IntegerType::get(context, 64)));
  return success();
}

bool IotaOp::isCompatibleReturnTypes(TypeRange l, TypeRange r) {
  return isRefinementOf(l, r);
}

LogicalResult IotaOp::verify() {
  auto count = cast<RankedTensorType>(getCount().getType());
  Type element = count.getElementType();
  if (count.getRank() != 0 ||
      !(element.isSignlessInteger(32) || element.isSignlessInteger(64)))
    return emitOpError("count must be a rank-0 i32 or i64 tensor, got ")
           << count;
  return success();
}
