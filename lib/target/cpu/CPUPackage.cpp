//===- CPUPackage.cpp - Compile a model module into a CPU package ---------===//
// The flow of kiln-compile for the CPU target: read the signature and weights
// off the model-level module, lower it (the same pipelines kiln-opt
// registers), generate the shared object and write the package.
#include "lib/target/cpu/CPUPackage.h"

#include "dialects/Model/IR/ModelOps.h"
#include "kiln/Pipelines.h"
#include "kiln/abi.h"
#include "lib/package/PackageWriter.h"
#include "lib/support/DType.h"
#include "passes/CPU/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Support/raw_ostream.h"

#include <nlohmann/json.hpp>

using namespace mlir;

namespace {

/// A manifest tensor entry: name, dtype and dims (ints, or names for
/// symbolic dims; "?" when a dynamic dim has no name).
FailureOr<nlohmann::json> tensorEntry(Operation *anchor, StringRef name,
                                      Type type, kiln::model::DimsAttr dims) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  std::string dtype = ranked ? kiln::manifestDTypeName(ranked.getElementType()) : "";
  if (dtype.empty())
    return anchor->emitError("'") << name << "' has type " << type
                                  << ", which packages cannot carry";
  nlohmann::json shape = nlohmann::json::array();
  for (auto [i, d] : llvm::enumerate(ranked.getShape())) {
    if (!ShapedType::isDynamic(d)) {
      shape.push_back(d);
      continue;
    }
    StringRef dimName = dims ? dims.getName(i) : StringRef();
    shape.push_back(dimName.empty() ? "?" : dimName.str());
  }
  return nlohmann::json{{"name", name.str()}, {"dtype", dtype}, {"shape", shape}};
}

/// The function signatures of the manifest, read before lowering while the
/// `model.name` / `model.dims` attributes and the types are model level.
FailureOr<nlohmann::json> readSignatures(ModuleOp module) {
  nlohmann::json functions = nlohmann::json::array();
  for (auto func : module.getOps<func::FuncOp>()) {
    if (!func.isPublic() || func.isExternal())
      continue;
    nlohmann::json inputs = nlohmann::json::array(),
                   outputs = nlohmann::json::array();
    auto nameOr = [](StringRef name, std::string fallback) {
      return name.empty() ? fallback : name.str();
    };
    for (unsigned i = 0; i < func.getNumArguments(); ++i) {
      auto entry = tensorEntry(
          func, nameOr(kiln::model::getArgName(func, i), "input_" + std::to_string(i)),
          func.getArgument(i).getType(), kiln::model::getArgDims(func, i));
      if (failed(entry))
        return failure();
      inputs.push_back(*entry);
    }
    for (unsigned i = 0; i < func.getNumResults(); ++i) {
      auto entry = tensorEntry(
          func, nameOr(kiln::model::getResultName(func, i), "output_" + std::to_string(i)),
          func.getResultTypes()[i], kiln::model::getResultDims(func, i));
      if (failed(entry))
        return failure();
      outputs.push_back(*entry);
    }
    functions.push_back({{"name", func.getName().str()},
                         {"symbol", kiln::cpu::entrySymbol(func.getName())},
                         {"abi_version", KILN_ABI_VERSION},
                         {"inputs", inputs},
                         {"outputs", outputs}});
  }
  if (functions.empty())
    return module.emitError("the module has no public function to compile");
  return functions;
}

/// Row-major bytes of a constant, expanding splats and bit-packed i1.
FailureOr<std::string> elementBytes(Operation *anchor, ElementsAttr value) {
  auto type = cast<ShapedType>(value.getType());
  Type element = type.getElementType();
  int64_t count = type.getNumElements();
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return anchor->emitError("weight data of resource '")
             << resource.getRawHandle().getKey() << "' is missing";
    ArrayRef<char> data = blob->getData();
    return std::string(data.begin(), data.end());
  }
  auto dense = dyn_cast<DenseElementsAttr>(value);
  if (!dense)
    return anchor->emitError("unsupported weight attribute kind");
  if (element.isInteger(1)) {
    std::string bytes;
    for (bool b : dense.getValues<bool>())
      bytes.push_back(b ? 1 : 0);
    return bytes;
  }
  ArrayRef<char> raw = dense.getRawData();
  if (!dense.isSplat())
    return std::string(raw.begin(), raw.end());
  std::string bytes;
  bytes.reserve(raw.size() * count);
  for (int64_t i = 0; i < count; ++i)
    bytes.append(raw.begin(), raw.end());
  return bytes;
}

struct Weights {
  std::vector<std::string> storage;
  std::vector<kiln::package::WeightBlob> blobs;
  llvm::StringMap<size_t> indexOf;
};

