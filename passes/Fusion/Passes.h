//===- Passes.h - kiln's fusion passes on the model dialect -----*- C++ -*-===//
#ifndef KILN_PASSES_FUSION_PASSES_H
#define KILN_PASSES_FUSION_PASSES_H

#include "dialects/Fused/IR/FusedOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

namespace kiln {
namespace model {
class DimEquivalence;
} // namespace model

#define GEN_PASS_DECL
#include "passes/Fusion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Fusion/Passes.h.inc"

/// Adds the attention fusion; `facts` proves the sizes the fused op relies
/// on (null: only static sizes count as proven).
void populateFuseAttentionPatterns(mlir::RewritePatternSet &patterns,
                                   const model::DimEquivalence *facts);

/// Adds the mixture-of-experts fusion (kiln-fuse-moe); `facts` proves that
/// the router logits and the tokens have the same token count.
void populateFuseMoEPatterns(mlir::RewritePatternSet &patterns,
                             const model::DimEquivalence *facts);

/// Adds the Mamba-2 SSD fusion (FuseSSD.cpp); `facts` as above.
void populateFuseSSDPatterns(mlir::RewritePatternSet &patterns,
                             const model::DimEquivalence *facts);

} // namespace kiln

#endif // KILN_PASSES_FUSION_PASSES_H
