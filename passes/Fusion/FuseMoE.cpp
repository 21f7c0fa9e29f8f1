//===- FuseMoE.cpp - Exported mixture-of-experts blocks into fused.moe ----===//
// Matches what torch.onnx.export writes for MoE blocks whose Python loop over
// the experts was unrolled, each expert an MLP of the same tokens:
//
//   combine   sum_e y_e * w_e      an add chain (from zeros or a first term),
//                                  optionally + shared_mlp(x);
//          or reduce_sum(concat(unsqueeze(y_e, 1)) * unsqueeze(D, 2), 1)
//   w_e       reduce_sum(V * cast(gather(one_hot(I, E), e, axis 2)), 1)
//          or slice(D, e:e+1, axis 1), D = scatter_elements(0, I, V, axis 1)
//   V         [mul(] [div(R, reduce_sum(R, 1)) | R] [, c)]
//   R         topk(S).values | gather_elements(P, I, 1) | softmax(topk(L).values)
//   I         topk(S, k, axis 1).indices;  S = P [+ bias] (or L [+ bias])
//   P         softmax(L, axis 1) | sigmoid(L);  L: the router logits [T, E]
//   y_e       MLP_e(x): down(act(gate(x)) * up(x)) or down(act(up(x))), each
//             a MatMul with a constant weight, a Gemm, or a MatMul + bias
//
// The per-expert weights are stacked into new [E, ...] weights. Anything
// that differs (an expert missing, different MLP shapes, weights that are
// not the chosen scores, a softmax over another axis, intermediate values
// used outside the block) stays unfused; a real candidate says why.
#include "passes/Fusion/Passes.h"

#include "dialects/Model/Analysis/DimEquivalence.h"
#include "dialects/Model/IR/ModelOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringSet.h"

#include <cmath>

