//===- FusedMoEToLinalg.cpp - fused.moe into linalg, scf and tensor -------===//
// Two lowerings share the routing (scores, the top-k choice by rank, the
// dense [T, E] routing weights, zero where an expert is not chosen):
//
// - the reference decomposition runs every expert on every token and sums
//   the outputs weighted by the dense routing weights: plain linalg, work
//   proportional to num_experts;
// - the grouped lowering (the default) lists each token's chosen experts,
//   counts the tokens per expert, turns the counts into offsets (prefix
//   sum), gathers the tokens grouped by expert, runs one GEMM chain per
//   expert over only its rows (an scf.for over the experts with slices of
//   run-time size), and combines each token's top_k rows weighted: work
//   proportional to top_k. The sizes are computed at run time; every slice
//   lies within the T * top_k rows, since each token lists at most top_k
//   experts.
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
namespace m2l = kiln::model_to_linalg;

namespace {

constexpr auto par = utils::IteratorType::parallel;
constexpr auto red = utils::IteratorType::reduction;

/// The builder state of one fused.moe lowering; values are in the
/// accumulator type `acc`.
struct MoEBuilder {
  OpBuilder &b;
  Location loc;
  Type acc;
  Type i32;
  int64_t experts, topK, hidden, ffn;
  Value tokenCount; // index: T

  Value c(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value ci32(int64_t v) {
    return arith::ConstantIntOp::create(b, loc, i32, v);
  }
  Value cf(double v) {
    return arith::ConstantOp::create(b, loc, acc, b.getFloatAttr(acc, v));
  }
  Value filled(ArrayRef<OpFoldResult> sizes, Type type, Value value) {
    Value empty = tensor::EmptyOp::create(b, loc, sizes, type);
    return linalg::FillOp::create(b, loc, value, empty).getResult(0);
  }
  Value zeros(ArrayRef<OpFoldResult> sizes) { return filled(sizes, acc, cf(0)); }
  RankedTensorType tensorOf(ArrayRef<int64_t> shape, Type type) {
    return RankedTensorType::get(shape, type);
  }
  int64_t staticOr(Value v) {
    auto cst = getConstantIntValue(v);
    return cst ? *cst : ShapedType::kDynamic;
  }

  /// A generic over `shape` (dims as given by `sizes`) writing `init`.
  Value generic(Value init, ValueRange inputs, ArrayRef<AffineMap> maps,
                ArrayRef<utils::IteratorType> iterators,
                function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
    return linalg::GenericOp::create(
               b, loc, TypeRange{init.getType()}, inputs, init, maps,
               iterators,
               [&](OpBuilder &nb, Location l, ValueRange args) {
                 linalg::YieldOp::create(nb, l, body(nb, l, args));
               })
        .getResult(0);
  }

  AffineMap map(unsigned dims, ArrayRef<AffineExpr> results) {
    return AffineMap::get(dims, 0, results, b.getContext());
  }

  /// The activation of `x` (a scalar of type acc).
  Value activate(OpBuilder &nb, Location l, StringRef name, Value x) {
    auto one = [&]() {
      return arith::ConstantOp::create(nb, l, acc, nb.getFloatAttr(acc, 1.0));
    };
    auto half = [&]() {
      return arith::ConstantOp::create(nb, l, acc, nb.getFloatAttr(acc, 0.5));
    };
    if (name == "relu") {
      Value zero =
          arith::ConstantOp::create(nb, l, acc, nb.getFloatAttr(acc, 0.0));
      return arith::MaximumFOp::create(nb, l, x, zero);
    }
    if (name == "silu") {
      Value e = math::ExpOp::create(nb, l, arith::NegFOp::create(nb, l, x));
      return arith::DivFOp::create(nb, l, x,
                                   arith::AddFOp::create(nb, l, one(), e));
    }
    if (name == "gelu") {
      Value invSqrt2 = arith::ConstantOp::create(
          nb, l, acc, nb.getFloatAttr(acc, 0.70710678118654752440));
      Value erf =
          math::ErfOp::create(nb, l, arith::MulFOp::create(nb, l, x, invSqrt2));
      return arith::MulFOp::create(
          nb, l, arith::MulFOp::create(nb, l, x, half()),
          arith::AddFOp::create(nb, l, one(), erf));
    }
    // gelu_tanh: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    Value k0 = arith::ConstantOp::create(
        nb, l, acc, nb.getFloatAttr(acc, 0.79788456080286535588));
    Value k1 = arith::ConstantOp::create(nb, l, acc,
                                         nb.getFloatAttr(acc, 0.044715));
    Value x3 = arith::MulFOp::create(nb, l, arith::MulFOp::create(nb, l, x, x),
                                     x);
    Value inner = arith::MulFOp::create(
        nb, l, k0,
        arith::AddFOp::create(nb, l, x, arith::MulFOp::create(nb, l, k1, x3)));
    return arith::MulFOp::create(
        nb, l, arith::MulFOp::create(nb, l, x, half()),
        arith::AddFOp::create(nb, l, one(), math::TanhOp::create(nb, l, inner)));
  }

