//===- OnnxImporter.cpp - ONNX graph walk ---------------------------------===//
//
// Reads the model, turns graph inputs into arguments of @main and
// initializers into known constants, then imports the nodes in their
// (topological) order through the operator table and returns the graph
// outputs.
//
//===----------------------------------------------------------------------===//
#include "lib/frontend/onnx/OnnxImporter.h"
#include "lib/frontend/onnx/OnnxImporterImpl.h"
#include "lib/frontend/onnx/OnnxModelReader.h"

#include "dialects/Fused/IR/FusedOps.h"
#include "dialects/Model/Transforms/Canonicalize.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Debug.h"

#include <map>

#define DEBUG_TYPE "kiln-onnx-import"

using namespace mlir;
using namespace kiln::onnx_frontend;
namespace model = kiln::model;

//===----------------------------------------------------------------------===//
// Graph walk
//===----------------------------------------------------------------------===//

SmallVector<ArrayRef<OpSupport>> kiln::onnx_frontend::allOpTables() {
  return {getComputeOpTable(),   getShapeOpTable(),
          getActivationOpTable(), getReductionOpTable(),
          getNormalizationOpTable(), getDataMovementOpTable(),
          getVisionOpTable(), getQuantizationOpTable(),
          getSignalOpTable(), getTransformerOpTable(),
          getRecurrentOpTable(), getDynamicOpTable()};
}

namespace {

class GraphImporter {
public:
  GraphImporter(MLIRContext &context, StringRef path) : state(context, path) {}

  /// Imports `model`, moving the bytes of its large initializers into the
  /// module's weights (so the message is left without them).
  FailureOr<OwningOpRef<ModuleOp>> import(onnx::ModelProto &model);

private:
  InFlightDiagnostic emitFileError() { return mlir::emitError(state.fileLoc); }
  FailureOr<int64_t> findDefaultOpset(const onnx::ModelProto &model);
  LogicalResult importNode(const onnx::NodeProto &node, int64_t index,
                           int64_t opset);
  /// If with a constant condition: the taken branch's nodes, inline.
  LogicalResult importIf(const onnx::NodeProto &node, StringRef name,
                         Location loc, int64_t opset);
  /// A call of a model-local function (FunctionProto): its body, inline,
  /// with its values renamed under the calling node.
  LogicalResult inlineFunction(const onnx::NodeProto &node,
                               const onnx::FunctionProto &function,
                               StringRef name, Location loc, int64_t opset);

  ImportState state;
  /// The model's functions by (domain, name).
  std::map<std::pair<std::string, std::string>, const onnx::FunctionProto *>
      functions;
  /// Nesting of inlined functions, to refuse recursion.
  SmallVector<const onnx::FunctionProto *> inlining;
};

} // namespace

FailureOr<int64_t>
GraphImporter::findDefaultOpset(const onnx::ModelProto &model) {
  for (const onnx::OperatorSetIdProto &opset : model.opset_import())
    if (opset.domain().empty() || opset.domain() == "ai.onnx")
      return opset.version();
  return emitFileError() << "the model does not import the default ONNX "
                            "operator set (opset_import has no \"\" domain)";
}

/// The `model.dims` of a graph input or output of `type`: each dynamic
/// dim's dim_param ("" when it has none); null when no dim has a name or the
/// declared rank differs from the type's.
static kiln::model::DimsAttr getDimNames(const onnx::TypeProto &proto,
                                         RankedTensorType type) {
  if (!proto.has_tensor_type() || !proto.tensor_type().has_shape())
    return nullptr;
  std::vector<std::string> names;
  bool anyNamed = false;
  for (const auto &dim : proto.tensor_type().shape().dim()) {
    names.push_back(dim.dim_param());
    anyNamed |= !dim.dim_param().empty();
  }
  if (!anyNamed || int64_t(names.size()) != type.getRank())
    return nullptr;
  return kiln::model::getDims(type, names);
}

/// Whether any table row (at any opset) imports `opType`.
static bool isKnownOpType(StringRef opType) {
  for (ArrayRef<OpSupport> table : allOpTables())
    for (const OpSupport &entry : table)
      if (entry.opType == opType)
        return true;
  return false;
}

