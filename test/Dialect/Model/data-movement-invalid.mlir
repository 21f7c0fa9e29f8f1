// RUN: kiln-opt %s --split-input-file --verify-diagnostics
// Every verifier and inference error of the shape, layout and indexing ops.

func.func @expand_shape_type(%x: tensor<3xf32>, %s: tensor<?xi64>) {
  // expected-error @+2 {{shape must be a 1-D i64 tensor of static length, got 'tensor<?xi64>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.expand %x, %s : (tensor<3xf32>, tensor<?xi64>) -> tensor<3xf32>
  return
}

// -----

func.func @expand_negative(%x: tensor<3xf32>) {
  %s = model.constant dense<[-1]> : tensor<1xi64>
  // expected-error @+2 {{shape entry 0 is negative: -1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.expand %x, %s : (tensor<3xf32>, tensor<1xi64>) -> tensor<3xf32>
  return
}

// -----

func.func @expand_no_broadcast(%x: tensor<3xf32>) {
  %s = model.constant dense<[4]> : tensor<1xi64>
  // expected-error @+2 {{input dim 0 of size 3 does not broadcast to 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.expand %x, %s : (tensor<3xf32>, tensor<1xi64>) -> tensor<4xf32>
  return
}

// -----

func.func @tile_length(%x: tensor<3x2xf32>, %r: tensor<3xi64>) {
  // expected-error @+2 {{repeats has 3 entries, expected 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.tile %x, %r : (tensor<3x2xf32>, tensor<3xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @tile_negative(%x: tensor<3xf32>) {
  %r = model.constant dense<[-2]> : tensor<1xi64>
  // expected-error @+2 {{repeats entry 0 is negative: -2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.tile %x, %r : (tensor<3xf32>, tensor<1xi64>) -> tensor<?xf32>
  return
}

// -----

func.func @split_axis(%x: tensor<4xf32>) {
  // expected-error @+2 {{axis 1 is out of range [0, 1)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0, %1 = model.split %x {axis = 1 : i64, parts = 2 : i64} : (tensor<4xf32>) -> (tensor<2xf32>, tensor<2xf32>)
  return
}

// -----

func.func @split_parts(%x: tensor<4xf32>) {
  // expected-error @+2 {{parts must be positive, got 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.split %x {axis = 0 : i64, parts = 0 : i64} : (tensor<4xf32>) -> (tensor<4xf32>)
  return
}

// -----

func.func @split_sizes_length(%x: tensor<4xf32>, %s: tensor<3xi64>) {
  // expected-error @+2 {{sizes has 3 entries, expected 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0, %1 = model.split %x, %s {axis = 0 : i64, parts = 2 : i64} : (tensor<4xf32>, tensor<3xi64>) -> (tensor<?xf32>, tensor<?xf32>)
  return
}

// -----

func.func @split_sizes_sum(%x: tensor<4xf32>) {
  %s = model.constant dense<[1, 2]> : tensor<2xi64>
  // expected-error @+2 {{split sizes add up to 3, not to the dim's size 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0, %1 = model.split %x, %s {axis = 0 : i64, parts = 2 : i64} : (tensor<4xf32>, tensor<2xi64>) -> (tensor<1xf32>, tensor<2xf32>)
  return
}

// -----

func.func @split_negative(%x: tensor<?xf32>) {
  %s = model.constant dense<[-1, 2]> : tensor<2xi64>
  // expected-error @+2 {{split size 0 is negative: -1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0, %1 = model.split %x, %s {axis = 0 : i64, parts = 2 : i64} : (tensor<?xf32>, tensor<2xi64>) -> (tensor<?xf32>, tensor<2xf32>)
  return
}

// -----

func.func @pad_length(%x: tensor<3x2xf32>, %p: tensor<2xi64>) {
  // expected-error @+2 {{pads has 2 entries, expected 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.pad %x, %p : (tensor<3x2xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @pad_overcrop(%x: tensor<3xf32>) {
  %p = model.constant dense<[-2, -2]> : tensor<2xi64>
  // expected-error @+2 {{pads [-2, -2] crop more than dim 0 of size 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.pad %x, %p : (tensor<3xf32>, tensor<2xi64>) -> tensor<?xf32>
  return
}

