//===- Recurrent.cpp - rnn, gru and lstm to a loop over time steps --------===//
//
// Per direction:
//   1. The input projection of every step at once, one contraction
//      xp[s, b, :] = x[s, b, :] W_d^T + bias (the input and recurrent biases
//      that add to it, so that steps do not add them again).
//   2. An scf.for over the steps carrying the state tensors [B, H] (h, and
//      c for lstm) and the direction's output [S, B, H]. Each step is the
//      gate matmul(s) h R^T (linalg.matmul reading R transposed, accumulating
//      into the step's slice of xp) and one linalg.generic computing the
//      gates, the new state and the step's output.
//   3. With sequence_lens, batch entry b takes only steps t < len[b]: later
//      steps keep its state and write 0 to y. The reverse direction runs over
//      each entry's valid steps backwards, so xp is permuted per entry before
//      the loop (step k reads time len[b] - 1 - k) and y back after it.
//
// Sizes the compiler cannot prove (symbolic dims of x and the initial states
// that must agree, a declared result more static than the input) are one
// run-time check; after a failed one the operands are zeros of the expected
// sizes. sequence_lens entries outside [0, S] are a run-time check too, and
// are clamped into it so that every access stays in bounds.
//
//===----------------------------------------------------------------------===//
#include "passes/Conversion/ModelToLinalg/ModelToLinalg.h"
#include "passes/Conversion/ModelToLinalg/Window.h"

#include "dialects/Model/IR/ModelOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace kiln::model;
using namespace kiln::model_to_linalg;

namespace {

enum class Family { Rnn, Gru, Lstm };

/// The attributes and lowered operands of one recurrent op.
struct Recurrent {
  Family family;
  int64_t gates, hidden, directions;
  bool reverseOnly = false;      ///< direction = reverse
  bool linearBeforeReset = false; ///< gru
  bool inputForget = false;       ///< lstm
  std::optional<double> clip;
  SmallVector<StringRef> activations;
  Value x, w, r, bias, lens, h0, c0, peepholes;
  Type element;
};

SmallVector<int64_t> staticShape(ArrayRef<OpFoldResult> sizes) {
  SmallVector<int64_t> shape;
  for (OpFoldResult s : sizes)
    shape.push_back(getConstantIntValue(s).value_or(ShapedType::kDynamic));
  return shape;
}

RankedTensorType tensorOf(ArrayRef<OpFoldResult> sizes, Type element) {
  return RankedTensorType::get(staticShape(sizes), element);
}

/// The slice of `source` at `offsets` with `sizes`, dropping the dims that
/// `type` (the result) does not have; unit strides.
Value sliceOf(OpBuilder &b, Location loc, Value source,
              ArrayRef<OpFoldResult> offsets, ArrayRef<OpFoldResult> sizes,
              RankedTensorType type) {
  SmallVector<OpFoldResult> strides(offsets.size(), b.getIndexAttr(1));
  return tensor::ExtractSliceOp::create(b, loc, type, source, offsets, sizes,
                                        strides);
}

Value insertInto(OpBuilder &b, Location loc, Value source, Value dest,
                 ArrayRef<OpFoldResult> offsets, ArrayRef<OpFoldResult> sizes) {
  SmallVector<OpFoldResult> strides(offsets.size(), b.getIndexAttr(1));
  return tensor::InsertSliceOp::create(b, loc, source, dest, offsets, sizes,
                                       strides);
}

/// Columns [offset, offset + width) of the 2-D `t`.
Value columns(OpBuilder &b, Location loc, Value t, int64_t offset,
              int64_t width) {
  OpFoldResult rows = tensor::getMixedSize(b, loc, t, 0);
  SmallVector<OpFoldResult> sizes = {rows, b.getIndexAttr(width)};
  return sliceOf(b, loc, t, {b.getIndexAttr(0), b.getIndexAttr(offset)},
                 sizes,
                 tensorOf(sizes, cast<RankedTensorType>(t.getType())
                                     .getElementType()));
}

/// lhs [M, K] times rhs [N, K] transposed, accumulated into init [M, N].
Value matmulTransposed(OpBuilder &b, Location loc, Value lhs, Value rhs,
                       Value init) {
  MLIRContext *ctx = b.getContext();
  AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx),
             k = getAffineDimExpr(2, ctx);
  SmallVector<AffineMap> maps = {AffineMap::get(3, 0, {m, k}, ctx),
                                 AffineMap::get(3, 0, {n, k}, ctx),
                                 AffineMap::get(3, 0, {m, n}, ctx)};
  auto matmul = linalg::MatmulOp::create(b, loc, TypeRange{init.getType()},
                                         ValueRange{lhs, rhs}, init);
  matmul.setIndexingMapsAttr(b.getAffineMapArrayAttr(maps));
  return matmul.getResult(0);
}

