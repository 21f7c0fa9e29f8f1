// RUN: kiln-opt %s --split-input-file --kiln-convert-model-to-linalg --canonicalize | FileCheck %s
// The signal ops: DFT and STFT as a contraction with a twiddle matrix that
// a generic computes from (k * n) mod N in f64; the mel matrix per element;
// det by LU in scf loops; grid_sample as one generic of clamped reads.

/// A constant length shorter than a dynamic dim cuts the input to
/// min(N, L); onesided keeps floor(6 / 2) + 1 = 4 bins. The contraction
/// reduces over the samples and the input's components.
// CHECK-DAG: #[[X:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d3, d4)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d3, d4, d2)>
// CHECK-DAG: #[[Y:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2)>
// CHECK-LABEL: func @dft_onesided
// CHECK-SAME: (%[[IN:.*]]: tensor<2x?x1xf32>)
// CHECK: %[[L:.*]] = tensor.dim %[[IN]], %c1
// CHECK: %[[M:.*]] = arith.minsi %[[L]], %c6
// CHECK: %[[CUT:.*]] = tensor.extract_slice %[[IN]][0, 0, 0] [2, %[[M]], 1]
// CHECK: %[[TW:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<4x?x1x2xf32>)
// CHECK: arith.muli
// CHECK: arith.remui %{{.*}}, %c6
// CHECK: math.cos %{{.*}} : f64
// CHECK: math.sin %{{.*}} : f64
// CHECK: arith.truncf %{{.*}} : f64 to f32
// CHECK: linalg.generic {indexing_maps = [#[[X]], #[[W]], #[[Y]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[CUT]], %[[TW]] : tensor<2x?x1xf32>, tensor<4x?x1x2xf32>) outs(%{{.*}} : tensor<2x4x2xf32>)
func.func @dft_onesided(%x: tensor<2x?x1xf32>) -> tensor<2x4x2xf32> {
  %0 = model.dft %x {axis = 1 : i64, length = 6 : i64, onesided = true} : (tensor<2x?x1xf32>) -> tensor<2x4x2xf32>
  return %0 : tensor<2x4x2xf32>
}

// -----

/// The inverse of complex f64 data accumulates in f64 and divides the
/// factors by N; nothing is cut without a length.
// CHECK-LABEL: func @dft_inverse
// CHECK-NOT: tensor.extract_slice
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<8x8x2x2xf64>)
// CHECK: math.sin
// CHECK: arith.divf %{{.*}}, %cst{{.*}} : f64
// CHECK-NOT: arith.truncf
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<3x8x2xf64>, tensor<8x8x2x2xf64>) outs(%{{.*}} : tensor<3x8x2xf64>)
func.func @dft_inverse(%x: tensor<3x8x2xf64>) -> tensor<3x8x2xf64> {
  %0 = model.dft %x {axis = 1 : i64, inverse = true} : (tensor<3x8x2xf64>) -> tensor<3x8x2xf64>
  return %0 : tensor<3x8x2xf64>
}

// -----

