//===- Canonicalize.cpp - The canonical form frontends hand on ------------===//
#include "dialects/Model/Transforms/Canonicalize.h"

#include "dialects/Model/IR/ModelDialect.h"
#include "dialects/Model/IR/ModelOps.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

void kiln::model::populateCanonicalizationPatterns(RewritePatternSet &patterns) {
  MLIRContext *context = patterns.getContext();
  for (RegisteredOperationName op : context->getRegisteredOperations())
    if (op.getDialectNamespace() == ModelDialect::getDialectNamespace())
      op.getCanonicalizationPatterns(patterns, context);
}

void kiln::model::canonicalize(Operation *root) {
  RewritePatternSet patterns(root->getContext());
  populateCanonicalizationPatterns(patterns);
  GreedyRewriteConfig config;
  config.enableConstantCSE(false);
  config.setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
  // Not converging within the driver's iteration limit leaves valid IR that
  // is only less folded; the pipeline canonicalizes again.
  (void)applyPatternsGreedily(root, std::move(patterns), config);
}
