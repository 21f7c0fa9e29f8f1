//===- FusedSSDOps.cpp - fused.ssd: the Mamba-2 scan's invariants ---------===//
#include "dialects/Fused/IR/FusedOps.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace kiln::fused;

namespace {

/// Whether two dims agree where both are known.
bool compatible(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

/// One named dim of the scan and where each operand holds it.
struct DimUse {
  const char *operand;
  RankedTensorType type;
  int64_t dim;
};

} // namespace

LogicalResult SSDOp::verify() {
  auto x = cast<RankedTensorType>(getX().getType());
  auto a = cast<RankedTensorType>(getA().getType());
  auto b = cast<RankedTensorType>(getB().getType());
  auto c = cast<RankedTensorType>(getC().getType());
  auto y = cast<RankedTensorType>(getYInit().getType());
  auto state = cast<RankedTensorType>(getStateInit().getType());
  RankedTensorType d, initial;
  if (getD())
    d = cast<RankedTensorType>(getD().getType());
  if (getInitialState())
    initial = cast<RankedTensorType>(getInitialState().getType());

  struct Ranked {
    const char *name;
    RankedTensorType type;
    int64_t rank;
    const char *layout;
  };
  for (const Ranked &r :
       {Ranked{"x", x, 4, "[batch, len, heads, head_dim]"},
        {"a", a, 3, "[batch, len, heads]"},
        {"b", b, 4, "[batch, len, groups, state]"},
        {"c", c, 4, "[batch, len, groups, state]"},
        {"d", d, 1, "[heads]"},
        {"initial_state", initial, 4, "[batch, heads, head_dim, state]"},
        {"the y destination", y, 4, "[batch, len, heads, head_dim]"},
        {"the state destination", state, 4,
         "[batch, heads, head_dim, state]"}}) {
    if (r.type && r.type.getRank() != r.rank)
      return emitOpError() << r.name << " must have rank " << r.rank << " "
                           << r.layout << ", got " << r.type;
  }
  if (getY().getType() != y || getFinalState().getType() != state)
    return emitOpError("result types must be the destinations' types");
  Type element = x.getElementType();
  if (!isa<FloatType>(element))
    return emitOpError("x must have a float element type, got ") << element;
  for (RankedTensorType t : {a, b, c, d, initial, y, state})
    if (t && t.getElementType() != element)
      return emitOpError("every operand and destination must have x's "
                         "element type (")
             << element << "), got " << t;

  auto chunk = static_cast<int64_t>(getChunkSize());
  auto groups = static_cast<int64_t>(getGroups());
  if (chunk <= 0)
    return emitOpError("chunk_size must be positive, got ") << chunk;
  if (groups <= 0)
    return emitOpError("groups must be positive, got ") << groups;
  if (x.isDynamicDim(2))
    return emitOpError("the number of heads (x dim 2) must be static");
  int64_t heads = x.getDimSize(2);
  if (heads % groups != 0)
    return emitOpError("heads (")
           << heads << ") must be a multiple of groups (" << groups << ")";
  if (!compatible(b.getDimSize(2), groups) ||
      !compatible(c.getDimSize(2), groups))
    return emitOpError("b and c must have groups (")
           << groups << ") in dim 2, got " << b.getDimSize(2) << " and "
           << c.getDimSize(2);

  // Each named size, with every place it appears.
  auto check = [&](const char *what,
                   ArrayRef<DimUse> uses) -> LogicalResult {
    const DimUse *known = nullptr;
    for (const DimUse &use : uses) {
      if (!use.type || use.type.isDynamicDim(use.dim))
        continue;
      if (known && known->type.getDimSize(known->dim) !=
                       use.type.getDimSize(use.dim))
        return emitOpError() << what << " differs: " << known->operand
                             << " has " << known->type.getDimSize(known->dim)
                             << ", " << use.operand << " has "
                             << use.type.getDimSize(use.dim);
      known = known ? known : &use;
    }
    return success();
  };
  if (failed(check("batch", {{"x", x, 0}, {"a", a, 0}, {"b", b, 0},
                             {"c", c, 0}, {"initial_state", initial, 0},
                             {"the y destination", y, 0},
                             {"the state destination", state, 0}})) ||
      failed(check("len", {{"x", x, 1}, {"a", a, 1}, {"b", b, 1}, {"c", c, 1},
                           {"the y destination", y, 1}})) ||
      failed(check("heads", {{"x", x, 2}, {"a", a, 2}, {"d", d, 0},
                             {"initial_state", initial, 1},
                             {"the y destination", y, 2},
                             {"the state destination", state, 1}})) ||
      failed(check("head_dim", {{"x", x, 3}, {"initial_state", initial, 2},
                                {"the y destination", y, 3},
                                {"the state destination", state, 2}})) ||
      failed(check("state", {{"b", b, 3}, {"c", c, 3},
                             {"initial_state", initial, 3},
                             {"the state destination", state, 3}})))
    return failure();
  return success();
}
