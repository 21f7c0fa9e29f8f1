//===- OnnxOpStats.cpp - Which ops, opsets and dtypes a model uses --------===//
//
// `kiln-compile --op-stats`: reads the model without importing it and lists
// every (domain, op type) with its node count, opset and the element types
// of its inputs where the graph declares them, each marked supported or not
// by the importer's operator table, so a user sees every gap at once
// instead of the first error (the reasons are the importer's own,
// unsupportedOpReason). Nodes of subgraphs (If/Loop/Scan bodies) are
// counted too. Element types of intermediate values come from ONNX's own
// type inference where it succeeds (this file is built with exceptions to
// catch its errors). A handler can still refuse a node for an attribute
// value; the table decides only operator and opset.
//
//===----------------------------------------------------------------------===//
#include "lib/frontend/onnx/OnnxImporter.h"
#include "lib/frontend/onnx/OnnxModelReader.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <map>
#include <set>

using namespace mlir;
using namespace kiln::onnx_frontend;

namespace {

struct OpUsage {
  int64_t nodes = 0;
  std::set<std::string> dtypes;
};

struct Collector {
  /// Opset per domain ("" for the default one).
  std::map<std::string, int64_t> opsets;
  std::map<std::pair<std::string, std::string>, OpUsage> ops;
  /// Element type of each value the graph declares or defines as a tensor.
  std::map<std::string, int32_t> valueTypes;
  std::set<int32_t> allTypes;
  /// The model's local functions, by (domain, name); calls are inlined.
  std::set<std::pair<std::string, std::string>> functions;

  void declare(const onnx::ValueInfoProto &info) {
    if (info.type().has_tensor_type()) {
      valueTypes[info.name()] = info.type().tensor_type().elem_type();
      allTypes.insert(info.type().tensor_type().elem_type());
    }
  }

  void visit(const onnx::GraphProto &graph) {
    for (const auto &v : graph.input())
      declare(v);
    for (const auto &v : graph.output())
      declare(v);
    for (const auto &v : graph.value_info())
      declare(v);
    for (const auto &t : graph.initializer()) {
      valueTypes[t.name()] = t.data_type();
      allTypes.insert(t.data_type());
    }
    visitNodes(graph.node());
  }

  /// Counts `nodes` (a graph's or a function body's) and their subgraphs.
  void visitNodes(
      const google::protobuf::RepeatedPtrField<onnx::NodeProto> &nodes) {
    for (const onnx::NodeProto &node : nodes) {
      std::string domain = node.domain() == "ai.onnx" ? "" : node.domain();
      OpUsage &usage = ops[{domain, node.op_type()}];
      ++usage.nodes;
      for (const std::string &input : node.input()) {
        auto it = valueTypes.find(input);
        if (!input.empty() && it != valueTypes.end())
          usage.dtypes.insert(dtypeName(it->second));
      }
      for (const onnx::AttributeProto &attr : node.attribute()) {
        if (attr.has_t())
          allTypes.insert(attr.t().data_type());
        if (attr.has_g())
          visit(attr.g());
        for (const onnx::GraphProto &g : attr.graphs())
          visit(g);
      }
    }
  }

  static std::string dtypeName(int32_t t) {
    if (onnx::TensorProto_DataType_IsValid(t))
      return onnx::TensorProto_DataType_Name(
          static_cast<onnx::TensorProto_DataType>(t));
    return "data type " + std::to_string(t);
  }
};

} // namespace

FailureOr<bool> kiln::onnx_frontend::printOnnxOpStats(MLIRContext &context,
                                                      StringRef path,
                                                      llvm::raw_ostream &os) {
  onnx::ModelProto model;
  std::string error;
  if (!readOnnxModelFile(path, model, error))
    return emitError(FileLineColLoc::get(&context, path, 0, 0)) << error;
  // Best effort: a model ONNX cannot infer keeps its declared types only.
  try {
    onnx::ShapeInferenceOptions options;
    options.error_mode = 0;
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(),
                                       options);
  } catch (const std::exception &) {
  }
  Collector c;
  for (const onnx::OperatorSetIdProto &opset : model.opset_import())
    c.opsets[opset.domain() == "ai.onnx" ? "" : opset.domain()] =
        opset.version();
  for (const onnx::FunctionProto &function : model.functions())
    c.functions.insert({function.domain(), function.name()});
  c.visit(model.graph());
  // Inlined bodies are imported like the graph's own nodes.
  for (const onnx::FunctionProto &function : model.functions())
    c.visitNodes(function.node());

  std::optional<int64_t> defaultOpset;
  if (c.opsets.count(""))
    defaultOpset = c.opsets[""];
  std::vector<std::string> supportedTypes = getSupportedOnnxElementTypes();

  bool allSupported = true;
  os << path << ": opset "
     << (defaultOpset ? std::to_string(*defaultOpset) : "none") << "\n\n";
  os << llvm::formatv("{0,-28} {1,6} {2,6}  {3,-24} {4}\n", "operator",
                      "opset", "nodes", "input types", "status");
  for (const auto &[key, usage] : c.ops) {
    const auto &[domain, opType] = key;
    std::optional<int64_t> opset =
        c.opsets.count(domain) ? std::optional<int64_t>(c.opsets[domain])
                               : std::nullopt;
    std::string reason;
    if (c.functions.count({domain, opType}))
      reason = ""; // a model-local function: inlined
    else if (!domain.empty())
      reason = "operator domain '" + domain + "' is not supported by kiln";
    else if (!opset)
      reason = "the model does not import the default opset";
    else
      reason = unsupportedOpReason(opType, *opset);
    allSupported &= reason.empty();
    std::string name = domain.empty() ? opType : domain + "." + opType;
    std::vector<std::string> dtypes(usage.dtypes.begin(), usage.dtypes.end());
    os << llvm::formatv("{0,-28} {1,6} {2,6}  {3,-24} {4}\n", name,
                        opset ? std::to_string(*opset) : "-", usage.nodes,
                        dtypes.empty() ? "-" : llvm::join(dtypes, ","),
                        reason.empty() ? "supported"
                                       : "unsupported: " + reason);
  }
  os << "\nelement types:";
  for (int32_t t : c.allTypes) {
    std::string name = Collector::dtypeName(t);
    bool ok = llvm::is_contained(supportedTypes, name);
    allSupported &= ok;
    os << " " << name << (ok ? "" : " (unsupported)");
  }
  os << "\n";
  return allSupported;
}
