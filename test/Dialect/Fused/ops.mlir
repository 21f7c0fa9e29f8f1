// RUN: kiln-opt %s --split-input-file | kiln-opt --split-input-file | FileCheck %s

// CHECK-LABEL: func @gqa_causal_window
// CHECK: fused.attention ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<2x8x?x64xf32>, tensor<2x2x?x64xf32>, tensor<2x2x?x32xf32>) outs(%{{.*}} : tensor<2x8x?x32xf32>) {causal = true, num_heads = 8 : i64, num_kv_heads = 2 : i64, scale = 1.250000e-01 : f32, window_left = 16 : i64} -> tensor<2x8x?x32xf32>
func.func @gqa_causal_window(%q: tensor<2x8x?x64xf32>, %k: tensor<2x2x?x64xf32>, %v: tensor<2x2x?x32xf32>, %o: tensor<2x8x?x32xf32>) -> tensor<2x8x?x32xf32> {
  %0 = fused.attention ins(%q, %k, %v : tensor<2x8x?x64xf32>, tensor<2x2x?x64xf32>, tensor<2x2x?x32xf32>) outs(%o : tensor<2x8x?x32xf32>)
         {num_heads = 8, num_kv_heads = 2, scale = 0.125 : f32, causal = true, window_left = 16} -> tensor<2x8x?x32xf32>
  return %0 : tensor<2x8x?x32xf32>
}

// -----

// CHECK-LABEL: func @cross_attention_mask
// CHECK: fused.attention ins(%{{.*}}, %{{.*}}, %{{.*}} mask %{{.*}} : {{.*}}, tensor<1x1x4x9xf32>)
func.func @cross_attention_mask(%q: tensor<1x4x4x16xf32>, %k: tensor<1x4x9x16xf32>, %v: tensor<1x4x9x16xf32>, %m: tensor<1x1x4x9xf32>, %o: tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32> {
  %0 = fused.attention ins(%q, %k, %v mask %m : tensor<1x4x4x16xf32>, tensor<1x4x9x16xf32>, tensor<1x4x9x16xf32>, tensor<1x1x4x9xf32>) outs(%o : tensor<1x4x4x16xf32>)
         {num_heads = 4, num_kv_heads = 4, scale = 0.25 : f32} -> tensor<1x4x4x16xf32>
  return %0 : tensor<1x4x4x16xf32>
}

// -----

/// A tile of query rows carries its rows' key positions; masks may be boolean.
// CHECK-LABEL: func @query_offset_bool_mask
// CHECK: fused.attention ins(%{{.*}}, %{{.*}}, %{{.*}} mask %{{.*}} : {{.*}}, tensor<4x9xi1>) outs(%{{.*}} : tensor<1x4x4x16xf32>) query_offset(%{{.*}}) {causal = true, num_heads = 4 : i64, num_kv_heads = 1 : i64, scale = 2.500000e-01 : f32} -> tensor<1x4x4x16xf32>
func.func @query_offset_bool_mask(%q: tensor<1x4x4x16xf32>, %k: tensor<1x1x9x16xf32>, %v: tensor<1x1x9x16xf32>, %m: tensor<4x9xi1>, %o: tensor<1x4x4x16xf32>, %off: index) -> tensor<1x4x4x16xf32> {
  %0 = fused.attention ins(%q, %k, %v mask %m : tensor<1x4x4x16xf32>, tensor<1x1x9x16xf32>, tensor<1x1x9x16xf32>, tensor<4x9xi1>) outs(%o : tensor<1x4x4x16xf32>) query_offset(%off)
         {num_heads = 4, num_kv_heads = 1, scale = 0.25 : f32, causal = true} -> tensor<1x4x4x16xf32>
  return %0 : tensor<1x4x4x16xf32>
}
