//===- OnnxDataMovementOps.cpp - ONNX broadcast, pad, split, gather, ... -===//
//
// Handlers of the ONNX operators that broadcast, tile, split, pad or index
// tensors, or make tensors from shapes, and their rows of the operator
// table. Shape-like inputs (Expand's shape, Tile's repeats, Pad's pads,
// Split's sizes, ConstantOfShape's shape) may be computed at run time: they
// stay operands of the model ops, whose inference makes every dim static
// that their known values determine, so the dialect's folding of exporters'
// Shape -> Gather -> Unsqueeze -> Concat chains on static dims gives static
// results.
//
//===----------------------------------------------------------------------===//
#include "lib/frontend/onnx/OnnxImporterImpl.h"

using namespace mlir;
using namespace kiln::onnx_frontend;
namespace model = kiln::model;

/// A 1-D i64 `model.constant` of `values`.
static FailureOr<Value> i64Vector(NodeImporter &n, ArrayRef<int64_t> values) {
  Builder b(n.getContext());
  return n.create<model::ConstantOp>(
      {}, {n.named("value", makeIntegerAttr({int64_t(values.size())},
                                            b.getI64Type(), values))});
}

/// Checks that input `i` is a 1-D int64 tensor of static length (the form
/// model ops take shape-like operands in) and returns its value.
static FailureOr<Value> shapeLikeInput(NodeImporter &n, int64_t i,
                                       StringRef role) {
  FailureOr<RankedTensorType> type = n.inputType(i);
  if (failed(type))
    return failure();
  if (type->getRank() != 1 || type->isDynamicDim(0) ||
      !type->getElementType().isInteger(64))
    return n.emitError() << "input '" << role
                         << "' must be a 1-D int64 tensor of static length, "
                            "got "
                         << *type;
  return n.input(i);
}

/// Rejects a constant index outside [-dim, dim) of a static dim: ONNX makes
/// it an error, and it is caught here rather than at run time.
static LogicalResult checkConstantIndices(NodeImporter &n, int64_t i,
                                          int64_t dim, int64_t axis) {
  DenseElementsAttr attr = n.constantInput(i);
  std::optional<SmallVector<int64_t>> indices =
      attr ? model::getIntValues(attr) : std::nullopt;
  if (!indices || ShapedType::isDynamic(dim))
    return success();
  for (int64_t index : *indices)
    if (index < -dim || index >= dim)
      return n.emitError() << "index " << index << " is out of range for dim "
                           << axis << " of size " << dim;
  return success();
}

//===----------------------------------------------------------------------===//
// Expand, Tile, Split, Pad
//===----------------------------------------------------------------------===//

/// Expand(x, shape): numpy broadcasting of x to `shape` (both versions).
static LogicalResult importExpand(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  FailureOr<Value> x = n.input(0), shape = shapeLikeInput(n, 1, "shape");
  if (failed(x) || failed(shape))
    return failure();
  return n.setOutput(0, n.createOrFold<model::ExpandOp>({*x, *shape}));
}

/// Tile(x, repeats) since opset 6 (opset 1 took `tiles` and `axis`).
static LogicalResult importTile(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  FailureOr<Value> x = n.input(0), repeats = shapeLikeInput(n, 1, "repeats");
  if (failed(x) || failed(repeats))
    return failure();
  return n.setOutput(0, n.createOrFold<model::TileOp>({*x, *repeats}));
}

