// RUN: kiln-opt %s --split-input-file --kiln-convert-model-to-linalg --kiln-decompose-aggregated-ops --linalg-generalize-named-ops --kiln-fuse-elementwise | FileCheck %s

/// A chain of elementwise ops becomes one loop nest.
// CHECK-LABEL: func @chain
// CHECK: linalg.generic
// CHECK: math.erf
// CHECK: arith.mulf
// CHECK-NOT: linalg.generic
func.func @chain(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = model.erf %x : tensor<4x8xf32>
  %1 = model.mul %0, %x : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %1 : tensor<4x8xf32>
}

// -----

/// softmax's exp(x - max) feeds its sum through an identity map over all
/// loops: fused, each exp is still computed once per element.
// CHECK-LABEL: func @softmax
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK: arith.maxnumf
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK: math.exp
// CHECK: arith.addf
func.func @softmax(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = model.softmax %x {axis = 1 : i64} : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

/// Near miss: the matmul (generalized, so that fusion could apply) reads
/// erf(x)[m, k] in every iteration of its n loop; fusing would compute each
/// erf N times, so the erf stays its own op.
// CHECK-LABEL: func @negative_producer_of_matmul
// CHECK: %[[E:.*]] = linalg.generic
// CHECK: math.erf
// CHECK: linalg.generic {{.*}} ins(%[[E]], %{{.*}} : tensor<4x16xf32>, tensor<16x32xf32>)
// CHECK-NOT: math.erf
func.func @negative_producer_of_matmul(%x: tensor<4x16xf32>, %w: tensor<16x32xf32>) -> tensor<4x32xf32> {
  %0 = model.erf %x : tensor<4x16xf32>
  %1 = model.matmul %0, %w : (tensor<4x16xf32>, tensor<16x32xf32>) -> tensor<4x32xf32>
  return %1 : tensor<4x32xf32>
}

// -----

/// Near miss: a broadcast operand is read once per row of the consumer.
// CHECK-LABEL: func @negative_broadcast_producer
// CHECK: %[[E:.*]] = linalg.generic
// CHECK: math.exp
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[E]] : tensor<4x8xf32>, tensor<8xf32>)
func.func @negative_broadcast_producer(%x: tensor<4x8xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
  %0 = model.exp %b : tensor<8xf32>
  %1 = model.add %x, %0 : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  return %1 : tensor<4x8xf32>
}
