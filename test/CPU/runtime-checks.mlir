// RUN: kiln-opt %s --split-input-file --kiln-cpu-runtime-checks --verify-diagnostics | FileCheck %s

/// A run-time check calls exec->fail(exec, message) (kiln_exec's `fail` is
/// at byte 16) through the argument the entry wrapper fills with the
/// runtime's kiln_exec, and the code runs on.
// CHECK: llvm.mlir.global internal constant @[[MSG:kiln_check_[0-9]+]]("node 'mm' (model.matmul): inner dims differ\00")
// CHECK-LABEL: func @main
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?xf32>, %{{[^:]*}}: index, %[[EXEC:[^:]*]]: !llvm.ptr {kiln.exec})
// CHECK: %[[FAILED:.*]] = arith.xori %{{.*}}, %true
// CHECK: scf.if %[[FAILED]] {
// CHECK: %[[M:.*]] = llvm.mlir.addressof @[[MSG]]
// CHECK: %[[SLOT:.*]] = llvm.getelementptr %[[EXEC]][16] : (!llvm.ptr) -> !llvm.ptr, i8
// CHECK: %[[FAIL:.*]] = llvm.load %[[SLOT]] : !llvm.ptr -> !llvm.ptr
// CHECK: llvm.call %[[FAIL]](%[[EXEC]], %[[M]]) : !llvm.ptr, (!llvm.ptr, !llvm.ptr) -> ()
// CHECK: }
// CHECK-NOT: cf.assert
// CHECK: return %[[X]]
func.func @main(%x: tensor<?xf32>, %n: index) -> tensor<?xf32> attributes {llvm.emit_c_interface} {
  %c0 = arith.constant 0 : index
  %d = tensor.dim %x, %c0 : tensor<?xf32>
  %ok = arith.cmpi eq, %d, %n : index
  cf.assert %ok, "node 'mm' (model.matmul): inner dims differ"
  return %x : tensor<?xf32>
}

// -----

/// Every public function gets the context argument, checks or not.
// CHECK-LABEL: func @no_checks
// CHECK-SAME: (%{{.*}}: tensor<4xf32>, %{{.*}}: !llvm.ptr {kiln.exec})
func.func @no_checks(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

/// A function that already takes the context keeps its one argument.
// CHECK-LABEL: func @has_exec
// CHECK-SAME: (%{{[^:]*}}: tensor<4xf32>, %{{[^:]*}}: !llvm.ptr {kiln.exec}) -> tensor<4xf32>
func.func @has_exec(%x: tensor<4xf32>, %e: !llvm.ptr {kiln.exec}) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

/// A private function has no context to report to.
func.func private @helper(%ok: i1) {
  // expected-error @+1 {{run-time checks in a private function are not supported}}
  cf.assert %ok, "never reported"
  return
}
