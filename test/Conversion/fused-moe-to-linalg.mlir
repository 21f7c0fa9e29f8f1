// RUN: kiln-opt %s --split-input-file --kiln-convert-fused-to-linalg | FileCheck %s
// RUN: kiln-opt %s --split-input-file --kiln-convert-fused-to-linalg=moe-reference=true | FileCheck %s --check-prefix=REF

/// Grouped: dynamic token counts are checked equal at run time and the
/// lowering computes on the smaller; routing by rank (a reduction over the
/// other experts), then the listing of each token's experts with counts,
/// the prefix sum, the permutation, the gathered rows, one GEMM chain per
/// expert over a slice of run-time size, and the weighted combine of each
/// token's top_k rows.
// CHECK-LABEL: func @grouped_dynamic
// CHECK: cf.assert %{{.*}}, "{{.*}}(fused.moe): the tokens and the router logits have different token counts"
// CHECK: %[[T:.*]] = arith.minui
// CHECK: %[[X:.*]] = tensor.extract_slice %arg0[0, 0] [%[[T]], 16] [1, 1]
// CHECK: linalg.softmax dimension(1)
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]{{.*}}outs(%{{.*}} : tensor<?x8xi32>)
// CHECK: %[[LIST:.*]]:2 = scf.for %{{.*}} = %{{.*}} to %[[T]] {{.*}} -> (tensor<?x2xi32>, tensor<8xi32>)
// CHECK: scf.for {{.*}} -> (tensor<?x2xi32>, tensor<8xi32>, index)
// CHECK: %[[OFF:.*]]:2 = scf.for {{.*}} -> (tensor<8xi32>, i32)
// CHECK: %[[PERM:.*]]:3 = scf.for {{.*}} -> (tensor<?xi32>, tensor<?x2xi32>, tensor<8xi32>)
// CHECK: %[[XP:.*]] = linalg.generic {{.*}} ins(%[[PERM]]#0 : tensor<?xi32>) outs(%{{.*}} : tensor<?x16xf32>)
// CHECK: tensor.extract %[[X]]
// CHECK: %[[YP:.*]] = scf.for %[[E:.*]] = %{{.*}} to %c8 {{.*}} -> (tensor<?x16xf32>)
// CHECK: %[[AT:.*]] = arith.index_cast
// CHECK: %[[N:.*]] = arith.index_cast
// CHECK: %[[ROWS:.*]] = tensor.extract_slice %[[XP]][%[[AT]], 0] [%[[N]], 16] [1, 1] : tensor<?x16xf32> to tensor<?x16xf32>
// CHECK: tensor.extract_slice %arg2[%[[E]], 0, 0] [1, 16, 32] [1, 1, 1] : tensor<8x16x32xf32> to tensor<16x32xf32>
// CHECK: linalg.matmul ins(%[[ROWS]]
// CHECK: linalg.matmul ins(%[[ROWS]]
// CHECK: %[[Y:.*]] = linalg.matmul
// CHECK: tensor.insert_slice %[[Y]] into %{{.*}}[%[[AT]], 0] [%[[N]], 16] [1, 1]
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[LIST]]#0, %[[PERM]]#1 : tensor<?x2xi32>, tensor<?x2xi32>) outs(%{{.*}} : tensor<?x16xf32>)
// CHECK: tensor.extract %[[YP]]
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0] [%[[T]], 16] [1, 1]
// CHECK-NOT: fused.moe

/// Reference: every expert on every token ([T, E, F] projections), summed
/// with the dense routing weights; no loops.
// REF-LABEL: func @grouped_dynamic
// REF-NOT: scf.for
// REF: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction"]{{.*}}ins(%{{.*}}, %arg3 : tensor<?x16xf32>, tensor<8x16x32xf32>) outs(%{{.*}} : tensor<?x8x32xf32>)
// REF: linalg.generic {{.*}}outs(%{{.*}} : tensor<?x8x16xf32>)
// REF: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]{{.*}}outs(%{{.*}} : tensor<?x16xf32>)
// REF-NOT: fused.moe
func.func @grouped_dynamic(%x: tensor<?x16xf32>, %l: tensor<?x8xf32>, %g: tensor<8x16x32xf32>, %u: tensor<8x16x32xf32>, %d: tensor<8x32x16xf32>, %o: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %0 = fused.moe tokens(%x : tensor<?x16xf32>) logits(%l : tensor<?x8xf32>) gate(%g : tensor<8x16x32xf32>) up(%u : tensor<8x16x32xf32>) down(%d : tensor<8x32x16xf32>) outs(%o : tensor<?x16xf32>) {num_experts = 8, top_k = 2, renormalize = true} -> tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}

// -----

/// Sigmoid scores with a selection bias added for choosing only (the
/// weights read the unbiased scores), renormalized and scaled; plain ReLU
/// experts with biases; a shared expert added to the combine.
// CHECK-LABEL: func @biased_shared
// CHECK-NOT: cf.assert
// CHECK: %[[P:.*]] = linalg.generic {{.*}} ins(%arg1 : tensor<12x8xf32>)
// CHECK: math.exp
// CHECK: %[[C:.*]] = linalg.generic {{.*}} ins(%[[P]], %arg2 : tensor<12x8xf32>, tensor<8xf32>)
// CHECK: %[[RANK:.*]] = linalg.generic {{.*}} ins(%[[C]], %[[C]] :
// CHECK: %[[W:.*]] = linalg.generic {{.*}} ins(%[[RANK]], %[[P]] :
// CHECK: arith.divf
// CHECK: arith.constant 2.500000e+00 : f32
// CHECK: scf.for
// CHECK: tensor.extract_slice %arg5[%{{.*}}, 0] [1, 32] [1, 1] : tensor<8x32xf32> to tensor<32xf32>
// CHECK: arith.maximumf
// CHECK: linalg.matmul ins(%arg0, %arg7 : tensor<12x16xf32>, tensor<16x64xf32>)
// CHECK-NOT: fused.moe
// REF-LABEL: func @biased_shared
// REF-NOT: scf.for
// REF: linalg.matmul ins(%arg0, %arg7
func.func @biased_shared(%x: tensor<12x16xf32>, %l: tensor<12x8xf32>, %b: tensor<8xf32>, %u: tensor<8x16x32xf32>, %d: tensor<8x32x16xf32>, %ub: tensor<8x32xf32>, %db: tensor<8x16xf32>, %su: tensor<16x64xf32>, %sd: tensor<64x16xf32>, %o: tensor<12x16xf32>) -> tensor<12x16xf32> {
  %0 = fused.moe tokens(%x : tensor<12x16xf32>) logits(%l : tensor<12x8xf32>) selection_bias(%b : tensor<8xf32>) up(%u : tensor<8x16x32xf32>) down(%d : tensor<8x32x16xf32>) up_bias(%ub : tensor<8x32xf32>) down_bias(%db : tensor<8x16xf32>) shared_up(%su : tensor<16x64xf32>) shared_down(%sd : tensor<64x16xf32>) outs(%o : tensor<12x16xf32>) {num_experts = 8, top_k = 2, scoring = "sigmoid", renormalize = true, routed_scaling = 2.5 : f32, activation = "relu", gated = false} -> tensor<12x16xf32>
  return %0 : tensor<12x16xf32>
}
