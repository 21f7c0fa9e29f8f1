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

#endif // KILN_TRANSFORMS_PASSES_TD
