//===- ModelFolds.cpp - Folders and canonicalizations of `model` ops ------===//
//
// Kept apart from the verifiers so that algebra and invariants read
// separately. Three kinds of rewrites live here:
//  - constant folding of elementwise ops and casts on small constants (the
//    shape and scale arithmetic exporters emit), computed exactly as the
//    lowering computes it at run time;
//  - shape arithmetic: model.shape of a static dim is a constant, and
//    gather/concat/slice/unsqueeze/squeeze/reshape of constants fold, so an
//    exporter's Shape -> Gather -> Unsqueeze -> Concat -> Reshape chain on
//    static dims ends as one model.reshape;
//  - chains of data movement: reshape(reshape(x)), transpose(transpose(x)),
//    squeeze(unsqueeze(x)) and identities.
// A rewrite that bypasses producers only ever loses static information in
// the ops' inference, never gains it, so the declared result types (which
// may be refinements of the inferred ones) stay valid.
//
//===----------------------------------------------------------------------===//
#include "dialects/Model/IR/ModelFoldUtils.h"
#include "dialects/Model/IR/ModelOps.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/APSInt.h"

using namespace mlir;
using namespace kiln::model;
using namespace kiln::model::fold;

DenseElementsAttr kiln::model::fold::smallConstant(Attribute attr) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(attr);
  if (!dense || dense.getNumElements() > kMaxFoldElements)
    return nullptr;
  return dense;
}

bool kiln::model::fold::isFoldableResult(Type type) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  if (!ranked || !ranked.hasStaticShape())
    return false;
  std::optional<int64_t> count = checkedProduct(ranked.getShape());
  return count && *count <= kMaxFoldElements;
}

bool kiln::model::fold::isFoldableInt(Type element) {
  auto type = dyn_cast<IntegerType>(element);
  return type && type.isSignless() && type.getWidth() <= 64;
}

/// Computing in int64 gave the value the narrow type holds exactly when it
/// fits.
bool kiln::model::fold::fitsWidth(int64_t v, unsigned width) {
  if (width >= 64)
    return true;
  int64_t limit = int64_t(1) << (width - 1);
  return v >= -limit && v < limit;
}


/// How folders read their operands' elements (broadcast, sliced or
/// permuted).
SmallVector<int64_t> kiln::model::fold::linearIndices(ArrayRef<int64_t> shape,
                                                      ArrayRef<int64_t> strides,
                                                      int64_t offset) {
  int64_t rank = shape.size();
  int64_t count = ShapedType::getNumElements(shape);
  SmallVector<int64_t> indices;
  indices.reserve(count);
  SmallVector<int64_t> position(rank, 0);
  for (int64_t k = 0; k < count; ++k) {
    int64_t linear = offset;
    for (int64_t i = 0; i < rank; ++i)
      linear += position[i] * strides[i];
    indices.push_back(linear);
    for (int64_t i = rank - 1; i >= 0; --i) {
      if (++position[i] < shape[i])
        break;
      position[i] = 0;
    }
  }
  return indices;
}

