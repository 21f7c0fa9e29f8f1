// RUN: kiln-opt %s --split-input-file --kiln-convert-model-to-linalg --canonicalize | FileCheck %s
// The run-time-sized ops (Dynamic.cpp): sizes from the index operands'
// entries in scalar arithmetic, one check naming the source, the result
// built only where it holds; non_zero and compress count first and fill an
// allocation of that size in a loop over tensors.

/// Per dim, the entry whose (wrapped) axis names it selects start, end and
/// step; the size divides unsigned by |step|; element i reads
/// start + i * step.
// CHECK-LABEL: func @slice
// CHECK-SAME: (%[[X:.*]]: tensor<?x10xf32>, %{{.*}}: tensor<1xi64>, %{{.*}}: tensor<1xi64>, %[[A:.*]]: tensor<1xi64>, %[[T:.*]]: tensor<1xi64>)
// CHECK: %[[AXIS:.*]] = tensor.extract %[[A]][%c0]
// CHECK: tensor.extract %[[T]][%c0]
// CHECK: %[[HIT0:.*]] = arith.cmpi eq, %{{.*}}, %c0 : index
// CHECK: %[[START0:.*]] = arith.select %[[HIT0]],
// CHECK: arith.divui
// CHECK: %[[HIT1:.*]] = arith.cmpi eq, %{{.*}}, %c1 : index
// CHECK: arith.divui
// CHECK: cf.assert %[[OK:.*]], "{{.*}} (model.dynamic_slice): an axis is out of range or repeated, a step is 0, or the slice contradicts the result's static shape"
// CHECK: scf.if %[[OK]] -> (tensor<?x?xf32>)
// CHECK: linalg.generic
// CHECK: %[[I0:.*]] = linalg.index 0
// CHECK: %[[OFF:.*]] = arith.muli %[[I0]],
// CHECK: %[[AT0:.*]] = arith.addi %{{.*}}, %[[OFF]]
// CHECK: tensor.extract %[[X]][%[[AT0]], %{{.*}}] : tensor<?x10xf32>
func.func @slice(%x: tensor<?x10xf32>, %s: tensor<1xi64>, %e: tensor<1xi64>, %a: tensor<1xi64>, %t: tensor<1xi64>) -> tensor<?x?xf32> {
  %0 = model.dynamic_slice %x, %s, %e, %a, %t : (tensor<?x10xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

/// The static result dims are checked against what the axis gives, then a
/// tensor.reshape to the computed sizes.
// CHECK-LABEL: func @unsqueeze
// CHECK: arith.cmpi eq, %{{.*}}, %c3 : index
// CHECK: arith.cmpi eq, %{{.*}}, %c4 : index
// CHECK: cf.assert %[[OK:.*]], "{{.*}} (model.dynamic_unsqueeze): an axis is out of range or repeated, or the axes contradict the result's static shape"
// CHECK: scf.if %[[OK]] -> (tensor<3x1x4xf32>)
// CHECK: %[[SHAPE:.*]] = tensor.from_elements %{{.*}}, %{{.*}}, %{{.*}} : tensor<3xi64>
// CHECK: tensor.reshape %arg0(%[[SHAPE]]) : (tensor<3x4xf32>, tensor<3xi64>) -> tensor<3x1x4xf32>
func.func @unsqueeze(%x: tensor<3x4xf32>, %a: tensor<1xi64>) -> tensor<3x1x4xf32> {
  %0 = model.dynamic_unsqueeze %x, %a : (tensor<3x4xf32>, tensor<1xi64>) -> tensor<3x1x4xf32>
  return %0 : tensor<3x1x4xf32>
}

// -----

/// An i32 axis; the squeezed dim must be 1 at run time.
// CHECK-LABEL: func @squeeze
// CHECK: arith.index_cast %{{.*}} : i32 to index
// CHECK: %[[DIM:.*]] = tensor.dim %arg0, %c1 : tensor<1x?xf32>
// CHECK: arith.cmpi eq, %[[DIM]], %c1 : index
// CHECK: cf.assert %[[OK:.*]], "{{.*}} (model.dynamic_squeeze): an axis is out of range or repeated, names a dim that is not 1
// CHECK: tensor.reshape %arg0
func.func @squeeze(%x: tensor<1x?xf32>, %a: tensor<1xi32>) -> tensor<?xf32> {
  %0 = model.dynamic_squeeze %x, %a : (tensor<1x?xf32>, tensor<1xi32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

/// Count (NaN is non-zero: une), allocate, fill column by column.
// CHECK-LABEL: func @non_zero
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction", "reduction"]
// CHECK: arith.cmpf une
// CHECK: %[[N:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK: %[[EMPTY:.*]] = tensor.empty(%[[N]]) : tensor<2x?xi64>
// CHECK: scf.for %[[I:.*]] = %c0 to %c2 step %c1 iter_args(%{{.*}} = %[[EMPTY]], %{{.*}} = %c0)
// CHECK: scf.for %[[J:.*]] = %c0 to %c3
// CHECK: scf.if
// CHECK: tensor.insert %{{.*}} into %{{.*}}[%c0, %[[POS:.*]]] : tensor<2x?xi64>
// CHECK: tensor.insert %{{.*}} into %{{.*}}[%c1, %[[POS]]] : tensor<2x?xi64>
func.func @non_zero(%x: tensor<2x3xf32>) -> tensor<2x?xi64> {
  %0 = model.non_zero %x : (tensor<2x3xf32>) -> tensor<2x?xi64>
  return %0 : tensor<2x?xi64>
}

// -----

/// Counting also counts the true entries past the data, which must be none;
/// the fill copies one slice per selected index.
// CHECK-LABEL: func @compress
// CHECK: %[[L:.*]] = tensor.dim %arg1, %c0 : tensor<?xi1>
// CHECK: %[[COUNTS:.*]]:2 = scf.for %{{.*}} = %c0 to %[[L]]
// CHECK: %[[OK:.*]] = arith.cmpi eq, %[[COUNTS]]#0, %[[COUNTS]]#1 : index
// CHECK: cf.assert %[[OK]], "{{.*}} (model.compress): the condition selects past the end of the data
// CHECK: tensor.empty(%[[COUNTS]]#1) : tensor<?x2xf32>
// CHECK: %[[BOUND:.*]] = arith.minsi %[[L]], %c3 : index
// CHECK: scf.for %[[I:.*]] = %c0 to %[[BOUND]]
// CHECK: %[[SLICE:.*]] = tensor.extract_slice %arg0[%[[I]], 0] [1, 2] [1, 1] : tensor<3x2xf32> to tensor<1x2xf32>
// CHECK: tensor.insert_slice %[[SLICE]] into %{{.*}}[%{{.*}}, 0] [1, 2] [1, 1] : tensor<1x2xf32> into tensor<?x2xf32>
func.func @compress(%x: tensor<3x2xf32>, %c: tensor<?xi1>) -> tensor<?x2xf32> {
  %0 = model.compress %x, %c {axis = 0} : (tensor<3x2xf32>, tensor<?xi1>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

// -----

/// Without an axis, the flattened input's elements.
// CHECK-LABEL: func @compress_flat
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1]] : tensor<3x2xf32> into tensor<6xf32>
// CHECK: arith.minsi %{{.*}}, %c6 : index
// CHECK: %[[E:.*]] = tensor.extract %[[FLAT]][%{{.*}}] : tensor<6xf32>
// CHECK: tensor.insert %[[E]] into
func.func @compress_flat(%x: tensor<3x2xf32>, %c: tensor<?xi1>) -> tensor<?xf32> {
  %0 = model.compress %x, %c : (tensor<3x2xf32>, tensor<?xi1>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

/// Not training, or a ratio of 0: the input and an all-true mask.
// CHECK-LABEL: func @dropout
// CHECK: %[[R:.*]] = tensor.extract %arg1[] : tensor<f32>
// CHECK: %[[T:.*]] = tensor.extract %arg2[] : tensor<i1>
// CHECK: %[[ZERO:.*]] = arith.cmpf oeq, %[[R]], %{{.*}} : f32
// CHECK: %[[NOT:.*]] = arith.xori %[[T]], %true : i1
// CHECK: %[[OK:.*]] = arith.ori %[[NOT]], %[[ZERO]] : i1
// CHECK: cf.assert %[[OK]], "{{.*}} (model.dropout): training-mode dropout with a non-zero ratio is not supported (kiln has no random number generator)"
// CHECK: %[[MASK:.*]] = linalg.fill ins(%true : i1)
// CHECK: return %arg0, %[[MASK]]
func.func @dropout(%x: tensor<3x4xf32>, %r: tensor<f32>, %t: tensor<i1>) -> (tensor<3x4xf32>, tensor<3x4xi1>) {
  %0, %1 = model.dropout %x, %r, %t : (tensor<3x4xf32>, tensor<f32>, tensor<i1>) -> (tensor<3x4xf32>, tensor<3x4xi1>)
  return %0, %1 : tensor<3x4xf32>, tensor<3x4xi1>
}

// -----

/// allowzero: an entry is not compared with 0 to copy the input's dim; the
/// first thing done with it is the test for -1.
// CHECK-LABEL: func @reshape_allowzero
// CHECK: %[[E0:.*]] = tensor.extract %arg1[%c0] : tensor<2xi64>
// CHECK-NEXT: arith.cmpi eq, %[[E0]], %c-1_i64 : i64
// CHECK: tensor.reshape
func.func @reshape_allowzero(%x: tensor<0x3xf32>, %s: tensor<2xi64>) -> tensor<?x?xf32> {
  %0 = model.dynamic_reshape %x, %s {allowzero} : (tensor<0x3xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}
