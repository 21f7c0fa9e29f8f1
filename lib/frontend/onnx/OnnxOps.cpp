//===- OnnxOps.cpp - ONNX elementwise and contraction ops -----------------===//
//
// Handlers of the compute operators and their rows of the operator table.
// Each handler validates the node (input count, attributes, which inputs must
// be constant), normalizes attributes to the `model` dialect's form
// (non-negative axes, explicit defaults) and builds the op; type inference
// and its errors come from the dialect through NodeImporter::create.
//
//===----------------------------------------------------------------------===//
#include "lib/frontend/onnx/OnnxImporterImpl.h"

using namespace mlir;
using namespace kiln::onnx_frontend;
namespace model = kiln::model;

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

/// Before opset 7 the binary ops broadcast only with `broadcast` = 1, and
/// then B's dims must match a contiguous run of A's starting at `axis`
/// (default: A's trailing dims). Giving B trailing unit dims makes numpy
/// broadcasting compute the same. `consumed_inputs` (opsets 1-5) was only
/// an in-place hint.
static FailureOr<Value> legacyBroadcastRhs(NodeImporter &n, Value lhs,
                                           Value rhs) {
  n.ignoreAttrs({"consumed_inputs"});
  FailureOr<int64_t> broadcast = n.intAttr("broadcast", 0);
  if (failed(broadcast))
    return failure();
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  int64_t lhsRank = lhsType.getRank(), rhsRank = rhsType.getRank();
  if (!*broadcast) {
    if (n.findAttr("axis"))
      return n.emitError() << "attribute 'axis' requires broadcast = 1";
    if (lhsType.getShape() != rhsType.getShape())
      return n.emitError() << "without broadcast = 1 the operand shapes must "
                              "be equal, got "
                           << formatShape(lhsType.getShape()) << " and "
                           << formatShape(rhsType.getShape());
    return rhs;
  }
  FailureOr<int64_t> axis = n.intAttr("axis", lhsRank - rhsRank);
  if (failed(axis))
    return failure();
  if (*axis < 0 || *axis > lhsRank - rhsRank)
    return n.emitError() << "broadcast axis " << *axis << " does not fit "
                         << "shape " << formatShape(rhsType.getShape())
                         << " into " << formatShape(lhsType.getShape());
  int64_t trailing = lhsRank - *axis - rhsRank;
  if (trailing == 0)
    return rhs;
  SmallVector<int64_t> axes;
  for (int64_t i = 0; i < trailing; ++i)
    axes.push_back(rhsRank + i);
  return n.create<model::UnsqueezeOp>({rhs}, {n.named("axes", n.i64Array(axes))});
}

/// Two-input broadcasting ops. Integer arithmetic on constants (exporters'
/// shape arithmetic, e.g. batch * seq feeding a Reshape) folds in the
/// dialect, so the result stays a known constant.
template <typename OpTy> static LogicalResult importBinary(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  FailureOr<Value> lhs = n.input(0), rhs = n.input(1);
  if (failed(lhs) || failed(rhs))
    return failure();
  if (n.opset < 7)
    rhs = legacyBroadcastRhs(n, *lhs, *rhs);
  if (failed(rhs))
    return failure();
  return n.setOutput(0, n.createOrFold<OpTy>({*lhs, *rhs}));
}

/// Pow: since opset 12 the exponent may have another element type than the
/// base (the result has the base's). A float base takes the exponent
/// converted to its type; an integer base is raised in f64, which is exact
/// for every result below 2^53, and converted back (truncating, as
/// integer-valued results need).
static LogicalResult importPow(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  FailureOr<Value> base = n.input(0), exponent = n.input(1);
  if (failed(base) || failed(exponent))
    return failure();
  if (n.opset < 7)
    exponent = legacyBroadcastRhs(n, *base, *exponent);
  if (failed(exponent))
    return failure();
  Type baseElement = getElementTypeOrSelf(*base);
  Type exponentElement = getElementTypeOrSelf(*exponent);
  auto castTo = [&](Value v, Type to) -> FailureOr<Value> {
    if (getElementTypeOrSelf(v) == to)
      return v;
    return n.create<model::CastOp>({v}, {n.named("to", TypeAttr::get(to))});
  };
  if (isa<FloatType>(baseElement)) {
    FailureOr<Value> e = castTo(*exponent, baseElement);
    if (failed(e))
      return failure();
    return n.setOutput(0, n.createOrFold<model::PowOp>({*base, *e}));
  }
  if (baseElement.isInteger(1) || exponentElement.isInteger(1))
    return n.emitError() << "Pow is not defined on bool tensors";
  Type f64 = Float64Type::get(n.getContext());
  FailureOr<Value> b = castTo(*base, f64), e = castTo(*exponent, f64);
  if (failed(b) || failed(e))
    return failure();
  FailureOr<Value> power = n.create<model::PowOp>({*b, *e});
  if (failed(power))
    return failure();
  return n.setOutput(0, castTo(*power, baseElement));
}

