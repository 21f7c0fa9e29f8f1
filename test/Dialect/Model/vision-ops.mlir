// RUN: kiln-opt %s --split-input-file | kiln-opt --split-input-file | FileCheck %s
// The vision ops parse, verify, print and re-parse; results keep symbolic
// batch and spatial dims, and a declared result may know a spatial size.

// CHECK-LABEL: func @conv
func.func @conv(%x: tensor<?x4x?x9xf32>, %w: tensor<6x2x3x3xf32>, %b: tensor<6xf32>, %s: tensor<1x4x5x5xf32>, %wt: tensor<4x2x3x3xf32>) -> (tensor<?x6x?x5xf32>, tensor<?x6x?x3xf32>, tensor<1x4x12x12xf32>, tensor<?x6x7x5xf32>) {
  // CHECK: model.conv %{{.*}}, %{{.*}}, %{{.*}} {dilations = array<i64: 1, 2>, group = 2 : i64, pads = array<i64: 1, 2, 0, 2>, strides = array<i64: 2, 2>} : (tensor<?x4x?x9xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<?x6x?x5xf32>
  %0 = model.conv %x, %w, %b {strides = array<i64: 2, 2>, dilations = array<i64: 1, 2>, pads = array<i64: 1, 2, 0, 2>, group = 2} : (tensor<?x4x?x9xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<?x6x?x5xf32>
  // CHECK: model.conv %{{.*}}, %{{.*}} {auto_pad = "same_lower", {{.*}}} : (tensor<?x4x?x9xf32>, tensor<6x2x3x3xf32>) -> tensor<?x6x?x3xf32>
  %1 = model.conv %x, %w {auto_pad = "same_lower", strides = array<i64: 3, 3>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 2} : (tensor<?x4x?x9xf32>, tensor<6x2x3x3xf32>) -> tensor<?x6x?x3xf32>
  // CHECK: model.conv_transpose %{{.*}}, %{{.*}} {{.*}} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x12x12xf32>
  %2 = model.conv_transpose %s, %wt {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, output_padding = array<i64: 1, 1>, group = 2} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x12x12xf32>
  /// The declared type knows spatial dim 0 (the lowering checks it).
  // CHECK: model.conv {{.*}} -> tensor<?x6x7x5xf32>
  %3 = model.conv %x, %w, %b {strides = array<i64: 2, 2>, dilations = array<i64: 1, 2>, pads = array<i64: 1, 2, 0, 2>, group = 2} : (tensor<?x4x?x9xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<?x6x7x5xf32>
  return %0, %1, %2, %3 : tensor<?x6x?x5xf32>, tensor<?x6x?x3xf32>, tensor<1x4x12x12xf32>, tensor<?x6x7x5xf32>
}

// -----

// CHECK-LABEL: func @pool
func.func @pool(%x: tensor<?x3x?x?xf32>, %v: tensor<1x3x5x6x7xi8>) -> (tensor<?x3x?x?xf32>, tensor<?x3x?x?xi64>, tensor<1x3x3x3x4xi8>, tensor<?x3x?x?xf32>, tensor<?x3x?x?xf32>) {
  // CHECK: model.max_pool %{{.*}} {{.*}} : (tensor<?x3x?x?xf32>) -> (tensor<?x3x?x?xf32>, tensor<?x3x?x?xi64>)
  %0, %1 = model.max_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, ceil_mode = true, with_indices = true} : (tensor<?x3x?x?xf32>) -> (tensor<?x3x?x?xf32>, tensor<?x3x?x?xi64>)
  // CHECK: model.max_pool %{{.*}} {{.*}} : (tensor<1x3x5x6x7xi8>) -> tensor<1x3x3x3x4xi8>
  %2 = model.max_pool %v {kernel_shape = array<i64: 2, 2, 2>, strides = array<i64: 2, 2, 2>, dilations = array<i64: 1, 1, 1>, pads = array<i64: 0, 0, 0, 0, 0, 0>, ceil_mode = true} : (tensor<1x3x5x6x7xi8>) -> tensor<1x3x3x3x4xi8>
  // CHECK: model.average_pool %{{.*}} {{.*}}count_include_pad = true{{.*}} : (tensor<?x3x?x?xf32>) -> tensor<?x3x?x?xf32>
  %3 = model.average_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, count_include_pad = true} : (tensor<?x3x?x?xf32>) -> tensor<?x3x?x?xf32>
  // CHECK: model.lrn %{{.*}} {alpha = 9.99999974E-5 : f32, beta = 7.500000e-01 : f32, bias = 1.000000e+00 : f32, size = 3 : i64} : tensor<?x3x?x?xf32>
  %4 = model.lrn %x {size = 3 : i64, alpha = 1.0e-04 : f32, beta = 0.75 : f32, bias = 1.0 : f32} : tensor<?x3x?x?xf32>
  return %0, %1, %2, %3, %4 : tensor<?x3x?x?xf32>, tensor<?x3x?x?xi64>, tensor<1x3x3x3x4xi8>, tensor<?x3x?x?xf32>, tensor<?x3x?x?xf32>
}

