//===- ModelTransformerOps.td - Opset-23 transformer ops -*- tablegen -*-===//
//
// Part of ModelOps.td (included at its end). ONNX opset 23's
// RMSNormalization and RotaryEmbedding as whole ops (the importer does not
// decompose them), so later passes see them as such. Inference and
// verifiers: ModelTransformerOps.cpp; lowering:
// ModelToLinalg/Transformer.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_MODEL_TRANSFORMER_OPS_TD
#define KILN_MODEL_TRANSFORMER_OPS_TD

def Model_RMSNormOp : Model_InferredOp<"rms_norm"> {
  let summary = "Divides by the root mean square of the dims from `axis` on, "
                "then scales";
  let description = [{
    ONNX `RMSNormalization`. Over the dims `[axis, rank)` of each outer
    index, in `stash_type`:
    ```
    inv_rms = 1 / sqrt(sum(x^2) / n + epsilon)
    result = T(x * inv_rms) * scale   (in x's type)
    ```
    `scale` broadcasts numpy-wise against the normalized dims only (rank at
    most `rank - axis`, never stretching x); the result has x's shape.

    ```mlir
    %y = model.rms_norm %x, %s {axis = 2 : i64, epsilon = 1.0e-05 : f32, stash_type = f32} : (tensor<?x16x64xf16>, tensor<64xf16>) -> tensor<?x16x64xf16>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$scale,
                       I64Attr:$axis, F32Attr:$epsilon, TypeAttr:$stash_type);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Model_RotaryEmbeddingOp : Model_InferredOp<"rotary_embedding"> {
  let summary = "Rotates pairs of each head's first `rotary_dim` features by "
                "position-dependent angles (RoPE)";
  let description = [{
    ONNX `RotaryEmbedding`. `input` is [batch, heads, seq, head_size], or
    [batch, seq, hidden] with `num_heads` heads of `hidden / num_heads`
    features each (`num_heads` is 0 for 4-D input). With `position_ids`
    ([batch, seq] integers), `cos_cache` and `sin_cache` are [positions,
    >= rotary_dim / 2] tables indexed by the position; without, they are
    [batch, seq, >= rotary_dim / 2]. For feature pair `p < rotary_dim / 2`
    with cos `c` and sin `s` at the token's position,
    ```
    (x1, x2) = interleaved ? (x[2p], x[2p + 1]) : (x[p], x[p + rotary_dim/2])
    result at x1's place = c * x1 - s * x2,  at x2's place = s * x1 + c * x2
    ```
    and features from `rotary_dim` on are copied. A position outside the
    tables, and sizes that disagree at run time, are run-time errors.

    ```mlir
    %y = model.rotary_embedding %x, %cos, %sin positions %pos {interleaved = false, num_heads = 0 : i64, rotary_dim = 64 : i64} : (tensor<1x8x?x64xf32>, tensor<128x32xf32>, tensor<128x32xf32>, tensor<1x?xi64>) -> tensor<1x8x?x64xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$cos_cache,
                       AnyRankedTensor:$sin_cache,
                       Optional<AnyRankedTensor>:$position_ids,
                       BoolAttr:$interleaved, I64Attr:$rotary_dim,
                       I64Attr:$num_heads);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $cos_cache `,` $sin_cache (`positions` $position_ids^)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // KILN_MODEL_TRANSFORMER_OPS_TD
