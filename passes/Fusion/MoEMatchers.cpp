//===- MoEMatchers.cpp - The pieces of an exported MoE block -------------===//
#include "passes/Fusion/MoEMatchers.h"

#include "dialects/Model/IR/ModelOps.h"

#include "mlir/IR/DialectResourceBlobManager.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace kiln::model;

namespace kiln::fusion::moe {

void insertAll(OpSet &set, std::initializer_list<Operation *> ops) {
  set.insert(ops.begin(), ops.end());
}

RankedTensorType typeOf(Value v) {
  return cast<RankedTensorType>(v.getType());
}

ElementsAttr constantValue(Value v) {
  if (!v)
    return {};
  if (auto c = v.getDefiningOp<ConstantOp>())
    return c.getValue();
  if (auto w = v.getDefiningOp<WeightOp>())
    return w.getValue();
  return {};
}

/// The elements of an f32 constant or weight, row-major.
std::optional<std::vector<float>> floatData(Value v) {
  ElementsAttr attr = constantValue(v);
  if (!attr || !attr.getElementType().isF32())
    return std::nullopt;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    auto values = dense.getValues<float>();
    return std::vector<float>(values.begin(), values.end());
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    ArrayRef<char> bytes = blob->getData();
    if (bytes.size() != attr.getNumElements() * sizeof(float))
      return std::nullopt;
    std::vector<float> out(attr.getNumElements());
    std::memcpy(out.data(), bytes.data(), bytes.size());
    return out;
  }
  return std::nullopt;
}

/// The value of a single-element integer or float constant.
std::optional<double> scalarConstant(Value v) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(constantValue(v));
  if (!dense || dense.getNumElements() != 1)
    return std::nullopt;
  if (isa<FloatType>(dense.getElementType()))
    return (*dense.value_begin<APFloat>()).convertToDouble();
  if (isa<IntegerType>(dense.getElementType()))
    return static_cast<double>((*dense.value_begin<APInt>()).getSExtValue());
  return std::nullopt;
}

/// Zeros: a float splat constant, or `constant_of_shape(shape(s), 0)` (what
/// torch.zeros_like exports with symbolic dims), whose shape is then s's.
/// Returns the value whose shape the zeros have (v itself for a constant).
Value zerosShapedLike(Value v) {
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(constantValue(v)))
    return dense.isSplat() && isa<FloatType>(dense.getElementType()) &&
                   dense.getSplatValue<APFloat>().isZero()
               ? v
               : Value();
  auto fill = v.getDefiningOp<ConstantOfShapeOp>();
  if (!fill)
    return {};
  auto shape = fill.getShape().getDefiningOp<ShapeOp>();
  Attribute value = fill.getValue();
  bool zero = false;
  if (auto f = dyn_cast<FloatAttr>(value))
    zero = f.getValue().isZero();
  else if (auto d = dyn_cast<DenseElementsAttr>(value))
    zero = d.isSplat() && isa<FloatType>(d.getElementType()) &&
           d.getSplatValue<APFloat>().isZero();
  if (!shape || !zero || !isa<FloatType>(typeOf(v).getElementType()))
    return {};
  return shape.getInput();
}

bool isAxes(ArrayRef<int64_t> axes, ArrayRef<int64_t> expected) {
  return axes == expected;
}



/// Matches `v` as a linear layer of `x`, adding its ops to `ops`.
std::optional<Linear> matchLinear(Value v, Value x, OpSet &ops) {
  Linear l;
  Operation *def = v.getDefiningOp();
  if (!def)
    return std::nullopt;
  SmallVector<Operation *> local;
  if (auto add = dyn_cast<AddOp>(def)) {
    for (auto [mm, b] : operandOrders(add)) {
      auto matmul = mm.getDefiningOp<MatMulOp>();
      if (matmul && constantValue(b) && typeOf(b).getRank() == 1) {
        local.push_back(add);
        l.bias = b;
        def = matmul;
        break;
      }
    }
    if (!l.bias)
      return std::nullopt;
  }
  if (auto matmul = dyn_cast<MatMulOp>(def)) {
    if (matmul.getLhs() != x || !constantValue(matmul.getRhs()) ||
        typeOf(matmul.getRhs()).getRank() != 2)
      return std::nullopt;
    l.weight = matmul.getRhs();
    local.push_back(matmul);
  } else if (auto gemm = dyn_cast<GemmOp>(def)) {
    if (gemm.getA() != x || gemm.getTransA() ||
        gemm.getAlpha().convertToDouble() != 1.0 ||
        !constantValue(gemm.getB()) || typeOf(gemm.getB()).getRank() != 2)
      return std::nullopt;
    if (Value c = gemm.getC()) {
      if (gemm.getBeta().convertToDouble() != 1.0 || !constantValue(c) ||
          typeOf(c).getRank() != 1)
        return std::nullopt;
      l.bias = c;
    }
    l.weight = gemm.getB();
    l.transposed = gemm.getTransB();
    local.push_back(gemm);
  } else {
    return std::nullopt;
  }
  auto w = typeOf(l.weight);
  if (!w.hasStaticShape() || !w.getElementType().isF32())
    return std::nullopt;
  l.in = w.getDimSize(l.transposed ? 1 : 0);
  l.out = w.getDimSize(l.transposed ? 0 : 1);
  if (l.bias && typeOf(l.bias).getDimSize(0) != l.out)
    return std::nullopt;
  ops.insert(local.begin(), local.end());
  return l;
}

