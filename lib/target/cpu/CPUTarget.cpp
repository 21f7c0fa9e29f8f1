//===- CPUTarget.cpp - The CPU target of the compile driver ---------------===//
// The CPU's part of kiln-compile: the passes kiln-cpu-pipeline runs after
// the target-neutral half, then LLVM IR, an object and a shared object, made
// with one TargetMachine per compilation.
#include "lib/target/cpu/CPUTarget.h"
#include "lib/target/cpu/CPUCodegen.h"

#include "kiln/Pipelines.h"
#include "passes/CPU/Passes.h"

#include "mlir/Pass/PassManager.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

#include <nlohmann/json.hpp>

#include <string_view>

using namespace mlir;
using kiln::driver::Artifact;
using kiln::driver::TargetCode;

// The CPU entry ABI marks weight arguments the way the driver reads them.
static_assert(std::string_view(kiln::cpu::kWeightArgAttr.data(),
                               kiln::cpu::kWeightArgAttr.size()) ==
              std::string_view(kiln::driver::kWeightArgAttr.data(),
                               kiln::driver::kWeightArgAttr.size()));

namespace {

class CPUTarget : public kiln::driver::Target {
public:
  explicit CPUTarget(const kiln::driver::TargetOptions &options) {
    codegen.optLevel = options.optLevel;
    codegen.cpu = options.cpu;
  }

  StringRef getName() const override { return "cpu"; }

  std::string getEntrySymbol(StringRef name) const override {
    return kiln::cpu::entrySymbol(name);
  }

  void buildEntryABIPipeline(OpPassManager &pm) const override {
    pm.addPass(kiln::cpu::createCPUEntryABI());
  }

  void buildLoweringPipeline(OpPassManager &pm) const override {
    kiln::buildCPULoweringPipeline(pm, kiln::CPUPipelineOptions());
  }

  LogicalResult generate(ModuleOp module, Artifact artifact, TargetCode &code,
                         nlohmann::json &manifest) override;

private:
  kiln::cpu::CodegenOptions codegen;
};

LogicalResult CPUTarget::generate(ModuleOp module, Artifact artifact,
                                  TargetCode &code, nlohmann::json &manifest) {
  auto machine = kiln::cpu::createTargetMachine(module, codegen);
  if (failed(machine))
    return failure();
  llvm::LLVMContext llvmContext;
  auto llvmModule = kiln::cpu::translateToLLVMIR(module, llvmContext,
                                                 **machine, codegen);
  if (failed(llvmModule))
    return failure();
  if (artifact == Artifact::IR) {
    llvm::raw_string_ostream os(code.artifact);
    (*llvmModule)->print(os, nullptr);
    return success();
  }
  auto object = kiln::cpu::emitObject(module, **llvmModule, **machine);
  if (failed(object))
    return failure();
  if (artifact == Artifact::Object) {
    code.artifact = std::move(*object);
    return success();
  }
  auto shared = kiln::cpu::linkSharedObject(module, *object);
  if (failed(shared))
    return failure();
  code.hostCode = std::move(*shared);
  manifest["triple"] = kiln::cpu::hostTriple();
  manifest["cpu_features"] = kiln::cpu::usedCpuFeatures(**machine);
  return success();
}

} // namespace

std::unique_ptr<kiln::driver::Target>
kiln::cpu::createTarget(const kiln::driver::TargetOptions &options) {
  return std::make_unique<CPUTarget>(options);
}
