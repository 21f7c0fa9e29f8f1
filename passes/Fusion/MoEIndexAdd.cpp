//===- MoEIndexAdd.cpp - Hugging Face's sparse MoE loop, as exported -----===//
// The expert loop of transformers' MixtralSparseMoeBlock (and its Qwen-MoE,
// OLMoE, ... copies) runs each expert on the tokens routed to it only:
//
//   mask = one_hot(I, E).permute(2, 1, 0)               # [E, k, T]
//   for e:  slot, tok = torch.where(mask[e])
//           y = expert_e(x[None, tok].reshape(-1, H)) * V[tok, slot, None]
//           final.index_add_(0, tok, y)
//
// torch.onnx.export (opset 17) writes, per expert, on the accumulator acc:
//
//   pairs = transpose(non_zero(cast(gather(transpose(one_hot(I), [2,1,0]),
//                                          e, axis 0))), [1, 0])   # [n, 2]
//   slot  = squeeze(slice(pairs, col 0)),  tok = squeeze(slice(pairs, col 1))
//   xe    = reshape(gather(unsqueeze(x, 0), tok, axis 1), [-1, H])
//   w     = reshape(gather(reshape(V, [-1, 1]), slot + tok * k, axis 0))
//           (with k = 1: gather(V, slot + tok, axis 0))
//   u     = expand(MLP_e(xe) * w, shape(slice(acc, 0:1 on axis 0)))
//   acc'  = acc + scatter_elements(zeros_like(acc),
//                                  expand(slice(pairs, col 1), shape(u)), u,
//                                  axis 0)
//
// The plain scatter stands for index_add because a token chooses an expert
// at most once (I is a top-k's indices: checked with the routing), so the
// tokens of one expert are distinct. Then acc' = acc + MLP_e(x) * w_e with
// w_e the token's weight for e (zero where not routed): the masked-loop term
// that fused.moe implements.
#include "passes/Fusion/MoEMatchers.h"

#include "dialects/Model/IR/ModelOps.h"

using namespace mlir;
using namespace kiln::model;

