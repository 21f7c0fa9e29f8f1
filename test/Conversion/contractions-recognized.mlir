// RUN: kiln-opt %s --split-input-file --kiln-convert-model-to-linalg --kiln-test-match-contractions --verify-diagnostics
// RUN: kiln-opt %s --split-input-file --kiln-convert-model-to-linalg --linalg-specialize-generic-ops | FileCheck %s

/// Every matmul form the lowering emits is a contraction by upstream's
/// interface (linalg::isaContractionOpInterface, inferContractionDims): the
/// form that packing, vector.contract and the mma paths match.

// CHECK-LABEL: func @matmul_2d
// CHECK: linalg.matmul
func.func @matmul_2d(%a: tensor<4x16xf32>, %b: tensor<16x8xf32>) -> tensor<4x8xf32> {
  // expected-remark @+1 {{contraction: batch=[] m=[0] n=[1] k=[2]}}
  %0 = model.matmul %a, %b : (tensor<4x16xf32>, tensor<16x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func @rows_times_matrix
// CHECK: linalg.matmul
func.func @rows_times_matrix(%a: tensor<?x8x16xf32>, %b: tensor<16x8xf32>) -> tensor<?x8x8xf32> {
  // expected-remark @+1 {{contraction: batch=[] m=[0] n=[1] k=[2]}}
  %0 = model.matmul %a, %b : (tensor<?x8x16xf32>, tensor<16x8xf32>) -> tensor<?x8x8xf32>
  return %0 : tensor<?x8x8xf32>
}

// -----

// CHECK-LABEL: func @batched
// CHECK: linalg.batch_matmul
func.func @batched(%a: tensor<4x8x16xf32>, %b: tensor<4x16x2xf32>) -> tensor<4x8x2xf32> {
  // expected-remark @+1 {{contraction: batch=[0] m=[1] n=[2] k=[3]}}
  %0 = model.matmul %a, %b : (tensor<4x8x16xf32>, tensor<4x16x2xf32>) -> tensor<4x8x2xf32>
  return %0 : tensor<4x8x2xf32>
}

// -----

/// Attention scores: [b, h, s, d] x [b, h, d, s], two batch dims.
// CHECK-LABEL: func @two_batch_dims
// CHECK: linalg.contract
func.func @two_batch_dims(%q: tensor<2x4x8x16xf32>, %k: tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32> {
  // expected-remark @+1 {{contraction: batch=[0,1] m=[2] n=[3] k=[4]}}
  %0 = model.matmul %q, %k : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  return %0 : tensor<2x4x8x8xf32>
}

// -----

/// A batch dim broadcast from a stretched 1 and one broadcast from nothing:
/// A reads neither, so the interface counts them with the n dims.
// CHECK-LABEL: func @broadcast_batch
// CHECK: linalg.contract
func.func @broadcast_batch(%q: tensor<1x8x16xf32>, %k: tensor<3x2x16x8xf32>) -> tensor<3x2x8x8xf32> {
  // expected-remark @+1 {{contraction: batch=[] m=[2] n=[0,1,3] k=[4]}}
  %0 = model.matmul %q, %k : (tensor<1x8x16xf32>, tensor<3x2x16x8xf32>) -> tensor<3x2x8x8xf32>
  return %0 : tensor<3x2x8x8xf32>
}

// -----

// CHECK-LABEL: func @gemm_transposed
// CHECK: linalg.matmul indexing_maps
func.func @gemm_transposed(%a: tensor<16x4xf32>, %b: tensor<8x16xf32>) -> tensor<4x8xf32> {
  // expected-remark @+1 {{contraction: batch=[] m=[0] n=[1] k=[2]}}
  %0 = model.gemm %a, %b {transA = true, transB = true, alpha = 2.0 : f32} : (tensor<16x4xf32>, tensor<8x16xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

/// Mixed precision (bf16 in, f32 accumulator) is still a contraction.
// CHECK-LABEL: func @matmul_bf16
// CHECK: linalg.matmul
func.func @matmul_bf16(%a: tensor<4x16xbf16>, %b: tensor<16x8xbf16>) -> tensor<4x8xbf16> {
  // expected-remark @+1 {{contraction: batch=[] m=[0] n=[1] k=[2]}}
  %0 = model.matmul %a, %b : (tensor<4x16xbf16>, tensor<16x8xbf16>) -> tensor<4x8xbf16>
  return %0 : tensor<4x8xbf16>
}

// -----

/// The test pass says no too: a reduction is not a contraction.
// CHECK-LABEL: func @not_a_contraction
func.func @not_a_contraction(%x: tensor<4x8xf32>) -> tensor<4xf32> {
  // expected-remark @+1 {{not a contraction}}
  %0 = model.reduce_sum %x {axes = array<i64: 1>, keepdims = false} : (tensor<4x8xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
