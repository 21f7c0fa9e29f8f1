// RUN: kiln-opt %s --split-input-file --kiln-convert-model-to-linalg | FileCheck %s
// Convolutions and pools read an input padded by tensor.pad, then the named
// linalg op that fits, else a linalg.generic with the convolution maps.

// CHECK-DAG: #[[BIAS:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func @conv_2d
// CHECK-SAME: (%[[X:.*]]: tensor<?x3x8x8xf32>, %[[W:.*]]: tensor<4x3x3x3xf32>, %[[B:.*]]: tensor<4xf32>)
/// The begin pads are the op's; no end pad is needed for stride 2.
// CHECK: %[[PAD:.*]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 0, 0]
// CHECK: } : tensor<?x3x8x8xf32> to tensor<?x3x9x9xf32>
/// The accumulator starts as the bias broadcast along the channels.
// CHECK: %[[INIT:.*]] = linalg.generic {indexing_maps = [#[[BIAS]], #{{.*}}], {{.*}} ins(%[[B]] : tensor<4xf32>)
// CHECK: linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[PAD]], %[[W]] : tensor<?x3x9x9xf32>, tensor<4x3x3x3xf32>) outs(%[[INIT]] : tensor<?x4x4x4xf32>)
// CHECK-NOT: cf.assert
func.func @conv_2d(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<?x4x4x4xf32> {
  %0 = model.conv %x, %w, %b {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 0>} : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<?x4x4x4xf32>
  return %0 : tensor<?x4x4x4xf32>
}

// -----

/// Groups become an explicit dim of input, weight and output.
// CHECK-LABEL: func @conv_grouped
// CHECK-DAG: %[[XG:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2], [3], [4]] output_shape [1, 2, 2, 5, 5]
// CHECK-DAG: %[[WG:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2], [3], [4]] output_shape [2, 3, 2, 3, 3]
// CHECK: %[[R:.*]] = linalg.conv_2d_ngchw_gfchw {{.*}} ins(%[[XG]], %[[WG]] : tensor<1x2x2x5x5xf32>, tensor<2x3x2x3x3xf32>)
// CHECK: tensor.collapse_shape %[[R]] {{\[\[}}0], [1, 2], [3], [4]] : tensor<1x2x3x3x3xf32> into tensor<1x6x3x3xf32>
func.func @conv_grouped(%x: tensor<1x4x5x5xf32>, %w: tensor<6x2x3x3xf32>) -> tensor<1x6x3x3xf32> {
  %0 = model.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 2} : (tensor<1x4x5x5xf32>, tensor<6x2x3x3xf32>) -> tensor<1x6x3x3xf32>
  return %0 : tensor<1x6x3x3xf32>
}

// -----

/// One filter per channel is a depthwise convolution; f16 accumulates in f32.
// CHECK-LABEL: func @conv_depthwise_f16
// CHECK: %[[F:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2]] : tensor<4x1x3xf16> into tensor<4x3xf16>
// CHECK: %[[R:.*]] = linalg.depthwise_conv_1d_ncw_cw {{.*}} ins(%{{.*}}, %[[F]] : tensor<1x4x5xf16>, tensor<4x3xf16>) outs(%{{.*}} : tensor<1x4x3xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[R]] : tensor<1x4x3xf32>)
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @conv_depthwise_f16(%x: tensor<1x4x5xf16>, %w: tensor<4x1x3xf16>) -> tensor<1x4x3xf16> {
  %0 = model.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 0, 0>, group = 4} : (tensor<1x4x5xf16>, tensor<4x1x3xf16>) -> tensor<1x4x3xf16>
  return %0 : tensor<1x4x3xf16>
}

// -----

