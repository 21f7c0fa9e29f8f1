//===- OnnxReductionOps.cpp - ONNX reductions, softmaxes, scans, top-k ----===//
//
// Handlers of the reducing operators and their rows of the operator table.
// Reductions that kiln has an op for (sum, mean, max, min, prod) map to it;
// the others are composed of them:
//   ReduceL1 = sum(|x|)          ReduceL2 = sqrt(sum(x * x))
//   ReduceSumSquare = sum(x * x) ReduceLogSum = log(sum(x))
//   ReduceLogSumExp = m + log(sum(exp(x - m))), m = max(x) (0 where -inf)
// noop_with_empty_axes with no axes reduces over nothing: the reduction is
// the identity, and the composed ops keep their elementwise steps (ONNX:
// ReduceLogSum is then log(x)). Integer inputs of the ops with a log or a
// square root compute in f64 and convert back, as the ONNX reference does.
// Softmax, LogSoftmax and Hardmax share the coercion to 2-D of opsets < 13.
//
//===----------------------------------------------------------------------===//
#include "lib/frontend/onnx/OnnxReductionOps.h"

#include <cmath>

using namespace mlir;
using namespace kiln::onnx_frontend;
namespace model = kiln::model;

//===----------------------------------------------------------------------===//
// Shared building blocks (OnnxReductionOps.h)
//===----------------------------------------------------------------------===//

FailureOr<Value> kiln::onnx_frontend::scalarConstant(NodeImporter &n,
                                                     Type element,
                                                     double value) {
  auto type = RankedTensorType::get({}, element);
  Attribute scalar;
  if (isa<FloatType>(element))
    scalar = FloatAttr::get(element, value);
  else
    scalar = IntegerAttr::get(element, (int64_t)value);
  return n.create<model::ConstantOp>(
      {}, {n.named("value", DenseElementsAttr::get(type, scalar))});
}

FailureOr<Value> kiln::onnx_frontend::i64Constant(NodeImporter &n,
                                                  ArrayRef<int64_t> values,
                                                  bool rank0) {
  Type i64 = IntegerType::get(n.getContext(), 64);
  auto type = rank0 ? RankedTensorType::get({}, i64)
                    : RankedTensorType::get({(int64_t)values.size()}, i64);
  return n.create<model::ConstantOp>(
      {}, {n.named("value", DenseElementsAttr::get(type, values))});
}

FailureOr<Value> kiln::onnx_frontend::buildLogSoftmax(NodeImporter &n, Value x,
                                                      int64_t axis) {
  FailureOr<Value> max = reduce<model::ReduceMaxOp>(n, x, {axis}, true);
  if (failed(max))
    return failure();
  FailureOr<Value> shifted = elementwise<model::SubOp>(n, x, *max);
  if (failed(shifted))
    return failure();
  FailureOr<Value> exp = elementwise<model::ExpOp>(n, *shifted);
  if (failed(exp))
    return failure();
  FailureOr<Value> sum = reduce<model::ReduceSumOp>(n, *exp, {axis}, true);
  if (failed(sum))
    return failure();
  FailureOr<Value> log = elementwise<model::LogOp>(n, *sum);
  if (failed(log))
    return failure();
  return elementwise<model::SubOp>(n, *shifted, *log);
}

FailureOr<Value> kiln::onnx_frontend::reshapeLike(NodeImporter &n, Value v,
                                                  Value like) {
  auto type = cast<RankedTensorType>(like.getType());
  auto element = cast<RankedTensorType>(v.getType()).getElementType();
  if (type.hasStaticShape())
    return n.create<model::ReshapeOp>(
        {v}, {n.named("shape", n.i64Array(type.getShape()))});
  // Symbolic dims: the shape is read back at run time.
  FailureOr<Value> shape = n.create<model::ShapeOp>({like});
  if (failed(shape))
    return failure();
  return n.createTyped<model::DynamicReshapeOp>(type.clone(element),
                                                {v, *shape});
}

