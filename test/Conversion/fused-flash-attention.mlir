// RUN: kiln-opt %s --split-input-file --kiln-convert-fused-to-linalg=flash=true --canonicalize | FileCheck %s
// RUN: kiln-opt %s --split-input-file --kiln-convert-fused-to-linalg=flash=true --canonicalize | FileCheck %s --check-prefix=NOSCORES
// fused.attention by tiled online softmax: an scf.forall over (batch, head,
// 64-row query blocks), an scf.for over 64-key blocks with the running max,
// sum and accumulator, matmuls for the tiles.

/// No tensor spans both sequence dims (Sq = 200, Sk = 300): the scores exist
/// only as [rows, keys] tiles of at most 64 x 64.
// NOSCORES-NOT: {{200x300|300x200}}

// CHECK-LABEL: func @causal
// CHECK: scf.forall (%[[H:.*]], %[[I:.*]]) = (0, 0) to (2, 200) step (1, 64) shared_outs(%[[OUT:.*]] = %{{.*}})
// CHECK:   %[[ROWS:.*]] = affine.min #{{.*}}(%[[I]])
// CHECK:   tensor.extract_slice %{{.*}}[0, %[[H]], %[[I]], 0] [1, 1, %[[ROWS]], 16]
/// Query row r of the block sits at key position I + (300 - 200) + r.
// CHECK:   %[[POS:.*]] = affine.apply #{{.*}}(%[[I]])
// CHECK:   %[[Q:.*]] = tensor.extract_slice %{{.*}} : tensor<1x1x?x16xf32> to tensor<?x16xf32>
/// Causal: the keys past the block's last row are never visited.
// CHECK:   %[[PAST:.*]] = arith.addi %[[POS]], %[[ROWS]]
// CHECK:   %[[HI0:.*]] = arith.minsi %[[PAST]], %c300
// CHECK:   %[[HI:.*]] = arith.maxsi %[[HI0]], %c0
// CHECK:   scf.for %[[J:.*]] = %c0 to %[[HI]] step %c64 iter_args(%[[M:.*]] = %{{.*}}, %[[L:.*]] = %{{.*}}, %[[ACC:.*]] = %{{.*}}) -> (tensor<?xf32>, tensor<?xf32>, tensor<?x8xf32>)
/// The last key block is partial.
// CHECK:     %[[LEFT:.*]] = arith.subi %[[HI]], %[[J]]
// CHECK:     %[[BK:.*]] = arith.minsi %[[LEFT]], %c64
// CHECK:     %[[K:.*]] = tensor.extract_slice %{{.*}}[0, 0, %[[J]], 0] [1, 1, %[[BK]], 16] {{.*}} to tensor<?x16xf32>
// CHECK:     %[[V:.*]] = tensor.extract_slice %{{.*}}[0, 0, %[[J]], 0] [1, 1, %[[BK]], 8] {{.*}} to tensor<?x8xf32>
// CHECK:     %[[S:.*]] = linalg.matmul indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}] ins(%[[Q]], %[[K]] : tensor<?x16xf32>, tensor<?x16xf32>) outs(%{{.*}} : tensor<?x?xf32>)
/// A block wholly below the diagonal (its last key <= the first row's
/// position) is only scaled; the others also hide the keys past each row.
// CHECK:     %[[INSIDE:.*]] = arith.cmpi sle, %{{.*}}, %[[POS]]
// CHECK:     %[[SC:.*]] = scf.if %[[INSIDE]] -> (tensor<?x?xf32>) {
// CHECK:       arith.mulf
// CHECK-NOT:   arith.select
// CHECK:     } else {
// CHECK:       arith.mulf
// CHECK:       arith.cmpi sle
// CHECK:       arith.select %{{.*}}, %{{.*}}, %cst{{.*}} : f32
// CHECK:     }
// CHECK:     %[[BMAX:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[SC]] : tensor<?x?xf32>)
// CHECK:       arith.maximumf
/// m' = max(m, block max) in place of m, alpha = exp(m - m').
// CHECK:     %[[R:.*]]:3 = linalg.generic {{.*}} ins(%[[BMAX]] : tensor<?xf32>) outs(%[[M]], %{{.*}}, %{{.*}} : tensor<?xf32>, tensor<?xf32>, tensor<?xf32>)
// CHECK:       math.exp
// CHECK:     %[[P:.*]] = linalg.generic {{.*}} ins(%[[R]]#2 : tensor<?xf32>) outs(%[[SC]] : tensor<?x?xf32>)
// CHECK:       math.exp
// CHECK:     %[[LS:.*]] = linalg.generic {{.*}} ins(%[[R]]#1 : tensor<?xf32>) outs(%[[L]] : tensor<?xf32>)
// CHECK:     %[[L2:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[P]] : tensor<?x?xf32>) outs(%[[LS]] : tensor<?xf32>)
// CHECK:     %[[AS:.*]] = linalg.generic {{.*}} ins(%[[R]]#1 : tensor<?xf32>) outs(%[[ACC]] : tensor<?x8xf32>)
// CHECK:     %[[ACC2:.*]] = linalg.matmul ins(%[[P]], %[[V]] : tensor<?x?xf32>, tensor<?x8xf32>) outs(%[[AS]] : tensor<?x8xf32>)
// CHECK:     scf.yield %[[R]]#0, %[[L2]], %[[ACC2]]
/// out = acc / l into the block's rows.
// CHECK:   arith.divf
// CHECK:   tensor.parallel_insert_slice %{{.*}} into %[[OUT]][0, %[[H]], %[[I]], 0] [1, 1, %[[ROWS]], 8]
func.func @causal(%q: tensor<1x2x200x16xf32>, %k: tensor<1x2x300x16xf32>, %v: tensor<1x2x300x8xf32>, %o: tensor<1x2x200x8xf32>) -> tensor<1x2x200x8xf32> {
  %0 = fused.attention ins(%q, %k, %v : tensor<1x2x200x16xf32>, tensor<1x2x300x16xf32>, tensor<1x2x300x8xf32>) outs(%o : tensor<1x2x200x8xf32>) {num_heads = 2, num_kv_heads = 2, scale = 0.25 : f32, causal = true} -> tensor<1x2x200x8xf32>
  return %0 : tensor<1x2x200x8xf32>
}

