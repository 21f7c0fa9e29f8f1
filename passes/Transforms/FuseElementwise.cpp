//===- FuseElementwise.cpp - Elementwise fusion without recomputation ----===//
#include "passes/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace kiln {
#define GEN_PASS_DEF_FUSEELEMENTWISE
#include "passes/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;

bool kiln::isFusionWithoutRecomputation(OpOperand *fusedOperand) {
  auto consumer = dyn_cast<linalg::LinalgOp>(fusedOperand->getOwner());
  if (!consumer)
    return false;
  // A map that leaves out a consumer loop re-reads the same producer element
  // on every trip of that loop; fused, the producer would be recomputed.
  AffineMap map = consumer.getMatchingIndexingMap(fusedOperand);
  return map.isPermutation();
}

namespace {

struct FuseElementwisePass
    : kiln::impl::FuseElementwiseBase<FuseElementwisePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    linalg::populateElementwiseOpsFusionPatterns(
        patterns, kiln::isFusionWithoutRecomputation);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
