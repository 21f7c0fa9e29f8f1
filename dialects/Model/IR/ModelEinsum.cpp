//===- ModelEinsum.cpp - model.einsum: equation, inference, verifier ------===//
#include "dialects/Model/IR/ModelOps.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace kiln::model;

namespace {

/// The terms of "ab,bc->ac": {"ab", "bc"} and "ac"; nullopt when the text is
/// not of that form (the verifier says why).
struct EinsumTerms {
  SmallVector<StringRef> inputs;
  StringRef output;
};

std::optional<EinsumTerms> splitEquation(StringRef equation) {
  auto [lhs, output] = equation.split("->");
  if (lhs.size() == equation.size())
    return std::nullopt;
  EinsumTerms terms;
  terms.output = output;
  lhs.split(terms.inputs, ',');
  return terms;
}

/// Checks the equation against the operand shapes and computes the size of
/// every letter (dynamic when no operand has it static).
LogicalResult checkEinsum(std::optional<Location> loc, StringRef equation,
                          TypeRange inputTypes,
                          llvm::DenseMap<char, int64_t> &sizes,
                          EinsumTerms &terms) {
  std::optional<EinsumTerms> split = splitEquation(equation);
  if (!split)
    return emitOptionalError(loc, "equation '", equation,
                             "' has no '->' (frontends make the result's "
                             "letters explicit)");
  terms = *split;
  if (terms.inputs.size() != inputTypes.size())
    return emitOptionalError(loc, "equation '", equation, "' has ",
                             terms.inputs.size(), " operand terms for ",
                             inputTypes.size(), " operands");
  Type element;
  for (auto [term, type] : llvm::zip_equal(terms.inputs, inputTypes)) {
    auto ranked = cast<RankedTensorType>(type);
    if (element && ranked.getElementType() != element)
      return emitOptionalError(loc, "operand element types differ: ", element,
                               " vs ", ranked.getElementType());
    element = ranked.getElementType();
    if (static_cast<int64_t>(term.size()) != ranked.getRank())
      return emitOptionalError(loc, "term '", term, "' names ", term.size(),
                               " dims of an operand of rank ",
                               ranked.getRank());
    for (auto [letter, size] : llvm::zip_equal(term, ranked.getShape())) {
      if (!llvm::isAlpha(letter))
        return emitOptionalError(loc, "'", StringRef(&letter, 1),
                                 "' in equation '", equation,
                                 "' is not a letter");
      auto [it, inserted] = sizes.try_emplace(letter, size);
      if (ShapedType::isDynamic(it->second))
        it->second = size;
      else if (!ShapedType::isDynamic(size) && size != it->second)
        return emitOptionalError(loc, "letter '", StringRef(&letter, 1),
                                 "' has sizes ", it->second, " and ", size);
    }
  }
  if (!element || !(isa<FloatType>(element) || element.isSignlessInteger()) ||
      element.isInteger(1))
    return emitOptionalError(loc, "operands must be numeric, got ", element);
  for (auto [i, letter] : llvm::enumerate(terms.output)) {
    if (!sizes.count(letter))
      return emitOptionalError(loc, "result letter '", StringRef(&letter, 1),
                               "' names no operand dim");
    if (terms.output.find(letter, i + 1) != StringRef::npos)
      return emitOptionalError(loc, "result letter '", StringRef(&letter, 1),
                               "' is repeated");
  }
  return success();
}

} // namespace

LogicalResult EinsumOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  llvm::DenseMap<char, int64_t> sizes;
  EinsumTerms terms;
  if (adaptor.getInputs().empty())
    return emitOptionalError(loc, "needs at least one operand");
  if (failed(checkEinsum(loc, adaptor.getEquation(),
                         adaptor.getInputs().getTypes(), sizes, terms)))
    return failure();
  SmallVector<int64_t> shape;
  for (char letter : terms.output)
    shape.push_back(sizes.lookup(letter));
  types.push_back(RankedTensorType::get(
      shape, getElementTypeOrSelf(adaptor.getInputs().front())));
  return success();
}

bool EinsumOp::isCompatibleReturnTypes(TypeRange l, TypeRange r) {
  return isRefinementOf(l, r);
}

LogicalResult EinsumOp::verify() {
  // Inference has checked everything; the verifier covers IR that was
  // parsed with a declared type.
  llvm::DenseMap<char, int64_t> sizes;
  EinsumTerms terms;
  return checkEinsum(getLoc(), getEquation(), getInputs().getTypes(), sizes,
                     terms);
}

SmallVector<StringRef> EinsumOp::getInputTerms() {
  return splitEquation(getEquation())->inputs;
}

StringRef EinsumOp::getOutputTerm() {
  return splitEquation(getEquation())->output;
}