// -----

func.func @pad_mode(%x: tensor<3xf32>, %p: tensor<2xi64>) {
  // expected-error @+1 {{'model.pad' op mode must be constant, reflect, edge or wrap, got 'symmetric'}}
  %0 = model.pad %x, %p {mode = "symmetric"} : (tensor<3xf32>, tensor<2xi64>) -> tensor<?xf32>
  return
}

// -----

func.func @pad_value_mode(%x: tensor<3xf32>, %p: tensor<2xi64>, %v: tensor<f32>) {
  // expected-error @+1 {{'model.pad' op takes a pad value only in constant mode}}
  %0 = model.pad %x, %p, %v {mode = "edge"} : (tensor<3xf32>, tensor<2xi64>, tensor<f32>) -> tensor<?xf32>
  return
}

// -----

func.func @pad_value_type(%x: tensor<3xf32>, %p: tensor<2xi64>, %v: tensor<2xf32>) {
  // expected-error @+1 {{'model.pad' op pad value must be a scalar of the input's element type, got 'tensor<2xf32>'}}
  %0 = model.pad %x, %p, %v : (tensor<3xf32>, tensor<2xi64>, tensor<2xf32>) -> tensor<?xf32>
  return
}

// -----

func.func @constant_of_shape_value(%s: tensor<2xi64>) {
  // expected-error @+2 {{value must be an integer or float attribute}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.constant_of_shape %s {value = dense<1.0> : tensor<1xf32>} : (tensor<2xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @constant_of_shape_negative() {
  %s = model.constant dense<[2, -3]> : tensor<2xi64>
  // expected-error @+2 {{shape entry 1 is negative: -3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.constant_of_shape %s {value = 0.0 : f32} : (tensor<2xi64>) -> tensor<2x?xf32>
  return
}

// -----

func.func @range_types(%a: tensor<i64>, %b: tensor<i32>) {
  // expected-error @+2 {{start, limit and delta must be 0-D tensors of one element type}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.range %a, %b, %a : (tensor<i64>, tensor<i32>, tensor<i64>) -> tensor<?xi64>
  return
}

// -----

func.func @range_bool(%a: tensor<i1>) {
  // expected-error @+2 {{requires integer or floating-point operands, got 'i1'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.range %a, %a, %a : (tensor<i1>, tensor<i1>, tensor<i1>) -> tensor<?xi1>
  return
}

// -----

func.func @range_zero_delta() {
  %a = model.constant dense<0> : tensor<i64>
  %b = model.constant dense<4> : tensor<i64>
  // expected-error @+2 {{delta is zero, or the length is not representable}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.range %a, %b, %a : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  return
}

// -----

func.func @eye_like_rank(%x: tensor<3xf32>) {
  // expected-error @+2 {{input must be 2-D, got rank 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.eye_like %x {dtype = f32} : (tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @eye_like_dtype(%x: tensor<3x3xf32>) {
  // expected-error @+2 {{dtype must be an integer or float type, got 'index'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.eye_like %x {dtype = index} : (tensor<3x3xf32>) -> tensor<3x3xindex>
  return
}

// -----

func.func @one_hot_axis(%i: tensor<3xi64>, %d: tensor<i64>, %v: tensor<2xf32>) {
  // expected-error @+2 {{axis 2 is out of range [0, 1]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.one_hot %i, %d, %v {axis = 2 : i64} : (tensor<3xi64>, tensor<i64>, tensor<2xf32>) -> tensor<3x?xf32>
  return
}

// -----

func.func @one_hot_values(%i: tensor<3xi64>, %d: tensor<i64>, %v: tensor<3xf32>) {
  // expected-error @+2 {{values must be [off, on], got 'tensor<3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.one_hot %i, %d, %v {axis = 1 : i64} : (tensor<3xi64>, tensor<i64>, tensor<3xf32>) -> tensor<3x?xf32>
  return
}

// -----

func.func @one_hot_depth_shape(%i: tensor<3xi64>, %d: tensor<2xi64>, %v: tensor<2xf32>) {
  // expected-error @+2 {{depth must be a scalar, got 'tensor<2xi64>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.one_hot %i, %d, %v {axis = 1 : i64} : (tensor<3xi64>, tensor<2xi64>, tensor<2xf32>) -> tensor<3x?xf32>
  return
}