/// Split: the sizes are the `split` attribute before opset 13 and an
/// optional input since; opset 18 adds `num_outputs` for equal parts (the
/// last ones smaller when the dim does not divide). Before 18 equal parts
/// must divide the dim exactly, which is checked here for a static dim; for
/// a dynamic one kiln takes the opset-18 rule, which agrees wherever ONNX
/// defines the result.
static LogicalResult importSplit(NodeImporter &n) {
  bool sizesAsInput = n.opset >= 13;
  if (failed(n.checkInputCount(1, sizesAsInput ? 2 : 1)))
    return failure();
  FailureOr<RankedTensorType> type = n.inputType(0);
  FailureOr<int64_t> axisAttr = n.intAttr("axis", 0);
  if (failed(type) || failed(axisAttr))
    return failure();
  FailureOr<int64_t> axis = n.normalizeAxis(*axisAttr, type->getRank());
  if (failed(axis))
    return failure();
  int64_t parts = n.node.output_size();
  if (parts < 1)
    return n.emitError() << "has no outputs";
  std::optional<SmallVector<int64_t>> sizes;
  bool sizesAtRunTime = false;
  if (sizesAsInput) {
    if (n.hasInput(1)) {
      if (DenseElementsAttr attr = n.constantInput(1))
        sizes = model::getIntValues(attr);
      sizesAtRunTime = !sizes;
    }
  } else {
    FailureOr<OptionalInts> given = n.intsAttr("split");
    if (failed(given))
      return failure();
    if (*given)
      sizes = SmallVector<int64_t>(**given);
  }
  if (n.opset >= 18) {
    bool hasNumOutputs = n.findAttr("num_outputs") != nullptr;
    if (hasNumOutputs && n.hasInput(1))
      return n.emitError() << "takes either the 'split' input or the "
                              "'num_outputs' attribute, not both";
    if (!hasNumOutputs && !n.hasInput(1))
      return n.emitError() << "needs the 'split' input or the 'num_outputs' "
                              "attribute";
    if (hasNumOutputs) {
      FailureOr<int64_t> numOutputs = n.intAttr("num_outputs");
      if (failed(numOutputs))
        return failure();
      if (*numOutputs != parts)
        return n.emitError() << "num_outputs = " << *numOutputs
                             << " but the node has " << parts << " outputs";
    }
  }
  if (sizes && int64_t(sizes->size()) != parts)
    return n.emitError() << "split has " << sizes->size()
                         << " sizes for " << parts << " outputs";
  int64_t dim = type->getDimSize(*axis);
  if (!sizes && !sizesAtRunTime && !ShapedType::isDynamic(dim) &&
      n.opset < 18 && dim % parts != 0)
    return n.emitError() << "dim " << *axis << " of size " << dim
                         << " does not split into " << parts
                         << " equal parts";

  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  if (!sizesAtRunTime && !ShapedType::isDynamic(dim)) {
    // Static pieces are slices, which fold (exporters split shape vectors).
    SmallVector<int64_t> pieces;
    if (sizes) {
      pieces = *sizes;
      int64_t total = 0;
      for (int64_t s : pieces)
        if (s < 0 || __builtin_add_overflow(total, s, &total))
          return n.emitError() << "split sizes " << formatShape(pieces)
                               << " are invalid";
      if (total != dim)
        return n.emitError() << "split sizes " << formatShape(pieces)
                             << " add up to " << total << ", not to dim "
                             << *axis << " of size " << dim;
    } else {
      pieces = model::equalSplitSizes(dim, parts);
    }
    int64_t start = 0;
    for (auto [k, size] : llvm::enumerate(pieces)) {
      if (failed(n.setOutput(
              k, n.createOrFold<model::SliceOp>(
                     {*x}, {n.named("starts", n.i64Array({start})),
                            n.named("ends", n.i64Array({start + size})),
                            n.named("axes", n.i64Array({*axis})),
                            n.named("steps", n.i64Array({1}))}))))
        return failure();
      start += size;
    }
    return success();
  }
  SmallVector<Value> operands = {*x};
  if (sizesAtRunTime || sizes) {
    FailureOr<Value> sizesValue =
        sizesAtRunTime ? shapeLikeInput(n, 1, "split") : i64Vector(n, *sizes);
    if (failed(sizesValue))
      return failure();
    operands.push_back(*sizesValue);
  }
  FailureOr<Value> first = n.create<model::SplitOp>(
      operands,
      {n.named("axis", n.i64(*axis)), n.named("parts", n.i64(parts))});
  if (failed(first))
    return failure();
  for (auto [k, result] : llvm::enumerate(first->getDefiningOp()->getResults()))
    if (failed(n.setOutput(k, result)))
      return failure();
  return success();
}

/// The scalar pad value of Pad before opset 11 (a float attribute) in the
/// input's element type, as numpy converts it.
static FailureOr<Value> padValueFromAttr(NodeImporter &n, Type element) {
  FailureOr<float> value = n.floatAttr("value", 0.0f);
  if (failed(value))
    return failure();
  auto type = RankedTensorType::get({}, element);
  DenseElementsAttr attr;
  if (auto floatType = dyn_cast<FloatType>(element)) {
    APFloat f(*value);
    bool losesInfo;
    f.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
              &losesInfo);
    attr = DenseElementsAttr::get(type, f);
  } else {
    attr = makeIntegerAttr({}, element, {int64_t(*value)});
  }
  return n.create<model::ConstantOp>({}, {n.named("value", attr)});
}

