//===- SSDToLinalg.cpp - fused.ssd by the chunked SSD algorithm -----------===//
// Mamba-2's chunked scan ("Transformers are SSMs", section 6) as an scf.for
// over chunks of `chunk_size` steps carrying the [batch, heads, head_dim,
// state] state, each iteration a handful of linalg generics:
//
//   acum[i]   = a[0] + ... + a[i]                       (within the chunk)
//   y[i]      = sum_{j<=i} (C[i].B[j]) exp(acum[i] - acum[j]) x[j]   (intra)
//             + exp(acum[i]) C[i] . state                          (inter)
//             (+ d * x[i])
//   state'    = exp(acum[q-1]) state + sum_j exp(acum[q-1] - acum[j]) x[j] B[j]^T
//
// Work and memory are linear in the sequence length (quadratic only in the
// chunk). It is both the reference decomposition every target can fall back
// on and the CPU lowering. The last chunk may be partial. Sizes the operands
// must share are checked at run time when dynamic; after a failed check the
// code runs on the smallest of them (or on zeros for the static head/group
// counts), so nothing is read out of bounds.
#include "dialects/Fused/IR/FusedOps.h"
#include "passes/Conversion/FusedToLinalg/FusedTiling.h"
#include "passes/Conversion/ModelToLinalg/ModelToLinalg.h"
#include "passes/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using kiln::model_to_linalg::accumulatorType;
using kiln::model_to_linalg::convertScalar;
using kiln::model_to_linalg::dimValue;
using kiln::model_to_linalg::emitRuntimeCheck;
using kiln::model_to_linalg::zerosOfType;

namespace {

using Body = llvm::function_ref<Value(OpBuilder &, Location, ValueRange)>;

/// A tensor type of `sizes` (static where constant).
RankedTensorType typeOf(ArrayRef<OpFoldResult> sizes, Type element) {
  SmallVector<int64_t> shape;
  for (OpFoldResult s : sizes)
    shape.push_back(getConstantIntValue(s).value_or(ShapedType::kDynamic));
  return RankedTensorType::get(shape, element);
}

Value zeros(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
            Type element) {
  return zerosOfType(b, loc, typeOf(sizes, element), sizes);
}

/// A generic over `numLoops` loops writing `init` through `outMap`; the body
/// sees the inputs converted to the accumulator type `acc`, then the output.
Value generic(OpBuilder &b, Location loc, unsigned numLoops, Type acc,
              ValueRange inputs, ArrayRef<AffineMap> inputMaps, Value init,
              AffineMap outMap, ArrayRef<utils::IteratorType> iterators,
              Body body) {
  SmallVector<AffineMap> maps(inputMaps.begin(), inputMaps.end());
  maps.push_back(outMap);
  (void)numLoops;
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
             iterators,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               SmallVector<Value> converted;
               for (Value arg : args.drop_back())
                 converted.push_back(convertScalar(nb, l, arg, acc));
               converted.push_back(args.back());
               linalg::YieldOp::create(nb, l, body(nb, l, converted));
             })
      .getResult(0);
}

/// One scan's operands at the sizes they share (`y` and `state` are the
/// destinations), with the static head and group counts.
struct Scan {
  Value x, a, b, c, d, initial, y, state;
  OpFoldResult batch, len, headDim, stateDim;
  int64_t heads = 0, groups = 0, chunk = 0;
};

struct SSDToLinalg : OpConversionPattern<kiln::fused::SSDOp> {
  using OpConversionPattern::OpConversionPattern;

