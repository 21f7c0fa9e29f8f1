//===- ModelDataMovementOps.cpp - Inference of shape and indexing ops -----===//
//
// Type inference and verifiers of the ops in ModelDataMovementOps.td. An op
// whose shape comes from an operand's values (expand, tile, split, pad,
// constant_of_shape, range, one_hot) infers static dims from what is known
// of those values now, and accepts any declared type whose static dims do
// not contradict that (see the .td banner): the lowering re-derives what it
// relies on and checks the rest at run time.
//
//===----------------------------------------------------------------------===//
#include "dialects/Model/IR/ModelOps.h"

#include "mlir/IR/Matchers.h"
#include "llvm/ADT/APSInt.h"

using namespace mlir;
using namespace kiln::model;

namespace {

RankedTensorType rankedType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// Types agree where both are static: same count, element types and ranks,
/// and no dim that is static on both sides and differs.
bool staticDimsAgree(TypeRange inferred, TypeRange declared) {
  if (inferred.size() != declared.size())
    return false;
  for (auto [i, d] : llvm::zip(inferred, declared)) {
    auto it = dyn_cast<RankedTensorType>(i);
    auto dt = dyn_cast<RankedTensorType>(d);
    if (!it || !dt || it.getElementType() != dt.getElementType() ||
        it.getRank() != dt.getRank())
      return false;
    for (auto [a, b] : llvm::zip(it.getShape(), dt.getShape()))
      if (!ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b)
        return false;
  }
  return true;
}

/// The declared result may refine the inferred one (a frontend may know
/// more), as for every model op.
bool isRefinement(TypeRange inferred, TypeRange declared) {
  if (!staticDimsAgree(inferred, declared))
    return false;
  for (auto [i, d] : llvm::zip(inferred, declared))
    for (auto [a, b] : llvm::zip(cast<RankedTensorType>(i).getShape(),
                                 cast<RankedTensorType>(d).getShape()))
      if (!ShapedType::isDynamic(a) && a != b)
        return false;
  return true;
}

/// Checks that `v` is a 1-D i64 tensor of static length (`length` when
/// given) and returns its known entries.
FailureOr<SmallVector<ShapeEntry>>
shapeOperand(std::optional<Location> loc, Value v, StringRef what,
             std::optional<int64_t> length = std::nullopt) {
  RankedTensorType type = rankedType(v);
  if (type.getRank() != 1 || type.isDynamicDim(0) ||
      !type.getElementType().isInteger(64))
    return emitOptionalError(loc, what,
                             " must be a 1-D i64 tensor of static length, got ",
                             type);
  if (length && type.getDimSize(0) != *length)
    return emitOptionalError(loc, what, " has ", type.getDimSize(0),
                             " entries, expected ", *length);
  return knownShapeEntries(v);
}

/// A 0-D tensor, or a 1-D one of one element (ONNX scalars come as both).
bool isScalarTensor(RankedTensorType type) {
  return type.getRank() == 0 ||
         (type.getRank() == 1 && type.getDimSize(0) == 1);
}

/// The one element of a constant scalar operand, when it is constant.
DenseElementsAttr constantScalar(Value v) {
  DenseElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) || attr.getNumElements() != 1)
    return nullptr;
  return attr;
}

/// The value of a constant integer or floating-point scalar as ONNX casts
/// it to int64 (floats truncate toward zero); nullopt when not constant or
/// out of range.
std::optional<int64_t> constantScalarAsInt(Value v) {
  DenseElementsAttr attr = constantScalar(v);
  if (!attr)
    return std::nullopt;
  if (std::optional<SmallVector<int64_t>> ints = getIntValues(attr))
    return ints->front();
  if (!isa<FloatType>(attr.getElementType()))
    return std::nullopt;
  APSInt result(64, /*isUnsigned=*/false);
  bool exact;
  if (attr.getValues<APFloat>()[0].convertToInteger(
          result, APFloat::rmTowardZero, &exact) &
      APFloat::opInvalidOp)
    return std::nullopt;
  return result.getExtValue();
}

