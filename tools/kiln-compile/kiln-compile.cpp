//===- kiln-compile.cpp - The kiln compiler's command line ----------------===//
// Flags and diagnostics over lib/driver, which reads the model (.onnx, ONNX
// text, or .mlir in the model dialect), lowers it and writes the requested
// artifact. Every error is one line
// `kiln-compile: error: <file>[:<where>]: <what>`, and no output file is left
// behind on failure.
#include "kiln/InitAll.h"
#include "lib/driver/Driver.h"
#include "lib/frontend/onnx/OnnxImporter.h"
#include "lib/target/cpu/CPUTarget.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;
namespace cl = llvm::cl;

namespace {

cl::OptionCategory category("kiln-compile options");

cl::opt<std::string> inputPath(cl::Positional, cl::desc("<model.onnx|model.mlir>"),
                               cl::cat(category));
cl::opt<std::string> outputPath("o", cl::desc("Output file ('-' for stdout, text emits only)"),
                                cl::value_desc("file"), cl::cat(category));
cl::opt<bool> listOnnxOps("list-onnx-ops",
                          cl::desc("Print the ONNX operators and opsets kiln imports "
                                   "as a Markdown table (docs/onnx-support.md), then exit"),
                          cl::cat(category));
cl::opt<bool> opStats(
    "op-stats",
    cl::desc("Print the operators, opsets and element types an ONNX model "
             "uses, each marked supported or not, without compiling; exits 1 "
             "when something is unsupported"),
    cl::cat(category));
cl::opt<std::string> targetName("target", cl::desc("Target: cpu (cuda arrives with the GPU backend)"),
                                cl::init("cpu"), cl::cat(category));
cl::opt<std::string> cpuName("cpu", cl::desc("CPU to generate code for: host (default) or an LLVM CPU name such as x86-64-v3"),
                             cl::init("host"), cl::cat(category));

cl::opt<std::string> fuseList(
    "fuse",
    cl::desc("Fusions to run: all (default), none, or a comma-separated list "
             "of attention, moe, ssd"),
    cl::value_desc("all|none|attention,moe,ssd"), cl::init("all"), cl::cat(category));

enum class AttentionLowering { Flash, Reference };
cl::opt<AttentionLowering> attentionLowering(
    "attention-lowering",
    cl::desc("How fused.attention lowers: flash (tiled online softmax, "
             "default) or reference (the decomposition that materializes "
             "the [Sq, Sk] scores)"),
    cl::init(AttentionLowering::Flash),
    cl::values(clEnumValN(AttentionLowering::Flash, "flash",
                          "tiled online softmax (default)"),
               clEnumValN(AttentionLowering::Reference, "reference",
                          "the materializing linalg decomposition")),
    cl::cat(category));

cl::opt<std::string> reportPath(
    "report",
    cl::desc("Write what fusion did: every fused instance (kind, attributes, "
             "the ONNX nodes it replaced) and every near miss with the reason "
             "it was rejected; FILE.json (docs/fusion-report.md) or FILE.html "
             "(the graph with fused regions outlined)"),
    cl::value_desc("FILE.json|FILE.html"), cl::cat(category));

using kiln::driver::Emit;
cl::opt<Emit> emit(
    "emit", cl::desc("What to write"), cl::init(Emit::Package),
    cl::values(clEnumValN(Emit::Package, "package", "a .kpkg package (default)"),
               clEnumValN(Emit::MLIR, "mlir", "the imported model-dialect IR"),
               clEnumValN(Emit::Linalg, "linalg", "IR lowered to linalg on tensors"),
               clEnumValN(Emit::TargetIR, "llvm", "optimized LLVM IR"),
               clEnumValN(Emit::Object, "obj", "an ELF object file")),
    cl::cat(category));

enum OptLevel : unsigned { O0 = 0, O1, O2, O3 };
cl::opt<OptLevel> optLevel(cl::desc("Optimization level"), cl::init(O2),
                           cl::values(clEnumVal(O0, "no optimization"),
                                      clEnumVal(O1, "light optimization"),
                                      clEnumVal(O2, "default"),
                                      clEnumVal(O3, "aggressive")),
                           cl::cat(category));

/// "file", "file:line:col", or "file: node 'name'" for an ONNX node.
std::string describeLocation(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc)) {
    std::string child = describeLocation(name.getChildLoc());
    return (child.empty() ? "" : child + ": ") + "node '" +
           name.getName().str() + "'";
  }
  if (auto file = dyn_cast<FileLineColLoc>(loc)) {
    std::string s = file.getFilename().str();
    if (file.getLine() != 0)
      s += ":" + std::to_string(file.getLine()) + ":" +
           std::to_string(file.getColumn());
    return s;
  }
  if (auto fused = dyn_cast<FusedLoc>(loc))
    if (!fused.getLocations().empty())
      return describeLocation(fused.getLocations().front());
  if (auto callSite = dyn_cast<CallSiteLoc>(loc))
    return describeLocation(callSite.getCaller());
  return inputPath;
}

