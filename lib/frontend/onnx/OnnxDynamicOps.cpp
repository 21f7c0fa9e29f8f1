//===- OnnxDynamicOps.cpp - ONNX ops sized by run-time values -------------===//
//
// Handlers of the ops whose result sizes depend on values known only at run
// time: NonZero and Compress (data dependent), and the forms of Slice,
// Squeeze and Unsqueeze whose index inputs are computed in the graph, which
// the Shape-area handlers (OnnxShapeOps.cpp) hand over here when an input is
// not a constant; and Dropout with a run-time training_mode. The ranks of
// their results are static (the index inputs have a static length); the
// dims are what is known here — constant axes, the input's static dims, and
// the static dims the graph declares for the output — and `?` otherwise.
// The lowering computes the sizes at run time and checks every static dim
// stated here, so a declaration the values contradict fails the run.
//
//===----------------------------------------------------------------------===//
#include "lib/frontend/onnx/OnnxImporterImpl.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace kiln::onnx_frontend;
namespace model = kiln::model;

namespace {

/// The integer contents of input `i` when it is a constant, else nullopt.
std::optional<SmallVector<int64_t>> constantInts(NodeImporter &n, int64_t i) {
  DenseElementsAttr attr = n.constantInput(i);
  return attr ? model::getIntValues(attr) : std::nullopt;
}

/// Checks that input `i` is a 1-D int32/int64 tensor of static length and
/// returns its type.
FailureOr<RankedTensorType> indexVectorType(NodeImporter &n, int64_t i,
                                            StringRef role) {
  FailureOr<RankedTensorType> type = n.inputType(i);
  if (failed(type))
    return failure();
  Type element = type->getElementType();
  if (type->getRank() != 1 || type->isDynamicDim(0) ||
      !(element.isInteger(32) || element.isInteger(64)))
    return n.emitError() << "input " << i << " (" << role
                         << ") must be a 1-D int32 or int64 tensor of static "
                            "length, got "
                         << *type;
  return *type;
}

/// A constant integer vector input, materialized.
FailureOr<Value> integerVector(NodeImporter &n, Type element,
                               ArrayRef<int64_t> values) {
  DenseElementsAttr attr =
      makeIntegerAttr({int64_t(values.size())}, element, values);
  return n.create<model::ConstantOp>({}, {n.named("value", attr)});
}

/// The number of elements ONNX Slice takes from a dim of static size `dim`
/// (the lowering's formula, on constants): bounds count from the back when
/// negative and clamp to [0, dim] for a positive step, to [0, dim - 1]
/// (start) and [-1, dim - 1] (end) for a negative one.
int64_t sliceSize(int64_t start, int64_t end, int64_t step, int64_t dim) {
  if (start < 0)
    start += dim;
  if (end < 0)
    end += dim;
  if (step > 0) {
    start = std::clamp<int64_t>(start, 0, dim);
    end = std::clamp<int64_t>(end, 0, dim);
    return end > start ? int64_t(uint64_t(end - start - 1) / uint64_t(step)) + 1
                       : 0;
  }
  start = std::min<int64_t>(std::max<int64_t>(start, 0), dim - 1);
  end = std::min<int64_t>(std::max<int64_t>(end, -1), dim - 1);
  uint64_t magnitude = 0 - uint64_t(step);
  return start > end ? int64_t(uint64_t(start - end - 1) / magnitude) + 1 : 0;
}

} // namespace

//===----------------------------------------------------------------------===//
// Slice, Squeeze and Unsqueeze with run-time index inputs
//===----------------------------------------------------------------------===//