SmallVector<int64_t> kiln::model::fold::rowMajorStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = int64_t(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

/// A stretched dim (size 1, or missing on the left) has stride 0.
SmallVector<int64_t>
kiln::model::fold::broadcastIndices(ArrayRef<int64_t> shape,
                                    ArrayRef<int64_t> resultShape) {
  int64_t offset = resultShape.size() - shape.size();
  SmallVector<int64_t> strides(resultShape.size(), 0);
  for (auto [i, stride] : llvm::enumerate(rowMajorStrides(shape)))
    strides[offset + i] = shape[i] == 1 ? 0 : stride;
  return linearIndices(resultShape, strides);
}

Attribute kiln::model::fold::gatherElements(DenseElementsAttr input,
                                           ArrayRef<int64_t> indices,
                                           Type type) {
  auto all = input.getValues<Attribute>();
  SmallVector<Attribute> values;
  values.reserve(indices.size());
  for (int64_t i : indices)
    values.push_back(all[i]);
  return DenseElementsAttr::get(cast<ShapedType>(type), values);
}

namespace {

//===----------------------------------------------------------------------===//
// Elementwise constant folding
//===----------------------------------------------------------------------===//

enum class Binary {
  Add,
  Sub,
  Mul,
  Div,
  Max,
  Min,
  Equal,
  Less,
  Greater,
  LessEqual,
  GreaterEqual
};

bool isComparison(Binary kind) {
  return kind == Binary::Equal || kind == Binary::Less ||
         kind == Binary::Greater || kind == Binary::LessEqual ||
         kind == Binary::GreaterEqual;
}

/// `a op b` on int64, as arith computes it on signed integers; nullopt on
/// overflow and on what is undefined at run time (division by zero,
/// INT64_MIN / -1).
std::optional<int64_t> foldInt(Binary kind, int64_t a, int64_t b) {
  int64_t v;
  switch (kind) {
  case Binary::Add:
    return __builtin_add_overflow(a, b, &v) ? std::nullopt
                                            : std::optional<int64_t>(v);
  case Binary::Sub:
    return __builtin_sub_overflow(a, b, &v) ? std::nullopt
                                            : std::optional<int64_t>(v);
  case Binary::Mul:
    return __builtin_mul_overflow(a, b, &v) ? std::nullopt
                                            : std::optional<int64_t>(v);
  case Binary::Div:
    // arith.divsi: truncates toward zero.
    if (b == 0 || (a == std::numeric_limits<int64_t>::min() && b == -1))
      return std::nullopt;
    return a / b;
  case Binary::Max:
    return std::max(a, b);
  case Binary::Min:
    return std::min(a, b);
  case Binary::Equal:
    return a == b;
  case Binary::Less:
    return a < b;
  case Binary::Greater:
    return a > b;
  case Binary::LessEqual:
    return a <= b;
  case Binary::GreaterEqual:
    return a >= b;
  }
  return std::nullopt;
}

/// `a op b` on floats, rounded to nearest as the generated code rounds;
/// comparisons are ordered (false with a NaN) like arith.cmpf oeq/olt/ogt.
APFloat foldFloat(Binary kind, APFloat a, const APFloat &b) {
  constexpr auto rm = APFloat::rmNearestTiesToEven;
  switch (kind) {
  case Binary::Add:
    a.add(b, rm);
    return a;
  case Binary::Sub:
    a.subtract(b, rm);
    return a;
  case Binary::Mul:
    a.multiply(b, rm);
    return a;
  case Binary::Div:
    a.divide(b, rm);
    return a;
  case Binary::Max:
    // arith.maximumf / minimumf propagate NaN and order -0 < +0.
    return llvm::maximum(a, b);
  case Binary::Min:
    return llvm::minimum(a, b);
  case Binary::Equal:
  case Binary::Less:
  case Binary::Greater:
  case Binary::LessEqual:
  case Binary::GreaterEqual: {
    APFloat::cmpResult c = a.compare(b);
    bool less = c == APFloat::cmpLessThan, equal = c == APFloat::cmpEqual,
         greater = c == APFloat::cmpGreaterThan;
    bool r = kind == Binary::Equal         ? equal
             : kind == Binary::Less        ? less
             : kind == Binary::Greater     ? greater
             : kind == Binary::LessEqual   ? less || equal
                                           : greater || equal;
    return APFloat(r ? 1.0 : 0.0);
  }
  }
  return a;
}

/// Folds a broadcasting binary op of two small constants.
Attribute foldBinary(Binary kind, Attribute lhsAttr, Attribute rhsAttr,
                     Type resultType) {
  DenseElementsAttr lhs = smallConstant(lhsAttr), rhs = smallConstant(rhsAttr);
  if (!lhs || !rhs || !isFoldableResult(resultType))
    return {};
  auto type = cast<RankedTensorType>(resultType);
  Type element = lhs.getElementType();
  SmallVector<int64_t> li = broadcastIndices(lhs.getType().getShape(),
                                             type.getShape());
  SmallVector<int64_t> ri = broadcastIndices(rhs.getType().getShape(),
                                             type.getShape());
  if (isFoldableInt(element)) {
    unsigned width = element.getIntOrFloatBitWidth();
    auto l = lhs.getValues<APInt>(), r = rhs.getValues<APInt>();
    SmallVector<APInt> ints;
    SmallVector<bool> bools;
    for (auto [a, b] : llvm::zip(li, ri)) {
      std::optional<int64_t> v =
          foldInt(kind, l[a].getSExtValue(), r[b].getSExtValue());
      if (!v || (!isComparison(kind) && !fitsWidth(*v, width)))
        return {};
      if (isComparison(kind))
        bools.push_back(*v != 0);
      else
        ints.push_back(APInt(width, uint64_t(*v), /*isSigned=*/true));
    }
    if (isComparison(kind))
      return DenseElementsAttr::get(type, ArrayRef<bool>(bools));
    return DenseElementsAttr::get(type, ints);
  }
  if (!isa<FloatType>(element))
    return {};
  auto l = lhs.getValues<APFloat>(), r = rhs.getValues<APFloat>();
  SmallVector<APFloat> floats;
  SmallVector<bool> bools;
  for (auto [a, b] : llvm::zip(li, ri)) {
    APFloat v = foldFloat(kind, l[a], r[b]);
    if (isComparison(kind))
      bools.push_back(v.isNonZero());
    else
      floats.push_back(v);
  }
  if (isComparison(kind))
    return DenseElementsAttr::get(type, ArrayRef<bool>(bools));
  return DenseElementsAttr::get(type, floats);
}

/// Integer identities of shape arithmetic (x + 0, x - 0, x * 1, x / 1), only
/// where the result has x's type; float ones are not identities (-0 + 0).
Value foldIntIdentity(Binary kind, Value lhs, Attribute rhsAttr,
                      Type resultType) {
  auto rhs = dyn_cast_or_null<SplatElementsAttr>(rhsAttr);
  if (!rhs || lhs.getType() != resultType ||
      !isFoldableInt(rhs.getElementType()))
    return {};
  int64_t v = rhs.getSplatValue<APInt>().getSExtValue();
  bool identity = ((kind == Binary::Add || kind == Binary::Sub) && v == 0) ||
                  ((kind == Binary::Mul || kind == Binary::Div) && v == 1);
  return identity ? lhs : Value();
}

enum class Unary { Neg, Abs, Relu, Reciprocal, Floor, Ceil, Round, Sign };

Attribute foldUnary(Unary kind, Attribute inputAttr, Type resultType) {
  DenseElementsAttr input = smallConstant(inputAttr);
  if (!input || !isFoldableResult(resultType))
    return {};
  auto type = cast<RankedTensorType>(resultType);
  Type element = input.getElementType();
  if (isFoldableInt(element) && kind != Unary::Reciprocal) {
    unsigned width = element.getIntOrFloatBitWidth();
    SmallVector<APInt> ints;
    for (const APInt &bits : input.getValues<APInt>()) {
      int64_t x = bits.getSExtValue(), v;
      if (kind == Unary::Relu)
        v = std::max<int64_t>(x, 0);
      else if (kind == Unary::Sign)
        v = (x > 0) - (x < 0);
      else if (kind != Unary::Neg && kind != Unary::Abs)
        return {}; // float-only ops
      else if (x == std::numeric_limits<int64_t>::min())
        return {}; // -x and |x| overflow
      else
        v = kind == Unary::Neg ? -x : std::abs(x);
      if (!fitsWidth(v, width))
        return {};
      ints.push_back(APInt(width, uint64_t(v), /*isSigned=*/true));
    }
    return DenseElementsAttr::get(type, ints);
  }
  if (!isa<FloatType>(element))
    return {};
  SmallVector<APFloat> floats;
  for (APFloat x : input.getValues<APFloat>()) {
    APFloat zero = APFloat::getZero(x.getSemantics());
    switch (kind) {
    case Unary::Neg:
      x.changeSign();
      break;
    case Unary::Abs:
      x.clearSign();
      break;
    case Unary::Relu:
      x = llvm::maximum(x, zero);
      break;
    case Unary::Reciprocal: {
      APFloat one(x.getSemantics(), 1);
      one.divide(x, APFloat::rmNearestTiesToEven);
      x = one;
      break;
    }
    case Unary::Floor:
      x.roundToIntegral(APFloat::rmTowardNegative);
      break;
    case Unary::Ceil:
      x.roundToIntegral(APFloat::rmTowardPositive);
      break;
    case Unary::Round:
      x.roundToIntegral(APFloat::rmNearestTiesToEven);
      break;
    case Unary::Sign:
      // NaN and +-0 stay as they are, like the lowering's selects.
      if (!x.isNaN() && !x.isZero()) {
        bool negative = x.isNegative();
        x = APFloat(x.getSemantics(), 1);
        if (negative)
          x.changeSign();
      }
      break;
    }
    floats.push_back(x);
  }
  return DenseElementsAttr::get(type, floats);
}

} // namespace

std::optional<SmallVector<int64_t>>
kiln::model::getIntValues(DenseElementsAttr attr) {
  auto type = dyn_cast<IntegerType>(attr.getElementType());
  if (!type || type.getWidth() > 64)
    return std::nullopt;
  bool zeroExtend = type.isUnsigned() || type.getWidth() == 1;
  SmallVector<int64_t> values;
  values.reserve(attr.getNumElements());
  for (const APInt &v : attr.getValues<APInt>())
    values.push_back(zeroExtend ? int64_t(v.getZExtValue()) : v.getSExtValue());
  return values;
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

#define KILN_BINARY_FOLD(OP, KIND)                                             \
  OpFoldResult OP::fold(FoldAdaptor adaptor) {                                 \
    if (Attribute folded = foldBinary(Binary::KIND, adaptor.getLhs(),          \
                                      adaptor.getRhs(), getType()))            \
      return folded;                                                           \
    return foldIntIdentity(Binary::KIND, getLhs(), adaptor.getRhs(),           \
                           getType());                                         \
  }

KILN_BINARY_FOLD(AddOp, Add)
KILN_BINARY_FOLD(SubOp, Sub)
KILN_BINARY_FOLD(MulOp, Mul)
KILN_BINARY_FOLD(DivOp, Div)
KILN_BINARY_FOLD(MaxOp, Max)
KILN_BINARY_FOLD(MinOp, Min)
KILN_BINARY_FOLD(EqualOp, Equal)
KILN_BINARY_FOLD(LessOp, Less)
KILN_BINARY_FOLD(GreaterOp, Greater)
KILN_BINARY_FOLD(LessEqualOp, LessEqual)
KILN_BINARY_FOLD(GreaterEqualOp, GreaterEqual)
#undef KILN_BINARY_FOLD

// pow, sigmoid, tanh, erf, exp, log and sqrt do not fold: the generated code
// takes them from the math library (or a polynomial), and a constant computed
// here with other rounding would differ from what the same op computes at run
// time.
OpFoldResult PowOp::fold(FoldAdaptor) { return {}; }

#define KILN_UNARY_FOLD(OP, KIND)                                              \
  OpFoldResult OP::fold(FoldAdaptor adaptor) {                                 \
    return foldUnary(Unary::KIND, adaptor.getInput(), getType());              \
  }
KILN_UNARY_FOLD(NegOp, Neg)
KILN_UNARY_FOLD(AbsOp, Abs)
KILN_UNARY_FOLD(ReluOp, Relu)
KILN_UNARY_FOLD(ReciprocalOp, Reciprocal)
KILN_UNARY_FOLD(FloorOp, Floor)
KILN_UNARY_FOLD(CeilOp, Ceil)
KILN_UNARY_FOLD(RoundOp, Round)
KILN_UNARY_FOLD(SignOp, Sign)
#undef KILN_UNARY_FOLD

#define KILN_NO_FOLD(OP)                                                       \
  OpFoldResult OP::fold(FoldAdaptor) { return {}; }
KILN_NO_FOLD(SigmoidOp)
KILN_NO_FOLD(TanhOp)
KILN_NO_FOLD(ErfOp)
KILN_NO_FOLD(ExpOp)
KILN_NO_FOLD(LogOp)
KILN_NO_FOLD(SqrtOp)
// Logic on i1 is left to the lowering: exporters' boolean masks are rarely
// small constants.
KILN_NO_FOLD(AndOp)
KILN_NO_FOLD(OrOp)
KILN_NO_FOLD(XorOp)
#undef KILN_NO_FOLD

/// Converts one element as convertScalar in the lowering does: i1 results
/// are x != 0, i1 sources zero-extend, wider integers sign-extend and
/// narrower ones truncate, floats round to nearest, and float to integer
/// truncates toward zero. A float out of the integer's range (poison in
/// arith.fptosi) folds nothing.
static std::optional<Attribute> castElement(Attribute x, Type to) {
  if (auto i = dyn_cast<IntegerAttr>(x)) {
    APInt v = i.getValue();
    bool fromBool = v.getBitWidth() == 1;
    if (auto toInt = dyn_cast<IntegerType>(to)) {
      if (toInt.getWidth() == 1)
        return IntegerAttr::get(to, APInt(1, !v.isZero()));
      return IntegerAttr::get(to, fromBool ? v.zextOrTrunc(toInt.getWidth())
                                           : v.sextOrTrunc(toInt.getWidth()));
    }
    APFloat f(cast<FloatType>(to).getFloatSemantics());
    f.convertFromAPInt(v, /*IsSigned=*/!fromBool, APFloat::rmNearestTiesToEven);
    return FloatAttr::get(to, f);
  }
  APFloat f = cast<FloatAttr>(x).getValue();
  if (auto toInt = dyn_cast<IntegerType>(to)) {
    if (toInt.getWidth() == 1)
      return IntegerAttr::get(to, APInt(1, f.isNonZero() || f.isNaN()));
    APSInt result(toInt.getWidth(), /*isUnsigned=*/false);
    bool exact;
    if (f.convertToInteger(result, APFloat::rmTowardZero, &exact) &
        APFloat::opInvalidOp)
      return std::nullopt;
    return IntegerAttr::get(to, result);
  }
  bool losesInfo;
  f.convert(cast<FloatType>(to).getFloatSemantics(),
            APFloat::rmNearestTiesToEven, &losesInfo);
  return FloatAttr::get(to, f);
}

OpFoldResult CastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  DenseElementsAttr input = smallConstant(adaptor.getInput());
  Type from = input ? input.getElementType() : Type();
  // Casts of unsigned values would need their own conversions; the lowering
  // rejects them anyway.
  if (!input || !isFoldableResult(getType()) ||
      !(isFoldableInt(from) || isa<FloatType>(from)) ||
      !(isFoldableInt(getTo()) || isa<FloatType>(getTo())))
    return {};
  SmallVector<Attribute> values;
  for (Attribute x : input.getValues<Attribute>()) {
    std::optional<Attribute> v = castElement(x, getTo());
    if (!v)
      return {};
    values.push_back(*v);
  }
  return DenseElementsAttr::get(cast<ShapedType>(getType()), values);
}

//===----------------------------------------------------------------------===//
// Shape arithmetic
//===----------------------------------------------------------------------===//

OpFoldResult ShapeOp::fold(FoldAdaptor) {
  auto input = cast<RankedTensorType>(getInput().getType());
  if (!input.hasStaticShape())
    return {};
  return DenseElementsAttr::get(cast<ShapedType>(getType()), input.getShape());
}

/// The dims of `shape` (the result of a model.shape) at `indices`, when all
/// of them are static: what gather and slice of a partly dynamic shape fold
/// to.
static Attribute staticDimsOf(ShapeOp shape, ArrayRef<int64_t> indices,
                              Type resultType) {
  ArrayRef<int64_t> dims =
      cast<RankedTensorType>(shape.getInput().getType()).getShape();
  SmallVector<int64_t> values;
  for (int64_t i : indices) {
    if (ShapedType::isDynamic(dims[i]))
      return {};
    values.push_back(dims[i]);
  }
  if (!isFoldableResult(resultType))
    return {};
  return DenseElementsAttr::get(cast<ShapedType>(resultType),
                                ArrayRef<int64_t>(values));
}

OpFoldResult GatherOp::fold(FoldAdaptor adaptor) {
  DenseElementsAttr indicesAttr = smallConstant(adaptor.getIndices());
  std::optional<SmallVector<int64_t>> indices =
      indicesAttr ? getIntValues(indicesAttr) : std::nullopt;
  auto dataType = cast<RankedTensorType>(getData().getType());
  int64_t axis = getAxis(), dim = dataType.getDimSize(axis);
  if (!indices || ShapedType::isDynamic(dim))
    return {};
  // An index out of range is a run-time error of the gather; such a gather
  // is a frontend's bug to report, not a value to fold.
  for (int64_t &index : *indices) {
    if (index < -dim || index >= dim)
      return {};
    if (index < 0)
      index += dim;
  }
  if (auto shape = getData().getDefiningOp<ShapeOp>())
    return staticDimsOf(shape, *indices, getType());

  DenseElementsAttr data = smallConstant(adaptor.getData());
  if (!data || !isFoldableResult(getType()))
    return {};
  // result[outer, i..., inner] = data[outer, indices[i...], inner]
  ArrayRef<int64_t> shape = dataType.getShape();
  int64_t outer = ShapedType::getNumElements(shape.take_front(axis));
  int64_t inner = ShapedType::getNumElements(shape.drop_front(axis + 1));
  auto all = data.getValues<Attribute>();
  SmallVector<Attribute> values;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t index : *indices)
      for (int64_t j = 0; j < inner; ++j)
        values.push_back(all[(o * dim + index) * inner + j]);
  return DenseElementsAttr::get(cast<ShapedType>(getType()), values);
}

