// RUN: kiln-opt %s --split-input-file --kiln-convert-model-to-linalg --verify-diagnostics | FileCheck %s

// CHECK-DAG: #[[ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func @broadcast_add
// CHECK-SAME: (%[[A:.*]]: tensor<?x3xf32>, %[[B:.*]]: tensor<3xf32>)
/// The dynamic dim is read from the operand that has it dynamic.
// CHECK: %[[DIM:.*]] = tensor.dim %[[A]], %{{.*}} : tensor<?x3xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[DIM]]) : tensor<?x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID2]], #[[ROW]], #[[ID2]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[A]], %[[B]] : {{.*}}) outs(%[[E]] : tensor<?x3xf32>)
// CHECK: arith.addf
func.func @broadcast_add(%a: tensor<?x3xf32>, %b: tensor<3xf32>) -> tensor<?x3xf32> {
  %0 = model.add %a, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

/// A size-1 dim stretched by broadcasting is read at index 0.
// CHECK-DAG: #[[STRETCH:.*]] = affine_map<(d0, d1) -> (0, d1)>
// CHECK-LABEL: func @stretch_unit_dim
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[STRETCH]], #{{.*}}]
// CHECK: arith.maximumf
func.func @stretch_unit_dim(%a: tensor<4x3xf32>, %b: tensor<1x3xf32>) -> tensor<4x3xf32> {
  %0 = model.max %a, %b : (tensor<4x3xf32>, tensor<1x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// CHECK-LABEL: func @unary_math
// CHECK: math.exp
// CHECK: arith.negf
// CHECK: math.exp
// CHECK: arith.addf
// CHECK: arith.divf
// CHECK: math.erf
// CHECK: math.tanh
func.func @unary_math(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = model.exp %x : tensor<4xf32>
  %1 = model.sigmoid %0 : tensor<4xf32>
  %2 = model.erf %1 : tensor<4xf32>
  %3 = model.tanh %2 : tensor<4xf32>
  return %3 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @cast_to_bool
// CHECK: arith.cmpf une
func.func @cast_to_bool(%x: tensor<4xf32>) -> tensor<4xi1> {
  %0 = model.cast %x to i1 : tensor<4xf32> -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

/// Loops (b0, b1, m, k, n): the reduction sits before n so that the innermost
/// loop walks rows of B and C contiguously.
// CHECK-DAG: #[[LHS:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[RHS:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d3, d4)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// CHECK-LABEL: func @matmul_broadcast_batch
// CHECK: %[[FILL:.*]] = linalg.fill
// CHECK: linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]}
// CHECK-SAME: outs(%[[FILL]]
// CHECK: arith.mulf %{{.*}}, %{{.*}} fastmath<contract>
// CHECK: arith.addf %{{.*}}, %{{.*}} fastmath<contract>
func.func @matmul_broadcast_batch(%q: tensor<2x4x8x16xf32>, %k: tensor<16x8xf32>) -> tensor<2x4x8x8xf32> {
  %0 = model.matmul %q, %k : (tensor<2x4x8x16xf32>, tensor<16x8xf32>) -> tensor<2x4x8x8xf32>
  return %0 : tensor<2x4x8x8xf32>
}

// -----

/// With B transposed the loops are (m, n, k): the innermost loop is a dot
/// product of two contiguous rows, vectorizable once reassociable.
// CHECK-DAG: #[[BT:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func @gemm_trans_b
/// alpha scales the product; C is added afterwards.
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[BT]], #{{.*}}], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK: arith.mulf
// CHECK: arith.mulf %{{.*}}, %{{.*}} fastmath<reassoc,contract>
// CHECK: linalg.generic
// CHECK: arith.addf
func.func @gemm_trans_b(%a: tensor<4x16xf32>, %b: tensor<32x16xf32>, %c: tensor<32xf32>) -> tensor<4x32xf32> {
  %0 = model.gemm %a, %b, %c {transB = true, alpha = 0.5 : f32} : (tensor<4x16xf32>, tensor<32x16xf32>, tensor<32xf32>) -> tensor<4x32xf32>
  return %0 : tensor<4x32xf32>
}

// -----

// CHECK-LABEL: func @reduce_mean_keepdims
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "reduction"]
// CHECK: %[[DIM:.*]] = tensor.dim
// CHECK: arith.sitofp
// CHECK: arith.divf
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0, 1, 2]] output_shape [4, 1, 1]
func.func @reduce_mean_keepdims(%x: tensor<4x?x8xf32>) -> tensor<4x1x1xf32> {
  %0 = model.reduce_mean %x {axes = array<i64: 1, 2>} : (tensor<4x?x8xf32>) -> tensor<4x1x1xf32>
  return %0 : tensor<4x1x1xf32>
}

