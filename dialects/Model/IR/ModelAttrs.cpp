//===- ModelAttrs.cpp - Attributes of the `model` dialect -----------------===//
#include "dialects/Model/IR/ModelAttrs.h"
#include "dialects/Model/IR/ModelDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace kiln::model;

#define GET_ATTRDEF_CLASSES
#include "dialects/Model/IR/ModelAttrs.cpp.inc"

void ModelDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/Model/IR/ModelAttrs.cpp.inc"
      >();
}

// #model.dims<[batch, ?, 64]>
Attribute DimsAttr::parse(AsmParser &parser, Type) {
  SmallVector<int64_t> sizes;
  SmallVector<StringAttr> names;
  MLIRContext *ctx = parser.getContext();
  auto parseDim = [&]() -> ParseResult {
    if (succeeded(parser.parseOptionalQuestion())) {
      sizes.push_back(ShapedType::kDynamic);
      names.push_back(StringAttr::get(ctx, ""));
      return success();
    }
    int64_t size;
    OptionalParseResult integer = parser.parseOptionalInteger(size);
    if (integer.has_value()) {
      if (failed(*integer))
        return failure();
      sizes.push_back(size);
      names.push_back(StringAttr::get(ctx, ""));
      return success();
    }
    std::string name;
    if (failed(parser.parseOptionalKeywordOrString(&name)))
      return parser.emitError(parser.getCurrentLocation(),
                              "expected a dim size, a dim name or '?'");
    if (name.empty())
      return parser.emitError(parser.getCurrentLocation(),
                              "a dim name must not be empty (use '?')");
    sizes.push_back(ShapedType::kDynamic);
    names.push_back(StringAttr::get(ctx, name));
    return success();
  };
  if (parser.parseLess() ||
      parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, parseDim) ||
      parser.parseGreater())
    return {};
  return parser.getChecked<DimsAttr>(ctx, sizes, names);
}

/// Whether `name` prints as a bare keyword.
static bool isBareName(StringRef name) {
  if (name.empty() || !(llvm::isAlpha(name[0]) || name[0] == '_'))
    return false;
  return llvm::all_of(name, [](char c) {
    return llvm::isAlnum(c) || c == '_' || c == '$' || c == '.';
  });
}

void DimsAttr::print(AsmPrinter &printer) const {
  printer << "<[";
  for (auto [i, size] : llvm::enumerate(getSizes())) {
    if (i)
      printer << ", ";
    StringRef name = getName(i);
    if (!ShapedType::isDynamic(size))
      printer << size;
    else if (name.empty())
      printer << "?";
    else if (isBareName(name))
      printer << name;
    else
      printer << '"' << name << '"';
  }
  printer << "]>";
}

LogicalResult DimsAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                               ArrayRef<int64_t> sizes,
                               ArrayRef<StringAttr> names) {
  if (sizes.size() != names.size())
    return emitError() << "#model.dims has " << sizes.size() << " sizes but "
                       << names.size() << " names";
  for (auto [size, name] : llvm::zip(sizes, names)) {
    if (!ShapedType::isDynamic(size) && size < 0)
      return emitError() << "#model.dims has a negative size " << size;
    if (!ShapedType::isDynamic(size) && !name.getValue().empty())
      return emitError() << "#model.dims names static dim of size " << size
                         << " '" << name.getValue() << "'";
  }
  return success();
}

LogicalResult
DimsAttr::verifyFor(Type type,
                    function_ref<InFlightDiagnostic()> emitError) const {
  // Bufferized IR annotates memrefs of the same shape; that is fine too.
  auto ranked = dyn_cast<ShapedType>(type);
  if (!ranked || !ranked.hasRank())
    return emitError() << "#model.dims annotates " << type
                       << ", which is not a ranked tensor";
  if (ranked.getRank() != int64_t(getSizes().size()))
    return emitError() << "#model.dims has " << getSizes().size()
                       << " dims but the type " << type << " has rank "
                       << ranked.getRank();
  for (auto [i, size] : llvm::enumerate(getSizes()))
    if (size != ranked.getDimSize(i))
      return emitError() << "#model.dims dim " << i << " does not match the "
                         << "type " << type;
  return success();
}

DimsAttr kiln::model::getDims(RankedTensorType type,
                              ArrayRef<std::string> names) {
  MLIRContext *ctx = type.getContext();
  SmallVector<StringAttr> attrs;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    StringRef name = type.isDynamicDim(i) && size_t(i) < names.size()
                         ? StringRef(names[i])
                         : StringRef();
    attrs.push_back(StringAttr::get(ctx, name));
  }
  return DimsAttr::get(ctx, type.getShape(), attrs);
}

DimsAttr kiln::model::getArgDims(FunctionOpInterface func, unsigned i) {
  return func.getArgAttrOfType<DimsAttr>(i, kDimsAttr);
}
DimsAttr kiln::model::getResultDims(FunctionOpInterface func, unsigned i) {
  return func.getResultAttrOfType<DimsAttr>(i, kDimsAttr);
}
StringRef kiln::model::getArgName(FunctionOpInterface func, unsigned i) {
  auto name = func.getArgAttrOfType<StringAttr>(i, kNameAttr);
  return name ? name.getValue() : StringRef();
}
StringRef kiln::model::getResultName(FunctionOpInterface func, unsigned i) {
  auto name = func.getResultAttrOfType<StringAttr>(i, kNameAttr);
  return name ? name.getValue() : StringRef();
}

/// Checks a `model.*` attribute at a function boundary against `type`.
static LogicalResult verifyBoundaryAttr(Operation *op, NamedAttribute attr,
                                        Type type, StringRef where) {
  auto emitError = [&] { return op->emitOpError() << where << ": "; };
  if (attr.getName() == kNameAttr) {
    if (!isa<StringAttr>(attr.getValue()))
      return emitError() << "'" << kNameAttr << "' must be a string";
    return success();
  }
  if (attr.getName() == kDimsAttr) {
    auto dims = dyn_cast<DimsAttr>(attr.getValue());
    if (!dims)
      return emitError() << "'" << kDimsAttr << "' must be a #model.dims";
    return dims.verifyFor(type, emitError);
  }
  return emitError() << "unknown model dialect attribute '" << attr.getName().getValue()
                     << "'";
}

LogicalResult ModelDialect::verifyRegionArgAttribute(Operation *op,
                                                     unsigned region,
                                                     unsigned argIndex,
                                                     NamedAttribute attr) {
  Block &entry = op->getRegion(region).front();
  if (argIndex >= entry.getNumArguments())
    return op->emitOpError("model attribute on a missing argument");
  return verifyBoundaryAttr(op, attr, entry.getArgument(argIndex).getType(),
                            "argument " + std::to_string(argIndex));
}

LogicalResult ModelDialect::verifyRegionResultAttribute(Operation *op,
                                                        unsigned,
                                                        unsigned resultIndex,
                                                        NamedAttribute attr) {
  auto func = dyn_cast<FunctionOpInterface>(op);
  if (!func || resultIndex >= func.getResultTypes().size())
    return op->emitOpError("model attribute on a result of a non-function");
  return verifyBoundaryAttr(op, attr, func.getResultTypes()[resultIndex],
                            "result " + std::to_string(resultIndex));
}
