//===- OnnxQuantizationOps.cpp - Linear quantization as model formulas ----===//
//
// ONNX's linear quantization ops are affine maps between integers and floats:
// dequantize is (x - zero_point) * scale, quantize is
// saturate(round_half_even(x / scale) + zero_point). Each handler spells that
// formula with elementwise model ops (cast, sub, mul, div, round, max, min)
// and model.matmul / model.conv for the integer matmuls and convolutions, so
// no quantization-specific op or lowering exists: elementwise fusion merges
// each formula into one loop. Arithmetic is in f32 (the ONNX reference
// computes in float32) except the integer matmuls and convolutions, which
// accumulate exactly in i32 (QLinearConv rescales in f64, as the reference
// does). Unsigned tensors are cast
// to f32/i32 in the model dialect, where the signless-integer pass gives the
// cast its zero-extending meaning.
//
//===----------------------------------------------------------------------===//
#include "lib/frontend/onnx/OnnxFormula.h"

#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <cmath>

using namespace mlir;
using namespace kiln::onnx_frontend;
namespace model = kiln::model;

namespace {

/// Whether `t` is one of the 8- and 16-bit integer types the quantized
/// tensors may have: signless (ONNX's signed ints) or unsigned; int4/uint4
/// and float8 are not supported.
bool isQuantizedInteger(Type t) {
  auto integer = dyn_cast<IntegerType>(t);
  return integer && !integer.isSigned() &&
         (integer.getWidth() == 8 || integer.getWidth() == 16);
}

/// Rejects opset 21's blocked quantization (block_size > 0), which kiln does
/// not implement.
LogicalResult rejectBlocked(NodeImporter &n) {
  if (n.opset >= 21) {
    FailureOr<int64_t> blockSize = n.intAttr("block_size", 0);
    if (failed(blockSize))
      return failure();
    if (*blockSize != 0)
      return n.emitError() << "blocked quantization (block_size = "
                           << *blockSize << ") is not supported";
  }
  return success();
}

/// The scale (and zero point) of a Quantize/DequantizeLinear made to
/// broadcast against `x`: a scalar or 1-element tensor applies to the whole
/// tensor; from opset 13 a 1-D tensor of `x`'s dim `axis` applies along that
/// axis and gets size-1 dims appended.
FailureOr<Value> broadcastParameter(NodeImporter &n, Formula &f, Value param,
                                    RankedTensorType xType, StringRef role) {
  auto type = cast<RankedTensorType>(param.getType());
  if (type.getRank() == 0 ||
      (type.getRank() == 1 && type.getDimSize(0) == 1))
    return param;
  if (n.opset < 13 || type.getRank() != 1)
    return n.emitError() << role << " must be a scalar"
                         << (n.opset < 13 ? "" : " or a 1-D tensor")
                         << ", got shape " << formatShape(type.getShape());
  FailureOr<int64_t> axisAttr = n.intAttr("axis", 1);
  if (failed(axisAttr))
    return failure();
  FailureOr<int64_t> axis = n.normalizeAxis(*axisAttr, xType.getRank());
  if (failed(axis))
    return failure();
  int64_t dim = xType.getDimSize(*axis), length = type.getDimSize(0);
  if (!ShapedType::isDynamic(dim) && !ShapedType::isDynamic(length) &&
      dim != length)
    return n.emitError() << role << " has " << length
                         << " elements but the input's dim " << *axis
                         << " has " << dim;
  SmallVector<int64_t> trailing;
  for (int64_t i = 1; i < xType.getRank() - *axis; ++i)
    trailing.push_back(i);
  Value result = f.unsqueeze(param, trailing);
  if (!result)
    return failure();
  return result;
}

/// Input `i` when it is given, else null; fails only on import errors.
FailureOr<Value> optionalInput(NodeImporter &n, int64_t i) {
  if (!n.hasInput(i))
    return Value();
  return n.input(i);
}

/// (operand - zero_point) in i32, after checking that the zero point has the
/// operand's element type; `broadcastZeroPoint` shapes it against the
/// operand. Without a zero point just the widened operand.
FailureOr<Value>
subtractZeroPoint(NodeImporter &n, Formula &f, Value operand, Value zeroPoint,
                  StringRef role,
                  llvm::function_ref<FailureOr<Value>()> broadcastZeroPoint) {
  auto i32 = IntegerType::get(n.getContext(), 32);
  Type element = getElementTypeOrSelf(operand);
  Value wide = f.cast(operand, i32);
  if (!zeroPoint)
    return wide;
  if (getElementTypeOrSelf(zeroPoint) != element)
    return n.emitError() << role << " has element type "
                         << getElementTypeOrSelf(zeroPoint)
                         << " but its operand has " << element;
  FailureOr<Value> zp = broadcastZeroPoint();
  if (failed(zp))
    return failure();
  Value result = f.sub(wide, f.cast(*zp, i32));
  if (!result)
    return failure();
  return result;
}

/// The checks QLinearMatMul and QLinearConv share: floating-point scales
/// and an int8/uint8 y_zero_point, whose type is the result's.
FailureOr<IntegerType> checkQLinearParameters(NodeImporter &n,
                                              ArrayRef<Value> scales,
                                              Value yZero) {
  for (Value scale : scales)
    if (!isa<FloatType>(getElementTypeOrSelf(scale)))
      return n.emitError() << "scales must be floating point, got "
                           << getElementTypeOrSelf(scale);
  Type outElement = getElementTypeOrSelf(yZero);
  if (!isQuantizedInteger(outElement) ||
      outElement.getIntOrFloatBitWidth() != 8)
    return n.emitError() << "y_zero_point must be int8 or uint8, got "
                         << outElement;
  return cast<IntegerType>(outElement);
}

} // namespace