LogicalResult checkReduction(Operation *op, StringRef reduction) {
  if (reduction == "none" || reduction == "add" || reduction == "mul" ||
      reduction == "max" || reduction == "min")
    return success();
  return op->emitOpError("reduction must be none, add, mul, max or min, got '")
         << reduction << "'";
}

/// ONNX's Tind: int32 or int64. Unsigned index tensors are not ONNX's, and
/// read as signed they would turn large indices negative (counting from
/// the end) instead of out of range.
bool isIndexType(Type t) {
  return t.isSignlessInteger(32) || t.isSignlessInteger(64);
}

} // namespace

#define KILN_VALUE_SHAPED(OP)                                                  \
  bool OP::isCompatibleReturnTypes(TypeRange l, TypeRange r) {                 \
    return staticDimsAgree(l, r);                                              \
  }
#define KILN_REFINABLE_DM(OP)                                                  \
  bool OP::isCompatibleReturnTypes(TypeRange l, TypeRange r) {                 \
    return isRefinement(l, r);                                                 \
  }

//===----------------------------------------------------------------------===//
// Broadcasting, tiling, splitting and padding
//===----------------------------------------------------------------------===//

LogicalResult ExpandOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  RankedTensorType type = rankedType(adaptor.getInput());
  FailureOr<SmallVector<ShapeEntry>> entries =
      shapeOperand(loc, adaptor.getShape(), "shape");
  if (failed(entries))
    return failure();
  int64_t rank = type.getRank(), length = entries->size();
  int64_t resultRank = std::max(rank, length);
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < resultRank; ++i) {
    int64_t j = i - (resultRank - rank), k = i - (resultRank - length);
    int64_t in = j >= 0 ? type.getDimSize(j) : 1;
    std::optional<int64_t> entry =
        k >= 0 ? (*entries)[k].constant : std::optional<int64_t>(1);
    if (!entry) {
      // An unknown entry is 1 (keep) or the input's size, unless the input
      // is 1 or unknown too.
      shape.push_back(in == 1 ? ShapedType::kDynamic : in);
      continue;
    }
    if (*entry < 0)
      return emitOptionalError(loc, "shape entry ", k, " is negative: ",
                               *entry);
    if (*entry == 1 || in == *entry)
      shape.push_back(in);
    else if (in == 1 || ShapedType::isDynamic(in))
      shape.push_back(*entry);
    else
      return emitOptionalError(loc, "input dim ", j, " of size ", in,
                               " does not broadcast to ", *entry);
  }
  types.push_back(type.clone(shape));
  return success();
}
KILN_VALUE_SHAPED(ExpandOp)

LogicalResult TileOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &types) {
  RankedTensorType type = rankedType(adaptor.getInput());
  FailureOr<SmallVector<ShapeEntry>> entries =
      shapeOperand(loc, adaptor.getRepeats(), "repeats", type.getRank());
  if (failed(entries))
    return failure();
  SmallVector<int64_t> shape;
  for (auto [i, d] : llvm::enumerate(type.getShape())) {
    std::optional<int64_t> r = (*entries)[i].constant;
    if (r && *r < 0)
      return emitOptionalError(loc, "repeats entry ", i, " is negative: ", *r);
    int64_t out = ShapedType::kDynamic;
    if (d == 0 || (r && *r == 0))
      out = 0;
    else if (r && *r == 1)
      out = d;
    else if (r && !ShapedType::isDynamic(d) &&
             __builtin_mul_overflow(d, *r, &out))
      return emitOptionalError(loc, "tiled dim ", i, " overflows int64");
    shape.push_back(out);
  }
  types.push_back(type.clone(shape));
  return success();
}
KILN_VALUE_SHAPED(TileOp)

