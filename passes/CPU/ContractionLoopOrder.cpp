//===- ContractionLoopOrder.cpp - Loop order of contractions for the CPU --===//
// The first scheduling step of the CPU target (see Passes.td): contractions
// arrive as named ops without a schedule and leave as generics whose loop
// order and floating-point flags suit LLVM's vectorizer.
#include "passes/CPU/Passes.h"

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace kiln::cpu {
#define GEN_PASS_DEF_CPUCONTRACTIONLOOPORDER
#include "passes/CPU/Passes.h.inc"
} // namespace kiln::cpu

using namespace mlir;

namespace {

/// The loop of the result's innermost dim, if that dim is a plain loop.
std::optional<unsigned> innermostResultLoop(linalg::GenericOp op) {
  AffineMap out = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (out.getNumResults() == 0)
    return std::nullopt;
  auto dim = dyn_cast<AffineDimExpr>(out.getResults().back());
  if (!dim)
    return std::nullopt;
  return dim.getPosition();
}

/// The new loop order: the parallel loops in the result's dim order, with the
/// reductions (in their own order) just before the innermost result loop when
/// an input reads that loop contiguously, else innermost.
SmallVector<unsigned> loopOrder(linalg::GenericOp op, bool &reductionInnermost) {
  std::optional<unsigned> inner = innermostResultLoop(op);
  reductionInnermost = true;
  if (inner)
    for (OpOperand *input : op.getDpsInputOperands()) {
      AffineMap map = op.getMatchingIndexingMap(input);
      if (map.getNumResults() > 0 &&
          map.getResults().back() == getAffineDimExpr(*inner, op.getContext()))
        reductionInnermost = false;
    }
  SmallVector<unsigned> parallel, reductions;
  AffineMap out = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  for (AffineExpr e : out.getResults())
    if (auto dim = dyn_cast<AffineDimExpr>(e))
      parallel.push_back(dim.getPosition());
  for (auto [i, type] : llvm::enumerate(op.getIteratorTypesArray()))
    if (type == utils::IteratorType::reduction)
      reductions.push_back(i);
  SmallVector<unsigned> order(parallel);
  if (reductionInnermost || order.empty())
    order.append(reductions);
  else
    order.insert(order.end() - 1, reductions.begin(), reductions.end());
  return order;
}

/// Lets LLVM fuse the body's multiply-add (and, with the reduction
/// innermost, reassociate it so that the dot product vectorizes).
void setFastMath(linalg::GenericOp op, bool reassociate) {
  auto flags = arith::FastMathFlags::contract;
  if (reassociate)
    flags = flags | arith::FastMathFlags::reassoc;
  op.getBody()->walk([&](Operation *inner) {
    if (auto fm = dyn_cast<arith::ArithFastMathInterface>(inner))
      inner->setAttr(fm.getFastMathAttrName(),
                     arith::FastMathFlagsAttr::get(op.getContext(), flags));
  });
}

struct CPUContractionLoopOrderPass
    : kiln::cpu::impl::CPUContractionLoopOrderBase<
          CPUContractionLoopOrderPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> contractions;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() && op.getNumDpsInits() == 1 &&
          linalg::isaContractionOpInterface(op))
        contractions.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : contractions) {
      rewriter.setInsertionPoint(op);
      auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
      if (!generic) {
        FailureOr<linalg::GenericOp> generalized =
            linalg::generalizeNamedOp(rewriter, op);
        if (failed(generalized))
          continue;
        generic = *generalized;
      }
      bool reductionInnermost = false;
      SmallVector<unsigned> order = loopOrder(generic, reductionInnermost);
      if (order.size() == generic.getNumLoops()) {
        FailureOr<linalg::GenericOp> interchanged =
            linalg::interchangeGenericOp(rewriter, generic, order);
        if (succeeded(interchanged))
          generic = *interchanged;
      }
      setFastMath(generic, reductionInnermost);
    }
  }
};

} // namespace
