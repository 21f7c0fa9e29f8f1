//===- FusedOps.h - The `fused` dialect -------------------------*- C++ -*-===//
#ifndef KILN_DIALECTS_FUSED_IR_FUSEDOPS_H
#define KILN_DIALECTS_FUSED_IR_FUSEDOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/TilingInterface.h"

#include "dialects/Fused/IR/FusedDialect.h.inc"

namespace kiln::fused {
/// Whether `name` is an activation fused.moe implements.
bool isKnownMoEActivation(llvm::StringRef name);
} // namespace kiln::fused

#define GET_OP_CLASSES
#include "dialects/Fused/IR/FusedOps.h.inc"

#endif // KILN_DIALECTS_FUSED_IR_FUSEDOPS_H
