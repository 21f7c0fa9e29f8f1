//===- CPUPackage.h - Compile a model module into a CPU package -*- C++ -*-===//
#ifndef KILN_LIB_TARGET_CPU_CPUPACKAGE_H
#define KILN_LIB_TARGET_CPU_CPUPACKAGE_H

#include "lib/target/cpu/CPUCodegen.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"

#include <functional>

namespace kiln::cpu {

/// What one compilation produces; earlier stages stop the flow.
enum class Stage { Linalg, LLVMDialect, LLVMIR, Object, Package };

struct CompileOptions {
  CodegenOptions codegen;
  /// Which fusion passes run (kiln-compile --fuse).
  bool fuseAttention = true;
  /// Applies the user's pass-manager flags (timing, IR printing, ...).
  std::function<mlir::LogicalResult(mlir::PassManager &)> configurePassManager;
};

/// The result of compiling up to a stage: the module (lowered in place up to
/// LLVMDialect), and for later stages the text or bytes of the artifact.
struct CompileResult {
  std::string artifact;
};

/// Lowers the `model`-dialect `module` in place and produces `stage`:
/// Linalg/LLVMDialect leave the lowered module (artifact empty), LLVMIR gives
/// LLVM IR text, Object an ELF object, Package the bytes are written to
/// `packagePath` directly (atomically). Errors are diagnostics on `module`.
mlir::FailureOr<CompileResult> compile(mlir::ModuleOp module, Stage stage,
                                       const CompileOptions &options,
                                       llvm::StringRef packagePath = {});

} // namespace kiln::cpu

#endif // KILN_LIB_TARGET_CPU_CPUPACKAGE_H
