// RUN: kiln-opt %s --split-input-file --kiln-convert-fused-to-linalg --canonicalize | FileCheck %s
// RUN: kiln-opt %s --split-input-file --kiln-convert-fused-to-linalg=ssd-head-tile=2 --canonicalize | FileCheck %s --check-prefix=TILE2
// fused.ssd tiled through its TilingInterface: an scf.forall over (batch,
// heads) whose tiles run the chunked scan (the scf.for over chunks carrying
// the state) on their slices of every operand.

/// GQA-like: 4 heads share 2 groups of B and C (head h reads group h / 2).
/// One head per tile (the default): the tile reads group h floordiv 2 and
/// is a one-group scan. The scan starts from the tile's initial state and
/// writes into the tile of the y destination.
// CHECK: #[[$HALF:.*]] = affine_map<(d0) -> (d0 floordiv 2)>
// CHECK-LABEL: func @grouped
// CHECK-NOT: cf.assert
// CHECK: %[[R:.*]]:2 = scf.forall (%[[B:.*]], %[[H:.*]]) in (2, 4) shared_outs(%[[Y:.*]] = %{{.*}}, %[[S:.*]] = %{{.*}}) -> (tensor<2x16x4x8xf32>, tensor<2x4x8x6xf32>)
// CHECK-DAG: %[[G:.*]] = affine.apply #[[$HALF]](%[[H]])
// CHECK-DAG: tensor.extract_slice %arg0[%[[B]], 0, %[[H]], 0] [1, 16, 1, 8] [1, 1, 1, 1] : tensor<2x16x4x8xf32> to tensor<1x16x1x8xf32>
// CHECK-DAG: tensor.extract_slice %arg1[%[[B]], 0, %[[H]]] [1, 16, 1] [1, 1, 1] : tensor<2x16x4xf32> to tensor<1x16x1xf32>
// CHECK-DAG: tensor.extract_slice %arg2[%[[B]], 0, %[[G]], 0] [1, 16, 1, 6] [1, 1, 1, 1] : tensor<2x16x2x6xf32> to tensor<1x16x1x6xf32>
// CHECK-DAG: tensor.extract_slice %arg3[%[[B]], 0, %[[G]], 0] [1, 16, 1, 6] [1, 1, 1, 1] : tensor<2x16x2x6xf32> to tensor<1x16x1x6xf32>
// CHECK-DAG: tensor.extract_slice %arg4[%[[H]]] [1] [1] : tensor<4xf32> to tensor<1xf32>
// CHECK-DAG: %[[H0:.*]] = tensor.extract_slice %arg5[%[[B]], %[[H]], 0, 0] [1, 1, 8, 6] [1, 1, 1, 1] : tensor<2x4x8x6xf32> to tensor<1x1x8x6xf32>
// CHECK-DAG: %[[YT:.*]] = tensor.extract_slice %[[Y]][%[[B]], 0, %[[H]], 0] [1, 16, 1, 8]
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[H0]], %{{.*}} = %[[YT]]) -> (tensor<1x1x8x6xf32>, tensor<1x16x1x8xf32>)
// CHECK: scf.forall.in_parallel
// CHECK: tensor.parallel_insert_slice %{{.*}} into %[[Y]][%[[B]], 0, %[[H]], 0] [1, 16, 1, 8]
// CHECK: tensor.parallel_insert_slice %{{.*}} into %[[S]][%[[B]], %[[H]], 0, 0] [1, 1, 8, 6]
// CHECK: return %[[R]]#0, %[[R]]#1
// CHECK-NOT: fused.ssd
/// Two heads per tile: a whole group each, read at group h floordiv 2.
// TILE2-LABEL: func @grouped
// TILE2: scf.forall (%[[B:.*]], %[[H:.*]]) = (0, 0) to (2, 4) step (1, 2)
// TILE2-DAG: %[[G:.*]] = affine.apply #{{.*}}(%[[H]])
// TILE2-DAG: tensor.extract_slice %arg0[%[[B]], 0, %[[H]], 0] [1, 16, 2, 8] [1, 1, 1, 1] : tensor<2x16x4x8xf32> to tensor<1x16x2x8xf32>
// TILE2-DAG: tensor.extract_slice %arg2[%[[B]], 0, %[[G]], 0] [1, 16, 1, 6] [1, 1, 1, 1] : tensor<2x16x2x6xf32> to tensor<1x16x1x6xf32>
// TILE2: scf.for {{.*}} -> (tensor<1x2x8x6xf32>, tensor<1x16x2x8xf32>)
func.func @grouped(%x: tensor<2x16x4x8xf32>, %a: tensor<2x16x4xf32>, %b: tensor<2x16x2x6xf32>, %c: tensor<2x16x2x6xf32>, %d: tensor<4xf32>, %h0: tensor<2x4x8x6xf32>, %y0: tensor<2x16x4x8xf32>, %s0: tensor<2x4x8x6xf32>) -> (tensor<2x16x4x8xf32>, tensor<2x4x8x6xf32>) {
  %y, %s = fused.ssd ins(%x, %a, %b, %c : tensor<2x16x4x8xf32>, tensor<2x16x4xf32>, tensor<2x16x2x6xf32>, tensor<2x16x2x6xf32>) skip(%d : tensor<4xf32>) initial(%h0 : tensor<2x4x8x6xf32>)
             outs(%y0, %s0 : tensor<2x16x4x8xf32>, tensor<2x4x8x6xf32>) {chunk_size = 4, groups = 2} -> tensor<2x16x4x8xf32>, tensor<2x4x8x6xf32>
  return %y, %s : tensor<2x16x4x8xf32>, tensor<2x4x8x6xf32>
}

