//===- OnnxVisionOps.cpp - ONNX convolution, pooling and LRN ops ----------===//
//
// Handlers of the vision operators and their rows of the operator table.
// ONNX's window attributes are made explicit (default strides, dilations and
// pads filled in, VALID as zero pads); SAME_UPPER / SAME_LOWER stay modes of
// the model ops, whose pads then follow the input size, so that symbolic
// spatial dims keep working. Channels and kernel sizes must be static.
//
//===----------------------------------------------------------------------===//
#include "lib/frontend/onnx/OnnxImporterImpl.h"

using namespace mlir;
using namespace kiln::onnx_frontend;
namespace model = kiln::model;

namespace {

/// An INTS attribute of `count` entries, or `count` copies of `dflt`.
FailureOr<SmallVector<int64_t>> intsAttrOr(NodeImporter &n, StringRef attrName,
                                           int64_t count, int64_t dflt) {
  FailureOr<OptionalInts> given = n.intsAttr(attrName);
  if (failed(given))
    return failure();
  if (!*given)
    return SmallVector<int64_t>(count, dflt);
  if ((int64_t)(*given)->size() != count)
    return n.emitError() << "attribute '" << attrName << "' has "
                         << (*given)->size() << " entries, expected " << count;
  return **given;
}

/// The window attributes every conv and pooling op has, ONNX defaults made
/// explicit.
struct WindowAttrs {
  SmallVector<int64_t> strides, dilations, pads;
  /// "explicit", "same_upper" or "same_lower" (VALID is explicit zeros).
  std::string autoPad;
};

/// Reads strides, pads, auto_pad and, where the op has them at this opset,
/// dilations for `spatialRank` spatial dims.
FailureOr<WindowAttrs> readWindowAttrs(NodeImporter &n, int64_t spatialRank,
                                       bool hasDilations) {
  WindowAttrs w;
  FailureOr<SmallVector<int64_t>> strides =
      intsAttrOr(n, "strides", spatialRank, 1);
  FailureOr<SmallVector<int64_t>> dilations =
      hasDilations ? intsAttrOr(n, "dilations", spatialRank, 1)
                   : FailureOr<SmallVector<int64_t>>(
                         SmallVector<int64_t>(spatialRank, 1));
  FailureOr<OptionalInts> pads = n.intsAttr("pads");
  FailureOr<std::string> autoPad = n.stringAttr("auto_pad", "NOTSET");
  if (failed(strides) || failed(dilations) || failed(pads) || failed(autoPad))
    return failure();
  w.strides = *strides;
  w.dilations = *dilations;
  w.pads.assign(2 * spatialRank, 0);
  bool padsGiven = *pads && llvm::any_of(**pads, [](int64_t p) {
                     return p != 0;
                   });
  if (*pads && (int64_t)(*pads)->size() != 2 * spatialRank)
    return n.emitError() << "attribute 'pads' has " << (*pads)->size()
                         << " entries, expected " << 2 * spatialRank;
  if (*autoPad == "NOTSET") {
    w.autoPad = "explicit";
    if (*pads)
      w.pads = **pads;
  } else if (*autoPad == "VALID" || *autoPad == "SAME_UPPER" ||
             *autoPad == "SAME_LOWER") {
    if (padsGiven)
      return n.emitError() << "non-zero 'pads' together with auto_pad '"
                           << *autoPad << "' are not supported";
    w.autoPad = *autoPad == "VALID"        ? "explicit"
                : *autoPad == "SAME_UPPER" ? "same_upper"
                                           : "same_lower";
  } else {
    return n.emitError() << "auto_pad '" << *autoPad << "' is not supported";
  }
  return w;
}

SmallVector<NamedAttribute> windowNamedAttrs(NodeImporter &n,
                                             const WindowAttrs &w) {
  SmallVector<NamedAttribute> attrs = {
      n.named("strides", n.i64Array(w.strides)),
      n.named("dilations", n.i64Array(w.dilations)),
      n.named("pads", n.i64Array(w.pads))};
  if (w.autoPad != "explicit")
    attrs.push_back(
        n.named("auto_pad", StringAttr::get(n.getContext(), w.autoPad)));
  return attrs;
}

/// X and W of Conv / ConvTranspose: X of rank >= 3 with static channels, W
/// static; an explicit kernel_shape must be W's.
LogicalResult checkConvInputs(NodeImporter &n, RankedTensorType x,
                              RankedTensorType w) {
  if (x.getRank() < 3 || w.getRank() != x.getRank())
    return n.emitError() << "X and W must have the same rank >= 3, got "
                         << formatShape(x.getShape()) << " and "
                         << formatShape(w.getShape());
  if (x.isDynamicDim(1))
    return n.emitError() << "the channel dim of X must be static, got "
                         << formatShape(x.getShape());
  if (!w.hasStaticShape())
    return n.emitError() << "W must have a static shape (channels and "
                            "kernel sizes), got "
                         << formatShape(w.getShape());
  FailureOr<OptionalInts> kernel = n.intsAttr("kernel_shape");
  if (failed(kernel))
    return failure();
  if (*kernel && ArrayRef<int64_t>(**kernel) != w.getShape().drop_front(2))
    return n.emitError() << "kernel_shape " << formatShape(**kernel)
                         << " differs from W's spatial dims "
                         << formatShape(w.getShape().drop_front(2));
  return success();
}


} // namespace

