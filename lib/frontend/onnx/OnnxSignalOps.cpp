//===- OnnxSignalOps.cpp - Signal ops, GridSample, Det, MaxUnpool --------===//
//
// Each op imports to its one model op (ModelSignalOps.td). Version history
// (ONNX operator changelog): DFT-17 takes `axis` as an attribute; DFT-20
// moves it to an input and redefines onesided inverse transforms, so the
// DFT row stops at 19. STFT-17 and MelWeightMatrix-17 are unchanged through
// 21. GridSample-16 is 4-D only with modes bilinear/nearest/bicubic;
// GridSample-20 generalizes to N-D and renames the modes linear/nearest/
// cubic (cubic stays 2-D). Det-11 is unchanged through 21; MaxUnpool-11
// only rewrote MaxUnpool-9's text.
//
//===----------------------------------------------------------------------===//
#include "lib/frontend/onnx/OnnxImporterImpl.h"

using namespace mlir;
using namespace kiln::onnx_frontend;
namespace model = kiln::model;

namespace {

/// A 0/1 INT attribute as a bool; any other value is rejected by name.
FailureOr<bool> flagAttr(NodeImporter &n, StringRef name, int64_t dflt) {
  FailureOr<int64_t> value = n.intAttr(name, dflt);
  if (failed(value))
    return failure();
  if (*value != 0 && *value != 1)
    return n.emitError() << name << " must be 0 or 1, got " << *value;
  return *value == 1;
}

LogicalResult importDFT(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 2)))
    return failure();
  FailureOr<int64_t> axis = n.intAttr("axis", 1);
  FailureOr<bool> inverse = flagAttr(n, "inverse", 0);
  FailureOr<bool> onesided = flagAttr(n, "onesided", 0);
  FailureOr<RankedTensorType> type = n.inputType(0);
  if (failed(axis) || failed(inverse) || failed(onesided) || failed(type))
    return failure();
  int64_t rank = type->getRank();
  if (rank < 2)
    return n.emitError() << "the input must have rank >= 2, got " << *type;
  FailureOr<int64_t> normalized = n.normalizeAxis(*axis, rank);
  if (failed(normalized))
    return failure();
  if (*normalized == rank - 1)
    return n.emitError() << "axis " << *axis
                         << " addresses the real/imaginary dim";
  if (*onesided && type->getDimSize(rank - 1) != 1)
    return n.emitError() << "onesided with a complex input is not supported "
                            "(ONNX defines it for real inputs only)";
  SmallVector<NamedAttribute> attrs = {n.named("axis", n.i64(*normalized))};
  if (*inverse)
    attrs.push_back(n.named("inverse", BoolAttr::get(n.getContext(), true)));
  if (*onesided)
    attrs.push_back(n.named("onesided", BoolAttr::get(n.getContext(), true)));
  if (n.hasInput(1)) {
    // A run-time dft_length would make the transform's size data-dependent;
    // exporters pass a constant.
    FailureOr<SmallVector<int64_t>> length =
        n.constantIntInput(1, "dft_length");
    if (failed(length))
      return failure();
    if (length->size() != 1)
      return n.emitError() << "dft_length must hold one value, got "
                           << length->size();
    attrs.push_back(n.named("length", n.i64((*length)[0])));
  }
  FailureOr<Value> input = n.input(0);
  if (failed(input))
    return failure();
  return n.setOutput(0, n.create<model::DFTOp>({*input}, attrs));
}

LogicalResult importSTFT(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 4)))
    return failure();
  FailureOr<bool> onesided = flagAttr(n, "onesided", 1);
  FailureOr<RankedTensorType> type = n.inputType(0);
  if (failed(onesided) || failed(type))
    return failure();
  if (*onesided && type->getRank() == 3 && type->getDimSize(2) == 2)
    return n.emitError() << "onesided with a complex signal is not supported "
                            "(ONNX defines it for real signals only)";
  FailureOr<Value> signal = n.input(0), step = n.input(1);
  if (failed(signal) || failed(step))
    return failure();
  SmallVector<Value> operands = {*signal, *step};
  bool hasWindow = n.hasInput(2), hasLength = n.hasInput(3);
  if (!hasWindow && !hasLength)
    return n.emitError() << "needs a window or a frame_length";
  for (int64_t i : {2, 3}) {
    if (!n.hasInput(i))
      continue;
    FailureOr<Value> v = n.input(i);
    if (failed(v))
      return failure();
    operands.push_back(*v);
  }
  MLIRContext *ctx = n.getContext();
  SmallVector<NamedAttribute> attrs = {
      n.named("onesided", BoolAttr::get(ctx, *onesided)),
      n.named("operandSegmentSizes",
              DenseI32ArrayAttr::get(ctx, {1, 1, hasWindow, hasLength}))};
  return n.setOutput(0, n.create<model::STFTOp>(operands, attrs));
}