// -----

func.func @one_hot_negative_depth(%i: tensor<3xi64>, %v: tensor<2xf32>) {
  %d = model.constant dense<-2.5> : tensor<f32>
  // expected-error @+2 {{depth is negative: -2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.one_hot %i, %d, %v {axis = 1 : i64} : (tensor<3xi64>, tensor<f32>, tensor<2xf32>) -> tensor<3x?xf32>
  return
}

// -----

func.func @trilu_rank(%x: tensor<3xf32>, %k: tensor<i64>) {
  // expected-error @+2 {{input must have rank >= 2, got 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.trilu %x, %k {upper = true} : (tensor<3xf32>, tensor<i64>) -> tensor<3xf32>
  return
}

// -----

func.func @trilu_k(%x: tensor<3x3xf32>, %k: tensor<1xi32>) {
  // expected-error @+2 {{k must be a 0-D i64 tensor, got 'tensor<1xi32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.trilu %x, %k {upper = true} : (tensor<3x3xf32>, tensor<1xi32>) -> tensor<3x3xf32>
  return
}

// -----

func.func @depth_to_space_mode(%x: tensor<1x8x2x2xf32>) {
  // expected-error @+2 {{mode must be DCR or CRD, got 'RCD'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.depth_to_space %x {blocksize = 2 : i64, mode = "RCD"} : (tensor<1x8x2x2xf32>) -> tensor<1x2x4x4xf32>
  return
}

// -----

func.func @depth_to_space_channels(%x: tensor<1x6x2x2xf32>) {
  // expected-error @+2 {{channels 6 are not divisible by blocksize^2 = 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.depth_to_space %x {blocksize = 2 : i64} : (tensor<1x6x2x2xf32>) -> tensor<1x?x4x4xf32>
  return
}

// -----

func.func @depth_to_space_blocksize(%x: tensor<1x6x2x2xf32>) {
  // expected-error @+2 {{blocksize 0 is invalid}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.depth_to_space %x {blocksize = 0 : i64} : (tensor<1x6x2x2xf32>) -> tensor<1x?x?x?xf32>
  return
}

// -----

func.func @space_to_depth_rank(%x: tensor<6x2x2xf32>) {
  // expected-error @+2 {{input must be 4-D (NCHW), got rank 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.space_to_depth %x {blocksize = 2 : i64} : (tensor<6x2x2xf32>) -> tensor<6x2x2xf32>
  return
}

// -----

func.func @space_to_depth_spatial(%x: tensor<1x1x3x4xf32>) {
  // expected-error @+2 {{dim 2 of size 3 is not divisible by the blocksize 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.space_to_depth %x {blocksize = 2 : i64} : (tensor<1x1x3x4xf32>) -> tensor<1x4x?x2xf32>
  return
}

// -----

func.func @gather_elements_rank(%d: tensor<3x3xf32>, %i: tensor<3xi64>) {
  // expected-error @+2 {{indices must have the data's rank 2, got 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.gather_elements %d, %i {axis = 0 : i64} : (tensor<3x3xf32>, tensor<3xi64>) -> tensor<3xf32>
  return
}

// -----

func.func @gather_elements_larger(%d: tensor<3x3xf32>, %i: tensor<2x4xi64>) {
  // expected-error @+2 {{indices dim 1 of size 4 exceeds the data's 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.gather_elements %d, %i {axis = 0 : i64} : (tensor<3x3xf32>, tensor<2x4xi64>) -> tensor<2x4xf32>
  return
}

// -----

func.func @gather_elements_type(%d: tensor<3x3xf32>, %i: tensor<3x3xi16>) {
  // expected-error @+2 {{indices must be i32 or i64, got 'i16'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.gather_elements %d, %i {axis = 0 : i64} : (tensor<3x3xf32>, tensor<3x3xi16>) -> tensor<3x3xf32>
  return
}

// -----

func.func @gather_nd_unsigned(%d: tensor<3x3xf32>, %i: tensor<2x2xui32>) {
  // expected-error @+2 {{indices must be i32 or i64, got 'ui32'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.gather_nd %d, %i : (tensor<3x3xf32>, tensor<2x2xui32>) -> tensor<2xf32>
  return
}

