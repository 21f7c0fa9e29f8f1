//===- OnnxImportState.cpp - Types, tensors and the per-node view ---------===//
//
// What the graph walk and the op handlers share: ONNX types and tensors
// (raw_data, typed fields, external data) as MLIR types and attributes,
// constants materialized on first use, and NodeImporter, through which a
// handler reads inputs and attributes, defines outputs and builds ops with
// their types inferred by the dialect.
//
//===----------------------------------------------------------------------===//
#include "lib/frontend/onnx/OnnxImporter.h"
#include "lib/frontend/onnx/OnnxImporterImpl.h"
#include "lib/support/DType.h"
#include "runtime/io/OnnxPb.h"

#include "mlir/IR/Matchers.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Path.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <limits>

using namespace mlir;
using namespace kiln::onnx_frontend;
using kiln::elementTypeOf;
namespace io = kiln::io;
namespace model = kiln::model;

//===----------------------------------------------------------------------===//
// Small helpers
//===----------------------------------------------------------------------===//

DenseElementsAttr
kiln::onnx_frontend::makeIntegerAttr(ArrayRef<int64_t> shape, Type elementType,
                                     ArrayRef<int64_t> values) {
  unsigned width = cast<IntegerType>(elementType).getWidth();
  SmallVector<APInt> bits;
  bits.reserve(values.size());
  for (int64_t v : values)
    bits.emplace_back(width, width == 1 ? uint64_t(v != 0) : uint64_t(v),
                      /*isSigned=*/width != 1, /*implicitTrunc=*/true);
  return DenseElementsAttr::get(RankedTensorType::get(shape, elementType),
                                bits);
}

static std::string dataTypeName(int32_t dataType) {
  if (onnx::TensorProto_DataType_IsValid(dataType))
    return onnx::TensorProto_DataType_Name(
        static_cast<onnx::TensorProto_DataType>(dataType));
  return "data type " + std::to_string(dataType);
}

//===----------------------------------------------------------------------===//
// ImportState: types and tensors
//===----------------------------------------------------------------------===//

ImportState::ImportState(MLIRContext &context, StringRef path)
    : context(&context), builder(&context), path(path.str()),
      fileLoc(FileLineColLoc::get(&context, path, 0, 0)) {}

/// The element type of an ONNX data type, null when kiln does not import it.
/// Unsigned integers stay unsigned in the model dialect (the package's
/// signature says u8); kiln-signless-integers gives the lowering signless
/// ones.
static Type convertOnnxElementType(MLIRContext *context, int32_t dataType) {
  return elementTypeOf(context, io::dtypeFromOnnx(dataType));
}

Type ImportState::convertElementType(int32_t dataType) {
  return convertOnnxElementType(context, dataType);
}

std::vector<std::string> kiln::onnx_frontend::getSupportedOnnxElementTypes() {
  MLIRContext context;
  std::vector<std::string> names;
  for (int dataType = onnx::TensorProto_DataType_DataType_MIN;
       dataType <= onnx::TensorProto_DataType_DataType_MAX; ++dataType)
    if (onnx::TensorProto_DataType_IsValid(dataType) &&
        convertOnnxElementType(&context, dataType))
      names.push_back(dataTypeName(dataType));
  return names;
}

/// Byte width of an element in ONNX raw_data (bool takes one byte).
static int64_t rawElementBytes(Type element) {
  return element.isInteger(1) ? 1 : element.getIntOrFloatBitWidth() / 8;
}

