//===- RuntimeChecks.cpp - cf.assert becomes a run error through kiln_exec -===//
// Lowerings express the sizes they cannot prove as `cf.assert`s (whose
// upstream lowering aborts the process). On the CPU, a failed check calls the
// runtime's exec->fail(exec, message) instead (include/kiln/abi.h) and the
// code keeps running on clamped sizes; the runtime then turns the message
// into the run's kiln_status.
#include "passes/CPU/Passes.h"

#include "kiln/abi.h"

#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"

namespace kiln::cpu {
#define GEN_PASS_DEF_CPURUNTIMECHECKS
#include "passes/CPU/Passes.h.inc"
} // namespace kiln::cpu

using namespace mlir;

namespace {

struct CPURuntimeChecksPass
    : kiln::cpu::impl::CPURuntimeChecksBase<CPURuntimeChecksPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    unsigned messageCount = 0;
    for (auto func : llvm::make_early_inc_range(module.getOps<func::FuncOp>())) {
      if (func.isExternal())
        continue;
      SmallVector<cf::AssertOp> checks;
      func.walk([&](cf::AssertOp op) { checks.push_back(op); });
      if (!func.isPublic()) {
        if (!checks.empty()) {
          checks.front().emitError(
              "run-time checks in a private function are not supported: only "
              "entry functions receive the runtime's execution context");
          return signalPassFailure();
        }
        continue;
      }
      Value exec = addExecArgument(func);
      for (cf::AssertOp check : checks)
        lower(check, exec, module, messageCount);
    }
  }

  /// Appends the `!llvm.ptr {kiln.exec}` argument the entry wrapper fills
  /// with the runtime's kiln_exec.
  static Value addExecArgument(func::FuncOp func) {
    MLIRContext *ctx = func.getContext();
    unsigned index = func.getNumArguments();
    if (index > 0 && func.getArgAttr(index - 1, kiln::cpu::kExecArgAttr))
      return func.getArgument(index - 1);
    Builder b(ctx);
    DictionaryAttr attrs = b.getDictionaryAttr(
        b.getNamedAttr(kiln::cpu::kExecArgAttr, UnitAttr::get(ctx)));
    (void)func.insertArgument(index, LLVM::LLVMPointerType::get(ctx), attrs,
                              func.getLoc());
    return func.getArgument(index);
  }

  /// if (!cond) exec->fail(exec, "message");
  static void lower(cf::AssertOp check, Value exec, ModuleOp module,
                    unsigned &messageCount) {
    OpBuilder b(check);
    Location loc = check.getLoc();
    Value failed = arith::XOrIOp::create(
        b, loc, check.getArg(),
        arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1));
    // The message: a NUL-terminated constant in the code's read-only data.
    std::string text = check.getMsg().str();
    text.push_back('\0');
    OpBuilder moduleBuilder = OpBuilder::atBlockBegin(module.getBody());
    auto global = LLVM::GlobalOp::create(
        moduleBuilder, loc,
        LLVM::LLVMArrayType::get(moduleBuilder.getI8Type(), text.size()),
        /*isConstant=*/true, LLVM::Linkage::Internal,
        "kiln_check_" + std::to_string(messageCount++),
        moduleBuilder.getStringAttr(text));
    scf::IfOp::create(b, loc, failed, [&](OpBuilder &nb, Location nloc) {
      Value message = LLVM::AddressOfOp::create(nb, nloc, global);
      auto ptr = LLVM::LLVMPointerType::get(nb.getContext());
      Value slot = LLVM::GEPOp::create(
          nb, nloc, ptr, nb.getI8Type(), exec,
          ArrayRef<LLVM::GEPArg>{KILN_EXEC_OFFSET_FAIL});
      Value fail = LLVM::LoadOp::create(nb, nloc, ptr, slot);
      auto fnType = LLVM::LLVMFunctionType::get(
          LLVM::LLVMVoidType::get(nb.getContext()), {ptr, ptr});
      LLVM::CallOp::create(nb, nloc, fnType, ValueRange{fail, exec, message});
      scf::YieldOp::create(nb, nloc);
    });
    check.erase();
  }
};

} // namespace
