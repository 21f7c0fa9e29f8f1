//===- ModelBuilder.cpp - Building model ops with diagnostics -------------===//
#include "dialects/Model/IR/ModelBuilder.h"

#include "mlir/IR/Verifier.h"

using namespace mlir;
using namespace kiln::model;

Operation *ModelBuilder::build(
    OperationState &state,
    function_ref<LogicalResult(ErrorFn)> prepare,
    function_ref<LogicalResult(SmallVectorImpl<Type> &)> infer,
    ErrorFn emitError) {
  // The dialect reports why inference or verification failed at the op's
  // location; capture those messages and re-emit them under the caller's
  // diagnostic, which says which source construct they belong to.
  std::string reasons;
  Operation *op = nullptr;
  {
    ScopedDiagnosticHandler capture(getContext(), [&](Diagnostic &diag) {
      if (diag.getSeverity() != DiagnosticSeverity::Error)
        return success();
      if (!reasons.empty())
        reasons += "; ";
      reasons += diag.str();
      return success();
    });
    Location loc = state.location;
    auto emitHere = [&] { return mlir::emitError(loc); };
    SmallVector<Type> types;
    if (succeeded(prepare(emitHere)) && succeeded(infer(types))) {
      state.addTypes(types);
      op = builder.create(state);
      if (failed(mlir::verify(op, /*verifyRecursively=*/false))) {
        op->erase();
        op = nullptr;
      }
    }
  }
  if (!op)
    (void)(emitError() << (reasons.empty() ? "invalid operands" : reasons));
  return op;
}

OpFoldResult ModelBuilder::fold(Operation *op) {
  // An in-place fold (success without results) rewrote the op, e.g.
  // transpose(transpose(x)) into one transpose of x, which may fold again.
  // Each such step bypasses one producer of a chain; the bound only guards
  // against a folder that reports progress without making any.
  for (int step = 0; step < 16; ++step) {
    SmallVector<OpFoldResult, 1> results;
    if (failed(op->fold(results)))
      return op->getResult(0);
    if (results.empty())
      continue;
    OpFoldResult folded = results.front();
    if (auto value = dyn_cast<Value>(folded);
        value && value == op->getResult(0))
      return folded;
    op->erase();
    return folded;
  }
  return op->getResult(0);
}

Value ModelBuilder::materialize(Location loc, Attribute value) {
  return ConstantOp::create(builder, loc, cast<ElementsAttr>(value));
}
