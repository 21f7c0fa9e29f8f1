//===- ModelOps.h - Operations of the `model` dialect -----------*- C++ -*-===//
#ifndef KILN_DIALECTS_MODEL_IR_MODELOPS_H
#define KILN_DIALECTS_MODEL_IR_MODELOPS_H

#include "dialects/Model/IR/ModelAttrs.h"
#include "dialects/Model/IR/ModelDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace kiln::model::OpTrait {
/// See Model_BroadcastingElementwise in ModelBase.td.
template <typename ConcreteType>
class BroadcastingElementwise
    : public mlir::OpTrait::TraitBase<ConcreteType, BroadcastingElementwise> {
};
/// See Model_SameShapeAsInput in ModelBase.td.
template <typename ConcreteType>
class SameShapeAsInput
    : public mlir::OpTrait::TraitBase<ConcreteType, SameShapeAsInput> {};
} // namespace kiln::model::OpTrait

#define GET_OP_CLASSES
#include "dialects/Model/IR/ModelOps.h.inc"

namespace kiln::model {

/// Broadcasts two shapes the numpy way (right-aligned, size 1 stretches).
/// A dynamic dim against a static n > 1 becomes n; two dynamic dims stay
/// dynamic and are assumed equal. Fails on two different static sizes > 1.
mlir::LogicalResult broadcastShapes(llvm::ArrayRef<int64_t> lhs,
                                    llvm::ArrayRef<int64_t> rhs,
                                    llvm::SmallVectorImpl<int64_t> &result);

/// Whether declared result types are compatible with inferred ones: the same
/// element type and rank, each dim equal or left dynamic by inference (a
/// frontend may know more than local inference). Every op's
/// isCompatibleReturnTypes.
bool isRefinementOf(mlir::TypeRange inferred, mlir::TypeRange declared);

/// Checks that `axes` are distinct and within [0, rank); `what` names them in
/// the error ("reduction axis 3 is out of range [0, 2)").
mlir::LogicalResult checkAxes(std::optional<mlir::Location> loc,
                              llvm::ArrayRef<int64_t> axes, int64_t rank,
                              llvm::StringRef what);

/// "[2, ?, 4]": a shape as diagnostics print it, `?` for dynamic dims.
std::string formatShape(llvm::ArrayRef<int64_t> shape);

/// The integer elements of a constant as int64 (unsigned types and i1
/// zero-extend), or nullopt for non-integer constants.
std::optional<llvm::SmallVector<int64_t>>
getIntValues(mlir::DenseElementsAttr attr);

/// The product of `dims` (all static), or nullopt when it overflows int64.
/// Every element count the dialect and its frontends compute goes through
/// here: a declared dim near INT64_MAX must give an error, not a wrapped
/// count.
std::optional<int64_t> checkedProduct(llvm::ArrayRef<int64_t> dims);

/// One axis of ONNX `Slice` (and of `Shape`'s start/end) on a dim of static
/// size `dim`: negative bounds count from the end, both clamp to [0, dim],
/// and a positive `step` takes `start, start + step, ...` below `end`.
struct SliceRange {
  int64_t start; ///< first index taken, in [0, dim]
  int64_t size;  ///< number of indices taken
};
SliceRange clampSlice(int64_t start, int64_t end, int64_t step, int64_t dim);

/// The shape of `model.unsqueeze`: `input` with size-1 dims inserted at the
/// distinct result indices `axes` (each < input rank + number of axes).
llvm::SmallVector<int64_t> unsqueezeShape(llvm::ArrayRef<int64_t> input,
                                          llvm::ArrayRef<int64_t> axes);

/// The result shape of `model.reshape` of `input` to `target` (ONNX
/// `Reshape` with allowzero = 0: 0 copies the input dim, one -1 is
/// inferred); reports why it is invalid through `loc` when given.
mlir::FailureOr<llvm::SmallVector<int64_t>>
inferReshapeShape(std::optional<mlir::Location> loc,
                  llvm::ArrayRef<int64_t> input, llvm::ArrayRef<int64_t> target);

/// One entry of a 1-D shape vector as far as it is known statically: a
/// constant, dim `dim` of `dimOf` as model.shape reads it at run time, or
/// neither (known only at run time).
struct ShapeEntry {
  std::optional<int64_t> constant;
  mlir::Value dimOf;
  int64_t dim = 0;
};

/// The entries of `shape`, a 1-D integer tensor of static length (empty for
/// any other type): constants, and the dims that model.shape reads, followed
/// through a concat along axis 0 and through gathers, slices and reshapes of
/// a model.shape, which is how exporters assemble shapes.
llvm::SmallVector<ShapeEntry> knownShapeEntries(mlir::Value shape);

/// The sizes of `parts` equal parts of a static dim (model.split without
/// sizes, ONNX Split's num_outputs): ceil(dim / parts) each, the last ones
/// taking what remains, possibly nothing. `parts` is positive.
llvm::SmallVector<int64_t> equalSplitSizes(int64_t dim, int64_t parts);

/// The element count of model.range on constant scalars (IntegerAttrs or
/// FloatAttrs of one type), max(ceil((limit - start) / delta), 0) computed
/// as the lowering computes it (in the element type for floats); nullopt
/// for a zero delta or a count beyond int64.
std::optional<int64_t> rangeLength(mlir::Attribute start, mlir::Attribute limit,
                                   mlir::Attribute delta);

/// What is statically known of each entry of `shape`, the run-time target of
/// a model.dynamic_reshape of `input`: constant entries, and 0 ("copy the
/// input dim", which the reshape means by 0) for an entry that reads
/// `input`'s own dim at the same index through model.shape. Entries are
/// followed through a concat along axis 0 and through gathers, slices and
/// reshapes of a model.shape, which is how exporters assemble targets;
/// nullopt stands for an entry only known at run time.
/// `sameDim(v, i, input, j)`, when given, also lets an entry that reads dim
/// i of another value `v` count as a copy of input dim j = its index (an
/// analysis proved them equal).
using SameDimFn =
    llvm::function_ref<bool(mlir::Value, int64_t, mlir::Value, int64_t)>;
llvm::SmallVector<std::optional<int64_t>>
knownReshapeTarget(mlir::Value input, mlir::Value shape,
                   SameDimFn sameDim = nullptr);

/// Rewrites `op` into the model.reshape it is once every entry of its shape
/// is known (knownReshapeTarget with `sameDim`); fails, changing nothing,
/// otherwise.
mlir::LogicalResult rewriteKnownDynamicReshape(mlir::RewriterBase &rewriter,
                                               DynamicReshapeOp op,
                                               SameDimFn sameDim = nullptr);

} // namespace kiln::model

#endif // KILN_DIALECTS_MODEL_IR_MODELOPS_H
