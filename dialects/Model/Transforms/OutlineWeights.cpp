//===- OutlineWeights.cpp - Weights become entry arguments ----------------===//
#include "dialects/Model/IR/ModelOps.h"
#include "dialects/Model/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"

namespace kiln::model {
#define GEN_PASS_DEF_OUTLINEWEIGHTS
#include "dialects/Model/Transforms/Passes.h.inc"
} // namespace kiln::model

using namespace mlir;

namespace {

struct OutlineWeightsPass
    : kiln::model::impl::OutlineWeightsBase<OutlineWeightsPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (!func.isPublic() || func.isExternal())
        continue;
      if (failed(outline(func)))
        return signalPassFailure();
    }
  }

  LogicalResult outline(func::FuncOp func) {
    MLIRContext *ctx = func.getContext();
    Builder b(ctx);
    auto readOnly = b.getNamedAttr(
        bufferization::BufferizationDialect::kWritableAttrName,
        b.getBoolAttr(false));
    for (unsigned i = 0; i < func.getNumArguments(); ++i)
      func.setArgAttr(i, readOnly.getName(), readOnly.getValue());

    llvm::StringMap<BlockArgument> byName;
    SmallVector<kiln::model::WeightOp> weights;
    func.walk([&](kiln::model::WeightOp op) { weights.push_back(op); });
    for (kiln::model::WeightOp op : weights) {
      auto [it, inserted] = byName.try_emplace(op.getName());
      if (inserted) {
        unsigned index = func.getNumArguments();
        DictionaryAttr attrs = b.getDictionaryAttr(
            {readOnly, b.getNamedAttr(kiln::model::kWeightArgAttr,
                                      op.getNameAttr())});
        if (failed(func.insertArgument(index, op.getType(), attrs,
                                       op.getLoc())))
          return op.emitError("cannot add a weight argument");
        it->second = func.getArgument(index);
      } else if (it->second.getType() != op.getType()) {
        return op.emitError("weight '")
               << op.getName() << "' is used with two types: "
               << it->second.getType() << " and " << op.getType();
      }
      op.replaceAllUsesWith(it->second);
      op.erase();
    }
    func->setAttr("llvm.emit_c_interface", UnitAttr::get(ctx));
    return success();
  }
};

} // namespace
