//===- CPUCodegen.h - LLVM dialect to host object code ----------*- C++ -*-===//
#ifndef KILN_LIB_TARGET_CPU_CPUCODEGEN_H
#define KILN_LIB_TARGET_CPU_CPUCODEGEN_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <string>
#include <vector>

namespace llvm {
class LLVMContext;
class Module;
} // namespace llvm

namespace kiln::cpu {

/// How host code is generated.
struct CodegenOptions {
  /// LLVM optimization level, 0-3.
  unsigned optLevel = 2;
  /// Target CPU: "host" (the compiling machine's CPU and features) or an LLVM
  /// CPU name such as "x86-64-v3".
  std::string cpu = "host";
};

/// The packed entry symbol of function `name`: `void <symbol>(void **args)`,
/// the calling convention of docs/package-format.md.
std::string entrySymbol(llvm::StringRef name);

/// The host triple kiln generates code for.
std::string hostTriple();

/// The instruction-set extensions (LLVM names) that code generated with
/// `options` may use, among those the runtime can check before loading
/// (runtime/CpuFeatures.cpp).
mlir::FailureOr<std::vector<std::string>>
usedCpuFeatures(mlir::ModuleOp diagnosticsAnchor, const CodegenOptions &options);

/// Translates an LLVM-dialect module to LLVM IR, adds a packed entry wrapper
/// for every function marked `llvm.emit_c_interface`, and optimizes it.
/// Emits a diagnostic on `module` and fails when translation fails.
mlir::FailureOr<std::unique_ptr<llvm::Module>>
translateToLLVMIR(mlir::ModuleOp module, llvm::LLVMContext &context,
                  const CodegenOptions &options);

/// Compiles LLVM IR to an ELF relocatable object for the host.
mlir::FailureOr<std::string> emitObject(mlir::ModuleOp diagnosticsAnchor,
                                        llvm::Module &module,
                                        const CodegenOptions &options);

/// Links one object into a shared object with ld.lld (libm and libc needed).
mlir::FailureOr<std::string> linkSharedObject(mlir::ModuleOp diagnosticsAnchor,
                                              llvm::StringRef object);

} // namespace kiln::cpu

#endif // KILN_LIB_TARGET_CPU_CPUCODEGEN_H
