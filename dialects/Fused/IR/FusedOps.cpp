//===- FusedOps.cpp - The `fused` dialect: registration and verifiers -----===//
#include "dialects/Fused/IR/FusedOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace kiln::fused;

#include "dialects/Fused/IR/FusedDialect.cpp.inc"

void FusedDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/Fused/IR/FusedOps.cpp.inc"
      >();
}

#define GET_OP_CLASSES
#include "dialects/Fused/IR/FusedOps.cpp.inc"

namespace {

/// Whether two dims agree where both are known.
bool compatible(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

} // namespace

LogicalResult AttentionOp::verify() {
  auto q = cast<RankedTensorType>(getQuery().getType());
  auto k = cast<RankedTensorType>(getKey().getType());
  auto v = cast<RankedTensorType>(getValue().getType());
  auto out = cast<RankedTensorType>(getInit().getType());
  for (auto [name, type] : {std::pair("query", q), {"key", k}, {"value", v},
                            {"destination", out}})
    if (type.getRank() != 4)
      return emitOpError() << name << " must have rank 4 ([batch, heads, "
                              "seq, dim]), got " << type;
  if (getResult().getType() != out)
    return emitOpError("result type ")
           << getResult().getType() << " differs from the destination's "
           << out;
  Type element = q.getElementType();
  if (!isa<FloatType>(element) || k.getElementType() != element ||
      v.getElementType() != element || out.getElementType() != element)
    return emitOpError("query, key, value and destination must have the same "
                       "float element type");
  int64_t heads = static_cast<int64_t>(getNumHeads()),
          kvHeads = static_cast<int64_t>(getNumKvHeads());
  if (heads <= 0 || kvHeads <= 0)
    return emitOpError("num_heads and num_kv_heads must be positive");
  if (heads % kvHeads != 0)
    return emitOpError("num_heads (")
           << heads << ") must be a multiple of num_kv_heads (" << kvHeads
           << ")";
  if (!compatible(q.getDimSize(1), heads) || !compatible(out.getDimSize(1), heads))
    return emitOpError("query and destination must have num_heads (")
           << heads << ") heads";
  if (!compatible(k.getDimSize(1), kvHeads) ||
      !compatible(v.getDimSize(1), kvHeads))
    return emitOpError("key and value must have num_kv_heads (")
           << kvHeads << ") heads";
  for (auto type : {k, v, out})
    if (!compatible(type.getDimSize(0), q.getDimSize(0)))
      return emitOpError("batch sizes differ");
  if (!compatible(q.getDimSize(3), k.getDimSize(3)))
    return emitOpError("query and key head dims differ: ")
           << q.getDimSize(3) << " vs " << k.getDimSize(3);
  if (!compatible(k.getDimSize(2), v.getDimSize(2)))
    return emitOpError("key and value lengths differ");
  if (!compatible(out.getDimSize(2), q.getDimSize(2)) ||
      !compatible(out.getDimSize(3), v.getDimSize(3)))
    return emitOpError("destination must be [batch, num_heads, Sq, Dv]");
  // I64Attr hands its value out unsigned; the extents are signed.
  if (static_cast<int64_t>(getWindowLeft()) < -1 ||
      static_cast<int64_t>(getWindowRight()) < -1)
    return emitOpError("window extents must be >= 0, or -1 for unbounded");
  if (Value mask = getMask()) {
    auto m = cast<RankedTensorType>(mask.getType());
    if (m.getElementType() != element)
      return emitOpError("an additive mask must have the element type of the "
                         "scores (")
             << element << ")";
    if (m.getRank() > 4)
      return emitOpError("mask rank must be at most 4");
    int64_t scoreShape[4] = {q.getDimSize(0), heads, q.getDimSize(2),
                             k.getDimSize(2)};
    for (int64_t j = 0; j < m.getRank(); ++j) {
      int64_t d = m.getDimSize(j), s = scoreShape[j + 4 - m.getRank()];
      if (d != 1 && !compatible(d, s))
        return emitOpError("mask shape ")
               << m << " does not broadcast to the scores [batch, heads, Sq, Sk]";
    }
  }
  return success();
}
