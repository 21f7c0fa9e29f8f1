//===- CPUCodegen.cpp - LLVM dialect to host object code ------------------===//
// In-process LLVM: translate, add the packed entry wrappers the runtime calls,
// optimize with the new pass manager, emit an object through the
// TargetMachine, then link it into a shared object with ld.lld.
#include "lib/target/cpu/CPUCodegen.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

#include "runtime/CpuFeatureList.h"

using namespace mlir;

std::string kiln::cpu::entrySymbol(llvm::StringRef name) {
  return ("kiln_entry_" + name).str();
}

std::string kiln::cpu::hostTriple() {
  return llvm::sys::getDefaultTargetTriple();
}

namespace {

/// Adds `i32 kiln_entry_<name>(ptr args, ptr exec)` (include/kiln/abi.h,
/// entry ABI 2) calling `_mlir_ciface_<name>` with args[i] as its i-th
/// pointer argument (result area first, then inputs and weights). One
/// signature for every function lets the runtime call any entry without
/// knowing its arity at compile time. A function whose last argument carries
/// `kiln.exec` (an !llvm.ptr) receives the runtime's kiln_exec there instead
/// of an args slot; the others ignore it. The wrapper returns 0 (KILN_OK):
/// failed run-time checks are reported through exec->fail.
LogicalResult addPackedWrappers(ModuleOp module, llvm::Module &llvmModule) {
  llvm::LLVMContext &ctx = llvmModule.getContext();
  for (auto func : module.getOps<LLVM::LLVMFuncOp>()) {
    // The C interface wrappers carry the attribute too; wrap the originals.
    if (!func->hasAttr("llvm.emit_c_interface") || func.isExternal() ||
        func.getName().starts_with("_mlir_ciface_"))
      continue;
    std::string cifaceName = ("_mlir_ciface_" + func.getName()).str();
    llvm::Function *ciface = llvmModule.getFunction(cifaceName);
    if (!ciface)
      return module.emitError("missing C interface of function '")
             << func.getName() << "'";
    const unsigned numArgs = func.getNumArguments();
    const bool takesExec =
        numArgs > 0 && func.getArgAttr(numArgs - 1, "kiln.exec");
    auto *ptrType = llvm::PointerType::get(ctx, 0);
    auto *wrapperType = llvm::FunctionType::get(
        llvm::Type::getInt32Ty(ctx), {ptrType, ptrType}, false);
    auto *wrapper = llvm::Function::Create(
        wrapperType, llvm::GlobalValue::ExternalLinkage,
        kiln::cpu::entrySymbol(func.getName()), llvmModule);
    llvm::IRBuilder<> builder(llvm::BasicBlock::Create(ctx, "entry", wrapper));
    llvm::SmallVector<llvm::Value *> args;
    for (auto [i, param] : llvm::enumerate(ciface->args())) {
      if (!param.getType()->isPointerTy())
        return module.emitError("entry '")
               << func.getName() << "' has a non-pointer C interface argument";
      if (takesExec && i + 1 == ciface->arg_size()) {
        args.push_back(wrapper->getArg(1));
        continue;
      }
      llvm::Value *slot = builder.CreateConstGEP1_64(
          ptrType, wrapper->getArg(0), i);
      args.push_back(builder.CreateLoad(ptrType, slot));
    }
    builder.CreateCall(ciface, args);
    builder.CreateRet(builder.getInt32(0));
  }
  return success();
}

} // namespace

namespace {

/// The extensions generated code may use beyond the x86-64 baseline: the
/// ones the runtime checks before loading a package.
#define KILN_LLVM_FEATURE_NAME(llvmName, builtinName) llvmName,
constexpr llvm::StringLiteral kRecordedCpuFeatures[] = {
    KILN_CPU_FEATURES(KILN_LLVM_FEATURE_NAME)};
#undef KILN_LLVM_FEATURE_NAME

/// The CPU and feature string of --cpu=host. On x86-64 every host extension
/// the runtime cannot check would let a package die of SIGILL on a machine
/// without it, so the code targets the x86-64 baseline plus the host's
/// recorded extensions (their implied features come with them); the host
/// CPU still tunes scheduling (see tuneCpu). Elsewhere the runtime checks
/// nothing and the host CPU is used as is.
std::pair<std::string, std::string> hostCpuAndFeatures(const llvm::Triple &triple) {
  llvm::StringMap<bool> host = llvm::sys::getHostCPUFeatures();
  llvm::SubtargetFeatures features;
  if (triple.getArch() != llvm::Triple::x86_64) {
    for (auto &feature : host)
      features.AddFeature(feature.first(), feature.second);
    return {llvm::sys::getHostCPUName().str(), features.getString()};
  }
  for (llvm::StringRef feature : kRecordedCpuFeatures)
    features.AddFeature(feature, host.lookup(feature));
  return {"x86-64", features.getString()};
}

} // namespace

FailureOr<std::unique_ptr<llvm::TargetMachine>>
kiln::cpu::createTargetMachine(ModuleOp anchor, const CodegenOptions &options) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  std::string triple = kiln::cpu::hostTriple(), error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(llvm::Triple(triple), error);
  if (!target)
    return anchor.emitError("no LLVM target for ") << triple << ": " << error;
  std::string cpu = options.cpu, features;
  if (cpu == "host")
    std::tie(cpu, features) = hostCpuAndFeatures(llvm::Triple(triple));
  llvm::TargetOptions targetOptions;
  auto level = static_cast<llvm::CodeGenOptLevel>(std::min(options.optLevel, 3u));
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      llvm::Triple(triple), cpu, features, targetOptions, llvm::Reloc::PIC_,
      std::nullopt, level));
  if (!machine)
    return anchor.emitError("cannot create an LLVM target machine for CPU '")
           << cpu << "'";
  return machine;
}