/// An operand of a step's generic over (b, j) in [B, H]: a [B, H] tensor,
/// a per-unit [H] vector, or the per-entry [B] lengths.
enum class StepOperand { State, PerUnit, PerEntry };

/// The scalars of a step's generic: its inputs, then the previous values of
/// the carried state.
using StepBody = function_ref<SmallVector<Value>(OpBuilder &, Location,
                                                 ValueRange, ValueRange)>;

/// A linalg.generic over [B, H] like `like` whose body maps the scalars of
/// `ins` and of `carried` (state tensors [B, H], which the generic updates:
/// its outputs are them, so that the loop yields the buffers it was given)
/// to new carried values, then `numFresh` fresh [B, H] results.
SmallVector<Value> buildStep(OpBuilder &b, Location loc, Value like,
                             Type element,
                             ArrayRef<std::pair<Value, StepOperand>> ins,
                             ValueRange carried, int64_t numFresh,
                             StepBody body) {
  MLIRContext *ctx = b.getContext();
  AffineExpr bd = getAffineDimExpr(0, ctx), j = getAffineDimExpr(1, ctx);
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  for (auto [value, kind] : ins) {
    inputs.push_back(value);
    SmallVector<AffineExpr> exprs;
    if (kind == StepOperand::State)
      exprs = {bd, j};
    else if (kind == StepOperand::PerUnit)
      exprs = {j};
    else
      exprs = {bd};
    maps.push_back(AffineMap::get(2, 0, exprs, ctx));
  }
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, like);
  SmallVector<Value> outs(carried.begin(), carried.end());
  for (int64_t i = 0; i < numFresh; ++i)
    outs.push_back(tensor::EmptyOp::create(b, loc, sizes, element));
  SmallVector<Type> types;
  for (Value out : outs) {
    types.push_back(out.getType());
    maps.push_back(b.getMultiDimIdentityMap(2));
  }
  SmallVector<utils::IteratorType> iterators(2, utils::IteratorType::parallel);
  int64_t numIns = ins.size(), numCarried = carried.size();
  auto generic = linalg::GenericOp::create(
      b, loc, types, inputs, outs, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(
            nb, nloc,
            body(nb, nloc, args.take_front(numIns),
                 args.slice(numIns, numCarried)));
      });
  SmallVector<Value> results(generic.getResults());
  // A state the body never reads (h without sequence_lens) would lose its
  // tie to the loop's buffer (canonicalization gives such outputs a fresh
  // tensor); a copy into the carried tensor keeps it.
  Block *payload = generic.getBody();
  for (int64_t i = 0; i < numCarried; ++i)
    if (payload->getArgument(numIns + i).use_empty())
      results[i] =
          linalg::CopyOp::create(b, loc, results[i], carried[i]).getResult(0);
  return results;
}

/// Scalar arithmetic of the step bodies.
struct Scalar {
  OpBuilder &b;
  Location loc;
  Type element;
  std::optional<double> clip;

  Value c(double v) { return constantOf(b, loc, element, v); }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value select(Value cond, Value x, Value y) {
    return cond ? arith::SelectOp::create(b, loc, cond, x, y).getResult() : x;
  }
  /// An ONNX activation, its input clipped to [-clip, clip] first.
  Value activate(StringRef name, Value x) {
    if (clip) {
      x = arith::MaximumFOp::create(b, loc, x, c(-*clip));
      x = arith::MinimumFOp::create(b, loc, x, c(*clip));
    }
    if (name == "Tanh")
      return math::TanhOp::create(b, loc, x);
    if (name == "Relu")
      return arith::MaximumFOp::create(b, loc, x, c(0));
    // Sigmoid: 1 / (1 + exp(-x)).
    Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
    return arith::DivFOp::create(b, loc, c(1), add(c(1), e));
  }
};

/// The i1 "step k is valid for this entry" (len > k), or null without
/// sequence_lens.
Value validStep(OpBuilder &b, Location loc, Value len, Value stepI32) {
  if (!len)
    return Value();
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, len,
                               stepI32);
}