// DequantizeLinear: (x - x_zero_point) * x_scale, in the scale's type.
static LogicalResult importDequantizeLinear(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 3)) || failed(rejectBlocked(n)))
    return failure();
  FailureOr<Value> x = n.input(0), scale = n.input(1);
  FailureOr<Value> zeroPoint = optionalInput(n, 2);
  if (failed(x) || failed(scale) || failed(zeroPoint))
    return failure();
  auto xType = cast<RankedTensorType>(x->getType());
  Type xElement = xType.getElementType();
  if (!isQuantizedInteger(xElement) && !xElement.isSignlessInteger(32))
    return n.emitError() << "input must be int8, uint8, int16, uint16 or "
                            "int32, got "
                         << xElement;
  Type outElement = getElementTypeOrSelf(*scale);
  if (!isa<FloatType>(outElement))
    return n.emitError() << "scale must be floating point, got "
                         << outElement;
  // Opset 23 lets output_dtype name the result type (default: the scale's);
  // the product is computed in f32 either way.
  if (n.opset >= 23) {
    FailureOr<int64_t> outputDtype = n.intAttr("output_dtype", 0);
    if (failed(outputDtype))
      return failure();
    if (*outputDtype != 0) {
      Type requested = n.convertElementType(*outputDtype);
      if (!requested || !isa<FloatType>(requested))
        return n.emitError() << "output_dtype " << *outputDtype
                             << " is not a supported floating-point type";
      outElement = requested;
    }
  }
  if (*zeroPoint && getElementTypeOrSelf(*zeroPoint) != xElement)
    return n.emitError() << "zero point has element type "
                         << getElementTypeOrSelf(*zeroPoint)
                         << " but the input has " << xElement;
  Formula f(n);
  FailureOr<Value> s = broadcastParameter(n, f, *scale, xType, "scale");
  if (failed(s))
    return failure();
  Value shifted = f.toF32(*x);
  if (*zeroPoint) {
    FailureOr<Value> zp =
        broadcastParameter(n, f, *zeroPoint, xType, "zero point");
    if (failed(zp))
      return failure();
    shifted = f.sub(shifted, f.toF32(*zp));
  }
  Value result = f.cast(f.mul(shifted, f.toF32(*s)), outElement);
  if (f.failed())
    return failure();
  return n.setOutput(0, result);
}

