// RUN: kiln-opt %s --split-input-file --kiln-convert-model-to-linalg | FileCheck %s

// rms_norm: one reduction of x^2 over the normalized dims, the inverse root
// mean square, then x * inv_rms * scale with scale read at min(i, size - 1).
// CHECK-LABEL: func @rms_norm
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xf32>, %[[S:.*]]: tensor<8xf32>)
// CHECK: %[[SQ:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[X]] : tensor<?x8xf32>)
// CHECK: arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK: arith.addf
// CHECK: %[[INV:.*]] = linalg.generic {{.*}} ins(%[[SQ]] : tensor<?xf32>)
// CHECK: math.sqrt
// CHECK: linalg.generic {{.*}} ins(%[[X]], %[[INV]] : tensor<?x8xf32>, tensor<?xf32>)
// CHECK: %[[I:.*]] = linalg.index 1 : index
// CHECK: %[[J:.*]] = arith.minui %[[I]], %{{.*}} : index
// CHECK: tensor.extract %[[S]][%[[J]]] : tensor<8xf32>
// CHECK-NOT: cf.assert
func.func @rms_norm(%x: tensor<?x8xf32>, %s: tensor<8xf32>) -> tensor<?x8xf32> {
  %y = model.rms_norm %x, %s {axis = 1 : i64, epsilon = 1.0e-05 : f32, stash_type = f32} : (tensor<?x8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

// A dynamic scale dim must be 1 or x's at run time.
// CHECK-LABEL: func @rms_norm_dynamic_scale
// CHECK: cf.assert %{{.*}}, "{{.*}}(model.rms_norm): scale does not broadcast to the normalized dims"
// CHECK: scf.if
func.func @rms_norm_dynamic_scale(%x: tensor<2x8xf16>, %s: tensor<?xf16>) -> tensor<2x8xf16> {
  %y = model.rms_norm %x, %s {axis = 1 : i64, epsilon = 1.0e-05 : f32, stash_type = f32} : (tensor<2x8xf16>, tensor<?xf16>) -> tensor<2x8xf16>
  return %y : tensor<2x8xf16>
}

// -----

// rotary_embedding: the position ids are checked against the caches, the
// sequence length against x's, then one generic reads each feature, its
// partner (d + 4 or d - 4 for rotary_dim 8, not interleaved) and the
// cos/sin of the token's position.
// CHECK-LABEL: func @rope
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x?x8xf32>, %[[C:.*]]: tensor<16x4xf32>, %[[SN:.*]]: tensor<16x4xf32>, %[[P:.*]]: tensor<1x?xi64>)
// CHECK: cf.assert %{{.*}}, "{{.*}}(model.rotary_embedding): input, cos/sin caches and position ids disagree in size"
// CHECK: linalg.generic {{.*}} ins(%[[P]] : tensor<1x?xi64>)
// CHECK: cf.assert %{{.*}}, "{{.*}}(model.rotary_embedding): a position id is outside the cos/sin caches"
// CHECK: scf.if
// CHECK: linalg.generic {{.*}} outs(
// CHECK: %[[SELF:.*]] = tensor.extract %[[X]]
// CHECK: %[[OTHER:.*]] = tensor.extract %[[X]]
// CHECK: %[[POS:.*]] = tensor.extract %[[P]]
// CHECK: %[[ROW:.*]] = arith.index_cast %[[POS]] : i64 to index
// CHECK: %[[COS:.*]] = tensor.extract %[[C]][%[[ROW]], %{{.*}}]
// CHECK: %[[SIN:.*]] = tensor.extract %[[SN]][%[[ROW]], %{{.*}}]
// CHECK: %[[CS:.*]] = arith.mulf %[[COS]], %[[SELF]]
// CHECK: %[[SO:.*]] = arith.mulf %[[SIN]], %[[OTHER]]
// CHECK: arith.subf %[[CS]], %[[SO]]
// CHECK: arith.addf %[[CS]], %[[SO]]
func.func @rope(%x: tensor<1x2x?x8xf32>, %c: tensor<16x4xf32>, %s: tensor<16x4xf32>, %p: tensor<1x?xi64>) -> tensor<1x2x?x8xf32> {
  %y = model.rotary_embedding %x, %c, %s positions %p {interleaved = false, num_heads = 0 : i64, rotary_dim = 8 : i64} : (tensor<1x2x?x8xf32>, tensor<16x4xf32>, tensor<16x4xf32>, tensor<1x?xi64>) -> tensor<1x2x?x8xf32>
  return %y : tensor<1x2x?x8xf32>
}

// -----

// 3-D input of 3 heads, interleaved: the partner of an even feature is the
// next one; static sizes need no check.
// CHECK-LABEL: func @rope_3d
// CHECK-NOT: cf.assert
// CHECK: %[[HEAD:.*]] = arith.divui %c24, %c3 : index
// CHECK-NOT: scf.if
// CHECK: linalg.generic
// CHECK: arith.remui %{{.*}}, %[[HEAD]] : index
func.func @rope_3d(%x: tensor<2x5x24xf32>, %c: tensor<2x5x2xf32>, %s: tensor<2x5x2xf32>) -> tensor<2x5x24xf32> {
  %y = model.rotary_embedding %x, %c, %s {interleaved = true, num_heads = 3 : i64, rotary_dim = 4 : i64} : (tensor<2x5x24xf32>, tensor<2x5x2xf32>, tensor<2x5x2xf32>) -> tensor<2x5x24xf32>
  return %y : tensor<2x5x24xf32>
}