/// The per-entry time permutation of the reverse direction, as a gather
/// out[s, b, :] = t[pos(s, b), b, :] with pos = len[b] - 1 - s for s <
/// len[b] and s otherwise (S - 1 - s without lengths). It is its own
/// inverse on the valid steps, so it maps the input to step order and the
/// step-order output back.
Value reverseTime(OpBuilder &b, Location loc, Value t, Value lens) {
  auto type = cast<RankedTensorType>(t.getType());
  MLIRContext *ctx = b.getContext();
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, t);
  Value empty = tensor::EmptyOp::create(b, loc, sizes, type.getElementType());
  Value steps = dimValue(b, loc, t, 0);
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  if (lens) {
    inputs.push_back(lens);
    maps.push_back(AffineMap::get(3, 0, {getAffineDimExpr(1, ctx)}, ctx));
  }
  maps.push_back(b.getMultiDimIdentityMap(3));
  SmallVector<utils::IteratorType> iterators(3, utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, type, inputs, empty, maps, iterators,
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               Value s = linalg::IndexOp::create(nb, nloc, 0);
               Value bi = linalg::IndexOp::create(nb, nloc, 1);
               Value n = linalg::IndexOp::create(nb, nloc, 2);
               Value one = arith::ConstantIndexOp::create(nb, nloc, 1);
               Value len = lens ? arith::IndexCastOp::create(
                                      nb, nloc, nb.getIndexType(), args[0])
                                      .getResult()
                                : steps;
               Value mirrored = arith::SubIOp::create(
                   nb, nloc, arith::SubIOp::create(nb, nloc, len, one), s);
               Value pos = mirrored;
               if (lens) {
                 Value inside = arith::CmpIOp::create(
                     nb, nloc, arith::CmpIPredicate::slt, s, len);
                 pos = arith::SelectOp::create(nb, nloc, inside, mirrored, s);
               }
               linalg::YieldOp::create(
                   nb, nloc,
                   tensor::ExtractOp::create(nb, nloc, t,
                                             ValueRange{pos, bi, n})
                       .getResult());
             })
      .getResult(0);
}

/// The part of the bias added to every step's input projection, [G*H]:
/// Wb + Rb, except gru's Rb_h under linear_before_reset (which the reset
/// gate scales, so it stays in the step). Zeros without a bias.
Value inputBias(OpBuilder &b, Location loc, const Recurrent &op, int64_t d) {
  int64_t gh = op.gates * op.hidden;
  Type element = op.element;
  auto vector = RankedTensorType::get({gh}, element);
  if (!op.bias)
    return filledTensor(b, loc, {b.getIndexAttr(gh)}, element,
                        constantOf(b, loc, element, 0));
  auto half = [&](int64_t offset) {
    return sliceOf(b, loc, op.bias, {b.getIndexAttr(d), b.getIndexAttr(offset)},
                   {b.getIndexAttr(1), b.getIndexAttr(gh)}, vector);
  };
  int64_t recurrentEnd =
      op.family == Family::Gru && op.linearBeforeReset ? 2 * op.hidden : gh;
  Value empty = tensor::EmptyOp::create(b, loc, vector.getShape(), element);
  AffineMap id = b.getMultiDimIdentityMap(1);
  return linalg::GenericOp::create(
             b, loc, vector, ValueRange{half(0), half(gh)}, empty,
             ArrayRef<AffineMap>{id, id, id},
             ArrayRef<utils::IteratorType>{utils::IteratorType::parallel},
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               Value sum = arith::AddFOp::create(nb, nloc, args[0], args[1]);
               if (recurrentEnd != gh) {
                 Value j = linalg::IndexOp::create(nb, nloc, 0);
                 Value inRange = arith::CmpIOp::create(
                     nb, nloc, arith::CmpIPredicate::slt, j,
                     arith::ConstantIndexOp::create(nb, nloc, recurrentEnd));
                 sum = arith::SelectOp::create(nb, nloc, inRange, sum, args[0]);
               }
               linalg::YieldOp::create(nb, nloc, sum);
             })
      .getResult(0);
}

/// xp [S, B, G*H] = x W_d^T + inputBias, one contraction over all steps.
Value inputProjection(OpBuilder &b, Location loc, const Recurrent &op,
                      int64_t d, ArrayRef<OpFoldResult> sb) {
  MLIRContext *ctx = b.getContext();
  int64_t gh = op.gates * op.hidden;
  auto wType = cast<RankedTensorType>(op.w.getType());
  int64_t inputSize = wType.getDimSize(2);
  Value wd = sliceOf(b, loc, op.w,
                     {b.getIndexAttr(d), b.getIndexAttr(0), b.getIndexAttr(0)},
                     {b.getIndexAttr(1), b.getIndexAttr(gh),
                      b.getIndexAttr(inputSize)},
                     RankedTensorType::get({gh, inputSize}, op.element));
  Value bias = inputBias(b, loc, op, d);
  SmallVector<OpFoldResult> sizes = {sb[0], sb[1], b.getIndexAttr(gh)};
  RankedTensorType type = tensorOf(sizes, op.element);
  Value empty = tensor::EmptyOp::create(b, loc, sizes, op.element);
  AffineExpr s = getAffineDimExpr(0, ctx), bd = getAffineDimExpr(1, ctx),
             n = getAffineDimExpr(2, ctx), k = getAffineDimExpr(3, ctx);
  SmallVector<utils::IteratorType> parallel(3, utils::IteratorType::parallel);
  Value init =
      linalg::GenericOp::create(
          b, loc, type, bias, empty,
          ArrayRef<AffineMap>{AffineMap::get(3, 0, {n}, ctx),
                              b.getMultiDimIdentityMap(3)},
          parallel,
          [&](OpBuilder &nb, Location nloc, ValueRange args) {
            linalg::YieldOp::create(nb, nloc, args[0]);
          })
          .getResult(0);
  SmallVector<AffineMap> maps = {AffineMap::get(4, 0, {s, bd, k}, ctx),
                                 AffineMap::get(4, 0, {n, k}, ctx),
                                 AffineMap::get(4, 0, {s, bd, n}, ctx)};
  return linalg::ContractOp::create(b, loc, TypeRange{type},
                                    ValueRange{op.x, wd}, init,
                                    b.getAffineMapArrayAttr(maps))
      .getResult(0);
}