SmallVector<int64_t> kiln::model::equalSplitSizes(int64_t dim, int64_t parts) {
  int64_t chunk = dim / parts + (dim % parts != 0);
  SmallVector<int64_t> sizes;
  for (int64_t k = 0; k < parts; ++k)
    sizes.push_back(std::clamp<int64_t>(dim - k * chunk, 0, chunk));
  return sizes;
}

LogicalResult SplitOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  RankedTensorType type = rankedType(adaptor.getInput());
  int64_t axis = adaptor.getAxis(), parts = adaptor.getParts();
  if (axis < 0 || axis >= type.getRank())
    return emitOptionalError(loc, "axis ", axis, " is out of range [0, ",
                             type.getRank(), ")");
  if (parts < 1)
    return emitOptionalError(loc, "parts must be positive, got ", parts);
  int64_t dim = type.getDimSize(axis);
  SmallVector<int64_t> sizes;
  if (Value sizesValue = adaptor.getSizes()) {
    FailureOr<SmallVector<ShapeEntry>> entries =
        shapeOperand(loc, sizesValue, "sizes", parts);
    if (failed(entries))
      return failure();
    int64_t total = 0;
    bool allKnown = true;
    for (auto [k, entry] : llvm::enumerate(*entries)) {
      if (entry.constant && *entry.constant < 0)
        return emitOptionalError(loc, "split size ", k, " is negative: ",
                                 *entry.constant);
      allKnown &= entry.constant.has_value();
      if (entry.constant && __builtin_add_overflow(total, *entry.constant,
                                                   &total))
        return emitOptionalError(loc, "the split sizes overflow int64");
      sizes.push_back(entry.constant.value_or(ShapedType::kDynamic));
    }
    if (allKnown && !ShapedType::isDynamic(dim) && total != dim)
      return emitOptionalError(loc, "split sizes add up to ", total,
                               ", not to the dim's size ", dim);
  } else if (ShapedType::isDynamic(dim)) {
    sizes.assign(parts, ShapedType::kDynamic);
  } else {
    sizes = equalSplitSizes(dim, parts);
  }
  for (int64_t size : sizes) {
    SmallVector<int64_t> shape(type.getShape());
    shape[axis] = size;
    types.push_back(type.clone(shape));
  }
  return success();
}
KILN_VALUE_SHAPED(SplitOp)

LogicalResult PadOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &types) {
  RankedTensorType type = rankedType(adaptor.getInput());
  int64_t rank = type.getRank();
  FailureOr<SmallVector<ShapeEntry>> entries =
      shapeOperand(loc, adaptor.getPads(), "pads", 2 * rank);
  if (failed(entries))
    return failure();
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < rank; ++i) {
    std::optional<int64_t> before = (*entries)[i].constant,
                           after = (*entries)[rank + i].constant;
    int64_t d = type.getDimSize(i), out = ShapedType::kDynamic;
    if (before && after && *before == 0 && *after == 0) {
      out = d;
    } else if (before && after && !ShapedType::isDynamic(d)) {
      if (__builtin_add_overflow(d, *before, &out) ||
          __builtin_add_overflow(out, *after, &out))
        return emitOptionalError(loc, "padded dim ", i, " overflows int64");
      if (out < 0)
        return emitOptionalError(loc, "pads [", *before, ", ", *after,
                                 "] crop more than dim ", i, " of size ", d);
    }
    shape.push_back(out);
  }
  types.push_back(type.clone(shape));
  return success();
}
KILN_VALUE_SHAPED(PadOp)

