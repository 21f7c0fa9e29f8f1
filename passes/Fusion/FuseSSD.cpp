//===- FuseSSD.cpp - The Mamba-2 minimal SSD reference into fused.ssd -----===//
// Matches what torch.onnx.export writes for the paper's ssd_minimal_discrete
// (X, A, B, C chunked by reshapes; A transposed to [b, h, c, l]; the stable
// segsum as expand + strictly-lower mask + cumsum + lower mask with -inf;
// exp; the four einsums, or the same contractions as transposes and
// matmuls; the inter-chunk recurrence over a zero or given initial state
// padded with F.pad), rooted at the reshape of Y_diag + Y_off back to
// [b, l, h, p]. Every piece is checked; what differs stays unfused.
#include "passes/Fusion/ContractionForm.h"
#include "passes/Fusion/Passes.h"
#include "passes/Fusion/FusionReport.h"

#include "dialects/Model/Analysis/DimEquivalence.h"
#include "dialects/Model/IR/ModelOps.h"
#include "passes/Conversion/ModelToLinalg/ModelToLinalg.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>
#include <cstdlib>
#include <functional>

namespace kiln {
#define GEN_PASS_DEF_FUSESSD
#include "passes/Fusion/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln::model;
using kiln::fusion::Contraction;
using kiln::fusion::ContractionBuilder;

namespace {

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

/// The contents of a constant or weight op.
DenseElementsAttr constantOf(Value v) {
  DenseElementsAttr attr;
  if (matchPattern(v, m_Constant(&attr)))
    return attr;
  if (auto weight = v.getDefiningOp<WeightOp>())
    return dyn_cast<DenseElementsAttr>(weight.getValue());
  return {};
}

std::optional<int64_t> constantIndex(Value v) {
  DenseElementsAttr attr = constantOf(v);
  if (!attr || attr.getNumElements() != 1 ||
      !isa<IntegerType>(attr.getElementType()))
    return std::nullopt;
  return (*attr.value_begin<APInt>()).getSExtValue();
}

std::optional<double> splatFloat(Value v) {
  // Large zero tensors stay constant_of_shape (not inlined as constants).
  if (auto fill = v.getDefiningOp<ConstantOfShapeOp>())
    if (auto value = dyn_cast<FloatAttr>(fill.getValue()))
      return value.getValueAsDouble();
  DenseElementsAttr attr = constantOf(v);
  if (!attr || !attr.isSplat() || !isa<FloatType>(attr.getElementType()))
    return std::nullopt;
  return attr.getSplatValue<APFloat>().convertToDouble();
}

/// The boolean a constant_of_shape fills with (a bool or integer value
/// attribute), as torch.ones/torch.full of a mask export.
std::optional<bool> boolFill(ConstantOfShapeOp fill) {
  if (auto b = dyn_cast<BoolAttr>(fill.getValue()))
    return b.getValue();
  if (auto i = dyn_cast<IntegerAttr>(fill.getValue()))
    return !i.getValue().isZero();
  return std::nullopt;
}

/// A constant boolean [rows, cols] matrix (leading unit dims allowed) built
/// from constants, Trilu, Not and bool-to-bool casts: the masks exporters
/// write for torch.tril / masked_fill.
std::optional<SmallVector<bool>> constantMask(Value v, int64_t &rows,
                                              int64_t &cols) {
  auto type = typeOf(v);
  if (!type.hasStaticShape() || type.getRank() < 2 ||
      !type.getElementType().isInteger(1))
    return std::nullopt;
  for (int64_t i = 0; i + 2 < type.getRank(); ++i)
    if (type.getDimSize(i) != 1)
      return std::nullopt;
  rows = type.getDimSize(type.getRank() - 2);
  cols = type.getDimSize(type.getRank() - 1);
  if (DenseElementsAttr attr = constantOf(v)) {
    SmallVector<bool> values(attr.getValues<bool>());
    return values;
  }
  // torch.ones(T, T) of a large T stays a constant_of_shape.
  if (auto fill = v.getDefiningOp<ConstantOfShapeOp>()) {
    std::optional<bool> value = boolFill(fill);
    if (!value)
      return std::nullopt;
    return SmallVector<bool>(rows * cols, *value);
  }
  if (auto notOp = v.getDefiningOp<NotOp>()) {
    auto inner = constantMask(notOp.getInput(), rows, cols);
    if (inner)
      for (auto &&x : *inner)
        x = !x;
    return inner;
  }
  if (auto cast = v.getDefiningOp<CastOp>())
    if (typeOf(cast.getInput()).getElementType().isInteger(1))
      return constantMask(cast.getInput(), rows, cols);
  if (auto trilu = v.getDefiningOp<TriluOp>()) {
    std::optional<int64_t> k = constantIndex(trilu.getK());
    auto inner = constantMask(trilu.getInput(), rows, cols);
    if (!k || !inner)
      return std::nullopt;
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j) {
        bool kept = trilu.getUpper() ? j - i >= *k : j - i <= *k;
        if (!kept)
          (*inner)[i * cols + j] = false;
      }
    return inner;
  }
  return std::nullopt;
}

/// A boolean mask of dynamic size built from a fill, Trilu, Not and
/// bool-to-bool casts (torch.tril(torch.ones(T, T)) at a run-time T): its
/// entry (i, j) depends on j - i only, and is constant beyond `reach`
/// diagonals from the main one.
std::optional<std::function<bool(int64_t)>> bandMask(Value v,
                                                     int64_t &reach) {
  if (auto fill = v.getDefiningOp<ConstantOfShapeOp>()) {
    std::optional<bool> value = boolFill(fill);
    if (!value)
      return std::nullopt;
    return [c = *value](int64_t) { return c; };
  }
  if (auto notOp = v.getDefiningOp<NotOp>()) {
    auto inner = bandMask(notOp.getInput(), reach);
    if (!inner)
      return std::nullopt;
    return [f = *inner](int64_t d) { return !f(d); };
  }
  if (auto cast = v.getDefiningOp<CastOp>()) {
    if (typeOf(cast.getInput()).getElementType().isInteger(1))
      return bandMask(cast.getInput(), reach);
    return std::nullopt;
  }
  if (auto trilu = v.getDefiningOp<TriluOp>()) {
    std::optional<int64_t> k = constantIndex(trilu.getK());
    auto inner = k ? bandMask(trilu.getInput(), reach) : std::nullopt;
    if (!inner)
      return std::nullopt;
    reach = std::max(reach, std::abs(*k));
    return [f = *inner, k = *k, upper = trilu.getUpper()](int64_t d) {
      return f(d) && (upper ? d >= k : d <= k);
    };
  }
  return std::nullopt;
}

/// "the X", unless `what` has its article already ("the chunk decay's").
std::string theOne(StringRef what) {
  return what.starts_with("the ") ? what.str() : ("the " + what).str();
}

struct SSDMatcher {
  PatternRewriter &rewriter;
  ContractionBuilder forms;
  const DimEquivalence *facts;
  SmallVector<Operation *> matched;
  std::string why;

