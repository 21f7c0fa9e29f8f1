// RUN: kiln-opt %s --split-input-file --kiln-convert-fused-to-linalg=ssd-head-tile=0 --canonicalize | FileCheck %s

/// Static sizes the chunk divides: full chunks of 4, no run-time checks;
/// one scf.for over the 4 chunks carries the [b, h, p, n] state (in f32) and
/// the output; per chunk the generics of the chunked algorithm.
// CHECK-LABEL: func @static_full_chunks
// CHECK-NOT: cf.assert
// CHECK: %[[ZERO:.*]] = linalg.fill {{.*}} -> tensor<2x4x8x6xf32>
// CHECK: %[[LOOP:.*]]:2 = scf.for %[[K:.*]] = %c0 to %c4 step %c1 iter_args(%[[S:.*]] = %[[ZERO]], %[[Y:.*]] = %{{.*}}) -> (tensor<2x4x8x6xf32>, tensor<2x16x4x8xf32>)
// CHECK: %[[START:.*]] = arith.muli %[[K]], %c4
// CHECK: tensor.extract_slice %{{.*}}[0, %[[START]], 0, 0] [2, 4, 4, 8] [1, 1, 1, 1] : tensor<2x16x4x8xf32> to tensor<2x4x4x8xf32>
// The masked decay: exp(acum[i] - acum[j]) on and below the diagonal.
// CHECK: arith.cmpi ule
// CHECK: math.exp
// CHECK: arith.select
// CHECK: %[[YOUT:.*]] = tensor.insert_slice %{{.*}} into %[[Y]][0, %[[START]], 0, 0] [2, 4, 4, 8]
// The state decays in place and gains each step's x B^T.
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<2x4xf32>) outs(%[[S]] : tensor<2x4x8x6xf32>)
// CHECK: scf.yield %{{.*}}, %[[YOUT]] : tensor<2x4x8x6xf32>, tensor<2x16x4x8xf32>
// CHECK: return %[[LOOP]]#1, %[[LOOP]]#0
func.func @static_full_chunks(%x: tensor<2x16x4x8xf32>, %a: tensor<2x16x4xf32>, %b: tensor<2x16x4x6xf32>, %c: tensor<2x16x4x6xf32>, %y0: tensor<2x16x4x8xf32>, %s0: tensor<2x4x8x6xf32>) -> (tensor<2x16x4x8xf32>, tensor<2x4x8x6xf32>) {
  %y, %s = fused.ssd ins(%x, %a, %b, %c : tensor<2x16x4x8xf32>, tensor<2x16x4xf32>, tensor<2x16x4x6xf32>, tensor<2x16x4x6xf32>)
             outs(%y0, %s0 : tensor<2x16x4x8xf32>, tensor<2x4x8x6xf32>) {chunk_size = 4, groups = 4} -> tensor<2x16x4x8xf32>, tensor<2x4x8x6xf32>
  return %y, %s : tensor<2x16x4x8xf32>, tensor<2x4x8x6xf32>
}

// -----

/// Dynamic batch and length: every size the operands share is checked at
/// run time and the code runs on the smallest; the chunks are
/// min(16, len - start) long, so a partial last chunk is computed, not
/// read past; B and C are read by group (head / 2); D adds its skip.
// CHECK-LABEL: func @grouped_dynamic
// CHECK: cf.assert %{{.*}}, "{{.*}}(fused.ssd): the operands' batch sizes differ"
// CHECK: cf.assert %{{.*}}, "{{.*}}(fused.ssd): the operands' sequence length sizes differ"
// CHECK: scf.for
// CHECK: %[[START:.*]] = arith.muli %{{.*}}, %c16
// CHECK: %[[LEFT:.*]] = arith.subi %{{.*}}, %[[START]]
// CHECK: %[[Q:.*]] = arith.minui %[[LEFT]], %c16
// CHECK: tensor.extract_slice %{{.*}}[0, %[[START]], 0, 0] [%{{.*}}, %[[Q]], 2, 6]
// CHECK: linalg.generic {indexing_maps = [#[[$CMAP:.*]], #[[$BMAP:.*]], #{{.*}}]
// CHECK: scf.yield
// CHECK-DAG: #[[$CMAP]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d1 floordiv 2, d4)>
// CHECK-DAG: #[[$BMAP]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d3, d1 floordiv 2, d4)>
func.func @grouped_dynamic(%x: tensor<?x?x4x8xf32>, %a: tensor<?x?x4xf32>, %b: tensor<?x?x2x6xf32>, %c: tensor<?x?x2x6xf32>, %d: tensor<4xf32>, %y0: tensor<?x?x4x8xf32>, %s0: tensor<?x4x8x6xf32>) -> (tensor<?x?x4x8xf32>, tensor<?x4x8x6xf32>) {
  %y, %s = fused.ssd ins(%x, %a, %b, %c : tensor<?x?x4x8xf32>, tensor<?x?x4xf32>, tensor<?x?x2x6xf32>, tensor<?x?x2x6xf32>) skip(%d : tensor<4xf32>)
             outs(%y0, %s0 : tensor<?x?x4x8xf32>, tensor<?x4x8x6xf32>) {chunk_size = 16, groups = 2} -> tensor<?x?x4x8xf32>, tensor<?x4x8x6xf32>
  return %y, %s : tensor<?x?x4x8xf32>, tensor<?x4x8x6xf32>
}

// -----

/// A dynamic group count is checked against the attribute; after a failed
/// check the group operand is zeros of the static count (nothing reads past
/// a smaller one). An initial state seeds the loop.
// CHECK-LABEL: func @dynamic_groups
// CHECK-SAME: %[[H:[^:]*]]: tensor<1x2x4x6xf32>, %{{[^:]*}}: tensor<1x8x2x4xf32>,
// CHECK: cf.assert %{{.*}}, "{{.*}}(fused.ssd): b's group count is not 1"
// CHECK: scf.if
// CHECK: tensor.cast %{{.*}} : tensor<1x8x?x6xf32> to tensor<1x8x1x6xf32>
// CHECK: else
// CHECK: linalg.fill
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[H]], 
func.func @dynamic_groups(%x: tensor<1x8x2x4xf32>, %a: tensor<1x8x2xf32>, %b: tensor<1x8x?x6xf32>, %c: tensor<1x8x1x6xf32>, %h: tensor<1x2x4x6xf32>, %y0: tensor<1x8x2x4xf32>, %s0: tensor<1x2x4x6xf32>) -> (tensor<1x8x2x4xf32>, tensor<1x2x4x6xf32>) {
  %y, %s = fused.ssd ins(%x, %a, %b, %c : tensor<1x8x2x4xf32>, tensor<1x8x2xf32>, tensor<1x8x?x6xf32>, tensor<1x8x1x6xf32>) initial(%h : tensor<1x2x4x6xf32>)
             outs(%y0, %s0 : tensor<1x8x2x4xf32>, tensor<1x2x4x6xf32>) {chunk_size = 4, groups = 1} -> tensor<1x8x2x4xf32>, tensor<1x2x4x6xf32>
  return %y, %s : tensor<1x8x2x4xf32>, tensor<1x2x4x6xf32>
}