/// Matches `a` as act(u): returns the activation's name and u.
std::optional<std::pair<StringRef, Value>> matchActivation(Value a,
                                                           OpSet &ops) {
  Operation *def = a.getDefiningOp();
  if (!def)
    return std::nullopt;
  if (auto relu = dyn_cast<ReluOp>(def)) {
    ops.insert(relu);
    return std::pair(StringRef("relu"), relu.getInput());
  }
  auto mul = dyn_cast<MulOp>(def);
  if (!mul)
    return std::nullopt;
  // silu: u * sigmoid(u)
  for (auto [u, s] : operandOrders(mul))
    if (auto sigmoid = s.getDefiningOp<SigmoidOp>())
      if (sigmoid.getInput() == u) {
        ops.insert(mul);
        ops.insert(sigmoid);
        return std::pair(StringRef("silu"), u);
      }
  // gelu (exact), as torch exports it: (u * (erf(u / sqrt2) + 1)) * 0.5
  for (auto [inner, half] : operandOrders(mul)) {
    std::optional<double> h = scalarConstant(half);
    auto product = inner.getDefiningOp<MulOp>();
    if (!h || *h != 0.5 || !product)
      continue;
    for (auto [u, plusOne] : operandOrders(product)) {
      auto add = plusOne.getDefiningOp<AddOp>();
      if (!add)
        continue;
      for (auto [e, one] : operandOrders(add)) {
        std::optional<double> o = scalarConstant(one);
        auto erf = e.getDefiningOp<ErfOp>();
        if (!o || *o != 1.0 || !erf)
          continue;
        auto div = erf.getInput().getDefiningOp<DivOp>();
        std::optional<double> s = div ? scalarConstant(div.getRhs())
                                      : std::nullopt;
        if (!div || div.getLhs() != u || !s ||
            std::abs(*s - std::sqrt(2.0)) > 1e-6)
          continue;
        insertAll(ops, {mul.getOperation(), product.getOperation(),
                    add.getOperation(), erf.getOperation(),
                    div.getOperation()});
        return std::pair(StringRef("gelu"), u);
      }
    }
  }
  return std::nullopt;
}

bool MLP::sameForm(const MLP &o) const {
  auto same = [](const Linear &a, const Linear &b) {
    return a.in == b.in && a.out == b.out &&
           static_cast<bool>(a.bias) == static_cast<bool>(b.bias);
  };
  return activation == o.activation && gate.has_value() == o.gate.has_value() &&
         (!gate || same(*gate, *o.gate)) && same(up, o.up) && same(down, o.down);
}

std::optional<MLP> matchMLP(Value y, Value x, OpSet &ops) {
  OpSet local;
  MLP m;
  auto down = y.getDefiningOp();
  if (!down || !isa<MatMulOp, GemmOp, AddOp>(down))
    return std::nullopt;
  Value hidden = isa<AddOp>(down)
                     ? Value()
                     : down->getOperand(0); // matmul/gemm lhs
  if (auto add = dyn_cast<AddOp>(down))
    for (Value operand : {add.getLhs(), add.getRhs()})
      if (auto mm = operand.getDefiningOp<MatMulOp>())
        hidden = mm.getLhs();
  if (!hidden)
    return std::nullopt;
  std::optional<Linear> d = matchLinear(y, hidden, local);
  if (!d)
    return std::nullopt;
  m.down = *d;
  // Gated: act(gate(x)) * up(x); plain: act(up(x)).
  if (auto mul = hidden.getDefiningOp<MulOp>()) {
    for (auto [actOut, upOut] : operandOrders(mul)) {
      OpSet trial;
      auto act = matchActivation(actOut, trial);
      if (!act)
        continue;
      std::optional<Linear> g = matchLinear(act->second, x, trial);
      std::optional<Linear> u = matchLinear(upOut, x, trial);
      if (!g || !u)
        continue;
      m.gate = g;
      m.up = *u;
      m.activation = act->first;
      local.insert(mul);
      local.insert(trial.begin(), trial.end());
      break;
    }
  }
  if (!m.gate) {
    auto act = matchActivation(hidden, local);
    if (!act)
      return std::nullopt;
    std::optional<Linear> u = matchLinear(act->second, x, local);
    if (!u)
      return std::nullopt;
    m.up = *u;
    m.activation = act->first;
  }
  if (m.up.out != m.down.in || m.down.out != m.up.in ||
      (m.gate && (m.gate->in != m.up.in || m.gate->out != m.up.out)))
    return std::nullopt;
  ops.insert(local.begin(), local.end());
  return m;
}


