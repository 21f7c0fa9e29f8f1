// RUN: kiln-opt %s --split-input-file --verify-diagnostics
// Every verifier and inference error of model.rnn, model.gru, model.lstm.

func.func @activation_count(%x: tensor<?x?x2xf32>, %w: tensor<2x3x2xf32>, %r: tensor<2x3x3xf32>) {
  // expected-error @+1 {{expected 2 activations for direction 'bidirectional', got 1}}
  %y, %h = model.rnn %x, %w, %r {activations = ["Tanh"], direction = "bidirectional", hidden_size = 3 : i64} : (tensor<?x?x2xf32>, tensor<2x3x2xf32>, tensor<2x3x3xf32>) -> (tensor<?x2x?x3xf32>, tensor<2x?x3xf32>)
  return
}

// -----

func.func @activation_name(%x: tensor<?x?x2xf32>, %w: tensor<1x9x2xf32>, %r: tensor<1x9x3xf32>) {
  // expected-error @+1 {{activation 'Elu' is not one of Sigmoid, Tanh, Relu}}
  %y, %h = model.gru %x, %w, %r {activations = ["Sigmoid", "Elu"], hidden_size = 3 : i64} : (tensor<?x?x2xf32>, tensor<1x9x2xf32>, tensor<1x9x3xf32>) -> (tensor<?x1x?x3xf32>, tensor<1x?x3xf32>)
  return
}

// -----

func.func @clip(%x: tensor<?x?x2xf32>, %w: tensor<1x3x2xf32>, %r: tensor<1x3x3xf32>) {
  // expected-error @+1 {{clip must be positive, got 0}}
  %y, %h = model.rnn %x, %w, %r {activations = ["Tanh"], clip = 0.0 : f32, hidden_size = 3 : i64} : (tensor<?x?x2xf32>, tensor<1x3x2xf32>, tensor<1x3x3xf32>) -> (tensor<?x1x?x3xf32>, tensor<1x?x3xf32>)
  return
}

// -----

func.func @direction(%x: tensor<?x?x2xf32>, %w: tensor<1x3x2xf32>, %r: tensor<1x3x3xf32>) {
  // expected-error @+2 {{direction 'sideways' is not one of forward, reverse, bidirectional}}
  // expected-error @+1 {{failed to infer returned types}}
  %y, %h = model.rnn %x, %w, %r {activations = ["Tanh"], direction = "sideways", hidden_size = 3 : i64} : (tensor<?x?x2xf32>, tensor<1x3x2xf32>, tensor<1x3x3xf32>) -> (tensor<?x1x?x3xf32>, tensor<1x?x3xf32>)
  return
}

// -----

func.func @input_rank(%x: tensor<?x2xf32>, %w: tensor<1x3x2xf32>, %r: tensor<1x3x3xf32>) {
  // expected-error @+2 {{input must have rank 3 ([seq, batch, input size]), got [?, 2]}}
  // expected-error @+1 {{failed to infer returned types}}
  %y, %h = model.rnn %x, %w, %r {activations = ["Tanh"], hidden_size = 3 : i64} : (tensor<?x2xf32>, tensor<1x3x2xf32>, tensor<1x3x3xf32>) -> (tensor<?x1x?x3xf32>, tensor<1x?x3xf32>)
  return
}

// -----

func.func @element_type(%x: tensor<?x?x2xf16>, %w: tensor<1x3x2xf16>, %r: tensor<1x3x3xf16>) {
  // expected-error @+2 {{element type must be f32 or f64, got 'f16'}}
  // expected-error @+1 {{failed to infer returned types}}
  %y, %h = model.rnn %x, %w, %r {activations = ["Tanh"], hidden_size = 3 : i64} : (tensor<?x?x2xf16>, tensor<1x3x2xf16>, tensor<1x3x3xf16>) -> (tensor<?x1x?x3xf16>, tensor<1x?x3xf16>)
  return
}

// -----

func.func @dynamic_weight(%x: tensor<?x?x2xf32>, %w: tensor<1x?x2xf32>, %r: tensor<1x3x3xf32>) {
  // expected-error @+2 {{weight must have a static rank-3 shape, got [1, ?, 2]}}
  // expected-error @+1 {{failed to infer returned types}}
  %y, %h = model.rnn %x, %w, %r {activations = ["Tanh"], hidden_size = 3 : i64} : (tensor<?x?x2xf32>, tensor<1x?x2xf32>, tensor<1x3x3xf32>) -> (tensor<?x1x?x3xf32>, tensor<1x?x3xf32>)
  return
}

// -----

