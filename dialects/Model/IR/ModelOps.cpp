//===- ModelOps.cpp - Verifiers and type inference of `model` ops ---------===//
#include "dialects/Model/IR/ModelOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallSet.h"

using namespace mlir;
using namespace kiln::model;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

LogicalResult kiln::model::broadcastShapes(ArrayRef<int64_t> lhs,
                                           ArrayRef<int64_t> rhs,
                                           SmallVectorImpl<int64_t> &result) {
  size_t rank = std::max(lhs.size(), rhs.size());
  result.assign(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t l = i < lhs.size() ? lhs[lhs.size() - 1 - i] : 1;
    int64_t r = i < rhs.size() ? rhs[rhs.size() - 1 - i] : 1;
    int64_t &out = result[rank - 1 - i];
    if (l == 1)
      out = r;
    else if (r == 1)
      out = l;
    else if (ShapedType::isDynamic(l))
      out = r;
    else if (ShapedType::isDynamic(r) || l == r)
      out = l;
    else
      return failure();
  }
  return success();
}

std::string kiln::model::formatShape(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (i)
      s += ", ";
    s += ShapedType::isDynamic(d) ? "?" : std::to_string(d);
  }
  return s + "]";
}

std::optional<int64_t> kiln::model::checkedProduct(ArrayRef<int64_t> dims) {
  int64_t product = 1;
  for (int64_t d : dims)
    if (d < 0 || __builtin_mul_overflow(product, d, &product))
      return std::nullopt;
  return product;
}

SliceRange kiln::model::clampSlice(int64_t start, int64_t end, int64_t step,
                                   int64_t dim) {
  // v + dim cannot overflow for a negative v and dim >= 0.
  auto clampIndex = [&](int64_t v) {
    return std::clamp<int64_t>(v < 0 ? v + dim : v, 0, dim);
  };
  int64_t s = clampIndex(start), e = clampIndex(end);
  // ceil((e - s) / step) written so that a huge step cannot overflow.
  return {s, e > s ? (e - s - 1) / step + 1 : 0};
}

SmallVector<int64_t> kiln::model::unsqueezeShape(ArrayRef<int64_t> input,
                                                 ArrayRef<int64_t> axes) {
  SmallVector<int64_t> shape;
  int64_t rank = input.size() + axes.size();
  for (int64_t i = 0; i < rank; ++i) {
    if (llvm::is_contained(axes, i)) {
      shape.push_back(1);
    } else {
      shape.push_back(input.front());
      input = input.drop_front();
    }
  }
  return shape;
}

FailureOr<SmallVector<int64_t>>
kiln::model::inferReshapeShape(std::optional<Location> loc,
                               ArrayRef<int64_t> input,
                               ArrayRef<int64_t> target) {
  SmallVector<int64_t> shape;
  int64_t inferredAt = -1, known = 1;
  bool knownIsExact = true;
  for (auto [i, entry] : llvm::enumerate(target)) {
    int64_t d = entry;
    if (d == -1) {
      if (inferredAt >= 0)
        return emitOptionalError(loc, "shape has more than one -1");
      inferredAt = i;
      shape.push_back(ShapedType::kDynamic);
      continue;
    }
    if (d < -1)
      return emitOptionalError(loc, "shape entry ", d, " is invalid");
    if (d == 0) {
      if (i >= input.size())
        return emitOptionalError(loc, "shape entry 0 at index ", i,
                                 " copies a dim the rank-", input.size(),
                                 " input lacks");
      d = input[i];
    }
    shape.push_back(d);
    if (ShapedType::isDynamic(d))
      knownIsExact = false;
    else if (__builtin_mul_overflow(known, d, &known))
      return emitOptionalError(loc, "the element count of shape ",
                               formatShape(target), " overflows int64");
  }
  if (llvm::none_of(input, ShapedType::isDynamic)) {
    std::optional<int64_t> total = checkedProduct(input);
    if (!total)
      return emitOptionalError(loc, "the element count of input shape ",
                               formatShape(input), " overflows int64");
    if (inferredAt >= 0 && knownIsExact) {
      if (known == 0 || *total % known != 0)
        return emitOptionalError(loc, "cannot reshape ", formatShape(input),
                                 " to ", formatShape(target));
      shape[inferredAt] = *total / known;
    } else if (inferredAt < 0 && knownIsExact && known != *total) {
      return emitOptionalError(loc, "cannot reshape ", formatShape(input),
                               " (", *total, " elements) to ",
                               formatShape(shape), " (", known, " elements)");
    }
  }
  return shape;
}