LogicalResult PadOp::verify() {
  StringRef mode = getMode();
  if (mode != "constant" && mode != "reflect" && mode != "edge" &&
      mode != "wrap")
    return emitOpError("mode must be constant, reflect, edge or wrap, got '")
           << mode << "'";
  // Edge, reflect and wrap read the (cropped) input to pad a dim, so it must
  // keep an element where something is padded; run-time sizes are checked
  // by the lowering.
  SmallVector<ShapeEntry> pads = knownShapeEntries(getPads());
  auto inputType = cast<RankedTensorType>(getInput().getType());
  int64_t rank = inputType.getRank();
  bool padsKnown = int64_t(pads.size()) == 2 * rank; // else inference fails
  for (int64_t i = 0; padsKnown && mode != "constant" && i < rank; ++i) {
    std::optional<int64_t> before = pads[i].constant,
                           after = pads[rank + i].constant;
    int64_t d = inputType.getDimSize(i);
    if (!before || !after || ShapedType::isDynamic(d))
      continue;
    int64_t kept = d - std::max<int64_t>(-*before, 0) -
                   std::max<int64_t>(-*after, 0);
    if (kept < 1 && (*before > 0 || *after > 0))
      return emitOpError("mode '")
             << mode << "' cannot pad dim " << i
             << ", which has no element left to read";
  }
  if (Value value = getValue()) {
    RankedTensorType valueType = rankedType(value);
    if (mode != "constant")
      return emitOpError("takes a pad value only in constant mode");
    if (!isScalarTensor(valueType) ||
        valueType.getElementType() != getInput().getType().getElementType())
      return emitOpError("pad value must be a scalar of the input's element "
                         "type, got ")
             << valueType;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Tensors made from shapes
//===----------------------------------------------------------------------===//

LogicalResult ConstantOfShapeOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  auto value = dyn_cast<TypedAttr>(adaptor.getValue());
  if (!isa_and_nonnull<IntegerAttr, FloatAttr>(value))
    return emitOptionalError(loc, "value must be an integer or float "
                                  "attribute");
  FailureOr<SmallVector<ShapeEntry>> entries =
      shapeOperand(loc, adaptor.getShape(), "shape");
  if (failed(entries))
    return failure();
  SmallVector<int64_t> shape;
  for (auto [k, entry] : llvm::enumerate(*entries)) {
    if (entry.constant && *entry.constant < 0)
      return emitOptionalError(loc, "shape entry ", k, " is negative: ",
                               *entry.constant);
    shape.push_back(entry.constant.value_or(ShapedType::kDynamic));
  }
  types.push_back(RankedTensorType::get(shape, value.getType()));
  return success();
}
KILN_VALUE_SHAPED(ConstantOfShapeOp)

std::optional<int64_t> kiln::model::rangeLength(Attribute start,
                                                Attribute limit,
                                                Attribute delta) {
  if (auto s = dyn_cast<IntegerAttr>(start)) {
    int64_t a = s.getInt(), b = cast<IntegerAttr>(limit).getInt(),
            d = cast<IntegerAttr>(delta).getInt();
    if (d == 0)
      return std::nullopt;
    // ceil((b - a) / d) in 128 bits, where neither step can overflow.
    __int128 span = __int128(b) - a;
    __int128 n = span / d + ((span % d != 0) && ((span > 0) == (d > 0)));
    return int64_t(std::max<__int128>(n, 0));
  }
  // Floats: the count as the lowering computes it, in the element type.
  APFloat span = cast<FloatAttr>(limit).getValue();
  const APFloat &d = cast<FloatAttr>(delta).getValue();
  if (d.isZero())
    return std::nullopt;
  span.subtract(cast<FloatAttr>(start).getValue(), APFloat::rmNearestTiesToEven);
  span.divide(d, APFloat::rmNearestTiesToEven);
  span.roundToIntegral(APFloat::rmTowardPositive);
  if (span.isNaN())
    return std::nullopt;
  if (span.isNegative())
    return 0;
  APSInt n(64, /*isUnsigned=*/false);
  bool exact;
  if (span.convertToInteger(n, APFloat::rmTowardZero, &exact) &
      APFloat::opInvalidOp)
    return std::nullopt;
  return n.getExtValue();
}

LogicalResult RangeOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  RankedTensorType start = rankedType(adaptor.getStart());
  Type element = start.getElementType();
  for (Value v : {adaptor.getStart(), adaptor.getLimit(), adaptor.getDelta()})
    if (rankedType(v).getRank() != 0 ||
        rankedType(v).getElementType() != element)
      return emitOptionalError(loc, "start, limit and delta must be 0-D "
                                    "tensors of one element type");
  auto intType = dyn_cast<IntegerType>(element);
  if (!isa<FloatType>(element) && !(intType && intType.getWidth() > 1))
    return emitOptionalError(loc, "requires integer or floating-point "
                                  "operands, got ",
                             element);
  int64_t length = ShapedType::kDynamic;
  DenseElementsAttr s = constantScalar(adaptor.getStart()),
                    l = constantScalar(adaptor.getLimit()),
                    d = constantScalar(adaptor.getDelta());
  if (s && l && d) {
    std::optional<int64_t> n =
        rangeLength(s.getSplatValue<Attribute>(), l.getSplatValue<Attribute>(),
                    d.getSplatValue<Attribute>());
    if (!n)
      return emitOptionalError(loc, "delta is zero, or the length is not "
                                    "representable");
    length = *n;
  }
  types.push_back(RankedTensorType::get({length}, element));
  return success();
}
KILN_VALUE_SHAPED(RangeOp)