/// Max and Min take one or more inputs: a left-to-right chain of binary ops.
template <typename OpTy> static LogicalResult importVariadic(NodeImporter &n) {
  if (failed(n.checkInputCount(1, kUnbounded)) ||
      failed(n.checkEqualInputShapesBefore(8)))
    return failure();
  if (n.numInputs() == 1)
    return n.forwardInput(0, 0);
  FailureOr<Value> acc = n.input(0);
  for (int64_t i = 1; i < n.numInputs() && succeeded(acc); ++i) {
    FailureOr<Value> rhs = n.input(i);
    if (failed(rhs))
      return failure();
    acc = n.create<OpTy>({*acc, *rhs});
  }
  return n.setOutput(0, acc);
}

template <typename OpTy> static LogicalResult importUnary(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  return n.setOutput(0, n.createOrFold<OpTy>({*x}));
}

/// Cast(to): constants fold in the dialect (shape arithmetic often passes
/// through Cast), and so does a cast to the same type.
static LogicalResult importCast(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<int64_t> to = n.intAttr("to");
  FailureOr<RankedTensorType> type = n.inputType(0);
  // saturate (opset 19) only applies to float8 targets, which kiln rejects.
  n.ignoreAttrs({"saturate"});
  if (failed(to) || failed(type))
    return failure();
  Type element = n.convertElementType(*to);
  if (!element) {
    InFlightDiagnostic diag = n.emitError() << "cannot cast to ";
    if (onnx::TensorProto_DataType_IsValid(*to))
      diag << onnx::TensorProto_DataType_Name(
          static_cast<onnx::TensorProto_DataType>(*to));
    else
      diag << "data type " << *to;
    return diag << ": the element type is not supported by kiln";
  }
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  return n.setOutput(0, n.createOrFold<model::CastOp>(
                            {*x}, {n.named("to", TypeAttr::get(element))}));
}

/// Mod(fmod): fmod = 1 takes the dividend's sign and is required for
/// floats; fmod = 0 takes the divisor's.
static LogicalResult importMod(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  FailureOr<int64_t> fmod = n.intAttr("fmod", 0);
  FailureOr<Value> lhs = n.input(0), rhs = n.input(1);
  if (failed(fmod) || failed(lhs) || failed(rhs))
    return failure();
  if (*fmod != 0 && *fmod != 1)
    return n.emitError() << "fmod must be 0 or 1, got " << *fmod;
  if (!*fmod && isa<FloatType>(getElementTypeOrSelf(*lhs)))
    return n.emitError() << "fmod = 0 is not defined on floating-point inputs";
  SmallVector<NamedAttribute> attrs;
  if (*fmod)
    attrs.push_back(n.named("fmod", UnitAttr::get(n.getContext())));
  return n.setOutput(0, n.create<model::ModOp>({*lhs, *rhs}, attrs));
}

/// BitShift(direction): ONNX defines it on unsigned integers only.
static LogicalResult importBitShift(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  FailureOr<std::string> direction = n.stringAttr("direction", "");
  FailureOr<Value> lhs = n.input(0), rhs = n.input(1);
  if (failed(direction) || failed(lhs) || failed(rhs))
    return failure();
  if (*direction != "LEFT" && *direction != "RIGHT")
    return n.emitError() << "direction must be 'LEFT' or 'RIGHT', got '"
                         << *direction << "'";
  if (!getElementTypeOrSelf(*lhs).isUnsignedInteger())
    return n.emitError() << "inputs must be unsigned integers, got "
                         << getElementTypeOrSelf(*lhs);
  SmallVector<NamedAttribute> attrs;
  if (*direction == "RIGHT")
    attrs.push_back(n.named("right", UnitAttr::get(n.getContext())));
  return n.setOutput(0, n.create<model::BitShiftOp>({*lhs, *rhs}, attrs));
}

static LogicalResult importIsInf(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<int64_t> positive = n.intAttr("detect_positive", 1);
  FailureOr<int64_t> negative = n.intAttr("detect_negative", 1);
  FailureOr<Value> x = n.input(0);
  if (failed(positive) || failed(negative) || failed(x))
    return failure();
  MLIRContext *ctx = n.getContext();
  return n.setOutput(
      0, n.create<model::IsInfOp>(
             {*x}, {n.named("detect_positive", BoolAttr::get(ctx, *positive)),
                    n.named("detect_negative", BoolAttr::get(ctx, *negative))}));
}

