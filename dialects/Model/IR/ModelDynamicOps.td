//===- ModelDynamicOps.td - Ops whose sizes come from run-time values -*- tablegen -*-===//
//
// The ops whose result sizes depend on values known only at run time:
// slicing, squeezing and unsqueezing by index tensors computed in the graph,
// and the selections whose result size is data dependent (non_zero,
// compress). Their results keep what the producer knows statically; every
// other dim is `?` and the lowering computes it at run time. A static result
// dim the lowering does not derive itself (a frontend may state the sizes a
// graph declares) is checked at run time, as are the index operands:
// invalid values fail the run with an error naming the node, never index
// out of bounds.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_MODEL_DYNAMIC_OPS_TD
#define KILN_MODEL_DYNAMIC_OPS_TD

def Model_DynamicSliceOp : Model_Op<"dynamic_slice", [Pure]> {
  let summary = "ONNX `Slice` with starts, ends, axes and steps as tensors";
  let description = [{
    ONNX `Slice` (opset 10+) whose `starts`, `ends`, `axes` and `steps` are
    1-D integer tensors of one static length K, known only at run time. Each
    entry k slices input dim `axes[k]` (negative: counted from the back) from
    `starts[k]` to `ends[k]` by `steps[k]` (non-zero, negative walks
    backwards); the bounds count from the back when negative and clamp as
    the ONNX operator text says: both to [0, d] for a positive step; the
    start to [0, d - 1] and the end to [-1, d - 1] for a negative one (numpy
    differs only for a backward slice starting before element 0, which it
    takes as empty and ONNX as element 0). Dims no entry names are kept
    whole. Axes out of range or repeated and zero steps fail the run.

    The result has the input's rank and element type; its dims are what the
    producer knows (e.g. the dims no constant axis names), `?` otherwise.

    ```mlir
    %r = model.dynamic_slice %x, %starts, %ends, %axes, %steps
        : (tensor<20x10xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x?xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$starts,
                       AnyRankedTensor:$ends, AnyRankedTensor:$axes,
                       AnyRankedTensor:$steps);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $starts `,` $ends `,` $axes `,` $steps attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Model_DynamicUnsqueezeOp : Model_Op<"dynamic_unsqueeze", [Pure]> {
  let summary = "Inserts size-1 dims at run-time `axes` (indices into the result)";
  let description = [{
    ONNX `Unsqueeze` (opset 13+) whose `axes`, a 1-D integer tensor of
    static length K, is known only at run time. The result has rank
    rank(input) + K (so the rank is static even though the axes are not);
    its dims are those the producer states, `?` otherwise. Axes out of
    [-rank(result), rank(result)) or repeated, and a static result dim that
    the axes do not give, fail the run.

    ```mlir
    %r = model.dynamic_unsqueeze %x, %axes : (tensor<3x4xf32>, tensor<1xi64>) -> tensor<?x?x?xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$axes);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input `,` $axes attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Model_DynamicSqueezeOp : Model_Op<"dynamic_squeeze", [Pure]> {
  let summary = "Removes the size-1 dims at run-time `axes` (indices into the input)";
  let description = [{
    ONNX `Squeeze` (opset 13+) whose `axes`, a 1-D integer tensor of static
    length K, is known only at run time. The result has rank
    rank(input) - K; its dims are those the producer states, `?` otherwise.
    Axes out of [-rank(input), rank(input)) or repeated, a named dim that is
    not 1, and a static result dim that does not match, fail the run.

    ```mlir
    %r = model.dynamic_squeeze %x, %axes : (tensor<1x3x1xf32>, tensor<1xi64>) -> tensor<?x?xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$axes);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input `,` $axes attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Model_NonZeroOp : Model_InferredOp<"non_zero"> {
  let summary = "The indices of the non-zero elements, in row-major order";
  let description = [{
    ONNX `NonZero`: a [rank(input), n] i64 tensor whose column j is the
    index of the j-th non-zero element of `input` (row-major order), n the
    number of non-zero elements (known only at run time). The input has
    rank >= 1.

    ```mlir
    %r = model.non_zero %x : (tensor<2x3xi1>) -> tensor<2x?xi64>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Model_CompressOp : Model_InferredOp<"compress"> {
  let summary = "The slices (or elements) of `input` that `condition` selects";
  let description = [{
    ONNX `Compress`: with `axis`, the slices `input[..., i, ...]` along
    `axis` for which `condition[i]` is true, in order; without, the
    elements of the flattened input so selected (a 1-D result). `condition`
    is a 1-D i1 tensor; entries past the selected dim (or the element count)
    must be false (a true one fails the run), and slices past the
    condition's length are dropped. The selected dim has the number of true
    entries, known only at run time.

    ```mlir
    %r = model.compress %x, %c {axis = 0} : (tensor<3x2xf32>, tensor<3xi1>) -> tensor<?x2xf32>
    %f = model.compress %x, %c : (tensor<3x2xf32>, tensor<4xi1>) -> tensor<?xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$condition,
                       OptionalAttr<I64Attr>:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input `,` $condition attr-dict `:` functional-type(operands, results)";
}

def Model_DropoutOp : Model_InferredOp<"dropout"> {
  let summary = "ONNX `Dropout` whose ratio or training mode is a run-time value";
  let description = [{
    ONNX `Dropout` (opset 12+) with a `ratio` (0-D float) and a
    `training_mode` (0-D i1) known only at run time. kiln implements the
    cases in which nothing is dropped: not training, or a ratio of 0. Then
    `result` is `input` and `mask` is all true. Any other run-time value
    (random dropout) fails the run naming the node: kiln has no random
    number generator.

    ```mlir
    %y, %mask = model.dropout %x, %ratio, %training
        : (tensor<3x4xf32>, tensor<f32>, tensor<i1>) -> (tensor<3x4xf32>, tensor<3x4xi1>)
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$ratio,
                       AnyRankedTensor:$training_mode);
  let results = (outs AnyRankedTensor:$result, AnyRankedTensor:$mask);
  let assemblyFormat = [{
    $input `,` $ratio `,` $training_mode attr-dict `:`
    functional-type(operands, results)
  }];
}

#endif // KILN_MODEL_DYNAMIC_OPS_TD
