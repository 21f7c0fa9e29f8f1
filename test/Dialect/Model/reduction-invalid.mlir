// RUN: kiln-opt %s --split-input-file --verify-diagnostics
// Every verifier and inference error of the reduction, scan, top-k and
// layer-norm ops.

func.func @sum_of_bools(%a: tensor<3xi1>) {
  // expected-error @+1 {{'model.reduce_sum' op is not defined on i1 tensors}}
  %0 = model.reduce_sum %a {axes = array<i64>} : (tensor<3xi1>) -> tensor<1xi1>
  return
}

// -----

func.func @prod_axis(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{reduction axis 2 is out of range [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.reduce_prod %a {axes = array<i64: 2>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @argmax_axis(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{axis 2 is out of range [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.argmax %a {axis = 2 : i64} : (tensor<2x3xf32>) -> tensor<2x3xi64>
  return
}

// -----

func.func @argmin_of_bools(%a: tensor<3xi1>) {
  // expected-error @+1 {{'model.argmin' op requires an integer (not i1) or float tensor, got 'i1'}}
  %0 = model.argmin %a {axis = 0 : i64} : (tensor<3xi1>) -> tensor<1xi64>
  return
}

// -----

func.func @cumsum_axis_type(%a: tensor<2x3xf32>, %axis: tensor<2xi64>) {
  // expected-error @+1 {{axis must be a 0-D or 1-element i32/i64 tensor, got 'tensor<2xi64>'}}
  %0 = model.cumsum %a, %axis : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  return
}

// -----

func.func @cumsum_constant_axis(%a: tensor<2x3xf32>) {
  %axis = model.constant dense<-3> : tensor<i64>
  // expected-error @+1 {{axis -3 is out of range [-2, 2)}}
  %0 = model.cumsum %a, %axis : (tensor<2x3xf32>, tensor<i64>) -> tensor<2x3xf32>
  return
}

// -----

func.func @cumsum_scalar(%a: tensor<f32>, %axis: tensor<i64>) {
  // expected-error @+1 {{requires an input of rank >= 1}}
  %0 = model.cumsum %a, %axis : (tensor<f32>, tensor<i64>) -> tensor<f32>
  return
}

// -----

func.func @topk_k_type(%a: tensor<2x3xf32>, %k: tensor<1xi32>) {
  // expected-error @+2 {{k must be a 1-element i64 tensor, got 'tensor<1xi32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = model.topk %a, %k {axis = 1 : i64} : (tensor<2x3xf32>, tensor<1xi32>) -> (tensor<2x?xf32>, tensor<2x?xi64>)
  return
}

// -----

func.func @topk_k_too_large(%a: tensor<2x3xf32>) {
  %k = model.constant dense<4> : tensor<1xi64>
  // expected-error @+2 {{k = 4 is out of range for a dim of size 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = model.topk %a, %k {axis = 1 : i64} : (tensor<2x3xf32>, tensor<1xi64>) -> (tensor<2x4xf32>, tensor<2x4xi64>)
  return
}

// -----

func.func @layer_norm_axis(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{axis 2 is out of range [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:3 = model.layer_norm %a {axis = 2 : i64, epsilon = 0.0 : f32, stash_type = f32} : (tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>)
  return
}

// -----

func.func @layer_norm_scale_rank(%a: tensor<2x3xf32>, %s: tensor<2x3xf32>) {
  // expected-error @+2 {{scale of shape [2, 3] has more dims than the normalized [3]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:3 = model.layer_norm %a scale %s {axis = 1 : i64, epsilon = 0.0 : f32, stash_type = f32} : (tensor<2x3xf32>, tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @layer_norm_bias_shape(%a: tensor<2x3xf32>, %b: tensor<4xf32>) {
  // expected-error @+2 {{bias of shape [4] does not broadcast to the normalized [3] (dim 3)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:3 = model.layer_norm %a bias %b {axis = 1 : i64, epsilon = 0.0 : f32, stash_type = f32} : (tensor<2x3xf32>, tensor<4xf32>) -> (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @layer_norm_scale_type(%a: tensor<2x3xf32>, %s: tensor<3xf16>) {
  // expected-error @+2 {{scale element type 'f16' differs from the input's 'f32'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:3 = model.layer_norm %a scale %s {axis = 1 : i64, epsilon = 0.0 : f32, stash_type = f32} : (tensor<2x3xf32>, tensor<3xf16>) -> (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @layer_norm_ints(%a: tensor<2x3xi32>) {
  // expected-error @+1 {{requires a floating-point input, got 'i32'}}
  %0:3 = model.layer_norm %a {axis = 1 : i64, epsilon = 0.0 : f32, stash_type = f32} : (tensor<2x3xi32>) -> (tensor<2x3xi32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @layer_norm_stash(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{stash_type must be a floating-point type, got 'i32'}}
  %0:3 = model.layer_norm %a {axis = 1 : i64, epsilon = 0.0 : f32, stash_type = i32} : (tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x1xi32>, tensor<2x1xi32>)
  return
}

// -----

func.func @layer_norm_epsilon(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{epsilon must be >= 0, got -1}}
  %0:3 = model.layer_norm %a {axis = 1 : i64, epsilon = -1.0 : f32, stash_type = f32} : (tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @dynamic_reduce_kind(%a: tensor<2x3xf32>, %axes: tensor<1xi64>) {
  // expected-error @+1 {{kind must be sum, mean, prod, max or min, got 'l2'}}
  %0 = model.dynamic_reduce %a, %axes {kind = "l2"} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @dynamic_reduce_axes_length(%a: tensor<2x3xf32>, %axes: tensor<?xi64>) {
  // expected-error @+2 {{axes must be a 1-D i32/i64 tensor of static length, got 'tensor<?xi64>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.dynamic_reduce %a, %axes {kind = "sum"} : (tensor<2x3xf32>, tensor<?xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @dynamic_reduce_too_many(%a: tensor<2x3xf32>, %axes: tensor<3xi64>) {
  // expected-error @+2 {{3 axes for a rank-2 input}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.dynamic_reduce %a, %axes {kind = "sum"} : (tensor<2x3xf32>, tensor<3xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @dynamic_reduce_bool_sum(%a: tensor<2x3xi1>, %axes: tensor<1xi64>) {
  // expected-error @+1 {{'sum' is not defined on i1 tensors}}
  %0 = model.dynamic_reduce %a, %axes {kind = "sum"} : (tensor<2x3xi1>, tensor<1xi64>) -> tensor<?x?xi1>
  return
}
