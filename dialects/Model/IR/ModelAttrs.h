//===- ModelAttrs.h - Attributes of the `model` dialect ---------*- C++ -*-===//
// The `model.dims` attribute and the function-boundary attributes through
// which frontends, the lowering and the package writer share a signature:
// `model.name` (the value's name in the source model) and `model.dims` (its
// symbolic dims). Nobody spells these attribute names but this header.
#ifndef KILN_DIALECTS_MODEL_IR_MODELATTRS_H
#define KILN_DIALECTS_MODEL_IR_MODELATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

#define GET_ATTRDEF_CLASSES
#include "dialects/Model/IR/ModelAttrs.h.inc"

namespace kiln::model {

/// The argument / result attribute holding the source model's value name.
inline constexpr llvm::StringLiteral kNameAttr = "model.name";
/// The argument / result attribute holding a DimsAttr.
inline constexpr llvm::StringLiteral kDimsAttr = "model.dims";

/// A DimsAttr for `type`: its static sizes, and `names[i]` for dynamic dim i
/// ("" for an anonymous one). `names` has one entry per dim; names given for
/// static dims are dropped.
DimsAttr getDims(mlir::RankedTensorType type, llvm::ArrayRef<std::string> names);

/// The `model.dims` of argument / result `i` of `func`, or null.
DimsAttr getArgDims(mlir::FunctionOpInterface func, unsigned i);
DimsAttr getResultDims(mlir::FunctionOpInterface func, unsigned i);

/// The `model.name` of argument / result `i` of `func`, or "".
llvm::StringRef getArgName(mlir::FunctionOpInterface func, unsigned i);
llvm::StringRef getResultName(mlir::FunctionOpInterface func, unsigned i);

} // namespace kiln::model

#endif // KILN_DIALECTS_MODEL_IR_MODELATTRS_H
