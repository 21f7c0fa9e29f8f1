// RUN: kiln-opt %s --split-input-file --kiln-convert-model-to-linalg | FileCheck %s

// model.rnn: the input projection of all steps is one contraction into the
// broadcast bias Wb + Rb; the loop carries h and the output, each step a
// matmul reading R transposed into the step's projection and one generic.
// h is never read by the step's generic without sequence_lens, so a copy
// ties the new h to the loop's buffer.
// CHECK-LABEL: func @rnn
// CHECK-SAME: (%[[X:.*]]: tensor<?x?x3xf32>, %[[W:.*]]: tensor<1x4x3xf32>, %[[R:.*]]: tensor<1x4x4xf32>, %[[B:.*]]: tensor<1x8xf32>)
// CHECK-NOT: cf.assert
// CHECK: %[[WD:.*]] = tensor.extract_slice %[[W]][0, 0, 0] [1, 4, 3] [1, 1, 1] : tensor<1x4x3xf32> to tensor<4x3xf32>
// CHECK: %[[WB:.*]] = tensor.extract_slice %[[B]][0, 0] [1, 4]
// CHECK: %[[RB:.*]] = tensor.extract_slice %[[B]][0, 4] [1, 4]
// CHECK: %[[BIAS:.*]] = linalg.generic {{.*}} ins(%[[WB]], %[[RB]] : tensor<4xf32>, tensor<4xf32>)
// CHECK: arith.addf
// CHECK: %[[INIT:.*]] = linalg.generic {{.*}} ins(%[[BIAS]] : tensor<4xf32>) outs({{.*}} : tensor<?x?x4xf32>)
// CHECK: %[[XP:.*]] = linalg.contract {{.*}} ins(%[[X]], %[[WD]] : tensor<?x?x3xf32>, tensor<4x3xf32>) outs(%[[INIT]] : tensor<?x?x4xf32>)
// CHECK: %[[RD:.*]] = tensor.extract_slice %[[R]][0, 0, 0] [1, 4, 4] [1, 1, 1] : tensor<1x4x4xf32> to tensor<4x4xf32>
// CHECK: %[[H0:.*]] = linalg.fill
// CHECK: %[[LOOP:.*]]:2 = scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[H:.*]] = %[[H0]], %[[YACC:.*]] = %{{.*}}) -> (tensor<?x4xf32>, tensor<?x?x4xf32>)
// CHECK: %[[XK:.*]] = tensor.extract_slice %[[XP]][%[[K]], 0, 0]
// CHECK: %[[PRE:.*]] = linalg.matmul indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}] ins(%[[H]], %[[RD]] : tensor<?x4xf32>, tensor<4x4xf32>) outs(%[[XK]] : tensor<?x4xf32>)
// CHECK: %[[STEP:.*]]:2 = linalg.generic {{.*}} ins(%[[PRE]] : tensor<?x4xf32>) outs(%[[H]], %{{.*}} : tensor<?x4xf32>, tensor<?x4xf32>)
// CHECK: math.tanh
// CHECK: %[[NEWH:.*]] = linalg.copy ins(%[[STEP]]#0 : tensor<?x4xf32>) outs(%[[H]] : tensor<?x4xf32>)
// CHECK: %[[NEWY:.*]] = tensor.insert_slice %[[STEP]]#1 into %[[YACC]][%[[K]], 0, 0]
// CHECK: scf.yield %[[NEWH]], %[[NEWY]]
// CHECK: %[[YH:.*]] = tensor.insert_slice %[[LOOP]]#0 into %{{.*}}[0, 0, 0] [1, %{{.*}}, 4] [1, 1, 1] : tensor<?x4xf32> into tensor<1x?x4xf32>
// CHECK: %[[Y:.*]] = tensor.insert_slice %[[LOOP]]#1 into %{{.*}}[0, 0, 0, 0] [%{{.*}}, 1, %{{.*}}, 4] [1, 1, 1, 1] : tensor<?x?x4xf32> into tensor<?x1x?x4xf32>
// CHECK: return %[[Y]], %[[YH]]
func.func @rnn(%x: tensor<?x?x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>, %b: tensor<1x8xf32>) -> (tensor<?x1x?x4xf32>, tensor<1x?x4xf32>) {
  %y, %h = model.rnn %x, %w, %r bias %b {activations = ["Tanh"], hidden_size = 4 : i64} : (tensor<?x?x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>, tensor<1x8xf32>) -> (tensor<?x1x?x4xf32>, tensor<1x?x4xf32>)
  return %y, %h : tensor<?x1x?x4xf32>, tensor<1x?x4xf32>
}

