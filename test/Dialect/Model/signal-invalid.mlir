// RUN: kiln-opt %s --split-input-file --verify-diagnostics
// Every verifier and inference error of the signal ops.

func.func @dft_components(%x: tensor<1x8x3xf32>) {
  // expected-error @+2 {{the last dim of the input must be 1 (real) or 2 (complex), got 'tensor<1x8x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.dft %x {axis = 1 : i64} : (tensor<1x8x3xf32>) -> tensor<1x8x2xf32>
  return
}

// -----

func.func @dft_axis(%x: tensor<1x8x1xf32>) {
  // expected-error @+2 {{axis 2 is out of range [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.dft %x {axis = 2 : i64} : (tensor<1x8x1xf32>) -> tensor<1x8x2xf32>
  return
}

// -----

func.func @dft_onesided_complex(%x: tensor<1x8x2xf32>) {
  // expected-error @+2 {{onesided needs a real input (last dim 1)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.dft %x {axis = 1 : i64, onesided = true} : (tensor<1x8x2xf32>) -> tensor<1x5x2xf32>
  return
}

// -----

func.func @dft_length(%x: tensor<1x8x1xf32>) {
  // expected-error @+2 {{length 0 must be in [1, 2^31]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.dft %x {axis = 1 : i64, length = 0 : i64} : (tensor<1x8x1xf32>) -> tensor<1x0x2xf32>
  return
}

// -----

func.func @dft_int(%x: tensor<1x8x1xi32>) {
  // expected-error @+2 {{needs a floating-point input of rank >= 2, got 'tensor<1x8x1xi32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.dft %x {axis = 1 : i64} : (tensor<1x8x1xi32>) -> tensor<1x8x2xi32>
  return
}

// -----

func.func @stft_no_length(%x: tensor<1x64x1xf32>, %s: tensor<i64>) {
  // expected-error @+2 {{needs a window or a frame_length}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.stft %x, %s : (tensor<1x64x1xf32>, tensor<i64>) -> tensor<1x?x?x2xf32>
  return
}

// -----

func.func @stft_mismatch(%x: tensor<1x64x1xf32>, %s: tensor<i64>, %w: tensor<16xf32>) {
  %len = model.constant dense<8> : tensor<i64>
  // expected-error @+2 {{frame_length 8 differs from the window's length 16}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.stft %x, %s window %w length %len : (tensor<1x64x1xf32>, tensor<i64>, tensor<16xf32>, tensor<i64>) -> tensor<1x?x5x2xf32>
  return
}

// -----

func.func @stft_long_frame(%x: tensor<1x8x1xf32>, %w: tensor<16xf32>) {
  %s = model.constant dense<4> : tensor<i64>
  // expected-error @+2 {{the frame length 16 exceeds the signal's length 8}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.stft %x, %s window %w : (tensor<1x8x1xf32>, tensor<i64>, tensor<16xf32>) -> tensor<1x?x9x2xf32>
  return
}

// -----

func.func @stft_step(%x: tensor<1x64x1xf32>, %w: tensor<16xf32>) {
  %s = model.constant dense<0> : tensor<i64>
  // expected-error @+2 {{frame_step 0 must be positive}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.stft %x, %s window %w : (tensor<1x64x1xf32>, tensor<i64>, tensor<16xf32>) -> tensor<1x?x9x2xf32>
  return
}

// -----

func.func @stft_step_type(%x: tensor<1x64x1xf32>, %s: tensor<1xi64>, %w: tensor<16xf32>) {
  // expected-error @+2 {{frame_step must be a rank-0 i32 or i64 tensor, got 'tensor<1xi64>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.stft %x, %s window %w : (tensor<1x64x1xf32>, tensor<1xi64>, tensor<16xf32>) -> tensor<1x?x9x2xf32>
  return
}

// -----

