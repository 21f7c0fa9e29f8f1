//===- FusionReport.cpp - kiln-compile --report ---------------------------===//
#include "lib/driver/FusionReport.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <map>
#include <set>

using namespace mlir;
using nlohmann::json;

namespace {

// The attribute names the fusion passes write (passes/Fusion/FusionReport.h;
// the driver does not link the passes' headers).
constexpr llvm::StringLiteral kFusedAttr = "kiln.fusion.fused";
constexpr llvm::StringLiteral kNearMissesAttr = "kiln.fusion.near_misses";

/// The ONNX node names (NameLocs) a location is made of, in order, once each.
void collectNames(Location loc, std::vector<std::string> &names,
                  llvm::StringSet<> &seen) {
  if (auto name = dyn_cast<NameLoc>(loc)) {
    if (seen.insert(name.getName().getValue()).second)
      names.push_back(name.getName().str());
    return;
  }
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location part : fused.getLocations())
      collectNames(part, names, seen);
  if (auto callSite = dyn_cast<CallSiteLoc>(loc))
    collectNames(callSite.getCaller(), names, seen);
}

std::vector<std::string> nodeNames(Location loc) {
  std::vector<std::string> names;
  llvm::StringSet<> seen;
  collectNames(loc, names, seen);
  return names;
}

/// An attribute as JSON: numbers, booleans and strings as themselves,
/// arrays element-wise, anything else as its MLIR text.
json toJson(Attribute attr) {
  if (auto b = dyn_cast<BoolAttr>(attr))
    return b.getValue();
  if (auto i = dyn_cast<IntegerAttr>(attr))
    return i.getType().isUnsignedInteger() ? json(i.getUInt())
                                           : json(i.getValue().getSExtValue());
  if (auto f = dyn_cast<FloatAttr>(attr))
    return f.getValueAsDouble();
  if (auto s = dyn_cast<StringAttr>(attr))
    return s.str();
  if (auto a = dyn_cast<ArrayAttr>(attr)) {
    json out = json::array();
    for (Attribute e : a)
      out.push_back(toJson(e));
    return out;
  }
  if (auto a = dyn_cast<DenseI64ArrayAttr>(attr))
    return json(std::vector<int64_t>(a.asArrayRef()));
  std::string text;
  llvm::raw_string_ostream os(text);
  attr.print(os);
  return text;
}

std::string htmlEscape(llvm::StringRef s) {
  std::string out;
  for (char c : s) {
    switch (c) {
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '&': out += "&amp;"; break;
    case '"': out += "&quot;"; break;
    default: out += c;
    }
  }
  return out;
}

} // namespace

kiln::driver::GraphSnapshot kiln::driver::snapshotGraph(ModuleOp module) {
  GraphSnapshot graph;
  llvm::StringMap<size_t> byName;
  llvm::DenseMap<Operation *, size_t> nodeOf;
  std::set<std::pair<size_t, size_t>> edges;
  module.walk([&](Operation *op) {
    if (op->getNumRegions() != 0 || op->hasTrait<OpTrait::IsTerminator>())
      return;
    StringRef opName = op->getName().stripDialect();
    if (opName == "constant" || opName == "weight")
      return;
    std::vector<std::string> names = nodeNames(op->getLoc());
    std::string name = names.empty() ? opName.str() + "#" +
                                           std::to_string(graph.nodes.size())
                                     : names.front();
    auto [it, inserted] = byName.try_emplace(name, graph.nodes.size());
    if (inserted)
      graph.nodes.push_back({name, opName.str()});
    nodeOf[op] = it->second;
    for (Value operand : op->getOperands())
      if (Operation *def = operand.getDefiningOp()) {
        auto from = nodeOf.find(def);
        if (from != nodeOf.end() && from->second != it->second)
          edges.insert({from->second, it->second});
      }
  });
  graph.edges.assign(edges.begin(), edges.end());
  return graph;
}