//===----------------------------------------------------------------------===//
// Convolutions
//===----------------------------------------------------------------------===//

FailureOr<Value> kiln::onnx_frontend::buildConv(NodeImporter &n, Value x,
                                                Value w, Value bias) {
  auto xType = cast<RankedTensorType>(x.getType());
  auto wType = cast<RankedTensorType>(w.getType());
  if (failed(checkConvInputs(n, xType, wType)))
    return failure();
  FailureOr<int64_t> group = n.intAttr("group", 1);
  FailureOr<WindowAttrs> window =
      readWindowAttrs(n, xType.getRank() - 2, /*hasDilations=*/true);
  if (failed(group) || failed(window))
    return failure();
  SmallVector<Value> operands = {x, w};
  if (bias)
    operands.push_back(bias);
  SmallVector<NamedAttribute> attrs = windowNamedAttrs(n, *window);
  if (*group != 1)
    attrs.push_back(n.named("group", n.i64(*group)));
  return n.create<model::ConvOp>(operands, attrs);
}

namespace {

LogicalResult importConv(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 3)))
    return failure();
  FailureOr<SmallVector<Value>> operands = n.leadingInputs(2);
  if (failed(operands))
    return failure();
  return n.setOutput(0, buildConv(n, (*operands)[0], (*operands)[1],
                                  operands->size() > 2 ? (*operands)[2]
                                                       : Value()));
}