/// Pad: `paddings` (opset 1) or `pads` (2) attributes and a float `value`
/// attribute before opset 11; `pads` and `constant_value` inputs since, and
/// an `axes` input (constant) that `pads` refers to since 18. `wrap` mode
/// exists since opset 19.
static LogicalResult importPad(NodeImporter &n) {
  bool padsAsInput = n.opset >= 11;
  if (failed(n.checkInputCount(padsAsInput ? 2 : 1,
                               padsAsInput ? (n.opset >= 18 ? 4 : 3) : 1)))
    return failure();
  FailureOr<RankedTensorType> type = n.inputType(0);
  FailureOr<std::string> mode = n.stringAttr("mode", "constant");
  if (failed(type) || failed(mode))
    return failure();
  int64_t rank = type->getRank();
  if (*mode != "constant" && *mode != "reflect" && *mode != "edge" &&
      !(*mode == "wrap" && n.opset >= 19))
    return n.emitError() << "mode '" << *mode << "' is not defined in opset "
                         << n.opset;
  bool isConstant = *mode == "constant";

  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  SmallVector<Value> operands = {*x};
  if (!padsAsInput) {
    StringRef padsName = n.opset >= 2 ? "pads" : "paddings";
    FailureOr<OptionalInts> attr = n.intsAttr(padsName);
    if (failed(attr))
      return failure();
    if (!*attr)
      return n.emitError() << "missing required attribute '" << padsName
                           << "'";
    if (int64_t((*attr)->size()) != 2 * rank)
      return n.emitError() << padsName << " has " << (*attr)->size()
                           << " entries for a rank-" << rank << " input";
    FailureOr<Value> pads = i64Vector(n, **attr);
    if (failed(pads))
      return failure();
    operands.push_back(*pads);
    if (isConstant) {
      FailureOr<Value> value = padValueFromAttr(n, type->getElementType());
      if (failed(value))
        return failure();
      operands.push_back(*value);
    } else {
      n.ignoreAttrs({"value"}); // only constant mode reads it
    }
  } else {
    FailureOr<Value> pads = failure();
    if (!n.hasInput(3)) {
      pads = shapeLikeInput(n, 1, "pads");
    } else {
      FailureOr<SmallVector<int64_t>> axes = n.constantIntInput(3, "axes");
      if (failed(axes))
        return failure();
      FailureOr<SmallVector<int64_t>> normalized = n.normalizeAxes(*axes, rank);
      FailureOr<RankedTensorType> padsType = n.inputType(1);
      if (failed(normalized) || failed(padsType))
        return failure();
      int64_t count = normalized->size();
      if (padsType->getRank() != 1 || padsType->getDimSize(0) != 2 * count ||
          !padsType->getElementType().isInteger(64))
        return n.emitError() << "input 'pads' must be a 1-D int64 tensor of "
                             << 2 * count << " entries (2 per axis), got "
                             << *padsType;
      // The full-rank pads: for each dim the entry of its axis, or 0.
      SmallVector<int64_t> picks(2 * rank, 2 * count);
      for (auto [k, axis] : llvm::enumerate(*normalized)) {
        picks[axis] = k;
        picks[rank + axis] = count + k;
      }
      DenseElementsAttr givenAttr = n.constantInput(1);
      if (std::optional<SmallVector<int64_t>> given =
              givenAttr ? model::getIntValues(givenAttr) : std::nullopt) {
        SmallVector<int64_t> full;
        for (int64_t pick : picks)
          full.push_back(pick < 2 * count ? (*given)[pick] : 0);
        pads = i64Vector(n, full);
      } else {
        // At run time: gather them from [pads..., 0].
        FailureOr<Value> runTime = n.input(1), zero = i64Vector(n, {0}),
                         picksValue = i64Vector(n, picks);
        if (failed(runTime) || failed(zero) || failed(picksValue))
          return failure();
        FailureOr<Value> withZero = n.create<model::ConcatOp>(
            {*runTime, *zero}, {n.named("axis", n.i64(0))});
        if (failed(withZero))
          return failure();
        pads = n.create<model::GatherOp>({*withZero, *picksValue},
                                         {n.named("axis", n.i64(0))});
      }
    }
    if (failed(pads))
      return failure();
    operands.push_back(*pads);
    // constant_value is ignored by the other modes.
    if (isConstant && n.hasInput(2)) {
      FailureOr<Value> value = n.input(2);
      if (failed(value))
        return failure();
      operands.push_back(*value);
    }
  }
  return n.setOutput(0, n.createOrFold<model::PadOp>(
                            operands, {n.named("mode", StringAttr::get(
                                                           n.getContext(),
                                                           *mode))}));
}

