// RUN: kiln-opt %s --split-input-file --kiln-convert-fused-to-linalg | FileCheck %s

/// GQA: query head h reads key/value head h floordiv (heads / kv_heads).
// CHECK-DAG: #[[KMAP:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 floordiv 4, d3, d4)>
// CHECK-DAG: #[[VMAP:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 floordiv 4, d4, d3)>
// CHECK-LABEL: func @gqa_causal
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[KMAP]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
/// Scale, then keys past the (bottom-right aligned) diagonal get -inf.
// CHECK: linalg.generic
// CHECK: arith.mulf %{{.*}}, %cst
// CHECK: linalg.index 2
// CHECK: linalg.index 3
// CHECK: arith.cmpi sle
// CHECK: arith.select %{{.*}}, %{{.*}}, %cst{{.*}} : f32
// CHECK: linalg.softmax dimension(3)
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[VMAP]], #{{.*}}]
// CHECK-NOT: fused.
func.func @gqa_causal(%q: tensor<1x8x4x16xf32>, %k: tensor<1x2x4x16xf32>, %v: tensor<1x2x4x16xf32>, %o: tensor<1x8x4x16xf32>) -> tensor<1x8x4x16xf32> {
  %0 = fused.attention ins(%q, %k, %v : tensor<1x8x4x16xf32>, tensor<1x2x4x16xf32>, tensor<1x2x4x16xf32>) outs(%o : tensor<1x8x4x16xf32>) {num_heads = 8, num_kv_heads = 2, scale = 0.25 : f32, causal = true} -> tensor<1x8x4x16xf32>
  return %0 : tensor<1x8x4x16xf32>
}

// -----

/// bf16 computes scores, softmax and the weighted sum in f32.
// CHECK-LABEL: func @bf16
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK: linalg.softmax dimension(3) ins(%{{.*}} : tensor<1x1x2x2xf32>)
// CHECK: arith.truncf %{{.*}} : f32 to bf16
func.func @bf16(%q: tensor<1x1x2x4xbf16>, %k: tensor<1x1x2x4xbf16>, %v: tensor<1x1x2x4xbf16>, %o: tensor<1x1x2x4xbf16>) -> tensor<1x1x2x4xbf16> {
  %0 = fused.attention ins(%q, %k, %v : tensor<1x1x2x4xbf16>, tensor<1x1x2x4xbf16>, tensor<1x1x2x4xbf16>) outs(%o : tensor<1x1x2x4xbf16>) {num_heads = 1, num_kv_heads = 1, scale = 0.5 : f32} -> tensor<1x1x2x4xbf16>
  return %0 : tensor<1x1x2x4xbf16>
}
