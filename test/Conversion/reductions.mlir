// RUN: kiln-opt %s --split-input-file --kiln-convert-model-to-linalg | FileCheck %s
// Reductions, arg-reductions, cumsum, top-k and layer_norm to linalg and
// loops over tensors.

// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROWS:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func @reduce_min_bool
/// min of i1 is `and`, starting from true.
// CHECK: %[[TRUE:.*]] = arith.constant true
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[TRUE]] : i1)
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROWS]]], iterator_types = ["parallel", "reduction"]} ins(%{{.*}} : tensor<4x?xi1>) outs(%[[INIT]] : tensor<4xi1>)
// CHECK: arith.andi
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [4, 1] : tensor<4xi1> into tensor<4x1xi1>
func.func @reduce_min_bool(%x: tensor<4x?xi1>) -> tensor<4x1xi1> {
  %0 = model.reduce_min %x {axes = array<i64: 1>} : (tensor<4x?xi1>) -> tensor<4x1xi1>
  return %0 : tensor<4x1xi1>
}

// -----

// CHECK-LABEL: func @reduce_prod_f16
/// Products of f16 accumulate in f32 from 1.
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: linalg.fill ins(%[[ONE]] : f32)
// CHECK: arith.extf
// CHECK-NEXT: arith.mulf
// CHECK: arith.truncf
func.func @reduce_prod_f16(%x: tensor<4x8xf16>) -> tensor<4xf16> {
  %0 = model.reduce_prod %x {axes = array<i64: 1>, keepdims = false} : (tensor<4x8xf16>) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

// CHECK-LABEL: func @argmax_last
/// One generic carries the best value (from -inf) and its index; with
/// select_last_index an equal value wins.
// CHECK: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[BEST:.*]] = linalg.fill ins(%[[NEGINF]] : f32) outs(%{{.*}} : tensor<?xf32>)
// CHECK: %[[IDX:.*]] = linalg.fill ins(%{{.*}} : i64) outs(%{{.*}} : tensor<?xi64>)
// CHECK: %[[R:.*]]:2 = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%{{.*}} : tensor<?x8xf32>) outs(%[[BEST]], %[[IDX]] : tensor<?xf32>, tensor<?xi64>)
// CHECK: linalg.index 1
// CHECK: arith.cmpf oge
// CHECK: tensor.expand_shape %[[R]]#1
func.func @argmax_last(%x: tensor<?x8xf32>) -> tensor<?x1xi64> {
  %0 = model.argmax %x {axis = 1 : i64, select_last_index = true} : (tensor<?x8xf32>) -> tensor<?x1xi64>
  return %0 : tensor<?x1xi64>
}

// -----

// CHECK-LABEL: func @argmin_first
// CHECK: arith.constant 2147483647 : i32
// CHECK: arith.cmpi slt
func.func @argmin_first(%x: tensor<3x5xi32>) -> tensor<5xi64> {
  %0 = model.argmin %x {axis = 0 : i64, keepdims = false} : (tensor<3x5xi32>) -> tensor<5xi64>
  return %0 : tensor<5xi64>
}

// -----

// CHECK-LABEL: func @cumsum_constant_axis
/// A loop over the axis; one generic adds the slice into the f32 running sum
/// in place and gives the slice to write, for exclusive the sum before the
/// add.
// CHECK: %[[ACC:.*]] = linalg.fill {{.*}} -> tensor<?x1xf32>
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %c8 step %{{.*}} iter_args(%[[A:.*]] = %[[ACC]], %[[OUT:.*]] = %{{.*}}) -> (tensor<?x1xf32>, tensor<?x8xf16>)
// CHECK: %[[X:.*]] = tensor.extract_slice %{{.*}}[0, %[[I]]] [%{{.*}}, 1] [1, 1] : tensor<?x8xf16> to tensor<?x1xf16>
// CHECK: %[[STEP:.*]]:2 = linalg.generic {{.*}} ins(%[[X]] : tensor<?x1xf16>) outs(%[[A]], %{{.*}} : tensor<?x1xf32>, tensor<?x1xf16>)
// CHECK: ^bb0(%{{.*}}: f16, %[[OLD:.*]]: f32, %{{.*}}: f16):
// CHECK: arith.addf
// CHECK: arith.truncf %[[OLD]]
// CHECK: %[[W:.*]] = tensor.insert_slice %[[STEP]]#1 into %[[OUT]][0, %[[I]]]
// CHECK: scf.yield %[[STEP]]#0, %[[W]]
func.func @cumsum_constant_axis(%x: tensor<?x8xf16>) -> tensor<?x8xf16> {
  %a = model.constant dense<-1> : tensor<i64>
  %0 = model.cumsum %x, %a {exclusive = true} : (tensor<?x8xf16>, tensor<i64>) -> tensor<?x8xf16>
  return %0 : tensor<?x8xf16>
}

// -----

// CHECK-LABEL: func @cumsum_runtime_axis
/// The axis is checked at run time, then selects the loop along it.
// CHECK: %[[AXIS:.*]] = tensor.extract %{{.*}}[%{{.*}}] : tensor<1xi32>
// CHECK: cf.assert %{{.*}}, "{{.*}} (model.cumsum): axis is out of range [-rank, rank) of the input"
// CHECK: scf.index_switch
// CHECK: case 0 {
// CHECK: scf.for
// CHECK: default {
// CHECK: scf.for
func.func @cumsum_runtime_axis(%x: tensor<?x8xi32>, %a: tensor<1xi32>) -> tensor<?x8xi32> {
  %0 = model.cumsum %x, %a {reverse = true} : (tensor<?x8xi32>, tensor<1xi32>) -> tensor<?x8xi32>
  return %0 : tensor<?x8xi32>
}

// -----

// CHECK-LABEL: func @topk
/// k is checked against the axis, then each row is one insertion pass.
// CHECK: %[[K:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK: cf.assert %{{.*}}, "{{.*}} (model.topk): k is out of range [0, size of the axis]"
// CHECK: %[[KS:.*]] = arith.select %{{.*}}, %[[K]], %{{.*}} : index
// CHECK: %[[V:.*]] = tensor.empty(%{{.*}}, %[[KS]]) : tensor<?x?xf32>
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[V]], %{{.*}} = %{{.*}})
// CHECK: scf.for
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf oge
// CHECK: tensor.insert
func.func @topk(%x: tensor<?x8xf32>, %k: tensor<1xi64>) -> (tensor<?x?xf32>, tensor<?x?xi64>) {
  %0:2 = model.topk %x, %k {axis = 1 : i64} : (tensor<?x8xf32>, tensor<1xi64>) -> (tensor<?x?xf32>, tensor<?x?xi64>)
  return %0#0, %0#1 : tensor<?x?xf32>, tensor<?x?xi64>
}