// -----

// model.lstm, reverse, with sequence_lens and symbolic initial states: one
// check of the sizes (the failed case goes on with zeros), one of the
// lengths (then clamped to [0, S]); the projection is permuted to step
// order per entry before the loop and the output back after it; the step
// keeps h and c and writes 0 past an entry's length.
// CHECK-LABEL: func @lstm
// CHECK-SAME: (%[[X:.*]]: tensor<?x?x2xf32>, %{{.*}}: tensor<1x12x2xf32>, %[[R:.*]]: tensor<1x12x3xf32>, %[[L:.*]]: tensor<?xi32>, %[[H0:.*]]: tensor<1x?x3xf32>, %[[C0:.*]]: tensor<?x?x3xf32>)
// CHECK: cf.assert %[[OK:.*]], "{{.*}}(model.lstm): the sizes of the input, initial states and sequence_lens disagree"
// CHECK: %[[GX:.*]] = scf.if %[[OK]] -> (tensor<?x?x2xf32>)
// CHECK: linalg.fill
// CHECK: %[[GH:.*]] = scf.if %[[OK]] -> (tensor<1x?x3xf32>)
// CHECK: %[[GC:.*]] = scf.if %[[OK]] -> (tensor<1x?x3xf32>)
// CHECK: tensor.cast %[[C0]] : tensor<?x?x3xf32> to tensor<1x?x3xf32>
// CHECK: %[[GL:.*]] = scf.if %[[OK]] -> (tensor<?xi32>)
// CHECK: arith.cmpi sge
// CHECK: arith.cmpi sle
// CHECK: cf.assert %{{.*}}, "{{.*}}(model.lstm): sequence_lens has an entry outside [0, seq_length]"
// CHECK: %[[LENS:.*]] = linalg.generic {{.*}} ins(%[[GL]] : tensor<?xi32>)
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: %[[XP:.*]] = linalg.contract {{.*}} ins(%[[GX]], %{{.*}} : tensor<?x?x2xf32>, tensor<12x2xf32>)
// CHECK: %[[XPR:.*]] = linalg.generic {{.*}} ins(%[[LENS]] : tensor<?xi32>) outs(%{{.*}} : tensor<?x?x12xf32>)
// CHECK: tensor.extract %[[XP]]
// CHECK: %[[RD:.*]] = tensor.extract_slice %[[R]][0, 0, 0] [1, 12, 3] [1, 1, 1] : tensor<1x12x3xf32> to tensor<12x3xf32>
// CHECK: %[[HI:.*]] = tensor.extract_slice %[[GH]][0, 0, 0]
// CHECK: %[[CI:.*]] = tensor.extract_slice %[[GC]][0, 0, 0]
// CHECK: %[[LOOP:.*]]:3 = scf.for %[[K:.*]] = {{.*}} iter_args(%[[H:.*]] = %[[HI]], %[[C:.*]] = %[[CI]], %{{.*}} = %{{.*}})
// CHECK: %[[XK:.*]] = tensor.extract_slice %[[XPR]][%[[K]], 0, 0]
// CHECK: %[[K32:.*]] = arith.index_cast %[[K]] : index to i32
// CHECK: %[[G:.*]] = linalg.matmul {{.*}} ins(%[[H]], %[[RD]] : tensor<?x3xf32>, tensor<12x3xf32>) outs(%[[XK]] : tensor<?x12xf32>)
// CHECK: linalg.generic {{.*}} ins({{.*}}, %[[LENS]] : tensor<?x3xf32>, tensor<?x3xf32>, tensor<?x3xf32>, tensor<?x3xf32>, tensor<?xi32>) outs(%[[H]], %[[C]], %{{.*}} : tensor<?x3xf32>, tensor<?x3xf32>, tensor<?x3xf32>)
// CHECK: ^bb0(%{{.*}}: f32, %{{.*}}: f32, %{{.*}}: f32, %{{.*}}: f32, %[[LEN:.*]]: i32, %[[HP:.*]]: f32, %[[CP:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[VALID:.*]] = arith.cmpi sgt, %[[LEN]], %[[K32]] : i32
// CHECK: %[[NH:.*]] = arith.select %[[VALID]], %{{.*}}, %[[HP]] : f32
// CHECK: %[[NC:.*]] = arith.select %[[VALID]], %{{.*}}, %[[CP]] : f32
// CHECK: %[[NY:.*]] = arith.select %[[VALID]], %{{.*}}, %{{.*}} : f32
// CHECK: linalg.yield %[[NH]], %[[NC]], %[[NY]]
// CHECK: scf.yield
// CHECK: linalg.generic {{.*}} ins(%[[LENS]] : tensor<?xi32>) outs(%{{.*}} : tensor<?x?x3xf32>)
// CHECK: tensor.extract %[[LOOP]]#2
func.func @lstm(%x: tensor<?x?x2xf32>, %w: tensor<1x12x2xf32>, %r: tensor<1x12x3xf32>, %l: tensor<?xi32>, %h0: tensor<1x?x3xf32>, %c0: tensor<?x?x3xf32>) -> (tensor<?x1x?x3xf32>, tensor<1x?x3xf32>, tensor<1x?x3xf32>) {
  %y, %h, %c = model.lstm %x, %w, %r sequence_lens %l initial_h %h0 initial_c %c0 {activations = ["Sigmoid", "Tanh", "Tanh"], direction = "reverse", hidden_size = 3 : i64} : (tensor<?x?x2xf32>, tensor<1x12x2xf32>, tensor<1x12x3xf32>, tensor<?xi32>, tensor<1x?x3xf32>, tensor<?x?x3xf32>) -> (tensor<?x1x?x3xf32>, tensor<1x?x3xf32>, tensor<1x?x3xf32>)
  return %y, %h, %c : tensor<?x1x?x3xf32>, tensor<1x?x3xf32>, tensor<1x?x3xf32>
}

