//===- Passes.td - kiln's conversions, the whole lowering graph -*- tablegen -*-===//
#ifndef KILN_CONVERSION_PASSES_TD
#define KILN_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertModelToLinalg : Pass<"kiln-convert-model-to-linalg"> {
  let summary = "Lower `model` ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Every `model` op becomes structured ops on tensors: elementwise ops and
    broadcasts become `linalg.generic`s with broadcasting indexing maps,
    contractions become `linalg.generic` reductions, softmax becomes
    max / exp / sum / divide generics, and data movement becomes `tensor`
    ops (`expand_shape`, `collapse_shape`, `reshape`, `extract_slice`,
    `insert_slice`) or `linalg.transpose`. Dynamic dims are read with
    `tensor.dim`; a dynamic dim is assumed not to broadcast (it is never 1
    where the other operand's dim is larger).

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
    "mlir::linalg::LinalgDialect",
    "mlir::math::MathDialect",
    "mlir::tensor::TensorDialect",
  ];
}

#endif // KILN_CONVERSION_PASSES_TD
