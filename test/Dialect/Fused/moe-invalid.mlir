// RUN: kiln-opt %s --split-input-file --verify-diagnostics

func.func @topk_exceeds_experts(%x: tensor<3x8xf32>, %l: tensor<3x4xf32>, %g: tensor<4x8x16xf32>, %u: tensor<4x8x16xf32>, %d: tensor<4x16x8xf32>, %o: tensor<3x8xf32>) -> tensor<3x8xf32> {
  // expected-error @+1 {{top_k (5) must not exceed num_experts (4)}}
  %0 = fused.moe tokens(%x : tensor<3x8xf32>) logits(%l : tensor<3x4xf32>) gate(%g : tensor<4x8x16xf32>) up(%u : tensor<4x8x16xf32>) down(%d : tensor<4x16x8xf32>) outs(%o : tensor<3x8xf32>) {num_experts = 4, top_k = 5} -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// -----

func.func @topk_zero(%x: tensor<3x8xf32>, %l: tensor<3x4xf32>, %g: tensor<4x8x16xf32>, %u: tensor<4x8x16xf32>, %d: tensor<4x16x8xf32>, %o: tensor<3x8xf32>) -> tensor<3x8xf32> {
  // expected-error @+1 {{top_k must be >= 1, got 0}}
  %0 = fused.moe tokens(%x : tensor<3x8xf32>) logits(%l : tensor<3x4xf32>) gate(%g : tensor<4x8x16xf32>) up(%u : tensor<4x8x16xf32>) down(%d : tensor<4x16x8xf32>) outs(%o : tensor<3x8xf32>) {num_experts = 4, top_k = 0} -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// -----

func.func @no_experts(%x: tensor<3x8xf32>, %l: tensor<3x0xf32>, %g: tensor<4x8x16xf32>, %u: tensor<4x8x16xf32>, %d: tensor<4x16x8xf32>, %o: tensor<3x8xf32>) -> tensor<3x8xf32> {
  // expected-error @+1 {{num_experts must be >= 1, got 0}}
  %0 = fused.moe tokens(%x : tensor<3x8xf32>) logits(%l : tensor<3x0xf32>) gate(%g : tensor<4x8x16xf32>) up(%u : tensor<4x8x16xf32>) down(%d : tensor<4x16x8xf32>) outs(%o : tensor<3x8xf32>) {num_experts = 0, top_k = 1} -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// -----

func.func @logits_not_experts(%x: tensor<3x8xf32>, %l: tensor<3x5xf32>, %g: tensor<4x8x16xf32>, %u: tensor<4x8x16xf32>, %d: tensor<4x16x8xf32>, %o: tensor<3x8xf32>) -> tensor<3x8xf32> {
  // expected-error @+1 {{logits must be [3, 4], got 'tensor<3x5xf32>'}}
  %0 = fused.moe tokens(%x : tensor<3x8xf32>) logits(%l : tensor<3x5xf32>) gate(%g : tensor<4x8x16xf32>) up(%u : tensor<4x8x16xf32>) down(%d : tensor<4x16x8xf32>) outs(%o : tensor<3x8xf32>) {num_experts = 4, top_k = 2} -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// -----

func.func @logits_token_count(%x: tensor<3x8xf32>, %l: tensor<2x4xf32>, %g: tensor<4x8x16xf32>, %u: tensor<4x8x16xf32>, %d: tensor<4x16x8xf32>, %o: tensor<3x8xf32>) -> tensor<3x8xf32> {
  // expected-error @+1 {{logits must be [3, 4], got 'tensor<2x4xf32>'}}
  %0 = fused.moe tokens(%x : tensor<3x8xf32>) logits(%l : tensor<2x4xf32>) gate(%g : tensor<4x8x16xf32>) up(%u : tensor<4x8x16xf32>) down(%d : tensor<4x16x8xf32>) outs(%o : tensor<3x8xf32>) {num_experts = 4, top_k = 2} -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// -----

func.func @down_shape(%x: tensor<3x8xf32>, %l: tensor<3x4xf32>, %g: tensor<4x8x16xf32>, %u: tensor<4x8x16xf32>, %d: tensor<4x8x8xf32>, %o: tensor<3x8xf32>) -> tensor<3x8xf32> {
  // expected-error @+1 {{down weight must be [4, 16, 8], got 'tensor<4x8x8xf32>'}}
  %0 = fused.moe tokens(%x : tensor<3x8xf32>) logits(%l : tensor<3x4xf32>) gate(%g : tensor<4x8x16xf32>) up(%u : tensor<4x8x16xf32>) down(%d : tensor<4x8x8xf32>) outs(%o : tensor<3x8xf32>) {num_experts = 4, top_k = 2} -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// -----

func.func @gate_shape(%x: tensor<3x8xf32>, %l: tensor<3x4xf32>, %g: tensor<4x8x32xf32>, %u: tensor<4x8x16xf32>, %d: tensor<4x16x8xf32>, %o: tensor<3x8xf32>) -> tensor<3x8xf32> {
  // expected-error @+1 {{gate weight must be [4, 8, 16], got 'tensor<4x8x32xf32>'}}
  %0 = fused.moe tokens(%x : tensor<3x8xf32>) logits(%l : tensor<3x4xf32>) gate(%g : tensor<4x8x32xf32>) up(%u : tensor<4x8x16xf32>) down(%d : tensor<4x16x8xf32>) outs(%o : tensor<3x8xf32>) {num_experts = 4, top_k = 2} -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// -----

func.func @up_hidden(%x: tensor<3x8xf32>, %l: tensor<3x4xf32>, %g: tensor<4x8x16xf32>, %u: tensor<4x6x16xf32>, %d: tensor<4x16x8xf32>, %o: tensor<3x8xf32>) -> tensor<3x8xf32> {
  // expected-error @+1 {{up weight must be [4, 8, 16], got 'tensor<4x6x16xf32>'}}
  %0 = fused.moe tokens(%x : tensor<3x8xf32>) logits(%l : tensor<3x4xf32>) gate(%g : tensor<4x8x16xf32>) up(%u : tensor<4x6x16xf32>) down(%d : tensor<4x16x8xf32>) outs(%o : tensor<3x8xf32>) {num_experts = 4, top_k = 2} -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// -----

func.func @gated_without_gate(%x: tensor<3x8xf32>, %l: tensor<3x4xf32>, %u: tensor<4x8x16xf32>, %d: tensor<4x16x8xf32>, %o: tensor<3x8xf32>) -> tensor<3x8xf32> {
  // expected-error @+1 {{a gated MoE needs a gate weight}}
  %0 = fused.moe tokens(%x : tensor<3x8xf32>) logits(%l : tensor<3x4xf32>) up(%u : tensor<4x8x16xf32>) down(%d : tensor<4x16x8xf32>) outs(%o : tensor<3x8xf32>) {num_experts = 4, top_k = 2} -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// -----

func.func @plain_with_gate(%x: tensor<3x8xf32>, %l: tensor<3x4xf32>, %g: tensor<4x8x16xf32>, %u: tensor<4x8x16xf32>, %d: tensor<4x16x8xf32>, %o: tensor<3x8xf32>) -> tensor<3x8xf32> {
  // expected-error @+1 {{a plain MoE takes no gate weight}}
  %0 = fused.moe tokens(%x : tensor<3x8xf32>) logits(%l : tensor<3x4xf32>) gate(%g : tensor<4x8x16xf32>) up(%u : tensor<4x8x16xf32>) down(%d : tensor<4x16x8xf32>) outs(%o : tensor<3x8xf32>) {num_experts = 4, top_k = 2, gated = false} -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// -----

func.func @bad_scoring(%x: tensor<3x8xf32>, %l: tensor<3x4xf32>, %g: tensor<4x8x16xf32>, %u: tensor<4x8x16xf32>, %d: tensor<4x16x8xf32>, %o: tensor<3x8xf32>) -> tensor<3x8xf32> {
  // expected-error @+1 {{scoring must be "softmax" or "sigmoid", got "tanh"}}
  %0 = fused.moe tokens(%x : tensor<3x8xf32>) logits(%l : tensor<3x4xf32>) gate(%g : tensor<4x8x16xf32>) up(%u : tensor<4x8x16xf32>) down(%d : tensor<4x16x8xf32>) outs(%o : tensor<3x8xf32>) {num_experts = 4, top_k = 2, scoring = "tanh"} -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// -----

func.func @softmax_after_sigmoid(%x: tensor<3x8xf32>, %l: tensor<3x4xf32>, %g: tensor<4x8x16xf32>, %u: tensor<4x8x16xf32>, %d: tensor<4x16x8xf32>, %o: tensor<3x8xf32>) -> tensor<3x8xf32> {
  // expected-error @+1 {{softmax_after_topk needs scoring = "softmax"}}
  %0 = fused.moe tokens(%x : tensor<3x8xf32>) logits(%l : tensor<3x4xf32>) gate(%g : tensor<4x8x16xf32>) up(%u : tensor<4x8x16xf32>) down(%d : tensor<4x16x8xf32>) outs(%o : tensor<3x8xf32>) {num_experts = 4, top_k = 2, scoring = "sigmoid", softmax_after_topk = true} -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// -----

func.func @bad_activation(%x: tensor<3x8xf32>, %l: tensor<3x4xf32>, %g: tensor<4x8x16xf32>, %u: tensor<4x8x16xf32>, %d: tensor<4x16x8xf32>, %o: tensor<3x8xf32>) -> tensor<3x8xf32> {
  // expected-error @+1 {{unknown activation "swish" (known: silu, gelu, gelu_tanh, relu)}}
  %0 = fused.moe tokens(%x : tensor<3x8xf32>) logits(%l : tensor<3x4xf32>) gate(%g : tensor<4x8x16xf32>) up(%u : tensor<4x8x16xf32>) down(%d : tensor<4x16x8xf32>) outs(%o : tensor<3x8xf32>) {num_experts = 4, top_k = 2, activation = "swish"} -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// -----

func.func @dynamic_hidden(%x: tensor<3x?xf32>, %l: tensor<3x4xf32>, %g: tensor<4x8x16xf32>, %u: tensor<4x8x16xf32>, %d: tensor<4x16x8xf32>, %o: tensor<3x8xf32>) -> tensor<3x8xf32> {
  // expected-error @+1 {{the tokens' hidden size must be static, got 'tensor<3x?xf32>'}}
  %0 = fused.moe tokens(%x : tensor<3x?xf32>) logits(%l : tensor<3x4xf32>) gate(%g : tensor<4x8x16xf32>) up(%u : tensor<4x8x16xf32>) down(%d : tensor<4x16x8xf32>) outs(%o : tensor<3x8xf32>) {num_experts = 4, top_k = 2} -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// -----

func.func @destination_shape(%x: tensor<3x8xf32>, %l: tensor<3x4xf32>, %g: tensor<4x8x16xf32>, %u: tensor<4x8x16xf32>, %d: tensor<4x16x8xf32>, %o: tensor<3x16xf32>) -> tensor<3x16xf32> {
  // expected-error @+1 {{destination must be [3, 8], got 'tensor<3x16xf32>'}}
  %0 = fused.moe tokens(%x : tensor<3x8xf32>) logits(%l : tensor<3x4xf32>) gate(%g : tensor<4x8x16xf32>) up(%u : tensor<4x8x16xf32>) down(%d : tensor<4x16x8xf32>) outs(%o : tensor<3x16xf32>) {num_experts = 4, top_k = 2} -> tensor<3x16xf32>
  return %0 : tensor<3x16xf32>
}

// -----

func.func @element_types(%x: tensor<3x8xf32>, %l: tensor<3x4xf16>, %g: tensor<4x8x16xf32>, %u: tensor<4x8x16xf32>, %d: tensor<4x16x8xf32>, %o: tensor<3x8xf32>) -> tensor<3x8xf32> {
  // expected-error @+1 {{every operand must have the tokens' element type ('f32')}}
  %0 = fused.moe tokens(%x : tensor<3x8xf32>) logits(%l : tensor<3x4xf16>) gate(%g : tensor<4x8x16xf32>) up(%u : tensor<4x8x16xf32>) down(%d : tensor<4x16x8xf32>) outs(%o : tensor<3x8xf32>) {num_experts = 4, top_k = 2} -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// -----

func.func @bias_shape(%x: tensor<3x8xf32>, %l: tensor<3x4xf32>, %g: tensor<4x8x16xf32>, %u: tensor<4x8x16xf32>, %d: tensor<4x16x8xf32>, %o: tensor<3x8xf32>, %b: tensor<5xf32>) -> tensor<3x8xf32> {
  // expected-error @+1 {{selection bias must be [4], got 'tensor<5xf32>'}}
  %0 = fused.moe tokens(%x : tensor<3x8xf32>) logits(%l : tensor<3x4xf32>) selection_bias(%b : tensor<5xf32>) gate(%g : tensor<4x8x16xf32>) up(%u : tensor<4x8x16xf32>) down(%d : tensor<4x16x8xf32>) outs(%o : tensor<3x8xf32>) {num_experts = 4, top_k = 2} -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// -----

func.func @shared_needs_down(%x: tensor<3x8xf32>, %l: tensor<3x4xf32>, %g: tensor<4x8x16xf32>, %u: tensor<4x8x16xf32>, %d: tensor<4x16x8xf32>, %o: tensor<3x8xf32>, %su: tensor<8x32xf32>, %sg: tensor<8x32xf32>) -> tensor<3x8xf32> {
  // expected-error @+1 {{a shared expert needs both up and down weights}}
  %0 = fused.moe tokens(%x : tensor<3x8xf32>) logits(%l : tensor<3x4xf32>) gate(%g : tensor<4x8x16xf32>) up(%u : tensor<4x8x16xf32>) down(%d : tensor<4x16x8xf32>) shared_gate(%sg : tensor<8x32xf32>) shared_up(%su : tensor<8x32xf32>) outs(%o : tensor<3x8xf32>) {num_experts = 4, top_k = 2} -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// -----

func.func @shared_down_shape(%x: tensor<3x8xf32>, %l: tensor<3x4xf32>, %g: tensor<4x8x16xf32>, %u: tensor<4x8x16xf32>, %d: tensor<4x16x8xf32>, %o: tensor<3x8xf32>, %su: tensor<8x32xf32>, %sg: tensor<8x32xf32>, %sd: tensor<16x8xf32>) -> tensor<3x8xf32> {
  // expected-error @+1 {{shared down weight must be [32, 8], got 'tensor<16x8xf32>'}}
  %0 = fused.moe tokens(%x : tensor<3x8xf32>) logits(%l : tensor<3x4xf32>) gate(%g : tensor<4x8x16xf32>) up(%u : tensor<4x8x16xf32>) down(%d : tensor<4x16x8xf32>) shared_gate(%sg : tensor<8x32xf32>) shared_up(%su : tensor<8x32xf32>) shared_down(%sd : tensor<16x8xf32>) outs(%o : tensor<3x8xf32>) {num_experts = 4, top_k = 2} -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// -----

func.func @shared_not_gated(%x: tensor<3x8xf32>, %l: tensor<3x4xf32>, %g: tensor<4x8x16xf32>, %u: tensor<4x8x16xf32>, %d: tensor<4x16x8xf32>, %o: tensor<3x8xf32>, %su: tensor<8x32xf32>, %sd: tensor<32x8xf32>) -> tensor<3x8xf32> {
  // expected-error @+1 {{the shared expert must be gated exactly when the routed experts are}}
  %0 = fused.moe tokens(%x : tensor<3x8xf32>) logits(%l : tensor<3x4xf32>) gate(%g : tensor<4x8x16xf32>) up(%u : tensor<4x8x16xf32>) down(%d : tensor<4x16x8xf32>) shared_up(%su : tensor<8x32xf32>) shared_down(%sd : tensor<32x8xf32>) outs(%o : tensor<3x8xf32>) {num_experts = 4, top_k = 2} -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}
