//===- ModelBuilder.h - Building model ops with diagnostics -----*- C++ -*-===//
//
// What every frontend needs to build `model` ops from its own source:
// operands and attributes in, the result type inferred by the op, and
// inference or verifier failures returned as a diagnostic the frontend words
// itself (e.g. prefixed with the node's name) instead of the fatal error the
// ODS builders raise. `createOrFold` also runs the op's folder, so a frontend
// that builds through it emits canonical IR without folding anything itself.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_DIALECTS_MODEL_IR_MODELBUILDER_H
#define KILN_DIALECTS_MODEL_IR_MODELBUILDER_H

#include "dialects/Model/IR/ModelOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"

#include <type_traits>

namespace kiln::model {

/// Builds `model` ops at a builder's insertion point. `emitError` starts the
/// diagnostic under which the dialect's reasons are reported ("<what the
/// frontend says>: <why the dialect refused>").
class ModelBuilder {
public:
  using ErrorFn = llvm::function_ref<mlir::InFlightDiagnostic()>;

  explicit ModelBuilder(mlir::OpBuilder &builder) : builder(builder) {}

  mlir::OpBuilder &getBuilder() { return builder; }
  mlir::MLIRContext *getContext() { return builder.getContext(); }

  /// Creates `OpTy` with its result type inferred by the op itself.
  template <typename OpTy>
  mlir::FailureOr<mlir::Value>
  create(mlir::Location loc, mlir::ValueRange operands,
         llvm::ArrayRef<mlir::NamedAttribute> attributes, ErrorFn emitError) {
    mlir::OperationState state(loc, OpTy::getOperationName());
    state.addOperands(operands);
    mlir::DictionaryAttr dict =
        mlir::DictionaryAttr::get(getContext(), attributes);
    using Props = typename OpTy::Properties;
    auto prepare = [&](ErrorFn err) -> mlir::LogicalResult {
      // Inherent attributes live in properties, which inference reads; the
      // ODS builders also fill in default-valued ones, so do the same.
      if constexpr (std::is_same_v<Props, mlir::EmptyProperties>) {
        return mlir::success();
      } else {
        Props &props = state.getOrAddProperties<Props>();
        if (mlir::failed(OpTy::setPropertiesFromAttr(props, dict, err)))
          return mlir::failure();
        OpTy::populateDefaultProperties(state.name, props);
        return mlir::success();
      }
    };
    auto infer = [&](llvm::SmallVectorImpl<mlir::Type> &types) {
      return OpTy::inferReturnTypes(getContext(), loc, state.operands, dict,
                                    state.getRawProperties(), state.regions,
                                    types);
    };
    mlir::Operation *op = build(state, prepare, infer, emitError);
    if (!op)
      return mlir::failure();
    return op->getResult(0);
  }

  /// Creates `OpTy` with the result type the caller states (ops without type
  /// inference, such as model.dynamic_reshape).
  template <typename OpTy>
  mlir::FailureOr<mlir::Value> createTyped(mlir::Location loc,
                                           mlir::Type resultType,
                                           mlir::ValueRange operands,
                                           ErrorFn emitError) {
    mlir::OperationState state(loc, OpTy::getOperationName());
    state.addOperands(operands);
    mlir::Operation *op = build(
        state, [](ErrorFn) { return mlir::success(); },
        [&](llvm::SmallVectorImpl<mlir::Type> &types) {
          types.push_back(resultType);
          return mlir::success();
        },
        emitError);
    if (!op)
      return mlir::failure();
    return op->getResult(0);
  }

  /// Like `create`, then runs the op's folder: the result is the folded
  /// constant (an attribute; the op is erased and the caller materializes it
  /// where and when it needs a value), an existing value the op forwards, or
  /// the new op's result.
  template <typename OpTy>
  mlir::FailureOr<mlir::OpFoldResult>
  createOrFold(mlir::Location loc, mlir::ValueRange operands,
               llvm::ArrayRef<mlir::NamedAttribute> attributes,
               ErrorFn emitError) {
    mlir::FailureOr<mlir::Value> value =
        create<OpTy>(loc, operands, attributes, emitError);
    if (mlir::failed(value))
      return mlir::failure();
    return fold(value->getDefiningOp());
  }

  /// The `model.constant` of `value` (an ElementsAttr of the right type).
  mlir::Value materialize(mlir::Location loc, mlir::Attribute value);

private:
  /// Creates and verifies the op; on failure reports the dialect's reasons
  /// under `emitError` and leaves nothing behind.
  mlir::Operation *
  build(mlir::OperationState &state,
        llvm::function_ref<mlir::LogicalResult(ErrorFn)> prepare,
        llvm::function_ref<
            mlir::LogicalResult(llvm::SmallVectorImpl<mlir::Type> &)>
            infer,
        ErrorFn emitError);
  /// Folds a single-result op, erasing it when the fold replaced it.
  mlir::OpFoldResult fold(mlir::Operation *op);

  mlir::OpBuilder &builder;
};

} // namespace kiln::model

#endif // KILN_DIALECTS_MODEL_IR_MODELBUILDER_H
