//===- InitAll.cpp - Registration of kiln's dialects and passes -----------===//
#include "kiln/InitAll.h"
#include "kiln/Pipelines.h"

#include "dialects/Fused/IR/FusedOps.h"
#include "dialects/Model/IR/ModelDialect.h"
#include "dialects/Model/Transforms/Passes.h"
#include "passes/CPU/Passes.h"
#include "passes/Conversion/Passes.h"
#include "passes/Fusion/Passes.h"
#include "passes/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

void kiln::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<kiln::model::ModelDialect, kiln::fused::FusedDialect>();
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllToLLVMIRTranslations(registry);
}

void kiln::registerAllPasses() {
  kiln::cpu::registerKilnCPUPasses();
  kiln::model::registerModelTransformsPasses();
  kiln::registerConversionPasses();
  kiln::registerFusionPasses();
  kiln::registerKilnTransformsPasses();
  kiln::registerPipelines();
}
