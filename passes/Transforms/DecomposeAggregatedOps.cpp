//===- DecomposeAggregatedOps.cpp - linalg.softmax and kin into parts -----===//
#include "passes/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/PatternMatch.h"

namespace kiln {
#define GEN_PASS_DEF_DECOMPOSEAGGREGATEDOPS
#define GEN_PASS_DEF_TESTMATCHCONTRACTIONS
#include "passes/Transforms/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace {

struct DecomposeAggregatedOpsPass
    : kiln::impl::DecomposeAggregatedOpsBase<DecomposeAggregatedOpsPass> {
  void runOnOperation() override {
    SmallVector<linalg::AggregatedOpInterface> ops;
    getOperation()->walk(
        [&](linalg::AggregatedOpInterface op) { ops.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (linalg::AggregatedOpInterface op : ops) {
      rewriter.setInsertionPoint(op);
      FailureOr<SmallVector<Value>> parts = op.decomposeOperation(rewriter);
      if (failed(parts)) {
        op->emitError("cannot be decomposed into linalg ops");
        return signalPassFailure();
      }
      rewriter.replaceOp(op, *parts);
    }
  }
};

std::string joined(ArrayRef<unsigned> dims) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(dims))
    s += (i ? "," : "") + std::to_string(d);
  return s + "]";
}

struct TestMatchContractionsPass
    : kiln::impl::TestMatchContractionsBase<TestMatchContractionsPass> {
  void runOnOperation() override {
    getOperation()->walk([](linalg::LinalgOp op) {
      if (!linalg::isaContractionOpInterface(op)) {
        if (op.getNumReductionLoops() > 0)
          op->emitRemark("not a contraction");
        return;
      }
      FailureOr<linalg::ContractionDimensions> dims =
          linalg::inferContractionDims(op);
      if (failed(dims))
        return;
      op->emitRemark("contraction: batch=")
          << joined(dims->batch) << " m=" << joined(dims->m)
          << " n=" << joined(dims->n) << " k=" << joined(dims->k);
    });
  }
};

} // namespace