// -----

// CHECK-LABEL: func @reduce_max_all
// CHECK: arith.constant 0xFF800000 : f32
// CHECK: arith.maximumf
// CHECK-NOT: tensor.expand_shape
func.func @reduce_max_all(%x: tensor<4x8xf32>) -> tensor<f32> {
  %0 = model.reduce_max %x {axes = array<i64>, keepdims = false} : (tensor<4x8xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

/// softmax = exp(x - max) / sum(exp(x - max)): max, exp, sum, divide.
// CHECK-LABEL: func @softmax
// CHECK: arith.maximumf
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: arith.addf
// CHECK: arith.divf
func.func @softmax(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %0 = model.softmax %x {axis = 1 : i64} : tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// CHECK-LABEL: func @reshape_dynamic
// CHECK: %[[D0:.*]] = tensor.dim %{{.*}}, %c0
// CHECK: %[[SHAPE:.*]] = tensor.from_elements {{.*}} : tensor<4xi64>
// CHECK: tensor.reshape %{{.*}}(%[[SHAPE]]) : (tensor<?x8x64xf32>, tensor<4xi64>) -> tensor<?x8x4x16xf32>
func.func @reshape_dynamic(%x: tensor<?x8x64xf32>) -> tensor<?x8x4x16xf32> {
  %0 = model.reshape %x {shape = array<i64: 0, 0, 4, -1>} : (tensor<?x8x64xf32>) -> tensor<?x8x4x16xf32>
  return %0 : tensor<?x8x4x16xf32>
}

// -----

// CHECK-LABEL: func @transpose
// CHECK: linalg.transpose ins(%{{.*}} : tensor<2x8x4x16xf32>) outs(%{{.*}} : tensor<2x4x8x16xf32>) permutation = [0, 2, 1, 3]
func.func @transpose(%x: tensor<2x8x4x16xf32>) -> tensor<2x4x8x16xf32> {
  %0 = model.transpose %x {perm = array<i64: 0, 2, 1, 3>} : (tensor<2x8x4x16xf32>) -> tensor<2x4x8x16xf32>
  return %0 : tensor<2x4x8x16xf32>
}

// -----

// CHECK-LABEL: func @unsqueeze_squeeze
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0, 1], [2, 3]] output_shape [1, 4, 8, 1]
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0, 1], [2, 3]]
func.func @unsqueeze_squeeze(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = model.unsqueeze %x {axes = array<i64: 0, 3>} : (tensor<4x8xf32>) -> tensor<1x4x8x1xf32>
  %1 = model.squeeze %0 {axes = array<i64: 0, 3>} : (tensor<1x4x8x1xf32>) -> tensor<4x8xf32>
  return %1 : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func @concat
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x8xf32>
// CHECK: %[[I0:.*]] = tensor.insert_slice %{{.*}} into %[[E]][0, 0] [2, 3] [1, 1]
// CHECK: tensor.insert_slice %{{.*}} into %[[I0]][0, 3] [2, 5] [1, 1]
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> tensor<2x8xf32> {
  %0 = model.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

/// ONNX bounds: -7 on a dim of 8 starts at 1, 100 clamps to 8; step 3 -> 1, 4, 7.
// CHECK-LABEL: func @slice_static
// CHECK: tensor.extract_slice %{{.*}}[0, 1, 0] [2, 3, 64] [1, 3, 1] : tensor<2x8x64xf32> to tensor<2x3x64xf32>
func.func @slice_static(%x: tensor<2x8x64xf32>) -> tensor<2x3x64xf32> {
  %0 = model.slice %x {axes = array<i64: 1>, starts = array<i64: -7>, ends = array<i64: 100>, steps = array<i64: 3>} : (tensor<2x8x64xf32>) -> tensor<2x3x64xf32>
  return %0 : tensor<2x3x64xf32>
}

// -----

// CHECK-LABEL: func @slice_dynamic
// CHECK: %[[DIM:.*]] = tensor.dim
// CHECK: arith.ceildivsi
// CHECK: tensor.extract_slice
func.func @slice_dynamic(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = model.slice %x {axes = array<i64: 0>, starts = array<i64: 1>, ends = array<i64: -1>, steps = array<i64: 1>} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

/// Negative indices wrap; the index clamps into range before the read.
// CHECK-LABEL: func @gather
// CHECK: linalg.generic
// CHECK: arith.index_cast
// CHECK: arith.select
// CHECK: arith.minsi
// CHECK: %[[I0:.*]] = linalg.index 0 : index
// CHECK: tensor.extract %{{.*}}[%[[I0]], %{{.*}}, %{{.*}}] : tensor<2x8x64xf32>
func.func @gather(%x: tensor<2x8x64xf32>, %ids: tensor<3xi64>) -> tensor<2x3x64xf32> {
  %0 = model.gather %x, %ids {axis = 1 : i64} : (tensor<2x8x64xf32>, tensor<3xi64>) -> tensor<2x3x64xf32>
  return %0 : tensor<2x3x64xf32>
}

// -----

// CHECK-LABEL: func @where
// CHECK: arith.select
func.func @where(%c: tensor<4x1xi1>, %a: tensor<4x8xf32>, %b: tensor<f32>) -> tensor<4x8xf32> {
  %0 = model.where %c, %a, %b : (tensor<4x1xi1>, tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func @constant
// CHECK: arith.constant dense<2.500000e-01> : tensor<f32>
// CHECK-NOT: model.
func.func @constant() -> tensor<f32> {
  %0 = model.constant dense<0.25> : tensor<f32>
  return %0 : tensor<f32>
}

// -----

// CHECK-LABEL: func @shape
// CHECK: %[[D0:.*]] = tensor.dim
// CHECK: %[[I0:.*]] = arith.index_cast %[[D0]] : index to i64
// CHECK: tensor.from_elements %[[I0]], %{{.*}} : tensor<2xi64>
func.func @shape(%x: tensor<?x4xf32>) -> tensor<2xi64> {
  %0 = model.shape %x : (tensor<?x4xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

/// Entries are resolved at run time: 0 copies the input dim, -1 is inferred.
// CHECK-LABEL: func @dynamic_reshape
// CHECK: tensor.extract
// CHECK: arith.cmpi eq
// CHECK: arith.select
// CHECK: arith.divsi
// CHECK: %[[SHAPE:.*]] = tensor.from_elements {{.*}} : tensor<3xi64>
// CHECK: tensor.reshape %{{.*}}(%[[SHAPE]]) : (tensor<?x64xf32>, tensor<3xi64>) -> tensor<?x4x16xf32>
func.func @dynamic_reshape(%x: tensor<?x64xf32>, %s: tensor<3xi64>) -> tensor<?x4x16xf32> {
  %0 = model.dynamic_reshape %x, %s : (tensor<?x64xf32>, tensor<3xi64>) -> tensor<?x4x16xf32>
  return %0 : tensor<?x4x16xf32>
}

// -----

/// arith computes on signless integers only: unsigned tensors are diagnosed.
func.func @negative_unsigned(%x: tensor<4xui8>) -> tensor<4xui8> {
  // expected-error @+1 {{unsigned and signed integer element types ('ui8') are not supported by the lowering yet}}
  %0 = model.add %x, %x : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}
