//===- FusionReport.h - What the fusion passes fused and rejected -*- C++ -*-===//
// `kiln-compile --report` lists every fused instance and every near miss.
// The data leaves the pass pipeline on the functions, as attributes that the
// driver reads (and removes) after the target-neutral pipeline:
//   - `kiln.fusion.near_misses`: written by each fusion pass run with
//     `report=true` (applyFusionPatterns): [{fusion, loc, reason}], the
//     deduplicated notifyMatchFailure texts of candidates that stayed
//     unfused;
//   - `kiln.fusion.fused`: written by `kiln-fusion-report`, which runs right
//     after the fusion passes: [{kind, attributes, loc}] for every op of the
//     fused dialect (kind = op name without "fused.", attributes = all of
//     the op's attributes with defaults filled in, loc = the FusedLoc of the
//     ops it replaced).
#ifndef KILN_PASSES_FUSION_FUSIONREPORT_H
#define KILN_PASSES_FUSION_FUSIONREPORT_H

#include "mlir/IR/PatternMatch.h"
#include "mlir/Rewrite/FrozenRewritePatternSet.h"
#include "llvm/ADT/StringRef.h"

namespace kiln {

inline constexpr llvm::StringLiteral kFusionNearMissesAttr =
    "kiln.fusion.near_misses";
inline constexpr llvm::StringLiteral kFusionFusedAttr = "kiln.fusion.fused";

/// Runs a fusion's patterns greedily on `func` (without folding: fusion
/// rewrites only what it matches). With `recordNearMisses`, the reasons the
/// patterns give through notifyMatchFailure (captured by a
/// RewriterBase::Listener) are appended to the function's
/// `kiln.fusion.near_misses`, deduplicated, and without those of candidates
/// that fused after all (their location is part of a fused op's). Patterns
/// return plain failure() for a root that is no candidate at all.
mlir::LogicalResult applyFusionPatterns(mlir::Operation *func,
                                        const mlir::FrozenRewritePatternSet &patterns,
                                        llvm::StringRef fusion,
                                        bool recordNearMisses);

} // namespace kiln

#endif // KILN_PASSES_FUSION_FUSIONREPORT_H