/// ConvTranspose. The output size of each spatial dim is
///   s * (in - 1) + output_padding + (K - 1) * d + 1 - pad_begin - pad_end.
/// SAME_UPPER / SAME_LOWER ask for out = in * s, and output_shape for a
/// given out; both fix the total padding (for SAME independently of `in`),
/// which ONNX splits as
///   SAME_UPPER: pad_begin = floor(total / 2), else total - floor(total / 2)
/// A negative end pad (output_shape one longer than the natural size) is
/// more output padding; a negative begin pad is rejected.
LogicalResult importConvTranspose(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 3)))
    return failure();
  FailureOr<RankedTensorType> x = n.inputType(0), w = n.inputType(1);
  if (failed(x) || failed(w) || failed(checkConvInputs(n, *x, *w)))
    return failure();
  int64_t spatialRank = x->getRank() - 2;
  FailureOr<int64_t> group = n.intAttr("group", 1);
  FailureOr<WindowAttrs> window =
      readWindowAttrs(n, spatialRank, /*hasDilations=*/true);
  FailureOr<SmallVector<int64_t>> outputPadding =
      intsAttrOr(n, "output_padding", spatialRank, 0);
  FailureOr<OptionalInts> outputShape = n.intsAttr("output_shape");
  if (failed(group) || failed(window) || failed(outputPadding) ||
      failed(outputShape))
    return failure();
  SmallVector<int64_t> pads = window->pads;
  SmallVector<int64_t> padding = *outputPadding;
  bool upper = window->autoPad == "same_upper";
  if (*outputShape && (int64_t)(*outputShape)->size() != spatialRank)
    return n.emitError() << "output_shape has " << (*outputShape)->size()
                         << " entries for " << spatialRank
                         << " spatial dims";
  if (*outputShape || window->autoPad != "explicit") {
    for (int64_t i = 0; i < spatialRank; ++i) {
      int64_t in = x->getDimSize(i + 2), s = window->strides[i],
              d = window->dilations[i], k = w->getDimSize(i + 2);
      if (s < 1 || d < 1 || s > (1 << 30) || d > (1 << 30) ||
          padding[i] < 0 || padding[i] > (1 << 30))
        return n.emitError() << "strides, dilations and output_padding must "
                                "be positive and below 2^30";
      int64_t extent = (k - 1) * d + 1, total;
      if (*outputShape) {
        if (ShapedType::isDynamic(in))
          return n.emitError()
                 << "output_shape with a symbolic spatial dim in X is not "
                    "supported";
        total = s * (in - 1) + padding[i] + extent - (**outputShape)[i];
      } else {
        // out = in * s whatever `in` is.
        total = padding[i] + extent - s;
      }
      int64_t half = llvm::divideFloorSigned(total, 2);
      int64_t begin = upper ? half : total - half, end = total - begin;
      if (begin < 0)
        return n.emitError() << "the output size asked for spatial dim " << i
                             << " needs output before the first input "
                                "position, which is not supported";
      if (end < 0) {
        padding[i] -= end;
        end = 0;
      }
      pads[i] = begin;
      pads[i + spatialRank] = end;
    }
  }
  FailureOr<SmallVector<Value>> operands = n.leadingInputs(2);
  if (failed(operands))
    return failure();
  SmallVector<NamedAttribute> attrs = {
      n.named("strides", n.i64Array(window->strides)),
      n.named("dilations", n.i64Array(window->dilations)),
      n.named("pads", n.i64Array(pads)),
      n.named("output_padding", n.i64Array(padding))};
  if (*group != 1)
    attrs.push_back(n.named("group", n.i64(*group)));
  return n.setOutput(0, n.create<model::ConvTransposeOp>(*operands, attrs));
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

/// kernel_shape (required) and the window attributes of a pooling node.
FailureOr<std::pair<SmallVector<int64_t>, WindowAttrs>>
readPoolAttrs(NodeImporter &n, RankedTensorType x, bool hasDilations) {
  if (x.getRank() < 3)
    return n.emitError() << "X must have rank >= 3, got "
                         << formatShape(x.getShape());
  FailureOr<OptionalInts> kernel = n.intsAttr("kernel_shape");
  if (failed(kernel))
    return failure();
  if (!*kernel)
    return n.emitError() << "missing required attribute 'kernel_shape'";
  if ((int64_t)(*kernel)->size() != x.getRank() - 2)
    return n.emitError() << "kernel_shape has " << (*kernel)->size()
                         << " entries for " << x.getRank() - 2
                         << " spatial dims";
  FailureOr<WindowAttrs> window =
      readWindowAttrs(n, x.getRank() - 2, hasDilations);
  if (failed(window))
    return failure();
  return std::make_pair(**kernel, *window);
}

/// MaxPool: ceil_mode and dilations since opset 10, the Indices output and
/// storage_order since 8.
LogicalResult importMaxPool(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<RankedTensorType> x = n.inputType(0);
  if (failed(x))
    return failure();
  auto attrs = readPoolAttrs(n, *x, /*hasDilations=*/n.opset >= 10);
  FailureOr<int64_t> ceilMode = n.opset >= 10 ? n.intAttr("ceil_mode", 0) : 0;
  FailureOr<int64_t> storageOrder =
      n.opset >= 8 ? n.intAttr("storage_order", 0) : 0;
  if (failed(attrs) || failed(ceilMode) || failed(storageOrder))
    return failure();
  bool withIndices = n.node.output_size() > 1 && !n.node.output(1).empty();
  if (withIndices && n.opset < 8)
    return n.emitError() << "has no Indices output before opset 8";
  FailureOr<Value> input = n.input(0);
  if (failed(input))
    return failure();
  SmallVector<NamedAttribute> named = windowNamedAttrs(n, attrs->second);
  named.push_back(n.named("kernel_shape", n.i64Array(attrs->first)));
  Builder b(n.getContext());
  if (*ceilMode)
    named.push_back(n.named("ceil_mode", b.getBoolAttr(true)));
  if (withIndices) {
    named.push_back(n.named("with_indices", b.getBoolAttr(true)));
    if (*storageOrder)
      named.push_back(n.named("storage_order", n.i64(*storageOrder)));
  }
  FailureOr<Value> result = n.create<model::MaxPoolOp>({*input}, named);
  if (failed(result) || failed(n.setOutput(0, result)))
    return failure();
  if (!withIndices)
    return success();
  return n.setOutput(1, result->getDefiningOp()->getResult(1));
}

