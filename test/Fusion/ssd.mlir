// RUN: kiln-opt %s --split-input-file --kiln-fuse-ssd --canonicalize | FileCheck %s
// The Mamba-2 minimal SSD reference as kiln imports torch.onnx.export's graph
// of generate_ssd_fixtures.py (ssd_block, ssd_matmul), then its near misses.

/// The einsum form: X, A, B, C chunked by 4, zero initial state; Y and the
/// final state (new_states[:, -1]) come from one fused.ssd, the decomposed
/// scan is gone.
// CHECK-LABEL: func @minimal_reference
// CHECK-SAME: (%[[X:[^:]*]]: {{.*}}, %[[A:[^:]*]]: {{.*}}, %[[B:[^:]*]]: {{.*}}, %[[C:[^:]*]]: {{.*}})
// CHECK-NOT: model.
// CHECK: %[[Y:.*]], %[[S:.*]] = fused.ssd ins(%[[X]], %[[A]], %[[B]], %[[C]] : tensor<2x16x4x8xf32>, tensor<2x16x4xf32>, tensor<2x16x4x6xf32>, tensor<2x16x4x6xf32>) outs(%{{.*}}, %{{.*}} : tensor<2x16x4x8xf32>, tensor<2x4x8x6xf32>) {chunk_size = 4 : i64, groups = 4 : i64}
// CHECK-NOT: model.
// CHECK: return %[[Y]], %[[S]]

