//===- DimEquivalence.cpp - Which dynamic dims are provably equal ---------===//
#include "dialects/Model/Analysis/DimEquivalence.h"

#include "dialects/Model/IR/ModelOps.h"

#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace kiln::model;

namespace {

bool isDynamicDim(Value v, int64_t i) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && i >= 0 && i < type.getRank() && type.isDynamicDim(i);
}

int64_t rankOf(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type ? type.getRank() : 0;
}

} // namespace

SmallVector<ShapeEntry> kiln::model::expandShapeEntries(Value shape) {
  if (auto where = shape.getDefiningOp<WhereOp>()) {
    auto eq = where.getCondition().getDefiningOp<EqualOp>();
    DenseElementsAttr minusOne, one;
    if (eq && eq.getLhs() == where.getRhs() &&
        matchPattern(eq.getRhs(), m_Constant(&minusOne)) &&
        matchPattern(where.getLhs(), m_Constant(&one)) &&
        minusOne.isSplat() && one.isSplat() &&
        isa<IntegerType>(minusOne.getElementType()) &&
        isa<IntegerType>(one.getElementType()) &&
        minusOne.getSplatValue<APInt>().getSExtValue() == -1 &&
        one.getSplatValue<APInt>().getSExtValue() == 1) {
      SmallVector<ShapeEntry> entries = knownShapeEntries(where.getRhs());
      for (ShapeEntry &entry : entries)
        if (entry.constant && *entry.constant == -1)
          entry.constant = 1;
      return entries;
    }
  }
  return knownShapeEntries(shape);
}

DimEquivalence::DimEquivalence(Operation *root, bool assumeChecksPass)
    : assumeChecksPass(assumeChecksPass) {
  root->walk([&](FunctionOpInterface func) {
    if (func.isExternal())
      return;
    llvm::StringMap<std::pair<Value, int64_t>> byName;
    for (unsigned a = 0; a < func.getNumArguments(); ++a) {
      DimsAttr dims = getArgDims(func, a);
      if (!dims)
        continue;
      Value arg = func.getArgument(a);
      for (int64_t i = 0; i < rankOf(arg); ++i) {
        StringRef name = dims.getName(i);
        if (name.empty() || !isDynamicDim(arg, i))
          continue;
        auto [it, inserted] = byName.try_emplace(name, arg, i);
        if (!inserted)
          unite(arg, i, it->second.first, it->second.second);
      }
    }
  });
  root->walk([&](Operation *op) { visit(op); });
}

unsigned DimEquivalence::classOf(Value v, int64_t dim) {
  auto [it, inserted] = ids.try_emplace({v, dim}, parent.size());
  if (inserted)
    parent.push_back(it->second);
  return it->second;
}

unsigned DimEquivalence::find(unsigned id) const {
  while (parent[id] != id) {
    parent[id] = parent[parent[id]];
    id = parent[id];
  }
  return id;
}

void DimEquivalence::unite(Value a, int64_t i, Value b, int64_t j) {
  if (!isDynamicDim(a, i) || !isDynamicDim(b, j))
    return;
  unsigned x = find(classOf(a, i)), y = find(classOf(b, j));
  if (x != y)
    parent[x] = y;
}

void DimEquivalence::markOne(Value v, int64_t i) {
  if (!isDynamicDim(v, i))
    return;
  unsigned x = find(classOf(v, i)), one = find(kOne);
  if (x != one)
    parent[x] = one;
}

bool DimEquivalence::provenOne(Value v, int64_t i) const {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || i < 0 || i >= type.getRank())
    return false;
  if (!type.isDynamicDim(i))
    return type.getDimSize(i) == 1;
  auto x = ids.find({v, i});
  return x != ids.end() && find(x->second) == find(kOne);
}

bool DimEquivalence::provenEqual(Value a, int64_t i, Value b, int64_t j) const {
  auto ta = dyn_cast<RankedTensorType>(a.getType());
  auto tb = dyn_cast<RankedTensorType>(b.getType());
  if (!ta || !tb || i < 0 || j < 0 || i >= ta.getRank() || j >= tb.getRank())
    return false;
  // A static 1 and a dynamic dim proven 1.
  if (ta.isDynamicDim(i) != tb.isDynamicDim(j)) {
    if (ta.isDynamicDim(i))
      return tb.getDimSize(j) == 1 && provenOne(a, i);
    return ta.getDimSize(i) == 1 && provenOne(b, j);
  }
  if (!ta.isDynamicDim(i))
    return ta.getDimSize(i) == tb.getDimSize(j);
  if (a == b && i == j)
    return true;
  auto x = ids.find({a, i}), y = ids.find({b, j});
  if (x == ids.end() || y == ids.end())
    return false;
  return find(x->second) == find(y->second);
}

