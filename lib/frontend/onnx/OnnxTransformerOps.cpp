//===- OnnxTransformerOps.cpp - ONNX opset-23 transformer ops ------------===//
//
// Handlers of the three whole ops opset 23 added for transformers, and their
// rows of the operator table; none is decomposed:
//   RMSNormalization -> model.rms_norm
//   RotaryEmbedding  -> model.rotary_embedding
//   Attention        -> fused.attention (3-D inputs split into heads around
//                       it with model.reshape / model.transpose)
// What these ops define and kiln does not implement (Attention's softcap,
// qk_matmul_output) is rejected by name.
//
//===----------------------------------------------------------------------===//
#include "lib/frontend/onnx/OnnxReductionOps.h"

#include "dialects/Fused/IR/FusedOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Verifier.h"

#include <cmath>

using namespace mlir;
using namespace kiln::onnx_frontend;
namespace model = kiln::model;

//===----------------------------------------------------------------------===//
// RMSNormalization
//===----------------------------------------------------------------------===//

static LogicalResult importRMSNormalization(NodeImporter &n) {
  if (failed(n.checkInputCount(2, 2)))
    return failure();
  FailureOr<RankedTensorType> type = n.inputType(0);
  FailureOr<int64_t> axis = n.intAttr("axis", -1);
  FailureOr<float> epsilon = n.floatAttr("epsilon", 1e-5f);
  FailureOr<Type> stash = stashTypeAttr(n);
  if (failed(type) || failed(axis) || failed(epsilon) || failed(stash))
    return failure();
  FailureOr<int64_t> normalized = n.normalizeAxis(*axis, type->getRank());
  FailureOr<Value> x = n.input(0), scale = n.input(1);
  if (failed(normalized) || failed(x) || failed(scale))
    return failure();
  return n.setOutput(
      0,
      n.create<model::RMSNormOp>(
          {*x, *scale},
          {n.named("axis", n.i64(*normalized)),
           n.named("epsilon",
                   FloatAttr::get(Float32Type::get(n.getContext()), *epsilon)),
           n.named("stash_type", TypeAttr::get(*stash))}));
}

//===----------------------------------------------------------------------===//
// RotaryEmbedding
//===----------------------------------------------------------------------===//

/// rotary_embedding_dim 0 means the whole head; the head size must then be
/// static (it sets the op's rotary_dim).
static LogicalResult importRotaryEmbedding(NodeImporter &n) {
  if (failed(n.checkInputCount(3, 4)))
    return failure();
  FailureOr<RankedTensorType> type = n.inputType(0);
  FailureOr<int64_t> interleaved = n.intAttr("interleaved", 0);
  FailureOr<int64_t> rotaryDim = n.intAttr("rotary_embedding_dim", 0);
  FailureOr<int64_t> numHeads = n.intAttr("num_heads", 0);
  if (failed(type) || failed(interleaved) || failed(rotaryDim) ||
      failed(numHeads))
    return failure();
  int64_t rank = type->getRank();
  if (rank != 3 && rank != 4)
    return n.emitError() << "input must be 3-D or 4-D, got shape "
                         << formatShape(type->getShape());
  if (rank == 3 && *numHeads <= 0)
    return n.emitError() << "a 3-D input needs the num_heads attribute";
  // With 4-D input num_heads only restates dim 1.
  if (rank == 4 && *numHeads != 0) {
    if (!type->isDynamicDim(1) && type->getDimSize(1) != *numHeads)
      return n.emitError() << "num_heads = " << *numHeads
                           << " differs from the input's "
                           << type->getDimSize(1) << " heads";
    *numHeads = 0;
  }
  if (*rotaryDim < 0)
    return n.emitError() << "rotary_embedding_dim must be >= 0, got "
                         << *rotaryDim;
  if (*rotaryDim == 0) {
    int64_t last = type->getDimSize(rank - 1);
    if (ShapedType::isDynamic(last))
      return n.emitError() << "rotary_embedding_dim = 0 (the whole head) "
                              "needs a static head size";
    *rotaryDim = rank == 3 ? last / std::max<int64_t>(*numHeads, 1) : last;
  }
  // X, the caches, and position_ids when given.
  FailureOr<SmallVector<Value>> operands = n.leadingInputs(3);
  if (failed(operands))
    return failure();
  return n.setOutput(
      0,
      n.create<model::RotaryEmbeddingOp>(
          *operands, {n.named("interleaved",
                              BoolAttr::get(n.getContext(), *interleaved != 0)),
                      n.named("rotary_dim", n.i64(*rotaryDim)),
                      n.named("num_heads", n.i64(*numHeads))}));
}

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

/// A 3-D [batch, seq, heads * d] tensor as 4-D [batch, heads, seq, d].
static FailureOr<Value> splitHeads(NodeImporter &n, Value x, int64_t heads) {
  FailureOr<Value> r = n.create<model::ReshapeOp>(
      {x}, {n.named("shape", n.i64Array({0, 0, heads, -1}))});
  if (failed(r))
    return failure();
  return n.create<model::TransposeOp>(
      {*r}, {n.named("perm", n.i64Array({0, 2, 1, 3}))});
}