Type kiln::onnx_frontend::defaultStashType(Type element) {
  if (element.isF16() || element.isBF16())
    return Float32Type::get(element.getContext());
  return element;
}

//===----------------------------------------------------------------------===//
// Softmax, LogSoftmax, Hardmax
//===----------------------------------------------------------------------===//

using AlongAxis = llvm::function_ref<FailureOr<Value>(Value x, int64_t axis)>;

/// The softmax family since opset 13 normalizes along one axis (default -1).
/// Before 13 each coerced the input to 2-D at `axis` (default 1) and
/// normalized each row:
///   op_<13(x, axis) = reshape(op(flatten(x, axis), 1), shape(x))
/// which is the op along `axis` itself when every later dim is 1.
static LogicalResult importAlongAxis(NodeImporter &n, AlongAxis build) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<RankedTensorType> type = n.inputType(0);
  if (failed(type))
    return failure();
  FailureOr<int64_t> axis = n.intAttr("axis", n.opset >= 13 ? -1 : 1);
  if (failed(axis))
    return failure();
  int64_t rank = type->getRank();
  FailureOr<int64_t> normalized = n.normalizeAxis(*axis, rank);
  if (failed(normalized))
    return failure();
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  bool rows =
      n.opset < 13 && llvm::any_of(type->getShape().drop_front(*normalized + 1),
                                   [](int64_t d) { return d != 1; });
  if (!rows)
    return n.setOutput(0, build(*x, *normalized));

  FailureOr<SmallVector<int64_t>> target = flattenTarget(n, *type, *normalized);
  if (failed(target))
    return failure();
  FailureOr<Value> flat =
      n.create<model::ReshapeOp>({*x}, {n.named("shape", n.i64Array(*target))});
  if (failed(flat))
    return failure();
  FailureOr<Value> result = build(*flat, 1);
  if (failed(result))
    return failure();
  if (type->hasStaticShape())
    return n.setOutput(
        0, n.createOrFold<model::ReshapeOp>(
               {*result}, {n.named("shape", n.i64Array(type->getShape()))}));
  return n.setOutput(0, reshapeLike(n, *result, *x));
}

static LogicalResult importSoftmax(NodeImporter &n) {
  return importAlongAxis(n, [&](Value x, int64_t axis) {
    return n.create<model::SoftmaxOp>({x}, {n.named("axis", n.i64(axis))});
  });
}

static LogicalResult importLogSoftmax(NodeImporter &n) {
  return importAlongAxis(
      n, [&](Value x, int64_t axis) { return buildLogSoftmax(n, x, axis); });
}

