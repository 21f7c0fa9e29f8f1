//===- ModelReductionOps.td - Reductions, scans, top-k, norms --*- tablegen -*-===//
//
// Part of ModelOps.td (included at its end): the ops that combine many
// elements of one tensor into fewer (reductions, arg-reductions, top-k), a
// scan along an axis, and layer normalization, which later fusions and
// targets want whole. Their inference and verifiers are in
// ModelReductionOps.cpp; the lowering is ModelToLinalg/Reduction.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_MODEL_REDUCTION_OPS_TD
#define KILN_MODEL_REDUCTION_OPS_TD

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

class Model_ReduceOp<string mnemonic, string math, string types>
    : Model_InferredOp<mnemonic> {
  let summary = "Reduces by `" # math # "` over `axes`";
  let description = [{
    Reduces over the listed `axes` (non-negative, distinct); with `keepdims`
    the reduced dims stay as size 1. An empty `axes` reduces every dim. A
    reduction over zero elements (a dim of size 0) gives the identity of
    the combination. Defined on }] # types # [{.

    ```mlir
    %m = model.}] # mnemonic # [{ %x {axes = array<i64: 1>, keepdims = true} : (tensor<4x8xf32>) -> tensor<4x1xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$axes,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Model_ReduceSumOp : Model_ReduceOp<"reduce_sum", "sum", "numbers (not i1)">;
def Model_ReduceMeanOp : Model_ReduceOp<"reduce_mean", "mean", "numbers (not i1)">;
def Model_ReduceProdOp : Model_ReduceOp<"reduce_prod", "product", "numbers (not i1)">;
def Model_ReduceMaxOp : Model_ReduceOp<"reduce_max", "max",
    "numbers and i1 (false < true)">;
def Model_ReduceMinOp : Model_ReduceOp<"reduce_min", "min",
    "numbers and i1 (false < true)">;

def Model_DynamicReduceOp : Model_InferredOp<"dynamic_reduce"> {
  let summary = "Reduces by `kind` over axes known only at run time";
  let description = [{
    The reduction `kind` (sum, mean, prod, max or min, as the
    `model.reduce_*` ops) over the axes held by `axes`, a 1-D i32/i64 tensor
    of static length k whose values, in `[-rank, rank)` and distinct, are
    read at run time (a violation is a run-time error). With `keepdims` the
    result has the input's rank and a reduced dim is 1; without, rank
    `rank - k`. Which dims are reduced is not known here, so the result dims
    are dynamic (a static 1 of the input stays 1 with `keepdims`).

    ```mlir
    %s = model.dynamic_reduce %x, %axes {kind = "sum"} : (tensor<4x8xf32>, tensor<1xi64>) -> tensor<?x?xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$axes,
                       StrAttr:$kind,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input `,` $axes attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

class Model_ArgReduceOp<string mnemonic, string which>
    : Model_InferredOp<mnemonic> {
  let summary = "Index of the " # which # " element along `axis` (i64)";
  let description = [{
    The position along `axis` of the }] # which # [{ element, as i64. Of
    equal elements the first is taken, or the last with
    `select_last_index`. With `keepdims` the reduced dim stays as size 1.
    A dim of size 0 gives index 0.

    ```mlir
    %i = model.}] # mnemonic # [{ %x {axis = 1 : i64, keepdims = false} : (tensor<4x8xf32>) -> tensor<4xi64>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims,
                       DefaultValuedAttr<BoolAttr, "false">:$select_last_index);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Model_ArgMaxOp : Model_ArgReduceOp<"argmax", "largest">;
def Model_ArgMinOp : Model_ArgReduceOp<"argmin", "smallest">;

//===----------------------------------------------------------------------===//
// Scans and selection
//===----------------------------------------------------------------------===//

def Model_CumSumOp : Model_InferredOp<"cumsum", [Model_SameShapeAsInput]> {
  let summary = "Running sum along an axis given as a tensor";
  let description = [{
    ONNX `CumSum`: `result[..., i, ...] = sum of input[..., j, ...]` over
    `j <= i` (`j < i` with `exclusive`; `j >= i` / `j > i` with `reverse`)
    along the axis held by `axis`, a 0-D or 1-element i32/i64 tensor in
    `[-rank, rank)`. The axis may be known only at run time: then an axis
    out of range is a run-time error. 16-bit floats sum in f32.

    ```mlir
    %s = model.cumsum %x, %axis {exclusive = true} : (tensor<4x?xf32>, tensor<i64>) -> tensor<4x?xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$axis,
                       DefaultValuedAttr<BoolAttr, "false">:$exclusive,
                       DefaultValuedAttr<BoolAttr, "false">:$reverse);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input `,` $axis attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Model_TopKOp : Model_InferredOp<"topk"> {
  let summary = "The `k` largest (or smallest) elements along `axis`, sorted";
  let description = [{
    ONNX `TopK`: along `axis`, the `k` largest elements (smallest unless
    `largest`) in order, best first, and their positions as i64; of equal
    elements the one with the lower index comes first. `k` is a 1-element
    i64 tensor; when it is a constant the result dim is static, otherwise it
    is read at run time, and `k` outside `[0, dim]` is a run-time error.

    ```mlir
    %v, %i = model.topk %x, %k {axis = 1 : i64} : (tensor<4x?xf32>, tensor<1xi64>) -> (tensor<4x?xf32>, tensor<4x?xi64>)
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$k,
                       I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$largest);
  let results = (outs AnyRankedTensor:$values, AnyRankedTensor:$indices);
  let assemblyFormat = "$input `,` $k attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

def Model_LayerNormOp : Model_InferredOp<"layer_norm",
    [AttrSizedOperandSegments]> {
  let summary = "Normalizes the dims from `axis` on, then scales and shifts";
  let description = [{
    ONNX `LayerNormalization`. Over the dims `[axis, rank)` of each outer
    index, in `stash_type`:
    ```
    mean = sum(x) / n,  inv_std_dev = 1 / sqrt(sum((x - mean)^2) / n + epsilon)
    result = ((x - mean) * inv_std_dev) * scale + bias   (in x's type)
    ```
    `scale` and `bias` are optional and broadcast numpy-wise against the
    normalized dims only (rank at most `rank - axis`, never stretching x).
    `mean` and `inv_std_dev` have x's shape with the normalized dims 1 and
    the element type `stash_type`.

    ```mlir
    %y, %m, %r = model.layer_norm %x scale %s bias %b {axis = 2 : i64, epsilon = 1.0e-05 : f32, stash_type = f32} : (tensor<?x16x64xf16>, tensor<64xf16>, tensor<64xf16>) -> (tensor<?x16x64xf16>, tensor<?x16x1xf32>, tensor<?x16x1xf32>)
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       Optional<AnyRankedTensor>:$scale,
                       Optional<AnyRankedTensor>:$bias,
                       I64Attr:$axis, F32Attr:$epsilon, TypeAttr:$stash_type);
  let results = (outs AnyRankedTensor:$result, AnyRankedTensor:$mean,
                      AnyRankedTensor:$inv_std_dev);
  let assemblyFormat = [{
    $input (`scale` $scale^)? (`bias` $bias^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // KILN_MODEL_REDUCTION_OPS_TD
