// RUN: kiln-opt %s --split-input-file --verify-diagnostics
// Every verifier and inference error of the vision ops.

func.func @conv_rank(%x: tensor<2x3xf32>, %w: tensor<2x3xf32>) {
  // expected-error @+2 {{input and weight must have the same rank >= 3, got 2 and 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.conv %x, %w {strides = array<i64>, dilations = array<i64>, pads = array<i64>} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x2xf32>
  return
}

// -----

// Integer convolutions are i32 only (ConvInteger shifts and widens first).
func.func @conv_int(%x: tensor<1x3x5xi8>, %w: tensor<2x3x3xi8>) {
  // expected-error @+2 {{input and weight must share a floating-point element type or i32}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 0, 0>} : (tensor<1x3x5xi8>, tensor<2x3x3xi8>) -> tensor<1x2x3xi8>
  return
}

// -----

func.func @conv_transpose_int(%x: tensor<1x3x5xi32>, %w: tensor<3x2x3xi32>) {
  // expected-error @+2 {{input and weight must share a floating-point element type}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.conv_transpose %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 0, 0>, output_padding = array<i64: 0>} : (tensor<1x3x5xi32>, tensor<3x2x3xi32>) -> tensor<1x2x7xi32>
  return
}

// -----

func.func @conv_dynamic_channels(%x: tensor<1x?x5xf32>, %w: tensor<2x3x3xf32>) {
  // expected-error @+2 {{the input channels and the weight shape must be static, got [1, ?, 5] and [2, 3, 3]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 0, 0>} : (tensor<1x?x5xf32>, tensor<2x3x3xf32>) -> tensor<1x2x3xf32>
  return
}

// -----

func.func @conv_group(%x: tensor<1x3x5xf32>, %w: tensor<2x3x3xf32>) {
  // expected-error @+2 {{group 2 does not divide the 3 input channels}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 0, 0>, group = 2} : (tensor<1x3x5xf32>, tensor<2x3x3xf32>) -> tensor<1x2x3xf32>
  return
}

// -----

func.func @conv_weight_channels(%x: tensor<1x3x5xf32>, %w: tensor<2x2x3xf32>) {
  // expected-error @+2 {{weight [2, 2, 3] does not fit 3 input channels in 1 groups}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 0, 0>} : (tensor<1x3x5xf32>, tensor<2x2x3xf32>) -> tensor<1x2x3xf32>
  return
}

// -----

