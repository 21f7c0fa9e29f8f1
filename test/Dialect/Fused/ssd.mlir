// RUN: kiln-opt %s --split-input-file | kiln-opt --split-input-file | FileCheck %s

/// Groups shared by heads, dynamic batch and length.
// CHECK-LABEL: func @grouped_dynamic
// CHECK: %{{.*}}, %{{.*}} = fused.ssd ins(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x?x8x16xf32>, tensor<?x?x8xf32>, tensor<?x?x2x32xf32>, tensor<?x?x2x32xf32>) outs(%{{.*}}, %{{.*}} : tensor<?x?x8x16xf32>, tensor<?x8x16x32xf32>) {chunk_size = 64 : i64, groups = 2 : i64} -> tensor<?x?x8x16xf32>, tensor<?x8x16x32xf32>
func.func @grouped_dynamic(%x: tensor<?x?x8x16xf32>, %a: tensor<?x?x8xf32>, %b: tensor<?x?x2x32xf32>, %c: tensor<?x?x2x32xf32>, %y0: tensor<?x?x8x16xf32>, %s0: tensor<?x8x16x32xf32>) -> (tensor<?x?x8x16xf32>, tensor<?x8x16x32xf32>) {
  %y, %s = fused.ssd ins(%x, %a, %b, %c : tensor<?x?x8x16xf32>, tensor<?x?x8xf32>, tensor<?x?x2x32xf32>, tensor<?x?x2x32xf32>)
             outs(%y0, %s0 : tensor<?x?x8x16xf32>, tensor<?x8x16x32xf32>) {chunk_size = 64, groups = 2} -> tensor<?x?x8x16xf32>, tensor<?x8x16x32xf32>
  return %y, %s : tensor<?x?x8x16xf32>, tensor<?x8x16x32xf32>
}

// -----

/// D skip and an initial state; a length the chunk does not divide.
// CHECK-LABEL: func @skip_initial
// CHECK: fused.ssd ins(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<1x10x4x8xf32>, tensor<1x10x4xf32>, tensor<1x10x4x6xf32>, tensor<1x10x4x6xf32>) skip(%{{.*}} : tensor<4xf32>) initial(%{{.*}} : tensor<1x4x8x6xf32>)
// CHECK-SAME: {chunk_size = 4 : i64, groups = 4 : i64}
func.func @skip_initial(%x: tensor<1x10x4x8xf32>, %a: tensor<1x10x4xf32>, %b: tensor<1x10x4x6xf32>, %c: tensor<1x10x4x6xf32>, %d: tensor<4xf32>, %h: tensor<1x4x8x6xf32>, %y0: tensor<1x10x4x8xf32>, %s0: tensor<1x4x8x6xf32>) -> (tensor<1x10x4x8xf32>, tensor<1x4x8x6xf32>) {
  %y, %s = fused.ssd ins(%x, %a, %b, %c : tensor<1x10x4x8xf32>, tensor<1x10x4xf32>, tensor<1x10x4x6xf32>, tensor<1x10x4x6xf32>) skip(%d : tensor<4xf32>) initial(%h : tensor<1x4x8x6xf32>)
             outs(%y0, %s0 : tensor<1x10x4x8xf32>, tensor<1x4x8x6xf32>) {chunk_size = 4, groups = 4} -> tensor<1x10x4x8xf32>, tensor<1x4x8x6xf32>
  return %y, %s : tensor<1x10x4x8xf32>, tensor<1x4x8x6xf32>
}