FailureOr<RankedTensorType>
ImportState::convertType(const onnx::TypeProto &type,
                         function_ref<InFlightDiagnostic()> emitError) {
  if (!type.has_tensor_type())
    return emitError() << "only tensor values are supported (sequence, map, "
                          "optional and sparse types are not)";
  const onnx::TypeProto::Tensor &tensor = type.tensor_type();
  Type element = convertElementType(tensor.elem_type());
  if (!element)
    return emitError() << "element type " << dataTypeName(tensor.elem_type())
                       << " is not supported";
  if (!tensor.has_shape())
    return emitError() << "the rank is unknown (no shape); kiln needs ranked "
                          "tensors";
  SmallVector<int64_t> shape;
  for (const onnx::TensorShapeProto::Dimension &dim : tensor.shape().dim()) {
    if (dim.has_dim_value()) {
      if (dim.dim_value() < 0)
        return emitError() << "dim " << shape.size() << " has negative size "
                           << dim.dim_value();
      shape.push_back(dim.dim_value());
    } else {
      shape.push_back(ShapedType::kDynamic);
    }
  }
  // Every element count and byte offset computed later (folding, lowering,
  // the runtime's buffers) must fit int64; refuse absurd sizes here.
  SmallVector<int64_t> staticDims =
      llvm::to_vector(llvm::make_filter_range(shape, [](int64_t d) {
        return !ShapedType::isDynamic(d);
      }));
  std::optional<int64_t> count = model::checkedProduct(staticDims);
  int64_t bytes;
  if (!count || __builtin_mul_overflow(*count, rawElementBytes(element), &bytes))
    return emitError() << "shape " << formatShape(shape) << " of " << element
                       << " is too large: its element count or byte size "
                          "overflows int64";
  return RankedTensorType::get(shape, element);
}

FailureOr<StringRef>
ImportState::readExternalData(const onnx::TensorProto &tensor,
                              uint64_t expectedBytes,
                              function_ref<InFlightDiagnostic()> emitError) {
  std::string location;
  uint64_t offset = 0;
  std::optional<uint64_t> length;
  for (const onnx::StringStringEntryProto &entry : tensor.external_data()) {
    StringRef key = entry.key(), value = entry.value();
    if (key == "location") {
      location = value.str();
    } else if (key == "offset" || key == "length") {
      uint64_t n;
      if (value.getAsInteger(10, n))
        return emitError() << "external data " << key << " '" << value
                           << "' is not a number";
      if (key == "offset")
        offset = n;
      else
        length = n;
    }
  }
  if (location.empty())
    return emitError() << "external data has no location";
  // ONNX locations are relative to the model file; an absolute path or one
  // leaving the model's directory is not something a model may ask for.
  if (llvm::sys::path::is_absolute(location) ||
      llvm::is_contained(llvm::make_range(llvm::sys::path::begin(location),
                                          llvm::sys::path::end(location)),
                         ".."))
    return emitError() << "external data location '" << location
                       << "' must be a path inside the model's directory";
  SmallString<256> file = llvm::sys::path::parent_path(path);
  llvm::sys::path::append(file, location);

  auto it = externalFiles.find(file);
  if (it == externalFiles.end()) {
    // Mapped, not read: only the pages that something reads (the package
    // writer, once) are ever loaded, so the weights cost no memory here.
    std::shared_ptr<llvm::sys::fs::mapped_file_region> region;
    std::error_code ec;
    llvm::Expected<llvm::sys::fs::file_t> fd =
        llvm::sys::fs::openNativeFileForRead(file);
    if (!fd) {
      ec = llvm::errorToErrorCode(fd.takeError());
    } else {
      llvm::sys::fs::file_status status;
      ec = llvm::sys::fs::status(*fd, status);
      if (!ec && status.getSize() > 0)
        region = std::make_shared<llvm::sys::fs::mapped_file_region>(
            *fd, llvm::sys::fs::mapped_file_region::readonly,
            status.getSize(), 0, ec);
      llvm::sys::fs::closeFile(*fd);
    }
    if (ec)
      return emitError() << "cannot open external data file '" << file
                         << "': " << ec.message();
    it = externalFiles.try_emplace(file, std::move(region)).first;
  }
  // Without a length the tensor's own size counts (as in ONNX Runtime):
  // one file usually holds many tensors.
  uint64_t size = length.value_or(expectedBytes);
  StringRef bytes = it->second ? StringRef(it->second->const_data(),
                                           it->second->size())
                               : StringRef();
  if (offset > bytes.size() || size > bytes.size() - offset)
    return emitError() << "external data [" << offset << ", " << offset << " + "
                       << size << ") lies outside '" << file << "' ("
                       << bytes.size() << " bytes)";
  return bytes.substr(offset, size);
}

FailureOr<RankedTensorType>
ImportState::convertTensorType(const onnx::TensorProto &tensor,
                               function_ref<InFlightDiagnostic()> emitError) {
  Type element = convertElementType(tensor.data_type());
  if (!element)
    return emitError() << "element type " << dataTypeName(tensor.data_type())
                       << " is not supported";
  if (tensor.has_segment())
    return emitError() << "segmented tensors are not supported";
  SmallVector<int64_t> shape;
  int64_t count = 1;
  for (int64_t d : tensor.dims()) {
    if (d < 0 || __builtin_mul_overflow(count, d, &count) ||
        count > (int64_t(1) << 40))
      return emitError() << "invalid tensor shape "
                         << formatShape(llvm::to_vector(tensor.dims()));
    shape.push_back(d);
  }
  return RankedTensorType::get(shape, element);
}