/// The concatenation of constants along `axis`, of `resultType`: each part
/// contributes a chunk of dim(axis) * inner elements per outer index.
static Attribute concatConstants(ArrayRef<DenseElementsAttr> parts,
                                 int64_t axis, Type resultType) {
  if (!isFoldableResult(resultType))
    return {};
  ArrayRef<int64_t> shape = cast<RankedTensorType>(resultType).getShape();
  int64_t outer = ShapedType::getNumElements(shape.take_front(axis));
  int64_t inner = ShapedType::getNumElements(shape.drop_front(axis + 1));
  SmallVector<Attribute> values;
  for (int64_t o = 0; o < outer; ++o)
    for (DenseElementsAttr part : parts) {
      int64_t chunk = part.getType().getDimSize(axis) * inner;
      auto all = part.getValues<Attribute>();
      for (int64_t j = 0; j < chunk; ++j)
        values.push_back(all[o * chunk + j]);
    }
  return DenseElementsAttr::get(cast<ShapedType>(resultType), values);
}

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  if (getInputs().size() == 1 && getInputs().front().getType() == getType())
    return getInputs().front();
  SmallVector<DenseElementsAttr> parts;
  for (Attribute input : adaptor.getInputs()) {
    DenseElementsAttr part = smallConstant(input);
    if (!part)
      return {};
    parts.push_back(part);
  }
  return concatConstants(parts, getAxis(), getType());
}