// QuantizeLinear: saturate(round_half_even(x / y_scale) + y_zero_point) in
// the zero point's type (uint8 without one, or opset 21's output_dtype).
static LogicalResult importQuantizeLinear(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 3)) || failed(rejectBlocked(n)))
    return failure();
  if (n.opset >= 19) {
    // saturate only changes float8 results, which are rejected below.
    FailureOr<int64_t> saturate = n.intAttr("saturate", 1);
    if (failed(saturate))
      return failure();
  }
  // Opset 23's precision of x / y_scale: 0 (the default) divides in
  // y_scale's type, FLOAT (1) in f32.
  int64_t precision = 0;
  if (n.opset >= 23) {
    FailureOr<int64_t> requested = n.intAttr("precision", 0);
    if (failed(requested))
      return failure();
    precision = *requested;
    if (precision != 0 && precision != 1)
      return n.emitError() << "precision " << precision
                           << " is not supported (only the default and "
                              "FLOAT are)";
  }
  FailureOr<Value> x = n.input(0), scale = n.input(1);
  FailureOr<Value> zeroPoint = optionalInput(n, 2);
  if (failed(x) || failed(scale) || failed(zeroPoint))
    return failure();
  auto xType = cast<RankedTensorType>(x->getType());
  Type xElement = xType.getElementType();
  if (!isa<FloatType>(xElement) && !xElement.isSignlessInteger(32))
    return n.emitError() << "input must be floating point or int32, got "
                         << xElement;
  if (!isa<FloatType>(getElementTypeOrSelf(*scale)))
    return n.emitError() << "scale must be floating point, got "
                         << getElementTypeOrSelf(*scale);
  Type outElement = IntegerType::get(n.getContext(), 8, IntegerType::Unsigned);
  if (*zeroPoint)
    outElement = getElementTypeOrSelf(*zeroPoint);
  if (n.opset >= 21) {
    FailureOr<int64_t> outputDtype = n.intAttr("output_dtype", 0);
    if (failed(outputDtype))
      return failure();
    if (*outputDtype != 0) {
      Type requested = n.convertElementType(*outputDtype);
      if (!requested || !isQuantizedInteger(requested))
        return n.emitError() << "output_dtype " << *outputDtype
                             << " is not supported (only int8, uint8, "
                                "int16 and uint16 are)";
      if (*zeroPoint && requested != outElement)
        return n.emitError() << "output_dtype " << requested
                             << " differs from the zero point's type "
                             << outElement;
      outElement = requested;
    }
  }
  if (!isQuantizedInteger(outElement))
    return n.emitError() << "quantizing to " << outElement
                         << " is not supported (only int8, uint8, int16 and "
                            "uint16 are; float8 and int4 are not)";
  Formula f(n);
  FailureOr<Value> s = broadcastParameter(n, f, *scale, xType, "scale");
  if (failed(s))
    return failure();
  // x / y_scale in f64 where the reference divides in f64: before opset 23
  // in numpy's promotion of x and y_scale, from 23 in y_scale's type unless
  // precision says FLOAT; in f32 otherwise. The rounded quotient plus the
  // zero point is an integer that f32 holds exactly in 16-bit range.
  Type divisionType = Float32Type::get(n.getContext());
  bool scaleIsF64 = getElementTypeOrSelf(*s).isF64();
  if (precision == 0 &&
      (scaleIsF64 || (n.opset < 23 && xElement.isF64())))
    divisionType = Float64Type::get(n.getContext());
  Value q = f.round(f.div(f.cast(*x, divisionType), f.cast(*s, divisionType)));
  if (*zeroPoint) {
    FailureOr<Value> zp =
        broadcastParameter(n, f, *zeroPoint, xType, "zero point");
    if (failed(zp))
      return failure();
    q = f.add(q, f.cast(*zp, divisionType));
  }
  Value result = f.saturate(f.toF32(q), cast<IntegerType>(outElement));
  if (f.failed())
    return failure();
  return n.setOutput(0, result);
}

// DynamicQuantizeLinear: uint8 quantization with the range of x widened to
// include 0: scale = (max(0, max(x)) - min(0, min(x))) / 255,
// zero_point = saturate(round(0 - min(0, min(x)) / scale)).
static LogicalResult importDynamicQuantizeLinear(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  if (!getElementTypeOrSelf(*x).isF32())
    return n.emitError() << "input must be f32, got "
                         << getElementTypeOrSelf(*x);
  Formula f(n);
  auto wholeTensor = [&](auto tag) {
    using OpTy = decltype(tag);
    return f.op<OpTy>({*x}, {n.named("axes", n.i64Array({})),
                             n.named("keepdims",
                                     BoolAttr::get(n.getContext(), false))});
  };
  Value zero = f.f32(0);
  Value lo = f.min(zero, wholeTensor(model::ReduceMinOp()));
  Value hi = f.max(zero, wholeTensor(model::ReduceMaxOp()));
  Value scale = f.div(f.sub(hi, lo), f.f32(255));
  auto u8 = IntegerType::get(n.getContext(), 8, IntegerType::Unsigned);
  Value zpFloat = f.min(f.max(f.round(f.sub(zero, f.div(lo, scale))), zero),
                        f.f32(255));
  Value zeroPoint = f.cast(zpFloat, u8);
  Value y = f.saturate(f.add(f.round(f.div(*x, scale)), zpFloat), u8);
  if (f.failed())
    return failure();
  if (failed(n.setOutput(0, y)) || failed(n.setOutput(1, scale)))
    return failure();
  return n.setOutput(2, zeroPoint);
}

