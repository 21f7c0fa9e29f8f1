//===- OnnxSchemaVersionsTest.cpp - The op table against the schemas -----===//
//
// Every row of the importer's operator table against ONNX's op schemas:
// libonnx's OpSchemaRegistry (Debian 12's ONNX 1.12, opsets <= 17) and the
// changes of opsets 18 to 23 checked in from ONNX's changelog. Each schema
// version inside a row's range must be one its handler is declared to
// implement (OnnxOpVersions.inc), so a version the handler was not written
// for cannot be imported with the semantics of an older one; a row whose
// newer versions are not declared stops before them.
//
//===----------------------------------------------------------------------===//
#include "lib/frontend/onnx/OnnxImporterImpl.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

using namespace kiln::onnx_frontend;

namespace {

std::string join(llvm::ArrayRef<int64_t> values) {
  std::ostringstream os;
  for (auto [i, v] : llvm::enumerate(values))
    os << (i ? ", " : "") << v;
  return os.str();
}

std::vector<const OpSupport *> allRows() {
  std::vector<const OpSupport *> rows;
  for (llvm::ArrayRef<OpSupport> table : allOpTables())
    for (const OpSupport &row : table)
      rows.push_back(&row);
  return rows;
}

} // namespace

TEST(OnnxSchemaVersions, RegistryKnowsOpset17) {
  // The test is only as good as the registry: ONNX 1.12 has LayerNormalization
  // at 17 and Softmax's axis rule of 13.
  EXPECT_EQ(getRegistrySchemaVersions("LayerNormalization"),
            llvm::SmallVector<int64_t>({17}));
  EXPECT_EQ(getRegistrySchemaVersions("Softmax"),
            llvm::SmallVector<int64_t>({1, 11, 13}));
  EXPECT_TRUE(getRegistrySchemaVersions("NoSuchOp").empty());
}

TEST(OnnxSchemaVersions, ChangelogDataStartsAt18) {
  for (const OpSupport *row : allRows())
    for (int64_t v : getChangelogSchemaVersions(row->opType)) {
      EXPECT_GE(v, 18) << row->opType.str();
      EXPECT_LE(v, kMaxKnownOpset) << row->opType.str();
    }
  EXPECT_EQ(getChangelogSchemaVersions("Pad"),
            llvm::SmallVector<int64_t>({18, 19, 21, 23}));
  EXPECT_EQ(getChangelogSchemaVersions("RMSNormalization"),
            llvm::SmallVector<int64_t>({23}));
}

/// What is wrong with `row` given the versions its handler is declared to
/// implement: a listed version that is no schema version, a row starting
/// before the op exists, a schema version inside the row's range (registry
/// for opsets <= 17, changelog for 18 to 23) that is not listed, or a row
/// not cut short before such a version of 18 to 23.
static std::vector<std::string>
rowProblems(const OpSupport &row, llvm::ArrayRef<int64_t> implemented) {
  std::vector<std::string> problems;
  auto problem = [&](const std::string &what) {
    problems.push_back(row.opType.str() + ": " + what);
  };
  llvm::SmallVector<int64_t> history = getSchemaHistory(row.opType);
  for (int64_t v : implemented)
    if (!llvm::is_contained(history, v))
      problem("OnnxOpVersions.inc lists version " + std::to_string(v) +
              ", which is no schema version of it (" + join(history) + ")");
  int64_t first = schemaVersionAt(history, row.minOpset);
  if (first == 0)
    problem("the row starts at opset " + std::to_string(row.minOpset) +
            ", before the op exists");
  for (int64_t v : getRegistrySchemaVersions(row.opType))
    if (v >= first && v <= std::min(row.maxOpset, kLastRegistryOpset) &&
        !llvm::is_contained(implemented, v))
      problem("the registry's version " + std::to_string(v) +
              " lies in the row's opsets " + std::to_string(row.minOpset) +
              "-" + std::to_string(row.maxOpset) +
              ", but OnnxOpVersions.inc does not list it as implemented (" +
              join(implemented) + ")");
  return problems;
}