/// No named op for grouped 1-D convolutions: a generic over
/// (n, g, f, o, c, j) reading x[n, g * Cg + c, o * s + j * d].
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 * 2 + d4, d3 * 2 + d5 * 3)>
// CHECK-DAG: #[[WT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d2, d4, d5)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func @conv_grouped_1d
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[WT]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<1x4x11xf32>, tensor<2x1x2x3xf32>) outs(%{{.*}} : tensor<1x2x1x3xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @conv_grouped_1d(%x: tensor<1x4x11xf32>, %w: tensor<2x2x3xf32>) -> tensor<1x2x3xf32> {
  %0 = model.conv %x, %w {strides = array<i64: 2>, dilations = array<i64: 3>, pads = array<i64: 0, 0>, group = 2} : (tensor<1x4x11xf32>, tensor<2x2x3xf32>) -> tensor<1x2x3xf32>
  return %0 : tensor<1x2x3xf32>
}

// -----

// CHECK-LABEL: func @conv_3d
// CHECK: linalg.conv_3d_ncdhw_fcdhw {dilations = dense<[1, 2, 1]> : tensor<3xi64>, strides = dense<1> : tensor<3xi64>}
func.func @conv_3d(%x: tensor<1x2x4x5x4xf32>, %w: tensor<3x2x2x2x2xf32>) -> tensor<1x3x3x3x3xf32> {
  %0 = model.conv %x, %w {strides = array<i64: 1, 1, 1>, dilations = array<i64: 1, 2, 1>, pads = array<i64: 0, 0, 0, 0, 0, 0>} : (tensor<1x2x4x5x4xf32>, tensor<3x2x2x2x2xf32>) -> tensor<1x3x3x3x3xf32>
  return %0 : tensor<1x3x3x3x3xf32>
}

// -----

/// SAME_UPPER on a symbolic dim: out = ceil(in / s) and the pads are
/// computed at run time.
// CHECK-LABEL: func @conv_same_dynamic
// CHECK: %[[IN:.*]] = tensor.dim %{{.*}}, %{{.*}} : tensor<1x1x?xf32>
// CHECK: %[[OUT:.*]] = arith.ceildivsi %[[IN]], %{{.*}} : index
// CHECK: %[[TOTAL:.*]] = arith.maxsi
// CHECK: %[[LOW:.*]] = arith.floordivsi %[[TOTAL]], %{{.*}} : index
// CHECK: %[[PAD:.*]] = tensor.pad %{{.*}} low[0, 0, %[[LOW]]] high[0, 0, %{{.*}}]
// CHECK: %[[E:.*]] = tensor.empty(%[[OUT]]) : tensor<1x1x?xf32>
// CHECK: linalg.conv_1d_ncw_fcw {{.*}} ins(%[[PAD]], %{{.*}} : tensor<1x1x?xf32>, tensor<1x1x3xf32>)
// CHECK-NOT: cf.assert
func.func @conv_same_dynamic(%x: tensor<1x1x?xf32>, %w: tensor<1x1x3xf32>) -> tensor<1x1x?xf32> {
  %0 = model.conv %x, %w {strides = array<i64: 2>, dilations = array<i64: 1>, pads = array<i64: 0, 0>, auto_pad = "same_upper"} : (tensor<1x1x?xf32>, tensor<1x1x3xf32>) -> tensor<1x1x?xf32>
  return %0 : tensor<1x1x?xf32>
}

// -----

/// An input that may be shorter than the kernel, and a declared output size
/// that may contradict the input's, are checked at run time.
// CHECK-LABEL: func @conv_checked
// CHECK: cf.assert %{{.*}}, "{{.*}}(model.conv): spatial dim 0 of the padded input is shorter than the dilated kernel"
// CHECK: cf.assert %{{.*}}, "{{.*}}(model.conv): spatial dim 0 of the output differs from its declared size 4"
// CHECK: tensor.pad
// CHECK: } : tensor<1x1x?xf32> to tensor<1x1x?xf32>
// CHECK: linalg.conv_1d_ncw_fcw {{.*}} outs(%{{.*}} : tensor<1x1x4xf32>)
func.func @conv_checked(%x: tensor<1x1x?xf32>, %w: tensor<1x1x3xf32>) -> tensor<1x1x4xf32> {
  %0 = model.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 0, 0>} : (tensor<1x1x?xf32>, tensor<1x1x3xf32>) -> tensor<1x1x4xf32>
  return %0 : tensor<1x1x4xf32>
}

// -----

/// The input dilated by the stride (a strided insert into zeros, padded by
/// (K - 1) * d - pad_begin in front), then a stride-1 convolution with the
/// kernel flipped: w[c, f, 2 - j].
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 * 2 + d4, d3 + d5)>
// CHECK-DAG: #[[WT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d4, d2, -d5 + 2)>
// CHECK-DAG: #[[WIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d5)>
// CHECK-LABEL: func @conv_transpose
// CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x2x9xf32>)
// CHECK: %[[D:.*]] = tensor.insert_slice %{{.*}} into %[[Z]][0, 0, 2] [1, 2, 3] [1, 1, 2] : tensor<1x2x3xf32> into tensor<1x2x9xf32>
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[WT]], #[[WIN]], #{{.*}}]
// CHECK-SAME: ins(%[[D]], %{{.*}}, %{{.*}} : tensor<1x2x9xf32>, tensor<1x2x1x3xf32>, tensor<3xf32>) outs(%{{.*}} : tensor<1x1x1x7xf32>)
func.func @conv_transpose(%x: tensor<1x2x3xf32>, %w: tensor<2x1x3xf32>) -> tensor<1x1x7xf32> {
  %0 = model.conv_transpose %x, %w {strides = array<i64: 2>, dilations = array<i64: 1>, pads = array<i64: 0, 1>, output_padding = array<i64: 1>} : (tensor<1x2x3xf32>, tensor<2x1x3xf32>) -> tensor<1x1x7xf32>
  return %0 : tensor<1x1x7xf32>
}

// -----

/// Max pooling pads with -inf; ceil_mode adds end padding for the window
/// that hangs over (out = 3 from 6 elements with kernel 3, stride 2).
// CHECK-LABEL: func @max_pool_ceil
// CHECK: %[[NEG:.*]] = arith.constant 0xFF800000 : f32
// CHECK: tensor.pad %{{.*}} low[0, 0, 0, 0] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[NEG]] : f32
// CHECK: linalg.fill ins(%[[NEG]] : f32)
// CHECK: linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%{{.*}}, %{{.*}} : tensor<1x2x7x7xf32>, tensor<3x3xf32>) outs(%{{.*}} : tensor<1x2x3x3xf32>)
func.func @max_pool_ceil(%x: tensor<1x2x6x6xf32>) -> tensor<1x2x3x3xf32> {
  %0 = model.max_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, ceil_mode = true} : (tensor<1x2x6x6xf32>) -> tensor<1x2x3x3xf32>
  return %0 : tensor<1x2x3x3xf32>
}

