//===- OnnxRecurrentOps.cpp - RNN, GRU and LSTM ---------------------------===//
//
// Each ONNX recurrent op becomes the model op of its family (model.rnn,
// model.gru, model.lstm), which is time-major: for opset 14's layout = 1
// (batch-major X, initial states and outputs) the handler transposes around
// it. The handlers fill in what ONNX leaves implicit (hidden_size from R,
// the default activations of each family) and reject by name what kiln does
// not implement: activations other than Sigmoid, Tanh and Relu (so also
// activation_alpha / activation_beta, which only those others read) and
// element types other than float and double.
//
// Versions: opset 7 is the form handled here (opset 1-6 had an
// output_sequence attribute and GRU 3 changed it again); 14 added layout;
// nothing changed up to 21.
//
//===----------------------------------------------------------------------===//
#include "lib/frontend/onnx/OnnxImporterImpl.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace kiln::onnx_frontend;
namespace model = kiln::model;

namespace {

/// The activation names the model ops implement, spelled as ONNX does.
constexpr StringLiteral kActivations[] = {"Sigmoid", "Tanh", "Relu"};

/// The `activations` attribute: `defaults` repeated per direction when
/// absent; otherwise one name per gate function and direction, matched
/// case-insensitively (as ONNX Runtime does) and spelled canonically.
FailureOr<SmallVector<Attribute>>
activationsAttr(NodeImporter &n, ArrayRef<StringRef> defaults,
                int64_t directions) {
  SmallVector<Attribute> result;
  const onnx::AttributeProto *attr = n.findAttr("activations");
  if (!attr) {
    for (int64_t d = 0; d < directions; ++d)
      for (StringRef name : defaults)
        result.push_back(StringAttr::get(n.getContext(), name));
    return result;
  }
  if (attr->type() != onnx::AttributeProto::STRINGS)
    return n.emitError() << "attribute 'activations' must be STRINGS";
  int64_t expected = (int64_t)defaults.size() * directions;
  if (attr->strings_size() != expected)
    return n.emitError() << "expected " << expected
                         << " activations (per direction: "
                         << llvm::join(defaults, ", ") << "), got "
                         << attr->strings_size();
  for (const std::string &name : attr->strings()) {
    const StringLiteral *known =
        llvm::find_if(kActivations, [&](StringLiteral k) {
          return k.equals_insensitive(name);
        });
    if (known == std::end(kActivations))
      return n.emitError() << "activation '" << name
                           << "' is not supported (only Sigmoid, Tanh and "
                              "Relu are)";
    result.push_back(StringAttr::get(n.getContext(), *known));
  }
  return result;
}

/// A 0/1 INT attribute.
FailureOr<bool> flagAttr(NodeImporter &n, StringRef name) {
  FailureOr<int64_t> value = n.intAttr(name, 0);
  if (failed(value))
    return failure();
  if (*value != 0 && *value != 1)
    return n.emitError() << "attribute '" << name << "' must be 0 or 1, got "
                         << *value;
  return *value == 1;
}

/// `value` with its dims permuted (the identity is no op).
FailureOr<Value> transposed(NodeImporter &n, Value value,
                            ArrayRef<int64_t> perm) {
  return n.create<model::TransposeOp>({value},
                                      {n.named("perm", n.i64Array(perm))});
}

/// What differs between the three families.
struct Family {
  int64_t maxInputs;
  ArrayRef<StringRef> defaultActivations;
};

/// RNN, GRU and LSTM: inputs X, W, R, B, sequence_lens, initial_h (and for
/// LSTM initial_c, P), outputs Y, Y_h (and Y_c).
template <typename OpTy>
LogicalResult importRecurrent(NodeImporter &n, const Family &family) {
  if (failed(n.checkInputCount(3, family.maxInputs)))
    return failure();
  FailureOr<RankedTensorType> xType = n.inputType(0);
  FailureOr<RankedTensorType> rType = n.inputType(2);
  if (failed(xType) || failed(rType))
    return failure();
  Type element = xType->getElementType();
  if (!element.isF32() && !element.isF64())
    return n.emitError() << "element type " << element
                         << " is not supported (only float and double are)";
  if (xType->getRank() != 3 || rType->getRank() != 3)
    return n.emitError() << "X and R must have rank 3, got "
                         << formatShape(xType->getShape()) << " and "
                         << formatShape(rType->getShape());

  FailureOr<std::string> direction = n.stringAttr("direction", "forward");
  if (failed(direction))
    return failure();
  if (*direction != "forward" && *direction != "reverse" &&
      *direction != "bidirectional")
    return n.emitError() << "direction '" << *direction
                         << "' is not one of forward, reverse, bidirectional";
  int64_t directions = *direction == "bidirectional" ? 2 : 1;

  // hidden_size is optional: R is [D, G*H, H].
  int64_t rHidden = rType->getDimSize(2);
  FailureOr<int64_t> hidden = n.intAttr(
      "hidden_size", ShapedType::isDynamic(rHidden)
                         ? std::nullopt
                         : std::optional<int64_t>(rHidden));
  if (failed(hidden))
    return failure();

  FailureOr<SmallVector<Attribute>> activations =
      activationsAttr(n, family.defaultActivations, directions);
  if (failed(activations))
    return failure();

  bool batchMajor = false;
  if (n.opset >= 14) {
    FailureOr<int64_t> layout = n.intAttr("layout", 0);
    if (failed(layout))
      return failure();
    if (*layout != 0 && *layout != 1)
      return n.emitError() << "layout " << *layout << " is not 0 or 1";
    batchMajor = *layout == 1;
  }

  SmallVector<NamedAttribute> attrs = {
      n.named("hidden_size", n.i64(*hidden)),
      n.named("direction", StringAttr::get(n.getContext(), *direction)),
      n.named("activations", ArrayAttr::get(n.getContext(), *activations))};
  if (n.findAttr("clip")) {
    FailureOr<float> clip = n.floatAttr("clip", 0);
    if (failed(clip))
      return failure();
    if (!(*clip > 0))
      return n.emitError() << "clip must be positive, got " << *clip;
    attrs.push_back(n.named("clip", FloatAttr::get(
                                        Float32Type::get(n.getContext()),
                                        *clip)));
  }
  if constexpr (std::is_same_v<OpTy, model::GruOp>) {
    FailureOr<bool> linearBeforeReset = flagAttr(n, "linear_before_reset");
    if (failed(linearBeforeReset))
      return failure();
    if (*linearBeforeReset)
      attrs.push_back(
          n.named("linear_before_reset", UnitAttr::get(n.getContext())));
  }
  if constexpr (std::is_same_v<OpTy, model::LstmOp>) {
    FailureOr<bool> inputForget = flagAttr(n, "input_forget");
    if (failed(inputForget))
      return failure();
    if (*inputForget)
      attrs.push_back(n.named("input_forget", UnitAttr::get(n.getContext())));
  }

  // Operands in the op's order; the batch-major ones transposed to
  // time-major ([B, S, I] and [B, D, H] both swap their first two dims).
  SmallVector<Value> operands;
  SmallVector<int32_t> segments;
  for (int64_t i = 0; i < family.maxInputs; ++i) {
    if (!n.hasInput(i)) {
      if (i < 3)
        return n.emitError() << "input " << i << " is required";
      segments.push_back(0);
      continue;
    }
    FailureOr<Value> value = n.input(i);
    if (failed(value))
      return failure();
    bool isState = i == 5 || i == 6; // initial_h, initial_c
    if (batchMajor && (i == 0 || isState)) {
      auto type = cast<RankedTensorType>(value->getType());
      if (type.getRank() != 3)
        return n.emitError() << "input " << i << " must have rank 3, got "
                             << formatShape(type.getShape());
      value = transposed(n, *value, {1, 0, 2});
      if (failed(value))
        return failure();
    }
    operands.push_back(*value);
    segments.push_back(1);
  }
  attrs.push_back(n.named("operandSegmentSizes",
                          DenseI32ArrayAttr::get(n.getContext(), segments)));
  FailureOr<Value> y = n.create<OpTy>(operands, attrs);
  if (failed(y))
    return failure();
  Operation *op = y->getDefiningOp();
  for (int64_t i = 0; i < (int64_t)op->getNumResults(); ++i) {
    Value result = op->getResult(i);
    if (batchMajor) {
      // Y [S, D, B, H] -> [B, S, D, H]; Y_h, Y_c [D, B, H] -> [B, D, H].
      FailureOr<Value> t =
          i == 0 ? transposed(n, result, {2, 0, 1, 3})
                 : transposed(n, result, {1, 0, 2});
      if (failed(t))
        return failure();
      result = *t;
    }
    if (failed(n.setOutput(i, result)))
      return failure();
  }
  return success();
}

constexpr StringRef kRnnActivations[] = {"Tanh"};
constexpr StringRef kGruActivations[] = {"Sigmoid", "Tanh"};
constexpr StringRef kLstmActivations[] = {"Sigmoid", "Tanh", "Tanh"};

LogicalResult importRnn(NodeImporter &n) {
  return importRecurrent<model::RnnOp>(n, {6, kRnnActivations});
}
LogicalResult importGru(NodeImporter &n) {
  return importRecurrent<model::GruOp>(n, {6, kGruActivations});
}
LogicalResult importLstm(NodeImporter &n) {
  return importRecurrent<model::LstmOp>(n, {8, kLstmActivations});
}

} // namespace

static const OpSupport kRecurrentOps[] = {
    {"GRU", 7, kMaxKnownOpset, importGru},
    {"LSTM", 7, kMaxKnownOpset, importLstm},
    {"RNN", 7, kMaxKnownOpset, importRnn},
};

ArrayRef<OpSupport> kiln::onnx_frontend::getRecurrentOpTable() {
  return kRecurrentOps;
}