static LogicalResult importWhere(NodeImporter &n) {
  if (failed(n.checkInputCount(3, 3)))
    return failure();
  FailureOr<Value> cond = n.input(0), lhs = n.input(1), rhs = n.input(2);
  if (failed(cond) || failed(lhs) || failed(rhs))
    return failure();
  // Folded: torch's expand writes Where(Equal(shape, -1), 1, shape) around
  // constant shapes, and the Expand after it must see the constant.
  return n.setOutput(0, n.createOrFold<model::WhereOp>({*cond, *lhs, *rhs}));
}

//===----------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------===//

/// MatMul is numpy matmul: a 1-D operand is promoted to a matrix (lhs [K] ->
/// [1, K], rhs [K] -> [K, 1]) and the added dim is removed from the result,
/// so model.matmul only ever sees rank >= 2.
static LogicalResult importMatMul(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  FailureOr<Value> lhs = n.input(0), rhs = n.input(1);
  if (failed(lhs) || failed(rhs))
    return failure();
  int64_t lhsRank = cast<RankedTensorType>(lhs->getType()).getRank();
  int64_t rhsRank = cast<RankedTensorType>(rhs->getType()).getRank();
  if (lhsRank == 0 || rhsRank == 0)
    return n.emitError() << "operands must have rank >= 1, got ranks "
                         << lhsRank << " and " << rhsRank;
  if (lhsRank == 1)
    lhs = n.create<model::UnsqueezeOp>({*lhs},
                                       {n.named("axes", n.i64Array({0}))});
  if (succeeded(lhs) && rhsRank == 1)
    rhs = n.create<model::UnsqueezeOp>({*rhs},
                                       {n.named("axes", n.i64Array({1}))});
  if (failed(lhs) || failed(rhs))
    return failure();
  FailureOr<Value> result = n.create<model::MatMulOp>({*lhs, *rhs});
  if (failed(result) || (lhsRank > 1 && rhsRank > 1))
    return n.setOutput(0, result);
  int64_t rank = cast<RankedTensorType>(result->getType()).getRank();
  SmallVector<int64_t> squeezed;
  if (lhsRank == 1)
    squeezed.push_back(rank - 2);
  if (rhsRank == 1)
    squeezed.push_back(rank - 1);
  return n.setOutput(
      0, n.create<model::SqueezeOp>({*result},
                                    {n.named("axes", n.i64Array(squeezed))}));
}

/// Gemm: Y = alpha * A' * B' + beta * C; C is optional since opset 11.
static LogicalResult importGemm(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 3)))
    return failure();
  FailureOr<float> alpha = n.floatAttr("alpha", 1.0f);
  FailureOr<float> beta = n.floatAttr("beta", 1.0f);
  FailureOr<int64_t> transA = n.intAttr("transA", 0);
  FailureOr<int64_t> transB = n.intAttr("transB", 0);
  if (failed(alpha) || failed(beta) || failed(transA) || failed(transB))
    return failure();
  if (!n.hasInput(2) && n.opset < 11)
    return n.emitError() << "input 2 (C) is required before opset 11";
  // Before opset 7, C broadcasts to [M, N] only with broadcast = 1; from 7
  // it always does (unidirectionally), which is what model.gemm does.
  if (n.opset < 7) {
    FailureOr<int64_t> broadcast = n.intAttr("broadcast", 0);
    FailureOr<RankedTensorType> a = n.inputType(0), b = n.inputType(1),
                                c = n.inputType(2);
    if (failed(broadcast) || failed(a) || failed(b) || failed(c))
      return failure();
    if (!*broadcast && a->getRank() == 2 && b->getRank() == 2) {
      int64_t m = a->getDimSize(*transA ? 1 : 0);
      int64_t nDim = b->getDimSize(*transB ? 0 : 1);
      if (c->getShape() != ArrayRef<int64_t>{m, nDim})
        return n.emitError() << "without broadcast = 1, C must have the "
                                "result's shape "
                             << formatShape({m, nDim}) << ", got "
                             << formatShape(c->getShape());
    }
  }
  FailureOr<SmallVector<Value>> operands = n.leadingInputs(2);
  if (failed(operands))
    return failure();
  // Defaults are left out so that the printed op stays short.
  Builder b(n.getContext());
  SmallVector<NamedAttribute> attrs;
  if (*alpha != 1.0f)
    attrs.push_back(n.named("alpha", b.getF32FloatAttr(*alpha)));
  if (*beta != 1.0f)
    attrs.push_back(n.named("beta", b.getF32FloatAttr(*beta)));
  if (*transA)
    attrs.push_back(n.named("transA", b.getBoolAttr(true)));
  if (*transB)
    attrs.push_back(n.named("transB", b.getBoolAttr(true)));
  return n.setOutput(0, n.create<model::GemmOp>(*operands, attrs));
}

//===----------------------------------------------------------------------===//
// Table
//===----------------------------------------------------------------------===//

