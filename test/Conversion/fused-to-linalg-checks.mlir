// RUN: kiln-opt %s --kiln-convert-fused-to-linalg | FileCheck %s

// fused.attention with sizes the verifier cannot compare (an imported ONNX
// Attention has them): they are checked at run time, and the decomposition
// runs only when they hold.
// CHECK-LABEL: func @dynamic_batch
// CHECK-SAME: (%[[Q:.*]]: tensor<?x2x4x8xf32>, %[[K:.*]]: tensor<?x1x?x8xf32>, %[[V:.*]]: tensor<?x1x?x8xf32>
// CHECK-DAG: %[[QB:.*]] = tensor.dim %[[Q]], %c0
// CHECK-DAG: %[[KB:.*]] = tensor.dim %[[K]], %c0
// CHECK: arith.cmpi eq, %[[QB]], %[[KB]]
// CHECK: cf.assert %{{.*}}, "{{.*}}(fused.attention): the sizes of query, key, value, mask and destination contradict each other"
// CHECK: scf.if
// CHECK: linalg.softmax
// CHECK: } else {
func.func @dynamic_batch(%q: tensor<?x2x4x8xf32>, %k: tensor<?x1x?x8xf32>, %v: tensor<?x1x?x8xf32>, %o: tensor<?x2x4x8xf32>) -> tensor<?x2x4x8xf32> {
  %r = fused.attention ins(%q, %k, %v : tensor<?x2x4x8xf32>, tensor<?x1x?x8xf32>, tensor<?x1x?x8xf32>)
         outs(%o : tensor<?x2x4x8xf32>)
         {num_heads = 2 : i64, num_kv_heads = 1 : i64, scale = 0.35 : f32} -> tensor<?x2x4x8xf32>
  return %r : tensor<?x2x4x8xf32>
}
