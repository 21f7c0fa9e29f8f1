//===- OnnxShapeOps.cpp - ONNX data-movement, shape and constant ops ------===//
//
// Handlers of the operators that move data or compute shapes, and their rows
// of the operator table. Exporters compute Reshape targets at run time
// (Shape -> Gather -> Unsqueeze -> Concat -> Reshape); the handlers build the
// ops through createOrFold, so on static shapes the dialect's folders turn
// such chains into constants as they are imported. Folded values stay
// attributes until some node needs them as tensors (see ValueEntry).
//
//===----------------------------------------------------------------------===//
#include "lib/frontend/onnx/OnnxImporterImpl.h"

#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <limits>

using namespace mlir;
using namespace kiln::onnx_frontend;
namespace model = kiln::model;

/// Product of static dims, kDynamic when one is dynamic, or nullopt when the
/// product overflows int64.
static std::optional<int64_t> staticProduct(ArrayRef<int64_t> dims) {
  if (llvm::any_of(dims, ShapedType::isDynamic))
    return ShapedType::kDynamic;
  return model::checkedProduct(dims);
}

/// The integer contents of input `i` when it is a constant, else nullopt.
static std::optional<SmallVector<int64_t>> constantInts(NodeImporter &n,
                                                        int64_t i) {
  DenseElementsAttr attr = n.constantInput(i);
  return attr ? model::getIntValues(attr) : std::nullopt;
}

//===----------------------------------------------------------------------===//
// Constants and pass-throughs
//===----------------------------------------------------------------------===//

/// Constant: exactly one of value / value_float(s) / value_int(s).
static LogicalResult importConstant(NodeImporter &n) {
  if (failed(n.checkInputCount(0, 0)))
    return failure();
  if (n.node.attribute_size() != 1)
    return n.emitError() << "expects exactly one value attribute, got "
                         << n.node.attribute_size();
  const onnx::AttributeProto &attr = *n.findAttr(n.node.attribute(0).name());
  Builder b(n.getContext());
  StringRef name = attr.name();
  auto expect = [&](onnx::AttributeProto::AttributeType type,
                    StringRef typeName) -> LogicalResult {
    if (attr.type() == type)
      return success();
    return n.emitError() << "attribute '" << name << "' must be " << typeName;
  };
  DenseElementsAttr value;
  if (name == "value") {
    if (failed(expect(onnx::AttributeProto::TENSOR, "a TENSOR")))
      return failure();
    FailureOr<DenseElementsAttr> tensor = n.convertTensor(attr.t());
    if (failed(tensor))
      return failure();
    value = *tensor;
  } else if (name == "value_float") {
    if (failed(expect(onnx::AttributeProto::FLOAT, "a FLOAT")))
      return failure();
    value = DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()),
                                   attr.f());
  } else if (name == "value_floats") {
    if (failed(expect(onnx::AttributeProto::FLOATS, "FLOATS")))
      return failure();
    value = DenseElementsAttr::get(
        RankedTensorType::get({attr.floats_size()}, b.getF32Type()),
        llvm::ArrayRef(attr.floats().data(), attr.floats_size()));
  } else if (name == "value_int") {
    if (failed(expect(onnx::AttributeProto::INT, "an INT")))
      return failure();
    value = makeIntegerAttr({}, b.getI64Type(), {attr.i()});
  } else if (name == "value_ints") {
    if (failed(expect(onnx::AttributeProto::INTS, "INTS")))
      return failure();
    SmallVector<int64_t> ints(attr.ints().begin(), attr.ints().end());
    value = makeIntegerAttr({int64_t(ints.size())}, b.getI64Type(), ints);
  } else {
    return n.emitError() << "attribute '" << name
                         << "' is not supported (kiln takes value, "
                            "value_float, value_floats, value_int, value_ints)";
  }
  return n.setConstantOutput(0, value);
}

static LogicalResult importIdentity(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  return n.forwardInput(0, 0);
}

