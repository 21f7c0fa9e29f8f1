// RUN: kiln-opt %s --split-input-file | kiln-opt --split-input-file | FileCheck %s
// The signal ops parse, verify, print and re-parse; sizes that depend on
// run-time values stay symbolic, constants make them static.

// CHECK-LABEL: func @dft
func.func @dft(%x: tensor<2x?x10x1xf32>, %c: tensor<1x16x2xf64>) -> (tensor<2x?x6x2xf32>, tensor<2x8x10x2xf32>, tensor<1x16x2xf64>) {
  /// onesided: floor(10 / 2) + 1 bins; the dynamic dim stays dynamic.
  // CHECK: model.dft %{{.*}} {axis = 2 : i64, onesided = true} : (tensor<2x?x10x1xf32>) -> tensor<2x?x6x2xf32>
  %0 = model.dft %x {axis = 2 : i64, onesided = true} : (tensor<2x?x10x1xf32>) -> tensor<2x?x6x2xf32>
  /// A length makes the transformed dim static.
  // CHECK: model.dft %{{.*}} {axis = 1 : i64, length = 8 : i64} : (tensor<2x?x10x1xf32>) -> tensor<2x8x10x2xf32>
  %1 = model.dft %x {axis = 1 : i64, length = 8 : i64} : (tensor<2x?x10x1xf32>) -> tensor<2x8x10x2xf32>
  // CHECK: model.dft %{{.*}} {axis = 1 : i64, inverse = true} : (tensor<1x16x2xf64>) -> tensor<1x16x2xf64>
  %2 = model.dft %c {axis = 1 : i64, inverse = true} : (tensor<1x16x2xf64>) -> tensor<1x16x2xf64>
  return %0, %1, %2 : tensor<2x?x6x2xf32>, tensor<2x8x10x2xf32>, tensor<1x16x2xf64>
}

// -----

// CHECK-LABEL: func @stft
func.func @stft(%x: tensor<1x128x1xf32>, %step: tensor<i64>, %len: tensor<i32>, %w: tensor<16xf32>) -> (tensor<1x?x?x2xf32>, tensor<1x15x9x2xf32>, tensor<1x?x16x2xf32>) {
  /// Run-time step and length: frames and bins are symbolic.
  // CHECK: model.stft %{{.*}}, %{{.*}} length %{{.*}} : (tensor<1x128x1xf32>, tensor<i64>, tensor<i32>) -> tensor<1x?x?x2xf32>
  %0 = model.stft %x, %step length %len : (tensor<1x128x1xf32>, tensor<i64>, tensor<i32>) -> tensor<1x?x?x2xf32>
  /// A constant step and a static window: (128 - 16) / 8 + 1 frames.
  %s = model.constant dense<8> : tensor<i64>
  // CHECK: model.stft %{{.*}}, %{{.*}} window %{{.*}} : (tensor<1x128x1xf32>, tensor<i64>, tensor<16xf32>) -> tensor<1x15x9x2xf32>
  %1 = model.stft %x, %s window %w : (tensor<1x128x1xf32>, tensor<i64>, tensor<16xf32>) -> tensor<1x15x9x2xf32>
  // CHECK: model.stft %{{.*}}, %{{.*}} window %{{.*}} {onesided = false} : (tensor<1x128x1xf32>, tensor<i64>, tensor<16xf32>) -> tensor<1x?x16x2xf32>
  %2 = model.stft %x, %step window %w {onesided = false} : (tensor<1x128x1xf32>, tensor<i64>, tensor<16xf32>) -> tensor<1x?x16x2xf32>
  return %0, %1, %2 : tensor<1x?x?x2xf32>, tensor<1x15x9x2xf32>, tensor<1x?x16x2xf32>
}

// -----

// CHECK-LABEL: func @mel
func.func @mel(%m: tensor<i32>, %d: tensor<i64>, %r: tensor<i32>, %lo: tensor<f32>, %hi: tensor<f32>) -> tensor<?x?xf64> {
  // CHECK: model.mel_weight_matrix %{{.*}} {element_type = f64} : (tensor<i32>, tensor<i64>, tensor<i32>, tensor<f32>, tensor<f32>) -> tensor<?x?xf64>
  %0 = model.mel_weight_matrix %m, %d, %r, %lo, %hi {element_type = f64} : (tensor<i32>, tensor<i64>, tensor<i32>, tensor<f32>, tensor<f32>) -> tensor<?x?xf64>
  return %0 : tensor<?x?xf64>
}