static RankedTensorType rankedType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

bool kiln::model::isRefinementOf(TypeRange inferred, TypeRange declared) {
  if (inferred.size() != declared.size())
    return false;
  for (auto [i, d] : llvm::zip(inferred, declared)) {
    auto it = dyn_cast<RankedTensorType>(i);
    auto dt = dyn_cast<RankedTensorType>(d);
    if (!it || !dt || it.getElementType() != dt.getElementType() ||
        it.getRank() != dt.getRank())
      return false;
    for (auto [a, b] : llvm::zip(it.getShape(), dt.getShape()))
      if (!ShapedType::isDynamic(a) && a != b)
        return false;
  }
  return true;
}

#define KILN_REFINABLE(OP)                                                     \
  bool OP::isCompatibleReturnTypes(TypeRange l, TypeRange r) {                 \
    return isRefinementOf(l, r);                                               \
  }

LogicalResult kiln::model::checkAxes(std::optional<Location> loc,
                                     ArrayRef<int64_t> axes, int64_t rank,
                                     StringRef what) {
  llvm::SmallSet<int64_t, 8> seen;
  for (int64_t a : axes) {
    if (a < 0 || a >= rank)
      return emitOptionalError(loc, what, " axis ", a, " is out of range [0, ",
                               rank, ")");
    if (!seen.insert(a).second)
      return emitOptionalError(loc, what, " axis ", a, " is repeated");
  }
  return success();
}

static bool isFloatTensor(Type t) {
  return isa<FloatType>(cast<ShapedType>(t).getElementType());
}

//===----------------------------------------------------------------------===//
// Constants and weights
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &types) {
  auto type = dyn_cast<RankedTensorType>(adaptor.getValue().getType());
  if (!type)
    return emitOptionalError(loc, "constant value must be a ranked tensor");
  types.push_back(type);
  return success();
}

LogicalResult WeightOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  auto type = dyn_cast<RankedTensorType>(adaptor.getValue().getType());
  if (!type)
    return emitOptionalError(loc, "weight value must be a ranked tensor");
  types.push_back(type);
  return success();
}