namespace {
/// Flattens nested concats along the same axis and merges adjacent constant
/// inputs: concat(a, concat(b, c), k1, k2) = concat(a, b, c, k1k2).
/// Exporters build shape vectors piecewise; one flat concat with one
/// constant per run shows every statically known entry at once (to the
/// folder and to model.dynamic_reshape's result type), whatever order the
/// pieces folded in.
struct FlattenConcat : OpRewritePattern<ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConcatOp op,
                                PatternRewriter &rewriter) const override {
    int64_t axis = op.getAxis();
    SmallVector<Value> flat;
    for (Value input : op.getInputs()) {
      auto inner = input.getDefiningOp<ConcatOp>();
      if (inner && int64_t(inner.getAxis()) == axis)
        llvm::append_range(flat, inner.getInputs());
      else
        flat.push_back(input);
    }
    SmallVector<Value> inputs;
    SmallVector<DenseElementsAttr> run;
    SmallVector<Value> runValues;
    auto endRun = [&] {
      if (run.size() > 1) {
        // The run's type: the first constant's, with the dims along `axis`
        // added up (small constants, so no overflow).
        auto type = cast<RankedTensorType>(run.front().getType());
        SmallVector<int64_t> shape(type.getShape());
        shape[axis] = 0;
        for (DenseElementsAttr part : run)
          shape[axis] += part.getType().getDimSize(axis);
        Attribute merged = concatConstants(run, axis, type.clone(shape));
        if (merged) {
          inputs.push_back(ConstantOp::create(rewriter, op.getLoc(),
                                              cast<ElementsAttr>(merged)));
          run.clear();
          runValues.clear();
          return;
        }
      }
      llvm::append_range(inputs, runValues);
      run.clear();
      runValues.clear();
    };
    for (Value input : flat) {
      DenseElementsAttr constant;
      if (matchPattern(input, m_Constant(&constant)) &&
          smallConstant(constant)) {
        run.push_back(constant);
        runValues.push_back(input);
        continue;
      }
      endRun();
      inputs.push_back(input);
    }
    endRun();
    if (llvm::equal(inputs, op.getInputs()))
      return rewriter.notifyMatchFailure(
          op, "no nested concat along the same axis and no adjacent "
              "constants");
    rewriter.replaceOpWithNewOp<ConcatOp>(op, op.getType(), inputs, axis);
    return success();
  }
};
} // namespace

void ConcatOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                           MLIRContext *context) {
  patterns.add<FlattenConcat>(context);
}

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  auto inputType = cast<RankedTensorType>(getInput().getType());
  int64_t rank = inputType.getRank();
  // Per input dim: the first index taken and the stride between indices.
  SmallVector<int64_t> offsets(rank, 0), strides(rank, 1);
  bool identity = inputType == getType();
  for (auto [axis, start, end, step] :
       llvm::zip(getAxes(), getStarts(), getEnds(), getSteps())) {
    int64_t dim = inputType.getDimSize(axis);
    if (ShapedType::isDynamic(dim)) {
      // [0, INT64_MAX) with step 1 is the whole dim whatever its size.
      identity &= start == 0 && end == std::numeric_limits<int64_t>::max() &&
                  step == 1;
      continue;
    }
    SliceRange range = clampSlice(start, end, step, dim);
    identity &= range.start == 0 && range.size == dim && step == 1;
    offsets[axis] = range.start;
    strides[axis] = step;
  }
  if (identity)
    return getInput();
  if (auto shape = getInput().getDefiningOp<ShapeOp>()) {
    // A model.shape is 1-D: the slice picks offsets[0] + k * strides[0].
    auto resultType = cast<RankedTensorType>(getType());
    if (resultType.isDynamicDim(0))
      return {};
    SmallVector<int64_t> indices;
    for (int64_t k = 0; k < resultType.getDimSize(0); ++k)
      indices.push_back(offsets[0] + k * strides[0]);
    return staticDimsOf(shape, indices, getType());
  }
  DenseElementsAttr input = smallConstant(adaptor.getInput());
  if (!input || !isFoldableResult(getType()))
    return {};
  // Input index of a result element: sum((offset + position * step) *
  // inputStride) per dim.
  SmallVector<int64_t> inputStrides = rowMajorStrides(inputType.getShape());
  SmallVector<int64_t> stridesInInput;
  int64_t base = 0;
  for (int64_t i = 0; i < rank; ++i) {
    base += offsets[i] * inputStrides[i];
    stridesInInput.push_back(strides[i] * inputStrides[i]);
  }
  return gatherElements(
      input,
      linearIndices(cast<RankedTensorType>(getType()).getShape(),
                    stridesInInput, base),
      getType());
}

