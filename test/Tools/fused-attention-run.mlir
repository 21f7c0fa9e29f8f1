// Numbers through fused.attention's linalg decomposition, on inputs whose
// result is known by hand: with q = k = 0 every visible key gets the same
// weight, so each output row is the mean of the value rows its query sees.
// Two query heads share one key/value head (GQA), so both heads agree.
// RUN: kiln-compile %s -o %t.kpkg
// RUN: kiln-run %t.kpkg --function=causal --input=1x2x3x1xf32=0,0,0,0,0,0 --input=1x1x3x1xf32=0,0,0 --input=1x1x3x2xf32=1,10,2,20,3,30 | FileCheck %s --check-prefix=CAUSAL
// RUN: kiln-run %t.kpkg --function=window --input=1x2x3x1xf32=0,0,0,0,0,0 --input=1x1x3x1xf32=0,0,0 --input=1x1x3x2xf32=1,10,2,20,3,30 | FileCheck %s --check-prefix=WINDOW
// RUN: kiln-run %t.kpkg --function=masked --input=1x2x3x1xf32=0,0,0,0,0,0 --input=1x1x3x1xf32=0,0,0 --input=1x1x3x2xf32=1,10,2,20,3,30 --input=3xf32=-1e9,-1e9,0 | FileCheck %s --check-prefix=MASKED
// RUN: kiln-run %t.kpkg --function=decode --input=1x2x1x1xf32=0,0 --input=1x1x3x1xf32=0,0,0 --input=1x1x3x2xf32=1,10,2,20,3,30 | FileCheck %s --check-prefix=DECODE

/// Row i sees keys 0..i.
// CAUSAL: 1x2x3x2 f32
// CAUSAL-NEXT: {{\[\[\[\[}} 1., 10.],
// CAUSAL-NEXT: [1.5, 15.],
// CAUSAL-NEXT: [ 2., 20.]],
// CAUSAL: {{\[\[}} 1., 10.],
// CAUSAL-NEXT: [1.5, 15.],
// CAUSAL-NEXT: [ 2., 20.]]]]
func.func @causal(%q: tensor<1x2x3x1xf32>, %k: tensor<1x1x3x1xf32>, %v: tensor<1x1x3x2xf32>) -> tensor<1x2x3x2xf32> {
  %o = tensor.empty() : tensor<1x2x3x2xf32>
  %0 = fused.attention ins(%q, %k, %v : tensor<1x2x3x1xf32>, tensor<1x1x3x1xf32>, tensor<1x1x3x2xf32>) outs(%o : tensor<1x2x3x2xf32>) {num_heads = 2, num_kv_heads = 1, scale = 1.0 : f32, causal = true} -> tensor<1x2x3x2xf32>
  return %0 : tensor<1x2x3x2xf32>
}

/// A sliding window of one key to the left: row i sees keys i-1 and i.
// WINDOW: {{\[\[\[\[}} 1., 10.],
// WINDOW-NEXT: [1.5, 15.],
// WINDOW-NEXT: [2.5, 25.]],
func.func @window(%q: tensor<1x2x3x1xf32>, %k: tensor<1x1x3x1xf32>, %v: tensor<1x1x3x2xf32>) -> tensor<1x2x3x2xf32> {
  %o = tensor.empty() : tensor<1x2x3x2xf32>
  %0 = fused.attention ins(%q, %k, %v : tensor<1x2x3x1xf32>, tensor<1x1x3x1xf32>, tensor<1x1x3x2xf32>) outs(%o : tensor<1x2x3x2xf32>) {num_heads = 2, num_kv_heads = 1, scale = 1.0 : f32, causal = true, window_left = 1} -> tensor<1x2x3x2xf32>
  return %0 : tensor<1x2x3x2xf32>
}

/// An additive mask that leaves only key 2: every row is value row 2.
// MASKED: {{\[\[\[\[}} 3., 30.],
// MASKED-NEXT: [ 3., 30.],
// MASKED-NEXT: [ 3., 30.]],
func.func @masked(%q: tensor<1x2x3x1xf32>, %k: tensor<1x1x3x1xf32>, %v: tensor<1x1x3x2xf32>, %m: tensor<3xf32>) -> tensor<1x2x3x2xf32> {
  %o = tensor.empty() : tensor<1x2x3x2xf32>
  %0 = fused.attention ins(%q, %k, %v mask %m : tensor<1x2x3x1xf32>, tensor<1x1x3x1xf32>, tensor<1x1x3x2xf32>, tensor<3xf32>) outs(%o : tensor<1x2x3x2xf32>) {num_heads = 2, num_kv_heads = 1, scale = 1.0 : f32} -> tensor<1x2x3x2xf32>
  return %0 : tensor<1x2x3x2xf32>
}

/// One query against three cached keys, causal: the last query sees all.
// DECODE: {{\[\[\[\[}} 2., 20.]],
// DECODE: {{\[\[}} 2., 20.]]]]
func.func @decode(%q: tensor<1x2x1x1xf32>, %k: tensor<1x1x3x1xf32>, %v: tensor<1x1x3x2xf32>) -> tensor<1x2x1x2xf32> {
  %o = tensor.empty() : tensor<1x2x1x2xf32>
  %0 = fused.attention ins(%q, %k, %v : tensor<1x2x1x1xf32>, tensor<1x1x3x1xf32>, tensor<1x1x3x2xf32>) outs(%o : tensor<1x2x1x2xf32>) {num_heads = 2, num_kv_heads = 1, scale = 1.0 : f32, causal = true} -> tensor<1x2x1x2xf32>
  return %0 : tensor<1x2x1x2xf32>
}