/// STFT with a run-time step: step >= 1 and a signal at least one frame
/// long are checked; F = (L - 8) / max(step, 1) + 1. Under the check, the
/// frames (f16 widened to f32, times the window) are gathered at
/// f * step + n and contracted with 5 x 8 factors.
// CHECK-LABEL: func @stft_window
// CHECK-SAME: (%[[S:.*]]: tensor<1x?x1xf16>, %[[STEP:.*]]: tensor<i64>, %[[WIN:.*]]: tensor<8xf16>)
// CHECK: %[[ST:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK: %[[L:.*]] = tensor.dim %[[S]], %c1
// CHECK: %[[OK1:.*]] = arith.cmpi sge, %[[ST]], %c1
// CHECK: %[[OK2:.*]] = arith.cmpi sge, %[[L]], %c8
// CHECK: %[[OK:.*]] = arith.andi %[[OK1]], %[[OK2]]
// CHECK: %[[SAFE:.*]] = arith.maxsi %[[ST]], %c1
// CHECK: %[[SPAN:.*]] = arith.subi %[[L]], %c8
// CHECK: arith.floordivsi %[[SPAN]], %[[SAFE]]
// CHECK: cf.assert %[[OK]], "{{.*}}(model.stft): frame_step and the frame length must be positive
// CHECK: scf.if %[[OK]] -> (tensor<1x?x5x2xf16>)
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x?x8x1xf32>)
// CHECK: arith.muli %{{.*}}, %[[ST]]
// CHECK: tensor.extract %[[S]]
// CHECK: tensor.extract %[[WIN]]
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<5x8x1x2xf32>)
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x?x8x1xf32>, tensor<5x8x1x2xf32>) outs(%{{.*}} : tensor<1x?x5x2xf32>)
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: } else {
// CHECK: linalg.fill
func.func @stft_window(%x: tensor<1x?x1xf16>, %s: tensor<i64>, %w: tensor<8xf16>) -> tensor<1x?x5x2xf16> {
  %0 = model.stft %x, %s window %w : (tensor<1x?x1xf16>, tensor<i64>, tensor<8xf16>) -> tensor<1x?x5x2xf16>
  return %0 : tensor<1x?x5x2xf16>
}

// -----

/// Run-time frame length and window: they must agree.
// CHECK-LABEL: func @stft_length
// CHECK: %[[W:.*]] = tensor.dim %{{.*}}, %c0 : tensor<?xf32>
// CHECK: arith.cmpi eq, %[[W]], %{{.*}} : index
// CHECK: cf.assert
func.func @stft_length(%x: tensor<2x100x2xf32>, %s: tensor<i32>, %w: tensor<?xf32>, %n: tensor<i32>) -> tensor<2x?x?x2xf32> {
  %0 = model.stft %x, %s window %w length %n {onesided = false} : (tensor<2x100x2xf32>, tensor<i32>, tensor<?xf32>, tensor<i32>) -> tensor<2x?x?x2xf32>
  return %0 : tensor<2x?x?x2xf32>
}

// -----

/// The mel matrix: its operands are checked, the edges computed per
/// element from 10^(mel / 2595) and clamped before they become integers.
// CHECK-LABEL: func @mel
// CHECK: cf.assert %{{.*}}, "{{.*}}(model.mel_weight_matrix): num_mel_bins and dft_length must be non-negative and sample_rate positive"
// CHECK: math.log10
// CHECK: math.log10
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<?x?xf32>)
// CHECK: math.powf
// CHECK: math.floor
// CHECK: arith.maxnumf
// CHECK: arith.minnumf
// CHECK: arith.fptosi %{{.*}} : f64 to i64
// CHECK: arith.truncf %{{.*}} : f64 to f32
func.func @mel(%m: tensor<i32>, %d: tensor<i32>, %r: tensor<i32>, %lo: tensor<f32>, %hi: tensor<f32>) -> tensor<?x?xf32> {
  %0 = model.mel_weight_matrix %m, %d, %r, %lo, %hi {element_type = f32} : (tensor<i32>, tensor<i32>, tensor<i32>, tensor<f32>, tensor<f32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

/// det of one dynamic matrix: square is checked, the loops run over the
/// leading min(M, N) square; a pivot search, a row swap and (for a non-zero
/// pivot) the elimination per column.
// CHECK-LABEL: func @det
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0, 1], [2]] {{.*}} into tensor<1x?x?xf64>
// CHECK: cf.assert %{{.*}}, "{{.*}}(model.det): the matrices are not square"
// CHECK: %[[N:.*]] = arith.minsi
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 0] [1, %[[N]], %[[N]]]
// CHECK: scf.for {{.*}} -> (tensor<?x?xf64>, f64)
// CHECK: math.absf
// CHECK: scf.for {{.*}} -> (f64, index)
// CHECK: scf.for {{.*}} -> (tensor<?x?xf64>)
// CHECK: scf.if %{{.*}} -> (tensor<?x?xf64>)
// CHECK: arith.divf
// CHECK: tensor.insert
// CHECK: tensor.collapse_shape %{{.*}} [] : tensor<1xf64> into tensor<f64>
func.func @det(%x: tensor<?x?xf64>) -> tensor<f64> {
  %0 = model.det %x : (tensor<?x?xf64>) -> tensor<f64>
  return %0 : tensor<f64>
}

// -----