/// AveragePool: count_include_pad since opset 7 (before, padding never
/// counts), ceil_mode since 10, dilations since 19.
LogicalResult importAveragePool(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<RankedTensorType> x = n.inputType(0);
  if (failed(x))
    return failure();
  auto attrs = readPoolAttrs(n, *x, /*hasDilations=*/n.opset >= 19);
  FailureOr<int64_t> ceilMode = n.opset >= 10 ? n.intAttr("ceil_mode", 0) : 0;
  FailureOr<int64_t> countIncludePad =
      n.opset >= 7 ? n.intAttr("count_include_pad", 0) : 0;
  if (failed(attrs) || failed(ceilMode) || failed(countIncludePad))
    return failure();
  FailureOr<Value> input = n.input(0);
  if (failed(input))
    return failure();
  SmallVector<NamedAttribute> named = windowNamedAttrs(n, attrs->second);
  named.push_back(n.named("kernel_shape", n.i64Array(attrs->first)));
  Builder b(n.getContext());
  if (*ceilMode)
    named.push_back(n.named("ceil_mode", b.getBoolAttr(true)));
  if (*countIncludePad)
    named.push_back(n.named("count_include_pad", b.getBoolAttr(true)));
  return n.setOutput(0, n.create<model::AveragePoolOp>({*input}, named));
}

/// GlobalAveragePool / GlobalMaxPool reduce every spatial dim, keeping it as
/// size 1; a [N, C] input has none and passes through.
template <typename ReduceOp> LogicalResult importGlobalPool(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<RankedTensorType> x = n.inputType(0);
  if (failed(x))
    return failure();
  if (x->getRank() < 2 || !isa<FloatType>(x->getElementType()))
    return n.emitError() << "X must be a float tensor of rank >= 2, got "
                         << *x;
  if (x->getRank() == 2)
    return n.forwardInput(0, 0);
  FailureOr<Value> input = n.input(0);
  if (failed(input))
    return failure();
  SmallVector<int64_t> axes =
      llvm::to_vector(llvm::seq<int64_t>(2, x->getRank()));
  return n.setOutput(0, n.create<ReduceOp>(
                            {*input}, {n.named("axes", n.i64Array(axes))}));
}

/// LRN: size is required; alpha, beta and bias have ONNX's defaults.
LogicalResult importLRN(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<int64_t> size = n.intAttr("size");
  FailureOr<float> alpha = n.floatAttr("alpha", 1e-4f);
  FailureOr<float> beta = n.floatAttr("beta", 0.75f);
  FailureOr<float> bias = n.floatAttr("bias", 1.0f);
  FailureOr<Value> input = n.input(0);
  if (failed(size) || failed(alpha) || failed(beta) || failed(bias) ||
      failed(input))
    return failure();
  Builder b(n.getContext());
  return n.setOutput(
      0, n.create<model::LRNOp>({*input},
                                {n.named("size", n.i64(*size)),
                                 n.named("alpha", b.getF32FloatAttr(*alpha)),
                                 n.named("beta", b.getF32FloatAttr(*beta)),
                                 n.named("bias", b.getF32FloatAttr(*bias))}));
}

//===----------------------------------------------------------------------===//
// Resize and Upsample
//===----------------------------------------------------------------------===//

/// A list input of Resize or Upsample (scales, sizes, roi): its constant
/// values, or the value itself when only the run knows them. Omitted inputs
/// and empty tensors (how ONNX leaves out scales) are neither.
struct ResizeList {
  SmallVector<double> floats;
  SmallVector<int64_t> ints;
  Value runtime;
  bool empty() const { return floats.empty() && ints.empty() && !runtime; }
};