void DimEquivalence::uniteBroadcast(
    Value result, int64_t i, ArrayRef<std::pair<Value, int64_t>> sources) {
  if (!isDynamicDim(result, i))
    return;
  // A 1 (static or proven) stretches and says nothing; the other dynamic
  // dims decide, and only when they are all equal is the result equal to
  // them. When every source is 1, so is the result.
  SmallVector<std::pair<Value, int64_t>> dynamic;
  bool allOne = !sources.empty();
  for (auto [v, d] : sources) {
    if (provenOne(v, d))
      continue;
    allOne = false;
    if (isDynamicDim(v, d))
      dynamic.emplace_back(v, d);
  }
  if (allOne)
    return markOne(result, i);
  if (dynamic.empty())
    return;
  for (auto [v, d] : dynamic)
    if (!provenEqual(v, d, dynamic.front().first, dynamic.front().second))
      return;
  unite(result, i, dynamic.front().first, dynamic.front().second);
}

void DimEquivalence::uniteKept(Value result, Value input,
                               ArrayRef<int64_t> axes, bool keepDims) {
  int64_t out = 0;
  for (int64_t i = 0; i < rankOf(input); ++i) {
    bool reduced = llvm::is_contained(axes, i);
    if (!reduced)
      unite(result, out, input, i);
    if (!reduced || keepDims)
      ++out;
  }
}

/// The dim that a 0-D `limit` reads: gather(model.shape(x), i), or
/// squeeze(slice(model.shape(x))) of one entry (`x.size(-1)`), possibly
/// cast (to a float for a float range).
static std::optional<std::pair<Value, int64_t>> scalarDim(Value limit) {
  if (auto cast = limit.getDefiningOp<CastOp>())
    limit = cast.getInput();
  if (auto squeeze = limit.getDefiningOp<SqueezeOp>()) {
    SmallVector<ShapeEntry> entries = knownShapeEntries(squeeze.getInput());
    if (rankOf(limit) != 0 || entries.size() != 1 || !entries[0].dimOf)
      return std::nullopt;
    return std::make_pair(entries[0].dimOf, entries[0].dim);
  }
  auto gather = limit.getDefiningOp<GatherOp>();
  if (!gather || rankOf(limit) != 0)
    return std::nullopt;
  auto shape = gather.getData().getDefiningOp<ShapeOp>();
  DenseElementsAttr index;
  if (!shape || !matchPattern(gather.getIndices(), m_Constant(&index)) ||
      index.getNumElements() != 1 || !isa<IntegerType>(index.getElementType()))
    return std::nullopt;
  int64_t rank = rankOf(shape.getInput());
  int64_t i = (*index.value_begin<APInt>()).getSExtValue();
  if (i < 0)
    i += rank;
  if (i < 0 || i >= rank)
    return std::nullopt;
  return std::make_pair(shape.getInput(), i);
}

/// Whether `v` is the constant scalar `c`.
static bool isScalar(Value v, double c) {
  DenseElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) || attr.getNumElements() != 1)
    return false;
  if (isa<IntegerType>(attr.getElementType()))
    return (*attr.value_begin<APInt>()).getSExtValue() == c;
  if (isa<FloatType>(attr.getElementType()))
    return (*attr.value_begin<APFloat>()).convertToDouble() == c;
  return false;
}

