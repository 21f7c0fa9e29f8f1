// RUN: kiln-opt %s --split-input-file --kiln-convert-model-to-linalg | FileCheck %s

// An i32 convolution (ConvInteger, QLinearConv) lowers like a float one,
// exactly in i32: zero padding, the i32 bias broadcast as the accumulator,
// the named linalg convolution.
// CHECK-LABEL: func @conv2d_i32
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK: %[[PADDED:.*]] = tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[ZERO]] : i32
// CHECK: %[[INIT:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<3xi32>) outs(%{{.*}} : tensor<?x3x5x5xi32>)
// CHECK: linalg.conv_2d_nchw_fchw {{.*}} ins(%[[PADDED]], %{{.*}} : tensor<?x2x7x7xi32>, tensor<3x2x3x3xi32>) outs(%[[INIT]] : tensor<?x3x5x5xi32>)
func.func @conv2d_i32(%x: tensor<?x2x5x5xi32>, %w: tensor<3x2x3x3xi32>, %b: tensor<3xi32>) -> tensor<?x3x5x5xi32> {
  %0 = model.conv %x, %w, %b {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<?x2x5x5xi32>, tensor<3x2x3x3xi32>, tensor<3xi32>) -> tensor<?x3x5x5xi32>
  return %0 : tensor<?x3x5x5xi32>
}

// -----

// Without a named op (grouped 1-D), the generic multiplies and adds
// integers.
// CHECK-LABEL: func @conv1d_grouped_i32
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK: %[[P:.*]] = arith.muli %{{.*}}, %{{.*}} : i32
// CHECK: %[[S:.*]] = arith.addi %{{.*}}, %[[P]] : i32
// CHECK: linalg.yield %[[S]] : i32
func.func @conv1d_grouped_i32(%x: tensor<1x4x6xi32>, %w: tensor<6x2x3xi32>) -> tensor<1x6x4xi32> {
  %0 = model.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 0, 0>, group = 2 : i64} : (tensor<1x4x6xi32>, tensor<6x2x3xi32>) -> tensor<1x6x4xi32>
  return %0 : tensor<1x6x4xi32>
}