/// Whether input `i` is a constant whose every element is 0.0.
static bool isConstantZero(NodeImporter &n, int64_t i) {
  DenseElementsAttr attr = n.constantInput(i);
  if (!attr || !isa<FloatType>(attr.getElementType()))
    return false;
  return llvm::all_of(attr.getValues<APFloat>(),
                      [](const APFloat &v) { return v.isZero(); });
}

/// Dropout at inference is the identity, and so it is in training with a
/// ratio of 0 (scale 1, nothing dropped). A training_mode (opset 12) known
/// only at run time, or training with a ratio known only at run time, takes
/// model.dropout (OnnxDynamicOps.cpp), which checks at run time that
/// nothing is to be dropped; training with a constant non-zero ratio is
/// random and rejected.
static LogicalResult importDropout(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 3)))
    return failure();
  // The random seed and (before opset 7) is_test only matter when training,
  // which before opset 12 kiln never is; so does the ratio attribute.
  n.ignoreAttrs({"ratio", "seed", "is_test"});
  if (n.hasInput(2)) {
    std::optional<SmallVector<int64_t>> training = constantInts(n, 2);
    if (!training)
      return importRuntimeDropout(n);
    if (llvm::any_of(*training, [](int64_t v) { return v != 0; })) {
      if (!n.hasInput(1))
        return n.emitError() << "training mode with the default ratio 0.5 "
                                "drops at random, which kiln does not "
                                "support";
      if (!n.constantInput(1))
        return importRuntimeDropout(n);
      if (!isConstantZero(n, 1))
        return n.emitError() << "training mode with a non-zero ratio drops "
                                "at random, which kiln does not support";
    }
  }
  // Outside training nothing is dropped: the mask is all true (bool from
  // opset 10, ones of the input's type before).
  if (n.node.output_size() > 1 && !n.node.output(1).empty()) {
    FailureOr<Value> x = n.input(0);
    if (failed(x))
      return failure();
    Builder b(n.getContext());
    Type element = getElementTypeOrSelf(*x);
    TypedAttr one = n.opset >= 10 ? TypedAttr(b.getBoolAttr(true))
                    : isa<FloatType>(element)
                        ? TypedAttr(b.getFloatAttr(element, 1.0))
                        : TypedAttr(b.getIntegerAttr(element, 1));
    FailureOr<Value> shape = n.create<model::ShapeOp>({*x});
    if (failed(shape) ||
        failed(n.setOutput(1, n.createOrFold<model::ConstantOfShapeOp>(
                                  {*shape}, {n.named("value", one)}))))
      return failure();
  }
  return n.forwardInput(0, 0);
}

//===----------------------------------------------------------------------===//
// Shape computations
//===----------------------------------------------------------------------===//

/// Shape(x)[start:end]: model.shape (a constant when those dims are static,
/// by folding), sliced when start/end select part of it.
static LogicalResult importShape(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<RankedTensorType> type = n.inputType(0);
  if (failed(type))
    return failure();
  int64_t rank = type->getRank();
  // start/end (opset 15) count from the back when negative and clamp, as
  // Slice's bounds do.
  FailureOr<int64_t> start = n.opset >= 15 ? n.intAttr("start", 0) : 0;
  FailureOr<int64_t> end = n.opset >= 15 ? n.intAttr("end", rank) : rank;
  if (failed(start) || failed(end))
    return failure();
  model::SliceRange range = model::clampSlice(*start, *end, 1, rank);
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  if (range.size == rank)
    return n.setOutput(0, n.createOrFold<model::ShapeOp>({*x}));
  // Unfolded, so that the slice's folder sees which dims it reads.
  FailureOr<Value> shape = n.create<model::ShapeOp>({*x});
  if (failed(shape))
    return failure();
  return n.setOutput(
      0, n.createOrFold<model::SliceOp>(
             {*shape}, {n.named("starts", n.i64Array({range.start})),
                        n.named("ends", n.i64Array({range.start + range.size})),
                        n.named("axes", n.i64Array({0})),
                        n.named("steps", n.i64Array({1}))}));
}