  bool fail(const Twine &reason) {
    why = reason.str();
    return false;
  }

  template <typename OpTy>
  OpTy def(Value v) {
    auto op = v.getDefiningOp<OpTy>();
    if (op)
      matched.push_back(op);
    return op;
  }

  bool equal(Value a, int64_t i, Value b, int64_t j) const {
    auto ta = typeOf(a), tb = typeOf(b);
    if (!ta.isDynamicDim(i) && !tb.isDynamicDim(j))
      return ta.getDimSize(i) == tb.getDimSize(j);
    return facts && facts->provenEqual(a, i, b, j);
  }

  /// `where(fill positions, fill, x)` (either orientation) over the last two
  /// dims, with the fill at exactly the entries where `fillAt(i, j)`.
  Value maskedFill(Value v, llvm::function_ref<bool(double)> isFill,
                   llvm::function_ref<bool(int64_t, int64_t)> fillAt,
                   StringRef what) {
    auto where = def<WhereOp>(v);
    if (!where)
      return fail(theOne(what) + " is not a masked fill"), Value();
    bool fillOnTrue;
    Value kept;
    if (auto c = splatFloat(where.getLhs()); c && isFill(*c)) {
      fillOnTrue = true;
      kept = where.getRhs();
    } else if (auto c = splatFloat(where.getRhs()); c && isFill(*c)) {
      fillOnTrue = false;
      kept = where.getLhs();
    } else {
      return fail(theOne(what) + " fills a different value"), Value();
    }
    Value condition = where.getCondition();
    if (!typeOf(condition).hasStaticShape())
      return dynamicMaskedFill(where, condition, kept, fillOnTrue, fillAt,
                               what);
    int64_t rows, cols;
    auto mask = constantMask(condition, rows, cols);
    if (!mask)
      return fail(theOne(what) + " mask is not a constant triangle"),
             Value();
    if (rows != cols)
      return fail(theOne(what) + " mask is not square"), Value();
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j)
        if ((*mask)[i * cols + j] == fillOnTrue) {
          if (!fillAt(i, j))
            return fail(theOne(what) +
                        " mask is not the expected triangle"),
                   Value();
        } else if (fillAt(i, j)) {
          return fail(theOne(what) +
                      " mask is not the expected triangle"),
                 Value();
        }
    auto resultType = typeOf(where.getResult());
    if (resultType.getRank() < 2 ||
        resultType.getDimSize(resultType.getRank() - 1) != rows ||
        resultType.getDimSize(resultType.getRank() - 2) != rows)
      return fail(theOne(what) + " mask size differs"), Value();
    return kept;
  }

