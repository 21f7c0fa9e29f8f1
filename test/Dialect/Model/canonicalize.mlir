// RUN: kiln-opt %s --canonicalize --split-input-file | FileCheck %s
// Every folder and canonicalization of the model dialect, each with the near
// misses that must stay (dynamic shapes, overflow, undefined values).

//===----------------------------------------------------------------------===//
// Elementwise constant folding
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func @fold_int_arith
// CHECK-DAG: %[[ADD:.*]] = model.constant dense<[11, 22]> : tensor<2xi64>
// CHECK-DAG: %[[SUB:.*]] = model.constant dense<[-9, -18]> : tensor<2xi64>
// CHECK-DAG: %[[MUL:.*]] = model.constant dense<[10, 40]> : tensor<2xi64>
// CHECK-DAG: %[[DIV:.*]] = model.constant dense<[-3, 3]> : tensor<2xi64>
// CHECK-NOT: model.add
// CHECK-NOT: model.sub
// CHECK-NOT: model.mul
// CHECK-NOT: model.div
// CHECK: return %[[ADD]], %[[SUB]], %[[MUL]], %[[DIV]]
func.func @fold_int_arith() -> (tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) {
  %a = model.constant dense<[1, 2]> : tensor<2xi64>
  %b = model.constant dense<[10, 20]> : tensor<2xi64>
  %n = model.constant dense<[-7, 7]> : tensor<2xi64>
  %two = model.constant dense<2> : tensor<i64>
  %0 = model.add %a, %b : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  %1 = model.sub %a, %b : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  %2 = model.mul %a, %b : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  /// Truncating division, as arith.divsi computes it.
  %3 = model.div %n, %two : (tensor<2xi64>, tensor<i64>) -> tensor<2xi64>
  return %0, %1, %2, %3 : tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>
}

// -----

// CHECK-LABEL: func @fold_min_max_int
// CHECK-DAG: model.constant dense<[1, -5]> : tensor<2xi32>
// CHECK-DAG: model.constant dense<[3, 2]> : tensor<2xi32>
// CHECK-NOT: model.min
// CHECK-NOT: model.max
func.func @fold_min_max_int() -> (tensor<2xi32>, tensor<2xi32>) {
  %a = model.constant dense<[1, 2]> : tensor<2xi32>
  %b = model.constant dense<[3, -5]> : tensor<2xi32>
  %0 = model.min %a, %b : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
  %1 = model.max %a, %b : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
  return %0, %1 : tensor<2xi32>, tensor<2xi32>
}

// -----

/// pow takes its result from the math library at run time: no fold.
// CHECK-LABEL: func @negative_pow_does_not_fold
// CHECK: model.pow
func.func @negative_pow_does_not_fold() -> tensor<1xf32> {
  %x = model.constant dense<2.0> : tensor<1xf32>
  %0 = model.pow %x, %x : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
  return %0 : tensor<1xf32>
}

// -----

// CHECK-LABEL: func @fold_broadcast
// CHECK: %[[C:.*]] = model.constant dense<{{\[\[}}11, 21], [12, 22]]> : tensor<2x2xi32>
// CHECK-NEXT: return %[[C]]
func.func @fold_broadcast() -> tensor<2x2xi32> {
  %col = model.constant dense<[[1], [2]]> : tensor<2x1xi32>
  %row = model.constant dense<[10, 20]> : tensor<2xi32>
  %0 = model.add %col, %row : (tensor<2x1xi32>, tensor<2xi32>) -> tensor<2x2xi32>
  return %0 : tensor<2x2xi32>
}

// -----

// CHECK-LABEL: func @fold_float_arith_and_compare
// CHECK-DAG: model.constant dense<[1.500000e+00, 5.000000e-01]> : tensor<2xf32>
// CHECK-DAG: model.constant dense<[2.000000e+00, 5.000000e-01]> : tensor<2xf32>
// CHECK-DAG: model.constant dense<[false, true]> : tensor<2xi1>
// CHECK-DAG: model.constant dense<[true, false]> : tensor<2xi1>
// CHECK-NOT: model.mul
// CHECK-NOT: model.max
// CHECK-NOT: model.less
// CHECK-NOT: model.greater
func.func @fold_float_arith_and_compare() -> (tensor<2xf32>, tensor<2xf32>, tensor<2xi1>, tensor<2xi1>) {
  %a = model.constant dense<[3.0, 1.0]> : tensor<2xf32>
  %b = model.constant dense<[0.5, 0.5]> : tensor<2xf32>
  %two = model.constant dense<[2.0, 0.25]> : tensor<2xf32>
  %0 = model.mul %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %1 = model.max %two, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %2 = model.less %two, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xi1>
  %4 = model.max %1, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %5 = model.mul %4, %two : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %6 = model.greater %5, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xi1>
  return %0, %1, %2, %6 : tensor<2xf32>, tensor<2xf32>, tensor<2xi1>, tensor<2xi1>
}

// -----

/// NaN compares unordered: equal(NaN, NaN) is false, as arith.cmpf oeq.
// CHECK-LABEL: func @fold_nan_compare
// CHECK: %[[C:.*]] = model.constant dense<false> : tensor<1xi1>
// CHECK: return %[[C]]
func.func @fold_nan_compare() -> tensor<1xi1> {
  %nan = model.constant dense<0x7FC00000> : tensor<1xf32>
  %0 = model.equal %nan, %nan : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xi1>
  return %0 : tensor<1xi1>
}

// -----

