//===- Passes.td - kiln's fusion passes on the model dialect ----*- tablegen -*-===//
#ifndef KILN_FUSION_PASSES_TD
#define KILN_FUSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def FuseAttention : Pass<"kiln-fuse-attention"> {
  let summary = "Rewrite softmax(Q K^T * scale [+ mask]) V into fused.attention";
  let options = [
    Option<"report", "report", "bool", /*default=*/"false",
           "Record why candidates stayed unfused on the function "
           "(kiln.fusion.near_misses), for kiln-compile --report">
  ];
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

def FuseMoE : Pass<"kiln-fuse-moe"> {
  let summary = "Rewrite exported mixture-of-experts blocks into fused.moe";
  let options = [
    Option<"report", "report", "bool", /*default=*/"false",
           "Record why candidates stayed unfused on the function "
           "(kiln.fusion.near_misses), for kiln-compile --report">
  ];
  let description = [{
    Matches the MoE blocks torch.onnx.export writes when a Python loop over
    the experts is unrolled: the router's top-k over softmax or sigmoid
    scores of the logits (optionally with a selection bias that only
    chooses, renormalized, scaled, or softmax after top-k), each expert's
    weight as a one-hot mask of the top-k indices or a slice of the top-k
    weights scattered into zeros, every expert an MLP (gated SwiGLU/GeGLU or
    plain, MatMul/Gemm with constant weights, optional biases) of the same
    tokens, combined by an add chain or a weighted sum over the stacked
    outputs, optionally plus a shared expert. The per-expert weights become
    stacked [E, ...] weights. Every expert must appear exactly once and the
    intermediate values stay inside the block; anything else stays unfused
    and correct, a real candidate giving its reason (notifyMatchFailure,
    `-debug-only=greedy-rewriter` or kiln-compile's report).
  }];
  let dependentDialects = ["kiln::fused::FusedDialect",
                           "mlir::tensor::TensorDialect"];
}

def FuseSSD : Pass<"kiln-fuse-ssd"> {
  let summary = "Rewrite the Mamba-2 minimal SSD reference into fused.ssd";
  let options = [
    Option<"report", "report", "bool", /*default=*/"false",
           "Record why candidates stayed unfused on the function "
           "(kiln.fusion.near_misses), for kiln-compile --report">
  ];
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
                           "mlir::arith::ArithDialect",
                           "mlir::cf::ControlFlowDialect",
                           "mlir::tensor::TensorDialect"];
}

def FusionReport : Pass<"kiln-fusion-report"> {
  let summary = "Record every fused op on its function for kiln-compile --report";
  let description = [{
    Runs right after the fusion passes. Sets the function attribute
    `kiln.fusion.fused` to one dictionary per op of the `fused` dialect:
    `kind` (the op name without "fused."), `attributes` (all of the op's
    attributes, defaults filled in, so a new fused op reports itself without
    a change here) and `loc` (the FusedLoc of the ops it replaced, whose
    NameLocs are the ONNX node names). kiln-compile reads and removes it,
    with the fusion passes' `kiln.fusion.near_misses`.
  }];
}

#endif // KILN_FUSION_PASSES_TD