  /// maskedFill's check of a square mask of run-time size T: the mask's
  /// dims are the filled tensor's last two, and its band matches `fillAt`
  /// on every diagonal (beyond `reach` nothing changes).
  Value dynamicMaskedFill(WhereOp where, Value condition, Value kept,
                          bool fillOnTrue,
                          llvm::function_ref<bool(int64_t, int64_t)> fillAt,
                          StringRef what) {
    auto type = typeOf(condition);
    int64_t rank = type.getRank();
    for (int64_t i = 0; i + 2 < rank; ++i)
      if (type.getDimSize(i) != 1)
        return fail(theOne(what) + " mask is not a matrix"), Value();
    int64_t reach = 0;
    auto band = rank >= 2 ? bandMask(condition, reach) : std::nullopt;
    if (!band)
      return fail(theOne(what) + " mask is not a constant triangle"),
             Value();
    Value result = where.getResult();
    int64_t resultRank = typeOf(result).getRank();
    if (!equal(condition, rank - 2, condition, rank - 1))
      return fail(theOne(what) + " mask is not square"), Value();
    if (!equal(condition, rank - 2, result, resultRank - 2) ||
        !equal(condition, rank - 1, result, resultRank - 1))
      return fail(theOne(what) + " mask size differs"), Value();
    for (int64_t d = -reach - 2; d <= reach + 2; ++d) {
      int64_t i = d < 0 ? -d : 0, j = d < 0 ? 0 : d;
      if (((*band)(d) == fillOnTrue) != fillAt(i, j))
        return fail(theOne(what) +
                    " mask is not the expected triangle"),
               Value();
    }
    return kept;
  }

  /// exp(segsum(x)) of the paper: returns x ([..., T]) or null.
  Value segsumExp(Value v, StringRef what) {
    auto exp = def<ExpOp>(v);
    if (!exp)
      return fail(Twine(what) + " is not an exp"), Value();
    // -inf (or anything that exp takes to 0) above the diagonal.
    Value sum = maskedFill(
        exp.getInput(), [](double c) { return c < -1e4; },
        [](int64_t i, int64_t j) { return j > i; },
        (Twine(what) + "'s segsum").str());
    if (!sum)
      return {};
    auto cumsum = def<CumSumOp>(sum);
    int64_t rank = typeOf(sum).getRank();
    if (!cumsum)
      return fail(Twine(what) + "'s segsum is not a cumsum"), Value();
    std::optional<int64_t> axis = constantIndex(cumsum.getAxis());
    if (!axis || (*axis < 0 ? *axis + rank : *axis) != rank - 2)
      return fail(Twine(what) + "'s segsum sums over the wrong axis"), Value();
    if (cumsum.getExclusive() || cumsum.getReverse())
      return fail(Twine(what) + "'s segsum is an exclusive or reverse cumsum"),
             Value();
    // x[..., i] repeated along a new last axis, zero on and above the
    // diagonal.
    Value repeated = maskedFill(
        cumsum.getInput(), [](double c) { return c == 0.0; },
        [](int64_t i, int64_t j) { return j >= i; },
        (Twine(what) + "'s segsum input").str());
    if (!repeated)
      return {};
    auto expand = def<ExpandOp>(repeated);
    UnsqueezeOp unsqueeze = expand ? def<UnsqueezeOp>(expand.getInput())
                                   : UnsqueezeOp();
    if (!unsqueeze || unsqueeze.getAxes().size() != 1 ||
        (unsqueeze.getAxes()[0] != rank - 1 && unsqueeze.getAxes()[0] != -1))
      return fail(Twine(what) + "'s segsum input is not x repeated along a "
                                "new last axis"),
             Value();
    Value x = unsqueeze.getInput();
    auto xType = typeOf(x);
    if (xType.getRank() != rank - 1)
      return fail(Twine(what) + "'s segsum has the wrong rank"), Value();
    for (int64_t i = 0; i + 1 < rank; ++i)
      if (!equal(x, i, sum, i))
        return fail(Twine(what) + "'s segsum broadcasts its input"), Value();
    if (!equal(sum, rank - 1, x, rank - 2))
      return fail(Twine(what) + "'s segsum is not square"), Value();
    return x;
  }

  /// reshape [b, l, rest...] -> [b, c, chunk, rest...]: returns the input.
  Value chunked(Value v, int64_t &chunk, StringRef what) {
    Operation *reshape = v.getDefiningOp();
    if (!isa_and_nonnull<ReshapeOp, DynamicReshapeOp>(reshape))
      return fail(Twine(what) + " is not chunked by a reshape"), Value();
    matched.push_back(reshape);
    Value in = reshape->getOperand(0);
    auto outType = typeOf(v);
    if (outType.getRank() < 3 || outType.isDynamicDim(2))
      return fail(Twine(what) + "'s chunks are not static"), Value();
    chunk = outType.getDimSize(2);
    return in;
  }

