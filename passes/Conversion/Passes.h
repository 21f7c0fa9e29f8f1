//===- Passes.h - kiln's conversion passes ----------------------*- C++ -*-===//
#ifndef KILN_PASSES_CONVERSION_PASSES_H
#define KILN_PASSES_CONVERSION_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace kiln {

#define GEN_PASS_DECL
#include "passes/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Conversion/Passes.h.inc"

/// Adds the linalg decompositions of the `fused` ops.
void populateFusedToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// Adds fused.ssd's chunked lowering (SSDToLinalg.cpp), part of the above.
void populateSSDToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// Adds the lowering of fused.moe: grouped by expert (work proportional to
/// top_k), or with `reference` every expert on every token.
void populateFusedMoEToLinalgPatterns(mlir::RewritePatternSet &patterns,
                                      bool reference);

} // namespace kiln

#endif // KILN_PASSES_CONVERSION_PASSES_H