LogicalResult SizeOp::inferReturnTypes(MLIRContext *context,
                                       std::optional<Location>, Adaptor,
                                       SmallVectorImpl<Type> &types) {
  types.push_back(RankedTensorType::get({}, IntegerType::get(context, 64)));
  return success();
}
KILN_REFINABLE_DM(SizeOp)

LogicalResult EyeLikeOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  RankedTensorType type = rankedType(adaptor.getInput());
  if (type.getRank() != 2)
    return emitOptionalError(loc, "input must be 2-D, got rank ",
                             type.getRank());
  Type dtype = adaptor.getDtype();
  if (!isa<FloatType, IntegerType>(dtype))
    return emitOptionalError(loc, "dtype must be an integer or float type, "
                                  "got ",
                             dtype);
  types.push_back(type.clone(dtype));
  return success();
}
KILN_REFINABLE_DM(EyeLikeOp)

LogicalResult OneHotOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  RankedTensorType indices = rankedType(adaptor.getIndices());
  RankedTensorType depth = rankedType(adaptor.getDepth());
  RankedTensorType values = rankedType(adaptor.getValues());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis > indices.getRank())
    return emitOptionalError(loc, "axis ", axis, " is out of range [0, ",
                             indices.getRank(), "]");
  for (RankedTensorType t : {indices, depth}) {
    auto intType = dyn_cast<IntegerType>(t.getElementType());
    if (!isa<FloatType>(t.getElementType()) &&
        !(intType && intType.getWidth() > 1))
      return emitOptionalError(loc, "indices and depth must be integer or "
                                    "floating-point tensors");
  }
  if (!isScalarTensor(depth))
    return emitOptionalError(loc, "depth must be a scalar, got ", depth);
  if (values.getRank() != 1 || values.getDimSize(0) != 2)
    return emitOptionalError(loc, "values must be [off, on], got ", values);
  int64_t size = ShapedType::kDynamic;
  if (std::optional<int64_t> d = constantScalarAsInt(adaptor.getDepth())) {
    if (*d < 0)
      return emitOptionalError(loc, "depth is negative: ", *d);
    size = *d;
  }
  SmallVector<int64_t> shape(indices.getShape());
  shape.insert(shape.begin() + axis, size);
  types.push_back(RankedTensorType::get(shape, values.getElementType()));
  return success();
}
KILN_VALUE_SHAPED(OneHotOp)

LogicalResult TriluOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  RankedTensorType type = rankedType(adaptor.getInput());
  if (type.getRank() < 2)
    return emitOptionalError(loc, "input must have rank >= 2, got ",
                             type.getRank());
  RankedTensorType k = rankedType(adaptor.getK());
  if (k.getRank() != 0 || !k.getElementType().isInteger(64))
    return emitOptionalError(loc, "k must be a 0-D i64 tensor, got ", k);
  types.push_back(type);
  return success();
}
KILN_REFINABLE_DM(TriluOp)