/// The head count of Q (`q_num_heads`) or K/V (`kv_num_heads`): the
/// attribute for 3-D input (required), dim 1 for 4-D input (which the
/// attribute, when given, must agree with).
static FailureOr<int64_t> headCount(NodeImporter &n, RankedTensorType type,
                                    std::optional<int64_t> attr,
                                    StringRef attrName) {
  if (type.getRank() == 3) {
    if (!attr || *attr <= 0)
      return n.emitError() << "3-D inputs need the " << attrName
                           << " attribute";
    return *attr;
  }
  if (type.getRank() != 4)
    return n.emitError() << "Q, K and V must be 3-D or 4-D, got shape "
                         << formatShape(type.getShape());
  int64_t dim = type.getDimSize(1);
  if (attr && !ShapedType::isDynamic(dim) && *attr != dim)
    return n.emitError() << attrName << " = " << *attr
                         << " differs from dim 1 (" << dim << ")";
  if (ShapedType::isDynamic(dim)) {
    if (!attr)
      return n.emitError() << "the head count of a 4-D input with a dynamic "
                              "dim 1 must be given by "
                           << attrName;
    return *attr;
  }
  return dim;
}

static LogicalResult importAttention(NodeImporter &n) {
  if (failed(n.checkInputCount(3, 6)))
    return failure();
  if (n.hasInput(4) != n.hasInput(5))
    return n.emitError() << "past_key and past_value must be given together";
  if (n.node.output_size() > 3 && !n.node.output(3).empty())
    return n.emitError() << "output 3 (qk_matmul_output) is not supported";
  FailureOr<int64_t> isCausal = n.intAttr("is_causal", 0);
  FailureOr<float> softcap = n.floatAttr("softcap", 0.0f);
  // The mode only selects what the unsupported output 3 holds.
  FailureOr<int64_t> mode = n.intAttr("qk_matmul_output_mode", 0);
  if (failed(isCausal) || failed(softcap) || failed(mode))
    return failure();
  if (*softcap != 0.0f)
    return n.emitError() << "softcap = " << *softcap << " is not supported";
  auto optionalInt = [&](StringRef name) -> FailureOr<std::optional<int64_t>> {
    if (!n.findAttr(name))
      return std::optional<int64_t>();
    FailureOr<int64_t> v = n.intAttr(name);
    if (failed(v))
      return failure();
    return std::optional<int64_t>(*v);
  };
  FailureOr<std::optional<int64_t>> qHeadsAttr = optionalInt("q_num_heads");
  FailureOr<std::optional<int64_t>> kvHeadsAttr = optionalInt("kv_num_heads");
  FailureOr<std::optional<int64_t>> precision =
      optionalInt("softmax_precision");
  FailureOr<RankedTensorType> qType = n.inputType(0), kType = n.inputType(1),
                              vType = n.inputType(2);
  if (failed(qHeadsAttr) || failed(kvHeadsAttr) || failed(precision) ||
      failed(qType) || failed(kType) || failed(vType))
    return failure();
  Type element = qType->getElementType();
  // fused.attention computes 16-bit floats in f32 and wider ones in
  // themselves: at least the precision asked for, and exactly it when that
  // is float or the inputs' own type.
  if (*precision && **precision != 1 &&
      n.convertElementType(**precision) != element)
    return n.emitError() << "softmax_precision = " << **precision
                         << " is not supported (only FLOAT or the inputs' "
                            "type)";
  FailureOr<int64_t> qHeads = headCount(n, *qType, *qHeadsAttr, "q_num_heads");
  if (failed(qHeads))
    return failure();
  FailureOr<int64_t> kHeads =
      headCount(n, *kType, *kvHeadsAttr, "kv_num_heads");
  if (failed(kHeads))
    return failure();
  FailureOr<int64_t> vHeads =
      headCount(n, *vType, *kvHeadsAttr, "kv_num_heads");
  if (failed(vHeads))
    return failure();
  if (*kHeads != *vHeads)
    return n.emitError() << "K has " << *kHeads << " heads but V has "
                         << *vHeads;
  if (*qHeads % *kHeads != 0)
    return n.emitError() << "q_num_heads (" << *qHeads
                         << ") must be a multiple of kv_num_heads (" << *kHeads
                         << ")";

  FailureOr<Value> q = n.input(0), k = n.input(1), v = n.input(2);
  if (failed(q) || failed(k) || failed(v))
    return failure();
  if (qType->getRank() == 3)
    q = splitHeads(n, *q, *qHeads);
  if (kType->getRank() == 3)
    k = splitHeads(n, *k, *kHeads);
  if (vType->getRank() == 3)
    v = splitHeads(n, *v, *kHeads);
  if (failed(q) || failed(k) || failed(v))
    return failure();
  auto q4 = cast<RankedTensorType>(q->getType());
  auto newKeys = cast<RankedTensorType>(k->getType());

  // ONNX's causal mask lets query i see keys j <= i + past_sequence_length;
  // fused.attention aligns the diagonal at the end of all keys (j <= i +
  // Sk - Sq), which is the same when the new keys are as many as the
  // queries.
  int64_t sq = q4.getDimSize(2), newSk = newKeys.getDimSize(2);
  if (*isCausal && (ShapedType::isDynamic(sq) || sq != newSk))
    return n.emitError() << "is_causal needs query and key lengths known to be "
                            "equal at compile time, got "
                         << formatShape(q4.getShape()) << " and "
                         << formatShape(newKeys.getShape());

  // The KV cache: the past keys and values come first; present_key and
  // present_value are all of them.
  if (n.hasInput(4)) {
    FailureOr<Value> pastK = n.input(4), pastV = n.input(5);
    if (failed(pastK) || failed(pastV))
      return failure();
    auto alongSeq = n.named("axis", n.i64(2));
    k = n.create<model::ConcatOp>({*pastK, *k}, {alongSeq});
    v = n.create<model::ConcatOp>({*pastV, *v}, {alongSeq});
    if (failed(k) || failed(v))
      return failure();
  }
  if (failed(n.setOutput(1, *k)) || failed(n.setOutput(2, *v)))
    return failure();
  auto v4 = cast<RankedTensorType>(v->getType());

  Value mask;
  if (n.hasInput(3)) {
    FailureOr<RankedTensorType> maskType = n.inputType(3);
    if (failed(maskType))
      return failure();
    // Additive (the inputs' type) or boolean (true: the key takes part);
    // fused.attention means the same by both.
    Type maskElement = maskType->getElementType();
    if (maskElement != element && !maskElement.isInteger(1))
      return n.emitError() << "attn_mask of element type " << maskElement
                           << " is not supported (an additive mask of the "
                              "inputs' type, or a boolean mask)";
    FailureOr<Value> m = n.input(3);
    if (failed(m))
      return failure();
    mask = *m;
  }

  int64_t headDim = q4.getDimSize(3);
  float scale;
  if (n.findAttr("scale")) {
    FailureOr<float> s = n.floatAttr("scale", 0.0f);
    if (failed(s))
      return failure();
    scale = *s;
  } else {
    if (ShapedType::isDynamic(headDim))
      return n.emitError() << "the default scale 1/sqrt(head_size) needs a "
                              "static head size";
    scale = static_cast<float>(1.0 / std::sqrt(double(headDim)));
  }

  OpBuilder &b = n.builder();
  SmallVector<int64_t> outShape = {q4.getDimSize(0), *qHeads, sq,
                                   v4.getDimSize(3)};
  auto outType = RankedTensorType::get(outShape, element);
  SmallVector<Value> sizes;
  for (auto [value, dim] : {std::pair(*q, 0), {*q, 2}, {*v, 3}})
    if (cast<RankedTensorType>(value.getType()).isDynamicDim(dim))
      sizes.push_back(tensor::DimOp::create(b, n.loc, value, dim));
  Value init = tensor::EmptyOp::create(b, n.loc, outShape, element, sizes);
  auto op = kiln::fused::AttentionOp::create(
      b, n.loc, outType, *q, *k, *v, mask, init, b.getI64IntegerAttr(*qHeads),
      b.getI64IntegerAttr(*kHeads), b.getF32FloatAttr(scale),
      b.getBoolAttr(*isCausal != 0), b.getI64IntegerAttr(-1),
      b.getI64IntegerAttr(-1));
  if (failed(mlir::verify(op, /*verifyRecursively=*/false))) {
    op->erase();
    init.getDefiningOp()->erase();
    return failure();
  }
  Value y = op.getResult();
  if (qType->getRank() == 3) {
    // [batch, heads, seq, dv] back to [batch, seq, heads * dv].
    FailureOr<Value> t = n.create<model::TransposeOp>(
        {y}, {n.named("perm", n.i64Array({0, 2, 1, 3}))});
    if (failed(t))
      return failure();
    return n.setOutput(0,
                       n.create<model::ReshapeOp>(
                           {*t}, {n.named("shape", n.i64Array({0, 0, -1}))}));
  }
  return n.setOutput(0, y);
}

//===----------------------------------------------------------------------===//
// Table
//===----------------------------------------------------------------------===//

static const OpSupport kTransformerOps[] = {
    {"Attention", 23, kMaxKnownOpset, importAttention},
    {"RMSNormalization", 23, kMaxKnownOpset, importRMSNormalization},
    {"RotaryEmbedding", 23, kMaxKnownOpset, importRotaryEmbedding},
};

ArrayRef<OpSupport> kiln::onnx_frontend::getTransformerOpTable() {
  return kTransformerOps;
}
