// RUN: kiln-opt %s --split-input-file | kiln-opt --split-input-file | FileCheck %s
// The shape, layout and indexing ops parse, verify, print and re-parse;
// inference makes static what the shape operands' known values determine.

// CHECK-LABEL: func @shape_operands
func.func @shape_operands(%x: tensor<?x1xf32>, %y: tensor<?x3xf32>, %s: tensor<3xi64>) -> (tensor<2x?x6xf32>, tensor<?x?x?xf32>, tensor<?x6xf32>, tensor<?x?xf32>) {
  %c = model.constant dense<[2, 1, 6]> : tensor<3xi64>
  /// A constant 1 keeps the input's dim (here dynamic); 6 stretches the 1.
  // CHECK: model.expand %{{.*}}, %{{.*}} : (tensor<?x1xf32>, tensor<3xi64>) -> tensor<2x?x6xf32>
  %0 = model.expand %x, %c : (tensor<?x1xf32>, tensor<3xi64>) -> tensor<2x?x6xf32>
  // CHECK: model.expand %{{.*}}, %{{.*}} : (tensor<?x1xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
  %1 = model.expand %x, %s : (tensor<?x1xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
  %r = model.constant dense<[1, 2]> : tensor<2xi64>
  // CHECK: model.tile %{{.*}}, %{{.*}} : (tensor<?x3xf32>, tensor<2xi64>) -> tensor<?x6xf32>
  %2 = model.tile %y, %r : (tensor<?x3xf32>, tensor<2xi64>) -> tensor<?x6xf32>
  %p = model.constant dense<[0, 1, 0, -1]> : tensor<4xi64>
  // CHECK: model.pad %{{.*}}, %{{.*}} {mode = "edge"} : (tensor<?x3xf32>, tensor<4xi64>) -> tensor<?x3xf32>
  %3 = model.pad %y, %p {mode = "edge"} : (tensor<?x3xf32>, tensor<4xi64>) -> tensor<?x3xf32>
  /// A declared type may be less static than inference: the lowering
  /// re-derives what it needs.
  // CHECK: model.pad %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x3xf32>, tensor<4xi64>, tensor<f32>) -> tensor<?x?xf32>
  %v = model.constant dense<1.0> : tensor<f32>
  %4 = model.pad %y, %p, %v : (tensor<?x3xf32>, tensor<4xi64>, tensor<f32>) -> tensor<?x?xf32>
  return %0, %1, %2, %4 : tensor<2x?x6xf32>, tensor<?x?x?xf32>, tensor<?x6xf32>, tensor<?x?xf32>
}

// -----

// CHECK-LABEL: func @split
func.func @split(%x: tensor<4x?xf32>, %s: tensor<2xi64>) -> (tensor<4x?xf32>, tensor<4x?xf32>, tensor<2x?xf32>, tensor<2x?xf32>, tensor<0x?xf32>) {
  // CHECK: model.split %{{.*}}, %{{.*}} {axis = 1 : i64, parts = 2 : i64} : (tensor<4x?xf32>, tensor<2xi64>) -> (tensor<4x?xf32>, tensor<4x?xf32>)
  %a, %b = model.split %x, %s {axis = 1 : i64, parts = 2 : i64} : (tensor<4x?xf32>, tensor<2xi64>) -> (tensor<4x?xf32>, tensor<4x?xf32>)
  /// Equal parts of ceil(4 / 3) = 2; the last takes what remains.
  // CHECK: model.split %{{.*}} {axis = 0 : i64, parts = 3 : i64} : (tensor<4x?xf32>) -> (tensor<2x?xf32>, tensor<2x?xf32>, tensor<0x?xf32>)
  %c, %d, %e = model.split %x {axis = 0 : i64, parts = 3 : i64} : (tensor<4x?xf32>) -> (tensor<2x?xf32>, tensor<2x?xf32>, tensor<0x?xf32>)
  return %a, %b, %c, %d, %e : tensor<4x?xf32>, tensor<4x?xf32>, tensor<2x?xf32>, tensor<2x?xf32>, tensor<0x?xf32>
}

// -----

// CHECK-LABEL: func @from_shapes
func.func @from_shapes(%x: tensor<?x4xf32>, %n: tensor<i64>, %k: tensor<i64>, %i: tensor<3xi64>, %d: tensor<f32>, %vals: tensor<2xf32>) -> (tensor<2x?xf32>, tensor<?xi64>, tensor<5xi64>, tensor<i64>, tensor<?x4xi32>, tensor<3x?xf32>, tensor<?x4xf32>) {
  %s = model.shape %x : (tensor<?x4xf32>) -> tensor<2xi64>
  %i1 = model.constant dense<1> : tensor<1xi64>
  %d1 = model.gather %s, %i1 {axis = 0 : i64} : (tensor<2xi64>, tensor<1xi64>) -> tensor<1xi64>
  %two = model.constant dense<2> : tensor<1xi64>
  %dims = model.concat %two, %d1 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  // CHECK: model.constant_of_shape %{{.*}} {value = 0.000000e+00 : f32} : (tensor<2xi64>) -> tensor<2x?xf32>
  %0 = model.constant_of_shape %dims {value = 0.0 : f32} : (tensor<2xi64>) -> tensor<2x?xf32>
  %z = model.constant dense<0> : tensor<i64>
  %one = model.constant dense<1> : tensor<i64>
  %ten = model.constant dense<10> : tensor<i64>
  // CHECK: model.range %{{.*}}, %{{.*}}, %{{.*}} : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  %1 = model.range %z, %n, %one : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  /// ceil((10 - 0) / 2) = 5.
  %step = model.constant dense<2> : tensor<i64>
  // CHECK: model.range %{{.*}}, %{{.*}}, %{{.*}} : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<5xi64>
  %2 = model.range %z, %ten, %step : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<5xi64>
  // CHECK: model.size %{{.*}} : (tensor<?x4xf32>) -> tensor<i64>
  %3 = model.size %x : (tensor<?x4xf32>) -> tensor<i64>
  // CHECK: model.eye_like %{{.*}} {dtype = i32, k = -1 : i64} : (tensor<?x4xf32>) -> tensor<?x4xi32>
  %4 = model.eye_like %x {dtype = i32, k = -1 : i64} : (tensor<?x4xf32>) -> tensor<?x4xi32>
  // CHECK: model.one_hot %{{.*}}, %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<3xi64>, tensor<f32>, tensor<2xf32>) -> tensor<3x?xf32>
  %5 = model.one_hot %i, %d, %vals {axis = 1 : i64} : (tensor<3xi64>, tensor<f32>, tensor<2xf32>) -> tensor<3x?xf32>
  // CHECK: model.trilu %{{.*}}, %{{.*}} {upper = true} : (tensor<?x4xf32>, tensor<i64>) -> tensor<?x4xf32>
  %6 = model.trilu %x, %k {upper = true} : (tensor<?x4xf32>, tensor<i64>) -> tensor<?x4xf32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<2x?xf32>, tensor<?xi64>, tensor<5xi64>, tensor<i64>, tensor<?x4xi32>, tensor<3x?xf32>, tensor<?x4xf32>
}

// -----

// CHECK-LABEL: func @depth_and_space
func.func @depth_and_space(%x: tensor<?x8x3x?xf32>) -> (tensor<?x2x6x?xf32>, tensor<?x2x6x?xf32>) {
  // CHECK: model.depth_to_space %{{.*}} {blocksize = 2 : i64, mode = "CRD"} : (tensor<?x8x3x?xf32>) -> tensor<?x2x6x?xf32>
  %0 = model.depth_to_space %x {blocksize = 2 : i64, mode = "CRD"} : (tensor<?x8x3x?xf32>) -> tensor<?x2x6x?xf32>
  // CHECK: model.depth_to_space %{{.*}} {blocksize = 2 : i64} : (tensor<?x8x3x?xf32>) -> tensor<?x2x6x?xf32>
  %1 = model.depth_to_space %x {blocksize = 2 : i64} : (tensor<?x8x3x?xf32>) -> tensor<?x2x6x?xf32>
  // CHECK: model.space_to_depth %{{.*}} {blocksize = 2 : i64} : (tensor<?x2x6x?xf32>) -> tensor<?x8x3x?xf32>
  %2 = model.space_to_depth %0 {blocksize = 2 : i64} : (tensor<?x2x6x?xf32>) -> tensor<?x8x3x?xf32>
  return %0, %1 : tensor<?x2x6x?xf32>, tensor<?x2x6x?xf32>
}

// -----

// CHECK-LABEL: func @gathers_and_scatters
func.func @gathers_and_scatters(%d: tensor<3x?xf32>, %ei: tensor<3x2xi64>, %nd: tensor<?x1x2xi32>, %u: tensor<3x2xf32>, %lens: tensor<?xi64>) -> (tensor<3x2xf32>, tensor<?x1xf32>, tensor<3x?xf32>, tensor<3x?xf32>, tensor<3x?xf32>) {
  // CHECK: model.gather_elements %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<3x?xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
  %0 = model.gather_elements %d, %ei {axis = 1 : i64} : (tensor<3x?xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
  // CHECK: model.gather_nd %{{.*}}, %{{.*}} : (tensor<3x?xf32>, tensor<?x1x2xi32>) -> tensor<?x1xf32>
  %1 = model.gather_nd %d, %nd : (tensor<3x?xf32>, tensor<?x1x2xi32>) -> tensor<?x1xf32>
  %row = model.constant dense<[[0], [2]]> : tensor<2x1xi64>
  %upd = model.constant dense<1.0> : tensor<2x5xf32>
  // CHECK: model.scatter_nd %{{.*}}, %{{.*}}, %{{.*}} {reduction = "add"} : (tensor<3x?xf32>, tensor<2x1xi64>, tensor<2x5xf32>) -> tensor<3x?xf32>
  %2 = model.scatter_nd %d, %row, %upd {reduction = "add"} : (tensor<3x?xf32>, tensor<2x1xi64>, tensor<2x5xf32>) -> tensor<3x?xf32>
  // CHECK: model.scatter_elements %{{.*}}, %{{.*}}, %{{.*}} {axis = 1 : i64, reduction = "max"} : (tensor<3x?xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x?xf32>
  %3 = model.scatter_elements %d, %ei, %u {axis = 1 : i64, reduction = "max"} : (tensor<3x?xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x?xf32>
  // CHECK: model.reverse_sequence %{{.*}}, %{{.*}} {batchAxis = 1 : i64, timeAxis = 0 : i64} : (tensor<3x?xf32>, tensor<?xi64>) -> tensor<3x?xf32>
  %4 = model.reverse_sequence %d, %lens {batchAxis = 1 : i64, timeAxis = 0 : i64} : (tensor<3x?xf32>, tensor<?xi64>) -> tensor<3x?xf32>
  return %0, %1, %2, %3, %4 : tensor<3x2xf32>, tensor<?x1xf32>, tensor<3x?xf32>, tensor<3x?xf32>, tensor<3x?xf32>
}