  /// x [R, K] times w [K, N] (static K and N) into a fresh [R, N].
  Value matmul(Value x, Value w) {
    auto wType = cast<RankedTensorType>(w.getType());
    OpFoldResult rows = tensor::getMixedSize(b, loc, x, 0);
    Value init = zeros({rows, b.getIndexAttr(wType.getDimSize(1))});
    return linalg::MatmulOp::create(b, loc, TypeRange{init.getType()},
                                    ValueRange{x, w}, init)
        .getResult(0);
  }

  /// `x + bias` with bias [N] broadcast over the rows of x [R, N].
  Value addRowBias(Value x, Value bias) {
    MLIRContext *ctx = b.getContext();
    AffineExpr d0, d1;
    bindDims(ctx, d0, d1);
    Value init = tensor::EmptyOp::create(
        b, loc, tensor::getMixedSizes(b, loc, x), acc);
    return generic(init, {x, bias},
                   {map(2, {d0, d1}), map(2, {d1}), map(2, {d0, d1})},
                   {par, par}, [&](OpBuilder &nb, Location l, ValueRange a) {
                     return arith::AddFOp::create(nb, l, a[0], a[1]);
                   });
  }

  /// The MLP `(act(x G + gb) * (x U + ub)) D + db` (or `act(x U + ub) D +
  /// db` without G) on the rows of x; 2-D weights, 1-D biases or null.
  Value mlp(Value x, Value gate, Value up, Value down, Value gateBias,
            Value upBias, Value downBias, StringRef activation) {
    Value u = matmul(x, up);
    if (upBias)
      u = addRowBias(u, upBias);
    Value g;
    if (gate) {
      g = matmul(x, gate);
      if (gateBias)
        g = addRowBias(g, gateBias);
    }
    Value init =
        tensor::EmptyOp::create(b, loc, tensor::getMixedSizes(b, loc, u), acc);
    AffineMap id = b.getMultiDimIdentityMap(2);
    Value a;
    if (gate)
      a = generic(init, {g, u}, {id, id, id}, {par, par},
                  [&](OpBuilder &nb, Location l, ValueRange v) {
                    return arith::MulFOp::create(
                        nb, l, activate(nb, l, activation, v[0]), v[1]);
                  });
    else
      a = generic(init, {u}, {id, id}, {par, par},
                  [&](OpBuilder &nb, Location l, ValueRange v) {
                    return activate(nb, l, activation, v[0]);
                  });
    Value y = matmul(a, down);
    if (downBias)
      y = addRowBias(y, downBias);
    return y;
  }

