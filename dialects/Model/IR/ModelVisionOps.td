//===- ModelVisionOps.td - Conv, pooling, LRN, resize ops -*- tablegen -*-===//
//
// The sliding-window ops of vision models. Their data is channels-first
// ([N, C, D1, ..., Dk], any k >= 1); channel counts and kernel sizes are
// static, batch and spatial dims may be symbolic. Every spatial dim is
// described by a kernel size K, a stride s, a dilation d and two pads:
//
//   out = floor((in + pad_begin + pad_end - ((K - 1) * d + 1)) / s) + 1
//
// With `auto_pad = "same_upper"` / `"same_lower"` the pads are computed from
// the input size instead (ONNX's SAME_UPPER / SAME_LOWER):
//
//   out = ceil(in / s),  total = max(0, (out - 1) * s + (K - 1) * d + 1 - in)
//   same_upper: pad_begin = floor(total / 2); same_lower: ceil(total / 2)
//
// so that the op stays correct when `in` is only known at run time; `pads`
// is then all zeros. `pads` lists the begin pads of every spatial dim, then
// the end pads (ONNX order).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_MODEL_VISION_OPS_TD
#define KILN_MODEL_VISION_OPS_TD

def Model_ConvOp : Model_InferredOp<"conv"> {
  let summary = "Grouped N-d convolution, channels first";
  let description = [{
    ONNX `Conv` for any number k >= 1 of spatial dims:

    ```
    y[n, g*Fg + f, o...] = bias[g*Fg + f] + sum_{c < Cg, j...}
        x_padded[n, g*Cg + c, o_i * s_i + j_i * d_i ...] * w[g*Fg + f, c, j...]
    ```

    with `input` [N, C, D...], `weight` [F, C / group, K...], the optional
    `bias` [F], `Cg = C / group` and `Fg = F / group`; padding reads zeros.
    C, F and the kernel sizes are static. 16-bit floats accumulate in f32.
    Besides floats, i32 operands (and bias) give the exact integer
    convolution that ONNX's ConvInteger and QLinearConv compute on
    zero-point-shifted operands.

    ```mlir
    %y = model.conv %x, %w, %b {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<?x3x32x32xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<?x8x16x16xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$weight,
                       Optional<AnyRankedTensor>:$bias,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pads,
                       DefaultValuedAttr<I64Attr, "1">:$group,
                       DefaultValuedStrAttr<StrAttr, "explicit">:$auto_pad);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)";
}

def Model_ConvTransposeOp : Model_InferredOp<"conv_transpose"> {
  let summary = "Grouped N-d transposed convolution, channels first";
  let description = [{
    ONNX `ConvTranspose`, the gradient of `model.conv` with respect to its
    input: every input element scatters `x * w` into the output window it
    generates,

    ```
    y[n, g*Fg + f, i_k * s_k + j_k * d_k - pad_begin_k ...] +=
        x[n, g*Cg + c, i...] * w[g*Cg + c, f, j...]
    ```

    plus `bias[g*Fg + f]`, with `input` [N, C, D...], `weight` [C, F / group,
    K...], `Cg = C / group`. The output size of each spatial dim is
    `s * (in - 1) + output_padding + (K - 1) * d + 1 - pad_begin - pad_end`;
    `output_padding` adds zeros (plus bias) at the end. Pads are explicit
    and non-negative; C, F and the kernel sizes are static.

    ```mlir
    %y = model.conv_transpose %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, output_padding = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x8x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$weight,
                       Optional<AnyRankedTensor>:$bias,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$output_padding,
                       DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)";
}

def Model_MaxPoolOp : Model_InferredOp<"max_pool"> {
  let summary = "N-d max pooling, channels first, with optional argmax";
  let description = [{
    ONNX `MaxPool`: the maximum over each (dilated) window; padding never
    wins. With `ceil_mode` the output size rounds up (a last window that
    would start in the end padding is dropped), and windows running past
    the end read nothing there.

    With `with_indices`, a second i64 result holds the position of each
    maximum (the first one on ties) flattened over the whole unpadded input,
    row-major or, with `storage_order = 1`, with the spatial dims in
    column-major order.

    ```mlir
    %y = model.max_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<?x8x32x32xf32>) -> tensor<?x8x16x16xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pads,
                       DefaultValuedStrAttr<StrAttr, "explicit">:$auto_pad,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                       DefaultValuedAttr<BoolAttr, "false">:$with_indices,
                       DefaultValuedAttr<I64Attr, "0">:$storage_order);
  let results = (outs AnyRankedTensor:$result,
                      Optional<AnyRankedTensor>:$indices);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Model_AveragePoolOp : Model_InferredOp<"average_pool"> {
  let summary = "N-d average pooling, channels first";
  let description = [{
    ONNX `AveragePool`: the sum over each (dilated) window divided by the
    number of window positions inside the input, or, with
    `count_include_pad`, inside the explicitly padded input. Window
    positions that `ceil_mode` adds past the end padding never count.

    ```mlir
    %y = model.average_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pads,
                       DefaultValuedStrAttr<StrAttr, "explicit">:$auto_pad,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                       DefaultValuedAttr<BoolAttr, "false">:$count_include_pad);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Model_LRNOp : Model_InferredOp<"lrn"> {
  let summary = "Local response normalization across channels";
  let description = [{
    ONNX `LRN` on [N, C, ...]:

    ```
    square_sum[n, c, ...] = sum over i from max(0, c - floor((size - 1) / 2))
                            to min(C - 1, c + ceil((size - 1) / 2)) of x[n, i, ...]^2
    y = x / (bias + alpha / size * square_sum) ^ beta
    ```

    ```mlir
    %y = model.lrn %x {size = 3 : i64, alpha = 1.0e-04 : f32, beta = 7.5e-01 : f32, bias = 1.0 : f32} : tensor<1x8x4x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$size, F32Attr:$alpha,
                       F32Attr:$beta, F32Attr:$bias);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Model_ResizeOp : Model_InferredOp<"resize", [AttrSizedOperandSegments]> {
  let summary = "Resizes every dim by interpolation: ONNX Resize and Upsample";
  let description = [{
    Each dim i of the output has `sizes[i]` elements, or `floor(in * scales[i])`
    with `scales`; exactly one of the two is given, one entry per dim, as an
    attribute (known sizes) or as an operand read at run time (`scales_input`
    1-D float, `sizes_input` 1-D i64; every output dim is then symbolic, and
    a negative size or a scale that is not positive is a run-time error).
    The scale of a dim is `sizes[i] / in` or `scales[i]`, and
    `length_resized` is `scale * in` (not rounded). Output position x reads
    the input at

    ```
    half_pixel:           (x + 0.5) / scale - 0.5
    half_pixel_symmetric: in / 2 * (1 - out / length_resized)
                            + (x + 0.5) / scale - 0.5
    pytorch_half_pixel:   length_resized > 1 ? (x + 0.5) / scale - 0.5 : 0
    align_corners:        length_resized == 1 ? 0
                            : x * (in - 1) / (length_resized - 1)
    asymmetric:           x / scale
    tf_half_pixel_for_nn: (x + 0.5) / scale
    tf_crop_and_resize:   relative to the roi as ONNX states it;
                            extrapolation_value outside [0, in - 1]
    ```

    `nearest` takes the element at that coordinate rounded by `nearest_mode`
    (round_prefer_floor, round_prefer_ceil, floor, ceil, or `simple`: ceil
    when downsampling, else floor, as Resize-10 and Upsample do), clamped to
    the input; `linear` interpolates between the two neighbours of the
    clamped coordinate; `cubic` uses the four neighbours with coefficient
    `cubic_coeff_a` (edge elements repeat, or with `exclude_outside` taps
    outside the input get weight 0 and the rest are renormalized). The
    interpolation is separable: dims are resized one after another. `roi`
    (an attribute, or the operand `roi_input`) lists the start of every
    dim, then the ends (tf_crop_and_resize only).

    ```mlir
    %y = model.resize %x {mode = "linear", scales = array<f64: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x3x4x4xf32>) -> tensor<1x3x8x8xf32>
    %z = model.resize %x sizes %s {mode = "nearest"} : (tensor<1x3x4x4xf32>, tensor<4xi64>) -> tensor<?x?x?x?xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       Optional<AnyRankedTensor>:$scales_input,
                       Optional<AnyRankedTensor>:$sizes_input,
                       Optional<AnyRankedTensor>:$roi_input,
                       DefaultValuedAttr<DenseF64ArrayAttr, "{}">:$scales,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$sizes,
                       DefaultValuedStrAttr<StrAttr, "nearest">:$mode,
                       DefaultValuedStrAttr<StrAttr, "half_pixel">:$coordinate_mode,
                       DefaultValuedStrAttr<StrAttr, "round_prefer_floor">:$nearest_mode,
                       DefaultValuedAttr<F64Attr, "-0.75">:$cubic_coeff_a,
                       DefaultValuedAttr<BoolAttr, "false">:$exclude_outside,
                       DefaultValuedAttr<F64Attr, "0.0">:$extrapolation_value,
                       DefaultValuedAttr<DenseF64ArrayAttr, "{}">:$roi);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input (`scales` $scales_input^)? (`sizes` $sizes_input^)?
    (`roi` $roi_input^)? attr-dict `:` functional-type(operands, results)
  }];
}

#endif // KILN_MODEL_VISION_OPS_TD
