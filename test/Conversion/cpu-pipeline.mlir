// RUN: kiln-opt %s --kiln-cpu-pipeline | FileCheck %s
// RUN: kiln-opt %s --kiln-model-to-linalg-pipeline | FileCheck %s --check-prefix=LINALG

/// The whole CPU pipeline reaches the LLVM dialect: the entry keeps its C
/// interface, weights are arguments (not globals), buffers come from malloc.
// CHECK-NOT: model.
// CHECK-NOT: linalg.
// CHECK-NOT: memref.
// CHECK-LABEL: llvm.func @main
// CHECK-SAME: attributes {llvm.emit_c_interface}
// CHECK: llvm.call @malloc
// CHECK-NOT: llvm.mlir.global
// CHECK: llvm.func @_mlir_ciface_main

/// The tensor-level pipeline fuses the gemm's bias add, relu and the cast
/// chain into fewer generics and stops before bufferization.
// LINALG-LABEL: func.func @main
// LINALG-SAME: kiln.weight = "fc.weight"
// LINALG-NOT: model.
// LINALG-NOT: memref.
// LINALG: linalg.generic
// LINALG: return
func.func @main(%x: tensor<4x16xf32>) -> tensor<4x8xf32> {
  %w = model.weight "fc.weight" dense<0.5> : tensor<8x16xf32>
  %b = model.weight "fc.bias" dense<0.1> : tensor<8xf32>
  %y = model.gemm %x, %w, %b {transB = true} : (tensor<4x16xf32>, tensor<8x16xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %r = model.relu %y : tensor<4x8xf32>
  %s = model.softmax %r {axis = 1 : i64} : tensor<4x8xf32>
  return %s : tensor<4x8xf32>
}
