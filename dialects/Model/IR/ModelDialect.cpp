//===- ModelDialect.cpp - Registration of the `model` dialect -------------===//
#include "dialects/Model/IR/ModelDialect.h"
#include "dialects/Model/IR/ModelAttrs.h"
#include "dialects/Model/IR/ModelOps.h"

using namespace mlir;
using namespace kiln::model;

#include "dialects/Model/IR/ModelDialect.cpp.inc"

void ModelDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/Model/IR/ModelOps.cpp.inc"
      >();
  registerAttributes();
}

Operation *ModelDialect::materializeConstant(OpBuilder &builder,
                                             Attribute value, Type type,
                                             Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, elements);
}
