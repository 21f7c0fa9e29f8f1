// RUN: kiln-opt %s --split-input-file --kiln-fuse-attention | FileCheck %s

/// The exporters' form: scores = Q @ K^T / sqrt(d) + mask, softmax over the
/// keys, times V.
// CHECK-LABEL: func @scaled_masked
// CHECK-SAME: (%[[Q:[^:]*]]: {{.*}}, %[[KT:[^:]*]]: {{.*}}, %[[V:[^:]*]]: {{.*}}, %[[M:[^:]*]]: {{.*}})
// CHECK: %[[K:.*]] = model.transpose %[[KT]] {perm = array<i64: 0, 1, 3, 2>}
// CHECK: %[[INIT:.*]] = tensor.empty() : tensor<2x4x8x16xf32>
// CHECK: %[[O:.*]] = fused.attention ins(%[[Q]], %[[K]], %[[V]] mask %[[M]] : {{.*}}) outs(%[[INIT]] : tensor<2x4x8x16xf32>) {num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 2.500000e-01 : f32}
// CHECK-NOT: model.softmax
// CHECK: return %[[O]]
func.func @scaled_masked(%q: tensor<2x4x8x16xf32>, %kt: tensor<2x4x16x8xf32>, %v: tensor<2x4x8x16xf32>, %m: tensor<8x8xf32>) -> tensor<2x4x8x16xf32> {
  %s = model.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %c = model.constant dense<4.0> : tensor<f32>
  %d = model.div %s, %c : (tensor<2x4x8x8xf32>, tensor<f32>) -> tensor<2x4x8x8xf32>
  %a = model.add %d, %m : (tensor<2x4x8x8xf32>, tensor<8x8xf32>) -> tensor<2x4x8x8xf32>
  %p = model.softmax %a {axis = 3 : i64} : tensor<2x4x8x8xf32>
  %o = model.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

/// Scale as a multiply (either side), no mask; dynamic sequence lengths that
/// come from the same named dims are proven to agree.
// CHECK-LABEL: func @multiplied_dynamic
// CHECK: fused.attention ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>) outs(%{{.*}} : tensor<1x2x?x8xf32>) {num_heads = 2 : i64, num_kv_heads = 2 : i64, scale = 5.000000e-01 : f32}
func.func @multiplied_dynamic(%q: tensor<1x2x?x8xf32> {model.dims = #model.dims<[1, 2, s, 8]>},
                              %kt: tensor<1x2x8x?xf32> {model.dims = #model.dims<[1, 2, 8, t]>},
                              %v: tensor<1x2x?x8xf32> {model.dims = #model.dims<[1, 2, t, 8]>}) -> tensor<1x2x?x8xf32> {
  %s = model.matmul %q, %kt : (tensor<1x2x?x8xf32>, tensor<1x2x8x?xf32>) -> tensor<1x2x?x?xf32>
  %c = model.constant dense<0.5> : tensor<f32>
  %d = model.mul %c, %s : (tensor<f32>, tensor<1x2x?x?xf32>) -> tensor<1x2x?x?xf32>
  %p = model.softmax %d {axis = 3 : i64} : tensor<1x2x?x?xf32>
  %o = model.matmul %p, %v : (tensor<1x2x?x?xf32>, tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32>
  return %o : tensor<1x2x?x8xf32>
}

// -----

/// Near miss: softmax over the queries, not the keys.
// CHECK-LABEL: func @softmax_wrong_axis
// CHECK-NOT: fused.attention
// CHECK: model.softmax
func.func @softmax_wrong_axis(%q: tensor<1x2x4x8xf32>, %kt: tensor<1x2x8x4xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %s = model.matmul %q, %kt : (tensor<1x2x4x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x4x4xf32>
  %p = model.softmax %s {axis = 2 : i64} : tensor<1x2x4x4xf32>
  %o = model.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

/// Near miss: the scores are scaled by a tensor, not a scalar constant.
// CHECK-LABEL: func @tensor_scale
// CHECK-NOT: fused.attention
func.func @tensor_scale(%q: tensor<1x2x4x8xf32>, %kt: tensor<1x2x8x4xf32>, %v: tensor<1x2x4x8xf32>, %t: tensor<4xf32>) -> tensor<1x2x4x8xf32> {
  %s = model.matmul %q, %kt : (tensor<1x2x4x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x4x4xf32>
  %d = model.div %s, %t : (tensor<1x2x4x4xf32>, tensor<4xf32>) -> tensor<1x2x4x4xf32>
  %p = model.softmax %d {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %o = model.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

/// Near miss: the key lengths of K and V are different dims nothing proves
/// equal; the unfused ops check them at run time, a fused op could not.
// CHECK-LABEL: func @unproven_lengths
// CHECK-NOT: fused.attention
func.func @unproven_lengths(%q: tensor<1x2x4x8xf32>, %kt: tensor<1x2x8x?xf32>, %v: tensor<1x2x?x8xf32>) -> tensor<1x2x4x8xf32> {
  %s = model.matmul %q, %kt : (tensor<1x2x4x8xf32>, tensor<1x2x8x?xf32>) -> tensor<1x2x4x?xf32>
  %p = model.softmax %s {axis = 3 : i64} : tensor<1x2x4x?xf32>
  %o = model.matmul %p, %v : (tensor<1x2x4x?xf32>, tensor<1x2x?x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

/// Near miss: the attention weights are used elsewhere too (returned), so
/// they must be materialized anyway.
// CHECK-LABEL: func @weights_used_twice
// CHECK-NOT: fused.attention
func.func @weights_used_twice(%q: tensor<1x2x4x8xf32>, %kt: tensor<1x2x8x4xf32>, %v: tensor<1x2x4x8xf32>) -> (tensor<1x2x4x8xf32>, tensor<1x2x4x4xf32>) {
  %s = model.matmul %q, %kt : (tensor<1x2x4x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x4x4xf32>
  %p = model.softmax %s {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %o = model.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o, %p : tensor<1x2x4x8xf32>, tensor<1x2x4x4xf32>
}

// -----

/// Near miss: a mask that does not line up with the scores' dims.
// CHECK-LABEL: func @mask_unproven
// CHECK-NOT: fused.attention
func.func @mask_unproven(%q: tensor<1x2x4x8xf32>, %kt: tensor<1x2x8x4xf32>, %v: tensor<1x2x4x8xf32>, %m: tensor<?x4xf32>) -> tensor<1x2x4x8xf32> {
  %s = model.matmul %q, %kt : (tensor<1x2x4x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x4x4xf32>
  %a = model.add %s, %m : (tensor<1x2x4x4xf32>, tensor<?x4xf32>) -> tensor<1x2x4x4xf32>
  %p = model.softmax %a {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %o = model.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}