namespace kiln::fusion::moe {
namespace {

/// The [n, 2] (slot, token) pairs of torch.where(mask[e]) and what they
/// select: the top-k indices I and the expert e.
struct Pairs {
  Value pairs, indices;
  int64_t expert = -1;
};

std::optional<Pairs> matchPairs(Value v, OpSet &ops) {
  auto transposed = v.getDefiningOp<TransposeOp>();
  if (!transposed || transposed.getPerm() != ArrayRef<int64_t>{1, 0})
    return std::nullopt;
  auto nonZero = transposed.getInput().getDefiningOp<NonZeroOp>();
  if (!nonZero)
    return std::nullopt;
  Value mask = nonZero.getInput();
  auto cast = mask.getDefiningOp<CastOp>();
  if (cast)
    mask = cast.getInput();
  // mask[e] of the permuted one-hot: [k, T] with mask[e][s][t] = I[t][s]==e.
  auto gather = mask.getDefiningOp<GatherOp>();
  if (!gather || gather.getAxis() != 0 ||
      typeOf(gather.getIndices()).getRank() != 0)
    return std::nullopt;
  std::optional<double> e = scalarConstant(gather.getIndices());
  auto permuted = gather.getData().getDefiningOp<TransposeOp>();
  if (!e || *e < 0 || !permuted ||
      permuted.getPerm() != ArrayRef<int64_t>{2, 1, 0})
    return std::nullopt;
  auto oneHot = permuted.getInput().getDefiningOp<OneHotOp>();
  if (!oneHot || oneHot.getAxis() != 2)
    return std::nullopt;
  // Off 0, on nonzero: non_zero then finds exactly the routed positions.
  auto values =
      dyn_cast_or_null<DenseElementsAttr>(constantValue(oneHot.getValues()));
  if (!values || values.getNumElements() != 2 ||
      !isa<IntegerType>(values.getElementType()))
    return std::nullopt;
  auto ints = values.getValues<APInt>();
  if (!ints[0].isZero() || ints[1].isZero())
    return std::nullopt;
  insertAll(ops, {transposed.getOperation(), nonZero.getOperation(),
                  gather.getOperation(), permuted.getOperation(),
                  oneHot.getOperation()});
  if (cast)
    ops.insert(cast);
  return Pairs{v, oneHot.getIndices(), static_cast<int64_t>(*e)};
}

/// `v` as column `col` ([n, 1]) of a pairs value; returns the pairs value.
Value columnOf(Value v, int64_t col, OpSet &ops) {
  auto slice = v.getDefiningOp<SliceOp>();
  if (!slice || slice.getAxes() != ArrayRef<int64_t>{1} ||
      slice.getStarts() != ArrayRef<int64_t>{col} ||
      slice.getEnds() != ArrayRef<int64_t>{col + 1} ||
      slice.getSteps() != ArrayRef<int64_t>{1} ||
      typeOf(slice.getInput()).getRank() != 2)
    return {};
  ops.insert(slice);
  return slice.getInput();
}

/// `v` as column `col` of a pairs value squeezed to [n].
Value squeezedColumnOf(Value v, int64_t col, OpSet &ops) {
  auto squeeze = v.getDefiningOp<SqueezeOp>();
  if (!squeeze || squeeze.getAxes() != ArrayRef<int64_t>{1})
    return {};
  Value pairs = columnOf(squeeze.getInput(), col, ops);
  if (pairs)
    ops.insert(squeeze);
  return pairs;
}

/// The ops computing a run-time shape (shape, concat) that only it uses:
/// part of the block, so that the values they read stay inside it.
void insertShapeComputation(Value shape, OpSet &ops) {
  Operation *def = shape.getDefiningOp();
  if (isa_and_nonnull<ShapeOp>(def)) {
    ops.insert(def);
  } else if (auto concat = dyn_cast_or_null<ConcatOp>(def)) {
    ops.insert(def);
    for (Value in : concat.getInputs())
      insertShapeComputation(in, ops);
  }
}

/// `shape` as shape(slice(acc, 0:1 on axis 0, all of axis 1)): [1, H] (or
/// [0, H] for no tokens), which broadcasts an [n, H] expand input to itself.
bool isFirstRowShape(Value shape, Value acc, OpSet &ops) {
  auto shapeOp = shape.getDefiningOp<ShapeOp>();
  if (!shapeOp)
    return false;
  auto slice = shapeOp.getInput().getDefiningOp<SliceOp>();
  if (!slice || slice.getInput() != acc || typeOf(acc).getRank() != 2 ||
      typeOf(acc).isDynamicDim(1))
    return false;
  for (auto [axis, start, end, step] :
       llvm::zip_equal(slice.getAxes(), slice.getStarts(), slice.getEnds(),
                       slice.getSteps())) {
    if (step != 1 || start != 0)
      return false;
    if (axis == 0 && end != 1)
      return false;
    if (axis == 1 && end < typeOf(acc).getDimSize(1))
      return false;
    if (axis != 0 && axis != 1)
      return false;
  }
  if (!llvm::is_contained(slice.getAxes(), 0))
    return false;
  insertAll(ops, {shapeOp.getOperation(), slice.getOperation()});
  return true;
}

/// `xe` as the rows `tok` of the tokens x [T, H]: gather(x, tok, axis 0) or
/// reshape(gather(unsqueeze(x, 0), tok, axis 1), [-1, H]). Returns x.
Value gatheredTokens(Value xe, Value pairs, OpSet &ops) {
  OpSet local;
  Value x;
  auto reshape = xe.getDefiningOp<ReshapeOp>();
  Value gathered = xe;
  if (reshape) {
    gathered = reshape.getInput();
    local.insert(reshape);
  }
  auto gather = gathered.getDefiningOp<GatherOp>();
  if (!gather || squeezedColumnOf(gather.getIndices(), 1, local) != pairs)
    return {};
  local.insert(gather);
  if (!reshape && gather.getAxis() == 0) {
    x = gather.getData();
  } else if (reshape && gather.getAxis() == 1) {
    auto unsq = gather.getData().getDefiningOp<UnsqueezeOp>();
    if (!unsq || unsq.getAxes() != ArrayRef<int64_t>{0})
      return {};
    x = unsq.getInput();
    int64_t hidden = typeOf(x).getRank() == 2 ? typeOf(x).getDimSize(1) : -1;
    if (reshape.getShape() != ArrayRef<int64_t>{-1, hidden} ||
        ShapedType::isDynamic(hidden))
      return {};
    local.insert(unsq);
  } else {
    return {};
  }
  if (typeOf(x).getRank() != 2)
    return {};
  ops.insert(local.begin(), local.end());
  return x;
}

/// `w` as V[tok, slot] for each pair, [n, 1]: a gather of V [T, k] flattened
/// to [T*k, 1] at slot + tok * k, reshaped to [n, 1]. Returns V.
Value pairWeights(Value w, Value pairs, OpSet &ops) {
  OpSet local;
  auto isColumn = [](Value v) {
    auto t = typeOf(v);
    return t.getRank() == 2 && t.getDimSize(1) == 1;
  };
  // A reshape of an [n, 1] tensor to [?, 1] keeps every element in place.
  while (true) {
    Operation *def = w.getDefiningOp();
    if (!isa_and_nonnull<ReshapeOp, DynamicReshapeOp>(def) ||
        !isColumn(def->getOperand(0)) || !isColumn(w))
      break;
    local.insert(def);
    if (auto dyn = dyn_cast<DynamicReshapeOp>(def))
      insertShapeComputation(dyn.getShape(), local);
    w = def->getOperand(0);
  }
  auto gather = w.getDefiningOp<GatherOp>();
  if (!gather || gather.getAxis() != 0)
    return {};
  // With k = 1 the flattening reshape and the multiplication by k fold away.
  Value v = gather.getData();
  auto flat = v.getDefiningOp<ReshapeOp>();
  if (flat && flat.getShape() == ArrayRef<int64_t>{-1, 1})
    v = flat.getInput();
  else
    flat = nullptr;
  auto vType = typeOf(v);
  if (vType.getRank() != 2 || vType.isDynamicDim(1))
    return {};
  int64_t k = vType.getDimSize(1);
  auto add = gather.getIndices().getDefiningOp<AddOp>();
  if (!add)
    return {};
  bool found = false;
  for (auto [slot, scaled] : operandOrders(add)) {
    OpSet attempt;
    if (squeezedColumnOf(slot, 0, attempt) != pairs)
      continue;
    if (k == 1 && squeezedColumnOf(scaled, 1, attempt) == pairs) {
      found = true;
    } else if (auto mul = scaled.getDefiningOp<MulOp>()) {
      for (auto [tok, c] : operandOrders(mul)) {
        std::optional<double> factor = scalarConstant(c);
        if (factor && *factor == static_cast<double>(k) &&
            squeezedColumnOf(tok, 1, attempt) == pairs) {
          found = true;
          attempt.insert(mul);
          break;
        }
      }
    }
    if (found) {
      local.insert(attempt.begin(), attempt.end());
      local.insert(add);
      break;
    }
  }
  if (!found)
    return {};
  local.insert(gather);
  if (flat)
    local.insert(flat);
  ops.insert(local.begin(), local.end());
  return v;
}

} // namespace

std::optional<IndexAddTerm> matchIndexAddTerm(Value s, Value acc, OpSet &ops) {
  auto scatter = s.getDefiningOp<ScatterElementsOp>();
  if (!scatter || scatter.getAxis() != 0 || scatter.getReduction() != "none" ||
      typeOf(acc).getRank() != 2 || zerosShapedLike(scatter.getData()) != acc)
    return std::nullopt;
  OpSet local;
  local.insert(scatter);
  if (auto fill = scatter.getData().getDefiningOp<ConstantOfShapeOp>())
    insertAll(local, {fill.getOperation(), fill.getShape().getDefiningOp()});

  // The updates u = MLP_e(xe) * w, broadcast to themselves.
  Value updates = scatter.getUpdates();
  Value product = updates;
  if (auto expand = updates.getDefiningOp<ExpandOp>()) {
    if (!isFirstRowShape(expand.getShape(), acc, local))
      return std::nullopt;
    local.insert(expand);
    product = expand.getInput();
  }
  if (auto cast = product.getDefiningOp<CastOp>())
    if (cast.getInput().getType() == cast.getType()) {
      local.insert(cast);
      product = cast.getInput();
    }
  auto mul = product.getDefiningOp<MulOp>();
  if (!mul || typeOf(updates).getRank() != 2)
    return std::nullopt;

  // The rows they go to: the expert's tokens, each across the hidden dim.
  auto rows = scatter.getIndices().getDefiningOp<ExpandOp>();
  if (!rows)
    return std::nullopt;
  auto rowsShape = rows.getShape().getDefiningOp<ShapeOp>();
  if (!rowsShape || rowsShape.getInput() != updates)
    return std::nullopt;
  Value pairsValue = columnOf(rows.getInput(), 1, local);
  if (!pairsValue)
    return std::nullopt;
  insertAll(local, {rows.getOperation(), rowsShape.getOperation()});
  std::optional<Pairs> pairs = matchPairs(pairsValue, local);
  if (!pairs)
    return std::nullopt;

  for (auto [y, w] : operandOrders(mul)) {
    OpSet attempt = local;
    Value values = pairWeights(w, pairs->pairs, attempt);
    Value xe = values ? expertInput(y) : Value();
    Value x = xe ? gatheredTokens(xe, pairs->pairs, attempt) : Value();
    if (!x)
      continue;
    std::optional<MLP> mlp = matchMLP(y, xe, attempt);
    if (!mlp)
      continue;
    attempt.insert(mul);
    ops.insert(attempt.begin(), attempt.end());
    return IndexAddTerm{*mlp, Selection{values, pairs->indices, pairs->expert},
                        x};
  }
  return std::nullopt;
}

bool isZerosOfTokens(Value zeros, Value x) {
  // torch.zeros((T, H)) with T the product of the leading dims of the input
  // that x = reshape(a, [-1, H]) flattens:
  //   constant_of_shape(concat(unsqueeze(d0 * d1 * ...), [H]), 0)
  // with each di = gather(shape(a), i).
  auto fill = zeros.getDefiningOp<ConstantOfShapeOp>();
  auto xType = typeOf(x);
  if (!fill || xType.getRank() != 2 || xType.isDynamicDim(1) ||
      !typeOf(zeros).getElementType().isF32())
    return false;
  auto value = dyn_cast<FloatAttr>(fill.getValue());
  auto dense = dyn_cast<DenseElementsAttr>(fill.getValue());
  bool zero = (value && value.getValue().isZero()) ||
              (dense && dense.isSplat() &&
               isa<FloatType>(dense.getElementType()) &&
               dense.getSplatValue<APFloat>().isZero());
  auto concat = fill.getShape().getDefiningOp<ConcatOp>();
  if (!zero || !concat || concat.getInputs().size() != 2)
    return false;
  std::optional<double> hidden = scalarConstant(concat.getInputs()[1]);
  auto rows = concat.getInputs()[0].getDefiningOp<UnsqueezeOp>();
  if (!hidden || *hidden != static_cast<double>(xType.getDimSize(1)) || !rows ||
      rows.getAxes() != ArrayRef<int64_t>{0})
    return false;
  // x's source a, whose leading dims multiply to T.
  Value a = x;
  if (auto reshape = x.getDefiningOp<ReshapeOp>()) {
    if (reshape.getShape() != ArrayRef<int64_t>{-1, xType.getDimSize(1)})
      return false;
    a = reshape.getInput();
  }
  auto aType = typeOf(a);
  if (aType.getRank() < 2 ||
      aType.getDimSize(aType.getRank() - 1) != xType.getDimSize(1))
    return false;
  SmallVector<int64_t> dims;
  SmallVector<Value> factors = {rows.getInput()};
  while (!factors.empty()) {
    Value f = factors.pop_back_val();
    if (auto mul = f.getDefiningOp<MulOp>()) {
      factors.push_back(mul.getLhs());
      factors.push_back(mul.getRhs());
      continue;
    }
    auto gather = f.getDefiningOp<GatherOp>();
    auto shape = gather ? gather.getData().getDefiningOp<ShapeOp>() : ShapeOp();
    std::optional<double> i =
        gather ? scalarConstant(gather.getIndices()) : std::nullopt;
    if (!shape || shape.getInput() != a || !i ||
        typeOf(gather.getIndices()).getRank() != 0)
      return false;
    dims.push_back(static_cast<int64_t>(*i));
  }
  llvm::sort(dims);
  for (auto [n, d] : llvm::enumerate(dims))
    if (d != static_cast<int64_t>(n))
      return false;
  return static_cast<int64_t>(dims.size()) == aType.getRank() - 1;
}

} // namespace kiln::fusion::moe