namespace {

void optimize(llvm::Module &module, llvm::TargetMachine &machine,
              unsigned optLevel) {
  if (optLevel == 0)
    return;
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions tuning;
  tuning.LoopVectorization = optLevel >= 2;
  tuning.SLPVectorization = optLevel >= 2;
  tuning.LoopUnrolling = optLevel >= 3;
  llvm::PassBuilder builder(&machine, tuning);
  builder.registerModuleAnalyses(mam);
  builder.registerCGSCCAnalyses(cgam);
  builder.registerFunctionAnalyses(fam);
  builder.registerLoopAnalyses(lam);
  builder.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::OptimizationLevel level = optLevel == 1   ? llvm::OptimizationLevel::O1
                                  : optLevel == 2 ? llvm::OptimizationLevel::O2
                                                  : llvm::OptimizationLevel::O3;
  builder.buildPerModuleDefaultPipeline(level).run(module, mam);
}

} // namespace

std::vector<std::string>
kiln::cpu::usedCpuFeatures(llvm::TargetMachine &machine) {
  const llvm::MCSubtargetInfo *subtarget = machine.getMCSubtargetInfo();
  std::vector<std::string> used;
  for (llvm::StringRef feature : kRecordedCpuFeatures)
    if (subtarget->checkFeatures(("+" + feature).str()))
      used.push_back(feature.str());
  return used;
}

FailureOr<std::unique_ptr<llvm::Module>>
kiln::cpu::translateToLLVMIR(ModuleOp module, llvm::LLVMContext &context,
                             llvm::TargetMachine &machine,
                             const CodegenOptions &options) {
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, context, "kiln");
  if (!llvmModule)
    return module.emitError("translation to LLVM IR failed");
  if (failed(addPackedWrappers(module, *llvmModule)))
    return failure();
  llvmModule->setTargetTriple(machine.getTargetTriple());
  llvmModule->setDataLayout(machine.createDataLayout());
  // The machine's CPU and features on every function, so that the emitted
  // IR states what the code may use; --cpu=host tunes for the host CPU even
  // where it targets only the extensions the runtime checks.
  std::string tuneCpu = options.cpu == "host"
                            ? llvm::sys::getHostCPUName().str()
                            : machine.getTargetCPU().str();
  for (llvm::Function &function : *llvmModule) {
    if (function.isDeclaration())
      continue;
    function.addFnAttr("target-cpu", machine.getTargetCPU());
    function.addFnAttr("tune-cpu", tuneCpu);
    if (!machine.getTargetFeatureString().empty())
      function.addFnAttr("target-features", machine.getTargetFeatureString());
  }
  optimize(*llvmModule, machine, options.optLevel);
  return llvmModule;
}

FailureOr<std::string> kiln::cpu::emitObject(ModuleOp anchor,
                                             llvm::Module &module,
                                             llvm::TargetMachine &machine) {
  llvm::SmallString<0> buffer;
  llvm::raw_svector_ostream stream(buffer);
  llvm::legacy::PassManager passes;
  if (machine.addPassesToEmitFile(passes, stream, nullptr,
                                      llvm::CodeGenFileType::ObjectFile))
    return anchor.emitError("the LLVM target cannot emit object files");
  passes.run(module);
  return std::string(buffer.str());
}

namespace {

/// Removes a temporary file when it goes out of scope.
struct TempFile {
  llvm::SmallString<128> path;
  ~TempFile() {
    if (!path.empty())
      llvm::sys::fs::remove(path);
  }
};

std::string findLinker() {
  llvm::SmallString<128> bundled(KILN_LLVM_BIN_DIR);
  llvm::sys::path::append(bundled, "ld.lld");
  if (llvm::sys::fs::can_execute(bundled))
    return std::string(bundled);
  for (const char *name : {"ld.lld-22", "ld.lld"})
    if (auto found = llvm::sys::findProgramByName(name))
      return *found;
  return {};
}

} // namespace

FailureOr<std::string> kiln::cpu::linkSharedObject(ModuleOp anchor,
                                                   llvm::StringRef object) {
  std::string linker = findLinker();
  if (linker.empty())
    return anchor.emitError("cannot find ld.lld (install lld-22)");
  TempFile objectFile, sharedFile, logFile;
  int fd;
  if (llvm::sys::fs::createTemporaryFile("kiln", "o", fd, objectFile.path) ||
      llvm::sys::fs::createTemporaryFile("kiln", "so", sharedFile.path) ||
      llvm::sys::fs::createTemporaryFile("kiln", "log", logFile.path))
    return anchor.emitError("cannot create temporary files for linking");
  {
    llvm::raw_fd_ostream out(fd, /*shouldClose=*/true);
    out << object;
  }
  llvm::SmallVector<llvm::StringRef> args = {
      linker, "-shared", "--hash-style=gnu", "-z", "noexecstack", "-z",
      "now", "-o", sharedFile.path, objectFile.path, "--as-needed",
      "-L/usr/lib/x86_64-linux-gnu", "-L/lib/x86_64-linux-gnu", "-lm", "-lc"};
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, logFile.path,
                                                logFile.path};
  std::string error;
  int rc = llvm::sys::ExecuteAndWait(linker, args, std::nullopt, redirects, 0,
                                     0, &error);
  if (rc != 0) {
    auto log = llvm::MemoryBuffer::getFile(logFile.path);
    return anchor.emitError("linking the shared object failed: ")
           << (error.empty() && log ? (*log)->getBuffer().str() : error);
  }
  auto shared = llvm::MemoryBuffer::getFile(sharedFile.path);
  if (!shared)
    return anchor.emitError("cannot read the linked shared object");
  return (*shared)->getBuffer().str();
}