// -----

// CHECK-LABEL: func @grid_sample
func.func @grid_sample(%x: tensor<?x3x8x8xf32>, %g: tensor<2x4x5x2xf32>, %v: tensor<1x2x4x4x4xf16>, %h: tensor<1x2x2x2x3xf16>) -> (tensor<2x3x4x5xf32>, tensor<1x2x2x2x2xf16>) {
  /// The batch comes from the grid where the input's is dynamic.
  // CHECK: model.grid_sample %{{.*}}, %{{.*}} {mode = "cubic", padding_mode = "reflection"} : (tensor<?x3x8x8xf32>, tensor<2x4x5x2xf32>) -> tensor<2x3x4x5xf32>
  %0 = model.grid_sample %x, %g {mode = "cubic", padding_mode = "reflection"} : (tensor<?x3x8x8xf32>, tensor<2x4x5x2xf32>) -> tensor<2x3x4x5xf32>
  /// Three spatial dims (opset 20's volumetric form).
  // CHECK: model.grid_sample %{{.*}}, %{{.*}} {align_corners = true} : (tensor<1x2x4x4x4xf16>, tensor<1x2x2x2x3xf16>) -> tensor<1x2x2x2x2xf16>
  %1 = model.grid_sample %v, %h {align_corners = true} : (tensor<1x2x4x4x4xf16>, tensor<1x2x2x2x3xf16>) -> tensor<1x2x2x2x2xf16>
  return %0, %1 : tensor<2x3x4x5xf32>, tensor<1x2x2x2x2xf16>
}

// -----

// CHECK-LABEL: func @det
func.func @det(%x: tensor<3x?x?xf32>, %y: tensor<2x2xf64>) -> (tensor<3xf32>, tensor<f64>) {
  // CHECK: model.det %{{.*}} : (tensor<3x?x?xf32>) -> tensor<3xf32>
  %0 = model.det %x : (tensor<3x?x?xf32>) -> tensor<3xf32>
  // CHECK: model.det %{{.*}} : (tensor<2x2xf64>) -> tensor<f64>
  %1 = model.det %y : (tensor<2x2xf64>) -> tensor<f64>
  return %0, %1 : tensor<3xf32>, tensor<f64>
}

// -----

// CHECK-LABEL: func @max_unpool
func.func @max_unpool(%x: tensor<?x2x3x3xf32>, %i: tensor<?x2x3x3xi64>, %s: tensor<4xi64>) -> (tensor<?x2x6x6xf32>, tensor<?x?x?x?xf32>, tensor<1x2x7x8xf32>) {
  /// (3 - 1) * 2 + 2 = 6 per spatial dim; the batch stays symbolic.
  // CHECK: model.max_unpool %{{.*}}, %{{.*}} {kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<?x2x3x3xf32>, tensor<?x2x3x3xi64>) -> tensor<?x2x6x6xf32>
  %0 = model.max_unpool %x, %i {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : (tensor<?x2x3x3xf32>, tensor<?x2x3x3xi64>) -> tensor<?x2x6x6xf32>
  /// A run-time output_shape: every dim is symbolic.
  // CHECK: model.max_unpool %{{.*}}, %{{.*}} shape %{{.*}} {{.*}} -> tensor<?x?x?x?xf32>
  %1 = model.max_unpool %x, %i shape %s {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : (tensor<?x2x3x3xf32>, tensor<?x2x3x3xi64>, tensor<4xi64>) -> tensor<?x?x?x?xf32>
  /// A constant one is the result's shape.
  %c = model.constant dense<[1, 2, 7, 8]> : tensor<4xi64>
  // CHECK: model.max_unpool %{{.*}}, %{{.*}} shape %{{.*}} {{.*}} -> tensor<1x2x7x8xf32>
  %2 = model.max_unpool %x, %i shape %c {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : (tensor<?x2x3x3xf32>, tensor<?x2x3x3xi64>, tensor<4xi64>) -> tensor<1x2x7x8xf32>
  return %0, %1, %2 : tensor<?x2x6x6xf32>, tensor<?x?x?x?xf32>, tensor<1x2x7x8xf32>
}