  /// The size one named dim has in every operand that holds it: static when
  /// any holds it statically (the verifier made them agree), else the
  /// smallest run-time size, checked to be the size of all.
  static OpFoldResult commonSize(OpBuilder &b, Location loc, Operation *op,
                                 StringRef what,
                                 ArrayRef<std::pair<Value, int64_t>> uses) {
    std::optional<int64_t> known;
    SmallVector<Value> dynamic;
    for (auto [value, dim] : uses) {
      if (!value)
        continue;
      auto type = cast<RankedTensorType>(value.getType());
      if (type.isDynamicDim(dim))
        dynamic.push_back(tensor::DimOp::create(b, loc, value, dim));
      else
        known = type.getDimSize(dim);
    }
    if (dynamic.empty())
      return b.getIndexAttr(*known);
    Value smallest = known ? arith::ConstantIndexOp::create(b, loc, *known)
                                 .getResult()
                           : dynamic.front();
    for (Value v : dynamic)
      smallest = arith::MinUIOp::create(b, loc, smallest, v);
    Value ok = arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1);
    for (Value v : dynamic)
      ok = arith::AndIOp::create(
          b, loc, ok,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, v, smallest));
    emitRuntimeCheck(b, loc, ok, op,
                     Twine("the operands' ") + what + " sizes differ");
    return smallest;
  }

  /// `value` with dim `dim` made the static `expected` (heads, groups): a
  /// run-time check where it is dynamic, zeros after a failed one.
  static Value guardStatic(OpBuilder &b, Location loc, Operation *op,
                           Value value, int64_t dim, int64_t expected,
                           StringRef what) {
    auto type = cast<RankedTensorType>(value.getType());
    if (!type.isDynamicDim(dim))
      return value;
    SmallVector<int64_t> shape(type.getShape());
    shape[dim] = expected;
    auto staticType = type.clone(shape);
    Value ok = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::eq, dimValue(b, loc, value, dim),
        arith::ConstantIndexOp::create(b, loc, expected));
    emitRuntimeCheck(b, loc, ok, op,
                     Twine(what) + " is not " + Twine(expected));
    return scf::IfOp::create(
               b, loc, ok,
               [&](OpBuilder &nb, Location l) {
                 Value cast = tensor::CastOp::create(nb, l, staticType, value);
                 scf::YieldOp::create(nb, l, cast);
               },
               [&](OpBuilder &nb, Location l) {
                 SmallVector<OpFoldResult> sizes =
                     tensor::getMixedSizes(nb, l, value);
                 sizes[dim] = nb.getIndexAttr(expected);
                 scf::YieldOp::create(nb, l,
                                      zerosOfType(nb, l, staticType, sizes));
               })
        .getResult(0);
  }

  static Value slice(OpBuilder &b, Location loc, Value source,
                     ArrayRef<OpFoldResult> offsets,
                     ArrayRef<OpFoldResult> sizes) {
    SmallVector<OpFoldResult> strides(sizes.size(), b.getIndexAttr(1));
    return tensor::ExtractSliceOp::create(b, loc, source, offsets, sizes,
                                          strides);
  }

  /// The operands of `op` (given as `x` ... `stateInit`), their run-time
  /// sizes checked and every operand cut to the sizes they share: what the
  /// chunked algorithm and the tiling both start from.
  static Scan prepare(OpBuilder &b, kiln::fused::SSDOp op, Value x, Value a,
                      Value bIn, Value cIn, Value d, Value initial,
                      Value yInit, Value stateInit) {
    Location loc = op.getLoc();
    int64_t heads = cast<RankedTensorType>(x.getType()).getDimSize(2);
    auto groups = static_cast<int64_t>(op.getGroups());

    // Static head and group counts everywhere.
    a = guardStatic(b, loc, op, a, 2, heads, "a's head count");
    bIn = guardStatic(b, loc, op, bIn, 2, groups, "b's group count");
    cIn = guardStatic(b, loc, op, cIn, 2, groups, "c's group count");
    yInit = guardStatic(b, loc, op, yInit, 2, heads, "y's head count");
    stateInit = guardStatic(b, loc, op, stateInit, 1, heads,
                            "the final state's head count");
    if (d)
      d = guardStatic(b, loc, op, d, 0, heads, "d's size");
    if (initial)
      initial = guardStatic(b, loc, op, initial, 1, heads,
                            "the initial state's head count");

    Scan scan;
    scan.heads = heads;
    scan.groups = groups;
    scan.chunk = static_cast<int64_t>(op.getChunkSize());
    scan.batch = commonSize(
        b, loc, op, "batch",
        {{x, 0}, {a, 0}, {bIn, 0}, {cIn, 0}, {initial, 0}, {yInit, 0},
         {stateInit, 0}});
    scan.len = commonSize(
        b, loc, op, "sequence length",
        {{x, 1}, {a, 1}, {bIn, 1}, {cIn, 1}, {yInit, 1}});
    scan.headDim = commonSize(
        b, loc, op, "head dim",
        {{x, 3}, {initial, 2}, {yInit, 3}, {stateInit, 2}});
    scan.stateDim = commonSize(
        b, loc, op, "state",
        {{bIn, 3}, {cIn, 3}, {initial, 3}, {stateInit, 3}});
    OpFoldResult h = b.getIndexAttr(heads), g = b.getIndexAttr(groups);
    OpFoldResult zero = b.getIndexAttr(0);
    OpFoldResult batch = scan.batch, len = scan.len, headDim = scan.headDim,
                 stateDim = scan.stateDim;

    // Every operand cut to the common sizes (a no-op when they are proven).
    auto common = [&](Value v, ArrayRef<OpFoldResult> sizes) {
      return slice(b, loc, v, SmallVector<OpFoldResult>(sizes.size(), zero),
                   sizes);
    };
    scan.x = common(x, {batch, len, h, headDim});
    scan.a = common(a, {batch, len, h});
    scan.b = common(bIn, {batch, len, g, stateDim});
    scan.c = common(cIn, {batch, len, g, stateDim});
    scan.d = d;
    scan.y = common(yInit, {batch, len, h, headDim});
    SmallVector<OpFoldResult> stateSizes = {batch, h, headDim, stateDim};
    scan.state = common(stateInit, stateSizes);
    if (initial)
      scan.initial = common(initial, stateSizes);
    return scan;
  }

  /// A tile of a prepared scan: its operands are slices of operands that
  /// share their sizes, so nothing is checked again.
  static Scan trusted(OpBuilder &b, kiln::fused::SSDOp op) {
    Location loc = op.getLoc();
    Scan scan;
    scan.x = op.getX();
    scan.a = op.getA();
    scan.b = op.getB();
    scan.c = op.getC();
    scan.d = op.getD();
    scan.initial = op.getInitialState();
    scan.y = op.getYInit();
    scan.state = op.getStateInit();
    scan.heads = cast<RankedTensorType>(scan.x.getType()).getDimSize(2);
    scan.groups = static_cast<int64_t>(op.getGroups());
    scan.chunk = static_cast<int64_t>(op.getChunkSize());
    scan.batch = tensor::getMixedSize(b, loc, scan.x, 0);
    scan.len = tensor::getMixedSize(b, loc, scan.x, 1);
    scan.headDim = tensor::getMixedSize(b, loc, scan.x, 3);
    scan.stateDim = tensor::getMixedSize(b, loc, scan.b, 3);
    return scan;
  }

  /// The chunked algorithm on a prepared scan: y into `scan.y` and the final
  /// state into `scan.state`, both at the scan's common sizes.
  static std::pair<Value, Value> lowerChunked(OpBuilder &b, Location loc,
                                              const Scan &scan) {
    MLIRContext *ctx = b.getContext();
    Value x = scan.x, a = scan.a, bIn = scan.b, cIn = scan.c, d = scan.d;
    auto element = cast<RankedTensorType>(x.getType()).getElementType();
    Type acc = accumulatorType(element);
    int64_t heads = scan.heads, groups = scan.groups, chunk = scan.chunk;
    int64_t headsPerGroup = heads / groups;
    OpFoldResult batch = scan.batch, len = scan.len, headDim = scan.headDim,
                 stateDim = scan.stateDim;
    OpFoldResult h = b.getIndexAttr(heads), g = b.getIndexAttr(groups);
    OpFoldResult zero = b.getIndexAttr(0);
    Value y = scan.y;
    SmallVector<OpFoldResult> stateSizes = {batch, h, headDim, stateDim};
    Value state;
    if (scan.initial)
      state = kiln::model_to_linalg::convertElements(b, loc, scan.initial,
                                                     acc);
    else
      state = zeros(b, loc, stateSizes, acc);

    Value lenValue = getValueOrCreateConstantIndexOp(b, loc, len);
    Value chunkValue = arith::ConstantIndexOp::create(b, loc, chunk);
    Value numChunks = arith::DivUIOp::create(
        b, loc,
        arith::AddIOp::create(b, loc, lenValue,
                              arith::ConstantIndexOp::create(b, loc, chunk - 1)),
        chunkValue);
    // A static length that the chunk divides gives full chunks only.
    std::optional<int64_t> staticLen = getConstantIntValue(len);
    bool fullChunks = staticLen && *staticLen % chunk == 0;

    auto par = utils::IteratorType::parallel;
    auto red = utils::IteratorType::reduction;
    auto map = [&](unsigned n, ArrayRef<AffineExpr> exprs) {
      return AffineMap::get(n, 0, exprs, ctx);
    };
    AffineExpr d0, d1, d2, d3, d4;
    bindDims(ctx, d0, d1, d2, d3, d4);
    auto fconst = [&](OpBuilder &nb, Location l, double v) -> Value {
      return arith::ConstantOp::create(nb, l, acc, nb.getFloatAttr(acc, v));
    };

    auto loop = scf::ForOp::create(
        b, loc, arith::ConstantIndexOp::create(b, loc, 0), numChunks,
        arith::ConstantIndexOp::create(b, loc, 1), ValueRange{state, y},
        [&](OpBuilder &nb, Location l, Value k, ValueRange carried) {
          Value stateIn = carried[0], yIn = carried[1];
          Value start = arith::MulIOp::create(nb, l, k, chunkValue);
          OpFoldResult q =
              fullChunks
                  ? OpFoldResult(nb.getIndexAttr(chunk))
                  : OpFoldResult(arith::MinUIOp::create(
                                     nb, l, chunkValue,
                                     arith::SubIOp::create(nb, l, lenValue,
                                                           start))
                                     .getResult());
          OpFoldResult s = start;
          Value xs = slice(nb, l, x, {zero, s, zero, zero},
                           {batch, q, h, headDim});
          Value as = slice(nb, l, a, {zero, s, zero}, {batch, q, h});
          Value bs = slice(nb, l, bIn, {zero, s, zero, zero},
                           {batch, q, g, stateDim});
          Value cs = slice(nb, l, cIn, {zero, s, zero, zero},
                           {batch, q, g, stateDim});
          AffineExpr group = d1.floorDiv(headsPerGroup);

          // acum[b, i, h] = sum_{j <= i} a[b, j, h]  (loops b, i, h, j)
          Value acum = generic(
              nb, l, 4, acc, {as}, {map(4, {d0, d3, d2})},
              zeros(nb, l, {batch, q, h}, acc), map(4, {d0, d1, d2}),
              {par, par, par, red},
              [&](OpBuilder &bb, Location ll, ValueRange v) -> Value {
                Value i = linalg::IndexOp::create(bb, ll, 1);
                Value j = linalg::IndexOp::create(bb, ll, 3);
                Value in = arith::CmpIOp::create(
                    bb, ll, arith::CmpIPredicate::ule, j, i);
                Value term = arith::SelectOp::create(bb, ll, in, v[0],
                                                     fconst(bb, ll, 0.0));
                return arith::AddFOp::create(bb, ll, v[1], term);
              });
          // total[b, h] = sum_j a[b, j, h]  (loops b, h, j)
          Value total = generic(
              nb, l, 3, acc, {as}, {map(3, {d0, d2, d1})},
              zeros(nb, l, {batch, h}, acc), map(3, {d0, d1}),
              {par, par, red},
              [&](OpBuilder &bb, Location ll, ValueRange v) -> Value {
                return arith::AddFOp::create(bb, ll, v[1], v[0]);
              });
          // scores[b, h, i, j] = C[b, i, g(h)] . B[b, j, g(h)]
          //   (loops b, h, i, j, n)
          Value scores = generic(
              nb, l, 5, acc, {cs, bs},
              {map(5, {d0, d2, group, d4}), map(5, {d0, d3, group, d4})},
              zeros(nb, l, {batch, h, q, q}, acc), map(5, {d0, d1, d2, d3}),
              {par, par, par, par, red},
              [&](OpBuilder &bb, Location ll, ValueRange v) -> Value {
                return arith::AddFOp::create(
                    bb, ll, v[2], arith::MulFOp::create(bb, ll, v[0], v[1]));
              });
          // The decay mask L: exp(acum[i] - acum[j]) for j <= i, else 0.
          Value masked = generic(
              nb, l, 4, acc, {scores, acum, acum},
              {map(4, {d0, d1, d2, d3}), map(4, {d0, d2, d1}),
               map(4, {d0, d3, d1})},
              tensor::EmptyOp::create(nb, l,
                                      ArrayRef<OpFoldResult>{batch, h, q, q},
                                      acc),
              map(4, {d0, d1, d2, d3}), {par, par, par, par},
              [&](OpBuilder &bb, Location ll, ValueRange v) -> Value {
                Value i = linalg::IndexOp::create(bb, ll, 2);
                Value j = linalg::IndexOp::create(bb, ll, 3);
                Value in = arith::CmpIOp::create(
                    bb, ll, arith::CmpIPredicate::ule, j, i);
                Value decay = math::ExpOp::create(
                    bb, ll, arith::SubFOp::create(bb, ll, v[1], v[2]));
                return arith::SelectOp::create(
                    bb, ll, in, arith::MulFOp::create(bb, ll, v[0], decay),
                    fconst(bb, ll, 0.0));
              });
          // yDiag[b, i, h, p] = sum_j masked[b, h, i, j] x[b, j, h, p]
          //   (loops b, i, h, p, j)
          Value yDiag = generic(
              nb, l, 5, acc, {masked, xs},
              {map(5, {d0, d2, d1, d4}), map(5, {d0, d4, d2, d3})},
              zeros(nb, l, {batch, q, h, headDim}, acc),
              map(5, {d0, d1, d2, d3}), {par, par, par, par, red},
              [&](OpBuilder &bb, Location ll, ValueRange v) -> Value {
                return arith::AddFOp::create(
                    bb, ll, v[2], arith::MulFOp::create(bb, ll, v[0], v[1]));
              });
          // yOff[b, i, h, p] = sum_n C[b, i, g(h), n] state[b, h, p, n]
          //   (loops b, i, h, p, n)
          AffineExpr groupOfD2 = d2.floorDiv(headsPerGroup);
          Value yOff = generic(
              nb, l, 5, acc, {cs, stateIn},
              {map(5, {d0, d1, groupOfD2, d4}), map(5, {d0, d2, d3, d4})},
              zeros(nb, l, {batch, q, h, headDim}, acc),
              map(5, {d0, d1, d2, d3}), {par, par, par, par, red},
              [&](OpBuilder &bb, Location ll, ValueRange v) -> Value {
                return arith::AddFOp::create(
                    bb, ll, v[2], arith::MulFOp::create(bb, ll, v[0], v[1]));
              });
          // y = yDiag + exp(acum) yOff (+ d x), in the element type.
          SmallVector<Value> yInputs = {yDiag, yOff, acum};
          SmallVector<AffineMap> yMaps = {map(4, {d0, d1, d2, d3}),
                                          map(4, {d0, d1, d2, d3}),
                                          map(4, {d0, d1, d2})};
          if (d) {
            yInputs.append({xs, d});
            yMaps.append({map(4, {d0, d1, d2, d3}), map(4, {d2})});
          }
          Value yChunk = generic(
              nb, l, 4, acc, yInputs, yMaps,
              tensor::EmptyOp::create(
                  nb, l, ArrayRef<OpFoldResult>{batch, q, h, headDim},
                  element),
              map(4, {d0, d1, d2, d3}), {par, par, par, par},
              [&](OpBuilder &bb, Location ll, ValueRange v) -> Value {
                Value r = arith::AddFOp::create(
                    bb, ll, v[0],
                    arith::MulFOp::create(
                        bb, ll, math::ExpOp::create(bb, ll, v[2]), v[1]));
                if (v.size() > 4)
                  r = arith::AddFOp::create(
                      bb, ll, r, arith::MulFOp::create(bb, ll, v[4], v[3]));
                return convertScalar(bb, ll, r, element);
              });
          SmallVector<OpFoldResult> ones(4, nb.getIndexAttr(1));
          Value yOut = tensor::InsertSliceOp::create(
              nb, l, yChunk, yIn, ArrayRef<OpFoldResult>{zero, s, zero, zero},
              ArrayRef<OpFoldResult>{batch, q, h, headDim}, ones);

          // The state at the chunk's end: the carried state decayed over
          // the chunk plus each step's x B^T decayed to the end.
          // In place (the destination is the carried state), so that the
          // loop bufferizes to one state buffer.
          Value decayed = generic(
              nb, l, 4, acc, {total}, {map(4, {d0, d1})}, stateIn,
              map(4, {d0, d1, d2, d3}), {par, par, par, par},
              [&](OpBuilder &bb, Location ll, ValueRange v) -> Value {
                return arith::MulFOp::create(
                    bb, ll, math::ExpOp::create(bb, ll, v[0]), v[1]);
              });
          Value toEnd = generic(
              nb, l, 3, acc, {acum, total},
              {map(3, {d0, d1, d2}), map(3, {d0, d2})},
              tensor::EmptyOp::create(nb, l,
                                      ArrayRef<OpFoldResult>{batch, q, h}, acc),
              map(3, {d0, d1, d2}), {par, par, par},
              [&](OpBuilder &bb, Location ll, ValueRange v) -> Value {
                return math::ExpOp::create(
                    bb, ll, arith::SubFOp::create(bb, ll, v[1], v[0]));
              });
          // (loops b, h, p, n, j)
          Value stateOut = generic(
              nb, l, 5, acc, {toEnd, bs, xs},
              {map(5, {d0, d4, d1}), map(5, {d0, d4, group, d3}),
               map(5, {d0, d4, d1, d2})},
              decayed, map(5, {d0, d1, d2, d3}), {par, par, par, par, red},
              [&](OpBuilder &bb, Location ll, ValueRange v) -> Value {
                Value term = arith::MulFOp::create(
                    bb, ll, arith::MulFOp::create(bb, ll, v[0], v[1]), v[2]);
                return arith::AddFOp::create(bb, ll, v[3], term);
              });
          scf::YieldOp::create(nb, l, ValueRange{stateOut, yOut});
        });

    SmallVector<OpFoldResult> ones(4, b.getIndexAttr(1));
    SmallVector<OpFoldResult> origin(4, zero);
    Value finalState = kiln::model_to_linalg::convertElements(
        b, loc, loop.getResult(0), element);
    Value stateResult = tensor::InsertSliceOp::create(
        b, loc, finalState, scan.state, origin, stateSizes, ones);
    return {loop.getResult(1), stateResult};
  }

  /// `scan`'s results placed into the destinations of `op`'s shape.
  static SmallVector<Value> place(OpBuilder &b, kiln::fused::SSDOp op,
                                  Value yInit, Value stateInit,
                                  const Scan &scan, Value y, Value state) {
    Location loc = op.getLoc();
    OpFoldResult zero = b.getIndexAttr(0);
    SmallVector<OpFoldResult> ones(4, b.getIndexAttr(1));
    SmallVector<OpFoldResult> origin(4, zero);
    OpFoldResult h = b.getIndexAttr(scan.heads);
    Value yResult = tensor::InsertSliceOp::create(
        b, loc, y, yInit, origin,
        ArrayRef<OpFoldResult>{scan.batch, scan.len, h, scan.headDim}, ones);
    Value stateResult = tensor::InsertSliceOp::create(
        b, loc, state, stateInit, origin,
        ArrayRef<OpFoldResult>{scan.batch, h, scan.headDim, scan.stateDim},
        ones);
    auto cast = [&](Value v, Type t) -> Value {
      return v.getType() == t ? v : tensor::CastOp::create(b, loc, t, v);
    };
    return {cast(yResult, op.getY().getType()),
            cast(stateResult, op.getFinalState().getType())};
  }

  LogicalResult
  matchAndRewrite(kiln::fused::SSDOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Scan scan = prepare(rewriter, op, adaptor.getX(), adaptor.getA(),
                        adaptor.getB(), adaptor.getC(), adaptor.getD(),
                        adaptor.getInitialState(), adaptor.getYInit(),
                        adaptor.getStateInit());
    auto [y, state] = lowerChunked(rewriter, op.getLoc(), scan);
    rewriter.replaceOp(op, place(rewriter, op, adaptor.getYInit(),
                                 adaptor.getStateInit(), scan, y, state));
    return success();
  }
};

} // namespace