LogicalResult WeightOp::verify() {
  if (getName().empty())
    return emitOpError("weight name must not be empty");
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

namespace {
/// The element types a binary elementwise op is defined on.
enum class BinaryOperands { Numeric, Float, Bool };
} // namespace

/// Shared inference of the binary elementwise ops: same element type,
/// broadcast shapes; comparisons produce i1.
static LogicalResult inferBinary(std::optional<Location> loc, Value lhs,
                                 Value rhs, bool isComparison,
                                 BinaryOperands operands,
                                 SmallVectorImpl<Type> &types) {
  RankedTensorType l = rankedType(lhs), r = rankedType(rhs);
  Type element = l.getElementType();
  if (element != r.getElementType())
    return emitOptionalError(loc, "operand element types differ: ", element,
                             " vs ", r.getElementType());
  if (operands == BinaryOperands::Float && !isa<FloatType>(element))
    return emitOptionalError(loc, "operands must be floating point, got ",
                             element);
  if (operands == BinaryOperands::Bool && !element.isInteger(1))
    return emitOptionalError(loc, "operands must be i1, got ", element);
  SmallVector<int64_t> shape;
  if (failed(broadcastShapes(l.getShape(), r.getShape(), shape)))
    return emitOptionalError(loc, "shapes ", formatShape(l.getShape()),
                             " and ", formatShape(r.getShape()),
                             " do not broadcast");
  Type resultElement =
      isComparison ? IntegerType::get(l.getContext(), 1) : element;
  types.push_back(RankedTensorType::get(shape, resultElement));
  return success();
}

#define KILN_BINARY(OP, CMP, OPERANDS)                                         \
  LogicalResult OP::inferReturnTypes(MLIRContext *,                            \
                                     std::optional<Location> loc,              \
                                     Adaptor adaptor,                          \
                                     SmallVectorImpl<Type> &types) {           \
    return inferBinary(loc, adaptor.getLhs(), adaptor.getRhs(), CMP,           \
                       BinaryOperands::OPERANDS, types);                       \
  }                                                                            \
  KILN_REFINABLE(OP)

KILN_BINARY(AddOp, false, Numeric)
KILN_BINARY(SubOp, false, Numeric)
KILN_BINARY(MulOp, false, Numeric)
KILN_BINARY(DivOp, false, Numeric)
KILN_BINARY(PowOp, false, Float)
KILN_BINARY(MaxOp, false, Numeric)
KILN_BINARY(MinOp, false, Numeric)
KILN_BINARY(ModOp, false, Numeric)
KILN_BINARY(BitShiftOp, false, Numeric)
KILN_BINARY(EqualOp, true, Numeric)
KILN_BINARY(LessOp, true, Numeric)
KILN_BINARY(GreaterOp, true, Numeric)
KILN_BINARY(LessEqualOp, true, Numeric)
KILN_BINARY(GreaterEqualOp, true, Numeric)
KILN_BINARY(AndOp, false, Bool)
KILN_BINARY(OrOp, false, Bool)
KILN_BINARY(XorOp, false, Bool)
#undef KILN_BINARY

LogicalResult BitShiftOp::verify() {
  Type element = getLhs().getType().getElementType();
  if (!isa<IntegerType>(element) || element.isInteger(1))
    return emitOpError("requires integer operands, got ") << element;
  return success();
}

LogicalResult ModOp::verify() {
  Type element = getLhs().getType().getElementType();
  if (isa<FloatType>(element) && !getFmod())
    return emitOpError("on floats requires `fmod` (the remainder with the "
                       "dividend's sign)");
  if (element.isInteger(1))
    return emitOpError("is not defined on i1 tensors");
  if (getAsUnsigned() && !element.isSignlessInteger())
    return emitOpError("`as_unsigned` requires signless integer operands, got ")
           << element;
  return success();
}

/// Unary ops: the result has the operand's type; `requireFloat` ops are only
/// defined on floats, the others on any numeric type but i1.
#define KILN_UNARY(OP, REQUIRE_FLOAT)                                          \
  LogicalResult OP::inferReturnTypes(MLIRContext *,                            \
                                     std::optional<Location>,                  \
                                     Adaptor adaptor,                          \
                                     SmallVectorImpl<Type> &types) {           \
    types.push_back(adaptor.getInput().getType());                             \
    return success();                                                          \
  }                                                                            \
  KILN_REFINABLE(OP)                                                           \
  LogicalResult OP::verify() {                                                 \
    Type element = getInput().getType().getElementType();                      \
    if (REQUIRE_FLOAT && !isa<FloatType>(element))                             \
      return emitOpError("requires a floating-point tensor, got ") << element; \
    if (element.isInteger(1))                                                  \
      return emitOpError("is not defined on i1 tensors");                      \
    return success();                                                          \
  }

KILN_UNARY(ReluOp, false)
KILN_UNARY(NegOp, false)
KILN_UNARY(AbsOp, false)
KILN_UNARY(SigmoidOp, true)
KILN_UNARY(TanhOp, true)
KILN_UNARY(ErfOp, true)
KILN_UNARY(ExpOp, true)
KILN_UNARY(LogOp, true)
KILN_UNARY(SqrtOp, true)
KILN_UNARY(ReciprocalOp, true)
KILN_UNARY(SinOp, true)
KILN_UNARY(CosOp, true)
KILN_UNARY(TanOp, true)
KILN_UNARY(AsinOp, true)
KILN_UNARY(AcosOp, true)
KILN_UNARY(AtanOp, true)
KILN_UNARY(SinhOp, true)
KILN_UNARY(CoshOp, true)
KILN_UNARY(AsinhOp, true)
KILN_UNARY(AcoshOp, true)
KILN_UNARY(AtanhOp, true)
KILN_UNARY(SoftplusOp, true)
KILN_UNARY(FloorOp, true)
KILN_UNARY(CeilOp, true)
KILN_UNARY(RoundOp, true)
KILN_UNARY(SignOp, false)
#undef KILN_UNARY

LogicalResult NotOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &types) {
  types.push_back(adaptor.getInput().getType());
  return success();
}
KILN_REFINABLE(NotOp)

LogicalResult NotOp::verify() {
  if (!getInput().getType().getElementType().isInteger(1))
    return emitOpError("requires an i1 tensor, got ")
           << getInput().getType().getElementType();
  return success();
}

