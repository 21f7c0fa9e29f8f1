// RUN: kiln-opt %s --split-input-file --transform-interpreter --canonicalize --verify-diagnostics | FileCheck %s
// fused.ssd's and fused.moe's TilingInterface, driven by upstream tiling.
// fused.ssd: loops over batch and heads (the scan over len stays in the
// tile); a tile of heads reads the groups of B and C its heads use.
// fused.moe: one loop over the tokens; a tile reads its rows of tokens and
// logits and the whole weights.

/// GQA-like grouping: 8 heads in 2 groups of 4. Tiles of 2 heads lie inside
/// one group: the tile reads group (2 * %HT) floordiv 4 = %HT floordiv 2 and
/// is a one-group scan.
// CHECK-DAG: #[[H2:.*]] = affine_map<(d0) -> (d0 * 2)>
// CHECK-DAG: #[[G:.*]] = affine_map<(d0) -> (d0 floordiv 2)>
// CHECK-LABEL: func @ssd_heads_within_a_group
// CHECK: scf.forall (%[[B:.*]], %[[HT:.*]]) in (3, 4) shared_outs(%[[Y:.*]] = %{{.*}}, %[[S:.*]] = %{{.*}})
// CHECK:   %[[H:.*]] = affine.apply #[[H2]](%[[HT]])
// CHECK:   %[[GR:.*]] = affine.apply #[[G]](%[[HT]])
// CHECK:   tensor.extract_slice %arg0[%[[B]], 0, %[[H]], 0] [1, 32, 2, 8] [1, 1, 1, 1] : tensor<3x32x8x8xf32> to tensor<1x32x2x8xf32>
// CHECK:   tensor.extract_slice %arg1[%[[B]], 0, %[[H]]] [1, 32, 2] [1, 1, 1] : tensor<3x32x8xf32> to tensor<1x32x2xf32>
// CHECK:   tensor.extract_slice %arg2[%[[B]], 0, %[[GR]], 0] [1, 32, 1, 16] [1, 1, 1, 1] : tensor<3x32x2x16xf32> to tensor<1x32x1x16xf32>
// CHECK:   tensor.extract_slice %arg3[%[[B]], 0, %[[GR]], 0] [1, 32, 1, 16] [1, 1, 1, 1] : tensor<3x32x2x16xf32> to tensor<1x32x1x16xf32>
// CHECK:   tensor.extract_slice %arg4[%[[H]]] [2] [1] : tensor<8xf32> to tensor<2xf32>
// CHECK:   tensor.extract_slice %arg5[%[[B]], %[[H]], 0, 0] [1, 2, 8, 16] [1, 1, 1, 1] : tensor<3x8x8x16xf32> to tensor<1x2x8x16xf32>
// CHECK:   tensor.extract_slice %[[Y]][%[[B]], 0, %[[H]], 0] [1, 32, 2, 8]
// CHECK:   tensor.extract_slice %[[S]][%[[B]], %[[H]], 0, 0] [1, 2, 8, 16]
// CHECK:   %[[TY:.*]], %[[TS:.*]] = fused.ssd ins({{.*}} : tensor<1x32x2x8xf32>, tensor<1x32x2xf32>, tensor<1x32x1x16xf32>, tensor<1x32x1x16xf32>) skip(%{{.*}} : tensor<2xf32>) initial(%{{.*}} : tensor<1x2x8x16xf32>) outs({{.*}}) {chunk_size = 8 : i64, groups = 1 : i64}
// CHECK:   tensor.parallel_insert_slice %[[TY]] into %[[Y]][%[[B]], 0, %[[H]], 0] [1, 32, 2, 8]
// CHECK:   tensor.parallel_insert_slice %[[TS]] into %[[S]][%[[B]], %[[H]], 0, 0] [1, 2, 8, 16]
func.func @ssd_heads_within_a_group(%x: tensor<3x32x8x8xf32>, %a: tensor<3x32x8xf32>, %b: tensor<3x32x2x16xf32>, %c: tensor<3x32x2x16xf32>, %d: tensor<8xf32>, %h0: tensor<3x8x8x16xf32>, %y0: tensor<3x32x8x8xf32>, %s0: tensor<3x8x8x16xf32>) -> (tensor<3x32x8x8xf32>, tensor<3x8x8x16xf32>) {
  %y, %s = fused.ssd ins(%x, %a, %b, %c : tensor<3x32x8x8xf32>, tensor<3x32x8xf32>, tensor<3x32x2x16xf32>, tensor<3x32x2x16xf32>) skip(%d : tensor<8xf32>) initial(%h0 : tensor<3x8x8x16xf32>)
             outs(%y0, %s0 : tensor<3x32x8x8xf32>, tensor<3x8x8x16xf32>) {chunk_size = 8, groups = 2} -> tensor<3x32x8x8xf32>, tensor<3x8x8x16xf32>
  return %y, %s : tensor<3x32x8x8xf32>, tensor<3x8x8x16xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %op = transform.structured.match ops{["fused.ssd"]} in %root : (!transform.any_op) -> !transform.any_op
    %tiled, %loop = transform.structured.tile_using_forall %op tile_sizes [1, 2] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

/// Whole groups: tiles of 4 heads over groups of 2 read 2 groups from
/// (4 * %HT) floordiv 2 and keep a 2-group scan; a dynamic batch and
/// length stay as they are (the tile keeps the slices' run-time sizes).
// CHECK-DAG: #[[H4:.*]] = affine_map<(d0) -> (d0 * 4)>
// CHECK-DAG: #[[G2:.*]] = affine_map<(d0) -> (d0 * 2)>
// CHECK-LABEL: func @ssd_whole_groups_dynamic
// CHECK: %[[BATCH:.*]] = tensor.dim %arg0, %c0
// CHECK: scf.forall (%[[B:.*]], %[[HT:.*]]) in (%[[BATCH]], 2)
// CHECK:   %[[H:.*]] = affine.apply #[[H4]](%[[HT]])
// CHECK:   %[[GR:.*]] = affine.apply #[[G2]](%[[HT]])
// CHECK:   tensor.extract_slice %arg0[%[[B]], 0, %[[H]], 0] [1, %{{.*}}, 4, 8] [1, 1, 1, 1] : tensor<?x?x8x8xf32> to tensor<1x?x4x8xf32>
// CHECK:   tensor.extract_slice %arg2[%[[B]], 0, %[[GR]], 0] [1, %{{.*}}, 2, 6] [1, 1, 1, 1] : tensor<?x?x4x6xf32> to tensor<1x?x2x6xf32>
// CHECK:   fused.ssd {{.*}} {chunk_size = 16 : i64, groups = 2 : i64}
func.func @ssd_whole_groups_dynamic(%x: tensor<?x?x8x8xf32>, %a: tensor<?x?x8xf32>, %b: tensor<?x?x4x6xf32>, %c: tensor<?x?x4x6xf32>, %y0: tensor<?x?x8x8xf32>, %s0: tensor<?x8x8x6xf32>) -> (tensor<?x?x8x8xf32>, tensor<?x8x8x6xf32>) {
  %y, %s = fused.ssd ins(%x, %a, %b, %c : tensor<?x?x8x8xf32>, tensor<?x?x8xf32>, tensor<?x?x4x6xf32>, tensor<?x?x4x6xf32>)
             outs(%y0, %s0 : tensor<?x?x8x8xf32>, tensor<?x8x8x6xf32>) {chunk_size = 16, groups = 4} -> tensor<?x?x8x8xf32>, tensor<?x8x8x6xf32>
  return %y, %s : tensor<?x?x8x8xf32>, tensor<?x8x8x6xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %op = transform.structured.match ops{["fused.ssd"]} in %root : (!transform.any_op) -> !transform.any_op
    %tiled, %loop = transform.structured.tile_using_forall %op tile_sizes [1, 4] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

/// A head tile that straddles groups (2 heads against groups of 3) has no
/// group slice.
func.func @ssd_straddling_tile(%x: tensor<1x8x6x4xf32>, %a: tensor<1x8x6xf32>, %b: tensor<1x8x2x4xf32>, %c: tensor<1x8x2x4xf32>, %y0: tensor<1x8x6x4xf32>, %s0: tensor<1x6x4x4xf32>) -> (tensor<1x8x6x4xf32>, tensor<1x6x4x4xf32>) {
  // expected-error @+4 {{a tile of the heads must have a constant size that is a multiple of the heads per group (3) or divides it}}
  // expected-error @+3 {{faild to tile operation}}
  // expected-error @+2 {{failed to generate tiling loops}}
  // expected-note @+1 {{when applied to this op}}
  %y, %s = fused.ssd ins(%x, %a, %b, %c : tensor<1x8x6x4xf32>, tensor<1x8x6xf32>, tensor<1x8x2x4xf32>, tensor<1x8x2x4xf32>)
             outs(%y0, %s0 : tensor<1x8x6x4xf32>, tensor<1x6x4x4xf32>) {chunk_size = 4, groups = 2} -> tensor<1x8x6x4xf32>, tensor<1x6x4x4xf32>
  return %y, %s : tensor<1x8x6x4xf32>, tensor<1x6x4x4xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %op = transform.structured.match ops{["fused.ssd"]} in %root : (!transform.any_op) -> !transform.any_op
    // expected-error @+1 {{failed to apply}}
    %tiled, %loop = transform.structured.tile_using_forall %op tile_sizes [1, 2] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

/// Dynamic tokens: blocks of 32 rows (the last partial) of tokens, logits
/// and the destination; the weights, biases and the shared expert are read
/// whole; the tile is a fused.moe over its block with the same routing.
// CHECK-DAG: #[[BLOCKS:.*]] = affine_map<()[s0] -> (s0 ceildiv 32)>
// CHECK-DAG: #[[START:.*]] = affine_map<(d0) -> (d0 * 32)>
// CHECK-DAG: #[[LEFT:.*]] = affine_map<(d0)[s0] -> (d0 * -32 + s0, 32)>
// CHECK-LABEL: func @moe_dynamic_tokens
// CHECK-SAME: (%[[X:[a-z0-9]+]]: tensor<?x16xf32>, %[[L:[a-z0-9]+]]: tensor<?x8xf32>, %[[G:[a-z0-9]+]]: tensor<8x16x32xf32>, %[[U:[a-z0-9]+]]: tensor<8x16x32xf32>, %[[D:[a-z0-9]+]]: tensor<8x32x16xf32>, %[[SG:[a-z0-9]+]]: tensor<16x24xf32>, %[[SU:[a-z0-9]+]]: tensor<16x24xf32>, %[[SD:[a-z0-9]+]]: tensor<24x16xf32>, %[[O:[a-z0-9]+]]: tensor<?x16xf32>)
// CHECK: %[[T:.*]] = tensor.dim %[[X]], %c0
// CHECK: %[[N:.*]] = affine.apply #[[BLOCKS]]()[%[[T]]]
// CHECK: scf.forall (%[[IT:.*]]) in (%[[N]]) shared_outs(%[[OUT:.*]] = %[[O]])
// CHECK:   %[[I:.*]] = affine.apply #[[START]](%[[IT]])
// CHECK:   %[[ROWS:.*]] = affine.min #[[LEFT]](%[[IT]])[%[[T]]]
// CHECK:   %[[XT:.*]] = tensor.extract_slice %[[X]][%[[I]], 0] [%[[ROWS]], 16] [1, 1] : tensor<?x16xf32> to tensor<?x16xf32>
// CHECK:   %[[LT:.*]] = tensor.extract_slice %[[L]][%[[I]], 0] [%[[ROWS]], 8] [1, 1] : tensor<?x8xf32> to tensor<?x8xf32>
// CHECK:   %[[OT:.*]] = tensor.extract_slice %[[OUT]][%[[I]], 0] [%[[ROWS]], 16] [1, 1] : tensor<?x16xf32> to tensor<?x16xf32>
// CHECK:   %[[R:.*]] = fused.moe tokens(%[[XT]] : tensor<?x16xf32>) logits(%[[LT]] : tensor<?x8xf32>) gate(%[[G]] : {{.*}}) up(%[[U]] : {{.*}}) down(%[[D]] : {{.*}}) shared_gate(%[[SG]] : {{.*}}) shared_up(%[[SU]] : {{.*}}) shared_down(%[[SD]] : {{.*}}) outs(%[[OT]] : tensor<?x16xf32>) {num_experts = 8 : i64, renormalize = true, top_k = 2 : i64}
// CHECK:   tensor.parallel_insert_slice %[[R]] into %[[OUT]][%[[I]], 0] [%[[ROWS]], 16] [1, 1]
func.func @moe_dynamic_tokens(%x: tensor<?x16xf32>, %l: tensor<?x8xf32>, %g: tensor<8x16x32xf32>, %u: tensor<8x16x32xf32>, %d: tensor<8x32x16xf32>, %sg: tensor<16x24xf32>, %su: tensor<16x24xf32>, %sd: tensor<24x16xf32>, %o: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %0 = fused.moe tokens(%x : tensor<?x16xf32>) logits(%l : tensor<?x8xf32>)
         gate(%g : tensor<8x16x32xf32>) up(%u : tensor<8x16x32xf32>) down(%d : tensor<8x32x16xf32>)
         shared_gate(%sg : tensor<16x24xf32>) shared_up(%su : tensor<16x24xf32>) shared_down(%sd : tensor<24x16xf32>)
         outs(%o : tensor<?x16xf32>)
         {num_experts = 8, top_k = 2, renormalize = true, gated = true, activation = "silu"} -> tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %op = transform.structured.match ops{["fused.moe"]} in %root : (!transform.any_op) -> !transform.any_op
    %tiled, %loop = transform.structured.tile_using_forall %op tile_sizes [32] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}
