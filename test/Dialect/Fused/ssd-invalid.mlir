// RUN: kiln-opt %s --split-input-file --verify-diagnostics

func.func @zero_chunk(%x: tensor<1x8x4x8xf32>, %a: tensor<1x8x4xf32>, %b: tensor<1x8x4x6xf32>, %y0: tensor<1x8x4x8xf32>, %s0: tensor<1x4x8x6xf32>) {
  // expected-error @+1 {{chunk_size must be positive, got 0}}
  %y, %s = fused.ssd ins(%x, %a, %b, %b : tensor<1x8x4x8xf32>, tensor<1x8x4xf32>, tensor<1x8x4x6xf32>, tensor<1x8x4x6xf32>) outs(%y0, %s0 : tensor<1x8x4x8xf32>, tensor<1x4x8x6xf32>) {chunk_size = 0, groups = 4} -> tensor<1x8x4x8xf32>, tensor<1x4x8x6xf32>
  return
}

// -----

func.func @zero_groups(%x: tensor<1x8x4x8xf32>, %a: tensor<1x8x4xf32>, %b: tensor<1x8x4x6xf32>, %y0: tensor<1x8x4x8xf32>, %s0: tensor<1x4x8x6xf32>) {
  // expected-error @+1 {{groups must be positive, got 0}}
  %y, %s = fused.ssd ins(%x, %a, %b, %b : tensor<1x8x4x8xf32>, tensor<1x8x4xf32>, tensor<1x8x4x6xf32>, tensor<1x8x4x6xf32>) outs(%y0, %s0 : tensor<1x8x4x8xf32>, tensor<1x4x8x6xf32>) {chunk_size = 4, groups = 0} -> tensor<1x8x4x8xf32>, tensor<1x4x8x6xf32>
  return
}

// -----

func.func @groups_not_dividing(%x: tensor<1x8x6x8xf32>, %a: tensor<1x8x6xf32>, %b: tensor<1x8x4x6xf32>, %y0: tensor<1x8x6x8xf32>, %s0: tensor<1x6x8x6xf32>) {
  // expected-error @+1 {{heads (6) must be a multiple of groups (4)}}
  %y, %s = fused.ssd ins(%x, %a, %b, %b : tensor<1x8x6x8xf32>, tensor<1x8x6xf32>, tensor<1x8x4x6xf32>, tensor<1x8x4x6xf32>) outs(%y0, %s0 : tensor<1x8x6x8xf32>, tensor<1x6x8x6xf32>) {chunk_size = 4, groups = 4} -> tensor<1x8x6x8xf32>, tensor<1x6x8x6xf32>
  return
}

// -----

func.func @b_not_groups(%x: tensor<1x8x4x8xf32>, %a: tensor<1x8x4xf32>, %b: tensor<1x8x4x6xf32>, %y0: tensor<1x8x4x8xf32>, %s0: tensor<1x4x8x6xf32>) {
  // expected-error @+1 {{b and c must have groups (2) in dim 2, got 4 and 4}}
  %y, %s = fused.ssd ins(%x, %a, %b, %b : tensor<1x8x4x8xf32>, tensor<1x8x4xf32>, tensor<1x8x4x6xf32>, tensor<1x8x4x6xf32>) outs(%y0, %s0 : tensor<1x8x4x8xf32>, tensor<1x4x8x6xf32>) {chunk_size = 4, groups = 2} -> tensor<1x8x4x8xf32>, tensor<1x4x8x6xf32>
  return
}

// -----

func.func @dynamic_heads(%x: tensor<1x8x?x8xf32>, %a: tensor<1x8x?xf32>, %b: tensor<1x8x1x6xf32>, %y0: tensor<1x8x?x8xf32>, %s0: tensor<1x?x8x6xf32>) {
  // expected-error @+1 {{the number of heads (x dim 2) must be static}}
  %y, %s = fused.ssd ins(%x, %a, %b, %b : tensor<1x8x?x8xf32>, tensor<1x8x?xf32>, tensor<1x8x1x6xf32>, tensor<1x8x1x6xf32>) outs(%y0, %s0 : tensor<1x8x?x8xf32>, tensor<1x?x8x6xf32>) {chunk_size = 4, groups = 1} -> tensor<1x8x?x8xf32>, tensor<1x?x8x6xf32>
  return
}

// -----

func.func @lengths_differ(%x: tensor<1x8x4x8xf32>, %a: tensor<1x9x4xf32>, %b: tensor<1x8x4x6xf32>, %y0: tensor<1x8x4x8xf32>, %s0: tensor<1x4x8x6xf32>) {
  // expected-error @+1 {{len differs: x has 8, a has 9}}
  %y, %s = fused.ssd ins(%x, %a, %b, %b : tensor<1x8x4x8xf32>, tensor<1x9x4xf32>, tensor<1x8x4x6xf32>, tensor<1x8x4x6xf32>) outs(%y0, %s0 : tensor<1x8x4x8xf32>, tensor<1x4x8x6xf32>) {chunk_size = 4, groups = 4} -> tensor<1x8x4x8xf32>, tensor<1x4x8x6xf32>
  return
}

// -----

func.func @batch_differs(%x: tensor<2x8x4x8xf32>, %a: tensor<2x8x4xf32>, %b: tensor<2x8x4x6xf32>, %c: tensor<3x8x4x6xf32>, %y0: tensor<2x8x4x8xf32>, %s0: tensor<2x4x8x6xf32>) {
  // expected-error @+1 {{batch differs: x has 2, c has 3}}
  %y, %s = fused.ssd ins(%x, %a, %b, %c : tensor<2x8x4x8xf32>, tensor<2x8x4xf32>, tensor<2x8x4x6xf32>, tensor<3x8x4x6xf32>) outs(%y0, %s0 : tensor<2x8x4x8xf32>, tensor<2x4x8x6xf32>) {chunk_size = 4, groups = 4} -> tensor<2x8x4x8xf32>, tensor<2x4x8x6xf32>
  return
}

