// RUN: kiln-opt %s --split-input-file --kiln-convert-model-to-linalg | FileCheck %s

// model.iota: the run-time length checked non-negative (a failed check goes
// on with length 0), then each element's index.
// CHECK-LABEL: func @iota_i32
// CHECK-SAME: (%[[N:.*]]: tensor<i32>)
// CHECK: %[[V:.*]] = tensor.extract %[[N]][] : tensor<i32>
// CHECK: %[[V64:.*]] = arith.extsi %[[V]] : i32 to i64
// CHECK: %[[OK:.*]] = arith.cmpi sge, %[[V64]], %[[ZERO:.*]] : i64
// CHECK: cf.assert %[[OK]], "{{.*}}the length must not be negative"
// CHECK: %[[SAFE:.*]] = arith.select %[[OK]], %[[V64]], %[[ZERO]] : i64
// CHECK: %[[LEN:.*]] = arith.index_cast %[[SAFE]] : i64 to index
// CHECK: %[[E:.*]] = tensor.empty(%[[LEN]]) : tensor<?xi64>
// CHECK: linalg.generic {{.*}} outs(%[[E]] : tensor<?xi64>)
// CHECK: %[[I:.*]] = linalg.index 0 : index
// CHECK: %[[I64:.*]] = arith.index_cast %[[I]] : index to i64
// CHECK: linalg.yield %[[I64]] : i64
func.func @iota_i32(%n: tensor<i32>) -> tensor<?xi64> {
  %0 = model.iota %n : (tensor<i32>) -> tensor<?xi64>
  return %0 : tensor<?xi64>
}

// -----

// An i64 length needs no extension.
// CHECK-LABEL: func @iota_i64
// CHECK-NOT: arith.extsi
// CHECK: linalg.index 0
func.func @iota_i64(%n: tensor<i64>) -> tensor<?xi64> {
  %0 = model.iota %n : (tensor<i64>) -> tensor<?xi64>
  return %0 : tensor<?xi64>
}
