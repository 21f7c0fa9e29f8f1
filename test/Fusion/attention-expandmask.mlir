// RUN: kiln-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(kiln-fuse-attention{report=true}))" | FileCheck %s

/// HF's [b, 1, q, k] mask: a [1, 1, s, s] mask expanded to (b, 1, s, s).
/// The expanded head dim's type says `?`, but an expand to 1 of a static 1
/// is 1 in every run: it broadcasts, stated as 1 by a tensor.cast.
// CHECK-LABEL: func @expanded_mask
// CHECK: %[[C:.*]] = tensor.cast %{{.*}} : tensor<?x?x?x?xf32> to tensor<?x1x?x?xf32>
// CHECK: fused.attention ins(%{{.*}}, %{{.*}}, %{{.*}} mask %[[C]] : {{.*}}, tensor<?x1x?x?xf32>)
// CHECK-NOT: model.softmax
func.func @expanded_mask(%q: tensor<?x2x?x8xf32> {model.dims = #model.dims<[b, 2, s, 8]>},
                         %kt: tensor<?x2x8x?xf32> {model.dims = #model.dims<[b, 2, 8, s]>},
                         %v: tensor<?x2x?x8xf32> {model.dims = #model.dims<[b, 2, s, 8]>},
                         %m: tensor<1x1x?x?xf32> {model.dims = #model.dims<[1, 1, s, s]>}) -> tensor<?x2x?x8xf32> {
  %shape = model.shape %q : (tensor<?x2x?x8xf32>) -> tensor<4xi64>
  %b = model.slice %shape {axes = array<i64: 0>, ends = array<i64: 1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<4xi64>) -> tensor<1xi64>
  %sq = model.slice %shape {axes = array<i64: 0>, ends = array<i64: 3>, starts = array<i64: 2>, steps = array<i64: 1>} : (tensor<4xi64>) -> tensor<1xi64>
  %one = model.constant dense<1> : tensor<1xi64>
  %target = model.concat %b, %one, %sq, %sq {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4xi64>
  %mask = model.expand %m, %target : (tensor<1x1x?x?xf32>, tensor<4xi64>) -> tensor<?x?x?x?xf32>
  %s = model.matmul %q, %kt : (tensor<?x2x?x8xf32>, tensor<?x2x8x?xf32>) -> tensor<?x2x?x?xf32>
  %a = model.add %s, %mask : (tensor<?x2x?x?xf32>, tensor<?x?x?x?xf32>) -> tensor<?x2x?x?xf32>
  %p = model.softmax %a {axis = 3 : i64} : tensor<?x2x?x?xf32>
  %o = model.matmul %p, %v : (tensor<?x2x?x?xf32>, tensor<?x2x?x8xf32>) -> tensor<?x2x?x8xf32>
  return %o : tensor<?x2x?x8xf32>
}

// -----

/// Near miss: the mask expanded over its head axis to a run-time size that
/// is no score dim (it could be 1, 2 or anything): not proven to broadcast.
// CHECK-LABEL: func @expanded_wrong_axis
// CHECK-SAME: kiln.fusion.near_misses = [{fusion = "attention", loc = #loc{{[0-9]*}}, reason = "the mask is not proven to broadcast to the scores"}]
// CHECK-NOT: fused.attention
func.func @expanded_wrong_axis(%q: tensor<?x2x?x8xf32> {model.dims = #model.dims<[b, 2, s, 8]>},
                               %kt: tensor<?x2x8x?xf32> {model.dims = #model.dims<[b, 2, 8, s]>},
                               %v: tensor<?x2x?x8xf32> {model.dims = #model.dims<[b, 2, s, 8]>},
                               %m: tensor<1x1x?x?xf32> {model.dims = #model.dims<[1, 1, s, s]>},
                               %n: tensor<?xf32> {model.dims = #model.dims<[n]>}) -> tensor<?x2x?x8xf32> {
  %shape = model.shape %q : (tensor<?x2x?x8xf32>) -> tensor<4xi64>
  %b = model.slice %shape {axes = array<i64: 0>, ends = array<i64: 1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<4xi64>) -> tensor<1xi64>
  %sq = model.slice %shape {axes = array<i64: 0>, ends = array<i64: 3>, starts = array<i64: 2>, steps = array<i64: 1>} : (tensor<4xi64>) -> tensor<1xi64>
  %h = model.shape %n : (tensor<?xf32>) -> tensor<1xi64>
  %target = model.concat %b, %h, %sq, %sq {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4xi64>
  %mask = model.expand %m, %target : (tensor<1x1x?x?xf32>, tensor<4xi64>) -> tensor<?x?x?x?xf32>
  %s = model.matmul %q, %kt : (tensor<?x2x?x8xf32>, tensor<?x2x8x?xf32>) -> tensor<?x2x?x?xf32>
  %a = model.add %s, %mask : (tensor<?x2x?x?xf32>, tensor<?x?x?x?xf32>) -> tensor<?x2x?x?xf32>
  %p = model.softmax %a {axis = 3 : i64} : tensor<?x2x?x?xf32>
  %o = model.matmul %p, %v : (tensor<?x2x?x?xf32>, tensor<?x2x?x8xf32>) -> tensor<?x2x?x8xf32>
  return %o : tensor<?x2x?x8xf32>
}
