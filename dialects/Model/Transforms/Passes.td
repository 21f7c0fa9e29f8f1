//===- Passes.td - Transforms of the `model` dialect ------------*- tablegen -*-===//
#ifndef KILN_MODEL_TRANSFORMS_PASSES_TD
#define KILN_MODEL_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def OutlineWeights : Pass<"kiln-outline-weights", "mlir::ModuleOp"> {
  let summary = "Turn `model.weight`s into read-only entry function arguments";
  let description = [{
    Fixes the entry-point ABI that the runtime calls (docs/package-format.md):
    every `model.weight` in a public function becomes a trailing function
    argument carrying `kiln.weight = "<name>"`, all arguments are marked
    `bufferization.writable = false` (the runtime passes inputs and
    memory-mapped weights that the code must not write), and public functions
    get `llvm.emit_c_interface`. Weights with the same name share one argument.

    Before:
    ```mlir
    func.func @main(%x: tensor<4x16xf32>) -> tensor<4x32xf32> {
      %w = model.weight "fc.weight" dense<...> : tensor<16x32xf32>
      %y = model.matmul %x, %w : ...
    ```
    After:
    ```mlir
    func.func @main(%x: tensor<4x16xf32> {bufferization.writable = false},
                    %w: tensor<16x32xf32> {bufferization.writable = false,
                                           kiln.weight = "fc.weight"})
        -> tensor<4x32xf32> attributes {llvm.emit_c_interface} {
      %y = model.matmul %x, %w : ...
    ```
  }];
  let dependentDialects = ["mlir::bufferization::BufferizationDialect"];
}

#endif // KILN_MODEL_TRANSFORMS_PASSES_TD
