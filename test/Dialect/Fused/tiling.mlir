// RUN: kiln-opt %s --split-input-file --transform-interpreter --canonicalize --verify-diagnostics | FileCheck %s
// fused.attention's TilingInterface, driven by upstream tiling: loops over
// batch, heads and query rows; a tile reads every key of its key/value head
// and carries its rows' key positions as query_offset.

/// Tiles of 2 heads inside groups of 4 read key/value head h floordiv 4;
/// the forall counts tiles, so head 2 * %H's group is %H floordiv 2.
// CHECK-DAG: #[[H2:.*]] = affine_map<(d0) -> (d0 * 2)>
// CHECK-DAG: #[[KV:.*]] = affine_map<(d0) -> (d0 floordiv 2)>
// CHECK-DAG: #[[OFF:.*]] = affine_map<(d0) -> (d0 * 32 + 20)>
// CHECK-LABEL: func @gqa_heads_within_a_group
// CHECK: scf.forall (%[[B:.*]], %[[HT:.*]], %[[IT:.*]]) in (2, 4, 4) shared_outs(%[[OUT:.*]] = %{{.*}})
// CHECK:   %[[H:.*]] = affine.apply #[[H2]](%[[HT]])
// CHECK:   %[[I:.*]] = affine.apply #{{.*}}(%[[IT]])
// CHECK:   %[[ROWS:.*]] = affine.min
// CHECK:   %[[G:.*]] = affine.apply #[[KV]](%[[HT]])
// CHECK:   tensor.extract_slice %{{.*}}[%[[B]], %[[H]], %[[I]], 0] [1, 2, %[[ROWS]], 16] [1, 1, 1, 1] : tensor<2x8x100x16xf32> to tensor<1x2x?x16xf32>
// CHECK:   tensor.extract_slice %{{.*}}[%[[B]], %[[G]], 0, 0] [1, 1, 120, 16] [1, 1, 1, 1] : tensor<2x2x120x16xf32> to tensor<1x1x120x16xf32>
// CHECK:   tensor.extract_slice %{{.*}}[%[[B]], %[[G]], 0, 0] [1, 1, 120, 8] [1, 1, 1, 1] : tensor<2x2x120x8xf32> to tensor<1x1x120x8xf32>
/// Rows from 32 * %IT sit at key positions from 32 * %IT + (120 - 100).
// CHECK:   %[[P:.*]] = affine.apply #[[OFF]](%[[IT]])
// CHECK:   fused.attention ins({{.*}}) outs(%{{.*}} : tensor<1x2x?x8xf32>) query_offset(%[[P]]) {causal = true, num_heads = 2 : i64, num_kv_heads = 1 : i64, scale = 2.500000e-01 : f32, window_left = 7 : i64}
// CHECK:   tensor.parallel_insert_slice %{{.*}} into %[[OUT]][%[[B]], %[[H]], %[[I]], 0] [1, 2, %[[ROWS]], 8]
func.func @gqa_heads_within_a_group(%q: tensor<2x8x100x16xf32>, %k: tensor<2x2x120x16xf32>, %v: tensor<2x2x120x8xf32>, %o: tensor<2x8x100x8xf32>) -> tensor<2x8x100x8xf32> {
  %0 = fused.attention ins(%q, %k, %v : tensor<2x8x100x16xf32>, tensor<2x2x120x16xf32>, tensor<2x2x120x8xf32>) outs(%o : tensor<2x8x100x8xf32>)
         {num_heads = 8, num_kv_heads = 2, scale = 0.25 : f32, causal = true, window_left = 7} -> tensor<2x8x100x8xf32>
  return %0 : tensor<2x8x100x8xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %op = transform.structured.match ops{["fused.attention"]} in %root : (!transform.any_op) -> !transform.any_op
    %tiled, %loop = transform.structured.tile_using_forall %op tile_sizes [1, 2, 32] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

/// Whole groups of heads take their key/value heads along; the mask follows
/// the tile where it does not broadcast; a given query_offset moves with the
/// rows.
// CHECK-DAG: #[[OFF2:.*]] = affine_map<(d0)[s0] -> (d0 * 16 + s0)>
// CHECK-LABEL: func @whole_groups_mask_dynamic
// CHECK-SAME: %[[POS:[a-z0-9]+]]: index)
// CHECK: scf.forall (%[[B:.*]], %[[IT:.*]]) in (%{{.*}}, %{{.*}})
// CHECK:   tensor.extract_slice %{{.*}}[%[[B]], 0, 0, 0] [1, 2, %{{.*}}, 16]
// CHECK:   tensor.extract_slice %{{.*}}[0, %{{.*}}, 0] [1, %{{.*}}, %{{.*}}] [1, 1, 1] : tensor<1x?x?xi1> to tensor<1x?x?xi1>
// CHECK:   %[[P:.*]] = affine.apply #[[OFF2]](%[[IT]])[%[[POS]]]
// CHECK:   fused.attention {{.*}} query_offset(%[[P]]) {num_heads = 4 : i64, num_kv_heads = 2 : i64
func.func @whole_groups_mask_dynamic(%q: tensor<?x4x?x16xf32>, %k: tensor<?x2x?x16xf32>, %v: tensor<?x2x?x16xf32>, %m: tensor<1x?x?xi1>, %o: tensor<?x4x?x16xf32>, %pos: index) -> tensor<?x4x?x16xf32> {
  %0 = fused.attention ins(%q, %k, %v mask %m : tensor<?x4x?x16xf32>, tensor<?x2x?x16xf32>, tensor<?x2x?x16xf32>, tensor<1x?x?xi1>) outs(%o : tensor<?x4x?x16xf32>) query_offset(%pos)
         {num_heads = 4, num_kv_heads = 2, scale = 0.25 : f32} -> tensor<?x4x?x16xf32>
  return %0 : tensor<?x4x?x16xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %op = transform.structured.match ops{["fused.attention"]} in %root : (!transform.any_op) -> !transform.any_op
    %tiled, %loop = transform.structured.tile_using_forall %op tile_sizes [1, 4, 16] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

/// A tile of heads that splits groups unevenly has no key/value tile.
func.func @uneven_head_tile(%q: tensor<1x8x4x16xf32>, %k: tensor<1x2x4x16xf32>, %v: tensor<1x2x4x16xf32>, %o: tensor<1x8x4x16xf32>) -> tensor<1x8x4x16xf32> {
  // expected-error @+4 {{a tile of the heads must have a constant size that is a multiple of the group (4) or divides it}}
  // expected-error @+3 {{faild to tile operation}}
  // expected-error @+2 {{failed to generate tiling loops}}
  // expected-note @+1 {{when applied to this op}}
  %0 = fused.attention ins(%q, %k, %v : tensor<1x8x4x16xf32>, tensor<1x2x4x16xf32>, tensor<1x2x4x16xf32>) outs(%o : tensor<1x8x4x16xf32>)
         {num_heads = 8, num_kv_heads = 2, scale = 0.25 : f32} -> tensor<1x8x4x16xf32>
  return %0 : tensor<1x8x4x16xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %op = transform.structured.match ops{["fused.attention"]} in %root : (!transform.any_op) -> !transform.any_op
    // expected-error @+1 {{failed to apply}}
    %tiled, %loop = transform.structured.tile_using_forall %op tile_sizes [1, 3, 4] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}
