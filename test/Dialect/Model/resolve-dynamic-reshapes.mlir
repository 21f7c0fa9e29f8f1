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

// -----

/// DimEquivalence follows a layer norm's output, a slice's untouched dims
/// (Falcon's fused qkv split) and a gather's kept dims (ViT's qkv[0]).
// CHECK-LABEL: func @through_norm_slice_gather
// CHECK: model.reshape %{{.*}} {shape = array<i64: 0, 0, 1, 16>}
// CHECK: model.reshape %{{.*}} {shape = array<i64: 0, 7, 8>}
// CHECK-NOT: model.dynamic_reshape
func.func @through_norm_slice_gather(%x: tensor<?x?x64xf32>, %g: tensor<64xf32>, %z: tensor<3x?x56xf32>) -> (tensor<?x?x1x16xf32>, tensor<?x7x8xf32>) {
  %n, %mean, %inv = model.layer_norm %x scale %g {axis = 2 : i64, epsilon = 1.0e-5 : f32, stash_type = f32} : (tensor<?x?x64xf32>, tensor<64xf32>) -> (tensor<?x?x64xf32>, tensor<?x?x1xf32>, tensor<?x?x1xf32>)
  %k = model.slice %n {axes = array<i64: 2>, ends = array<i64: 32>, starts = array<i64: 16>, steps = array<i64: 1>} : (tensor<?x?x64xf32>) -> tensor<?x?x16xf32>
  %s = model.shape %x : (tensor<?x?x64xf32>) -> tensor<3xi64>
  %idx = model.constant dense<[0, 1]> : tensor<2xi64>
  %d = model.gather %s, %idx {axis = 0 : i64} : (tensor<3xi64>, tensor<2xi64>) -> tensor<2xi64>
  %c = model.constant dense<[1, 16]> : tensor<2xi64>
  %t = model.concat %d, %c {axis = 0 : i64} : (tensor<2xi64>, tensor<2xi64>) -> tensor<4xi64>
  %r = model.dynamic_reshape %k, %t : (tensor<?x?x16xf32>, tensor<4xi64>) -> tensor<?x?x1x16xf32>
  %i0 = model.constant dense<0> : tensor<i64>
  %q = model.gather %z, %i0 {axis = 0 : i64} : (tensor<3x?x56xf32>, tensor<i64>) -> tensor<?x56xf32>
  %sz = model.shape %z : (tensor<3x?x56xf32>) -> tensor<3xi64>
  %i1 = model.constant dense<[1]> : tensor<1xi64>
  %b = model.gather %sz, %i1 {axis = 0 : i64} : (tensor<3xi64>, tensor<1xi64>) -> tensor<1xi64>
  %c2 = model.constant dense<[7, 8]> : tensor<2xi64>
  %t2 = model.concat %b, %c2 {axis = 0 : i64} : (tensor<1xi64>, tensor<2xi64>) -> tensor<3xi64>
  %r2 = model.dynamic_reshape %q, %t2 : (tensor<?x56xf32>, tensor<3xi64>) -> tensor<?x7x8xf32>
  return %r, %r2 : tensor<?x?x1x16xf32>, tensor<?x7x8xf32>
}
