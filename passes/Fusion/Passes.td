//===- Passes.td - kiln's fusion passes on the model dialect ----*- tablegen -*-===//
#ifndef KILN_FUSION_PASSES_TD
#define KILN_FUSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def FuseAttention : Pass<"kiln-fuse-attention"> {
  let summary = "Rewrite softmax(Q K^T * scale [+ mask]) V into fused.attention";
  let description = [{
    Matches the decomposed attention that exporters write on the `model`
    dialect: `matmul(softmax(scores, last axis), V)` with `scores` one of
    `matmul(Q, Kt)`, `div(matmul(Q, Kt), c)` or `mul(matmul(Q, Kt), c)` for a
    scalar constant c, optionally plus an additive mask. Q, Kt and V are
    rank 4 ([batch, heads, Sq, D], [batch, heads, D, Sk], [batch, heads, Sk,
    Dv]); K is taken as the transpose of Kt (which canonicalization folds into
    the exporter's own transposes). Every size the fused op relies on (batch,
    heads, head dims, the key length of K and V, and the mask's broadcast)
    must be static or proven equal (DimEquivalence); anything else stays
    unfused and correct. `-debug-only=kiln-fuse-attention` prints why a
    candidate was rejected.
  }];
  let dependentDialects = ["kiln::fused::FusedDialect",
                           "mlir::tensor::TensorDialect"];
}

def FuseSSD : Pass<"kiln-fuse-ssd"> {
  let summary = "Rewrite the Mamba-2 minimal SSD reference into fused.ssd";
  let description = [{
    Matches what torch.onnx.export writes for the paper's
    `ssd_minimal_discrete(X, A, B, C, block_len[, initial_states])`: the
    chunking reshapes, A as [b, h, c, l], the stable segment sum (x repeated
    along a new axis, zeroed on and above the diagonal, cumsum over the rows,
    -inf above the diagonal) and its exp, the intra-chunk, chunk-state,
    inter-chunk and state-to-output contractions (as Einsum or as
    transposes, broadcasting multiplies, reshapes and matmuls), the
    recurrence's F.pad and cat with a zero or given initial state, and
    `new_states[:, -1]` as the final state. B and C may be per head or a
    repeat of groups ([b, l, g, n] unsqueezed, expanded to [b, l, g, h/g, n]).
    Rooted at the reshape of Y_diag + Y_off to [b, l, h, p]; anything that
    differs (another triangle, another cumsum axis, groups that do not divide
    the heads, ...) stays unfused and correct, with the reason in the pass's
    match-failure notes.
  }];
  let dependentDialects = ["kiln::fused::FusedDialect",
                           "mlir::tensor::TensorDialect"];
}

#endif // KILN_FUSION_PASSES_TD
