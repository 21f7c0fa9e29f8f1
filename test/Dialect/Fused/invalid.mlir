// RUN: kiln-opt %s --split-input-file --verify-diagnostics

func.func @heads_not_divisible(%q: tensor<1x6x4x8xf32>, %k: tensor<1x4x4x8xf32>, %v: tensor<1x4x4x8xf32>, %o: tensor<1x6x4x8xf32>) -> tensor<1x6x4x8xf32> {
  // expected-error @+1 {{num_heads (6) must be a multiple of num_kv_heads (4)}}
  %0 = fused.attention ins(%q, %k, %v : tensor<1x6x4x8xf32>, tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) outs(%o : tensor<1x6x4x8xf32>) {num_heads = 6, num_kv_heads = 4, scale = 1.0 : f32} -> tensor<1x6x4x8xf32>
  return %0 : tensor<1x6x4x8xf32>
}

// -----

func.func @negative_window(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>, %o: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  // expected-error @+1 {{window extents must be >= 0, or -1 for unbounded}}
  %0 = fused.attention ins(%q, %k, %v : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%o : tensor<1x2x4x8xf32>) {num_heads = 2, num_kv_heads = 2, scale = 1.0 : f32, window_left = -3} -> tensor<1x2x4x8xf32>
  return %0 : tensor<1x2x4x8xf32>
}

// -----

func.func @head_dims_differ(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x16xf32>, %v: tensor<1x2x4x8xf32>, %o: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  // expected-error @+1 {{query and key head dims differ: 8 vs 16}}
  %0 = fused.attention ins(%q, %k, %v : tensor<1x2x4x8xf32>, tensor<1x2x4x16xf32>, tensor<1x2x4x8xf32>) outs(%o : tensor<1x2x4x8xf32>) {num_heads = 2, num_kv_heads = 2, scale = 1.0 : f32} -> tensor<1x2x4x8xf32>
  return %0 : tensor<1x2x4x8xf32>
}

// -----

func.func @kv_lengths_differ(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x5x8xf32>, %v: tensor<1x2x6x8xf32>, %o: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  // expected-error @+1 {{key and value lengths differ}}
  %0 = fused.attention ins(%q, %k, %v : tensor<1x2x4x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x6x8xf32>) outs(%o : tensor<1x2x4x8xf32>) {num_heads = 2, num_kv_heads = 2, scale = 1.0 : f32} -> tensor<1x2x4x8xf32>
  return %0 : tensor<1x2x4x8xf32>
}

// -----

func.func @kv_heads_mismatch(%q: tensor<1x4x4x8xf32>, %k: tensor<1x4x4x8xf32>, %v: tensor<1x4x4x8xf32>, %o: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  // expected-error @+1 {{key and value must have num_kv_heads (2) heads}}
  %0 = fused.attention ins(%q, %k, %v : tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) outs(%o : tensor<1x4x4x8xf32>) {num_heads = 4, num_kv_heads = 2, scale = 1.0 : f32} -> tensor<1x4x4x8xf32>
  return %0 : tensor<1x4x4x8xf32>
}

// -----

func.func @bad_mask(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x5x8xf32>, %v: tensor<1x2x5x8xf32>, %m: tensor<4x4xf32>, %o: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  // expected-error @+1 {{mask shape 'tensor<4x4xf32>' does not broadcast to the scores [batch, heads, Sq, Sk]}}
  %0 = fused.attention ins(%q, %k, %v mask %m : tensor<1x2x4x8xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x8xf32>, tensor<4x4xf32>) outs(%o : tensor<1x2x4x8xf32>) {num_heads = 2, num_kv_heads = 2, scale = 1.0 : f32} -> tensor<1x2x4x8xf32>
  return %0 : tensor<1x2x4x8xf32>
}

// -----

func.func @mixed_types(%q: tensor<1x2x4x8xf16>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>, %o: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  // expected-error @+1 {{query, key, value and destination must have the same float element type}}
  %0 = fused.attention ins(%q, %k, %v : tensor<1x2x4x8xf16>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%o : tensor<1x2x4x8xf32>) {num_heads = 2, num_kv_heads = 2, scale = 1.0 : f32} -> tensor<1x2x4x8xf32>
  return %0 : tensor<1x2x4x8xf32>
}

// -----

func.func @rank(%q: tensor<2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>, %o: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  // expected-error @+1 {{query must have rank 4}}
  %0 = fused.attention ins(%q, %k, %v : tensor<2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%o : tensor<1x2x4x8xf32>) {num_heads = 2, num_kv_heads = 2, scale = 1.0 : f32} -> tensor<1x2x4x8xf32>
  return %0 : tensor<1x2x4x8xf32>
}

// -----