  /// A rank-reduced static slice `[e, ...]` of the stacked `w` ([E, ...]).
  Value expertSlice(Value w, Value e) {
    if (!w)
      return Value();
    auto type = cast<RankedTensorType>(w.getType());
    SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
    offsets[0] = e;
    SmallVector<OpFoldResult> sizes = {b.getIndexAttr(1)};
    for (int64_t d : type.getShape().drop_front())
      sizes.push_back(b.getIndexAttr(d));
    SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
    auto sliceType = RankedTensorType::get(type.getShape().drop_front(), acc);
    return tensor::ExtractSliceOp::create(b, loc, sliceType, w, offsets, sizes,
                                          strides);
  }
};

/// Dense routing: the scores p [T, E], the rank of each expert in its
/// token's choice order (0 = first) and the weights [T, E], zero for the
/// experts not chosen.
struct Routing {
  Value rank;    // [T, E] i32
  Value weights; // [T, E] acc
};

Routing buildRouting(MoEBuilder &mb, kiln::fused::MoEOp op, Value logits,
                     Value bias) {
  OpBuilder &b = mb.b;
  Location loc = mb.loc;
  MLIRContext *ctx = b.getContext();
  OpFoldResult t = getAsOpFoldResult(mb.tokenCount);
  OpFoldResult e = b.getIndexAttr(mb.experts);
  AffineExpr d0, d1, d2;
  bindDims(ctx, d0, d1, d2);
  AffineMap id2 = b.getMultiDimIdentityMap(2);

  Value p;
  if (op.getScoring() == "softmax") {
    Value init = tensor::EmptyOp::create(b, loc, ArrayRef<OpFoldResult>{t, e},
                                         mb.acc);
    p = linalg::SoftmaxOp::create(b, loc, init.getType(), logits, init, 1)
            .getResult()[0];
  } else {
    Value init = tensor::EmptyOp::create(b, loc, ArrayRef<OpFoldResult>{t, e},
                                         mb.acc);
    p = mb.generic(init, {logits}, {id2, id2}, {par, par},
                   [&](OpBuilder &nb, Location l, ValueRange a) {
                     Value one = arith::ConstantOp::create(
                         nb, l, mb.acc, nb.getFloatAttr(mb.acc, 1.0));
                     Value ex = math::ExpOp::create(
                         nb, l, arith::NegFOp::create(nb, l, a[0]));
                     return arith::DivFOp::create(
                         nb, l, one, arith::AddFOp::create(nb, l, one, ex));
                   });
  }
  Value choice = op.getSoftmaxAfterTopk() ? logits : p;
  if (bias) {
    Value init = tensor::EmptyOp::create(b, loc, ArrayRef<OpFoldResult>{t, e},
                                         mb.acc);
    choice = mb.generic(init, {choice, bias},
                        {id2, mb.map(2, {d1}), id2}, {par, par},
                        [&](OpBuilder &nb, Location l, ValueRange a) {
                          return arith::AddFOp::create(nb, l, a[0], a[1]);
                        });
  }

  // rank[t, e] = #{e' : c[t, e'] > c[t, e] or (c[t, e'] == c[t, e], e' < e)}
  Value rankInit = mb.filled({t, e}, mb.i32, mb.ci32(0));
  Value rank = mb.generic(
      rankInit, {choice, choice},
      {mb.map(3, {d0, d2}), mb.map(3, {d0, d1}), mb.map(3, {d0, d1})},
      {par, par, red}, [&](OpBuilder &nb, Location l, ValueRange a) {
        Value other = a[0], self = a[1];
        Value ei = linalg::IndexOp::create(nb, l, 1);
        Value oi = linalg::IndexOp::create(nb, l, 2);
        Value greater = arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OGT,
                                              other, self);
        Value tie = arith::AndIOp::create(
            nb, l,
            arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OEQ, other,
                                  self),
            arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult, oi, ei));
        Value before = arith::OrIOp::create(nb, l, greater, tie);
        return arith::AddIOp::create(
            nb, l, a[2], arith::ExtUIOp::create(nb, l, mb.i32, before));
      });

  // w[t, e] = rank < k ? p[t, e] : 0, then normalized and scaled.
  Value k = mb.ci32(mb.topK);
  Value wInit =
      tensor::EmptyOp::create(b, loc, ArrayRef<OpFoldResult>{t, e}, mb.acc);
  Value weights = mb.generic(
      wInit, {rank, p}, {id2, id2, id2}, {par, par},
      [&](OpBuilder &nb, Location l, ValueRange a) {
        Value chosen =
            arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, a[0], k);
        Value zero =
            arith::ConstantOp::create(nb, l, mb.acc, nb.getFloatAttr(mb.acc, 0));
        return arith::SelectOp::create(nb, l, chosen, a[1], zero);
      });
  bool normalize = op.getRenormalize() || op.getSoftmaxAfterTopk();
  double scaling = op.getRoutedScaling().convertToDouble();
  if (normalize || scaling != 1.0) {
    Value sum = mb.zeros({t});
    if (normalize)
      sum = mb.generic(sum, {weights}, {id2, mb.map(2, {d0})}, {par, red},
                       [&](OpBuilder &nb, Location l, ValueRange a) {
                         return arith::AddFOp::create(nb, l, a[1], a[0]);
                       });
    Value init =
        tensor::EmptyOp::create(b, loc, ArrayRef<OpFoldResult>{t, e}, mb.acc);
    weights = mb.generic(
        init, {weights, sum}, {id2, mb.map(2, {d0}), id2}, {par, par},
        [&](OpBuilder &nb, Location l, ValueRange a) {
          Value w = a[0];
          if (normalize)
            w = arith::DivFOp::create(nb, l, w, a[1]);
          if (scaling != 1.0)
            w = arith::MulFOp::create(
                nb, l, w,
                arith::ConstantOp::create(nb, l, mb.acc,
                                          nb.getFloatAttr(mb.acc, scaling)));
          return w;
        });
  }
  return {rank, weights};
}

