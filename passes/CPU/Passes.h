//===- Passes.h - Passes of the CPU target ----------------------*- C++ -*-===//
#ifndef KILN_PASSES_CPU_PASSES_H
#define KILN_PASSES_CPU_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Pass/Pass.h"

namespace kiln::cpu {

#define GEN_PASS_DECL
#include "passes/CPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/CPU/Passes.h.inc"

/// The argument attribute naming the weight an entry argument receives.
inline constexpr llvm::StringLiteral kWeightArgAttr = "kiln.weight";

/// The argument attribute of the `!llvm.ptr` argument that receives the
/// runtime's kiln_exec (lib/target/cpu's entry wrapper looks for it).
inline constexpr llvm::StringLiteral kExecArgAttr = "kiln.exec";

} // namespace kiln::cpu

#endif // KILN_PASSES_CPU_PASSES_H
