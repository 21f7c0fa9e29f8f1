//===- OnnxEinsum.cpp - ONNX Einsum to model.einsum -----------------------===//
//
// ONNX equations may use `...` for broadcast dims, spaces, and an implicit
// result (no `->`: the letters used once, in alphabetical order, after the
// ellipsis dims). model.einsum takes explicit letters only: the importer
// gives the ellipsis dims fresh letters (right-aligned, numpy style) and
// squeezes away the static size-1 ellipsis dims that other operands
// stretch, since one letter has one size in model.einsum.
//
//===----------------------------------------------------------------------===//
#include "lib/frontend/onnx/OnnxImporterImpl.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace kiln::onnx_frontend;
namespace model = kiln::model;

namespace {

/// One operand's term as parsed: the letters before and after `...`.
struct ParsedTerm {
  std::string letters; // without the ellipsis
  bool hasEllipsis = false;
  size_t ellipsisAt = 0; // index in `letters` where the ellipsis goes
};

FailureOr<ParsedTerm> parseTerm(NodeImporter &n, StringRef text) {
  ParsedTerm term;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == ' ')
      continue;
    if (c == '.') {
      if (term.hasEllipsis || !text.substr(i).starts_with("..."))
        return n.emitError() << "malformed ellipsis in equation term '" << text
                             << "'";
      term.hasEllipsis = true;
      term.ellipsisAt = term.letters.size();
      i += 2;
      continue;
    }
    if (!llvm::isAlpha(c))
      return n.emitError() << "'" << StringRef(&c, 1)
                           << "' in equation is not a letter";
    term.letters.push_back(c);
  }
  return term;
}

/// The term with its ellipsis replaced by the last `count` of `fresh`.
std::string expand(const ParsedTerm &term, StringRef fresh, int64_t count) {
  if (!term.hasEllipsis)
    return term.letters;
  std::string s = term.letters.substr(0, term.ellipsisAt);
  s += fresh.take_back(count).str();
  s += term.letters.substr(term.ellipsisAt);
  return s;
}

} // namespace

LogicalResult kiln::onnx_frontend::importEinsum(NodeImporter &n) {
  if (failed(n.checkInputCount(1, kUnbounded)))
    return failure();
  FailureOr<std::string> equation = n.stringAttr("equation", "");
  if (failed(equation))
    return failure();
  if (equation->empty())
    return n.emitError() << "missing required attribute 'equation'";
  StringRef eq(*equation);
  auto [lhs, rhs] = eq.split("->");
  bool explicitOutput = lhs.size() != eq.size();
  SmallVector<StringRef> termTexts;
  lhs.split(termTexts, ',');
  if (static_cast<int64_t>(termTexts.size()) != n.numInputs())
    return n.emitError() << "equation '" << eq << "' has " << termTexts.size()
                         << " operand terms for " << n.numInputs()
                         << " inputs";

  SmallVector<Value> inputs;
  SmallVector<ParsedTerm> terms;
  int64_t ellipsisRank = 0;
  SmallVector<int64_t> ellipsisRanks;
  for (auto [i, text] : llvm::enumerate(termTexts)) {
    FailureOr<ParsedTerm> term = parseTerm(n, text);
    FailureOr<Value> input = n.input(i);
    if (failed(term) || failed(input))
      return failure();
    int64_t rank = cast<RankedTensorType>(input->getType()).getRank();
    int64_t named = term->letters.size();
    int64_t dots = rank - named;
    if (dots < 0 || (!term->hasEllipsis && dots != 0))
      return n.emitError() << "equation term '" << text << "' does not match "
                           << "input " << i << " of rank " << rank;
    ellipsisRank = std::max(ellipsisRank, dots);
    ellipsisRanks.push_back(dots);
    terms.push_back(*term);
    inputs.push_back(*input);
  }

  // Fresh letters for the ellipsis dims.
  std::string fresh;
  for (char c = 'A'; static_cast<int64_t>(fresh.size()) < ellipsisRank; ++c) {
    if (c > 'Z' && c < 'a')
      c = 'a';
    if (c > 'z')
      return n.emitError() << "equation '" << eq
                           << "' leaves too few letters for its ellipsis";
    if (eq.find(c) == StringRef::npos)
      fresh.push_back(c);
  }

  // Explicit terms; static size-1 ellipsis dims that another operand
  // stretches are squeezed out of their operand.
  SmallVector<std::string> expanded;
  for (auto [i, term] : llvm::enumerate(terms))
    expanded.push_back(expand(term, fresh, ellipsisRanks[i]));
  for (char letter : fresh) {
    bool stretched = false;
    for (auto [i, term] : llvm::enumerate(expanded)) {
      size_t d = term.find(letter);
      if (d == std::string::npos)
        continue;
      int64_t size =
          cast<RankedTensorType>(inputs[i].getType()).getDimSize(d);
      stretched |= size != 1;
    }
    if (!stretched)
      continue;
    for (auto [i, term] : llvm::enumerate(expanded)) {
      size_t d = term.find(letter);
      if (d == std::string::npos ||
          cast<RankedTensorType>(inputs[i].getType()).getDimSize(d) != 1)
        continue;
      FailureOr<Value> squeezed = n.create<model::SqueezeOp>(
          {inputs[i]}, {n.named("axes", n.i64Array({int64_t(d)}))});
      if (failed(squeezed))
        return failure();
      inputs[i] = *squeezed;
      term.erase(d, 1);
    }
  }

  std::string output;
  if (explicitOutput) {
    FailureOr<ParsedTerm> out = parseTerm(n, rhs);
    if (failed(out))
      return failure();
    output = expand(*out, fresh, ellipsisRank);
  } else {
    // numpy's implicit result: the ellipsis dims, then the letters used
    // exactly once, in alphabetical order.
    output = fresh;
    std::string once;
    for (char c = 'A'; c <= 'z'; ++c) {
      if (!llvm::isAlpha(c) || fresh.find(c) != std::string::npos)
        continue;
      int64_t count = llvm::count(lhs, c);
      if (count == 1)
        once.push_back(c);
    }
    output += once;
  }

  std::string canonical;
  for (auto [i, term] : llvm::enumerate(expanded))
    canonical += (i ? "," : "") + term;
  canonical += "->" + output;
  return n.setOutput(
      0, n.create<model::EinsumOp>(
             inputs, {n.named("equation",
                              StringAttr::get(n.getContext(), canonical))}));
}