//===----------------------------------------------------------------------===//
// Depth and space
//===----------------------------------------------------------------------===//

LogicalResult DepthToSpaceOp::inferReturnTypes(MLIRContext *,
                                               std::optional<Location> loc,
                                               Adaptor adaptor,
                                               SmallVectorImpl<Type> &types) {
  RankedTensorType type = rankedType(adaptor.getInput());
  int64_t b = adaptor.getBlocksize();
  StringRef mode = adaptor.getMode();
  if (mode != "DCR" && mode != "CRD")
    return emitOptionalError(loc, "mode must be DCR or CRD, got '", mode, "'");
  if (type.getRank() != 4)
    return emitOptionalError(loc, "input must be 4-D (NCHW), got rank ",
                             type.getRank());
  int64_t blockArea;
  if (b < 1 || __builtin_mul_overflow(b, b, &blockArea))
    return emitOptionalError(loc, "blocksize ", b, " is invalid");
  ArrayRef<int64_t> in = type.getShape();
  SmallVector<int64_t> shape = {in[0], ShapedType::kDynamic,
                                ShapedType::kDynamic, ShapedType::kDynamic};
  if (!ShapedType::isDynamic(in[1])) {
    if (in[1] % blockArea != 0)
      return emitOptionalError(loc, "channels ", in[1],
                               " are not divisible by blocksize^2 = ",
                               blockArea);
    shape[1] = in[1] / blockArea;
  }
  for (int64_t i = 2; i < 4; ++i)
    if (!ShapedType::isDynamic(in[i]) &&
        __builtin_mul_overflow(in[i], b, &shape[i]))
      return emitOptionalError(loc, "dim ", i, " times the blocksize "
                                              "overflows int64");
  types.push_back(type.clone(shape));
  return success();
}
KILN_REFINABLE_DM(DepthToSpaceOp)

LogicalResult SpaceToDepthOp::inferReturnTypes(MLIRContext *,
                                               std::optional<Location> loc,
                                               Adaptor adaptor,
                                               SmallVectorImpl<Type> &types) {
  RankedTensorType type = rankedType(adaptor.getInput());
  int64_t b = adaptor.getBlocksize();
  if (type.getRank() != 4)
    return emitOptionalError(loc, "input must be 4-D (NCHW), got rank ",
                             type.getRank());
  int64_t blockArea;
  if (b < 1 || __builtin_mul_overflow(b, b, &blockArea))
    return emitOptionalError(loc, "blocksize ", b, " is invalid");
  ArrayRef<int64_t> in = type.getShape();
  SmallVector<int64_t> shape = {in[0], ShapedType::kDynamic,
                                ShapedType::kDynamic, ShapedType::kDynamic};
  if (!ShapedType::isDynamic(in[1]) &&
      __builtin_mul_overflow(in[1], blockArea, &shape[1]))
    return emitOptionalError(loc, "channels times blocksize^2 overflow int64");
  for (int64_t i = 2; i < 4; ++i) {
    if (ShapedType::isDynamic(in[i]))
      continue;
    if (in[i] % b != 0)
      return emitOptionalError(loc, "dim ", i, " of size ", in[i],
                               " is not divisible by the blocksize ", b);
    shape[i] = in[i] / b;
  }
  types.push_back(type.clone(shape));
  return success();
}
KILN_REFINABLE_DM(SpaceToDepthOp)

//===----------------------------------------------------------------------===//
// Gathers and scatters
//===----------------------------------------------------------------------===//

