//===- ModelOps.h - Operations of the `model` dialect -----------*- C++ -*-===//
#ifndef KILN_DIALECTS_MODEL_IR_MODELOPS_H
#define KILN_DIALECTS_MODEL_IR_MODELOPS_H

#include "dialects/Model/IR/ModelAttrs.h"
#include "dialects/Model/IR/ModelDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "dialects/Model/IR/ModelOps.h.inc"

namespace kiln::model {

/// Broadcasts two shapes the numpy way (right-aligned, size 1 stretches).
/// A dynamic dim against a static n > 1 becomes n; two dynamic dims stay
/// dynamic and are assumed equal. Fails on two different static sizes > 1.
mlir::LogicalResult broadcastShapes(llvm::ArrayRef<int64_t> lhs,
                                    llvm::ArrayRef<int64_t> rhs,
                                    llvm::SmallVectorImpl<int64_t> &result);

/// "[2, ?, 4]": a shape as diagnostics print it, `?` for dynamic dims.
std::string formatShape(llvm::ArrayRef<int64_t> shape);

} // namespace kiln::model

#endif // KILN_DIALECTS_MODEL_IR_MODELOPS_H