namespace {

/// One operand of an integer matmul with its zero point (and for
/// QLinearMatMul its scale), made to broadcast against the operand:
/// a 1-D parameter of a 2-D-or-more left operand is per row ([M] -> [M, 1]);
/// of a right operand per column ([N], broadcasting as is).
FailureOr<Value> matmulParameter(NodeImporter &n, Formula &f, Value param,
                                 RankedTensorType operandType, bool isLhs,
                                 StringRef role) {
  auto type = cast<RankedTensorType>(param.getType());
  if (type.getRank() > operandType.getRank())
    return n.emitError() << role << " has rank " << type.getRank()
                         << ", more than its operand's "
                         << operandType.getRank();
  if (type.getRank() != 1 || operandType.getRank() < 2)
    return param;
  int64_t rank = operandType.getRank();
  int64_t dim = operandType.getDimSize(isLhs ? rank - 2 : rank - 1);
  int64_t length = type.getDimSize(0);
  if (length != 1 && !ShapedType::isDynamic(dim) &&
      !ShapedType::isDynamic(length) && dim != length)
    return n.emitError() << role << " has " << length << " elements but its "
                         << "operand has " << dim
                         << (isLhs ? " rows" : " columns");
  if (!isLhs)
    return param;
  Value result = f.unsqueeze(param, {1});
  if (!result)
    return failure();
  return result;
}

/// (operand - zero_point) in i32, the zero point broadcast as
/// matmulParameter says; without a zero point just the widened operand.
FailureOr<Value> shiftedI32(NodeImporter &n, Formula &f, Value operand,
                            Value zeroPoint, bool isLhs, StringRef role) {
  auto type = cast<RankedTensorType>(operand.getType());
  if (!isQuantizedInteger(type.getElementType()) ||
      type.getElementType().getIntOrFloatBitWidth() != 8)
    return n.emitError() << "operands must be int8 or uint8, got "
                         << type.getElementType();
  if (type.getRank() < 1)
    return n.emitError() << "operands must have rank >= 1";
  return subtractZeroPoint(n, f, operand, zeroPoint, role, [&] {
    return matmulParameter(n, f, zeroPoint, type, isLhs, role);
  });
}

} // namespace

// MatMulInteger: (A - a_zero_point) x (B - b_zero_point), exactly in i32.
static LogicalResult importMatMulInteger(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 4)))
    return failure();
  FailureOr<Value> a = n.input(0), b = n.input(1);
  FailureOr<Value> aZero = optionalInput(n, 2), bZero = optionalInput(n, 3);
  if (failed(a) || failed(b) || failed(aZero) || failed(bZero))
    return failure();
  Formula f(n);
  FailureOr<Value> lhs = shiftedI32(n, f, *a, *aZero, true, "a_zero_point");
  if (failed(lhs))
    return failure();
  FailureOr<Value> rhs = shiftedI32(n, f, *b, *bZero, false, "b_zero_point");
  if (failed(rhs))
    return failure();
  Value result = f.matmul(*lhs, *rhs);
  if (f.failed())
    return failure();
  return n.setOutput(0, result);
}

