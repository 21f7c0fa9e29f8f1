//===- FusedMoEOps.td - fused.moe: a mixture-of-experts layer --*- tablegen -*-===//
#ifndef KILN_FUSED_MOE_OPS_TD
#define KILN_FUSED_MOE_OPS_TD

def Fused_MoEOp : Fused_Op<"moe", [Pure, AttrSizedOperandSegments,
    DestinationStyleOpInterface,
    DeclareOpInterfaceMethods<TilingInterface, ["getLoopIteratorTypes",
        "getIterationDomain", "getTiledImplementation",
        "getResultTilePosition"]>]> {
  let summary = "A mixture-of-experts layer: routing, top-k, expert MLPs, "
                "weighted combine, optional shared expert";
  let description = [{
    For each token `t` of `tokens` [T, H] with router logits `s = logits[t]`
    ([T, num_experts]; the router's matmul stays outside the op):

    - scores `p = softmax(s)` (`scoring = "softmax"`) or `p = sigmoid(s)`
      (`scoring = "sigmoid"`);
    - the chosen experts `S_t` are the `top_k` largest of `c = b + q`, where
      `q = p`, or `q = s` with `softmax_after_topk` (Mixtral written as
      top-k of the logits, then softmax of the k values), and `b` the
      optional `selection_bias` [num_experts] (DeepSeek-V3's aux-loss-free
      balancing: it decides which experts are chosen, not how much they
      weigh). Ties go to the lower expert index, as ONNX TopK;
    - weights `w_te = p[e]` for `e` in `S_t`; with `renormalize` divided by
      their sum over `S_t` (`softmax_after_topk` is normalized over `S_t`
      by definition); then multiplied by `routed_scaling`;
    - `out[t] = sum_{e in S_t} w_te * FFN_e(x_t) + FFN_shared(x_t)`, with
      `FFN_e(x) = (act(x G_e + gb_e) * (x U_e + ub_e)) D_e + db_e` when
      `gated` (SwiGLU with `activation = "silu"`, GeGLU with "gelu") and
      `act(x U_e + ub_e) D_e + db_e` otherwise. The expert weights are
      stacked: gate/up [E, H, F], down [E, F, H], biases [E, F] / [E, H].
      The shared expert (optional) has the same form with [H, Fs] / [Fs, H]
      weights and no biases.

    Activations: "silu" (x * sigmoid(x)), "gelu" (exact, erf), "gelu_tanh",
    "relu". Work is proportional to `top_k`, not to `num_experts`: the CPU
    lowering groups the tokens by expert and runs one GEMM per expert over
    only its tokens.

    Tiling (TilingInterface): one parallel loop over the tokens (routing is
    per token); a tile reads its rows of `tokens` and `logits` and every
    expert's whole weights, and is a fused.moe over a block of tokens.

    ```mlir
    %o = fused.moe tokens(%x : tensor<?x16xf32>) logits(%l : tensor<?x8xf32>)
           gate(%g : tensor<8x16x32xf32>) up(%u : tensor<8x16x32xf32>)
           down(%d : tensor<8x32x16xf32>) outs(%init : tensor<?x16xf32>)
           {num_experts = 8, top_k = 2, renormalize = true, gated = true,
            activation = "silu"} -> tensor<?x16xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$tokens, AnyRankedTensor:$logits,
                       Optional<AnyRankedTensor>:$selection_bias,
                       Optional<AnyRankedTensor>:$gate_weight,
                       AnyRankedTensor:$up_weight,
                       AnyRankedTensor:$down_weight,
                       Optional<AnyRankedTensor>:$gate_bias,
                       Optional<AnyRankedTensor>:$up_bias,
                       Optional<AnyRankedTensor>:$down_bias,
                       Optional<AnyRankedTensor>:$shared_gate,
                       Optional<AnyRankedTensor>:$shared_up,
                       Optional<AnyRankedTensor>:$shared_down,
                       AnyRankedTensor:$init,
                       I64Attr:$num_experts, I64Attr:$top_k,
                       DefaultValuedAttr<StrAttr, "\"softmax\"">:$scoring,
                       DefaultValuedAttr<BoolAttr, "false">:$softmax_after_topk,
                       DefaultValuedAttr<BoolAttr, "false">:$renormalize,
                       DefaultValuedAttr<F32Attr, "1.0f">:$routed_scaling,
                       DefaultValuedAttr<StrAttr, "\"silu\"">:$activation,
                       DefaultValuedAttr<BoolAttr, "true">:$gated);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    `tokens` `(` $tokens `:` type($tokens) `)`
    `logits` `(` $logits `:` type($logits) `)`
    (`selection_bias` `(` $selection_bias^ `:` type($selection_bias) `)`)?
    (`gate` `(` $gate_weight^ `:` type($gate_weight) `)`)?
    `up` `(` $up_weight `:` type($up_weight) `)`
    `down` `(` $down_weight `:` type($down_weight) `)`
    (`gate_bias` `(` $gate_bias^ `:` type($gate_bias) `)`)?
    (`up_bias` `(` $up_bias^ `:` type($up_bias) `)`)?
    (`down_bias` `(` $down_bias^ `:` type($down_bias) `)`)?
    (`shared_gate` `(` $shared_gate^ `:` type($shared_gate) `)`)?
    (`shared_up` `(` $shared_up^ `:` type($shared_up) `)`)?
    (`shared_down` `(` $shared_down^ `:` type($shared_down) `)`)?
    `outs` `(` $init `:` type($init) `)` attr-dict `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() { return getInitMutable(); }
  }];
}

#endif // KILN_FUSED_MOE_OPS_TD
