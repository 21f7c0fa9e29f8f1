// RUN: kiln-opt %s --canonicalize --split-input-file | FileCheck %s
// The folders of the shape, layout and indexing ops, each with the near
// misses that must stay (values known only at run time).

// CHECK-LABEL: func @fold_expand
// CHECK-DAG: %[[C:.*]] = model.constant dense<{{\[\[}}1, 1, 1], [2, 2, 2]]> : tensor<2x3xi64>
// CHECK-NOT: model.expand
// CHECK: return %[[C]], %[[X:.*]] :
func.func @fold_expand(%x: tensor<?x4xf32>) -> (tensor<2x3xi64>, tensor<?x4xf32>) {
  %v = model.constant dense<[[1], [2]]> : tensor<2x1xi64>
  %s = model.constant dense<[2, 3]> : tensor<2xi64>
  %0 = model.expand %v, %s : (tensor<2x1xi64>, tensor<2xi64>) -> tensor<2x3xi64>
  /// Entries of 1 and the dim's own size keep every dim: the identity,
  /// also where the dim is dynamic.
  %keep = model.constant dense<[1, 4]> : tensor<2xi64>
  %1 = model.expand %x, %keep : (tensor<?x4xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  return %0, %1 : tensor<2x3xi64>, tensor<?x4xf32>
}

// -----

/// Near miss: an entry known only at run time may be invalid, which the
/// lowering checks; the expand stays.
// CHECK-LABEL: func @negative_expand_runtime_shape
// CHECK: model.expand
func.func @negative_expand_runtime_shape(%x: tensor<4xf32>, %s: tensor<1xi64>) -> tensor<4xf32> {
  %0 = model.expand %x, %s : (tensor<4xf32>, tensor<1xi64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

/// An exporter's Shape -> Gather -> Concat on a static dim gives a static
/// result type, and the whole chain folds away.
// CHECK-LABEL: func @expand_shape_chain
// CHECK-SAME: (%[[X:.*]]: tensor<3x1xf32>, %[[Y:.*]]: tensor<5x8xf32>)
// CHECK-NEXT: %[[S:.*]] = model.constant dense<[3, 8]> : tensor<2xi64>
// CHECK-NEXT: %[[E:.*]] = model.expand %[[X]], %[[S]] : (tensor<3x1xf32>, tensor<2xi64>) -> tensor<3x8xf32>
// CHECK-NEXT: return %[[E]]
func.func @expand_shape_chain(%x: tensor<3x1xf32>, %y: tensor<5x8xf32>) -> tensor<3x8xf32> {
  %s = model.shape %y : (tensor<5x8xf32>) -> tensor<2xi64>
  %i = model.constant dense<[1]> : tensor<1xi64>
  %d = model.gather %s, %i {axis = 0 : i64} : (tensor<2xi64>, tensor<1xi64>) -> tensor<1xi64>
  %three = model.constant dense<[3]> : tensor<1xi64>
  %t = model.concat %three, %d {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %0 = model.expand %x, %t : (tensor<3x1xf32>, tensor<2xi64>) -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// -----

// CHECK-LABEL: func @fold_tile
// CHECK-DAG: %[[C:.*]] = model.constant dense<[1, 2, 1, 2, 1, 2]> : tensor<6xi64>
// CHECK-NOT: model.tile
// CHECK: return %[[C]], %[[X:.*]] :
func.func @fold_tile(%x: tensor<?xf32>) -> (tensor<6xi64>, tensor<?xf32>) {
  %v = model.constant dense<[1, 2]> : tensor<2xi64>
  %r = model.constant dense<3> : tensor<1xi64>
  %0 = model.tile %v, %r : (tensor<2xi64>, tensor<1xi64>) -> tensor<6xi64>
  %once = model.constant dense<1> : tensor<1xi64>
  %1 = model.tile %x, %once : (tensor<?xf32>, tensor<1xi64>) -> tensor<?xf32>
  return %0, %1 : tensor<6xi64>, tensor<?xf32>
}

// -----

// CHECK-LABEL: func @fold_constant_of_shape
// CHECK: %[[C:.*]] = model.constant dense<7> : tensor<2x3xi32>
// CHECK: %[[D:.*]] = model.constant_of_shape
// CHECK: return %[[C]], %[[D]]
func.func @fold_constant_of_shape(%x: tensor<?xf32>) -> (tensor<2x3xi32>, tensor<?xf32>) {
  %s = model.constant dense<[2, 3]> : tensor<2xi64>
  %0 = model.constant_of_shape %s {value = 7 : i32} : (tensor<2xi64>) -> tensor<2x3xi32>
  /// Near miss: a run-time dim stays.
  %n = model.shape %x : (tensor<?xf32>) -> tensor<1xi64>
  %1 = model.constant_of_shape %n {value = 1.0 : f32} : (tensor<1xi64>) -> tensor<?xf32>
  return %0, %1 : tensor<2x3xi32>, tensor<?xf32>
}

// -----

/// Range folds as the lowering computes it: start + i * delta, in the
/// element type.
// CHECK-LABEL: func @fold_range
// CHECK-DAG: %[[I:.*]] = model.constant dense<[10, 7, 4, 1]> : tensor<4xi32>
// CHECK-DAG: %[[F:.*]] = model.constant dense<[1.000000e+00, 1.500000e+00, 2.000000e+00]> : tensor<3xf32>
// CHECK-DAG: %[[E:.*]] = model.constant dense<> : tensor<0xi32>
// CHECK: %[[R:.*]] = model.range
// CHECK: return %[[I]], %[[F]], %[[E]], %[[R]]
func.func @fold_range(%n: tensor<i32>) -> (tensor<4xi32>, tensor<3xf32>, tensor<0xi32>, tensor<?xi32>) {
  %ten = model.constant dense<10> : tensor<i32>
  %zero = model.constant dense<0> : tensor<i32>
  %m3 = model.constant dense<-3> : tensor<i32>
  %0 = model.range %ten, %zero, %m3 : (tensor<i32>, tensor<i32>, tensor<i32>) -> tensor<4xi32>
  %one = model.constant dense<1.0> : tensor<f32>
  %limit = model.constant dense<2.2> : tensor<f32>
  %half = model.constant dense<0.5> : tensor<f32>
  %1 = model.range %one, %limit, %half : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<3xf32>
  /// A range that moves away from its limit is empty.
  %2 = model.range %zero, %ten, %m3 : (tensor<i32>, tensor<i32>, tensor<i32>) -> tensor<0xi32>
  /// Near miss: a run-time limit stays.
  %3 = model.range %zero, %n, %m3 : (tensor<i32>, tensor<i32>, tensor<i32>) -> tensor<?xi32>
  return %0, %1, %2, %3 : tensor<4xi32>, tensor<3xf32>, tensor<0xi32>, tensor<?xi32>
}

// -----

// CHECK-LABEL: func @fold_size
// CHECK-DAG: %[[S:.*]] = model.constant dense<24> : tensor<i64>
// CHECK-DAG: %[[Z:.*]] = model.constant dense<0> : tensor<i64>
// CHECK: %[[D:.*]] = model.size
// CHECK: return %[[S]], %[[Z]], %[[D]]
func.func @fold_size(%x: tensor<2x3x4xf32>, %e: tensor<?x0xf32>, %d: tensor<?x4xf32>) -> (tensor<i64>, tensor<i64>, tensor<i64>) {
  %0 = model.size %x : (tensor<2x3x4xf32>) -> tensor<i64>
  /// A static 0 makes the count 0 whatever the dynamic dims are.
  %1 = model.size %e : (tensor<?x0xf32>) -> tensor<i64>
  /// Near miss: a dynamic dim.
  %2 = model.size %d : (tensor<?x4xf32>) -> tensor<i64>
  return %0, %1, %2 : tensor<i64>, tensor<i64>, tensor<i64>
}
