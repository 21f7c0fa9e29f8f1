//===- ResolveDynamicReshapes.cpp - dynamic_reshape to reshape with facts -===//
#include "dialects/Model/Analysis/DimEquivalence.h"
#include "dialects/Model/IR/ModelOps.h"
#include "dialects/Model/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"

namespace kiln::model {
#define GEN_PASS_DEF_RESOLVEDYNAMICRESHAPES
#include "dialects/Model/Transforms/Passes.h.inc"
} // namespace kiln::model

using namespace mlir;
using namespace kiln::model;

namespace {

struct ResolveDynamicReshapesPass
    : kiln::model::impl::ResolveDynamicReshapesBase<
          ResolveDynamicReshapesPass> {
  void runOnOperation() override {
    // One analysis for the whole walk: the rewrites only replace
    // dynamic_reshape results, which are never asked about below.
    DimEquivalence facts(getOperation());
    SmallVector<DynamicReshapeOp> candidates;
    getOperation()->walk(
        [&](DynamicReshapeOp op) { candidates.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (DynamicReshapeOp op : candidates) {
      rewriter.setInsertionPoint(op);
      (void)rewriteKnownDynamicReshape(
          rewriter, op, [&](Value v, int64_t i, Value input, int64_t j) {
            return facts.provenEqual(v, i, input, j);
          });
    }
  }
};

} // namespace