/// Every expert on every token, weighted by the dense routing weights.
Value buildDenseExperts(MoEBuilder &mb, kiln::fused::MoEOp op, Value x,
                        Value weights, ArrayRef<Value> w) {
  OpBuilder &b = mb.b;
  MLIRContext *ctx = b.getContext();
  AffineExpr d0, d1, d2, d3;
  bindDims(ctx, d0, d1, d2, d3);
  OpFoldResult t = getAsOpFoldResult(mb.tokenCount), e = b.getIndexAttr(mb.experts),
               f = b.getIndexAttr(mb.ffn), h = b.getIndexAttr(mb.hidden);
  Value gate = w[0], up = w[1], down = w[2], gateBias = w[3], upBias = w[4],
        downBias = w[5];
  // proj[t, e, f] = sum_h x[t, h] * W[e, h, f] + bias[e, f]
  auto project = [&](Value weight, Value bias) {
    Value p = mb.generic(
        mb.zeros({t, e, f}), {x, weight},
        {mb.map(4, {d0, d3}), mb.map(4, {d1, d3, d2}), mb.map(4, {d0, d1, d2})},
        {par, par, par, red}, [&](OpBuilder &nb, Location l, ValueRange a) {
          return arith::AddFOp::create(
              nb, l, a[2], arith::MulFOp::create(nb, l, a[0], a[1]));
        });
    if (!bias)
      return p;
    AffineMap id3 = b.getMultiDimIdentityMap(3);
    return mb.generic(
        tensor::EmptyOp::create(b, mb.loc, ArrayRef<OpFoldResult>{t, e, f},
                                mb.acc),
        {p, bias}, {id3, mb.map(3, {d1, d2}), id3}, {par, par, par},
        [&](OpBuilder &nb, Location l, ValueRange a) {
          return arith::AddFOp::create(nb, l, a[0], a[1]);
        });
  };
  Value u = project(up, upBias);
  Value g = gate ? project(gate, gateBias) : Value();
  AffineMap id3 = b.getMultiDimIdentityMap(3);
  Value actInit = tensor::EmptyOp::create(
      b, mb.loc, ArrayRef<OpFoldResult>{t, e, f}, mb.acc);
  StringRef activation = op.getActivation();
  Value a =
      g ? mb.generic(actInit, {g, u}, {id3, id3, id3}, {par, par, par},
                     [&](OpBuilder &nb, Location l, ValueRange v) {
                       return arith::MulFOp::create(
                           nb, l, mb.activate(nb, l, activation, v[0]), v[1]);
                     })
        : mb.generic(actInit, {u}, {id3, id3}, {par, par, par},
                     [&](OpBuilder &nb, Location l, ValueRange v) {
                       return mb.activate(nb, l, activation, v[0]);
                     });
  // y[t, e, h] = sum_f a[t, e, f] * D[e, f, h]
  Value y = mb.generic(
      mb.zeros({t, e, h}), {a, down},
      {mb.map(4, {d0, d1, d3}), mb.map(4, {d1, d3, d2}), mb.map(4, {d0, d1, d2})},
      {par, par, par, red}, [&](OpBuilder &nb, Location l, ValueRange v) {
        return arith::AddFOp::create(nb, l, v[2],
                                     arith::MulFOp::create(nb, l, v[0], v[1]));
      });
  // out[t, h] = sum_e w[t, e] * (y[t, e, h] + db[e, h])
  SmallVector<Value> inputs = {weights, y};
  SmallVector<AffineMap> maps = {mb.map(3, {d0, d2}), mb.map(3, {d0, d2, d1})};
  if (downBias) {
    inputs.push_back(downBias);
    maps.push_back(mb.map(3, {d2, d1}));
  }
  maps.push_back(mb.map(3, {d0, d1}));
  return mb.generic(mb.zeros({t, h}), inputs, maps, {par, par, red},
                    [&](OpBuilder &nb, Location l, ValueRange v) {
                      Value yv = v[1];
                      if (downBias)
                        yv = arith::AddFOp::create(nb, l, yv, v[2]);
                      return arith::AddFOp::create(
                          nb, l, v.back(), arith::MulFOp::create(nb, l, v[0], yv));
                    });
}

