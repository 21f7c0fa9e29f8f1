//===- Window.cpp - Sliding-window geometry for the vision lowerings ------===//
#include "passes/Conversion/ModelToLinalg/Window.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace kiln::model;

namespace kiln::model_to_linalg {

//===----------------------------------------------------------------------===//
// Index arithmetic
//===----------------------------------------------------------------------===//

Value IndexMath::value(OpFoldResult x) {
  return getValueOrCreateConstantIndexOp(b, loc, x);
}

/// A constant when both operands are, else an `OpTy` on their values.
template <typename OpTy, typename Fold>
static OpFoldResult binary(IndexMath &m, OpFoldResult x, OpFoldResult y,
                           Fold fold) {
  std::optional<int64_t> cx = getConstantIntValue(x),
                         cy = getConstantIntValue(y);
  if (cx && cy)
    return m.c(fold(*cx, *cy));
  return OpTy::create(m.b, m.loc, m.value(x), m.value(y)).getResult();
}

OpFoldResult IndexMath::add(OpFoldResult x, OpFoldResult y) {
  return binary<arith::AddIOp>(*this, x, y,
                               [](int64_t a, int64_t b) { return a + b; });
}
OpFoldResult IndexMath::sub(OpFoldResult x, OpFoldResult y) {
  return binary<arith::SubIOp>(*this, x, y,
                               [](int64_t a, int64_t b) { return a - b; });
}
OpFoldResult IndexMath::mul(OpFoldResult x, OpFoldResult y) {
  return binary<arith::MulIOp>(*this, x, y,
                               [](int64_t a, int64_t b) { return a * b; });
}
OpFoldResult IndexMath::floorDiv(OpFoldResult x, int64_t y) {
  return binary<arith::FloorDivSIOp>(*this, x, c(y), [](int64_t a, int64_t b) {
    return llvm::divideFloorSigned(a, b);
  });
}
OpFoldResult IndexMath::ceilDiv(OpFoldResult x, int64_t y) {
  return binary<arith::CeilDivSIOp>(*this, x, c(y), [](int64_t a, int64_t b) {
    return llvm::divideCeilSigned(a, b);
  });
}
OpFoldResult IndexMath::max(OpFoldResult x, OpFoldResult y) {
  return binary<arith::MaxSIOp>(
      *this, x, y, [](int64_t a, int64_t b) { return std::max(a, b); });
}
OpFoldResult IndexMath::min(OpFoldResult x, OpFoldResult y) {
  return binary<arith::MinSIOp>(
      *this, x, y, [](int64_t a, int64_t b) { return std::min(a, b); });
}

OpFoldResult IndexMath::selectLess(OpFoldResult x, OpFoldResult y,
                                   OpFoldResult ifLess,
                                   OpFoldResult otherwise) {
  std::optional<int64_t> cx = getConstantIntValue(x),
                         cy = getConstantIntValue(y);
  if (cx && cy)
    return *cx < *cy ? ifLess : otherwise;
  Value less = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                     value(x), value(y));
  return arith::SelectOp::create(b, loc, less, value(ifLess), value(otherwise))
      .getResult();
}

void IndexMath::check(arith::CmpIPredicate pred, OpFoldResult x,
                      OpFoldResult y, Operation *op, const Twine &what) {
  if (getConstantIntValue(x) && getConstantIntValue(y))
    return;
  Value ok = arith::CmpIOp::create(b, loc, pred, value(x), value(y));
  emitRuntimeCheck(b, loc, ok, op, what);
}

//===----------------------------------------------------------------------===//
// Window geometry
//===----------------------------------------------------------------------===//

static bool isConstant(OpFoldResult v, int64_t value) {
  std::optional<int64_t> c = getConstantIntValue(v);
  return c && *c == value;
}

