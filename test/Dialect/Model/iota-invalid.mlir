// RUN: kiln-opt %s --split-input-file --verify-diagnostics

func.func @vector_count(%n: tensor<1xi64>) -> tensor<?xi64> {
  // expected-error @+1 {{count must be a rank-0 i32 or i64 tensor, got 'tensor<1xi64>'}}
  %0 = model.iota %n : (tensor<1xi64>) -> tensor<?xi64>
  return %0 : tensor<?xi64>
}

// -----

func.func @float_count(%n: tensor<f32>) -> tensor<?xi64> {
  // expected-error @+1 {{count must be a rank-0 i32 or i64 tensor, got 'tensor<f32>'}}
  %0 = model.iota %n : (tensor<f32>) -> tensor<?xi64>
  return %0 : tensor<?xi64>
}

// -----

func.func @wrong_result(%n: tensor<i64>) -> tensor<?xi32> {
  // expected-error @+2 {{inferred type(s) 'tensor<?xi64>' are incompatible with return type(s) of operation 'tensor<?xi32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.iota %n : (tensor<i64>) -> tensor<?xi32>
  return %0 : tensor<?xi32>
}
