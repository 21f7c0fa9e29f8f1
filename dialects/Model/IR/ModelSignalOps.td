//===- ModelSignalOps.td - Fourier transforms, mel filters, sampling -*- tablegen -*-===//
//
// The signal-processing ops of speech front ends (DFT, STFT, mel filter
// banks), grid sampling and the determinant. Complex numbers are stored as
// ONNX stores them: a trailing dim of 2 holding the real and imaginary
// parts (a trailing 1 marks a real signal). Inference and verifiers:
// ModelSignalOps.cpp; lowering: ModelToLinalg/Signal.cpp and Sampling.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_MODEL_SIGNAL_OPS_TD
#define KILN_MODEL_SIGNAL_OPS_TD

def Model_DFTOp : Model_InferredOp<"dft"> {
  let summary = "Discrete Fourier transform along one axis";
  let description = [{
    ONNX `DFT` (opset 17). `input` is [..., C] with C = 1 (real) or 2
    (complex); the transform runs along `axis` (not the last dim) over
    N = `length` samples (the dim's size when absent): a longer input is
    truncated, a shorter one reads zeros past its end.

    ```
    y[..., k, ..., :] = s * sum_{n < N} x[..., n, ...] * exp(-+ 2 pi i k n / N)
    ```

    with the sign `-` and s = 1 forward, `+` and s = 1 / N with `inverse`.
    The result is [..., K, ..., 2] with K = N, or K = floor(N / 2) + 1 with
    `onesided` (real input only: the other half is the conjugate mirror).
    Computed as a contraction with a cos/sin matrix, accumulated in f64 for
    f64 data and in f32 otherwise.

    ```mlir
    %y = model.dft %x {axis = 1 : i64, onesided = true} : (tensor<1x16x1xf32>) -> tensor<1x9x2xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "false">:$inverse,
                       DefaultValuedAttr<BoolAttr, "false">:$onesided,
                       OptionalAttr<I64Attr>:$length);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Model_STFTOp : Model_InferredOp<"stft", [AttrSizedOperandSegments]> {
  let summary = "Short-time Fourier transform of a batch of signals";
  let description = [{
    ONNX `STFT` (opset 17). `signal` is [B, L, C] (C = 1 real, 2 complex),
    `frame_step` a rank-0 integer S; the frame length FL is the rank-0
    integer `frame_length` or the length of the 1-D `window` (at least one
    is given; with both they must agree). Frame f holds the samples
    f * S ... f * S + FL - 1, multiplied by `window` when given, and its DFT
    over FL points is row f of the result [B, F, K, 2], where
    F = floor((L - FL) / S) + 1 and K = FL, or floor(FL / 2) + 1 with
    `onesided` (real signals only). S and FL may be known only at run time;
    S < 1, FL < 1, FL > L and a window of another length are run-time
    errors.

    ```mlir
    %y = model.stft %x, %step window %w : (tensor<1x128x1xf32>, tensor<i64>, tensor<16xf32>) -> tensor<1x15x9x2xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$signal, AnyRankedTensor:$frame_step,
                       Optional<AnyRankedTensor>:$window,
                       Optional<AnyRankedTensor>:$frame_length,
                       DefaultValuedAttr<BoolAttr, "true">:$onesided);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $signal `,` $frame_step (`window` $window^)? (`length` $frame_length^)?
    attr-dict `:` functional-type(operands, results)
  }];
}

