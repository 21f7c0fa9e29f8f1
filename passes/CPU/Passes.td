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

def CPURuntimeChecks : Pass<"kiln-cpu-runtime-checks", "mlir::ModuleOp"> {
  let summary = "Turn run-time checks (cf.assert) into run errors reported "
                "through the runtime's kiln_exec";
  let description = [{
    Run after `kiln-cpu-entry-abi`. Every public function gets a last
    argument `!llvm.ptr {kiln.exec}`, which the entry wrapper fills with the
    runtime's execution context (include/kiln/abi.h). Every `cf.assert %ok,
    "msg"` becomes `if (!%ok) exec->fail(exec, "msg")`: the message (which
    names the source node) goes to the runtime, which returns it as the
    run's error, and the code runs on; the lowering that emitted the check
    has clamped every size so that nothing is read or written out of bounds.
    A check in a private function is an error (it has no context to report
    to).

    ```mlir
    cf.assert %ok, "node 'mm' (model.matmul): the contracted (inner) dims of the operands differ"
    // becomes
    scf.if %failed {
      %msg = llvm.mlir.addressof @kiln_check_0 : !llvm.ptr
      %slot = llvm.getelementptr %exec[16] : (!llvm.ptr) -> !llvm.ptr, i8
      %fail = llvm.load %slot : !llvm.ptr -> !llvm.ptr
      llvm.call %fail(%exec, %msg) : !llvm.ptr, (!llvm.ptr, !llvm.ptr) -> ()
    }
    ```
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect", "mlir::scf::SCFDialect",
                           "mlir::arith::ArithDialect"];
}

def CPULowerStridedCopies : Pass<"kiln-cpu-lower-strided-copies"> {
  let summary = "Turn memref.copy between non-contiguous memrefs into "
                "linalg.copy";
  let description = [{
    Upstream lowers such a copy to a call of `memrefCopy` from MLIR's C runner
    utils, which a package's code does not link (it needs libc and libm
    only). As `linalg.copy` it becomes loops like every other linalg op.
    Contiguous copies are left alone (they become memcpy).
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def CPUParallelLoops : Pass<"kiln-cpu-parallel-loops", "mlir::ModuleOp"> {
  let summary = "Run outermost scf.forall loops on memrefs through the "
                "runtime's exec->parallel_for";
  let description = [{
    For each outermost `scf.forall` without shared outputs (after
    bufferization) in a function that has the `kiln.exec` argument, the body
    becomes an internal `llvm.func` `body(closure, begin, end)` that runs the
    linearized iterations [begin, end); the loop's captured values (memref
    descriptors, scalars, the exec pointer, the bounds) are stored in a
    closure struct on the stack, except constants, which the body rebuilds
    (LLVM vectorizes inner loops only when it sees their constant bounds and
    steps), and the loop becomes a call of
    exec->parallel_for (include/kiln/abi.h). A loop of at most one iteration
    calls the body directly. The iterations of an `scf.forall` write disjoint
    memory by construction, so they may run concurrently. Loops nested in a
    body stay serial (parallel_for called from a body runs inline anyway).
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect", "mlir::scf::SCFDialect",
                           "mlir::arith::ArithDialect"];
}

#endif // KILN_CPU_PASSES_TD