/// Batch dims collapse to one and expand back.
// CHECK-LABEL: func @det_batched
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0, 1], [2], [3]] : tensor<2x3x4x4xf32> into tensor<6x4x4xf32>
// CHECK-NOT: cf.assert
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0, 1]] output_shape [2, 3] : tensor<6xf32> into tensor<2x3xf32>
func.func @det_batched(%x: tensor<2x3x4x4xf32>) -> tensor<2x3xf32> {
  %0 = model.det %x : (tensor<2x3x4x4xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

/// grid_sample with dynamic batches and height: equal batches and a
/// non-empty height are checked. Entry 1 of the grid addresses the height;
/// each of the four linear taps is reflected, clamped to the input and
/// read.
// CHECK-LABEL: func @grid_reflection
// CHECK-SAME: (%[[X:.*]]: tensor<?x2x?x4xf32>, %[[G:.*]]: tensor<?x3x3x2xf32>)
// CHECK: cf.assert %{{.*}}, "{{.*}}(model.grid_sample): the grid's batch differs from the input's or a spatial dim of the input is empty"
// CHECK: scf.if
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<?x2x3x3xf32>)
// CHECK: tensor.extract %[[G]][%{{.*}}, %{{.*}}, %{{.*}}, %c1]
// CHECK: tensor.extract %[[G]][%{{.*}}, %{{.*}}, %{{.*}}, %c0]
// CHECK-COUNT-4: tensor.extract %[[X]]
// CHECK: } else {
func.func @grid_reflection(%x: tensor<?x2x?x4xf32>, %g: tensor<?x3x3x2xf32>) -> tensor<?x2x3x3xf32> {
  %0 = model.grid_sample %x, %g {padding_mode = "reflection"} : (tensor<?x2x?x4xf32>, tensor<?x3x3x2xf32>) -> tensor<?x2x3x3xf32>
  return %0 : tensor<?x2x3x3xf32>
}

// -----

/// Static shapes need no check; zeros padding masks the 16 cubic taps.
// CHECK-LABEL: func @grid_cubic_zeros
// CHECK-NOT: cf.assert
// CHECK-NOT: scf.if
// CHECK: linalg.generic
// CHECK-COUNT-16: tensor.extract %arg0
// CHECK: return
func.func @grid_cubic_zeros(%x: tensor<1x1x3x2xf32>, %g: tensor<1x2x4x2xf32>) -> tensor<1x1x2x4xf32> {
  %0 = model.grid_sample %x, %g {mode = "cubic"} : (tensor<1x1x3x2xf32>, tensor<1x2x4x2xf32>) -> tensor<1x1x2x4xf32>
  return %0 : tensor<1x1x2x4xf32>
}

// -----

/// max_unpool with a run-time output_shape: its N and C must equal the
/// input's and its spatial sizes hold the unpooled (3 - 1) * 2 + 2 = 6;
/// every index lies in [0, 1 * 2 * 6 * 6). Under the check, a loop over the
/// 18 input elements inserts each at the coordinates of its index in
/// [1, 2, 6, 6].
// CHECK-LABEL: func @max_unpool
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x3x3xf32>, %[[I:.*]]: tensor<1x2x3x3xi64>, %[[S:.*]]: tensor<4xi64>)
// CHECK: tensor.extract %[[S]][%c0]
// CHECK: arith.cmpi eq, %{{.*}}, %c1
// CHECK: arith.cmpi eq, %{{.*}}, %c2
// CHECK: arith.cmpi sge, %{{.*}}, %c6
// CHECK: arith.cmpi sge, %{{.*}}, %c6
// CHECK: linalg.generic {{.*}} ins(%[[I]] : tensor<1x2x3x3xi64>)
// CHECK: arith.cmpi slt, %{{.*}}, %c72_i64
// CHECK: cf.assert %{{.*}}, "{{.*}}(model.max_unpool): an index is outside the unpooled tensor, or output_shape does not hold it"
// CHECK: scf.if
// CHECK: linalg.fill
// CHECK: scf.for %{{.*}} = %c0 to %c18 step %c1 iter_args
// CHECK: tensor.extract %[[X]]
// CHECK: tensor.extract %[[I]]
// CHECK: arith.remui %{{.*}}, %c6
// CHECK: tensor.insert
func.func @max_unpool(%x: tensor<1x2x3x3xf32>, %i: tensor<1x2x3x3xi64>, %s: tensor<4xi64>) -> tensor<?x?x?x?xf32> {
  %0 = model.max_unpool %x, %i shape %s {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x2x3x3xf32>, tensor<1x2x3x3xi64>, tensor<4xi64>) -> tensor<?x?x?x?xf32>
  return %0 : tensor<?x?x?x?xf32>
}
