//===- PackageContents.h - Signatures and weights of a package --*- C++ -*-===//
//
// What the driver reads off the model-level module for the package, before
// any target lowers it: each public function's signature (names, dtypes,
// shapes with symbolic dims) and the bytes of every `model.weight`. Internal
// to lib/driver.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_LIB_DRIVER_PACKAGECONTENTS_H
#define KILN_LIB_DRIVER_PACKAGECONTENTS_H

#include "lib/package/PackageWriter.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace kiln::driver {

class Target;

/// The weights of a module, in the order the package stores them. The blobs
/// point into the module's attributes (their resource blobs or dense
/// storage, which live as long as the MLIRContext), so the weights are held
/// once; only splats and bit-packed i1 values are expanded into `expanded`.
struct ModelWeights {
  std::vector<kiln::package::WeightBlob> blobs;
  llvm::StringMap<size_t> indexOf;
  std::vector<std::unique_ptr<std::string>> expanded;
};

/// The manifest's "functions" of every public function, read while the
/// `model.name` / `model.dims` attributes and the types are model level;
/// entry symbols are `target`'s.
mlir::FailureOr<nlohmann::json> readSignatures(mlir::ModuleOp module,
                                               const Target &target);

/// Every distinct `model.weight` (by name) with its bytes.
mlir::FailureOr<ModelWeights> readWeights(mlir::ModuleOp module);

/// Adds the `model.weight`s whose names `weights` does not hold yet: those
/// that passes made (fusion stacks per-expert weights into new ones).
mlir::LogicalResult addNewWeights(mlir::ModuleOp module, ModelWeights &weights);

/// Adds "weights" to each function of `functions`: the indices of the
/// weights its entry arguments marked kWeightArgAttr receive, in argument
/// order. Fails on an argument bound to a weight that `weights` lacks.
mlir::LogicalResult addWeightOrder(mlir::ModuleOp module,
                                   nlohmann::json &functions,
                                   const ModelWeights &weights);

} // namespace kiln::driver

#endif // KILN_LIB_DRIVER_PACKAGECONTENTS_H
