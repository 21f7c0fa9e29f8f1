//===- ModelFoldUtils.h - Helpers shared by the model folders ---*- C++ -*-===//
//
// Internal to dialects/Model/IR: what the folders in ModelFolds.cpp and
// ModelDataMovementFolds.cpp share to decide what may fold and to read the
// elements of small constants.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_DIALECTS_MODEL_IR_MODELFOLDUTILS_H
#define KILN_DIALECTS_MODEL_IR_MODELFOLDUTILS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

namespace kiln::model::fold {

/// Folding materializes its result in the IR (and in the package); beyond
/// the small shapes, scales and masks that `model.constant` is meant for,
/// computing at compile time only trades code for data.
constexpr int64_t kMaxFoldElements = 4096;

/// The contents of a constant operand, when it is small enough to fold.
mlir::DenseElementsAttr smallConstant(mlir::Attribute attr);

/// A result type that a folder may produce a constant of.
bool isFoldableResult(mlir::Type type);

/// Integers fold only when signless: the lowering's arithmetic is signed
/// (divsi, cmpi slt) and would disagree with a fold of unsigned values.
bool isFoldableInt(mlir::Type element);

/// Whether `v` is representable in a signed integer of `width` bits.
bool fitsWidth(int64_t v, unsigned width);

/// For each element of a tensor of static `shape`, in row-major order, the
/// linear index sum(position[i] * strides[i]) + offset.
llvm::SmallVector<int64_t> linearIndices(llvm::ArrayRef<int64_t> shape,
                                         llvm::ArrayRef<int64_t> strides,
                                         int64_t offset = 0);

/// The row-major strides of a static shape.
llvm::SmallVector<int64_t> rowMajorStrides(llvm::ArrayRef<int64_t> shape);

/// For each element of `resultShape` (row-major), the row-major index of the
/// element of an operand of `shape` that broadcasts to it.
llvm::SmallVector<int64_t> broadcastIndices(llvm::ArrayRef<int64_t> shape,
                                            llvm::ArrayRef<int64_t> resultShape);

/// The elements of `input` at `indices`, as a constant of `type`.
mlir::Attribute gatherElements(mlir::DenseElementsAttr input,
                               llvm::ArrayRef<int64_t> indices,
                               mlir::Type type);

} // namespace kiln::model::fold

#endif // KILN_DIALECTS_MODEL_IR_MODELFOLDUTILS_H
