//===- AttentionMask.cpp - What an attention mask hides -------------------===//
#include "passes/Fusion/AttentionMask.h"

#include "dialects/Model/IR/ModelOps.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace kiln::model;
using kiln::fusion::Band;
using kiln::fusion::MaskClass;
using kiln::fusion::ScoreDimFn;

namespace {

/// A value hides a key when adding it to any score makes that key's softmax
/// weight exactly 0 in f32 as long as the row keeps a visible key: -inf, or
/// what exporters use instead (finfo(float32).min, -1e9, -1e10).
bool isHidden(const APFloat &v) {
  return v.isNegative() && (v.isInfinity() || v.convertToDouble() <= -1e9);
}

std::optional<APFloat> floatSplat(Value v) {
  DenseElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) || !attr.isSplat() ||
      !isa<FloatType>(attr.getElementType()))
    return std::nullopt;
  return attr.getSplatValue<APFloat>();
}

std::optional<int64_t> intScalar(Value v) {
  DenseElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) || attr.getNumElements() != 1 ||
      !isa<IntegerType>(attr.getElementType()))
    return std::nullopt;
  return (*attr.value_begin<APInt>()).getSExtValue();
}

int64_t rankOf(Value v) { return cast<RankedTensorType>(v.getType()).getRank(); }

/// Walks one mask computation, collecting its ops.
struct MaskWalker {
  ScoreDimFn isScoreDim;
  SmallVector<Operation *> ops;

  void note(Operation *op) { ops.push_back(op); }

  /// Whether `entry` (of a shape) is the score length `which`.
  bool entryIs(const ShapeEntry &entry, int which) const {
    return entry.dimOf && isScoreDim(entry.dimOf, entry.dim, which);
  }

  /// A rank-2 [Sq, Sk] tensor of one hidden value: a splat constant, or a
  /// constant_of_shape of the score lengths.
  bool isHiddenFill(Value v, bool allowScalar) {
    if (std::optional<APFloat> splat = floatSplat(v)) {
      auto type = cast<RankedTensorType>(v.getType());
      if (!isHidden(*splat))
        return false;
      if (allowScalar && type.getNumElements() == 1)
        return true;
      return type.getRank() == 2 && isScoreDim(v, 0, 0) && isScoreDim(v, 1, 1);
    }
    auto fill = v.getDefiningOp<ConstantOfShapeOp>();
    if (!fill || rankOf(v) != 2)
      return false;
    auto value = dyn_cast<FloatAttr>(fill.getValue());
    SmallVector<ShapeEntry> entries = knownShapeEntries(fill.getShape());
    if (!value || !isHidden(value.getValue()) || entries.size() != 2 ||
        !entryIs(entries[0], 0) || !entryIs(entries[1], 1))
      return false;
    note(fill);
    return true;
  }

  /// Whether the 0-D `limit` reads the score length `which` through
  /// gather(model.shape(x), index).
  bool limitIs(Value limit, int which) {
    auto gather = limit.getDefiningOp<GatherOp>();
    if (!gather)
      return false;
    auto shape = gather.getData().getDefiningOp<ShapeOp>();
    std::optional<int64_t> index = intScalar(gather.getIndices());
    if (!shape || !index || rankOf(limit) != 0)
      return false;
    int64_t rank = rankOf(shape.getInput());
    int64_t dim = *index < 0 ? *index + rank : *index;
    if (dim < 0 || dim >= rank || !isScoreDim(shape.getInput(), dim, which))
      return false;
    note(gather);
    note(shape);
    return true;
  }

  /// An index expression c_i * i + c_j * j + c over the [Sq, Sk] frame.
  struct Affine {
    int64_t ci = 0, cj = 0, c = 0;
  };

