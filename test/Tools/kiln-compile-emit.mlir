// RUN: kiln-compile %s --emit=linalg -o - | FileCheck %s --check-prefix=LINALG
// RUN: kiln-compile %s --emit=llvm -o - | FileCheck %s --check-prefix=LLVM
// RUN: kiln-compile %s --emit=obj -o %t.o && llvm-nm %t.o | FileCheck %s --check-prefix=OBJ
// RUN: kiln-compile %s -o %t.kpkg && kiln-run %t.kpkg --input=2x3xf32=1,-2,3,-4,5,-6 | FileCheck %s --check-prefix=EXEC
// RUN: kiln-compile %s --emit=mlir -o - | FileCheck %s --check-prefix=MLIR
// RUN: kiln-compile %s -o %t.dbg.kpkg --mlir-print-ir-after=kiln-cpu-entry-abi --mlir-timing 2>&1 | FileCheck %s --check-prefix=DEBUG

/// The same model through every stage of the driver.
func.func @main(%x: tensor<2x3xf32> {model.name = "x"}) -> (tensor<2x3xf32> {model.name = "y"}) {
  %s = model.constant dense<2.0> : tensor<f32>
  %r = model.relu %x : tensor<2x3xf32>
  %y = model.mul %r, %s : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// LINALG-LABEL: func.func @main
// LINALG: linalg.generic
// LINALG-NOT: model.

// LLVM-DAG: define void @_mlir_ciface_main(ptr
// LLVM-DAG: define {{.*}}i32 @kiln_entry_main(ptr {{.*}}, ptr

// OBJ: T kiln_entry_main

// EXEC: y: 2x3 f32
// EXEC-NEXT: {{\[\[}} 2.,  0.,  6.],
// EXEC-NEXT: [ 0., 10.,  0.]]

// MLIR: model.relu

/// Upstream MLIR debugging flags work on kiln-compile's pipelines.
// DEBUG: IR Dump After CPUEntryABI (kiln-cpu-entry-abi)
// DEBUG: Execution time report
// DEBUG: ConvertModelToLinalg
