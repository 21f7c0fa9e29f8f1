//===- ModelQuantOps.td - Index vectors for closed-form tensors -*- tablegen -*-===//
//
// Part of ModelOps.td (included at its end). Quantization and signal ops
// (windows) are formulas over elementwise ops in the importer; what they
// cannot compose is a tensor whose length is known only at run time, which
// `model.iota` provides. Inference and verifier: ModelQuantOps.cpp; lowering:
// ModelToLinalg/Quantization.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_MODEL_QUANT_OPS_TD
#define KILN_MODEL_QUANT_OPS_TD

def Model_IotaOp : Model_InferredOp<"iota"> {
  let summary = "The index vector [0, 1, ..., n - 1] for a run-time n";
  let description = [{
    A 1-D i64 tensor of the `n` values `0 .. n - 1`, where `n` is the value
    of a rank-0 i32 or i64 tensor read at run time (its length is `?`). A
    negative `n` is a run-time error. The closed-form ONNX window functions
    are elementwise formulas over it.

    ```mlir
    %i = model.iota %n : (tensor<i64>) -> tensor<?xi64>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$count);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$count attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

#endif // KILN_MODEL_QUANT_OPS_TD