// CHECK-LABEL: func @fold_unary
// CHECK-DAG: model.constant dense<[3, -4, 0]> : tensor<3xi64>
// CHECK-DAG: model.constant dense<[3, 4, 0]> : tensor<3xi64>
// CHECK-DAG: model.constant dense<[0, 4, 0]> : tensor<3xi64>
// CHECK-DAG: model.constant dense<[2.500000e-01, -2.000000e+00]> : tensor<2xf32>
// CHECK-NOT: model.neg
// CHECK-NOT: model.abs
// CHECK-NOT: model.relu
// CHECK-NOT: model.reciprocal
func.func @fold_unary() -> (tensor<3xi64>, tensor<3xi64>, tensor<3xi64>, tensor<2xf32>) {
  %x = model.constant dense<[-3, 4, 0]> : tensor<3xi64>
  %f = model.constant dense<[4.0, -0.5]> : tensor<2xf32>
  %0 = model.neg %x : tensor<3xi64>
  %1 = model.abs %x : tensor<3xi64>
  %2 = model.relu %x : tensor<3xi64>
  %3 = model.reciprocal %f : tensor<2xf32>
  return %0, %1, %2, %3 : tensor<3xi64>, tensor<3xi64>, tensor<3xi64>, tensor<2xf32>
}

// -----

/// Transcendental ops keep their run-time rounding: no fold.
// CHECK-LABEL: func @negative_exp_does_not_fold
// CHECK: model.exp
func.func @negative_exp_does_not_fold() -> tensor<1xf32> {
  %x = model.constant dense<1.0> : tensor<1xf32>
  %0 = model.exp %x : tensor<1xf32>
  return %0 : tensor<1xf32>
}

// -----

/// INT64_MAX + 1, INT64_MIN * -1 and 100 * 2 in i8 overflow: no fold.
// CHECK-LABEL: func @negative_int_overflow
// CHECK: model.add
// CHECK: model.mul
// CHECK: model.mul
// CHECK: model.neg
func.func @negative_int_overflow() -> (tensor<i64>, tensor<i64>, tensor<i8>, tensor<i64>) {
  %max = model.constant dense<9223372036854775807> : tensor<i64>
  %min = model.constant dense<-9223372036854775808> : tensor<i64>
  %one = model.constant dense<1> : tensor<i64>
  %m1 = model.constant dense<-1> : tensor<i64>
  %hundred = model.constant dense<100> : tensor<i8>
  %two = model.constant dense<2> : tensor<i8>
  %0 = model.add %max, %one : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %1 = model.mul %min, %m1 : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %2 = model.mul %hundred, %two : (tensor<i8>, tensor<i8>) -> tensor<i8>
  %3 = model.neg %min : tensor<i64>
  return %0, %1, %2, %3 : tensor<i64>, tensor<i64>, tensor<i8>, tensor<i64>
}

// -----

/// Division by zero and INT64_MIN / -1 are undefined at run time: no fold.
// CHECK-LABEL: func @negative_int_division
// CHECK: model.div
// CHECK: model.div
func.func @negative_int_division() -> (tensor<i64>, tensor<i64>) {
  %min = model.constant dense<-9223372036854775808> : tensor<i64>
  %zero = model.constant dense<0> : tensor<i64>
  %m1 = model.constant dense<-1> : tensor<i64>
  %0 = model.div %m1, %zero : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %1 = model.div %min, %m1 : (tensor<i64>, tensor<i64>) -> tensor<i64>
  return %0, %1 : tensor<i64>, tensor<i64>
}

// -----

/// Unsigned integers would fold with signed semantics: no fold.
// CHECK-LABEL: func @negative_unsigned
// CHECK: model.add
func.func @negative_unsigned() -> tensor<1xui8> {
  %a = model.constant dense<200> : tensor<1xui8>
  %0 = model.add %a, %a : (tensor<1xui8>, tensor<1xui8>) -> tensor<1xui8>
  return %0 : tensor<1xui8>
}

// -----

// CHECK-LABEL: func @int_identities
// CHECK-SAME: (%[[X:.*]]: tensor<2xi64>)
// CHECK-NOT: model.
// CHECK: return %[[X]], %[[X]]
func.func @int_identities(%x: tensor<2xi64>) -> (tensor<2xi64>, tensor<2xi64>) {
  %zero = model.constant dense<0> : tensor<i64>
  %one = model.constant dense<1> : tensor<i64>
  %0 = model.add %x, %zero : (tensor<2xi64>, tensor<i64>) -> tensor<2xi64>
  %1 = model.mul %x, %one : (tensor<2xi64>, tensor<i64>) -> tensor<2xi64>
  %2 = model.div %1, %one : (tensor<2xi64>, tensor<i64>) -> tensor<2xi64>
  return %0, %2 : tensor<2xi64>, tensor<2xi64>
}

// -----

/// x + 0 on floats is not x (-0 + 0 = +0), and x + zeros that broadcast x to
/// a larger shape is not x either.
// CHECK-LABEL: func @negative_identities
// CHECK: model.add
// CHECK: model.add
func.func @negative_identities(%f: tensor<2xf32>, %x: tensor<2xi64>) -> (tensor<2xf32>, tensor<3x2xi64>) {
  %fz = model.constant dense<0.0> : tensor<f32>
  %z = model.constant dense<0> : tensor<3x2xi64>
  %0 = model.add %f, %fz : (tensor<2xf32>, tensor<f32>) -> tensor<2xf32>
  %1 = model.add %x, %z : (tensor<2xi64>, tensor<3x2xi64>) -> tensor<3x2xi64>
  return %0, %1 : tensor<2xf32>, tensor<3x2xi64>
}

