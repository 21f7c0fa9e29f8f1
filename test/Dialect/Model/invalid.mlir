// RUN: kiln-opt %s --split-input-file --verify-diagnostics
// Every verifier and inference error of the model dialect.

func.func @broadcast_mismatch(%a: tensor<2x3xf32>, %b: tensor<4xf32>) {
  // expected-error @+2 {{shapes [2, 3] and [4] do not broadcast}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.add %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @element_type_mismatch(%a: tensor<3xf32>, %b: tensor<3xi32>) {
  // expected-error @+2 {{operand element types differ: 'f32' vs 'i32'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.mul %a, %b : (tensor<3xf32>, tensor<3xi32>) -> tensor<3xf32>
  return
}

// -----

func.func @pow_of_ints(%a: tensor<3xi32>) {
  // expected-error @+2 {{operands must be floating point, got 'i32'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.pow %a, %a : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
  return
}

// -----

func.func @wrong_result_type(%a: tensor<3xf32>) {
  // expected-error @+2 {{'model.add' op inferred type(s) 'tensor<3xf32>' are incompatible with return type(s) of operation 'tensor<4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.add %a, %a : (tensor<3xf32>, tensor<3xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @float_unary_on_ints(%a: tensor<3xi32>) {
  // expected-error @+1 {{'model.exp' op requires a floating-point tensor, got 'i32'}}
  %0 = model.exp %a : tensor<3xi32>
  return
}

// -----

func.func @unary_on_bools(%a: tensor<3xi1>) {
  // expected-error @+1 {{'model.relu' op is not defined on i1 tensors}}
  %0 = model.relu %a : tensor<3xi1>
  return
}

// -----

func.func @cast_to_index(%a: tensor<3xf32>) {
  // expected-error @+1 {{'model.cast' op can only cast to integer or float types, got 'index'}}
  %0 = model.cast %a to index : tensor<3xf32> -> tensor<3xindex>
  return
}

// -----

func.func @where_condition_type(%c: tensor<3xf32>, %a: tensor<3xf32>) {
  // expected-error @+2 {{condition must be an i1 tensor, got 'f32'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.where %c, %a, %a : (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @where_condition_shape(%c: tensor<2xi1>, %a: tensor<3xf32>) {
  // expected-error @+2 {{condition shape [2] does not broadcast with [3]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.where %c, %a, %a : (tensor<2xi1>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @matmul_rank(%a: tensor<3xf32>, %b: tensor<3x4xf32>) {
  // expected-error @+2 {{operands must have rank >= 2, got ranks 1 and 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.matmul %a, %b : (tensor<3xf32>, tensor<3x4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @matmul_inner(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+2 {{contracted dims differ: [2, 3] x [4, 5]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @matmul_batch(%a: tensor<2x2x3xf32>, %b: tensor<3x3x4xf32>) {
  // expected-error @+2 {{batch dims of [2, 2, 3] and [3, 3, 4] do not broadcast}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.matmul %a, %b : (tensor<2x2x3xf32>, tensor<3x3x4xf32>) -> tensor<2x2x4xf32>
  return
}

// -----

func.func @matmul_types(%a: tensor<2x3xf32>, %b: tensor<3x4xf16>) {
  // expected-error @+2 {{operand element types differ: 'f32' vs 'f16'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.matmul %a, %b : (tensor<2x3xf32>, tensor<3x4xf16>) -> tensor<2x4xf32>
  return
}

// -----

