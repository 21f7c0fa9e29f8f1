//===- ContractionForm.h - einsum normal form of contraction chains -*- C++ -*-===//
// Exporters write one contraction as an Einsum or as transposes, unsqueezes,
// broadcasting multiplies, reshapes and (batched) matmuls. Both reduce to the
// same normal form: a product of leaf tensors, each dim of each leaf carrying
// an index label, summed over the labels the result does not carry. The SSD
// fusion compares these forms with the paper's einsums, so it accepts every
// spelling of the same contraction and nothing else.
#ifndef KILN_PASSES_FUSION_CONTRACTIONFORM_H
#define KILN_PASSES_FUSION_CONTRACTIONFORM_H

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"

namespace kiln {
namespace model {
class DimEquivalence;
} // namespace model
namespace fusion {

/// One tensor of the product and the label of each of its dims.
struct Factor {
  mlir::Value value;
  llvm::SmallVector<int> labels;
};

/// sum over the labels not in `dims` of the product of `factors`; result
/// dim i is the row-major merge of the labels dims[i] (one label for a plain
/// dim, none for an inserted unit dim, several after a reshape merged dims).
struct Contraction {
  llvm::SmallVector<Factor> factors;
  llvm::SmallVector<llvm::SmallVector<int>> dims;
  llvm::SmallVector<mlir::Operation *> ops; ///< the ops folded into the form
};

/// Builds normal forms; labels are unified (union-find) when an op says two
/// dims index the same thing, which requires their sizes to be equal.
class ContractionBuilder {
public:
  explicit ContractionBuilder(const model::DimEquivalence *facts)
      : facts(facts) {}

  /// The normal form of `v`: ops that are not contraction plumbing (and
  /// values used as given) are leaves.
  Contraction build(mlir::Value v);

  int find(int label) const;
  int64_t sizeOf(int label) const { return sizes[find(label)]; }

  /// Matches `form` against an einsum-like spec: one term per factor,
  /// "role:letters" (e.g. "C:bclhn"), and the result's letters. Each
  /// factor is assigned a spec term (any order); a role already in `roles`
  /// must be that value, a new one is bound. Letters and labels must
  /// correspond one to one.
  bool matches(const Contraction &form, llvm::ArrayRef<llvm::StringRef> spec,
               llvm::StringRef result,
               llvm::StringMap<mlir::Value> &roles) const;

private:
  int fresh(mlir::Value v, int64_t dim);
  /// `checkedByOp`: the op errors at run time unless the sizes agree.
  bool unify(int a, int b, bool checkedByOp = false);
  bool unifyGroups(llvm::ArrayRef<int> a, llvm::ArrayRef<int> b,
                   bool checkedByOp = false);
  Contraction leaf(mlir::Value v);
  llvm::SmallVector<int> dropUnits(llvm::ArrayRef<int> group) const;

  const model::DimEquivalence *facts;
  llvm::SmallVector<int> parent;
  llvm::SmallVector<int64_t> sizes;
  llvm::SmallVector<std::pair<mlir::Value, int64_t>> origins;
};

} // namespace fusion
} // namespace kiln

#endif // KILN_PASSES_FUSION_CONTRACTIONFORM_H
