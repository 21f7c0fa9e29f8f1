//===- OnnxActivationOps.cpp - ONNX ops composed of elementwise ops -------===//
//
// Activations, clipping and the variadic reductions Sum/Mean are formulas
// over the dialect's elementwise ops (compare, select, exp, min, max, ...):
// elementwise fusion merges each formula back into one loop nest, so a
// dedicated op would only add lowering code. Each handler spells its ONNX
// definition; the scalar parameters become rank-0 constants of the input's
// element type.
//
//===----------------------------------------------------------------------===//
#include "lib/frontend/onnx/OnnxFormula.h"

#include <cmath>

using namespace mlir;
using namespace kiln::onnx_frontend;
namespace model = kiln::model;

namespace {

/// The single input of an activation, which ONNX defines on floats only.
FailureOr<Value> floatInput(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  Type element = getElementTypeOrSelf(*x);
  if (!isa<FloatType>(element))
    return n.emitError() << "input must be floating point, got " << element;
  return x;
}

/// A unary activation given by `build(formula, x)`.
template <typename Build>
LogicalResult importActivation(NodeImporter &n, Build build) {
  FailureOr<Value> x = floatInput(n);
  if (failed(x))
    return failure();
  Formula f(n, getElementTypeOrSelf(*x));
  return f.finish(build(f, *x));
}

} // namespace

// LeakyRelu: x < 0 ? alpha * x : x.
static LogicalResult importLeakyRelu(NodeImporter &n) {
  FailureOr<float> alpha = n.floatAttr("alpha", 0.01f);
  if (failed(alpha))
    return failure();
  return importActivation(n, [&](Formula &f, Value x) {
    Value zero = f.constant(0);
    return f.select(f.less(x, zero), f.mul(x, f.constant(*alpha)), x);
  });
}

// PRelu: x < 0 ? slope * x : x, the slope broadcasting to x's shape
// (unidirectionally: the result has x's shape).
static LogicalResult importPRelu(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  FailureOr<Value> x = n.input(0), slope = n.input(1);
  if (failed(x) || failed(slope))
    return failure();
  auto xType = cast<RankedTensorType>(x->getType());
  auto slopeType = cast<RankedTensorType>(slope->getType());
  // Before opset 7 a 1-D slope of C values applies along the channel dim
  // (dim 1): it becomes [C, 1, ...] for numpy broadcasting.
  if (n.opset < 7 && slopeType.getRank() == 1 && xType.getRank() > 2 &&
      slopeType.getDimSize(0) != 1) {
    SmallVector<int64_t> axes;
    for (int64_t i = 1; i < xType.getRank() - 1; ++i)
      axes.push_back(i);
    slope = n.create<model::UnsqueezeOp>({*slope},
                                         {n.named("axes", n.i64Array(axes))});
    if (failed(slope))
      return failure();
    slopeType = cast<RankedTensorType>(slope->getType());
  }
  if (slopeType.getRank() > xType.getRank())
    return n.emitError() << "slope of shape " << formatShape(slopeType.getShape())
                         << " does not broadcast to the input's shape "
                         << formatShape(xType.getShape());
  Formula f(n, xType.getElementType());
  Value zero = f.constant(0);
  Value result = f.select(f.less(*x, zero), f.mul(*x, *slope), *x);
  if (result) {
    ArrayRef<int64_t> shape =
        cast<RankedTensorType>(result.getType()).getShape();
    for (auto [r, d] : llvm::zip_equal(shape, xType.getShape()))
      if (!ShapedType::isDynamic(d) && r != d)
        return n.emitError()
               << "slope of shape " << formatShape(slopeType.getShape())
               << " does not broadcast to the input's shape "
               << formatShape(xType.getShape());
  }
  return f.finish(result);
}

// Elu: x < 0 ? alpha * (exp(x) - 1) : x.
static LogicalResult importElu(NodeImporter &n) {
  FailureOr<float> alpha = n.floatAttr("alpha", 1.0f);
  if (failed(alpha))
    return failure();
  return importActivation(n, [&](Formula &f, Value x) {
    Value negative = f.mul(f.constant(*alpha), f.expm1(x));
    return f.select(f.less(x, f.constant(0)), negative, x);
  });
}

// Selu: gamma * (x > 0 ? x : alpha * (exp(x) - 1)).
static LogicalResult importSelu(NodeImporter &n) {
  FailureOr<float> alpha = n.floatAttr("alpha", 1.67326319217681884765625f);
  FailureOr<float> gamma = n.floatAttr("gamma", 1.05070102214813232421875f);
  if (failed(alpha) || failed(gamma))
    return failure();
  return importActivation(n, [&](Formula &f, Value x) {
    Value negative = f.mul(f.constant(*alpha), f.expm1(x));
    Value inner = f.select(f.greater(x, f.constant(0)), x, negative);
    return f.mul(f.constant(*gamma), inner);
  });
}

