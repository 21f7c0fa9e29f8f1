//===- Passes.h - Transforms of the `model` dialect -------------*- C++ -*-===//
#ifndef KILN_DIALECTS_MODEL_TRANSFORMS_PASSES_H
#define KILN_DIALECTS_MODEL_TRANSFORMS_PASSES_H

#include "mlir/Pass/Pass.h"

namespace kiln::model {

#define GEN_PASS_DECL
#include "dialects/Model/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dialects/Model/Transforms/Passes.h.inc"

} // namespace kiln::model

#endif // KILN_DIALECTS_MODEL_TRANSFORMS_PASSES_H