// -----

func.func @gather_nd_tuple(%d: tensor<3x3xf32>, %i: tensor<2x?xi64>) {
  // expected-error @+2 {{the last dim of indices (the tuple length) must be static}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.gather_nd %d, %i : (tensor<3x3xf32>, tensor<2x?xi64>) -> tensor<2xf32>
  return
}

// -----

func.func @gather_nd_long_tuple(%d: tensor<3x3xf32>, %i: tensor<2x3xi64>) {
  // expected-error @+2 {{index tuples of length 3 do not fit data of rank 2 with 0 batch dims}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.gather_nd %d, %i : (tensor<3x3xf32>, tensor<2x3xi64>) -> tensor<2xf32>
  return
}

// -----

func.func @gather_nd_batch(%d: tensor<3x3xf32>, %i: tensor<2x1xi64>) {
  // expected-error @+2 {{batch dim 0 differs: data 3, indices 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.gather_nd %d, %i {batchDims = 1 : i64} : (tensor<3x3xf32>, tensor<2x1xi64>) -> tensor<2xf32>
  return
}

// -----

func.func @scatter_nd_updates(%d: tensor<4x4xf32>, %i: tensor<2x1xi64>, %u: tensor<2x3xf32>) {
  // expected-error @+2 {{updates of shape [2, 3] do not match indices.shape[:-1] + data.shape[k:] = [2, 4]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.scatter_nd %d, %i, %u : (tensor<4x4xf32>, tensor<2x1xi64>, tensor<2x3xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @scatter_nd_reduction(%d: tensor<4x4xf32>, %i: tensor<2x1xi64>, %u: tensor<2x4xf32>) {
  // expected-error @+1 {{'model.scatter_nd' op reduction must be none, add, mul, max or min, got 'sub'}}
  %0 = model.scatter_nd %d, %i, %u {reduction = "sub"} : (tensor<4x4xf32>, tensor<2x1xi64>, tensor<2x4xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @scatter_elements_updates(%d: tensor<4x4xf32>, %i: tensor<2x2xi64>, %u: tensor<2x3xf32>) {
  // expected-error @+2 {{updates of shape [2, 3] differ from the indices' [2, 2]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.scatter_elements %d, %i, %u {axis = 0 : i64} : (tensor<4x4xf32>, tensor<2x2xi64>, tensor<2x3xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @scatter_elements_reduction(%d: tensor<4x4xf32>, %i: tensor<2x2xi64>, %u: tensor<2x2xf32>) {
  // expected-error @+1 {{'model.scatter_elements' op reduction must be none, add, mul, max or min, got 'avg'}}
  %0 = model.scatter_elements %d, %i, %u {axis = 0 : i64, reduction = "avg"} : (tensor<4x4xf32>, tensor<2x2xi64>, tensor<2x2xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @reverse_sequence_axes(%x: tensor<4x3xf32>, %l: tensor<3xi64>) {
  // expected-error @+2 {{batchAxis and timeAxis must be 0 and 1 in some order, got 1 and 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.reverse_sequence %x, %l {batchAxis = 1 : i64, timeAxis = 1 : i64} : (tensor<4x3xf32>, tensor<3xi64>) -> tensor<4x3xf32>
  return
}

// -----

func.func @reverse_sequence_lens(%x: tensor<4x3xf32>, %l: tensor<4xi64>) {
  // expected-error @+2 {{sequenceLens has 4 entries for a batch of 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.reverse_sequence %x, %l {batchAxis = 1 : i64, timeAxis = 0 : i64} : (tensor<4x3xf32>, tensor<4xi64>) -> tensor<4x3xf32>
  return
}

// -----

func.func @pad_edge_of_nothing(%x: tensor<0x3xf32>) {
  %p = model.constant dense<[1, 0, 0, 0]> : tensor<4xi64>
  // expected-error @+1 {{'model.pad' op mode 'edge' cannot pad dim 0, which has no element left to read}}
  %0 = model.pad %x, %p {mode = "edge"} : (tensor<0x3xf32>, tensor<4xi64>) -> tensor<1x3xf32>
  return
}