//===----------------------------------------------------------------------===//
// Tensors made from shapes
//===----------------------------------------------------------------------===//

/// ConstantOfShape(shape): `value` is a one-element tensor (float 0 when
/// absent).
static LogicalResult importConstantOfShape(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  Builder b(n.getContext());
  TypedAttr value = b.getF32FloatAttr(0.0f);
  if (const onnx::AttributeProto *attr = n.findAttr("value")) {
    if (attr->type() != onnx::AttributeProto::TENSOR)
      return n.emitError() << "attribute 'value' must be a TENSOR";
    FailureOr<DenseElementsAttr> tensor = n.convertTensor(attr->t());
    if (failed(tensor))
      return failure();
    if (tensor->getNumElements() != 1)
      return n.emitError() << "attribute 'value' must have one element, got "
                           << tensor->getNumElements();
    value = cast<TypedAttr>(tensor->getValues<Attribute>()[0]);
  }
  FailureOr<Value> shape = shapeLikeInput(n, 0, "input");
  if (failed(shape))
    return failure();
  return n.setOutput(0, n.createOrFold<model::ConstantOfShapeOp>(
                            {*shape}, {n.named("value", value)}));
}

/// Range(start, limit, delta) on scalars; constants fold.
static LogicalResult importRange(NodeImporter &n) {
  if (failed(n.checkInputCount(3, 3)))
    return failure();
  FailureOr<Value> start = n.input(0), limit = n.input(1), delta = n.input(2);
  if (failed(start) || failed(limit) || failed(delta))
    return failure();
  return n.setOutput(0,
                     n.createOrFold<model::RangeOp>({*start, *limit, *delta}));
}

static LogicalResult importSize(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  return n.setOutput(0, n.createOrFold<model::SizeOp>({*x}));
}

/// EyeLike(x): `dtype` defaults to x's element type.
static LogicalResult importEyeLike(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<RankedTensorType> type = n.inputType(0);
  FailureOr<int64_t> k = n.intAttr("k", 0);
  if (failed(type) || failed(k))
    return failure();
  Type dtype = type->getElementType();
  if (n.findAttr("dtype")) {
    FailureOr<int64_t> code = n.intAttr("dtype");
    if (failed(code))
      return failure();
    dtype = n.convertElementType(*code);
    if (!dtype)
      return n.emitError() << "dtype " << *code << " is not supported";
  }
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  return n.setOutput(0, n.create<model::EyeLikeOp>(
                            {*x}, {n.named("dtype", TypeAttr::get(dtype)),
                                   n.named("k", n.i64(*k))}));
}

/// OneHot(indices, depth, values): negative indices count from the end
/// since opset 11; before, they are out of range (a row of off values).
static LogicalResult importOneHot(NodeImporter &n) {
  if (failed(n.checkInputCount(3, 3)))
    return failure();
  FailureOr<RankedTensorType> type = n.inputType(0);
  FailureOr<int64_t> axisAttr = n.intAttr("axis", -1);
  if (failed(type) || failed(axisAttr))
    return failure();
  // The axis indexes the result, one rank larger.
  FailureOr<int64_t> axis = n.normalizeAxis(*axisAttr, type->getRank() + 1);
  if (failed(axis))
    return failure();
  FailureOr<Value> indices = n.input(0), depth = n.input(1),
                   values = n.input(2);
  if (failed(indices) || failed(depth) || failed(values))
    return failure();
  return n.setOutput(
      0, n.create<model::OneHotOp>(
             {*indices, *depth, *values},
             {n.named("axis", n.i64(*axis)),
              n.named("wrapNegative",
                      BoolAttr::get(n.getContext(), n.opset >= 11))}));
}