// -----

/// Symbolic batch and lengths, GQA, bf16, a left window and a boolean mask:
/// the key loop starts at the first key the block's first row sees, the
/// tiles compute in f32, the mask tile follows the key block.
// CHECK-LABEL: func @dynamic_window_bf16
/// The sizes only the run knows are checked before any tile runs.
// CHECK: cf.assert %[[OK:.*]], "{{.*}}: the sizes of query, key, value, mask and destination contradict each other"
// CHECK: scf.if %[[OK]]
// CHECK: scf.forall (%[[B:.*]], %[[H:.*]], %[[I:.*]]) = (0, 0, 0) to (%{{.*}}, 4, %{{.*}}) step (1, 1, 64)
// CHECK:   %[[G:.*]] = affine.apply #{{.*}}(%[[H]])
// CHECK:   tensor.extract_slice %{{.*}}[%[[B]], %[[G]], 0, 0] [1, 1, %{{.*}}, 32]
// CHECK:   %[[LO0:.*]] = arith.subi %{{.*}}, %c16
// CHECK:   %[[LO:.*]] = arith.maxsi %[[LO0]], %c0
// CHECK:   scf.for %[[J:.*]] = %[[LO]] to %{{.*}} step %c64 iter_args({{.*}}) -> (tensor<?xf32>, tensor<?xf32>, tensor<?x32xf32>)
// CHECK:     linalg.matmul {{.*}} ins(%{{.*}}, %{{.*}} : tensor<?x32xbf16>, tensor<?x32xbf16>) outs(%{{.*}} : tensor<?x?xf32>)
// CHECK:     arith.cmpi sge, %[[J]]
// CHECK:     %[[MASK:.*]] = tensor.extract_slice %{{.*}}[0, %[[J]]] [%{{.*}}, %{{.*}}] [1, 1] : tensor<?x?xi1> to tensor<?x?xi1>
// CHECK:     linalg.generic {{.*}} ins(%[[MASK]] : tensor<?x?xi1>)
// CHECK:     linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<?x?xf32>, tensor<?x32xbf16>) outs(%{{.*}} : tensor<?x32xf32>)
// CHECK:   arith.truncf %{{.*}} : f32 to bf16
func.func @dynamic_window_bf16(%q: tensor<?x4x?x32xbf16>, %k: tensor<?x2x?x32xbf16>, %v: tensor<?x2x?x32xbf16>, %m: tensor<?x?xi1>, %o: tensor<?x4x?x32xbf16>) -> tensor<?x4x?x32xbf16> {
  %0 = fused.attention ins(%q, %k, %v mask %m : tensor<?x4x?x32xbf16>, tensor<?x2x?x32xbf16>, tensor<?x2x?x32xbf16>, tensor<?x?xi1>) outs(%o : tensor<?x4x?x32xbf16>) {num_heads = 4, num_kv_heads = 2, scale = 0.125 : f32, window_left = 16} -> tensor<?x4x?x32xbf16>
  return %0 : tensor<?x4x?x32xbf16>
}
