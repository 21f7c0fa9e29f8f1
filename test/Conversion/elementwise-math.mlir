// RUN: kiln-opt %s --split-input-file --kiln-convert-model-to-linalg | FileCheck %s

/// Python-style integer mod: the divisor is replaced by 1 where dividing
/// would trap (zero, INT_MIN / -1), a nonzero remainder whose sign differs
/// from the divisor's moves by one divisor, and a zero divisor gives 0.
// CHECK-LABEL: func @mod_int
// CHECK: ^bb0(%[[A:.*]]: i32, %[[B:.*]]: i32, %{{.*}}: i32):
// CHECK: %[[ZERO_B:.*]] = arith.cmpi eq, %[[B]], %c0_i32
// CHECK: %[[TRAPS:.*]] = arith.ori %[[ZERO_B]],
// CHECK: %[[SAFE:.*]] = arith.select %[[TRAPS]], %c1_i32, %[[B]]
// CHECK: %[[R:.*]] = arith.remsi %[[A]], %[[SAFE]]
// CHECK: %[[SIGNS:.*]] = arith.xori
// CHECK: %[[ADJ:.*]] = arith.andi %{{.*}}, %[[SIGNS]]
// CHECK: %[[MOVED:.*]] = arith.addi %[[R]], %[[B]]
// CHECK: %[[PY:.*]] = arith.select %[[ADJ]], %[[MOVED]], %[[R]]
// CHECK: %[[OUT:.*]] = arith.select %[[ZERO_B]], %{{.*}}, %[[PY]]
// CHECK: linalg.yield %[[OUT]]
func.func @mod_int(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %0 = model.mod %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

/// An unsigned remainder (from a u64 mod): remui, only a zero divisor
/// replaced, and 0 for it; no sign adjustment.
// CHECK-LABEL: func @mod_as_unsigned
// CHECK: ^bb0(%[[A:.*]]: i64, %[[B:.*]]: i64, %{{.*}}: i64):
// CHECK: %[[ZERO_B:.*]] = arith.cmpi eq, %[[B]], %c0_i64
// CHECK: %[[SAFE:.*]] = arith.select %[[ZERO_B]], %c1_i64, %[[B]]
// CHECK: %[[R:.*]] = arith.remui %[[A]], %[[SAFE]]
// CHECK: %[[OUT:.*]] = arith.select %[[ZERO_B]], %c0_i64, %[[R]]
// CHECK-NEXT: linalg.yield %[[OUT]]
func.func @mod_as_unsigned(%a: tensor<4xi64>, %b: tensor<4xi64>) -> tensor<4xi64> {
  %0 = model.mod %a, %b {as_unsigned} : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

// CHECK-LABEL: func @fmod
// CHECK: arith.remf
func.func @fmod(%a: tensor<4xf32>, %b: tensor<f32>) -> tensor<4xf32> {
  %0 = model.mod %a, %b {fmod} : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

/// Integer division never traps either.
// CHECK-LABEL: func @div_int
// CHECK: %[[ZERO_B:.*]] = arith.cmpi eq, %[[B:.*]], %c0_i64
// CHECK: %[[SAFE:.*]] = arith.select %{{.*}}, %c1_i64, %[[B]]
// CHECK: %[[Q:.*]] = arith.divsi %{{.*}}, %[[SAFE]]
// CHECK: arith.select %[[ZERO_B]], %{{.*}}, %[[Q]]
func.func @div_int(%a: tensor<4xi64>, %b: tensor<4xi64>) -> tensor<4xi64> {
  %0 = model.div %a, %b : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

/// sign keeps 0 and NaN as they are.
// CHECK-LABEL: func @sign
// CHECK: ^bb0(%[[X:.*]]: f32,
// CHECK: %[[POS:.*]] = arith.cmpf ogt, %[[X]]
// CHECK: %[[NEG:.*]] = arith.cmpf olt, %[[X]]
// CHECK: %[[INNER:.*]] = arith.select %[[NEG]], %{{.*}}, %[[X]]
// CHECK: arith.select %[[POS]], %{{.*}}, %[[INNER]]
func.func @sign(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = model.sign %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

/// softplus without overflow: max(x, 0) + log1p(exp(-|x|)).
// CHECK-LABEL: func @softplus
// CHECK: ^bb0(%[[X:.*]]: f32,
// CHECK: %[[ABS:.*]] = math.absf %[[X]]
// CHECK: %[[NABS:.*]] = arith.negf %[[ABS]]
// CHECK: %[[E:.*]] = math.exp %[[NABS]]
// CHECK: %[[L:.*]] = math.log1p %[[E]]
// CHECK: %[[M:.*]] = arith.maximumf %[[X]]
// CHECK: arith.addf %[[M]], %[[L]]
func.func @softplus(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = model.softplus %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

/// is_inf compares with the infinities asked for only; is_nan is unordered.
// CHECK-LABEL: func @float_tests
// CHECK: arith.constant 0xFF800000 : f32
// CHECK-NOT: 0x7F800000
// CHECK: arith.cmpf oeq
// CHECK: arith.cmpf uno
func.func @float_tests(%a: tensor<4xf32>) -> (tensor<4xi1>, tensor<4xi1>) {
  %0 = model.is_inf %a {detect_positive = false} : tensor<4xf32> -> tensor<4xi1>
  %1 = model.is_nan %a : tensor<4xf32> -> tensor<4xi1>
  return %0, %1 : tensor<4xi1>, tensor<4xi1>
}

// -----

// CHECK-LABEL: func @logic_and_rounding
// CHECK: arith.xori %{{.*}}, %{{.*}} : i1
// CHECK: %[[T:.*]] = arith.constant true
// CHECK: arith.xori %{{.*}}, %[[T]] : i1
// CHECK: tensor.dim
// CHECK: arith.cmpf oge
// CHECK: math.roundeven
func.func @logic_and_rounding(%a: tensor<4xi1>, %b: tensor<4xi1>, %x: tensor<?xf32>) -> (tensor<4xi1>, tensor<?xi1>, tensor<?xf32>) {
  %0 = model.xor %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %1 = model.not %0 : tensor<4xi1>
  %2 = model.greater_equal %x, %x : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xi1>
  %3 = model.round %x : tensor<?xf32>
  return %1, %2, %3 : tensor<4xi1>, tensor<?xi1>, tensor<?xf32>
}