// Lower bounds are where today's semantics start: opset 6 dropped the
// `consumed_inputs` attribute of the unary ops, and Cast took its `to` as a
// string before opset 6. The binary ops' `broadcast`/`axis` attributes
// (before 7) and Max/Min's equal-shape rule (before 8) are handled.
static const OpSupport kComputeOps[] = {
    {"Abs", 6, kMaxKnownOpset, importUnary<model::AbsOp>},
    {"Acos", 7, kMaxKnownOpset, importUnary<model::AcosOp>},
    {"Acosh", 9, kMaxKnownOpset, importUnary<model::AcoshOp>},
    {"Add", 1, kMaxKnownOpset, importBinary<model::AddOp>},
    {"And", 1, kMaxKnownOpset, importBinary<model::AndOp>},
    {"Asin", 7, kMaxKnownOpset, importUnary<model::AsinOp>},
    {"Asinh", 9, kMaxKnownOpset, importUnary<model::AsinhOp>},
    {"Atan", 7, kMaxKnownOpset, importUnary<model::AtanOp>},
    {"Atanh", 9, kMaxKnownOpset, importUnary<model::AtanhOp>},
    {"BitShift", 11, kMaxKnownOpset, importBitShift},
    {"Ceil", 6, kMaxKnownOpset, importUnary<model::CeilOp>},
    {"Cos", 7, kMaxKnownOpset, importUnary<model::CosOp>},
    {"Cosh", 9, kMaxKnownOpset, importUnary<model::CoshOp>},
    {"Floor", 6, kMaxKnownOpset, importUnary<model::FloorOp>},
    {"GreaterOrEqual", 12, kMaxKnownOpset,
     importBinary<model::GreaterEqualOp>},
    {"IsInf", 10, kMaxKnownOpset, importIsInf},
    {"IsNaN", 9, kMaxKnownOpset, importUnary<model::IsNaNOp>},
    {"LessOrEqual", 12, kMaxKnownOpset, importBinary<model::LessEqualOp>},
    {"Mod", 10, kMaxKnownOpset, importMod},
    {"Not", 1, kMaxKnownOpset, importUnary<model::NotOp>},
    {"Or", 1, kMaxKnownOpset, importBinary<model::OrOp>},
    {"Round", 11, kMaxKnownOpset, importUnary<model::RoundOp>},
    {"Sign", 9, kMaxKnownOpset, importUnary<model::SignOp>},
    {"Sin", 7, kMaxKnownOpset, importUnary<model::SinOp>},
    {"Sinh", 9, kMaxKnownOpset, importUnary<model::SinhOp>},
    {"Softplus", 1, kMaxKnownOpset, importUnary<model::SoftplusOp>},
    {"Tan", 7, kMaxKnownOpset, importUnary<model::TanOp>},
    {"Xor", 1, kMaxKnownOpset, importBinary<model::XorOp>},
    {"Cast", 6, kMaxKnownOpset, importCast},
    {"Div", 1, kMaxKnownOpset, importBinary<model::DivOp>},
    {"Einsum", 12, kMaxKnownOpset, importEinsum},
    {"Equal", 1, kMaxKnownOpset, importBinary<model::EqualOp>},
    {"Erf", 9, kMaxKnownOpset, importUnary<model::ErfOp>},
    {"Exp", 6, kMaxKnownOpset, importUnary<model::ExpOp>},
    {"Gemm", 1, kMaxKnownOpset, importGemm},
    {"Greater", 1, kMaxKnownOpset, importBinary<model::GreaterOp>},
    {"Less", 1, kMaxKnownOpset, importBinary<model::LessOp>},
    {"Log", 6, kMaxKnownOpset, importUnary<model::LogOp>},
    {"MatMul", 1, kMaxKnownOpset, importMatMul},
    {"Max", 6, kMaxKnownOpset, importVariadic<model::MaxOp>},
    {"Min", 6, kMaxKnownOpset, importVariadic<model::MinOp>},
    {"Mul", 1, kMaxKnownOpset, importBinary<model::MulOp>},
    {"Neg", 6, kMaxKnownOpset, importUnary<model::NegOp>},
    {"Pow", 1, kMaxKnownOpset, importPow},
    {"Reciprocal", 6, kMaxKnownOpset, importUnary<model::ReciprocalOp>},
    {"Relu", 6, kMaxKnownOpset, importUnary<model::ReluOp>},
    {"Sigmoid", 6, kMaxKnownOpset, importUnary<model::SigmoidOp>},
    {"Sqrt", 6, kMaxKnownOpset, importUnary<model::SqrtOp>},
    {"Sub", 1, kMaxKnownOpset, importBinary<model::SubOp>},
    {"Tanh", 6, kMaxKnownOpset, importUnary<model::TanhOp>},
    {"Where", 9, kMaxKnownOpset, importWhere},
};

ArrayRef<OpSupport> kiln::onnx_frontend::getComputeOpTable() {
  return kComputeOps;
}
