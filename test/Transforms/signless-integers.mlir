// RUN: kiln-opt %s --split-input-file --kiln-signless-integers --verify-diagnostics | FileCheck %s

/// The signature and wrapping arithmetic are retyped; division and
/// comparisons compute on values zero-extended to i32 (sign extension, plus
/// 2^8 where negative) and the quotient narrows back; relu of an unsigned
/// value is the value.
// CHECK-LABEL: func @retype_and_widen
// CHECK-SAME: (%[[A:.*]]: tensor<4xi8>, %[[B:.*]]: tensor<4xi8>) -> (tensor<4xi8>, tensor<4xi8>, tensor<4xi1>, tensor<4xi8>)
// CHECK: %[[AX:.*]] = model.cast %[[A]] to i32
// CHECK: %[[TWO8:.*]] = model.constant dense<256> : tensor<i32>
// CHECK: %[[NEG:.*]] = model.less %[[AX]],
// CHECK: %[[LIFT:.*]] = model.add %[[AX]], %[[TWO8]]
// CHECK: %[[AZ:.*]] = model.where %[[NEG]], %[[LIFT]], %[[AX]]
// CHECK: %[[BZ:.*]] = model.where
// CHECK: %[[Q:.*]] = model.div %[[AZ]], %[[BZ]] : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
// CHECK: %[[QN:.*]] = model.cast %[[Q]] to i8
// CHECK: %[[SUM:.*]] = model.add %[[A]], %[[B]] : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
// CHECK: %[[LT:.*]] = model.less %{{.*}}, %{{.*}} : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1>
// CHECK: return %[[QN]], %[[SUM]], %[[LT]], %[[A]]
func.func @retype_and_widen(%a: tensor<4xui8>, %b: tensor<4xui8>) -> (tensor<4xui8>, tensor<4xui8>, tensor<4xi1>, tensor<4xui8>) {
  %0 = model.div %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %1 = model.add %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %2 = model.less %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xi1>
  %3 = model.relu %a : tensor<4xui8>
  return %0, %1, %2, %3 : tensor<4xui8>, tensor<4xui8>, tensor<4xi1>, tensor<4xui8>
}

// -----

/// 64 bits: order with the sign bit flipped, and flipped back.
// CHECK-LABEL: func @flip_for_64_bits
// CHECK: %[[MIN:.*]] = model.constant dense<-9223372036854775808> : tensor<i64>
// CHECK: %[[A:.*]] = model.add %arg0, %[[MIN]]
// CHECK: %[[B:.*]] = model.add %arg1,
// CHECK: %[[M:.*]] = model.max %[[A]], %[[B]]
// CHECK: %[[R:.*]] = model.add %[[M]],
// CHECK: return %[[R]]
func.func @flip_for_64_bits(%a: tensor<2xui64>, %b: tensor<2xui64>) -> tensor<2xui64> {
  %0 = model.max %a, %b : (tensor<2xui64>, tensor<2xui64>) -> tensor<2xui64>
  return %0 : tensor<2xui64>
}

// -----

/// Argmax of u64 values: the indices are not flipped back.
// CHECK-LABEL: func @argmax_64
// CHECK: %[[F:.*]] = model.add %arg0,
// CHECK: %[[I:.*]] = model.argmax %[[F]]
// CHECK: return %[[I]]
func.func @argmax_64(%a: tensor<2xui64>) -> tensor<1xi64> {
  %0 = model.argmax %a {axis = 0} : (tensor<2xui64>) -> tensor<1xi64>
  return %0 : tensor<1xi64>
}

// -----

/// Constants keep their bits.
// CHECK-LABEL: func @constants
// CHECK: model.constant dense<[0, -1]> : tensor<2xi8>
func.func @constants() -> tensor<2xui8> {
  %0 = model.constant dense<[0, 255]> : tensor<2xui8>
  return %0 : tensor<2xui8>
}

// -----

/// A u64 remainder needs no wider type: the unsigned remainder of the
/// retyped operands.
// CHECK-LABEL: func @u64_mod
// CHECK: %[[R:.*]] = model.mod %arg0, %arg1 {as_unsigned} : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
// CHECK: return %[[R]]
func.func @u64_mod(%a: tensor<2xui64>, %b: tensor<2xui64>) -> tensor<2xui64> {
  %0 = model.mod %a, %b : (tensor<2xui64>, tensor<2xui64>) -> tensor<2xui64>
  return %0 : tensor<2xui64>
}

// -----

func.func @u64_division(%a: tensor<2xui64>) -> tensor<2xui64> {
  // expected-error @+1 {{'model.div' on 64-bit unsigned integers is not supported (no wider integer type to compute it in)}}
  %0 = model.div %a, %a : (tensor<2xui64>, tensor<2xui64>) -> tensor<2xui64>
  return %0 : tensor<2xui64>
}

// -----

func.func @unknown_op(%a: tensor<2xui8>) -> tensor<?xui8> {
  // expected-error @+1 {{'tensor.cast' on unsigned integers is not supported}}
  %0 = tensor.cast %a : tensor<2xui8> to tensor<?xui8>
  return %0 : tensor<?xui8>
}

// -----

/// one_hot reads unsigned indices as non-negative int64 values: u8 zero
/// extended, u64 values >= 2^63 (negative when read signed, which would
/// count from the end) as INT64_MAX, out of range like them; its u8 values
/// are only retyped.
// CHECK-LABEL: func @one_hot_unsigned_indices
// CHECK-SAME: (%[[I8:.*]]: tensor<3xi8>, %[[I64:.*]]: tensor<3xi64>, %[[D:.*]]: tensor<i64>, %[[V:.*]]: tensor<2xi8>)
// CHECK: %[[W:.*]] = model.cast %[[I8]] to i64
// CHECK: %[[Z:.*]] = model.where %{{.*}}, %{{.*}}, %[[W]]
// CHECK: model.one_hot %[[Z]], %[[D]], %[[V]] {{.*}} : (tensor<3xi64>, tensor<i64>, tensor<2xi8>) -> tensor<3x4xi8>
// CHECK: %[[MAX:.*]] = model.constant dense<9223372036854775807> : tensor<i64>
// CHECK: %[[NEG:.*]] = model.less %[[I64]],
// CHECK: %[[SAFE:.*]] = model.where %[[NEG]], %[[MAX]], %[[I64]]
// CHECK: model.one_hot %[[SAFE]], %[[D]], %[[V]]
func.func @one_hot_unsigned_indices(%i8: tensor<3xui8>, %i64: tensor<3xui64>, %d: tensor<i64>, %v: tensor<2xui8>) -> (tensor<3x4xui8>, tensor<3x4xui8>) {
  %0 = model.one_hot %i8, %d, %v {axis = 1 : i64, wrap_negative} : (tensor<3xui8>, tensor<i64>, tensor<2xui8>) -> tensor<3x4xui8>
  %1 = model.one_hot %i64, %d, %v {axis = 1 : i64, wrap_negative} : (tensor<3xui64>, tensor<i64>, tensor<2xui8>) -> tensor<3x4xui8>
  return %0, %1 : tensor<3x4xui8>, tensor<3x4xui8>
}
