//===- ModelDataMovementOps.td - Shape, layout and indexing ops -*- tablegen -*-===//
//
// The ops that build, rearrange or index tensors without arithmetic on their
// elements: broadcasting and tiling, splitting and padding, tensors made
// from a shape (constant_of_shape, range, eye_like, one_hot, trilu), the
// depth/space rearrangements, and the gathers and scatters of ONNX.
//
// Where ONNX takes a shape-like argument as a tensor (Expand's shape, Tile's
// repeats, Pad's pads, ...), so does the op: its entries may be known only
// at run time. Type inference reads what is known statically — constants,
// and a shape vector assembled from constants and model.shape reads (see
// knownShapeEntries) — so exporters' Shape -> Gather -> Concat chains on
// static dims give static results. Because folding elsewhere may make an
// operand better known after an op was built, these ops accept a declared
// result type that is more or less static than what inference gives, as
// long as no static dim contradicts; the lowering checks at run time every
// static dim it did not prove.
//
// Indices follow ONNX: a negative index counts from the end of its dim, and
// an index out of range is a run-time error of the run naming the node,
// never an out-of-bounds access.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_MODEL_DATA_MOVEMENT_OPS_TD
#define KILN_MODEL_DATA_MOVEMENT_OPS_TD

/// An op whose inference reads its operands' known values; see the banner.
class Model_ValueShapedOp<string mnemonic, list<Trait> traits = []>
    : Model_InferredOp<mnemonic, traits>;

//===----------------------------------------------------------------------===//
// Broadcasting, tiling, splitting and padding
//===----------------------------------------------------------------------===//

