//===- Passes.td - Passes of the CPU target ---------------------*- tablegen -*-===//
// What the host CPU target decides: the entry ABI its code exports and the
// schedule of its loops. Target-neutral IR (linalg on tensors) comes in.
#ifndef KILN_CPU_PASSES_TD
#define KILN_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def CPUEntryABI : Pass<"kiln-cpu-entry-abi", "mlir::ModuleOp"> {
  let summary = "Fix the CPU entry ABI: weights become read-only entry arguments";
  let description = [{
    Fixes the entry-point ABI that the runtime calls (docs/package-format.md,
    "Calling convention"): every `model.weight` in a public function becomes
    a trailing function argument carrying `kiln.weight = "<name>"`, all
    arguments are marked `bufferization.writable = false` (the runtime passes
    inputs and memory-mapped weights that the code must not write), and
    public functions get `llvm.emit_c_interface`. Weights with the same name
    share one argument. Private functions have no runtime ABI: their weights
    become `arith.constant`s.

    Before:
    ```mlir
    func.func @main(%x: tensor<4x16xf32>) -> tensor<4x32xf32> {
      %w = model.weight "fc.weight" dense<...> : tensor<16x32xf32>
      %y = linalg.matmul ins(%x, %w : ...) ...
    ```
    After:
    ```mlir
    func.func @main(%x: tensor<4x16xf32> {bufferization.writable = false},
                    %w: tensor<16x32xf32> {bufferization.writable = false,
                                           kiln.weight = "fc.weight"})
        -> tensor<4x32xf32> attributes {llvm.emit_c_interface} {
      %y = linalg.matmul ins(%x, %w : ...) ...
    ```
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::bufferization::BufferizationDialect"];
}

def CPUContractionLoopOrder : Pass<"kiln-cpu-contraction-loop-order"> {
  let summary = "Order the loops of contractions for the host CPU's vector units";
  let description = [{
    The CPU target's first scheduling step for contractions (`linalg.matmul`,
    `batch_matmul`, `contract` and generics that the contraction interface
    recognizes). Each becomes a `linalg.generic` whose loops run batch dims
    first, then the rows (m), then:
    - the reduction (k) before the columns (n) when the innermost result dim
      is read contiguously by an operand (`C[m, n] += A[m, k] * B[k, n]`):
      the innermost loop then walks rows of B and C with unit stride, which
      LLVM vectorizes, and accumulates with fused multiply-adds
      (`fastmath<contract>`);
    - the reduction innermost otherwise (`B` transposed: a dot product of two
      contiguous rows, `fastmath<contract, reassoc>` so that the reduction
      vectorizes).
    Tiling, packing and vector.contract lowering replace this later; the
    contraction ops coming in carry no schedule.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::arith::ArithDialect"];
}

#endif // KILN_CPU_PASSES_TD
