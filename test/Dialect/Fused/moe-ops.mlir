// RUN: kiln-opt %s --split-input-file | kiln-opt --split-input-file | FileCheck %s

/// Mixtral: SwiGLU experts, softmax, top-2, renormalized; dynamic tokens.
// CHECK-LABEL: func @mixtral
// CHECK: fused.moe tokens(%{{.*}} : tensor<?x16xf32>) logits(%{{.*}} : tensor<?x8xf32>) gate(%{{.*}} : tensor<8x16x32xf32>) up(%{{.*}} : tensor<8x16x32xf32>) down(%{{.*}} : tensor<8x32x16xf32>) outs(%{{.*}} : tensor<?x16xf32>) {num_experts = 8 : i64, renormalize = true, top_k = 2 : i64} -> tensor<?x16xf32>
func.func @mixtral(%x: tensor<?x16xf32>, %l: tensor<?x8xf32>, %g: tensor<8x16x32xf32>, %u: tensor<8x16x32xf32>, %d: tensor<8x32x16xf32>, %o: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %0 = fused.moe tokens(%x : tensor<?x16xf32>) logits(%l : tensor<?x8xf32>) gate(%g : tensor<8x16x32xf32>) up(%u : tensor<8x16x32xf32>) down(%d : tensor<8x32x16xf32>) outs(%o : tensor<?x16xf32>) {num_experts = 8, top_k = 2, renormalize = true} -> tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}

// -----

/// Switch: plain ReLU experts with biases, top-1.
// CHECK-LABEL: func @switch
// CHECK: fused.moe tokens(%{{.*}}) logits(%{{.*}}) up(%{{.*}} : tensor<4x16x32xf32>) down(%{{.*}} : tensor<4x32x16xf32>) up_bias(%{{.*}} : tensor<4x32xf32>) down_bias(%{{.*}} : tensor<4x16xf32>) outs(%{{.*}}) {activation = "relu", gated = false, num_experts = 4 : i64, top_k = 1 : i64}
func.func @switch(%x: tensor<10x16xf32>, %l: tensor<10x4xf32>, %u: tensor<4x16x32xf32>, %d: tensor<4x32x16xf32>, %ub: tensor<4x32xf32>, %db: tensor<4x16xf32>, %o: tensor<10x16xf32>) -> tensor<10x16xf32> {
  %0 = fused.moe tokens(%x : tensor<10x16xf32>) logits(%l : tensor<10x4xf32>) up(%u : tensor<4x16x32xf32>) down(%d : tensor<4x32x16xf32>) up_bias(%ub : tensor<4x32xf32>) down_bias(%db : tensor<4x16xf32>) outs(%o : tensor<10x16xf32>) {num_experts = 4, top_k = 1, activation = "relu", gated = false} -> tensor<10x16xf32>
  return %0 : tensor<10x16xf32>
}

// -----

/// DeepSeek-V3: sigmoid scores, a selection bias, scaling, a shared expert.
// CHECK-LABEL: func @deepseek
// CHECK: fused.moe tokens({{.*}}) logits({{.*}}) selection_bias(%{{.*}} : tensor<8xf32>) gate({{.*}}) up({{.*}}) down({{.*}}) shared_gate(%{{.*}} : tensor<16x64xf32>) shared_up(%{{.*}} : tensor<16x64xf32>) shared_down(%{{.*}} : tensor<64x16xf32>) outs({{.*}}) {num_experts = 8 : i64, renormalize = true, routed_scaling = 2.500000e+00 : f32, scoring = "sigmoid", top_k = 2 : i64}
func.func @deepseek(%x: tensor<12x16xf32>, %l: tensor<12x8xf32>, %b: tensor<8xf32>, %g: tensor<8x16x32xf32>, %u: tensor<8x16x32xf32>, %d: tensor<8x32x16xf32>, %sg: tensor<16x64xf32>, %su: tensor<16x64xf32>, %sd: tensor<64x16xf32>, %o: tensor<12x16xf32>) -> tensor<12x16xf32> {
  %0 = fused.moe tokens(%x : tensor<12x16xf32>) logits(%l : tensor<12x8xf32>) selection_bias(%b : tensor<8xf32>) gate(%g : tensor<8x16x32xf32>) up(%u : tensor<8x16x32xf32>) down(%d : tensor<8x32x16xf32>) shared_gate(%sg : tensor<16x64xf32>) shared_up(%su : tensor<16x64xf32>) shared_down(%sd : tensor<64x16xf32>) outs(%o : tensor<12x16xf32>) {num_experts = 8, top_k = 2, scoring = "sigmoid", renormalize = true, routed_scaling = 2.5 : f32} -> tensor<12x16xf32>
  return %0 : tensor<12x16xf32>
}

// -----

/// Top-k of the logits, then softmax of the k values; GeGLU experts.
// CHECK-LABEL: func @softmax_after
// CHECK: {activation = "gelu", num_experts = 4 : i64, softmax_after_topk = true, top_k = 2 : i64}
func.func @softmax_after(%x: tensor<3x8xf32>, %l: tensor<3x4xf32>, %g: tensor<4x8x8xf32>, %u: tensor<4x8x8xf32>, %d: tensor<4x8x8xf32>, %o: tensor<3x8xf32>) -> tensor<3x8xf32> {
  %0 = fused.moe tokens(%x : tensor<3x8xf32>) logits(%l : tensor<3x4xf32>) gate(%g : tensor<4x8x8xf32>) up(%u : tensor<4x8x8xf32>) down(%d : tensor<4x8x8xf32>) outs(%o : tensor<3x8xf32>) {num_experts = 4, top_k = 2, softmax_after_topk = true, activation = "gelu"} -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}