std::string kiln::onnx_frontend::unsupportedOpReason(StringRef opType,
                                                     int64_t opset) {
  // If is imported by the graph walk, not by a table handler.
  if (opType == "If")
    return "";
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  // A row cut short by a schema version its handler does not implement,
  // when that is what excludes `opset`.
  int64_t unimplemented = 0;
  for (ArrayRef<OpSupport> table : allOpTables())
    for (const OpSupport &entry : table) {
      if (entry.opType != opType)
        continue;
      RowLimit limit = getRowLimit(entry);
      if (opset >= entry.minOpset && opset <= limit.maxOpset)
        return "";
      if (limit.unimplementedVersion && opset >= limit.unimplementedVersion &&
          opset <= entry.maxOpset)
        unimplemented = limit.unimplementedVersion;
      lo = std::min(lo, entry.minOpset), hi = std::max(hi, limit.maxOpset);
    }
  if (lo == INT64_MAX)
    return "operator is not supported by kiln";
  std::string reason = ("kiln supports " + opType + " only in opsets " +
                        Twine(lo) + " to " + Twine(hi))
                           .str();
  if (unimplemented)
    reason += (" (opset " + Twine(unimplemented) + " introduced " + opType +
               "-" + Twine(unimplemented) +
               ", whose changes kiln's handler does not implement)")
                  .str();
  return reason;
}

/// Lists every supported op type once: "Abs, Add, ...".
static std::string supportedOpList() {
  std::vector<std::string> names;
  for (const SupportedOnnxOp &op : getSupportedOnnxOps())
    if (names.empty() || names.back() != op.opType)
      names.push_back(op.opType);
  return llvm::join(names, ", ");
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node,
                                        int64_t index, int64_t opset) {
  std::string name = node.name().empty()
                         ? node.op_type() + "_" + std::to_string(index)
                         : node.name();
  Location loc =
      NameLoc::get(StringAttr::get(state.context, name), state.fileLoc);
  NodeImporter importer(state, node, opset, name, loc);

  auto function = functions.find({node.domain(), node.op_type()});
  if (function != functions.end())
    return inlineFunction(node, *function->second, name, loc, opset);
  if (node.op_type() == "If" &&
      (node.domain().empty() || node.domain() == "ai.onnx"))
    return importIf(node, name, loc, opset);

  if (!node.domain().empty() && node.domain() != "ai.onnx")
    return mlir::emitError(loc)
           << "node '" << name << "' (" << node.op_type() << ", domain '"
           << node.domain() << "'): operator domain is not supported by kiln";

  const OpSupport *match = nullptr;
  for (ArrayRef<OpSupport> table : allOpTables())
    for (const OpSupport &entry : table)
      if (entry.opType == node.op_type() && opset >= entry.minOpset &&
          opset <= getRowLimit(entry).maxOpset)
        match = &entry;
  if (!match) {
    InFlightDiagnostic diag =
        mlir::emitError(loc)
        << "node '" << name << "' (" << node.op_type() << ", opset " << opset
        << "): " << unsupportedOpReason(node.op_type(), opset);
    if (!isKnownOpType(node.op_type()))
      diag.attachNote(state.fileLoc)
          << "supported operators: " << supportedOpList();
    return diag;
  }

  LLVM_DEBUG(llvm::dbgs() << "importing node '" << name << "' ("
                          << node.op_type() << ")\n");
  if (failed(match->handler(importer)))
    return failure();

  if (const onnx::AttributeProto *attr = importer.findUnusedAttr())
    return mlir::emitError(loc)
           << "node '" << name << "' (" << node.op_type() << ", opset " << opset
           << "): unexpected attribute '" << attr->name()
           << "' (ONNX does not define it for this opset, or kiln does not "
              "support it)";

  return importer.checkOutputs();
}

