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

/// Activations times a weight matrix: the leading dims flatten into the rows
/// of one linalg.matmul, whose result expands back.
// CHECK-LABEL: func @matmul_rows_times_matrix
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0, 1, 2], [3]] : tensor<2x4x8x16xf32> into tensor<64x16xf32>
// CHECK: %[[FILL:.*]] = linalg.fill
// CHECK: %[[MM:.*]] = linalg.matmul ins(%[[FLAT]], %{{.*}} : tensor<64x16xf32>, tensor<16x8xf32>) outs(%[[FILL]] : tensor<64x8xf32>)
// CHECK: tensor.expand_shape %[[MM]] {{\[}}[0, 1, 2], [3]] output_shape [2, 4, 8, 8]
// CHECK-NOT: linalg.generic
func.func @matmul_rows_times_matrix(%q: tensor<2x4x8x16xf32>, %k: tensor<16x8xf32>) -> tensor<2x4x8x8xf32> {
  %0 = model.matmul %q, %k : (tensor<2x4x8x16xf32>, tensor<16x8xf32>) -> tensor<2x4x8x8xf32>
  return %0 : tensor<2x4x8x8xf32>
}

// -----

/// With a dynamic row count the expand takes its size from the input.
// CHECK-LABEL: func @matmul_rows_dynamic
// CHECK-SAME: (%[[X:.*]]: tensor<?x8x16xf32>
// CHECK: tensor.collapse_shape %[[X]] {{\[}}[0, 1], [2]] : tensor<?x8x16xf32> into tensor<?x16xf32>
// CHECK: linalg.matmul
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %{{.*}}
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0, 1], [2]] output_shape [%[[D]], 8, 4]
func.func @matmul_rows_dynamic(%x: tensor<?x8x16xf32>, %w: tensor<16x4xf32>) -> tensor<?x8x4xf32> {
  %0 = model.matmul %x, %w : (tensor<?x8x16xf32>, tensor<16x4xf32>) -> tensor<?x8x4xf32>
  return %0 : tensor<?x8x4xf32>
}

// -----

/// Two dynamic leading dims cannot be one expand_shape group (MLIR 22's
/// expand-strided-metadata crashes on it): the result is a tensor.reshape.
// CHECK-LABEL: func @matmul_rows_two_dynamic
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0, 1], [2]] : tensor<?x?x16xf32> into tensor<?x16xf32>
// CHECK: linalg.matmul
// CHECK: tensor.reshape %{{.*}}(%{{.*}}) : (tensor<?x4xf32>, tensor<3xi64>) -> tensor<?x?x4xf32>
// CHECK-NOT: tensor.expand_shape
func.func @matmul_rows_two_dynamic(%x: tensor<?x?x16xf32>, %w: tensor<16x4xf32>) -> tensor<?x?x4xf32> {
  %0 = model.matmul %x, %w : (tensor<?x?x16xf32>, tensor<16x4xf32>) -> tensor<?x?x4xf32>
  return %0 : tensor<?x?x4xf32>
}

// -----

// CHECK-LABEL: func @batch_matmul
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<4x8x16xf32>, tensor<4x16x2xf32>)
func.func @batch_matmul(%a: tensor<4x8x16xf32>, %b: tensor<4x16x2xf32>) -> tensor<4x8x2xf32> {
  %0 = model.matmul %a, %b : (tensor<4x8x16xf32>, tensor<4x16x2xf32>) -> tensor<4x8x2xf32>
  return %0 : tensor<4x8x2xf32>
}

// -----