// QLinearMatMul: the exact i32 product of the shifted operands, rescaled by
// a_scale * b_scale / y_scale, rounded half to even, shifted by
// y_zero_point and saturated to its type.
static LogicalResult importQLinearMatMul(NodeImporter &n) {
  if (failed(n.checkInputCount(8, 8)))
    return failure();
  SmallVector<Value, 8> in;
  for (int64_t i = 0; i < 8; ++i) {
    FailureOr<Value> v = n.input(i);
    if (failed(v))
      return failure();
    in.push_back(*v);
  }
  Value a = in[0], aScale = in[1], aZero = in[2], b = in[3], bScale = in[4],
        bZero = in[5], yScale = in[6], yZero = in[7];
  FailureOr<IntegerType> outElement =
      checkQLinearParameters(n, {aScale, bScale, yScale}, yZero);
  if (failed(outElement))
    return failure();
  auto yZeroType = cast<RankedTensorType>(yZero.getType());
  auto yScaleType = cast<RankedTensorType>(yScale.getType());
  if (yZeroType.getNumElements() != 1 || yScaleType.getNumElements() != 1)
    return n.emitError() << "y_scale and y_zero_point must have one element "
                            "(per-tensor output quantization)";
  Formula f(n);
  FailureOr<Value> lhs = shiftedI32(n, f, a, aZero, true, "a_zero_point");
  if (failed(lhs))
    return failure();
  FailureOr<Value> rhs = shiftedI32(n, f, b, bZero, false, "b_zero_point");
  if (failed(rhs))
    return failure();
  FailureOr<Value> sa = matmulParameter(
      n, f, aScale, cast<RankedTensorType>(a.getType()), true, "a_scale");
  if (failed(sa))
    return failure();
  FailureOr<Value> sb = matmulParameter(
      n, f, bScale, cast<RankedTensorType>(b.getType()), false, "b_scale");
  if (failed(sb))
    return failure();
  Value product = f.toF32(f.matmul(*lhs, *rhs));
  Value rescaled =
      f.div(f.mul(f.mul(product, f.toF32(*sa)), f.toF32(*sb)), f.toF32(yScale));
  Value shifted = f.add(f.round(rescaled), f.toF32(yZero));
  Value result = f.saturate(shifted, *outElement);
  if (f.failed())
    return failure();
  return n.setOutput(0, result);
}

//===----------------------------------------------------------------------===//
// Integer convolutions
//===----------------------------------------------------------------------===//

namespace {

/// A quantization parameter of a convolution: a scalar (or one element)
/// applies to the whole tensor; with `perChannel` a 1-D tensor of the
/// `channels` output channels applies along dim `channelDim` of a rank-`rank`
/// operand and gets size-1 dims appended.
FailureOr<Value> convParameter(NodeImporter &n, Formula &f, Value param,
                               int64_t rank, int64_t channelDim,
                               int64_t channels, bool perChannel,
                               StringRef role) {
  auto type = cast<RankedTensorType>(param.getType());
  if (type.getRank() == 0 ||
      (type.getRank() == 1 && type.getDimSize(0) == 1))
    return param;
  if (!perChannel || type.getRank() != 1)
    return n.emitError() << role << " must be a scalar"
                         << (perChannel ? " or a 1-D tensor of the output "
                                          "channels"
                                        : "")
                         << ", got shape " << formatShape(type.getShape());
  if (type.getDimSize(0) != channels)
    return n.emitError() << role << " has "
                         << formatShape(type.getShape()) << " elements for "
                         << channels << " output channels";
  SmallVector<int64_t> trailing;
  for (int64_t i = 1; i < rank - channelDim; ++i)
    trailing.push_back(i);
  Value result = f.unsqueeze(param, trailing);
  if (!result)
    return failure();
  return result;
}

/// (operand - zero_point) in i32 for an integer convolution: `operand` is
/// int8/uint8, the zero point of its type, per tensor or (for the weight,
/// `perChannel`) per output channel (dim 0 of the weight).
FailureOr<Value> shiftedConvOperand(NodeImporter &n, Formula &f, Value operand,
                                    Value zeroPoint, bool perChannel,
                                    StringRef role) {
  auto type = cast<RankedTensorType>(operand.getType());
  Type element = type.getElementType();
  if (!isQuantizedInteger(element) || element.getIntOrFloatBitWidth() != 8)
    return n.emitError() << "x and w must be int8 or uint8, got " << element;
  if (type.getRank() < 3 || (perChannel && type.isDynamicDim(0)))
    return n.emitError() << "x and w must have rank >= 3 and w static "
                            "output channels, got "
                         << formatShape(type.getShape());
  return subtractZeroPoint(n, f, operand, zeroPoint, role, [&] {
    return convParameter(n, f, zeroPoint, type.getRank(), 0,
                         type.getDimSize(0), perChannel, role);
  });
}

} // namespace

