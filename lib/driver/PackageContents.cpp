//===- PackageContents.cpp - Signatures and weights of a package ----------===//
#include "lib/driver/PackageContents.h"
#include "lib/support/DType.h"
#include "lib/driver/Target.h"

#include "dialects/Model/IR/ModelOps.h"
#include "kiln/abi.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;
using kiln::driver::ModelWeights;

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

/// The row-major bytes of a weight: a view of the attribute's own storage
/// where it holds them as they are, else an expansion kept in `expanded`.
/// `mapped` tells whether the view is of a file mapping: resource blobs that
/// are not mutable are (the ONNX frontend's external data), and the package
/// writer's use of the hint is safe for any memory.
FailureOr<ArrayRef<char>>
weightBytes(Operation *anchor, ElementsAttr value,
            std::vector<std::unique_ptr<std::string>> &expanded,
            bool &mapped) {
  mapped = false;
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return anchor->emitError("weight data of resource '")
             << resource.getRawHandle().getKey() << "' is missing";
    mapped = !blob->isMutable();
    return blob->getData();
  }
  auto dense = dyn_cast<DenseElementsAttr>(value);
  if (!dense)
    return anchor->emitError("unsupported weight attribute kind");
  ArrayRef<char> raw = dense.getRawData();
  bool bits = dense.getElementType().isInteger(1);
  if (!dense.isSplat() && !bits)
    return raw;
  // Splats store one element and i1 one bit per element; packages store
  // every element, bools as one byte each.
  auto bytes = std::make_unique<std::string>();
  if (bits) {
    for (bool b : dense.getValues<bool>())
      bytes->push_back(b ? 1 : 0);
  } else {
    int64_t count = dense.getNumElements();
    bytes->reserve(raw.size() * count);
    for (int64_t i = 0; i < count; ++i)
      bytes->append(raw.begin(), raw.end());
  }
  expanded.push_back(std::move(bytes));
  return ArrayRef<char>(expanded.back()->data(), expanded.back()->size());
}

} // namespace

FailureOr<nlohmann::json>
kiln::driver::readSignatures(ModuleOp module, const Target &target) {
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
                         {"symbol", target.getEntrySymbol(func.getName())},
                         {"abi_version", KILN_ABI_VERSION},
                         {"inputs", inputs},
                         {"outputs", outputs}});
  }
  if (functions.empty())
    return module.emitError("the module has no public function to compile");
  return functions;
}

FailureOr<ModelWeights> kiln::driver::readWeights(ModuleOp module) {
  ModelWeights weights;
  if (failed(addNewWeights(module, weights)))
    return failure();
  return weights;
}

LogicalResult kiln::driver::addNewWeights(ModuleOp module,
                                          ModelWeights &weights) {
  WalkResult walk = module.walk([&](kiln::model::WeightOp op) {
    if (weights.indexOf.count(op.getName()))
      return WalkResult::advance();
    auto type = cast<RankedTensorType>(op.getType());
    std::string dtype = kiln::manifestDTypeName(type.getElementType());
    if (dtype.empty()) {
      op.emitError("weight element type ")
          << type.getElementType() << " cannot be stored in a package";
      return WalkResult::interrupt();
    }
    kiln::package::WeightBlob blob;
    auto bytes = weightBytes(op, op.getValue(), weights.expanded, blob.mapped);
    if (failed(bytes))
      return WalkResult::interrupt();
    weights.indexOf[op.getName()] = weights.blobs.size();
    blob.name = op.getName().str();
    blob.dtype = dtype;
    blob.shape.assign(type.getShape().begin(), type.getShape().end());
    blob.data = bytes->data();
    blob.size = bytes->size();
    weights.blobs.push_back(std::move(blob));
    return WalkResult::advance();
  });
  return failure(walk.wasInterrupted());
}

LogicalResult kiln::driver::addWeightOrder(ModuleOp module,
                                           nlohmann::json &functions,
                                           const ModelWeights &weights) {
  for (auto &function : functions) {
    auto func =
        module.lookupSymbol<func::FuncOp>(function["name"].get<std::string>());
    nlohmann::json order = nlohmann::json::array();
    for (unsigned i = 0; i < func.getNumArguments(); ++i) {
      auto name = func.getArgAttrOfType<StringAttr>(i, kWeightArgAttr);
      if (!name)
        continue;
      // A name no model.weight defines (a hand-written .mlir model can say
      // anything) must not silently bind some other weight.
      auto it = weights.indexOf.find(name.getValue());
      if (it == weights.indexOf.end())
        return func.emitError("argument ")
               << i << " is bound to weight '" << name.getValue()
               << "', which no model.weight in the module defines";
      order.push_back(it->second);
    }
    function["weights"] = order;
  }
  return success();
}
