//===- Passes.td - Transforms of the `model` dialect ------------*- tablegen -*-===//
#ifndef KILN_MODEL_TRANSFORMS_PASSES_TD
#define KILN_MODEL_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def ResolveDynamicReshapes : Pass<"kiln-resolve-dynamic-reshapes"> {
  let summary = "Turn model.dynamic_reshape into model.reshape where the "
                "shape copies dims proven equal to the input's";
  let description = [{
    Exporters build reshape targets from `Shape` of one value and reshape
    another: `reshape(x @ W + b, concat(shape(x)[0], shape(x)[1], 4, 16))`.
    Canonicalization turns a dynamic_reshape into a `model.reshape` when each
    entry is a constant or the reshaped value's own dim; this pass also
    accepts a dim of another value that DimEquivalence proves equal to the
    input's dim at that index (here x's rows and columns, which the matmul
    and the add pass through), so the result keeps the input's symbolic dims
    and later passes (fusion, run-time check elimination) can reason about
    them. Entries it cannot prove stay dynamic.
  }];
}

#endif // KILN_MODEL_TRANSFORMS_PASSES_TD
