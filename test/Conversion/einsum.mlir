// RUN: kiln-opt %s --split-input-file --kiln-convert-model-to-linalg | FileCheck %s

/// One generic: the result's letters parallel, the rest reductions; a
/// repeated letter reads the diagonal.
// CHECK-DAG: #[[DIAG:.*]] = affine_map<(d0) -> (d0, d0)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func @diagonal
// CHECK: %[[INIT:.*]] = linalg.fill
// CHECK: linalg.generic {indexing_maps = [#[[DIAG]], #[[ID]]], iterator_types = ["parallel"]} ins(%arg0 : tensor<3x3xf32>) outs(%[[INIT]] : tensor<3xf32>)
// CHECK: arith.addf %out, %in
func.func @diagonal(%m: tensor<3x3xf32>) -> tensor<3xf32> {
  %0 = model.einsum "ii->i" %m : (tensor<3x3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

/// A batched matmul: linalg sees a contraction.
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func @batch_matmul
// CHECK-NOT: cf.assert
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[C]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @batch_matmul(%a: tensor<2x3x4xf32>, %b: tensor<2x4x5xf32>) -> tensor<2x3x5xf32> {
  %0 = model.einsum "bij,bjk->bik" %a, %b : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// -----

/// Dynamic dims sharing a letter are checked against their minimum, and an
/// operand that fails is read as zeros of that size; 16-bit floats
/// accumulate in f32.
// CHECK-LABEL: func @checked
// CHECK: %[[K1:.*]] = tensor.dim %arg1, %c1
// CHECK: %[[K2:.*]] = tensor.dim %arg2, %c0
// CHECK: %[[K:.*]] = arith.minui %[[K1]], %[[K2]]
// CHECK: %[[OK1:.*]] = arith.cmpi eq, %{{.*}}, %[[K]]
// CHECK: %[[OK2:.*]] = arith.cmpi eq, %{{.*}}, %[[K]]
// CHECK: %[[OK:.*]] = arith.andi %[[OK1]], %[[OK2]]
// CHECK: cf.assert %[[OK]], "{{.*}}(model.einsum): the dims named 'k' in 'ij,jk,k->i' differ"
// CHECK: %[[B:.*]] = scf.if %[[OK1]] -> (tensor<4x?xf16>)
// CHECK: } else {
// CHECK: tensor.empty(%[[K]]) : tensor<4x?xf16>
// CHECK: %[[C:.*]] = scf.if %[[OK2]] -> (tensor<?xf16>)
// CHECK: linalg.generic {{.*}} ins(%arg0, %[[B]], %[[C]] : tensor<?x4xf16>, tensor<4x?xf16>, tensor<?xf16>) outs(%{{.*}} : tensor<?xf32>)
// CHECK: arith.truncf
func.func @checked(%a: tensor<?x4xf16>, %b: tensor<4x?xf16>, %c: tensor<?xf16>) -> tensor<?xf16> {
  %0 = model.einsum "ij,jk,k->i" %a, %b, %c : (tensor<?x4xf16>, tensor<4x?xf16>, tensor<?xf16>) -> tensor<?xf16>
  return %0 : tensor<?xf16>
}

// -----

/// Dims proven equal (here: one value) need no check.
// CHECK-LABEL: func @proven
// CHECK-NOT: cf.assert
// CHECK-NOT: scf.if
// CHECK: linalg.generic
func.func @proven(%v: tensor<?xf32>) -> tensor<f32> {
  %0 = model.einsum "i,i->" %v, %v : (tensor<?xf32>, tensor<?xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}
