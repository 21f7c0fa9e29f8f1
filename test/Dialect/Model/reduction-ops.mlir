// RUN: kiln-opt %s --split-input-file | kiln-opt --split-input-file | FileCheck %s
// The reduction, scan, top-k and layer-norm ops parse, verify, print and
// re-parse; inferred result types keep symbolic dims.

// CHECK-LABEL: func @reductions
func.func @reductions(%x: tensor<4x?x8xf32>, %b: tensor<3xi1>) -> (tensor<4x1x8xf32>, tensor<?xf32>, tensor<i1>) {
  // CHECK: model.reduce_min %{{.*}} {axes = array<i64: 1>} : (tensor<4x?x8xf32>) -> tensor<4x1x8xf32>
  %0 = model.reduce_min %x {axes = array<i64: 1>} : (tensor<4x?x8xf32>) -> tensor<4x1x8xf32>
  // CHECK: model.reduce_prod %{{.*}} {axes = array<i64: 0, 2>, keepdims = false} : (tensor<4x?x8xf32>) -> tensor<?xf32>
  %1 = model.reduce_prod %x {axes = array<i64: 0, 2>, keepdims = false} : (tensor<4x?x8xf32>) -> tensor<?xf32>
  /// max and min are defined on i1.
  // CHECK: model.reduce_max %{{.*}} : (tensor<3xi1>) -> tensor<i1>
  %2 = model.reduce_max %b {axes = array<i64>, keepdims = false} : (tensor<3xi1>) -> tensor<i1>
  return %0, %1, %2 : tensor<4x1x8xf32>, tensor<?xf32>, tensor<i1>
}

// -----

// CHECK-LABEL: func @arg_reductions
func.func @arg_reductions(%x: tensor<4x?xf16>) -> (tensor<4xi64>, tensor<4x1xi64>) {
  // CHECK: model.argmax %{{.*}} {axis = 1 : i64, keepdims = false} : (tensor<4x?xf16>) -> tensor<4xi64>
  %0 = model.argmax %x {axis = 1 : i64, keepdims = false} : (tensor<4x?xf16>) -> tensor<4xi64>
  // CHECK: model.argmin %{{.*}} {axis = 1 : i64, select_last_index = true} : (tensor<4x?xf16>) -> tensor<4x1xi64>
  %1 = model.argmin %x {axis = 1 : i64, select_last_index = true} : (tensor<4x?xf16>) -> tensor<4x1xi64>
  return %0, %1 : tensor<4xi64>, tensor<4x1xi64>
}

// -----

// CHECK-LABEL: func @scans
func.func @scans(%x: tensor<?x8xf32>, %axis: tensor<i32>, %k: tensor<1xi64>) -> (tensor<?x8xf32>, tensor<?x?xf32>, tensor<?x?xi64>, tensor<?x3xf32>) {
  // CHECK: model.cumsum %{{.*}}, %{{.*}} {exclusive = true, reverse = true} : (tensor<?x8xf32>, tensor<i32>) -> tensor<?x8xf32>
  %0 = model.cumsum %x, %axis {exclusive = true, reverse = true} : (tensor<?x8xf32>, tensor<i32>) -> tensor<?x8xf32>
  /// A k known only at run time leaves the selected dim dynamic.
  // CHECK: model.topk %{{.*}}, %{{.*}} {axis = 1 : i64, largest = false} : (tensor<?x8xf32>, tensor<1xi64>) -> (tensor<?x?xf32>, tensor<?x?xi64>)
  %1:2 = model.topk %x, %k {axis = 1 : i64, largest = false} : (tensor<?x8xf32>, tensor<1xi64>) -> (tensor<?x?xf32>, tensor<?x?xi64>)
  /// A constant k gives it its size.
  %three = model.constant dense<3> : tensor<1xi64>
  // CHECK: model.topk %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<?x8xf32>, tensor<1xi64>) -> (tensor<?x3xf32>, tensor<?x3xi64>)
  %2:2 = model.topk %x, %three {axis = 1 : i64} : (tensor<?x8xf32>, tensor<1xi64>) -> (tensor<?x3xf32>, tensor<?x3xi64>)
  return %0, %1#0, %1#1, %2#0 : tensor<?x8xf32>, tensor<?x?xf32>, tensor<?x?xi64>, tensor<?x3xf32>
}

// -----

// CHECK-LABEL: func @layer_norm
func.func @layer_norm(%x: tensor<?x16x?xf16>, %s: tensor<64xf16>, %b: tensor<1xf16>) -> (tensor<?x16x64xf16>, tensor<?x16x1xf32>, tensor<?x1x1xf16>) {
  /// scale's static dim refines the result; the statistics have the stash type.
  // CHECK: model.layer_norm %{{.*}} scale %{{.*}} bias %{{.*}} {axis = 2 : i64, epsilon = 9.99999974E-6 : f32, stash_type = f32} : (tensor<?x16x?xf16>, tensor<64xf16>, tensor<1xf16>) -> (tensor<?x16x64xf16>, tensor<?x16x1xf32>, tensor<?x16x1xf32>)
  %0:3 = model.layer_norm %x scale %s bias %b {axis = 2 : i64, epsilon = 1.0e-5 : f32, stash_type = f32} : (tensor<?x16x?xf16>, tensor<64xf16>, tensor<1xf16>) -> (tensor<?x16x64xf16>, tensor<?x16x1xf32>, tensor<?x16x1xf32>)
  /// Without scale and bias.
  // CHECK: model.layer_norm %{{.*}} {axis = 1 : i64, epsilon = 0.000000e+00 : f32, stash_type = f16} : (tensor<?x16x?xf16>) -> (tensor<?x16x?xf16>, tensor<?x1x1xf16>, tensor<?x1x1xf16>)
  %1:3 = model.layer_norm %x {axis = 1 : i64, epsilon = 0.0 : f32, stash_type = f16} : (tensor<?x16x?xf16>) -> (tensor<?x16x?xf16>, tensor<?x1x1xf16>, tensor<?x1x1xf16>)
  return %0#0, %0#1, %1#2 : tensor<?x16x64xf16>, tensor<?x16x1xf32>, tensor<?x1x1xf16>
}

// -----

// CHECK-LABEL: func @dynamic_reduce
func.func @dynamic_reduce(%x: tensor<4x1x8xf32>, %axes: tensor<2xi32>) -> (tensor<?x1x?xf32>, tensor<?xf32>) {
  /// Which dims reduce is unknown: a static 1 stays, the rest are dynamic.
  // CHECK: model.dynamic_reduce %{{.*}}, %{{.*}} {kind = "sum"} : (tensor<4x1x8xf32>, tensor<2xi32>) -> tensor<?x1x?xf32>
  %0 = model.dynamic_reduce %x, %axes {kind = "sum"} : (tensor<4x1x8xf32>, tensor<2xi32>) -> tensor<?x1x?xf32>
  /// Without keepdims the rank drops by the number of axes.
  // CHECK: model.dynamic_reduce %{{.*}}, %{{.*}} {keepdims = false, kind = "max"} : (tensor<4x1x8xf32>, tensor<2xi32>) -> tensor<?xf32>
  %1 = model.dynamic_reduce %x, %axes {kind = "max", keepdims = false} : (tensor<4x1x8xf32>, tensor<2xi32>) -> tensor<?xf32>
  return %0, %1 : tensor<?x1x?xf32>, tensor<?xf32>
}