def Model_ExpandOp : Model_ValueShapedOp<"expand"> {
  let summary = "Broadcasts `input` to the shape in the 1-D i64 tensor `shape`";
  let description = [{
    ONNX `Expand`: the result shape is the numpy broadcast of the input's
    shape and `shape` (right-aligned; a 1 on either side stretches), so an
    entry 1 keeps the input's dim and the result rank is the larger of the
    two. Entries must be non-negative and broadcast with the input: that is
    checked here where both are static and at run time otherwise.

    ```mlir
    %s = model.constant dense<[2, 1, 6]> : tensor<3xi64>
    %r = model.expand %x, %s : (tensor<?x1xf32>, tensor<3xi64>) -> tensor<2x?x6xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$shape);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input `,` $shape attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Model_TileOp : Model_ValueShapedOp<"tile"> {
  let summary = "Repeats `input` `repeats[i]` times along each dim i";
  let description = [{
    ONNX `Tile`: `result[i...] = input[i_0 mod d_0, i_1 mod d_1, ...]` with
    result dim `i` = input dim `i` * `repeats[i]`. `repeats` is a 1-D i64
    tensor with one non-negative entry per input dim.

    ```mlir
    %r = model.tile %x, %reps : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<?x?xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$repeats);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input `,` $repeats attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Model_SplitOp : Model_ValueShapedOp<"split"> {
  let summary = "Cuts `input` along `axis` into `parts` consecutive pieces";
  let description = [{
    ONNX `Split`. With `sizes` (a 1-D i64 tensor of `parts` non-negative
    entries that add up to the dim) piece k has `sizes[k]` elements along
    `axis`; without, every piece has ceil(dim / parts) elements but the last
    ones, which take what remains (possibly nothing). Sizes known only at
    run time are checked there. Splits of a static dim by constant sizes are
    imported as `model.slice`s, which fold; this op carries the others.

    ```mlir
    %a, %b = model.split %x, %sizes {axis = 1 : i64, parts = 2 : i64} : (tensor<4x?xf32>, tensor<2xi64>) -> (tensor<4x?xf32>, tensor<4x?xf32>)
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       Optional<AnyRankedTensor>:$sizes, I64Attr:$axis,
                       I64Attr:$parts);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let assemblyFormat = "$input (`,` $sizes^)? attr-dict `:` functional-type(operands, results)";
}

def Model_PadOp : Model_ValueShapedOp<"pad"> {
  let summary = "Pads (or, with negative amounts, crops) every dim of `input`";
  let description = [{
    ONNX `Pad`. `pads` is a 1-D i64 tensor `[b_0, ..., b_(r-1), e_0, ...,
    e_(r-1)]`: dim i gets `b_i` elements before and `e_i` after; a negative
    amount removes that many instead (the crop applies first, then the pad).
    `mode` says what the new elements are:
      - `constant`: `value` (a scalar of the element type; 0 when absent);
      - `edge`: the nearest element of the (cropped) input;
      - `reflect`: the input mirrored at its first and last element, which
        needs at least 2 elements where something is padded;
      - `wrap`: the input repeated periodically.
    A cropped dim must not become negative, and edge and wrap need a
    non-empty dim to pad; those are checked at run time when not known.

    ```mlir
    %r = model.pad %x, %pads {mode = "reflect"} : (tensor<1x3x4x5xf32>, tensor<8xi64>) -> tensor<?x?x?x?xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$pads,
                       Optional<AnyRankedTensor>:$value,
                       DefaultValuedAttr<StrAttr, "\"constant\"">:$mode);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input `,` $pads (`,` $value^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Tensors made from shapes
//===----------------------------------------------------------------------===//

def Model_ConstantOfShapeOp : Model_ValueShapedOp<"constant_of_shape"> {
  let summary = "A tensor of the shape in `shape` filled with `value`";
  let description = [{
    ONNX `ConstantOfShape`: `shape` is a 1-D i64 tensor of non-negative
    entries (checked at run time when not constant); the element type is
    `value`'s.

    ```mlir
    %r = model.constant_of_shape %s {value = 1.0 : f32} : (tensor<2xi64>) -> tensor<?x?xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$shape, TypedAttrInterface:$value);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$shape attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Model_RangeOp : Model_ValueShapedOp<"range"> {
  let summary = "`start + i * delta` for i below max(ceil((limit - start) / delta), 0)";
  let description = [{
    ONNX `Range` on 0-D tensors of one integer or floating-point type; the
    count and the elements are computed in that type. A zero `delta` is an
    error (at run time when not constant).

    ```mlir
    %r = model.range %start, %limit, %delta : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$start, AnyRankedTensor:$limit,
                       AnyRankedTensor:$delta);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$start `,` $limit `,` $delta attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Model_SizeOp : Model_InferredOp<"size"> {
  let summary = "The number of elements of `input`, as a 0-D i64 tensor";
  let description = [{
    ```mlir
    %n = model.size %x : (tensor<?x4xf32>) -> tensor<i64>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Model_EyeLikeOp : Model_InferredOp<"eye_like"> {
  let summary = "1 where column - row == k, else 0, in the 2-D shape of `input`";
  let description = [{
    ONNX `EyeLike`: only `input`'s shape is read; the result has element
    type `dtype` (an integer or floating-point type).

    ```mlir
    %r = model.eye_like %x {dtype = f32, k = 1 : i64} : (tensor<4x?xi32>) -> tensor<4x?xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, TypeAttr:$dtype,
                       DefaultValuedAttr<I64Attr, "0">:$k);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Model_OneHotOp : Model_ValueShapedOp<"one_hot"> {
  let summary = "values[1] where an index equals the position along `axis`, else values[0]";
  let description = [{
    ONNX `OneHot`: the result is `indices`' shape with a dim of size `depth`
    inserted at `axis` (in [0, rank(indices)]), and
    `result[..., d, ...] = indices[...] == d ? values[1] : values[0]`.
    Indices and depth of a floating-point type are truncated to integers.
    With `wrapNegative` (opset 11) an index in [-depth, 0) counts from the
    end; an index out of range gives a row of `values[0]`, which ONNX
    defines, so it is no error. A negative depth is a run-time error.

    ```mlir
    %r = model.one_hot %i, %depth, %values {axis = 1 : i64} : (tensor<3xi64>, tensor<f32>, tensor<2xf32>) -> tensor<3x?xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$indices, AnyRankedTensor:$depth,
                       AnyRankedTensor:$values, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$wrapNegative);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$indices `,` $depth `,` $values attr-dict `:` functional-type(operands, results)";
}

def Model_TriluOp : Model_InferredOp<"trilu", [Model_SameShapeAsInput]> {
  let summary = "Keeps the upper or lower triangle of the last two dims, zeroing the rest";
  let description = [{
    ONNX `Trilu` on a tensor of rank >= 2: element [..., i, j] is kept when
    `j - i >= k` (`upper`) or `j - i <= k` (lower), else it is 0. `k` is a
    0-D i64 tensor.

    ```mlir
    %r = model.trilu %x, %k {upper = false} : (tensor<2x?x?xf32>, tensor<i64>) -> tensor<2x?x?xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$k,
                       BoolAttr:$upper);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input `,` $k attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Depth and space
//===----------------------------------------------------------------------===//

def Model_DepthToSpaceOp : Model_InferredOp<"depth_to_space"> {
  let summary = "Moves blocks of channels of an NCHW tensor into b x b spatial blocks";
  let description = [{
    ONNX `DepthToSpace` with block size b: [N, C, H, W] -> [N, C / b^2,
    H * b, W * b]. In `DCR` mode channel `(i * b + j) * C / b^2 + c` lands
    at [c, h * b + i, w * b + j]; in `CRD` mode channel `c * b^2 + i * b + j`
    does. C must be divisible by b^2 (checked at run time when dynamic).

    ```mlir
    %r = model.depth_to_space %x {blocksize = 2 : i64, mode = "CRD"} : (tensor<?x8x3x3xf32>) -> tensor<?x2x6x6xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$blocksize,
                       DefaultValuedAttr<StrAttr, "\"DCR\"">:$mode);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Model_SpaceToDepthOp : Model_InferredOp<"space_to_depth"> {
  let summary = "Moves b x b spatial blocks of an NCHW tensor into channels";
  let description = [{
    ONNX `SpaceToDepth`, the inverse of DCR `depth_to_space`: [N, C, H, W]
    -> [N, C * b^2, H / b, W / b], element [c, h * b + i, w * b + j] landing
    in channel `(i * b + j) * C + c`. H and W must be divisible by b
    (checked at run time when dynamic).

    ```mlir
    %r = model.space_to_depth %x {blocksize = 2 : i64} : (tensor<?x1x4x6xf32>) -> tensor<?x4x2x3xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$blocksize);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Gathers and scatters
//===----------------------------------------------------------------------===//

def Model_GatherElementsOp : Model_InferredOp<"gather_elements"> {
  let summary = "result[p] = data[p with its `axis` entry replaced by indices[p]]";
  let description = [{
    ONNX `GatherElements`: `indices` (i32 or i64) has `data`'s rank and is
    the result's shape; along the other dims it may not be larger than
    `data` (checked at run time when dynamic).

    ```mlir
    %r = model.gather_elements %data, %idx {axis = 1 : i64} : (tensor<3x?xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$data, AnyRankedTensor:$indices,
                       I64Attr:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
}

def Model_GatherNDOp : Model_InferredOp<"gather_nd"> {
  let summary = "Picks slices of `data` at the k-tuples in the last dim of `indices`";
  let description = [{
    ONNX `GatherND`: with b = `batchDims` and k the (static) last dim of
    `indices`, result[p..., q...] = data[p_batch..., indices[p..., :], q...]
    where p runs over `indices`' other dims (the first b of which are batch
    dims shared with `data`) and q over data's dims after b + k.

    ```mlir
    %r = model.gather_nd %data, %idx {batchDims = 0 : i64} : (tensor<2x2x2xf32>, tensor<2x1x2xi64>) -> tensor<2x1x2xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$data, AnyRankedTensor:$indices,
                       DefaultValuedAttr<I64Attr, "0">:$batchDims);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
}

def Model_ScatterNDOp : Model_InferredOp<"scatter_nd"> {
  let summary = "A copy of `data` with the slices at `indices` replaced or combined with `updates`";
  let description = [{
    ONNX `ScatterND`: k is the (static) last dim of `indices`; each k-tuple
    `indices[p..., :]` selects the slice `data[tuple, ...]`, which is set to
    `updates[p..., ...]` (`reduction` = "none") or combined with it
    ("add", "mul", "max", "min"), in the order of p. `updates` has shape
    `indices.shape[:-1] + data.shape[k:]`.

    ```mlir
    %r = model.scatter_nd %data, %idx, %upd {reduction = "add"} : (tensor<4x4x4xf32>, tensor<2x1xi64>, tensor<2x4x4xf32>) -> tensor<4x4x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$data, AnyRankedTensor:$indices,
                       AnyRankedTensor:$updates,
                       DefaultValuedAttr<StrAttr, "\"none\"">:$reduction);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$data `,` $indices `,` $updates attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Model_ScatterElementsOp : Model_InferredOp<"scatter_elements"> {
  let summary = "A copy of `data` with data[p with `axis` entry indices[p]] set from updates[p]";
  let description = [{
    ONNX `ScatterElements`: `indices` and `updates` have one shape, of
    `data`'s rank, not larger than `data` but along `axis`. Each update is
    stored (`reduction` = "none") or combined ("add", "mul", "max", "min")
    in row-major order of p.

    ```mlir
    %r = model.scatter_elements %data, %idx, %upd {axis = 1 : i64, reduction = "none"} : (tensor<1x5xf32>, tensor<1x2xi64>, tensor<1x2xf32>) -> tensor<1x5xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$data, AnyRankedTensor:$indices,
                       AnyRankedTensor:$updates, I64Attr:$axis,
                       DefaultValuedAttr<StrAttr, "\"none\"">:$reduction);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$data `,` $indices `,` $updates attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Model_ReverseSequenceOp : Model_InferredOp<"reverse_sequence"> {
  let summary = "Reverses the first lens[b] elements along `timeAxis` of each batch entry b";
  let description = [{
    ONNX `ReverseSequence`: `batchAxis` and `timeAxis` are 0 and 1 in some
    order; `sequenceLens` is a 1-D i64 tensor with one length in [0, time
    dim] per batch entry (checked at run time). Elements past the length are
    copied unchanged.

    ```mlir
    %r = model.reverse_sequence %x, %lens {batchAxis = 1 : i64, timeAxis = 0 : i64} : (tensor<4x?xf32>, tensor<?xi64>) -> tensor<4x?xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$sequenceLens,
                       I64Attr:$batchAxis, I64Attr:$timeAxis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input `,` $sequenceLens attr-dict `:` functional-type(operands, results)";
}

#endif // KILN_MODEL_DATA_MOVEMENT_OPS_TD