/// Gather along `axis`; folds (in the dialect) when data and indices are
/// constants or it reads static dims of a Shape.
static LogicalResult importGather(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  FailureOr<RankedTensorType> dataType = n.inputType(0);
  FailureOr<int64_t> axisAttr = n.intAttr("axis", 0);
  if (failed(dataType) || failed(axisAttr))
    return failure();
  FailureOr<int64_t> axis = n.normalizeAxis(*axisAttr, dataType->getRank());
  if (failed(axis))
    return failure();

  // ONNX makes an out-of-range index an error; catch the ones known now.
  std::optional<SmallVector<int64_t>> indices = constantInts(n, 1);
  int64_t dim = dataType->getDimSize(*axis);
  if (indices && !ShapedType::isDynamic(dim))
    for (int64_t index : *indices)
      if (index < -dim || index >= dim)
        return n.emitError() << "index " << index << " is out of range for "
                             << "dim " << *axis << " of size " << dim;

  FailureOr<Value> dataValue = n.input(0), indicesValue = n.input(1);
  if (failed(dataValue) || failed(indicesValue))
    return failure();
  return n.setOutput(
      0, n.createOrFold<model::GatherOp>({*dataValue, *indicesValue},
                                         {n.named("axis", n.i64(*axis))}));
}

/// Concat along `axis`; folds (in the dialect) when every input is a
/// constant.
static LogicalResult importConcat(NodeImporter &n) {
  if (failed(n.checkInputCount(1, kUnbounded)))
    return failure();
  FailureOr<RankedTensorType> first = n.inputType(0);
  FailureOr<int64_t> axisAttr = n.intAttr("axis");
  if (failed(first) || failed(axisAttr))
    return failure();
  FailureOr<int64_t> axis = n.normalizeAxis(*axisAttr, first->getRank());
  if (failed(axis))
    return failure();
  SmallVector<Value> operands;
  for (int64_t i = 0; i < n.numInputs(); ++i) {
    FailureOr<Value> v = n.input(i);
    if (failed(v))
      return failure();
    operands.push_back(*v);
  }
  return n.setOutput(0, n.createOrFold<model::ConcatOp>(
                            operands, {n.named("axis", n.i64(*axis))}));
}

//===----------------------------------------------------------------------===//
// Reshapes
//===----------------------------------------------------------------------===//

/// Reshape to a target computed at run time (symbolic dims). When every
/// entry is known statically (constants, or the input's own dims read with
/// Shape) it is a model.reshape after all; otherwise the result type keeps
/// the entries known statically and the rest are `?`. With `allowZero` a 0
/// entry is a size-0 dim, which model.reshape cannot state: such a target
/// stays a model.dynamic_reshape {allowzero}.
static LogicalResult importDynamicReshape(NodeImporter &n, Value x,
                                          bool allowZero) {
  FailureOr<RankedTensorType> shapeType = n.inputType(1);
  if (failed(shapeType))
    return failure();
  if (shapeType->getRank() != 1 || shapeType->isDynamicDim(0) ||
      !shapeType->getElementType().isInteger(64))
    return n.emitError() << "input 'shape' must be a 1-D int64 tensor of "
                            "static length, got "
                         << *shapeType;
  FailureOr<Value> shape = n.input(1);
  if (failed(shape))
    return failure();
  auto inputType = cast<RankedTensorType>(x.getType());
  SmallVector<std::optional<int64_t>> known =
      model::knownReshapeTarget(x, *shape);
  if (allowZero) {
    // A 0 here is either a constant (a size-0 dim) or a copy of the input's
    // dim at that index (knownReshapeTarget's 0); both are that size when
    // the input's dim is static, and only constants are taken otherwise.
    SmallVector<model::ShapeEntry> entries = model::knownShapeEntries(*shape);
    SmallVector<int64_t> dims;
    for (auto [i, entry] : llvm::enumerate(entries)) {
      int64_t dim = ShapedType::kDynamic;
      if (entry.constant && *entry.constant >= 0)
        dim = *entry.constant;
      else if (entry.dimOf == x)
        dim = inputType.getDimSize(entry.dim);
      dims.push_back(dim);
    }
    FailureOr<Value> reshaped = n.createTyped<model::DynamicReshapeOp>(
        inputType.clone(dims), {x, *shape});
    if (failed(reshaped))
      return failure();
    cast<model::DynamicReshapeOp>(reshaped->getDefiningOp()).setAllowzero(true);
    return n.setOutput(0, reshaped);
  }
  if (llvm::all_of(known, [](auto entry) { return entry.has_value(); })) {
    SmallVector<int64_t> target;
    for (std::optional<int64_t> entry : known)
      target.push_back(*entry);
    return n.setOutput(0, n.createOrFold<model::ReshapeOp>(
                              {x}, {n.named("shape", n.i64Array(target))}));
  }
  SmallVector<int64_t> dims;
  for (auto [i, entry] : llvm::enumerate(known)) {
    int64_t dim = ShapedType::kDynamic;
    if (entry && *entry > 0)
      dim = *entry;
    else if (entry && *entry == 0 && int64_t(i) < inputType.getRank())
      dim = inputType.getDimSize(i);
    dims.push_back(dim);
  }
  return n.setOutput(0, n.createTyped<model::DynamicReshapeOp>(
                            inputType.clone(dims), {x, *shape}));
}