/// Tokens grouped by expert, one GEMM chain per expert over its rows.
Value buildGroupedExperts(MoEBuilder &mb, kiln::fused::MoEOp op, Value x,
                          const Routing &routing, ArrayRef<Value> w) {
  OpBuilder &b = mb.b;
  Location loc = mb.loc;
  MLIRContext *ctx = b.getContext();
  AffineExpr d0, d1, d2;
  bindDims(ctx, d0, d1, d2);
  Type index = b.getIndexType();
  OpFoldResult t = getAsOpFoldResult(mb.tokenCount), h = b.getIndexAttr(mb.hidden);
  Value zero = mb.c(0), one = mb.c(1), kIdx = mb.c(mb.topK),
        eIdx = mb.c(mb.experts);
  Value kI32 = mb.ci32(mb.topK);
  auto toIndex = [&](OpBuilder &nb, Location l, Value v) {
    return arith::IndexCastOp::create(nb, l, index, v).getResult();
  };
  auto toI32 = [&](OpBuilder &nb, Location l, Value v) {
    return arith::IndexCastOp::create(nb, l, mb.i32, v).getResult();
  };

  // 1. Each token's chosen experts (in expert order; -1 where fewer than k
  //    compare as chosen, e.g. with NaN scores) and the count per expert.
  Value chosen0 = mb.filled({t, b.getIndexAttr(mb.topK)}, mb.i32, mb.ci32(-1));
  Value counts0 = mb.filled({b.getIndexAttr(mb.experts)}, mb.i32, mb.ci32(0));
  auto listing = scf::ForOp::create(
      b, loc, zero, mb.tokenCount, one, ValueRange{chosen0, counts0},
      [&](OpBuilder &nb, Location l, Value ti, ValueRange outer) {
        auto perExpert = scf::ForOp::create(
            nb, l, zero, eIdx, one, ValueRange{outer[0], outer[1], zero},
            [&](OpBuilder &ib, Location il, Value ei, ValueRange it) {
              Value r = tensor::ExtractOp::create(ib, il, routing.rank,
                                                  ValueRange{ti, ei});
              Value take = arith::AndIOp::create(
                  ib, il,
                  arith::CmpIOp::create(ib, il, arith::CmpIPredicate::slt, r,
                                        kI32),
                  arith::CmpIOp::create(ib, il, arith::CmpIPredicate::ult,
                                        it[2], kIdx));
              auto ifOp = scf::IfOp::create(
                  ib, il, take,
                  [&](OpBuilder &tb, Location tl) {
                    Value chosen = tensor::InsertOp::create(
                        tb, tl, toI32(tb, tl, ei), it[0],
                        ValueRange{ti, it[2]});
                    Value n = tensor::ExtractOp::create(tb, tl, it[1],
                                                        ValueRange{ei});
                    Value n1 = arith::AddIOp::create(
                        tb, tl, n,
                        arith::ConstantIntOp::create(tb, tl, mb.i32, 1));
                    Value counts = tensor::InsertOp::create(tb, tl, n1, it[1],
                                                            ValueRange{ei});
                    Value next = arith::AddIOp::create(
                        tb, tl, it[2], arith::ConstantIndexOp::create(tb, tl, 1));
                    scf::YieldOp::create(tb, tl,
                                         ValueRange{chosen, counts, next});
                  },
                  [&](OpBuilder &eb, Location el) {
                    scf::YieldOp::create(eb, el, it);
                  });
              scf::YieldOp::create(ib, il, ifOp.getResults());
            });
        scf::YieldOp::create(nb, l, perExpert.getResults().take_front(2));
      });
  Value chosen = listing.getResult(0), counts = listing.getResult(1);

  // 2. offsets[e] = sum of the counts of the experts before e.
  Value offsets0 = mb.filled({b.getIndexAttr(mb.experts)}, mb.i32, mb.ci32(0));
  auto prefix = scf::ForOp::create(
      b, loc, zero, eIdx, one, ValueRange{offsets0, mb.ci32(0)},
      [&](OpBuilder &nb, Location l, Value ei, ValueRange it) {
        Value offsets =
            tensor::InsertOp::create(nb, l, it[1], it[0], ValueRange{ei});
        Value n = tensor::ExtractOp::create(nb, l, counts, ValueRange{ei});
        scf::YieldOp::create(
            nb, l, ValueRange{offsets, arith::AddIOp::create(nb, l, it[1], n)});
      });
  Value offsets = prefix.getResult(0);

  // 3. The permutation: row j of the grouped tokens is token perm[j]; the
  //    c-th choice of token t is row pos[t, c]. Each expert's cursor starts
  //    at its offset and stays below offset + count.
  Value rows = b.createOrFold<arith::MulIOp>(loc, mb.tokenCount, kIdx);
  OpFoldResult rowCount = getAsOpFoldResult(rows);
  Value perm0 = mb.filled({rowCount}, mb.i32, mb.ci32(0));
  Value pos0 = mb.filled({t, b.getIndexAttr(mb.topK)}, mb.i32, mb.ci32(0));
  auto permute = scf::ForOp::create(
      b, loc, zero, mb.tokenCount, one, ValueRange{perm0, pos0, offsets},
      [&](OpBuilder &nb, Location l, Value ti, ValueRange outer) {
        auto perChoice = scf::ForOp::create(
            nb, l, zero, kIdx, one, outer,
            [&](OpBuilder &ib, Location il, Value ci, ValueRange it) {
              Value ex = tensor::ExtractOp::create(ib, il, chosen,
                                                   ValueRange{ti, ci});
              Value valid = arith::CmpIOp::create(
                  ib, il, arith::CmpIPredicate::sge, ex,
                  arith::ConstantIntOp::create(ib, il, mb.i32, 0));
              auto ifOp = scf::IfOp::create(
                  ib, il, valid,
                  [&](OpBuilder &tb, Location tl) {
                    Value e = toIndex(tb, tl, ex);
                    Value j =
                        tensor::ExtractOp::create(tb, tl, it[2], ValueRange{e});
                    Value perm = tensor::InsertOp::create(
                        tb, tl, toI32(tb, tl, ti), it[0],
                        ValueRange{toIndex(tb, tl, j)});
                    Value pos = tensor::InsertOp::create(tb, tl, j, it[1],
                                                         ValueRange{ti, ci});
                    Value cursor = tensor::InsertOp::create(
                        tb, tl,
                        arith::AddIOp::create(
                            tb, tl, j,
                            arith::ConstantIntOp::create(tb, tl, mb.i32, 1)),
                        it[2], ValueRange{e});
                    scf::YieldOp::create(tb, tl,
                                         ValueRange{perm, pos, cursor});
                  },
                  [&](OpBuilder &eb, Location el) {
                    scf::YieldOp::create(eb, el, it);
                  });
              scf::YieldOp::create(ib, il, ifOp.getResults());
            });
        scf::YieldOp::create(nb, l, perChoice.getResults());
      });
  Value perm = permute.getResult(0), pos = permute.getResult(1);

  // 4. The grouped tokens: xp[j, :] = x[perm[j], :].
  Value xpInit = tensor::EmptyOp::create(
      b, loc, ArrayRef<OpFoldResult>{rowCount, h}, mb.acc);
  Value xp = mb.generic(xpInit, {perm}, {mb.map(2, {d0}), mb.map(2, {d0, d1})},
                        {par, par},
                        [&](OpBuilder &nb, Location l, ValueRange a) {
                          Value col = linalg::IndexOp::create(nb, l, 1);
                          return tensor::ExtractOp::create(
                              nb, l, x, ValueRange{toIndex(nb, l, a[0]), col});
                        });

  // 5. One GEMM chain per expert over its rows [offset, offset + count).
  Value yp0 = mb.zeros({rowCount, h});
  StringRef activation = op.getActivation();
  auto perExpert = scf::ForOp::create(
      b, loc, zero, eIdx, one, ValueRange{yp0},
      [&](OpBuilder &nb, Location l, Value ei, ValueRange it) {
        OpBuilder::InsertionGuard guard(nb);
        MoEBuilder eb{nb, l, mb.acc, mb.i32, mb.experts, mb.topK,
                      mb.hidden, mb.ffn, mb.tokenCount};
        Value off = toIndex(nb, l,
                            tensor::ExtractOp::create(nb, l, offsets, ei));
        Value n = toIndex(nb, l, tensor::ExtractOp::create(nb, l, counts, ei));
        SmallVector<OpFoldResult> at = {off, nb.getIndexAttr(0)};
        SmallVector<OpFoldResult> size = {n, nb.getIndexAttr(mb.hidden)};
        SmallVector<OpFoldResult> unit(2, nb.getIndexAttr(1));
        Value xe = tensor::ExtractSliceOp::create(nb, l, xp, at, size, unit);
        Value ye = eb.mlp(xe, eb.expertSlice(w[0], ei),
                          eb.expertSlice(w[1], ei), eb.expertSlice(w[2], ei),
                          eb.expertSlice(w[3], ei), eb.expertSlice(w[4], ei),
                          eb.expertSlice(w[5], ei), activation);
        Value yp =
            tensor::InsertSliceOp::create(nb, l, ye, it[0], at, size, unit);
        scf::YieldOp::create(nb, l, yp);
      });
  Value yp = perExpert.getResult(0);

  // 6. out[t, :] = sum_c w[t, chosen[t, c]] * yp[pos[t, c], :].
  return mb.generic(
      mb.zeros({t, h}), {chosen, pos},
      {mb.map(3, {d0, d2}), mb.map(3, {d0, d2}), mb.map(3, {d0, d1})},
      {par, par, red}, [&](OpBuilder &nb, Location l, ValueRange a) {
        Value valid = arith::CmpIOp::create(
            nb, l, arith::CmpIPredicate::sge, a[0],
            arith::ConstantIntOp::create(nb, l, mb.i32, 0));
        Value e = toIndex(
            nb, l,
            arith::MaxSIOp::create(
                nb, l, a[0], arith::ConstantIntOp::create(nb, l, mb.i32, 0)));
        Value ti = linalg::IndexOp::create(nb, l, 0);
        Value hi = linalg::IndexOp::create(nb, l, 1);
        Value wt =
            tensor::ExtractOp::create(nb, l, routing.weights, ValueRange{ti, e});
        Value yv = tensor::ExtractOp::create(nb, l, yp,
                                             ValueRange{toIndex(nb, l, a[1]), hi});
        Value zeroF =
            arith::ConstantOp::create(nb, l, mb.acc, nb.getFloatAttr(mb.acc, 0));
        Value term = arith::SelectOp::create(
            nb, l, valid, arith::MulFOp::create(nb, l, wt, yv), zeroF);
        return arith::AddFOp::create(nb, l, a[2], term);
      });
}