/// Slice (opset 10+) when starts, ends, axes or steps is computed at run
/// time, or when a constant step is negative (model.slice takes positive
/// steps only).
LogicalResult kiln::onnx_frontend::importDynamicSlice(NodeImporter &n) {
  FailureOr<RankedTensorType> type = n.inputType(0);
  FailureOr<RankedTensorType> startsType = indexVectorType(n, 1, "starts");
  FailureOr<RankedTensorType> endsType = indexVectorType(n, 2, "ends");
  if (failed(type) || failed(startsType) || failed(endsType))
    return failure();
  int64_t rank = type->getRank(), count = startsType->getDimSize(0);
  Type indexElement = startsType->getElementType();
  for (auto [i, role] : llvm::enumerate(
           ArrayRef<StringRef>{"starts", "ends", "axes", "steps"})) {
    if (!n.hasInput(i + 1))
      continue;
    FailureOr<RankedTensorType> t = indexVectorType(n, i + 1, role);
    if (failed(t))
      return failure();
    if (t->getDimSize(0) != count)
      return n.emitError() << "starts, ends, axes and steps differ in length ("
                           << role << " has " << t->getDimSize(0)
                           << " entries, starts " << count << ")";
  }

  // Axes default to 0..count-1 and steps to 1 (ONNX).
  std::optional<SmallVector<int64_t>> axes =
      n.hasInput(3) ? constantInts(n, 3)
                    : std::optional<SmallVector<int64_t>>(
                          llvm::to_vector(llvm::seq<int64_t>(0, count)));
  std::optional<SmallVector<int64_t>> steps =
      n.hasInput(4) ? constantInts(n, 4)
                    : std::optional<SmallVector<int64_t>>(
                          SmallVector<int64_t>(count, 1));
  std::optional<SmallVector<int64_t>> starts = constantInts(n, 1);
  std::optional<SmallVector<int64_t>> ends = constantInts(n, 2);
  if (steps && llvm::is_contained(*steps, 0))
    return n.emitError() << "slice step 0 is invalid";

  // What is known statically: dims no constant axis names are whole, and a
  // named dim of static size has a static slice when its bounds are
  // constants too.
  SmallVector<int64_t> dims(rank, ShapedType::kDynamic);
  if (axes) {
    FailureOr<SmallVector<int64_t>> normalized = n.normalizeAxes(*axes, rank);
    if (failed(normalized))
      return failure();
    for (int64_t d = 0; d < rank; ++d)
      if (!llvm::is_contained(*normalized, d))
        dims[d] = type->getDimSize(d);
    if (starts && ends && steps)
      for (auto [k, d] : llvm::enumerate(*normalized))
        if (!type->isDynamicDim(d))
          dims[d] = sliceSize((*starts)[k], (*ends)[k], (*steps)[k],
                              type->getDimSize(d));
  }
  dims = n.refineByDeclared(0, dims);

  FailureOr<Value> x = n.input(0), startsValue = n.input(1),
                   endsValue = n.input(2);
  FailureOr<Value> axesValue =
      n.hasInput(3) ? n.input(3)
                    : integerVector(n, indexElement,
                                    llvm::to_vector(llvm::seq<int64_t>(0, count)));
  FailureOr<Value> stepsValue =
      n.hasInput(4) ? n.input(4)
                    : integerVector(n, indexElement,
                                    SmallVector<int64_t>(count, 1));
  if (failed(x) || failed(startsValue) || failed(endsValue) ||
      failed(axesValue) || failed(stepsValue))
    return failure();
  return n.setOutput(0, n.createTyped<model::DynamicSliceOp>(
                            type->clone(dims), {*x, *startsValue, *endsValue,
                                                *axesValue, *stepsValue}));
}

/// Unsqueeze (opset 13+) with run-time axes: the result rank is the input's
/// plus the (static) number of axes.
LogicalResult kiln::onnx_frontend::importDynamicUnsqueeze(NodeImporter &n) {
  FailureOr<RankedTensorType> type = n.inputType(0);
  FailureOr<RankedTensorType> axesType = indexVectorType(n, 1, "axes");
  if (failed(type) || failed(axesType))
    return failure();
  int64_t resultRank = type->getRank() + axesType->getDimSize(0);
  // A 0-D input leaves nothing but inserted 1s.
  SmallVector<int64_t> dims(resultRank, type->getRank() == 0
                                            ? 1
                                            : ShapedType::kDynamic);
  dims = n.refineByDeclared(0, dims);
  FailureOr<Value> x = n.input(0), axes = n.input(1);
  if (failed(x) || failed(axes))
    return failure();
  return n.setOutput(0, n.createTyped<model::DynamicUnsqueezeOp>(
                            type->clone(dims), {*x, *axes}));
}