/// Reshape with a constant target; model.reshape keeps ONNX's 0 (copy) and
/// -1 (infer) entries. A target computed at run time takes
/// model.dynamic_reshape.
static LogicalResult importReshape(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  FailureOr<int64_t> allowZero =
      n.opset >= 14 ? n.intAttr("allowzero", 0) : FailureOr<int64_t>(0);
  if (failed(allowZero))
    return failure();
  if (!n.constantInput(1)) {
    FailureOr<Value> x = n.input(0);
    if (failed(x))
      return failure();
    return importDynamicReshape(n, *x, *allowZero != 0);
  }
  FailureOr<SmallVector<int64_t>> shape = n.constantIntInput(1, "shape");
  if (failed(shape))
    return failure();
  // allowzero = 1 makes a 0 entry a real size-0 dim, which model.reshape
  // cannot state; without 0 entries it is the same as the default.
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  if (*allowZero && llvm::is_contained(*shape, 0)) {
    if (llvm::is_contained(*shape, -1))
      return n.emitError() << "allowzero = 1 with both 0 and -1 in the "
                              "target shape "
                           << formatShape(*shape) << " is invalid";
    return importDynamicReshape(n, *x, /*allowZero=*/true);
  }
  return n.setOutput(0, n.createOrFold<model::ReshapeOp>(
                            {*x}, {n.named("shape", n.i64Array(*shape))}));
}

FailureOr<SmallVector<int64_t>>
kiln::onnx_frontend::flattenTarget(NodeImporter &n, RankedTensorType type,
                                   int64_t axis) {
  std::optional<int64_t> outerOr = staticProduct(type.getShape().take_front(axis));
  std::optional<int64_t> innerOr = staticProduct(type.getShape().drop_front(axis));
  if (!outerOr || !innerOr)
    return n.emitError() << "the element count of "
                         << formatShape(type.getShape()) << " overflows int64";
  int64_t outer = *outerOr, inner = *innerOr;
  // A 0 would read as "copy" in the reshape target.
  if (outer == 0 || inner == 0)
    return n.emitError() << "flattening the empty tensor shape "
                         << formatShape(type.getShape())
                         << " is not supported";
  int64_t a = !ShapedType::isDynamic(outer) ? outer : axis == 1 ? 0 : -1;
  int64_t b = !ShapedType::isDynamic(inner) ? inner : -1;
  if (a == -1 && b == -1)
    return n.emitError() << "cannot flatten " << formatShape(type.getShape())
                         << " at axis " << axis
                         << ": both groups of dims have dynamic sizes";
  return SmallVector<int64_t>{a, b};
}