func.func @conv_bias(%x: tensor<1x3x5xf32>, %w: tensor<2x3x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+2 {{bias has 3 elements for 2 output channels}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.conv %x, %w, %b {strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 0, 0>} : (tensor<1x3x5xf32>, tensor<2x3x3xf32>, tensor<3xf32>) -> tensor<1x2x3xf32>
  return
}

// -----

func.func @conv_attr_lengths(%x: tensor<1x3x5xf32>, %w: tensor<2x3x3xf32>) {
  // expected-error @+2 {{expected 1 kernel sizes, strides and dilations and 2 pads for 1 spatial dims}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1>, pads = array<i64: 0, 0>} : (tensor<1x3x5xf32>, tensor<2x3x3xf32>) -> tensor<1x2x3xf32>
  return
}

// -----

func.func @conv_stride_zero(%x: tensor<1x3x5xf32>, %w: tensor<2x3x3xf32>) {
  // expected-error @+2 {{stride 0 and dilation 1 of spatial dim 0 must be in [1, 2^31]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.conv %x, %w {strides = array<i64: 0>, dilations = array<i64: 1>, pads = array<i64: 0, 0>} : (tensor<1x3x5xf32>, tensor<2x3x3xf32>) -> tensor<1x2x3xf32>
  return
}

// -----

func.func @conv_negative_pad(%x: tensor<1x3x5xf32>, %w: tensor<2x3x3xf32>) {
  // expected-error @+2 {{pads -1, 0 of spatial dim 0 must be in [0, 2^31]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: -1, 0>} : (tensor<1x3x5xf32>, tensor<2x3x3xf32>) -> tensor<1x2x2xf32>
  return
}

// -----

func.func @conv_auto_pad(%x: tensor<1x3x5xf32>, %w: tensor<2x3x3xf32>) {
  // expected-error @+2 {{auto_pad 'valid' is not one of explicit, same_upper, same_lower}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 0, 0>, auto_pad = "valid"} : (tensor<1x3x5xf32>, tensor<2x3x3xf32>) -> tensor<1x2x3xf32>
  return
}

// -----

func.func @conv_same_with_pads(%x: tensor<1x3x5xf32>, %w: tensor<2x3x3xf32>) {
  // expected-error @+2 {{pads must be 0 with auto_pad 'same_upper'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 1, 1>, auto_pad = "same_upper"} : (tensor<1x3x5xf32>, tensor<2x3x3xf32>) -> tensor<1x2x5xf32>
  return
}

// -----

func.func @conv_too_small(%x: tensor<1x3x2xf32>, %w: tensor<2x3x3xf32>) {
  // expected-error @+2 {{spatial dim 0 of size 2 padded by 0 and 0 is shorter than the kernel of size 3 dilated by 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 0, 0>} : (tensor<1x3x2xf32>, tensor<2x3x3xf32>) -> tensor<1x2x1xf32>
  return
}

// -----

func.func @conv_batch_refined(%x: tensor<?x3x5xf32>, %w: tensor<2x3x3xf32>) {
  /// The lowering takes the batch size from the input: no refinement.
  // expected-error @+2 {{inferred type(s) 'tensor<?x2x3xf32>' are incompatible with return type(s) of operation 'tensor<1x2x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 0, 0>} : (tensor<?x3x5xf32>, tensor<2x3x3xf32>) -> tensor<1x2x3xf32>
  return
}

// -----

func.func @conv_transpose_weight(%x: tensor<1x3x5xf32>, %w: tensor<2x2x3xf32>) {
  // expected-error @+2 {{weight [2, 2, 3] does not start with the 3 input channels}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.conv_transpose %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 0, 0>, output_padding = array<i64: 0>} : (tensor<1x3x5xf32>, tensor<2x2x3xf32>) -> tensor<1x2x7xf32>
  return
}

// -----

func.func @conv_transpose_output_padding(%x: tensor<1x3x5xf32>, %w: tensor<3x2x3xf32>) {
  // expected-error @+2 {{expected 1 output paddings in [0, 2^31]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.conv_transpose %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 0, 0>, output_padding = array<i64: 0, 0>} : (tensor<1x3x5xf32>, tensor<3x2x3xf32>) -> tensor<1x2x7xf32>
  return
}

// -----

func.func @conv_transpose_empty(%x: tensor<1x3x1xf32>, %w: tensor<3x2x3xf32>) {
  // expected-error @+2 {{spatial dim 0 of size 1 gives no valid output size with pads 2 and 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.conv_transpose %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 2, 2>, output_padding = array<i64: 0>} : (tensor<1x3x1xf32>, tensor<3x2x3xf32>) -> tensor<1x2x1xf32>
  return
}

// -----

func.func @max_pool_i1(%x: tensor<1x3x5xi1>) {
  // expected-error @+2 {{max_pool needs a float or integer input, got 'i1'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.max_pool %x {kernel_shape = array<i64: 2>, strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 0, 0>} : (tensor<1x3x5xi1>) -> tensor<1x3x4xi1>
  return
}

// -----

func.func @max_pool_storage_order(%x: tensor<1x3x5xf32>) {
  // expected-error @+2 {{storage_order must be 0 or 1, got 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0, %1 = model.max_pool %x {kernel_shape = array<i64: 2>, strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 0, 0>, with_indices = true, storage_order = 2} : (tensor<1x3x5xf32>) -> (tensor<1x3x4xf32>, tensor<1x3x4xi64>)
  return
}

// -----

func.func @max_pool_rank(%x: tensor<3x5xf32>) {
  // expected-error @+2 {{input must have rank >= 3, got 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.max_pool %x {kernel_shape = array<i64>, strides = array<i64>, dilations = array<i64>, pads = array<i64>} : (tensor<3x5xf32>) -> tensor<3x5xf32>
  return
}

// -----

func.func @average_pool_int(%x: tensor<1x3x5xi32>) {
  // expected-error @+2 {{average_pool needs a floating-point input, got 'i32'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.average_pool %x {kernel_shape = array<i64: 2>, strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 0, 0>} : (tensor<1x3x5xi32>) -> tensor<1x3x4xi32>
  return
}

// -----

func.func @average_pool_kernel(%x: tensor<1x3x5xf32>) {
  // expected-error @+2 {{kernel size 0 of spatial dim 0 must be static and in [1, 2^31]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.average_pool %x {kernel_shape = array<i64: 0>, strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 0, 0>} : (tensor<1x3x5xf32>) -> tensor<1x3x6xf32>
  return
}

// -----

func.func @lrn_rank(%x: tensor<3xf32>) {
  // expected-error @+1 {{'model.lrn' op needs a floating-point input of rank >= 2}}
  %0 = model.lrn %x {size = 3 : i64, alpha = 1.0e-04 : f32, beta = 0.75 : f32, bias = 1.0 : f32} : tensor<3xf32>
  return
}

// -----

func.func @lrn_size(%x: tensor<1x3xf32>) {
  // expected-error @+1 {{'model.lrn' op size 0 must be in [1, 2^31]}}
  %0 = model.lrn %x {size = 0 : i64, alpha = 1.0e-04 : f32, beta = 0.75 : f32, bias = 1.0 : f32} : tensor<1x3xf32>
  return
}

// -----

func.func @resize_scales_and_sizes(%x: tensor<2x4xf32>) {
  // expected-error @+2 {{exactly one of scales and sizes must be given, with one entry per dim (2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.resize %x {scales = array<f64: 1.0, 2.0>, sizes = array<i64: 2, 8>} : (tensor<2x4xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @resize_scales_length(%x: tensor<2x4xf32>) {
  // expected-error @+2 {{exactly one of scales and sizes must be given, with one entry per dim (2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.resize %x {scales = array<f64: 2.0>} : (tensor<2x4xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @resize_runtime_sizes_type(%x: tensor<2x4xf32>, %z: tensor<2xi32>) {
  // expected-error @+2 {{sizes must be a 1-D i64 tensor of 2 elements, got 'tensor<2xi32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.resize %x sizes %z : (tensor<2x4xf32>, tensor<2xi32>) -> tensor<?x?xf32>
  return
}

// -----

func.func @resize_mode(%x: tensor<2x4xf32>) {
  // expected-error @+2 {{mode 'bilinear' is not one of nearest, linear, cubic}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.resize %x {mode = "bilinear", scales = array<f64: 1.0, 2.0>} : (tensor<2x4xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @resize_linear_int(%x: tensor<2x4xi32>) {
  // expected-error @+2 {{linear resize needs a floating-point input, got 'i32'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.resize %x {mode = "linear", scales = array<f64: 1.0, 2.0>} : (tensor<2x4xi32>) -> tensor<2x8xi32>
  return
}

// -----

func.func @resize_coordinates(%x: tensor<2x4xf32>) {
  // expected-error @+2 {{coordinate_mode 'corners' is not supported}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.resize %x {coordinate_mode = "corners", scales = array<f64: 1.0, 2.0>} : (tensor<2x4xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @resize_nearest(%x: tensor<2x4xf32>) {
  // expected-error @+2 {{nearest_mode 'round' is not supported}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.resize %x {nearest_mode = "round", scales = array<f64: 1.0, 2.0>} : (tensor<2x4xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @resize_roi(%x: tensor<2x4xf32>) {
  // expected-error @+2 {{tf_crop_and_resize needs 4 roi entries, got 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.resize %x {coordinate_mode = "tf_crop_and_resize", scales = array<f64: 1.0, 2.0>} : (tensor<2x4xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @resize_scale_zero(%x: tensor<2x4xf32>) {
  // expected-error @+2 {{scale 0.000000e+00 of dim 1 is not positive}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.resize %x {scales = array<f64: 1.0, 0.0>} : (tensor<2x4xf32>) -> tensor<2x0xf32>
  return
}

// -----

func.func @resize_empty(%x: tensor<2x0xf32>) {
  // expected-error @+2 {{dim 1 is empty and cannot be resized to 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = model.resize %x {sizes = array<i64: 2, 3>} : (tensor<2x0xf32>) -> tensor<2x3xf32>
  return
}
