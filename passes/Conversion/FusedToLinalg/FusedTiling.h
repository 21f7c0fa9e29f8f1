//===- FusedTiling.h - fused.ssd / fused.moe lowered by tiles ---*- C++ -*-===//
#ifndef KILN_PASSES_CONVERSION_FUSEDTOLINALG_FUSEDTILING_H
#define KILN_PASSES_CONVERSION_FUSEDTOLINALG_FUSEDTILING_H

#include "dialects/Fused/IR/FusedOps.h"

#include "mlir/IR/PatternMatch.h"

namespace kiln {

/// Lowers `op` as an scf.forall over (batch, blocks of `headTile` heads),
/// tiled through its TilingInterface, each tile by the chunked algorithm
/// (SSDToLinalg.cpp); the run-time size checks run on the whole op first. A
/// `headTile` that does not divide the heads or fit the groups is taken as
/// 1.
mlir::LogicalResult lowerSSDByTiles(mlir::RewriterBase &rewriter,
                                    fused::SSDOp op, int64_t headTile);

/// Tiles `op` through its TilingInterface into an scf.forall over blocks of
/// `tokenTile` tokens whose tiles are fused.moe ops over their block (which
/// the conversion then lowers); the token counts of tokens and logits are
/// checked at run time on the whole op first.
mlir::LogicalResult tileMoEByTokens(mlir::RewriterBase &rewriter,
                                    fused::MoEOp op, int64_t tokenTile);

} // namespace kiln

#endif // KILN_PASSES_CONVERSION_FUSEDTOLINALG_FUSEDTILING_H