FailureOr<OwningOpRef<ModuleOp>>
GraphImporter::import(onnx::ModelProto &model) {
  if (!model.has_graph())
    return emitFileError() << "not a valid ONNX model: the ModelProto has no "
                              "graph";
  onnx::GraphProto &graph = *model.mutable_graph();
  FailureOr<int64_t> opset = findDefaultOpset(model);
  if (failed(opset))
    return failure();
  for (const onnx::FunctionProto &function : model.functions())
    functions[{function.domain(), function.name()}] = &function;

  MLIRContext *ctx = state.context;
  ctx->getOrLoadDialect<model::ModelDialect>();
  ctx->getOrLoadDialect<func::FuncDialect>();
  // Attention imports as fused.attention into a tensor.empty destination.
  ctx->getOrLoadDialect<kiln::fused::FusedDialect>();
  ctx->getOrLoadDialect<tensor::TensorDialect>();
  OpBuilder &b = state.builder;
  OwningOpRef<ModuleOp> module = ModuleOp::create(state.fileLoc);

  // Initializers first: inputs that share a name with one are defaults that
  // the model fixes (ONNX IR < 4 listed them as inputs too). Large ones are
  // weights whose bytes are held once, as resources; they become ops at the
  // top of @main (nothing folds through them), the others known constants.
  SmallVector<std::pair<std::string, ElementsAttr>> weightInits;
  for (onnx::TensorProto &init : *graph.mutable_initializer()) {
    Location loc = NameLoc::get(b.getStringAttr(init.name()), state.fileLoc);
    // Errors go to the file: the message names the initializer.
    auto emitInitError = [&] {
      return emitFileError() << "initializer '" << init.name() << "': ";
    };
    if (init.name().empty())
      return emitFileError() << "an initializer has no name";
    FailureOr<ElementsAttr> weight = state.convertWeight(init, emitInitError);
    if (failed(weight))
      return failure();
    ValueEntry entry{nullptr, nullptr, loc, init.name()};
    if (!*weight) {
      FailureOr<DenseElementsAttr> value =
          state.convertTensor(init, emitInitError);
      if (failed(value))
        return failure();
      entry.constant = *value;
    }
    if (!state.values.try_emplace(init.name(), entry).second)
      return emitInitError() << "defined twice";
    if (*weight)
      weightInits.push_back({init.name(), *weight});
  }

  // Graph inputs become the arguments of @main.
  SmallVector<Type> argTypes;
  SmallVector<DictionaryAttr> argAttrs;
  SmallVector<Location> argLocs;
  SmallVector<std::string> argNames;
  for (const onnx::ValueInfoProto &in : graph.input()) {
    if (state.values.count(in.name()))
      continue;
    Location loc = NameLoc::get(b.getStringAttr(in.name()), state.fileLoc);
    auto emitInputError = [&] {
      return emitFileError() << "graph input '" << in.name() << "': ";
    };
    if (in.name().empty())
      return emitFileError() << "a graph input has no name";
    if (!in.has_type())
      return emitInputError() << "has no type";
    FailureOr<RankedTensorType> type =
        state.convertType(in.type(), emitInputError);
    if (failed(type))
      return failure();
    SmallVector<NamedAttribute> attrs = {
        b.getNamedAttr(kiln::model::kNameAttr, b.getStringAttr(in.name()))};
    if (auto dims = getDimNames(in.type(), *type))
      attrs.push_back(b.getNamedAttr(kiln::model::kDimsAttr, dims));
    argTypes.push_back(*type);
    argAttrs.push_back(b.getDictionaryAttr(attrs));
    argLocs.push_back(loc);
    argNames.push_back(in.name());
  }

  for (const onnx::ValueInfoProto &info : graph.value_info())
    if (info.has_type())
      state.declaredTypes[info.name()] = &info.type();
  for (const onnx::ValueInfoProto &out : graph.output())
    if (out.has_type())
      state.declaredTypes[out.name()] = &out.type();

  b.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(b, state.fileLoc, "main",
                                   b.getFunctionType(argTypes, {}));
  func.setAllArgAttrs(argAttrs);
  Block *body = func.addEntryBlock();
  for (auto [arg, loc, argName] :
       llvm::zip(body->getArguments(), argLocs, argNames)) {
    arg.setLoc(loc);
    if (!state.values.try_emplace(argName, ValueEntry{arg, nullptr, loc, ""})
             .second)
      return emitFileError()
             << "graph input '" << argName << "' is listed twice";
  }
  b.setInsertionPointToEnd(body);
  SmallVector<model::WeightOp> weightOps;
  for (auto &[name, value] : weightInits) {
    ValueEntry &entry = state.values.find(name)->second;
    auto op = model::WeightOp::create(b, entry.loc, b.getStringAttr(name),
                                      value);
    entry.value = op;
    weightOps.push_back(op);
  }

  for (auto [index, node] : llvm::enumerate(graph.node()))
    if (failed(importNode(node, index, *opset)))
      return failure();

  // Graph outputs become the results.
  SmallVector<Value> results;
  SmallVector<DictionaryAttr> resultAttrs;
  for (const onnx::ValueInfoProto &out : graph.output()) {
    auto it = state.values.find(out.name());
    if (it == state.values.end())
      return emitFileError() << "graph output '" << out.name()
                             << "' is not produced by any node, initializer "
                                "or graph input";
    results.push_back(state.materialize(it->second));
    SmallVector<NamedAttribute> attrs = {
        b.getNamedAttr(kiln::model::kNameAttr, b.getStringAttr(out.name()))};
    if (auto dims = getDimNames(
            out.type(), cast<RankedTensorType>(results.back().getType())))
      attrs.push_back(b.getNamedAttr(kiln::model::kDimsAttr, dims));
    resultAttrs.push_back(b.getDictionaryAttr(attrs));
  }
  func::ReturnOp::create(b, state.fileLoc, results);
  func.setFunctionType(
      b.getFunctionType(argTypes, ValueRange(results).getTypes()));
  func.setAllResultAttrs(resultAttrs);
  // An initializer no node reads is no weight of the model.
  for (model::WeightOp op : weightOps)
    if (op->use_empty())
      op->erase();

  if (failed(mlir::verify(*module)))
    return failure();
  // The handlers folded as they built; the dialect's patterns (and erasing
  // what folding left unused) give the canonical form every frontend hands
  // on.
  model::canonicalize(*module);
  return module;
}

