// Two attention candidates for the --report tests: one that fuses (named
// nodes, as the ONNX importer names them) and one whose softmax runs over
// the queries (a near miss), plus a plain matmul (no candidate).
func.func @main(%q: tensor<1x2x4x8xf32>, %kt: tensor<1x2x8x4xf32>, %v: tensor<1x2x4x8xf32>, %w: tensor<8x8xf32>) -> (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) {
  %s = model.matmul %q, %kt : (tensor<1x2x4x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x4x4xf32> loc("/attn/MatMul")
  %c = model.constant dense<2.0> : tensor<f32> loc("/attn/Constant")
  %d = model.div %s, %c : (tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32> loc("/attn/Div")
  %p = model.softmax %d {axis = 3 : i64} : tensor<1x2x4x4xf32> loc("/attn/Softmax")
  %o = model.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> loc("/attn/MatMul_1")
  %s2 = model.matmul %q, %kt : (tensor<1x2x4x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x4x4xf32> loc("/odd/MatMul")
  %p2 = model.softmax %s2 {axis = 2 : i64} : tensor<1x2x4x4xf32> loc("/odd/Softmax")
  %o2 = model.matmul %p2, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> loc("/odd/MatMul_1")
  %o3 = model.matmul %o, %w : (tensor<1x2x4x8xf32>, tensor<8x8xf32>) -> tensor<1x2x4x8xf32> loc("/proj/MatMul")
  return %o, %o2, %o3 : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>
}
