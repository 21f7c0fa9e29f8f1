// RUN: kiln-opt %s --split-input-file --kiln-cpu-entry-abi --verify-diagnostics | FileCheck %s

/// Weights become trailing read-only arguments named by `kiln.weight`; a
/// weight used twice shares one argument; inputs become read-only too.
// CHECK-LABEL: func @main
// CHECK-SAME: (%[[X:.*]]: tensor<4x16xf32> {bufferization.writable = false},
// CHECK-SAME: %[[W:.*]]: tensor<16x8xf32> {bufferization.writable = false, kiln.weight = "fc.weight"},
// CHECK-SAME: %[[B:.*]]: tensor<8xf32> {bufferization.writable = false, kiln.weight = "fc.bias"})
// CHECK-SAME: attributes {llvm.emit_c_interface}
// CHECK-NOT: model.weight
// CHECK: model.matmul %[[X]], %[[W]]
// CHECK: model.add %{{.*}}, %[[B]]
// CHECK: model.matmul %{{.*}}, %[[W]]
func.func @main(%x: tensor<4x16xf32>) -> tensor<4x8xf32> {
  %w = model.weight "fc.weight" dense<0.5> : tensor<16x8xf32>
  %b = model.weight "fc.bias" dense<0.1> : tensor<8xf32>
  %y = model.matmul %x, %w : (tensor<4x16xf32>, tensor<16x8xf32>) -> tensor<4x8xf32>
  %z = model.add %y, %b : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %w2 = model.weight "fc.weight" dense<0.5> : tensor<16x8xf32>
  %s = model.matmul %x, %w2 : (tensor<4x16xf32>, tensor<16x8xf32>) -> tensor<4x8xf32>
  %r = model.add %z, %s : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

/// Private functions have no runtime ABI: their weights become constants.
// CHECK-LABEL: func private @helper
// CHECK-NOT: llvm.emit_c_interface
// CHECK: arith.constant dense<1.000000e+00> : tensor<2xf32>
// CHECK-NOT: model.weight
func.func private @helper() -> tensor<2xf32> {
  %w = model.weight "w" dense<1.0> : tensor<2xf32>
  return %w : tensor<2xf32>
}

// -----

func.func @conflicting_types() -> (tensor<2xf32>, tensor<3xf32>) {
  %a = model.weight "w" dense<1.0> : tensor<2xf32>
  // expected-error @+1 {{weight 'w' is used with two types: 'tensor<2xf32>' and 'tensor<3xf32>'}}
  %b = model.weight "w" dense<1.0> : tensor<3xf32>
  return %a, %b : tensor<2xf32>, tensor<3xf32>
}

// -----

/// The signature attributes were read into the manifest; the ABI drops them.
// CHECK-LABEL: func @signature_dropped
// CHECK-SAME: (%{{.*}}: tensor<?x4xf32> {bufferization.writable = false})
// CHECK-SAME: -> tensor<?x4xf32>
// CHECK-NOT: model.
func.func @signature_dropped(%x: tensor<?x4xf32> {model.name = "x", model.dims = #model.dims<[batch, 4]>})
    -> (tensor<?x4xf32> {model.name = "y", model.dims = #model.dims<[batch, 4]>}) {
  return %x : tensor<?x4xf32>
}