FailureOr<ResizeList> readResizeList(NodeImporter &n, int64_t i,
                                     StringRef role, bool isFloat) {
  ResizeList list;
  if (!n.hasInput(i))
    return list;
  FailureOr<RankedTensorType> type = n.inputType(i);
  if (failed(type))
    return failure();
  Type element = type->getElementType();
  if (type->getRank() != 1 ||
      (isFloat ? !isa<FloatType>(element) : !element.isInteger(64)))
    return n.emitError() << "input " << i << " (" << role << ") must be a 1-D "
                         << (isFloat ? "float" : "int64") << " tensor";
  if (type->getDimSize(0) == 0)
    return list;
  if (DenseElementsAttr attr = n.constantInput(i)) {
    if (!isFloat) {
      FailureOr<SmallVector<int64_t>> ints = n.constantIntInput(i, role);
      if (failed(ints))
        return failure();
      list.ints = *ints;
      return list;
    }
    for (APFloat value : attr.getValues<APFloat>()) {
      bool lost;
      value.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven,
                    &lost);
      list.floats.push_back(value.convertToDouble());
    }
    return list;
  }
  if (type->isDynamicDim(0))
    return n.emitError() << "input " << i << " (" << role
                         << ") must have a static length when computed at "
                            "run time";
  FailureOr<Value> value = n.input(i);
  if (failed(value))
    return failure();
  list.runtime = *value;
  return list;
}

/// What a Resize or Upsample node asks for, before it becomes model.resize.
struct ResizeRequest {
  std::string mode, coordinates, nearest;
  double cubicCoeffA = -0.75, extrapolation = 0;
  bool excludeOutside = false;
  ResizeList scales, sizes, roi;
};

LogicalResult buildResize(NodeImporter &n, const ResizeRequest &r) {
  FailureOr<Value> input = n.input(0);
  if (failed(input))
    return failure();
  MLIRContext *ctx = n.getContext();
  Builder b(ctx);
  auto str = [&](StringRef v) { return StringAttr::get(ctx, v); };
  SmallVector<Value> operands = {*input};
  SmallVector<int32_t> segments = {1};
  for (const ResizeList *list : {&r.scales, &r.sizes, &r.roi}) {
    segments.push_back(list->runtime ? 1 : 0);
    if (list->runtime)
      operands.push_back(list->runtime);
  }
  SmallVector<NamedAttribute> attrs = {
      n.named("operandSegmentSizes", DenseI32ArrayAttr::get(ctx, segments)),
      n.named("mode", str(r.mode)),
      n.named("coordinate_mode", str(r.coordinates))};
  if (!r.scales.floats.empty())
    attrs.push_back(
        n.named("scales", DenseF64ArrayAttr::get(ctx, r.scales.floats)));
  if (!r.sizes.ints.empty())
    attrs.push_back(n.named("sizes", n.i64Array(r.sizes.ints)));
  if (r.mode == "nearest")
    attrs.push_back(n.named("nearest_mode", str(r.nearest)));
  if (r.mode == "cubic") {
    attrs.push_back(
        n.named("cubic_coeff_a", b.getF64FloatAttr(r.cubicCoeffA)));
    if (r.excludeOutside)
      attrs.push_back(n.named("exclude_outside", b.getBoolAttr(true)));
  }
  if (r.coordinates == "tf_crop_and_resize") {
    attrs.push_back(
        n.named("extrapolation_value", b.getF64FloatAttr(r.extrapolation)));
    if (!r.roi.floats.empty())
      attrs.push_back(
          n.named("roi", DenseF64ArrayAttr::get(ctx, r.roi.floats)));
  }
  return n.setOutput(0, n.create<model::ResizeOp>(operands, attrs));
}

