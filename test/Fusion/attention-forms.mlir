// RUN: kiln-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(kiln-fuse-attention{report=true}))" | FileCheck %s

/// Llama's repeat_kv (unsqueeze, expand, reshape) in front of K and V: GQA
/// with the un-repeated tensors as operands; K^T's transpose is peeled.
// CHECK-LABEL: func @gqa_repeat_kv
// CHECK-SAME: (%[[Q:[^:]*]]: {{.*}}, %[[K:[^:]*]]: {{.*}}, %[[V:[^:]*]]: {{.*}})
// CHECK: fused.attention ins(%[[Q]], %[[K]], %[[V]] : tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>) outs({{.*}}) {num_heads = 4 : i64, num_kv_heads = 2 : i64, scale = 2.500000e-01 : f32}
// CHECK-NOT: model.softmax
func.func @gqa_repeat_kv(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x16xf32>) -> tensor<1x4x8x16xf32> {
  %shape = model.constant dense<[1, 2, 2, 8, 16]> : tensor<5xi64>
  %ku = model.unsqueeze %k {axes = array<i64: 2>} : (tensor<1x2x8x16xf32>) -> tensor<1x2x1x8x16xf32>
  %ke = model.expand %ku, %shape : (tensor<1x2x1x8x16xf32>, tensor<5xi64>) -> tensor<1x2x2x8x16xf32>
  %kr = model.reshape %ke {shape = array<i64: 1, 4, 8, 16>} : (tensor<1x2x2x8x16xf32>) -> tensor<1x4x8x16xf32>
  %vu = model.unsqueeze %v {axes = array<i64: 2>} : (tensor<1x2x8x16xf32>) -> tensor<1x2x1x8x16xf32>
  %ve = model.expand %vu, %shape : (tensor<1x2x1x8x16xf32>, tensor<5xi64>) -> tensor<1x2x2x8x16xf32>
  %vr = model.reshape %ve {shape = array<i64: 1, 4, 8, 16>} : (tensor<1x2x2x8x16xf32>) -> tensor<1x4x8x16xf32>
  %kt = model.transpose %kr {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x4x8x16xf32>) -> tensor<1x4x16x8xf32>
  %s = model.matmul %q, %kt : (tensor<1x4x8x16xf32>, tensor<1x4x16x8xf32>) -> tensor<1x4x8x8xf32>
  %c = model.constant dense<4.0> : tensor<f32>
  %d = model.div %s, %c : (tensor<1x4x8x8xf32>, tensor<f32>) -> tensor<1x4x8x8xf32>
  %p = model.softmax %d {axis = 3 : i64} : tensor<1x4x8x8xf32>
  %o = model.matmul %p, %vr : (tensor<1x4x8x8xf32>, tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

/// Near miss of GQA: the heads repeated as tiles (unsqueeze at axis 1, so
/// head h reads kv head h mod 2, not h / 2): fused as plain multi-head
/// attention over the repeated tensors.
// CHECK-LABEL: func @repeat_as_tiles
// CHECK: fused.attention ins({{.*}} : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>) {{.*}}num_kv_heads = 4 : i64
func.func @repeat_as_tiles(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  %shape = model.constant dense<[1, 2, 2, 8, 16]> : tensor<5xi64>
  %ku = model.unsqueeze %k {axes = array<i64: 1>} : (tensor<1x2x8x16xf32>) -> tensor<1x1x2x8x16xf32>
  %ke = model.expand %ku, %shape : (tensor<1x1x2x8x16xf32>, tensor<5xi64>) -> tensor<1x2x2x8x16xf32>
  %kr = model.reshape %ke {shape = array<i64: 1, 4, 8, 16>} : (tensor<1x2x2x8x16xf32>) -> tensor<1x4x8x16xf32>
  %kt = model.transpose %kr {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x4x8x16xf32>) -> tensor<1x4x16x8xf32>
  %s = model.matmul %q, %kt : (tensor<1x4x8x16xf32>, tensor<1x4x16x8xf32>) -> tensor<1x4x8x8xf32>
  %p = model.softmax %s {axis = 3 : i64} : tensor<1x4x8x8xf32>
  %o = model.matmul %p, %v : (tensor<1x4x8x8xf32>, tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

/// Near miss of GQA: a repeat whose reshape does not give kv heads times
/// the repeat as heads (3 heads of twice the length): not a repeat_kv, so
/// the reshaped tensor is K itself.
// CHECK-LABEL: func @repeat_not_dividing
// CHECK: fused.attention ins({{.*}} : tensor<1x3x4x8xf32>, tensor<1x3x8x8xf32>, tensor<1x3x8x8xf32>) {{.*}}num_heads = 3 : i64, num_kv_heads = 3 : i64
func.func @repeat_not_dividing(%q: tensor<1x3x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x3x8x8xf32>) -> tensor<1x3x4x8xf32> {
  %shape = model.constant dense<[1, 2, 3, 4, 8]> : tensor<5xi64>
  %ku = model.unsqueeze %k {axes = array<i64: 2>} : (tensor<1x2x4x8xf32>) -> tensor<1x2x1x4x8xf32>
  %ke = model.expand %ku, %shape : (tensor<1x2x1x4x8xf32>, tensor<5xi64>) -> tensor<1x2x3x4x8xf32>
  %kr = model.reshape %ke {shape = array<i64: 1, 3, 8, 8>} : (tensor<1x2x3x4x8xf32>) -> tensor<1x3x8x8xf32>
  %kt = model.transpose %kr {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32>
  %s = model.matmul %q, %kt : (tensor<1x3x4x8xf32>, tensor<1x3x8x8xf32>) -> tensor<1x3x4x8xf32>
  %p = model.softmax %s {axis = 3 : i64} : tensor<1x3x4x8xf32>
  %o = model.matmul %p, %v : (tensor<1x3x4x8xf32>, tensor<1x3x8x8xf32>) -> tensor<1x3x4x8xf32>
  return %o : tensor<1x3x4x8xf32>
}

// -----

/// Falcon-style multi-query: one key/value head that the matmuls broadcast;
/// the scale on Q and on K before the matmul (d^-1/4 each).
// CHECK-LABEL: func @mqa_scale_before
// CHECK-SAME: (%[[Q:[^:]*]]: {{.*}}, %[[K:[^:]*]]: {{.*}}, %[[V:[^:]*]]: {{.*}})
// CHECK: fused.attention ins(%[[Q]], %[[K]], %[[V]] : tensor<2x4x8x16xf32>, tensor<2x1x8x16xf32>, tensor<2x1x8x16xf32>) {{.*}}{num_heads = 4 : i64, num_kv_heads = 1 : i64, scale = 2.500000e-01 : f32}
func.func @mqa_scale_before(%q: tensor<2x4x8x16xf32>, %k: tensor<2x1x8x16xf32>, %v: tensor<2x1x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %c = model.constant dense<0.5> : tensor<f32>
  %qs = model.mul %q, %c : (tensor<2x4x8x16xf32>, tensor<f32>) -> tensor<2x4x8x16xf32>
  %ks = model.mul %c, %k : (tensor<f32>, tensor<2x1x8x16xf32>) -> tensor<2x1x8x16xf32>
  %kt = model.transpose %ks {perm = array<i64: 0, 1, 3, 2>} : (tensor<2x1x8x16xf32>) -> tensor<2x1x16x8xf32>
  %s = model.matmul %qs, %kt : (tensor<2x4x8x16xf32>, tensor<2x1x16x8xf32>) -> tensor<2x4x8x8xf32>
  %p = model.softmax %s {axis = 3 : i64} : tensor<2x4x8x8xf32>
  %o = model.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x1x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

/// A constant -inf upper triangle (triu(-inf, 1)) is the causal mask.
// CHECK-LABEL: func @causal_constant
// CHECK: fused.attention ins(%{{[^,]*}}, %{{[^,]*}}, %{{[^ ]*}} : {{.*}}) outs({{.*}}) {causal = true, num_heads = 2 : i64
// CHECK-NOT: model.add
func.func @causal_constant(%q: tensor<1x2x4x8xf32>, %kt: tensor<1x2x8x4xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %m = model.constant dense<[[0.0, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0xFF800000], [0.0, 0.0, 0.0, 0.0]]> : tensor<4x4xf32>
  %s = model.matmul %q, %kt : (tensor<1x2x4x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x4x4xf32>
  %a = model.add %s, %m : (tensor<1x2x4x4xf32>, tensor<4x4xf32>) -> tensor<1x2x4x4xf32>
  %p = model.softmax %a {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %o = model.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

/// Mistral's sliding window: a constant 0/finfo.min band of width 2 below
/// the diagonal, unsqueezed to [1, 1, S, S]: causal with window_left = 1.
// CHECK-LABEL: func @sliding_window_constant
// CHECK: fused.attention ins(%{{[^,]*}}, %{{[^,]*}}, %{{[^ ]*}} : {{.*}}) outs({{.*}}) {causal = true, num_heads = 2 : i64, num_kv_heads = 2 : i64, scale = 1.000000e+00 : f32, window_left = 1 : i64}
func.func @sliding_window_constant(%q: tensor<1x2x4x8xf32>, %kt: tensor<1x2x8x4xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %m = model.constant dense<[[0.0, -3.40282347E+38, -3.40282347E+38, -3.40282347E+38], [0.0, 0.0, -3.40282347E+38, -3.40282347E+38], [-3.40282347E+38, 0.0, 0.0, -3.40282347E+38], [-3.40282347E+38, -3.40282347E+38, 0.0, 0.0]]> : tensor<4x4xf32>
  %mu = model.unsqueeze %m {axes = array<i64: 0, 1>} : (tensor<4x4xf32>) -> tensor<1x1x4x4xf32>
  %s = model.matmul %q, %kt : (tensor<1x2x4x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x4x4xf32>
  %a = model.add %mu, %s : (tensor<1x1x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %p = model.softmax %a {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %o = model.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

/// Near miss: a constant triangle that also hides the diagonal (triu(-inf,
/// 0)): neither causal nor a causal band, so nothing fuses.
// CHECK-LABEL: func @triangle_wrong_offset
// CHECK-SAME: kiln.fusion.near_misses = [{fusion = "attention", loc = #loc{{[0-9]*}}, reason = "the mask hides the diagonal: a triangle or band with the wrong offset, neither causal nor a causal band"}]
// CHECK-NOT: fused.attention
func.func @triangle_wrong_offset(%q: tensor<1x2x3x8xf32>, %kt: tensor<1x2x8x3xf32>, %v: tensor<1x2x3x8xf32>) -> tensor<1x2x3x8xf32> {
  %m = model.constant dense<[[0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0xFF800000, 0xFF800000], [0.0, 0.0, 0xFF800000]]> : tensor<3x3xf32>
  %s = model.matmul %q, %kt : (tensor<1x2x3x8xf32>, tensor<1x2x8x3xf32>) -> tensor<1x2x3x3xf32>
  %a = model.add %s, %m : (tensor<1x2x3x3xf32>, tensor<3x3xf32>) -> tensor<1x2x3x3xf32>
  %p = model.softmax %a {axis = 3 : i64} : tensor<1x2x3x3xf32>
  %o = model.matmul %p, %v : (tensor<1x2x3x3xf32>, tensor<1x2x3x8xf32>) -> tensor<1x2x3x8xf32>
  return %o : tensor<1x2x3x8xf32>
}

// -----

/// Near miss: the triangle in the wrong direction (tril(-inf, -1): each
/// query sees itself and the keys after it).
// CHECK-LABEL: func @triangle_wrong_direction
// CHECK-SAME: reason = "the mask hides the keys before each query, not after (a triangle in the wrong direction)"
// CHECK-NOT: fused.attention
func.func @triangle_wrong_direction(%q: tensor<1x2x3x8xf32>, %kt: tensor<1x2x8x3xf32>, %v: tensor<1x2x3x8xf32>) -> tensor<1x2x3x8xf32> {
  %m = model.constant dense<[[0.0, 0.0, 0.0], [0xFF800000, 0.0, 0.0], [0xFF800000, 0xFF800000, 0.0]]> : tensor<3x3xf32>
  %s = model.matmul %q, %kt : (tensor<1x2x3x8xf32>, tensor<1x2x8x3xf32>) -> tensor<1x2x3x3xf32>
  %a = model.add %s, %m : (tensor<1x2x3x3xf32>, tensor<3x3xf32>) -> tensor<1x2x3x3xf32>
  %p = model.softmax %a {axis = 3 : i64} : tensor<1x2x3x3xf32>
  %o = model.matmul %p, %v : (tensor<1x2x3x3xf32>, tensor<1x2x3x8xf32>) -> tensor<1x2x3x8xf32>
  return %o : tensor<1x2x3x8xf32>
}

// -----

/// A 0/-inf constant that is no band (a padding pattern: key 2 hidden for
/// every query) stays an additive mask.
// CHECK-LABEL: func @padding_constant_additive
// CHECK: fused.attention ins(%{{[^,]*}}, %{{[^,]*}}, %{{[^ ]*}} mask %{{[^ ]*}} : {{.*}}) outs({{.*}}) {num_heads = 2 : i64
func.func @padding_constant_additive(%q: tensor<1x2x3x8xf32>, %kt: tensor<1x2x8x3xf32>, %v: tensor<1x2x3x8xf32>) -> tensor<1x2x3x8xf32> {
  %m = model.constant dense<[[0.0, 0.0, 0xFF800000], [0.0, 0.0, 0xFF800000], [0.0, 0.0, 0xFF800000]]> : tensor<3x3xf32>
  %s = model.matmul %q, %kt : (tensor<1x2x3x8xf32>, tensor<1x2x8x3xf32>) -> tensor<1x2x3x3xf32>
  %a = model.add %s, %m : (tensor<1x2x3x3xf32>, tensor<3x3xf32>) -> tensor<1x2x3x3xf32>
  %p = model.softmax %a {axis = 3 : i64} : tensor<1x2x3x3xf32>
  %o = model.matmul %p, %v : (tensor<1x2x3x3xf32>, tensor<1x2x3x8xf32>) -> tensor<1x2x3x8xf32>
  return %o : tensor<1x2x3x8xf32>
}

// -----

/// The causal mask computed for the run's length: Trilu(upper, k = 1) of a
/// -inf fill of shape [s, s] read off the input (the Llama export).
// CHECK-LABEL: func @causal_trilu_dynamic
// CHECK: fused.attention ins(%{{[^,]*}}, %{{[^,]*}}, %{{[^ ]*}} : tensor<1x2x?x8xf32>, {{.*}}) outs({{.*}}) {causal = true, num_heads = 2 : i64
func.func @causal_trilu_dynamic(%q: tensor<1x2x?x8xf32> {model.dims = #model.dims<[1, 2, s, 8]>},
                                %kt: tensor<1x2x8x?xf32> {model.dims = #model.dims<[1, 2, 8, s]>},
                                %v: tensor<1x2x?x8xf32> {model.dims = #model.dims<[1, 2, s, 8]>}) -> tensor<1x2x?x8xf32> {
  %shape = model.shape %q : (tensor<1x2x?x8xf32>) -> tensor<4xi64>
  %two = model.constant dense<2> : tensor<i64>
  %len = model.gather %shape, %two {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %l1 = model.unsqueeze %len {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %ss = model.concat %l1, %l1 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %fill = model.constant_of_shape %ss {value = 0xFF800000 : f32} : (tensor<2xi64>) -> tensor<?x?xf32>
  %one = model.constant dense<1> : tensor<i64>
  %m = model.trilu %fill, %one {upper = true} : (tensor<?x?xf32>, tensor<i64>) -> tensor<?x?xf32>
  %s = model.matmul %q, %kt : (tensor<1x2x?x8xf32>, tensor<1x2x8x?xf32>) -> tensor<1x2x?x?xf32>
  %a = model.add %s, %m : (tensor<1x2x?x?xf32>, tensor<?x?xf32>) -> tensor<1x2x?x?xf32>
  %p = model.softmax %a {axis = 3 : i64} : tensor<1x2x?x?xf32>
  %o = model.matmul %p, %v : (tensor<1x2x?x?xf32>, tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32>
  return %o : tensor<1x2x?x8xf32>
}

// -----

/// Near miss: the same Trilu with k = 0 hides the diagonal too.
// CHECK-LABEL: func @trilu_wrong_offset
// CHECK-SAME: reason = "the mask hides the diagonal
// CHECK-NOT: fused.attention
func.func @trilu_wrong_offset(%q: tensor<1x2x?x8xf32> {model.dims = #model.dims<[1, 2, s, 8]>},
                              %kt: tensor<1x2x8x?xf32> {model.dims = #model.dims<[1, 2, 8, s]>},
                              %v: tensor<1x2x?x8xf32> {model.dims = #model.dims<[1, 2, s, 8]>}) -> tensor<1x2x?x8xf32> {
  %shape = model.shape %q : (tensor<1x2x?x8xf32>) -> tensor<4xi64>
  %two = model.constant dense<2> : tensor<i64>
  %len = model.gather %shape, %two {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %l1 = model.unsqueeze %len {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %ss = model.concat %l1, %l1 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %fill = model.constant_of_shape %ss {value = 0xFF800000 : f32} : (tensor<2xi64>) -> tensor<?x?xf32>
  %zero = model.constant dense<0> : tensor<i64>
  %m = model.trilu %fill, %zero {upper = true} : (tensor<?x?xf32>, tensor<i64>) -> tensor<?x?xf32>
  %s = model.matmul %q, %kt : (tensor<1x2x?x8xf32>, tensor<1x2x8x?xf32>) -> tensor<1x2x?x?xf32>
  %a = model.add %s, %m : (tensor<1x2x?x?xf32>, tensor<?x?xf32>) -> tensor<1x2x?x?xf32>
  %p = model.softmax %a {axis = 3 : i64} : tensor<1x2x?x?xf32>
  %o = model.matmul %p, %v : (tensor<1x2x?x?xf32>, tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32>
  return %o : tensor<1x2x?x8xf32>
}

// -----

/// HF's _make_causal_mask: where(arange(s) < (arange(s) + 1).view(s, 1), 0,
/// finfo.min), plus a padding mask from an input [b, s]: causal, with the
/// padding kept as the additive mask.
// CHECK-LABEL: func @causal_where_and_padding
// CHECK-SAME: (%[[Q:[^:]*]]: {{.*}}, %[[KT:[^:]*]]: {{.*}}, %[[V:[^:]*]]: {{.*}}, %[[PAD:[^:]*]]: {{.*}})
// CHECK: fused.attention ins(%[[Q]], %{{[^,]*}}, %[[V]] mask %[[PAD]] : {{.*}}) outs({{.*}}) {causal = true, num_heads = 2 : i64
func.func @causal_where_and_padding(%q: tensor<?x2x?x8xf32> {model.dims = #model.dims<[b, 2, s, 8]>},
                                    %kt: tensor<?x2x8x?xf32> {model.dims = #model.dims<[b, 2, 8, s]>},
                                    %v: tensor<?x2x?x8xf32> {model.dims = #model.dims<[b, 2, s, 8]>},
                                    %pad: tensor<?x1x1x?xf32> {model.dims = #model.dims<[b, 1, 1, s]>}) -> tensor<?x2x?x8xf32> {
  %shape = model.shape %q : (tensor<?x2x?x8xf32>) -> tensor<4xi64>
  %two = model.constant dense<2> : tensor<i64>
  %len = model.gather %shape, %two {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %l1 = model.unsqueeze %len {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %ss = model.concat %l1, %l1 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %fill = model.constant_of_shape %ss {value = -3.40282347E+38 : f32} : (tensor<2xi64>) -> tensor<?x?xf32>
  %zero = model.constant dense<0> : tensor<i64>
  %one = model.constant dense<1> : tensor<i64>
  %r = model.range %zero, %len, %one : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  %r1 = model.add %r, %one : (tensor<?xi64>, tensor<i64>) -> tensor<?xi64>
  %col = model.unsqueeze %r1 {axes = array<i64: 1>} : (tensor<?xi64>) -> tensor<?x1xi64>
  %cond = model.less %r, %col : (tensor<?xi64>, tensor<?x1xi64>) -> tensor<?x?xi1>
  %f0 = model.constant dense<0.0> : tensor<f32>
  %m = model.where %cond, %f0, %fill : (tensor<?x?xi1>, tensor<f32>, tensor<?x?xf32>) -> tensor<?x?xf32>
  %s = model.matmul %q, %kt : (tensor<?x2x?x8xf32>, tensor<?x2x8x?xf32>) -> tensor<?x2x?x?xf32>
  %a = model.add %s, %m : (tensor<?x2x?x?xf32>, tensor<?x?xf32>) -> tensor<?x2x?x?xf32>
  %a2 = model.add %a, %pad : (tensor<?x2x?x?xf32>, tensor<?x1x1x?xf32>) -> tensor<?x2x?x?xf32>
  %p = model.softmax %a2 {axis = 3 : i64} : tensor<?x2x?x?xf32>
  %o = model.matmul %p, %v : (tensor<?x2x?x?xf32>, tensor<?x2x?x8xf32>) -> tensor<?x2x?x8xf32>
  return %o : tensor<?x2x?x8xf32>
}

// -----

/// The comparison one key further (arange < arange + 2): a band that also
/// shows the next key, window_right = 1 (not causal).
// CHECK-LABEL: func @where_band_right
// CHECK: fused.attention {{.*}} {num_heads = 2 : i64, num_kv_heads = 2 : i64, scale = 1.000000e+00 : f32, window_right = 1 : i64}
func.func @where_band_right(%q: tensor<1x2x?x8xf32> {model.dims = #model.dims<[1, 2, s, 8]>},
                            %kt: tensor<1x2x8x?xf32> {model.dims = #model.dims<[1, 2, 8, s]>},
                            %v: tensor<1x2x?x8xf32> {model.dims = #model.dims<[1, 2, s, 8]>}) -> tensor<1x2x?x8xf32> {
  %shape = model.shape %q : (tensor<1x2x?x8xf32>) -> tensor<4xi64>
  %two = model.constant dense<2> : tensor<i64>
  %len = model.gather %shape, %two {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %zero = model.constant dense<0> : tensor<i64>
  %one = model.constant dense<1> : tensor<i64>
  %r = model.range %zero, %len, %one : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  %r1 = model.add %r, %two : (tensor<?xi64>, tensor<i64>) -> tensor<?xi64>
  %col = model.unsqueeze %r1 {axes = array<i64: 1>} : (tensor<?xi64>) -> tensor<?x1xi64>
  %cond = model.less %r, %col : (tensor<?xi64>, tensor<?x1xi64>) -> tensor<?x?xi1>
  %f0 = model.constant dense<0.0> : tensor<f32>
  %hidden = model.constant dense<0xFF800000> : tensor<f32>
  %m = model.where %cond, %f0, %hidden : (tensor<?x?xi1>, tensor<f32>, tensor<f32>) -> tensor<?x?xf32>
  %s = model.matmul %q, %kt : (tensor<1x2x?x8xf32>, tensor<1x2x8x?xf32>) -> tensor<1x2x?x?xf32>
  %a = model.add %s, %m : (tensor<1x2x?x?xf32>, tensor<?x?xf32>) -> tensor<1x2x?x?xf32>
  %p = model.softmax %a {axis = 3 : i64} : tensor<1x2x?x?xf32>
  %o = model.matmul %p, %v : (tensor<1x2x?x?xf32>, tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32>
  return %o : tensor<1x2x?x8xf32>
}

// -----

/// Qwen-VL-style cross-attention: 5 learned queries over 9 image tokens,
/// and DeepSeek-style MLA head dims (Q·K over 24, values of 16).
// CHECK-LABEL: func @cross_attention_mla_dims
// CHECK: fused.attention ins({{.*}} : tensor<2x4x5x24xf32>, tensor<2x4x9x24xf32>, tensor<2x4x9x16xf32>) outs({{.*}} : tensor<2x4x5x16xf32>)
func.func @cross_attention_mla_dims(%q: tensor<2x4x5x24xf32>, %kt: tensor<2x4x24x9xf32>, %v: tensor<2x4x9x16xf32>) -> tensor<2x4x5x16xf32> {
  %s = model.matmul %q, %kt : (tensor<2x4x5x24xf32>, tensor<2x4x24x9xf32>) -> tensor<2x4x5x9xf32>
  %c = model.constant dense<0.2> : tensor<f32>
  %d = model.mul %s, %c : (tensor<2x4x5x9xf32>, tensor<f32>) -> tensor<2x4x5x9xf32>
  %p = model.softmax %d {axis = 3 : i64} : tensor<2x4x5x9xf32>
  %o = model.matmul %p, %v : (tensor<2x4x5x9xf32>, tensor<2x4x9x16xf32>) -> tensor<2x4x5x16xf32>
  return %o : tensor<2x4x5x16xf32>
}

// -----

/// Near miss: a causal triangle when the query and key lengths are
/// unrelated dynamic dims, so where the diagonal lies is unknown.
// CHECK-LABEL: func @causal_unrelated_lengths
// CHECK-SAME: reason = "a causal-looking mask over query and key lengths not proven to end together"
// CHECK-NOT: fused.attention
func.func @causal_unrelated_lengths(%q: tensor<1x2x?x8xf32> {model.dims = #model.dims<[1, 2, s, 8]>},
                                    %kt: tensor<1x2x8x?xf32> {model.dims = #model.dims<[1, 2, 8, t]>},
                                    %v: tensor<1x2x?x8xf32> {model.dims = #model.dims<[1, 2, t, 8]>}) -> tensor<1x2x?x8xf32> {
  %sq = model.shape %q : (tensor<1x2x?x8xf32>) -> tensor<4xi64>
  %sk = model.shape %kt : (tensor<1x2x8x?xf32>) -> tensor<4xi64>
  %two = model.constant dense<[2]> : tensor<1xi64>
  %three = model.constant dense<[3]> : tensor<1xi64>
  %lq = model.gather %sq, %two {axis = 0 : i64} : (tensor<4xi64>, tensor<1xi64>) -> tensor<1xi64>
  %lk = model.gather %sk, %three {axis = 0 : i64} : (tensor<4xi64>, tensor<1xi64>) -> tensor<1xi64>
  %ss = model.concat %lq, %lk {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %fill = model.constant_of_shape %ss {value = 0xFF800000 : f32} : (tensor<2xi64>) -> tensor<?x?xf32>
  %one = model.constant dense<1> : tensor<i64>
  %m = model.trilu %fill, %one {upper = true} : (tensor<?x?xf32>, tensor<i64>) -> tensor<?x?xf32>
  %s = model.matmul %q, %kt : (tensor<1x2x?x8xf32>, tensor<1x2x8x?xf32>) -> tensor<1x2x?x?xf32>
  %a = model.add %s, %m : (tensor<1x2x?x?xf32>, tensor<?x?xf32>) -> tensor<1x2x?x?xf32>
  %p = model.softmax %a {axis = 3 : i64} : tensor<1x2x?x?xf32>
  %o = model.matmul %p, %v : (tensor<1x2x?x?xf32>, tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32>
  return %o : tensor<1x2x?x8xf32>
}

// -----

/// Near misses with their reasons: softmax over the wrong axis, a scale
/// that is not a constant. A plain matmul (no softmax in front) is no
/// candidate and is not reported; each reason appears once.
// CHECK-LABEL: func @reasons
// CHECK-SAME: kiln.fusion.near_misses = [{fusion = "attention", loc = #loc{{[0-9]*}}, reason = "the scores are multiplied by something other than a scalar constant"}, {fusion = "attention", loc = #loc{{[0-9]*}}, reason = "the softmax is not over the last axis (the keys)"}]}
// CHECK-NOT: fused.attention
func.func @reasons(%q: tensor<1x2x4x8xf32>, %kt: tensor<1x2x8x4xf32>, %v: tensor<1x2x4x8xf32>, %t: tensor<1x2x4x4xf32>, %w: tensor<8x8xf32>) -> (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) {
  %s = model.matmul %q, %kt : (tensor<1x2x4x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x4x4xf32>
  %p = model.softmax %s {axis = 2 : i64} : tensor<1x2x4x4xf32>
  %o = model.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  %s2 = model.matmul %q, %kt : (tensor<1x2x4x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x4x4xf32>
  %m2 = model.mul %s2, %t : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %p2 = model.softmax %m2 {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %o2 = model.matmul %p2, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  %o3 = model.matmul %v, %w : (tensor<1x2x4x8xf32>, tensor<8x8xf32>) -> tensor<1x2x4x8xf32>
  return %o, %o2, %o3 : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>
}
