//===- Target.h - What a code target plugs into the compile driver -*- C++ -*-===//
//
// The driver (Driver.h) does everything that does not depend on the code
// target: it reads the model, records the package's signatures and weights
// while the module is still model level, runs the target-neutral
// model->linalg pipeline and writes the package. A target adds its entry ABI
// and lowering passes and turns the lowered module into code sections and
// manifest fields:
//
//   driver: model ─► signatures, weights ─► buildModelToLinalgPipeline
//   target:   buildEntryABIPipeline      (weights become entry arguments)
//   driver:   weight order of each entry, read off kWeightArgAttr
//   target:   buildLoweringPipeline ─► generate (code sections, manifest)
//   driver: package (lib/package)
//
//===----------------------------------------------------------------------===//
#ifndef KILN_LIB_DRIVER_TARGET_H
#define KILN_LIB_DRIVER_TARGET_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace kiln::driver {

/// The argument attribute with which a target's entry ABI marks each weight
/// argument of an entry function, holding the weight's name
/// (`{kiln.weight = "fc1.weight"}`); the driver reads each entry's weight
/// order off it.
inline constexpr llvm::StringLiteral kWeightArgAttr = "kiln.weight";

/// What the code is generated for; each target reads the fields it knows.
struct TargetOptions {
  /// Optimization level, 0-3.
  unsigned optLevel = 2;
  /// CPU target: "host" (the compiling machine's CPU and features) or an
  /// LLVM CPU name such as "x86-64-v3".
  std::string cpu = "host";
};

/// The artifacts a target generates from its lowered module.
enum class Artifact {
  /// Target IR as text (LLVM IR for the CPU).
  IR,
  /// A relocatable object (ELF for the CPU).
  Object,
  /// The package's code sections and the target's manifest fields.
  Package,
};

/// What `Target::generate` produces.
struct TargetCode {
  /// Artifact::IR and Artifact::Object: the text or bytes to write.
  std::string artifact;
  /// Artifact::Package: the host code section (for the CPU an ELF shared
  /// object exporting each entry symbol; a GPU target's PTX and cubin
  /// sections will join it).
  std::string hostCode;
};

/// A code target: its passes after the target-neutral pipeline and its code
/// generation. Errors are diagnostics on the module.
class Target {
public:
  virtual ~Target() = default;

  /// The name of the target in --target and in the manifest ("cpu").
  virtual llvm::StringRef getName() const = 0;

  /// The symbol that the generated code exports for public function `name`.
  virtual std::string getEntrySymbol(llvm::StringRef name) const = 0;

  /// Passes run right after the model->linalg pipeline that give each public
  /// function the target's entry ABI: every `model.weight` becomes an entry
  /// argument marked with kWeightArgAttr.
  virtual void buildEntryABIPipeline(mlir::OpPassManager &pm) const = 0;

  /// Passes from the entry ABI to the form `generate` takes.
  virtual void buildLoweringPipeline(mlir::OpPassManager &pm) const = 0;

  /// Generates `artifact` from the lowered module. For Artifact::Package it
  /// also adds the target's fields to `manifest` (the CPU: "triple" and
  /// "cpu_features").
  virtual mlir::LogicalResult generate(mlir::ModuleOp module,
                                       Artifact artifact, TargetCode &code,
                                       nlohmann::json &manifest) = 0;
};

} // namespace kiln::driver

#endif // KILN_LIB_DRIVER_TARGET_H