void kiln::populateSSDToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<SSDToLinalg>(patterns.getContext());
}

LogicalResult kiln::lowerSSDByTiles(RewriterBase &rewriter,
                                    fused::SSDOp op, int64_t headTile) {
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);
  Location loc = op.getLoc();
  // The run-time checks on the whole op, before any tile exists: one
  // message per failed check, naming the node, and tiles that only slice
  // operands of the sizes they share.
  Scan scan = SSDToLinalg::prepare(
      rewriter, op, op.getX(), op.getA(), op.getB(), op.getC(), op.getD(),
      op.getInitialState(), op.getYInit(), op.getStateInit());
  auto whole = fused::SSDOp::create(
      rewriter, loc, scan.y.getType(), scan.state.getType(), scan.x, scan.a,
      scan.b, scan.c, scan.d, scan.initial, scan.y, scan.state,
      op.getChunkSizeAttr(), op.getGroupsAttr());
  // A head tile must divide the heads (no partial tile, whose size would
  // not be constant) and respect the groups; else one head per tile.
  int64_t perGroup = scan.heads / scan.groups;
  if (headTile <= 0 || scan.heads % headTile != 0 ||
      (headTile % perGroup != 0 && perGroup % headTile != 0))
    headTile = 1;
  scf::SCFTilingOptions options;
  options.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
  options.setTileSizes(
      {rewriter.getIndexAttr(1), rewriter.getIndexAttr(headTile)});
  FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
      rewriter, cast<TilingInterface>(whole.getOperation()), options);
  if (failed(tiled))
    return failure();
  SmallVector<Value> replacements = tiled->replacements;
  rewriter.replaceOp(whole, replacements);
  for (Operation *tileOp : tiled->tiledOps) {
    auto tile = dyn_cast<fused::SSDOp>(tileOp);
    if (!tile)
      continue;
    rewriter.setInsertionPoint(tile);
    Scan tileScan = SSDToLinalg::trusted(rewriter, tile);
    auto [y, state] = SSDToLinalg::lowerChunked(rewriter, loc, tileScan);
    rewriter.replaceOp(tile, SSDToLinalg::place(rewriter, tile,
                                                tile.getYInit(),
                                                tile.getStateInit(), tileScan,
                                                y, state));
  }
  rewriter.setInsertionPointAfterValue(replacements.back());
  rewriter.replaceOp(op, SSDToLinalg::place(rewriter, op, op.getYInit(),
                                            op.getStateInit(), scan,
                                            replacements[0],
                                            replacements[1]));
  return success();
}
