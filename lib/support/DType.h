//===- DType.h - MLIR element types as packages name them -------*- C++ -*-===//
//
// The compiler's one map between MLIR element types and kiln_dtype, whose
// manifest names and sizes are runtime/PackageFormat.h's table (the format's
// only transcription). Frontends use it for the types they accept and the
// CPU target for the manifest and weights.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_LIB_SUPPORT_DTYPE_H
#define KILN_LIB_SUPPORT_DTYPE_H

#include "kiln/runtime.h"

#include "mlir/IR/Types.h"

#include <string>

namespace kiln {

/// The dtype of an element type: floats by format, signless integers by
/// width (i1 is bool), unsigned integers as u8..u64; KILN_DTYPE_INVALID for
/// anything a package cannot carry.
kiln_dtype dtypeOf(mlir::Type element);

/// The element type of `dtype` (unsigned dtypes give unsigned integer
/// types); null for KILN_DTYPE_INVALID.
mlir::Type elementTypeOf(mlir::MLIRContext *context, kiln_dtype dtype);

/// The manifest name of an element type ("f32", "bool", ...), or "" when a
/// package cannot carry it.
std::string manifestDTypeName(mlir::Type element);

} // namespace kiln

#endif // KILN_LIB_SUPPORT_DTYPE_H
