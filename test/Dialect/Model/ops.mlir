// RUN: kiln-opt %s --split-input-file | kiln-opt --split-input-file | FileCheck %s
// Every op parses, verifies, prints and re-parses; inferred result types show.

// CHECK-LABEL: func @constants
func.func @constants() -> (tensor<f32>, tensor<2x2xf32>) {
  // CHECK: model.constant dense<2.500000e-01> : tensor<f32>
  %0 = model.constant dense<0.25> : tensor<f32>
  // CHECK: model.weight "w" dense<1.000000e+00> : tensor<2x2xf32>
  %1 = model.weight "w" dense<1.0> : tensor<2x2xf32>
  return %0, %1 : tensor<f32>, tensor<2x2xf32>
}

// -----

// CHECK-LABEL: func @elementwise
func.func @elementwise(%a: tensor<?x3xf32>, %b: tensor<3xf32>, %c: tensor<?x1xi1>) -> tensor<?x3xf32> {
  // CHECK: model.add %{{.*}}, %{{.*}} : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %0 = model.add %a, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %1 = model.sub %0, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %2 = model.mul %1, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %3 = model.div %2, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %4 = model.pow %3, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %5 = model.max %4, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %6 = model.min %5, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  // CHECK: model.less {{.*}} -> tensor<?x3xi1>
  %7 = model.less %6, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xi1>
  %8 = model.greater %6, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xi1>
  %9 = model.equal %6, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xi1>
  // CHECK: model.where {{.*}} : (tensor<?x1xi1>, tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %10 = model.where %c, %6, %b : (tensor<?x1xi1>, tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %11 = model.relu %10 : tensor<?x3xf32>
  %12 = model.neg %11 : tensor<?x3xf32>
  %13 = model.abs %12 : tensor<?x3xf32>
  %14 = model.sigmoid %13 : tensor<?x3xf32>
  %15 = model.tanh %14 : tensor<?x3xf32>
  %16 = model.erf %15 : tensor<?x3xf32>
  %17 = model.exp %16 : tensor<?x3xf32>
  %18 = model.log %17 : tensor<?x3xf32>
  %19 = model.sqrt %18 : tensor<?x3xf32>
  // CHECK: model.reciprocal %{{.*}} : tensor<?x3xf32>
  %20 = model.reciprocal %19 : tensor<?x3xf32>
  return %20 : tensor<?x3xf32>
}

// -----

