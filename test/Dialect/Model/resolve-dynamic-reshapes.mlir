// RUN: kiln-opt %s --split-input-file --kiln-resolve-dynamic-reshapes | FileCheck %s

/// The exporters' form: the target copies the dims of the layer's input x,
/// and the reshaped value (x @ W + b) has x's rows: both entries become 0.
// CHECK-LABEL: func @copies_proven_dims
// CHECK: %[[Y:.*]] = model.add
// CHECK: model.reshape %[[Y]] {shape = array<i64: 0, 0, 4, 16>} : (tensor<?x?x64xf32>) -> tensor<?x?x4x16xf32>
// CHECK-NOT: model.dynamic_reshape
func.func @copies_proven_dims(%x: tensor<?x?x64xf32>, %w: tensor<64x64xf32>, %b: tensor<64xf32>) -> tensor<?x?x4x16xf32> {
  %m = model.matmul %x, %w : (tensor<?x?x64xf32>, tensor<64x64xf32>) -> tensor<?x?x64xf32>
  %y = model.add %m, %b : (tensor<?x?x64xf32>, tensor<64xf32>) -> tensor<?x?x64xf32>
  %s = model.shape %x : (tensor<?x?x64xf32>) -> tensor<3xi64>
  %i0 = model.constant dense<0> : tensor<i64>
  %i1 = model.constant dense<1> : tensor<i64>
  %d0 = model.gather %s, %i0 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %d1 = model.gather %s, %i1 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %u0 = model.unsqueeze %d0 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %u1 = model.unsqueeze %d1 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %c = model.constant dense<[4, 16]> : tensor<2xi64>
  %t = model.concat %u0, %u1, %c {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<4xi64>
  %r = model.dynamic_reshape %y, %t : (tensor<?x?x64xf32>, tensor<4xi64>) -> tensor<?x?x4x16xf32>
  return %r : tensor<?x?x4x16xf32>
}

// -----

/// Near miss: the target copies the dims of an unrelated input; nothing
/// proves them equal to the reshaped value's, so the reshape stays dynamic.
// CHECK-LABEL: func @unrelated_dims
// CHECK: model.dynamic_reshape
func.func @unrelated_dims(%x: tensor<?x64xf32>, %other: tensor<?x64xf32>) -> tensor<?x4x16xf32> {
  %s = model.shape %other : (tensor<?x64xf32>) -> tensor<2xi64>
  %i0 = model.constant dense<0> : tensor<i64>
  %d0 = model.gather %s, %i0 {axis = 0 : i64} : (tensor<2xi64>, tensor<i64>) -> tensor<i64>
  %u0 = model.unsqueeze %d0 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %c = model.constant dense<[4, 16]> : tensor<2xi64>
  %t = model.concat %u0, %c {axis = 0 : i64} : (tensor<1xi64>, tensor<2xi64>) -> tensor<3xi64>
  %r = model.dynamic_reshape %x, %t : (tensor<?x64xf32>, tensor<3xi64>) -> tensor<?x4x16xf32>
  return %r : tensor<?x4x16xf32>
}