LogicalResult importMelWeightMatrix(NodeImporter &n) {
  if (failed(n.checkInputCount(5, 5)))
    return failure();
  FailureOr<int64_t> dataType = n.intAttr("output_datatype", 1);
  if (failed(dataType))
    return failure();
  Type element = n.convertElementType(*dataType);
  if (!element || element.isInteger(1))
    return n.emitError() << "output_datatype " << *dataType
                         << " is not supported";
  FailureOr<SmallVector<Value>> operands = n.leadingInputs(5);
  if (failed(operands))
    return failure();
  return n.setOutput(0, n.createOrFold<model::MelWeightMatrixOp>(
                            *operands, {n.named("element_type",
                                                TypeAttr::get(element))}));
}

LogicalResult importGridSample(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  // Opset 20 renamed the modes after generalizing them to N-D.
  bool renamed = n.opset >= 20;
  FailureOr<std::string> mode =
      n.stringAttr("mode", renamed ? "linear" : "bilinear");
  FailureOr<std::string> padding = n.stringAttr("padding_mode", "zeros");
  FailureOr<bool> alignCorners = flagAttr(n, "align_corners", 0);
  FailureOr<RankedTensorType> type = n.inputType(0);
  if (failed(mode) || failed(padding) || failed(alignCorners) || failed(type))
    return failure();
  StringRef modelMode;
  if (*mode == (renamed ? "linear" : "bilinear"))
    modelMode = "linear";
  else if (*mode == "nearest")
    modelMode = "nearest";
  else if (*mode == (renamed ? "cubic" : "bicubic"))
    modelMode = "cubic";
  else
    return n.emitError() << "mode '" << *mode << "' is not one of "
                         << (renamed ? "linear, nearest, cubic"
                                     : "bilinear, nearest, bicubic")
                         << " (opset " << n.opset << ")";
  if (*padding != "zeros" && *padding != "border" && *padding != "reflection")
    return n.emitError() << "padding_mode '" << *padding
                         << "' is not one of zeros, border, reflection";
  if (!renamed && type->getRank() != 4)
    return n.emitError() << "opset " << n.opset
                         << " defines GridSample for 4-D inputs only, got "
                         << *type;
  if (!isa<FloatType>(type->getElementType()))
    return n.emitError() << "a " << type->getElementType()
                         << " input is not supported (float types only)";
  FailureOr<SmallVector<Value>> operands = n.leadingInputs(2);
  if (failed(operands))
    return failure();
  MLIRContext *ctx = n.getContext();
  return n.setOutput(
      0, n.create<model::GridSampleOp>(
             *operands,
             {n.named("mode", StringAttr::get(ctx, modelMode)),
              n.named("padding_mode", StringAttr::get(ctx, *padding)),
              n.named("align_corners", BoolAttr::get(ctx, *alignCorners))}));
}

LogicalResult importDet(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<Value> input = n.input(0);
  if (failed(input))
    return failure();
  return n.setOutput(0, n.create<model::DetOp>({*input}));
}

/// MaxUnpool-9 and -11 share one schema (11 only rewrote the text).
LogicalResult importMaxUnpool(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 3)))
    return failure();
  FailureOr<RankedTensorType> type = n.inputType(0);
  FailureOr<OptionalInts> kernel = n.intsAttr("kernel_shape");
  FailureOr<OptionalInts> strides = n.intsAttr("strides");
  FailureOr<OptionalInts> pads = n.intsAttr("pads");
  if (failed(type) || failed(kernel) || failed(strides) || failed(pads))
    return failure();
  if (!*kernel)
    return n.emitError() << "needs the kernel_shape attribute";
  int64_t spatial = (*kernel)->size();
  if (type->getRank() != spatial + 2)
    return n.emitError() << "kernel_shape has " << spatial
                         << " entries for an input of rank "
                         << type->getRank();
  SmallVector<int64_t> strideValues =
      *strides ? **strides : SmallVector<int64_t>(spatial, 1);
  SmallVector<int64_t> padValues =
      *pads ? **pads : SmallVector<int64_t>(2 * spatial, 0);
  FailureOr<SmallVector<Value>> operands = n.leadingInputs(2);
  if (failed(operands))
    return failure();
  SmallVector<NamedAttribute> attrs = {
      n.named("kernel_shape", n.i64Array(**kernel)),
      n.named("strides", n.i64Array(strideValues)),
      n.named("pads", n.i64Array(padValues))};
  return n.setOutput(0, n.create<model::MaxUnpoolOp>(*operands, attrs));
}

const OpSupport kSignalOps[] = {
    {"DFT", 17, 19, importDFT},
    {"Det", 11, kMaxKnownOpset, importDet},
    {"GridSample", 16, kMaxKnownOpset, importGridSample},
    {"MaxUnpool", 9, kMaxKnownOpset, importMaxUnpool},
    {"MelWeightMatrix", 17, kMaxKnownOpset, importMelWeightMatrix},
    {"STFT", 17, kMaxKnownOpset, importSTFT},
};

} // namespace

ArrayRef<OpSupport> kiln::onnx_frontend::getSignalOpTable() {
  return kSignalOps;
}
