// RUN: kiln-compile %s --emit=llvm -O0 -o - | FileCheck %s

/// Entry ABI 2 (include/kiln/abi.h): every function gets
/// `i32 kiln_entry_<fn>(ptr args, ptr exec)` around `_mlir_ciface_<fn>`.
/// The wrapper passes args[i] for the memref arguments and exec for the last
/// argument marked `kiln.exec`, which kiln-cpu-runtime-checks gives every
/// entry (or keeps, when the function already has one).
func.func @plain(%x: tensor<2xf32> {model.name = "x"}) -> tensor<2xf32> {
  %r = model.relu %x : tensor<2xf32>
  return %r : tensor<2xf32>
}

func.func @with_exec(%x: tensor<2xf32> {model.name = "x"},
                     %exec: !llvm.ptr {kiln.exec}) -> tensor<2xf32> {
  %r = model.relu %x : tensor<2xf32>
  return %r : tensor<2xf32>
}

// CHECK-LABEL: define i32 @kiln_entry_plain(ptr %0, ptr %1)
// CHECK-NEXT:  entry:
// CHECK-NEXT:    getelementptr ptr, ptr %0, i64 0
// CHECK-NEXT:    [[RES:%[0-9]+]] = load ptr
// CHECK-NEXT:    getelementptr ptr, ptr %0, i64 1
// CHECK-NEXT:    [[X:%[0-9]+]] = load ptr
// CHECK-NEXT:    call void @_mlir_ciface_plain(ptr [[RES]], ptr [[X]], ptr %1)
// CHECK-NEXT:    ret i32 0

// CHECK-LABEL: define i32 @kiln_entry_with_exec(ptr %0, ptr %1)
// CHECK-NEXT:  entry:
// CHECK-NEXT:    getelementptr ptr, ptr %0, i64 0
// CHECK-NEXT:    [[RES:%[0-9]+]] = load ptr
// CHECK-NEXT:    getelementptr ptr, ptr %0, i64 1
// CHECK-NEXT:    [[X:%[0-9]+]] = load ptr
// CHECK-NEXT:    call void @_mlir_ciface_with_exec(ptr [[RES]], ptr [[X]], ptr %1)
// CHECK-NEXT:    ret i32 0