/// hardmax(x) is 1 at the first maximum along the axis, 0 elsewhere:
///   eq = x == max(x);  first = eq * cumsum(eq) == 1
/// (the running count of maxima is 1 from the first maximum up to the
/// second).
static LogicalResult importHardmax(NodeImporter &n) {
  return importAlongAxis(n, [&](Value x, int64_t axis) -> FailureOr<Value> {
    Type element = cast<RankedTensorType>(x.getType()).getElementType();
    Type i32 = IntegerType::get(n.getContext(), 32);
    FailureOr<Value> max = reduce<model::ReduceMaxOp>(n, x, {axis}, true);
    if (failed(max))
      return failure();
    FailureOr<Value> eq = elementwise<model::EqualOp>(n, x, *max);
    if (failed(eq))
      return failure();
    FailureOr<Value> count =
        n.create<model::CastOp>({*eq}, {n.named("to", TypeAttr::get(i32))});
    FailureOr<Value> axisValue = i64Constant(n, {axis}, /*rank0=*/true);
    if (failed(count) || failed(axisValue))
      return failure();
    FailureOr<Value> running = n.create<model::CumSumOp>({*count, *axisValue});
    if (failed(running))
      return failure();
    FailureOr<Value> firstCount =
        elementwise<model::MulOp>(n, *running, *count);
    FailureOr<Value> one = scalarConstant(n, i32, 1);
    if (failed(firstCount) || failed(one))
      return failure();
    FailureOr<Value> first = elementwise<model::EqualOp>(n, *firstCount, *one);
    if (failed(first))
      return failure();
    return n.create<model::CastOp>({*first},
                                   {n.named("to", TypeAttr::get(element))});
  });
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

enum class Reduction {
  Sum,
  Mean,
  Max,
  Min,
  Prod,
  L1,
  L2,
  LogSum,
  LogSumExp,
  SumSquare
};

/// The `kind` of model.dynamic_reduce that stands for `OpTy`.
template <typename OpTy> static StringRef dynamicKind();
template <> StringRef dynamicKind<model::ReduceSumOp>() { return "sum"; }
template <> StringRef dynamicKind<model::ReduceMeanOp>() { return "mean"; }
template <> StringRef dynamicKind<model::ReduceProdOp>() { return "prod"; }
template <> StringRef dynamicKind<model::ReduceMaxOp>() { return "max"; }
template <> StringRef dynamicKind<model::ReduceMinOp>() { return "min"; }

/// What a Reduce* node asks for: the sorted, non-negative axes (empty: all)
/// or a tensor of axes only known at run time, and keepdims; or nothing at
/// all (`noop`).
struct ReduceRequest {
  SmallVector<int64_t> axes;
  Value dynamicAxes;
  bool keepDims = true;
  bool noop = false;

  /// `OpTy` of `v` as asked (`keep` instead of keepdims), or `v` itself.
  template <typename OpTy>
  FailureOr<Value> apply(NodeImporter &n, Value v, bool keep) const {
    if (noop)
      return v;
    if (dynamicAxes)
      return n.create<model::DynamicReduceOp>(
          {v, dynamicAxes},
          {n.named("kind",
                   StringAttr::get(n.getContext(), dynamicKind<OpTy>())),
           n.named("keepdims", BoolAttr::get(n.getContext(), keep))});
    return reduce<OpTy>(n, v, axes, keep);
  }
  template <typename OpTy>
  FailureOr<Value> apply(NodeImporter &n, Value v) const {
    return apply<OpTy>(n, v, keepDims);
  }
};

/// The reductions with a log or a square root; integers compute in f64.
template <Reduction Kind>
static FailureOr<Value> reduceInFloat(NodeImporter &n, const ReduceRequest &r,
                                      Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  auto sum = [&](Value v) { return r.apply<model::ReduceSumOp>(n, v); };
  auto squared = [&](Value v) { return elementwise<model::MulOp>(n, v, v); };
  Type element = type.getElementType();
  Value input = x;
  if (!isa<FloatType>(element)) {
    Type f64 = Float64Type::get(n.getContext());
    FailureOr<Value> wide =
        n.create<model::CastOp>({input}, {n.named("to", TypeAttr::get(f64))});
    if (failed(wide))
      return failure();
    input = *wide;
  }
  FailureOr<Value> result;
  if constexpr (Kind == Reduction::L2) {
    FailureOr<Value> square = squared(input);
    FailureOr<Value> total = failed(square) ? square : sum(*square);
    result = failed(total) ? total : elementwise<model::SqrtOp>(n, *total);
  } else if constexpr (Kind == Reduction::LogSum) {
    FailureOr<Value> total = sum(input);
    result = failed(total) ? total : elementwise<model::LogOp>(n, *total);
  } else {
    static_assert(Kind == Reduction::LogSumExp);
    // m is 0 where the max is -inf (no elements, or only -inf), so that
    // x - m stays -inf rather than NaN and the result is -inf.
    Type wideElement = cast<RankedTensorType>(input.getType()).getElementType();
    FailureOr<Value> max = r.apply<model::ReduceMaxOp>(n, input, true);
    FailureOr<Value> minusInf = scalarConstant(n, wideElement, -INFINITY);
    FailureOr<Value> zero = scalarConstant(n, wideElement, 0);
    if (failed(max) || failed(minusInf) || failed(zero))
      return failure();
    FailureOr<Value> empty = elementwise<model::EqualOp>(n, *max, *minusInf);
    FailureOr<Value> shift =
        failed(empty) ? empty
                      : elementwise<model::WhereOp>(n, *empty, *zero, *max);
    FailureOr<Value> shifted =
        failed(shift) ? shift : elementwise<model::SubOp>(n, input, *shift);
    FailureOr<Value> exp =
        failed(shifted) ? shifted : elementwise<model::ExpOp>(n, *shifted);
    FailureOr<Value> total = failed(exp) ? exp : sum(*exp);
    FailureOr<Value> log =
        failed(total) ? total : elementwise<model::LogOp>(n, *total);
    if (failed(log))
      return failure();
    // The shift has the reduced dims kept; drop them as the node asks (for
    // axes known only at run time, by reducing once more).
    if (!r.noop && !r.keepDims && r.dynamicAxes) {
      FailureOr<Value> dropped = r.apply<model::ReduceMaxOp>(n, input, false);
      FailureOr<Value> none =
          failed(dropped) ? dropped
                          : elementwise<model::EqualOp>(n, *dropped, *minusInf);
      shift = failed(none)
                  ? none
                  : elementwise<model::WhereOp>(n, *none, *zero, *dropped);
      if (failed(shift))
        return failure();
    } else if (!r.noop && !r.keepDims) {
      SmallVector<int64_t> dropped = r.axes;
      if (dropped.empty())
        dropped = llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
      shift = n.create<model::SqueezeOp>(
          {*shift}, {n.named("axes", n.i64Array(dropped))});
      if (failed(shift))
        return failure();
    }
    result = elementwise<model::AddOp>(n, *log, *shift);
  }
  if (failed(result) || isa<FloatType>(element))
    return result;
  return n.create<model::CastOp>({*result},
                                 {n.named("to", TypeAttr::get(element))});
}

/// Reduce*: `axes` is an attribute before `AxesInputSince` and an optional
/// input from then on, usually constant (a run-time one makes a
/// model.dynamic_reduce); no axes means all dims, or none (the identity)
/// with noop_with_empty_axes.
template <Reduction Kind, int64_t AxesInputSince>
static LogicalResult importReduce(NodeImporter &n) {
  bool axesAsInput = n.opset >= AxesInputSince;
  if (failed(n.checkInputCount(1, axesAsInput ? 2 : 1)))
    return failure();
  FailureOr<RankedTensorType> type = n.inputType(0);
  FailureOr<int64_t> keepDimsAttr = n.intAttr("keepdims", 1);
  if (failed(type) || failed(keepDimsAttr))
    return failure();
  ReduceRequest r;
  r.keepDims = *keepDimsAttr != 0;
  if (axesAsInput) {
    FailureOr<RankedTensorType> axesType =
        n.hasInput(1) ? n.inputType(1) : FailureOr<RankedTensorType>();
    if (n.hasInput(1) && failed(axesType))
      return failure();
    // An input of no elements is known to be empty even when computed at
    // run time.
    bool empty = n.hasInput(1) && axesType->getRank() == 1 &&
                 axesType->getDimSize(0) == 0;
    if (n.hasInput(1) && !empty && !n.constantInput(1)) {
      // Axes computed at run time: their number must be known.
      if (axesType->getRank() != 1 || axesType->isDynamicDim(0))
        return n.emitError() << "axes computed at run time must be a 1-D "
                                "tensor of static length, got shape "
                             << formatShape(axesType->getShape());
      FailureOr<Value> axes = n.input(1);
      if (failed(axes))
        return failure();
      r.dynamicAxes = *axes;
    } else if (n.hasInput(1) && !empty) {
      FailureOr<SmallVector<int64_t>> given = n.constantIntInput(1, "axes");
      if (failed(given))
        return failure();
      r.axes = *given;
    }
    FailureOr<int64_t> noopAttr = n.intAttr("noop_with_empty_axes", 0);
    if (failed(noopAttr))
      return failure();
    r.noop = *noopAttr && r.axes.empty();
  } else {
    FailureOr<OptionalInts> given = n.intsAttr("axes");
    if (failed(given))
      return failure();
    if (*given)
      r.axes = **given;
  }
  FailureOr<SmallVector<int64_t>> normalized =
      n.normalizeAxes(r.axes, type->getRank());
  if (failed(normalized))
    return failure();
  llvm::sort(*normalized);
  r.axes = *normalized;
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();

  if constexpr (Kind == Reduction::Sum)
    return n.setOutput(0, r.apply<model::ReduceSumOp>(n, *x));
  else if constexpr (Kind == Reduction::Mean)
    return n.setOutput(0, r.apply<model::ReduceMeanOp>(n, *x));
  else if constexpr (Kind == Reduction::Max)
    return n.setOutput(0, r.apply<model::ReduceMaxOp>(n, *x));
  else if constexpr (Kind == Reduction::Min)
    return n.setOutput(0, r.apply<model::ReduceMinOp>(n, *x));
  else if constexpr (Kind == Reduction::Prod)
    return n.setOutput(0, r.apply<model::ReduceProdOp>(n, *x));
  else if constexpr (Kind == Reduction::L1) {
    FailureOr<Value> abs = elementwise<model::AbsOp>(n, *x);
    return n.setOutput(0, failed(abs) ? abs
                                      : r.apply<model::ReduceSumOp>(n, *abs));
  } else if constexpr (Kind == Reduction::SumSquare) {
    FailureOr<Value> square = elementwise<model::MulOp>(n, *x, *x);
    return n.setOutput(
        0, failed(square) ? square : r.apply<model::ReduceSumOp>(n, *square));
  } else {
    return n.setOutput(0, reduceInFloat<Kind>(n, r, *x));
  }
}

/// ArgMax/ArgMin(axis, keepdims); select_last_index since opset 12.
template <typename OpTy> static LogicalResult importArgReduce(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<RankedTensorType> type = n.inputType(0);
  FailureOr<int64_t> axis = n.intAttr("axis", 0);
  FailureOr<int64_t> keepDims = n.intAttr("keepdims", 1);
  FailureOr<int64_t> last =
      n.opset >= 12 ? n.intAttr("select_last_index", 0) : FailureOr<int64_t>(0);
  if (failed(type) || failed(axis) || failed(keepDims) || failed(last))
    return failure();
  FailureOr<int64_t> normalized = n.normalizeAxis(*axis, type->getRank());
  FailureOr<Value> x = n.input(0);
  if (failed(normalized) || failed(x))
    return failure();
  SmallVector<NamedAttribute> attrs = {
      n.named("axis", n.i64(*normalized)),
      n.named("keepdims", BoolAttr::get(n.getContext(), *keepDims != 0))};
  if (*last)
    attrs.push_back(
        n.named("select_last_index", BoolAttr::get(n.getContext(), true)));
  return n.setOutput(0, n.create<OpTy>({*x}, attrs));
}

//===----------------------------------------------------------------------===//
// Scans and selection
//===----------------------------------------------------------------------===//

/// CumSum(x, axis): the axis is a tensor, possibly known only at run time
/// (model.cumsum checks it there).
static LogicalResult importCumSum(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  FailureOr<int64_t> exclusive = n.intAttr("exclusive", 0);
  FailureOr<int64_t> reverse = n.intAttr("reverse", 0);
  FailureOr<Value> x = n.input(0), axis = n.input(1);
  if (failed(exclusive) || failed(reverse) || failed(x) || failed(axis))
    return failure();
  SmallVector<NamedAttribute> attrs;
  if (*exclusive)
    attrs.push_back(n.named("exclusive", BoolAttr::get(n.getContext(), true)));
  if (*reverse)
    attrs.push_back(n.named("reverse", BoolAttr::get(n.getContext(), true)));
  return n.setOutput(0, n.create<model::CumSumOp>({*x, *axis}, attrs));
}

/// TopK: k is an attribute before opset 10 and a 1-element input since
/// (possibly known only at run time); `largest` and `sorted` exist since 11.
/// The result is always sorted, which `sorted = 0` (any order) allows.
static LogicalResult importTopK(NodeImporter &n) {
  bool kAsInput = n.opset >= 10;
  if (failed(n.checkInputCount(kAsInput ? 2 : 1, kAsInput ? 2 : 1)))
    return failure();
  FailureOr<RankedTensorType> type = n.inputType(0);
  FailureOr<int64_t> axis = n.intAttr("axis", -1);
  FailureOr<int64_t> largest =
      n.opset >= 11 ? n.intAttr("largest", 1) : FailureOr<int64_t>(1);
  if (n.opset >= 11)
    n.ignoreAttrs({"sorted"});
  if (failed(type) || failed(axis) || failed(largest))
    return failure();
  FailureOr<int64_t> normalized = n.normalizeAxis(*axis, type->getRank());
  if (failed(normalized))
    return failure();
  FailureOr<Value> x = n.input(0), k;
  if (kAsInput) {
    k = n.input(1);
  } else {
    FailureOr<int64_t> kAttr = n.intAttr("k");
    k = failed(kAttr) ? FailureOr<Value>(failure()) : i64Constant(n, {*kAttr});
  }
  if (failed(x) || failed(k))
    return failure();
  SmallVector<NamedAttribute> attrs = {n.named("axis", n.i64(*normalized))};
  if (!*largest)
    attrs.push_back(n.named("largest", BoolAttr::get(n.getContext(), false)));
  FailureOr<Value> values = n.create<model::TopKOp>({*x, *k}, attrs);
  if (failed(values))
    return failure();
  Operation *topk = values->getDefiningOp();
  if (failed(n.setOutput(0, topk->getResult(0))))
    return failure();
  return n.setOutput(1, topk->getResult(1));
}

//===----------------------------------------------------------------------===//
// Table
//===----------------------------------------------------------------------===//

// Opset 18 moved the axes of every reduction but ReduceSum (13) from an
// attribute to an input; the other version bumps only added element types
// (bool for ReduceMax/Min at 20) or negative axes (11), which the handlers
// take in every opset.
static const OpSupport kReductionOps[] = {
    {"ArgMax", 1, kMaxKnownOpset, importArgReduce<model::ArgMaxOp>},
    {"ArgMin", 1, kMaxKnownOpset, importArgReduce<model::ArgMinOp>},
    {"CumSum", 11, kMaxKnownOpset, importCumSum},
    {"Hardmax", 1, kMaxKnownOpset, importHardmax},
    {"LogSoftmax", 1, kMaxKnownOpset, importLogSoftmax},
    {"ReduceL1", 1, kMaxKnownOpset, importReduce<Reduction::L1, 18>},
    {"ReduceL2", 1, kMaxKnownOpset, importReduce<Reduction::L2, 18>},
    {"ReduceLogSum", 1, kMaxKnownOpset, importReduce<Reduction::LogSum, 18>},
    {"ReduceLogSumExp", 1, kMaxKnownOpset,
     importReduce<Reduction::LogSumExp, 18>},
    {"ReduceMax", 1, kMaxKnownOpset, importReduce<Reduction::Max, 18>},
    {"ReduceMean", 1, kMaxKnownOpset, importReduce<Reduction::Mean, 18>},
    {"ReduceMin", 1, kMaxKnownOpset, importReduce<Reduction::Min, 18>},
    {"ReduceProd", 1, kMaxKnownOpset, importReduce<Reduction::Prod, 18>},
    {"ReduceSum", 1, kMaxKnownOpset, importReduce<Reduction::Sum, 13>},
    {"ReduceSumSquare", 1, kMaxKnownOpset,
     importReduce<Reduction::SumSquare, 18>},
    {"Softmax", 1, kMaxKnownOpset, importSoftmax},
    {"TopK", 1, kMaxKnownOpset, importTopK},
};

ArrayRef<OpSupport> kiln::onnx_frontend::getReductionOpTable() {
  return kReductionOps;
}
