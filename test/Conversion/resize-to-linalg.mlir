// RUN: kiln-opt %s --split-input-file --kiln-convert-model-to-linalg --canonicalize | FileCheck %s
// model.resize resizes one dim after another: a generic over the output
// computes the input coordinate in f64 and reads its neighbours with
// tensor.extract at clamped indices.

/// Only the dims whose scale is not 1 are resized: two generics, the first
/// over [1, 2, 8, 4] reading dim 2, the second reading dim 3 of its result.
// CHECK-LABEL: func @nearest_asymmetric
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x4x4xf32>)
// CHECK: %[[H:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<1x2x8x4xf32>)
// CHECK: math.floor
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: arith.fptosi
// CHECK: tensor.extract %[[X]][%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : tensor<1x2x4x4xf32>
// CHECK: %[[W:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<1x2x8x8xf32>)
// CHECK: tensor.extract %[[H]][{{.*}}] : tensor<1x2x8x4xf32>
// CHECK: return %[[W]]
func.func @nearest_asymmetric(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x8x8xf32> {
  %0 = model.resize %x {nearest_mode = "floor", coordinate_mode = "asymmetric", scales = array<f64: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x8x8xf32>
  return %0 : tensor<1x2x8x8xf32>
}

// -----

/// Run-time scales: checked to be positive, the output size is
/// floor(in * scale); linear reads two neighbours and blends in f32 for
/// f16 data.
// CHECK-LABEL: func @linear_runtime_scales
// CHECK: %[[S0:.*]] = tensor.extract %{{.*}}[%{{.*}}] : tensor<2xf32>
// CHECK: %[[SCALE:.*]] = arith.extf %[[S0]] : f32 to f64
// CHECK: %[[POS:.*]] = arith.cmpf ogt, %[[SCALE]]
// CHECK: cf.assert %[[POS]], "{{.*}}(model.resize): scale 0 is not positive"
// CHECK: %[[OUT:.*]] = arith.mulf %[[SCALE]], %{{.*}} : f64
// CHECK: math.floor %[[OUT]]
// CHECK: %[[R:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<?x4xf16>)
// CHECK-COUNT-2: tensor.extract %{{.*}} : tensor<2x4xf16>
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: cf.assert %{{.*}}, "{{.*}}(model.resize): scale 1 is not positive"
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<?x?xf16>)
func.func @linear_runtime_scales(%x: tensor<2x4xf16>, %s: tensor<2xf32>) -> tensor<?x?xf16> {
  %0 = model.resize %x scales %s {mode = "linear"} : (tensor<2x4xf16>, tensor<2xf32>) -> tensor<?x?xf16>
  return %0 : tensor<?x?xf16>
}

// -----

/// Cubic with exclude_outside: four taps whose weights are 0 outside the
/// input, renormalized by their sum.
// CHECK-LABEL: func @cubic_exclude_outside
// CHECK: linalg.generic
// CHECK-COUNT-4: tensor.extract
// CHECK: arith.divf
// CHECK-NOT: linalg.generic
func.func @cubic_exclude_outside(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %0 = model.resize %x {mode = "cubic", cubic_coeff_a = -0.5, exclude_outside = true, scales = array<f64: 1.0, 0.6>} : (tensor<1x4xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

/// tf_crop_and_resize writes the extrapolation value outside [0, in - 1];
/// even a dim of unchanged size is resized (the roi crops it).
// CHECK-LABEL: func @crop_and_resize
// CHECK-DAG: %[[TEN:.*]] = arith.constant 1.000000e+01 : f32
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<3x4xf32>)
// CHECK: %[[IN:.*]] = arith.andi
// CHECK: arith.select %[[IN]], %{{.*}}, %[[TEN]] : f32
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<3x4xf32>)
func.func @crop_and_resize(%x: tensor<4x4xf32>) -> tensor<3x4xf32> {
  %0 = model.resize %x {mode = "linear", coordinate_mode = "tf_crop_and_resize", extrapolation_value = 10.0, roi = array<f64: 0.4, 0.6, 0.6, 0.8>, sizes = array<i64: 3, 4>} : (tensor<4x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

/// A symbolic dim that may be empty: resizing it to a non-empty size is a
/// run-time error, and zeros are read after it.
// CHECK-LABEL: func @empty_guard
// CHECK: cf.assert %{{.*}}, "{{.*}}(model.resize): dim 0 of the input is empty but resized to a non-empty size"
// CHECK: scf.if
func.func @empty_guard(%x: tensor<?xf32>) -> tensor<5xf32> {
  %0 = model.resize %x {sizes = array<i64: 5>} : (tensor<?xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}