// -----

// CHECK-LABEL: func @fold_cast
// CHECK-SAME: (%[[X:.*]]: tensor<2xf32>)
// CHECK-DAG: model.constant dense<[3, -2]> : tensor<2xi32>
// CHECK-DAG: model.constant dense<[3.000000e+00, -2.000000e+00]> : tensor<2xf16>
// CHECK-DAG: model.constant dense<true> : tensor<2xi1>
// CHECK-DAG: model.constant dense<[1, 0]> : tensor<2xi64>
// CHECK-DAG: model.constant dense<[44, -44]> : tensor<2xi8>
// CHECK-NOT: model.cast
// CHECK: return %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[X]]
func.func @fold_cast(%x: tensor<2xf32>) -> (tensor<2xi32>, tensor<2xf16>, tensor<2xi1>, tensor<2xi64>, tensor<2xi8>, tensor<2xf32>) {
  %f = model.constant dense<[3.7, -2.9]> : tensor<2xf32>
  %b = model.constant dense<[true, false]> : tensor<2xi1>
  %i = model.constant dense<[300, -300]> : tensor<2xi64>
  /// float -> int truncates toward zero
  %0 = model.cast %f to i32 : tensor<2xf32> -> tensor<2xi32>
  %1 = model.cast %0 to f16 : tensor<2xi32> -> tensor<2xf16>
  %2 = model.cast %f to i1 : tensor<2xf32> -> tensor<2xi1>
  /// i1 zero-extends
  %3 = model.cast %b to i64 : tensor<2xi1> -> tensor<2xi64>
  /// narrowing truncates, like arith.trunci
  %4 = model.cast %i to i8 : tensor<2xi64> -> tensor<2xi8>
  %5 = model.cast %x to f32 : tensor<2xf32> -> tensor<2xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<2xi32>, tensor<2xf16>, tensor<2xi1>, tensor<2xi64>, tensor<2xi8>, tensor<2xf32>
}

// -----

/// 1e10 does not fit i32 (arith.fptosi gives poison): no fold.
// CHECK-LABEL: func @negative_cast_out_of_range
// CHECK: model.cast
func.func @negative_cast_out_of_range() -> tensor<1xi32> {
  %f = model.constant dense<1.0e10> : tensor<1xf32>
  %0 = model.cast %f to i32 : tensor<1xf32> -> tensor<1xi32>
  return %0 : tensor<1xi32>
}

// -----

/// Large constants stay computed at run time.
// CHECK-LABEL: func @negative_too_large
// CHECK: model.add
func.func @negative_too_large() -> tensor<8192xi32> {
  %a = model.constant dense<1> : tensor<8192xi32>
  %0 = model.add %a, %a : (tensor<8192xi32>, tensor<8192xi32>) -> tensor<8192xi32>
  return %0 : tensor<8192xi32>
}

//===----------------------------------------------------------------------===//
// Shape arithmetic
//===----------------------------------------------------------------------===//

// -----