/// Whether `tokens` and `logits` have the same token count in every run:
/// both static (the verifier compared them), or both rows of one block (the
/// slices tiling takes, whose count the whole op's check covered).
bool sameTokenCount(Value tokens, Value logits) {
  auto tt = cast<RankedTensorType>(tokens.getType());
  auto lt = cast<RankedTensorType>(logits.getType());
  if (!tt.isDynamicDim(0) && !lt.isDynamicDim(0))
    return true;
  auto ts = tokens.getDefiningOp<tensor::ExtractSliceOp>();
  auto ls = logits.getDefiningOp<tensor::ExtractSliceOp>();
  return ts && ls &&
         isEqualConstantIntOrValue(ts.getMixedSizes()[0],
                                   ls.getMixedSizes()[0]);
}

struct MoEToLinalg : OpConversionPattern<kiln::fused::MoEOp> {
  MoEToLinalg(MLIRContext *ctx, bool reference)
      : OpConversionPattern(ctx), reference(reference) {}

  LogicalResult
  matchAndRewrite(kiln::fused::MoEOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto outType = cast<RankedTensorType>(op.getType());
    Type element = outType.getElementType();
    Type acc = m2l::accumulatorType(element);
    auto upType = cast<RankedTensorType>(adaptor.getUpWeight().getType());
    MoEBuilder mb{rewriter,
                  loc,
                  acc,
                  rewriter.getI32Type(),
                  static_cast<int64_t>(op.getNumExperts()),
                  static_cast<int64_t>(op.getTopK()),
                  upType.getDimSize(1),
                  upType.getDimSize(2),
                  Value()};
    auto inAcc = [&](Value v) {
      return v ? m2l::convertElements(rewriter, loc, v, acc) : v;
    };
    Value x = inAcc(adaptor.getTokens()), logits = inAcc(adaptor.getLogits());

    // The token count of tokens and logits must agree; where either is
    // dynamic it is checked at run time, and the lowering computes on the
    // smaller so that a failed check reads nothing out of bounds.
    Value tx = m2l::dimValue(rewriter, loc, x, 0);
    Value tl = m2l::dimValue(rewriter, loc, logits, 0);
    bool sameStatic = sameTokenCount(adaptor.getTokens(), adaptor.getLogits());
    Value tokenCount = tx;
    if (!sameStatic) {
      Value same = arith::CmpIOp::create(rewriter, loc,
                                         arith::CmpIPredicate::eq, tx, tl);
      m2l::emitRuntimeCheck(rewriter, loc, same, op,
                            "the tokens and the router logits have different "
                            "token counts");
      tokenCount = arith::MinUIOp::create(rewriter, loc, tx, tl);
      auto slice = [&](Value v) {
        auto type = cast<RankedTensorType>(v.getType());
        SmallVector<OpFoldResult> offsets(2, rewriter.getIndexAttr(0));
        SmallVector<OpFoldResult> sizes = {
            tokenCount, rewriter.getIndexAttr(type.getDimSize(1))};
        SmallVector<OpFoldResult> strides(2, rewriter.getIndexAttr(1));
        return tensor::ExtractSliceOp::create(rewriter, loc, v, offsets, sizes,
                                              strides)
            .getResult();
      };
      x = slice(x);
      logits = slice(logits);
    }
    mb.tokenCount = tokenCount;

    SmallVector<Value> weights = {
        inAcc(adaptor.getGateWeight()), inAcc(adaptor.getUpWeight()),
        inAcc(adaptor.getDownWeight()), inAcc(adaptor.getGateBias()),
        inAcc(adaptor.getUpBias()),     inAcc(adaptor.getDownBias())};
    Routing routing =
        buildRouting(mb, op, logits, inAcc(adaptor.getSelectionBias()));
    Value out = reference
                    ? buildDenseExperts(mb, op, x, routing.weights, weights)
                    : buildGroupedExperts(mb, op, x, routing, weights);
    if (Value sharedUp = inAcc(adaptor.getSharedUp())) {
      Value shared = mb.mlp(x, inAcc(adaptor.getSharedGate()), sharedUp,
                            inAcc(adaptor.getSharedDown()), Value(), Value(),
                            Value(), op.getActivation());
      AffineMap id = rewriter.getMultiDimIdentityMap(2);
      Value init = tensor::EmptyOp::create(
          rewriter, loc, tensor::getMixedSizes(rewriter, loc, out), acc);
      out = mb.generic(init, {out, shared}, {id, id, id}, {par, par},
                       [&](OpBuilder &nb, Location l, ValueRange a) {
                         return arith::AddFOp::create(nb, l, a[0], a[1]);
                       });
    }
    out = m2l::convertElements(rewriter, loc, out, element);
    if (!sameStatic) {
      // Computed on the checked token count: placed into a result of the
      // destination's shape.
      SmallVector<OpFoldResult> sizes = {tx,
                                         rewriter.getIndexAttr(mb.hidden)};
      Value dest = m2l::zerosOfType(rewriter, loc, outType, sizes);
      SmallVector<OpFoldResult> offsets(2, rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> strides(2, rewriter.getIndexAttr(1));
      out = tensor::InsertSliceOp::create(
          rewriter, loc, out, dest, offsets,
          {OpFoldResult(tokenCount), rewriter.getIndexAttr(mb.hidden)},
          strides);
    }
    rewriter.replaceOp(op, out);
    return success();
  }

  bool reference;
};

} // namespace