/// The text of one diagnostic with its notes, in the tool's error format.
void printDiagnostic(Diagnostic &diag) {
  const char *severity = diag.getSeverity() == DiagnosticSeverity::Error
                             ? "error"
                         : diag.getSeverity() == DiagnosticSeverity::Warning
                             ? "warning"
                             : "note";
  // The importer's messages open with "node '<name>' (<op>...)"; name the
  // node once.
  std::string message = diag.str();
  Location loc = diag.getLocation();
  if (auto name = dyn_cast<NameLoc>(loc))
    if (StringRef(message).starts_with("node '" + name.getName().str() + "'"))
      loc = name.getChildLoc();
  llvm::errs() << "kiln-compile: " << severity << ": " << describeLocation(loc)
               << ": " << message << "\n";
  for (Diagnostic &note : diag.getNotes())
    printDiagnostic(note);
}

/// Applies --fuse; an unknown fusion name is a command-line error.
LogicalResult parseFuseList(MLIRContext &context,
                            kiln::driver::CompileOptions &options) {
  StringRef list = fuseList;
  if (list == "all" || list == "none") {
    options.fuseAttention = options.fuseMoE = options.fuseSSD = list == "all";
    return success();
  }
  options.fuseAttention = options.fuseMoE = options.fuseSSD = false;
  SmallVector<StringRef> names;
  list.split(names, ',');
  for (StringRef name : names) {
    name = name.trim();
    if (name == "attention") {
      options.fuseAttention = true;
      continue;
    }
    if (name == "moe") {
      options.fuseMoE = true;
      continue;
    }
    if (name == "ssd") {
      options.fuseSSD = true;
      continue;
    }
    return emitError(UnknownLoc::get(&context), "--fuse: unknown fusion '")
           << name << "' (known: all, none, attention, moe, ssd)";
  }
  return success();
}

LogicalResult run(MLIRContext &context) {
  kiln::driver::CompileOptions options;
  if (failed(parseFuseList(context, options)))
    return failure();
  options.flashAttention = attentionLowering == AttentionLowering::Flash;
  options.inputPath = inputPath;
  options.outputPath = outputPath;
  options.reportPath = reportPath;
  options.targetName = targetName;
  options.emit = emit;
  options.target.optLevel = optLevel;
  options.target.cpu = cpuName;
  // --mlir-timing reports every pass of all pipeline runs in one table.
  DefaultTimingManager timingManager;
  applyDefaultTimingManagerCLOptions(timingManager);
  TimingScope timing = timingManager.getRootScope();
  options.configurePassManager = [&](PassManager &pm) {
    pm.enableTiming(timing);
    return applyPassManagerCLOptions(pm);
  };
  return kiln::driver::compile(context, options,
                               {{"cpu", kiln::cpu::createTarget}});
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  // Registered so that --mlir-print-ir-after=<pass> can name any pass.
  mlir::registerAllPasses();
  kiln::registerAllPasses();
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  registerDefaultTimingManagerCLOptions();
  registerAsmPrinterCLOptions();
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "kiln-compile: compile an ONNX or model-dialect model for the CPU\n\n"
      "  kiln-compile model.onnx -o model.kpkg\n"
      "  kiln-compile model.onnx --emit=linalg -o -\n\n"
      "Upstream MLIR debugging flags (--mlir-print-ir-after-all, "
      "--mlir-timing, --mlir-print-debuginfo, ...) are accepted too; "
      "--help-hidden lists them.\n");

  if (listOnnxOps) {
    kiln::driver::printOnnxSupport(llvm::outs());
    return 0;
  }
  if (opStats && inputPath.empty()) {
    llvm::errs() << "kiln-compile: error: --op-stats needs an input model; "
                    "see --help\n";
    return 1;
  }
  if (inputPath.empty() || (outputPath.empty() && !opStats)) {
    llvm::errs() << "kiln-compile: error: " 
                 << (inputPath.empty() ? "no input model given"
                                       : "no output file given (-o)")
                 << "; see --help\n";
    return 1;
  }

  DialectRegistry registry;
  kiln::registerAllDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  context.printOpOnDiagnostic(false);
  ScopedDiagnosticHandler handler(&context, [](Diagnostic &diag) {
    printDiagnostic(diag);
    return success();
  });
  if (opStats) {
    FailureOr<bool> allSupported =
        kiln::onnx_frontend::printOnnxOpStats(context, inputPath, llvm::outs());
    return succeeded(allSupported) && *allSupported ? 0 : 1;
  }
  if (failed(run(context)))
    return 1;
  return 0;
}