/// Spreads per-axis lists of Resize-18's `axes` over all dims: dims not
/// listed keep scale 1, their size, or roi [0, 1].
LogicalResult spreadOverAxes(NodeImporter &n, RankedTensorType x,
                             ArrayRef<int64_t> axes, ResizeRequest &r) {
  if (r.scales.runtime || r.sizes.runtime || r.roi.runtime)
    return n.emitError() << "axes with scales, sizes or roi computed at run "
                            "time are not supported";
  int64_t rank = x.getRank(), count = axes.size();
  auto misfit = [&](StringRef what, size_t size) {
    return n.emitError() << what << " has " << size << " entries for "
                         << count << " axes";
  };
  ArrayRef<double> givenScales = r.scales.floats, givenRoi = r.roi.floats;
  ArrayRef<int64_t> givenSizes = r.sizes.ints;
  if (!givenScales.empty() && (int64_t)givenScales.size() != count)
    return misfit("scales", givenScales.size());
  if (!givenSizes.empty() && (int64_t)givenSizes.size() != count)
    return misfit("sizes", givenSizes.size());
  if (!givenRoi.empty() && (int64_t)givenRoi.size() != 2 * count)
    return misfit("roi", givenRoi.size());
  SmallVector<double> scales(rank, 1.0), roi(2 * rank, 0.0);
  SmallVector<int64_t> sizes(x.getShape());
  for (int64_t i = 0; i < rank; ++i)
    roi[rank + i] = 1.0;
  for (auto [k, axis] : llvm::enumerate(axes)) {
    if (!givenScales.empty())
      scales[axis] = givenScales[k];
    if (!givenSizes.empty())
      sizes[axis] = givenSizes[k];
    if (!givenRoi.empty()) {
      roi[axis] = givenRoi[k];
      roi[rank + axis] = givenRoi[count + k];
    }
  }
  if (!givenSizes.empty())
    for (int64_t i = 0; i < rank; ++i)
      if (ShapedType::isDynamic(sizes[i]))
        return n.emitError() << "sizes for some axes with the symbolic dim "
                             << i << " not among them are not supported";
  if (!givenScales.empty())
    r.scales.floats = scales;
  if (!givenSizes.empty())
    r.sizes.ints = sizes;
  if (!givenRoi.empty())
    r.roi.floats = roi;
  return success();
}

/// Resize: opset 10 takes (X, scales) with asymmetric coordinates and
/// Resize-10's nearest rounding; 11 adds roi, sizes and the coordinate,
/// nearest and cubic attributes; 13 makes roi and scales optional; 18 adds
/// axes, antialias and keep_aspect_ratio_policy, 19 half_pixel_symmetric.
/// scales, sizes and roi must be constants.
LogicalResult importResize(NodeImporter &n) {
  int64_t opset = n.opset;
  if (failed(n.checkInputCount(opset == 10 ? 2 : opset < 13 ? 3 : 1,
                               opset == 10 ? 2 : 4)))
    return failure();
  FailureOr<RankedTensorType> x = n.inputType(0);
  FailureOr<std::string> mode = n.stringAttr("mode", "nearest");
  if (failed(x) || failed(mode))
    return failure();
  ResizeRequest r;
  r.mode = *mode;
  if (r.mode != "nearest" && r.mode != "linear" &&
      (r.mode != "cubic" || opset == 10))
    return n.emitError() << "mode '" << r.mode << "' is not supported";
  if (opset == 10) {
    r.coordinates = "asymmetric";
    r.nearest = "simple";
    FailureOr<ResizeList> scales = readResizeList(n, 1, "scales", true);
    if (failed(scales))
      return failure();
    r.scales = *scales;
    return buildResize(n, r);
  }
  FailureOr<std::string> coordinates =
      n.stringAttr("coordinate_transformation_mode", "half_pixel");
  FailureOr<std::string> nearest =
      n.stringAttr("nearest_mode", "round_prefer_floor");
  FailureOr<float> cubicCoeffA = n.floatAttr("cubic_coeff_a", -0.75f);
  FailureOr<int64_t> excludeOutside = n.intAttr("exclude_outside", 0);
  FailureOr<float> extrapolation = n.floatAttr("extrapolation_value", 0.0f);
  if (failed(coordinates) || failed(nearest) || failed(cubicCoeffA) ||
      failed(excludeOutside) || failed(extrapolation))
    return failure();
  r.coordinates = *coordinates;
  r.nearest = *nearest;
  r.cubicCoeffA = *cubicCoeffA;
  r.excludeOutside = *excludeOutside != 0;
  r.extrapolation = *extrapolation;
  bool known = llvm::is_contained({"half_pixel", "pytorch_half_pixel",
                                   "align_corners", "asymmetric",
                                   "tf_crop_and_resize"},
                                  r.coordinates) ||
               (r.coordinates == "tf_half_pixel_for_nn" && opset < 13) ||
               (r.coordinates == "half_pixel_symmetric" && opset >= 19);
  if (!known)
    return n.emitError() << "coordinate_transformation_mode '"
                         << r.coordinates << "' is not supported at opset "
                         << opset;
  if (r.nearest == "simple")
    return n.emitError() << "nearest_mode 'simple' is not supported";
  FailureOr<OptionalInts> axes = OptionalInts();
  if (opset >= 18) {
    FailureOr<int64_t> antialias = n.intAttr("antialias", 0);
    FailureOr<std::string> policy =
        n.stringAttr("keep_aspect_ratio_policy", "stretch");
    axes = n.intsAttr("axes");
    if (failed(antialias) || failed(policy) || failed(axes))
      return failure();
    if (*antialias)
      return n.emitError() << "antialias = 1 is not supported";
    if (*policy != "stretch")
      return n.emitError() << "keep_aspect_ratio_policy '" << *policy
                           << "' is not supported";
  }
  FailureOr<ResizeList> scales = readResizeList(n, 2, "scales", true);
  FailureOr<ResizeList> sizes = readResizeList(n, 3, "sizes", false);
  if (failed(scales) || failed(sizes))
    return failure();
  r.scales = *scales;
  r.sizes = *sizes;
  if (r.scales.empty() == r.sizes.empty())
    return n.emitError() << "exactly one of scales and sizes must be given";
  if (r.coordinates == "tf_crop_and_resize") {
    FailureOr<ResizeList> roi = readResizeList(n, 1, "roi", true);
    if (failed(roi))
      return failure();
    r.roi = *roi;
  }
  if (*axes) {
    FailureOr<SmallVector<int64_t>> normalized =
        n.normalizeAxes(**axes, x->getRank());
    if (failed(normalized) || failed(spreadOverAxes(n, *x, *normalized, r)))
      return failure();
  }
  return buildResize(n, r);
}