  /// Whether dim `i` of the reshape `op`'s result is dim `j` of `like` in
  /// every run: a static size, a 0 entry of a model.reshape copying that
  /// input dim, or a dynamic_reshape entry reading a proven-equal dim.
  bool reshapeKeeps(Operation *op, int64_t i, Value like, int64_t j) {
    Value result = op->getResult(0);
    if (!typeOf(result).isDynamicDim(i))
      return !typeOf(like).isDynamicDim(j) &&
             typeOf(result).getDimSize(i) == typeOf(like).getDimSize(j);
    if (auto reshape = dyn_cast<ReshapeOp>(op))
      return i < static_cast<int64_t>(reshape.getShape().size()) &&
             reshape.getShape()[i] == 0 &&
             equal(reshape.getInput(), i, like, j);
    auto dynamic = dyn_cast<DynamicReshapeOp>(op);
    if (!dynamic)
      return false;
    SmallVector<ShapeEntry> entries = knownShapeEntries(dynamic.getShape());
    return i < static_cast<int64_t>(entries.size()) && entries[i].dimOf &&
           equal(entries[i].dimOf, entries[i].dim, like, j);
  }

  /// Whether entry `pos` of `reshape`'s shape vector is dim `seqDim` of
  /// `full` divided by `chunk`, as exporters write `l // chunk` from a
  /// dynamic length: [un]squeeze(div(gather(shape(v), i), chunk)) with v's
  /// dim i proven to be full's.
  bool chunkCountEntry(DynamicReshapeOp reshape, int64_t pos, Value full,
                       int64_t seqDim, int64_t chunk) {
    SmallVector<Value> pieces = {reshape.getShape()};
    if (auto concat = reshape.getShape().getDefiningOp<ConcatOp>())
      pieces = llvm::to_vector(concat.getInputs());
    int64_t offset = 0;
    for (Value piece : pieces) {
      auto type = typeOf(piece);
      if (!type.hasStaticShape())
        return false;
      int64_t length = type.getNumElements();
      if (pos >= offset + length) {
        offset += length;
        continue;
      }
      if (length != 1)
        return false;
      auto scalar = [](Value v) {
        while (isa_and_nonnull<UnsqueezeOp, SqueezeOp, ReshapeOp>(
            v.getDefiningOp()))
          v = v.getDefiningOp()->getOperand(0);
        return v;
      };
      auto div = scalar(piece).getDefiningOp<DivOp>();
      if (!div || constantIndex(div.getRhs()) != chunk)
        return false;
      auto gather = scalar(div.getLhs()).getDefiningOp<GatherOp>();
      auto shape = gather ? gather.getData().getDefiningOp<ShapeOp>() : nullptr;
      std::optional<int64_t> dim =
          gather ? constantIndex(gather.getIndices()) : std::nullopt;
      if (!shape || !dim)
        return false;
      int64_t rank = typeOf(shape.getInput()).getRank();
      int64_t d = *dim < 0 ? *dim + rank : *dim;
      return d >= 0 && d < rank && equal(shape.getInput(), d, full, seqDim);
    }
    return false;
  }

  /// repeat_kv-style groups as exported with its two reshapes kept apart:
  /// reshape(expand(unsqueeze(g [b, l, groups, n], 3), [b, l, groups, r,
  /// n]), [b, l, groups * r, n]) with groups * r = heads. Returns g.
  Value mergedGroupRepeat(Value full, int64_t heads) {
    Operation *reshape = full.getDefiningOp();
    if (!isa_and_nonnull<ReshapeOp, DynamicReshapeOp>(reshape))
      return {};
    auto expand = reshape->getOperand(0).getDefiningOp<ExpandOp>();
    auto unsqueeze =
        expand ? expand.getInput().getDefiningOp<UnsqueezeOp>() : nullptr;
    if (!unsqueeze || unsqueeze.getAxes() != ArrayRef<int64_t>{3} ||
        typeOf(expand.getResult()).getRank() != 5)
      return {};
    Value g = unsqueeze.getInput();
    auto gType = typeOf(g);
    SmallVector<ShapeEntry> entries = expandShapeEntries(expand.getShape());
    if (entries.size() != 5 || gType.isDynamicDim(2))
      return {};
    // Every entry but the repeat keeps g's dim: 1, or g's own size.
    for (auto [i, j] : {std::pair<int64_t, int64_t>{0, 0}, {1, 1}, {2, 2},
                        {4, 3}}) {
      const ShapeEntry &e = entries[i];
      bool keeps = (e.constant && (*e.constant == 1 ||
                                   (!gType.isDynamicDim(j) &&
                                    *e.constant == gType.getDimSize(j)))) ||
                   (e.dimOf && equal(e.dimOf, e.dim, g, j));
      if (!keeps)
        return {};
    }
    if (!entries[3].constant ||
        gType.getDimSize(2) * *entries[3].constant != heads)
      return {};
    // The merge: [b, l, groups * r, n] with b, l and n g's own.
    auto fullType = typeOf(full);
    if (fullType.isDynamicDim(2) || fullType.getDimSize(2) != heads ||
        !reshapeKeeps(reshape, 0, g, 0) || !reshapeKeeps(reshape, 1, g, 1) ||
        !reshapeKeeps(reshape, 3, g, 3))
      return {};
    matched.push_back(reshape);
    matched.push_back(expand);
    matched.push_back(unsqueeze);
    return g;
  }