/// Collects each distinct `model.weight` (by name) with its bytes.
FailureOr<Weights> readWeights(ModuleOp module) {
  Weights weights;
  WalkResult walk = module.walk([&](kiln::model::WeightOp op) {
    if (weights.indexOf.count(op.getName()))
      return WalkResult::advance();
    auto bytes = elementBytes(op, op.getValue());
    if (failed(bytes))
      return WalkResult::interrupt();
    auto type = cast<RankedTensorType>(op.getType());
    std::string dtype = kiln::manifestDTypeName(type.getElementType());
    if (dtype.empty()) {
      op.emitError("weight element type ")
          << type.getElementType() << " cannot be stored in a package";
      return WalkResult::interrupt();
    }
    weights.indexOf[op.getName()] = weights.storage.size();
    weights.storage.push_back(std::move(*bytes));
    kiln::package::WeightBlob blob;
    blob.name = op.getName().str();
    blob.dtype = dtype;
    blob.shape.assign(type.getShape().begin(), type.getShape().end());
    weights.blobs.push_back(blob);
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  // Point the blobs at their final storage only once the vector stopped
  // growing.
  for (auto [blob, bytes] : llvm::zip(weights.blobs, weights.storage)) {
    blob.data = bytes.data();
    blob.size = bytes.size();
  }
  return weights;
}

/// Runs `build`'s passes on `module`, with kiln-compile's debug options.
LogicalResult runPipeline(ModuleOp module,
                          const kiln::cpu::CompileOptions &options,
                          llvm::function_ref<void(OpPassManager &)> build) {
  PassManager pm(module.getContext());
  if (options.configurePassManager &&
      failed(options.configurePassManager(pm)))
    return failure();
  build(pm);
  return pm.run(module);
}

} // namespace

FailureOr<kiln::cpu::CompileResult>
kiln::cpu::compile(ModuleOp module, Stage stage, const CompileOptions &options,
                   StringRef packagePath) {
  FailureOr<nlohmann::json> functions = nlohmann::json::array();
  FailureOr<Weights> weights = Weights();
  if (stage == Stage::Package) {
    functions = readSignatures(module);
    if (failed(functions))
      return failure();
    weights = readWeights(module);
    if (failed(weights))
      return failure();
  }

  // The same passes as kiln-cpu-pipeline, in three runs so that the linalg
  // stage can stop early and the weight order can be read off the entry ABI.
  kiln::CPUPipelineOptions cpuOptions;
  if (failed(runPipeline(module, options, [&](OpPassManager &pm) {
        kiln::ModelToLinalgPipelineOptions neutral;
        neutral.fuseAttention = options.fuseAttention;
        buildModelToLinalgPipeline(pm, neutral);
      })))
    return failure();
  if (stage == Stage::Linalg)
    return CompileResult();
  if (failed(runPipeline(module, options, [](OpPassManager &pm) {
        pm.addPass(kiln::cpu::createCPUEntryABI());
      })))
    return failure();
  // The weight order of each entry is fixed now: its `kiln.weight` arguments.
  if (stage == Stage::Package) {
    for (auto &function : *functions) {
      auto func = module.lookupSymbol<func::FuncOp>(
          function["name"].get<std::string>());
      nlohmann::json order = nlohmann::json::array();
      for (unsigned i = 0; i < func.getNumArguments(); ++i) {
        auto name =
            func.getArgAttrOfType<StringAttr>(i, kiln::cpu::kWeightArgAttr);
        if (!name)
          continue;
        // A name no model.weight defines (e.g. written by hand in a .mlir
        // model) must not silently bind some other weight.
        auto it = weights->indexOf.find(name.getValue());
        if (it == weights->indexOf.end())
          return func.emitError("argument ")
                 << i << " is bound to weight '" << name.getValue()
                 << "', which no model.weight in the module defines";
        order.push_back(it->second);
      }
      function["weights"] = order;
    }
  }
  CompileResult result;
  if (failed(runPipeline(module, options, [&](OpPassManager &pm) {
        buildCPULoweringPipeline(pm, cpuOptions);
      })))
    return failure();
  if (stage == Stage::LLVMDialect)
    return result;

  auto machine = createTargetMachine(module, options.codegen);
  if (failed(machine))
    return failure();
  llvm::LLVMContext llvmContext;
  auto llvmModule =
      translateToLLVMIR(module, llvmContext, **machine, options.codegen);
  if (failed(llvmModule))
    return failure();
  if (stage == Stage::LLVMIR) {
    llvm::raw_string_ostream os(result.artifact);
    (*llvmModule)->print(os, nullptr);
    return result;
  }
  auto object = emitObject(module, **llvmModule, **machine);
  if (failed(object))
    return failure();
  if (stage == Stage::Object) {
    result.artifact = std::move(*object);
    return result;
  }
  auto shared = linkSharedObject(module, *object);
  if (failed(shared))
    return failure();

  nlohmann::json manifest = {{"producer", "kiln-compile 0.1"},
                             {"target", "cpu"},
                             {"triple", hostTriple()},
                             {"cpu_features", usedCpuFeatures(**machine)},
                             {"functions", *functions}};
  std::string error;
  if (!kiln::package::writePackage(packagePath.str(), manifest.dump(2),
                                   weights->blobs, *shared, error))
    return module.emitError(error);
  return result;
}