FailureOr<std::optional<StringRef>>
ImportState::rawTensorData(const onnx::TensorProto &tensor,
                           RankedTensorType type,
                           function_ref<InFlightDiagnostic()> emitError) {
  // raw_data and external data: little-endian bytes, one byte per bool.
  Type element = type.getElementType();
  int64_t expected = type.getNumElements() * rawElementBytes(element);
  std::optional<StringRef> raw;
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    FailureOr<StringRef> bytes = readExternalData(tensor, expected, emitError);
    if (failed(bytes))
      return failure();
    raw = *bytes;
  } else if (tensor.has_raw_data()) {
    raw = StringRef(tensor.raw_data());
  }
  if (raw && static_cast<int64_t>(raw->size()) != expected)
    return emitError() << "tensor data holds " << raw->size()
                       << " bytes but shape " << formatShape(type.getShape())
                       << " of " << element << " needs " << expected;
  return raw;
}

/// The alignment `data` has (a power of two, at most 64), which a blob
/// states for its typed views.
static size_t alignmentOf(const char *data) {
  uintptr_t address = reinterpret_cast<uintptr_t>(data);
  size_t alignment = 1;
  while (alignment < 64 && address % (alignment * 2) == 0)
    alignment *= 2;
  return alignment;
}

FailureOr<ElementsAttr>
ImportState::convertWeight(onnx::TensorProto &tensor,
                           function_ref<InFlightDiagnostic()> emitError) {
  bool external = tensor.data_location() == onnx::TensorProto::EXTERNAL;
  if (!external && !tensor.has_raw_data())
    return ElementsAttr();
  FailureOr<RankedTensorType> type = convertTensorType(tensor, emitError);
  if (failed(type))
    return failure();
  // Bools are bit-packed in MLIR's dense storage, so they take
  // convertTensor's path (they are never large in practice).
  if (type->getNumElements() <= kMaxInlineConstantElements ||
      type->getElementType().isInteger(1))
    return ElementsAttr();
  FailureOr<std::optional<StringRef>> raw =
      rawTensorData(tensor, *type, emitError);
  if (failed(raw))
    return failure();
  AsmResourceBlob blob;
  if (external) {
    // The blob points into the mapping and keeps it alive.
    const char *data = (*raw)->data();
    std::shared_ptr<llvm::sys::fs::mapped_file_region> region;
    for (auto &entry : externalFiles)
      if (entry.second && data >= entry.second->const_data() &&
          data < entry.second->const_data() + entry.second->size())
        region = entry.second;
    blob = AsmResourceBlob(ArrayRef<char>(data, (*raw)->size()),
                           alignmentOf(data),
                           [region](void *, size_t, size_t) {},
                           /*dataIsMutable=*/false);
  } else {
    // Moving the string hands its heap buffer over without copying it.
    auto bytes =
        std::make_unique<std::string>(std::move(*tensor.mutable_raw_data()));
    ArrayRef<char> data(bytes->data(), bytes->size());
    size_t alignment = alignmentOf(bytes->data());
    blob = AsmResourceBlob(
        data, alignment,
        [bytes = std::move(bytes)](void *, size_t, size_t) mutable {
          bytes.reset();
        },
        /*dataIsMutable=*/true);
  }
  return cast<ElementsAttr>(
      DenseResourceElementsAttr::get(*type, tensor.name(), std::move(blob)));
}