func.func @result_type(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>, %o: tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32> {
  // expected-error @+1 {{result type 'tensor<1x2x4x4xf32>' differs from the destination's 'tensor<1x2x4x8xf32>'}}
  %0 = fused.attention ins(%q, %k, %v : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%o : tensor<1x2x4x8xf32>) {num_heads = 2, num_kv_heads = 2, scale = 1.0 : f32} -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

func.func @integer_elements(%q: tensor<1x2x4x8xi32>, %k: tensor<1x2x4x8xi32>, %v: tensor<1x2x4x8xi32>, %o: tensor<1x2x4x8xi32>) -> tensor<1x2x4x8xi32> {
  // expected-error @+1 {{query, key, value and destination must have the same float element type}}
  %0 = fused.attention ins(%q, %k, %v : tensor<1x2x4x8xi32>, tensor<1x2x4x8xi32>, tensor<1x2x4x8xi32>) outs(%o : tensor<1x2x4x8xi32>) {num_heads = 2, num_kv_heads = 2, scale = 1.0 : f32} -> tensor<1x2x4x8xi32>
  return %0 : tensor<1x2x4x8xi32>
}

// -----

func.func @zero_kv_heads(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>, %o: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  // expected-error @+1 {{num_heads and num_kv_heads must be positive}}
  %0 = fused.attention ins(%q, %k, %v : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%o : tensor<1x2x4x8xf32>) {num_heads = 2, num_kv_heads = 0, scale = 1.0 : f32} -> tensor<1x2x4x8xf32>
  return %0 : tensor<1x2x4x8xf32>
}

// -----

func.func @query_heads(%q: tensor<1x3x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>, %o: tensor<1x3x4x8xf32>) -> tensor<1x3x4x8xf32> {
  // expected-error @+1 {{query and destination must have num_heads (2) heads}}
  %0 = fused.attention ins(%q, %k, %v : tensor<1x3x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%o : tensor<1x3x4x8xf32>) {num_heads = 2, num_kv_heads = 2, scale = 1.0 : f32} -> tensor<1x3x4x8xf32>
  return %0 : tensor<1x3x4x8xf32>
}

// -----

func.func @batch(%q: tensor<2x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>, %o: tensor<2x2x4x8xf32>) -> tensor<2x2x4x8xf32> {
  // expected-error @+1 {{batch sizes differ}}
  %0 = fused.attention ins(%q, %k, %v : tensor<2x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%o : tensor<2x2x4x8xf32>) {num_heads = 2, num_kv_heads = 2, scale = 1.0 : f32} -> tensor<2x2x4x8xf32>
  return %0 : tensor<2x2x4x8xf32>
}

// -----

func.func @destination_shape(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x16xf32>, %o: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  // expected-error @+1 {{destination must be [batch, num_heads, Sq, Dv]}}
  %0 = fused.attention ins(%q, %k, %v : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x16xf32>) outs(%o : tensor<1x2x4x8xf32>) {num_heads = 2, num_kv_heads = 2, scale = 1.0 : f32} -> tensor<1x2x4x8xf32>
  return %0 : tensor<1x2x4x8xf32>
}

// -----

func.func @negative_right_window(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>, %o: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  // expected-error @+1 {{window extents must be >= 0, or -1 for unbounded}}
  %0 = fused.attention ins(%q, %k, %v : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%o : tensor<1x2x4x8xf32>) {num_heads = 2, num_kv_heads = 2, scale = 1.0 : f32, window_right = -2} -> tensor<1x2x4x8xf32>
  return %0 : tensor<1x2x4x8xf32>
}

// -----

func.func @mask_element_type(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>, %m: tensor<4x4xf16>, %o: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  // expected-error @+1 {{the mask must be additive, with the element type of the scores ('f32'), or boolean (i1)}}
  %0 = fused.attention ins(%q, %k, %v mask %m : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<4x4xf16>) outs(%o : tensor<1x2x4x8xf32>) {num_heads = 2, num_kv_heads = 2, scale = 1.0 : f32} -> tensor<1x2x4x8xf32>
  return %0 : tensor<1x2x4x8xf32>
}

// -----

func.func @mask_rank(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>, %m: tensor<1x1x1x4x4xf32>, %o: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  // expected-error @+1 {{mask rank must be at most 4}}
  %0 = fused.attention ins(%q, %k, %v mask %m : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x1x1x4x4xf32>) outs(%o : tensor<1x2x4x8xf32>) {num_heads = 2, num_kv_heads = 2, scale = 1.0 : f32} -> tensor<1x2x4x8xf32>
  return %0 : tensor<1x2x4x8xf32>
}

// -----

func.func @mask_heads(%q: tensor<1x4x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>, %m: tensor<1x2x4x4xi1>, %o: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  // expected-error @+1 {{mask shape 'tensor<1x2x4x4xi1>' does not broadcast to the scores [batch, heads, Sq, Sk]}}
  %0 = fused.attention ins(%q, %k, %v mask %m : tensor<1x4x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x4xi1>) outs(%o : tensor<1x4x4x8xf32>) {num_heads = 4, num_kv_heads = 2, scale = 1.0 : f32} -> tensor<1x4x4x8xf32>
  return %0 : tensor<1x4x4x8xf32>
}

