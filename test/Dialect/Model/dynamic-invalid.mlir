// RUN: kiln-opt %s --split-input-file --verify-diagnostics
// Verifier and inference errors of the run-time-sized ops
// (ModelDynamicOps.td).

func.func @slice_lengths(%x: tensor<4x4xf32>, %s: tensor<1xi64>, %a: tensor<2xi64>) -> tensor<?x?xf32> {
  // expected-error @+1 {{'model.dynamic_slice' op starts, ends, axes and steps differ in length (1, 1, 2, 1)}}
  %0 = model.dynamic_slice %x, %s, %s, %a, %s : (tensor<4x4xf32>, tensor<1xi64>, tensor<1xi64>, tensor<2xi64>, tensor<1xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @slice_dynamic_length(%x: tensor<4x4xf32>, %s: tensor<?xi64>) -> tensor<?x?xf32> {
  // expected-error @+1 {{'model.dynamic_slice' op starts must be a 1-D integer tensor of static length, got 'tensor<?xi64>'}}
  %0 = model.dynamic_slice %x, %s, %s, %s, %s : (tensor<4x4xf32>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @slice_rank(%x: tensor<4x4xf32>, %s: tensor<1xi64>) -> tensor<?xf32> {
  // expected-error @+1 {{'model.dynamic_slice' op result rank 1 differs from the expected 2}}
  %0 = model.dynamic_slice %x, %s, %s, %s, %s : (tensor<4x4xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @slice_element(%x: tensor<4xf32>, %s: tensor<1xi64>) -> tensor<?xf16> {
  // expected-error @+1 {{'model.dynamic_slice' op result element type 'f16' differs from the input's 'f32'}}
  %0 = model.dynamic_slice %x, %s, %s, %s, %s : (tensor<4xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?xf16>
  return %0 : tensor<?xf16>
}

// -----

func.func @unsqueeze_rank(%x: tensor<4xf32>, %a: tensor<2xi64>) -> tensor<?x?xf32> {
  // expected-error @+1 {{'model.dynamic_unsqueeze' op result rank 2 differs from the expected 3}}
  %0 = model.dynamic_unsqueeze %x, %a : (tensor<4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @unsqueeze_float_axes(%x: tensor<4xf32>, %a: tensor<1xf32>) -> tensor<?x?xf32> {
  // expected-error @+1 {{'model.dynamic_unsqueeze' op axes must be a 1-D integer tensor of static length, got 'tensor<1xf32>'}}
  %0 = model.dynamic_unsqueeze %x, %a : (tensor<4xf32>, tensor<1xf32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @squeeze_too_many(%x: tensor<1xf32>, %a: tensor<2xi64>) -> tensor<f32> {
  // expected-error @+1 {{'model.dynamic_squeeze' op cannot squeeze 2 dims of a rank-1 input}}
  %0 = model.dynamic_squeeze %x, %a : (tensor<1xf32>, tensor<2xi64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @non_zero_scalar(%x: tensor<f32>) -> tensor<0x?xi64> {
  // expected-error @+2 {{requires an input of rank >= 1}}
  // expected-error @+1 {{'model.non_zero' op failed to infer returned types}}
  %0 = model.non_zero %x : (tensor<f32>) -> tensor<0x?xi64>
  return %0 : tensor<0x?xi64>
}

// -----

func.func @non_zero_static_rows(%x: tensor<2x3xf32>) -> tensor<3x?xi64> {
  // expected-error @+2 {{'model.non_zero' op inferred type(s) 'tensor<2x?xi64>' are incompatible with return type(s) of operation 'tensor<3x?xi64>'}}
  // expected-error @+1 {{'model.non_zero' op failed to infer returned types}}
  %0 = model.non_zero %x : (tensor<2x3xf32>) -> tensor<3x?xi64>
  return %0 : tensor<3x?xi64>
}

// -----

func.func @compress_condition(%x: tensor<3xf32>, %c: tensor<3xi32>) -> tensor<?xf32> {
  // expected-error @+2 {{condition must be a 1-D i1 tensor, got 'tensor<3xi32>'}}
  // expected-error @+1 {{'model.compress' op failed to infer returned types}}
  %0 = model.compress %x, %c : (tensor<3xf32>, tensor<3xi32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @compress_axis(%x: tensor<3xf32>, %c: tensor<3xi1>) -> tensor<?xf32> {
  // expected-error @+2 {{axis 1 is out of range [0, 1)}}
  // expected-error @+1 {{'model.compress' op failed to infer returned types}}
  %0 = model.compress %x, %c {axis = 1} : (tensor<3xf32>, tensor<3xi1>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @dropout_ratio(%x: tensor<3xf32>, %r: tensor<1xf32>, %t: tensor<i1>) -> (tensor<3xf32>, tensor<3xi1>) {
  // expected-error @+2 {{ratio must be a 0-D float tensor, got 'tensor<1xf32>'}}
  // expected-error @+1 {{'model.dropout' op failed to infer returned types}}
  %0, %1 = model.dropout %x, %r, %t : (tensor<3xf32>, tensor<1xf32>, tensor<i1>) -> (tensor<3xf32>, tensor<3xi1>)
  return %0, %1 : tensor<3xf32>, tensor<3xi1>
}

// -----

func.func @dropout_int(%x: tensor<3xi32>, %r: tensor<f32>, %t: tensor<i1>) -> (tensor<3xi32>, tensor<3xi1>) {
  // expected-error @+2 {{requires a floating-point input, got 'i32'}}
  // expected-error @+1 {{'model.dropout' op failed to infer returned types}}
  %0, %1 = model.dropout %x, %r, %t : (tensor<3xi32>, tensor<f32>, tensor<i1>) -> (tensor<3xi32>, tensor<3xi1>)
  return %0, %1 : tensor<3xi32>, tensor<3xi1>
}
