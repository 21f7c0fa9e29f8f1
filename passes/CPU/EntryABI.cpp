//===- EntryABI.cpp - The CPU entry ABI: weights become entry arguments ---===//
#include "dialects/Model/IR/ModelOps.h"
#include "passes/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"

namespace kiln::cpu {
#define GEN_PASS_DEF_CPUENTRYABI
#include "passes/CPU/Passes.h.inc"
} // namespace kiln::cpu

using namespace mlir;

namespace {

struct CPUEntryABIPass : kiln::cpu::impl::CPUEntryABIBase<CPUEntryABIPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      if (!func.isPublic()) {
        inlineWeights(func);
        continue;
      }
      if (failed(outline(func)))
        return signalPassFailure();
    }
  }

  static void inlineWeights(func::FuncOp func) {
    func.walk([](kiln::model::WeightOp op) {
      OpBuilder b(op);
      auto constant = arith::ConstantOp::create(
          b, op.getLoc(), cast<TypedAttr>(op.getValue()));
      op.replaceAllUsesWith(constant.getResult());
      op.erase();
    });
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
            {readOnly, b.getNamedAttr(kiln::cpu::kWeightArgAttr,
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
    // The signature (names, symbolic dims) was read into the package's
    // manifest before lowering; the code's ABI does not carry it.
    for (unsigned i = 0; i < func.getNumArguments(); ++i) {
      func.removeArgAttr(i, kiln::model::kNameAttr);
      func.removeArgAttr(i, kiln::model::kDimsAttr);
    }
    for (unsigned i = 0; i < func.getNumResults(); ++i) {
      func.removeResultAttr(i, StringAttr::get(ctx, kiln::model::kNameAttr));
      func.removeResultAttr(i, StringAttr::get(ctx, kiln::model::kDimsAttr));
    }
    func->setAttr("llvm.emit_c_interface", UnitAttr::get(ctx));
    return success();
  }
};

} // namespace