// -----

// CHECK-LABEL: func @resize
func.func @resize(%x: tensor<?x3x?x5xf32>, %s: tensor<4xf32>, %z: tensor<4xi64>, %r: tensor<8xf32>) -> (tensor<?x3x?x10xf32>, tensor<1x3x6x6xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>) {
  /// Known scales keep what can be known: dim 3 is floor(5 * 2.1) = 10.
  // CHECK: model.resize %{{.*}} {mode = "linear", scales = array<f64: 1.000000e+00, 1.000000e+00, 2.000000e+00, 2.100000e+00>} : (tensor<?x3x?x5xf32>) -> tensor<?x3x?x10xf32>
  %0 = model.resize %x {mode = "linear", scales = array<f64: 1.0, 1.0, 2.0, 2.1>} : (tensor<?x3x?x5xf32>) -> tensor<?x3x?x10xf32>
  // CHECK: model.resize %{{.*}} {coordinate_mode = "tf_crop_and_resize", mode = "cubic", roi = {{.*}}, sizes = array<i64: 1, 3, 6, 6>} : (tensor<?x3x?x5xf32>) -> tensor<1x3x6x6xf32>
  %1 = model.resize %x {mode = "cubic", coordinate_mode = "tf_crop_and_resize", roi = array<f64: 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0>, sizes = array<i64: 1, 3, 6, 6>} : (tensor<?x3x?x5xf32>) -> tensor<1x3x6x6xf32>
  /// Run-time scales or sizes leave every dim symbolic.
  // CHECK: model.resize %{{.*}} scales %{{.*}} {nearest_mode = "floor"} : (tensor<?x3x?x5xf32>, tensor<4xf32>) -> tensor<?x?x?x?xf32>
  %2 = model.resize %x scales %s {nearest_mode = "floor"} : (tensor<?x3x?x5xf32>, tensor<4xf32>) -> tensor<?x?x?x?xf32>
  // CHECK: model.resize %{{.*}} sizes %{{.*}} roi %{{.*}} {coordinate_mode = "tf_crop_and_resize"} : (tensor<?x3x?x5xf32>, tensor<4xi64>, tensor<8xf32>) -> tensor<?x?x?x?xf32>
  %3 = model.resize %x sizes %z roi %r {coordinate_mode = "tf_crop_and_resize"} : (tensor<?x3x?x5xf32>, tensor<4xi64>, tensor<8xf32>) -> tensor<?x?x?x?xf32>
  return %0, %1, %2, %3 : tensor<?x3x?x10xf32>, tensor<1x3x6x6xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>
}

// -----

/// ceil_mode lets a window overhang the end, even the only one: a dilated
/// kernel spanning 5 over 4 elements gives one output.
// CHECK-LABEL: func @ceil_overhang
// CHECK: model.max_pool {{.*}} : (tensor<1x1x4xf32>) -> tensor<1x1x1xf32>
func.func @ceil_overhang(%x: tensor<1x1x4xf32>) -> tensor<1x1x1xf32> {
  %0 = model.max_pool %x {kernel_shape = array<i64: 3>, strides = array<i64: 3>, dilations = array<i64: 2>, pads = array<i64: 0, 0>, ceil_mode = true} : (tensor<1x1x4xf32>) -> tensor<1x1x1xf32>
  return %0 : tensor<1x1x1xf32>
}