/// Rows [offset, offset + count) of direction d of a [D, G*H, K] weight.
Value weightRows(OpBuilder &b, Location loc, Value w, int64_t d,
                 int64_t offset, int64_t count, Type element) {
  auto type = cast<RankedTensorType>(w.getType());
  int64_t k = type.getDimSize(2);
  return sliceOf(b, loc, w,
                 {b.getIndexAttr(d), b.getIndexAttr(offset), b.getIndexAttr(0)},
                 {b.getIndexAttr(1), b.getIndexAttr(count), b.getIndexAttr(k)},
                 RankedTensorType::get({count, k}, element));
}

/// Direction d of a [D, B, H] state (zeros when absent).
Value stateOf(OpBuilder &b, Location loc, Value state, int64_t d,
              ArrayRef<OpFoldResult> bh, Type element) {
  if (!state)
    return filledTensor(b, loc, bh, element, constantOf(b, loc, element, 0));
  return sliceOf(b, loc, state,
                 {b.getIndexAttr(d), b.getIndexAttr(0), b.getIndexAttr(0)},
                 {b.getIndexAttr(1), bh[0], bh[1]}, tensorOf(bh, element));
}

/// What one step computes from the step's projection xk [B, G*H] and the
/// carried state: the new state (h, and c for lstm) and the step's output.
struct StepResult {
  Value h, c, y;
};

