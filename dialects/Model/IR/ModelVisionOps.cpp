//===- ModelVisionOps.cpp - Type inference of conv, pooling and LRN -------===//
#include "dialects/Model/IR/ModelOps.h"
#include "dialects/Model/IR/ModelVision.h"

#include "mlir/IR/Diagnostics.h"

#include <cmath>

using namespace mlir;
using namespace kiln::model;

std::optional<WindowPadding>
kiln::model::parseWindowPadding(StringRef autoPad) {
  if (autoPad == "explicit")
    return WindowPadding::Explicit;
  if (autoPad == "same_upper")
    return WindowPadding::SameUpper;
  if (autoPad == "same_lower")
    return WindowPadding::SameLower;
  return std::nullopt;
}

std::optional<WindowExtent> kiln::model::resolveWindow(int64_t in,
                                                       const WindowDim &dim,
                                                       WindowPadding padding,
                                                       bool ceilMode) {
  // 128-bit intermediates: the attributes are bounded by the verifier but
  // dims may be anything up to INT64_MAX.
  using Wide = __int128;
  // For a >= 0 and b > 0.
  auto ceilDiv = [](Wide a, Wide b) { return (a + b - 1) / b; };
  Wide extent = Wide(dim.kernel - 1) * dim.dilation + 1;
  Wide padBegin = dim.padBegin, padEnd = dim.padEnd, out;
  if (padding != WindowPadding::Explicit) {
    out = ceilDiv(in, dim.stride);
    Wide total = std::max<Wide>(0, (out - 1) * dim.stride + extent - in);
    padBegin = padding == WindowPadding::SameUpper ? total / 2
                                                   : total - total / 2;
    padEnd = total - padBegin;
  } else {
    Wide span = Wide(in) + padBegin + padEnd - extent;
    auto floorDiv = [](Wide a, Wide b) {
      return a >= 0 ? a / b : -((-a + b - 1) / b);
    };
    out = (ceilMode ? -floorDiv(-span, dim.stride)
                    : floorDiv(span, dim.stride)) +
          1;
    // A window may hang over the end, but must start inside the input or
    // its begin padding.
    if (ceilMode && (out - 1) * dim.stride >= in + padBegin)
      --out;
    // Without a whole window (ceil_mode allows a last one to overhang, even
    // the first) there is no output.
    if (out < 1)
      return std::nullopt;
  }
  Wide limit = std::numeric_limits<int64_t>::max();
  if (out > limit || padBegin > limit || padEnd > limit)
    return std::nullopt;
  return WindowExtent{int64_t(padBegin), int64_t(padEnd), int64_t(out)};
}

namespace {

RankedTensorType rankedType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

std::string dimString(int64_t d) {
  return ShapedType::isDynamic(d) ? "?" : std::to_string(d);
}

/// Attribute values above this are rejected, so that products of two of
/// them (kernel extents, strided offsets) stay far from overflow.
constexpr int64_t kMaxWindowAttr = int64_t(1) << 31;

/// Checks the window attributes shared by conv and pooling for
/// `spatialRank` dims and collects them per dim (kernel sizes from
/// `kernel`).
FailureOr<SmallVector<WindowDim>>
windowDims(std::optional<Location> loc, int64_t spatialRank,
           ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
           ArrayRef<int64_t> dilations, ArrayRef<int64_t> pads) {
  if ((int64_t)kernel.size() != spatialRank ||
      (int64_t)strides.size() != spatialRank ||
      (int64_t)dilations.size() != spatialRank ||
      (int64_t)pads.size() != 2 * spatialRank)
    return emitOptionalError(loc, "expected ", spatialRank,
                             " kernel sizes, strides and dilations and ",
                             2 * spatialRank, " pads for ", spatialRank,
                             " spatial dims");
  SmallVector<WindowDim> dims;
  for (int64_t i = 0; i < spatialRank; ++i) {
    WindowDim d{kernel[i], strides[i], dilations[i], pads[i],
                pads[i + spatialRank]};
    if (d.kernel < 1 || d.kernel > kMaxWindowAttr)
      return emitOptionalError(loc, "kernel size ", dimString(d.kernel),
                               " of spatial dim ", i,
                               " must be static and in [1, 2^31]");
    if (d.stride < 1 || d.stride > kMaxWindowAttr || d.dilation < 1 ||
        d.dilation > kMaxWindowAttr)
      return emitOptionalError(loc, "stride ", d.stride, " and dilation ",
                               d.dilation, " of spatial dim ", i,
                               " must be in [1, 2^31]");
    if (d.padBegin < 0 || d.padEnd < 0 || d.padBegin > kMaxWindowAttr ||
        d.padEnd > kMaxWindowAttr)
      return emitOptionalError(loc, "pads ", d.padBegin, ", ", d.padEnd,
                               " of spatial dim ", i,
                               " must be in [0, 2^31]");
    dims.push_back(d);
  }
  return dims;
}

/// The auto_pad mode; SAME modes compute their pads, so `pads` must be 0.
FailureOr<WindowPadding> windowPadding(std::optional<Location> loc,
                                       StringRef autoPad,
                                       ArrayRef<int64_t> pads) {
  std::optional<WindowPadding> padding = parseWindowPadding(autoPad);
  if (!padding)
    return emitOptionalError(loc, "auto_pad '", autoPad,
                             "' is not one of explicit, same_upper, "
                             "same_lower");
  if (*padding != WindowPadding::Explicit &&
      llvm::any_of(pads, [](int64_t p) { return p != 0; }))
    return emitOptionalError(loc, "pads must be 0 with auto_pad '", autoPad,
                             "'");
  return *padding;
}

/// Appends the output size of every spatial dim of `input` (dims 2...):
/// dynamic where the input's is.
LogicalResult appendWindowOutputs(std::optional<Location> loc,
                                  RankedTensorType input,
                                  ArrayRef<WindowDim> dims,
                                  WindowPadding padding, bool ceilMode,
                                  SmallVectorImpl<int64_t> &shape) {
  for (auto [i, dim] : llvm::enumerate(dims)) {
    int64_t in = input.getDimSize(i + 2);
    if (ShapedType::isDynamic(in)) {
      shape.push_back(ShapedType::kDynamic);
      continue;
    }
    std::optional<WindowExtent> extent =
        resolveWindow(in, dim, padding, ceilMode);
    if (!extent)
      return emitOptionalError(
          loc, "spatial dim ", i, " of size ", in, " padded by ",
          dim.padBegin, " and ", dim.padEnd,
          " is shorter than the kernel of size ", dim.kernel,
          " dilated by ", dim.dilation);
    shape.push_back(extent->out);
  }
  return success();
}

/// Input and weight of a (transposed) convolution: rank >= 3, one float
/// element type (or, with `allowI32`, i32: the exact integer convolution of
/// ConvInteger and QLinearConv), static channels and a static weight.
LogicalResult checkConvOperands(std::optional<Location> loc,
                                RankedTensorType input,
                                RankedTensorType weight, Value bias,
                                int64_t group, bool allowI32) {
  if (input.getRank() < 3 || weight.getRank() != input.getRank())
    return emitOptionalError(loc,
                             "input and weight must have the same rank >= 3, "
                             "got ",
                             input.getRank(), " and ", weight.getRank());
  Type element = input.getElementType();
  bool supported = isa<FloatType>(element) ||
                   (allowI32 && element.isSignlessInteger(32));
  if (!supported || weight.getElementType() != element)
    return emitOptionalError(loc, "input and weight must share a "
                                  "floating-point element type",
                             allowI32 ? " or i32" : "");
  if (input.isDynamicDim(1) || !weight.hasStaticShape())
    return emitOptionalError(
        loc, "the input channels and the weight shape must be static, got ",
        formatShape(input.getShape()), " and ",
        formatShape(weight.getShape()));
  if (group < 1 || input.getDimSize(1) % group != 0)
    return emitOptionalError(loc, "group ", group, " does not divide the ",
                             input.getDimSize(1), " input channels");
  if (bias) {
    RankedTensorType b = rankedType(bias);
    if (b.getRank() != 1 || b.getElementType() != input.getElementType())
      return emitOptionalError(loc, "bias must be 1-D with the input's "
                                    "element type");
  }
  return success();
}

/// The bias, if any, has one element per output channel (statically, so
/// that reading it needs no check).
LogicalResult checkBias(std::optional<Location> loc, Value bias,
                        int64_t channels) {
  if (!bias)
    return success();
  int64_t n = rankedType(bias).getDimSize(0);
  if (n != channels)
    return emitOptionalError(loc, "bias has ", dimString(n), " elements for ",
                             channels,
                             " output channels");
  return success();
}

/// A declared result may know a spatial dim that inference leaves symbolic
/// (the lowering checks it at run time), but not the batch dim, which the
/// lowering takes from the input.
bool windowResultsCompatible(TypeRange inferred, TypeRange declared) {
  if (!isRefinementOf(inferred, declared))
    return false;
  return llvm::all_of(llvm::zip(inferred, declared), [](auto pair) {
    return cast<RankedTensorType>(std::get<0>(pair)).getDimSize(0) ==
           cast<RankedTensorType>(std::get<1>(pair)).getDimSize(0);
  });
}

} // namespace

//===----------------------------------------------------------------------===//
// Convolutions
//===----------------------------------------------------------------------===//

LogicalResult ConvOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &types) {
  RankedTensorType input = rankedType(adaptor.getInput());
  RankedTensorType weight = rankedType(adaptor.getWeight());
  int64_t group = adaptor.getGroup();
  if (failed(checkConvOperands(loc, input, weight, adaptor.getBias(), group,
                               /*allowI32=*/true)))
    return failure();
  int64_t channels = input.getDimSize(1), filters = weight.getDimSize(0);
  if (weight.getDimSize(1) * group != channels || filters % group != 0)
    return emitOptionalError(loc, "weight ", formatShape(weight.getShape()),
                             " does not fit ", channels,
                             " input channels in ", group, " groups");
  if (failed(checkBias(loc, adaptor.getBias(), filters)))
    return failure();
  FailureOr<SmallVector<WindowDim>> dims =
      windowDims(loc, input.getRank() - 2, weight.getShape().drop_front(2),
                 adaptor.getStrides(), adaptor.getDilations(),
                 adaptor.getPads());
  if (failed(dims))
    return failure();
  FailureOr<WindowPadding> padding =
      windowPadding(loc, adaptor.getAutoPad(), adaptor.getPads());
  if (failed(padding))
    return failure();
  SmallVector<int64_t> shape = {input.getDimSize(0), filters};
  if (failed(appendWindowOutputs(loc, input, *dims, *padding,
                                 /*ceilMode=*/false, shape)))
    return failure();
  types.push_back(input.clone(shape));
  return success();
}
bool ConvOp::isCompatibleReturnTypes(TypeRange l, TypeRange r) {
  return windowResultsCompatible(l, r);
}

LogicalResult ConvTransposeOp::inferReturnTypes(MLIRContext *,
                                                std::optional<Location> loc,
                                                Adaptor adaptor,
                                                SmallVectorImpl<Type> &types) {
  RankedTensorType input = rankedType(adaptor.getInput());
  RankedTensorType weight = rankedType(adaptor.getWeight());
  int64_t group = adaptor.getGroup();
  if (failed(checkConvOperands(loc, input, weight, adaptor.getBias(), group,
                               /*allowI32=*/false)))
    return failure();
  int64_t channels = input.getDimSize(1);
  if (weight.getDimSize(0) != channels)
    return emitOptionalError(loc, "weight ", formatShape(weight.getShape()),
                             " does not start with the ", channels,
                             " input channels");
  int64_t filters = weight.getDimSize(1) * group;
  if (failed(checkBias(loc, adaptor.getBias(), filters)))
    return failure();
  int64_t spatialRank = input.getRank() - 2;
  FailureOr<SmallVector<WindowDim>> dims = windowDims(
      loc, spatialRank, weight.getShape().drop_front(2), adaptor.getStrides(),
      adaptor.getDilations(), adaptor.getPads());
  if (failed(dims))
    return failure();
  ArrayRef<int64_t> outputPadding = adaptor.getOutputPadding();
  if ((int64_t)outputPadding.size() != spatialRank ||
      llvm::any_of(outputPadding, [](int64_t p) {
        return p < 0 || p > kMaxWindowAttr;
      }))
    return emitOptionalError(loc, "expected ", spatialRank,
                             " output paddings in [0, 2^31]");
  SmallVector<int64_t> shape = {input.getDimSize(0), filters};
  for (auto [i, dim] : llvm::enumerate(*dims)) {
    int64_t in = input.getDimSize(i + 2);
    if (ShapedType::isDynamic(in)) {
      shape.push_back(ShapedType::kDynamic);
      continue;
    }
    __int128 out = __int128(dim.stride) * (in - 1) + outputPadding[i] +
                   __int128(dim.kernel - 1) * dim.dilation + 1 -
                   dim.padBegin - dim.padEnd;
    if (in < 1 || out < 1 || out > std::numeric_limits<int64_t>::max())
      return emitOptionalError(loc, "spatial dim ", i, " of size ", in,
                               " gives no valid output size with pads ",
                               dim.padBegin, " and ", dim.padEnd);
    shape.push_back(int64_t(out));
  }
  types.push_back(input.clone(shape));
  return success();
}
bool ConvTransposeOp::isCompatibleReturnTypes(TypeRange l, TypeRange r) {
  return windowResultsCompatible(l, r);
}

//===----------------------------------------------------------------------===//
// Pooling and normalization
//===----------------------------------------------------------------------===//

/// The shape of a pooling op's result(s).
static FailureOr<RankedTensorType>
inferPool(std::optional<Location> loc, RankedTensorType input,
          ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
          ArrayRef<int64_t> dilations, ArrayRef<int64_t> pads,
          StringRef autoPad, bool ceilMode) {
  if (input.getRank() < 3)
    return emitOptionalError(loc, "input must have rank >= 3, got ",
                             input.getRank());
  FailureOr<SmallVector<WindowDim>> dims = windowDims(
      loc, input.getRank() - 2, kernel, strides, dilations, pads);
  if (failed(dims))
    return failure();
  FailureOr<WindowPadding> padding = windowPadding(loc, autoPad, pads);
  if (failed(padding))
    return failure();
  SmallVector<int64_t> shape(input.getShape().take_front(2));
  if (failed(appendWindowOutputs(loc, input, *dims, *padding, ceilMode,
                                 shape)))
    return failure();
  return input.clone(shape);
}

LogicalResult MaxPoolOp::inferReturnTypes(MLIRContext *context,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  RankedTensorType input = rankedType(adaptor.getInput());
  Type element = input.getElementType();
  auto integer = dyn_cast<IntegerType>(element);
  if (!isa<FloatType>(element) && !(integer && integer.getWidth() > 1))
    return emitOptionalError(loc, "max_pool needs a float or integer input, "
                                  "got ",
                             element);
  if (adaptor.getStorageOrder() != 0 && adaptor.getStorageOrder() != 1)
    return emitOptionalError(loc, "storage_order must be 0 or 1, got ",
                             adaptor.getStorageOrder());
  FailureOr<RankedTensorType> result = inferPool(
      loc, input, adaptor.getKernelShape(), adaptor.getStrides(),
      adaptor.getDilations(), adaptor.getPads(), adaptor.getAutoPad(),
      adaptor.getCeilMode());
  if (failed(result))
    return failure();
  types.push_back(*result);
  if (adaptor.getWithIndices())
    types.push_back(result->clone(IntegerType::get(context, 64)));
  return success();
}
bool MaxPoolOp::isCompatibleReturnTypes(TypeRange l, TypeRange r) {
  return windowResultsCompatible(l, r);
}

LogicalResult AveragePoolOp::inferReturnTypes(MLIRContext *,
                                              std::optional<Location> loc,
                                              Adaptor adaptor,
                                              SmallVectorImpl<Type> &types) {
  RankedTensorType input = rankedType(adaptor.getInput());
  if (!isa<FloatType>(input.getElementType()))
    return emitOptionalError(loc, "average_pool needs a floating-point "
                                  "input, got ",
                             input.getElementType());
  FailureOr<RankedTensorType> result = inferPool(
      loc, input, adaptor.getKernelShape(), adaptor.getStrides(),
      adaptor.getDilations(), adaptor.getPads(), adaptor.getAutoPad(),
      adaptor.getCeilMode());
  if (failed(result))
    return failure();
  types.push_back(*result);
  return success();
}
bool AveragePoolOp::isCompatibleReturnTypes(TypeRange l, TypeRange r) {
  return windowResultsCompatible(l, r);
}

LogicalResult LRNOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &types) {
  // The result type is parsed from the input's, before the attributes are
  // there to read: the checks are in the verifier.
  types.push_back(adaptor.getInput().getType());
  return success();
}
/// The lowering builds the result from the input's dims.
bool LRNOp::isCompatibleReturnTypes(TypeRange l, TypeRange r) {
  return l == r;
}

LogicalResult LRNOp::verify() {
  auto input = cast<RankedTensorType>(getInput().getType());
  if (!isa<FloatType>(input.getElementType()) || input.getRank() < 2)
    return emitOpError("needs a floating-point input of rank >= 2");
  int64_t size = getSizeAttr().getInt();
  if (size < 1 || size > kMaxWindowAttr)
    return emitOpError("size ") << size << " must be in [1, 2^31]";
  return success();
}

//===----------------------------------------------------------------------===//
// Resize
//===----------------------------------------------------------------------===//

/// A run-time list operand of model.resize: 1-D, `length` elements of a
/// float (or i64) element type.
static LogicalResult checkResizeList(std::optional<Location> loc, Value list,
                                     StringRef what, int64_t length,
                                     bool isFloat) {
  if (!list)
    return success();
  RankedTensorType type = rankedType(list);
  Type element = type.getElementType();
  if (type.getRank() != 1 || type.getDimSize(0) != length ||
      (isFloat ? !isa<FloatType>(element) : !element.isInteger(64)))
    return emitOptionalError(loc, what, " must be a 1-D ",
                             isFloat ? "float" : "i64", " tensor of ", length,
                             " elements, got ", type);
  return success();
}

LogicalResult ResizeOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  RankedTensorType input = rankedType(adaptor.getInput());
  int64_t rank = input.getRank();
  ArrayRef<double> scales = adaptor.getScales();
  ArrayRef<int64_t> sizes = adaptor.getSizes();
  Value scalesInput = adaptor.getScalesInput();
  Value sizesInput = adaptor.getSizesInput();
  int given = !scales.empty() + !sizes.empty() + bool(scalesInput) +
              bool(sizesInput);
  if (given != 1 || (!scales.empty() && (int64_t)scales.size() != rank) ||
      (!sizes.empty() && (int64_t)sizes.size() != rank))
    return emitOptionalError(loc, "exactly one of scales and sizes must be "
                                  "given, with one entry per dim (",
                             rank, ")");
  if (failed(checkResizeList(loc, scalesInput, "scales", rank, true)) ||
      failed(checkResizeList(loc, sizesInput, "sizes", rank, false)) ||
      failed(checkResizeList(loc, adaptor.getRoiInput(), "roi", 2 * rank,
                             true)))
    return failure();
  StringRef mode = adaptor.getMode();
  if (mode != "nearest" && mode != "linear" && mode != "cubic")
    return emitOptionalError(loc, "mode '", mode,
                             "' is not one of nearest, linear, cubic");
  if (mode != "nearest" && !isa<FloatType>(input.getElementType()))
    return emitOptionalError(loc, mode, " resize needs a floating-point "
                                        "input, got ",
                             input.getElementType());
  StringRef coordinates = adaptor.getCoordinateMode();
  if (!llvm::is_contained({"half_pixel", "half_pixel_symmetric",
                           "pytorch_half_pixel", "align_corners", "asymmetric",
                           "tf_half_pixel_for_nn", "tf_crop_and_resize"},
                          coordinates))
    return emitOptionalError(loc, "coordinate_mode '", coordinates,
                             "' is not supported");
  StringRef nearest = adaptor.getNearestMode();
  if (!llvm::is_contained({"round_prefer_floor", "round_prefer_ceil", "floor",
                           "ceil", "simple"},
                          nearest))
    return emitOptionalError(loc, "nearest_mode '", nearest,
                             "' is not supported");
  if (coordinates == "tf_crop_and_resize" && !adaptor.getRoiInput() &&
      (int64_t)adaptor.getRoi().size() != 2 * rank)
    return emitOptionalError(loc, "tf_crop_and_resize needs ", 2 * rank,
                             " roi entries, got ", adaptor.getRoi().size());
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < rank; ++i) {
    int64_t in = input.getDimSize(i);
    if (scalesInput || sizesInput) {
      shape.push_back(ShapedType::kDynamic);
      continue;
    }
    if (!sizes.empty()) {
      if (sizes[i] < 0)
        return emitOptionalError(loc, "size ", sizes[i], " of dim ", i,
                                 " is negative");
      shape.push_back(sizes[i]);
    } else if (!(scales[i] > 0) || !std::isfinite(scales[i])) {
      return emitOptionalError(loc, "scale ", scales[i], " of dim ", i,
                               " is not positive");
    } else if (ShapedType::isDynamic(in)) {
      shape.push_back(ShapedType::kDynamic);
    } else {
      double out = std::floor(double(in) * scales[i]);
      if (out > double(int64_t(1) << 62))
        return emitOptionalError(loc, "dim ", i, " of size ", in,
                                 " scaled by ", scales[i], " overflows");
      shape.push_back(int64_t(out));
    }
    if (in == 0 && shape.back() != 0)
      return emitOptionalError(loc, "dim ", i,
                               " is empty and cannot be resized to ",
                               dimString(shape.back()));
  }
  types.push_back(input.clone(shape));
  return success();
}
/// The lowering builds the result from the input's dims and the scales.
bool ResizeOp::isCompatibleReturnTypes(TypeRange l, TypeRange r) {
  return l == r;
}