// ConvInteger: Conv of (x - x_zero_point) and (w - w_zero_point), exactly in
// i32 (padding reads the zero point, i.e. 0 after the shift).
static LogicalResult importConvInteger(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 4)))
    return failure();
  FailureOr<Value> x = n.input(0), w = n.input(1);
  FailureOr<Value> xZero = optionalInput(n, 2), wZero = optionalInput(n, 3);
  if (failed(x) || failed(w) || failed(xZero) || failed(wZero))
    return failure();
  Formula f(n);
  FailureOr<Value> lhs =
      shiftedConvOperand(n, f, *x, *xZero, /*perChannel=*/false,
                         "x_zero_point");
  if (failed(lhs))
    return failure();
  FailureOr<Value> rhs =
      shiftedConvOperand(n, f, *w, *wZero, /*perChannel=*/true,
                         "w_zero_point");
  if (failed(rhs))
    return failure();
  return n.setOutput(0, buildConv(n, *lhs, *rhs, Value()));
}

// QLinearConv: the exact i32 convolution of the shifted operands plus the
// i32 bias B, rescaled by x_scale * w_scale / y_scale (w_scale per tensor or
// per output channel), rounded half to even, shifted by y_zero_point and
// saturated to its type. The rescale is in f64 from the scale computed in
// f32, as the ONNX reference does it (an int32 array times a float32 one).
static LogicalResult importQLinearConv(NodeImporter &n) {
  if (failed(n.checkInputCount(8, 9)))
    return failure();
  SmallVector<Value, 9> in;
  for (int64_t i = 0; i < n.numInputs(); ++i) {
    FailureOr<Value> v = optionalInput(n, i);
    if (failed(v))
      return failure();
    if (!*v && i < 8)
      return n.emitError() << "input " << i << " is required";
    in.push_back(*v);
  }
  Value x = in[0], xScale = in[1], xZero = in[2], w = in[3], wScale = in[4],
        wZero = in[5], yScale = in[6], yZero = in[7];
  Value bias = in.size() > 8 ? in[8] : Value();
  FailureOr<IntegerType> outElement =
      checkQLinearParameters(n, {xScale, wScale, yScale}, yZero);
  if (failed(outElement))
    return failure();
  auto i32 = IntegerType::get(n.getContext(), 32);
  if (bias && getElementTypeOrSelf(bias) != i32)
    return n.emitError() << "B must be int32, got "
                         << getElementTypeOrSelf(bias);
  Formula f(n);
  FailureOr<Value> lhs = shiftedConvOperand(n, f, x, xZero,
                                            /*perChannel=*/false,
                                            "x_zero_point");
  if (failed(lhs))
    return failure();
  FailureOr<Value> rhs = shiftedConvOperand(n, f, w, wZero,
                                            /*perChannel=*/true,
                                            "w_zero_point");
  if (failed(rhs))
    return failure();
  auto wType = cast<RankedTensorType>(w.getType());
  int64_t rank = wType.getRank(), channels = wType.getDimSize(0);
  FailureOr<Value> sx = convParameter(n, f, xScale, rank, 1, channels, false,
                                      "x_scale");
  FailureOr<Value> sw = convParameter(n, f, wScale, rank, 1, channels, true,
                                      "w_scale");
  FailureOr<Value> sy = convParameter(n, f, yScale, rank, 1, channels, false,
                                      "y_scale");
  FailureOr<Value> zy = convParameter(n, f, yZero, rank, 1, channels, false,
                                      "y_zero_point");
  if (failed(sx) || failed(sw) || failed(sy) || failed(zy))
    return failure();
  FailureOr<Value> acc = buildConv(n, *lhs, *rhs, bias);
  if (failed(acc))
    return failure();
  auto f64 = Float64Type::get(n.getContext());
  Value scale = f.div(f.mul(f.toF32(*sx), f.toF32(*sw)), f.toF32(*sy));
  Value rescaled = f.mul(f.cast(*acc, f64), f.cast(scale, f64));
  Value shifted = f.add(f.round(rescaled), f.cast(*zy, f64));
  Value result = f.saturate(f.toF32(shifted), *outElement);
  if (f.failed())
    return failure();
  return n.setOutput(0, result);
}

//===----------------------------------------------------------------------===//
// Window functions
//===----------------------------------------------------------------------===//