//===----------------------------------------------------------------------===//
// Control flow and functions
//===----------------------------------------------------------------------===//

LogicalResult GraphImporter::importIf(const onnx::NodeProto &node,
                                      StringRef name, Location loc,
                                      int64_t opset) {
  auto error = [&] {
    return mlir::emitError(loc) << "node '" << name << "' (If): ";
  };
  if (node.input_size() != 1)
    return error() << "expects 1 input (the condition), got "
                   << node.input_size();
  auto cond = state.values.find(node.input(0));
  if (cond == state.values.end())
    return error() << "input 0 ('" << node.input(0) << "') is not defined";
  DenseElementsAttr value = cond->second.constant;
  if (!value || value.getNumElements() != 1 ||
      !value.getElementType().isInteger(1))
    return error() << "the condition is computed at run time; kiln imports "
                      "If only when its condition is a constant bool";
  bool taken = value.getSplatValue<bool>();
  const onnx::GraphProto *branch = nullptr;
  for (const onnx::AttributeProto &attr : node.attribute()) {
    if (attr.name() != (taken ? "then_branch" : "else_branch"))
      continue;
    if (attr.type() != onnx::AttributeProto::GRAPH)
      return error() << "attribute '" << attr.name() << "' must be a GRAPH";
    branch = &attr.g();
  }
  if (!branch)
    return error() << "missing attribute '"
                   << (taken ? "then_branch" : "else_branch") << "'";
  if (branch->output_size() != node.output_size())
    return error() << "the taken branch has " << branch->output_size()
                   << " outputs for the node's " << node.output_size();
  // A branch's initializers are constants of the branch (scoped names).
  for (const onnx::TensorProto &init : branch->initializer()) {
    FailureOr<DenseElementsAttr> c =
        state.convertTensor(init, [&] { return error(); });
    if (failed(c))
      return failure();
    if (!state.values
             .try_emplace(init.name(), ValueEntry{nullptr, *c, loc, ""})
             .second)
      return error() << "branch initializer '" << init.name()
                     << "' shadows a value of the outer graph";
  }
  for (auto [index, inner] : llvm::enumerate(branch->node()))
    if (failed(importNode(inner, index, opset)))
      return failure();
  for (auto [out, branchOut] :
       llvm::zip_equal(node.output(), branch->output())) {
    auto it = state.values.find(branchOut.name());
    if (it == state.values.end())
      return error() << "branch output '" << branchOut.name()
                     << "' is not produced by the branch";
    if (!out.empty() && !state.values.try_emplace(out, it->second).second)
      return error() << "output '" << out << "' is defined twice";
  }
  return success();
}