// CHECK-LABEL: func @fold_shape
// CHECK: %[[C:.*]] = model.constant dense<[2, 8, 64]> : tensor<3xi64>
// CHECK-NOT: model.shape
// CHECK: return %[[C]]
func.func @fold_shape(%x: tensor<2x8x64xf32>) -> tensor<3xi64> {
  %0 = model.shape %x : (tensor<2x8x64xf32>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

// CHECK-LABEL: func @negative_shape_dynamic
// CHECK: model.shape
func.func @negative_shape_dynamic(%x: tensor<?x8xf32>) -> tensor<2xi64> {
  %0 = model.shape %x : (tensor<?x8xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

/// The exporters' chain on static dims: Shape -> Gather -> Unsqueeze ->
/// Concat (with Slice and Div) -> Reshape becomes one static reshape.
// CHECK-LABEL: func @fold_exporter_chain
// CHECK-SAME: (%[[X:.*]]: tensor<2x8x64xf32>)
// CHECK-NEXT: %[[R:.*]] = model.reshape %[[X]] {shape = array<i64: 2, 8, 4, 16>} : (tensor<2x8x64xf32>) -> tensor<2x8x4x16xf32>
// CHECK-NEXT: return %[[R]]
func.func @fold_exporter_chain(%x: tensor<2x8x64xf32>) -> tensor<2x8x4x16xf32> {
  %s = model.shape %x : (tensor<2x8x64xf32>) -> tensor<3xi64>
  %i0 = model.constant dense<0> : tensor<i64>
  %i1 = model.constant dense<1> : tensor<i64>
  %b = model.gather %s, %i0 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %n = model.gather %s, %i1 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %b1 = model.unsqueeze %b {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %n1 = model.unsqueeze %n {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %last = model.slice %s {axes = array<i64: 0>, starts = array<i64: -1>, ends = array<i64: 9223372036854775807>, steps = array<i64: 1>} : (tensor<3xi64>) -> tensor<1xi64>
  %heads = model.constant dense<[4]> : tensor<1xi64>
  %hd = model.div %last, %heads : (tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  %t = model.concat %b1, %n1, %heads, %hd {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4xi64>
  %y = model.dynamic_reshape %x, %t : (tensor<2x8x64xf32>, tensor<4xi64>) -> tensor<2x8x4x16xf32>
  return %y : tensor<2x8x4x16xf32>
}

// -----

/// With a symbolic batch the static dims still fold, and the batch entry is
/// x's own dim 0 at index 0, which a reshape copies with a 0 entry.
// CHECK-LABEL: func @partly_dynamic_chain
// CHECK-SAME: (%[[X:.*]]: tensor<?x8x64xf32>)
// CHECK-NEXT: %[[R:.*]] = model.reshape %[[X]] {shape = array<i64: 0, 8, 4, 16>} : (tensor<?x8x64xf32>) -> tensor<?x8x4x16xf32>
// CHECK-NEXT: return %[[R]]
func.func @partly_dynamic_chain(%x: tensor<?x8x64xf32>) -> tensor<?x8x4x16xf32> {
  %s = model.shape %x : (tensor<?x8x64xf32>) -> tensor<3xi64>
  %i1 = model.constant dense<[1]> : tensor<1xi64>
  %n = model.gather %s, %i1 {axis = 0 : i64} : (tensor<3xi64>, tensor<1xi64>) -> tensor<1xi64>
  %b = model.slice %s {axes = array<i64: 0>, starts = array<i64: 0>, ends = array<i64: 1>, steps = array<i64: 1>} : (tensor<3xi64>) -> tensor<1xi64>
  %hd = model.constant dense<[4, 16]> : tensor<2xi64>
  %inner = model.concat %n, %hd {axis = 0 : i64} : (tensor<1xi64>, tensor<2xi64>) -> tensor<3xi64>
  %t = model.concat %b, %inner {axis = 0 : i64} : (tensor<1xi64>, tensor<3xi64>) -> tensor<4xi64>
  %y = model.dynamic_reshape %x, %t : (tensor<?x8x64xf32>, tensor<4xi64>) -> tensor<?x8x4x16xf32>
  return %y : tensor<?x8x4x16xf32>
}

// -----

/// Exporters gather scalars and unsqueeze them; the entries are still x's own
/// dims at their own index.
// CHECK-LABEL: func @dims_through_unsqueeze
// CHECK-SAME: (%[[X:.*]]: tensor<?x?x64xf32>)
// CHECK-NEXT: %[[R:.*]] = model.reshape %[[X]] {shape = array<i64: 0, 0, 4, 16>} : (tensor<?x?x64xf32>) -> tensor<?x?x4x16xf32>
// CHECK-NEXT: return %[[R]]
func.func @dims_through_unsqueeze(%x: tensor<?x?x64xf32>) -> tensor<?x?x4x16xf32> {
  %s = model.shape %x : (tensor<?x?x64xf32>) -> tensor<3xi64>
  %i0 = model.constant dense<0> : tensor<i64>
  %i1 = model.constant dense<-2> : tensor<i64>
  %b = model.gather %s, %i0 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %t = model.gather %s, %i1 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %b1 = model.unsqueeze %b {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %t1 = model.unsqueeze %t {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %hd = model.constant dense<[4, 16]> : tensor<2xi64>
  %target = model.concat %b1, %t1, %hd {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<4xi64>
  %y = model.dynamic_reshape %x, %target : (tensor<?x?x64xf32>, tensor<4xi64>) -> tensor<?x?x4x16xf32>
  return %y : tensor<?x?x4x16xf32>
}

// -----

/// Dim 1 placed at index 0, and a dim of another tensor, are not copies.
// CHECK-LABEL: func @negative_dims_elsewhere
// CHECK: model.dynamic_reshape
// CHECK: model.dynamic_reshape
func.func @negative_dims_elsewhere(%x: tensor<?x?xf32>, %y: tensor<?x?xf32>) -> (tensor<?x?xf32>, tensor<?x?xf32>) {
  %s = model.shape %x : (tensor<?x?xf32>) -> tensor<2xi64>
  %perm = model.constant dense<[1, 0]> : tensor<2xi64>
  %swapped = model.gather %s, %perm {axis = 0 : i64} : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  %0 = model.dynamic_reshape %x, %swapped : (tensor<?x?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %1 = model.dynamic_reshape %y, %s : (tensor<?x?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0, %1 : tensor<?x?xf32>, tensor<?x?xf32>
}

// -----

/// Gathering a dynamic dim of a shape does not fold.
// CHECK-LABEL: func @negative_gather_dynamic_dim
// CHECK: model.gather
func.func @negative_gather_dynamic_dim(%x: tensor<?x8xf32>) -> tensor<i64> {
  %s = model.shape %x : (tensor<?x8xf32>) -> tensor<2xi64>
  %i = model.constant dense<-2> : tensor<i64>
  %0 = model.gather %s, %i {axis = 0 : i64} : (tensor<2xi64>, tensor<i64>) -> tensor<i64>
  return %0 : tensor<i64>
}

// -----

// CHECK-LABEL: func @fold_gather_2d
// CHECK: %[[C:.*]] = model.constant dense<{{\[\[}}3, 1], [6, 4]]> : tensor<2x2xi32>
// CHECK-NEXT: return %[[C]]
func.func @fold_gather_2d() -> tensor<2x2xi32> {
  %d = model.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi32>
  %i = model.constant dense<[-1, 0]> : tensor<2xi64>
  %0 = model.gather %d, %i {axis = 1 : i64} : (tensor<2x3xi32>, tensor<2xi64>) -> tensor<2x2xi32>
  return %0 : tensor<2x2xi32>
}

// -----

/// An out-of-range index is a bug to report, not a value to fold.
// CHECK-LABEL: func @negative_gather_out_of_range
// CHECK: model.gather
func.func @negative_gather_out_of_range() -> tensor<1xi64> {
  %d = model.constant dense<[1, 2, 3]> : tensor<3xi64>
  %i = model.constant dense<[3]> : tensor<1xi64>
  %0 = model.gather %d, %i {axis = 0 : i64} : (tensor<3xi64>, tensor<1xi64>) -> tensor<1xi64>
  return %0 : tensor<1xi64>
}

// -----

// CHECK-LABEL: func @fold_concat_2d
// CHECK: %[[C:.*]] = model.constant dense<{{\[\[}}1, 2, 5], [3, 4, 6]]> : tensor<2x3xi64>
// CHECK-NEXT: return %[[C]]
func.func @fold_concat_2d() -> tensor<2x3xi64> {
  %a = model.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi64>
  %b = model.constant dense<[[5], [6]]> : tensor<2x1xi64>
  %0 = model.concat %a, %b {axis = 1 : i64} : (tensor<2x2xi64>, tensor<2x1xi64>) -> tensor<2x3xi64>
  return %0 : tensor<2x3xi64>
}

// -----

// CHECK-LABEL: func @concat_single_and_nested
// CHECK-SAME: (%[[A:.*]]: tensor<2xf32>, %[[B:.*]]: tensor<3xf32>, %[[C:.*]]: tensor<1xf32>)
// CHECK: %[[R:.*]] = model.concat %[[A]], %[[B]], %[[C]] {axis = 0 : i64} : (tensor<2xf32>, tensor<3xf32>, tensor<1xf32>) -> tensor<6xf32>
// CHECK: return %[[A]], %[[R]]
func.func @concat_single_and_nested(%a: tensor<2xf32>, %b: tensor<3xf32>, %c: tensor<1xf32>) -> (tensor<2xf32>, tensor<6xf32>) {
  %0 = model.concat %a {axis = 0 : i64} : (tensor<2xf32>) -> tensor<2xf32>
  %1 = model.concat %b, %c {axis = 0 : i64} : (tensor<3xf32>, tensor<1xf32>) -> tensor<4xf32>
  %2 = model.concat %a, %1 {axis = 0 : i64} : (tensor<2xf32>, tensor<4xf32>) -> tensor<6xf32>
  return %0, %2 : tensor<2xf32>, tensor<6xf32>
}

// -----

/// Adjacent constant pieces merge, along any axis; a computed piece between
/// two constants keeps them apart.
// CHECK-LABEL: func @concat_merges_constants
// CHECK-SAME: (%[[S:.*]]: tensor<1xi64>, %[[M:.*]]: tensor<2x1xi32>)
// CHECK-DAG: %[[K12:.*]] = model.constant dense<[4, 16]> : tensor<2xi64>
// CHECK-DAG: %[[K3:.*]] = model.constant dense<-1> : tensor<1xi64>
// CHECK-DAG: %[[KM:.*]] = model.constant dense<{{\[\[}}1, 2], [3, 4]]> : tensor<2x2xi32>
// CHECK: model.concat %[[S]], %[[K12]], %[[S]], %[[K3]] {axis = 0 : i64} : (tensor<1xi64>, tensor<2xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<5xi64>
// CHECK: model.concat %[[KM]], %[[M]] {axis = 1 : i64} : (tensor<2x2xi32>, tensor<2x1xi32>) -> tensor<2x3xi32>
func.func @concat_merges_constants(%s: tensor<1xi64>, %m: tensor<2x1xi32>) -> (tensor<5xi64>, tensor<2x3xi32>) {
  %k1 = model.constant dense<[4]> : tensor<1xi64>
  %k2 = model.constant dense<[16]> : tensor<1xi64>
  %k3 = model.constant dense<[-1]> : tensor<1xi64>
  %0 = model.concat %s, %k1, %k2, %s, %k3 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<5xi64>
  %a = model.constant dense<[[1], [3]]> : tensor<2x1xi32>
  %b = model.constant dense<[[2], [4]]> : tensor<2x1xi32>
  %1 = model.concat %a, %b, %m {axis = 1 : i64} : (tensor<2x1xi32>, tensor<2x1xi32>, tensor<2x1xi32>) -> tensor<2x3xi32>
  return %0, %1 : tensor<5xi64>, tensor<2x3xi32>
}

// -----

/// A nested concat along another axis is a different layout.
// CHECK-LABEL: func @negative_concat_other_axis
// CHECK: model.concat %{{.*}}, %{{.*}} {axis = 1 : i64}
// CHECK: model.concat %{{.*}}, %{{.*}} {axis = 0 : i64}
func.func @negative_concat_other_axis(%a: tensor<2x2xf32>, %b: tensor<2x2xf32>) -> tensor<4x4xf32> {
  %0 = model.concat %a, %b {axis = 1 : i64} : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x4xf32>
  %1 = model.concat %0, %0 {axis = 0 : i64} : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<4x4xf32>
  return %1 : tensor<4x4xf32>
}

// -----

// CHECK-LABEL: func @fold_slice
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xf32>)
// CHECK-DAG: model.constant dense<{{\[\[}}2, 4]]> : tensor<1x2xi64>
// CHECK-DAG: model.constant dense<[5, 1]> : tensor<2xi64>
// CHECK-NOT: model.slice
// CHECK: return %{{.*}}, %{{.*}}, %[[X]]
func.func @fold_slice(%x: tensor<?x4xf32>) -> (tensor<1x2xi64>, tensor<2xi64>, tensor<?x4xf32>) {
  %c = model.constant dense<[[1, 2, 3, 4], [5, 6, 7, 8]]> : tensor<2x4xi64>
  %0 = model.slice %c {axes = array<i64: 0, 1>, starts = array<i64: 0, 1>, ends = array<i64: 1, 9223372036854775807>, steps = array<i64: 1, 2>} : (tensor<2x4xi64>) -> tensor<1x2xi64>
  %v = model.constant dense<[1, 2, 3, 4, 5]> : tensor<5xi64>
  /// Huge negative starts clamp to 0; the step overflows nothing.
  %1 = model.slice %v {axes = array<i64: 0>, starts = array<i64: -9223372036854775808>, ends = array<i64: 9223372036854775807>, steps = array<i64: 9223372036854775807>} : (tensor<5xi64>) -> tensor<1xi64>
  %2 = model.slice %v {axes = array<i64: 0>, starts = array<i64: 4>, ends = array<i64: 0>, steps = array<i64: 1>} : (tensor<5xi64>) -> tensor<0xi64>
  %3 = model.slice %v {axes = array<i64: 0>, starts = array<i64: -1>, ends = array<i64: 5>, steps = array<i64: 1>} : (tensor<5xi64>) -> tensor<1xi64>
  %4 = model.concat %3, %1, %2 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<0xi64>) -> tensor<2xi64>
  %5 = model.slice %x {axes = array<i64: 0, 1>, starts = array<i64: 0, 0>, ends = array<i64: 9223372036854775807, 4>, steps = array<i64: 1, 1>} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0, %4, %5 : tensor<1x2xi64>, tensor<2xi64>, tensor<?x4xf32>
}

// -----

/// [0, 8) of a dynamic dim is not the whole dim.
// CHECK-LABEL: func @negative_slice_dynamic
// CHECK: model.slice
func.func @negative_slice_dynamic(%x: tensor<?xf32>) -> tensor<?xf32> {
  %0 = model.slice %x {axes = array<i64: 0>, starts = array<i64: 0>, ends = array<i64: 8>, steps = array<i64: 1>} : (tensor<?xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// CHECK-LABEL: func @fold_constant_reshapes
// CHECK-DAG: model.constant dense<{{\[\[}}1, 2, 3]]> : tensor<1x3xi64>
// CHECK-DAG: model.constant dense<[1, 2, 3]> : tensor<3xi64>
// CHECK-DAG: model.constant dense<{{\[\[}}1, 3], [2, 4]]> : tensor<2x2xi32>
// CHECK-NOT: model.unsqueeze
// CHECK-NOT: model.squeeze
// CHECK-NOT: model.reshape
// CHECK-NOT: model.transpose
func.func @fold_constant_reshapes() -> (tensor<1x3xi64>, tensor<3xi64>, tensor<2x2xi32>) {
  %c = model.constant dense<[1, 2, 3]> : tensor<3xi64>
  %0 = model.unsqueeze %c {axes = array<i64: 0>} : (tensor<3xi64>) -> tensor<1x3xi64>
  %1 = model.reshape %0 {shape = array<i64: -1, 1>} : (tensor<1x3xi64>) -> tensor<3x1xi64>
  %2 = model.squeeze %1 {axes = array<i64: 1>} : (tensor<3x1xi64>) -> tensor<3xi64>
  %m = model.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi32>
  %3 = model.transpose %m {perm = array<i64: 1, 0>} : (tensor<2x2xi32>) -> tensor<2x2xi32>
  return %0, %2, %3 : tensor<1x3xi64>, tensor<3xi64>, tensor<2x2xi32>
}

// -----

/// A dynamic_reshape whose shape folds to a constant is a static reshape.
// CHECK-LABEL: func @dynamic_reshape_of_constant
// CHECK-SAME: (%[[X:.*]]: tensor<?x64xf32>)
// CHECK: %[[R:.*]] = model.reshape %[[X]] {shape = array<i64: 0, 4, 16>} : (tensor<?x64xf32>) -> tensor<?x4x16xf32>
// CHECK-NOT: model.dynamic_reshape
// CHECK: return %[[R]]
func.func @dynamic_reshape_of_constant(%x: tensor<?x64xf32>) -> tensor<?x4x16xf32> {
  %s = model.constant dense<[0, 4, 16]> : tensor<3xi64>
  %0 = model.dynamic_reshape %x, %s : (tensor<?x64xf32>, tensor<3xi64>) -> tensor<?x4x16xf32>
  return %0 : tensor<?x4x16xf32>
}

// -----

/// model.reshape would infer 4x16 where the declared type says ?x16; the
/// result type cannot change in place, so the op stays.
// CHECK-LABEL: func @negative_dynamic_reshape_would_refine
// CHECK: model.dynamic_reshape
func.func @negative_dynamic_reshape_would_refine(%x: tensor<64xf32>) -> tensor<?x16xf32> {
  %s = model.constant dense<[-1, 16]> : tensor<2xi64>
  %0 = model.dynamic_reshape %x, %s : (tensor<64xf32>, tensor<2xi64>) -> tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}

// -----

/// A constant target that does not fit the input stays for run time to
/// report.
// CHECK-LABEL: func @negative_dynamic_reshape_invalid
// CHECK: model.dynamic_reshape
func.func @negative_dynamic_reshape_invalid(%x: tensor<?x64xf32>) -> tensor<?x?xf32> {
  %s = model.constant dense<[-1, -1]> : tensor<2xi64>
  %0 = model.dynamic_reshape %x, %s : (tensor<?x64xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

//===----------------------------------------------------------------------===//
// Reshape and transpose chains
//===----------------------------------------------------------------------===//

// -----

// CHECK-LABEL: func @reshape_chains
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>, %[[D:.*]]: tensor<?x4xf32>)
// CHECK-DAG: %[[R0:.*]] = model.reshape %[[X]] {shape = array<i64: 6, 4>} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
// CHECK-DAG: %[[R1:.*]] = model.reshape %[[D]] {shape = array<i64: -1, 2, 2>} : (tensor<?x4xf32>) -> tensor<?x2x2xf32>
// CHECK-NOT: model.unsqueeze
// CHECK: return %[[R0]], %[[R1]]
func.func @reshape_chains(%x: tensor<2x3x4xf32>, %d: tensor<?x4xf32>) -> (tensor<6x4xf32>, tensor<?x2x2xf32>) {
  %0 = model.reshape %x {shape = array<i64: 24>} : (tensor<2x3x4xf32>) -> tensor<24xf32>
  %1 = model.unsqueeze %0 {axes = array<i64: 0>} : (tensor<24xf32>) -> tensor<1x24xf32>
  %2 = model.reshape %1 {shape = array<i64: 6, 4>} : (tensor<1x24xf32>) -> tensor<6x4xf32>
  %3 = model.unsqueeze %d {axes = array<i64: 1>} : (tensor<?x4xf32>) -> tensor<?x1x4xf32>
  %4 = model.reshape %3 {shape = array<i64: 0, 2, 2>} : (tensor<?x1x4xf32>) -> tensor<?x2x2xf32>
  return %2, %4 : tensor<6x4xf32>, tensor<?x2x2xf32>
}

// -----

/// Two unknown dims cannot be stated without the producer's shape.
// CHECK-LABEL: func @negative_reshape_chain_two_dynamic
// CHECK: model.reshape %{{.*}} {shape = array<i64: 0, 0, 2, 2>}
// CHECK: model.reshape %{{.*}} {shape = array<i64: 0, -1, 4>}
func.func @negative_reshape_chain_two_dynamic(%x: tensor<?x?x4xf32>) -> tensor<?x?x4xf32> {
  %0 = model.reshape %x {shape = array<i64: 0, 0, 2, 2>} : (tensor<?x?x4xf32>) -> tensor<?x?x2x2xf32>
  %1 = model.reshape %0 {shape = array<i64: 0, -1, 4>} : (tensor<?x?x2x2xf32>) -> tensor<?x?x4xf32>
  return %1 : tensor<?x?x4xf32>
}

// -----

// CHECK-LABEL: func @identities
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xf32>, %[[Y:.*]]: tensor<?x?xf32>)
// CHECK-NOT: model.
// CHECK: return %[[X]], %[[X]], %[[Y]], %[[X]]
func.func @identities(%x: tensor<?x4xf32>, %y: tensor<?x?xf32>) -> (tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x?xf32>, tensor<?x4xf32>) {
  %0 = model.reshape %x {shape = array<i64: -1, 4>} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %1 = model.transpose %x {perm = array<i64: 0, 1>} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  /// 0 copies dim 0, -1 is then dim 1.
  %2 = model.reshape %y {shape = array<i64: 0, -1>} : (tensor<?x?xf32>) -> tensor<?x?xf32>
  %3 = model.squeeze %x {axes = array<i64>} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0, %1, %2, %3 : tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x?xf32>, tensor<?x4xf32>
}

// -----

/// With another dim of size 0 the -1 is not determined by the element
/// count, so the reshape is not known to be the identity.
// CHECK-LABEL: func @negative_reshape_not_identity
// CHECK: model.reshape
func.func @negative_reshape_not_identity(%y: tensor<?x0xf32>) -> tensor<?x0xf32> {
  %0 = model.reshape %y {shape = array<i64: -1, 0>} : (tensor<?x0xf32>) -> tensor<?x0xf32>
  return %0 : tensor<?x0xf32>
}

// -----

// CHECK-LABEL: func @transpose_chain
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK: %[[T:.*]] = model.transpose %[[X]] {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
// CHECK-NEXT: return %[[X]], %[[T]]
func.func @transpose_chain(%x: tensor<2x3x4xf32>) -> (tensor<2x3x4xf32>, tensor<4x2x3xf32>) {
  %0 = model.transpose %x {perm = array<i64: 1, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  %1 = model.transpose %0 {perm = array<i64: 1, 0, 2>} : (tensor<3x2x4xf32>) -> tensor<2x3x4xf32>
  %2 = model.transpose %0 {perm = array<i64: 2, 1, 0>} : (tensor<3x2x4xf32>) -> tensor<4x2x3xf32>
  return %1, %2 : tensor<2x3x4xf32>, tensor<4x2x3xf32>
}

// -----

// CHECK-LABEL: func @squeeze_unsqueeze
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>, %[[Y:.*]]: tensor<1x4x1xf32>)
// CHECK-NOT: model.
// CHECK: return %[[X]], %[[Y]]
func.func @squeeze_unsqueeze(%x: tensor<4x8xf32>, %y: tensor<1x4x1xf32>) -> (tensor<4x8xf32>, tensor<1x4x1xf32>) {
  %0 = model.unsqueeze %x {axes = array<i64: 0, 3>} : (tensor<4x8xf32>) -> tensor<1x4x8x1xf32>
  %1 = model.squeeze %0 {axes = array<i64: 0, 3>} : (tensor<1x4x8x1xf32>) -> tensor<4x8xf32>
  %2 = model.squeeze %y {axes = array<i64: 0, 2>} : (tensor<1x4x1xf32>) -> tensor<4xf32>
  %3 = model.unsqueeze %2 {axes = array<i64: 0, 2>} : (tensor<4xf32>) -> tensor<1x4x1xf32>
  return %1, %3 : tensor<4x8xf32>, tensor<1x4x1xf32>
}

// -----

/// Different axes move the unit dims: not an identity.
// CHECK-LABEL: func @negative_squeeze_other_axes
// CHECK: model.unsqueeze
// CHECK: model.squeeze
func.func @negative_squeeze_other_axes(%x: tensor<1x4xf32>) -> tensor<4x1xf32> {
  %0 = model.unsqueeze %x {axes = array<i64: 2>} : (tensor<1x4xf32>) -> tensor<1x4x1xf32>
  %1 = model.squeeze %0 {axes = array<i64: 0>} : (tensor<1x4x1xf32>) -> tensor<4x1xf32>
  return %1 : tensor<4x1xf32>
}

// -----

/// Rounding and sign are exact, so they fold (ties of round go to even;
/// sign keeps -0); the inclusive comparisons fold on ints and floats.
// CHECK-LABEL: func @fold_rounding_sign_compare
// CHECK-DAG: model.constant dense<[-2.000000e+00, 1.000000e+00, 2.000000e+00, -0.000000e+00]> : tensor<4xf32>
// CHECK-DAG: model.constant dense<[-1.000000e+00, 2.000000e+00, 3.000000e+00, -0.000000e+00]> : tensor<4xf32>
// CHECK-DAG: model.constant dense<[-2.000000e+00, 2.000000e+00, 2.000000e+00, -0.000000e+00]> : tensor<4xf32>
// CHECK-DAG: model.constant dense<[-1.000000e+00, 1.000000e+00, 1.000000e+00, -0.000000e+00]> : tensor<4xf32>
// CHECK-DAG: model.constant dense<[-1, 0, 1]> : tensor<3xi64>
// CHECK-DAG: model.constant dense<[true, true, false]> : tensor<3xi1>
// CHECK-DAG: model.constant dense<[false, true, true]> : tensor<3xi1>
// CHECK-NOT: model.floor
// CHECK-NOT: model.sign
func.func @fold_rounding_sign_compare() -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<3xi64>, tensor<3xi1>, tensor<3xi1>) {
  %f = model.constant dense<[-1.5, 1.5, 2.5, -0.0]> : tensor<4xf32>
  %i = model.constant dense<[-7, 0, 9]> : tensor<3xi64>
  %z = model.constant dense<0> : tensor<i64>
  %floor = model.floor %f : tensor<4xf32>
  %ceil = model.ceil %f : tensor<4xf32>
  %round = model.round %f : tensor<4xf32>
  %sign = model.sign %f : tensor<4xf32>
  %isign = model.sign %i : tensor<3xi64>
  %le = model.less_equal %i, %z : (tensor<3xi64>, tensor<i64>) -> tensor<3xi1>
  %ge = model.greater_equal %i, %z : (tensor<3xi64>, tensor<i64>) -> tensor<3xi1>
  return %floor, %ceil, %round, %sign, %isign, %le, %ge : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<3xi64>, tensor<3xi1>, tensor<3xi1>
}

// -----

/// Math-library functions do not fold (the run-time library could round
/// differently).
// CHECK-LABEL: func @math_functions_do_not_fold
// CHECK: model.sin
// CHECK: model.softplus
func.func @math_functions_do_not_fold() -> (tensor<2xf32>, tensor<2xf32>) {
  %f = model.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %0 = model.sin %f : tensor<2xf32>
  %1 = model.softplus %f : tensor<2xf32>
  return %0, %1 : tensor<2xf32>, tensor<2xf32>
}

// -----

//===----------------------------------------------------------------------===//
// where
//===----------------------------------------------------------------------===//

/// A splat condition picks one side whole when it has the result's type
/// (torch's expand writes Where(Equal(shape, -1), 1, shape)); a side that
/// would be broadcast, or a mixed condition, stays.
// CHECK-LABEL: func @where_splat
// CHECK-SAME: (%[[A:[^:]*]]: tensor<4xf32>, %[[B:[^:]*]]: tensor<4xf32>, %[[S:[^:]*]]: tensor<f32>)
// CHECK-DAG: %[[SHAPE:.*]] = model.constant dense<[2, 3]> : tensor<2xi64>
// CHECK: %[[KEPT:.*]] = model.where %{{.*}}, %[[S]], %[[A]]
// CHECK: %[[MIXED:.*]] = model.where %{{.*}}, %[[A]], %[[B]]
// CHECK: return %[[A]], %[[B]], %[[SHAPE]], %[[KEPT]], %[[MIXED]]
func.func @where_splat(%a: tensor<4xf32>, %b: tensor<4xf32>, %s: tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<2xi64>, tensor<4xf32>, tensor<4xf32>) {
  %t = model.constant dense<true> : tensor<4xi1>
  %f = model.constant dense<false> : tensor<4xi1>
  %m = model.constant dense<[true, false, true, false]> : tensor<4xi1>
  %0 = model.where %t, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = model.where %f, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %ones = model.constant dense<1> : tensor<2xi64>
  %dims = model.constant dense<[2, 3]> : tensor<2xi64>
  %f2 = model.constant dense<false> : tensor<2xi1>
  %2 = model.where %f2, %ones, %dims : (tensor<2xi1>, tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  %3 = model.where %t, %s, %a : (tensor<4xi1>, tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %4 = model.where %m, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0, %1, %2, %3, %4 : tensor<4xf32>, tensor<4xf32>, tensor<2xi64>, tensor<4xf32>, tensor<4xf32>
}