def Model_MelWeightMatrixOp : Model_InferredOp<"mel_weight_matrix"> {
  let summary = "Triangular mel filter bank over the bins of a onesided DFT";
  let description = [{
    ONNX `MelWeightMatrix` (opset 17), as its reference computes it. From
    rank-0 `num_mel_bins` M, `dft_length` D and `sample_rate` R (integers)
    and `lower_edge_hertz`, `upper_edge_hertz` (floats), with
    mel(f) = 2595 log10(1 + f / 700) and step = (mel(upper) - mel(lower))
    / (M + 2), the edges are

    ```
    bin(m) = floor((D + 1) * 700 (10^((mel(lower) + m * step) / 2595) - 1) / R)
    ```

    and column i of the [floor(D / 2) + 1, M] result is the triangle from
    l = bin(i) over c = bin(i + 1) to h = bin(i + 2): (j - l) / (c - l) for
    l <= j <= c, (h - j) / (h - c) for c <= j < h (1 at j = c when l = c),
    0 elsewhere. Rows outside the result are dropped. Computed in f64, then
    converted to `element_type`; negative M or D and R < 1 are run-time
    errors. Folds when every operand is constant.

    ```mlir
    %m = model.mel_weight_matrix %bins, %len, %rate, %lo, %hi {element_type = f32} : (tensor<i32>, tensor<i32>, tensor<i32>, tensor<f32>, tensor<f32>) -> tensor<?x?xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$num_mel_bins,
                       AnyRankedTensor:$dft_length,
                       AnyRankedTensor:$sample_rate,
                       AnyRankedTensor:$lower_edge_hertz,
                       AnyRankedTensor:$upper_edge_hertz,
                       TypeAttr:$element_type);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $num_mel_bins `,` $dft_length `,` $sample_rate `,` $lower_edge_hertz `,`
    $upper_edge_hertz attr-dict `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
}

def Model_GridSampleOp : Model_InferredOp<"grid_sample"> {
  let summary = "Samples an image at normalized grid positions";
  let description = [{
    ONNX `GridSample` for r >= 1 spatial dims: `input` [N, C, D1..Dr],
    `grid` [N, O1..Or, r] of normalized positions in [-1, 1], whose entry i
    addresses spatial dim r - i (x is the width). The result is
    [N, C, O1..Or]. A position g maps to the input coordinate

    ```
    align_corners: (g + 1) / 2 * (D - 1)     otherwise: ((g + 1) * D - 1) / 2
    ```

    (rounded half to even for `nearest`); one outside [0, D - 1]
    (align_corners) or [-0.5, D - 0.5] is clamped to [0, D - 1] (`border`)
    or reflected at those bounds (`reflection`). `linear` blends the 2^r
    neighbours, `cubic` (r = 2) the 4 x 4 ones with Keys' kernel
    (A = -0.75); each neighbour outside the input reads 0 (`zeros`), the
    border element (`border`) or its reflection (`reflection`). Computed in
    f64 for f64 data, else f32. An empty spatial dim is a run-time error.

    ```mlir
    %y = model.grid_sample %x, %g {mode = "linear", padding_mode = "border"} : (tensor<1x3x8x8xf32>, tensor<1x4x4x2xf32>) -> tensor<1x3x4x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$grid,
                       DefaultValuedStrAttr<StrAttr, "linear">:$mode,
                       DefaultValuedStrAttr<StrAttr, "zeros">:$padding_mode,
                       DefaultValuedAttr<BoolAttr, "false">:$align_corners);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input `,` $grid attr-dict `:` functional-type(operands, results)";
}

def Model_DetOp : Model_InferredOp<"det"> {
  let summary = "Determinants of a batch of square matrices";
  let description = [{
    ONNX `Det`: `input` [*, M, M] to [*], by LU decomposition with partial
    pivoting (in f64 for f64 data, else f32); an empty matrix has
    determinant 1. A dynamic M that differs from the other is a run-time
    error.

    ```mlir
    %d = model.det %x : (tensor<3x2x2xf32>) -> tensor<3xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Model_MaxUnpoolOp : Model_InferredOp<"max_unpool"> {
  let summary = "Partial inverse of max pooling: values scattered to their argmax";
  let description = [{
    ONNX `MaxUnpool`. `input` [N, C, D1..Dk] (float) and `indices` (i64, the
    same shape) are what `model.max_pool` with indices returns. The
    unpooled tensor has the pooling's input shape [N, C, U1..Uk],
    U_i = (D_i - 1) * stride_i + kernel_i - pad_begin_i - pad_end_i, and
    holds `input[e]` at the row-major position `indices[e]` (zeros
    elsewhere; of repeated indices the last element wins). With the 1-D i64
    `output_shape` operand the result has that shape: the unpooled tensor
    extended with zeros at the end of each dim (the pads ONNX generates, as
    its node tests state). An index outside [0, N * C * U1 * ... * Uk), an
    output_shape of another N or C, or a spatial size below U_i is a
    run-time error.

    ```mlir
    %y = model.max_unpool %x, %i {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>) -> tensor<1x1x4x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$indices,
                       Optional<AnyRankedTensor>:$output_shape,
                       DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $indices (`shape` $output_shape^)? attr-dict `:`
    functional-type(operands, results)
  }];
}

#endif // KILN_MODEL_SIGNAL_OPS_TD