SmallVector<SpatialPlan> planWindows(OpBuilder &b, Location loc, Operation *op,
                                     Value input, ArrayRef<WindowDim> dims,
                                     WindowPadding padding, bool ceilMode,
                                     RankedTensorType resultType) {
  IndexMath m{b, loc};
  SmallVector<SpatialPlan> plans;
  for (auto [i, dim] : llvm::enumerate(dims)) {
    SpatialPlan p;
    p.in = tensor::getMixedSize(b, loc, input, i + 2);
    int64_t extent = (dim.kernel - 1) * dim.dilation + 1;
    if (padding != WindowPadding::Explicit) {
      p.out = m.ceilDiv(p.in, dim.stride);
      OpFoldResult total = m.max(
          m.sub(m.add(m.mul(m.add(p.out, -1), dim.stride), extent), p.in), 0);
      OpFoldResult half = m.floorDiv(total, 2);
      p.padBegin = padding == WindowPadding::SameUpper ? half
                                                       : m.sub(total, half);
      p.padEnd = m.sub(total, p.padBegin);
    } else {
      p.padBegin = m.c(dim.padBegin);
      p.padEnd = m.c(dim.padEnd);
      OpFoldResult span =
          m.add(m.add(p.in, dim.padBegin + dim.padEnd), -extent);
      p.out = m.add(ceilMode ? m.ceilDiv(span, dim.stride)
                             : m.floorDiv(span, dim.stride),
                    1);
      if (ceilMode) {
        // The last window must start inside the input or its begin pads.
        p.out = m.selectLess(m.mul(m.add(p.out, -1), dim.stride),
                             m.add(p.in, p.padBegin), p.out, m.add(p.out, -1));
      }
      m.check(arith::CmpIPredicate::sge, p.out, m.c(1), op,
              "spatial dim " + Twine(i) +
                  " of the padded input is shorter than the dilated kernel");
      p.out = m.max(p.out, 0);
    }
    int64_t declared = resultType.getDimSize(i + 2);
    if (!ShapedType::isDynamic(declared)) {
      m.check(arith::CmpIPredicate::eq, p.out, m.c(declared), op,
              "spatial dim " + Twine(i) +
                  " of the output differs from its declared size " +
                  Twine(declared));
      p.out = m.c(declared);
    }
    p.high = m.max(
        m.sub(m.sub(m.add(m.mul(m.add(p.out, -1), dim.stride), extent), p.in),
              p.padBegin),
        0);
    plans.push_back(p);
  }
  return plans;
}

Value padSpatial(OpBuilder &b, Location loc, Value input,
                 ArrayRef<SpatialPlan> plans, Value value) {
  bool none = llvm::all_of(plans, [](const SpatialPlan &p) {
    return isConstant(p.padBegin, 0) && isConstant(p.high, 0);
  });
  if (none)
    return input;
  SmallVector<OpFoldResult> low(2, b.getIndexAttr(0)), high(low);
  for (const SpatialPlan &p : plans) {
    low.push_back(p.padBegin);
    high.push_back(p.high);
  }
  return tensor::PadOp::create(b, loc, Type(), input, low, high, value)
      .getResult();
}

SmallVector<OpFoldResult> windowOutputSizes(OpBuilder &b, Location loc,
                                            Value input, OpFoldResult channels,
                                            ArrayRef<SpatialPlan> plans) {
  SmallVector<OpFoldResult> sizes = {tensor::getMixedSize(b, loc, input, 0),
                                     channels};
  for (const SpatialPlan &p : plans)
    sizes.push_back(p.out);
  return sizes;
}

SmallVector<WindowDim> windowDims(ArrayRef<int64_t> kernel,
                                  ArrayRef<int64_t> strides,
                                  ArrayRef<int64_t> dilations,
                                  ArrayRef<int64_t> pads) {
  SmallVector<WindowDim> dims;
  int64_t k = kernel.size();
  for (int64_t i = 0; i < k; ++i)
    dims.push_back({kernel[i], strides[i], dilations[i], pads[i], pads[i + k]});
  return dims;
}

//===----------------------------------------------------------------------===//
// Shared builders
//===----------------------------------------------------------------------===//


Value constantOf(OpBuilder &b, Location loc, Type type, double value) {
  if (isa<FloatType>(type))
    return arith::ConstantOp::create(b, loc, type, b.getFloatAttr(type, value));
  return arith::ConstantOp::create(b, loc, type,
                                   b.getIntegerAttr(type, (int64_t)value));
}

Value lowestOf(OpBuilder &b, Location loc, Type type) {
  if (auto f = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(
        b, loc, type,
        b.getFloatAttr(type, APFloat::getInf(f.getFloatSemantics(), true)));
  return arith::ConstantOp::create(
      b, loc, type,
      b.getIntegerAttr(type, APInt::getSignedMinValue(
                                 type.getIntOrFloatBitWidth())));
}

Value filledTensor(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                   Type element, Value value) {
  Value empty = tensor::EmptyOp::create(b, loc, sizes, element);
  return linalg::FillOp::create(b, loc, value, empty).getResult(0);
}

Value castElements(OpBuilder &b, Location loc, Value value, Type element) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getElementType() == element)
    return value;
  return buildElementwise(
      b, loc, type.clone(element), value,
      [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
        return convertScalar(nb, nloc, args[0], element);
      });
}

} // namespace kiln::model_to_linalg