func.func @gemm_rank(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+2 {{A and B must be matrices, got ranks 3 and 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.gemm %a, %b : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  return
}

// -----

func.func @gemm_ints(%a: tensor<2x3xi32>, %b: tensor<3x4xi32>) {
  // expected-error @+2 {{A and B must share a floating-point element type}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.gemm %a, %b : (tensor<2x3xi32>, tensor<3x4xi32>) -> tensor<2x4xi32>
  return
}

// -----

func.func @gemm_inner(%a: tensor<2x3xf32>, %b: tensor<5x4xf32>) {
  // expected-error @+2 {{contracted dims differ: 3 vs 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.gemm %a, %b {transB = true} : (tensor<2x3xf32>, tensor<5x4xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @gemm_bias(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>, %c: tensor<3xf32>) {
  // expected-error @+2 {{C of shape [3] does not broadcast to [M, N] = [2, 4]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.gemm %a, %b, %c : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @softmax_axis(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'model.softmax' op axis 2 is out of range [0, 2)}}
  %0 = model.softmax %a {axis = 2 : i64} : tensor<2x3xf32>
  return
}

// -----

func.func @softmax_ints(%a: tensor<2x3xi32>) {
  // expected-error @+1 {{'model.softmax' op requires a floating-point tensor}}
  %0 = model.softmax %a {axis = 1 : i64} : tensor<2x3xi32>
  return
}

// -----

func.func @reduce_axis(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{reduction axis 2 is out of range [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.reduce_sum %a {axes = array<i64: 2>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @reduce_repeated(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{reduction axis 1 is repeated}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.reduce_max %a {axes = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return
}

// -----

func.func @transpose_length(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{perm has 3 entries for a rank-2 input}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.transpose %a {perm = array<i64: 0, 1, 2>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @transpose_not_permutation(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{perm axis 0 is repeated}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.transpose %a {perm = array<i64: 0, 0>} : (tensor<2x3xf32>) -> tensor<2x2xf32>
  return
}

// -----

func.func @reshape_count(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{cannot reshape [2, 3] (6 elements) to [4, 2] (8 elements)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.reshape %a {shape = array<i64: 4, 2>} : (tensor<2x3xf32>) -> tensor<4x2xf32>
  return
}

// -----

func.func @reshape_two_inferred(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{shape has more than one -1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.reshape %a {shape = array<i64: -1, -1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @reshape_indivisible(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{cannot reshape [2, 3] to [4, -1]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.reshape %a {shape = array<i64: 4, -1>} : (tensor<2x3xf32>) -> tensor<4x1xf32>
  return
}

// -----

func.func @reshape_bad_entry(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{shape entry -2 is invalid}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.reshape %a {shape = array<i64: -2, 3>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @reshape_copy_missing(%a: tensor<6xf32>) {
  // expected-error @+2 {{shape entry 0 at index 1 copies a dim the rank-1 input lacks}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.reshape %a {shape = array<i64: 6, 0>} : (tensor<6xf32>) -> tensor<6x1xf32>
  return
}

// -----

func.func @unsqueeze_axis(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{unsqueeze axis 3 is out of range [0, 3)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.unsqueeze %a {axes = array<i64: 3>} : (tensor<2x3xf32>) -> tensor<2x3x1xf32>
  return
}

// -----

func.func @squeeze_non_unit(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{squeezed dim 1 must be 1, got 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.squeeze %a {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @concat_mismatch(%a: tensor<2x3xf32>, %b: tensor<3x3xf32>) {
  // expected-error @+2 {{inputs differ in dim 0: 2 vs 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x6xf32>
  return
}

// -----

func.func @concat_rank(%a: tensor<2x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+2 {{inputs differ in rank or element type}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.concat %a, %b {axis = 0 : i64} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<5x3xf32>
  return
}

// -----

func.func @concat_axis(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{axis 2 is out of range [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.concat %a {axis = 2 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @concat_empty() {
  // expected-error @+2 {{needs at least one input}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.concat {axis = 0 : i64} : () -> tensor<2xf32>
  return
}

// -----

func.func @slice_lengths(%a: tensor<8xf32>) {
  // expected-error @+2 {{starts, ends, axes and steps differ in length}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.slice %a {axes = array<i64: 0>, starts = array<i64: 0, 1>, ends = array<i64: 4>, steps = array<i64: 1>} : (tensor<8xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @slice_backward(%a: tensor<8xf32>) {
  // expected-error @+2 {{slice step -1 is not positive (only forward slices are supported)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.slice %a {axes = array<i64: 0>, starts = array<i64: 7>, ends = array<i64: 0>, steps = array<i64: -1>} : (tensor<8xf32>) -> tensor<7xf32>
  return
}

// -----

func.func @slice_axis(%a: tensor<8xf32>) {
  // expected-error @+2 {{slice axis 1 is out of range [0, 1)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.slice %a {axes = array<i64: 1>, starts = array<i64: 0>, ends = array<i64: 4>, steps = array<i64: 1>} : (tensor<8xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @gather_axis(%a: tensor<8xf32>, %i: tensor<2xi64>) {
  // expected-error @+2 {{axis 1 is out of range [0, 1)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.gather %a, %i {axis = 1 : i64} : (tensor<8xf32>, tensor<2xi64>) -> tensor<2xf32>
  return
}

// -----

func.func @gather_index_type(%a: tensor<8xf32>, %i: tensor<2xf32>) {
  // expected-error @+2 {{indices must be i32 or i64, got 'f32'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.gather %a, %i {axis = 0 : i64} : (tensor<8xf32>, tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

/// ONNX's indices are signed; a u64 index read as signed would count from
/// the end instead of being out of range.
func.func @gather_unsigned_indices(%a: tensor<8xf32>, %i: tensor<2xui64>) {
  // expected-error @+2 {{indices must be i32 or i64, got 'ui64'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.gather %a, %i {axis = 0 : i64} : (tensor<8xf32>, tensor<2xui64>) -> tensor<2xf32>
  return
}

// -----

func.func @weight_name() {
  // expected-error @+1 {{'model.weight' op weight name must not be empty}}
  %0 = model.weight "" dense<1.0> : tensor<2xf32>
  return
}

// -----

func.func @weight_dynamic() {
  // expected-error @+1 {{'model.weight' op result #0 must be statically shaped tensor of any type values}}
  %0 = "model.weight"() {name = "w", value = dense<1.0> : tensor<2xf32>} : () -> tensor<?xf32>
  return
}

// -----

func.func @dynamic_reshape_shape_type(%x: tensor<?xf32>, %s: tensor<2xi32>) {
  // expected-error @+1 {{'model.dynamic_reshape' op shape must be a 1-D i64 tensor of static length, got 'tensor<2xi32>'}}
  %0 = model.dynamic_reshape %x, %s : (tensor<?xf32>, tensor<2xi32>) -> tensor<?x?xf32>
  return
}

// -----

func.func @dynamic_reshape_rank(%x: tensor<?xf32>, %s: tensor<2xi64>) {
  // expected-error @+1 {{'model.dynamic_reshape' op result rank 3 differs from the shape length 2}}
  %0 = model.dynamic_reshape %x, %s : (tensor<?xf32>, tensor<2xi64>) -> tensor<?x?x?xf32>
  return
}

// -----

func.func @dynamic_reshape_element(%x: tensor<?xf32>, %s: tensor<1xi64>) {
  // expected-error @+1 {{'model.dynamic_reshape' op result element type 'f16' differs from the input's 'f32'}}
  %0 = model.dynamic_reshape %x, %s : (tensor<?xf32>, tensor<1xi64>) -> tensor<?xf16>
  return
}

// -----

func.func @dynamic_reshape_count(%x: tensor<6xf32>, %s: tensor<2xi64>) {
  // expected-error @+1 {{'model.dynamic_reshape' op cannot reshape [6] to [4, 2]}}
  %0 = model.dynamic_reshape %x, %s : (tensor<6xf32>, tensor<2xi64>) -> tensor<4x2xf32>
  return
}

// -----

/// Element counts that overflow int64 are errors, not wrapped sizes.
func.func @reshape_count_overflow(%x: tensor<?xf32>) {
  // expected-error @+2 {{the element count of shape [4611686018427387904, 4] overflows int64}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.reshape %x {shape = array<i64: 4611686018427387904, 4>} : (tensor<?xf32>) -> tensor<4611686018427387904x4xf32>
  return
}

// -----

func.func @reshape_input_overflow(%x: tensor<4611686018427387904x4xf32>) {
  // expected-error @+2 {{the element count of input shape [4611686018427387904, 4] overflows int64}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.reshape %x {shape = array<i64: -1>} : (tensor<4611686018427387904x4xf32>) -> tensor<?xf32>
  return
}

// -----

func.func @concat_dim_overflow(%x: tensor<9223372036854775807xf32>) {
  // expected-error @+2 {{the concatenated dim 0 overflows int64}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.concat %x, %x {axis = 0 : i64} : (tensor<9223372036854775807xf32>, tensor<9223372036854775807xf32>) -> tensor<?xf32>
  return
}

// -----

func.func @dynamic_reshape_count_overflow(%x: tensor<4611686018427387904x4xf32>, %s: tensor<1xi64>) {
  // expected-error @+1 {{cannot reshape [4611686018427387904, 4] to [2]}}
  %0 = model.dynamic_reshape %x, %s : (tensor<4611686018427387904x4xf32>, tensor<1xi64>) -> tensor<2xf32>
  return
}

// -----

// expected-error @+1 {{argument 0: #model.dims has 1 dims but the type 'tensor<?x4xf32>' has rank 2}}
func.func @dims_rank(%x: tensor<?x4xf32> {model.dims = #model.dims<[batch]>}) {
  return
}

// -----

// expected-error @+1 {{argument 0: #model.dims dim 1 does not match the type 'tensor<?x4xf32>'}}
func.func @dims_static_mismatch(%x: tensor<?x4xf32> {model.dims = #model.dims<[batch, 5]>}) {
  return
}

// -----

// expected-error @+1 {{argument 0: #model.dims dim 1 does not match the type 'tensor<?x4xf32>'}}
func.func @dims_name_on_static(%x: tensor<?x4xf32> {model.dims = #model.dims<[batch, seq]>}) {
  return
}

// -----

// expected-error @+1 {{result 0: #model.dims annotates 'i32', which is not a ranked tensor}}
func.func @dims_not_tensor() -> (i32 {model.dims = #model.dims<[]>}) {
  %c = arith.constant 0 : i32
  return %c : i32
}

// -----

// expected-error @+1 {{argument 0: 'model.name' must be a string}}
func.func @name_not_string(%x: tensor<4xf32> {model.name = 3 : i64}) {
  return
}

// -----

// expected-error @+1 {{unknown model dialect attribute 'model.shape'}}
func.func @unknown_attr(%x: tensor<4xf32> {model.shape = 3 : i64}) {
  return
}

// -----

// expected-error @+1 {{a dim name must not be empty (use '?')}}
func.func @empty_dim_name(%x: tensor<?xf32> {model.dims = #model.dims<[""]>}) {
  return
}

// -----

func.func @as_unsigned_requires_signless(%a: tensor<4xui64>) -> tensor<4xui64> {
  // expected-error @+1 {{'model.mod' op `as_unsigned` requires signless integer operands, got 'ui64'}}
  %0 = model.mod %a, %a {as_unsigned} : (tensor<4xui64>, tensor<4xui64>) -> tensor<4xui64>
  return %0 : tensor<4xui64>
}

// -----

func.func @fmod_required_on_floats(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'model.mod' op on floats requires `fmod` (the remainder with the dividend's sign)}}
  %0 = model.mod %a, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @logic_on_floats(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{operands must be i1, got 'f32'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.and %a, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @not_on_ints(%a: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{'model.not' op requires an i1 tensor, got 'i32'}}
  %0 = model.not %a : tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @is_nan_on_ints(%a: tensor<4xi32>) -> tensor<4xi1> {
  // expected-error @+1 {{'model.is_nan' op requires a floating-point tensor, got 'i32'}}
  %0 = model.is_nan %a : tensor<4xi32> -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

func.func @floor_on_ints(%a: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{'model.floor' op requires a floating-point tensor, got 'i32'}}
  %0 = model.floor %a : tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @einsum_no_arrow(%a: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{equation 'i' has no '->' (frontends make the result's letters explicit)}}
  %0 = model.einsum "i" %a : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @einsum_sizes(%a: tensor<3xf32>, %b: tensor<4xf32>) -> tensor<f32> {
  // expected-error @+1 {{letter 'i' has sizes 3 and 4}}
  %0 = model.einsum "i,i->" %a, %b : (tensor<3xf32>, tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @einsum_result_letter(%a: tensor<3xf32>) -> tensor<3x3xf32> {
  // expected-error @+1 {{result letter 'i' is repeated}}
  %0 = model.einsum "i->ii" %a : (tensor<3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @einsum_rank(%a: tensor<3x3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{term 'i' names 1 dims of an operand of rank 2}}
  %0 = model.einsum "i->i" %a : (tensor<3x3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