json kiln::driver::collectFusionReport(ModuleOp module, StringRef modelPath,
                                       const std::vector<std::string> &fusions) {
  json fused = json::array(), nearMisses = json::array();
  std::map<std::string, int64_t> counts;
  for (const std::string &f : fusions)
    counts[f] = 0;
  module.walk([&](FunctionOpInterface func) {
    std::string function = func.getName().str();
    if (auto records = func->getAttrOfType<ArrayAttr>(kFusedAttr)) {
      for (Attribute a : records) {
        auto record = cast<DictionaryAttr>(a);
        std::string kind = cast<StringAttr>(record.get("kind")).str();
        json attributes = json::object();
        for (NamedAttribute attr : cast<DictionaryAttr>(record.get("attributes")))
          attributes[attr.getName().str()] = toJson(attr.getValue());
        fused.push_back({{"kind", kind},
                         {"function", function},
                         {"attributes", attributes},
                         {"nodes", nodeNames(cast<LocationAttr>(record.get("loc")))}});
        ++counts[kind];
      }
      func->removeAttr(kFusedAttr);
    }
    if (auto records = func->getAttrOfType<ArrayAttr>(kNearMissesAttr)) {
      for (Attribute a : records) {
        auto record = cast<DictionaryAttr>(a);
        std::vector<std::string> names =
            nodeNames(cast<LocationAttr>(record.get("loc")));
        nearMisses.push_back(
            {{"fusion", cast<StringAttr>(record.get("fusion")).str()},
             {"function", function},
             {"node", names.empty() ? std::string() : names.front()},
             {"reason", cast<StringAttr>(record.get("reason")).str()}});
      }
      func->removeAttr(kNearMissesAttr);
    }
  });
  return {{"version", 1},
          {"model", modelPath.str()},
          {"fusions", fusions},
          {"counts", counts},
          {"fused", fused},
          {"near_misses", nearMisses}};
}

