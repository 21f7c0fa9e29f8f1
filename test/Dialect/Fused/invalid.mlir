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
