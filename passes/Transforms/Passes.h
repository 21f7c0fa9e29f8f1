//===- Passes.h - kiln's transforms of linalg on tensors --------*- C++ -*-===//
#ifndef KILN_PASSES_TRANSFORMS_PASSES_H
#define KILN_PASSES_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Pass/Pass.h"

namespace kiln {

#define GEN_PASS_DECL
#include "passes/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Transforms/Passes.h.inc"

/// Whether fusing the producer of `fusedOperand` into its consumer keeps
/// every producer element computed once (see kiln-fuse-elementwise).
bool isFusionWithoutRecomputation(mlir::OpOperand *fusedOperand);

} // namespace kiln

#endif // KILN_PASSES_TRANSFORMS_PASSES_H