// -----

// CHECK-LABEL: func @layer_norm
// CHECK-SAME: (%[[X:.*]]: tensor<?x?xf16>, %[[S:.*]]: tensor<?xf16>, %[[B:.*]]: tensor<64xf16>)
/// The statistics in f32: sum, mean, sum of squared deviations, 1/std.
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<?x?xf16>) outs(%{{.*}} : tensor<?xf32>)
// CHECK: %[[MEAN:.*]] = linalg.generic {{.*}} ins(%[[SUM]] : tensor<?xf32>)
// CHECK: arith.divf
// CHECK: %[[SQ:.*]] = linalg.generic {{.*}} ins(%[[X]], %[[MEAN]] : tensor<?x?xf16>, tensor<?xf32>)
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: %[[INV:.*]] = linalg.generic {{.*}} ins(%[[SQ]] : tensor<?xf32>)
// CHECK: math.sqrt
// CHECK: %[[N:.*]] = linalg.generic {{.*}} ins(%[[X]], %[[MEAN]], %[[INV]] : tensor<?x?xf16>, tensor<?xf32>, tensor<?xf32>) outs(%{{.*}} : tensor<?x?xf16>)
// CHECK: arith.truncf
/// x's and scale's dynamic dims may be 1: checked, and x must not stretch.
// CHECK: cf.assert %{{.*}}, "{{.*}} (model.layer_norm): operand shapes do not broadcast
// CHECK: cf.assert %{{.*}}, "{{.*}} (model.layer_norm): scale or bias has a dim larger than the input's"
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[B]] : tensor<64xf16>) outs(%{{.*}} : tensor<?x64xf16>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: %[[M:.*]] = tensor.expand_shape %[[MEAN]] {{\[\[}}0, 1]]
// CHECK: %[[R:.*]] = tensor.expand_shape %[[INV]] {{\[\[}}0, 1]]
// CHECK: return %[[Y]], %[[M]], %[[R]]
func.func @layer_norm(%x: tensor<?x?xf16>, %s: tensor<?xf16>, %b: tensor<64xf16>) -> (tensor<?x64xf16>, tensor<?x1xf32>, tensor<?x1xf32>) {
  %0:3 = model.layer_norm %x scale %s bias %b {axis = 1 : i64, epsilon = 1.0e-5 : f32, stash_type = f32} : (tensor<?x?xf16>, tensor<?xf16>, tensor<64xf16>) -> (tensor<?x64xf16>, tensor<?x1xf32>, tensor<?x1xf32>)
  return %0#0, %0#1, %0#2 : tensor<?x64xf16>, tensor<?x1xf32>, tensor<?x1xf32>
}

// -----

// CHECK-LABEL: func @layer_norm_static
/// Shapes proven equal need no check; without scale and bias the normalized
/// x is the result.
// CHECK-NOT: cf.assert
// CHECK: %[[N:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<2x3x4xf32>)
// CHECK: return %[[N]],
func.func @layer_norm_static(%x: tensor<2x3x4xf32>) -> (tensor<2x3x4xf32>, tensor<1x1x1xf32>) {
  %0:3 = model.layer_norm %x {axis = 0 : i64, epsilon = 0.0 : f32, stash_type = f32} : (tensor<2x3x4xf32>) -> (tensor<2x3x4xf32>, tensor<1x1x1xf32>, tensor<1x1x1xf32>)
  return %0#0, %0#1 : tensor<2x3x4xf32>, tensor<1x1x1xf32>
}

// -----

// CHECK-LABEL: func @dynamic_reduce
/// The axes mark the reduced dims at run time (checked), a loop nest over
/// the input combines each element at its indices with those dims zeroed,
/// and without keepdims the result is reshaped to the unreduced sizes.
// CHECK: tensor.extract %{{.*}}[%{{.*}}] : tensor<1xi64>
// CHECK: cf.assert %{{.*}}, "{{.*}} (model.dynamic_reduce): axes are out of range [-rank, rank) or repeated"
// CHECK: %[[INIT:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<?x?xf32>)
// CHECK: scf.for {{.*}} iter_args(%[[A:.*]] = %[[INIT]])
// CHECK: scf.for
// CHECK: %[[X:.*]] = tensor.extract %{{.*}}[%{{.*}}, %{{.*}}] : tensor<4x8xf16>
// CHECK: arith.extf %[[X]]
// CHECK: arith.addf
// CHECK: tensor.insert
// CHECK: arith.divf
// CHECK: arith.truncf
// CHECK: %[[SHAPE:.*]] = tensor.from_elements %{{.*}} : tensor<1xi64>
// CHECK: tensor.reshape %{{.*}}(%[[SHAPE]]) : (tensor<?x?xf16>, tensor<1xi64>) -> tensor<?xf16>
func.func @dynamic_reduce(%x: tensor<4x8xf16>, %axes: tensor<1xi64>) -> tensor<?xf16> {
  %0 = model.dynamic_reduce %x, %axes {kind = "mean", keepdims = false} : (tensor<4x8xf16>, tensor<1xi64>) -> tensor<?xf16>
  return %0 : tensor<?xf16>
}