func.func @input_size(%x: tensor<?x?x4xf32>, %w: tensor<1x3x2xf32>, %r: tensor<1x3x3xf32>) {
  // expected-error @+2 {{weight of shape [1, 3, 2] does not fit the input size 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %y, %h = model.rnn %x, %w, %r {activations = ["Tanh"], hidden_size = 3 : i64} : (tensor<?x?x4xf32>, tensor<1x3x2xf32>, tensor<1x3x3xf32>) -> (tensor<?x1x?x3xf32>, tensor<1x?x3xf32>)
  return
}

// -----

func.func @gates(%x: tensor<?x?x2xf32>, %w: tensor<1x9x2xf32>, %r: tensor<1x9x3xf32>) {
  // expected-error @+2 {{weight must have the static shape [1, 12, 2], got [1, 9, 2]}}
  // expected-error @+1 {{failed to infer returned types}}
  %y, %h, %c = model.lstm %x, %w, %r {activations = ["Sigmoid", "Tanh", "Tanh"], hidden_size = 3 : i64} : (tensor<?x?x2xf32>, tensor<1x9x2xf32>, tensor<1x9x3xf32>) -> (tensor<?x1x?x3xf32>, tensor<1x?x3xf32>, tensor<1x?x3xf32>)
  return
}

// -----

func.func @bias(%x: tensor<?x?x2xf32>, %w: tensor<1x3x2xf32>, %r: tensor<1x3x3xf32>, %b: tensor<1x3xf32>) {
  // expected-error @+2 {{bias must have the static shape [1, 6], got [1, 3]}}
  // expected-error @+1 {{failed to infer returned types}}
  %y, %h = model.rnn %x, %w, %r bias %b {activations = ["Tanh"], hidden_size = 3 : i64} : (tensor<?x?x2xf32>, tensor<1x3x2xf32>, tensor<1x3x3xf32>, tensor<1x3xf32>) -> (tensor<?x1x?x3xf32>, tensor<1x?x3xf32>)
  return
}

// -----

func.func @initial_batch(%x: tensor<?x2x2xf32>, %w: tensor<1x3x2xf32>, %r: tensor<1x3x3xf32>, %h0: tensor<1x4x3xf32>) {
  // expected-error @+2 {{initial_h of shape [1, 4, 3] does not match [1, 2, 3]}}
  // expected-error @+1 {{failed to infer returned types}}
  %y, %h = model.rnn %x, %w, %r initial_h %h0 {activations = ["Tanh"], hidden_size = 3 : i64} : (tensor<?x2x2xf32>, tensor<1x3x2xf32>, tensor<1x3x3xf32>, tensor<1x4x3xf32>) -> (tensor<?x1x2x3xf32>, tensor<1x2x3xf32>)
  return
}

// -----

func.func @lens_batch(%x: tensor<?x2x2xf32>, %w: tensor<1x3x2xf32>, %r: tensor<1x3x3xf32>, %l: tensor<3xi32>) {
  // expected-error @+2 {{sequence_lens of shape [3] does not match [2]}}
  // expected-error @+1 {{failed to infer returned types}}
  %y, %h = model.rnn %x, %w, %r sequence_lens %l {activations = ["Tanh"], hidden_size = 3 : i64} : (tensor<?x2x2xf32>, tensor<1x3x2xf32>, tensor<1x3x3xf32>, tensor<3xi32>) -> (tensor<?x1x2x3xf32>, tensor<1x2x3xf32>)
  return
}

// -----

func.func @initial_c(%x: tensor<?x?x2xf32>, %w: tensor<1x12x2xf32>, %r: tensor<1x12x3xf32>, %c0: tensor<2x?x3xf32>) {
  // expected-error @+2 {{initial_c of shape [2, ?, 3] does not match [1, ?, 3]}}
  // expected-error @+1 {{failed to infer returned types}}
  %y, %h, %c = model.lstm %x, %w, %r initial_c %c0 {activations = ["Sigmoid", "Tanh", "Tanh"], hidden_size = 3 : i64} : (tensor<?x?x2xf32>, tensor<1x12x2xf32>, tensor<1x12x3xf32>, tensor<2x?x3xf32>) -> (tensor<?x1x?x3xf32>, tensor<1x?x3xf32>, tensor<1x?x3xf32>)
  return
}

// -----

func.func @hidden_size(%x: tensor<?x?x2xf32>, %w: tensor<1x0x2xf32>, %r: tensor<1x0x0xf32>) {
  // expected-error @+2 {{hidden_size 0 must be in [1, 2^31]}}
  // expected-error @+1 {{failed to infer returned types}}
  %y, %h = model.rnn %x, %w, %r {activations = ["Tanh"], hidden_size = 0 : i64} : (tensor<?x?x2xf32>, tensor<1x0x2xf32>, tensor<1x0x0xf32>) -> (tensor<?x1x?x0xf32>, tensor<1x?x0xf32>)
  return
}
