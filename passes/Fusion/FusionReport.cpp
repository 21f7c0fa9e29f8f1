//===- FusionReport.cpp - What the fusion passes fused and rejected -------===//
#include "passes/Fusion/FusionReport.h"

#include "dialects/Fused/IR/FusedOps.h"
#include "passes/Fusion/Passes.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/DenseSet.h"

#include <set>

namespace kiln {
#define GEN_PASS_DEF_FUSIONREPORT
#include "passes/Fusion/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace {

/// Collects the reasons patterns give for rejecting a candidate.
class NearMissRecorder : public RewriterBase::Listener {
public:
  void notifyMatchFailure(
      Location loc, function_ref<void(Diagnostic &)> reasonCallback) override {
    Diagnostic diag(loc, DiagnosticSeverity::Remark);
    reasonCallback(diag);
    std::string reason = diag.str();
    if (seen.insert({loc.getAsOpaquePointer(), reason}).second)
      records.emplace_back(loc, std::move(reason));
  }

  SmallVector<std::pair<Location, std::string>> records;

private:
  std::set<std::pair<const void *, std::string>> seen;
};

/// Every location a (possibly fused) location is made of, itself included.
void collectLocations(Location loc, DenseSet<Location> &out) {
  out.insert(loc);
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location part : fused.getLocations())
      collectLocations(part, out);
}

bool isFusedOp(Operation *op) {
  return isa<kiln::fused::FusedDialect>(op->getDialect());
}

struct FusionReportPass : kiln::impl::FusionReportBase<FusionReportPass> {
  void runOnOperation() override {
    Operation *func = getOperation();
    MLIRContext *ctx = &getContext();
    SmallVector<Attribute> records;
    func->walk([&](Operation *op) {
      if (!isFusedOp(op))
        return;
      NamedAttrList attrs(op->getAttrDictionary());
      op->getName().populateDefaultAttrs(attrs);
      // Which optional operands are present is structure, not a property
      // of the fused instance.
      attrs.erase("operandSegmentSizes");
      StringRef kind = op->getName().stripDialect();
      records.push_back(DictionaryAttr::get(
          ctx, {NamedAttribute(StringAttr::get(ctx, "kind"),
                               StringAttr::get(ctx, kind)),
                NamedAttribute(StringAttr::get(ctx, "attributes"),
                               attrs.getDictionary(ctx)),
                NamedAttribute(StringAttr::get(ctx, "loc"),
                               LocationAttr(op->getLoc()))}));
    });
    func->setAttr(kiln::kFusionFusedAttr, ArrayAttr::get(ctx, records));
  }
};

} // namespace

LogicalResult kiln::applyFusionPatterns(Operation *func,
                                        const FrozenRewritePatternSet &patterns,
                                        StringRef fusion,
                                        bool recordNearMisses) {
  NearMissRecorder recorder;
  GreedyRewriteConfig config;
  config.enableFolding(false);
  if (recordNearMisses)
    config.setListener(&recorder);
  if (failed(applyPatternsGreedily(func, patterns, config)))
    return failure();
  if (!recordNearMisses)
    return success();
  DenseSet<Location> fusedParts;
  func->walk([&](Operation *op) {
    if (isFusedOp(op))
      collectLocations(op->getLoc(), fusedParts);
  });
  MLIRContext *ctx = func->getContext();
  SmallVector<Attribute> nearMisses;
  if (auto existing = func->getAttrOfType<ArrayAttr>(kFusionNearMissesAttr))
    llvm::append_range(nearMisses, existing.getValue());
  for (auto &[loc, reason] : recorder.records) {
    if (fusedParts.contains(loc))
      continue;
    nearMisses.push_back(DictionaryAttr::get(
        ctx, {NamedAttribute(StringAttr::get(ctx, "fusion"),
                             StringAttr::get(ctx, fusion)),
              NamedAttribute(StringAttr::get(ctx, "loc"), LocationAttr(loc)),
              NamedAttribute(StringAttr::get(ctx, "reason"),
                             StringAttr::get(ctx, reason))}));
  }
  func->setAttr(kFusionNearMissesAttr, ArrayAttr::get(ctx, nearMisses));
  return success();
}