FailureOr<DenseElementsAttr>
ImportState::convertTensor(const onnx::TensorProto &tensor,
                           function_ref<InFlightDiagnostic()> emitError) {
  FailureOr<RankedTensorType> tensorType = convertTensorType(tensor, emitError);
  if (failed(tensorType))
    return failure();
  RankedTensorType type = *tensorType;
  Type element = type.getElementType();
  ArrayRef<int64_t> shape = type.getShape();
  int64_t count = type.getNumElements();
  FailureOr<std::optional<StringRef>> rawData =
      rawTensorData(tensor, type, emitError);
  if (failed(rawData))
    return failure();
  if (std::optional<StringRef> raw = *rawData) {
    if (element.isInteger(1)) {
      SmallVector<bool> bools;
      for (char c : *raw)
        bools.push_back(c != 0);
      return DenseElementsAttr::get(type, ArrayRef<bool>(bools));
    }
    ArrayRef<char> buffer(raw->data(), raw->size());
    bool splat = false;
    if (!DenseElementsAttr::isValidRawBuffer(type, buffer, splat))
      return emitError() << "tensor data does not match its type " << type;
    return DenseElementsAttr::getFromRawBuffer(type, buffer);
  }

  // Typed fields: each data type has its field (ONNX's onnx.proto comments).
  auto checkCount = [&](int64_t n) -> LogicalResult {
    if (n == count)
      return success();
    return emitError() << "tensor holds " << n << " values but shape "
                       << formatShape(shape) << " needs " << count;
  };
  switch (tensor.data_type()) {
  case onnx::TensorProto::FLOAT:
    if (failed(checkCount(tensor.float_data_size())))
      return failure();
    return DenseElementsAttr::get(
        type,
        llvm::ArrayRef(tensor.float_data().data(), tensor.float_data_size()));
  case onnx::TensorProto::DOUBLE:
    if (failed(checkCount(tensor.double_data_size())))
      return failure();
    return DenseElementsAttr::get(
        type,
        llvm::ArrayRef(tensor.double_data().data(), tensor.double_data_size()));
  case onnx::TensorProto::INT64:
    if (failed(checkCount(tensor.int64_data_size())))
      return failure();
    return DenseElementsAttr::get(
        type,
        llvm::ArrayRef(tensor.int64_data().data(), tensor.int64_data_size()));
  case onnx::TensorProto::FLOAT16:
  case onnx::TensorProto::BFLOAT16: {
    // int32_data holds the 16-bit patterns.
    if (failed(checkCount(tensor.int32_data_size())))
      return failure();
    const llvm::fltSemantics &semantics =
        cast<FloatType>(element).getFloatSemantics();
    SmallVector<APFloat> values;
    for (int32_t bits : tensor.int32_data())
      values.emplace_back(semantics, APInt(16, uint16_t(bits)));
    return DenseElementsAttr::get(type, values);
  }
  default: {
    // Narrow integers and bool live in int32_data.
    if (failed(checkCount(tensor.int32_data_size())))
      return failure();
    SmallVector<int64_t> values(tensor.int32_data().begin(),
                                tensor.int32_data().end());
    return makeIntegerAttr(shape, element, values);
  }
  }
}

Value ImportState::materialize(ValueEntry &entry) {
  if (entry.value)
    return entry.value;
  if (entry.constant.getNumElements() > kMaxInlineConstantElements)
    entry.value = model::WeightOp::create(
        builder, entry.loc, builder.getStringAttr(entry.weightName),
        entry.constant);
  else
    entry.value = model::ConstantOp::create(builder, entry.loc, entry.constant);
  return entry.value;
}

//===----------------------------------------------------------------------===//
// NodeImporter
//===----------------------------------------------------------------------===//

NodeImporter::NodeImporter(ImportState &state, const onnx::NodeProto &node,
                           int64_t opset, std::string name, Location loc)
    : node(node), opset(opset), name(std::move(name)), loc(loc), state(state),
      attrUsed(node.attribute_size(), false),
      outputDefined(node.output_size(), false) {}

InFlightDiagnostic NodeImporter::emitError() {
  return mlir::emitError(loc) << "node '" << name << "' (" << opType() << "): ";
}

bool NodeImporter::hasInput(int64_t i) const {
  return i >= 0 && i < node.input_size() && !node.input(i).empty();
}

LogicalResult NodeImporter::checkInputCount(int64_t min, int64_t max) {
  int64_t n = numInputs();
  if (n >= min && n <= max)
    return success();
  InFlightDiagnostic diag = emitError() << "expects ";
  int64_t last = max;
  if (min == max) {
    diag << min;
  } else if (max == kUnbounded) {
    diag << "at least " << min;
    last = min;
  } else {
    diag << min << " to " << max;
  }
  return diag << " input" << (last == 1 ? "" : "s") << ", got " << n;
}