LogicalResult kiln::tileMoEByTokens(RewriterBase &rewriter, fused::MoEOp op,
                                    int64_t tokenTile) {
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);
  Location loc = op.getLoc();
  auto outType = cast<RankedTensorType>(op.getType());
  int64_t hidden = cast<RankedTensorType>(op.getTokens().getType())
                       .getDimSize(1);
  OpFoldResult zero = rewriter.getIndexAttr(0), one = rewriter.getIndexAttr(1);
  Value x = op.getTokens(), logits = op.getLogits();
  // The token counts are checked once, on the whole op (as the untiled
  // lowering does): the tiles then slice both at the smaller.
  Value tx = m2l::dimValue(rewriter, loc, x, 0);
  bool proven = sameTokenCount(x, logits);
  OpFoldResult count = tensor::getMixedSize(rewriter, loc, x, 0);
  if (!proven) {
    Value tl = m2l::dimValue(rewriter, loc, logits, 0);
    Value same =
        arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, tx, tl);
    m2l::emitRuntimeCheck(rewriter, loc, same, op,
                          "the tokens and the router logits have different "
                          "token counts");
    count = arith::MinUIOp::create(rewriter, loc, tx, tl).getResult();
    auto rows = [&](Value v) -> Value {
      return tensor::ExtractSliceOp::create(
          rewriter, loc, v, ArrayRef<OpFoldResult>{zero, zero},
          ArrayRef<OpFoldResult>{count, tensor::getMixedSize(rewriter, loc,
                                                             v, 1)},
          ArrayRef<OpFoldResult>{one, one});
    };
    x = rows(x);
    logits = rows(logits);
  }
  // Every row of the destination is written by exactly one tile.
  Value dest = tensor::EmptyOp::create(
      rewriter, loc, ArrayRef<OpFoldResult>{count, rewriter.getIndexAttr(hidden)},
      outType.getElementType());
  Operation *whole = rewriter.clone(*op);
  whole->setOperand(op.getTokensMutable().getOperandNumber(), x);
  whole->setOperand(op.getLogitsMutable().getOperandNumber(), logits);
  whole->setOperand(op.getInitMutable().getOperandNumber(), dest);
  whole->getResult(0).setType(dest.getType());

  scf::SCFTilingOptions options;
  options.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
  options.setTileSizes({rewriter.getIndexAttr(tokenTile)});
  FailureOr<scf::SCFTilingResult> tiled =
      scf::tileUsingSCF(rewriter, cast<TilingInterface>(whole), options);
  if (failed(tiled))
    return failure();
  Value out = tiled->replacements.front();
  rewriter.replaceOp(whole, out);
  rewriter.setInsertionPointAfterValue(out);
  if (!proven) {
    // Computed on the checked token count: placed into a result of the
    // destination's shape, as the untiled lowering does.
    Value full = m2l::zerosOfType(
        rewriter, loc, outType, {OpFoldResult(tx), rewriter.getIndexAttr(hidden)});
    out = tensor::InsertSliceOp::create(
        rewriter, loc, out, full, ArrayRef<OpFoldResult>{zero, zero},
        ArrayRef<OpFoldResult>{count, rewriter.getIndexAttr(hidden)},
        ArrayRef<OpFoldResult>{one, one});
  }
  if (out.getType() != outType)
    out = tensor::CastOp::create(rewriter, loc, outType, out);
  rewriter.replaceOp(op, out);
  return success();
}

void kiln::populateFusedMoEToLinalgPatterns(RewritePatternSet &patterns,
                                            bool reference) {
  patterns.add<MoEToLinalg>(patterns.getContext(), reference);
}