// Every row's op declares the versions its handler implements, each a real
// schema version, and no version inside the row's range is left out: for
// opsets <= 17 the registry's history, for 18 to 23 the changelog's; a
// version of 18 to 23 that is left out must cut the row short.
TEST(OnnxSchemaVersions, EveryRowImplementsTheVersionsInItsRange) {
  for (const OpSupport *row : allRows()) {
    std::string op = row->opType.str();
    std::optional<llvm::ArrayRef<int64_t>> implemented =
        getImplementedVersions(op);
    ASSERT_TRUE(implemented.has_value())
        << op << " has no entry in lib/frontend/onnx/OnnxOpVersions.inc; its "
        << "schema versions are " << join(getSchemaHistory(op))
        << "; list those its handler implements";
    for (const std::string &problem : rowProblems(*row, *implemented))
      ADD_FAILURE() << problem;
    RowLimit limit = getRowLimit(*row);
    int64_t first = schemaVersionAt(getSchemaHistory(op), row->minOpset);
    for (int64_t v : getChangelogSchemaVersions(op)) {
      if (v < first || v > row->maxOpset)
        continue;
      if (!llvm::is_contained(*implemented, v)) {
        EXPECT_EQ(limit.maxOpset, v - 1)
            << op << ": version " << v << " is not implemented, so the row "
            << "must stop at opset " << v - 1;
        break;
      }
    }
    if (limit.unimplementedVersion == 0)
      EXPECT_EQ(limit.maxOpset, row->maxOpset) << op;
  }
}

// The check catches what it is for: a handler declared for Softmax 1 and 11
// in a row reaching opset 13 (whose axis rule changed), a made-up version,
// and a row that starts before its op exists.
TEST(OnnxSchemaVersions, RowProblemsAreFound) {
  OpSupport softmax{"Softmax", 1, kMaxKnownOpset, nullptr};
  std::vector<std::string> problems = rowProblems(softmax, {1, 11});
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("the registry's version 13"), std::string::npos)
      << problems[0];
  EXPECT_TRUE(rowProblems(softmax, {1, 11, 13}).empty());
  OpSupport softmax11{"Softmax", 1, 12, nullptr};
  EXPECT_TRUE(rowProblems(softmax11, {1, 11}).empty());
  EXPECT_EQ(rowProblems(softmax, {1, 11, 12, 13}).size(), 1u);
  OpSupport early{"LayerNormalization", 16, kMaxKnownOpset, nullptr};
  EXPECT_EQ(rowProblems(early, {17}).size(), 1u);
}

// No stale data: every declared version is reachable from some row of the
// op, and every op with versions has a row.
TEST(OnnxSchemaVersions, EveryImplementedVersionIsReachable) {
  llvm::StringSet<> ops;
  for (const OpSupport *row : allRows())
    ops.insert(row->opType);
  for (const auto &entry : ops) {
    std::string op = entry.getKey().str();
    llvm::SmallVector<int64_t> history = getSchemaHistory(op);
    std::optional<llvm::ArrayRef<int64_t>> implemented =
        getImplementedVersions(op);
    if (!implemented)
      continue; // reported above
    for (int64_t v : *implemented) {
      bool reached = llvm::any_of(allRows(), [&](const OpSupport *row) {
        return row->opType == op &&
               v >= schemaVersionAt(history, row->minOpset) &&
               v <= getRowLimit(*row).maxOpset;
      });
      EXPECT_TRUE(reached) << op << ": version " << v
                           << " is listed but no row imports it";
    }
  }
}

// The cut itself: a row that claims more than its op's versions allow stops
// before the first version its handler does not implement.
TEST(OnnxSchemaVersions, UnimplementedVersionCutsTheRow) {
  // Scatter-11 is the deprecated schema; kiln implements only Scatter-9.
  OpSupport scatter{"Scatter", 9, kMaxKnownOpset, nullptr};
  RowLimit limit = getRowLimit(scatter);
  EXPECT_EQ(limit.maxOpset, 10);
  EXPECT_EQ(limit.unimplementedVersion, 11);
  // Unknown to OnnxOpVersions.inc: the cap rows had before.
  OpSupport unknown{"NoSuchOp", 1, kMaxKnownOpset, nullptr};
  EXPECT_EQ(getRowLimit(unknown).maxOpset, kLegacyMaxOpset);
  // Declared through opset 23 (type-only changes in 22).
  OpSupport sin{"Sin", 7, kMaxKnownOpset, nullptr};
  EXPECT_EQ(getRowLimit(sin).maxOpset, kMaxKnownOpset);
}
