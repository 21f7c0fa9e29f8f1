//===- FusedSSDOps.td - Mamba-2 state-space duality scan -----*- tablegen -*-===//
#ifndef KILN_FUSED_SSD_OPS_TD
#define KILN_FUSED_SSD_OPS_TD

def Fused_SSDOp : Fused_Op<"ssd", [Pure, DestinationStyleOpInterface,
    AttrSizedOperandSegments,
    DeclareOpInterfaceMethods<TilingInterface, ["getLoopIteratorTypes",
        "getIterationDomain", "getTiledImplementation",
        "getResultTilePosition"]>]> {
  let summary = "Mamba-2 selective state-space scan (SSD), chunked";
  let description = [{
    The discrete selective SSM of Mamba-2 ("Transformers are SSMs", Dao & Gu
    2024, `ssd_minimal_discrete`): per batch `b` and head `h`, with the group
    `g(h) = h / (heads / groups)` whose B and C the head reads,

    ```
    state_t = exp(a[b, t, h]) * state_{t-1} + x[b, t, h, :] (outer) B[b, t, g(h), :]
    y[b, t, h, :] = state_t . C[b, t, g(h), :]  (+ d[h] * x[b, t, h, :])
    ```

    starting from `initial_state` (zeros when absent); the second result is
    the state after the last step. `a` is the per-step log decay (Mamba-2's
    `A * dt`, already applied, as is `dt` to `x`).

    Layouts: `x` [batch, len, heads, head_dim], `a` [batch, len, heads], `b`
    and `c` [batch, len, groups, state], `d` [heads], `initial_state` and the
    final state [batch, heads, head_dim, state], `y` like `x`. The heads are
    static and a multiple of `groups`.

    `chunk_size` is the schedule of the chunked algorithm (intra-chunk
    matmuls masked by the decay, one state per chunk, a recurrence over the
    chunks): the result does not depend on it, and `len` need not be a
    multiple of it (the last chunk is partial). Operand sizes that disagree
    at run time are a run-time error.

    Tiling (TilingInterface): the loops are batch and heads, both parallel
    (every (batch, head) pair is an independent scan; the scan over `len`
    and the state carried over it stay inside a tile). A tile of the heads
    must have a constant size that is a multiple of the heads per group
    (heads / groups) or divides it, so that its heads read whole groups of
    B and C: the tile's `groups` is its number of groups (1 for a part of
    one group). `kiln-convert-fused-to-linalg` tiles the op into an
    `scf.forall` over (batch, heads) by default, which
    `kiln-cpu-parallel-loops` runs on the runtime's thread pool.

    ```mlir
    %y, %s = fused.ssd ins(%x, %a, %b, %c : tensor<2x64x8x16xf32>, tensor<2x64x8xf32>, tensor<2x64x1x32xf32>, tensor<2x64x1x32xf32>)
               initial(%h0 : tensor<2x8x16x32xf32>)
               outs(%y0, %s0 : tensor<2x64x8x16xf32>, tensor<2x8x16x32xf32>)
               {chunk_size = 16, groups = 1} -> tensor<2x64x8x16xf32>, tensor<2x8x16x32xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$x, AnyRankedTensor:$a,
                       AnyRankedTensor:$b, AnyRankedTensor:$c,
                       Optional<AnyRankedTensor>:$d,
                       Optional<AnyRankedTensor>:$initial_state,
                       AnyRankedTensor:$y_init, AnyRankedTensor:$state_init,
                       I64Attr:$chunk_size, I64Attr:$groups);
  let results = (outs AnyRankedTensor:$y, AnyRankedTensor:$final_state);
  let assemblyFormat = [{
    `ins` `(` $x `,` $a `,` $b `,` $c `:` type($x) `,` type($a) `,` type($b)
    `,` type($c) `)`
    (`skip` `(` $d^ `:` type($d) `)`)?
    (`initial` `(` $initial_state^ `:` type($initial_state) `)`)?
    `outs` `(` $y_init `,` $state_init `:` type($y_init) `,` type($state_init) `)`
    attr-dict `->` type($y) `,` type($final_state)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      // The two destinations are the last operands.
      return ::mlir::MutableOperandRange(getOperation(),
                                         getOperation()->getNumOperands() - 2, 2);
    }
  }];
}

#endif // KILN_FUSED_SSD_OPS_TD
