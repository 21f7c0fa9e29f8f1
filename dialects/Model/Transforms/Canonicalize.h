//===- Canonicalize.h - The canonical form frontends hand on ----*- C++ -*-===//
#ifndef KILN_DIALECTS_MODEL_TRANSFORMS_CANONICALIZE_H
#define KILN_DIALECTS_MODEL_TRANSFORMS_CANONICALIZE_H

#include "mlir/IR/Operation.h"
#include "mlir/IR/PatternMatch.h"

namespace kiln::model {

/// Adds the canonicalization patterns of every `model` op.
void populateCanonicalizationPatterns(mlir::RewritePatternSet &patterns);

/// Folds and canonicalizes the `model` ops under `root` (isolated from
/// above, e.g. a module) and erases what became dead: the form every
/// frontend hands on, so that matchers see one spelling of each graph.
/// Unlike --canonicalize it keeps constants where the frontend put them
/// (no constant hoisting or CSE) and leaves the region structure alone, so
/// the IR still reads in source order.
void canonicalize(mlir::Operation *root);

} // namespace kiln::model

#endif // KILN_DIALECTS_MODEL_TRANSFORMS_CANONICALIZE_H