/// Upsample (7-9): nearest or linear with asymmetric coordinates; scales is
/// an attribute in opsets 7 and 8 and a constant input from 9 on.
LogicalResult importUpsample(NodeImporter &n) {
  bool scalesInput = n.opset >= 9;
  if (failed(n.checkInputCount(scalesInput ? 2 : 1, scalesInput ? 2 : 1)))
    return failure();
  FailureOr<std::string> mode = n.stringAttr("mode", "nearest");
  if (failed(mode))
    return failure();
  ResizeRequest r;
  r.mode = *mode;
  if (r.mode != "nearest" && r.mode != "linear")
    return n.emitError() << "mode '" << r.mode << "' is not supported";
  r.coordinates = "asymmetric";
  r.nearest = "simple";
  if (scalesInput) {
    FailureOr<ResizeList> scales = readResizeList(n, 1, "scales", true);
    if (failed(scales))
      return failure();
    r.scales = *scales;
  } else {
    const onnx::AttributeProto *attr = n.findAttr("scales");
    if (!attr || attr->type() != onnx::AttributeProto::FLOATS)
      return n.emitError() << "needs the FLOATS attribute 'scales'";
    r.scales.floats.assign(attr->floats().begin(), attr->floats().end());
  }
  return buildResize(n, r);
}

} // namespace

//===----------------------------------------------------------------------===//
// Table
//===----------------------------------------------------------------------===//

// Conv, ConvTranspose, the pools and LRN keep their semantics from opset 1
// through 21 (later versions added attributes, handled by opset above, or
// element types). Upsample-1 (height/width_scale) was experimental and
// Upsample is deprecated from opset 10, where Resize starts.
static const OpSupport kVisionOps[] = {
    {"AveragePool", 1, kMaxKnownOpset, importAveragePool},
    {"Conv", 1, kMaxKnownOpset, importConv},
    {"ConvTranspose", 1, kMaxKnownOpset, importConvTranspose},
    {"GlobalAveragePool", 1, kMaxKnownOpset,
     importGlobalPool<model::ReduceMeanOp>},
    {"GlobalMaxPool", 1, kMaxKnownOpset, importGlobalPool<model::ReduceMaxOp>},
    {"LRN", 1, kMaxKnownOpset, importLRN},
    {"MaxPool", 1, kMaxKnownOpset, importMaxPool},
    {"Resize", 10, kMaxKnownOpset, importResize},
    {"Upsample", 7, 9, importUpsample},
};

ArrayRef<OpSupport> kiln::onnx_frontend::getVisionOpTable() {
  return kVisionOps;
}
