//===- Passes.td - kiln's transforms of linalg on tensors ------*- tablegen -*-===//
#ifndef KILN_TRANSFORMS_PASSES_TD
#define KILN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def FuseElementwise : Pass<"kiln-fuse-elementwise"> {
  let summary = "Fuse elementwise producers into consumers that compute "
                "each producer element once";
  let description = [{
    linalg's elementwise producer/consumer fusion, restricted to fusions that
    do not repeat work: a producer is fused into a consumer only when the
    consumer reads it through a map that uses every consumer loop, so each
    producer element is still computed exactly once. Fusing `y = erf(x)` into
    the matmul `y @ W` would read `y[m, k]` inside the loop over `n` and
    recompute the erf N times; this pass leaves it as two ops, while chains of
    elementwise ops and elementwise producers of full reductions (softmax's
    `exp(x - max)` into its sum) still become one loop nest.

    ```mlir
    %e = linalg.generic {iterator_types = ["parallel", "parallel"]} ins(%x) ... math.erf
    %r = linalg.generic {iterator_types = ["parallel", "parallel"]} ins(%e, %x) ... arith.mulf
    // becomes one generic computing erf and mulf.
    ```
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def DecomposeAggregatedOps : Pass<"kiln-decompose-aggregated-ops"> {
  let summary = "Decompose linalg ops with AggregatedOpInterface (softmax) "
                "into their parts";
  let description = [{
    `linalg.softmax` (and any other op implementing
    `linalg::AggregatedOpInterface`) is rewritten into the linalg ops its
    interface produces: for softmax a max reduction, `exp(x - max)`, a sum
    reduction and a division. Lowerings emit the aggregated op so that the
    structure stays visible to matchers and to targets that have a better
    kernel; a target that has none runs this pass. Upstream mlir-opt has no
    such pass.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::math::MathDialect"];
}

def TestMatchContractions : Pass<"kiln-test-match-contractions"> {
  let summary = "Test pass: remark on every linalg op that upstream's "
                "contraction interface recognizes";
  let description = [{
    Emits a remark `contraction: batch=[..] m=[..] n=[..] k=[..]` (the loop
    dims of `linalg::inferContractionDims`) on every linalg op for which
    `linalg::isaContractionOpInterface` holds, and `not a contraction` on
    every other linalg op with a reduction loop. Lit tests use it with
    `-verify-diagnostics` to prove that lowerings emit contractions that
    upstream transforms (packing, `vector.contract`, mma paths) will see.
  }];
}

#endif // KILN_TRANSFORMS_PASSES_TD