// The generalized cosine windows of ONNX (opset 17):
//   w[n] = a0 - a1 cos(2 pi n / N') + a2 cos(4 pi n / N'),  n = 0 .. size-1,
// with N' = size when periodic, size - 1 when symmetric; computed in the
// output type when it is f32 or f64 (else in f32) and converted to it. The
// index vector is a constant for a constant size, else model.iota.
static LogicalResult importWindow(NodeImporter &n, double a0, double a1,
                                  double a2) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<int64_t> periodic = n.intAttr("periodic", 1);
  FailureOr<int64_t> dataType = n.intAttr("output_datatype", 1);
  if (failed(periodic) || failed(dataType))
    return failure();
  Type outElement = n.convertElementType(*dataType);
  if (!outElement || outElement.isInteger(1))
    return n.emitError() << "output_datatype " << *dataType
                         << " is not supported";
  FailureOr<RankedTensorType> sizeType = n.inputType(0);
  if (failed(sizeType))
    return failure();
  Type sizeElement = sizeType->getElementType();
  if (sizeType->getRank() != 0 ||
      !(sizeElement.isSignlessInteger(32) || sizeElement.isSignlessInteger(64)))
    return n.emitError() << "size must be a rank-0 int32 or int64 tensor, got "
                         << *sizeType;
  Type compute = outElement;
  if (!outElement.isF32() && !outElement.isF64())
    compute = Float32Type::get(n.getContext());
  Formula f(n);
  Value indices;
  if (DenseElementsAttr constant = n.constantInput(0)) {
    int64_t size = (*constant.getValues<APInt>().begin()).getSExtValue();
    if (size < 0)
      return n.emitError() << "size " << size << " is negative";
    auto type = RankedTensorType::get({size}, IntegerType::get(n.getContext(), 64));
    indices = f.op<model::ConstantOp>(
        {}, {n.named("value", makeIntegerAttr(type.getShape(),
                                              type.getElementType(),
                                              llvm::to_vector(llvm::seq<int64_t>(0, size))))});
  } else {
    FailureOr<Value> size = n.input(0);
    if (failed(size))
      return failure();
    indices = f.op<model::IotaOp>({*size});
  }
  FailureOr<Value> size = n.input(0);
  if (failed(size))
    return failure();
  Value denominator = f.cast(*size, compute);
  if (*periodic == 0)
    denominator = f.sub(denominator, f.constant(compute, 1));
  // theta = 2 pi n / N'
  Value theta = f.div(f.mul(f.cast(indices, compute),
                            f.constant(compute, 2 * M_PI)),
                      denominator);
  Value w = f.sub(f.constant(compute, a0),
                  f.mul(f.constant(compute, a1), f.op<model::CosOp>({theta})));
  if (a2 != 0) {
    Value twice = f.mul(theta, f.constant(compute, 2));
    w = f.add(w, f.mul(f.constant(compute, a2), f.op<model::CosOp>({twice})));
  }
  Value result = f.cast(w, outElement);
  if (f.failed())
    return failure();
  return n.setOutput(0, result);
}

static LogicalResult importHannWindow(NodeImporter &n) {
  return importWindow(n, 0.5, 0.5, 0);
}
static LogicalResult importHammingWindow(NodeImporter &n) {
  return importWindow(n, 25.0 / 46.0, 21.0 / 46.0, 0);
}
static LogicalResult importBlackmanWindow(NodeImporter &n) {
  return importWindow(n, 0.42, 0.5, 0.08);
}

static const OpSupport kQuantizationOps[] = {
    {"BlackmanWindow", 17, kMaxKnownOpset, importBlackmanWindow},
    {"ConvInteger", 10, kMaxKnownOpset, importConvInteger},
    {"HammingWindow", 17, kMaxKnownOpset, importHammingWindow},
    {"HannWindow", 17, kMaxKnownOpset, importHannWindow},
    {"DequantizeLinear", 10, kMaxKnownOpset, importDequantizeLinear},
    {"DynamicQuantizeLinear", 11, kMaxKnownOpset, importDynamicQuantizeLinear},
    {"MatMulInteger", 10, kMaxKnownOpset, importMatMulInteger},
    {"QLinearConv", 10, kMaxKnownOpset, importQLinearConv},
    {"QLinearMatMul", 10, kMaxKnownOpset, importQLinearMatMul},
    {"QuantizeLinear", 10, kMaxKnownOpset, importQuantizeLinear},
};

ArrayRef<OpSupport> kiln::onnx_frontend::getQuantizationOpTable() {
  return kQuantizationOps;
}
