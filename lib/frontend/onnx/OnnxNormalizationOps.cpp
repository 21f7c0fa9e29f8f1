//===- OnnxNormalizationOps.cpp - ONNX normalizations and losses ----------===//
//
// Handlers of the normalizations and the two classification losses, and
// their rows of the operator table.
// LayerNormalization is model.layer_norm, whole. The others are composed:
//   BatchNormalization (inference) = (x - mean) * (scale / sqrt(var + eps)) + B
//   InstanceNormalization = layer_norm(x, axis 2) * scale[C] + B[C]
//   GroupNormalization    = layer_norm of x viewed as [N, G, C/G * spatial]
//                           at axis 2, scale and bias per group (18) or per
//                           channel (21)
//   LpNormalization       = x / sum(|x|) (p = 1) or x / sqrt(sum(x^2)) (p = 2)
//   MeanVarianceNormalization = (x - mean) / (sqrt(var) + 1e-9)
// where per-channel parameters [C] broadcast as [C, 1, ..., 1] against
// [N, C, D1, ...]. The losses pick each position's class by a one-hot mask
// over the (static) classes:
//   NegativeLogLikelihoodLoss = -input[n, target[n, d], d] * weight[target]
//   SoftmaxCrossEntropyLoss   = NLL(log_softmax(scores, 1), labels, weights)
//
//===----------------------------------------------------------------------===//
#include "lib/frontend/onnx/OnnxReductionOps.h"

using namespace mlir;
using namespace kiln::onnx_frontend;
namespace model = kiln::model;

/// `v` ([C] or [G]) with `trailing` unit dims appended, so that it
/// broadcasts along dim 1 of [N, C, D1, ...]; converted to `element` (the
/// parameters of BatchNormalization-15 may differ from X's type).
static FailureOr<Value> perChannel(NodeImporter &n, Value v, int64_t trailing,
                                   Type element) {
  auto type = cast<RankedTensorType>(v.getType());
  FailureOr<Value> result = v;
  if (type.getElementType() != element)
    result =
        n.create<model::CastOp>({v}, {n.named("to", TypeAttr::get(element))});
  if (failed(result) || trailing == 0)
    return result;
  int64_t rank = type.getRank();
  SmallVector<int64_t> axes =
      llvm::to_vector(llvm::seq<int64_t>(rank, rank + trailing));
  return n.create<model::UnsqueezeOp>({*result},
                                      {n.named("axes", n.i64Array(axes))});
}

/// Checks that the parameter input `i` is 1-D.
static LogicalResult check1D(NodeImporter &n, int64_t i, StringRef role) {
  FailureOr<RankedTensorType> type = n.inputType(i);
  if (failed(type))
    return failure();
  if (type->getRank() != 1)
    return n.emitError() << role << " must be 1-D, got shape "
                         << formatShape(type->getShape());
  return success();
}

FailureOr<Type> kiln::onnx_frontend::stashTypeAttr(NodeImporter &n) {
  FailureOr<int64_t> stash = n.intAttr("stash_type", 1);
  if (failed(stash))
    return failure();
  Type type = n.convertElementType(*stash);
  if (!type || !isa<FloatType>(type))
    return n.emitError() << "stash_type " << *stash
                         << " is not a floating-point type";
  return type;
}

/// model.layer_norm with optional scale and bias; its three results.
static FailureOr<Operation *> layerNorm(NodeImporter &n, Value x, Value scale,
                                        Value bias, int64_t axis, float epsilon,
                                        Type stash) {
  SmallVector<Value> operands = {x};
  if (scale)
    operands.push_back(scale);
  if (bias)
    operands.push_back(bias);
  FailureOr<Value> y = n.create<model::LayerNormOp>(
      operands,
      {n.named("axis", n.i64(axis)),
       n.named("epsilon",
               FloatAttr::get(Float32Type::get(n.getContext()), epsilon)),
       n.named("stash_type", TypeAttr::get(stash)),
       n.named("operandSegmentSizes",
               DenseI32ArrayAttr::get(n.getContext(),
                                      {1, scale ? 1 : 0, bias ? 1 : 0}))});
  if (failed(y))
    return failure();
  return y->getDefiningOp();
}

//===----------------------------------------------------------------------===//
// LayerNormalization
//===----------------------------------------------------------------------===//