/// Flatten(axis) = reshape to [prod(dims[:axis]), prod(dims[axis:])].
static LogicalResult importFlatten(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<RankedTensorType> type = n.inputType(0);
  FailureOr<int64_t> axisAttr = n.intAttr("axis", 1);
  if (failed(type) || failed(axisAttr))
    return failure();
  int64_t rank = type->getRank();
  // Unlike most axes, Flatten's may equal the rank.
  if (*axisAttr < -rank || *axisAttr > rank)
    return n.emitError() << "axis " << *axisAttr << " is out of range ["
                         << -rank << ", " << rank << "]";
  int64_t axis = *axisAttr < 0 ? *axisAttr + rank : *axisAttr;
  FailureOr<SmallVector<int64_t>> target = flattenTarget(n, *type, axis);
  if (failed(target))
    return failure();
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  return n.setOutput(0, n.createOrFold<model::ReshapeOp>(
                            {*x}, {n.named("shape", n.i64Array(*target))}));
}

/// Unsqueeze: `axes` (indices into the result) is an attribute before opset
/// 13 and an input since; computed at run time, it takes
/// model.dynamic_unsqueeze (OnnxDynamicOps.cpp).
static LogicalResult importUnsqueeze(NodeImporter &n) {
  bool axesAsInput = n.opset >= 13;
  if (failed(n.checkInputCount(axesAsInput ? 2 : 1, axesAsInput ? 2 : 1)))
    return failure();
  if (axesAsInput && !n.constantInput(1))
    return importDynamicUnsqueeze(n);
  FailureOr<RankedTensorType> type = n.inputType(0);
  if (failed(type))
    return failure();
  SmallVector<int64_t> axes;
  if (axesAsInput) {
    FailureOr<SmallVector<int64_t>> given = n.constantIntInput(1, "axes");
    if (failed(given))
      return failure();
    axes = *given;
  } else {
    FailureOr<OptionalInts> given = n.intsAttr("axes");
    if (failed(given))
      return failure();
    if (!*given)
      return n.emitError() << "missing required attribute 'axes'";
    axes = **given;
  }
  int64_t resultRank = type->getRank() + int64_t(axes.size());
  FailureOr<SmallVector<int64_t>> normalized =
      n.normalizeAxes(axes, resultRank);
  if (failed(normalized))
    return failure();
  llvm::sort(*normalized);
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  return n.setOutput(0, n.createOrFold<model::UnsqueezeOp>(
                            {*x}, {n.named("axes", n.i64Array(*normalized))}));
}

