// RUN: kiln-opt %s --split-input-file --kiln-convert-model-to-linalg --canonicalize | FileCheck %s
// The gathers, scatters, one_hot and reverse_sequence: index tensors are
// checked by one reduction (naming the source), the result is built only
// when the check holds, and there negative indices wrap without a clamp.

// CHECK-LABEL: func @gather_elements
// CHECK-SAME: (%[[D:.*]]: tensor<3x?xf32>, %[[I:.*]]: tensor<3x2xi64>)
// CHECK: %[[ALL:.*]] = linalg.generic {{.*}}iterator_types = ["reduction", "reduction"]} ins(%[[I]] : tensor<3x2xi64>)
// CHECK: %[[OK:.*]] = tensor.extract %[[ALL]][] : tensor<i1>
/// The dynamic data dim along axis 1 bounds the indices; dim 0 is static.
// CHECK: cf.assert %[[OK]], "{{.*}} (model.gather_elements): an index is out of range
// CHECK: scf.if %[[OK]] -> (tensor<3x2xf32>) {
// CHECK: linalg.generic {{.*}} ins(%[[I]] : tensor<3x2xi64>)
// CHECK: %[[P0:.*]] = linalg.index 0 : index
// CHECK: %[[W:.*]] = arith.select
// CHECK: tensor.extract %[[D]][%[[P0]], %[[W]]] : tensor<3x?xf32>
func.func @gather_elements(%d: tensor<3x?xf32>, %i: tensor<3x2xi64>) -> tensor<3x2xf32> {
  %0 = model.gather_elements %d, %i {axis = 1 : i64} : (tensor<3x?xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

/// Each tuple component c is bounded by data dim c (a small table the
/// reduction reads at the component's position).
// CHECK-LABEL: func @gather_nd
// CHECK-SAME: (%[[D:.*]]: tensor<?x3xf32>, %[[I:.*]]: tensor<?x2xi64>)
// CHECK: %[[BOUNDS:.*]] = tensor.from_elements %{{.*}}, %c3 : tensor<2xindex>
// CHECK: linalg.generic {{.*}} ins(%[[I]] : tensor<?x2xi64>)
// CHECK: %[[C:.*]] = linalg.index 1 : index
// CHECK: tensor.extract %[[BOUNDS]][%[[C]]] : tensor<2xindex>
// CHECK: cf.assert %[[OK:.*]], "{{.*}} (model.gather_nd): an index is out of range
// CHECK: scf.if %[[OK]] -> (tensor<?xf32>) {
// CHECK: %[[P:.*]] = linalg.index 0 : index
// CHECK: tensor.extract %[[I]][%[[P]], %c0] : tensor<?x2xi64>
// CHECK: tensor.extract %[[I]][%[[P]], %c1] : tensor<?x2xi64>
// CHECK: tensor.extract %[[D]][%{{.*}}, %{{.*}}] : tensor<?x3xf32>
func.func @gather_nd(%d: tensor<?x3xf32>, %i: tensor<?x2xi64>) -> tensor<?xf32> {
  %0 = model.gather_nd %d, %i : (tensor<?x3xf32>, tensor<?x2xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

/// batchDims = 1: the batch dim of indices must equal data's at run time.
// CHECK-LABEL: func @gather_nd_batch
// CHECK: tensor.dim
// CHECK: tensor.dim
// CHECK: arith.cmpi eq
// CHECK: cf.assert {{.*}}the batch dims of data and indices differ
func.func @gather_nd_batch(%d: tensor<?x4x5xf32>, %i: tensor<?x1xi64>) -> tensor<?x5xf32> {
  %0 = model.gather_nd %d, %i {batchDims = 1 : i64} : (tensor<?x4x5xf32>, tensor<?x1xi64>) -> tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

// -----

/// Updates apply in order: loops over the tuples and the slice, carrying a
/// copy of data, each element combined with what is already stored.
// CHECK-LABEL: func @scatter_nd_add
// CHECK-SAME: (%[[D:.*]]: tensor<4x4xf32>, %[[I:.*]]: tensor<2x1xi64>, %[[U:.*]]: tensor<2x4xf32>)
// CHECK: cf.assert %[[OK:.*]], "{{.*}} (model.scatter_nd): an index is out of range
// CHECK: scf.if %[[OK]] -> (tensor<4x4xf32>) {
// CHECK: scf.for %[[P:.*]] = %c0 to %c2 step %c1 iter_args(%[[ACC0:.*]] = %[[D]]) -> (tensor<4x4xf32>) {
// CHECK: scf.for %[[S:.*]] = %c0 to %c4 step %c1 iter_args(%[[ACC:.*]] = %[[ACC0]]) -> (tensor<4x4xf32>) {
// CHECK: tensor.extract %[[I]][%[[P]], %c0] : tensor<2x1xi64>
// CHECK: %[[ROW:.*]] = arith.select
// CHECK: %[[NEW:.*]] = tensor.extract %[[U]][%[[P]], %[[S]]]
// CHECK: %[[OLD:.*]] = tensor.extract %[[ACC]][%[[ROW]], %[[S]]]
// CHECK: %[[SUM:.*]] = arith.addf %[[OLD]], %[[NEW]] : f32
// CHECK: tensor.insert %[[SUM]] into %[[ACC]][%[[ROW]], %[[S]]]
func.func @scatter_nd_add(%d: tensor<4x4xf32>, %i: tensor<2x1xi64>, %u: tensor<2x4xf32>) -> tensor<4x4xf32> {
  %0 = model.scatter_nd %d, %i, %u {reduction = "add"} : (tensor<4x4xf32>, tensor<2x1xi64>, tensor<2x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

/// Without a reduction the update is stored as is.
// CHECK-LABEL: func @scatter_elements
// CHECK-SAME: (%[[D:.*]]: tensor<?x5xi32>, %[[I:.*]]: tensor<?x2xi64>, %[[U:.*]]: tensor<?x2xi32>)
/// updates' and indices' dim 0, and indices' against data's, are checked.
// CHECK: cf.assert %[[OK:.*]], "{{.*}} (model.scatter_elements): an index is out of range, the updates' shape differs
// CHECK: scf.if %[[OK]]
// CHECK: scf.for
// CHECK: scf.for
// CHECK: %[[V:.*]] = tensor.extract %[[U]]
// CHECK-NOT: arith.addi
// CHECK: tensor.insert %[[V]]
func.func @scatter_elements(%d: tensor<?x5xi32>, %i: tensor<?x2xi64>, %u: tensor<?x2xi32>) -> tensor<?x5xi32> {
  %0 = model.scatter_elements %d, %i, %u {axis = 1 : i64} : (tensor<?x5xi32>, tensor<?x2xi64>, tensor<?x2xi32>) -> tensor<?x5xi32>
  return %0 : tensor<?x5xi32>
}

// -----

/// ONNX defines an index out of range as a row of off values: no check.
// CHECK-LABEL: func @one_hot
// CHECK-SAME: (%[[I:.*]]: tensor<3xi64>, %[[V:.*]]: tensor<2xf32>)
// CHECK-NOT: cf.assert
// CHECK-DAG: %[[OFF:.*]] = tensor.extract %[[V]][%c0]
// CHECK-DAG: %[[ON:.*]] = tensor.extract %[[V]][%c1]
// CHECK: linalg.generic {{.*}} ins(%[[I]] : tensor<3xi64>) outs(%{{.*}} : tensor<3x4xf32>)
// CHECK: ^bb0(%[[IDX:.*]]: i64, %{{.*}}: f32):
// CHECK: %[[NEG:.*]] = arith.cmpi slt, %[[IDX]], %c0_i64 : i64
// CHECK: %[[WRAPPED:.*]] = arith.select %[[NEG]]
// CHECK: %[[HIT:.*]] = arith.cmpi eq, %[[WRAPPED]]
// CHECK: arith.select %[[HIT]], %[[ON]], %[[OFF]] : f32
func.func @one_hot(%i: tensor<3xi64>, %v: tensor<2xf32>) -> tensor<3x4xf32> {
  %d = model.constant dense<4> : tensor<i64>
  %0 = model.one_hot %i, %d, %v {axis = 1 : i64} : (tensor<3xi64>, tensor<i64>, tensor<2xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

/// A depth known only at run time is checked to be non-negative (and to be
/// the static size a result states), and becomes the result's dim.
// CHECK-LABEL: func @one_hot_runtime_depth
// CHECK: %[[D:.*]] = arith.fptosi %{{.*}} : f32 to i64
// CHECK: cf.assert %[[OK:.*]], "{{.*}} (model.one_hot): depth is negative
// CHECK: scf.if %[[OK]] -> (tensor<?x3xf32>)
func.func @one_hot_runtime_depth(%i: tensor<3xi64>, %d: tensor<f32>, %v: tensor<2xf32>) -> tensor<?x3xf32> {
  %0 = model.one_hot %i, %d, %v {axis = 0 : i64} : (tensor<3xi64>, tensor<f32>, tensor<2xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

/// Lengths outside [0, time dim] fail the check; within one, t < len reads
/// len - 1 - t.
// CHECK-LABEL: func @reverse_sequence
// CHECK-SAME: (%[[X:.*]]: tensor<4x?xf32>, %[[L:.*]]: tensor<?xi64>)
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction"]} ins(%[[L]] : tensor<?xi64>)
// CHECK: cf.assert %[[OK:.*]], "{{.*}} (model.reverse_sequence): a sequence length is outside [0, time dim]
// CHECK: scf.if %[[OK]]
// CHECK: linalg.generic {{.*}} ins(%[[L]] : tensor<?xi64>)
// CHECK: arith.cmpi slt
// CHECK: arith.select
// CHECK: tensor.extract %[[X]]
func.func @reverse_sequence(%x: tensor<4x?xf32>, %lens: tensor<?xi64>) -> tensor<4x?xf32> {
  %0 = model.reverse_sequence %x, %lens {batchAxis = 1 : i64, timeAxis = 0 : i64} : (tensor<4x?xf32>, tensor<?xi64>) -> tensor<4x?xf32>
  return %0 : tensor<4x?xf32>
}
