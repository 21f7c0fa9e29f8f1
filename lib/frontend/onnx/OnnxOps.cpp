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

/// Two-input broadcasting ops. Integer arithmetic on constants (exporters'
/// shape arithmetic, e.g. batch * seq feeding a Reshape) folds in the
/// dialect, so the result stays a known constant.
template <typename OpTy> static LogicalResult importBinary(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  FailureOr<Value> lhs = n.input(0), rhs = n.input(1);
  if (failed(lhs) || failed(rhs))
    return failure();
  return n.setOutput(0, n.createOrFold<OpTy>({*lhs, *rhs}));
}

/// Max and Min take one or more inputs: a left-to-right chain of binary ops.
template <typename OpTy> static LogicalResult importVariadic(NodeImporter &n) {
  if (failed(n.checkInputCount(1, kUnbounded)))
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

static LogicalResult importWhere(NodeImporter &n) {
  if (failed(n.checkInputCount(3, 3)))
    return failure();
  FailureOr<Value> cond = n.input(0), lhs = n.input(1), rhs = n.input(2);
  if (failed(cond) || failed(lhs) || failed(rhs))
    return failure();
  return n.setOutput(0, n.create<model::WhereOp>({*cond, *lhs, *rhs}));
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
  SmallVector<Value> operands;
  for (int64_t i = 0; i < 3; ++i) {
    if (i == 2 && !n.hasInput(2))
      break;
    FailureOr<Value> v = n.input(i);
    if (failed(v))
      return failure();
    operands.push_back(*v);
  }
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
  return n.setOutput(0, n.create<model::GemmOp>(operands, attrs));
}

//===----------------------------------------------------------------------===//
// Table
//===----------------------------------------------------------------------===//

// Lower bounds are where today's semantics start: opset 6 dropped the
// `consumed_inputs` attribute of the unary ops, opset 7 replaced the
// `broadcast`/`axis` attributes of the arithmetic ops with numpy broadcasting
// (8 for Max/Min), and Cast took its `to` as a string before opset 6.
static const OpSupport kComputeOps[] = {
    {"Abs", 6, kMaxKnownOpset, importUnary<model::AbsOp>},
    {"Add", 7, kMaxKnownOpset, importBinary<model::AddOp>},
    {"Cast", 6, kMaxKnownOpset, importCast},
    {"Div", 7, kMaxKnownOpset, importBinary<model::DivOp>},
    {"Equal", 7, kMaxKnownOpset, importBinary<model::EqualOp>},
    {"Erf", 9, kMaxKnownOpset, importUnary<model::ErfOp>},
    {"Exp", 6, kMaxKnownOpset, importUnary<model::ExpOp>},
    {"Gemm", 7, kMaxKnownOpset, importGemm},
    {"Greater", 7, kMaxKnownOpset, importBinary<model::GreaterOp>},
    {"Less", 7, kMaxKnownOpset, importBinary<model::LessOp>},
    {"Log", 6, kMaxKnownOpset, importUnary<model::LogOp>},
    {"MatMul", 1, kMaxKnownOpset, importMatMul},
    {"Max", 8, kMaxKnownOpset, importVariadic<model::MaxOp>},
    {"Min", 8, kMaxKnownOpset, importVariadic<model::MinOp>},
    {"Mul", 7, kMaxKnownOpset, importBinary<model::MulOp>},
    {"Neg", 6, kMaxKnownOpset, importUnary<model::NegOp>},
    {"Pow", 7, kMaxKnownOpset, importBinary<model::PowOp>},
    {"Reciprocal", 6, kMaxKnownOpset, importUnary<model::ReciprocalOp>},
    {"Relu", 6, kMaxKnownOpset, importUnary<model::ReluOp>},
    {"Sigmoid", 6, kMaxKnownOpset, importUnary<model::SigmoidOp>},
    {"Sqrt", 6, kMaxKnownOpset, importUnary<model::SqrtOp>},
    {"Sub", 7, kMaxKnownOpset, importBinary<model::SubOp>},
    {"Tanh", 6, kMaxKnownOpset, importUnary<model::TanhOp>},
    {"Where", 9, kMaxKnownOpset, importWhere},
};

ArrayRef<OpSupport> kiln::onnx_frontend::getComputeOpTable() {
  return kComputeOps;
}
