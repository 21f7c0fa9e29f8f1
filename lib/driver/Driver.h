//===- Driver.h - The target-neutral compile driver -------------*- C++ -*-===//
//
// kiln-compile as a library: reads a model through the frontend its file
// names, lowers it through the target-neutral pipeline and a Target
// (Target.h), and writes the requested artifact or the package.
//
//   kiln::driver::CompileOptions options;
//   options.inputPath = "model.onnx";
//   options.outputPath = "model.kpkg";
//   if (failed(kiln::driver::compile(context, options,
//                                    {{"cpu", kiln::cpu::createTarget}})))
//     return 1; // the reasons went to the context's diagnostics
//
//===----------------------------------------------------------------------===//
#ifndef KILN_LIB_DRIVER_DRIVER_H
#define KILN_LIB_DRIVER_DRIVER_H

#include "lib/driver/Target.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <functional>
#include <memory>
#include <string>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace mlir {
class PassManager;
} // namespace mlir

namespace kiln::driver {

/// What to write (kiln-compile --emit).
enum class Emit {
  /// A .kpkg package (the default).
  Package,
  /// The imported model-dialect IR.
  MLIR,
  /// The IR after the target-neutral pipeline: linalg on tensors.
  Linalg,
  /// The target's IR (LLVM IR for the CPU).
  TargetIR,
  /// The target's object file.
  Object,
};

/// A target this build links, by its --target name.
struct TargetEntry {
  std::string name;
  std::function<std::unique_ptr<Target>(const TargetOptions &)> create;
};

struct CompileOptions {
  std::string inputPath;
  /// The output file; "-" writes text emits to stdout.
  std::string outputPath;
  Emit emit = Emit::Package;
  std::string targetName = "cpu";
  TargetOptions target;
  /// Which fusion passes run (kiln-compile --fuse).
  bool fuseAttention = true;
  /// How fused.attention lowers: tiled online softmax, or the reference
  /// decomposition (kiln-compile --attention-lowering).
  bool flashAttention = true;
  bool fuseMoE = true;
  /// kiln-compile --report: a .json or .html file listing the fused
  /// instances and near misses, written only when the compile succeeds.
  std::string reportPath;
  bool fuseSSD = true;
  /// Applies the user's pass-manager flags (timing, IR printing, ...) to
  /// every pass manager the driver runs.
  std::function<mlir::LogicalResult(mlir::PassManager &)> configurePassManager;
};

/// Reads a model into a new module by its file name: `.mlir` is parsed as
/// the `model` dialect, `.kiln` is the model language (not built yet), any
/// other name an ONNX model (binary protobuf, or the ONNX text syntax when
/// its first non-blank, non-comment byte is '<').
mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
loadModel(mlir::MLIRContext &context, llvm::StringRef path);

/// Compiles `options.inputPath` for the target `options.targetName` (one of
/// `targets`) and writes `options.emit` to `options.outputPath`. Errors are
/// diagnostics on `context`; on failure no output file is left behind.
mlir::LogicalResult compile(mlir::MLIRContext &context,
                            const CompileOptions &options,
                            llvm::ArrayRef<TargetEntry> targets);

/// The support table of docs/onnx-support.md, generated from the ONNX
/// importer's operator table so that the docs cannot drift from the code.
void printOnnxSupport(llvm::raw_ostream &os);

} // namespace kiln::driver

#endif // KILN_LIB_DRIVER_DRIVER_H