/// The float tests: i1 results of a float tensor's shape.
#define KILN_FLOAT_TEST(OP)                                                    \
  LogicalResult OP::inferReturnTypes(MLIRContext *context,                     \
                                     std::optional<Location>,                  \
                                     Adaptor adaptor,                          \
                                     SmallVectorImpl<Type> &types) {           \
    types.push_back(rankedType(adaptor.getInput())                             \
                        .clone(IntegerType::get(context, 1)));                 \
    return success();                                                          \
  }                                                                            \
  KILN_REFINABLE(OP)                                                           \
  LogicalResult OP::verify() {                                                 \
    if (!isFloatTensor(getInput().getType()))                                  \
      return emitOpError("requires a floating-point tensor, got ")             \
             << getInput().getType().getElementType();                         \
    return success();                                                          \
  }
KILN_FLOAT_TEST(IsNaNOp)
KILN_FLOAT_TEST(IsInfOp)
#undef KILN_FLOAT_TEST

LogicalResult CastOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &types) {
  types.push_back(rankedType(adaptor.getInput()).clone(adaptor.getTo()));
  return success();
}
KILN_REFINABLE(CastOp)

LogicalResult CastOp::verify() {
  Type to = getTo();
  if (!isa<FloatType>(to) && !isa<IntegerType>(to))
    return emitOpError("can only cast to integer or float types, got ") << to;
  return success();
}

LogicalResult WhereOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  RankedTensorType cond = rankedType(adaptor.getCondition());
  if (!cond.getElementType().isInteger(1))
    return emitOptionalError(loc, "condition must be an i1 tensor, got ",
                             cond.getElementType());
  SmallVector<Type> values;
  if (failed(inferBinary(loc, adaptor.getLhs(), adaptor.getRhs(), false,
                         BinaryOperands::Numeric, values)))
    return failure();
  auto valueType = cast<RankedTensorType>(values.front());
  SmallVector<int64_t> shape;
  if (failed(broadcastShapes(cond.getShape(), valueType.getShape(), shape)))
    return emitOptionalError(loc, "condition shape ",
                             formatShape(cond.getShape()),
                             " does not broadcast with ",
                             formatShape(valueType.getShape()));
  types.push_back(valueType.clone(shape));
  return success();
}
KILN_REFINABLE(WhereOp)

//===----------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------===//

/// Two contracted dims must agree unless one is unknown.
static bool dimsAgree(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  RankedTensorType l = rankedType(adaptor.getLhs());
  RankedTensorType r = rankedType(adaptor.getRhs());
  if (l.getRank() < 2 || r.getRank() < 2)
    return emitOptionalError(loc, "operands must have rank >= 2, got ranks ",
                             l.getRank(), " and ", r.getRank());
  if (l.getElementType() != r.getElementType())
    return emitOptionalError(loc, "operand element types differ: ",
                             l.getElementType(), " vs ", r.getElementType());
  ArrayRef<int64_t> ls = l.getShape(), rs = r.getShape();
  int64_t k1 = ls[ls.size() - 1], k2 = rs[rs.size() - 2];
  if (!dimsAgree(k1, k2))
    return emitOptionalError(loc, "contracted dims differ: ", formatShape(ls),
                             " x ", formatShape(rs));
  SmallVector<int64_t> shape;
  if (failed(broadcastShapes(ls.drop_back(2), rs.drop_back(2), shape)))
    return emitOptionalError(loc, "batch dims of ", formatShape(ls), " and ",
                             formatShape(rs), " do not broadcast");
  shape.push_back(ls[ls.size() - 2]);
  shape.push_back(rs[rs.size() - 1]);
  types.push_back(l.clone(shape));
  return success();
}
KILN_REFINABLE(MatMulOp)

LogicalResult GemmOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &types) {
  RankedTensorType a = rankedType(adaptor.getA());
  RankedTensorType b = rankedType(adaptor.getB());
  if (a.getRank() != 2 || b.getRank() != 2)
    return emitOptionalError(loc, "A and B must be matrices, got ranks ",
                             a.getRank(), " and ", b.getRank());
  if (a.getElementType() != b.getElementType() ||
      !isa<FloatType>(a.getElementType()))
    return emitOptionalError(loc,
                             "A and B must share a floating-point element type");
  int64_t m = a.getDimSize(adaptor.getTransA() ? 1 : 0);
  int64_t k1 = a.getDimSize(adaptor.getTransA() ? 0 : 1);
  int64_t k2 = b.getDimSize(adaptor.getTransB() ? 1 : 0);
  int64_t n = b.getDimSize(adaptor.getTransB() ? 0 : 1);
  if (!dimsAgree(k1, k2))
    return emitOptionalError(loc, "contracted dims differ: ", k1, " vs ", k2);
  SmallVector<int64_t> shape = {m, n};
  if (Value c = adaptor.getC()) {
    RankedTensorType ct = rankedType(c);
    SmallVector<int64_t> merged;
    if (ct.getElementType() != a.getElementType() || ct.getRank() > 2 ||
        failed(broadcastShapes(shape, ct.getShape(), merged)) ||
        merged.size() != 2 || !dimsAgree(merged[0], m) ||
        !dimsAgree(merged[1], n))
      return emitOptionalError(loc, "C of shape ", formatShape(ct.getShape()),
                               " does not broadcast to [M, N] = ",
                               formatShape(shape));
    // C may know a dim that A and B left dynamic.
    shape = merged;
  }
  types.push_back(a.clone(shape));
  return success();
}
KILN_REFINABLE(GemmOp)