/// w_e as one_hot masks or a slice of a dense scatter.
std::optional<Selection> matchExpertWeight(Value w, OpSet &ops) {
  Selection s;
  if (auto reduce = w.getDefiningOp<ReduceSumOp>()) {
    auto mul = reduce.getInput().getDefiningOp<MulOp>();
    if (!mul || !isAxes(reduce.getAxes(), {1}) || !reduce.getKeepdims())
      return std::nullopt;
    for (auto [v, m] : operandOrders(mul)) {
      Value mask = m;
      auto cast = mask.getDefiningOp<CastOp>();
      if (cast)
        mask = cast.getInput();
      auto gather = mask.getDefiningOp<GatherOp>();
      if (!gather || gather.getAxis() != 2)
        continue;
      auto oneHot = gather.getData().getDefiningOp<OneHotOp>();
      std::optional<double> e = scalarConstant(gather.getIndices());
      if (!oneHot || !e || oneHot.getAxis() != 2 ||
          typeOf(gather.getIndices()).getRank() != 0)
        continue;
      auto values = dyn_cast_or_null<DenseElementsAttr>(
          constantValue(oneHot.getValues()));
      if (!values || values.getNumElements() != 2 ||
          !isa<IntegerType>(values.getElementType()))
        continue;
      auto ints = values.getValues<APInt>();
      if (ints[0].getSExtValue() != 0 || ints[1].getSExtValue() != 1)
        continue;
      s.values = v;
      s.indices = oneHot.getIndices();
      s.expert = static_cast<int64_t>(*e);
      insertAll(ops, {reduce.getOperation(), mul.getOperation(),
                  gather.getOperation(), oneHot.getOperation()});
      if (cast)
        ops.insert(cast);
      // The one-hot depth must be the expert count: checked by the caller
      // against the logits (the one_hot result's last dim).
      return s;
    }
    return std::nullopt;
  }
  if (auto slice = w.getDefiningOp<SliceOp>()) {
    if (!isAxes(slice.getAxes(), {1}) || !isAxes(slice.getSteps(), {1}) ||
        slice.getStarts().size() != 1 ||
        slice.getEnds()[0] != slice.getStarts()[0] + 1)
      return std::nullopt;
    auto scatter = slice.getInput().getDefiningOp<ScatterElementsOp>();
    if (!scatter)
      return std::nullopt;
    s.expert = slice.getStarts()[0];
    ops.insert(slice);
    return s; // values/indices come from the scatter: see matchScatter
  }
  return std::nullopt;
}

/// D = scatter_elements(zeros [T, E], I, V, axis 1) with no reduction.
std::optional<Selection> matchScatter(Value d, OpSet &ops) {
  auto scatter = d.getDefiningOp<ScatterElementsOp>();
  if (!scatter || scatter.getAxis() != 1 || scatter.getReduction() != "none")
    return std::nullopt;
  Value like = zerosShapedLike(scatter.getData());
  if (!like || typeOf(like).getRank() != 2)
    return std::nullopt;
  ops.insert(scatter);
  // Zeros shaped like the scores read the scores' shape: part of the block.
  if (auto fill = scatter.getData().getDefiningOp<ConstantOfShapeOp>())
    insertAll(ops, {fill.getOperation(), fill.getShape().getDefiningOp()});
  return Selection{scatter.getUpdates(), scatter.getIndices(), -1};
}


