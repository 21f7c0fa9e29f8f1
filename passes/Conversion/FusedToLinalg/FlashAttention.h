//===- FlashAttention.h - fused.attention by tiled online softmax -*- C++ -*-===//
#ifndef KILN_PASSES_CONVERSION_FUSEDTOLINALG_FLASHATTENTION_H
#define KILN_PASSES_CONVERSION_FUSEDTOLINALG_FLASHATTENTION_H

#include "dialects/Fused/IR/FusedOps.h"

#include "mlir/IR/PatternMatch.h"

namespace kiln {

/// Replaces `op` by an `scf.forall` over (batch, heads, blocks of `queryTile`
/// query rows), tiled through its TilingInterface, whose body runs the
/// online softmax over blocks of `keyTile` keys with `linalg.matmul`s for
/// the score and value tiles. Only the key blocks that some row of the query
/// block sees are visited; the causal/window visibility is applied to the
/// blocks that straddle its boundary only. Extra memory per tile:
/// O(queryTile * (keyTile + Dv)), never [Sq, Sk].
mlir::LogicalResult lowerAttentionByOnlineSoftmax(mlir::RewriterBase &rewriter,
                                                  fused::AttentionOp op,
                                                  int64_t queryTile,
                                                  int64_t keyTile);

/// ONNX broadcasting of a mask dim whose type says `?`: where it is 1 at run
/// time and the score dim it lines up with is not, the mask is copied,
/// stretched along those dims, and `op` reads the copy (which costs the
/// full [batch, heads, Sq, Sk] of the stretched dims; only such runs pay
/// it). The lowerings tile the mask with the scores, so they read it as if
/// every dynamic dim were the score dim; checkAttentionSizes then rejects
/// only true contradictions. Nothing is built for static mask shapes.
void broadcastDynamicUnitMaskDims(mlir::RewriterBase &rewriter,
                                  fused::AttentionOp op);

/// Checks at run time the sizes of `op` that its verifier could not compare
/// (dynamic on at least one side): both lowerings read K, V, the mask and
/// the destination at the query's batch and lengths. The i1 for
/// buildIfValid; null when everything is static.
mlir::Value checkAttentionSizes(mlir::OpBuilder &b, fused::AttentionOp op);

} // namespace kiln

#endif // KILN_PASSES_CONVERSION_FUSEDTOLINALG_FLASHATTENTION_H
