// RUN: kiln-opt %s --split-input-file --kiln-cpu-parallel-loops | FileCheck %s

// An outermost scf.forall on memrefs becomes exec->parallel_for over its
// linearized range; the body, outlined, reads its captures from the closure.
// CHECK-LABEL: func.func @tiles
// CHECK-SAME: (%[[A:.*]]: memref<4x8xf32>, %[[S:.*]]: f32, %[[EXEC:.*]]: !llvm.ptr {kiln.exec})
// The captures that are not constants: the store's value and the descriptor
// (the static lbs, steps and counts are rebuilt in the body).
// CHECK: %[[CLOSURE:.*]] = llvm.alloca %{{.*}} x !llvm.struct<(f32, struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>)>
// CHECK-NOT: scf.forall
// CHECK: llvm.store %[[S]]
// CHECK: %[[DESC:.*]] = builtin.unrealized_conversion_cast %[[A]] : memref<4x8xf32> to !llvm.struct
// CHECK: llvm.store %[[DESC]]
// CHECK: %[[BODY:.*]] = llvm.mlir.addressof @tiles_parallel_body_0
// CHECK: scf.if
// CHECK:   llvm.call @tiles_parallel_body_0(%[[CLOSURE]]
// CHECK: } else {
// CHECK:   %[[SLOT:.*]] = llvm.getelementptr %[[EXEC]][8] : (!llvm.ptr) -> !llvm.ptr, i8
// CHECK:   %[[PFOR:.*]] = llvm.load %[[SLOT]] : !llvm.ptr -> !llvm.ptr
// CHECK:   llvm.call %[[PFOR]](%[[EXEC]], %{{.*}}, %{{.*}}, %[[BODY]], %[[CLOSURE]])
// CHECK: llvm.func internal @tiles_parallel_body_0(%[[C:.*]]: !llvm.ptr, %[[B:.*]]: i64, %[[E:.*]]: i64)
// CHECK:   llvm.load
// CHECK:   builtin.unrealized_conversion_cast %{{.*}} : !llvm.struct<{{.*}}> to memref<4x8xf32>
// CHECK:   scf.for
// CHECK:     arith.remsi
// CHECK:     arith.divsi
// CHECK:     memref.store
// CHECK:   llvm.return
func.func @tiles(%a: memref<4x8xf32>, %s: f32, %exec: !llvm.ptr {kiln.exec}) {
  scf.forall (%i, %j) in (4, 8) {
    memref.store %s, %a[%i, %j] : memref<4x8xf32>
  }
  return
}

// -----

// Without the exec argument (no runtime to lend threads) the loop stays.
// CHECK-LABEL: func.func @no_exec
// CHECK: scf.forall
func.func @no_exec(%a: memref<4xf32>, %s: f32) {
  scf.forall (%i) in (4) {
    memref.store %s, %a[%i] : memref<4xf32>
  }
  return
}

// -----

// Only the outermost loop is outlined; the nested one runs serially inside.
// CHECK-LABEL: func.func @nested
// CHECK-NOT: scf.forall
// CHECK: llvm.func internal @nested_parallel_body_0
// CHECK: scf.forall
func.func @nested(%a: memref<4x8xf32>, %s: f32, %exec: !llvm.ptr {kiln.exec}) {
  scf.forall (%i) in (4) {
    scf.forall (%j) in (8) {
      memref.store %s, %a[%i, %j] : memref<4x8xf32>
    }
  }
  return
}

// -----

// Constants from above (an inner loop's bounds and step, a fill value) are
// rebuilt in the body, not stored in the closure: LLVM must see them to
// vectorize the inner loop. Of the forall's own bounds only the trip count
// of the dynamic one is captured.
// CHECK-LABEL: func.func @constants
// CHECK-SAME: (%[[A:.*]]: memref<?x64xf32>, %[[N:.*]]: index, %[[EXEC:.*]]: !llvm.ptr {kiln.exec})
// CHECK: llvm.alloca %{{.*}} x !llvm.struct<(struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>, i64)>
// CHECK: llvm.func internal @constants_parallel_body_0
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[SIXTYFOUR:.*]] = arith.constant 64 : index
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[HALF:.*]] = arith.constant 5.000000e-01 : f32
// CHECK: scf.for
// CHECK:   scf.for %{{.*}} = %[[ZERO]] to %[[SIXTYFOUR]] step %[[ONE]]
// CHECK:     memref.store %[[HALF]]
func.func @constants(%a: memref<?x64xf32>, %n: index, %exec: !llvm.ptr {kiln.exec}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %half = arith.constant 0.5 : f32
  scf.forall (%i) in (%n) {
    scf.for %j = %c0 to %c64 step %c1 {
      memref.store %half, %a[%i, %j] : memref<?x64xf32>
    }
  }
  return
}