/// Squeeze (opset 13+) with run-time axes: the result rank is the input's
/// minus the (static) number of axes.
LogicalResult kiln::onnx_frontend::importDynamicSqueeze(NodeImporter &n) {
  FailureOr<RankedTensorType> type = n.inputType(0);
  FailureOr<RankedTensorType> axesType = indexVectorType(n, 1, "axes");
  if (failed(type) || failed(axesType))
    return failure();
  int64_t count = axesType->getDimSize(0);
  if (count > type->getRank())
    return n.emitError() << "cannot squeeze " << count << " axes of a rank-"
                         << type->getRank() << " input";
  SmallVector<int64_t> dims(type->getRank() - count, ShapedType::kDynamic);
  // With every dim static and exactly `count` of them 1, those are the only
  // axes a valid run can name.
  if (type->hasStaticShape() &&
      llvm::count(type->getShape(), 1) == count) {
    dims.clear();
    for (int64_t d : type->getShape())
      if (d != 1)
        dims.push_back(d);
  }
  dims = n.refineByDeclared(0, dims);
  FailureOr<Value> x = n.input(0), axes = n.input(1);
  if (failed(x) || failed(axes))
    return failure();
  return n.setOutput(0, n.createTyped<model::DynamicSqueezeOp>(
                            type->clone(dims), {*x, *axes}));
}

/// Dropout (opset 12+) whose training_mode, or in training whose ratio, is
/// known only at run time: model.dropout, which fails the run where it would
/// have to drop at random.
LogicalResult kiln::onnx_frontend::importRuntimeDropout(NodeImporter &n) {
  FailureOr<RankedTensorType> type = n.inputType(0);
  FailureOr<Value> x = n.input(0);
  if (failed(type) || failed(x))
    return failure();
  FailureOr<Value> ratio =
      n.hasInput(1)
          ? n.input(1)
          // ONNX's default ratio.
          : n.create<model::ConstantOp>(
                {}, {n.named("value", DenseElementsAttr::get(
                                          RankedTensorType::get(
                                              {}, Float32Type::get(
                                                      n.getContext())),
                                          0.5f))});
  FailureOr<Value> training = n.input(2);
  if (failed(ratio) || failed(training))
    return failure();
  FailureOr<Value> result =
      n.create<model::DropoutOp>({*x, *ratio, *training});
  if (failed(result) || failed(n.setOutput(0, result)))
    return failure();
  if (n.node.output_size() > 1 && !n.node.output(1).empty())
    return n.setOutput(
        1, FailureOr<Value>(result->getDefiningOp()->getResult(1)));
  return success();
}

//===----------------------------------------------------------------------===//
// NonZero and Compress
//===----------------------------------------------------------------------===//

/// NonZero: the indices of the non-zero elements as a [rank, n] int64
/// tensor.
static LogicalResult importNonZero(NodeImporter &n) {
  if (failed(n.checkInputCount(1, 1)))
    return failure();
  FailureOr<RankedTensorType> type = n.inputType(0);
  if (failed(type))
    return failure();
  // ONNX gives a 0-D input a [0, n] result (unlike numpy).
  if (type->getRank() == 0)
    return n.emitError() << "a 0-D input is not supported";
  FailureOr<Value> x = n.input(0);
  if (failed(x))
    return failure();
  return n.setOutput(0, n.create<model::NonZeroOp>({*x}));
}

/// Compress: the slices along `axis` (or, without it, the elements of the
/// flattened input) that the condition selects.
static LogicalResult importCompress(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  FailureOr<RankedTensorType> type = n.inputType(0);
  if (failed(type))
    return failure();
  if (type->getRank() == 0)
    return n.emitError() << "the input must have rank >= 1";
  SmallVector<NamedAttribute> attrs;
  if (n.findAttr("axis")) {
    FailureOr<int64_t> axisAttr = n.intAttr("axis");
    if (failed(axisAttr))
      return failure();
    // Negative axes are opset 11's; opset 9 only has [0, rank).
    if (n.opset < 11 && *axisAttr < 0)
      return n.emitError() << "a negative axis (" << *axisAttr
                           << ") needs opset 11";
    FailureOr<int64_t> axis = n.normalizeAxis(*axisAttr, type->getRank());
    if (failed(axis))
      return failure();
    attrs.push_back(n.named("axis", n.i64(*axis)));
  }
  FailureOr<Value> x = n.input(0), condition = n.input(1);
  if (failed(x) || failed(condition))
    return failure();
  return n.setOutput(0, n.create<model::CompressOp>({*x, *condition}, attrs));
}

// NonZero 13 and Compress 11 only widened the types (bfloat16) and allowed
// negative axes.
static const OpSupport kDynamicOps[] = {
    {"Compress", 9, kMaxKnownOpset, importCompress},
    {"NonZero", 9, kMaxKnownOpset, importNonZero},
};

ArrayRef<OpSupport> kiln::onnx_frontend::getDynamicOpTable() {
  return kDynamicOps;
}