// -----

/// Dynamic batch and length: the sizes are checked once, on the whole op and
/// before the loop (naming the node), and the tiles slice the operands cut
/// to the checked sizes; no check runs inside the loop.
// CHECK-LABEL: func @dynamic
// CHECK: cf.assert %{{.*}}, "{{.*}}(fused.ssd): the operands' batch sizes differ"
// CHECK: cf.assert %{{.*}}, "{{.*}}(fused.ssd): the operands' sequence length sizes differ"
// CHECK: %[[X:.*]] = tensor.extract_slice %arg0[0, 0, 0, 0] [%[[N:.*]], %[[L:.*]], 4, 8]
// CHECK: %[[R:.*]]:2 = scf.forall (%{{.*}}, %[[H:.*]]) in (%[[N]], 4)
// CHECK-NOT: cf.assert
// CHECK: tensor.extract_slice %[[X]][%{{.*}}, 0, %[[H]], 0] [1, %[[L]], 1, 8] [1, 1, 1, 1] : tensor<?x?x4x8xf32> to tensor<1x?x1x8xf32>
// CHECK-NOT: cf.assert
// CHECK: scf.for
// CHECK-NOT: cf.assert
// CHECK: scf.forall.in_parallel
// CHECK: tensor.insert_slice %[[R]]#0 into %arg4[0, 0, 0, 0] [%[[N]], %[[L]], 4, 8]
func.func @dynamic(%x: tensor<?x?x4x8xf32>, %a: tensor<?x?x4xf32>, %b: tensor<?x?x1x6xf32>, %c: tensor<?x?x1x6xf32>, %y0: tensor<?x?x4x8xf32>, %s0: tensor<?x4x8x6xf32>) -> (tensor<?x?x4x8xf32>, tensor<?x4x8x6xf32>) {
  %y, %s = fused.ssd ins(%x, %a, %b, %c : tensor<?x?x4x8xf32>, tensor<?x?x4xf32>, tensor<?x?x1x6xf32>, tensor<?x?x1x6xf32>)
             outs(%y0, %s0 : tensor<?x?x4x8xf32>, tensor<?x4x8x6xf32>) {chunk_size = 16, groups = 1} -> tensor<?x?x4x8xf32>, tensor<?x4x8x6xf32>
  return %y, %s : tensor<?x?x4x8xf32>, tensor<?x4x8x6xf32>
}

// -----

/// A head tile that straddles groups (2 heads against groups of 3) falls
/// back to one head per tile (the unit batch loop folds away).
// TILE2-LABEL: func @odd_tile
// TILE2: scf.forall (%[[H:.*]]) in (6)
// TILE2: tensor.extract_slice %arg0[0, 0, %[[H]], 0] [1, 8, 1, 4]
func.func @odd_tile(%x: tensor<1x8x6x4xf32>, %a: tensor<1x8x6xf32>, %b: tensor<1x8x2x4xf32>, %c: tensor<1x8x2x4xf32>, %y0: tensor<1x8x6x4xf32>, %s0: tensor<1x6x4x4xf32>) -> (tensor<1x8x6x4xf32>, tensor<1x6x4x4xf32>) {
  %y, %s = fused.ssd ins(%x, %a, %b, %c : tensor<1x8x6x4xf32>, tensor<1x8x6xf32>, tensor<1x8x2x4xf32>, tensor<1x8x2x4xf32>)
             outs(%y0, %s0 : tensor<1x8x6x4xf32>, tensor<1x6x4x4xf32>) {chunk_size = 4, groups = 2} -> tensor<1x8x6x4xf32>, tensor<1x6x4x4xf32>
  return %y, %s : tensor<1x8x6x4xf32>, tensor<1x6x4x4xf32>
}