func.func @minimal_reference(%arg0: tensor<2x16x4x8xf32>, %arg1: tensor<2x16x4xf32>, %arg2: tensor<2x16x4x6xf32>, %arg3: tensor<2x16x4x6xf32>) -> (tensor<2x16x4x8xf32>, tensor<2x4x8x6xf32>) {
  %0 = model.reshape %arg0 {shape = array<i64: 2, 4, 4, 4, 8>} : (tensor<2x16x4x8xf32>) -> tensor<2x4x4x4x8xf32>
  %1 = model.reshape %arg1 {shape = array<i64: 2, 4, 4, 4>} : (tensor<2x16x4xf32>) -> tensor<2x4x4x4xf32>
  %2 = model.reshape %arg2 {shape = array<i64: 2, 4, 4, 4, 6>} : (tensor<2x16x4x6xf32>) -> tensor<2x4x4x4x6xf32>
  %3 = model.reshape %arg3 {shape = array<i64: 2, 4, 4, 4, 6>} : (tensor<2x16x4x6xf32>) -> tensor<2x4x4x4x6xf32>
  %4 = model.transpose %1 {perm = array<i64: 0, 3, 1, 2>} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  %5 = model.constant dense<-1> : tensor<i32>
  %6 = model.cumsum %4, %5 : (tensor<2x4x4x4xf32>, tensor<i32>) -> tensor<2x4x4x4xf32>
  %7 = model.unsqueeze %4 {axes = array<i64: 4>} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x4x1xf32>
  %8 = model.constant dense<[2, 4, 4, 4, 4]> : tensor<5xi64>
  %9 = model.expand %7, %8 : (tensor<2x4x4x4x1xf32>, tensor<5xi64>) -> tensor<2x4x4x4x4xf32>
  %10 = model.constant dense<true> : tensor<4x4xi1>
  %11 = model.constant dense<-1> : tensor<i64>
  %12 = model.trilu %10, %11 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %13 = model.not %12 : tensor<4x4xi1>
  %14 = model.constant dense<0.000000e+00> : tensor<f32>
  %15 = model.where %13, %14, %9 : (tensor<4x4xi1>, tensor<f32>, tensor<2x4x4x4x4xf32>) -> tensor<2x4x4x4x4xf32>
  %16 = model.constant dense<-2> : tensor<i32>
  %17 = model.cumsum %15, %16 : (tensor<2x4x4x4x4xf32>, tensor<i32>) -> tensor<2x4x4x4x4xf32>
  %18 = model.constant dense<0> : tensor<i64>
  %19 = model.trilu %10, %18 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %20 = model.not %19 : tensor<4x4xi1>
  %21 = model.constant dense<0xFF800000> : tensor<f32>
  %22 = model.where %20, %21, %17 : (tensor<4x4xi1>, tensor<f32>, tensor<2x4x4x4x4xf32>) -> tensor<2x4x4x4x4xf32>
  %23 = model.exp %22 : tensor<2x4x4x4x4xf32>
  %24 = model.einsum "bclhn,bcshn,bhcls,bcshp->bclhp" %3, %2, %23, %0 : (tensor<2x4x4x4x6xf32>, tensor<2x4x4x4x6xf32>, tensor<2x4x4x4x4xf32>, tensor<2x4x4x4x8xf32>) -> tensor<2x4x4x4x8xf32>
  %25 = model.slice %6 {axes = array<i64: 3>, ends = array<i64: 9223372036854775807>, starts = array<i64: -1>, steps = array<i64: 1>} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x1xf32>
  %26 = model.sub %25, %6 : (tensor<2x4x4x1xf32>, tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  %27 = model.exp %26 : tensor<2x4x4x4xf32>
  %28 = model.einsum "bclhn,bhcl,bclhp->bchpn" %2, %27, %0 : (tensor<2x4x4x4x6xf32>, tensor<2x4x4x4xf32>, tensor<2x4x4x4x8xf32>) -> tensor<2x4x4x8x6xf32>
  %29 = model.weight "/ConstantOfShape_1_output_0" dense<0.000000e+00> : tensor<2x1x4x8x6xf32>
  %30 = model.concat %29, %28 {axis = 1 : i64} : (tensor<2x1x4x8x6xf32>, tensor<2x4x4x8x6xf32>) -> tensor<2x5x4x8x6xf32>
  %31 = model.gather %6, %11 {axis = 3 : i64} : (tensor<2x4x4x4xf32>, tensor<i64>) -> tensor<2x4x4xf32>
  %32 = model.constant dense<[0, 0, 1, 0, 0, 0]> : tensor<6xi64>
  %33 = model.pad %31, %32 : (tensor<2x4x4xf32>, tensor<6xi64>) -> tensor<2x4x5xf32>
  %34 = model.unsqueeze %33 {axes = array<i64: 3>} : (tensor<2x4x5xf32>) -> tensor<2x4x5x1xf32>
  %35 = model.constant dense<[2, 4, 5, 5]> : tensor<4xi64>
  %36 = model.expand %34, %35 : (tensor<2x4x5x1xf32>, tensor<4xi64>) -> tensor<2x4x5x5xf32>
  %37 = model.weight "/ConstantOfShape_4_output_0" dense<true> : tensor<5x5xi1>
  %38 = model.trilu %37, %11 {upper = false} : (tensor<5x5xi1>, tensor<i64>) -> tensor<5x5xi1>
  %39 = model.not %38 : tensor<5x5xi1>
  %40 = model.constant dense<0.000000e+00> : tensor<f32>
  %41 = model.where %39, %40, %36 : (tensor<5x5xi1>, tensor<f32>, tensor<2x4x5x5xf32>) -> tensor<2x4x5x5xf32>
  %42 = model.constant dense<-2> : tensor<i32>
  %43 = model.cumsum %41, %42 : (tensor<2x4x5x5xf32>, tensor<i32>) -> tensor<2x4x5x5xf32>
  %44 = model.trilu %37, %18 {upper = false} : (tensor<5x5xi1>, tensor<i64>) -> tensor<5x5xi1>
  %45 = model.not %44 : tensor<5x5xi1>
  %46 = model.constant dense<0xFF800000> : tensor<f32>
  %47 = model.where %45, %46, %43 : (tensor<5x5xi1>, tensor<f32>, tensor<2x4x5x5xf32>) -> tensor<2x4x5x5xf32>
  %48 = model.exp %47 : tensor<2x4x5x5xf32>
  %49 = model.einsum "bhzc,bchpn->bzhpn" %48, %30 : (tensor<2x4x5x5xf32>, tensor<2x5x4x8x6xf32>) -> tensor<2x5x4x8x6xf32>
  %50 = model.slice %49 {axes = array<i64: 1>, ends = array<i64: -1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<2x5x4x8x6xf32>) -> tensor<2x4x4x8x6xf32>
  %51 = model.gather %49, %11 {axis = 1 : i64} : (tensor<2x5x4x8x6xf32>, tensor<i64>) -> tensor<2x4x8x6xf32>
  %52 = model.exp %6 : tensor<2x4x4x4xf32>
  %53 = model.einsum "bclhn,bchpn,bhcl->bclhp" %3, %50, %52 : (tensor<2x4x4x4x6xf32>, tensor<2x4x4x8x6xf32>, tensor<2x4x4x4xf32>) -> tensor<2x4x4x4x8xf32>
  %54 = model.add %24, %53 : (tensor<2x4x4x4x8xf32>, tensor<2x4x4x4x8xf32>) -> tensor<2x4x4x4x8xf32>
  %55 = model.reshape %54 {shape = array<i64: 2, 16, 4, 8>} : (tensor<2x4x4x4x8xf32>) -> tensor<2x16x4x8xf32>
  return %55, %51 : tensor<2x16x4x8xf32>, tensor<2x4x8x6xf32>
}

// -----

/// The same algorithm with the einsums written as transposes, broadcasting
/// multiplies, reshapes and matmuls, and a given initial state (cat of
/// initial_state[:, None]).
// CHECK-LABEL: func @matmul_form
// CHECK-SAME: %[[H:[^:]*]]: tensor<2x4x8x6xf32>)
// CHECK-NOT: model.matmul
// CHECK: fused.ssd ins(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : {{.*}}) initial(%[[H]] : tensor<2x4x8x6xf32>) {{.*}} {chunk_size = 4 : i64, groups = 4 : i64}
// CHECK-NOT: model.matmul

func.func @matmul_form(%arg0: tensor<2x16x4x8xf32>, %arg1: tensor<2x16x4xf32>, %arg2: tensor<2x16x4x6xf32>, %arg3: tensor<2x16x4x6xf32>, %arg4: tensor<2x4x8x6xf32>) -> (tensor<2x16x4x8xf32>, tensor<2x4x8x6xf32>) {
  %0 = model.unsqueeze %arg4 {axes = array<i64: 1>} : (tensor<2x4x8x6xf32>) -> tensor<2x1x4x8x6xf32>
  %1 = model.reshape %arg0 {shape = array<i64: 2, 4, 4, 4, 8>} : (tensor<2x16x4x8xf32>) -> tensor<2x4x4x4x8xf32>
  %2 = model.reshape %arg1 {shape = array<i64: 2, 4, 4, 4>} : (tensor<2x16x4xf32>) -> tensor<2x4x4x4xf32>
  %3 = model.reshape %arg2 {shape = array<i64: 2, 4, 4, 4, 6>} : (tensor<2x16x4x6xf32>) -> tensor<2x4x4x4x6xf32>
  %4 = model.reshape %arg3 {shape = array<i64: 2, 4, 4, 4, 6>} : (tensor<2x16x4x6xf32>) -> tensor<2x4x4x4x6xf32>
  %5 = model.transpose %2 {perm = array<i64: 0, 3, 1, 2>} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  %6 = model.constant dense<-1> : tensor<i32>
  %7 = model.cumsum %5, %6 : (tensor<2x4x4x4xf32>, tensor<i32>) -> tensor<2x4x4x4xf32>
  %8 = model.unsqueeze %5 {axes = array<i64: 4>} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x4x1xf32>
  %9 = model.constant dense<[2, 4, 4, 4, 4]> : tensor<5xi64>
  %10 = model.expand %8, %9 : (tensor<2x4x4x4x1xf32>, tensor<5xi64>) -> tensor<2x4x4x4x4xf32>
  %11 = model.constant dense<true> : tensor<4x4xi1>
  %12 = model.constant dense<-1> : tensor<i64>
  %13 = model.trilu %11, %12 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %14 = model.not %13 : tensor<4x4xi1>
  %15 = model.constant dense<0.000000e+00> : tensor<f32>
  %16 = model.where %14, %15, %10 : (tensor<4x4xi1>, tensor<f32>, tensor<2x4x4x4x4xf32>) -> tensor<2x4x4x4x4xf32>
  %17 = model.constant dense<-2> : tensor<i32>
  %18 = model.cumsum %16, %17 : (tensor<2x4x4x4x4xf32>, tensor<i32>) -> tensor<2x4x4x4x4xf32>
  %19 = model.constant dense<0> : tensor<i64>
  %20 = model.trilu %11, %19 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %21 = model.not %20 : tensor<4x4xi1>
  %22 = model.constant dense<0xFF800000> : tensor<f32>
  %23 = model.where %21, %22, %18 : (tensor<4x4xi1>, tensor<f32>, tensor<2x4x4x4x4xf32>) -> tensor<2x4x4x4x4xf32>
  %24 = model.exp %23 : tensor<2x4x4x4x4xf32>
  %25 = model.transpose %1 {perm = array<i64: 0, 3, 1, 2, 4>} : (tensor<2x4x4x4x8xf32>) -> tensor<2x4x4x4x8xf32>
  %26 = model.transpose %3 {perm = array<i64: 0, 3, 1, 2, 4>} : (tensor<2x4x4x4x6xf32>) -> tensor<2x4x4x4x6xf32>
  %27 = model.transpose %4 {perm = array<i64: 0, 3, 1, 2, 4>} : (tensor<2x4x4x4x6xf32>) -> tensor<2x4x4x4x6xf32>
  %28 = model.transpose %3 {perm = array<i64: 0, 3, 1, 4, 2>} : (tensor<2x4x4x4x6xf32>) -> tensor<2x4x4x6x4xf32>
  %29 = model.matmul %27, %28 : (tensor<2x4x4x4x6xf32>, tensor<2x4x4x6x4xf32>) -> tensor<2x4x4x4x4xf32>
  %30 = model.mul %29, %24 : (tensor<2x4x4x4x4xf32>, tensor<2x4x4x4x4xf32>) -> tensor<2x4x4x4x4xf32>
  %31 = model.matmul %30, %25 : (tensor<2x4x4x4x4xf32>, tensor<2x4x4x4x8xf32>) -> tensor<2x4x4x4x8xf32>
  %32 = model.slice %7 {axes = array<i64: 3>, ends = array<i64: 9223372036854775807>, starts = array<i64: -1>, steps = array<i64: 1>} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x1xf32>
  %33 = model.sub %32, %7 : (tensor<2x4x4x1xf32>, tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  %34 = model.exp %33 : tensor<2x4x4x4xf32>
  %35 = model.unsqueeze %34 {axes = array<i64: 4>} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x4x1xf32>
  %36 = model.mul %25, %35 : (tensor<2x4x4x4x8xf32>, tensor<2x4x4x4x1xf32>) -> tensor<2x4x4x4x8xf32>
  %37 = model.transpose %36 {perm = array<i64: 0, 1, 2, 4, 3>} : (tensor<2x4x4x4x8xf32>) -> tensor<2x4x4x8x4xf32>
  %38 = model.matmul %37, %26 : (tensor<2x4x4x8x4xf32>, tensor<2x4x4x4x6xf32>) -> tensor<2x4x4x8x6xf32>
  %39 = model.transpose %38 {perm = array<i64: 0, 2, 1, 3, 4>} : (tensor<2x4x4x8x6xf32>) -> tensor<2x4x4x8x6xf32>
  %40 = model.concat %0, %39 {axis = 1 : i64} : (tensor<2x1x4x8x6xf32>, tensor<2x4x4x8x6xf32>) -> tensor<2x5x4x8x6xf32>
  %41 = model.gather %7, %12 {axis = 3 : i64} : (tensor<2x4x4x4xf32>, tensor<i64>) -> tensor<2x4x4xf32>
  %42 = model.constant dense<[0, 0, 1, 0, 0, 0]> : tensor<6xi64>
  %43 = model.pad %41, %42 : (tensor<2x4x4xf32>, tensor<6xi64>) -> tensor<2x4x5xf32>
  %44 = model.unsqueeze %43 {axes = array<i64: 3>} : (tensor<2x4x5xf32>) -> tensor<2x4x5x1xf32>
  %45 = model.constant dense<[2, 4, 5, 5]> : tensor<4xi64>
  %46 = model.expand %44, %45 : (tensor<2x4x5x1xf32>, tensor<4xi64>) -> tensor<2x4x5x5xf32>
  %47 = model.weight "/ConstantOfShape_3_output_0" dense<true> : tensor<5x5xi1>
  %48 = model.trilu %47, %12 {upper = false} : (tensor<5x5xi1>, tensor<i64>) -> tensor<5x5xi1>
  %49 = model.not %48 : tensor<5x5xi1>
  %50 = model.constant dense<0.000000e+00> : tensor<f32>
  %51 = model.where %49, %50, %46 : (tensor<5x5xi1>, tensor<f32>, tensor<2x4x5x5xf32>) -> tensor<2x4x5x5xf32>
  %52 = model.constant dense<-2> : tensor<i32>
  %53 = model.cumsum %51, %52 : (tensor<2x4x5x5xf32>, tensor<i32>) -> tensor<2x4x5x5xf32>
  %54 = model.trilu %47, %19 {upper = false} : (tensor<5x5xi1>, tensor<i64>) -> tensor<5x5xi1>
  %55 = model.not %54 : tensor<5x5xi1>
  %56 = model.constant dense<0xFF800000> : tensor<f32>
  %57 = model.where %55, %56, %53 : (tensor<5x5xi1>, tensor<f32>, tensor<2x4x5x5xf32>) -> tensor<2x4x5x5xf32>
  %58 = model.exp %57 : tensor<2x4x5x5xf32>
  %59 = model.transpose %40 {perm = array<i64: 0, 2, 1, 3, 4>} : (tensor<2x5x4x8x6xf32>) -> tensor<2x4x5x8x6xf32>
  %60 = model.reshape %59 {shape = array<i64: 2, 4, -1, 48>} : (tensor<2x4x5x8x6xf32>) -> tensor<2x4x5x48xf32>
  %61 = model.matmul %58, %60 : (tensor<2x4x5x5xf32>, tensor<2x4x5x48xf32>) -> tensor<2x4x5x48xf32>
  %62 = model.reshape %61 {shape = array<i64: 2, 4, -1, 8, 6>} : (tensor<2x4x5x48xf32>) -> tensor<2x4x5x8x6xf32>
  %63 = model.transpose %62 {perm = array<i64: 0, 2, 1, 3, 4>} : (tensor<2x4x5x8x6xf32>) -> tensor<2x5x4x8x6xf32>
  %64 = model.slice %63 {axes = array<i64: 1>, ends = array<i64: -1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<2x5x4x8x6xf32>) -> tensor<2x4x4x8x6xf32>
  %65 = model.gather %63, %12 {axis = 1 : i64} : (tensor<2x5x4x8x6xf32>, tensor<i64>) -> tensor<2x4x8x6xf32>
  %66 = model.exp %7 : tensor<2x4x4x4xf32>
  %67 = model.transpose %64 {perm = array<i64: 0, 2, 1, 4, 3>} : (tensor<2x4x4x8x6xf32>) -> tensor<2x4x4x6x8xf32>
  %68 = model.matmul %27, %67 : (tensor<2x4x4x4x6xf32>, tensor<2x4x4x6x8xf32>) -> tensor<2x4x4x4x8xf32>
  %69 = model.unsqueeze %66 {axes = array<i64: 4>} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x4x1xf32>
  %70 = model.mul %68, %69 : (tensor<2x4x4x4x8xf32>, tensor<2x4x4x4x1xf32>) -> tensor<2x4x4x4x8xf32>
  %71 = model.add %31, %70 : (tensor<2x4x4x4x8xf32>, tensor<2x4x4x4x8xf32>) -> tensor<2x4x4x4x8xf32>
  %72 = model.transpose %71 {perm = array<i64: 0, 2, 3, 1, 4>} : (tensor<2x4x4x4x8xf32>) -> tensor<2x4x4x4x8xf32>
  %73 = model.reshape %72 {shape = array<i64: 2, 16, 4, 8>} : (tensor<2x4x4x4x8xf32>) -> tensor<2x16x4x8xf32>
  return %73, %65 : tensor<2x16x4x8xf32>, tensor<2x4x8x6xf32>
}

// -----

/// Larger exports keep torch.zeros_like and torch.ones(T, T) as
/// constant_of_shape (not inlined): the same zero initial state and mask.
// CHECK-LABEL: func @filled_constants
// CHECK: fused.ssd ins({{.*}}) outs({{.*}}) {chunk_size = 4 : i64, groups = 4 : i64}
// CHECK-NOT: model.einsum

func.func @filled_constants(%arg0: tensor<2x16x4x8xf32>, %arg1: tensor<2x16x4xf32>, %arg2: tensor<2x16x4x6xf32>, %arg3: tensor<2x16x4x6xf32>) -> (tensor<2x16x4x8xf32>, tensor<2x4x8x6xf32>) {
  %0 = model.reshape %arg0 {shape = array<i64: 2, 4, 4, 4, 8>} : (tensor<2x16x4x8xf32>) -> tensor<2x4x4x4x8xf32>
  %1 = model.reshape %arg1 {shape = array<i64: 2, 4, 4, 4>} : (tensor<2x16x4xf32>) -> tensor<2x4x4x4xf32>
  %2 = model.reshape %arg2 {shape = array<i64: 2, 4, 4, 4, 6>} : (tensor<2x16x4x6xf32>) -> tensor<2x4x4x4x6xf32>
  %3 = model.reshape %arg3 {shape = array<i64: 2, 4, 4, 4, 6>} : (tensor<2x16x4x6xf32>) -> tensor<2x4x4x4x6xf32>
  %4 = model.transpose %1 {perm = array<i64: 0, 3, 1, 2>} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  %5 = model.constant dense<-1> : tensor<i32>
  %6 = model.cumsum %4, %5 : (tensor<2x4x4x4xf32>, tensor<i32>) -> tensor<2x4x4x4xf32>
  %7 = model.unsqueeze %4 {axes = array<i64: 4>} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x4x1xf32>
  %8 = model.constant dense<[2, 4, 4, 4, 4]> : tensor<5xi64>
  %9 = model.expand %7, %8 : (tensor<2x4x4x4x1xf32>, tensor<5xi64>) -> tensor<2x4x4x4x4xf32>
  %10 = model.constant dense<true> : tensor<4x4xi1>
  %11 = model.constant dense<-1> : tensor<i64>
  %12 = model.trilu %10, %11 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %13 = model.not %12 : tensor<4x4xi1>
  %14 = model.constant dense<0.000000e+00> : tensor<f32>
  %15 = model.where %13, %14, %9 : (tensor<4x4xi1>, tensor<f32>, tensor<2x4x4x4x4xf32>) -> tensor<2x4x4x4x4xf32>
  %16 = model.constant dense<-2> : tensor<i32>
  %17 = model.cumsum %15, %16 : (tensor<2x4x4x4x4xf32>, tensor<i32>) -> tensor<2x4x4x4x4xf32>
  %18 = model.constant dense<0> : tensor<i64>
  %19 = model.trilu %10, %18 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %20 = model.not %19 : tensor<4x4xi1>
  %21 = model.constant dense<0xFF800000> : tensor<f32>
  %22 = model.where %20, %21, %17 : (tensor<4x4xi1>, tensor<f32>, tensor<2x4x4x4x4xf32>) -> tensor<2x4x4x4x4xf32>
  %23 = model.exp %22 : tensor<2x4x4x4x4xf32>
  %24 = model.einsum "bclhn,bcshn,bhcls,bcshp->bclhp" %3, %2, %23, %0 : (tensor<2x4x4x4x6xf32>, tensor<2x4x4x4x6xf32>, tensor<2x4x4x4x4xf32>, tensor<2x4x4x4x8xf32>) -> tensor<2x4x4x4x8xf32>
  %25 = model.slice %6 {axes = array<i64: 3>, ends = array<i64: 9223372036854775807>, starts = array<i64: -1>, steps = array<i64: 1>} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x1xf32>
  %26 = model.sub %25, %6 : (tensor<2x4x4x1xf32>, tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  %27 = model.exp %26 : tensor<2x4x4x4xf32>
  %28 = model.einsum "bclhn,bhcl,bclhp->bchpn" %2, %27, %0 : (tensor<2x4x4x4x6xf32>, tensor<2x4x4x4xf32>, tensor<2x4x4x4x8xf32>) -> tensor<2x4x4x8x6xf32>
  %zs = model.constant dense<[2, 1, 4, 8, 6]> : tensor<5xi64>
  %29 = model.constant_of_shape %zs {value = 0.000000e+00 : f32} : (tensor<5xi64>) -> tensor<2x1x4x8x6xf32>
  %30 = model.concat %29, %28 {axis = 1 : i64} : (tensor<2x1x4x8x6xf32>, tensor<2x4x4x8x6xf32>) -> tensor<2x5x4x8x6xf32>
  %31 = model.gather %6, %11 {axis = 3 : i64} : (tensor<2x4x4x4xf32>, tensor<i64>) -> tensor<2x4x4xf32>
  %32 = model.constant dense<[0, 0, 1, 0, 0, 0]> : tensor<6xi64>
  %33 = model.pad %31, %32 : (tensor<2x4x4xf32>, tensor<6xi64>) -> tensor<2x4x5xf32>
  %34 = model.unsqueeze %33 {axes = array<i64: 3>} : (tensor<2x4x5xf32>) -> tensor<2x4x5x1xf32>
  %35 = model.constant dense<[2, 4, 5, 5]> : tensor<4xi64>
  %36 = model.expand %34, %35 : (tensor<2x4x5x1xf32>, tensor<4xi64>) -> tensor<2x4x5x5xf32>
  %ms = model.constant dense<5> : tensor<2xi64>
  %37 = model.constant_of_shape %ms {value = true} : (tensor<2xi64>) -> tensor<5x5xi1>
  %38 = model.trilu %37, %11 {upper = false} : (tensor<5x5xi1>, tensor<i64>) -> tensor<5x5xi1>
  %39 = model.not %38 : tensor<5x5xi1>
  %40 = model.constant dense<0.000000e+00> : tensor<f32>
  %41 = model.where %39, %40, %36 : (tensor<5x5xi1>, tensor<f32>, tensor<2x4x5x5xf32>) -> tensor<2x4x5x5xf32>
  %42 = model.constant dense<-2> : tensor<i32>
  %43 = model.cumsum %41, %42 : (tensor<2x4x5x5xf32>, tensor<i32>) -> tensor<2x4x5x5xf32>
  %44 = model.trilu %37, %18 {upper = false} : (tensor<5x5xi1>, tensor<i64>) -> tensor<5x5xi1>
  %45 = model.not %44 : tensor<5x5xi1>
  %46 = model.constant dense<0xFF800000> : tensor<f32>
  %47 = model.where %45, %46, %43 : (tensor<5x5xi1>, tensor<f32>, tensor<2x4x5x5xf32>) -> tensor<2x4x5x5xf32>
  %48 = model.exp %47 : tensor<2x4x5x5xf32>
  %49 = model.einsum "bhzc,bchpn->bzhpn" %48, %30 : (tensor<2x4x5x5xf32>, tensor<2x5x4x8x6xf32>) -> tensor<2x5x4x8x6xf32>
  %50 = model.slice %49 {axes = array<i64: 1>, ends = array<i64: -1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<2x5x4x8x6xf32>) -> tensor<2x4x4x8x6xf32>
  %51 = model.gather %49, %11 {axis = 1 : i64} : (tensor<2x5x4x8x6xf32>, tensor<i64>) -> tensor<2x4x8x6xf32>
  %52 = model.exp %6 : tensor<2x4x4x4xf32>
  %53 = model.einsum "bclhn,bchpn,bhcl->bclhp" %3, %50, %52 : (tensor<2x4x4x4x6xf32>, tensor<2x4x4x8x6xf32>, tensor<2x4x4x4xf32>) -> tensor<2x4x4x4x8xf32>
  %54 = model.add %24, %53 : (tensor<2x4x4x4x8xf32>, tensor<2x4x4x4x8xf32>) -> tensor<2x4x4x4x8xf32>
  %55 = model.reshape %54 {shape = array<i64: 2, 16, 4, 8>} : (tensor<2x4x4x4x8xf32>) -> tensor<2x16x4x8xf32>
  return %55, %51 : tensor<2x16x4x8xf32>, tensor<2x4x8x6xf32>
}

// -----

/// Near miss: the -inf mask keeps the upper triangle (tril -> triu), so
/// the segment sums are not causal.
// CHECK-LABEL: func @wrong_triangle
// CHECK-NOT: fused.ssd
// CHECK: model.einsum

func.func @wrong_triangle(%arg0: tensor<2x16x4x8xf32>, %arg1: tensor<2x16x4xf32>, %arg2: tensor<2x16x4x6xf32>, %arg3: tensor<2x16x4x6xf32>) -> (tensor<2x16x4x8xf32>, tensor<2x4x8x6xf32>) {
  %0 = model.reshape %arg0 {shape = array<i64: 2, 4, 4, 4, 8>} : (tensor<2x16x4x8xf32>) -> tensor<2x4x4x4x8xf32>
  %1 = model.reshape %arg1 {shape = array<i64: 2, 4, 4, 4>} : (tensor<2x16x4xf32>) -> tensor<2x4x4x4xf32>
  %2 = model.reshape %arg2 {shape = array<i64: 2, 4, 4, 4, 6>} : (tensor<2x16x4x6xf32>) -> tensor<2x4x4x4x6xf32>
  %3 = model.reshape %arg3 {shape = array<i64: 2, 4, 4, 4, 6>} : (tensor<2x16x4x6xf32>) -> tensor<2x4x4x4x6xf32>
  %4 = model.transpose %1 {perm = array<i64: 0, 3, 1, 2>} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  %5 = model.constant dense<-1> : tensor<i32>
  %6 = model.cumsum %4, %5 : (tensor<2x4x4x4xf32>, tensor<i32>) -> tensor<2x4x4x4xf32>
  %7 = model.unsqueeze %4 {axes = array<i64: 4>} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x4x1xf32>
  %8 = model.constant dense<[2, 4, 4, 4, 4]> : tensor<5xi64>
  %9 = model.expand %7, %8 : (tensor<2x4x4x4x1xf32>, tensor<5xi64>) -> tensor<2x4x4x4x4xf32>
  %10 = model.constant dense<true> : tensor<4x4xi1>
  %11 = model.constant dense<-1> : tensor<i64>
  %12 = model.trilu %10, %11 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %13 = model.not %12 : tensor<4x4xi1>
  %14 = model.constant dense<0.000000e+00> : tensor<f32>
  %15 = model.where %13, %14, %9 : (tensor<4x4xi1>, tensor<f32>, tensor<2x4x4x4x4xf32>) -> tensor<2x4x4x4x4xf32>
  %16 = model.constant dense<-2> : tensor<i32>
  %17 = model.cumsum %15, %16 : (tensor<2x4x4x4x4xf32>, tensor<i32>) -> tensor<2x4x4x4x4xf32>
  %18 = model.constant dense<0> : tensor<i64>
  %19 = model.trilu %10, %18 {upper = true} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %20 = model.not %19 : tensor<4x4xi1>
  %21 = model.constant dense<0xFF800000> : tensor<f32>
  %22 = model.where %20, %21, %17 : (tensor<4x4xi1>, tensor<f32>, tensor<2x4x4x4x4xf32>) -> tensor<2x4x4x4x4xf32>
  %23 = model.exp %22 : tensor<2x4x4x4x4xf32>
  %24 = model.einsum "bclhn,bcshn,bhcls,bcshp->bclhp" %3, %2, %23, %0 : (tensor<2x4x4x4x6xf32>, tensor<2x4x4x4x6xf32>, tensor<2x4x4x4x4xf32>, tensor<2x4x4x4x8xf32>) -> tensor<2x4x4x4x8xf32>
  %25 = model.slice %6 {axes = array<i64: 3>, ends = array<i64: 9223372036854775807>, starts = array<i64: -1>, steps = array<i64: 1>} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x1xf32>
  %26 = model.sub %25, %6 : (tensor<2x4x4x1xf32>, tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  %27 = model.exp %26 : tensor<2x4x4x4xf32>
  %28 = model.einsum "bclhn,bhcl,bclhp->bchpn" %2, %27, %0 : (tensor<2x4x4x4x6xf32>, tensor<2x4x4x4xf32>, tensor<2x4x4x4x8xf32>) -> tensor<2x4x4x8x6xf32>
  %29 = model.weight "/ConstantOfShape_1_output_0" dense<0.000000e+00> : tensor<2x1x4x8x6xf32>
  %30 = model.concat %29, %28 {axis = 1 : i64} : (tensor<2x1x4x8x6xf32>, tensor<2x4x4x8x6xf32>) -> tensor<2x5x4x8x6xf32>
  %31 = model.gather %6, %11 {axis = 3 : i64} : (tensor<2x4x4x4xf32>, tensor<i64>) -> tensor<2x4x4xf32>
  %32 = model.constant dense<[0, 0, 1, 0, 0, 0]> : tensor<6xi64>
  %33 = model.pad %31, %32 : (tensor<2x4x4xf32>, tensor<6xi64>) -> tensor<2x4x5xf32>
  %34 = model.unsqueeze %33 {axes = array<i64: 3>} : (tensor<2x4x5xf32>) -> tensor<2x4x5x1xf32>
  %35 = model.constant dense<[2, 4, 5, 5]> : tensor<4xi64>
  %36 = model.expand %34, %35 : (tensor<2x4x5x1xf32>, tensor<4xi64>) -> tensor<2x4x5x5xf32>
  %37 = model.weight "/ConstantOfShape_4_output_0" dense<true> : tensor<5x5xi1>
  %38 = model.trilu %37, %11 {upper = false} : (tensor<5x5xi1>, tensor<i64>) -> tensor<5x5xi1>
  %39 = model.not %38 : tensor<5x5xi1>
  %40 = model.constant dense<0.000000e+00> : tensor<f32>
  %41 = model.where %39, %40, %36 : (tensor<5x5xi1>, tensor<f32>, tensor<2x4x5x5xf32>) -> tensor<2x4x5x5xf32>
  %42 = model.constant dense<-2> : tensor<i32>
  %43 = model.cumsum %41, %42 : (tensor<2x4x5x5xf32>, tensor<i32>) -> tensor<2x4x5x5xf32>
  %44 = model.trilu %37, %18 {upper = false} : (tensor<5x5xi1>, tensor<i64>) -> tensor<5x5xi1>
  %45 = model.not %44 : tensor<5x5xi1>
  %46 = model.constant dense<0xFF800000> : tensor<f32>
  %47 = model.where %45, %46, %43 : (tensor<5x5xi1>, tensor<f32>, tensor<2x4x5x5xf32>) -> tensor<2x4x5x5xf32>
  %48 = model.exp %47 : tensor<2x4x5x5xf32>
  %49 = model.einsum "bhzc,bchpn->bzhpn" %48, %30 : (tensor<2x4x5x5xf32>, tensor<2x5x4x8x6xf32>) -> tensor<2x5x4x8x6xf32>
  %50 = model.slice %49 {axes = array<i64: 1>, ends = array<i64: -1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<2x5x4x8x6xf32>) -> tensor<2x4x4x8x6xf32>
  %51 = model.gather %49, %11 {axis = 1 : i64} : (tensor<2x5x4x8x6xf32>, tensor<i64>) -> tensor<2x4x8x6xf32>
  %52 = model.exp %6 : tensor<2x4x4x4xf32>
  %53 = model.einsum "bclhn,bchpn,bhcl->bclhp" %3, %50, %52 : (tensor<2x4x4x4x6xf32>, tensor<2x4x4x8x6xf32>, tensor<2x4x4x4xf32>) -> tensor<2x4x4x4x8xf32>
  %54 = model.add %24, %53 : (tensor<2x4x4x4x8xf32>, tensor<2x4x4x4x8xf32>) -> tensor<2x4x4x4x8xf32>
  %55 = model.reshape %54 {shape = array<i64: 2, 16, 4, 8>} : (tensor<2x4x4x4x8xf32>) -> tensor<2x16x4x8xf32>
  return %55, %51 : tensor<2x16x4x8xf32>, tensor<2x4x8x6xf32>
}

// -----

/// Near miss: the zero mask keeps the diagonal (tril(0) instead of tril(-1)),
/// which adds x[i] twice.
// CHECK-LABEL: func @diagonal_not_zeroed
// CHECK-NOT: fused.ssd
// CHECK: model.einsum

func.func @diagonal_not_zeroed(%arg0: tensor<2x16x4x8xf32>, %arg1: tensor<2x16x4xf32>, %arg2: tensor<2x16x4x6xf32>, %arg3: tensor<2x16x4x6xf32>) -> (tensor<2x16x4x8xf32>, tensor<2x4x8x6xf32>) {
  %0 = model.reshape %arg0 {shape = array<i64: 2, 4, 4, 4, 8>} : (tensor<2x16x4x8xf32>) -> tensor<2x4x4x4x8xf32>
  %1 = model.reshape %arg1 {shape = array<i64: 2, 4, 4, 4>} : (tensor<2x16x4xf32>) -> tensor<2x4x4x4xf32>
  %2 = model.reshape %arg2 {shape = array<i64: 2, 4, 4, 4, 6>} : (tensor<2x16x4x6xf32>) -> tensor<2x4x4x4x6xf32>
  %3 = model.reshape %arg3 {shape = array<i64: 2, 4, 4, 4, 6>} : (tensor<2x16x4x6xf32>) -> tensor<2x4x4x4x6xf32>
  %4 = model.transpose %1 {perm = array<i64: 0, 3, 1, 2>} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  %5 = model.constant dense<-1> : tensor<i32>
  %6 = model.cumsum %4, %5 : (tensor<2x4x4x4xf32>, tensor<i32>) -> tensor<2x4x4x4xf32>
  %7 = model.unsqueeze %4 {axes = array<i64: 4>} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x4x1xf32>
  %8 = model.constant dense<[2, 4, 4, 4, 4]> : tensor<5xi64>
  %9 = model.expand %7, %8 : (tensor<2x4x4x4x1xf32>, tensor<5xi64>) -> tensor<2x4x4x4x4xf32>
  %10 = model.constant dense<true> : tensor<4x4xi1>
  %11 = model.constant dense<-1> : tensor<i64>
  %k0 = model.constant dense<0> : tensor<i64>
  %12 = model.trilu %10, %k0 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %13 = model.not %12 : tensor<4x4xi1>
  %14 = model.constant dense<0.000000e+00> : tensor<f32>
  %15 = model.where %13, %14, %9 : (tensor<4x4xi1>, tensor<f32>, tensor<2x4x4x4x4xf32>) -> tensor<2x4x4x4x4xf32>
  %16 = model.constant dense<-2> : tensor<i32>
  %17 = model.cumsum %15, %16 : (tensor<2x4x4x4x4xf32>, tensor<i32>) -> tensor<2x4x4x4x4xf32>
  %18 = model.constant dense<0> : tensor<i64>
  %19 = model.trilu %10, %18 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %20 = model.not %19 : tensor<4x4xi1>
  %21 = model.constant dense<0xFF800000> : tensor<f32>
  %22 = model.where %20, %21, %17 : (tensor<4x4xi1>, tensor<f32>, tensor<2x4x4x4x4xf32>) -> tensor<2x4x4x4x4xf32>
  %23 = model.exp %22 : tensor<2x4x4x4x4xf32>
  %24 = model.einsum "bclhn,bcshn,bhcls,bcshp->bclhp" %3, %2, %23, %0 : (tensor<2x4x4x4x6xf32>, tensor<2x4x4x4x6xf32>, tensor<2x4x4x4x4xf32>, tensor<2x4x4x4x8xf32>) -> tensor<2x4x4x4x8xf32>
  %25 = model.slice %6 {axes = array<i64: 3>, ends = array<i64: 9223372036854775807>, starts = array<i64: -1>, steps = array<i64: 1>} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x1xf32>
  %26 = model.sub %25, %6 : (tensor<2x4x4x1xf32>, tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  %27 = model.exp %26 : tensor<2x4x4x4xf32>
  %28 = model.einsum "bclhn,bhcl,bclhp->bchpn" %2, %27, %0 : (tensor<2x4x4x4x6xf32>, tensor<2x4x4x4xf32>, tensor<2x4x4x4x8xf32>) -> tensor<2x4x4x8x6xf32>
  %29 = model.weight "/ConstantOfShape_1_output_0" dense<0.000000e+00> : tensor<2x1x4x8x6xf32>
  %30 = model.concat %29, %28 {axis = 1 : i64} : (tensor<2x1x4x8x6xf32>, tensor<2x4x4x8x6xf32>) -> tensor<2x5x4x8x6xf32>
  %31 = model.gather %6, %11 {axis = 3 : i64} : (tensor<2x4x4x4xf32>, tensor<i64>) -> tensor<2x4x4xf32>
  %32 = model.constant dense<[0, 0, 1, 0, 0, 0]> : tensor<6xi64>
  %33 = model.pad %31, %32 : (tensor<2x4x4xf32>, tensor<6xi64>) -> tensor<2x4x5xf32>
  %34 = model.unsqueeze %33 {axes = array<i64: 3>} : (tensor<2x4x5xf32>) -> tensor<2x4x5x1xf32>
  %35 = model.constant dense<[2, 4, 5, 5]> : tensor<4xi64>
  %36 = model.expand %34, %35 : (tensor<2x4x5x1xf32>, tensor<4xi64>) -> tensor<2x4x5x5xf32>
  %37 = model.weight "/ConstantOfShape_4_output_0" dense<true> : tensor<5x5xi1>
  %38 = model.trilu %37, %11 {upper = false} : (tensor<5x5xi1>, tensor<i64>) -> tensor<5x5xi1>
  %39 = model.not %38 : tensor<5x5xi1>
  %40 = model.constant dense<0.000000e+00> : tensor<f32>
  %41 = model.where %39, %40, %36 : (tensor<5x5xi1>, tensor<f32>, tensor<2x4x5x5xf32>) -> tensor<2x4x5x5xf32>
  %42 = model.constant dense<-2> : tensor<i32>
  %43 = model.cumsum %41, %42 : (tensor<2x4x5x5xf32>, tensor<i32>) -> tensor<2x4x5x5xf32>
  %44 = model.trilu %37, %18 {upper = false} : (tensor<5x5xi1>, tensor<i64>) -> tensor<5x5xi1>
  %45 = model.not %44 : tensor<5x5xi1>
  %46 = model.constant dense<0xFF800000> : tensor<f32>
  %47 = model.where %45, %46, %43 : (tensor<5x5xi1>, tensor<f32>, tensor<2x4x5x5xf32>) -> tensor<2x4x5x5xf32>
  %48 = model.exp %47 : tensor<2x4x5x5xf32>
  %49 = model.einsum "bhzc,bchpn->bzhpn" %48, %30 : (tensor<2x4x5x5xf32>, tensor<2x5x4x8x6xf32>) -> tensor<2x5x4x8x6xf32>
  %50 = model.slice %49 {axes = array<i64: 1>, ends = array<i64: -1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<2x5x4x8x6xf32>) -> tensor<2x4x4x8x6xf32>
  %51 = model.gather %49, %11 {axis = 1 : i64} : (tensor<2x5x4x8x6xf32>, tensor<i64>) -> tensor<2x4x8x6xf32>
  %52 = model.exp %6 : tensor<2x4x4x4xf32>
  %53 = model.einsum "bclhn,bchpn,bhcl->bclhp" %3, %50, %52 : (tensor<2x4x4x4x6xf32>, tensor<2x4x4x8x6xf32>, tensor<2x4x4x4xf32>) -> tensor<2x4x4x4x8xf32>
  %54 = model.add %24, %53 : (tensor<2x4x4x4x8xf32>, tensor<2x4x4x4x8xf32>) -> tensor<2x4x4x4x8xf32>
  %55 = model.reshape %54 {shape = array<i64: 2, 16, 4, 8>} : (tensor<2x4x4x4x8xf32>) -> tensor<2x16x4x8xf32>
  return %55, %51 : tensor<2x16x4x8xf32>, tensor<2x4x8x6xf32>
}

// -----

/// Near miss: the segsum cumsum runs over the last axis, not the rows.
// CHECK-LABEL: func @wrong_cumsum_axis
// CHECK-NOT: fused.ssd
// CHECK: model.einsum

func.func @wrong_cumsum_axis(%arg0: tensor<2x16x4x8xf32>, %arg1: tensor<2x16x4xf32>, %arg2: tensor<2x16x4x6xf32>, %arg3: tensor<2x16x4x6xf32>) -> (tensor<2x16x4x8xf32>, tensor<2x4x8x6xf32>) {
  %0 = model.reshape %arg0 {shape = array<i64: 2, 4, 4, 4, 8>} : (tensor<2x16x4x8xf32>) -> tensor<2x4x4x4x8xf32>
  %1 = model.reshape %arg1 {shape = array<i64: 2, 4, 4, 4>} : (tensor<2x16x4xf32>) -> tensor<2x4x4x4xf32>
  %2 = model.reshape %arg2 {shape = array<i64: 2, 4, 4, 4, 6>} : (tensor<2x16x4x6xf32>) -> tensor<2x4x4x4x6xf32>
  %3 = model.reshape %arg3 {shape = array<i64: 2, 4, 4, 4, 6>} : (tensor<2x16x4x6xf32>) -> tensor<2x4x4x4x6xf32>
  %4 = model.transpose %1 {perm = array<i64: 0, 3, 1, 2>} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  %5 = model.constant dense<-1> : tensor<i32>
  %6 = model.cumsum %4, %5 : (tensor<2x4x4x4xf32>, tensor<i32>) -> tensor<2x4x4x4xf32>
  %7 = model.unsqueeze %4 {axes = array<i64: 4>} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x4x1xf32>
  %8 = model.constant dense<[2, 4, 4, 4, 4]> : tensor<5xi64>
  %9 = model.expand %7, %8 : (tensor<2x4x4x4x1xf32>, tensor<5xi64>) -> tensor<2x4x4x4x4xf32>
  %10 = model.constant dense<true> : tensor<4x4xi1>
  %11 = model.constant dense<-1> : tensor<i64>
  %12 = model.trilu %10, %11 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %13 = model.not %12 : tensor<4x4xi1>
  %14 = model.constant dense<0.000000e+00> : tensor<f32>
  %15 = model.where %13, %14, %9 : (tensor<4x4xi1>, tensor<f32>, tensor<2x4x4x4x4xf32>) -> tensor<2x4x4x4x4xf32>
  %16 = model.constant dense<-2> : tensor<i32>
  %17 = model.cumsum %15, %5 : (tensor<2x4x4x4x4xf32>, tensor<i32>) -> tensor<2x4x4x4x4xf32>
  %18 = model.constant dense<0> : tensor<i64>
  %19 = model.trilu %10, %18 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %20 = model.not %19 : tensor<4x4xi1>
  %21 = model.constant dense<0xFF800000> : tensor<f32>
  %22 = model.where %20, %21, %17 : (tensor<4x4xi1>, tensor<f32>, tensor<2x4x4x4x4xf32>) -> tensor<2x4x4x4x4xf32>
  %23 = model.exp %22 : tensor<2x4x4x4x4xf32>
  %24 = model.einsum "bclhn,bcshn,bhcls,bcshp->bclhp" %3, %2, %23, %0 : (tensor<2x4x4x4x6xf32>, tensor<2x4x4x4x6xf32>, tensor<2x4x4x4x4xf32>, tensor<2x4x4x4x8xf32>) -> tensor<2x4x4x4x8xf32>
  %25 = model.slice %6 {axes = array<i64: 3>, ends = array<i64: 9223372036854775807>, starts = array<i64: -1>, steps = array<i64: 1>} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x1xf32>
  %26 = model.sub %25, %6 : (tensor<2x4x4x1xf32>, tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  %27 = model.exp %26 : tensor<2x4x4x4xf32>
  %28 = model.einsum "bclhn,bhcl,bclhp->bchpn" %2, %27, %0 : (tensor<2x4x4x4x6xf32>, tensor<2x4x4x4xf32>, tensor<2x4x4x4x8xf32>) -> tensor<2x4x4x8x6xf32>
  %29 = model.weight "/ConstantOfShape_1_output_0" dense<0.000000e+00> : tensor<2x1x4x8x6xf32>
  %30 = model.concat %29, %28 {axis = 1 : i64} : (tensor<2x1x4x8x6xf32>, tensor<2x4x4x8x6xf32>) -> tensor<2x5x4x8x6xf32>
  %31 = model.gather %6, %11 {axis = 3 : i64} : (tensor<2x4x4x4xf32>, tensor<i64>) -> tensor<2x4x4xf32>
  %32 = model.constant dense<[0, 0, 1, 0, 0, 0]> : tensor<6xi64>
  %33 = model.pad %31, %32 : (tensor<2x4x4xf32>, tensor<6xi64>) -> tensor<2x4x5xf32>
  %34 = model.unsqueeze %33 {axes = array<i64: 3>} : (tensor<2x4x5xf32>) -> tensor<2x4x5x1xf32>
  %35 = model.constant dense<[2, 4, 5, 5]> : tensor<4xi64>
  %36 = model.expand %34, %35 : (tensor<2x4x5x1xf32>, tensor<4xi64>) -> tensor<2x4x5x5xf32>
  %37 = model.weight "/ConstantOfShape_4_output_0" dense<true> : tensor<5x5xi1>
  %38 = model.trilu %37, %11 {upper = false} : (tensor<5x5xi1>, tensor<i64>) -> tensor<5x5xi1>
  %39 = model.not %38 : tensor<5x5xi1>
  %40 = model.constant dense<0.000000e+00> : tensor<f32>
  %41 = model.where %39, %40, %36 : (tensor<5x5xi1>, tensor<f32>, tensor<2x4x5x5xf32>) -> tensor<2x4x5x5xf32>
  %42 = model.constant dense<-2> : tensor<i32>
  %43 = model.cumsum %41, %42 : (tensor<2x4x5x5xf32>, tensor<i32>) -> tensor<2x4x5x5xf32>
  %44 = model.trilu %37, %18 {upper = false} : (tensor<5x5xi1>, tensor<i64>) -> tensor<5x5xi1>
  %45 = model.not %44 : tensor<5x5xi1>
  %46 = model.constant dense<0xFF800000> : tensor<f32>
  %47 = model.where %45, %46, %43 : (tensor<5x5xi1>, tensor<f32>, tensor<2x4x5x5xf32>) -> tensor<2x4x5x5xf32>
  %48 = model.exp %47 : tensor<2x4x5x5xf32>
  %49 = model.einsum "bhzc,bchpn->bzhpn" %48, %30 : (tensor<2x4x5x5xf32>, tensor<2x5x4x8x6xf32>) -> tensor<2x5x4x8x6xf32>
  %50 = model.slice %49 {axes = array<i64: 1>, ends = array<i64: -1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<2x5x4x8x6xf32>) -> tensor<2x4x4x8x6xf32>
  %51 = model.gather %49, %11 {axis = 1 : i64} : (tensor<2x5x4x8x6xf32>, tensor<i64>) -> tensor<2x4x8x6xf32>
  %52 = model.exp %6 : tensor<2x4x4x4xf32>
  %53 = model.einsum "bclhn,bchpn,bhcl->bclhp" %3, %50, %52 : (tensor<2x4x4x4x6xf32>, tensor<2x4x4x8x6xf32>, tensor<2x4x4x4xf32>) -> tensor<2x4x4x4x8xf32>
  %54 = model.add %24, %53 : (tensor<2x4x4x4x8xf32>, tensor<2x4x4x4x8xf32>) -> tensor<2x4x4x4x8xf32>
  %55 = model.reshape %54 {shape = array<i64: 2, 16, 4, 8>} : (tensor<2x4x4x4x8xf32>) -> tensor<2x16x4x8xf32>
  return %55, %51 : tensor<2x16x4x8xf32>, tensor<2x4x8x6xf32>
}

// -----

/// Near miss: an exclusive cumsum of the decays.
// CHECK-LABEL: func @exclusive_cumsum
// CHECK-NOT: fused.ssd
// CHECK: model.einsum

func.func @exclusive_cumsum(%arg0: tensor<2x16x4x8xf32>, %arg1: tensor<2x16x4xf32>, %arg2: tensor<2x16x4x6xf32>, %arg3: tensor<2x16x4x6xf32>) -> (tensor<2x16x4x8xf32>, tensor<2x4x8x6xf32>) {
  %0 = model.reshape %arg0 {shape = array<i64: 2, 4, 4, 4, 8>} : (tensor<2x16x4x8xf32>) -> tensor<2x4x4x4x8xf32>
  %1 = model.reshape %arg1 {shape = array<i64: 2, 4, 4, 4>} : (tensor<2x16x4xf32>) -> tensor<2x4x4x4xf32>
  %2 = model.reshape %arg2 {shape = array<i64: 2, 4, 4, 4, 6>} : (tensor<2x16x4x6xf32>) -> tensor<2x4x4x4x6xf32>
  %3 = model.reshape %arg3 {shape = array<i64: 2, 4, 4, 4, 6>} : (tensor<2x16x4x6xf32>) -> tensor<2x4x4x4x6xf32>
  %4 = model.transpose %1 {perm = array<i64: 0, 3, 1, 2>} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  %5 = model.constant dense<-1> : tensor<i32>
  %6 = model.cumsum %4, %5 {exclusive = true} : (tensor<2x4x4x4xf32>, tensor<i32>) -> tensor<2x4x4x4xf32>
  %7 = model.unsqueeze %4 {axes = array<i64: 4>} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x4x1xf32>
  %8 = model.constant dense<[2, 4, 4, 4, 4]> : tensor<5xi64>
  %9 = model.expand %7, %8 : (tensor<2x4x4x4x1xf32>, tensor<5xi64>) -> tensor<2x4x4x4x4xf32>
  %10 = model.constant dense<true> : tensor<4x4xi1>
  %11 = model.constant dense<-1> : tensor<i64>
  %12 = model.trilu %10, %11 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %13 = model.not %12 : tensor<4x4xi1>
  %14 = model.constant dense<0.000000e+00> : tensor<f32>
  %15 = model.where %13, %14, %9 : (tensor<4x4xi1>, tensor<f32>, tensor<2x4x4x4x4xf32>) -> tensor<2x4x4x4x4xf32>
  %16 = model.constant dense<-2> : tensor<i32>
  %17 = model.cumsum %15, %16 : (tensor<2x4x4x4x4xf32>, tensor<i32>) -> tensor<2x4x4x4x4xf32>
  %18 = model.constant dense<0> : tensor<i64>
  %19 = model.trilu %10, %18 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %20 = model.not %19 : tensor<4x4xi1>
  %21 = model.constant dense<0xFF800000> : tensor<f32>
  %22 = model.where %20, %21, %17 : (tensor<4x4xi1>, tensor<f32>, tensor<2x4x4x4x4xf32>) -> tensor<2x4x4x4x4xf32>
  %23 = model.exp %22 : tensor<2x4x4x4x4xf32>
  %24 = model.einsum "bclhn,bcshn,bhcls,bcshp->bclhp" %3, %2, %23, %0 : (tensor<2x4x4x4x6xf32>, tensor<2x4x4x4x6xf32>, tensor<2x4x4x4x4xf32>, tensor<2x4x4x4x8xf32>) -> tensor<2x4x4x4x8xf32>
  %25 = model.slice %6 {axes = array<i64: 3>, ends = array<i64: 9223372036854775807>, starts = array<i64: -1>, steps = array<i64: 1>} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x1xf32>
  %26 = model.sub %25, %6 : (tensor<2x4x4x1xf32>, tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  %27 = model.exp %26 : tensor<2x4x4x4xf32>
  %28 = model.einsum "bclhn,bhcl,bclhp->bchpn" %2, %27, %0 : (tensor<2x4x4x4x6xf32>, tensor<2x4x4x4xf32>, tensor<2x4x4x4x8xf32>) -> tensor<2x4x4x8x6xf32>
  %29 = model.weight "/ConstantOfShape_1_output_0" dense<0.000000e+00> : tensor<2x1x4x8x6xf32>
  %30 = model.concat %29, %28 {axis = 1 : i64} : (tensor<2x1x4x8x6xf32>, tensor<2x4x4x8x6xf32>) -> tensor<2x5x4x8x6xf32>
  %31 = model.gather %6, %11 {axis = 3 : i64} : (tensor<2x4x4x4xf32>, tensor<i64>) -> tensor<2x4x4xf32>
  %32 = model.constant dense<[0, 0, 1, 0, 0, 0]> : tensor<6xi64>
  %33 = model.pad %31, %32 : (tensor<2x4x4xf32>, tensor<6xi64>) -> tensor<2x4x5xf32>
  %34 = model.unsqueeze %33 {axes = array<i64: 3>} : (tensor<2x4x5xf32>) -> tensor<2x4x5x1xf32>
  %35 = model.constant dense<[2, 4, 5, 5]> : tensor<4xi64>
  %36 = model.expand %34, %35 : (tensor<2x4x5x1xf32>, tensor<4xi64>) -> tensor<2x4x5x5xf32>
  %37 = model.weight "/ConstantOfShape_4_output_0" dense<true> : tensor<5x5xi1>
  %38 = model.trilu %37, %11 {upper = false} : (tensor<5x5xi1>, tensor<i64>) -> tensor<5x5xi1>
  %39 = model.not %38 : tensor<5x5xi1>
  %40 = model.constant dense<0.000000e+00> : tensor<f32>
  %41 = model.where %39, %40, %36 : (tensor<5x5xi1>, tensor<f32>, tensor<2x4x5x5xf32>) -> tensor<2x4x5x5xf32>
  %42 = model.constant dense<-2> : tensor<i32>
  %43 = model.cumsum %41, %42 : (tensor<2x4x5x5xf32>, tensor<i32>) -> tensor<2x4x5x5xf32>
  %44 = model.trilu %37, %18 {upper = false} : (tensor<5x5xi1>, tensor<i64>) -> tensor<5x5xi1>
  %45 = model.not %44 : tensor<5x5xi1>
  %46 = model.constant dense<0xFF800000> : tensor<f32>
  %47 = model.where %45, %46, %43 : (tensor<5x5xi1>, tensor<f32>, tensor<2x4x5x5xf32>) -> tensor<2x4x5x5xf32>
  %48 = model.exp %47 : tensor<2x4x5x5xf32>
  %49 = model.einsum "bhzc,bchpn->bzhpn" %48, %30 : (tensor<2x4x5x5xf32>, tensor<2x5x4x8x6xf32>) -> tensor<2x5x4x8x6xf32>
  %50 = model.slice %49 {axes = array<i64: 1>, ends = array<i64: -1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<2x5x4x8x6xf32>) -> tensor<2x4x4x8x6xf32>
  %51 = model.gather %49, %11 {axis = 1 : i64} : (tensor<2x5x4x8x6xf32>, tensor<i64>) -> tensor<2x4x8x6xf32>
  %52 = model.exp %6 : tensor<2x4x4x4xf32>
  %53 = model.einsum "bclhn,bchpn,bhcl->bclhp" %3, %50, %52 : (tensor<2x4x4x4x6xf32>, tensor<2x4x4x8x6xf32>, tensor<2x4x4x4xf32>) -> tensor<2x4x4x4x8xf32>
  %54 = model.add %24, %53 : (tensor<2x4x4x4x8xf32>, tensor<2x4x4x4x8xf32>) -> tensor<2x4x4x4x8xf32>
  %55 = model.reshape %54 {shape = array<i64: 2, 16, 4, 8>} : (tensor<2x4x4x4x8xf32>) -> tensor<2x16x4x8xf32>
  return %55, %51 : tensor<2x16x4x8xf32>, tensor<2x4x8x6xf32>
}

// -----

/// Near miss: the chunk decays are padded at the end, not in front.
// CHECK-LABEL: func @wrong_pad
// CHECK-NOT: fused.ssd
// CHECK: model.einsum

func.func @wrong_pad(%arg0: tensor<2x16x4x8xf32>, %arg1: tensor<2x16x4xf32>, %arg2: tensor<2x16x4x6xf32>, %arg3: tensor<2x16x4x6xf32>) -> (tensor<2x16x4x8xf32>, tensor<2x4x8x6xf32>) {
  %0 = model.reshape %arg0 {shape = array<i64: 2, 4, 4, 4, 8>} : (tensor<2x16x4x8xf32>) -> tensor<2x4x4x4x8xf32>
  %1 = model.reshape %arg1 {shape = array<i64: 2, 4, 4, 4>} : (tensor<2x16x4xf32>) -> tensor<2x4x4x4xf32>
  %2 = model.reshape %arg2 {shape = array<i64: 2, 4, 4, 4, 6>} : (tensor<2x16x4x6xf32>) -> tensor<2x4x4x4x6xf32>
  %3 = model.reshape %arg3 {shape = array<i64: 2, 4, 4, 4, 6>} : (tensor<2x16x4x6xf32>) -> tensor<2x4x4x4x6xf32>
  %4 = model.transpose %1 {perm = array<i64: 0, 3, 1, 2>} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  %5 = model.constant dense<-1> : tensor<i32>
  %6 = model.cumsum %4, %5 : (tensor<2x4x4x4xf32>, tensor<i32>) -> tensor<2x4x4x4xf32>
  %7 = model.unsqueeze %4 {axes = array<i64: 4>} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x4x1xf32>
  %8 = model.constant dense<[2, 4, 4, 4, 4]> : tensor<5xi64>
  %9 = model.expand %7, %8 : (tensor<2x4x4x4x1xf32>, tensor<5xi64>) -> tensor<2x4x4x4x4xf32>
  %10 = model.constant dense<true> : tensor<4x4xi1>
  %11 = model.constant dense<-1> : tensor<i64>
  %12 = model.trilu %10, %11 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %13 = model.not %12 : tensor<4x4xi1>
  %14 = model.constant dense<0.000000e+00> : tensor<f32>
  %15 = model.where %13, %14, %9 : (tensor<4x4xi1>, tensor<f32>, tensor<2x4x4x4x4xf32>) -> tensor<2x4x4x4x4xf32>
  %16 = model.constant dense<-2> : tensor<i32>
  %17 = model.cumsum %15, %16 : (tensor<2x4x4x4x4xf32>, tensor<i32>) -> tensor<2x4x4x4x4xf32>
  %18 = model.constant dense<0> : tensor<i64>
  %19 = model.trilu %10, %18 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %20 = model.not %19 : tensor<4x4xi1>
  %21 = model.constant dense<0xFF800000> : tensor<f32>
  %22 = model.where %20, %21, %17 : (tensor<4x4xi1>, tensor<f32>, tensor<2x4x4x4x4xf32>) -> tensor<2x4x4x4x4xf32>
  %23 = model.exp %22 : tensor<2x4x4x4x4xf32>
  %24 = model.einsum "bclhn,bcshn,bhcls,bcshp->bclhp" %3, %2, %23, %0 : (tensor<2x4x4x4x6xf32>, tensor<2x4x4x4x6xf32>, tensor<2x4x4x4x4xf32>, tensor<2x4x4x4x8xf32>) -> tensor<2x4x4x4x8xf32>
  %25 = model.slice %6 {axes = array<i64: 3>, ends = array<i64: 9223372036854775807>, starts = array<i64: -1>, steps = array<i64: 1>} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x1xf32>
  %26 = model.sub %25, %6 : (tensor<2x4x4x1xf32>, tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  %27 = model.exp %26 : tensor<2x4x4x4xf32>
  %28 = model.einsum "bclhn,bhcl,bclhp->bchpn" %2, %27, %0 : (tensor<2x4x4x4x6xf32>, tensor<2x4x4x4xf32>, tensor<2x4x4x4x8xf32>) -> tensor<2x4x4x8x6xf32>
  %29 = model.weight "/ConstantOfShape_1_output_0" dense<0.000000e+00> : tensor<2x1x4x8x6xf32>
  %30 = model.concat %29, %28 {axis = 1 : i64} : (tensor<2x1x4x8x6xf32>, tensor<2x4x4x8x6xf32>) -> tensor<2x5x4x8x6xf32>
  %31 = model.gather %6, %11 {axis = 3 : i64} : (tensor<2x4x4x4xf32>, tensor<i64>) -> tensor<2x4x4xf32>
  %32 = model.constant dense<[0, 0, 0, 0, 0, 1]> : tensor<6xi64>
  %33 = model.pad %31, %32 : (tensor<2x4x4xf32>, tensor<6xi64>) -> tensor<2x4x5xf32>
  %34 = model.unsqueeze %33 {axes = array<i64: 3>} : (tensor<2x4x5xf32>) -> tensor<2x4x5x1xf32>
  %35 = model.constant dense<[2, 4, 5, 5]> : tensor<4xi64>
  %36 = model.expand %34, %35 : (tensor<2x4x5x1xf32>, tensor<4xi64>) -> tensor<2x4x5x5xf32>
  %37 = model.weight "/ConstantOfShape_4_output_0" dense<true> : tensor<5x5xi1>
  %38 = model.trilu %37, %11 {upper = false} : (tensor<5x5xi1>, tensor<i64>) -> tensor<5x5xi1>
  %39 = model.not %38 : tensor<5x5xi1>
  %40 = model.constant dense<0.000000e+00> : tensor<f32>
  %41 = model.where %39, %40, %36 : (tensor<5x5xi1>, tensor<f32>, tensor<2x4x5x5xf32>) -> tensor<2x4x5x5xf32>
  %42 = model.constant dense<-2> : tensor<i32>
  %43 = model.cumsum %41, %42 : (tensor<2x4x5x5xf32>, tensor<i32>) -> tensor<2x4x5x5xf32>
  %44 = model.trilu %37, %18 {upper = false} : (tensor<5x5xi1>, tensor<i64>) -> tensor<5x5xi1>
  %45 = model.not %44 : tensor<5x5xi1>
  %46 = model.constant dense<0xFF800000> : tensor<f32>
  %47 = model.where %45, %46, %43 : (tensor<5x5xi1>, tensor<f32>, tensor<2x4x5x5xf32>) -> tensor<2x4x5x5xf32>
  %48 = model.exp %47 : tensor<2x4x5x5xf32>
  %49 = model.einsum "bhzc,bchpn->bzhpn" %48, %30 : (tensor<2x4x5x5xf32>, tensor<2x5x4x8x6xf32>) -> tensor<2x5x4x8x6xf32>
  %50 = model.slice %49 {axes = array<i64: 1>, ends = array<i64: -1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<2x5x4x8x6xf32>) -> tensor<2x4x4x8x6xf32>
  %51 = model.gather %49, %11 {axis = 1 : i64} : (tensor<2x5x4x8x6xf32>, tensor<i64>) -> tensor<2x4x8x6xf32>
  %52 = model.exp %6 : tensor<2x4x4x4xf32>
  %53 = model.einsum "bclhn,bchpn,bhcl->bclhp" %3, %50, %52 : (tensor<2x4x4x4x6xf32>, tensor<2x4x4x8x6xf32>, tensor<2x4x4x4xf32>) -> tensor<2x4x4x4x8xf32>
  %54 = model.add %24, %53 : (tensor<2x4x4x4x8xf32>, tensor<2x4x4x4x8xf32>) -> tensor<2x4x4x4x8xf32>
  %55 = model.reshape %54 {shape = array<i64: 2, 16, 4, 8>} : (tensor<2x4x4x4x8xf32>) -> tensor<2x16x4x8xf32>
  return %55, %51 : tensor<2x16x4x8xf32>, tensor<2x4x8x6xf32>
}

// -----

/// B and C shared by groups of 2 heads: einops' repeat "b l g n -> b l (g r) n"
/// as unsqueeze + expand (merged into the chunking reshape) gives groups = 2.
// CHECK-LABEL: func @grouped
// CHECK-SAME: %[[BG:[^:]*]]: tensor<2x16x2x6xf32>, %[[CG:[^:]*]]: tensor<2x16x2x6xf32>)
// CHECK: fused.ssd ins(%{{.*}}, %{{.*}}, %[[BG]], %[[CG]] : tensor<2x16x4x8xf32>, tensor<2x16x4xf32>, tensor<2x16x2x6xf32>, tensor<2x16x2x6xf32>) {{.*}} {chunk_size = 4 : i64, groups = 2 : i64}

func.func @grouped(%arg0: tensor<2x16x4x8xf32>, %arg1: tensor<2x16x4xf32>, %arg2: tensor<2x16x4x6xf32>, %arg3: tensor<2x16x4x6xf32>, %bg: tensor<2x16x2x6xf32>, %cg: tensor<2x16x2x6xf32>) -> (tensor<2x16x4x8xf32>, tensor<2x4x8x6xf32>) {
  %0 = model.reshape %arg0 {shape = array<i64: 2, 4, 4, 4, 8>} : (tensor<2x16x4x8xf32>) -> tensor<2x4x4x4x8xf32>
  %1 = model.reshape %arg1 {shape = array<i64: 2, 4, 4, 4>} : (tensor<2x16x4xf32>) -> tensor<2x4x4x4xf32>
  %bu = model.unsqueeze %bg {axes = array<i64: 3>} : (tensor<2x16x2x6xf32>) -> tensor<2x16x2x1x6xf32>
  %cu = model.unsqueeze %cg {axes = array<i64: 3>} : (tensor<2x16x2x6xf32>) -> tensor<2x16x2x1x6xf32>
  %gs = model.constant dense<[2, 16, 2, 2, 6]> : tensor<5xi64>
  %be = model.expand %bu, %gs : (tensor<2x16x2x1x6xf32>, tensor<5xi64>) -> tensor<2x16x2x2x6xf32>
  %ce = model.expand %cu, %gs : (tensor<2x16x2x1x6xf32>, tensor<5xi64>) -> tensor<2x16x2x2x6xf32>
  %2 = model.reshape %be {shape = array<i64: 2, 4, 4, 4, 6>} : (tensor<2x16x2x2x6xf32>) -> tensor<2x4x4x4x6xf32>
  %3 = model.reshape %ce {shape = array<i64: 2, 4, 4, 4, 6>} : (tensor<2x16x2x2x6xf32>) -> tensor<2x4x4x4x6xf32>
  %4 = model.transpose %1 {perm = array<i64: 0, 3, 1, 2>} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  %5 = model.constant dense<-1> : tensor<i32>
  %6 = model.cumsum %4, %5 : (tensor<2x4x4x4xf32>, tensor<i32>) -> tensor<2x4x4x4xf32>
  %7 = model.unsqueeze %4 {axes = array<i64: 4>} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x4x1xf32>
  %8 = model.constant dense<[2, 4, 4, 4, 4]> : tensor<5xi64>
  %9 = model.expand %7, %8 : (tensor<2x4x4x4x1xf32>, tensor<5xi64>) -> tensor<2x4x4x4x4xf32>
  %10 = model.constant dense<true> : tensor<4x4xi1>
  %11 = model.constant dense<-1> : tensor<i64>
  %12 = model.trilu %10, %11 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %13 = model.not %12 : tensor<4x4xi1>
  %14 = model.constant dense<0.000000e+00> : tensor<f32>
  %15 = model.where %13, %14, %9 : (tensor<4x4xi1>, tensor<f32>, tensor<2x4x4x4x4xf32>) -> tensor<2x4x4x4x4xf32>
  %16 = model.constant dense<-2> : tensor<i32>
  %17 = model.cumsum %15, %16 : (tensor<2x4x4x4x4xf32>, tensor<i32>) -> tensor<2x4x4x4x4xf32>
  %18 = model.constant dense<0> : tensor<i64>
  %19 = model.trilu %10, %18 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %20 = model.not %19 : tensor<4x4xi1>
  %21 = model.constant dense<0xFF800000> : tensor<f32>
  %22 = model.where %20, %21, %17 : (tensor<4x4xi1>, tensor<f32>, tensor<2x4x4x4x4xf32>) -> tensor<2x4x4x4x4xf32>
  %23 = model.exp %22 : tensor<2x4x4x4x4xf32>
  %24 = model.einsum "bclhn,bcshn,bhcls,bcshp->bclhp" %3, %2, %23, %0 : (tensor<2x4x4x4x6xf32>, tensor<2x4x4x4x6xf32>, tensor<2x4x4x4x4xf32>, tensor<2x4x4x4x8xf32>) -> tensor<2x4x4x4x8xf32>
  %25 = model.slice %6 {axes = array<i64: 3>, ends = array<i64: 9223372036854775807>, starts = array<i64: -1>, steps = array<i64: 1>} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x1xf32>
  %26 = model.sub %25, %6 : (tensor<2x4x4x1xf32>, tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  %27 = model.exp %26 : tensor<2x4x4x4xf32>
  %28 = model.einsum "bclhn,bhcl,bclhp->bchpn" %2, %27, %0 : (tensor<2x4x4x4x6xf32>, tensor<2x4x4x4xf32>, tensor<2x4x4x4x8xf32>) -> tensor<2x4x4x8x6xf32>
  %29 = model.weight "/ConstantOfShape_1_output_0" dense<0.000000e+00> : tensor<2x1x4x8x6xf32>
  %30 = model.concat %29, %28 {axis = 1 : i64} : (tensor<2x1x4x8x6xf32>, tensor<2x4x4x8x6xf32>) -> tensor<2x5x4x8x6xf32>
  %31 = model.gather %6, %11 {axis = 3 : i64} : (tensor<2x4x4x4xf32>, tensor<i64>) -> tensor<2x4x4xf32>
  %32 = model.constant dense<[0, 0, 1, 0, 0, 0]> : tensor<6xi64>
  %33 = model.pad %31, %32 : (tensor<2x4x4xf32>, tensor<6xi64>) -> tensor<2x4x5xf32>
  %34 = model.unsqueeze %33 {axes = array<i64: 3>} : (tensor<2x4x5xf32>) -> tensor<2x4x5x1xf32>
  %35 = model.constant dense<[2, 4, 5, 5]> : tensor<4xi64>
  %36 = model.expand %34, %35 : (tensor<2x4x5x1xf32>, tensor<4xi64>) -> tensor<2x4x5x5xf32>
  %37 = model.weight "/ConstantOfShape_4_output_0" dense<true> : tensor<5x5xi1>
  %38 = model.trilu %37, %11 {upper = false} : (tensor<5x5xi1>, tensor<i64>) -> tensor<5x5xi1>
  %39 = model.not %38 : tensor<5x5xi1>
  %40 = model.constant dense<0.000000e+00> : tensor<f32>
  %41 = model.where %39, %40, %36 : (tensor<5x5xi1>, tensor<f32>, tensor<2x4x5x5xf32>) -> tensor<2x4x5x5xf32>
  %42 = model.constant dense<-2> : tensor<i32>
  %43 = model.cumsum %41, %42 : (tensor<2x4x5x5xf32>, tensor<i32>) -> tensor<2x4x5x5xf32>
  %44 = model.trilu %37, %18 {upper = false} : (tensor<5x5xi1>, tensor<i64>) -> tensor<5x5xi1>
  %45 = model.not %44 : tensor<5x5xi1>
  %46 = model.constant dense<0xFF800000> : tensor<f32>
  %47 = model.where %45, %46, %43 : (tensor<5x5xi1>, tensor<f32>, tensor<2x4x5x5xf32>) -> tensor<2x4x5x5xf32>
  %48 = model.exp %47 : tensor<2x4x5x5xf32>
  %49 = model.einsum "bhzc,bchpn->bzhpn" %48, %30 : (tensor<2x4x5x5xf32>, tensor<2x5x4x8x6xf32>) -> tensor<2x5x4x8x6xf32>
  %50 = model.slice %49 {axes = array<i64: 1>, ends = array<i64: -1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<2x5x4x8x6xf32>) -> tensor<2x4x4x8x6xf32>
  %51 = model.gather %49, %11 {axis = 1 : i64} : (tensor<2x5x4x8x6xf32>, tensor<i64>) -> tensor<2x4x8x6xf32>
  %52 = model.exp %6 : tensor<2x4x4x4xf32>
  %53 = model.einsum "bclhn,bchpn,bhcl->bclhp" %3, %50, %52 : (tensor<2x4x4x4x6xf32>, tensor<2x4x4x8x6xf32>, tensor<2x4x4x4xf32>) -> tensor<2x4x4x4x8xf32>
  %54 = model.add %24, %53 : (tensor<2x4x4x4x8xf32>, tensor<2x4x4x4x8xf32>) -> tensor<2x4x4x4x8xf32>
  %55 = model.reshape %54 {shape = array<i64: 2, 16, 4, 8>} : (tensor<2x4x4x4x8xf32>) -> tensor<2x16x4x8xf32>
  return %55, %51 : tensor<2x16x4x8xf32>, tensor<2x4x8x6xf32>
}

// -----

/// Near miss: the groups repeat the other way (head h reads group h % g, a
/// tile rather than einops' repeat): not what fused.ssd's groups mean.
// CHECK-LABEL: func @groups_interleaved
// CHECK-NOT: fused.ssd
// CHECK: model.einsum

func.func @groups_interleaved(%arg0: tensor<2x16x4x8xf32>, %arg1: tensor<2x16x4xf32>, %arg2: tensor<2x16x4x6xf32>, %arg3: tensor<2x16x4x6xf32>, %bg: tensor<2x16x2x6xf32>, %cg: tensor<2x16x2x6xf32>) -> (tensor<2x16x4x8xf32>, tensor<2x4x8x6xf32>) {
  %0 = model.reshape %arg0 {shape = array<i64: 2, 4, 4, 4, 8>} : (tensor<2x16x4x8xf32>) -> tensor<2x4x4x4x8xf32>
  %1 = model.reshape %arg1 {shape = array<i64: 2, 4, 4, 4>} : (tensor<2x16x4xf32>) -> tensor<2x4x4x4xf32>
  %bu = model.unsqueeze %bg {axes = array<i64: 2>} : (tensor<2x16x2x6xf32>) -> tensor<2x16x1x2x6xf32>
  %cu = model.unsqueeze %cg {axes = array<i64: 2>} : (tensor<2x16x2x6xf32>) -> tensor<2x16x1x2x6xf32>
  %gs = model.constant dense<[2, 16, 2, 2, 6]> : tensor<5xi64>
  %be = model.expand %bu, %gs : (tensor<2x16x1x2x6xf32>, tensor<5xi64>) -> tensor<2x16x2x2x6xf32>
  %ce = model.expand %cu, %gs : (tensor<2x16x1x2x6xf32>, tensor<5xi64>) -> tensor<2x16x2x2x6xf32>
  %2 = model.reshape %be {shape = array<i64: 2, 4, 4, 4, 6>} : (tensor<2x16x2x2x6xf32>) -> tensor<2x4x4x4x6xf32>
  %3 = model.reshape %ce {shape = array<i64: 2, 4, 4, 4, 6>} : (tensor<2x16x2x2x6xf32>) -> tensor<2x4x4x4x6xf32>
  %4 = model.transpose %1 {perm = array<i64: 0, 3, 1, 2>} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  %5 = model.constant dense<-1> : tensor<i32>
  %6 = model.cumsum %4, %5 : (tensor<2x4x4x4xf32>, tensor<i32>) -> tensor<2x4x4x4xf32>
  %7 = model.unsqueeze %4 {axes = array<i64: 4>} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x4x1xf32>
  %8 = model.constant dense<[2, 4, 4, 4, 4]> : tensor<5xi64>
  %9 = model.expand %7, %8 : (tensor<2x4x4x4x1xf32>, tensor<5xi64>) -> tensor<2x4x4x4x4xf32>
  %10 = model.constant dense<true> : tensor<4x4xi1>
  %11 = model.constant dense<-1> : tensor<i64>
  %12 = model.trilu %10, %11 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %13 = model.not %12 : tensor<4x4xi1>
  %14 = model.constant dense<0.000000e+00> : tensor<f32>
  %15 = model.where %13, %14, %9 : (tensor<4x4xi1>, tensor<f32>, tensor<2x4x4x4x4xf32>) -> tensor<2x4x4x4x4xf32>
  %16 = model.constant dense<-2> : tensor<i32>
  %17 = model.cumsum %15, %16 : (tensor<2x4x4x4x4xf32>, tensor<i32>) -> tensor<2x4x4x4x4xf32>
  %18 = model.constant dense<0> : tensor<i64>
  %19 = model.trilu %10, %18 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %20 = model.not %19 : tensor<4x4xi1>
  %21 = model.constant dense<0xFF800000> : tensor<f32>
  %22 = model.where %20, %21, %17 : (tensor<4x4xi1>, tensor<f32>, tensor<2x4x4x4x4xf32>) -> tensor<2x4x4x4x4xf32>
  %23 = model.exp %22 : tensor<2x4x4x4x4xf32>
  %24 = model.einsum "bclhn,bcshn,bhcls,bcshp->bclhp" %3, %2, %23, %0 : (tensor<2x4x4x4x6xf32>, tensor<2x4x4x4x6xf32>, tensor<2x4x4x4x4xf32>, tensor<2x4x4x4x8xf32>) -> tensor<2x4x4x4x8xf32>
  %25 = model.slice %6 {axes = array<i64: 3>, ends = array<i64: 9223372036854775807>, starts = array<i64: -1>, steps = array<i64: 1>} : (tensor<2x4x4x4xf32>) -> tensor<2x4x4x1xf32>
  %26 = model.sub %25, %6 : (tensor<2x4x4x1xf32>, tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  %27 = model.exp %26 : tensor<2x4x4x4xf32>
  %28 = model.einsum "bclhn,bhcl,bclhp->bchpn" %2, %27, %0 : (tensor<2x4x4x4x6xf32>, tensor<2x4x4x4xf32>, tensor<2x4x4x4x8xf32>) -> tensor<2x4x4x8x6xf32>
  %29 = model.weight "/ConstantOfShape_1_output_0" dense<0.000000e+00> : tensor<2x1x4x8x6xf32>
  %30 = model.concat %29, %28 {axis = 1 : i64} : (tensor<2x1x4x8x6xf32>, tensor<2x4x4x8x6xf32>) -> tensor<2x5x4x8x6xf32>
  %31 = model.gather %6, %11 {axis = 3 : i64} : (tensor<2x4x4x4xf32>, tensor<i64>) -> tensor<2x4x4xf32>
  %32 = model.constant dense<[0, 0, 1, 0, 0, 0]> : tensor<6xi64>
  %33 = model.pad %31, %32 : (tensor<2x4x4xf32>, tensor<6xi64>) -> tensor<2x4x5xf32>
  %34 = model.unsqueeze %33 {axes = array<i64: 3>} : (tensor<2x4x5xf32>) -> tensor<2x4x5x1xf32>
  %35 = model.constant dense<[2, 4, 5, 5]> : tensor<4xi64>
  %36 = model.expand %34, %35 : (tensor<2x4x5x1xf32>, tensor<4xi64>) -> tensor<2x4x5x5xf32>
  %37 = model.weight "/ConstantOfShape_4_output_0" dense<true> : tensor<5x5xi1>
  %38 = model.trilu %37, %11 {upper = false} : (tensor<5x5xi1>, tensor<i64>) -> tensor<5x5xi1>
  %39 = model.not %38 : tensor<5x5xi1>
  %40 = model.constant dense<0.000000e+00> : tensor<f32>
  %41 = model.where %39, %40, %36 : (tensor<5x5xi1>, tensor<f32>, tensor<2x4x5x5xf32>) -> tensor<2x4x5x5xf32>
  %42 = model.constant dense<-2> : tensor<i32>
  %43 = model.cumsum %41, %42 : (tensor<2x4x5x5xf32>, tensor<i32>) -> tensor<2x4x5x5xf32>
  %44 = model.trilu %37, %18 {upper = false} : (tensor<5x5xi1>, tensor<i64>) -> tensor<5x5xi1>
  %45 = model.not %44 : tensor<5x5xi1>
  %46 = model.constant dense<0xFF800000> : tensor<f32>
  %47 = model.where %45, %46, %43 : (tensor<5x5xi1>, tensor<f32>, tensor<2x4x5x5xf32>) -> tensor<2x4x5x5xf32>
  %48 = model.exp %47 : tensor<2x4x5x5xf32>
  %49 = model.einsum "bhzc,bchpn->bzhpn" %48, %30 : (tensor<2x4x5x5xf32>, tensor<2x5x4x8x6xf32>) -> tensor<2x5x4x8x6xf32>
  %50 = model.slice %49 {axes = array<i64: 1>, ends = array<i64: -1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<2x5x4x8x6xf32>) -> tensor<2x4x4x8x6xf32>
  %51 = model.gather %49, %11 {axis = 1 : i64} : (tensor<2x5x4x8x6xf32>, tensor<i64>) -> tensor<2x4x8x6xf32>
  %52 = model.exp %6 : tensor<2x4x4x4xf32>
  %53 = model.einsum "bclhn,bchpn,bhcl->bclhp" %3, %50, %52 : (tensor<2x4x4x4x6xf32>, tensor<2x4x4x8x6xf32>, tensor<2x4x4x4xf32>) -> tensor<2x4x4x4x8xf32>
  %54 = model.add %24, %53 : (tensor<2x4x4x4x8xf32>, tensor<2x4x4x4x8xf32>) -> tensor<2x4x4x4x8xf32>
  %55 = model.reshape %54 {shape = array<i64: 2, 16, 4, 8>} : (tensor<2x4x4x4x8xf32>) -> tensor<2x16x4x8xf32>
  return %55, %51 : tensor<2x16x4x8xf32>, tensor<2x4x8x6xf32>
}