std::string kiln::driver::renderFusionReportHtml(const json &report,
                                                 const GraphSnapshot &graph) {
  // Layers by longest path from the inputs (ops come in topological order,
  // and so do the nodes).
  size_t n = graph.nodes.size();
  std::vector<size_t> layer(n, 0), column(n, 0);
  std::vector<std::vector<size_t>> preds(n);
  for (auto [from, to] : graph.edges)
    preds[to].push_back(from);
  size_t layers = 0;
  std::vector<size_t> width;
  for (size_t i = 0; i < n; ++i) {
    for (size_t p : preds[i])
      if (p < i)
        layer[i] = std::max(layer[i], layer[p] + 1);
    if (layer[i] >= width.size())
      width.resize(layer[i] + 1, 0);
    column[i] = width[layer[i]]++;
    layers = std::max(layers, layer[i] + 1);
  }
  const int boxW = 190, boxH = 34, gapX = 20, gapY = 30, margin = 20;
  size_t maxWidth = width.empty() ? 1 : *std::max_element(width.begin(), width.end());
  auto x = [&](size_t i) { return margin + int(column[i]) * (boxW + gapX); };
  auto y = [&](size_t i) { return margin + int(layer[i]) * (boxH + gapY); };
  int svgW = 2 * margin + int(maxWidth) * (boxW + gapX);
  int svgH = 2 * margin + int(layers) * (boxH + gapY);

  // Which fused instance each node belongs to.
  llvm::StringMap<size_t> instanceOf;
  const json &fused = report["fused"];
  for (size_t k = 0; k < fused.size(); ++k)
    for (const json &name : fused[k]["nodes"])
      instanceOf.try_emplace(name.get<std::string>(), k);
  static const char *colors[] = {"#d9480f", "#1971c2", "#2f9e44", "#9c36b5",
                                 "#e67700", "#0c8599", "#c2255c"};

  std::string out;
  llvm::raw_string_ostream os(out);
  os << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>kiln "
        "fusion report: "
     << htmlEscape(report["model"].get<std::string>())
     << "</title>\n<style>body{font-family:sans-serif;margin:16px}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;"
        "padding:3px 8px;font-size:13px;text-align:left}"
        "svg text{font-family:monospace;font-size:11px}</style></head><body>\n"
     << "<h1>Fusion report</h1>\n<p>Model: <code>"
     << htmlEscape(report["model"].get<std::string>()) << "</code></p>\n";
  os << "<h2>Fused instances</h2>\n<table><tr><th>#</th><th>kind</th>"
        "<th>attributes</th><th>ONNX nodes</th></tr>\n";
  for (size_t k = 0; k < fused.size(); ++k)
    os << "<tr><td style=\"color:" << colors[k % 7] << "\">" << k + 1
       << "</td><td>" << htmlEscape(fused[k]["kind"].get<std::string>())
       << "</td><td><code>" << htmlEscape(fused[k]["attributes"].dump())
       << "</code></td><td>" << fused[k]["nodes"].size() << " nodes</td></tr>\n";
  os << "</table>\n<h2>Near misses</h2>\n<table><tr><th>fusion</th>"
        "<th>node</th><th>reason</th></tr>\n";
  for (const json &miss : report["near_misses"])
    os << "<tr><td>" << htmlEscape(miss["fusion"].get<std::string>())
       << "</td><td>" << htmlEscape(miss["node"].get<std::string>())
       << "</td><td>" << htmlEscape(miss["reason"].get<std::string>())
       << "</td></tr>\n";
  os << "</table>\n<h2>Graph</h2>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
        "width=\"" << svgW << "\" height=\"" << svgH << "\">\n";
  // Fused regions: the bounding box of each instance's nodes, outlined.
  for (size_t k = 0; k < fused.size(); ++k) {
    int x0 = svgW, y0 = svgH, x1 = 0, y1 = 0;
    for (size_t i = 0; i < n; ++i) {
      auto it = instanceOf.find(graph.nodes[i].name);
      if (it == instanceOf.end() || it->second != k)
        continue;
      x0 = std::min(x0, x(i) - 6);
      y0 = std::min(y0, y(i) - 6);
      x1 = std::max(x1, x(i) + boxW + 6);
      y1 = std::max(y1, y(i) + boxH + 6);
    }
    if (x1 == 0)
      continue;
    os << "<rect class=\"fused-region\" x=\"" << x0 << "\" y=\"" << y0
       << "\" width=\"" << x1 - x0 << "\" height=\"" << y1 - y0
       << "\" rx=\"8\" fill=\"" << colors[k % 7]
       << "\" fill-opacity=\"0.08\" stroke=\"" << colors[k % 7]
       << "\" stroke-width=\"2\" stroke-dasharray=\"6 3\"><title>"
       << htmlEscape(fused[k]["kind"].get<std::string>()) << " #" << k + 1
       << "</title></rect>\n";
  }
  for (auto [from, to] : graph.edges)
    os << "<line x1=\"" << x(from) + boxW / 2 << "\" y1=\"" << y(from) + boxH
       << "\" x2=\"" << x(to) + boxW / 2 << "\" y2=\"" << y(to)
       << "\" stroke=\"#999\" stroke-width=\"1\"/>\n";
  for (size_t i = 0; i < n; ++i) {
    auto it = instanceOf.find(graph.nodes[i].name);
    bool inFused = it != instanceOf.end();
    std::string label = graph.nodes[i].name;
    if (label.size() > 26)
      label = "…" + label.substr(label.size() - 25);
    os << "<g class=\"node\"><title>" << htmlEscape(graph.nodes[i].name)
       << " (" << htmlEscape(graph.nodes[i].op) << ")</title><rect x=\""
       << x(i) << "\" y=\"" << y(i) << "\" width=\"" << boxW
       << "\" height=\"" << boxH << "\" rx=\"3\" fill=\""
       << (inFused ? "#fff4e6" : "#f8f9fa") << "\" stroke=\""
       << (inFused ? colors[it->second % 7] : "#495057") << "\"/><text x=\""
       << x(i) + 6 << "\" y=\"" << y(i) + 14 << "\">"
       << htmlEscape(graph.nodes[i].op) << "</text><text x=\"" << x(i) + 6
       << "\" y=\"" << y(i) + 28 << "\" fill=\"#666\">" << htmlEscape(label)
       << "</text></g>\n";
  }
  os << "</svg>\n</body></html>\n";
  return out;
}
