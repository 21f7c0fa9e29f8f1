//===- StridedCopies.cpp - memref.copy of strided views becomes loops ------===//
// finalize-memref-to-llvm lowers a copy between non-contiguous memrefs to a
// call of `memrefCopy` from MLIR's C runner utils, which a package's code
// does not link (it depends on libc and libm only). Such copies become
// linalg.copy, which the CPU pipeline lowers to loops like any other linalg
// op; contiguous copies stay memcpy.
#include "passes/CPU/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/IR/PatternMatch.h"

namespace kiln::cpu {
#define GEN_PASS_DEF_CPULOWERSTRIDEDCOPIES
#include "passes/CPU/Passes.h.inc"
} // namespace kiln::cpu

using namespace mlir;

namespace {

/// The condition under which upstream lowers memref.copy to a memcpy.
bool isContiguous(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  return memref && (memref.getLayout().isIdentity() ||
                    (memref.hasStaticShape() && memref.getNumElements() > 0 &&
                     memref::isStaticShapeAndContiguousRowMajor(memref)));
}

struct CPULowerStridedCopiesPass
    : kiln::cpu::impl::CPULowerStridedCopiesBase<CPULowerStridedCopiesPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation()->walk([&](memref::CopyOp op) {
      if (!isContiguous(op.getSource().getType()) ||
          !isContiguous(op.getTarget().getType()))
        copies.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (memref::CopyOp op : copies) {
      rewriter.setInsertionPoint(op);
      rewriter.replaceOpWithNewOp<linalg::CopyOp>(op, op.getSource(),
                                                  op.getTarget());
    }
  }
};

} // namespace
