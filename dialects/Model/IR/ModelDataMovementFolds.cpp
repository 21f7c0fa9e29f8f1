//===- ModelDataMovementFolds.cpp - Folders of shape and indexing ops -----===//
//
// The folders of the ops in ModelDataMovementOps.td that exporters feed with
// shape arithmetic: once a shape vector is known (Shape -> Gather -> Concat
// on static dims folds in ModelFolds.cpp), expand, tile and
// constant_of_shape of small constants fold to constants, range of
// constants folds, and size of a static shape is a constant. A folder only
// replaces an op whose every operand value it knows, so no run-time check of
// the lowering is folded away.
//
//===----------------------------------------------------------------------===//
#include "dialects/Model/IR/ModelFoldUtils.h"
#include "dialects/Model/IR/ModelOps.h"

using namespace mlir;
using namespace kiln::model;
using namespace kiln::model::fold;

/// The constant entries of a shape-like operand, when all are constant.
static std::optional<SmallVector<int64_t>> allConstant(Value shape) {
  SmallVector<int64_t> values;
  for (const ShapeEntry &entry : knownShapeEntries(shape)) {
    if (!entry.constant)
      return std::nullopt;
    values.push_back(*entry.constant);
  }
  return values;
}

OpFoldResult ExpandOp::fold(FoldAdaptor adaptor) {
  auto inputType = cast<RankedTensorType>(getInput().getType());
  auto resultType = cast<RankedTensorType>(getType());
  SmallVector<ShapeEntry> entries = knownShapeEntries(getShape());
  // Identity: no dim added, and every entry known to keep its input dim (a
  // 1, the dim's own static size, or the dim itself read by model.shape).
  int64_t offset = inputType.getRank() - int64_t(entries.size());
  bool identity = offset >= 0 && inputType == resultType;
  for (auto [k, entry] : llvm::enumerate(entries)) {
    int64_t j = offset + k;
    int64_t in = identity ? inputType.getDimSize(j) : 0;
    identity &= (entry.constant && (*entry.constant == 1 ||
                                    (!ShapedType::isDynamic(in) &&
                                     *entry.constant == in))) ||
                (entry.dimOf == getInput() && entry.dim == j);
  }
  if (identity)
    return getInput();
  DenseElementsAttr input = smallConstant(adaptor.getInput());
  if (!input || !allConstant(getShape()) || !isFoldableResult(resultType))
    return {};
  return gatherElements(
      input, broadcastIndices(inputType.getShape(), resultType.getShape()),
      resultType);
}

OpFoldResult TileOp::fold(FoldAdaptor adaptor) {
  std::optional<SmallVector<int64_t>> repeats = allConstant(getRepeats());
  if (!repeats)
    return {};
  if (llvm::all_of(*repeats, [](int64_t r) { return r == 1; }) &&
      getInput().getType() == getType())
    return getInput();
  DenseElementsAttr input = smallConstant(adaptor.getInput());
  auto resultType = cast<RankedTensorType>(getType());
  if (!input || !isFoldableResult(resultType))
    return {};
  // result[p] = input[p mod dims], element by element in row-major order.
  ArrayRef<int64_t> dims = input.getType().getShape();
  SmallVector<int64_t> strides = rowMajorStrides(dims);
  int64_t rank = dims.size();
  SmallVector<int64_t> position(rank, 0), indices;
  for (int64_t n = 0; n < resultType.getNumElements(); ++n) {
    int64_t linear = 0;
    for (int64_t i = 0; i < rank; ++i)
      linear += (position[i] % dims[i]) * strides[i];
    indices.push_back(linear);
    for (int64_t i = rank - 1; i >= 0; --i) {
      if (++position[i] < resultType.getDimSize(i))
        break;
      position[i] = 0;
    }
  }
  return gatherElements(input, indices, resultType);
}

OpFoldResult ConstantOfShapeOp::fold(FoldAdaptor) {
  if (!allConstant(getShape()) || !isFoldableResult(getType()))
    return {};
  return DenseElementsAttr::get(cast<ShapedType>(getType()),
                                ArrayRef<Attribute>(getValue()));
}

OpFoldResult RangeOp::fold(FoldAdaptor adaptor) {
  auto start = dyn_cast_or_null<SplatElementsAttr>(adaptor.getStart());
  auto delta = dyn_cast_or_null<SplatElementsAttr>(adaptor.getDelta());
  auto resultType = cast<RankedTensorType>(getType());
  if (!start || !delta || !adaptor.getLimit() ||
      !isFoldableResult(resultType))
    return {};
  Type element = resultType.getElementType();
  int64_t n = resultType.getDimSize(0);
  if (isFoldableInt(element)) {
    unsigned width = element.getIntOrFloatBitWidth();
    int64_t s = start.getSplatValue<APInt>().getSExtValue(),
            d = delta.getSplatValue<APInt>().getSExtValue();
    SmallVector<APInt> values;
    for (int64_t i = 0; i < n; ++i) {
      int64_t v;
      if (__builtin_mul_overflow(i, d, &v) || __builtin_add_overflow(v, s, &v) ||
          !fitsWidth(v, width))
        return {};
      values.push_back(APInt(width, uint64_t(v), /*isSigned=*/true));
    }
    return DenseElementsAttr::get(resultType, values);
  }
  if (!isa<FloatType>(element))
    return {};
  // As the lowering computes it: start + float(i) * delta, each step rounded
  // in the element type.
  APFloat s = start.getSplatValue<APFloat>(), d = delta.getSplatValue<APFloat>();
  SmallVector<APFloat> values;
  for (int64_t i = 0; i < n; ++i) {
    APFloat v(s.getSemantics());
    v.convertFromAPInt(APInt(64, i), /*IsSigned=*/true,
                       APFloat::rmNearestTiesToEven);
    v.multiply(d, APFloat::rmNearestTiesToEven);
    v.add(s, APFloat::rmNearestTiesToEven);
    values.push_back(v);
  }
  return DenseElementsAttr::get(resultType, values);
}

OpFoldResult SizeOp::fold(FoldAdaptor) {
  auto type = cast<RankedTensorType>(getInput().getType());
  std::optional<int64_t> count;
  if (llvm::is_contained(type.getShape(), 0))
    count = 0;
  else if (type.hasStaticShape())
    count = checkedProduct(type.getShape());
  if (!count)
    return {};
  return DenseElementsAttr::get(cast<ShapedType>(getType()),
                                ArrayRef<int64_t>(*count));
}
