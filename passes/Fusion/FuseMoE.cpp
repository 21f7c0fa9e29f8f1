//===- FuseMoE.cpp - Exported mixture-of-experts blocks into fused.moe ----===//
// Matches what torch.onnx.export writes for MoE blocks whose Python loop over
// the experts was unrolled, each expert an MLP of the same tokens:
//
//   combine   sum_e y_e * w_e      an add chain (from zeros or a first term),
//                                  optionally + shared_mlp(x);
//          or acc + scatter_elements(zeros_like(acc), tok_e, y_e[tok_e] * ...)
//                                  per expert: Hugging Face's sparse loop
//                                  (where + index_add_, MoEIndexAdd.cpp)
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
#include "passes/Fusion/FusionReport.h"
#include "passes/Fusion/MoEMatchers.h"

#include "dialects/Model/Analysis/DimEquivalence.h"
#include "dialects/Model/IR/ModelOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringSet.h"


namespace kiln {
#define GEN_PASS_DEF_FUSEMOE
#include "passes/Fusion/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln::model;
using namespace kiln::fusion::moe;

namespace {

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
      Value tokens = x ? x : expertInput(y);
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
      // Only the end of an add chain of expert terms is a candidate. A step
      // of the sparse loop reads its accumulator's shape too.
      for (Operation *user : root->getUsers())
        if (auto next = dyn_cast<AddOp>(user))
          for (auto [acc, s] : operandOrders(next)) {
            OpSet scratch;
            if (acc == add.getResult() &&
                matchIndexAddTerm(s, acc, scratch))
              return failure();
          }
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
          local.clear();
          if (std::optional<IndexAddTerm> step =
                  matchIndexAddTerm(t, prev, local)) {
            if (x && x != step->tokens)
              continue;
            x = step->tokens;
            term = Term{step->mlp, step->selection, t};
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
      if (!zerosLike && isZerosOfTokens(v, x))
        zerosLike = x;
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
            lx = expertInput(u.getInput());
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
        // Axis 0 scatters are the sparse loop's index_add (rows of tokens).
        if (scatter.getAxis() != 1)
          continue;
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
  using FuseMoEBase::FuseMoEBase;
  void runOnOperation() override {
    DimEquivalence facts(getOperation());
    RewritePatternSet patterns(&getContext());
    kiln::populateFuseMoEPatterns(patterns, &facts);
    if (failed(kiln::applyFusionPatterns(getOperation(), std::move(patterns),
                                         "moe", report)))
      signalPassFailure();
  }
};

} // namespace

void kiln::populateFuseMoEPatterns(RewritePatternSet &patterns,
                                   const DimEquivalence *facts) {
  patterns.add<FuseMoEPattern>(patterns.getContext(), facts);
}