/// Explains why (V, I) is not a routing fused.moe implements; null: it is.
FailureOr<Routing> matchRouting(Value values, Value indices, OpSet &ops,
                                std::string &why) {
  Routing r;
  auto topk = dyn_cast_or_null<TopKOp>(indices.getDefiningOp());
  if (!topk || topk.getIndices() != indices) {
    why = "the expert indices are not a TopK's indices";
    return failure();
  }
  auto scoresType = typeOf(topk.getInput());
  if (scoresType.getRank() != 2 || topk.getAxis() != 1 || !topk.getLargest()) {
    why = "the TopK is not a largest-k over the experts axis of [tokens, "
          "experts] scores";
    return failure();
  }
  std::optional<double> k = scalarConstant(topk.getK());
  if (!k || scoresType.isDynamicDim(1)) {
    why = "the top-k count or the expert count is not a constant";
    return failure();
  }
  r.topK = static_cast<int64_t>(*k);
  if (r.topK < 1 || r.topK > scoresType.getDimSize(1)) {
    why = "top-k is not between 1 and the number of experts";
    return failure();
  }
  ops.insert(topk);

  // V: [mul(] [div(R, reduce_sum(R))] [, c)]
  Value v = values;
  if (auto mul = v.getDefiningOp<MulOp>()) {
    for (auto [inner, c] : operandOrders(mul))
      if (std::optional<double> s = scalarConstant(c);
          s && typeOf(c).getNumElements() == 1) {
        r.scaling = *s;
        v = inner;
        ops.insert(mul);
        break;
      }
  }
  if (auto div = v.getDefiningOp<DivOp>()) {
    auto sum = div.getRhs().getDefiningOp<ReduceSumOp>();
    if (!sum || sum.getInput() != div.getLhs() ||
        !isAxes(sum.getAxes(), {1}) || !sum.getKeepdims()) {
      why = "the routing weights are divided by something other than their "
            "sum over the chosen experts";
      return failure();
    }
    r.renormalize = true;
    v = div.getLhs();
    insertAll(ops, {div.getOperation(), sum.getOperation()});
  }

  // R and the scores.
  Value choice = topk.getInput(), scores;
  if (v == topk.getValues()) {
    scores = choice; // the weights are the chosen scores themselves
  } else if (auto gather = v.getDefiningOp<GatherElementsOp>()) {
    if (gather.getIndices() != indices || gather.getAxis() != 1) {
      why = "the routing weights gather other than the chosen experts";
      return failure();
    }
    scores = gather.getData();
    ops.insert(gather);
  } else if (auto softmax = v.getDefiningOp<SoftmaxOp>()) {
    if (softmax.getInput() != topk.getValues() || softmax.getAxis() != 1) {
      why = "the softmax after top-k is not over the chosen logits";
      return failure();
    }
    r.softmaxAfterTopK = true;
    ops.insert(softmax);
  } else {
    why = "the routing weights are neither the chosen scores nor gathered "
          "from them";
    return failure();
  }

  // Softmax after top-k weighs the chosen values themselves: whatever was
  // chosen on is the logits (a bias there is the router's own).
  if (r.softmaxAfterTopK) {
    r.logits = choice;
    return r;
  }
  // choice = scores [+ bias]: the bias decides, the scores weigh.
  Value base = choice;
  if (auto add = choice.getDefiningOp<AddOp>()) {
    for (auto [b, bias] : operandOrders(add))
      if (b == scores && constantValue(bias) && typeOf(bias).getRank() == 1 &&
          typeOf(bias).getDimSize(0) == scoresType.getDimSize(1)) {
        r.selectionBias = bias;
        base = b;
        ops.insert(add);
        break;
      }
  }
  if (base != scores) {
    why = "the experts are chosen on other scores than the routing weights "
          "come from";
    return failure();
  }
  if (auto softmax = scores.getDefiningOp<SoftmaxOp>()) {
    if (softmax.getAxis() != 1) {
      why = "the router softmax is not over the experts axis";
      return failure();
    }
    r.logits = softmax.getInput();
    ops.insert(softmax);
  } else if (auto sigmoid = scores.getDefiningOp<SigmoidOp>()) {
    r.scoring = "sigmoid";
    r.logits = sigmoid.getInput();
    ops.insert(sigmoid);
  } else {
    why = "the routing weights are not softmax or sigmoid scores of the "
          "router logits";
    return failure();
  }
  return r;
}

Value expertInput(Value y) {
  Operation *down = y.getDefiningOp();
  if (auto add = dyn_cast_or_null<AddOp>(down))
    for (Value o : {add.getLhs(), add.getRhs()})
      if (o.getDefiningOp<MatMulOp>())
        down = o.getDefiningOp();
  if (!isa_and_nonnull<MatMulOp, GemmOp>(down))
    return {};
  SmallVector<Value> stack = {down->getOperand(0)};
  for (int steps = 0; !stack.empty() && steps < 32; ++steps) {
    Value v = stack.pop_back_val();
    Operation *op = v.getDefiningOp();
    if (!op)
      continue;
    if (isa<MatMulOp, GemmOp>(op))
      return op->getOperand(0);
    for (Value o : op->getOperands())
      stack.push_back(o);
  }
  return {};
}

} // namespace kiln::fusion::moe