//===----------------------------------------------------------------------===//
// Reshapes and permutations
//===----------------------------------------------------------------------===//

/// reshape, squeeze and unsqueeze of a constant only retype its elements.
static Attribute reshapeConstant(Attribute input, Type resultType) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(input);
  auto type = cast<RankedTensorType>(resultType);
  if (!dense || !type.hasStaticShape())
    return {};
  return dense.reshape(type);
}

/// The ops that keep the row-major element order and change only the shape.
static bool isReshapeLike(Operation *op) {
  return isa_and_nonnull<ReshapeOp, SqueezeOp, UnsqueezeOp>(op);
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (Attribute folded = reshapeConstant(adaptor.getInput(), getType()))
    return folded;
  auto resultType = cast<RankedTensorType>(getType());
  ArrayRef<int64_t> dims = resultType.getShape();
  // Identity: every dim is static and equal, copied by a 0 entry, or the one
  // dim the element count determines (-1, which needs the other dims'
  // product to be non-zero).
  if (getInput().getType() == resultType) {
    int64_t inferred = 0;
    for (auto [entry, d] : llvm::zip(getShape(), dims))
      inferred += ShapedType::isDynamic(d) && entry != 0;
    if (inferred == 0 || (inferred == 1 && !llvm::is_contained(dims, 0)))
      return getInput();
  }
  // reshape(reshape-like(x)) = reshape(x): only the element order matters,
  // which reshapes keep. The new target states the result dims, -1 for at
  // most one unknown; a static 0 would read as "copy" and is left alone.
  Operation *producer = getInput().getDefiningOp();
  if (!isReshapeLike(producer) ||
      llvm::count_if(dims, ShapedType::isDynamic) > 1 ||
      llvm::is_contained(dims, 0))
    return {};
  SmallVector<int64_t> target;
  for (int64_t d : dims)
    target.push_back(ShapedType::isDynamic(d) ? -1 : d);
  getInputMutable().assign(producer->getOperand(0));
  setShape(target);
  return getResult();
}