static LogicalResult importLayerNormalization(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 3)))
    return failure();
  FailureOr<RankedTensorType> type = n.inputType(0);
  FailureOr<int64_t> axis = n.intAttr("axis", -1);
  FailureOr<float> epsilon = n.floatAttr("epsilon", 1e-5f);
  FailureOr<Type> stash = stashTypeAttr(n);
  if (failed(type) || failed(axis) || failed(epsilon) || failed(stash))
    return failure();
  FailureOr<int64_t> normalized = n.normalizeAxis(*axis, type->getRank());
  FailureOr<Value> x = n.input(0), scale = n.input(1);
  FailureOr<Value> bias =
      n.hasInput(2) ? n.input(2) : FailureOr<Value>(Value());
  if (failed(normalized) || failed(x) || failed(scale) || failed(bias))
    return failure();
  FailureOr<Operation *> op =
      layerNorm(n, *x, *scale, *bias, *normalized, *epsilon, *stash);
  if (failed(op))
    return failure();
  for (int64_t i = 0; i < 3; ++i)
    if (failed(n.setOutput(i, (*op)->getResult(i))))
      return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// BatchNormalization, InstanceNormalization, GroupNormalization
//===----------------------------------------------------------------------===//

/// BatchNormalization in inference form: the running statistics are inputs.
/// Opset 6 says so with `is_test` = 1 (0, its default, is training); 6 to 8
/// have `spatial` (0: statistics per activation, shaped like X.shape[1:]);
/// 14 added `training_mode`, which must be 0. The outputs beyond Y exist
/// only in training.
static LogicalResult importBatchNormalization(NodeImporter &n) {
  if (failed(n.checkInputCount(5, 5)))
    return failure();
  FailureOr<RankedTensorType> type = n.inputType(0);
  FailureOr<float> epsilon = n.floatAttr("epsilon", 1e-5f);
  // Momentum only updates the running statistics, in training.
  n.ignoreAttrs({"momentum"});
  FailureOr<int64_t> spatial =
      n.opset < 9 ? n.intAttr("spatial", 1) : FailureOr<int64_t>(1);
  FailureOr<int64_t> training =
      n.opset >= 14 ? n.intAttr("training_mode", 0) : FailureOr<int64_t>(0);
  FailureOr<int64_t> test =
      n.opset < 7 ? n.intAttr("is_test", 0) : FailureOr<int64_t>(1);
  if (failed(type) || failed(epsilon) || failed(spatial) || failed(training) ||
      failed(test))
    return failure();
  if (*training)
    return n.emitError() << "training_mode = 1 (statistics of the batch) is "
                            "not supported; only inference";
  if (!*test)
    return n.emitError() << "is_test = 0 (training, the default before opset "
                            "7) is not supported; only inference";
  int64_t rank = type->getRank();
  if (rank < 2)
    return n.emitError() << "X must have rank >= 2 ([N, C, ...]), got shape "
                         << formatShape(type->getShape());
  Type element = type->getElementType();
  // Per channel: [C] -> [C, 1, ...]; per activation the parameters already
  // have X's shape without N.
  int64_t trailing = *spatial ? rank - 2 : 0;
  SmallVector<Value> params;
  for (int64_t i = 1; i < 5; ++i) {
    if (*spatial && failed(check1D(n, i, "the statistics and parameters")))
      return failure();
    FailureOr<Value> v = n.input(i);
    FailureOr<Value> p = failed(v) ? v : perChannel(n, *v, trailing, element);
    if (failed(p))
      return failure();
    params.push_back(*p);
  }
  Value scale = params[0], bias = params[1], mean = params[2], var = params[3];
  FailureOr<Value> x = n.input(0);
  FailureOr<Value> eps = scalarConstant(n, element, *epsilon);
  if (failed(x) || failed(eps))
    return failure();
  FailureOr<Value> varEps = elementwise<model::AddOp>(n, var, *eps);
  FailureOr<Value> std =
      failed(varEps) ? varEps : elementwise<model::SqrtOp>(n, *varEps);
  FailureOr<Value> factor =
      failed(std) ? std : elementwise<model::DivOp>(n, scale, *std);
  FailureOr<Value> centered = elementwise<model::SubOp>(n, *x, mean);
  if (failed(factor) || failed(centered))
    return failure();
  FailureOr<Value> scaled = elementwise<model::MulOp>(n, *centered, *factor);
  if (failed(scaled))
    return failure();
  return n.setOutput(0, elementwise<model::AddOp>(n, *scaled, bias));
}

