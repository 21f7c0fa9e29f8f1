//===- MoEMatchers.h - The pieces of an exported MoE block ------*- C++ -*-===//
// Matchers of the parts kiln-fuse-moe assembles (FuseMoE.cpp): constants,
// linear layers, activations, expert MLPs, per-expert routing weights and
// the routing itself, on the `model` dialect. Each adds the ops it matched to
// an OpSet, so that the pass can check that the block's intermediate values
// stay inside it and name the block's source nodes.
#ifndef KILN_PASSES_FUSION_MOEMATCHERS_H
#define KILN_PASSES_FUSION_MOEMATCHERS_H

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"
#include "mlir/Support/LLVM.h"

#include "llvm/ADT/SetVector.h"

#include <optional>
#include <string>
#include <vector>

namespace kiln::fusion::moe {

using OpSet = llvm::SetVector<mlir::Operation *>;

void insertAll(OpSet &set, std::initializer_list<mlir::Operation *> ops);
mlir::RankedTensorType typeOf(mlir::Value v);

/// The data of a constant or weight (null for anything else).
mlir::ElementsAttr constantValue(mlir::Value v);
/// The elements of an f32 constant or weight, row-major.
std::optional<std::vector<float>> floatData(mlir::Value v);
/// The value of a single-element integer or float constant.
std::optional<double> scalarConstant(mlir::Value v);
/// Zeros: a float splat constant, or `constant_of_shape(shape(s), 0)` (what
/// torch.zeros_like exports with symbolic dims). Returns the value whose
/// shape the zeros have (v itself for a constant); null for anything else.
mlir::Value zerosShapedLike(mlir::Value v);
bool isAxes(llvm::ArrayRef<int64_t> axes, llvm::ArrayRef<int64_t> expected);

/// The operands of a commutative binary op in both orders.
template <typename OpTy>
llvm::SmallVector<std::pair<mlir::Value, mlir::Value>, 2>
operandOrders(OpTy op) {
  return {{op.getLhs(), op.getRhs()}, {op.getRhs(), op.getLhs()}};
}

/// x W (+ b): the weight [in, out] (transposed: [out, in]) and bias [out].
struct Linear {
  mlir::Value weight;
  bool transposed = false;
  mlir::Value bias;
  int64_t in = 0, out = 0;
};

/// `v` as a linear layer of `x`: MatMul(x, W), MatMul(x, W) + b, or
/// Gemm(x, W[, b]) with constant f32 W and b.
std::optional<Linear> matchLinear(mlir::Value v, mlir::Value x, OpSet &ops);

/// `a` as act(u): the activation's name (relu, silu as u * sigmoid(u), gelu
/// as torch exports the exact one) and u.
std::optional<std::pair<llvm::StringRef, mlir::Value>>
matchActivation(mlir::Value a, OpSet &ops);

/// An expert MLP of the tokens.
struct MLP {
  std::optional<Linear> gate;
  Linear up, down;
  llvm::StringRef activation;

  /// Same activation, gatedness, sizes and biases.
  bool sameForm(const MLP &o) const;
};

/// `y` as down(act(gate(x)) * up(x)) or down(act(up(x))).
std::optional<MLP> matchMLP(mlir::Value y, mlir::Value x, OpSet &ops);

/// The tokens an expert output `y` reads: the lhs of the first linear layer
/// (matmul or gemm) found depth-first under its down projection.
mlir::Value expertInput(mlir::Value y);

/// The routing weights' source: values V [T, k] and indices I [T, k]; the
/// expert a per-expert weight is for.
struct Selection {
  mlir::Value values, indices;
  int64_t expert = -1;
};

/// w_e as a one-hot mask of the top-k indices (values and indices set) or a
/// slice of a dense scatter (values and indices null: see matchScatter).
std::optional<Selection> matchExpertWeight(mlir::Value w, OpSet &ops);

/// D = scatter_elements(zeros [T, E], I, V, axis 1) with no reduction.
std::optional<Selection> matchScatter(mlir::Value d, OpSet &ops);

/// One expert's step of Hugging Face's sparse loop (MoEIndexAdd.cpp):
/// `acc + scatter_elements(zeros_like(acc), tok, MLP_e(x[tok]) * V[tok,
/// slot], axis 0)` for the (slot, tok) pairs of torch.where(mask[e]).
struct IndexAddTerm {
  MLP mlp;
  Selection selection;
  mlir::Value tokens; ///< x [T, H], whose rows the expert reads
};

/// `s` as the scatter of one expert's outputs added onto `acc`.
std::optional<IndexAddTerm> matchIndexAddTerm(mlir::Value s, mlir::Value acc,
                                              OpSet &ops);

/// `zeros` as torch.zeros((T, H)) for x [T, H] = reshape(a, [-1, H]), T the
/// product of a's leading dims read at run time.
bool isZerosOfTokens(mlir::Value zeros, mlir::Value x);

/// The routing fused.moe encodes.
struct Routing {
  mlir::Value logits, selectionBias;
  int64_t topK = 0;
  llvm::StringRef scoring = "softmax";
  bool softmaxAfterTopK = false, renormalize = false;
  double scaling = 1.0;
};

/// The routing of top-k weights V and indices I, or failure with `why` (the
/// reason a user reads) set.
mlir::FailureOr<Routing> matchRouting(mlir::Value values, mlir::Value indices,
                                      OpSet &ops, std::string &why);

} // namespace kiln::fusion::moe

#endif // KILN_PASSES_FUSION_MOEMATCHERS_H