  std::optional<int64_t> staticDim(Value v, int64_t dim) {
    auto t = typeOf(v);
    if (t.isDynamicDim(dim))
      return std::nullopt;
    return t.getDimSize(dim);
  }
};

/// Whether every dim of `reshaped`, a reshape of Y back to [b, l, h, p], is
/// the same size as that dim of `x` in every run: static and equal, or (for
/// a dynamic_reshape) an entry of its shape vector that reads a dim proven
/// equal to x's, as exporters write `Y.reshape(b, l, h, p)` from `X.shape`.
bool reshapedLike(Operation *root, Value x, const DimEquivalence *facts) {
  Value reshaped = root->getResult(0);
  if (typeOf(reshaped) != typeOf(x))
    return false;
  auto dynamic = dyn_cast<DynamicReshapeOp>(root);
  SmallVector<ShapeEntry> entries;
  if (dynamic)
    entries = knownShapeEntries(dynamic.getShape());
  for (int64_t i = 0; i < typeOf(x).getRank(); ++i) {
    if (!typeOf(x).isDynamicDim(i))
      continue;
    if (!dynamic)
      return false;
    if (i >= static_cast<int64_t>(entries.size()) || !entries[i].dimOf ||
        !(facts && facts->provenEqual(entries[i].dimOf, entries[i].dim, x, i)))
      return false;
  }
  return true;
}

template <typename ReshapeOpTy>
struct FuseSSDPattern : OpRewritePattern<ReshapeOpTy> {
  FuseSSDPattern(MLIRContext *ctx, const DimEquivalence *facts)
      : OpRewritePattern<ReshapeOpTy>(ctx), facts(facts) {}