//===----------------------------------------------------------------------===//
// Normalization and reductions
//===----------------------------------------------------------------------===//

LogicalResult SoftmaxOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location>,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  types.push_back(adaptor.getInput().getType());
  return success();
}
KILN_REFINABLE(SoftmaxOp)

LogicalResult SoftmaxOp::verify() {
  auto type = getInput().getType();
  if (!isFloatTensor(type))
    return emitOpError("requires a floating-point tensor");
  int64_t rank = cast<RankedTensorType>(type).getRank();
  auto axis = static_cast<int64_t>(getAxis());
  if (axis < 0 || axis >= rank)
    return emitOpError("axis ") << axis << " is out of range [0, " << rank
                                << ")";
  return success();
}

// The reductions are in ModelReductionOps.cpp.

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  RankedTensorType type = rankedType(adaptor.getInput());
  ArrayRef<int64_t> perm = adaptor.getPerm();
  if ((int64_t)perm.size() != type.getRank())
    return emitOptionalError(loc, "perm has ", perm.size(),
                             " entries for a rank-", type.getRank(), " input");
  if (failed(checkAxes(loc, perm, type.getRank(), "perm")))
    return failure();
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(type.getDimSize(p));
  types.push_back(type.clone(shape));
  return success();
}
KILN_REFINABLE(TransposeOp)

LogicalResult ReshapeOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  RankedTensorType type = rankedType(adaptor.getInput());
  FailureOr<SmallVector<int64_t>> shape =
      inferReshapeShape(loc, type.getShape(), adaptor.getShape());
  if (failed(shape))
    return failure();
  types.push_back(type.clone(*shape));
  return success();
}
KILN_REFINABLE(ReshapeOp)

LogicalResult ShapeOp::inferReturnTypes(MLIRContext *context,
                                        std::optional<Location>,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  int64_t rank = rankedType(adaptor.getInput()).getRank();
  types.push_back(RankedTensorType::get({rank}, IntegerType::get(context, 64)));
  return success();
}
KILN_REFINABLE(ShapeOp)

LogicalResult DynamicReshapeOp::verify() {
  auto input = cast<RankedTensorType>(getInput().getType());
  auto shape = cast<RankedTensorType>(getShape().getType());
  auto result = cast<RankedTensorType>(getType());
  if (shape.getRank() != 1 || !shape.getElementType().isInteger(64) ||
      shape.isDynamicDim(0))
    return emitOpError("shape must be a 1-D i64 tensor of static length, got ")
           << shape;
  if (result.getRank() != shape.getDimSize(0))
    return emitOpError("result rank ")
           << result.getRank() << " differs from the shape length "
           << shape.getDimSize(0);
  if (result.getElementType() != input.getElementType())
    return emitOpError("result element type ")
           << result.getElementType() << " differs from the input's "
           << input.getElementType();
  std::optional<int64_t> inCount = checkedProduct(input.getShape());
  std::optional<int64_t> outCount = checkedProduct(result.getShape());
  if (input.hasStaticShape() && result.hasStaticShape() &&
      (!inCount || !outCount || *inCount != *outCount))
    return emitOpError("cannot reshape ")
           << formatShape(input.getShape()) << " to "
           << formatShape(result.getShape());
  return success();
}

LogicalResult UnsqueezeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  RankedTensorType type = rankedType(adaptor.getInput());
  int64_t rank = type.getRank() + adaptor.getAxes().size();
  if (failed(checkAxes(loc, adaptor.getAxes(), rank, "unsqueeze")))
    return failure();
  types.push_back(type.clone(unsqueezeShape(type.getShape(), adaptor.getAxes())));
  return success();
}
KILN_REFINABLE(UnsqueezeOp)

