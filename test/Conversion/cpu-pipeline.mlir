// RUN: kiln-opt %s --kiln-cpu-pipeline | FileCheck %s --implicit-check-not=model. --implicit-check-not=linalg. --implicit-check-not=memref. --implicit-check-not=tensor. --implicit-check-not=llvm.mlir.global
// RUN: kiln-opt %s --kiln-model-to-linalg-pipeline | FileCheck %s --check-prefix=LINALG --implicit-check-not=linalg.generic --implicit-check-not=memref. --implicit-check-not='{{model\.[a-vx-z]}}'
// RUN: kiln-opt %s --kiln-model-to-linalg-pipeline | kiln-opt --kiln-linalg-to-cpu-pipeline | FileCheck %s --implicit-check-not=model. --implicit-check-not=linalg. --implicit-check-not=memref. --implicit-check-not=tensor. --implicit-check-not=llvm.mlir.global

/// The whole CPU pipeline reaches the LLVM dialect: nothing of model, linalg,
/// tensor or memref is left anywhere in the output, weights are arguments
/// (no global holds them), buffers come from malloc, and the entry keeps its C
/// interface. The two halves in sequence give the same.
// CHECK-LABEL: llvm.func @main
// CHECK-SAME: attributes {llvm.emit_c_interface}
// CHECK: llvm.call @malloc
// CHECK: llvm.func @_mlir_ciface_main

/// The target-neutral pipeline keeps the weights as model.weight (no other
/// model op is left), emits a named matmul with Gemm's transpose as its map,
/// fuses the bias add and the relu into exactly one generic, and leaves
/// softmax as linalg.softmax; it stops before bufferization.
// LINALG-LABEL: func.func @main
// LINALG-DAG: %[[W:.*]] = model.weight "fc.weight"
// LINALG-DAG: %[[B:.*]] = model.weight "fc.bias"
// LINALG: %[[MM:.*]] = linalg.matmul indexing_maps = {{.*}} ins(%{{.*}}, %[[W]] :
// LINALG: %[[ACT:.*]] = linalg.generic {{.*}} ins(%[[MM]], %[[B]] :
// LINALG: arith.addf
// LINALG: arith.maximumf
// LINALG: linalg.softmax dimension(1) ins(%[[ACT]]
// LINALG: return
func.func @main(%x: tensor<4x16xf32>) -> tensor<4x8xf32> {
  %w = model.weight "fc.weight" dense<0.5> : tensor<8x16xf32>
  %b = model.weight "fc.bias" dense<0.1> : tensor<8xf32>
  %y = model.gemm %x, %w, %b {transB = true} : (tensor<4x16xf32>, tensor<8x16xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %r = model.relu %y : tensor<4x8xf32>
  %s = model.softmax %r {axis = 1 : i64} : tensor<4x8xf32>
  return %s : tensor<4x8xf32>
}