  /// `v` as an affine index expression; a rank-1 `v` lies along frame axis
  /// `axis` (1 when it broadcasts from the right, 0 under an [n, 1]).
  std::optional<Affine> affine(Value v, int axis) {
    if (auto range = v.getDefiningOp<RangeOp>()) {
      std::optional<int64_t> start = intScalar(range.getStart()),
                             delta = intScalar(range.getDelta());
      if (!start || !delta || *start != 0 || *delta != 1 || rankOf(v) != 1 ||
          !(isScoreDim(v, 0, axis) || limitIs(range.getLimit(), axis)))
        return std::nullopt;
      note(range);
      Affine a;
      (axis == 0 ? a.ci : a.cj) = 1;
      return a;
    }
    if (isa_and_nonnull<AddOp, SubOp>(v.getDefiningOp())) {
      Operation *op = v.getDefiningOp();
      Value lhs = op->getOperand(0), rhs = op->getOperand(1);
      bool sub = isa<SubOp>(op);
      std::optional<int64_t> c = intScalar(rhs);
      Value x = lhs;
      if (!c && !sub) {
        c = intScalar(lhs);
        x = rhs;
      }
      if (!c || rankOf(x) != rankOf(v))
        return std::nullopt;
      std::optional<Affine> a = affine(x, axis);
      if (!a)
        return std::nullopt;
      a->c += sub ? -*c : *c;
      note(op);
      return a;
    }
    // [n] -> [n, 1]: the range now runs along the queries.
    Operation *def = v.getDefiningOp();
    auto type = cast<RankedTensorType>(v.getType());
    if (def && isa<UnsqueezeOp, ReshapeOp, DynamicReshapeOp>(def) &&
        type.getRank() == 2 && type.getDimSize(1) == 1 &&
        rankOf(def->getOperand(0)) == 1) {
      std::optional<Affine> a = affine(def->getOperand(0), 0);
      if (!a)
        return std::nullopt;
      note(def);
      return a;
    }
    return std::nullopt;
  }

  /// The band where the i1 `cond` (a comparison of index expressions) holds.
  std::optional<Band> comparison(Value cond) {
    Operation *op = cond.getDefiningOp();
    if (!op || !isa<LessOp, LessEqualOp, GreaterOp, GreaterEqualOp>(op))
      return std::nullopt;
    auto operandExpr = [&](Value x) -> std::optional<Affine> {
      return affine(x, rankOf(x) == 1 ? 1 : 0);
    };
    std::optional<Affine> a = operandExpr(op->getOperand(0)),
                          b = operandExpr(op->getOperand(1));
    if (!a || !b)
      return std::nullopt;
    // a - b = s * d + c with d = j - i.
    int64_t ci = a->ci - b->ci, cj = a->cj - b->cj, c = a->c - b->c;
    if (ci != -cj || (cj != 1 && cj != -1))
      return std::nullopt;
    note(op);
    // Normalize "s*d + c OP 0" to a one-sided bound on d.
    bool less = isa<LessOp, LessEqualOp>(op);
    bool strict = isa<LessOp, GreaterOp>(op);
    if (cj == -1) { // -d + c OP 0  <=>  d OP' c with the direction flipped
      less = !less;
      c = -c;
    }
    // d + c < 0: d <= -c - 1; d + c <= 0: d <= -c; > and >= likewise.
    Band band;
    if (less)
      band.hi = -c - (strict ? 1 : 0);
    else
      band.lo = -c + (strict ? 1 : 0);
    return band;
  }

  /// The visibility band of a computed rank-2 mask.
  std::optional<Band> computed(Value v) {
    if (auto trilu = v.getDefiningOp<TriluOp>()) {
      std::optional<int64_t> k = intScalar(trilu.getK());
      if (!k || !isHiddenFill(trilu.getInput(), /*allowScalar=*/false))
        return std::nullopt;
      note(trilu);
      // The kept (hidden) part is d >= k (upper) or d <= k (lower).
      Band band;
      if (trilu.getUpper())
        band.hi = *k - 1;
      else
        band.lo = *k + 1;
      return band;
    }
    if (auto where = v.getDefiningOp<WhereOp>()) {
      std::optional<APFloat> lhs = floatSplat(where.getLhs()),
                             rhs = floatSplat(where.getRhs());
      bool visibleWhenTrue;
      if (lhs && lhs->isZero() && isHiddenFill(where.getRhs(), true))
        visibleWhenTrue = true;
      else if (rhs && rhs->isZero() && isHiddenFill(where.getLhs(), true))
        visibleWhenTrue = false;
      else
        return std::nullopt;
      auto condType = cast<RankedTensorType>(where.getCondition().getType());
      if (condType.getRank() != 2)
        return std::nullopt;
      std::optional<Band> band = comparison(where.getCondition());
      if (!band)
        return std::nullopt;
      note(where);
      if (visibleWhenTrue)
        return band;
      // The complement of a one-sided band.
      Band complement;
      if (band->hi)
        complement.lo = *band->hi + 1;
      else
        complement.hi = *band->lo - 1;
      return complement;
    }
    return std::nullopt;
  }
};