FailureOr<ValueEntry *> NodeImporter::lookupInput(int64_t i) {
  if (!hasInput(i))
    return emitError() << "input " << i << " is missing";
  auto it = state.values.find(node.input(i));
  if (it == state.values.end())
    return emitError() << "input " << i << " '" << node.input(i)
                       << "' is not defined by any earlier node, initializer "
                          "or graph input";
  return &it->second;
}

FailureOr<Value> NodeImporter::input(int64_t i) {
  FailureOr<ValueEntry *> entry = lookupInput(i);
  if (failed(entry))
    return failure();
  return state.materialize(**entry);
}

FailureOr<RankedTensorType> NodeImporter::inputType(int64_t i) {
  FailureOr<ValueEntry *> entry = lookupInput(i);
  if (failed(entry))
    return failure();
  if ((*entry)->value)
    return cast<RankedTensorType>((*entry)->value.getType());
  return cast<RankedTensorType>((*entry)->constant.getType());
}

DenseElementsAttr NodeImporter::constantInput(int64_t i) {
  if (!hasInput(i))
    return nullptr;
  auto it = state.values.find(node.input(i));
  return it == state.values.end() ? nullptr : it->second.constant;
}

FailureOr<SmallVector<int64_t>> NodeImporter::constantIntInput(int64_t i,
                                                               StringRef role) {
  FailureOr<ValueEntry *> entry = lookupInput(i);
  if (failed(entry))
    return failure();
  if (!(*entry)->constant)
    return emitError() << "input " << i << " (" << role << ") must be a "
                       << "constant, but '" << node.input(i)
                       << "' is computed at run time";
  std::optional<SmallVector<int64_t>> values =
      model::getIntValues((*entry)->constant);
  if (!values)
    return emitError() << "input " << i << " (" << role
                       << ") must hold integers, got "
                       << (*entry)->constant.getElementType();
  return std::move(*values);
}

const onnx::AttributeProto *NodeImporter::findAttr(StringRef attrName) {
  for (auto [i, attr] : llvm::enumerate(node.attribute()))
    if (attr.name() == attrName) {
      attrUsed[i] = true;
      return &attr;
    }
  return nullptr;
}

void NodeImporter::ignoreAttrs(ArrayRef<StringRef> attrNames) {
  for (StringRef attrName : attrNames)
    (void)findAttr(attrName);
}

const onnx::AttributeProto *NodeImporter::findUnusedAttr() const {
  for (auto [i, attr] : llvm::enumerate(node.attribute()))
    if (!attrUsed[i])
      return &attr;
  return nullptr;
}

static StringRef attrTypeName(const onnx::AttributeProto &attr) {
  static const char *names[] = {"UNDEFINED",      "FLOAT",      "INT",
                                "STRING",         "TENSOR",     "GRAPH",
                                "FLOATS",         "INTS",       "STRINGS",
                                "TENSORS",        "GRAPHS",     "SPARSE_TENSOR",
                                "SPARSE_TENSORS", "TYPE_PROTO", "TYPE_PROTOS"};
  int t = attr.type();
  return t >= 0 && t < int(std::size(names)) ? names[t] : "an unknown type";
}

FailureOr<int64_t> NodeImporter::intAttr(StringRef attrName,
                                         std::optional<int64_t> dflt) {
  const onnx::AttributeProto *attr = findAttr(attrName);
  if (!attr) {
    if (dflt)
      return *dflt;
    return emitError() << "missing required attribute '" << attrName << "'";
  }
  if (attr->type() != onnx::AttributeProto::INT)
    return emitError() << "attribute '" << attrName << "' must be an INT, got "
                       << attrTypeName(*attr);
  return attr->i();
}

FailureOr<float> NodeImporter::floatAttr(StringRef attrName, float dflt) {
  const onnx::AttributeProto *attr = findAttr(attrName);
  if (!attr)
    return dflt;
  if (attr->type() != onnx::AttributeProto::FLOAT)
    return emitError() << "attribute '" << attrName << "' must be a FLOAT, got "
                       << attrTypeName(*attr);
  return attr->f();
}

FailureOr<SmallVector<Value>> NodeImporter::leadingInputs(int64_t required) {
  SmallVector<Value> values;
  for (int64_t i = 0; i < numInputs() && (i < required || hasInput(i)); ++i) {
    FailureOr<Value> v = input(i);
    if (failed(v))
      return failure();
    values.push_back(*v);
  }
  return values;
}

