//===- ContractionForm.cpp - einsum normal form of contraction chains -----===//
#include "passes/Fusion/ContractionForm.h"

#include "dialects/Model/Analysis/DimEquivalence.h"
#include "dialects/Model/IR/ModelOps.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <numeric>

using namespace mlir;
using namespace kiln::model;
using kiln::fusion::Contraction;
using kiln::fusion::ContractionBuilder;

int ContractionBuilder::fresh(Value v, int64_t dim) {
  parent.push_back(static_cast<int>(parent.size()));
  sizes.push_back(cast<RankedTensorType>(v.getType()).getDimSize(dim));
  origins.push_back({v, dim});
  return parent.back();
}

int ContractionBuilder::find(int label) const {
  while (parent[label] != label)
    label = parent[label];
  return label;
}

bool ContractionBuilder::unify(int a, int b, bool checkedByOp) {
  a = find(a);
  b = find(b);
  if (a == b)
    return true;
  int64_t sa = sizes[a], sb = sizes[b];
  bool dynA = ShapedType::isDynamic(sa), dynB = ShapedType::isDynamic(sb);
  if (!dynA && !dynB && sa != sb)
    return false;
  if (dynA != dynB) {
    // An op that fails at run time unless the two sizes agree (einsum's
    // repeated letter) makes the dynamic one the static size wherever the
    // op runs; the static label represents both.
    if (!checkedByOp)
      return false;
    if (dynA)
      parent[a] = b;
    else
      parent[b] = a;
    return true;
  }
  if (dynA && !(facts && facts->provenEqual(origins[a].first, origins[a].second,
                                            origins[b].first, origins[b].second)))
    return false;
  parent[a] = b;
  return true;
}

SmallVector<int> ContractionBuilder::dropUnits(ArrayRef<int> group) const {
  SmallVector<int> kept;
  for (int label : group)
    if (sizeOf(label) != 1)
      kept.push_back(label);
  return kept;
}

bool ContractionBuilder::unifyGroups(ArrayRef<int> a, ArrayRef<int> b,
                                     bool checkedByOp) {
  SmallVector<int> da(a), db(b);
  if (da.size() != db.size()) {
    da = dropUnits(a);
    db = dropUnits(b);
    if (da.size() != db.size())
      return false;
  }
  for (auto [x, y] : llvm::zip(da, db))
    if (!unify(x, y, checkedByOp))
      return false;
  return true;
}

Contraction ContractionBuilder::leaf(Value v) {
  Contraction form;
  Factor factor{v, {}};
  auto type = cast<RankedTensorType>(v.getType());
  for (int64_t i = 0; i < type.getRank(); ++i) {
    factor.labels.push_back(fresh(v, i));
    form.dims.push_back({factor.labels.back()});
  }
  form.factors.push_back(std::move(factor));
  return form;
}

/// Appends `from`'s factors and ops to `to`.
static void absorb(Contraction &to, Contraction &from) {
  to.factors.append(from.factors.begin(), from.factors.end());
  to.ops.append(from.ops.begin(), from.ops.end());
}