// Celu: max(0, x) + min(0, alpha * (exp(x / alpha) - 1)).
static LogicalResult importCelu(NodeImporter &n) {
  FailureOr<float> alpha = n.floatAttr("alpha", 1.0f);
  if (failed(alpha))
    return failure();
  if (*alpha == 0.0f)
    return n.emitError() << "alpha must not be 0";
  return importActivation(n, [&](Formula &f, Value x) {
    Value a = f.constant(*alpha), zero = f.constant(0);
    Value negative = f.mul(a, f.expm1(f.div(x, a)));
    return f.add(f.max(zero, x), f.min(zero, negative));
  });
}

// ThresholdedRelu: x > alpha ? x : 0.
static LogicalResult importThresholdedRelu(NodeImporter &n) {
  FailureOr<float> alpha = n.floatAttr("alpha", 1.0f);
  if (failed(alpha))
    return failure();
  return importActivation(n, [&](Formula &f, Value x) {
    return f.select(f.greater(x, f.constant(*alpha)), x, f.constant(0));
  });
}

/// max(0, min(1, alpha * x + beta)).
static Value hardSigmoid(Formula &f, Value x, double alpha, double beta) {
  Value linear = f.add(f.mul(f.constant(alpha), x), f.constant(beta));
  return f.max(f.constant(0), f.min(f.constant(1), linear));
}

static LogicalResult importHardSigmoid(NodeImporter &n) {
  FailureOr<float> alpha = n.floatAttr("alpha", 0.2f);
  FailureOr<float> beta = n.floatAttr("beta", 0.5f);
  if (failed(alpha) || failed(beta))
    return failure();
  return importActivation(n, [&](Formula &f, Value x) {
    return hardSigmoid(f, x, *alpha, *beta);
  });
}

// HardSwish: x * hard_sigmoid(x) with alpha = 1/6, beta = 1/2.
static LogicalResult importHardSwish(NodeImporter &n) {
  return importActivation(n, [&](Formula &f, Value x) {
    return f.mul(x, hardSigmoid(f, x, 1.0 / 6.0, 0.5));
  });
}

// Softsign: x / (1 + |x|).
static LogicalResult importSoftsign(NodeImporter &n) {
  return importActivation(n, [&](Formula &f, Value x) {
    return f.div(x, f.add(f.constant(1), f.op<model::AbsOp>({x})));
  });
}

// Mish: x * tanh(softplus(x)).
static LogicalResult importMish(NodeImporter &n) {
  return importActivation(n, [&](Formula &f, Value x) {
    return f.mul(x, f.op<model::TanhOp>({f.op<model::SoftplusOp>({x})}));
  });
}

// Gelu: x/2 * (1 + erf(x / sqrt 2)), or with approximate = "tanh"
// x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))).
static LogicalResult importGelu(NodeImporter &n) {
  FailureOr<std::string> approximate = n.stringAttr("approximate", "none");
  if (failed(approximate))
    return failure();
  if (*approximate != "none" && *approximate != "tanh")
    return n.emitError() << "approximate = '" << *approximate
                         << "' is not one of 'none', 'tanh'";
  bool useTanh = *approximate == "tanh";
  return importActivation(n, [&](Formula &f, Value x) {
    Value inner;
    if (useTanh) {
      Value cube = f.mul(x, f.mul(x, x));
      Value poly = f.add(x, f.mul(f.constant(0.044715), cube));
      inner = f.op<model::TanhOp>(
          {f.mul(f.constant(std::sqrt(2.0 / M_PI)), poly)});
    } else {
      inner = f.op<model::ErfOp>({f.mul(x, f.constant(M_SQRT1_2))});
    }
    Value half = f.mul(f.constant(0.5), x);
    return f.mul(half, f.add(f.constant(1), inner));
  });
}

// Shrink: x < -lambd ? x + bias : (x > lambd ? x - bias : 0); also on
// integers (the parameters then truncate to the input's type).
static LogicalResult importShrink(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<float> bias = n.floatAttr("bias", 0.0f);
  FailureOr<float> lambd = n.floatAttr("lambd", 0.5f);
  FailureOr<Value> x = n.input(0);
  if (failed(bias) || failed(lambd) || failed(x))
    return failure();
  Type element = getElementTypeOrSelf(*x);
  if (element.isInteger(1))
    return n.emitError() << "input must be numeric, got " << element;
  Formula f(n, element);
  Value b = f.constant(*bias);
  Value low = f.select(f.less(*x, f.constant(-*lambd)), f.add(*x, b),
                       f.constant(0));
  return f.finish(
      f.select(f.greater(*x, f.constant(*lambd)), f.sub(*x, b), low));
}

