//===- CPUPipeline.cpp - model dialect to LLVM dialect for the host -------===//
#include "kiln/Pipelines.h"

#include "dialects/Model/Transforms/Passes.h"
#include "passes/Conversion/Passes.h"
#include "passes/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void kiln::buildModelToLinalgPipeline(OpPassManager &pm,
                                      const CPUPipelineOptions &options) {
  pm.addPass(model::createOutlineWeights());
  pm.addNestedPass<func::FuncOp>(createConvertModelToLinalg());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  if (options.fuseElementwise) {
    pm.addNestedPass<func::FuncOp>(createFuseElementwise());
    pm.addPass(createCanonicalizerPass());
  }
}

void kiln::buildLinalgToLLVMPipeline(OpPassManager &pm,
                                     const CPUPipelineOptions &) {
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

  // Loops, then the LLVM dialect.
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createConvertBufferizationToMemRefPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
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

void kiln::buildCPUPipeline(OpPassManager &pm,
                            const CPUPipelineOptions &options) {
  buildModelToLinalgPipeline(pm, options);
  if (options.toLLVM)
    buildLinalgToLLVMPipeline(pm, options);
}

void kiln::registerPipelines() {
  PassPipelineRegistration<CPUPipelineOptions>(
      "kiln-cpu-pipeline",
      "Lower the model dialect to the LLVM dialect for the host CPU, as "
      "kiln-compile does",
      buildCPUPipeline);
  PassPipelineRegistration<CPUPipelineOptions>(
      "kiln-model-to-linalg-pipeline",
      "Lower the model dialect to linalg on tensors (kiln-compile "
      "--emit=linalg)",
      buildModelToLinalgPipeline);
}