Contraction ContractionBuilder::build(Value v) {
  Operation *def = v.getDefiningOp();
  if (!def || !isa<RankedTensorType>(v.getType()))
    return leaf(v);

  if (auto einsum = dyn_cast<EinsumOp>(def)) {
    SmallVector<StringRef> terms = einsum.getInputTerms();
    Contraction form;
    llvm::DenseMap<char, SmallVector<int>> groups;
    for (auto [term, input] : llvm::zip(terms, einsum.getInputs())) {
      Contraction operand = build(input);
      if (operand.dims.size() != term.size())
        return leaf(v);
      for (auto [letter, group] : llvm::zip(term, operand.dims)) {
        auto [it, inserted] = groups.try_emplace(letter, group);
        if (!inserted && !unifyGroups(it->second, group, /*checkedByOp=*/true))
          return leaf(v);
      }
      absorb(form, operand);
    }
    for (char letter : einsum.getOutputTerm())
      form.dims.push_back(groups.lookup(letter));
    form.ops.push_back(def);
    return form;
  }

  if (auto matmul = dyn_cast<MatMulOp>(def)) {
    Contraction lhs = build(matmul.getLhs()), rhs = build(matmul.getRhs());
    size_t rank = lhs.dims.size();
    if (rank < 2 || rhs.dims.size() != rank)
      return leaf(v);
    for (size_t i = 0; i + 2 < rank; ++i)
      if (!unifyGroups(lhs.dims[i], rhs.dims[i]))
        return leaf(v);
    if (!unifyGroups(lhs.dims[rank - 1], rhs.dims[rank - 2]))
      return leaf(v);
    Contraction form;
    form.dims.assign(lhs.dims.begin(), lhs.dims.end() - 1);
    form.dims.push_back(rhs.dims[rank - 1]);
    absorb(form, lhs);
    absorb(form, rhs);
    form.ops.push_back(def);
    return form;
  }

  if (auto transpose = dyn_cast<TransposeOp>(def)) {
    Contraction input = build(transpose.getInput());
    Contraction form;
    for (int64_t p : transpose.getPerm())
      form.dims.push_back(input.dims[p]);
    absorb(form, input);
    form.ops.push_back(def);
    return form;
  }

  if (auto unsqueeze = dyn_cast<UnsqueezeOp>(def)) {
    Contraction input = build(unsqueeze.getInput());
    int64_t rank = cast<RankedTensorType>(v.getType()).getRank();
    SmallVector<int64_t> axes;
    for (int64_t a : unsqueeze.getAxes())
      axes.push_back(a < 0 ? a + rank : a);
    Contraction form;
    for (int64_t i = 0, next = 0; i < rank; ++i) {
      if (llvm::is_contained(axes, i))
        form.dims.push_back({});
      else
        form.dims.push_back(input.dims[next++]);
    }
    absorb(form, input);
    form.ops.push_back(def);
    return form;
  }

  if (auto mul = dyn_cast<MulOp>(def)) {
    auto resultType = cast<RankedTensorType>(v.getType());
    auto lhsType = cast<RankedTensorType>(mul.getLhs().getType());
    auto rhsType = cast<RankedTensorType>(mul.getRhs().getType());
    if (!isa<FloatType>(resultType.getElementType()))
      return leaf(v);
    Contraction lhs = build(mul.getLhs()), rhs = build(mul.getRhs());
    int64_t rank = resultType.getRank();
    Contraction form;
    for (int64_t i = 0; i < rank; ++i) {
      int64_t li = i - (rank - lhsType.getRank()),
              ri = i - (rank - rhsType.getRank());
      // A static 1 against a larger dim is broadcast: it does not index.
      auto reads = [&](RankedTensorType t, int64_t j) {
        return j >= 0 && !(t.getDimSize(j) == 1 && resultType.getDimSize(i) != 1);
      };
      bool l = reads(lhsType, li), r = reads(rhsType, ri);
      if (l && r) {
        if (!unifyGroups(lhs.dims[li], rhs.dims[ri]))
          return leaf(v);
        form.dims.push_back(lhs.dims[li]);
      } else if (l) {
        form.dims.push_back(lhs.dims[li]);
      } else if (r) {
        form.dims.push_back(rhs.dims[ri]);
      } else {
        form.dims.push_back({});
      }
      if (ShapedType::isDynamic(resultType.getDimSize(i)) &&
          ((li >= 0 && !lhsType.isDynamicDim(li)) ||
           (ri >= 0 && !rhsType.isDynamicDim(ri))))
        return leaf(v); // a run-time broadcast the form cannot express
    }
    absorb(form, lhs);
    absorb(form, rhs);
    form.ops.push_back(def);
    return form;
  }

  if (auto reshape = dyn_cast<ReshapeOp>(def)) {
    Contraction input = build(reshape.getInput());
    // A reshape of a plain tensor is a leaf itself (the fusions look at
    // such leaves, e.g. the chunking reshapes of the inputs).
    bool plainInput = input.factors.size() == 1 && input.ops.empty();
    auto inType = cast<RankedTensorType>(reshape.getInput().getType());
    auto outType = cast<RankedTensorType>(v.getType());
    if (plainInput || !inType.hasStaticShape() || !outType.hasStaticShape())
      return leaf(v);
    SmallVector<int> flat;
    for (auto &group : input.dims)
      flat.append(group.begin(), group.end());
    Contraction form;
    size_t next = 0;
    for (int64_t size : outType.getShape()) {
      SmallVector<int> group;
      int64_t product = 1;
      while (product < size && next < flat.size()) {
        product *= sizeOf(flat[next]);
        group.push_back(flat[next++]);
      }
      if (product != size)
        return leaf(v); // splits a label: not a regrouping of whole dims
      form.dims.push_back(group);
    }
    for (; next < flat.size(); ++next) {
      if (sizeOf(flat[next]) != 1 || form.dims.empty())
        return leaf(v);
      form.dims.back().push_back(flat[next]);
    }
    absorb(form, input);
    form.ops.push_back(def);
    return form;
  }

  return leaf(v);
}

bool ContractionBuilder::matches(const Contraction &form,
                                 ArrayRef<StringRef> spec, StringRef result,
                                 llvm::StringMap<Value> &roles) const {
  if (form.factors.size() != spec.size() || form.dims.size() != result.size())
    return false;
  SmallVector<int> resultLabels;
  for (const SmallVector<int> &group : form.dims) {
    SmallVector<int> kept = dropUnits(group);
    if (kept.empty() && group.size() == 1)
      kept = {group.front()};
    if (kept.size() != 1)
      return false;
    resultLabels.push_back(find(kept.front()));
  }
  SmallVector<std::pair<StringRef, StringRef>> terms;
  for (StringRef term : spec)
    terms.push_back(term.split(':'));
  SmallVector<size_t> order(spec.size());
  std::iota(order.begin(), order.end(), 0);
  do {
    llvm::StringMap<Value> bound = roles;
    llvm::DenseMap<int, char> letterOf;
    llvm::DenseMap<char, int> labelOf;
    auto bind = [&](int label, char letter) {
      auto [l, newLabel] = letterOf.try_emplace(label, letter);
      auto [c, newLetter] = labelOf.try_emplace(letter, label);
      return l->second == letter && c->second == label;
    };
    bool ok = true;
    for (size_t k = 0; k < spec.size() && ok; ++k) {
      const Factor &factor = form.factors[k];
      auto [role, letters] = terms[order[k]];
      auto [it, inserted] = bound.try_emplace(role, factor.value);
      ok = it->second == factor.value && letters.size() == factor.labels.size();
      for (size_t d = 0; ok && d < letters.size(); ++d)
        ok = bind(find(factor.labels[d]), letters[d]);
    }
    for (size_t i = 0; ok && i < result.size(); ++i)
      ok = bind(resultLabels[i], result[i]);
    if (ok && labelOf.size() == letterOf.size()) {
      roles = std::move(bound);
      return true;
    }
  } while (std::next_permutation(order.begin(), order.end()));
  return false;
}
