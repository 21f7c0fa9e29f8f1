//===- Pipelines.h - kiln's named pass pipelines ----------------*- C++ -*-===//
// The pipelines kiln-compile runs, exposed as API and registered by name so
// that `kiln-opt --kiln-cpu-pipeline` replays exactly what the compiler does.
#ifndef KILN_PIPELINES_H
#define KILN_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace kiln {

/// Options of the CPU pipeline (`kiln-opt --kiln-cpu-pipeline="..."`).
struct CPUPipelineOptions
    : mlir::PassPipelineOptions<CPUPipelineOptions> {
  Option<bool> fuseElementwise{
      *this, "fuse-elementwise",
      llvm::cl::desc("Fuse producer/consumer elementwise linalg ops"),
      llvm::cl::init(true)};
  Option<bool> toLLVM{*this, "to-llvm",
                      llvm::cl::desc("Lower all the way to the LLVM dialect "
                                     "(off: stop after linalg on tensors)"),
                      llvm::cl::init(true)};
};

/// model dialect -> linalg on tensors (entry ABI fixed, weights outlined).
void buildModelToLinalgPipeline(mlir::OpPassManager &pm,
                                const CPUPipelineOptions &options);

/// linalg on tensors -> LLVM dialect (bufferize, loops, LLVM conversions).
void buildLinalgToLLVMPipeline(mlir::OpPassManager &pm,
                               const CPUPipelineOptions &options);

/// model dialect -> LLVM dialect for the host CPU: the two pipelines above.
void buildCPUPipeline(mlir::OpPassManager &pm,
                      const CPUPipelineOptions &options);

/// Registers `kiln-cpu-pipeline` and `kiln-model-to-linalg-pipeline`.
void registerPipelines();

} // namespace kiln

#endif // KILN_PIPELINES_H