void DimEquivalence::visit(Operation *op) {
  // The normalized output of a layer norm has the input's shape.
  if (auto norm = dyn_cast<LayerNormOp>(op)) {
    for (int64_t i = 0; i < rankOf(norm.getInput()); ++i)
      unite(op->getResult(0), i, norm.getInput(), i);
    return;
  }
  if (op->getNumResults() != 1)
    return;
  if (assumeChecksPass)
    visitChecked(op);
  Value result = op->getResult(0);
  int64_t rank = rankOf(result);
  auto same = [&](Value input) {
    for (int64_t i = 0; i < rank; ++i)
      unite(result, i, input, i);
  };
  auto broadcast = [&](ValueRange operands, int64_t resultRank,
                       int64_t skipTrailing) {
    for (int64_t i = 0; i < resultRank - skipTrailing; ++i) {
      SmallVector<std::pair<Value, int64_t>> sources;
      for (Value operand : operands) {
        int64_t j = i - (resultRank - rankOf(operand));
        if (j >= 0)
          sources.emplace_back(operand, j);
      }
      uniteBroadcast(result, i, sources);
    }
  };
  if (op->hasTrait<OpTrait::BroadcastingElementwise>())
    return broadcast(op->getOperands(), rank, 0);
  if (op->hasTrait<OpTrait::SameShapeAsInput>())
    return same(op->getOperand(0));
  llvm::TypeSwitch<Operation *>(op)
      .Case([&](MatMulOp mm) {
        // Batch dims broadcast; matmul's lhs operand is [..., m, k] and its
        // rhs [..., k, n] (the batch part aligned as in broadcasting).
        SmallVector<Value> batchOperands = {mm.getLhs(), mm.getRhs()};
        for (int64_t i = 0; i < rank - 2; ++i) {
          SmallVector<std::pair<Value, int64_t>> sources;
          for (Value operand : batchOperands) {
            int64_t j = i - ((rank - 2) - (rankOf(operand) - 2));
            if (j >= 0)
              sources.emplace_back(operand, j);
          }
          uniteBroadcast(result, i, sources);
        }
        unite(result, rank - 2, mm.getLhs(), rankOf(mm.getLhs()) - 2);
        unite(result, rank - 1, mm.getRhs(), rankOf(mm.getRhs()) - 1);
      })
      .Case([&](GemmOp gemm) {
        unite(result, 0, gemm.getA(), gemm.getTransA() ? 1 : 0);
        unite(result, 1, gemm.getB(), gemm.getTransB() ? 0 : 1);
      })
      .Case([&](TransposeOp t) {
        for (auto [i, p] : llvm::enumerate(t.getPerm()))
          unite(result, i, t.getInput(), p);
      })
      .Case([&](ReshapeOp r) {
        for (auto [i, d] : llvm::enumerate(r.getShape()))
          if (d == 0)
            unite(result, i, r.getInput(), i);
      })
      .Case<ReduceSumOp, ReduceMeanOp, ReduceMaxOp, ReduceMinOp, ReduceProdOp>(
          [&](auto reduce) {
            if (!reduce.getAxes().empty())
              uniteKept(result, reduce.getInput(), reduce.getAxes(),
                        reduce.getKeepdims());
          })
      .Case<ArgMaxOp, ArgMinOp>([&](auto reduce) {
        uniteKept(result, reduce.getInput(), {(int64_t)reduce.getAxis()},
                  reduce.getKeepdims());
      })
      .Case([&](UnsqueezeOp u) {
        int64_t in = 0;
        for (int64_t i = 0; i < rank; ++i)
          if (!llvm::is_contained(u.getAxes(), i))
            unite(result, i, u.getInput(), in++);
      })
      .Case([&](SqueezeOp s) {
        int64_t out = 0;
        for (int64_t i = 0; i < rankOf(s.getInput()); ++i)
          if (!llvm::is_contained(s.getAxes(), i))
            unite(result, out++, s.getInput(), i);
      })
      .Case([&](SliceOp s) {
        // Dims the slice does not name keep their size.
        SmallVector<int64_t> axes;
        for (int64_t a : s.getAxes())
          axes.push_back(a < 0 ? a + rank : a);
        for (int64_t i = 0; i < rank; ++i)
          if (!llvm::is_contained(axes, i))
            unite(result, i, s.getInput(), i);
      })
      .Case([&](GatherOp g) {
        // data[:axis] ++ indices.shape ++ data[axis+1:].
        int64_t dataRank = rankOf(g.getData()), idxRank = rankOf(g.getIndices());
        int64_t axis = static_cast<int64_t>(g.getAxis());
        if (axis < 0)
          axis += dataRank;
        if (rank != dataRank - 1 + idxRank)
          return;
        for (int64_t i = 0; i < axis; ++i)
          unite(result, i, g.getData(), i);
        for (int64_t i = 0; i < idxRank; ++i)
          unite(result, axis + i, g.getIndices(), i);
        for (int64_t i = axis + 1; i < dataRank; ++i)
          unite(result, i - 1 + idxRank, g.getData(), i);
      })
      .Case([&](ConstantOfShapeOp c) {
        // Each result dim is its shape entry.
        for (auto [i, entry] : llvm::enumerate(expandShapeEntries(c.getShape())))
          if (entry.dimOf && int64_t(i) < rank)
            unite(result, i, entry.dimOf, entry.dim);
      })
      .Case([&](ExpandOp e) {
        // Result dim i = broadcast(input dim, entry): an entry 1 keeps the
        // input dim; a dim entry is the result when the input dim is a
        // static 1 or proven equal to it.
        SmallVector<ShapeEntry> entries = expandShapeEntries(e.getShape());
        int64_t inputRank = rankOf(e.getInput());
        if (static_cast<int64_t>(entries.size()) > rank)
          return;
        for (int64_t i = 0; i < rank; ++i) {
          int64_t k = i - (rank - static_cast<int64_t>(entries.size()));
          int64_t j = i - (rank - inputRank);
          auto inputType = cast<RankedTensorType>(e.getInput().getType());
          if (k < 0) {
            if (j >= 0)
              unite(result, i, e.getInput(), j);
            continue;
          }
          const ShapeEntry &entry = entries[k];
          if (entry.constant && *entry.constant == 1 &&
              (j < 0 || inputType.getDimSize(j) == 1))
            markOne(result, i);
          if (entry.constant && *entry.constant == 1 && j >= 0)
            unite(result, i, e.getInput(), j);
          if (!entry.dimOf)
            continue;
          if (j < 0 || inputType.getDimSize(j) == 1 ||
              provenEqual(e.getInput(), j, entry.dimOf, entry.dim))
            unite(result, i, entry.dimOf, entry.dim);
        }
      })
      .Case([&](DynamicReshapeOp r) {
        // An entry read from a dim proven equal to the input's dim at the
        // same position is that dim (also when it is 0 at run time and
        // reads as "copy the input dim").
        for (auto [i, entry] : llvm::enumerate(knownShapeEntries(r.getShape())))
          if (entry.dimOf && int64_t(i) < rank && int64_t(i) < rankOf(r.getInput()) &&
              provenEqual(entry.dimOf, entry.dim, r.getInput(), i))
            unite(result, i, r.getInput(), i);
      })
      .Case([&](RangeOp r) {
        // range(0, d, 1) has d elements, d a dim read at run time (also
        // through a cast to float: the count ceil(float(d)) is d exactly
        // for any d below 2^24).
        std::optional<std::pair<Value, int64_t>> dim = scalarDim(r.getLimit());
        if (dim && isScalar(r.getStart(), 0) && isScalar(r.getDelta(), 1))
          unite(result, 0, dim->first, dim->second);
      })
      .Case([&](ConcatOp c) {
        for (int64_t i = 0; i < rank; ++i) {
          if (static_cast<uint64_t>(i) == c.getAxis())
            continue;
          SmallVector<std::pair<Value, int64_t>> sources;
          for (Value input : c.getInputs())
            sources.emplace_back(input, i);
          uniteBroadcast(result, i, sources);
        }
      });
}