/// The checks GatherElements and ScatterElements share: `indices` (i32/i64)
/// of `data`'s rank, not larger than it along the dims but `axis`.
static LogicalResult checkElementwiseIndices(std::optional<Location> loc,
                                             RankedTensorType data,
                                             RankedTensorType indices,
                                             int64_t axis) {
  if (data.getRank() < 1)
    return emitOptionalError(loc, "data must have rank >= 1");
  if (axis < 0 || axis >= data.getRank())
    return emitOptionalError(loc, "axis ", axis, " is out of range [0, ",
                             data.getRank(), ")");
  if (!isIndexType(indices.getElementType()))
    return emitOptionalError(loc, "indices must be i32 or i64, got ",
                             indices.getElementType());
  if (indices.getRank() != data.getRank())
    return emitOptionalError(loc, "indices must have the data's rank ",
                             data.getRank(), ", got ", indices.getRank());
  for (int64_t i = 0; i < data.getRank(); ++i) {
    int64_t d = data.getDimSize(i), n = indices.getDimSize(i);
    if (i != axis && !ShapedType::isDynamic(d) && !ShapedType::isDynamic(n) &&
        n > d)
      return emitOptionalError(loc, "indices dim ", i, " of size ", n,
                               " exceeds the data's ", d);
  }
  return success();
}

LogicalResult GatherElementsOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  RankedTensorType data = rankedType(adaptor.getData());
  RankedTensorType indices = rankedType(adaptor.getIndices());
  if (failed(checkElementwiseIndices(loc, data, indices, adaptor.getAxis())))
    return failure();
  types.push_back(indices.clone(data.getElementType()));
  return success();
}
KILN_REFINABLE_DM(GatherElementsOp)

/// The shape checks of GatherND and ScatterND: `indices` (i32/i64) of rank
/// >= 1 whose static last dim k (1 <= k <= rank - batchDims) is the length
/// of an index tuple, and batch dims that agree with `data`'s.
static FailureOr<int64_t> checkTupleIndices(std::optional<Location> loc,
                                            RankedTensorType data,
                                            RankedTensorType indices,
                                            int64_t batchDims) {
  int64_t r = data.getRank(), q = indices.getRank();
  if (r < 1 || q < 1)
    return emitOptionalError(loc, "data and indices must have rank >= 1");
  if (!isIndexType(indices.getElementType()))
    return emitOptionalError(loc, "indices must be i32 or i64, got ",
                             indices.getElementType());
  if (batchDims < 0 || batchDims >= std::min(q, r))
    return emitOptionalError(loc, "batchDims ", batchDims,
                             " must be in [0, min(rank(data), "
                             "rank(indices)))");
  int64_t k = indices.getDimSize(q - 1);
  if (ShapedType::isDynamic(k))
    return emitOptionalError(loc, "the last dim of indices (the tuple "
                                  "length) must be static");
  if (k < 1 || k > r - batchDims)
    return emitOptionalError(loc, "index tuples of length ", k,
                             " do not fit data of rank ", r, " with ",
                             batchDims, " batch dims");
  for (int64_t i = 0; i < batchDims; ++i) {
    int64_t d = data.getDimSize(i), n = indices.getDimSize(i);
    if (!ShapedType::isDynamic(d) && !ShapedType::isDynamic(n) && d != n)
      return emitOptionalError(loc, "batch dim ", i, " differs: data ", d,
                               ", indices ", n);
  }
  return k;
}

LogicalResult GatherNDOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &types) {
  RankedTensorType data = rankedType(adaptor.getData());
  RankedTensorType indices = rankedType(adaptor.getIndices());
  int64_t batchDims = adaptor.getBatchDims();
  FailureOr<int64_t> k = checkTupleIndices(loc, data, indices, batchDims);
  if (failed(k))
    return failure();
  SmallVector<int64_t> shape(indices.getShape().drop_back());
  // A batch dim dynamic in indices may be static in data.
  for (int64_t i = 0; i < batchDims; ++i)
    if (ShapedType::isDynamic(shape[i]))
      shape[i] = data.getDimSize(i);
  llvm::append_range(shape, data.getShape().drop_front(batchDims + *k));
  types.push_back(RankedTensorType::get(shape, data.getElementType()));
  return success();
}
KILN_REFINABLE_DM(GatherNDOp)

