//===- CPUPipeline.cpp - model dialect to LLVM dialect for the host -------===//
#include "kiln/Pipelines.h"

#include "dialects/Model/Transforms/Passes.h"
#include "passes/CPU/Passes.h"
#include "passes/Conversion/Passes.h"
#include "passes/Fusion/Passes.h"
#include "passes/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void kiln::buildModelToLinalgPipeline(
    OpPassManager &pm, const ModelToLinalgPipelineOptions &options) {
  // Targets compute on signless integers; the signature was read before.
  pm.addNestedPass<func::FuncOp>(model::createSignlessIntegers());
  // Reshapes whose targets copy proven-equal dims keep those dims' identity,
  // which fusion and the run-time check elimination rely on.
  pm.addNestedPass<func::FuncOp>(model::createResolveDynamicReshapes());
  if (options.fuseAttention) {
    FuseAttentionOptions attention;
    attention.report = options.fusionReport;
    pm.addNestedPass<func::FuncOp>(createFuseAttention(attention));
  }
  if (options.fuseMoE) {
    FuseMoEOptions moe;
    moe.report = options.fusionReport;
    pm.addNestedPass<func::FuncOp>(createFuseMoE(moe));
  }
  if (options.fuseSSD) {
    FuseSSDOptions ssd;
    ssd.report = options.fusionReport;
    pm.addNestedPass<func::FuncOp>(createFuseSSD(ssd));
  }
  // The report reads the fused ops before anything lowers them.
  if (options.fusionReport)
    pm.addNestedPass<func::FuncOp>(createFusionReport());
  // Folds the transpose of K into the exporter's own transposes and drops
  // the decomposed scan that fused.ssd replaced.
  if (options.fuseAttention || options.fuseSSD)
    pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createConvertModelToLinalg());
  if (!options.flashAttention)
    pm.addNestedPass<func::FuncOp>(createConvertFusedToLinalg());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  if (options.fuseElementwise) {
    pm.addNestedPass<func::FuncOp>(createFuseElementwise());
    pm.addPass(createCanonicalizerPass());
  }
  if (options.flashAttention) {
    // After elementwise fusion and CSE: merging the online-softmax steps or
    // sharing their fills across the key loop would make the loop's carried
    // values alias other tensors, which bufferization then copies every
    // iteration (or rejects as a yield that is not its iter_arg's buffer).
    ConvertFusedToLinalgOptions flash;
    flash.flash = true;
    pm.addNestedPass<func::FuncOp>(createConvertFusedToLinalg(flash));
    pm.addPass(createCanonicalizerPass());
  }
}

void kiln::buildCPULoweringPipeline(OpPassManager &pm,
                                    const CPUPipelineOptions &) {
  pm.addPass(cpu::createCPURuntimeChecks());
  // The schedule: what linalg ops the loops come from and in which order.
  pm.addNestedPass<func::FuncOp>(createDecomposeAggregatedOps());
  pm.addNestedPass<func::FuncOp>(cpu::createCPUContractionLoopOrder());
  pm.addPass(createCanonicalizerPass());

  // Tensors to buffers. Entry functions keep identity layouts so the runtime
  // passes plain row-major descriptors; every returned buffer is owned by the
  // caller (the ownership-based deallocation clones anything that aliases an
  // argument or a constant).
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  pm.addPass(createCanonicalizerPass());
  bufferization::BufferDeallocationPipelineOptions dealloc;
  bufferization::buildBufferDeallocationPipeline(pm, dealloc);

  // Loops, then the LLVM dialect. Math on f16/bf16 computes in f32, which
  // libm and LLVM's math lowerings support.
  pm.addPass(createConvertBufferizationToMemRefPass());
  pm.addNestedPass<func::FuncOp>(cpu::createCPULowerStridedCopies());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  // After the linalg ops inside the loops became loops (the bodies become
  // llvm.func, which func-nested passes do not visit).
  pm.addPass(cpu::createCPUParallelLoops());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(math::createMathExtendToSupportedTypes());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
}

void kiln::buildLinalgToCPUPipeline(OpPassManager &pm,
                                    const CPUPipelineOptions &options) {
  pm.addPass(cpu::createCPUEntryABI());
  buildCPULoweringPipeline(pm, options);
}

void kiln::buildCPUPipeline(OpPassManager &pm,
                            const CPUPipelineOptions &options) {
  ModelToLinalgPipelineOptions neutral;
  options.copyFusionOptionsTo(neutral);
  buildModelToLinalgPipeline(pm, neutral);
  buildLinalgToCPUPipeline(pm, options);
}

void kiln::registerPipelines() {
  PassPipelineRegistration<ModelToLinalgPipelineOptions>(
      "kiln-model-to-linalg-pipeline",
      "Lower the model dialect to canonical linalg on tensors, for any "
      "target (kiln-compile --emit=linalg)",
      buildModelToLinalgPipeline);
  PassPipelineRegistration<CPUPipelineOptions>(
      "kiln-linalg-to-cpu-pipeline",
      "Lower linalg on tensors to the LLVM dialect for the host CPU: entry "
      "ABI, schedule, bufferization, loops",
      buildLinalgToCPUPipeline);
  PassPipelineRegistration<CPUPipelineOptions>(
      "kiln-cpu-pipeline",
      "Lower the model dialect to the LLVM dialect for the host CPU, as "
      "kiln-compile does",
      buildCPUPipeline);
}
