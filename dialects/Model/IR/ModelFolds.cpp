//===- ModelFolds.cpp - Folders of `model` ops ----------------------------===//
// Kept apart from the verifiers so that algebra and invariants read separately.
#include "dialects/Model/IR/ModelOps.h"

using namespace mlir;
using namespace kiln::model;

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }
