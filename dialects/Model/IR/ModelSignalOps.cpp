//===- ModelSignalOps.cpp - Inference, verifiers and folds of signal ops --===//
//
// The ops of ModelSignalOps.td (dft, stft, mel_weight_matrix, grid_sample,
// det, max_unpool); their classes are generated into ModelOps.cpp.inc with the rest of
// the dialect.
//
//===----------------------------------------------------------------------===//
#include "dialects/Model/IR/ModelOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace kiln::model;

#define KILN_REFINABLE(OP)                                                     \
  bool OP::isCompatibleReturnTypes(TypeRange l, TypeRange r) {                 \
    return isRefinementOf(l, r);                                               \
  }

KILN_REFINABLE(DFTOp)
KILN_REFINABLE(STFTOp)
KILN_REFINABLE(MelWeightMatrixOp)
KILN_REFINABLE(GridSampleOp)
KILN_REFINABLE(DetOp)
KILN_REFINABLE(MaxUnpoolOp)

static RankedTensorType rankedType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// Sizes beyond this are rejected where an op computes one from a constant,
/// so that the arithmetic on them (N * N twiddle indices) cannot overflow.
static constexpr int64_t kMaxSignalLength = int64_t(1) << 31;

/// Checks that `value` is a rank-0 tensor of i32 or i64 (`what` names it).
static LogicalResult checkIntScalar(std::optional<Location> loc, Value value,
                                    StringRef what) {
  RankedTensorType type = rankedType(value);
  Type element = type.getElementType();
  if (type.getRank() != 0 ||
      !(element.isSignlessInteger(32) || element.isSignlessInteger(64)))
    return emitOptionalError(loc, what,
                             " must be a rank-0 i32 or i64 tensor, got ", type);
  return success();
}

/// The value of a constant rank-0 integer operand, when it is one.
static std::optional<int64_t> constantInt(Value value) {
  DenseIntElementsAttr attr;
  if (!value || !matchPattern(value, m_Constant(&attr)) ||
      attr.getNumElements() != 1)
    return std::nullopt;
  return (*attr.getValues<APInt>().begin()).getSExtValue();
}

/// The number of bins of a onesided DFT of `length` points.
static int64_t onesidedBins(int64_t length) {
  return ShapedType::isDynamic(length) ? length : length / 2 + 1;
}

//===----------------------------------------------------------------------===//
// DFT
//===----------------------------------------------------------------------===//

LogicalResult DFTOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &types) {
  RankedTensorType input = rankedType(adaptor.getInput());
  int64_t rank = input.getRank();
  if (!isa<FloatType>(input.getElementType()) || rank < 2)
    return emitOptionalError(loc, "needs a floating-point input of rank >= 2, "
                                  "got ",
                             input);
  int64_t components = input.getDimSize(rank - 1);
  if (components != 1 && components != 2)
    return emitOptionalError(loc, "the last dim of the input must be 1 (real) "
                                  "or 2 (complex), got ",
                             input);
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= rank - 1)
    return emitOptionalError(loc, "axis ", axis, " is out of range [0, ",
                             rank - 1, ")");
  if (adaptor.getOnesided() && components != 1)
    return emitOptionalError(loc, "onesided needs a real input (last dim 1)");
  int64_t length = input.getDimSize(axis);
  if (std::optional<int64_t> given = adaptor.getLength()) {
    if (*given < 1 || *given > kMaxSignalLength)
      return emitOptionalError(loc, "length ", *given,
                               " must be in [1, 2^31]");
    length = *given;
  }
  SmallVector<int64_t> shape(input.getShape());
  shape[axis] = adaptor.getOnesided() ? onesidedBins(length) : length;
  shape[rank - 1] = 2;
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// STFT
//===----------------------------------------------------------------------===//

LogicalResult STFTOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &types) {
  RankedTensorType signal = rankedType(adaptor.getSignal());
  Type element = signal.getElementType();
  if (!isa<FloatType>(element) || signal.getRank() != 3)
    return emitOptionalError(loc, "the signal must be a floating-point "
                                  "[batch, length, 1 or 2] tensor, got ",
                             signal);
  int64_t components = signal.getDimSize(2);
  if (components != 1 && components != 2)
    return emitOptionalError(loc, "the last dim of the signal must be 1 "
                                  "(real) or 2 (complex), got ",
                             signal);
  if (adaptor.getOnesided() && components != 1)
    return emitOptionalError(loc, "onesided needs a real signal (last dim 1)");
  if (failed(checkIntScalar(loc, adaptor.getFrameStep(), "frame_step")))
    return failure();
  Value window = adaptor.getWindow(), frameLength = adaptor.getFrameLength();
  if (!window && !frameLength)
    return emitOptionalError(loc, "needs a window or a frame_length");
  int64_t length = ShapedType::kDynamic;
  if (window) {
    RankedTensorType type = rankedType(window);
    if (type.getRank() != 1 || type.getElementType() != element)
      return emitOptionalError(loc, "the window must be a 1-D tensor of ",
                               element, ", got ", type);
    length = type.getDimSize(0);
  }
  if (frameLength) {
    if (failed(checkIntScalar(loc, frameLength, "frame_length")))
      return failure();
    if (std::optional<int64_t> given = constantInt(frameLength)) {
      if (*given < 1 || *given > kMaxSignalLength)
        return emitOptionalError(loc, "frame_length ", *given,
                                 " must be in [1, 2^31]");
      if (!ShapedType::isDynamic(length) && length != *given)
        return emitOptionalError(loc, "frame_length ", *given,
                                 " differs from the window's length ",
                                 length);
      length = *given;
    }
  }
  if (!ShapedType::isDynamic(length) && (length < 1 || length > kMaxSignalLength))
    return emitOptionalError(loc, "the frame length ", length,
                             " must be in [1, 2^31]");
  std::optional<int64_t> step = constantInt(adaptor.getFrameStep());
  if (step && *step < 1)
    return emitOptionalError(loc, "frame_step ", *step, " must be positive");
  int64_t frames = ShapedType::kDynamic;
  int64_t signalLength = signal.getDimSize(1);
  if (step && !ShapedType::isDynamic(length) &&
      !ShapedType::isDynamic(signalLength)) {
    if (length > signalLength)
      return emitOptionalError(loc, "the frame length ", length,
                               " exceeds the signal's length ", signalLength);
    frames = (signalLength - length) / *step + 1;
  }
  int64_t bins = adaptor.getOnesided() ? onesidedBins(length) : length;
  types.push_back(RankedTensorType::get(
      {signal.getDimSize(0), frames, bins, 2}, element));
  return success();
}

//===----------------------------------------------------------------------===//
// MelWeightMatrix
//===----------------------------------------------------------------------===//

/// Checks that `value` is a rank-0 float tensor.
static LogicalResult checkFloatScalar(std::optional<Location> loc,
                                      Value value, StringRef what) {
  RankedTensorType type = rankedType(value);
  if (type.getRank() != 0 || !isa<FloatType>(type.getElementType()))
    return emitOptionalError(loc, what, " must be a rank-0 float tensor, got ",
                             type);
  return success();
}

LogicalResult MelWeightMatrixOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  if (failed(checkIntScalar(loc, adaptor.getNumMelBins(), "num_mel_bins")) ||
      failed(checkIntScalar(loc, adaptor.getDftLength(), "dft_length")) ||
      failed(checkIntScalar(loc, adaptor.getSampleRate(), "sample_rate")) ||
      failed(checkFloatScalar(loc, adaptor.getLowerEdgeHertz(),
                              "lower_edge_hertz")) ||
      failed(checkFloatScalar(loc, adaptor.getUpperEdgeHertz(),
                              "upper_edge_hertz")))
    return failure();
  Type element = adaptor.getElementType();
  if (!(isa<FloatType>(element) ||
        (isa<IntegerType>(element) && !element.isInteger(1))))
    return emitOptionalError(loc, "element_type must be a float or integer "
                                  "type (not i1), got ",
                             element);
  int64_t bins = ShapedType::kDynamic, mels = ShapedType::kDynamic;
  if (std::optional<int64_t> m = constantInt(adaptor.getNumMelBins())) {
    if (*m < 0 || *m > kMaxSignalLength)
      return emitOptionalError(loc, "num_mel_bins ", *m,
                               " must be in [0, 2^31]");
    mels = *m;
  }
  if (std::optional<int64_t> d = constantInt(adaptor.getDftLength())) {
    if (*d < 0 || *d > kMaxSignalLength)
      return emitOptionalError(loc, "dft_length ", *d, " must be in [0, 2^31]");
    bins = *d / 2 + 1;
  }
  if (std::optional<int64_t> r = constantInt(adaptor.getSampleRate()); r && *r < 1)
    return emitOptionalError(loc, "sample_rate ", *r, " must be positive");
  types.push_back(RankedTensorType::get({bins, mels}, element));
  return success();
}

/// Mel matrices up to this many elements fold; beyond, computing them at
/// run time is cheaper than storing them.
static constexpr int64_t kMaxMelFoldElements = int64_t(1) << 22;

OpFoldResult MelWeightMatrixOp::fold(FoldAdaptor adaptor) {
  auto intOf = [](Attribute a) -> std::optional<int64_t> {
    auto d = dyn_cast_or_null<DenseIntElementsAttr>(a);
    if (!d || d.getNumElements() != 1)
      return std::nullopt;
    return (*d.getValues<APInt>().begin()).getSExtValue();
  };
  auto floatOf = [](Attribute a) -> std::optional<double> {
    auto d = dyn_cast_or_null<DenseFPElementsAttr>(a);
    if (!d || d.getNumElements() != 1)
      return std::nullopt;
    return (*d.getValues<APFloat>().begin()).convertToDouble();
  };
  std::optional<int64_t> mels = intOf(adaptor.getNumMelBins()),
                         dft = intOf(adaptor.getDftLength()),
                         rate = intOf(adaptor.getSampleRate());
  std::optional<double> lower = floatOf(adaptor.getLowerEdgeHertz()),
                        upper = floatOf(adaptor.getUpperEdgeHertz());
  auto type = cast<RankedTensorType>(getType());
  if (!mels || !dft || !rate || !lower || !upper || !type.hasStaticShape() ||
      type.getNumElements() > kMaxMelFoldElements)
    return {};
  int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
  auto mel = [](double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); };
  double low = mel(*lower), step = (mel(*upper) - low) / double(cols + 2);
  SmallVector<int64_t> edges;
  for (int64_t m = 0; m < cols + 2; ++m) {
    double hz = 700.0 * (std::pow(10.0, (low + double(m) * step) / 2595.0) - 1);
    edges.push_back(
        int64_t(std::floor(double(*dft + 1) * hz / double(*rate))));
  }
  Type element = type.getElementType();
  SmallVector<Attribute> values;
  values.reserve(rows * cols);
  for (int64_t j = 0; j < rows; ++j) {
    for (int64_t i = 0; i < cols; ++i) {
      int64_t l = edges[i], c = edges[i + 1], h = edges[i + 2];
      double v = 0;
      if (c > l && l <= j && j <= c)
        v = double(j - l) / double(c - l);
      if (c == l && j == c)
        v = 1;
      if (h > c && c <= j && j < h)
        v = double(h - j) / double(h - c);
      if (auto f = dyn_cast<FloatType>(element)) {
        APFloat x(v);
        bool lost;
        x.convert(f.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
        values.push_back(FloatAttr::get(element, x));
      } else {
        // v is in [0, 1]: only 1 survives the truncation to an integer.
        values.push_back(IntegerAttr::get(element, int64_t(v)));
      }
    }
  }
  return DenseElementsAttr::get(type, values);
}

//===----------------------------------------------------------------------===//
// GridSample
//===----------------------------------------------------------------------===//

LogicalResult GridSampleOp::inferReturnTypes(MLIRContext *,
                                             std::optional<Location> loc,
                                             Adaptor adaptor,
                                             SmallVectorImpl<Type> &types) {
  RankedTensorType input = rankedType(adaptor.getInput());
  RankedTensorType grid = rankedType(adaptor.getGrid());
  int64_t rank = input.getRank(), spatial = rank - 2;
  if (!isa<FloatType>(input.getElementType()) || rank < 3)
    return emitOptionalError(loc, "needs a floating-point input of rank >= 3, "
                                  "got ",
                             input);
  if (!isa<FloatType>(grid.getElementType()) || grid.getRank() != rank ||
      grid.getDimSize(rank - 1) != spatial)
    return emitOptionalError(loc, "the grid must be a floating-point [N, ",
                             "out..., ", spatial, "] tensor for ", spatial,
                             " spatial dims, got ", grid);
  for (int64_t i = 2; i < rank; ++i)
    if (input.getDimSize(i) == 0)
      return emitOptionalError(loc, "spatial dim ", i - 2,
                               " of the input is empty: there is nothing to "
                               "sample");
  int64_t n = input.getDimSize(0), gn = grid.getDimSize(0);
  if (!ShapedType::isDynamic(n) && !ShapedType::isDynamic(gn) && n != gn)
    return emitOptionalError(loc, "the batch of the grid (", gn,
                             ") differs from the input's (", n, ")");
  StringRef mode = adaptor.getMode();
  if (mode != "linear" && mode != "nearest" && mode != "cubic")
    return emitOptionalError(loc, "mode '", mode,
                             "' is not one of linear, nearest, cubic");
  if (mode == "cubic" && spatial != 2)
    return emitOptionalError(loc, "cubic mode needs 2 spatial dims, got ",
                             spatial);
  StringRef padding = adaptor.getPaddingMode();
  if (padding != "zeros" && padding != "border" && padding != "reflection")
    return emitOptionalError(loc, "padding_mode '", padding,
                             "' is not one of zeros, border, reflection");
  SmallVector<int64_t> shape = {ShapedType::isDynamic(n) ? gn : n,
                                input.getDimSize(1)};
  for (int64_t i = 1; i <= spatial; ++i)
    shape.push_back(grid.getDimSize(i));
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// Det
//===----------------------------------------------------------------------===//

LogicalResult DetOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &types) {
  RankedTensorType input = rankedType(adaptor.getInput());
  int64_t rank = input.getRank();
  if (!isa<FloatType>(input.getElementType()) || rank < 2)
    return emitOptionalError(loc, "needs a floating-point input of rank >= 2, "
                                  "got ",
                             input);
  int64_t rows = input.getDimSize(rank - 2), cols = input.getDimSize(rank - 1);
  if (!ShapedType::isDynamic(rows) && !ShapedType::isDynamic(cols) &&
      rows != cols)
    return emitOptionalError(loc, "needs square matrices, got ", input);
  types.push_back(RankedTensorType::get(input.getShape().drop_back(2),
                                        input.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// MaxUnpool
//===----------------------------------------------------------------------===//

/// The unpooled size of one spatial dim of `in` elements; kDynamic for a
/// dynamic `in`, nullopt when it is negative or overflows.
static std::optional<int64_t> unpooledSize(int64_t in, int64_t kernel,
                                           int64_t stride, int64_t pads) {
  if (ShapedType::isDynamic(in))
    return ShapedType::kDynamic;
  __int128 size = __int128(in - 1) * stride + kernel - pads;
  if (in < 1 || size < 0 || size > std::numeric_limits<int64_t>::max())
    return std::nullopt;
  return int64_t(size);
}

LogicalResult MaxUnpoolOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  RankedTensorType input = rankedType(adaptor.getInput());
  RankedTensorType indices = rankedType(adaptor.getIndices());
  int64_t rank = input.getRank(), spatial = rank - 2;
  if (!isa<FloatType>(input.getElementType()) || rank < 3)
    return emitOptionalError(loc, "needs a floating-point input of rank >= 3, "
                                  "got ",
                             input);
  if (!indices.getElementType().isInteger(64) || indices.getRank() != rank ||
      failed(verifyCompatibleShape(input.getShape(), indices.getShape())))
    return emitOptionalError(loc, "the indices must be an i64 tensor of the "
                                  "input's shape, got ",
                             indices);
  ArrayRef<int64_t> kernel = adaptor.getKernelShape(),
                    strides = adaptor.getStrides(), pads = adaptor.getPads();
  if ((int64_t)kernel.size() != spatial || (int64_t)strides.size() != spatial ||
      (int64_t)pads.size() != 2 * spatial)
    return emitOptionalError(loc, "expected ", spatial,
                             " kernel sizes and strides and ", 2 * spatial,
                             " pads for ", spatial, " spatial dims");
  SmallVector<int64_t> shape = {input.getDimSize(0), input.getDimSize(1)};
  for (int64_t i = 0; i < spatial; ++i) {
    if (kernel[i] < 1 || kernel[i] > kMaxSignalLength || strides[i] < 1 ||
        strides[i] > kMaxSignalLength || pads[i] < 0 ||
        pads[i + spatial] < 0 || pads[i] > kMaxSignalLength ||
        pads[i + spatial] > kMaxSignalLength)
      return emitOptionalError(loc, "kernel size ", kernel[i], ", stride ",
                               strides[i], " and pads ", pads[i], ", ",
                               pads[i + spatial], " of spatial dim ", i,
                               " must be in [1, 2^31], [1, 2^31], [0, 2^31]");
    std::optional<int64_t> size =
        unpooledSize(input.getDimSize(i + 2), kernel[i], strides[i],
                     pads[i] + pads[i + spatial]);
    if (!size)
      return emitOptionalError(loc, "spatial dim ", i,
                               " has no valid unpooled size for input ",
                               input);
    shape.push_back(*size);
  }
  if (Value outputShape = adaptor.getOutputShape()) {
    RankedTensorType type = rankedType(outputShape);
    if (type.getRank() != 1 || type.getDimSize(0) != rank ||
        !type.getElementType().isInteger(64))
      return emitOptionalError(loc, "output_shape must be a 1-D i64 tensor of ",
                               rank, " elements, got ", type);
    DenseIntElementsAttr given;
    if (!matchPattern(outputShape, m_Constant(&given))) {
      shape.assign(rank, ShapedType::kDynamic);
    } else {
      SmallVector<int64_t> dims;
      for (const APInt &d : given.getValues<APInt>())
        dims.push_back(d.getSExtValue());
      for (int64_t i = 0; i < rank; ++i) {
        bool batchOrChannel = i < 2;
        if (dims[i] < 0 ||
            (!ShapedType::isDynamic(shape[i]) &&
             (batchOrChannel ? dims[i] != shape[i] : dims[i] < shape[i])))
          return emitOptionalError(
              loc, "output_shape ", formatShape(dims),
              " does not hold the unpooled shape ", formatShape(shape));
      }
      shape = dims;
    }
  }
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}
