//===- ModelRecurrentOps.td - RNN, GRU and LSTM layers ----------*- tablegen -*-===//
//
// Part of ModelOps.td (included at its end). One op per ONNX recurrent
// family, in the time-major layout (the importer transposes ONNX's
// batch-major layout = 1 around them). Inference and verifiers:
// ModelRecurrentOps.cpp; lowering (an scf.for over the time steps):
// ModelToLinalg/Recurrent.cpp.
//
// Shapes, with S the sequence length, B the batch, I the input size, H the
// hidden size, D the number of directions (2 for bidirectional) and G the
// number of gates (1 for rnn, 3 for gru, 4 for lstm):
//   input [S, B, I], weight [D, G*H, I], recurrence [D, G*H, H],
//   bias [D, 2*G*H], sequence_lens [B] (i32), initial_h / initial_c [D, B, H],
//   peepholes [D, 3*H];
//   y [S, D, B, H], y_h / y_c [D, B, H].
// S, B and I may be symbolic; the weights' shapes are static.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_MODEL_RECURRENT_OPS_TD
#define KILN_MODEL_RECURRENT_OPS_TD

/// The operands and attributes every recurrent op has.
class Model_RecurrentOp<string mnemonic, int gates, int activations,
                        dag extraOperands, dag extraAttrs, dag outputs>
    : Model_InferredOp<mnemonic, [AttrSizedOperandSegments]> {
  let arguments = !con(
      (ins AnyRankedTensor:$input, AnyRankedTensor:$weight,
           AnyRankedTensor:$recurrence, Optional<AnyRankedTensor>:$bias,
           Optional<AnyRankedTensor>:$sequence_lens,
           Optional<AnyRankedTensor>:$initial_h),
      extraOperands,
      (ins I64Attr:$hidden_size,
           DefaultValuedStrAttr<StrAttr, "forward">:$direction,
           StrArrayAttr:$activations, OptionalAttr<F32Attr>:$clip),
      extraAttrs);
  let results = outputs;
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Gates per hidden unit (the G of the weights' G*H rows).
    static constexpr int64_t kNumGates = }] # gates # [{;
    /// Activations per direction (each Sigmoid, Tanh or Relu).
    static constexpr int64_t kNumActivations = }] # activations # [{;
    int64_t getNumDirections() {
      return getDirection() == "bidirectional" ? 2 : 1;
    }
  }];
}

def Model_RnnOp : Model_RecurrentOp<"rnn", 1, 1, (ins), (ins),
    (outs AnyRankedTensor:$y, AnyRankedTensor:$y_h)> {
  let summary = "Elman RNN layer (ONNX RNN), time-major";
  let description = [{
    Per direction, with `f` its activation (`activations` holds one per
    direction, forward first) and `Wb`, `Rb` the two halves of `bias`:
    ```
    h_t = f(x_t W^T + h_{t-1} R^T + Wb + Rb)
    ```
    starting from `initial_h` (zeros without it). The reverse direction runs
    from the last valid step to the first. A batch entry whose
    `sequence_lens` is L takes only steps t < L (a value outside [0, S] is
    a run-time error): its `y` is 0 after them and `y_h` is its state after
    step L - 1. `clip` bounds every activation's input to [-clip, clip].

    ```mlir
    %y, %h = model.rnn %x, %w, %r bias %b {activations = ["Tanh"], hidden_size = 4 : i64} : (tensor<?x?x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>, tensor<1x8xf32>) -> (tensor<?x1x?x4xf32>, tensor<1x?x4xf32>)
    ```
  }];
  let assemblyFormat = [{
    $input `,` $weight `,` $recurrence (`bias` $bias^)?
    (`sequence_lens` $sequence_lens^)? (`initial_h` $initial_h^)? attr-dict
    `:` functional-type(operands, results)
  }];
}

def Model_GruOp : Model_RecurrentOp<"gru", 3, 2, (ins),
    (ins UnitAttr:$linear_before_reset),
    (outs AnyRankedTensor:$y, AnyRankedTensor:$y_h)> {
  let summary = "Gated recurrent unit layer (ONNX GRU), time-major";
  let description = [{
    Gates in the order z (update), r (reset), h; `f` and `g` are a
    direction's two activations (default Sigmoid, Tanh):
    ```
    z = f(x W_z^T + h R_z^T + Wb_z + Rb_z)
    r = f(x W_r^T + h R_r^T + Wb_r + Rb_r)
    h~ = g(x W_h^T + (r . h) R_h^T + Rb_h + Wb_h)     without linear_before_reset
    h~ = g(x W_h^T + r . (h R_h^T + Rb_h) + Wb_h)     with linear_before_reset
    h_t = (1 - z) . h~ + z . h
    ```
    Directions, `sequence_lens` and `clip` as for `model.rnn`.

    ```mlir
    %y, %h = model.gru %x, %w, %r {activations = ["Sigmoid", "Tanh"], hidden_size = 5 : i64, linear_before_reset} : (tensor<?x?x2xf32>, tensor<1x15x2xf32>, tensor<1x15x5xf32>) -> (tensor<?x1x?x5xf32>, tensor<1x?x5xf32>)
    ```
  }];
  let assemblyFormat = [{
    $input `,` $weight `,` $recurrence (`bias` $bias^)?
    (`sequence_lens` $sequence_lens^)? (`initial_h` $initial_h^)? attr-dict
    `:` functional-type(operands, results)
  }];
}

def Model_LstmOp : Model_RecurrentOp<"lstm", 4, 3,
    (ins Optional<AnyRankedTensor>:$initial_c,
         Optional<AnyRankedTensor>:$peepholes),
    (ins UnitAttr:$input_forget),
    (outs AnyRankedTensor:$y, AnyRankedTensor:$y_h, AnyRankedTensor:$y_c)> {
  let summary = "Long short-term memory layer (ONNX LSTM), time-major";
  let description = [{
    Gates in the order i, o, f, c; `f`, `g`, `h` are a direction's three
    activations (default Sigmoid, Tanh, Tanh) and `peepholes` holds
    P_i, P_o, P_f (zeros without it):
    ```
    i = f(x W_i^T + h R_i^T + P_i . c + Wb_i + Rb_i)
    f = f(x W_f^T + h R_f^T + P_f . c + Wb_f + Rb_f)   (1 - i with input_forget)
    c~ = g(x W_c^T + h R_c^T + Wb_c + Rb_c)
    c_t = f . c + i . c~
    o = f(x W_o^T + h R_o^T + P_o . c_t + Wb_o + Rb_o)
    h_t = o . h(c_t)
    ```
    starting from `initial_h` and `initial_c`. Directions, `sequence_lens`
    (which also holds `c`) and `clip` as for `model.rnn`.

    ```mlir
    %y, %h, %c = model.lstm %x, %w, %r {activations = ["Sigmoid", "Tanh", "Tanh"], hidden_size = 3 : i64} : (tensor<?x?x2xf32>, tensor<1x12x2xf32>, tensor<1x12x3xf32>) -> (tensor<?x1x?x3xf32>, tensor<1x?x3xf32>, tensor<1x?x3xf32>)
    ```
  }];
  let assemblyFormat = [{
    $input `,` $weight `,` $recurrence (`bias` $bias^)?
    (`sequence_lens` $sequence_lens^)? (`initial_h` $initial_h^)?
    (`initial_c` $initial_c^)? (`peepholes` $peepholes^)? attr-dict
    `:` functional-type(operands, results)
  }];
}

#endif // KILN_MODEL_RECURRENT_OPS_TD