/// Trilu(x, k): `k` (an optional scalar input) defaults to 0.
static LogicalResult importTrilu(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 2)))
    return failure();
  FailureOr<int64_t> upper = n.intAttr("upper", 1);
  FailureOr<Value> x = n.input(0);
  if (failed(upper) || failed(x))
    return failure();
  FailureOr<Value> k = failure();
  if (n.hasInput(1)) {
    k = n.input(1);
  } else {
    Builder b(n.getContext());
    k = n.create<model::ConstantOp>(
        {}, {n.named("value", makeIntegerAttr({}, b.getI64Type(), {0}))});
  }
  if (failed(k))
    return failure();
  return n.setOutput(
      0, n.create<model::TriluOp>(
             {*x, *k},
             {n.named("upper", BoolAttr::get(n.getContext(), *upper != 0))}));
}

//===----------------------------------------------------------------------===//
// Depth and space, CastLike
//===----------------------------------------------------------------------===//

/// DepthToSpace: `mode` (DCR or CRD) exists since opset 11; before it is DCR.
static LogicalResult importDepthToSpace(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<int64_t> blocksize = n.intAttr("blocksize");
  FailureOr<std::string> mode =
      n.opset >= 11 ? n.stringAttr("mode", "DCR") : std::string("DCR");
  FailureOr<Value> x = n.input(0);
  if (failed(blocksize) || failed(mode) || failed(x))
    return failure();
  return n.setOutput(
      0, n.create<model::DepthToSpaceOp>(
             {*x}, {n.named("blocksize", n.i64(*blocksize)),
                    n.named("mode", StringAttr::get(n.getContext(), *mode))}));
}

static LogicalResult importSpaceToDepth(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<int64_t> blocksize = n.intAttr("blocksize");
  FailureOr<Value> x = n.input(0);
  if (failed(blocksize) || failed(x))
    return failure();
  return n.setOutput(0, n.create<model::SpaceToDepthOp>(
                            {*x}, {n.named("blocksize", n.i64(*blocksize))}));
}

/// CastLike(x, like) = Cast(x, to = element type of like); like's values
/// are not read. `saturate` (opset 19) only concerns float8 targets, which
/// kiln does not support.
static LogicalResult importCastLike(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  n.ignoreAttrs({"saturate"});
  FailureOr<RankedTensorType> like = n.inputType(1);
  FailureOr<Value> x = n.input(0);
  if (failed(like) || failed(x))
    return failure();
  return n.setOutput(0, n.createOrFold<model::CastOp>(
                            {*x}, {n.named("to", TypeAttr::get(
                                                     like->getElementType()))}));
}

//===----------------------------------------------------------------------===//
// Gathers and scatters
//===----------------------------------------------------------------------===//

static LogicalResult importGatherElements(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  FailureOr<RankedTensorType> dataType = n.inputType(0);
  FailureOr<int64_t> axisAttr = n.intAttr("axis", 0);
  if (failed(dataType) || failed(axisAttr))
    return failure();
  FailureOr<int64_t> axis = n.normalizeAxis(*axisAttr, dataType->getRank());
  if (failed(axis) ||
      failed(checkConstantIndices(n, 1, dataType->getDimSize(*axis), *axis)))
    return failure();
  FailureOr<Value> data = n.input(0), indices = n.input(1);
  if (failed(data) || failed(indices))
    return failure();
  return n.setOutput(0, n.create<model::GatherElementsOp>(
                            {*data, *indices}, {n.named("axis", n.i64(*axis))}));
}

/// GatherND: `batch_dims` exists since opset 12.
static LogicalResult importGatherND(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  FailureOr<int64_t> batchDims =
      n.opset >= 12 ? n.intAttr("batch_dims", 0) : FailureOr<int64_t>(0);
  FailureOr<Value> data = n.input(0), indices = n.input(1);
  if (failed(batchDims) || failed(data) || failed(indices))
    return failure();
  return n.setOutput(0, n.create<model::GatherNDOp>(
                            {*data, *indices},
                            {n.named("batchDims", n.i64(*batchDims))}));
}

/// The `reduction` attribute of the scatters: add and mul since opset 16,
/// max and min since 18.
static FailureOr<std::string> scatterReduction(NodeImporter &n) {
  if (n.opset < 16)
    return std::string("none");
  FailureOr<std::string> reduction = n.stringAttr("reduction", "none");
  if (failed(reduction))
    return failure();
  bool known = *reduction == "none" || *reduction == "add" ||
               *reduction == "mul" ||
               (n.opset >= 18 && (*reduction == "max" || *reduction == "min"));
  if (!known)
    return n.emitError() << "reduction '" << *reduction
                         << "' is not defined in opset " << n.opset;
  return reduction;
}