// Clip: min(max(x, lo), hi). Before opset 11 the bounds are attributes
// (floats only); from 11 they are optional inputs, which must be scalars.
static LogicalResult importClip(NodeImporter &n) {
  bool boundsAsInputs = n.opset >= 11;
  if (failed(n.checkInputCount(1, boundsAsInputs ? 3 : 1)))
    return failure();
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  Type element = getElementTypeOrSelf(*x);
  if (element.isInteger(1))
    return n.emitError() << "input must be numeric, got " << element;
  Formula f(n, element);
  Value lo, hi;
  if (boundsAsInputs) {
    for (int64_t i : {1, 2}) {
      if (!n.hasInput(i))
        continue;
      FailureOr<Value> bound = n.input(i);
      if (failed(bound))
        return failure();
      auto type = cast<RankedTensorType>(bound->getType());
      if (type.getNumElements() != 1 || type.getRank() > 1)
        return n.emitError() << (i == 1 ? "min" : "max")
                             << " must be a scalar, got shape "
                             << formatShape(type.getShape());
      (i == 1 ? lo : hi) = *bound;
    }
  } else {
    if (!isa<FloatType>(element))
      return n.emitError() << "input must be floating point before opset 11, "
                              "got "
                           << element;
    for (StringRef bound : {"min", "max"}) {
      if (!n.findAttr(bound))
        continue;
      FailureOr<float> v = n.floatAttr(bound, 0.0f);
      if (failed(v))
        return failure();
      (bound == "min" ? lo : hi) = f.constant(*v);
    }
  }
  Value result = *x;
  if (lo)
    result = f.max(result, lo);
  if (hi)
    result = f.min(result, hi);
  if (result == *x)
    return n.forwardInput(0, 0);
  return f.finish(result);
}

// Sum and Mean of one or more inputs, broadcasting.
template <bool IsMean> static LogicalResult importSumOrMean(NodeImporter &n) {
  if (failed(n.checkInputCount(1, kUnbounded)) ||
      failed(n.checkEqualInputShapesBefore(8)))
    return failure();
  FailureOr<SmallVector<Value>> given = n.leadingInputs(n.numInputs());
  if (failed(given))
    return failure();
  SmallVector<Value> &inputs = *given;
  Type element = getElementTypeOrSelf(inputs.front());
  if (IsMean && !isa<FloatType>(element))
    return n.emitError() << "inputs must be floating point, got " << element;
  if (inputs.size() == 1)
    return n.forwardInput(0, 0);
  Formula f(n, element);
  Value acc = inputs.front();
  for (Value v : llvm::drop_begin(inputs))
    acc = f.add(acc, v);
  if (IsMean)
    acc = f.div(acc, f.constant(static_cast<double>(inputs.size())));
  return f.finish(acc);
}

// Lower bounds: opset 6 dropped the unary ops' `consumed_inputs`; the
// remaining version changes up to 21 only add element types.
static const OpSupport kActivationOps[] = {
    {"Celu", 12, kMaxKnownOpset, importCelu},
    {"Clip", 6, kMaxKnownOpset, importClip},
    {"Elu", 6, kMaxKnownOpset, importElu},
    {"Gelu", 20, kMaxKnownOpset, importGelu},
    {"HardSigmoid", 6, kMaxKnownOpset, importHardSigmoid},
    {"HardSwish", 14, kMaxKnownOpset, importHardSwish},
    {"LeakyRelu", 6, kMaxKnownOpset, importLeakyRelu},
    {"Mean", 6, kMaxKnownOpset, importSumOrMean<true>},
    {"Mish", 18, kMaxKnownOpset, importMish},
    {"PRelu", 6, kMaxKnownOpset, importPRelu},
    {"Selu", 6, kMaxKnownOpset, importSelu},
    {"Shrink", 9, kMaxKnownOpset, importShrink},
    {"Softsign", 1, kMaxKnownOpset, importSoftsign},
    {"Sum", 6, kMaxKnownOpset, importSumOrMean<false>},
    {"ThresholdedRelu", 10, kMaxKnownOpset, importThresholdedRelu},
};

ArrayRef<OpSupport> kiln::onnx_frontend::getActivationOpTable() {
  return kActivationOps;
}