/// y * scale + bias for parameters of shape [P] broadcast along dim 1 of y.
static FailureOr<Value> scaleAndShift(NodeImporter &n, Value y, Value scale,
                                      Value bias) {
  auto type = cast<RankedTensorType>(y.getType());
  int64_t trailing = type.getRank() - 2;
  FailureOr<Value> s = perChannel(n, scale, trailing, type.getElementType());
  FailureOr<Value> b = perChannel(n, bias, trailing, type.getElementType());
  if (failed(s) || failed(b))
    return failure();
  FailureOr<Value> scaled = elementwise<model::MulOp>(n, y, *s);
  if (failed(scaled))
    return failure();
  return elementwise<model::AddOp>(n, *scaled, *b);
}

/// InstanceNormalization: each (n, c) is normalized over the spatial dims.
static LogicalResult importInstanceNormalization(NodeImporter &n) {
  if (failed(n.checkInputCount(3, 3)))
    return failure();
  FailureOr<RankedTensorType> type = n.inputType(0);
  FailureOr<float> epsilon = n.floatAttr("epsilon", 1e-5f);
  if (failed(type) || failed(epsilon) || failed(check1D(n, 1, "scale")) ||
      failed(check1D(n, 2, "B")))
    return failure();
  if (type->getRank() < 3)
    return n.emitError() << "input must have rank >= 3 ([N, C, D1, ...]), "
                            "got shape "
                         << formatShape(type->getShape());
  FailureOr<Value> x = n.input(0), scale = n.input(1), bias = n.input(2);
  if (failed(x) || failed(scale) || failed(bias))
    return failure();
  FailureOr<Operation *> norm = layerNorm(
      n, *x, {}, {}, 2, *epsilon, defaultStashType(type->getElementType()));
  if (failed(norm))
    return failure();
  return n.setOutput(0, scaleAndShift(n, (*norm)->getResult(0), *scale, *bias));
}

/// GroupNormalization: statistics per instance and group of C / G channels.
/// Opset 18 scales and shifts per group, 21 per channel (and added
/// stash_type).
static LogicalResult importGroupNormalization(NodeImporter &n) {
  if (failed(n.checkInputCount(3, 3)))
    return failure();
  FailureOr<RankedTensorType> type = n.inputType(0);
  FailureOr<float> epsilon = n.floatAttr("epsilon", 1e-5f);
  FailureOr<int64_t> groups = n.intAttr("num_groups");
  if (failed(type) || failed(epsilon) || failed(groups) ||
      failed(check1D(n, 1, "scale")) || failed(check1D(n, 2, "bias")))
    return failure();
  bool perChannelParams = n.opset >= 21;
  FailureOr<Type> stash =
      perChannelParams
          ? stashTypeAttr(n)
          : FailureOr<Type>(defaultStashType(type->getElementType()));
  if (failed(stash))
    return failure();
  if (type->getRank() < 2)
    return n.emitError() << "X must have rank >= 2 ([N, C, ...]), got shape "
                         << formatShape(type->getShape());
  int64_t channels = type->getDimSize(1);
  if (ShapedType::isDynamic(channels))
    return n.emitError() << "the channel dim of X "
                         << formatShape(type->getShape()) << " must be static";
  if (*groups <= 0 || channels % *groups != 0)
    return n.emitError() << "num_groups = " << *groups
                         << " does not divide the " << channels << " channels";
  FailureOr<Value> x = n.input(0), scale = n.input(1), bias = n.input(2);
  if (failed(x) || failed(scale) || failed(bias))
    return failure();
  // [N, C, D...] -> [N, G, C/G * prod(D)]; N is copied, the rest inferred.
  FailureOr<Value> grouped = n.create<model::ReshapeOp>(
      {*x}, {n.named("shape", n.i64Array({0, *groups, -1}))});
  if (failed(grouped))
    return failure();
  FailureOr<Operation *> norm =
      layerNorm(n, *grouped, {}, {}, 2, *epsilon, *stash);
  if (failed(norm))
    return failure();
  Value y = (*norm)->getResult(0);
  if (perChannelParams) {
    FailureOr<Value> back = reshapeLike(n, y, *x);
    if (failed(back))
      return failure();
    return n.setOutput(0, scaleAndShift(n, *back, *scale, *bias));
  }
  FailureOr<Value> shifted = scaleAndShift(n, y, *scale, *bias);
  if (failed(shifted))
    return failure();
  return n.setOutput(0, reshapeLike(n, *shifted, *x));
}