/// The elements of a float constant or weight, as doubles.
std::optional<SmallVector<double>> constantValues(Value v) {
  SmallVector<double> values;
  DenseElementsAttr dense;
  if (matchPattern(v, m_Constant(&dense))) {
    if (!isa<FloatType>(dense.getElementType()))
      return std::nullopt;
    for (const APFloat &x : dense.getValues<APFloat>())
      values.push_back(x.convertToDouble());
    return values;
  }
  // Initializers import as weights whose data is a resource blob.
  if (auto weight = v.getDefiningOp<WeightOp>())
    if (auto blob = dyn_cast<DenseF32ResourceElementsAttr>(weight.getValue()))
      if (std::optional<ArrayRef<float>> data = blob.tryGetAsArrayRef()) {
        values.assign(data->begin(), data->end());
        return values;
      }
  return std::nullopt;
}

bool isHiddenValue(double v) { return v <= -1e9; }

/// The band of a constant 0/hidden mask [.., Sq, Sk] (leading dims 1), when
/// every diagonal is all visible or all hidden and the visible diagonals are
/// contiguous.
std::optional<Band> constantBand(Value mask) {
  auto type = cast<RankedTensorType>(mask.getType());
  int64_t rank = type.getRank();
  if (rank < 2 || !type.hasStaticShape() ||
      !isa<FloatType>(type.getElementType()))
    return std::nullopt;
  for (int64_t d = 0; d < rank - 2; ++d)
    if (type.getDimSize(d) != 1)
      return std::nullopt;
  int64_t sq = type.getDimSize(rank - 2), sk = type.getDimSize(rank - 1);
  if (sq < 1 || sk < 1 || sq * sk > (1 << 24))
    return std::nullopt;
  std::optional<SmallVector<double>> values = constantValues(mask);
  if (!values || static_cast<int64_t>(values->size()) != sq * sk)
    return std::nullopt;
  // Per diagonal d + sq - 1: 1 all visible, 2 all hidden, 3 mixed.
  SmallVector<int> state(sq + sk - 1, 0);
  for (int64_t index = 0; index < sq * sk; ++index) {
    int64_t i = index / sk, j = index % sk;
    double v = (*values)[index];
    int kind = v == 0.0 ? 1 : isHiddenValue(v) ? 2 : 0;
    if (kind == 0)
      return std::nullopt;
    state[j - i + sq - 1] |= kind;
  }
  int64_t first = -1, last = -1;
  for (int64_t k = 0; k < static_cast<int64_t>(state.size()); ++k) {
    if (state[k] == 3)
      return std::nullopt;
    if (state[k] == 1) {
      if (last >= 0 && last != k - 1)
        return std::nullopt; // not contiguous
      if (first < 0)
        first = k;
      last = k;
    }
  }
  if (first < 0)
    return std::nullopt;
  Band band;
  if (first > 0)
    band.lo = first - (sq - 1);
  if (last < static_cast<int64_t>(state.size()) - 1)
    band.hi = last - (sq - 1);
  return band;
}

} // namespace

MaskClass kiln::fusion::classifyMask(Value mask, ScoreDimFn isScoreDim) {
  MaskClass result;
  MaskWalker walker{isScoreDim, {}};
  // Unit dims put in front (mask[None, None]) broadcast away.
  Value core = mask;
  while (auto unsqueeze = core.getDefiningOp<UnsqueezeOp>()) {
    ArrayRef<int64_t> axes = unsqueeze.getAxes();
    bool leading = true;
    for (int64_t a : axes)
      leading &= a >= 0 && a < static_cast<int64_t>(axes.size());
    if (!leading)
      break;
    walker.note(unsqueeze);
    core = unsqueeze.getInput();
  }
  if (Operation *def = core.getDefiningOp();
      def && (isa<WeightOp>(def) || matchPattern(def, m_Constant()))) {
    int64_t rank = rankOf(core);
    if (rank >= 2 && isScoreDim(core, rank - 2, 0) &&
        isScoreDim(core, rank - 1, 1))
      if (std::optional<Band> band = constantBand(core)) {
        result.kind = MaskClass::Visibility;
        result.band = *band;
        walker.note(def);
        result.ops = std::move(walker.ops);
      }
    return result;
  }
  if (rankOf(core) == 2)
    if (std::optional<Band> band = walker.computed(core)) {
      result.kind = MaskClass::Visibility;
      result.band = *band;
      result.ops = std::move(walker.ops);
    }
  return result;
}