LogicalResult NodeImporter::checkEqualInputShapesBefore(int64_t since) {
  if (opset >= since)
    return success();
  std::optional<ArrayRef<int64_t>> first;
  for (int64_t i = 0; i < numInputs(); ++i) {
    FailureOr<RankedTensorType> type = inputType(i);
    if (failed(type))
      return failure();
    if (!first)
      first = type->getShape();
    else if (*first != type->getShape())
      return emitError() << "inputs must have one shape before opset " << since
                         << ", got " << formatShape(*first) << " and "
                         << formatShape(type->getShape());
  }
  return success();
}

FailureOr<std::string> NodeImporter::stringAttr(StringRef attrName,
                                               StringRef dflt) {
  const onnx::AttributeProto *attr = findAttr(attrName);
  if (!attr)
    return dflt.str();
  if (attr->type() != onnx::AttributeProto::STRING)
    return emitError() << "attribute '" << attrName
                       << "' must be a STRING, got " << attrTypeName(*attr);
  return attr->s();
}

FailureOr<OptionalInts> NodeImporter::intsAttr(StringRef attrName) {
  const onnx::AttributeProto *attr = findAttr(attrName);
  if (!attr)
    return OptionalInts();
  if (attr->type() != onnx::AttributeProto::INTS)
    return emitError() << "attribute '" << attrName << "' must be INTS, got "
                       << attrTypeName(*attr);
  return OptionalInts(
      SmallVector<int64_t>(attr->ints().begin(), attr->ints().end()));
}

Type NodeImporter::convertElementType(int64_t dataType) {
  if (dataType < INT32_MIN || dataType > INT32_MAX)
    return nullptr;
  return state.convertElementType(static_cast<int32_t>(dataType));
}

FailureOr<DenseElementsAttr>
NodeImporter::convertTensor(const onnx::TensorProto &tensor) {
  return state.convertTensor(tensor, [&] { return emitError(); });
}

FailureOr<int64_t> NodeImporter::normalizeAxis(int64_t axis, int64_t rank,
                                               StringRef what) {
  if (axis < -rank || axis >= rank)
    return emitError() << what << " " << axis << " is out of range [" << -rank
                       << ", " << rank << ") for rank " << rank;
  return axis < 0 ? axis + rank : axis;
}

FailureOr<SmallVector<int64_t>>
NodeImporter::normalizeAxes(ArrayRef<int64_t> axes, int64_t rank,
                            StringRef what) {
  SmallVector<int64_t> result;
  for (int64_t axis : axes) {
    FailureOr<int64_t> a = normalizeAxis(axis, rank, what);
    if (failed(a))
      return failure();
    if (llvm::is_contained(result, *a))
      return emitError() << "axis " << *a << " appears twice in " << what;
    result.push_back(*a);
  }
  return result;
}

/// The MLIR rendering of a declared ONNX type, for messages.
static std::string declaredTypeString(const onnx::TypeProto::Tensor &tensor,
                                      Type element) {
  std::string s = "tensor<";
  for (const onnx::TensorShapeProto::Dimension &dim : tensor.shape().dim())
    s += (dim.has_dim_value() ? std::to_string(dim.dim_value()) : "?") + "x";
  llvm::raw_string_ostream os(s);
  os << element << ">";
  return s;
}

LogicalResult NodeImporter::checkOutputs() {
  for (auto [i, outName] : llvm::enumerate(node.output())) {
    if (outName.empty())
      continue;
    if (!outputDefined[i])
      return emitError() << "output " << i << " ('" << outName
                         << "') is not supported by kiln";
    const ValueEntry &entry = state.values.find(outName)->second;
    Type type = entry.value ? entry.value.getType() : entry.constant.getType();
    if (failed(checkDeclared(i, type)))
      return failure();
  }
  return success();
}

SmallVector<int64_t> NodeImporter::refineByDeclared(int64_t i,
                                                    ArrayRef<int64_t> dims) {
  SmallVector<int64_t> refined(dims);
  if (i >= node.output_size())
    return refined;
  auto it = state.declaredTypes.find(node.output(i));
  if (it == state.declaredTypes.end() || !it->second->has_tensor_type() ||
      !it->second->tensor_type().has_shape())
    return refined;
  const onnx::TensorShapeProto &shape = it->second->tensor_type().shape();
  if (shape.dim_size() != int64_t(dims.size()))
    return refined;
  for (auto [dim, d] : llvm::zip(shape.dim(), refined))
    if (dim.has_dim_value() && dim.dim_value() >= 0 && ShapedType::isDynamic(d))
      d = dim.dim_value();
  return refined;
}