  LogicalResult matchAndRewrite(ReshapeOpTy root,
                                PatternRewriter &rewriter) const override {
    // Y = reshape([transpose] (Y_diag + Y_off)) to [b, l, h, p]: a
    // model.reshape, or a dynamic_reshape to sizes read from X's shape.
    Value sum = root.getInput();
    SmallVector<int64_t> perm = {0, 1, 2, 3, 4};
    SSDMatcher m{rewriter, ContractionBuilder(facts), facts, {}, {}};
    if (auto t = sum.getDefiningOp<TransposeOp>()) {
      perm.assign(t.getPerm().begin(), t.getPerm().end());
      sum = t.getInput();
      m.matched.push_back(t);
    }
    auto add = sum.getDefiningOp<AddOp>();
    if (!add || typeOf(sum).getRank() != 5 ||
        typeOf(root.getResult()).getRank() != 4 ||
        !isa<FloatType>(typeOf(sum).getElementType()))
      return failure();
    m.matched.push_back(add);
    Contraction lhs = m.forms.build(add.getLhs()),
                rhs = m.forms.build(add.getRhs());
    // Only sums of two contractions, one of them a product of 4, are
    // candidates at all.
    if (!((lhs.factors.size() == 4 && rhs.factors.size() == 3) ||
          (lhs.factors.size() == 3 && rhs.factors.size() == 4)))
      return failure();
    if (perm.size() != 5)
      return failure();
    for (Contraction *form : {&lhs, &rhs}) {
      SmallVector<SmallVector<int>> dims;
      for (int64_t p : perm)
        dims.push_back(form->dims[p]);
      form->dims = std::move(dims);
    }
    Contraction &diag = lhs.factors.size() == 4 ? lhs : rhs;
    Contraction &off = lhs.factors.size() == 4 ? rhs : lhs;
    llvm::StringMap<Value> roles;
    if (!m.forms.matches(diag, {"C:bclhn", "B:bcshn", "L:bhcls", "X:bcshp"},
                         "bclhp", roles))
      return rewriter.notifyMatchFailure(
          root, "the 4-operand addend is not SSD's intra-chunk contraction "
                "C B^T L X (bclhn,bcshn,bhcls,bcshp->bclhp)");
    if (!m.forms.matches(off, {"C:bclhn", "S:bchpn", "D:bhcl"}, "bclhp",
                         roles))
      return rewriter.notifyMatchFailure(
          root, "the 3-operand addend is not SSD's state-to-output "
                "contraction (bclhn,bchpn,bhcl->bclhp) with the same C");
    m.matched.append(diag.ops.begin(), diag.ops.end());
    m.matched.append(off.ops.begin(), off.ops.end());

    auto reject = [&](const Twine &reason) {
      return rewriter.notifyMatchFailure(root, reason);
    };
    auto rejectWhy = [&]() { return reject(m.why); };

    // The chunked inputs and their common chunk length.
    int64_t chunk = 0, chunkA = 0, chunkB = 0, chunkC = 0;
    Value x = m.chunked(roles["X"], chunk, "X");
    Value bFull = m.chunked(roles["B"], chunkB, "B");
    Value cFull = m.chunked(roles["C"], chunkC, "C");
    if (!x || !bFull || !cFull)
      return rejectWhy();
    if (chunkB != chunk || chunkC != chunk)
      return reject("X, B and C are chunked differently");

    // L = exp(segsum(A^T)), A^T = transpose(chunked A, [0, 3, 1, 2]).
    Value at = m.segsumExp(roles["L"], "L");
    if (!at)
      return rejectWhy();
    auto transposeA = m.def<TransposeOp>(at);
    if (!transposeA ||
        transposeA.getPerm() != ArrayRef<int64_t>{0, 3, 1, 2})
      return reject("the decays are not the chunked A as [b, h, c, l]");
    Value a = m.chunked(transposeA.getInput(), chunkA, "A");
    if (!a)
      return rejectWhy();
    if (chunkA != chunk)
      return reject("A is chunked differently from X");

    // exp(cumsum(A^T, last axis)) decays the states into the outputs.
    auto expD = m.def<ExpOp>(roles["D"]);
    auto acum = expD ? m.def<CumSumOp>(expD.getInput()) : CumSumOp();
    if (!acum || acum.getInput() != at || acum.getExclusive() ||
        acum.getReverse())
      return reject("the state-to-output decay is not exp(cumsum(A))");
    std::optional<int64_t> acumAxis = constantIndex(acum.getAxis());
    if (!acumAxis || (*acumAxis != 3 && *acumAxis != -1))
      return reject("the cumulative decay sums over the wrong axis");
    Value aCum = acum.getResult();

    // S = new_states[:, :-1], new_states = einsum(decay_chunk, states).
    auto sliceS = m.def<SliceOp>(roles["S"]);
    if (!sliceS || sliceS.getAxes() != ArrayRef<int64_t>{1} ||
        sliceS.getStarts() != ArrayRef<int64_t>{0} ||
        sliceS.getSteps() != ArrayRef<int64_t>{1})
      return reject("the states read are not new_states[:, :-1]");
    Value newStates = sliceS.getInput();
    std::optional<int64_t> chunksPlusOne = m.staticDim(newStates, 1);
    if (sliceS.getEnds()[0] != -1 &&
        (!chunksPlusOne || sliceS.getEnds()[0] != *chunksPlusOne - 1))
      return reject("the states read are not new_states[:, :-1]");
    Contraction recurrence = m.forms.build(newStates);
    if (!m.forms.matches(recurrence, {"E:bhzc", "T:bchpn"}, "bzhpn", roles))
      return reject("the chunk recurrence is not bhzc,bchpn->bzhpn");
    m.matched.append(recurrence.ops.begin(), recurrence.ops.end());

    // decay_chunk = exp(segsum(pad(A_cumsum[..., -1], (1, 0)))).
    Value padded = m.segsumExp(roles["E"], "the chunk decay");
    if (!padded)
      return rejectWhy();
    auto pad = m.def<PadOp>(padded);
    DenseElementsAttr pads = pad ? constantOf(pad.getPads()) : nullptr;
    bool zeroValue = !pad || !pad.getValue() ||
                     splatFloat(pad.getValue()) == 0.0;
    if (!pad || pad.getMode() != "constant" || !zeroValue || !pads ||
        SmallVector<int64_t>(llvm::map_range(pads.getValues<APInt>(),
                                             [](APInt v) {
                                               return v.getSExtValue();
                                             })) !=
            SmallVector<int64_t>{0, 0, 1, 0, 0, 0})
      return reject("the chunk decays are not padded by one zero in front");
    auto last = m.def<GatherOp>(pad.getInput());
    std::optional<int64_t> lastIndex =
        last ? constantIndex(last.getIndices()) : std::nullopt;
    if (!last || last.getData() != aCum || last.getAxis() != 3 || !lastIndex ||
        (*lastIndex != -1 && *lastIndex != chunk - 1) ||
        typeOf(last.getIndices()).getRank() != 0)
      return reject("the chunk decays are not A_cumsum[..., -1]");

    // states = cat([initial, chunk states]).
    auto concat = m.def<ConcatOp>(roles["T"]);
    if (!concat || concat.getAxis() != 1 || concat.getInputs().size() != 2)
      return reject("the recurrence does not start from cat([initial, states])");
    Value initial = concat.getInputs()[0];
    if (auto zero = splatFloat(initial); zero && *zero == 0.0) {
      initial = {};
    } else if (auto unsqueeze = m.def<UnsqueezeOp>(initial);
               unsqueeze && unsqueeze.getAxes() == ArrayRef<int64_t>{1}) {
      initial = unsqueeze.getInput();
    } else {
      return reject("the initial state is neither zeros nor a [b, h, p, n] "
                    "tensor unsqueezed at 1");
    }
    Contraction states = m.forms.build(concat.getInputs()[1]);
    if (!m.forms.matches(states, {"B:bclhn", "W:bhcl", "X:bclhp"}, "bchpn",
                         roles))
      return reject("the chunk states are not bclhn,bhcl,bclhp->bchpn of the "
                    "same B and X");
    m.matched.append(states.ops.begin(), states.ops.end());
    // W = exp(A_cumsum[..., -1:] - A_cumsum).
    auto expW = m.def<ExpOp>(roles["W"]);
    auto sub = expW ? m.def<SubOp>(expW.getInput()) : SubOp();
    auto lastSlice = sub ? m.def<SliceOp>(sub.getLhs()) : SliceOp();
    if (!lastSlice || sub.getRhs() != aCum || lastSlice.getInput() != aCum ||
        lastSlice.getAxes() != ArrayRef<int64_t>{3} ||
        lastSlice.getSteps() != ArrayRef<int64_t>{1} ||
        (lastSlice.getStarts()[0] != -1 &&
         lastSlice.getStarts()[0] != chunk - 1) ||
        lastSlice.getEnds()[0] < chunk)
      return reject("the state decays are not exp(A_cumsum[..., -1:] - "
                    "A_cumsum)");

    // Sizes: x [b, l, h, p], a [b, l, h], b/c [b, l, h, n] or a group
    // repeat [b, l, g, h/g, n] of [b, l, g, n].
    auto xType = typeOf(x);
    if (xType.getRank() != 4 || typeOf(a).getRank() != 3)
      return reject("X or A is not [b, l, h, p] / [b, l, h]");
    if (xType.isDynamicDim(2))
      return reject("the head count is dynamic");
    int64_t heads = xType.getDimSize(2);
    int64_t groups = heads;
    auto ungroup = [&](Value full) -> Value {
      auto t = typeOf(full);
      if (t.getRank() == 4) {
        if (Value g = m.mergedGroupRepeat(full, heads))
          return g;
        return full;
      }
      auto expand = full.getDefiningOp<ExpandOp>();
      auto unsqueeze =
          expand ? expand.getInput().getDefiningOp<UnsqueezeOp>() : nullptr;
      if (t.getRank() != 5 || !unsqueeze ||
          unsqueeze.getAxes() != ArrayRef<int64_t>{3} || t.isDynamicDim(2) ||
          t.isDynamicDim(3) || t.getDimSize(2) * t.getDimSize(3) != heads)
        return {};
      Value g = unsqueeze.getInput();
      for (int64_t i : {0, 1, 2})
        if (!m.equal(g, i, full, i))
          return {};
      if (!m.equal(g, 3, full, 4))
        return {};
      m.matched.push_back(expand);
      m.matched.push_back(unsqueeze);
      return g;
    };
    Value b = ungroup(bFull), c = ungroup(cFull);
    if (!b || !c)
      return reject("B or C is neither [b, l, h, n] nor a repeat of groups");
    if (typeOf(b).getDimSize(2) != typeOf(c).getDimSize(2)) {
      // Only one side shares groups: keep the heads' copies of both.
      if (typeOf(bFull).getRank() == 4 && typeOf(cFull).getRank() == 4)
        return reject("B and C have different group counts");
      return reject("B and C repeat different group counts");
    }
    groups = typeOf(b).getDimSize(2);
    if (groups <= 0 || heads % groups != 0)
      return reject("the groups do not divide the heads");

    // The chunking reshapes must split l into [c, chunk] and keep the rest.
    bool lengthMustDivide = false;
    auto checkChunks = [&](Value full, Value chunkedValue) {
      auto in = typeOf(full), out = typeOf(chunkedValue);
      if (in.getRank() == 5 && out.getRank() == 5) {
        // The group repeat [b, l, g, h/g, n] chunked to [b, c, chunk, h, n]
        // in one reshape (canonicalization merged the two).
        if (!in.hasStaticShape() || !out.hasStaticShape())
          return false;
        return in.getDimSize(0) == out.getDimSize(0) &&
               in.getDimSize(1) == out.getDimSize(1) * out.getDimSize(2) &&
               in.getDimSize(2) * in.getDimSize(3) == out.getDimSize(3) &&
               in.getDimSize(4) == out.getDimSize(4);
      }
      if (out.getRank() != in.getRank() + 1)
        return false;
      if (!m.equal(full, 0, chunkedValue, 0))
        return false;
      for (int64_t i = 2; i < in.getRank(); ++i)
        if (!m.equal(full, i, chunkedValue, i + 1))
          return false;
      if (!in.isDynamicDim(1) && !out.isDynamicDim(1))
        return in.getDimSize(1) == out.getDimSize(1) * out.getDimSize(2);
      // A dynamic length: the chunk count is l // chunk, and the reshape
      // fails unless chunk divides l, which fused.ssd (whose last chunk
      // may be partial) is made to check too.
      auto dynamic = chunkedValue.getDefiningOp<DynamicReshapeOp>();
      if (!dynamic || !in.isDynamicDim(1) || !out.isDynamicDim(1) ||
          !m.chunkCountEntry(dynamic, 1, full, 1, chunk))
        return false;
      lengthMustDivide = true;
      return true;
    };
    if (!checkChunks(x, roles["X"]) || !checkChunks(a, transposeA.getInput()) ||
        !checkChunks(bFull, roles["B"]) || !checkChunks(cFull, roles["C"]))
      return reject("a chunking reshape does not split the sequence into "
                    "[chunks, chunk_size]");
    for (Value v : {a, b, c})
      if (!m.equal(x, 0, v, 0) || !m.equal(x, 1, v, 1))
        return reject("batch or sequence sizes are not proven equal");
    if (!m.equal(x, 2, a, 2) || !m.equal(b, 3, c, 3))
      return reject("head or state sizes are not proven equal");
    auto rootType = typeOf(root.getResult());
    if (!reshapedLike(root, x, facts))
      return reject("Y is not reshaped back to X's shape");
    if (initial) {
      auto it = typeOf(initial);
      if (it.getRank() != 4 || !m.equal(initial, 0, x, 0) ||
          !m.equal(initial, 1, x, 2) || !m.equal(initial, 2, x, 3) ||
          !m.equal(initial, 3, b, 3))
        return reject("the initial state is not [b, h, p, n]");
    }
    Type element = xType.getElementType();
    for (Value v : {a, b, c, initial})
      if (v && typeOf(v).getElementType() != element)
        return reject("the operands' element types differ");

    // The final state, when read: new_states[:, -1].
    GatherOp finalRead;
    for (Operation *user : newStates.getUsers())
      if (auto g = dyn_cast<GatherOp>(user)) {
        std::optional<int64_t> i = constantIndex(g.getIndices());
        if (g.getAxis() == 1 && i && typeOf(g.getIndices()).getRank() == 0 &&
            (*i == -1 || (chunksPlusOne && *i == *chunksPlusOne - 1)))
          finalRead = g;
      }

    Location loc = root.getLoc();
    if (lengthMustDivide) {
      // The replaced reshapes into [l // chunk, chunk] fail at run time
      // unless the chunk divides l; fused.ssd would take a partial chunk.
      Value len = tensor::DimOp::create(rewriter, loc, x, 1);
      Value rem = arith::RemUIOp::create(
          rewriter, loc, len,
          arith::ConstantIndexOp::create(rewriter, loc, chunk));
      Value ok = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::eq, rem,
          arith::ConstantIndexOp::create(rewriter, loc, 0));
      kiln::model_to_linalg::emitRuntimeCheck(rewriter, loc, ok, roles["X"].getDefiningOp(),
                             "the sequence length is not a multiple of the "
                             "chunk size " +
                                 Twine(chunk));
    }
    auto size = [&](Value v, int64_t d) {
      return tensor::getMixedSize(rewriter, loc, v, d);
    };
    Value yInit = tensor::EmptyOp::create(
        rewriter, loc,
        ArrayRef<OpFoldResult>{size(x, 0), size(x, 1), size(x, 2), size(x, 3)},
        element);
    SmallVector<OpFoldResult> stateSizes = {size(x, 0), size(x, 2),
                                            size(x, 3), size(b, 3)};
    Value stateInit =
        tensor::EmptyOp::create(rewriter, loc, stateSizes, element);
    if (yInit.getType() != rootType)
      yInit = tensor::CastOp::create(rewriter, loc, rootType, yInit);
    if (finalRead) {
      m.matched.push_back(finalRead);
      auto want = typeOf(finalRead.getResult());
      if (stateInit.getType() != want)
        stateInit = tensor::CastOp::create(rewriter, loc, want, stateInit);
    }
    m.matched.push_back(root);
    SmallVector<Location> locs;
    llvm::SmallPtrSet<Operation *, 32> seen;
    for (Operation *op : m.matched)
      if (seen.insert(op).second)
        locs.push_back(op->getLoc());
    Location fusedLoc = rewriter.getFusedLoc(locs);
    auto fused = kiln::fused::SSDOp::create(
        rewriter, fusedLoc, TypeRange{yInit.getType(), stateInit.getType()},
        x, a, b, c, /*d=*/Value(), initial, yInit, stateInit,
        rewriter.getI64IntegerAttr(chunk), rewriter.getI64IntegerAttr(groups));
    if (finalRead)
      rewriter.replaceOp(finalRead, fused.getFinalState());
    rewriter.replaceOp(root, fused.getY());
    return success();
  }

  const DimEquivalence *facts;
};

struct FuseSSDPass : kiln::impl::FuseSSDBase<FuseSSDPass> {
  using FuseSSDBase::FuseSSDBase;
  void runOnOperation() override {
    // fused.ssd checks its operands' sizes at run time, so the match may
    // rely on the sizes that the replaced einsums and reshapes check.
    DimEquivalence facts(getOperation(), /*assumeChecksPass=*/true);
    RewritePatternSet patterns(&getContext());
    kiln::populateFuseSSDPatterns(patterns, &facts);
    if (failed(kiln::applyFusionPatterns(getOperation(), std::move(patterns),
                                         "ssd", report)))
      signalPassFailure();
  }
};

} // namespace

void kiln::populateFuseSSDPatterns(RewritePatternSet &patterns,
                                   const DimEquivalence *facts) {
  patterns.add<FuseSSDPattern<ReshapeOp>, FuseSSDPattern<DynamicReshapeOp>>(
      patterns.getContext(), facts);
}