LogicalResult SqueezeOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  RankedTensorType type = rankedType(adaptor.getInput());
  if (failed(checkAxes(loc, adaptor.getAxes(), type.getRank(), "squeeze")))
    return failure();
  SmallVector<int64_t> shape;
  for (auto [i, d] : llvm::enumerate(type.getShape())) {
    if (!llvm::is_contained(adaptor.getAxes(), (int64_t)i)) {
      shape.push_back(d);
      continue;
    }
    if (d != 1)
      return emitOptionalError(loc, "squeezed dim ", i, " must be 1, got ",
                               ShapedType::isDynamic(d) ? std::string("?")
                                                        : std::to_string(d));
  }
  types.push_back(type.clone(shape));
  return success();
}
KILN_REFINABLE(SqueezeOp)

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  if (adaptor.getInputs().empty())
    return emitOptionalError(loc, "needs at least one input");
  RankedTensorType first = rankedType(adaptor.getInputs().front());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= first.getRank())
    return emitOptionalError(loc, "axis ", axis, " is out of range [0, ",
                             first.getRank(), ")");
  SmallVector<int64_t> shape(first.getShape());
  for (Value input : adaptor.getInputs().drop_front()) {
    RankedTensorType t = rankedType(input);
    if (t.getRank() != first.getRank() ||
        t.getElementType() != first.getElementType())
      return emitOptionalError(loc, "inputs differ in rank or element type");
    for (int64_t i = 0; i < t.getRank(); ++i) {
      int64_t d = t.getDimSize(i);
      if (i == axis) {
        if (ShapedType::isDynamic(shape[i]) || ShapedType::isDynamic(d))
          shape[i] = ShapedType::kDynamic;
        else if (__builtin_add_overflow(shape[i], d, &shape[i]))
          return emitOptionalError(loc, "the concatenated dim ", i,
                                   " overflows int64");
      } else if (!dimsAgree(shape[i], d)) {
        return emitOptionalError(loc, "inputs differ in dim ", i, ": ",
                                 shape[i], " vs ", d);
      } else if (ShapedType::isDynamic(shape[i])) {
        shape[i] = d;
      }
    }
  }
  types.push_back(first.clone(shape));
  return success();
}
KILN_REFINABLE(ConcatOp)

LogicalResult SliceOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  RankedTensorType type = rankedType(adaptor.getInput());
  ArrayRef<int64_t> starts = adaptor.getStarts(), ends = adaptor.getEnds(),
                    axes = adaptor.getAxes(), steps = adaptor.getSteps();
  if (starts.size() != axes.size() || ends.size() != axes.size() ||
      steps.size() != axes.size())
    return emitOptionalError(loc,
                             "starts, ends, axes and steps differ in length");
  if (failed(checkAxes(loc, axes, type.getRank(), "slice")))
    return failure();
  SmallVector<int64_t> shape(type.getShape());
  for (auto [axis, start, end, step] : llvm::zip(axes, starts, ends, steps)) {
    if (step <= 0)
      return emitOptionalError(loc, "slice step ", step,
                               " is not positive (only forward slices are "
                               "supported)");
    int64_t dim = type.getDimSize(axis);
    if (ShapedType::isDynamic(dim)) {
      shape[axis] = ShapedType::kDynamic;
      continue;
    }
    shape[axis] = clampSlice(start, end, step, dim).size;
  }
  types.push_back(type.clone(shape));
  return success();
}
KILN_REFINABLE(SliceOp)

LogicalResult GatherOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  RankedTensorType data = rankedType(adaptor.getData());
  RankedTensorType indices = rankedType(adaptor.getIndices());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= data.getRank())
    return emitOptionalError(loc, "axis ", axis, " is out of range [0, ",
                             data.getRank(), ")");
  // ONNX's Tind (int32, int64); an unsigned index read as signed would
  // count from the end instead of being out of range.
  Type indexElement = indices.getElementType();
  if (!indexElement.isSignlessInteger(32) &&
      !indexElement.isSignlessInteger(64))
    return emitOptionalError(loc, "indices must be i32 or i64, got ",
                             indexElement);
  SmallVector<int64_t> shape(data.getShape().take_front(axis));
  llvm::append_range(shape, indices.getShape());
  llvm::append_range(shape, data.getShape().drop_front(axis + 1));
  types.push_back(data.clone(shape));
  return success();
}
KILN_REFINABLE(GatherOp)

#define GET_OP_CLASSES
#include "dialects/Model/IR/ModelOps.cpp.inc"