//===----------------------------------------------------------------------===//
// LpNormalization, MeanVarianceNormalization
//===----------------------------------------------------------------------===//

static LogicalResult importLpNormalization(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<RankedTensorType> type = n.inputType(0);
  FailureOr<int64_t> axis = n.intAttr("axis", -1);
  FailureOr<int64_t> p = n.intAttr("p", 2);
  if (failed(type) || failed(axis) || failed(p))
    return failure();
  if (*p != 1 && *p != 2)
    return n.emitError() << "p = " << *p << " is not supported (only 1 and 2)";
  FailureOr<int64_t> normalized = n.normalizeAxis(*axis, type->getRank());
  FailureOr<Value> x = n.input(0);
  if (failed(normalized) || failed(x))
    return failure();
  FailureOr<Value> norm;
  if (*p == 1) {
    FailureOr<Value> abs = elementwise<model::AbsOp>(n, *x);
    norm = failed(abs)
               ? abs
               : reduce<model::ReduceSumOp>(n, *abs, {*normalized}, true);
  } else {
    FailureOr<Value> square = elementwise<model::MulOp>(n, *x, *x);
    FailureOr<Value> sum =
        failed(square)
            ? square
            : reduce<model::ReduceSumOp>(n, *square, {*normalized}, true);
    norm = failed(sum) ? sum : elementwise<model::SqrtOp>(n, *sum);
  }
  if (failed(norm))
    return failure();
  return n.setOutput(0, elementwise<model::DivOp>(n, *x, *norm));
}

static LogicalResult importMeanVarianceNormalization(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<RankedTensorType> type = n.inputType(0);
  FailureOr<OptionalInts> axesAttr = n.intsAttr("axes");
  if (failed(type) || failed(axesAttr))
    return failure();
  SmallVector<int64_t> axes =
      *axesAttr ? **axesAttr : SmallVector<int64_t>{0, 2, 3};
  FailureOr<SmallVector<int64_t>> normalized =
      n.normalizeAxes(axes, type->getRank());
  FailureOr<Value> x = n.input(0);
  if (failed(normalized) || failed(x))
    return failure();
  llvm::sort(*normalized);
  if (normalized->empty())
    return n.emitError() << "axes must not be empty";
  FailureOr<Value> mean = reduce<model::ReduceMeanOp>(n, *x, *normalized, true);
  FailureOr<Value> centered =
      failed(mean) ? mean : elementwise<model::SubOp>(n, *x, *mean);
  FailureOr<Value> square =
      failed(centered) ? centered
                       : elementwise<model::MulOp>(n, *centered, *centered);
  FailureOr<Value> var =
      failed(square)
          ? square
          : reduce<model::ReduceMeanOp>(n, *square, *normalized, true);
  FailureOr<Value> std =
      failed(var) ? var : elementwise<model::SqrtOp>(n, *var);
  FailureOr<Value> eps = scalarConstant(n, type->getElementType(), 1e-9);
  if (failed(std) || failed(eps))
    return failure();
  FailureOr<Value> denominator = elementwise<model::AddOp>(n, *std, *eps);
  if (failed(denominator))
    return failure();
  return n.setOutput(0, elementwise<model::DivOp>(n, *centered, *denominator));
}

//===----------------------------------------------------------------------===//
// NegativeLogLikelihoodLoss, SoftmaxCrossEntropyLoss
//===----------------------------------------------------------------------===//

/// The node's `reduction` (none, sum or mean; mean by default).
static FailureOr<std::string> reductionAttr(NodeImporter &n) {
  const onnx::AttributeProto *attr = n.findAttr("reduction");
  if (!attr)
    return std::string("mean");
  if (attr->type() != onnx::AttributeProto::STRING)
    return n.emitError() << "attribute 'reduction' must be a STRING";
  if (attr->s() != "none" && attr->s() != "sum" && attr->s() != "mean")
    return n.emitError() << "reduction '" << attr->s()
                         << "' is not one of none, sum, mean";
  return attr->s();
}