StepResult buildCell(OpBuilder &b, Location loc, const Recurrent &op,
                     int64_t d, Value xk, Value h, Value c, Value len,
                     Value stepI32, ArrayRef<Value> loopInvariants) {
  int64_t hs = op.hidden;
  Type element = op.element;
  ArrayRef<StringRef> acts = ArrayRef<StringRef>(op.activations)
                                 .slice(d * (op.activations.size() /
                                             op.directions),
                                        op.activations.size() / op.directions);
  SmallVector<std::pair<Value, StepOperand>> lenOperand;
  if (len)
    lenOperand.push_back({len, StepOperand::PerEntry});
  // Keeps the state of an entry past its length and writes 0 for it.
  auto finish = [&](Scalar &s, Value valid, ArrayRef<Value> updated,
                    ArrayRef<Value> previous) {
    SmallVector<Value> results;
    for (auto [u, p] : llvm::zip(updated, previous))
      results.push_back(s.select(valid, u, p));
    results.push_back(s.select(valid, updated[0], s.c(0)));
    return results;
  };
  auto withLen = [&](SmallVector<std::pair<Value, StepOperand>> ins) {
    ins.append(lenOperand.begin(), lenOperand.end());
    return ins;
  };
  auto validOf = [&](OpBuilder &nb, Location nloc, ValueRange args) {
    return len ? validStep(nb, nloc, args.back(), stepI32) : Value();
  };

  if (op.family == Family::Rnn) {
    Value pre = matmulTransposed(b, loc, h, loopInvariants[0], xk);
    SmallVector<Value> r = buildStep(
        b, loc, h, element, withLen({{pre, StepOperand::State}}), h, 1,
        [&](OpBuilder &nb, Location nloc, ValueRange args, ValueRange prev) {
          Scalar s{nb, nloc, element, op.clip};
          Value updated = s.activate(acts[0], args[0]);
          return finish(s, validOf(nb, nloc, args), {updated}, {prev[0]});
        });
    return {r[0], Value(), r[1]};
  }

  if (op.family == Family::Gru) {
    // loopInvariants: R_zr [2H, H], R_h [H, H], and under
    // linear_before_reset Rb_h broadcast to [B, H].
    Value zr = matmulTransposed(b, loc, h, loopInvariants[0],
                                columns(b, loc, xk, 0, 2 * hs));
    Value zPre = columns(b, loc, zr, 0, hs), rPre = columns(b, loc, zr, hs, hs);
    Value xh = columns(b, loc, xk, 2 * hs, hs);
    Value candidatePre; // the input of g, less xh under linear_before_reset
    Value rGate;        // r under linear_before_reset
    if (op.linearBeforeReset) {
      candidatePre = matmulTransposed(b, loc, h, loopInvariants[1],
                                      loopInvariants[2]);
      rGate = rPre;
    } else {
      Value resetH =
          buildStep(b, loc, h, element,
                    {{rPre, StepOperand::State}, {h, StepOperand::State}},
                    {}, 1,
                    [&](OpBuilder &nb, Location nloc, ValueRange args,
                        ValueRange) {
                      Scalar s{nb, nloc, element, op.clip};
                      return SmallVector<Value>{
                          s.mul(s.activate(acts[0], args[0]), args[1])};
                    })[0];
      candidatePre = matmulTransposed(b, loc, resetH, loopInvariants[1], xh);
    }
    SmallVector<std::pair<Value, StepOperand>> ins = {
        {zPre, StepOperand::State}, {candidatePre, StepOperand::State}};
    if (op.linearBeforeReset)
      ins.append({{rGate, StepOperand::State}, {xh, StepOperand::State}});
    bool lbr = op.linearBeforeReset;
    SmallVector<Value> r = buildStep(
        b, loc, h, element, withLen(ins), h, 1,
        [&](OpBuilder &nb, Location nloc, ValueRange args, ValueRange carried) {
          Scalar s{nb, nloc, element, op.clip};
          Value z = s.activate(acts[0], args[0]);
          Value pre = args[1];
          if (lbr)
            pre = s.add(args[3], s.mul(s.activate(acts[0], args[2]), pre));
          Value candidate = s.activate(acts[1], pre);
          Value prev = carried[0];
          Value updated =
              s.add(s.mul(s.sub(s.c(1), z), candidate), s.mul(z, prev));
          return finish(s, validOf(nb, nloc, args), {updated}, {prev});
        });
    return {r[0], Value(), r[1]};
  }

  // lstm, gates i, o, f, c; loopInvariants: R [4H, H], then P_i, P_o, P_f
  // ([H] each) with peepholes.
  Value gatesPre = matmulTransposed(b, loc, h, loopInvariants[0], xk);
  SmallVector<std::pair<Value, StepOperand>> ins;
  for (int64_t g = 0; g < 4; ++g)
    ins.push_back({columns(b, loc, gatesPre, g * hs, hs), StepOperand::State});
  bool peep = loopInvariants.size() > 1;
  if (peep)
    for (int64_t g = 0; g < 3; ++g)
      ins.push_back({loopInvariants[1 + g], StepOperand::PerUnit});
  bool inputForget = op.inputForget;
  SmallVector<Value> r = buildStep(
      b, loc, h, element, withLen(ins), ValueRange{h, c}, 1,
      [&](OpBuilder &nb, Location nloc, ValueRange args, ValueRange carried) {
        Scalar s{nb, nloc, element, op.clip};
        Value hPrev = carried[0], cPrev = carried[1];
        auto peephole = [&](Value pre, int64_t p, Value cell) {
          return peep ? s.add(pre, s.mul(args[4 + p], cell)) : pre;
        };
        Value i = s.activate(acts[0], peephole(args[0], 0, cPrev));
        Value f = inputForget
                      ? s.sub(s.c(1), i)
                      : s.activate(acts[0], peephole(args[2], 2, cPrev));
        Value candidate = s.activate(acts[1], args[3]);
        Value cell = s.add(s.mul(f, cPrev), s.mul(i, candidate));
        Value o = s.activate(acts[0], peephole(args[1], 1, cell));
        Value updated = s.mul(o, s.activate(acts[2], cell));
        SmallVector<Value> out =
            finish(s, validOf(nb, nloc, args), {updated, cell}, {hPrev, cPrev});
        return out; // h, c, y
      });
  return {r[0], r[1], r[2]};
}