/// The folds squeeze and unsqueeze share: constants retype, no axes is the
/// identity, and `op(inverse(x, axes), axes)` is x. squeeze and unsqueeze
/// with the same axes cancel in either order: the axes index the tensor
/// with the unit dims in both, and squeeze removes only static 1s.
template <typename InverseOp, typename OpTy>
static OpFoldResult foldUnitDims(OpTy op, Attribute input) {
  if (Attribute folded = reshapeConstant(input, op.getType()))
    return folded;
  if (op.getAxes().empty() && op.getInput().getType() == op.getType())
    return op.getInput();
  auto inverse = op.getInput().template getDefiningOp<InverseOp>();
  if (inverse && inverse.getAxes() == op.getAxes() &&
      inverse.getInput().getType() == op.getType())
    return inverse.getInput();
  return {};
}

OpFoldResult SqueezeOp::fold(FoldAdaptor adaptor) {
  return foldUnitDims<UnsqueezeOp>(*this, adaptor.getInput());
}

OpFoldResult UnsqueezeOp::fold(FoldAdaptor adaptor) {
  return foldUnitDims<SqueezeOp>(*this, adaptor.getInput());
}

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  ArrayRef<int64_t> perm = getPerm();
  bool isIdentity = llvm::all_of(llvm::enumerate(perm), [](auto p) {
    return int64_t(p.index()) == p.value();
  });
  if (isIdentity && getInput().getType() == getType())
    return getInput();
  // transpose(transpose(x, inner), outer): result dim i is the inner
  // result's dim outer[i], which is x's dim inner[outer[i]].
  if (auto producer = getInput().getDefiningOp<TransposeOp>()) {
    ArrayRef<int64_t> inner = producer.getPerm();
    SmallVector<int64_t> composed;
    for (int64_t p : perm)
      composed.push_back(inner[p]);
    getInputMutable().assign(producer.getInput());
    setPerm(composed);
    return getResult();
  }
  DenseElementsAttr input = smallConstant(adaptor.getInput());
  if (!input || !isFoldableResult(getType()))
    return {};
  // Result dim i walks input dim perm[i].
  auto inputType = cast<RankedTensorType>(getInput().getType());
  SmallVector<int64_t> inputStrides = rowMajorStrides(inputType.getShape());
  SmallVector<int64_t> strides;
  for (int64_t p : perm)
    strides.push_back(inputStrides[p]);
  return gatherElements(
      input, linearIndices(cast<RankedTensorType>(getType()).getShape(), strides),
      getType());
}

/// The elements of the shape vector `piece`, when each is a constant or a
/// dim read by model.shape (nullopt otherwise).
static std::optional<SmallVector<ShapeEntry>> shapeEntries(Value piece) {
  // Reshapes keep the element order (exporters unsqueeze gathered scalars).
  while (isReshapeLike(piece.getDefiningOp()))
    piece = piece.getDefiningOp()->getOperand(0);
  SmallVector<ShapeEntry> entries;
  DenseElementsAttr constant;
  if (matchPattern(piece, m_Constant(&constant))) {
    std::optional<SmallVector<int64_t>> values = getIntValues(constant);
    if (!values)
      return std::nullopt;
    for (int64_t v : *values)
      entries.push_back({v, {}, 0});
    return entries;
  }
  // The dims of `shape` at `indices` (each in range, or nullopt).
  auto dimsAt = [&](ShapeOp shape, ArrayRef<int64_t> indices)
      -> std::optional<SmallVector<ShapeEntry>> {
    int64_t rank = cast<RankedTensorType>(shape.getInput().getType()).getRank();
    for (int64_t i : indices) {
      if (i < -rank || i >= rank)
        return std::nullopt;
      entries.push_back({std::nullopt, shape.getInput(), i < 0 ? i + rank : i});
    }
    return entries;
  };
  if (auto shape = piece.getDefiningOp<ShapeOp>()) {
    int64_t rank = cast<RankedTensorType>(shape.getInput().getType()).getRank();
    return dimsAt(shape, llvm::to_vector(llvm::seq<int64_t>(0, rank)));
  }
  if (auto gather = piece.getDefiningOp<GatherOp>()) {
    auto shape = gather.getData().getDefiningOp<ShapeOp>();
    DenseElementsAttr indices;
    if (!shape || !matchPattern(gather.getIndices(), m_Constant(&indices)))
      return std::nullopt;
    std::optional<SmallVector<int64_t>> values = getIntValues(indices);
    if (!values)
      return std::nullopt;
    return dimsAt(shape, *values);
  }
  if (auto slice = piece.getDefiningOp<SliceOp>()) {
    auto shape = slice.getInput().getDefiningOp<ShapeOp>();
    if (!shape)
      return std::nullopt;
    int64_t rank = cast<RankedTensorType>(shape.getInput().getType()).getRank();
    // A model.shape is 1-D, so the slice has one axis (or none).
    SliceRange range{0, rank};
    int64_t step = 1;
    if (!slice.getAxes().empty()) {
      step = slice.getSteps()[0];
      range = clampSlice(slice.getStarts()[0], slice.getEnds()[0], step, rank);
    }
    SmallVector<int64_t> indices;
    for (int64_t k = 0; k < range.size; ++k)
      indices.push_back(range.start + k * step);
    return dimsAt(shape, indices);
  }
  return std::nullopt;
}