/// NLL of log-probabilities `input` [N, C, D...] at `target` [N, D...]:
///   mask[n, c, d] = target[n, d] == c
///   w[n, d] = target[n, d] == ignore_index ? 0 : sum_c(mask * weight[c])
///                                                (1 without weights)
///   loss[n, d] = -sum_c(mask * input) * w[n, d]
/// then none: loss, sum: sum(loss), mean: sum(loss) / sum(w). A target
/// outside [0, C) (other than ignore_index) selects no class: its loss and
/// weight are 0.
static FailureOr<Value> buildNLL(NodeImporter &n, Value input, Value target,
                                 Value weight, StringRef reduction,
                                 std::optional<int64_t> ignoreIndex) {
  auto type = cast<RankedTensorType>(input.getType());
  auto targetType = cast<RankedTensorType>(target.getType());
  Type element = type.getElementType();
  Type index = targetType.getElementType();
  int64_t rank = type.getRank();
  if (rank < 2)
    return n.emitError() << "input must have rank >= 2 ([N, C, ...]), got "
                         << formatShape(type.getShape());
  SmallVector<int64_t> expected(type.getShape());
  expected.erase(expected.begin() + 1);
  bool shapesAgree =
      targetType.getRank() == rank - 1 &&
      llvm::all_of(llvm::zip(expected, targetType.getShape()), [](auto dims) {
        auto [a, b] = dims;
        return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
      });
  if (!shapesAgree)
    return n.emitError() << "target shape "
                         << formatShape(targetType.getShape())
                         << " does not match input shape "
                         << formatShape(type.getShape()) << " without dim 1";
  int64_t classes = type.getDimSize(1);
  if (ShapedType::isDynamic(classes))
    return n.emitError() << "the class dim of " << formatShape(type.getShape())
                         << " must be static";
  if (weight) {
    auto weightType = cast<RankedTensorType>(weight.getType());
    if (weightType.getRank() != 1 || weightType.getDimSize(0) != classes)
      return n.emitError() << "weight of shape "
                           << formatShape(weightType.getShape())
                           << " is not one weight per class ([" << classes
                           << "])";
  }

  // The class index along dim 1: [1, C, 1, ...].
  SmallVector<int64_t> iotaShape(rank, 1);
  iotaShape[1] = classes;
  SmallVector<int64_t> iota = llvm::to_vector(llvm::seq<int64_t>(0, classes));
  FailureOr<Value> classIndex = n.create<model::ConstantOp>(
      {}, {n.named("value", makeIntegerAttr(iotaShape, index, iota))});
  FailureOr<Value> column = n.create<model::UnsqueezeOp>(
      {target}, {n.named("axes", n.i64Array({1}))});
  if (failed(classIndex) || failed(column))
    return failure();
  FailureOr<Value> mask = elementwise<model::EqualOp>(n, *column, *classIndex);
  FailureOr<Value> zero = scalarConstant(n, element, 0);
  if (failed(mask) || failed(zero))
    return failure();
  auto pick = [&](Value v) -> FailureOr<Value> {
    FailureOr<Value> masked = elementwise<model::WhereOp>(n, *mask, v, *zero);
    if (failed(masked))
      return failure();
    return reduce<model::ReduceSumOp>(n, *masked, {1}, false);
  };

  FailureOr<Value> w;
  if (weight) {
    SmallVector<int64_t> trailing =
        llvm::to_vector(llvm::seq<int64_t>(1, rank - 1));
    FailureOr<Value> perClass =
        trailing.empty()
            ? FailureOr<Value>(weight)
            : n.create<model::UnsqueezeOp>(
                  {weight}, {n.named("axes", n.i64Array(trailing))});
    w = failed(perClass) ? perClass : pick(*perClass);
  } else {
    FailureOr<Value> one = scalarConstant(n, element, 1);
    w = failed(one) ? one : pick(*one);
  }
  if (failed(w))
    return failure();
  if (ignoreIndex) {
    FailureOr<Value> ignored = n.create<model::ConstantOp>(
        {}, {n.named("value", makeIntegerAttr({}, index, {*ignoreIndex}))});
    FailureOr<Value> isIgnored =
        failed(ignored) ? ignored
                        : elementwise<model::EqualOp>(n, target, *ignored);
    w = failed(isIgnored)
            ? isIgnored
            : elementwise<model::WhereOp>(n, *isIgnored, *zero, *w);
    if (failed(w))
      return failure();
  }
  FailureOr<Value> picked = pick(input);
  FailureOr<Value> negated =
      failed(picked) ? picked : elementwise<model::NegOp>(n, *picked);
  FailureOr<Value> loss =
      failed(negated) ? negated : elementwise<model::MulOp>(n, *negated, *w);
  if (failed(loss) || reduction == "none")
    return loss;
  FailureOr<Value> total = reduce<model::ReduceSumOp>(n, *loss, {}, false);
  if (failed(total) || reduction == "sum")
    return total;
  FailureOr<Value> count = reduce<model::ReduceSumOp>(n, *w, {}, false);
  if (failed(count))
    return failure();
  return elementwise<model::DivOp>(n, *total, *count);
}

