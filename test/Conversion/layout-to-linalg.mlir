// RUN: kiln-opt %s --split-input-file --kiln-convert-model-to-linalg --canonicalize | FileCheck %s
// The layout and generate lowerings: known shape operands give static code
// with no check; entries known only at run time are read from the tensor,
// checked (naming the source), and the result is built only when they hold.

/// A constant shape: one generic reading the input through an affine map
/// (the stretched unit dim at 0), no check.
// CHECK-DAG: #[[STRETCH:.*]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-LABEL: func @expand_constant_shape
// CHECK-SAME: (%[[X:.*]]: tensor<3x1xf32>)
// CHECK-NOT: cf.assert
// CHECK: linalg.generic {indexing_maps = [#[[STRETCH]], #{{.*}}], {{.*}}} ins(%[[X]] : tensor<3x1xf32>) outs(%{{.*}} : tensor<2x3x4xf32>)
func.func @expand_constant_shape(%x: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %s = model.constant dense<[2, 1, 4]> : tensor<3xi64>
  %0 = model.expand %x, %s : (tensor<3x1xf32>, tensor<3xi64>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

/// A run-time shape against a dynamic dim: the entries are extracted, the
/// result size is e == 1 ? in : e, the check says they broadcast, and the
/// input is read at 0 where its dim is 1.
// CHECK-LABEL: func @expand_runtime_shape
// CHECK-SAME: (%[[X:.*]]: tensor<?x1xf32>, %[[S:.*]]: tensor<2xi64>)
// CHECK: %[[E0:.*]] = tensor.extract %[[S]][%{{.*}}] : tensor<2xi64>
// CHECK: %[[D0:.*]] = arith.index_cast %[[E0]] : i64 to index
// CHECK: %[[IN:.*]] = tensor.dim %[[X]]
// CHECK: %[[KEEP:.*]] = arith.cmpi eq, %[[D0]], %{{.*}}
// CHECK: %[[SIZE0:.*]] = arith.select %[[KEEP]], %[[IN]], %[[D0]] : index
// CHECK: cf.assert %[[OK:.*]], "{{.*}} (model.expand): the shape does not broadcast with the input
// CHECK: scf.if %[[OK]] -> (tensor<?x?xf32>) {
// CHECK: tensor.empty(%[[SIZE0]], %{{.*}}) : tensor<?x?xf32>
// CHECK: linalg.generic
// CHECK: arith.select
// CHECK: tensor.extract %[[X]]
// CHECK: } else {
// CHECK: linalg.fill {{.*}} -> tensor<0x0xf32>
func.func @expand_runtime_shape(%x: tensor<?x1xf32>, %s: tensor<2xi64>) -> tensor<?x?xf32> {
  %0 = model.expand %x, %s : (tensor<?x1xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

/// Run-time repeats: result dims in * r, read at p mod in; negative repeats
/// fail the check.
// CHECK-LABEL: func @tile_runtime_repeats
// CHECK: arith.cmpi sge
// CHECK: arith.muli
// CHECK: cf.assert %[[OK:.*]], "{{.*}} (model.tile): repeats are negative
// CHECK: scf.if %[[OK]]
// CHECK: linalg.generic
// CHECK: arith.remui
// CHECK: arith.remui
// CHECK: tensor.extract
func.func @tile_runtime_repeats(%x: tensor<2x3xf32>, %r: tensor<2xi64>) -> tensor<?x?xf32> {
  %0 = model.tile %x, %r : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

/// Constant sizes on a dynamic dim: static slices, and a check that the dim
/// is their sum.
// CHECK-LABEL: func @split_dynamic_dim
// CHECK-SAME: (%[[X:.*]]: tensor<4x?xf32>)
// CHECK: %[[DIM:.*]] = tensor.dim %[[X]]
// CHECK: %[[OK:.*]] = arith.cmpi eq, %[[DIM]], %{{.*}} : index
// CHECK: cf.assert %[[OK]], "{{.*}} (model.split): the split sizes are negative, do not add up to the dim
// CHECK: scf.if %[[OK]] -> (tensor<4x1xf32>, tensor<4x2xf32>) {
// CHECK: tensor.extract_slice %[[X]][0, 0] [4, 1] [1, 1] : tensor<4x?xf32> to tensor<4x1xf32>
// CHECK: tensor.extract_slice %[[X]][0, 1] [4, 2] [1, 1] : tensor<4x?xf32> to tensor<4x2xf32>
func.func @split_dynamic_dim(%x: tensor<4x?xf32>) -> (tensor<4x1xf32>, tensor<4x2xf32>) {
  %s = model.constant dense<[1, 2]> : tensor<2xi64>
  %a, %b = model.split %x, %s {axis = 1 : i64, parts = 2 : i64} : (tensor<4x?xf32>, tensor<2xi64>) -> (tensor<4x1xf32>, tensor<4x2xf32>)
  return %a, %b : tensor<4x1xf32>, tensor<4x2xf32>
}

// -----

/// Equal parts of a dynamic dim: ceil(dim / 3), the last ones clamped.
// CHECK-LABEL: func @split_equal_parts
// CHECK-NOT: cf.assert
// CHECK: arith.ceildivui
// CHECK-COUNT-3: tensor.extract_slice
func.func @split_equal_parts(%x: tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>, tensor<?xf32>) {
  %a, %b, %c = model.split %x {axis = 0 : i64, parts = 3 : i64} : (tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>, tensor<?xf32>)
  return %a, %b, %c : tensor<?xf32>, tensor<?xf32>, tensor<?xf32>
}

// -----

/// Constant pads in constant mode: crop (a negative pad) by a slice, then
/// insert it into a fill of the value; nothing to check.
// CHECK-LABEL: func @pad_constant_crop
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT: cf.assert
// CHECK: %[[V:.*]] = arith.constant 5.000000e+00 : f32
// CHECK: %[[CROP:.*]] = tensor.extract_slice %[[X]][0, 0] [2, 2] [1, 1] : tensor<2x3xf32> to tensor<2x2xf32>
// CHECK: %[[FILL:.*]] = linalg.fill ins(%[[V]] : f32) outs(%{{.*}} : tensor<4x2xf32>)
// CHECK: tensor.insert_slice %[[CROP]] into %[[FILL]][1, 0] [2, 2] [1, 1] : tensor<2x2xf32> into tensor<4x2xf32>
func.func @pad_constant_crop(%x: tensor<2x3xf32>) -> tensor<4x2xf32> {
  %p = model.constant dense<[1, 0, 1, -1]> : tensor<4xi64>
  %v = model.constant dense<5.0> : tensor<f32>
  %0 = model.pad %x, %p, %v : (tensor<2x3xf32>, tensor<4xi64>, tensor<f32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

/// Run-time pads in reflect mode: every element reads its mirrored source;
/// the check requires a non-negative kept size, and something to read where
/// something is padded.
// CHECK-LABEL: func @pad_reflect_runtime
// CHECK: cf.assert %[[OK:.*]], "{{.*}} (model.pad): the pads crop more than the input has
// CHECK: scf.if %[[OK]]
// CHECK: linalg.generic
// CHECK: arith.remsi
// CHECK: tensor.extract
func.func @pad_reflect_runtime(%x: tensor<?x3xf32>, %p: tensor<4xi64>) -> tensor<?x?xf32> {
  %0 = model.pad %x, %p {mode = "reflect"} : (tensor<?x3xf32>, tensor<4xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

/// DCR: C expands into (b, b, C / b^2), the b's move after H and W, and the
/// pairs collapse; a static C needs no check.
// CHECK-LABEL: func @depth_to_space
// CHECK-NOT: cf.assert
// CHECK: %[[E:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2, 3], [4], [5]] output_shape [%{{.*}}, 2, 2, 2, 3, 3] : tensor<?x8x3x3xf32> into tensor<?x2x2x2x3x3xf32>
// CHECK: %[[T:.*]] = linalg.transpose ins(%[[E]] : tensor<?x2x2x2x3x3xf32>) outs(%{{.*}} : tensor<?x2x3x2x3x2xf32>) permutation = [0, 3, 4, 1, 5, 2]
// CHECK: tensor.collapse_shape %[[T]] {{\[\[}}0], [1], [2, 3], [4, 5]] : tensor<?x2x3x2x3x2xf32> into tensor<?x2x6x6xf32>
func.func @depth_to_space(%x: tensor<?x8x3x3xf32>) -> tensor<?x2x6x6xf32> {
  %0 = model.depth_to_space %x {blocksize = 2 : i64} : (tensor<?x8x3x3xf32>) -> tensor<?x2x6x6xf32>
  return %0 : tensor<?x2x6x6xf32>
}

// -----

/// A dynamic H is checked to be divisible by the block size.
// CHECK-LABEL: func @space_to_depth_dynamic
// CHECK: arith.remui
// CHECK: cf.assert %[[OK:.*]], "{{.*}} (model.space_to_depth): the spatial dims are not divisible by the blocksize"
// CHECK: scf.if %[[OK]]
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1], [2, 3], [4, 5]]
// CHECK: linalg.transpose {{.*}} permutation = [0, 3, 5, 1, 2, 4]
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2, 3], [4], [5]]
func.func @space_to_depth_dynamic(%x: tensor<1x1x?x4xf32>) -> tensor<1x4x?x2xf32> {
  %0 = model.space_to_depth %x {blocksize = 2 : i64} : (tensor<1x1x?x4xf32>) -> tensor<1x4x?x2xf32>
  return %0 : tensor<1x4x?x2xf32>
}

// -----

// CHECK-LABEL: func @trilu
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xf32>, %[[K:.*]]: tensor<i64>)
// CHECK: %[[KV:.*]] = tensor.extract %[[K]][] : tensor<i64>
// CHECK: linalg.generic {{.*}} ins(%[[X]] : tensor<?x4xf32>)
// CHECK: %[[DIFF:.*]] = arith.subi
// CHECK: %[[KEEP:.*]] = arith.cmpi sle, %[[DIFF]], %[[KV]] : i64
// CHECK: arith.select %[[KEEP]]
func.func @trilu(%x: tensor<?x4xf32>, %k: tensor<i64>) -> tensor<?x4xf32> {
  %0 = model.trilu %x, %k {upper = false} : (tensor<?x4xf32>, tensor<i64>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// CHECK-LABEL: func @eye_like
// CHECK: linalg.generic
// CHECK: arith.cmpi eq, %{{.*}}, %c1_i64 : i64
// CHECK: arith.extui %{{.*}} : i1 to i32
func.func @eye_like(%x: tensor<3x?xf32>) -> tensor<3x?xi32> {
  %0 = model.eye_like %x {dtype = i32, k = 1 : i64} : (tensor<3x?xf32>) -> tensor<3x?xi32>
  return %0 : tensor<3x?xi32>
}

// -----

/// A run-time shape: negative entries fail the check (and count as 0).
// CHECK-LABEL: func @constant_of_shape
// CHECK-SAME: (%[[S:.*]]: tensor<2xi64>)
// CHECK: tensor.extract %[[S]]
// CHECK: arith.maxsi
// CHECK: cf.assert {{.*}}"{{.*}} (model.constant_of_shape): the shape has negative entries
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<?x?xf32>)
func.func @constant_of_shape(%s: tensor<2xi64>) -> tensor<?x?xf32> {
  %0 = model.constant_of_shape %s {value = 1.0 : f32} : (tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

/// Run-time integer bounds: n = max(ceildiv(limit - start, delta), 0) and
/// element i = i * delta + start; a zero delta fails the check.
// CHECK-LABEL: func @range
// CHECK: arith.cmpi ne
// CHECK: arith.ceildivsi
// CHECK: arith.maxsi
// CHECK: cf.assert %[[OK:.*]], "{{.*}} (model.range): delta is zero
// CHECK: scf.if %[[OK]]
// CHECK: linalg.generic
// CHECK: arith.muli
// CHECK: arith.addi
func.func @range(%a: tensor<i64>, %b: tensor<i64>, %d: tensor<i64>) -> tensor<?xi64> {
  %0 = model.range %a, %b, %d : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  return %0 : tensor<?xi64>
}

// -----

// CHECK-LABEL: func @size
// CHECK: tensor.dim
// CHECK: arith.muli
// CHECK: tensor.from_elements %{{.*}} : tensor<i64>
func.func @size(%x: tensor<?x4xf32>) -> tensor<i64> {
  %0 = model.size %x : (tensor<?x4xf32>) -> tensor<i64>
  return %0 : tensor<i64>
}

// -----

/// An empty dim split by run-time sizes (all 0 when valid): the offsets
/// stay values, since a static offset 0 would fail extract_slice's bounds
/// verifier on a dim of size 0.
// CHECK-LABEL: func @split_empty_dim
// CHECK: scf.if
// CHECK-COUNT-2: tensor.extract_slice %{{.*}}[%{{.*}}] [%{{.*}}] [1] : tensor<0xf32> to tensor<?xf32>
func.func @split_empty_dim(%x: tensor<0xf32>, %s: tensor<2xi64>) -> (tensor<?xf32>, tensor<?xf32>) {
  %a, %b = model.split %x, %s {axis = 0 : i64, parts = 2 : i64} : (tensor<0xf32>, tensor<2xi64>) -> (tensor<?xf32>, tensor<?xf32>)
  return %a, %b : tensor<?xf32>, tensor<?xf32>
}
