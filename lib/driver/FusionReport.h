//===- FusionReport.h - kiln-compile --report ------------------*- C++ -*-===//
// Turns what the fusion passes recorded on the functions (see
// passes/Fusion/FusionReport.h) into the --report file: JSON (schema in
// docs/fusion-report.md), or a self-contained HTML page drawing the model's
// graph with the fused regions outlined.
#ifndef KILN_LIB_DRIVER_FUSIONREPORT_H
#define KILN_LIB_DRIVER_FUSIONREPORT_H

#include "mlir/IR/BuiltinOps.h"

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace kiln::driver {

/// The model-level graph as the importer wrote it, one box per ONNX node
/// (ops sharing a node name merge; constants and weights are left out).
struct GraphSnapshot {
  struct Node {
    std::string name;
    std::string op;
  };
  std::vector<Node> nodes;
  /// (producer, consumer) indices into `nodes`.
  std::vector<std::pair<size_t, size_t>> edges;
};

GraphSnapshot snapshotGraph(mlir::ModuleOp module);

/// Reads and removes `kiln.fusion.fused` / `kiln.fusion.near_misses` from
/// every function of `module` into the report object.
nlohmann::json collectFusionReport(mlir::ModuleOp module,
                                   llvm::StringRef modelPath,
                                   const std::vector<std::string> &fusions);

/// The HTML page for `report`, drawing `graph`.
std::string renderFusionReportHtml(const nlohmann::json &report,
                                   const GraphSnapshot &graph);

} // namespace kiln::driver

#endif // KILN_LIB_DRIVER_FUSIONREPORT_H