SmallVector<ShapeEntry> kiln::model::knownShapeEntries(Value shape) {
  auto shapeType = dyn_cast<RankedTensorType>(shape.getType());
  if (!shapeType || shapeType.getRank() != 1 || shapeType.isDynamicDim(0))
    return {};
  SmallVector<Value> pieces = {shape};
  if (auto concat = shape.getDefiningOp<ConcatOp>())
    pieces = llvm::to_vector(concat.getInputs());
  SmallVector<ShapeEntry> known;
  for (Value piece : pieces) {
    std::optional<SmallVector<ShapeEntry>> entries = shapeEntries(piece);
    if (!entries) {
      auto type = cast<RankedTensorType>(piece.getType());
      if (!type.hasStaticShape())
        break; // the positions of later entries are unknown
      known.append(type.getNumElements(), ShapeEntry{});
      continue;
    }
    llvm::append_range(known, *entries);
  }
  known.resize(shapeType.getDimSize(0));
  return known;
}

SmallVector<std::optional<int64_t>>
kiln::model::knownReshapeTarget(Value input, Value shape, SameDimFn sameDim) {
  SmallVector<std::optional<int64_t>> target;
  for (auto [position, entry] : llvm::enumerate(knownShapeEntries(shape))) {
    if (entry.constant)
      target.push_back(*entry.constant);
    else if ((entry.dimOf == input && entry.dim == int64_t(position)) ||
             (sameDim && entry.dimOf &&
              sameDim(entry.dimOf, entry.dim, input, position)))
      target.push_back(0);
    else
      target.push_back(std::nullopt);
  }
  return target;
}

LogicalResult kiln::model::rewriteKnownDynamicReshape(RewriterBase &rewriter,
                                                      DynamicReshapeOp op,
                                                      SameDimFn sameDim) {
  // model.reshape reads a 0 as "copy the dim"; with allowzero a constant 0
  // is a size-0 dim, which it cannot state.
  if (op.getAllowzero() &&
      llvm::any_of(knownShapeEntries(op.getShape()), [](const ShapeEntry &e) {
        return e.constant && *e.constant == 0;
      }))
    return rewriter.notifyMatchFailure(
        op, "allowzero with a 0 entry has no model.reshape form");
  SmallVector<int64_t> target;
  for (std::optional<int64_t> entry :
       knownReshapeTarget(op.getInput(), op.getShape(), sameDim)) {
    if (!entry)
      return rewriter.notifyMatchFailure(
          op, "an entry of the shape is only known at run time");
    target.push_back(*entry);
  }
  auto inputType = cast<RankedTensorType>(op.getInput().getType());
  auto resultType = cast<RankedTensorType>(op.getType());
  FailureOr<SmallVector<int64_t>> inferred =
      inferReshapeShape(std::nullopt, inputType.getShape(), target);
  if (failed(inferred))
    return rewriter.notifyMatchFailure(op, "the constant shape is invalid "
                                           "for the input");
  for (auto [i, d] : llvm::zip(*inferred, resultType.getShape()))
    if (!ShapedType::isDynamic(i) && i != d)
      return rewriter.notifyMatchFailure(
          op, "model.reshape would infer a more static result type");
  rewriter.replaceOpWithNewOp<ReshapeOp>(op, resultType, op.getInput(),
                                         target);
  return success();
}

namespace {
/// model.dynamic_reshape(x, shape) = model.reshape(x) once every entry of
/// the shape is known statically: folded to a constant, or x's own dim at
/// the same index (a 0 entry). The declared result type is kept, so the
/// rewrite applies only where it is a valid result of the static reshape (a
/// refinement of what that infers).
struct StaticDynamicReshape : OpRewritePattern<DynamicReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DynamicReshapeOp op,
                                PatternRewriter &rewriter) const override {
    return rewriteKnownDynamicReshape(rewriter, op);
  }
};
} // namespace

void DynamicReshapeOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                                   MLIRContext *context) {
  patterns.add<StaticDynamicReshape>(context);
}

//===----------------------------------------------------------------------===//
// Selection
//===----------------------------------------------------------------------===//

/// A constant condition that is all true or all false picks one side whole
/// when that side already has the result's type. Exporters write
/// `Where(Equal(shape, -1), 1, shape)` around constant Expand shapes (torch's
/// expand), which must fold for the Expand to know its sizes.
OpFoldResult WhereOp::fold(FoldAdaptor adaptor) {
  auto condition = dyn_cast_if_present<DenseElementsAttr>(adaptor.getCondition());
  if (!condition || !condition.isSplat())
    return {};
  bool pickLhs = condition.getSplatValue<bool>();
  Value picked = pickLhs ? getLhs() : getRhs();
  if (picked.getType() != getType())
    return {};
  if (Attribute constant = pickLhs ? adaptor.getLhs() : adaptor.getRhs())
    return constant;
  return picked;
}