/// The loop-invariant operands of direction d's cell (see buildCell).
SmallVector<Value> cellInvariants(OpBuilder &b, Location loc,
                                  const Recurrent &op, int64_t d,
                                  ArrayRef<OpFoldResult> bh) {
  int64_t hs = op.hidden;
  Type element = op.element;
  if (op.family == Family::Rnn)
    return {weightRows(b, loc, op.r, d, 0, hs, element)};
  if (op.family == Family::Gru) {
    SmallVector<Value> result = {
        weightRows(b, loc, op.r, d, 0, 2 * hs, element),
        weightRows(b, loc, op.r, d, 2 * hs, hs, element)};
    if (op.linearBeforeReset) {
      // Rb_h broadcast to [B, H]: the h-gate matmul accumulates into it.
      RankedTensorType type = tensorOf(bh, element);
      Value empty = tensor::EmptyOp::create(b, loc, bh, element);
      if (!op.bias) {
        result.push_back(
            filledTensor(b, loc, bh, element, constantOf(b, loc, element, 0)));
      } else {
        Value rbh = sliceOf(
            b, loc, op.bias,
            {b.getIndexAttr(d), b.getIndexAttr(op.gates * hs + 2 * hs)},
            {b.getIndexAttr(1), b.getIndexAttr(hs)},
            RankedTensorType::get({hs}, element));
        MLIRContext *ctx = b.getContext();
        result.push_back(
            linalg::GenericOp::create(
                b, loc, type, rbh, empty,
                ArrayRef<AffineMap>{
                    AffineMap::get(2, 0, {getAffineDimExpr(1, ctx)}, ctx),
                    b.getMultiDimIdentityMap(2)},
                SmallVector<utils::IteratorType>(
                    2, utils::IteratorType::parallel),
                [&](OpBuilder &nb, Location nloc, ValueRange args) {
                  linalg::YieldOp::create(nb, nloc, args[0]);
                })
                .getResult(0));
      }
    }
    return result;
  }
  SmallVector<Value> result = {
      weightRows(b, loc, op.r, d, 0, 4 * hs, element)};
  if (op.peepholes)
    for (int64_t g = 0; g < 3; ++g)
      result.push_back(sliceOf(
          b, loc, op.peepholes, {b.getIndexAttr(d), b.getIndexAttr(g * hs)},
          {b.getIndexAttr(1), b.getIndexAttr(hs)},
          RankedTensorType::get({hs}, element)));
  return result;
}

/// The outputs of the whole op: y [S, D, B, H] (null when nothing reads
/// it), y_h and y_c [D, B, H].
struct RecurrentResults {
  Value y, yh, yc;
};

RecurrentResults buildRecurrent(OpBuilder &b, Location loc,
                                const Recurrent &op, OpFoldResult steps,
                                OpFoldResult batch, bool needY) {
  Type element = op.element;
  int64_t hs = op.hidden;
  OpFoldResult hSize = b.getIndexAttr(hs), one = b.getIndexAttr(1),
               zero = b.getIndexAttr(0);
  SmallVector<OpFoldResult> bh = {batch, hSize};
  SmallVector<OpFoldResult> sbh = {steps, batch, hSize};
  SmallVector<OpFoldResult> stateSizes = {b.getIndexAttr(op.directions), batch,
                                          hSize};
  Value y;
  if (needY)
    y = tensor::EmptyOp::create(
        b, loc,
        SmallVector<OpFoldResult>{steps, b.getIndexAttr(op.directions), batch,
                                  hSize},
        element);
  Value yh = tensor::EmptyOp::create(b, loc, stateSizes, element);
  Value yc = op.family == Family::Lstm
                 ? tensor::EmptyOp::create(b, loc, stateSizes, element)
                       .getResult()
                 : Value();
  Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
  Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
  Value stepCount = getValueOrCreateConstantIndexOp(b, loc, steps);
  for (int64_t d = 0; d < op.directions; ++d) {
    bool reverse = d == 1 || op.reverseOnly;
    Value xp = inputProjection(b, loc, op, d, sbh);
    if (reverse)
      xp = reverseTime(b, loc, xp, op.lens);
    SmallVector<Value> invariants = cellInvariants(b, loc, op, d, bh);
    SmallVector<Value> init = {stateOf(b, loc, op.h0, d, bh, element)};
    if (op.family == Family::Lstm)
      init.push_back(stateOf(b, loc, op.c0, d, bh, element));
    if (needY)
      init.push_back(tensor::EmptyOp::create(b, loc, sbh, element));
    int64_t gh = op.gates * hs;
    SmallVector<OpFoldResult> xkSizes = {batch, b.getIndexAttr(gh)};
    auto loop = scf::ForOp::create(
        b, loc, c0, stepCount, c1, init,
        [&](OpBuilder &lb, Location l, Value k, ValueRange iter) {
          Value xk = sliceOf(lb, l, xp, {k, zero, zero},
                             {one, batch, b.getIndexAttr(gh)},
                             tensorOf(xkSizes, element));
          Value stepI32 =
              arith::IndexCastOp::create(lb, l, lb.getI32Type(), k);
          bool lstm = op.family == Family::Lstm;
          StepResult r = buildCell(lb, l, op, d, xk, iter[0],
                                   lstm ? iter[1] : Value(), op.lens, stepI32,
                                   invariants);
          SmallVector<Value> next = {r.h};
          if (lstm)
            next.push_back(r.c);
          if (needY)
            next.push_back(insertInto(lb, l, r.y, iter.back(), {k, zero, zero},
                                      {one, batch, hSize}));
          scf::YieldOp::create(lb, l, next);
        });
    SmallVector<OpFoldResult> stateOffsets = {b.getIndexAttr(d), zero, zero};
    SmallVector<OpFoldResult> stateSlice = {one, batch, hSize};
    yh = insertInto(b, loc, loop.getResult(0), yh, stateOffsets, stateSlice);
    if (yc)
      yc = insertInto(b, loc, loop.getResult(1), yc, stateOffsets, stateSlice);
    if (needY) {
      Value yd = loop.getResults().back();
      if (reverse)
        yd = reverseTime(b, loc, yd, op.lens);
      y = insertInto(b, loc, yd, y, {zero, b.getIndexAttr(d), zero, zero},
                     {steps, one, batch, hSize});
    }
  }
  return {y, yh, yc};
}

