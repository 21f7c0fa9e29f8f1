//===- FusedSSDOps.cpp - fused.ssd: invariants and tiling ---------------===//
#include "dialects/Fused/IR/FusedOps.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
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

//===----------------------------------------------------------------------===//
// TilingInterface: parallel loops over batch and heads.
//===----------------------------------------------------------------------===//

SmallVector<utils::IteratorType> SSDOp::getLoopIteratorTypes() {
  return SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel);
}

SmallVector<Range> SSDOp::getIterationDomain(OpBuilder &b) {
  OpFoldResult zero = b.getIndexAttr(0), one = b.getIndexAttr(1);
  int64_t heads = cast<RankedTensorType>(getX().getType()).getDimSize(2);
  return {Range{zero, tensor::getMixedSize(b, getLoc(), getX(), 0), one},
          Range{zero, b.getIndexAttr(heads), one}};
}

FailureOr<TilingResult>
SSDOp::getTiledImplementation(OpBuilder &b, ArrayRef<OpFoldResult> offsets,
                              ArrayRef<OpFoldResult> sizes) {
  Location loc = getLoc();
  OpFoldResult zero = b.getIndexAttr(0), one = b.getIndexAttr(1);
  int64_t heads = cast<RankedTensorType>(getX().getType()).getDimSize(2);
  auto groups = static_cast<int64_t>(getGroups());
  int64_t perGroup = heads / groups;
  // The tile's heads must read whole groups of B and C, or lie inside one:
  // tiling loops start tiles at multiples of the tile size, so a size that
  // a group's head count divides (or that divides it) never straddles a
  // group boundary. x's heads must stay static (the verifier's rule).
  std::optional<int64_t> headTile = getConstantIntValue(sizes[1]);
  if (!headTile || *headTile <= 0 ||
      (*headTile % perGroup != 0 && perGroup % *headTile != 0)) {
    emitOpError("a tile of the heads must have a constant size that is a "
                "multiple of the heads per group (")
        << perGroup << ") or divides it";
    return failure();
  }
  int64_t groupTile = *headTile % perGroup == 0 ? *headTile / perGroup : 1;
  AffineExpr h;
  bindDims(b.getContext(), h);
  OpFoldResult groupOffset = affine::makeComposedFoldedAffineApply(
      b, loc, h.floorDiv(perGroup), {offsets[1]});
  OpFoldResult batchOffset = offsets[0], batchSize = sizes[0];
  OpFoldResult headOffset = offsets[1], headSize = sizes[1];

  SmallVector<Operation *> slices;
  // Dims marked null keep the operand's whole extent.
  auto slice = [&](Value source, ArrayRef<OpFoldResult> sliceOffsets,
                   ArrayRef<OpFoldResult> sliceSizes) -> Value {
    if (!source)
      return source;
    SmallVector<OpFoldResult> offs(sliceOffsets), szs(sliceSizes);
    for (size_t d = 0; d < offs.size(); ++d)
      if (!offs[d]) {
        offs[d] = zero;
        szs[d] = tensor::getMixedSize(b, loc, source, d);
      }
    SmallVector<OpFoldResult> strides(offs.size(), one);
    auto op = tensor::ExtractSliceOp::create(b, loc, source, offs, szs,
                                             strides);
    slices.push_back(op);
    return op.getResult();
  };
  OpFoldResult whole;
  // [batch, len, heads, head_dim] and [batch, heads, head_dim, state].
  auto sequence = [&](Value v) {
    return slice(v, {batchOffset, whole, headOffset, whole},
                 {batchSize, whole, headSize, whole});
  };
  auto state = [&](Value v) {
    return slice(v, {batchOffset, headOffset, whole, whole},
                 {batchSize, headSize, whole, whole});
  };
  auto grouped = [&](Value v) {
    return slice(v, {batchOffset, whole, groupOffset, whole},
                 {batchSize, whole, b.getIndexAttr(groupTile), whole});
  };
  Value x = sequence(getX());
  Value a = slice(getA(), {batchOffset, whole, headOffset},
                  {batchSize, whole, headSize});
  Value bIn = grouped(getB()), cIn = grouped(getC());
  Value d = slice(getD(), {headOffset}, {headSize});
  Value initial = state(getInitialState());
  Value yInit = sequence(getYInit());
  Value stateInit = state(getStateInit());
  auto tiled = SSDOp::create(b, loc, yInit.getType(), stateInit.getType(), x, a, bIn, cIn, d, initial, yInit, stateInit,
                             getChunkSizeAttr(),
                             b.getI64IntegerAttr(groupTile));
  return TilingResult{{tiled}, SmallVector<Value>(tiled->getResults()),
                      slices};
}

LogicalResult SSDOp::getResultTilePosition(
    OpBuilder &b, unsigned resultNumber, ArrayRef<OpFoldResult> offsets,
    ArrayRef<OpFoldResult> sizes, SmallVector<OpFoldResult> &resultOffsets,
    SmallVector<OpFoldResult> &resultSizes) {
  Location loc = getLoc();
  OpFoldResult zero = b.getIndexAttr(0);
  if (resultNumber == 0) {
    Value y = getYInit();
    resultOffsets = {offsets[0], zero, offsets[1], zero};
    resultSizes = {sizes[0], tensor::getMixedSize(b, loc, y, 1), sizes[1],
                   tensor::getMixedSize(b, loc, y, 3)};
    return success();
  }
  Value state = getStateInit();
  resultOffsets = {offsets[0], offsets[1], zero, zero};
  resultSizes = {sizes[0], sizes[1], tensor::getMixedSize(b, loc, state, 2),
                 tensor::getMixedSize(b, loc, state, 3)};
  return success();
}