func.func @stft_onesided_complex(%x: tensor<1x64x2xf32>, %s: tensor<i64>, %w: tensor<16xf32>) {
  // expected-error @+2 {{onesided needs a real signal (last dim 1)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.stft %x, %s window %w : (tensor<1x64x2xf32>, tensor<i64>, tensor<16xf32>) -> tensor<1x?x9x2xf32>
  return
}

// -----

func.func @stft_window_type(%x: tensor<1x64x1xf32>, %s: tensor<i64>, %w: tensor<16xf64>) {
  // expected-error @+2 {{the window must be a 1-D tensor of 'f32', got 'tensor<16xf64>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.stft %x, %s window %w : (tensor<1x64x1xf32>, tensor<i64>, tensor<16xf64>) -> tensor<1x?x9x2xf32>
  return
}

// -----

func.func @mel_operand(%m: tensor<f32>, %d: tensor<i64>, %r: tensor<i64>, %lo: tensor<f32>, %hi: tensor<f32>) {
  // expected-error @+2 {{num_mel_bins must be a rank-0 i32 or i64 tensor, got 'tensor<f32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.mel_weight_matrix %m, %d, %r, %lo, %hi {element_type = f32} : (tensor<f32>, tensor<i64>, tensor<i64>, tensor<f32>, tensor<f32>) -> tensor<?x?xf32>
  return
}

// -----

func.func @mel_edge(%m: tensor<i64>, %d: tensor<i64>, %r: tensor<i64>, %lo: tensor<2xf32>, %hi: tensor<f32>) {
  // expected-error @+2 {{lower_edge_hertz must be a rank-0 float tensor, got 'tensor<2xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.mel_weight_matrix %m, %d, %r, %lo, %hi {element_type = f32} : (tensor<i64>, tensor<i64>, tensor<i64>, tensor<2xf32>, tensor<f32>) -> tensor<?x?xf32>
  return
}

// -----

func.func @mel_bool(%m: tensor<i64>, %d: tensor<i64>, %r: tensor<i64>, %lo: tensor<f32>, %hi: tensor<f32>) {
  // expected-error @+2 {{element_type must be a float or integer type (not i1), got 'i1'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.mel_weight_matrix %m, %d, %r, %lo, %hi {element_type = i1} : (tensor<i64>, tensor<i64>, tensor<i64>, tensor<f32>, tensor<f32>) -> tensor<?x?xi1>
  return
}

// -----

func.func @mel_negative(%d: tensor<i64>, %r: tensor<i64>, %lo: tensor<f32>, %hi: tensor<f32>) {
  %m = model.constant dense<-1> : tensor<i64>
  // expected-error @+2 {{num_mel_bins -1 must be in [0, 2^31]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.mel_weight_matrix %m, %d, %r, %lo, %hi {element_type = f32} : (tensor<i64>, tensor<i64>, tensor<i64>, tensor<f32>, tensor<f32>) -> tensor<?x?xf32>
  return
}

// -----

func.func @mel_rate(%m: tensor<i64>, %d: tensor<i64>, %lo: tensor<f32>, %hi: tensor<f32>) {
  %r = model.constant dense<0> : tensor<i64>
  // expected-error @+2 {{sample_rate 0 must be positive}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.mel_weight_matrix %m, %d, %r, %lo, %hi {element_type = f32} : (tensor<i64>, tensor<i64>, tensor<i64>, tensor<f32>, tensor<f32>) -> tensor<?x?xf32>
  return
}

// -----

func.func @grid_rank(%x: tensor<1x3x8x8xf32>, %g: tensor<1x4x4x3xf32>) {
  // expected-error @+2 {{the grid must be a floating-point [N, out..., 2] tensor for 2 spatial dims, got 'tensor<1x4x4x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.grid_sample %x, %g : (tensor<1x3x8x8xf32>, tensor<1x4x4x3xf32>) -> tensor<1x3x4x4xf32>
  return
}

// -----