LogicalResult ScatterNDOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  RankedTensorType data = rankedType(adaptor.getData());
  RankedTensorType indices = rankedType(adaptor.getIndices());
  RankedTensorType updates = rankedType(adaptor.getUpdates());
  FailureOr<int64_t> k = checkTupleIndices(loc, data, indices, 0);
  if (failed(k))
    return failure();
  if (updates.getElementType() != data.getElementType())
    return emitOptionalError(loc, "updates must have the data's element "
                                  "type");
  // updates.shape = indices.shape[:-1] + data.shape[k:]
  SmallVector<int64_t> expected(indices.getShape().drop_back());
  llvm::append_range(expected, data.getShape().drop_front(*k));
  bool agrees = updates.getRank() == int64_t(expected.size());
  for (int64_t i = 0; agrees && i < updates.getRank(); ++i) {
    int64_t u = updates.getDimSize(i), e = expected[i];
    agrees = ShapedType::isDynamic(u) || ShapedType::isDynamic(e) || u == e;
  }
  if (!agrees)
    return emitOptionalError(loc, "updates of shape ",
                             formatShape(updates.getShape()),
                             " do not match indices.shape[:-1] + "
                             "data.shape[k:] = ",
                             formatShape(expected));
  types.push_back(data);
  return success();
}
KILN_REFINABLE_DM(ScatterNDOp)

LogicalResult ScatterNDOp::verify() {
  return checkReduction(*this, getReduction());
}

LogicalResult ScatterElementsOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  RankedTensorType data = rankedType(adaptor.getData());
  RankedTensorType indices = rankedType(adaptor.getIndices());
  RankedTensorType updates = rankedType(adaptor.getUpdates());
  if (failed(checkElementwiseIndices(loc, data, indices, adaptor.getAxis())))
    return failure();
  if (updates.getElementType() != data.getElementType() ||
      updates.getRank() != indices.getRank())
    return emitOptionalError(loc, "updates must have the data's element type "
                                  "and the indices' shape");
  for (auto [u, n] : llvm::zip(updates.getShape(), indices.getShape()))
    if (!ShapedType::isDynamic(u) && !ShapedType::isDynamic(n) && u != n)
      return emitOptionalError(loc, "updates of shape ",
                               formatShape(updates.getShape()),
                               " differ from the indices' ",
                               formatShape(indices.getShape()));
  types.push_back(data);
  return success();
}
KILN_REFINABLE_DM(ScatterElementsOp)

LogicalResult ScatterElementsOp::verify() {
  return checkReduction(*this, getReduction());
}

LogicalResult ReverseSequenceOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  RankedTensorType type = rankedType(adaptor.getInput());
  RankedTensorType lens = rankedType(adaptor.getSequenceLens());
  int64_t batchAxis = adaptor.getBatchAxis(), timeAxis = adaptor.getTimeAxis();
  if (type.getRank() < 2)
    return emitOptionalError(loc, "input must have rank >= 2");
  if (!((batchAxis == 0 && timeAxis == 1) ||
        (batchAxis == 1 && timeAxis == 0)))
    return emitOptionalError(loc, "batchAxis and timeAxis must be 0 and 1 "
                                  "in some order, got ",
                             batchAxis, " and ", timeAxis);
  if (lens.getRank() != 1 || !lens.getElementType().isInteger(64))
    return emitOptionalError(loc, "sequenceLens must be a 1-D i64 tensor, "
                                  "got ",
                             lens);
  int64_t batch = type.getDimSize(batchAxis), n = lens.getDimSize(0);
  if (!ShapedType::isDynamic(batch) && !ShapedType::isDynamic(n) &&
      batch != n)
    return emitOptionalError(loc, "sequenceLens has ", n,
                             " entries for a batch of ", batch);
  types.push_back(type);
  return success();
}
KILN_REFINABLE_DM(ReverseSequenceOp)

#undef KILN_VALUE_SHAPED
#undef KILN_REFINABLE_DM