void DimEquivalence::visitChecked(Operation *op) {
  Value result = op->getResult(0);
  if (auto einsum = dyn_cast<EinsumOp>(op)) {
    // Every dim of one letter has one size, or the einsum fails.
    llvm::DenseMap<char, std::pair<Value, int64_t>> first;
    auto see = [&](char letter, Value v, int64_t dim) {
      auto [it, inserted] = first.try_emplace(letter, v, dim);
      if (!inserted)
        unite(v, dim, it->second.first, it->second.second);
    };
    SmallVector<StringRef> terms = einsum.getInputTerms();
    if (terms.size() != einsum.getInputs().size())
      return;
    for (auto [term, input] : llvm::zip(terms, einsum.getInputs())) {
      if (static_cast<int64_t>(term.size()) != rankOf(input))
        return;
      for (auto [dim, letter] : llvm::enumerate(term))
        see(letter, input, dim);
    }
    StringRef out = einsum.getOutputTerm();
    if (static_cast<int64_t>(out.size()) != rankOf(result))
      return;
    for (auto [dim, letter] : llvm::enumerate(out))
      see(letter, result, dim);
    return;
  }
  if (auto reshape = dyn_cast<DynamicReshapeOp>(op)) {
    // An entry that reads dim d of t is the result dim (with allowzero
    // unset, a run-time 0 copies the input dim instead: only empty tensors
    // tell the two apart).
    for (auto [i, entry] : llvm::enumerate(knownShapeEntries(reshape.getShape())))
      if (entry.dimOf && static_cast<int64_t>(i) < rankOf(result))
        unite(result, i, entry.dimOf, entry.dim);
  }
}
