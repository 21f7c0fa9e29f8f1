//===- OnnxSchemaVersions.cpp - Schema versions of the table's ops -------===//
//
// Which ONNX schema version (since_version) of an operator a model's opset
// selects, and which of them kiln's handlers implement. libonnx's registry
// answers for opsets <= kLastRegistryOpset (Debian 12's ONNX 1.12 knows
// 17); the versions of opsets 18 to 23 are data transcribed from ONNX's
// operator changelog (OnnxSchemaChanges18to23.inc). A table row imports an
// opset only while every schema version up to it is one its handler was
// written for (OnnxOpVersions.inc), so a newer version of an op cannot be
// imported with the semantics of an older one.
//
//===----------------------------------------------------------------------===//
#include "lib/frontend/onnx/OnnxImporterImpl.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"

#include <onnx/defs/schema.h>

#include <algorithm>

using namespace mlir;
using namespace kiln::onnx_frontend;

namespace {

struct SchemaChange {
  llvm::StringLiteral opType;
  int64_t sinceVersion;
};

const SchemaChange kSchemaChanges18to23[] = {
#define KILN_ONNX_SCHEMA_CHANGE(op, version) {op, version},
#include "lib/frontend/onnx/OnnxSchemaChanges18to23.inc"
#undef KILN_ONNX_SCHEMA_CHANGE
};

/// The longest version list of any op (Pad and Constant have 8).
constexpr size_t kMaxVersionsPerOp = 16;

struct ImplementedVersions {
  llvm::StringLiteral opType;
  /// Ascending, then zeros.
  int64_t versions[kMaxVersionsPerOp];
};

const ImplementedVersions kImplementedVersions[] = {
#define KILN_ONNX_OP_VERSIONS(op, ...) {op, {__VA_ARGS__}},
#include "lib/frontend/onnx/OnnxOpVersions.inc"
#undef KILN_ONNX_OP_VERSIONS
};

} // namespace

SmallVector<int64_t>
kiln::onnx_frontend::getRegistrySchemaVersions(StringRef opType) {
  SmallVector<int64_t> versions;
  // Schema(op, v) is the newest version <= v; walk down from the last opset
  // the registry is trusted for.
  for (int64_t at = kLastRegistryOpset; at > 0;) {
    const onnx::OpSchema *schema =
        onnx::OpSchemaRegistry::Schema(opType.str(), int(at), "");
    if (!schema)
      break;
    versions.push_back(schema->since_version());
    at = schema->since_version() - 1;
  }
  std::reverse(versions.begin(), versions.end());
  return versions;
}

SmallVector<int64_t>
kiln::onnx_frontend::getChangelogSchemaVersions(StringRef opType) {
  SmallVector<int64_t> versions;
  for (const SchemaChange &change : kSchemaChanges18to23)
    if (change.opType == opType)
      versions.push_back(change.sinceVersion);
  llvm::sort(versions);
  return versions;
}

SmallVector<int64_t> kiln::onnx_frontend::getSchemaHistory(StringRef opType) {
  SmallVector<int64_t> versions = getRegistrySchemaVersions(opType);
  llvm::append_range(versions, getChangelogSchemaVersions(opType));
  return versions;
}

std::optional<ArrayRef<int64_t>>
kiln::onnx_frontend::getImplementedVersions(StringRef opType) {
  for (const ImplementedVersions &entry : kImplementedVersions) {
    if (entry.opType != opType)
      continue;
    ArrayRef<int64_t> all(entry.versions);
    return all.take_while([](int64_t v) { return v != 0; });
  }
  return std::nullopt;
}

int64_t kiln::onnx_frontend::schemaVersionAt(ArrayRef<int64_t> history,
                                             int64_t opset) {
  int64_t inEffect = 0;
  for (int64_t version : history)
    if (version <= opset)
      inEffect = version;
  return inEffect;
}

/// The row's cap: the opset before the first schema version in its range
/// that the handler does not implement (minOpset - 1 when even the version
/// in effect at minOpset is not one of them).
static RowLimit computeRowLimit(const OpSupport &row) {
  std::optional<ArrayRef<int64_t>> implemented =
      getImplementedVersions(row.opType);
  // An op without an entry keeps the cap every row had before the versions
  // were data; the schema test asks for its entry.
  if (!implemented)
    return {std::min(row.maxOpset, kLegacyMaxOpset), 0};
  SmallVector<int64_t> history = getSchemaHistory(row.opType);
  int64_t first = schemaVersionAt(history, row.minOpset);
  for (int64_t version : history) {
    if (version < first || version > row.maxOpset)
      continue;
    if (!llvm::is_contained(*implemented, version))
      return {std::max(row.minOpset, version) - 1, version};
  }
  return {row.maxOpset, 0};
}

RowLimit kiln::onnx_frontend::getRowLimit(const OpSupport &row) {
  // Computed once for all rows: the handlers' tables are static arrays.
  static const llvm::DenseMap<const OpSupport *, RowLimit> limits = [] {
    llvm::DenseMap<const OpSupport *, RowLimit> map;
    for (ArrayRef<OpSupport> table : allOpTables())
      for (const OpSupport &entry : table)
        map[&entry] = computeRowLimit(entry);
    return map;
  }();
  auto it = limits.find(&row);
  return it != limits.end() ? it->second : computeRowLimit(row);
}