static FailureOr<std::optional<int64_t>> ignoreIndexAttr(NodeImporter &n) {
  if (!n.findAttr("ignore_index"))
    return std::optional<int64_t>();
  FailureOr<int64_t> value = n.intAttr("ignore_index");
  if (failed(value))
    return failure();
  return std::optional<int64_t>(*value);
}

static LogicalResult importNegativeLogLikelihoodLoss(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 3)))
    return failure();
  FailureOr<std::string> reduction = reductionAttr(n);
  FailureOr<std::optional<int64_t>> ignoreIndex = ignoreIndexAttr(n);
  FailureOr<Value> input = n.input(0), target = n.input(1);
  FailureOr<Value> weight =
      n.hasInput(2) ? n.input(2) : FailureOr<Value>(Value());
  if (failed(reduction) || failed(ignoreIndex) || failed(input) ||
      failed(target) || failed(weight))
    return failure();
  return n.setOutput(
      0, buildNLL(n, *input, *target, *weight, *reduction, *ignoreIndex));
}

static LogicalResult importSoftmaxCrossEntropyLoss(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 3)))
    return failure();
  FailureOr<std::string> reduction = reductionAttr(n);
  FailureOr<std::optional<int64_t>> ignoreIndex = ignoreIndexAttr(n);
  FailureOr<Value> scores = n.input(0), labels = n.input(1);
  FailureOr<Value> weights =
      n.hasInput(2) ? n.input(2) : FailureOr<Value>(Value());
  if (failed(reduction) || failed(ignoreIndex) || failed(scores) ||
      failed(labels) || failed(weights))
    return failure();
  if (cast<RankedTensorType>(scores->getType()).getRank() < 2)
    return n.emitError() << "scores must have rank >= 2 ([N, C, ...])";
  FailureOr<Value> logProb = buildLogSoftmax(n, *scores, 1);
  if (failed(logProb))
    return failure();
  if (failed(n.setOutput(0, buildNLL(n, *logProb, *labels, *weights, *reduction,
                                     *ignoreIndex))))
    return failure();
  return n.setOutput(1, *logProb);
}

//===----------------------------------------------------------------------===//
// Table
//===----------------------------------------------------------------------===//

// BatchNormalization and InstanceNormalization before 6 had
// `consumed_inputs`, which is not handled.
static const OpSupport kNormalizationOps[] = {
    {"BatchNormalization", 6, kMaxKnownOpset, importBatchNormalization},
    {"GroupNormalization", 18, kMaxKnownOpset, importGroupNormalization},
    {"InstanceNormalization", 6, kMaxKnownOpset, importInstanceNormalization},
    {"LayerNormalization", 17, kMaxKnownOpset, importLayerNormalization},
    {"LpNormalization", 1, kMaxKnownOpset, importLpNormalization},
    {"MeanVarianceNormalization", 9, kMaxKnownOpset,
     importMeanVarianceNormalization},
    {"NegativeLogLikelihoodLoss", 12, kMaxKnownOpset,
     importNegativeLogLikelihoodLoss},
    {"SoftmaxCrossEntropyLoss", 12, kMaxKnownOpset,
     importSoftmaxCrossEntropyLoss},
};

ArrayRef<OpSupport> kiln::onnx_frontend::getNormalizationOpTable() {
  return kNormalizationOps;
}
