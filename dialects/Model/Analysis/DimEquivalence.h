//===- DimEquivalence.h - Which dynamic dims are provably equal -*- C++ -*-===//
// Lowerings must handle every run-time size of a dim they cannot prove (a
// dynamic dim may be a broadcast 1, two inner dims of a matmul may differ).
// Where two dims are the same size in every run, they need neither the
// general code nor a check. This analysis proves that structurally:
//   - dims of function arguments with the same `model.dims` name;
//   - a dim an op passes through unchanged (unary ops, transpose, the copied
//     dims of reshape, matmul's rows and columns, the kept dims of a
//     reduction, ...);
//   - a broadcast result dim whose dynamic operand dims are all equal;
//   - a dynamic dim that is 1 in every run (an expand to 1 of a static 1,
//     as torch.onnx.export writes `x[None].expand(b, 1, ...)`: the type
//     says `?` but the size is 1), equal to a static 1.
// Facts that only a run-time check establishes are never used: code after a
// failed check still runs (with clamped sizes) and must not rely on them.
#ifndef KILN_DIALECTS_MODEL_ANALYSIS_DIMEQUIVALENCE_H
#define KILN_DIALECTS_MODEL_ANALYSIS_DIMEQUIVALENCE_H

#include "dialects/Model/IR/ModelOps.h"

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

#include <vector>

namespace kiln::model {

/// The entries of the shape operand of a model.expand (knownShapeEntries),
/// also through the `where(equal(s, -1), 1, s)` that torch.onnx.export
/// writes in front of Expand: an entry -1 of `s` becomes 1 ("keep the input
/// dim").
llvm::SmallVector<ShapeEntry> expandShapeEntries(mlir::Value shape);

class DimEquivalence {
public:
  /// Analyzes every function (and op) nested in `root`.
  ///
  /// With `assumeChecksPass`, also the facts that hold in every run where
  /// the ops' own run-time checks pass: the sizes of one einsum letter, and
  /// a dynamic_reshape's result dims that its shape vector reads from
  /// another tensor's shape. Only for a rewrite that replaces those ops by
  /// one that checks its own operands (a fusion), never for lowering:
  /// code after a failed check runs on clamped sizes.
  explicit DimEquivalence(mlir::Operation *root, bool assumeChecksPass = false);

  /// Whether dim `i` of `a` and dim `j` of `b` have the same size in every
  /// run: both static and equal, or dynamic and proven equal.
  bool provenEqual(mlir::Value a, int64_t i, mlir::Value b, int64_t j) const;

  /// Whether dim `i` of `v` is 1 in every run (static, or dynamic and
  /// proven 1).
  bool provenOne(mlir::Value v, int64_t i) const;

private:
  /// The class id of a dynamic dim, created on first use.
  unsigned classOf(mlir::Value v, int64_t dim);
  unsigned find(unsigned id) const;
  void unite(mlir::Value a, int64_t i, mlir::Value b, int64_t j);
  /// Records that the dynamic dim `i` of `v` is 1 in every run.
  void markOne(mlir::Value v, int64_t i);
  void visit(mlir::Operation *op);
  /// The facts of ops that check their sizes at run time (assumeChecksPass).
  void visitChecked(mlir::Operation *op);
  /// The kept dims of a reduction of `input` over the non-empty `axes`.
  void uniteKept(mlir::Value result, mlir::Value input,
                 llvm::ArrayRef<int64_t> axes, bool keepDims);
  /// Result dim `i` of a broadcasting op whose aligned operand dims are
  /// `sources` (value, dim) pairs.
  void uniteBroadcast(mlir::Value result, int64_t i,
                      llvm::ArrayRef<std::pair<mlir::Value, int64_t>> sources);

  bool assumeChecksPass;
  llvm::DenseMap<std::pair<mlir::Value, int64_t>, unsigned> ids;
  /// Class 0 is the size 1: the dynamic dims proven 1 join it.
  mutable std::vector<unsigned> parent = {kOne};
  static constexpr unsigned kOne = 0;
};

} // namespace kiln::model

#endif // KILN_DIALECTS_MODEL_ANALYSIS_DIMEQUIVALENCE_H