// -----

func.func @state_sizes_differ(%x: tensor<1x8x4x8xf32>, %a: tensor<1x8x4xf32>, %b: tensor<1x8x4x6xf32>, %c: tensor<1x8x4x5xf32>, %y0: tensor<1x8x4x8xf32>, %s0: tensor<1x4x8x6xf32>) {
  // expected-error @+1 {{state differs: b has 6, c has 5}}
  %y, %s = fused.ssd ins(%x, %a, %b, %c : tensor<1x8x4x8xf32>, tensor<1x8x4xf32>, tensor<1x8x4x6xf32>, tensor<1x8x4x5xf32>) outs(%y0, %s0 : tensor<1x8x4x8xf32>, tensor<1x4x8x6xf32>) {chunk_size = 4, groups = 4} -> tensor<1x8x4x8xf32>, tensor<1x4x8x6xf32>
  return
}

// -----

func.func @initial_head_dim(%x: tensor<1x8x4x8xf32>, %a: tensor<1x8x4xf32>, %b: tensor<1x8x4x6xf32>, %h: tensor<1x4x7x6xf32>, %y0: tensor<1x8x4x8xf32>, %s0: tensor<1x4x8x6xf32>) {
  // expected-error @+1 {{head_dim differs: x has 8, initial_state has 7}}
  %y, %s = fused.ssd ins(%x, %a, %b, %b : tensor<1x8x4x8xf32>, tensor<1x8x4xf32>, tensor<1x8x4x6xf32>, tensor<1x8x4x6xf32>) initial(%h : tensor<1x4x7x6xf32>) outs(%y0, %s0 : tensor<1x8x4x8xf32>, tensor<1x4x8x6xf32>) {chunk_size = 4, groups = 4} -> tensor<1x8x4x8xf32>, tensor<1x4x8x6xf32>
  return
}

// -----

func.func @skip_heads(%x: tensor<1x8x4x8xf32>, %a: tensor<1x8x4xf32>, %b: tensor<1x8x4x6xf32>, %d: tensor<3xf32>, %y0: tensor<1x8x4x8xf32>, %s0: tensor<1x4x8x6xf32>) {
  // expected-error @+1 {{heads differs: x has 4, d has 3}}
  %y, %s = fused.ssd ins(%x, %a, %b, %b : tensor<1x8x4x8xf32>, tensor<1x8x4xf32>, tensor<1x8x4x6xf32>, tensor<1x8x4x6xf32>) skip(%d : tensor<3xf32>) outs(%y0, %s0 : tensor<1x8x4x8xf32>, tensor<1x4x8x6xf32>) {chunk_size = 4, groups = 4} -> tensor<1x8x4x8xf32>, tensor<1x4x8x6xf32>
  return
}

// -----

func.func @rank(%x: tensor<1x8x4xf32>, %a: tensor<1x8x4xf32>, %b: tensor<1x8x4x6xf32>, %y0: tensor<1x8x4x8xf32>, %s0: tensor<1x4x8x6xf32>) {
  // expected-error @+1 {{x must have rank 4 [batch, len, heads, head_dim], got 'tensor<1x8x4xf32>'}}
  %y, %s = fused.ssd ins(%x, %a, %b, %b : tensor<1x8x4xf32>, tensor<1x8x4xf32>, tensor<1x8x4x6xf32>, tensor<1x8x4x6xf32>) outs(%y0, %s0 : tensor<1x8x4x8xf32>, tensor<1x4x8x6xf32>) {chunk_size = 4, groups = 4} -> tensor<1x8x4x8xf32>, tensor<1x4x8x6xf32>
  return
}

// -----

func.func @element_types(%x: tensor<1x8x4x8xf32>, %a: tensor<1x8x4xf16>, %b: tensor<1x8x4x6xf32>, %y0: tensor<1x8x4x8xf32>, %s0: tensor<1x4x8x6xf32>) {
  // expected-error @+1 {{every operand and destination must have x's element type ('f32'), got 'tensor<1x8x4xf16>'}}
  %y, %s = fused.ssd ins(%x, %a, %b, %b : tensor<1x8x4x8xf32>, tensor<1x8x4xf16>, tensor<1x8x4x6xf32>, tensor<1x8x4x6xf32>) outs(%y0, %s0 : tensor<1x8x4x8xf32>, tensor<1x4x8x6xf32>) {chunk_size = 4, groups = 4} -> tensor<1x8x4x8xf32>, tensor<1x4x8x6xf32>
  return
}

// -----

func.func @result_type(%x: tensor<1x8x4x8xf32>, %a: tensor<1x8x4xf32>, %b: tensor<1x8x4x6xf32>, %y0: tensor<1x8x4x8xf32>, %s0: tensor<1x4x8x6xf32>) {
  // expected-error @+1 {{result types must be the destinations' types}}
  %y, %s = fused.ssd ins(%x, %a, %b, %b : tensor<1x8x4x8xf32>, tensor<1x8x4xf32>, tensor<1x8x4x6xf32>, tensor<1x8x4x6xf32>) outs(%y0, %s0 : tensor<1x8x4x8xf32>, tensor<1x4x8x6xf32>) {chunk_size = 4, groups = 4} -> tensor<1x8x4x8xf32>, tensor<1x4x8x5xf32>
  return
}