namespace kiln {
#define GEN_PASS_DEF_FUSEMOE
#include "passes/Fusion/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln::model;

namespace {

using OpSet = llvm::SetVector<Operation *>;

void insertAll(OpSet &set, std::initializer_list<Operation *> ops) {
  set.insert(ops.begin(), ops.end());
}

RankedTensorType typeOf(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// The data of a constant or weight.
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

/// The operands of a commutative binary op in both orders.
template <typename OpTy>
SmallVector<std::pair<Value, Value>, 2> operandOrders(OpTy op) {
  return {{op.getLhs(), op.getRhs()}, {op.getRhs(), op.getLhs()}};
}

/// x W (+ b): the weight [in, out] (transposed: [out, in]) and bias [out].
struct Linear {
  Value weight;
  bool transposed = false;
  Value bias;
  int64_t in = 0, out = 0;
};

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

/// An expert MLP of the tokens.
struct MLP {
  std::optional<Linear> gate;
  Linear up, down;
  StringRef activation;

  bool sameForm(const MLP &o) const {
    auto same = [](const Linear &a, const Linear &b) {
      return a.in == b.in && a.out == b.out &&
             static_cast<bool>(a.bias) == static_cast<bool>(b.bias);
    };
    return activation == o.activation &&
           gate.has_value() == o.gate.has_value() &&
           (!gate || same(*gate, *o.gate)) && same(up, o.up) &&
           same(down, o.down);
  }
};

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

/// The routing weights' source: values V [T, k] and indices I [T, k].
struct Selection {
  Value values, indices;
  int64_t expert = -1;
};

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

/// The routing the fused op encodes.
struct Routing {
  Value logits, selectionBias;
  int64_t topK = 0;
  StringRef scoring = "softmax";
  bool softmaxAfterTopK = false, renormalize = false;
  double scaling = 1.0;
};

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

struct FuseMoEPattern : RewritePattern {
  FuseMoEPattern(MLIRContext *ctx, const DimEquivalence *facts)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx),
        facts(facts) {}

  bool equal(Value a, int64_t i, Value b, int64_t j) const {
    if (a == b && i == j)
      return true;
    auto ta = typeOf(a), tb = typeOf(b);
    if (!ta.isDynamicDim(i) && !tb.isDynamicDim(j))
      return ta.getDimSize(i) == tb.getDimSize(j);
    return facts && facts->provenEqual(a, i, b, j);
  }

  /// One expert's term y * w.
  struct Term {
    MLP mlp;
    Selection selection;
    Value y;
  };

  /// Matches `v` as MLP(x) * w_e (x is fixed by the first term).
  std::optional<Term> matchTerm(Value v, Value &x, OpSet &ops) const {
    auto mul = v.getDefiningOp<MulOp>();
    if (!mul)
      return std::nullopt;
    for (auto [y, w] : operandOrders(mul)) {
      OpSet local;
      std::optional<Selection> sel = matchExpertWeight(w, local);
      if (!sel)
        continue;
      // The tokens: what the expert's first linear layer reads.
      Value tokens = x ? x : findTokens(y);
      if (!tokens)
        continue;
      std::optional<MLP> m = matchMLP(y, tokens, local);
      if (!m)
        continue;
      x = tokens;
      local.insert(mul);
      ops.insert(local.begin(), local.end());
      return Term{*m, *sel, y};
    }
    return std::nullopt;
  }

  /// The tokens an expert output y reads: the lhs of the first linear layer,
  /// found through the down projection and the activation.
  static Value findTokens(Value y) {
    Operation *def = y.getDefiningOp();
    if (auto add = dyn_cast_or_null<AddOp>(def))
      for (Value o : {add.getLhs(), add.getRhs()})
        if (o.getDefiningOp<MatMulOp>())
          def = o.getDefiningOp();
    if (!def || !isa<MatMulOp, GemmOp>(def))
      return {};
    Value hidden = def->getOperand(0);
    // Any op under the down projection reaches a linear layer of x within
    // a few steps; take the first matmul/gemm lhs found depth-first.
    SmallVector<Value> stack = {hidden};
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

  LogicalResult matchAndRewrite(Operation *root,
                                PatternRewriter &rewriter) const override {
    if (!isa<AddOp, ReduceSumOp>(root) || root->getNumResults() != 1 ||
        !isa<RankedTensorType>(root->getResult(0).getType()) ||
        typeOf(root->getResult(0)).getRank() != 2)
      return failure();
    OpSet ops;
    SmallVector<Term> terms;
    Value x;

    if (auto add = dyn_cast<AddOp>(root)) {
      // Only the end of an add chain of expert terms is a candidate.
      if (root->hasOneUse())
        if (auto next = dyn_cast<AddOp>(*root->getUsers().begin())) {
          Value other =
              next.getLhs() == add.getResult() ? next.getRhs() : next.getLhs();
          OpSet scratch;
          Value scratchX;
          if (matchTerm(other, scratchX, scratch))
            return failure();
        }
      Value v = add.getResult();
      while (true) {
        auto a = v.getDefiningOp<AddOp>();
        if (!a)
          break;
        std::optional<Term> term;
        Value rest;
        for (auto [prev, t] : operandOrders(a)) {
          OpSet local;
          Value lx = x;
          if ((term = matchTerm(t, lx, local))) {
            x = lx;
            ops.insert(local.begin(), local.end());
            rest = prev;
            break;
          }
        }
        if (!term)
          break;
        ops.insert(a);
        terms.push_back(*term);
        v = rest;
      }
      if (terms.empty())
        return failure();
      Value zerosLike = zerosShapedLike(v);
      if (zerosLike) {
        // The zeros must have the tokens' shape (so that they broadcast
        // nothing: every term is [tokens, hidden] too).
        if (typeOf(zerosLike).getRank() != 2 || !equal(zerosLike, 0, x, 0) ||
            !equal(zerosLike, 1, x, 1))
          return rewriter.notifyMatchFailure(
              root, "the expert outputs are summed onto zeros of another "
                    "shape");
      } else {
        OpSet local;
        Value lx = x;
        std::optional<Term> first = matchTerm(v, lx, local);
        if (!first)
          return failure();
        ops.insert(local.begin(), local.end());
        terms.push_back(*first);
      }
      std::reverse(terms.begin(), terms.end());
    } else {
      auto reduce = cast<ReduceSumOp>(root);
      if (!isAxes(reduce.getAxes(), {1}) || reduce.getKeepdims())
        return failure();
      auto mul = reduce.getInput().getDefiningOp<MulOp>();
      if (!mul)
        return failure();
      for (auto [stacked, weights] : operandOrders(mul)) {
        auto concat = stacked.getDefiningOp<ConcatOp>();
        auto unsq = weights.getDefiningOp<UnsqueezeOp>();
        if (!concat || !unsq || concat.getAxis() != 1 ||
            !isAxes(unsq.getAxes(), {2}))
          continue;
        OpSet local;
        std::optional<Selection> sel = matchScatter(unsq.getInput(), local);
        if (!sel)
          continue;
        bool all = true;
        SmallVector<Term> found;
        Value lx;
        for (auto [e, in] : llvm::enumerate(concat.getInputs())) {
          auto u = in.getDefiningOp<UnsqueezeOp>();
          if (!u || !isAxes(u.getAxes(), {1})) {
            all = false;
            break;
          }
          if (!lx)
            lx = findTokens(u.getInput());
          std::optional<MLP> m =
              lx ? matchMLP(u.getInput(), lx, local) : std::nullopt;
          if (!m) {
            all = false;
            break;
          }
          local.insert(u);
          found.push_back(
              Term{*m, Selection{sel->values, sel->indices,
                                 static_cast<int64_t>(e)},
                   u.getInput()});
        }
        if (!all)
          continue;
        insertAll(local, {reduce.getOperation(), mul.getOperation(),
                      concat.getOperation(), unsq.getOperation()});
        ops.insert(local.begin(), local.end());
        terms = std::move(found);
        x = lx;
        break;
      }
      if (terms.empty())
        return failure();
    }

    // The (V, I) of every term: one-hot terms carry theirs, slice terms
    // read one dense scatter.
    Value values, indices;
    for (Term &t : terms) {
      Selection s = t.selection;
      if (!s.indices)
        continue;
      if (!values) {
        values = s.values;
        indices = s.indices;
      } else if (values != s.values || indices != s.indices) {
        return rewriter.notifyMatchFailure(
            root, "the experts' weights come from different routings");
      }
    }
    if (!values) {
      // Slice terms: find the shared scatter through the ops matched.
      for (Operation *op : ops)
        if (auto slice = dyn_cast<SliceOp>(op)) {
          std::optional<Selection> sel = matchScatter(slice.getInput(), ops);
          if (!sel)
            return rewriter.notifyMatchFailure(
                root, "an expert's weight slices something other than a "
                      "scatter of the top-k weights into zeros");
          if (values && (values != sel->values || indices != sel->indices))
            return rewriter.notifyMatchFailure(
                root, "the experts' weights come from different routings");
          values = sel->values;
          indices = sel->indices;
        }
    }
    if (!values)
      return failure();

    std::string why;
    FailureOr<Routing> routing = matchRouting(values, indices, ops, why);
    if (failed(routing))
      return rewriter.notifyMatchFailure(root, why);
    Value logits = routing->logits;
    auto logitsType = typeOf(logits);
    int64_t experts = logitsType.getDimSize(1);
    if (logitsType.getRank() != 2 || ShapedType::isDynamic(experts))
      return rewriter.notifyMatchFailure(root, "the router logits are not "
                                               "[tokens, experts] with a "
                                               "static expert count");
    // Every expert exactly once, all of one form.
    if (static_cast<int64_t>(terms.size()) != experts)
      return rewriter.notifyMatchFailure(
          root, "the block combines " + std::to_string(terms.size()) +
                    " expert outputs but routes over " +
                    std::to_string(experts) + " experts");
    SmallVector<const Term *> byExpert(experts, nullptr);
    for (const Term &t : terms) {
      if (t.selection.expert < 0 || t.selection.expert >= experts ||
          byExpert[t.selection.expert])
        return rewriter.notifyMatchFailure(
            root, "the expert outputs do not each take one expert's weight");
      byExpert[t.selection.expert] = &t;
      if (!t.mlp.sameForm(terms.front().mlp))
        return rewriter.notifyMatchFailure(
            root, "the experts are not MLPs of one form and size");
    }
    for (Operation *op : ops)
      if (auto oneHot = dyn_cast<OneHotOp>(op)) {
        std::optional<double> depth = scalarConstant(oneHot.getDepth());
        if (!depth || static_cast<int64_t>(*depth) != experts)
          return rewriter.notifyMatchFailure(
              root, "the one-hot depth is not the number of experts");
      }
    for (Operation *op : ops)
      if (auto scatter = dyn_cast<ScatterElementsOp>(op)) {
        Value like = zerosShapedLike(scatter.getData());
        if (!equal(like, 1, logits, 1) || !equal(like, 0, logits, 0))
          return rewriter.notifyMatchFailure(
              root, "the dense routing weights are not [tokens, experts]");
      }
    auto xType = typeOf(x);
    const MLP &form = terms.front().mlp;
    if (xType.getRank() != 2 || !xType.getElementType().isF32() ||
        xType.isDynamicDim(1) || xType.getDimSize(1) != form.up.in)
      return rewriter.notifyMatchFailure(
          root, "the tokens are not f32 [tokens, hidden] with a static hidden "
                "size");
    if (!logitsType.getElementType().isF32() || !equal(x, 0, logits, 0))
      return rewriter.notifyMatchFailure(
          root, "the router logits' token count is not proven equal to the "
                "tokens'");

    // A shared expert added after the routed ones.
    Operation *replaced = root;
    std::optional<MLP> shared;
    if (isa<AddOp>(root) && root->hasOneUse())
      if (auto next = dyn_cast<AddOp>(*root->getUsers().begin())) {
        Value other = next.getLhs() == root->getResult(0) ? next.getRhs()
                                                          : next.getLhs();
        OpSet local;
        std::optional<MLP> m = matchMLP(other, x, local);
        if (m && !m->up.bias && !m->down.bias &&
            (!m->gate || !m->gate->bias) &&
            m->gate.has_value() == form.gate.has_value() &&
            m->activation == form.activation) {
          shared = m;
          ops.insert(local.begin(), local.end());
          ops.insert(next);
          replaced = next;
        }
      }
    ops.insert(root);

    // The data to stack must be readable f32 (checked before any rewrite).
    for (const Term &t : terms)
      for (const Linear *l : {&t.mlp.up, &t.mlp.down,
                              t.mlp.gate ? &*t.mlp.gate : nullptr})
        if (l && (!floatData(l->weight) || (l->bias && !floatData(l->bias))))
          return rewriter.notifyMatchFailure(
              root, "an expert weight or bias is not readable f32 data");

    // Every intermediate value stays inside the block.
    for (Operation *op : ops) {
      if (op == replaced)
        continue;
      for (Operation *user : op->getUsers())
        if (!ops.contains(user))
          return rewriter.notifyMatchFailure(
              root, "an intermediate value of the block has uses outside it");
    }

    return rewrite(rewriter, replaced, ops, x, *routing, byExpert, shared);
  }

  LogicalResult rewrite(PatternRewriter &rewriter, Operation *replaced,
                        const OpSet &ops, Value x, const Routing &routing,
                        ArrayRef<const Term *> byExpert,
                        const std::optional<MLP> &shared) const {
    int64_t experts = byExpert.size();
    const MLP &form = byExpert.front()->mlp;
    SmallVector<Location> locs;
    for (Operation *op : ops)
      locs.push_back(op->getLoc());
    Location loc = rewriter.getFusedLoc(locs);
    // The stacked weights' names: after the first expert's up weight, made
    // unique in the module (the package binds weights by name).
    std::string base = "moe";
    if (auto w = form.up.weight.getDefiningOp<WeightOp>())
      base = w.getName().str();
    llvm::StringSet<> taken;
    Operation *top = replaced;
    while (top->getParentOp())
      top = top->getParentOp();
    top->walk([&](WeightOp w) { taken.insert(w.getName()); });
    std::string unique = base + ".fused_moe";
    for (int n = 1; llvm::any_of(taken.keys(), [&](StringRef name) {
           return name.starts_with(unique + ".");
         });
         ++n)
      unique = base + ".fused_moe" + std::to_string(n);

    // The stacked [E, in, out] weights (and [E, out] biases).
    auto stack = [&](auto linearOf, StringRef role,
                     bool bias) -> FailureOr<Value> {
      const Linear &l0 = linearOf(byExpert.front()->mlp);
      int64_t in = l0.in, out = l0.out;
      std::vector<float> data;
      data.reserve(experts * (bias ? out : in * out));
      for (const Term *t : byExpert) {
        const Linear &l = linearOf(t->mlp);
        std::optional<std::vector<float>> v =
            floatData(bias ? l.bias : l.weight);
        if (!v)
          return failure();
        if (bias || !l.transposed) {
          data.insert(data.end(), v->begin(), v->end());
          continue;
        }
        for (int64_t i = 0; i < in; ++i)
          for (int64_t o = 0; o < out; ++o)
            data.push_back((*v)[o * in + i]);
      }
      SmallVector<int64_t> shape = {experts};
      if (!bias)
        shape.push_back(in);
      shape.push_back(out);
      auto type = RankedTensorType::get(shape, rewriter.getF32Type());
      std::string name = unique + "." + role.str();
      auto blob = HeapAsmResourceBlob::allocateAndCopyInferAlign(
          ArrayRef<float>(data));
      auto attr = DenseResourceElementsAttr::get(type, name, std::move(blob));
      return WeightOp::create(rewriter, loc, rewriter.getStringAttr(name),
                              cast<ElementsAttr>(attr))
          .getResult();
    };
    auto gateOf = [](const MLP &m) -> const Linear & { return *m.gate; };
    auto upOf = [](const MLP &m) -> const Linear & { return m.up; };
    auto downOf = [](const MLP &m) -> const Linear & { return m.down; };
    Value gate, gateBias, upBias, downBias;
    FailureOr<Value> up = stack(upOf, "up", false);
    FailureOr<Value> down = stack(downOf, "down", false);
    if (failed(up) || failed(down))
      return rewriter.notifyMatchFailure(replaced,
                                         "an expert weight is not f32 data");
    if (form.gate) {
      FailureOr<Value> g = stack(gateOf, "gate", false);
      if (failed(g))
        return failure();
      gate = *g;
      if (form.gate->bias) {
        FailureOr<Value> gb = stack(gateOf, "gate_bias", true);
        if (failed(gb))
          return failure();
        gateBias = *gb;
      }
    }
    if (form.up.bias) {
      FailureOr<Value> ub = stack(upOf, "up_bias", true);
      if (failed(ub))
        return failure();
      upBias = *ub;
    }
    if (form.down.bias) {
      FailureOr<Value> db = stack(downOf, "down_bias", true);
      if (failed(db))
        return failure();
      downBias = *db;
    }
    // The shared expert's weights as [in, out] values.
    auto asInOut = [&](const Linear &l) -> Value {
      if (!l.transposed)
        return l.weight;
      return TransposeOp::create(rewriter, loc, l.weight,
                                 rewriter.getDenseI64ArrayAttr({1, 0}))
          .getResult();
    };
    Value sharedGate, sharedUp, sharedDown;
    if (shared) {
      if (shared->gate)
        sharedGate = asInOut(*shared->gate);
      sharedUp = asInOut(shared->up);
      sharedDown = asInOut(shared->down);
    }

    auto resultType = cast<RankedTensorType>(replaced->getResult(0).getType());
    SmallVector<OpFoldResult> sizes = {tensor::getMixedSize(rewriter, loc, x, 0),
                                       rewriter.getIndexAttr(form.up.in)};
    Value init =
        tensor::EmptyOp::create(rewriter, loc, sizes, rewriter.getF32Type());
    auto xType = typeOf(x);
    RankedTensorType opType = xType;
    if (init.getType() != opType)
      init = tensor::CastOp::create(rewriter, loc, opType, init);
    auto fused = kiln::fused::MoEOp::create(
        rewriter, loc, opType, x, routing.logits, routing.selectionBias, gate,
        *up, *down, gateBias, upBias, downBias, sharedGate, sharedUp,
        sharedDown, init, rewriter.getI64IntegerAttr(experts),
        rewriter.getI64IntegerAttr(routing.topK),
        rewriter.getStringAttr(routing.scoring),
        rewriter.getBoolAttr(routing.softmaxAfterTopK),
        rewriter.getBoolAttr(routing.renormalize),
        rewriter.getF32FloatAttr(static_cast<float>(routing.scaling)),
        rewriter.getStringAttr(form.activation),
        rewriter.getBoolAttr(form.gate.has_value()));
    Value result = fused.getResult();
    if (result.getType() != resultType)
      result = tensor::CastOp::create(rewriter, loc, resultType, result);
    rewriter.replaceOp(replaced, result);
    return success();
  }

  const DimEquivalence *facts;
};

struct FuseMoEPass : kiln::impl::FuseMoEBase<FuseMoEPass> {
  void runOnOperation() override {
    DimEquivalence facts(getOperation());
    RewritePatternSet patterns(&getContext());
    kiln::populateFuseMoEPatterns(patterns, &facts);
    GreedyRewriteConfig config;
    config.enableFolding(false);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns),
                                     config)))
      signalPassFailure();
  }
};

} // namespace

void kiln::populateFuseMoEPatterns(RewritePatternSet &patterns,
                                   const DimEquivalence *facts) {
  patterns.add<FuseMoEPattern>(patterns.getContext(), facts);
}