/// The first static size among `candidates` ((value, dim) pairs), else the
/// run-time size of `fallback`'s dim `dim`.
OpFoldResult knownSize(OpBuilder &b, Location loc,
                       ArrayRef<std::pair<Value, int64_t>> candidates,
                       Value fallback, int64_t dim) {
  for (auto [value, i] : candidates) {
    if (!value)
      continue;
    auto type = cast<RankedTensorType>(value.getType());
    if (!type.isDynamicDim(i))
      return b.getIndexAttr(type.getDimSize(i));
  }
  return tensor::getMixedSize(b, loc, fallback, dim);
}

template <typename OpTy>
struct RecurrentPattern : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using Adaptor = typename OpTy::Adaptor;

  LogicalResult
  matchAndRewrite(OpTy op, Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Recurrent r;
    r.gates = OpTy::kNumGates;
    r.hidden = op.getHiddenSize();
    r.directions = op.getNumDirections();
    r.reverseOnly = op.getDirection() == "reverse";
    if (std::optional<APFloat> clip = op.getClip())
      r.clip = clip->convertToDouble();
    for (Attribute a : op.getActivations())
      r.activations.push_back(cast<StringAttr>(a).getValue());
    r.x = adaptor.getInput();
    r.w = adaptor.getWeight();
    r.r = adaptor.getRecurrence();
    r.bias = adaptor.getBias();
    r.lens = adaptor.getSequenceLens();
    r.h0 = adaptor.getInitialH();
    r.element = cast<RankedTensorType>(r.x.getType()).getElementType();
    if constexpr (std::is_same_v<OpTy, RnnOp>) {
      r.family = Family::Rnn;
    } else if constexpr (std::is_same_v<OpTy, GruOp>) {
      r.family = Family::Gru;
      r.linearBeforeReset = op.getLinearBeforeReset();
    } else {
      r.family = Family::Lstm;
      r.inputForget = op.getInputForget();
      r.c0 = adaptor.getInitialC();
      r.peepholes = adaptor.getPeepholes();
    }

    // S and B as statically as anything states them (the results may be
    // declared more static than the input), and the input size from W.
    SmallVector<std::pair<Value, int64_t>> batchDims = {
        {r.x, 1}, {op->getResult(0), 2}, {r.h0, 1}, {r.c0, 1}, {r.lens, 0}};
    for (Value state : op->getResults().drop_front())
      batchDims.push_back({state, 1});
    OpFoldResult steps =
        knownSize(rewriter, loc, {{r.x, 0}, {op->getResult(0), 0}}, r.x, 0);
    OpFoldResult batch = knownSize(rewriter, loc, batchDims, r.x, 1);
    OpFoldResult inputSize = rewriter.getIndexAttr(
        cast<RankedTensorType>(r.w.getType()).getDimSize(2));
    OpFoldResult dirs = rewriter.getIndexAttr(r.directions);
    OpFoldResult hSize = rewriter.getIndexAttr(r.hidden);

    // One check that every symbolic dim is what it must be; after a failed
    // one each checked operand is zeros of its expected sizes.
    RuntimeChecks checks;
    auto require = [&](Value value, ArrayRef<OpFoldResult> expected) {
      if (!value)
        return;
      for (auto [i, size] : llvm::enumerate(expected))
        if (cast<RankedTensorType>(value.getType()).isDynamicDim(i))
          checks.require(
              rewriter, loc,
              arith::CmpIOp::create(
                  rewriter, loc, arith::CmpIPredicate::eq,
                  dimValue(rewriter, loc, value, i),
                  getValueOrCreateConstantIndexOp(rewriter, loc, size)));
    };
    SmallVector<OpFoldResult> xSizes = {steps, batch, inputSize};
    SmallVector<OpFoldResult> stateSizes = {dirs, batch, hSize};
    SmallVector<OpFoldResult> lensSizes = {batch};
    // x's own symbolic dims are where the dynamic sizes come from; compare
    // only those that something else states statically (the input size
    // always: W's shape is static).
    auto xType = cast<RankedTensorType>(r.x.getType());
    for (int64_t i = 0; i < 3; ++i)
      if (xType.isDynamicDim(i) && getConstantIntValue(xSizes[i]))
        checks.require(
            rewriter, loc,
            arith::CmpIOp::create(
                rewriter, loc, arith::CmpIPredicate::eq,
                dimValue(rewriter, loc, r.x, i),
                getValueOrCreateConstantIndexOp(rewriter, loc, xSizes[i])));
    require(r.h0, stateSizes);
    require(r.c0, stateSizes);
    require(r.lens, lensSizes);
    Value ok = checks.emit(rewriter, loc, op,
                           "the sizes of the input, initial states and "
                           "sequence_lens disagree");
    auto guard = [&](Value &value, ArrayRef<OpFoldResult> sizes) {
      if (!value || !ok)
        return;
      auto type = cast<RankedTensorType>(value.getType());
      RankedTensorType target = tensorOf(sizes, type.getElementType());
      Value original = value;
      value = scf::IfOp::create(
                  rewriter, loc, ok,
                  [&](OpBuilder &nb, Location nloc) {
                    Value cast = original;
                    if (cast.getType() != target)
                      cast = tensor::CastOp::create(nb, nloc, target, cast);
                    scf::YieldOp::create(nb, nloc, cast);
                  },
                  [&](OpBuilder &nb, Location nloc) {
                    scf::YieldOp::create(
                        nb, nloc, zerosOfType(nb, nloc, target, sizes));
                  })
                  .getResult(0);
    };
    guard(r.x, xSizes);
    guard(r.h0, stateSizes);
    guard(r.c0, stateSizes);
    guard(r.lens, lensSizes);

    if (r.lens) {
      // Entries outside [0, S] are an error; clamped, they keep every read
      // in bounds.
      Value s = getValueOrCreateConstantIndexOp(rewriter, loc, steps);
      Value sI32 =
          arith::IndexCastOp::create(rewriter, loc, rewriter.getI32Type(), s);
      Value zeroI32 = arith::ConstantIntOp::create(rewriter, loc,
                                                   rewriter.getI32Type(), 0);
      Value inRange = allOf(
          rewriter, loc, r.lens, [&](OpBuilder &nb, Location nloc, Value len) {
            return andOf(nb, nloc,
                         arith::CmpIOp::create(nb, nloc,
                                               arith::CmpIPredicate::sge, len,
                                               zeroI32),
                         arith::CmpIOp::create(nb, nloc,
                                               arith::CmpIPredicate::sle, len,
                                               sI32));
          });
      emitRuntimeCheck(rewriter, loc, inRange, op,
                       "sequence_lens has an entry outside [0, seq_length]");
      auto lensType = cast<RankedTensorType>(r.lens.getType());
      r.lens = buildElementwise(
          rewriter, loc, lensType, r.lens,
          [&](OpBuilder &nb, Location nloc, ValueRange args) {
            Value low = arith::MaxSIOp::create(nb, nloc, args[0], zeroI32);
            return arith::MinSIOp::create(nb, nloc, low, sI32).getResult();
          });
    }

    bool needY = !op->getResult(0).use_empty();
    RecurrentResults results =
        buildRecurrent(rewriter, loc, r, steps, batch, needY);
    SmallVector<Value> values = {results.y, results.yh};
    if (results.yc)
      values.push_back(results.yc);
    for (size_t i = 0; i < values.size(); ++i) {
      Value &value = values[i];
      Type type = op->getResult(i).getType();
      if (!value)
        value = tensor::EmptyOp::create(
            rewriter, loc,
            SmallVector<OpFoldResult>{steps, dirs, batch, hSize}, r.element);
      if (value.getType() != type)
        value = tensor::CastOp::create(rewriter, loc, type, value);
    }
    rewriter.replaceOp(op, values);
    return success();
  }
};

} // namespace

void kiln::model_to_linalg::populateRecurrentPatterns(
    RewritePatternSet &patterns, const DimFacts *) {
  patterns.add<RecurrentPattern<RnnOp>, RecurrentPattern<GruOp>,
               RecurrentPattern<LstmOp>>(patterns.getContext());
}