LogicalResult GraphImporter::inlineFunction(const onnx::NodeProto &node,
                                            const onnx::FunctionProto &function,
                                            StringRef name, Location loc,
                                            int64_t opset) {
  auto error = [&] {
    return mlir::emitError(loc) << "node '" << name << "' (" << node.op_type()
                                << ", function of domain '" << node.domain()
                                << "'): ";
  };
  if (llvm::is_contained(inlining, &function))
    return error() << "the function calls itself";
  if (node.input_size() > function.input_size() ||
      node.output_size() > function.output_size())
    return error() << "called with " << node.input_size() << " inputs and "
                   << node.output_size() << " outputs; the function has "
                   << function.input_size() << " and "
                   << function.output_size();
  // The function's own default opset, if it names one.
  int64_t bodyOpset = opset;
  for (const onnx::OperatorSetIdProto &id : function.opset_import())
    if (id.domain().empty() || id.domain() == "ai.onnx")
      bodyOpset = id.version();
  // Formal names map to the caller's values; every other value of the body
  // lives under "<node name>/".
  std::map<std::string, std::string> rename;
  for (auto [i, formal] : llvm::enumerate(function.input()))
    rename[formal] = i < size_t(node.input_size()) ? node.input(i) : "";
  for (auto [i, formal] : llvm::enumerate(function.output()))
    rename[formal] = i < size_t(node.output_size()) ? node.output(i) : "";
  auto mapped = [&](const std::string &v) {
    if (v.empty())
      return v;
    auto it = rename.find(v);
    return it != rename.end() ? it->second : name.str() + "/" + v;
  };
  std::map<std::string, const onnx::AttributeProto *> callerAttrs;
  for (const onnx::AttributeProto &attr : node.attribute())
    callerAttrs[attr.name()] = &attr;
  inlining.push_back(&function);
  for (auto [index, inner] : llvm::enumerate(function.node())) {
    onnx::NodeProto copy = inner;
    copy.set_name(name.str() + "/" +
                  (inner.name().empty()
                       ? inner.op_type() + "_" + std::to_string(index)
                       : inner.name()));
    for (std::string &in : *copy.mutable_input())
      in = mapped(in);
    for (std::string &out : *copy.mutable_output())
      out = mapped(out);
    // Attributes that refer to the caller's take its value, or are dropped
    // (the op's default) when the caller does not set them.
    copy.clear_attribute();
    for (const onnx::AttributeProto &attr : inner.attribute()) {
      if (attr.ref_attr_name().empty()) {
        *copy.add_attribute() = attr;
        continue;
      }
      auto it = callerAttrs.find(attr.ref_attr_name());
      if (it == callerAttrs.end())
        continue;
      onnx::AttributeProto *set = copy.add_attribute();
      *set = *it->second;
      set->set_name(attr.name());
    }
    if (failed(importNode(copy, index, bodyOpset))) {
      inlining.pop_back();
      return failure();
    }
  }
  inlining.pop_back();
  return success();
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

FailureOr<OwningOpRef<ModuleOp>>
kiln::onnx_frontend::importOnnxFile(MLIRContext &context, StringRef path) {
  Location fileLoc = FileLineColLoc::get(&context, path, 0, 0);
  onnx::ModelProto model;
  std::string error;
  if (!readOnnxModelFile(path, model, error))
    return mlir::emitError(fileLoc) << error;
  return GraphImporter(context, path).import(model);
}

std::vector<SupportedOnnxOp> kiln::onnx_frontend::getSupportedOnnxOps() {
  std::vector<SupportedOnnxOp> ops;
  for (ArrayRef<OpSupport> table : allOpTables())
    for (const OpSupport &entry : table)
      if (int64_t maxOpset = getRowLimit(entry).maxOpset;
          maxOpset >= entry.minOpset)
        ops.push_back({entry.opType.str(), entry.minOpset, maxOpset});
  llvm::sort(ops, [](const SupportedOnnxOp &a, const SupportedOnnxOp &b) {
    return std::tie(a.opType, a.minOpset) < std::tie(b.opType, b.minOpset);
  });
  return ops;
}
