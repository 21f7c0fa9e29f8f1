// RUN: kiln-opt %s --split-input-file --kiln-convert-model-to-linalg | FileCheck %s

/// Two dynamic dims that nothing proves equal: either may be 1 at run time.
/// The result size is computed at run time, a check reports a contradiction
/// naming the source, and both operands are read at min(i, size - 1).
// CHECK-LABEL: func @add_unknown_dims
// CHECK-SAME: (%[[A:.*]]: tensor<?x4xf32>, %[[B:.*]]: tensor<?x4xf32>)
// CHECK: %[[DA:.*]] = tensor.dim %[[A]]
// CHECK: %[[DB:.*]] = tensor.dim %[[B]]
// CHECK: %[[BIS1:.*]] = arith.cmpi eq, %[[DB]], %{{.*}}
// CHECK: %[[SIZE:.*]] = arith.select %[[BIS1]]
// CHECK: cf.assert %[[OK:.*]], "{{.*}}runtime-checks.mlir:{{[0-9]+}}:{{[0-9]+}} (model.add): operand shapes do not broadcast
/// After a failed check the operands are size-1 zero tensors.
// CHECK: %[[SA:.*]] = scf.if %[[OK]] -> (tensor<?x4xf32>) {
// CHECK-NEXT: scf.yield %[[A]]
// CHECK: } else {
// CHECK: linalg.fill {{.*}} -> tensor<1x4xf32>
// CHECK: %[[SB:.*]] = scf.if %[[OK]]
// CHECK: %[[N:.*]] = arith.select %[[OK]], %[[SIZE]], %{{.*}} : index
// CHECK: tensor.empty(%[[N]]) : tensor<?x4xf32>
// CHECK: linalg.generic
// CHECK: %[[I:.*]] = linalg.index 0
// CHECK: %[[LAST:.*]] = arith.subi
// CHECK: %[[CLAMPED:.*]] = arith.minsi %[[I]], %[[LAST]]
// CHECK: tensor.extract %[[SA]][%[[CLAMPED]], %{{.*}}]
// CHECK: tensor.extract %[[SB]]
// CHECK: arith.addf
func.func @add_unknown_dims(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = model.add %a, %b : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

/// Near miss: dims with the same model.dims name are proven equal; no check.
// CHECK-LABEL: func @add_named_dims
// CHECK-NOT: cf.assert
// CHECK-NOT: tensor.extract
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<?x4xf32>, tensor<?x4xf32>)
func.func @add_named_dims(%a: tensor<?x4xf32> {model.dims = #model.dims<[n, 4]>},
                          %b: tensor<?x4xf32> {model.dims = #model.dims<[n, 4]>}) -> tensor<?x4xf32> {
  %0 = model.add %a, %b : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

/// Near miss: a dim that flows from the same input through ops is proven
/// equal too (relu keeps it, the residual add needs no check).
// CHECK-LABEL: func @residual
// CHECK-NOT: cf.assert
func.func @residual(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %r = model.relu %x : tensor<?x4xf32>
  %t = model.transpose %r {perm = array<i64: 1, 0>} : (tensor<?x4xf32>) -> tensor<4x?xf32>
  %u = model.transpose %t {perm = array<i64: 1, 0>} : (tensor<4x?xf32>) -> tensor<?x4xf32>
  %0 = model.add %u, %x : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

/// Near miss: static shapes pay nothing, and a dynamic dim against a
/// stretched static 1 is the result's own size.
// CHECK-LABEL: func @static_and_stretch
// CHECK-NOT: cf.assert
// CHECK-NOT: scf.if
func.func @static_and_stretch(%a: tensor<?x4xf32>, %b: tensor<1x4xf32>, %c: tensor<3x4xf32>, %d: tensor<4xf32>) -> (tensor<?x4xf32>, tensor<3x4xf32>) {
  %0 = model.add %a, %b : (tensor<?x4xf32>, tensor<1x4xf32>) -> tensor<?x4xf32>
  %1 = model.mul %c, %d : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  return %0, %1 : tensor<?x4xf32>, tensor<3x4xf32>
}

// -----

/// A dynamic dim against a static 3 must be 1 or 3 at run time.
// CHECK-LABEL: func @dynamic_against_static
// CHECK: cf.assert
// CHECK: tensor.empty() : tensor<3x4xf32>
func.func @dynamic_against_static(%a: tensor<?x4xf32>, %c: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = model.sub %a, %c : (tensor<?x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

/// Inner dims of a matmul that the compiler cannot prove: a check, and after
/// a failed one the operand with the dynamic inner dim is replaced by zeros
/// sized like the other's, so nothing is read out of bounds.
// CHECK-LABEL: func @matmul_inner_unknown
// CHECK-SAME: (%[[A:.*]]: tensor<?x4xf32>, %[[B:.*]]: tensor<?x4xf32>)
// CHECK: %[[KA:.*]] = tensor.dim %[[A]], %c1
// CHECK: %[[KB:.*]] = tensor.dim %[[B]], %c0
// CHECK: %[[EQ:.*]] = arith.cmpi eq, %[[KA]], %[[KB]]
// CHECK: cf.assert %[[EQ]], "{{.*}} (model.matmul): the contracted (inner) dims of the operands differ"
// CHECK: %[[SB:.*]] = scf.if %[[EQ]] -> (tensor<?x4xf32>) {
// CHECK-NEXT: scf.yield %[[B]]
// CHECK: } else {
// CHECK: tensor.empty(%[[KA]]) : tensor<?x4xf32>
// CHECK: linalg.matmul ins(%[[A]], %[[SB]] : tensor<?x4xf32>, tensor<?x4xf32>)
func.func @matmul_inner_unknown(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = model.matmul %a, %b : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

/// Near miss: inner dims that are the same named dim need no check.
// CHECK-LABEL: func @matmul_inner_named
// CHECK-NOT: cf.assert
// CHECK: linalg.matmul
func.func @matmul_inner_named(%a: tensor<2x?xf32> {model.dims = #model.dims<[2, k]>},
                              %b: tensor<?x4xf32> {model.dims = #model.dims<[k, 4]>}) -> tensor<2x4xf32> {
  %0 = model.matmul %a, %b : (tensor<2x?xf32>, tensor<?x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

/// Batch dims that may be 1 at run time are broadcast explicitly to the
/// result's batch size before the contraction.
// CHECK-LABEL: func @matmul_batch_unknown
// CHECK: cf.assert %{{.*}}, "{{.*}} (model.matmul): operand shapes do not broadcast
// CHECK: %[[LB:.*]] = linalg.generic
// CHECK: arith.minsi
// CHECK: } -> tensor<?x2x3xf32>
// CHECK: %[[RB:.*]] = linalg.generic
// CHECK: arith.minsi
// CHECK: } -> tensor<?x3x5xf32>
// CHECK: linalg.batch_matmul ins(%[[LB]], %[[RB]] : tensor<?x2x3xf32>, tensor<?x3x5xf32>)
func.func @matmul_batch_unknown(%a: tensor<?x2x3xf32>, %b: tensor<?x3x5xf32>) -> tensor<?x2x5xf32> {
  %0 = model.matmul %a, %b : (tensor<?x2x3xf32>, tensor<?x3x5xf32>) -> tensor<?x2x5xf32>
  return %0 : tensor<?x2x5xf32>
}

// -----

/// Concat: the other dims of inputs not proven equal are checked; after a
/// failed check the input becomes zeros of the source's size.
// CHECK-LABEL: func @concat_unknown
// CHECK-SAME: (%[[A:.*]]: tensor<?x4xf32>, %[[B:.*]]: tensor<?x2xf32>)
// CHECK: %[[DB:.*]] = tensor.dim %[[B]], %c0
// CHECK: %[[DA:.*]] = tensor.dim %[[A]], %c0
// CHECK: %[[EQ:.*]] = arith.cmpi eq, %[[DB]], %[[DA]]
// CHECK: cf.assert %{{.*}}, "{{.*}} (model.concat): the inputs' sizes do not concatenate into the result
// CHECK: %[[SB:.*]] = scf.if
// CHECK: tensor.insert_slice %[[A]]
// CHECK: tensor.insert_slice %[[SB]]
func.func @concat_unknown(%a: tensor<?x4xf32>, %b: tensor<?x2xf32>) -> tensor<?x6xf32> {
  %0 = model.concat %a, %b {axis = 1 : i64} : (tensor<?x4xf32>, tensor<?x2xf32>) -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}

// -----

/// Near miss: concat of dims proven equal needs no check.
// CHECK-LABEL: func @concat_proven
// CHECK-NOT: cf.assert
func.func @concat_proven(%a: tensor<?x4xf32>) -> tensor<?x8xf32> {
  %r = model.relu %a : tensor<?x4xf32>
  %0 = model.concat %a, %r {axis = 1 : i64} : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

/// Reshape with -1 on a dynamic input: the known part must not be 0 (it is
/// divided by) and must divide the element count; a failed check yields an
/// empty tensor instead of a view of the wrong size.
// CHECK-LABEL: func @reshape_inferred
// CHECK: %[[ZERO:.*]] = arith.cmpi eq, %[[KNOWN:.*]], %c0
// CHECK: %[[SAFE:.*]] = arith.select %[[ZERO]], %c1{{.*}}, %[[KNOWN]]
// CHECK: arith.divui %{{.*}}, %[[SAFE]]
// CHECK: arith.remui %{{.*}}, %[[SAFE]]
// CHECK: cf.assert %[[OK:.*]], "{{.*}} (model.reshape): the input's element count does not fit the requested shape"
// CHECK: scf.if %[[OK]] -> (tensor<?x3xf32>) {
// CHECK: tensor.expand_shape
// CHECK: } else {
// CHECK: tensor.empty() : tensor<0x3xf32>
func.func @reshape_inferred(%x: tensor<?xf32>) -> tensor<?x3xf32> {
  %0 = model.reshape %x {shape = array<i64: -1, 3>} : (tensor<?xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

/// Near miss: a static reshape needs no check (the verifier counted).
// CHECK-LABEL: func @reshape_static
// CHECK-NOT: cf.assert
func.func @reshape_static(%x: tensor<6x4xf32>) -> tensor<3x8xf32> {
  %0 = model.reshape %x {shape = array<i64: 3, -1>} : (tensor<6x4xf32>) -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// -----

/// dynamic_reshape validates the run-time shape tensor.
// CHECK-LABEL: func @dynamic_reshape_checked
// CHECK: cf.assert %[[OK:.*]], "{{.*}} (model.dynamic_reshape): the shape tensor is not a valid reshape of the input
// CHECK: scf.if %[[OK]] -> (tensor<?x?xf32>) {
// CHECK: tensor.reshape
func.func @dynamic_reshape_checked(%x: tensor<?xf32>, %s: tensor<2xi64>) -> tensor<?x?xf32> {
  %0 = model.dynamic_reshape %x, %s : (tensor<?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}
