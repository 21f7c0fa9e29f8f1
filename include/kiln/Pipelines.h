//===- Pipelines.h - kiln's named pass pipelines ----------------*- C++ -*-===//
// The pipelines kiln-compile runs, exposed as API and registered by name so
// that `kiln-opt --kiln-cpu-pipeline` replays exactly what the compiler does.
// They split by what they are: a target-neutral `model -> linalg` pipeline,
// and per target a lowering of that linalg (entry ABI, schedule, bufferize,
// codegen dialects).
#ifndef KILN_PIPELINES_H
#define KILN_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace kiln {

/// The options every pipeline from the `model` dialect takes: which fusions
/// run and how the fused ops lower. `Derived` is the pipeline's options
/// struct (PassPipelineOptions is CRTP).
template <typename Derived>
struct FusionPipelineOptions : mlir::PassPipelineOptions<Derived> {
  using BoolOption = mlir::detail::PassOptions::Option<bool>;
  BoolOption fuseAttention{
      *this, "fuse-attention",
      llvm::cl::desc("Rewrite decomposed attention into fused.attention"),
      llvm::cl::init(true)};
  BoolOption flashAttention{
      *this, "flash-attention",
      llvm::cl::desc("Lower fused.attention by tiled online softmax (else "
                     "the reference decomposition, which materializes the "
                     "[Sq, Sk] scores)"),
      llvm::cl::init(true)};
  BoolOption fuseMoE{
      *this, "fuse-moe",
      llvm::cl::desc("Rewrite exported mixture-of-experts blocks into "
                     "fused.moe"),
      llvm::cl::init(true)};
  BoolOption fuseSSD{
      *this, "fuse-ssd",
      llvm::cl::desc("Rewrite the Mamba-2 minimal SSD reference into fused.ssd"),
      llvm::cl::init(true)};
  BoolOption fuseElementwise{
      *this, "fuse-elementwise",
      llvm::cl::desc("Fuse producer/consumer elementwise linalg ops"),
      llvm::cl::init(true)};

  /// These choices, set on another pipeline's options.
  template <typename Other>
  void copyFusionOptionsTo(FusionPipelineOptions<Other> &other) const {
    other.fuseAttention = fuseAttention;
    other.flashAttention = flashAttention;
    other.fuseMoE = fuseMoE;
    other.fuseSSD = fuseSSD;
    other.fuseElementwise = fuseElementwise;
  }
};

/// Options of the target-neutral pipeline
/// (`kiln-opt --kiln-model-to-linalg-pipeline="..."`).
struct ModelToLinalgPipelineOptions
    : FusionPipelineOptions<ModelToLinalgPipelineOptions> {
  BoolOption fusionReport{
      *this, "fusion-report",
      llvm::cl::desc("Record fused instances and near misses on the "
                     "functions (kiln.fusion.fused / kiln.fusion.near_misses) "
                     "for kiln-compile --report"),
      llvm::cl::init(false)};
};

/// Options of the CPU pipelines (`kiln-opt --kiln-cpu-pipeline="..."`).
struct CPUPipelineOptions : FusionPipelineOptions<CPUPipelineOptions> {};

/// model dialect -> canonical linalg on tensors, for every target: the
/// fusion passes (fused ops), then named contractions, linalg.softmax,
/// expand/collapse_shape, elementwise generics and the fused ops' linalg
/// decompositions; `model.weight`s stay (the target's entry ABI places them).
void buildModelToLinalgPipeline(mlir::OpPassManager &pm,
                                const ModelToLinalgPipelineOptions &options);

/// linalg on tensors -> LLVM dialect for the host CPU, after the entry ABI
/// (kiln-cpu-entry-abi): decomposition of aggregated ops, the CPU schedule of
/// contractions, bufferization, loops and the LLVM conversions.
void buildCPULoweringPipeline(mlir::OpPassManager &pm,
                              const CPUPipelineOptions &options);

/// The CPU target's half: kiln-cpu-entry-abi, then buildCPULoweringPipeline.
void buildLinalgToCPUPipeline(mlir::OpPassManager &pm,
                              const CPUPipelineOptions &options);

/// model dialect -> LLVM dialect for the host CPU, as kiln-compile does:
/// buildModelToLinalgPipeline, then buildLinalgToCPUPipeline.
void buildCPUPipeline(mlir::OpPassManager &pm,
                      const CPUPipelineOptions &options);

/// Registers `kiln-model-to-linalg-pipeline`, `kiln-linalg-to-cpu-pipeline`
/// and `kiln-cpu-pipeline`.
void registerPipelines();

} // namespace kiln

#endif // KILN_PIPELINES_H