// -----

/// 3-D pools are generics; integers pad with their smallest value.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2 * 2 + d5, d3 * 2 + d6, d4 * 2 + d7)>
// CHECK-LABEL: func @max_pool_3d_i8
// CHECK: %[[MIN:.*]] = arith.constant -128 : i8
// CHECK: linalg.generic {indexing_maps = [#[[IN]], {{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
// CHECK: arith.maxsi
func.func @max_pool_3d_i8(%x: tensor<1x2x4x4x4xi8>) -> tensor<1x2x2x2x2xi8> {
  %0 = model.max_pool %x {kernel_shape = array<i64: 2, 2, 2>, strides = array<i64: 2, 2, 2>, dilations = array<i64: 1, 1, 1>, pads = array<i64: 0, 0, 0, 0, 0, 0>} : (tensor<1x2x4x4x4xi8>) -> tensor<1x2x2x2x2xi8>
  return %0 : tensor<1x2x2x2x2xi8>
}

// -----

/// The argmax: the flattened position into the unpadded input of the first
/// element strictly greater than the maximum so far.
// CHECK-LABEL: func @max_pool_indices
// CHECK: linalg.generic {{.*}} outs(%{{.*}}, %{{.*}} : tensor<1x2x2x2xf32>, tensor<1x2x2x2xi64>)
// CHECK: linalg.index 2 : index
// CHECK: linalg.index 4 : index
// CHECK: arith.index_cast %{{.*}} : index to i64
// CHECK: %[[GT:.*]] = arith.cmpf ogt
// CHECK: arith.select %[[GT]], %{{.*}}, %{{.*}} : f32
// CHECK: arith.select %[[GT]], %{{.*}}, %{{.*}} : i64
func.func @max_pool_indices(%x: tensor<1x2x4x4xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xi64>) {
  %0, %1 = model.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, with_indices = true} : (tensor<1x2x4x4xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xi64>)
  return %0, %1 : tensor<1x2x2x2xf32>, tensor<1x2x2x2xi64>
}

// -----

/// Without padding every window counts kernel-size elements.
// CHECK-LABEL: func @average_pool_uniform
// CHECK: %[[SUM:.*]] = linalg.pooling_ncw_sum {{.*}} outs(%{{.*}} : tensor<1x2x3xf32>)
// CHECK: %[[FOUR:.*]] = arith.constant 4.000000e+00 : f32
// CHECK: linalg.generic {{.*}} ins(%[[SUM]] : tensor<1x2x3xf32>)
// CHECK-NOT: linalg.index
// CHECK: arith.divf %{{.*}}, %[[FOUR]] : f32
func.func @average_pool_uniform(%x: tensor<1x2x6xf32>) -> tensor<1x2x3xf32> {
  %0 = model.average_pool %x {kernel_shape = array<i64: 4>, strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 0, 0>} : (tensor<1x2x6xf32>) -> tensor<1x2x3xf32>
  return %0 : tensor<1x2x3xf32>
}

// -----

/// Pads that do not count: each output divides by its in-bounds count,
/// computed from its position.
// CHECK-LABEL: func @average_pool_exclude_pad
// CHECK: %[[SUM:.*]] = linalg.pooling_nchw_sum
// CHECK: linalg.generic {{.*}} ins(%[[SUM]] : tensor<1x1x3x3xf32>)
// CHECK: linalg.index 2 : index
// CHECK: arith.ceildivsi
// CHECK: linalg.index 3 : index
// CHECK: arith.sitofp %{{.*}} : i64 to f32
// CHECK: arith.divf
func.func @average_pool_exclude_pad(%x: tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32> {
  %0 = model.average_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// -----

/// LRN: squares padded along the channels, a window sum, then
/// x / (bias + alpha / size * sum)^beta.
// CHECK-DAG: #[[WIN:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1 + d3, d2)>
// CHECK-LABEL: func @lrn
// CHECK: %[[SQ:.*]] = linalg.generic
// CHECK: arith.mulf
// CHECK: %[[PAD:.*]] = tensor.pad %[[SQ]] low[0, 1, 0] high[0, 2, 0]
// CHECK: linalg.generic {indexing_maps = [#[[WIN]], {{.*}}], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[PAD]], %{{.*}} : tensor<1x7x2xf32>, tensor<4xf32>)
// CHECK: math.powf
// CHECK: arith.divf
func.func @lrn(%x: tensor<1x4x2xf32>) -> tensor<1x4x2xf32> {
  %0 = model.lrn %x {size = 4 : i64, alpha = 1.0e-04 : f32, beta = 0.75 : f32, bias = 1.0 : f32} : tensor<1x4x2xf32>
  return %0 : tensor<1x4x2xf32>
}