LogicalResult NodeImporter::checkDeclared(int64_t i, Type type) {
  auto it = state.declaredTypes.find(node.output(i));
  if (it == state.declaredTypes.end() || !it->second->has_tensor_type())
    return success();
  const onnx::TypeProto::Tensor &declared = it->second->tensor_type();
  auto inferred = cast<RankedTensorType>(type);
  Type element = declared.elem_type()
                     ? state.convertElementType(declared.elem_type())
                     : inferred.getElementType();
  bool contradicts = element != inferred.getElementType();
  if (declared.has_shape()) {
    if (declared.shape().dim_size() != inferred.getRank()) {
      contradicts = true;
    } else {
      for (auto [dim, d] :
           llvm::zip(declared.shape().dim(), inferred.getShape()))
        if (dim.has_dim_value() && !ShapedType::isDynamic(d) &&
            dim.dim_value() != d)
          contradicts = true;
    }
  }
  if (!contradicts)
    return success();
  InFlightDiagnostic diag = emitError() << "output '" << node.output(i)
                                        << "' is inferred as " << type
                                        << " but the graph declares ";
  if (!element)
    return diag << "element type " << dataTypeName(declared.elem_type());
  if (!declared.has_shape())
    return diag << "element type " << element;
  // Quoted like the type on the left, which the diagnostic quotes itself.
  return diag << "'" << declaredTypeString(declared, element) << "'";
}

LogicalResult NodeImporter::define(int64_t i, ValueEntry entry) {
  if (i >= node.output_size() || node.output(i).empty())
    return success(); // an optional output the graph does not use
  const std::string &outName = node.output(i);
  if (!state.values.try_emplace(outName, std::move(entry)).second)
    return emitError() << "output '" << outName
                       << "' is already defined (ONNX values are assigned "
                          "once)";
  outputDefined[i] = true;
  return success();
}

LogicalResult NodeImporter::setOutput(int64_t i, FailureOr<Value> value) {
  if (failed(value))
    return failure();
  DenseElementsAttr constant;
  (void)matchPattern(*value, m_Constant(&constant));
  return define(i, ValueEntry{*value, constant, loc, ""});
}

LogicalResult NodeImporter::setOutput(int64_t i,
                                      FailureOr<OpFoldResult> folded) {
  if (failed(folded))
    return failure();
  if (auto value = dyn_cast<Value>(*folded))
    return setOutput(i, FailureOr<Value>(value));
  auto attr = cast<Attribute>(*folded);
  if (auto dense = dyn_cast<DenseElementsAttr>(attr))
    return setConstantOutput(i, dense);
  // Only dense contents are tracked as known values; others become ops now.
  return setOutput(i, FailureOr<Value>(modelBuilder().materialize(loc, attr)));
}

LogicalResult NodeImporter::setConstantOutput(int64_t i,
                                              DenseElementsAttr value) {
  std::string weightName = i < node.output_size() ? node.output(i) : "";
  return define(i, ValueEntry{nullptr, value, loc, weightName});
}

LogicalResult NodeImporter::forwardInput(int64_t j, int64_t i) {
  FailureOr<ValueEntry *> entry = lookupInput(j);
  if (failed(entry))
    return failure();
  // A large constant is materialized once, before the copy, so that both
  // names share one weight instead of each creating its own.
  if ((*entry)->constant &&
      (*entry)->constant.getNumElements() > kMaxInlineConstantElements)
    state.materialize(**entry);
  return define(i, **entry);
}

NamedAttribute NodeImporter::named(StringRef attrName, Attribute value) {
  return NamedAttribute(StringAttr::get(getContext(), attrName), value);
}

DenseI64ArrayAttr NodeImporter::i64Array(ArrayRef<int64_t> values) {
  return DenseI64ArrayAttr::get(getContext(), values);
}

IntegerAttr NodeImporter::i64(int64_t value) {
  return IntegerAttr::get(IntegerType::get(getContext(), 64), value);
}
