//===- Passes.td - kiln's conversions, the whole lowering graph -*- tablegen -*-===//
#ifndef KILN_CONVERSION_PASSES_TD
#define KILN_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertModelToLinalg : Pass<"kiln-convert-model-to-linalg"> {
  let summary = "Lower `model` ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Every `model` op becomes structured ops on tensors, in the canonical
    forms that upstream transforms recognize and with no schedule baked in:
    - contractions are named: `linalg.matmul` (Gemm's transposes as its
      indexing maps; activations times a weight matrix flatten their leading
      dims into the rows of one matmul), `linalg.batch_matmul`, or
      `linalg.contract` with projected-permutation maps (a unit batch dim
      that broadcasting stretches is collapsed away first). Gemm's alpha and
      beta are a separate elementwise op;
    - f16 and bf16 contractions, sums and softmax accumulate in f32 and
      convert the result back;
    - softmax is `linalg.softmax` (targets decompose it);
    - reshapes are `tensor.collapse_shape` / `expand_shape` (through a 1-D
      tensor when the shapes do not group into each other); `tensor.reshape`
      only for `model.dynamic_reshape`, whose shape is a run-time tensor;
    - elementwise ops and broadcasts are `linalg.generic`s with broadcasting
      indexing maps; other data movement is `tensor` ops or
      `linalg.transpose`.
    - convolutions and pools read an input padded by `tensor.pad` through
      the named linalg convolution or pooling op that fits, else a
      `linalg.generic` with the convolution maps; `resize` is one generic
      per resized dim reading neighbours with `tensor.extract`.
    `model.weight` stays: how code reaches weights is the target's entry ABI.
    Dynamic dims are read with `tensor.dim`. Sizes the compiler cannot prove
    (DimEquivalence) are handled for every run-time value or checked: a
    dynamic dim that may be 1 stretches at run time, contradicting sizes and
    unequal matmul inner dims fail a `cf.assert` naming the source node, and
    the code after it runs on guarded operands that keep every access in
    bounds (docs/passes.md, "Sizes the compiler cannot prove").

    ```mlir
    %r = model.relu %x : tensor<4xf32>
    // becomes
    %e = tensor.empty() : tensor<4xf32>
    %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
         ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
      ^bb0(%in: f32, %out: f32):
        %0 = arith.maximumf %in, %cst : f32
        linalg.yield %0 : f32
    } -> tensor<4xf32>
    ```
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect",
    "mlir::cf::ControlFlowDialect",
    "mlir::linalg::LinalgDialect",
    "mlir::scf::SCFDialect",
    "mlir::math::MathDialect",
    "mlir::tensor::TensorDialect",
  ];
}

def ConvertFusedToLinalg : Pass<"kiln-convert-fused-to-linalg"> {
  let summary = "Decompose `fused` ops into linalg on tensors";
  let description = [{
    The reference lowering of the `fused` ops, which every target can fall
    back on. `fused.attention` becomes a contraction for the scores (the
    key/value head of query head h is h / (num_heads / num_kv_heads)), an
    elementwise step that scales, adds the mask and sets keys outside the
    causal/sliding window to -inf, `linalg.softmax` over the keys, and a
    contraction with the values; 16-bit floats compute in f32. The [Sq, Sk]
    scores are materialized. Dynamic sizes the verifier could not compare
    are checked at run time (an error naming the op's source).

    With `flash`, `fused.attention` is lowered instead by tiled online
    softmax (FlashAttention's algorithm) that never materializes them: it
    is tiled through its TilingInterface into an `scf.forall` over (batch,
    head, block of `query-tile` query rows), whose body is an `scf.for` over
    blocks of `key-tile` keys carrying the running row maximum, row sum and
    [rows, Dv] accumulator (f32), with `linalg.matmul`s for the score tile
    (keys read transposed) and the value tile. The key loop runs only over
    the keys that some row of the query block sees under causal and the
    sliding window; the visibility select runs only on the blocks that
    straddle the boundary (`scf.if`). Extra memory per tile is
    O(query-tile * (key-tile + Dv)). Sizes may be dynamic: the last query
    and key blocks are partial; the sizes the verifier could not compare are
    checked at run time (`cf.assert` naming the source node), and after a
    failed check no tile runs (the result is zeros).

    ```mlir
    %o = fused.attention ins(%q, %k, %v : ...) outs(%init : ...) {causal = true, ...}
    // becomes (flash)
    %r = scf.forall (%b, %h, %i) ... shared_outs(%out = %init) {
      %q_blk = tensor.extract_slice %q[%b, %h, %i, 0] [1, 1, %rows, 64] [1, 1, 1, 1] : ... to tensor<?x64xf32>
      %lo, %hi = (the keys the block sees)
      %m, %l, %acc = scf.for %j = %lo to %hi step %c64 iter_args(...) {
        %s = linalg.matmul indexing_maps = [(m, k), (n, k), (m, n)] ins(%q_blk, %k_blk ...)
        %s2 = scf.if %inside { scale } else { scale, select -inf outside }
        ... running max, exp, running sum, rescaled acc
        %acc2 = linalg.matmul ins(%p, %v_blk ...) outs(%acc_scaled ...)
      }
      ... acc / l into the tile of %out
    }
    ```

    `fused.moe` routes by rank (an expert is chosen when fewer than top_k
    experts beat it, ties to the lower index) into dense [T, E] weights. By
    default the tokens are then grouped by expert (counts, prefix-sum
    offsets, a permutation) and each expert runs one GEMM chain over only
    its rows, in an scf.for over the experts with slices of run-time size:
    work proportional to top_k. With `moe-reference` every expert runs on
    every token and the outputs are summed with the dense weights.
  }];
  let options = [
    Option<"flash", "flash", "bool", /*default=*/"false",
           "Lower fused.attention by tiled online softmax instead of the "
           "materializing decomposition">,
    Option<"queryTile", "query-tile", "int64_t", /*default=*/"64",
           "Query rows per tile of the online-softmax lowering">,
    Option<"keyTile", "key-tile", "int64_t", /*default=*/"64",
           "Keys per block of the online-softmax lowering">,
    Option<"moeReference", "moe-reference", "bool", /*default=*/"false",
           "Lower fused.moe densely (every expert on every token) instead of "
           "grouping the tokens by expert">,
    Option<"ssdHeadTile", "ssd-head-tile", "int64_t", /*default=*/"1",
           "Heads per tile of fused.ssd's scf.forall over (batch, heads); 0 "
           "lowers the whole op by one chunked scan">,
    Option<"moeTokenTile", "moe-token-tile", "int64_t", /*default=*/"0",
           "Tokens per tile of an scf.forall over fused.moe's tokens, each "
           "block lowered grouped by expert; 0 lowers the whole op">,
  ];
  let dependentDialects = [
    "mlir::affine::AffineDialect",
    "mlir::arith::ArithDialect",
    "mlir::cf::ControlFlowDialect",
    "mlir::linalg::LinalgDialect",
    "mlir::math::MathDialect",
    "mlir::scf::SCFDialect",
    "mlir::tensor::TensorDialect",
  ];
}

#endif // KILN_CONVERSION_PASSES_TD