/// Squeeze: `axes` is an attribute before opset 13 and an optional input
/// since (computed at run time, it takes model.dynamic_squeeze in
/// OnnxDynamicOps.cpp); without axes every static size-1 dim goes (a
/// dynamic dim is taken to be > 1, as exporters only squeeze dims they
/// know).
static LogicalResult importSqueeze(NodeImporter &n) {
  bool axesAsInput = n.opset >= 13;
  if (failed(n.checkInputCount(1, axesAsInput ? 2 : 1)))
    return failure();
  if (axesAsInput && n.hasInput(1) && !n.constantInput(1))
    return importDynamicSqueeze(n);
  FailureOr<RankedTensorType> type = n.inputType(0);
  if (failed(type))
    return failure();
  OptionalInts axes;
  if (axesAsInput) {
    if (n.hasInput(1)) {
      FailureOr<SmallVector<int64_t>> given = n.constantIntInput(1, "axes");
      if (failed(given))
        return failure();
      axes = *given;
    }
  } else {
    FailureOr<OptionalInts> given = n.intsAttr("axes");
    if (failed(given))
      return failure();
    axes = *given;
  }
  SmallVector<int64_t> normalized;
  if (axes) {
    FailureOr<SmallVector<int64_t>> checked =
        n.normalizeAxes(*axes, type->getRank());
    if (failed(checked))
      return failure();
    normalized = *checked;
    llvm::sort(normalized);
  } else {
    for (auto [i, d] : llvm::enumerate(type->getShape()))
      if (d == 1)
        normalized.push_back(i);
  }
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  return n.setOutput(0, n.createOrFold<model::SqueezeOp>(
                            {*x}, {n.named("axes", n.i64Array(normalized))}));
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

/// Transpose: `perm` defaults to reversing the dims.
static LogicalResult importTranspose(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<RankedTensorType> type = n.inputType(0);
  FailureOr<OptionalInts> perm = n.intsAttr("perm");
  if (failed(type) || failed(perm))
    return failure();
  SmallVector<int64_t> permutation;
  if (*perm) {
    permutation = **perm;
  } else {
    for (int64_t i = type->getRank() - 1; i >= 0; --i)
      permutation.push_back(i);
  }
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  return n.setOutput(0, n.createOrFold<model::TransposeOp>(
                            {*x}, {n.named("perm", n.i64Array(permutation))}));
}

/// The slice of the constant `data` with any steps (ONNX clamping: a
/// negative step starts at most at dim - 1 and ends at least at -1).
static DenseElementsAttr reverseSliceConstant(DenseElementsAttr data,
                                              ArrayRef<int64_t> starts,
                                              ArrayRef<int64_t> ends,
                                              ArrayRef<int64_t> axes,
                                              ArrayRef<int64_t> steps) {
  auto type = cast<RankedTensorType>(data.getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> first(rank, 0), step(rank, 1),
      shape(type.getShape().begin(), type.getShape().end());
  for (auto [k, axis] : llvm::enumerate(axes)) {
    int64_t dim = type.getDimSize(axis), s = starts[k], e = ends[k];
    if (s < 0)
      s += dim;
    if (e < 0 && e > std::numeric_limits<int64_t>::min() + dim)
      e += dim;
    int64_t count;
    if (steps[k] > 0) {
      s = std::clamp<int64_t>(s, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
      count = e > s ? (e - s + steps[k] - 1) / steps[k] : 0;
    } else {
      s = std::clamp<int64_t>(s, -1, dim - 1);
      e = std::clamp<int64_t>(e, -1, dim - 1);
      count = s > e ? (s - e - steps[k] - 1) / -steps[k] : 0;
    }
    first[axis] = s;
    step[axis] = steps[k];
    shape[axis] = count;
  }
  SmallVector<Attribute> values(data.getValues<Attribute>());
  SmallVector<int64_t> strides(rank, 1);
  for (int64_t i = rank - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * type.getDimSize(i + 1);
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  SmallVector<Attribute> result;
  SmallVector<int64_t> index(rank, 0);
  for (int64_t flat = 0, total = resultType.getNumElements(); flat < total;
       ++flat) {
    int64_t source = 0;
    for (int64_t i = 0; i < rank; ++i)
      source += (first[i] + index[i] * step[i]) * strides[i];
    result.push_back(values[source]);
    for (int64_t i = rank - 1; i >= 0 && ++index[i] == shape[i]; --i)
      index[i] = 0;
  }
  return DenseElementsAttr::get(resultType, result);
}

/// Shared by both Slice forms once starts/ends/axes/steps are known.
static LogicalResult importSliceWith(NodeImporter &n, ArrayRef<int64_t> starts,
                                     ArrayRef<int64_t> ends,
                                     const OptionalInts &axesGiven,
                                     const OptionalInts &stepsGiven) {
  FailureOr<RankedTensorType> type = n.inputType(0);
  if (failed(type))
    return failure();
  SmallVector<int64_t> axes, steps;
  if (axesGiven)
    axes = *axesGiven;
  else
    for (int64_t i = 0; i < int64_t(starts.size()); ++i)
      axes.push_back(i);
  steps = stepsGiven ? *stepsGiven : SmallVector<int64_t>(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    return n.emitError() << "starts, ends, axes and steps differ in length ("
                         << starts.size() << ", " << ends.size() << ", "
                         << axes.size() << ", " << steps.size() << ")";
  FailureOr<SmallVector<int64_t>> normalized =
      n.normalizeAxes(axes, type->getRank());
  if (failed(normalized))
    return failure();
  bool reverses = false;
  for (int64_t step : steps) {
    if (step == 0)
      return n.emitError() << "slice step 0 is invalid";
    reverses |= step < 0;
  }
  if (reverses) {
    // Exporters flip constant vectors (torch's F.pad reverses its pads with
    // a step -1 Slice); those fold here. model.slice has no reversed form.
    if (DenseElementsAttr data = n.constantInput(0);
        data && type->hasStaticShape())
      return n.setConstantOutput(
          0, reverseSliceConstant(data, starts, ends, *normalized, steps));
    return importDynamicSlice(n);
  }

  // Shape chains slice 1-D shape vectors (Shape -> Slice -> Concat), which
  // the dialect folds.
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  return n.setOutput(0, n.createOrFold<model::SliceOp>(
                            {*x}, {n.named("starts", n.i64Array(starts)),
                                   n.named("ends", n.i64Array(ends)),
                                   n.named("axes", n.i64Array(*normalized)),
                                   n.named("steps", n.i64Array(steps))}));
}

/// Slice since opset 10: starts, ends, axes and steps are inputs. Constant
/// ones with positive steps give model.slice, and a negative step on
/// constant data folds; an input computed at run time or a negative step on
/// other data, model.dynamic_slice (OnnxDynamicOps.cpp).
static LogicalResult importSlice(NodeImporter &n) {
  if (failed(n.checkInputCount(3, 5)))
    return failure();
  for (int64_t i = 1; i < n.numInputs(); ++i)
    if (n.hasInput(i) && !n.constantInput(i))
      return importDynamicSlice(n);
  FailureOr<SmallVector<int64_t>> starts = n.constantIntInput(1, "starts");
  FailureOr<SmallVector<int64_t>> ends = n.constantIntInput(2, "ends");
  if (failed(starts) || failed(ends))
    return failure();
  OptionalInts axes, steps;
  if (n.hasInput(3)) {
    FailureOr<SmallVector<int64_t>> given = n.constantIntInput(3, "axes");
    if (failed(given))
      return failure();
    axes = *given;
  }
  if (n.hasInput(4)) {
    FailureOr<SmallVector<int64_t>> given = n.constantIntInput(4, "steps");
    if (failed(given))
      return failure();
    steps = *given;
  }
  return importSliceWith(n, *starts, *ends, axes, steps);
}

/// Slice before opset 10: starts, ends and axes are attributes, steps 1.
static LogicalResult importSliceAttrs(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<OptionalInts> starts = n.intsAttr("starts");
  FailureOr<OptionalInts> ends = n.intsAttr("ends");
  FailureOr<OptionalInts> axes = n.intsAttr("axes");
  if (failed(starts) || failed(ends) || failed(axes))
    return failure();
  if (!*starts || !*ends)
    return n.emitError() << "missing required attribute '"
                         << (*starts ? "ends" : "starts") << "'";
  return importSliceWith(n, **starts, **ends, *axes, std::nullopt);
}

//===----------------------------------------------------------------------===//
// Table
//===----------------------------------------------------------------------===//

// Concat's axis became required in opset 4 and Reshape's shape an input in 5.
static const OpSupport kShapeOps[] = {
    {"Concat", 4, kMaxKnownOpset, importConcat},
    {"Constant", 1, kMaxKnownOpset, importConstant},
    {"Dropout", 1, kMaxKnownOpset, importDropout},
    {"Flatten", 1, kMaxKnownOpset, importFlatten},
    {"Gather", 1, kMaxKnownOpset, importGather},
    {"Identity", 1, kMaxKnownOpset, importIdentity},
    {"Reshape", 5, kMaxKnownOpset, importReshape},
    {"Shape", 1, kMaxKnownOpset, importShape},
    {"Slice", 1, 9, importSliceAttrs},
    {"Slice", 10, kMaxKnownOpset, importSlice},
    {"Squeeze", 1, kMaxKnownOpset, importSqueeze},
    {"Transpose", 1, kMaxKnownOpset, importTranspose},
    {"Unsqueeze", 1, kMaxKnownOpset, importUnsqueeze},
};

ArrayRef<OpSupport> kiln::onnx_frontend::getShapeOpTable() { return kShapeOps; }