func.func @grid_batch(%x: tensor<2x3x8x8xf32>, %g: tensor<3x4x4x2xf32>) {
  // expected-error @+2 {{the batch of the grid (3) differs from the input's (2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.grid_sample %x, %g : (tensor<2x3x8x8xf32>, tensor<3x4x4x2xf32>) -> tensor<2x3x4x4xf32>
  return
}

// -----

func.func @grid_mode(%x: tensor<1x3x8x8xf32>, %g: tensor<1x4x4x2xf32>) {
  // expected-error @+2 {{mode 'bilinear' is not one of linear, nearest, cubic}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.grid_sample %x, %g {mode = "bilinear"} : (tensor<1x3x8x8xf32>, tensor<1x4x4x2xf32>) -> tensor<1x3x4x4xf32>
  return
}

// -----

func.func @grid_cubic_3d(%x: tensor<1x3x4x4x4xf32>, %g: tensor<1x2x2x2x3xf32>) {
  // expected-error @+2 {{cubic mode needs 2 spatial dims, got 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.grid_sample %x, %g {mode = "cubic"} : (tensor<1x3x4x4x4xf32>, tensor<1x2x2x2x3xf32>) -> tensor<1x3x2x2x2xf32>
  return
}

// -----

func.func @grid_padding(%x: tensor<1x3x8x8xf32>, %g: tensor<1x4x4x2xf32>) {
  // expected-error @+2 {{padding_mode 'wrap' is not one of zeros, border, reflection}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.grid_sample %x, %g {padding_mode = "wrap"} : (tensor<1x3x8x8xf32>, tensor<1x4x4x2xf32>) -> tensor<1x3x4x4xf32>
  return
}

// -----

func.func @grid_empty(%x: tensor<1x3x0x8xf32>, %g: tensor<1x4x4x2xf32>) {
  // expected-error @+2 {{spatial dim 0 of the input is empty: there is nothing to sample}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.grid_sample %x, %g : (tensor<1x3x0x8xf32>, tensor<1x4x4x2xf32>) -> tensor<1x3x4x4xf32>
  return
}

// -----

func.func @det_square(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{needs square matrices, got 'tensor<2x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.det %x : (tensor<2x3xf32>) -> tensor<f32>
  return
}

// -----

func.func @det_rank(%x: tensor<3xf32>) {
  // expected-error @+2 {{needs a floating-point input of rank >= 2, got 'tensor<3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.det %x : (tensor<3xf32>) -> tensor<f32>
  return
}

// -----

func.func @unpool_indices(%x: tensor<1x1x2x2xf32>, %i: tensor<1x1x2x2xi32>) {
  // expected-error @+2 {{the indices must be an i64 tensor of the input's shape, got 'tensor<1x1x2x2xi32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.max_unpool %x, %i {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @unpool_attrs(%x: tensor<1x1x2x2xf32>, %i: tensor<1x1x2x2xi64>) {
  // expected-error @+2 {{expected 2 kernel sizes and strides and 4 pads for 2 spatial dims}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.max_unpool %x, %i {kernel_shape = array<i64: 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @unpool_small_shape(%x: tensor<1x1x2x2xf32>, %i: tensor<1x1x2x2xi64>) {
  %s = model.constant dense<[1, 1, 3, 4]> : tensor<4xi64>
  // expected-error @+2 {{output_shape [1, 1, 3, 4] does not hold the unpooled shape [1, 1, 4, 4]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.max_unpool %x, %i shape %s {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>, tensor<4xi64>) -> tensor<1x1x3x4xf32>
  return
}

// -----

func.func @unpool_negative(%x: tensor<1x1x1x1xf32>, %i: tensor<1x1x1x1xi64>) {
  // expected-error @+2 {{spatial dim 0 has no valid unpooled size for input 'tensor<1x1x1x1xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.max_unpool %x, %i {kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>, pads = array<i64: 1, 0, 1, 0>} : (tensor<1x1x1x1xf32>, tensor<1x1x1x1xi64>) -> tensor<1x1x1x1xf32>
  return
}
