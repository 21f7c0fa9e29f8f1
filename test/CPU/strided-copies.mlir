// RUN: kiln-opt %s --split-input-file --kiln-cpu-lower-strided-copies | FileCheck %s

/// A copy out of a strided view would call memrefCopy: it becomes linalg.copy.
// CHECK-LABEL: func @strided
// CHECK: linalg.copy ins(%{{.*}} : memref<?x?xf32, strided<[?, 1], offset: ?>>) outs(%{{.*}} : memref<?x?xf32>)
// CHECK-NOT: memref.copy
func.func @strided(%src: memref<?x?xf32, strided<[?, 1], offset: ?>>, %dst: memref<?x?xf32>) {
  memref.copy %src, %dst : memref<?x?xf32, strided<[?, 1], offset: ?>> to memref<?x?xf32>
  return
}

// -----

/// Near miss: contiguous copies stay memref.copy (they become memcpy).
// CHECK-LABEL: func @contiguous
// CHECK: memref.copy
// CHECK: memref.copy
// CHECK-NOT: linalg.copy
func.func @contiguous(%a: memref<?x4xf32>, %b: memref<?x4xf32>, %c: memref<1xi64, strided<[1], offset: 3>>, %d: memref<1xi64>) {
  memref.copy %a, %b : memref<?x4xf32> to memref<?x4xf32>
  memref.copy %d, %c : memref<1xi64> to memref<1xi64, strided<[1], offset: 3>>
  return
}
