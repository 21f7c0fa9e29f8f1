//===- AttentionMask.h - What an attention mask hides ------------*- C++ -*-===//
// The attention fusion turns the masks that exporters build into the fused
// op's visibility attributes (causal, window_left/right) where it can prove
// what they hide, and keeps any other float mask as an additive operand.
// Masks are classified here, on the `model` dialect, independently of the
// rest of the attention match.
#ifndef KILN_PASSES_FUSION_ATTENTIONMASK_H
#define KILN_PASSES_FUSION_ATTENTIONMASK_H

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace kiln::fusion {

/// The keys that query i sees, as an interval of d = j - i (key index minus
/// query index); nullopt is unbounded on that side.
struct Band {
  std::optional<int64_t> lo, hi;
};

/// What a term added to the scores is.
struct MaskClass {
  enum Kind {
    /// Exactly 0 on a band of diagonals and "hidden" (-inf, or a finite
    /// value <= -1e9 such as finfo.min) elsewhere; `band` says which.
    Visibility,
    /// Any other float tensor: kept as the fused op's additive mask.
    Additive,
  } kind = Additive;
  Band band;
  /// The ops of the mask's computation (for the fused op's location).
  llvm::SmallVector<mlir::Operation *> ops;
};

/// Whether dim `dim` of `v` is the scores' query length (`which` 0) or key
/// length (`which` 1) in every run.
using ScoreDimFn = llvm::function_ref<bool(mlir::Value v, int64_t dim, int which)>;

/// Classifies `mask`, a float term added to scores [batch, heads, Sq, Sk].
/// A visibility pattern is recognized as a constant, or computed for the
/// run's lengths as Trilu of a hidden fill, or as a Where selecting 0 or a
/// hidden fill by a comparison of index ranges (HF's `arange < arange + 1`),
/// possibly with leading unit dims unsqueezed in front.
MaskClass classifyMask(mlir::Value mask, ScoreDimFn isScoreDim);

} // namespace kiln::fusion

#endif // KILN_PASSES_FUSION_ATTENTIONMASK_H