/// A stretched unit batch dim is collapsed away, not read at a constant 0,
/// so the maps stay projected permutations (a contraction).
// CHECK-DAG: #[[LHS:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d2, d4)>
// CHECK-DAG: #[[RHS:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4, d3)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func @matmul_broadcast_batch
// CHECK: %[[A:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0, 1], [2], [3]] : tensor<1x4x8x16xf32> into tensor<4x8x16xf32>
// CHECK: linalg.contract indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]] ins(%[[A]], %{{.*}} : tensor<4x8x16xf32>, tensor<2x4x16x8xf32>)
func.func @matmul_broadcast_batch(%q: tensor<1x4x8x16xf32>, %k: tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32> {
  %0 = model.matmul %q, %k : (tensor<1x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  return %0 : tensor<2x4x8x8xf32>
}

// -----

/// transB is the matmul's indexing map; alpha and C are one elementwise op
/// after it, not part of the multiply-add.
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[BT:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func @gemm_trans_b
// CHECK: %[[MM:.*]] = linalg.matmul indexing_maps = [#[[A]], #[[BT]], #[[C]]]
// CHECK: linalg.generic {{.*}} ins(%[[MM]], %{{.*}} : tensor<4x32xf32>, tensor<32xf32>)
// CHECK: %[[S:.*]] = arith.mulf %{{.*}}, %cst
// CHECK: arith.addf %[[S]]
func.func @gemm_trans_b(%a: tensor<4x16xf32>, %b: tensor<32x16xf32>, %c: tensor<32xf32>) -> tensor<4x32xf32> {
  %0 = model.gemm %a, %b, %c {transB = true, alpha = 0.5 : f32} : (tensor<4x16xf32>, tensor<32x16xf32>, tensor<32xf32>) -> tensor<4x32xf32>
  return %0 : tensor<4x32xf32>
}

// -----

/// f16 multiplies accumulate in f32; the result converts back once.
// CHECK-LABEL: func @matmul_f16
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<4x8xf32>)
// CHECK: %[[MM:.*]] = linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x16xf16>, tensor<16x8xf16>) outs(%{{.*}} : tensor<4x8xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[MM]] : tensor<4x8xf32>) outs(%{{.*}} : tensor<4x8xf16>)
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @matmul_f16(%a: tensor<4x16xf16>, %b: tensor<16x8xf16>) -> tensor<4x8xf16> {
  %0 = model.matmul %a, %b : (tensor<4x16xf16>, tensor<16x8xf16>) -> tensor<4x8xf16>
  return %0 : tensor<4x8xf16>
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

/// softmax is linalg.softmax; the target decomposes it.
// CHECK-LABEL: func @softmax
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x8xf32>
// CHECK: linalg.softmax dimension(1) ins(%{{.*}} : tensor<2x8xf32>) outs(%[[E]] : tensor<2x8xf32>)
func.func @softmax(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %0 = model.softmax %x {axis = 1 : i64} : tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

/// bf16 softmax computes in f32.
// CHECK-LABEL: func @softmax_bf16
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK: linalg.softmax dimension(0) ins(%{{.*}} : tensor<8xf32>)
// CHECK: arith.truncf %{{.*}} : f32 to bf16
func.func @softmax_bf16(%x: tensor<8xbf16>) -> tensor<8xbf16> {
  %0 = model.softmax %x {axis = 0 : i64} : tensor<8xbf16>
  return %0 : tensor<8xbf16>
}

// -----

/// f16 sums accumulate in f32.
// CHECK-LABEL: func @reduce_sum_f16
// CHECK: linalg.fill ins(%{{.*}} : f32)
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<4x8xf16>) outs(%{{.*}} : tensor<4xf32>)
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.addf %{{.*}} : f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @reduce_sum_f16(%x: tensor<4x8xf16>) -> tensor<4xf16> {
  %0 = model.reduce_sum %x {axes = array<i64: 1>, keepdims = false} : (tensor<4x8xf16>) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

/// An i64 mean divides in i64 (no i64 -> i64 truncation).
// CHECK-LABEL: func @reduce_mean_i64
// CHECK-NOT: arith.trunci
// CHECK: arith.divsi %{{.*}} : i64
func.func @reduce_mean_i64(%x: tensor<4x8xi64>) -> tensor<4xi64> {
  %0 = model.reduce_mean %x {axes = array<i64: 1>, keepdims = false} : (tensor<4x8xi64>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

/// An i8 mean sums in i64, so the sum cannot wrap, then truncates.
// CHECK-LABEL: func @reduce_mean_i8
// CHECK: arith.extsi %{{.*}} : i8 to i64
// CHECK: arith.addi %{{.*}} : i64
// CHECK: arith.divsi %{{.*}} : i64
// CHECK: arith.trunci %{{.*}} : i64 to i8
func.func @reduce_mean_i8(%x: tensor<4x8xi8>) -> tensor<4xi8> {
  %0 = model.reduce_mean %x {axes = array<i64: 1>, keepdims = false} : (tensor<4x8xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

/// f16 and bf16 have the same width: the cast goes through f32.
// CHECK-LABEL: func @cast_f16_to_bf16
// CHECK: %[[W:.*]] = arith.extf %{{.*}} : f16 to f32
// CHECK: arith.truncf %[[W]] : f32 to bf16
func.func @cast_f16_to_bf16(%x: tensor<4xf16>) -> tensor<4xbf16> {
  %0 = model.cast %x to bf16 : tensor<4xf16> -> tensor<4xbf16>
  return %0 : tensor<4xbf16>
}

// -----

/// Shapes that do not group into each other go through 1-D.
// CHECK-LABEL: func @reshape_regroup
// CHECK: %[[F:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0, 1]] : tensor<6x4xf32> into tensor<24xf32>
// CHECK: tensor.expand_shape %[[F]] {{\[}}[0, 1]] output_shape [4, 6] : tensor<24xf32> into tensor<4x6xf32>
// CHECK-NOT: tensor.reshape
func.func @reshape_regroup(%x: tensor<6x4xf32>) -> tensor<4x6xf32> {
  %0 = model.reshape %x {shape = array<i64: 4, 6>} : (tensor<6x4xf32>) -> tensor<4x6xf32>
  return %0 : tensor<4x6xf32>
}

// -----

/// A static regrouping is an expand_shape even with a dynamic dim.
// CHECK-LABEL: func @reshape_dynamic
// CHECK: %[[D0:.*]] = tensor.dim %{{.*}}, %c0
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0], [1], [2, 3]] output_shape [%[[D0]], 8, 4, 16] : tensor<?x8x64xf32> into tensor<?x8x4x16xf32>
// CHECK-NOT: tensor.reshape
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
/// Separate operands: squeeze(unsqueeze(x)) would fold away during conversion.
func.func @unsqueeze_squeeze(%x: tensor<4x8xf32>, %y: tensor<1x4x8x1xf32>) -> (tensor<1x4x8x1xf32>, tensor<4x8xf32>) {
  %0 = model.unsqueeze %x {axes = array<i64: 0, 3>} : (tensor<4x8xf32>) -> tensor<1x4x8x1xf32>
  %1 = model.squeeze %y {axes = array<i64: 0, 3>} : (tensor<1x4x8x1xf32>) -> tensor<4x8xf32>
  return %0, %1 : tensor<1x4x8x1xf32>, tensor<4x8xf32>
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

/// Indices known only at run time are checked to lie in [-8, 8) by one
/// reduction over them; the gather is built only when they do (zeros
/// otherwise), and there negative indices wrap with no clamp.
// CHECK-LABEL: func @gather
// CHECK-SAME: (%[[X:.*]]: tensor<2x8x64xf32>, %[[IDS:.*]]: tensor<3xi64>)
// CHECK: %[[ALL:.*]] = linalg.generic {{.*}}iterator_types = ["reduction"]} ins(%[[IDS]] : tensor<3xi64>)
// CHECK: arith.cmpi sge
// CHECK: arith.cmpi slt
// CHECK: %[[OK:.*]] = tensor.extract %[[ALL]][] : tensor<i1>
// CHECK: cf.assert %[[OK]], "{{.*}} (model.gather): an index is out of range of the gathered dim"
// CHECK: scf.if %[[OK]] -> (tensor<2x3x64xf32>) {
// CHECK: linalg.generic
// CHECK-NOT: arith.minsi
// CHECK: %[[I0:.*]] = linalg.index 0 : index
// CHECK: %[[NEG:.*]] = arith.cmpi slt
// CHECK: %[[WRAPPED:.*]] = arith.select %[[NEG]]
// CHECK: tensor.extract %[[X]][%[[I0]], %[[WRAPPED]], %{{.*}}] : tensor<2x8x64xf32>
// CHECK: } else {
// CHECK: linalg.fill
func.func @gather(%x: tensor<2x8x64xf32>, %ids: tensor<3xi64>) -> tensor<2x3x64xf32> {
  %0 = model.gather %x, %ids {axis = 1 : i64} : (tensor<2x8x64xf32>, tensor<3xi64>) -> tensor<2x3x64xf32>
  return %0 : tensor<2x3x64xf32>
}

// -----

/// Near miss: constant indices in range need no check.
// CHECK-LABEL: func @gather_constant_indices
// CHECK-NOT: cf.assert
// CHECK-NOT: scf.if
// CHECK: linalg.generic
// CHECK: tensor.extract
func.func @gather_constant_indices(%x: tensor<2x8x64xf32>) -> tensor<2x2x64xf32> {
  %ids = model.constant dense<[1, -1]> : tensor<2xi64>
  %0 = model.gather %x, %ids {axis = 1 : i64} : (tensor<2x8x64xf32>, tensor<2xi64>) -> tensor<2x2x64xf32>
  return %0 : tensor<2x2x64xf32>
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

// -----

/// A step beyond the dim takes one element; its size must not overflow.
// CHECK-LABEL: func @slice_huge_step
// CHECK: tensor.extract_slice %{{.*}}[1] [1] [9223372036854775807] : tensor<8xf32> to tensor<1xf32>
func.func @slice_huge_step(%x: tensor<8xf32>) -> tensor<1xf32> {
  %0 = model.slice %x {axes = array<i64: 0>, starts = array<i64: 1>, ends = array<i64: 8>, steps = array<i64: 9223372036854775807>} : (tensor<8xf32>) -> tensor<1xf32>
  return %0 : tensor<1xf32>
}