// CHECK-LABEL: func @cast
func.func @cast(%a: tensor<4xf32>) -> tensor<4xi64> {
  // CHECK: model.cast %{{.*}} to i64 : tensor<4xf32> -> tensor<4xi64>
  %0 = model.cast %a to i64 : tensor<4xf32> -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

// CHECK-LABEL: func @contractions
func.func @contractions(%q: tensor<2x4x8x16xf32>, %k: tensor<16x8xf32>, %a: tensor<4x16xf32>, %b: tensor<32x16xf32>, %c: tensor<32xf32>) -> (tensor<2x4x8x8xf32>, tensor<4x32xf32>) {
  // CHECK: model.matmul {{.*}} -> tensor<2x4x8x8xf32>
  %0 = model.matmul %q, %k : (tensor<2x4x8x16xf32>, tensor<16x8xf32>) -> tensor<2x4x8x8xf32>
  // CHECK: model.gemm {{.*}} {alpha = 5.000000e-01 : f32, transB = true}
  %1 = model.gemm %a, %b, %c {transB = true, alpha = 0.5 : f32} : (tensor<4x16xf32>, tensor<32x16xf32>, tensor<32xf32>) -> tensor<4x32xf32>
  return %0, %1 : tensor<2x4x8x8xf32>, tensor<4x32xf32>
}

// -----

// CHECK-LABEL: func @reductions
func.func @reductions(%x: tensor<4x?x8xf32>) -> (tensor<4x?x8xf32>, tensor<4x1x1xf32>, tensor<?xf32>, tensor<f32>) {
  // CHECK: model.softmax %{{.*}} {axis = 2 : i64} : tensor<4x?x8xf32>
  %0 = model.softmax %x {axis = 2 : i64} : tensor<4x?x8xf32>
  %1 = model.reduce_sum %x {axes = array<i64: 1, 2>} : (tensor<4x?x8xf32>) -> tensor<4x1x1xf32>
  %2 = model.reduce_mean %x {axes = array<i64: 0, 2>, keepdims = false} : (tensor<4x?x8xf32>) -> tensor<?xf32>
  %3 = model.reduce_max %x {axes = array<i64>, keepdims = false} : (tensor<4x?x8xf32>) -> tensor<f32>
  return %0, %1, %2, %3 : tensor<4x?x8xf32>, tensor<4x1x1xf32>, tensor<?xf32>, tensor<f32>
}

// -----

// CHECK-LABEL: func @data_movement
func.func @data_movement(%x: tensor<2x8x64xf32>, %ids: tensor<3xi64>) -> (tensor<2x4x8x16xf32>, tensor<1x2x8x64xf32>, tensor<2x8x64xf32>, tensor<2x16x64xf32>, tensor<2x3x64xf32>, tensor<2x3x64xf32>) {
  // CHECK: model.reshape %{{.*}} {shape = array<i64: 0, 0, 4, -1>} : (tensor<2x8x64xf32>) -> tensor<2x8x4x16xf32>
  %0 = model.reshape %x {shape = array<i64: 0, 0, 4, -1>} : (tensor<2x8x64xf32>) -> tensor<2x8x4x16xf32>
  %1 = model.transpose %0 {perm = array<i64: 0, 2, 1, 3>} : (tensor<2x8x4x16xf32>) -> tensor<2x4x8x16xf32>
  %2 = model.unsqueeze %x {axes = array<i64: 0>} : (tensor<2x8x64xf32>) -> tensor<1x2x8x64xf32>
  %3 = model.squeeze %2 {axes = array<i64: 0>} : (tensor<1x2x8x64xf32>) -> tensor<2x8x64xf32>
  %4 = model.concat %x, %3 {axis = 1 : i64} : (tensor<2x8x64xf32>, tensor<2x8x64xf32>) -> tensor<2x16x64xf32>
  // CHECK: model.slice {{.*}} -> tensor<2x3x64xf32>
  %5 = model.slice %x {axes = array<i64: 1>, starts = array<i64: -7>, ends = array<i64: 100>, steps = array<i64: 3>} : (tensor<2x8x64xf32>) -> tensor<2x3x64xf32>
  // CHECK: model.gather {{.*}} -> tensor<2x3x64xf32>
  %6 = model.gather %x, %ids {axis = 1 : i64} : (tensor<2x8x64xf32>, tensor<3xi64>) -> tensor<2x3x64xf32>
  return %1, %2, %3, %4, %5, %6 : tensor<2x4x8x16xf32>, tensor<1x2x8x64xf32>, tensor<2x8x64xf32>, tensor<2x16x64xf32>, tensor<2x3x64xf32>, tensor<2x3x64xf32>
}

// -----

/// A declared type may refine a dim that inference leaves dynamic.
// CHECK-LABEL: func @refined_result
func.func @refined_result(%a: tensor<?x3xf32>, %b: tensor<?x3xf32>) -> tensor<5x3xf32> {
  // CHECK: -> tensor<5x3xf32>
  %0 = model.add %a, %b : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}

// -----

// CHECK-LABEL: func @runtime_shapes
func.func @runtime_shapes(%x: tensor<?x?x64xf32>, %s: tensor<4xi64>) -> (tensor<3xi64>, tensor<?x?x4x16xf32>) {
  // CHECK: model.shape %{{.*}} : (tensor<?x?x64xf32>) -> tensor<3xi64>
  %0 = model.shape %x : (tensor<?x?x64xf32>) -> tensor<3xi64>
  // CHECK: model.dynamic_reshape %{{.*}}, %{{.*}} : (tensor<?x?x64xf32>, tensor<4xi64>) -> tensor<?x?x4x16xf32>
  %1 = model.dynamic_reshape %x, %s : (tensor<?x?x64xf32>, tensor<4xi64>) -> tensor<?x?x4x16xf32>
  return %0, %1 : tensor<3xi64>, tensor<?x?x4x16xf32>
}

// -----

/// Symbolic dims at function boundaries round-trip; names that are not bare
/// identifiers print quoted.
// CHECK-LABEL: func @symbolic_dims
// CHECK-SAME: model.dims = #model.dims<[batch, ?, 64]>, model.name = "x"
// CHECK-SAME: model.dims = #model.dims<["seq len", 8]>
func.func @symbolic_dims(%x: tensor<?x?x64xf32> {model.name = "x", model.dims = #model.dims<[batch, ?, 64]>},
                         %y: tensor<?x8xf32> {model.dims = #model.dims<["seq len", 8]>}) -> tensor<?x?x64xf32> {
  return %x : tensor<?x?x64xf32>
}