static LogicalResult importScatterND(NodeImporter &n) {
  if (failed(n.checkInputCount(3, 3)))
    return failure();
  FailureOr<std::string> reduction = scatterReduction(n);
  FailureOr<Value> data = n.input(0), indices = n.input(1),
                   updates = n.input(2);
  if (failed(reduction) || failed(data) || failed(indices) || failed(updates))
    return failure();
  return n.setOutput(
      0, n.create<model::ScatterNDOp>(
             {*data, *indices, *updates},
             {n.named("reduction",
                      StringAttr::get(n.getContext(), *reduction))}));
}

/// ScatterElements, and Scatter (opsets 9 and 10), which is the same op
/// without reductions.
static LogicalResult importScatterElements(NodeImporter &n) {
  if (failed(n.checkInputCount(3, 3)))
    return failure();
  FailureOr<RankedTensorType> dataType = n.inputType(0);
  FailureOr<int64_t> axisAttr = n.intAttr("axis", 0);
  FailureOr<std::string> reduction =
      n.opType() == "Scatter" ? std::string("none") : scatterReduction(n);
  if (failed(dataType) || failed(axisAttr) || failed(reduction))
    return failure();
  FailureOr<int64_t> axis = n.normalizeAxis(*axisAttr, dataType->getRank());
  if (failed(axis) ||
      failed(checkConstantIndices(n, 1, dataType->getDimSize(*axis), *axis)))
    return failure();
  FailureOr<Value> data = n.input(0), indices = n.input(1),
                   updates = n.input(2);
  if (failed(data) || failed(indices) || failed(updates))
    return failure();
  return n.setOutput(
      0, n.create<model::ScatterElementsOp>(
             {*data, *indices, *updates},
             {n.named("axis", n.i64(*axis)),
              n.named("reduction",
                      StringAttr::get(n.getContext(), *reduction))}));
}

static LogicalResult importReverseSequence(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  FailureOr<int64_t> batchAxis = n.intAttr("batch_axis", 1);
  FailureOr<int64_t> timeAxis = n.intAttr("time_axis", 0);
  FailureOr<Value> x = n.input(0), lens = n.input(1);
  if (failed(batchAxis) || failed(timeAxis) || failed(x) || failed(lens))
    return failure();
  return n.setOutput(0, n.create<model::ReverseSequenceOp>(
                            {*x, *lens},
                            {n.named("batchAxis", n.i64(*batchAxis)),
                             n.named("timeAxis", n.i64(*timeAxis))}));
}

//===----------------------------------------------------------------------===//
// Table
//===----------------------------------------------------------------------===//

// Tile took `tiles` and `axis` inputs before opset 6, and Split-1 took its
// sizes as an attribute or an input with no default axis: neither is
// supported.
static const OpSupport kDataMovementOps[] = {
    {"CastLike", 15, kMaxKnownOpset, importCastLike},
    {"ConstantOfShape", 9, kMaxKnownOpset, importConstantOfShape},
    {"DepthToSpace", 1, kMaxKnownOpset, importDepthToSpace},
    {"Expand", 8, kMaxKnownOpset, importExpand},
    {"EyeLike", 9, kMaxKnownOpset, importEyeLike},
    {"GatherElements", 11, kMaxKnownOpset, importGatherElements},
    {"GatherND", 11, kMaxKnownOpset, importGatherND},
    {"OneHot", 9, kMaxKnownOpset, importOneHot},
    {"Pad", 1, kMaxKnownOpset, importPad},
    {"Range", 11, kMaxKnownOpset, importRange},
    {"ReverseSequence", 10, kMaxKnownOpset, importReverseSequence},
    {"Scatter", 9, 10, importScatterElements},
    {"ScatterElements", 11, kMaxKnownOpset, importScatterElements},
    {"ScatterND", 11, kMaxKnownOpset, importScatterND},
    {"Size", 1, kMaxKnownOpset, importSize},
    {"SpaceToDepth", 1, kMaxKnownOpset, importSpaceToDepth},
    {"Split", 2, kMaxKnownOpset, importSplit},
    {"Tile", 6, kMaxKnownOpset, importTile},
    {"Trilu", 14, kMaxKnownOpset, importTrilu},
};

ArrayRef<OpSupport> kiln::onnx_frontend::getDataMovementOpTable() {
  return kDataMovementOps;
}