// -----

// model.gru, bidirectional, linear_before_reset, only Y_h used: no output
// is accumulated; per direction, z and r from one matmul into the
// projection's first 2H columns, h R_h^T + Rb_h from a second matmul into
// the broadcast Rb_h (the reset gate scales it), so the projection's bias
// leaves Rb_h out.
// CHECK-LABEL: func @gru
// CHECK-SAME: %[[B:[^:]*]]: tensor<2x30xf32>)
// CHECK: %[[RBH:.*]] = tensor.extract_slice %[[B]][0, 25] [1, 5] [1, 1] : tensor<2x30xf32> to tensor<5xf32>
// CHECK: %[[RBHB:.*]] = linalg.generic {{.*}} ins(%[[RBH]] : tensor<5xf32>) outs(%{{.*}} : tensor<2x5xf32>)
// CHECK: %[[FWD:.*]] = scf.for {{.*}} iter_args(%[[H:.*]] = %{{.*}}) -> (tensor<2x5xf32>)
// CHECK: linalg.matmul {{.*}} ins(%[[H]], %{{.*}} : tensor<2x5xf32>, tensor<10x5xf32>) outs(%{{.*}} : tensor<2x10xf32>)
// CHECK: linalg.matmul {{.*}} ins(%[[H]], %{{.*}} : tensor<2x5xf32>, tensor<5x5xf32>) outs(%[[RBHB]] : tensor<2x5xf32>)
// CHECK: tensor.insert_slice %[[FWD]] into %{{.*}}[0, 0, 0] [1, 2, 5]
// CHECK: tensor.extract_slice %[[B]][1, 25] [1, 5]
// CHECK: %[[BWD:.*]] = scf.for
// CHECK: tensor.insert_slice %[[BWD]] into %{{.*}}[1, 0, 0] [1, 2, 5]
// CHECK-NOT: scf.for
// CHECK: return
func.func @gru(%x: tensor<4x2x3xf32>, %w: tensor<2x15x3xf32>, %r: tensor<2x15x5xf32>, %b: tensor<2x30xf32>) -> tensor<2x2x5xf32> {
  %y, %h = model.gru %x, %w, %r bias %b {activations = ["Sigmoid", "Tanh", "Sigmoid", "Tanh"], direction = "bidirectional", hidden_size = 5 : i64, linear_before_reset} : (tensor<4x2x3xf32>, tensor<2x15x3xf32>, tensor<2x15x5xf32>, tensor<2x30xf32>) -> (tensor<4x2x2x5xf32>, tensor<2x2x5xf32>)
  return %h : tensor<2x2x5xf32>
}
