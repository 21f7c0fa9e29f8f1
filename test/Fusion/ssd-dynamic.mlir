// RUN: kiln-opt %s --split-input-file --kiln-fuse-ssd --canonicalize | FileCheck %s
// The minimal SSD reference exported with a dynamic batch (the ssd_dynamic
// fixture of generate_ssd_fixtures.py, as kiln imports and canonicalizes
// it): the exporter reads b from X.shape for the reshape of Y back to
// [b, l, h, p], a dynamic_reshape whose entries the fusion must prove.

/// The dynamic_reshape of Y reads X's own batch: one fused.ssd over
/// ?-batch operands, with the initial state.
// CHECK-LABEL: func @main
// CHECK-NOT: model.einsum
// CHECK: fused.ssd ins(%arg0, %arg1, %arg2, %arg3 : tensor<?x16x4x8xf32>, tensor<?x16x4xf32>, tensor<?x16x4x6xf32>, tensor<?x16x4x6xf32>) initial(%arg4 : tensor<?x4x8x6xf32>) {{.*}} {chunk_size = 4 : i64, groups = 4 : i64}
// CHECK-NOT: model.einsum

func.func @main(%arg0: tensor<?x16x4x8xf32> {model.dims = #model.dims<[batch, 16, 4, 8]>, model.name = "input_0"}, %arg1: tensor<?x16x4xf32> {model.dims = #model.dims<[batch, 16, 4]>, model.name = "input_1"}, %arg2: tensor<?x16x4x6xf32> {model.dims = #model.dims<[batch, 16, 4, 6]>, model.name = "input_2"}, %arg3: tensor<?x16x4x6xf32> {model.dims = #model.dims<[batch, 16, 4, 6]>, model.name = "input_3"}, %arg4: tensor<?x4x8x6xf32> {model.dims = #model.dims<[batch, 4, 8, 6]>, model.name = "input_4"}) -> (tensor<?x16x4x8xf32> {model.dims = #model.dims<[batch, 16, 4, 8]>, model.name = "output_0"}, tensor<?x4x8x6xf32> {model.dims = #model.dims<[batch, 4, 8, 6]>, model.name = "output_1"}) {
  %0 = model.constant dense<[16, 4, 8]> : tensor<3xi64>
  %1 = model.constant dense<-1> : tensor<4xi64>
  %2 = model.constant dense<1> : tensor<4xi64>
  %3 = model.constant dense<[4, 5, 5]> : tensor<3xi64>
  %4 = model.constant dense<[0, 0, 1, 0, 0, 0]> : tensor<6xi64>
  %5 = model.constant dense<0xFF800000> : tensor<f32>
  %6 = model.constant dense<-2> : tensor<i32>
  %7 = model.constant dense<0.000000e+00> : tensor<f32>
  %8 = model.constant dense<-1> : tensor<i64>
  %9 = model.constant dense<true> : tensor<4x4xi1>
  %10 = model.constant dense<-1> : tensor<5xi64>
  %11 = model.constant dense<1> : tensor<5xi64>
  %12 = model.constant dense<4> : tensor<4xi64>
  %13 = model.constant dense<-1> : tensor<i32>
  %14 = model.constant dense<0> : tensor<i64>
  %15 = model.unsqueeze %arg4 {axes = array<i64: 1>} : (tensor<?x4x8x6xf32>) -> tensor<?x1x4x8x6xf32>
  %16 = model.shape %arg0 : (tensor<?x16x4x8xf32>) -> tensor<4xi64>
  %17 = model.gather %16, %14 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %18 = model.reshape %arg0 {shape = array<i64: 0, 4, 4, 4, 8>} : (tensor<?x16x4x8xf32>) -> tensor<?x4x4x4x8xf32>
  %19 = model.reshape %arg1 {shape = array<i64: 0, 4, 4, 4>} : (tensor<?x16x4xf32>) -> tensor<?x4x4x4xf32>
  %20 = model.reshape %arg2 {shape = array<i64: 0, 4, 4, 4, 6>} : (tensor<?x16x4x6xf32>) -> tensor<?x4x4x4x6xf32>
  %21 = model.reshape %arg3 {shape = array<i64: 0, 4, 4, 4, 6>} : (tensor<?x16x4x6xf32>) -> tensor<?x4x4x4x6xf32>
  %22 = model.transpose %19 {perm = array<i64: 0, 3, 1, 2>} : (tensor<?x4x4x4xf32>) -> tensor<?x4x4x4xf32>
  %23 = model.cumsum %22, %13 : (tensor<?x4x4x4xf32>, tensor<i32>) -> tensor<?x4x4x4xf32>
  %24 = model.unsqueeze %22 {axes = array<i64: 4>} : (tensor<?x4x4x4xf32>) -> tensor<?x4x4x4x1xf32>
  %25 = model.shape %22 : (tensor<?x4x4x4xf32>) -> tensor<4xi64>
  %26 = model.gather %25, %14 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %27 = model.unsqueeze %26 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %28 = model.concat %27, %12 {axis = 0 : i64} : (tensor<1xi64>, tensor<4xi64>) -> tensor<5xi64>
  %29 = model.equal %28, %10 : (tensor<5xi64>, tensor<5xi64>) -> tensor<5xi1>
  %30 = model.where %29, %11, %28 : (tensor<5xi1>, tensor<5xi64>, tensor<5xi64>) -> tensor<5xi64>
  %31 = model.expand %24, %30 : (tensor<?x4x4x4x1xf32>, tensor<5xi64>) -> tensor<?x4x4x4x?xf32>
  %32 = model.trilu %9, %8 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %33 = model.not %32 : tensor<4x4xi1>
  %34 = model.where %33, %7, %31 : (tensor<4x4xi1>, tensor<f32>, tensor<?x4x4x4x?xf32>) -> tensor<?x4x4x4x4xf32>
  %35 = model.cumsum %34, %6 : (tensor<?x4x4x4x4xf32>, tensor<i32>) -> tensor<?x4x4x4x4xf32>
  %36 = model.trilu %9, %14 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %37 = model.not %36 : tensor<4x4xi1>
  %38 = model.where %37, %5, %35 : (tensor<4x4xi1>, tensor<f32>, tensor<?x4x4x4x4xf32>) -> tensor<?x4x4x4x4xf32>
  %39 = model.exp %38 : tensor<?x4x4x4x4xf32>
  %40 = model.einsum "bclhn,bcshn,bhcls,bcshp->bclhp" %21, %20, %39, %18 : (tensor<?x4x4x4x6xf32>, tensor<?x4x4x4x6xf32>, tensor<?x4x4x4x4xf32>, tensor<?x4x4x4x8xf32>) -> tensor<?x4x4x4x8xf32>
  %41 = model.slice %23 {axes = array<i64: 3>, ends = array<i64: 9223372036854775807>, starts = array<i64: -1>, steps = array<i64: 1>} : (tensor<?x4x4x4xf32>) -> tensor<?x4x4x1xf32>
  %42 = model.sub %41, %23 : (tensor<?x4x4x1xf32>, tensor<?x4x4x4xf32>) -> tensor<?x4x4x4xf32>
  %43 = model.exp %42 : tensor<?x4x4x4xf32>
  %44 = model.einsum "bclhn,bhcl,bclhp->bchpn" %20, %43, %18 : (tensor<?x4x4x4x6xf32>, tensor<?x4x4x4xf32>, tensor<?x4x4x4x8xf32>) -> tensor<?x4x4x8x6xf32>
  %45 = model.concat %15, %44 {axis = 1 : i64} : (tensor<?x1x4x8x6xf32>, tensor<?x4x4x8x6xf32>) -> tensor<?x5x4x8x6xf32>
  %46 = model.gather %23, %8 {axis = 3 : i64} : (tensor<?x4x4x4xf32>, tensor<i64>) -> tensor<?x4x4xf32>
  %47 = model.pad %46, %4 : (tensor<?x4x4xf32>, tensor<6xi64>) -> tensor<?x4x5xf32>
  %48 = model.unsqueeze %47 {axes = array<i64: 3>} : (tensor<?x4x5xf32>) -> tensor<?x4x5x1xf32>
  %49 = model.shape %47 : (tensor<?x4x5xf32>) -> tensor<3xi64>
  %50 = model.gather %49, %14 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %51 = model.unsqueeze %50 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %52 = model.concat %51, %3 {axis = 0 : i64} : (tensor<1xi64>, tensor<3xi64>) -> tensor<4xi64>
  %53 = model.equal %52, %1 : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  %54 = model.where %53, %2, %52 : (tensor<4xi1>, tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %55 = model.expand %48, %54 : (tensor<?x4x5x1xf32>, tensor<4xi64>) -> tensor<?x4x5x?xf32>
  %56 = model.weight "/ConstantOfShape_4_output_0" dense<true> : tensor<5x5xi1>
  %57 = model.trilu %56, %8 {upper = false} : (tensor<5x5xi1>, tensor<i64>) -> tensor<5x5xi1>
  %58 = model.not %57 : tensor<5x5xi1>
  %59 = model.where %58, %7, %55 : (tensor<5x5xi1>, tensor<f32>, tensor<?x4x5x?xf32>) -> tensor<?x4x5x5xf32>
  %60 = model.cumsum %59, %6 : (tensor<?x4x5x5xf32>, tensor<i32>) -> tensor<?x4x5x5xf32>
  %61 = model.trilu %56, %14 {upper = false} : (tensor<5x5xi1>, tensor<i64>) -> tensor<5x5xi1>
  %62 = model.not %61 : tensor<5x5xi1>
  %63 = model.where %62, %5, %60 : (tensor<5x5xi1>, tensor<f32>, tensor<?x4x5x5xf32>) -> tensor<?x4x5x5xf32>
  %64 = model.exp %63 : tensor<?x4x5x5xf32>
  %65 = model.einsum "bhzc,bchpn->bzhpn" %64, %45 : (tensor<?x4x5x5xf32>, tensor<?x5x4x8x6xf32>) -> tensor<?x5x4x8x6xf32>
  %66 = model.slice %65 {axes = array<i64: 1>, ends = array<i64: -1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<?x5x4x8x6xf32>) -> tensor<?x4x4x8x6xf32>
  %67 = model.gather %65, %8 {axis = 1 : i64} : (tensor<?x5x4x8x6xf32>, tensor<i64>) -> tensor<?x4x8x6xf32>
  %68 = model.exp %23 : tensor<?x4x4x4xf32>
  %69 = model.einsum "bclhn,bchpn,bhcl->bclhp" %21, %66, %68 : (tensor<?x4x4x4x6xf32>, tensor<?x4x4x8x6xf32>, tensor<?x4x4x4xf32>) -> tensor<?x4x4x4x8xf32>
  %70 = model.add %40, %69 : (tensor<?x4x4x4x8xf32>, tensor<?x4x4x4x8xf32>) -> tensor<?x4x4x4x8xf32>
  %71 = model.unsqueeze %17 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %72 = model.concat %71, %0 {axis = 0 : i64} : (tensor<1xi64>, tensor<3xi64>) -> tensor<4xi64>
  %73 = model.dynamic_reshape %70, %72 : (tensor<?x4x4x4x8xf32>, tensor<4xi64>) -> tensor<?x16x4x8xf32>
  return %73, %67 : tensor<?x16x4x8xf32>, tensor<?x4x8x6xf32>
}

// -----

/// Near miss: Y is reshaped to the batch of another input, which is not
/// proven to be X's (no shared model.dims name): the reshape may fail or
/// mean something else at run time, so the scan stays decomposed.
// CHECK-LABEL: func @main
// CHECK-NOT: fused.ssd
// CHECK: model.einsum

func.func @main(%arg0: tensor<?x16x4x8xf32> {model.dims = #model.dims<[batch, 16, 4, 8]>, model.name = "input_0"}, %arg1: tensor<?x16x4xf32> {model.dims = #model.dims<[batch, 16, 4]>, model.name = "input_1"}, %arg2: tensor<?x16x4x6xf32> {model.dims = #model.dims<[batch, 16, 4, 6]>, model.name = "input_2"}, %arg3: tensor<?x16x4x6xf32> {model.dims = #model.dims<[batch, 16, 4, 6]>, model.name = "input_3"}, %arg4: tensor<?x4x8x6xf32> {model.dims = #model.dims<[batch, 4, 8, 6]>, model.name = "input_4"}, %other: tensor<?x16x4x8xf32>) -> (tensor<?x16x4x8xf32> {model.dims = #model.dims<[batch, 16, 4, 8]>, model.name = "output_0"}, tensor<?x4x8x6xf32> {model.dims = #model.dims<[batch, 4, 8, 6]>, model.name = "output_1"}) {
  %0 = model.constant dense<[16, 4, 8]> : tensor<3xi64>
  %1 = model.constant dense<-1> : tensor<4xi64>
  %2 = model.constant dense<1> : tensor<4xi64>
  %3 = model.constant dense<[4, 5, 5]> : tensor<3xi64>
  %4 = model.constant dense<[0, 0, 1, 0, 0, 0]> : tensor<6xi64>
  %5 = model.constant dense<0xFF800000> : tensor<f32>
  %6 = model.constant dense<-2> : tensor<i32>
  %7 = model.constant dense<0.000000e+00> : tensor<f32>
  %8 = model.constant dense<-1> : tensor<i64>
  %9 = model.constant dense<true> : tensor<4x4xi1>
  %10 = model.constant dense<-1> : tensor<5xi64>
  %11 = model.constant dense<1> : tensor<5xi64>
  %12 = model.constant dense<4> : tensor<4xi64>
  %13 = model.constant dense<-1> : tensor<i32>
  %14 = model.constant dense<0> : tensor<i64>
  %15 = model.unsqueeze %arg4 {axes = array<i64: 1>} : (tensor<?x4x8x6xf32>) -> tensor<?x1x4x8x6xf32>
  %16 = model.shape %other : (tensor<?x16x4x8xf32>) -> tensor<4xi64>
  %17 = model.gather %16, %14 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %18 = model.reshape %arg0 {shape = array<i64: 0, 4, 4, 4, 8>} : (tensor<?x16x4x8xf32>) -> tensor<?x4x4x4x8xf32>
  %19 = model.reshape %arg1 {shape = array<i64: 0, 4, 4, 4>} : (tensor<?x16x4xf32>) -> tensor<?x4x4x4xf32>
  %20 = model.reshape %arg2 {shape = array<i64: 0, 4, 4, 4, 6>} : (tensor<?x16x4x6xf32>) -> tensor<?x4x4x4x6xf32>
  %21 = model.reshape %arg3 {shape = array<i64: 0, 4, 4, 4, 6>} : (tensor<?x16x4x6xf32>) -> tensor<?x4x4x4x6xf32>
  %22 = model.transpose %19 {perm = array<i64: 0, 3, 1, 2>} : (tensor<?x4x4x4xf32>) -> tensor<?x4x4x4xf32>
  %23 = model.cumsum %22, %13 : (tensor<?x4x4x4xf32>, tensor<i32>) -> tensor<?x4x4x4xf32>
  %24 = model.unsqueeze %22 {axes = array<i64: 4>} : (tensor<?x4x4x4xf32>) -> tensor<?x4x4x4x1xf32>
  %25 = model.shape %22 : (tensor<?x4x4x4xf32>) -> tensor<4xi64>
  %26 = model.gather %25, %14 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %27 = model.unsqueeze %26 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %28 = model.concat %27, %12 {axis = 0 : i64} : (tensor<1xi64>, tensor<4xi64>) -> tensor<5xi64>
  %29 = model.equal %28, %10 : (tensor<5xi64>, tensor<5xi64>) -> tensor<5xi1>
  %30 = model.where %29, %11, %28 : (tensor<5xi1>, tensor<5xi64>, tensor<5xi64>) -> tensor<5xi64>
  %31 = model.expand %24, %30 : (tensor<?x4x4x4x1xf32>, tensor<5xi64>) -> tensor<?x4x4x4x?xf32>
  %32 = model.trilu %9, %8 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %33 = model.not %32 : tensor<4x4xi1>
  %34 = model.where %33, %7, %31 : (tensor<4x4xi1>, tensor<f32>, tensor<?x4x4x4x?xf32>) -> tensor<?x4x4x4x4xf32>
  %35 = model.cumsum %34, %6 : (tensor<?x4x4x4x4xf32>, tensor<i32>) -> tensor<?x4x4x4x4xf32>
  %36 = model.trilu %9, %14 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %37 = model.not %36 : tensor<4x4xi1>
  %38 = model.where %37, %5, %35 : (tensor<4x4xi1>, tensor<f32>, tensor<?x4x4x4x4xf32>) -> tensor<?x4x4x4x4xf32>
  %39 = model.exp %38 : tensor<?x4x4x4x4xf32>
  %40 = model.einsum "bclhn,bcshn,bhcls,bcshp->bclhp" %21, %20, %39, %18 : (tensor<?x4x4x4x6xf32>, tensor<?x4x4x4x6xf32>, tensor<?x4x4x4x4xf32>, tensor<?x4x4x4x8xf32>) -> tensor<?x4x4x4x8xf32>
  %41 = model.slice %23 {axes = array<i64: 3>, ends = array<i64: 9223372036854775807>, starts = array<i64: -1>, steps = array<i64: 1>} : (tensor<?x4x4x4xf32>) -> tensor<?x4x4x1xf32>
  %42 = model.sub %41, %23 : (tensor<?x4x4x1xf32>, tensor<?x4x4x4xf32>) -> tensor<?x4x4x4xf32>
  %43 = model.exp %42 : tensor<?x4x4x4xf32>
  %44 = model.einsum "bclhn,bhcl,bclhp->bchpn" %20, %43, %18 : (tensor<?x4x4x4x6xf32>, tensor<?x4x4x4xf32>, tensor<?x4x4x4x8xf32>) -> tensor<?x4x4x8x6xf32>
  %45 = model.concat %15, %44 {axis = 1 : i64} : (tensor<?x1x4x8x6xf32>, tensor<?x4x4x8x6xf32>) -> tensor<?x5x4x8x6xf32>
  %46 = model.gather %23, %8 {axis = 3 : i64} : (tensor<?x4x4x4xf32>, tensor<i64>) -> tensor<?x4x4xf32>
  %47 = model.pad %46, %4 : (tensor<?x4x4xf32>, tensor<6xi64>) -> tensor<?x4x5xf32>
  %48 = model.unsqueeze %47 {axes = array<i64: 3>} : (tensor<?x4x5xf32>) -> tensor<?x4x5x1xf32>
  %49 = model.shape %47 : (tensor<?x4x5xf32>) -> tensor<3xi64>
  %50 = model.gather %49, %14 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %51 = model.unsqueeze %50 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %52 = model.concat %51, %3 {axis = 0 : i64} : (tensor<1xi64>, tensor<3xi64>) -> tensor<4xi64>
  %53 = model.equal %52, %1 : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  %54 = model.where %53, %2, %52 : (tensor<4xi1>, tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %55 = model.expand %48, %54 : (tensor<?x4x5x1xf32>, tensor<4xi64>) -> tensor<?x4x5x?xf32>
  %56 = model.weight "/ConstantOfShape_4_output_0" dense<true> : tensor<5x5xi1>
  %57 = model.trilu %56, %8 {upper = false} : (tensor<5x5xi1>, tensor<i64>) -> tensor<5x5xi1>
  %58 = model.not %57 : tensor<5x5xi1>
  %59 = model.where %58, %7, %55 : (tensor<5x5xi1>, tensor<f32>, tensor<?x4x5x?xf32>) -> tensor<?x4x5x5xf32>
  %60 = model.cumsum %59, %6 : (tensor<?x4x5x5xf32>, tensor<i32>) -> tensor<?x4x5x5xf32>
  %61 = model.trilu %56, %14 {upper = false} : (tensor<5x5xi1>, tensor<i64>) -> tensor<5x5xi1>
  %62 = model.not %61 : tensor<5x5xi1>
  %63 = model.where %62, %5, %60 : (tensor<5x5xi1>, tensor<f32>, tensor<?x4x5x5xf32>) -> tensor<?x4x5x5xf32>
  %64 = model.exp %63 : tensor<?x4x5x5xf32>
  %65 = model.einsum "bhzc,bchpn->bzhpn" %64, %45 : (tensor<?x4x5x5xf32>, tensor<?x5x4x8x6xf32>) -> tensor<?x5x4x8x6xf32>
  %66 = model.slice %65 {axes = array<i64: 1>, ends = array<i64: -1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<?x5x4x8x6xf32>) -> tensor<?x4x4x8x6xf32>
  %67 = model.gather %65, %8 {axis = 1 : i64} : (tensor<?x5x4x8x6xf32>, tensor<i64>) -> tensor<?x4x8x6xf32>
  %68 = model.exp %23 : tensor<?x4x4x4xf32>
  %69 = model.einsum "bclhn,bchpn,bhcl->bclhp" %21, %66, %68 : (tensor<?x4x4x4x6xf32>, tensor<?x4x4x8x6xf32>, tensor<?x4x4x4xf32>) -> tensor<?x4x4x4x8xf32>
  %70 = model.add %40, %69 : (tensor<?x4x4x4x8xf32>, tensor<?x4x4x4x8xf32>) -> tensor<?x4x4x4x8xf32>
  %71 = model.unsqueeze %17 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %72 = model.concat %71, %0 {axis = 0 : i64} : (tensor<1xi64>, tensor<3xi64>) -> tensor<4xi64>
  %73 = model.dynamic_reshape %70, %72 : (tensor<?x4x4x4x8xf32>, tensor<4xi64>) -> tensor<?x16x4x8xf32>
  return %73, %67 : tensor<?x16x4x8xf32>, tensor<?x4x8x6xf32>
}

// -----

/// B and C as repeats of 2 groups, each serving 2 heads in a row, with the
/// exporter's two reshapes kept apart (unsqueeze, expand to [b, l, 2, 2, n],
/// dynamic_reshape to [b, l, 4, n], then the chunking reshape): the scan
/// reads the groups themselves.
// CHECK-LABEL: func @grouped_split_reshapes
// CHECK-SAME: %[[BG:[a-z0-9]+]]: tensor<?x16x2x6xf32> {{.*}}, %[[CG:[a-z0-9]+]]: tensor<?x16x2x6xf32>
// CHECK: fused.ssd ins(%arg0, %arg1, %[[BG]], %[[CG]] : {{.*}}) initial({{.*}}) {{.*}} {chunk_size = 4 : i64, groups = 2 : i64}

func.func @grouped_split_reshapes(%arg0: tensor<?x16x4x8xf32> {model.dims = #model.dims<[batch, 16, 4, 8]>, model.name = "input_0"}, %arg1: tensor<?x16x4xf32> {model.dims = #model.dims<[batch, 16, 4]>, model.name = "input_1"}, %arg2: tensor<?x16x4x6xf32> {model.dims = #model.dims<[batch, 16, 4, 6]>, model.name = "input_2"}, %arg3: tensor<?x16x4x6xf32> {model.dims = #model.dims<[batch, 16, 4, 6]>, model.name = "input_3"}, %arg4: tensor<?x4x8x6xf32> {model.dims = #model.dims<[batch, 4, 8, 6]>, model.name = "input_4"}, %bg: tensor<?x16x2x6xf32> {model.dims = #model.dims<[batch, 16, 2, 6]>}, %cg: tensor<?x16x2x6xf32> {model.dims = #model.dims<[batch, 16, 2, 6]>}) -> (tensor<?x16x4x8xf32> {model.dims = #model.dims<[batch, 16, 4, 8]>, model.name = "output_0"}, tensor<?x4x8x6xf32> {model.dims = #model.dims<[batch, 4, 8, 6]>, model.name = "output_1"}) {
  %arg2_shape = model.shape %bg : (tensor<?x16x2x6xf32>) -> tensor<4xi64>
  %arg2_i0 = model.constant dense<0> : tensor<i64>
  %arg2_b = model.gather %arg2_shape, %arg2_i0 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %arg2_b1 = model.unsqueeze %arg2_b {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %arg2_rest = model.constant dense<[16, 2, 2, 6]> : tensor<4xi64>
  %arg2_eshape = model.concat %arg2_b1, %arg2_rest {axis = 0 : i64} : (tensor<1xi64>, tensor<4xi64>) -> tensor<5xi64>
  %arg2_u = model.unsqueeze %bg {axes = array<i64: 3>} : (tensor<?x16x2x6xf32>) -> tensor<?x16x2x1x6xf32>
  %arg2_e = model.expand %arg2_u, %arg2_eshape : (tensor<?x16x2x1x6xf32>, tensor<5xi64>) -> tensor<?x16x2x2x6xf32>
  %arg2_merged = model.constant dense<[16, 4, 6]> : tensor<3xi64>
  %arg2_mshape = model.concat %arg2_b1, %arg2_merged {axis = 0 : i64} : (tensor<1xi64>, tensor<3xi64>) -> tensor<4xi64>
  %arg2_full = model.dynamic_reshape %arg2_e, %arg2_mshape : (tensor<?x16x2x2x6xf32>, tensor<4xi64>) -> tensor<?x16x4x6xf32>
  %arg3_shape = model.shape %cg : (tensor<?x16x2x6xf32>) -> tensor<4xi64>
  %arg3_i0 = model.constant dense<0> : tensor<i64>
  %arg3_b = model.gather %arg3_shape, %arg3_i0 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %arg3_b1 = model.unsqueeze %arg3_b {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %arg3_rest = model.constant dense<[16, 2, 2, 6]> : tensor<4xi64>
  %arg3_eshape = model.concat %arg3_b1, %arg3_rest {axis = 0 : i64} : (tensor<1xi64>, tensor<4xi64>) -> tensor<5xi64>
  %arg3_u = model.unsqueeze %cg {axes = array<i64: 3>} : (tensor<?x16x2x6xf32>) -> tensor<?x16x2x1x6xf32>
  %arg3_e = model.expand %arg3_u, %arg3_eshape : (tensor<?x16x2x1x6xf32>, tensor<5xi64>) -> tensor<?x16x2x2x6xf32>
  %arg3_merged = model.constant dense<[16, 4, 6]> : tensor<3xi64>
  %arg3_mshape = model.concat %arg3_b1, %arg3_merged {axis = 0 : i64} : (tensor<1xi64>, tensor<3xi64>) -> tensor<4xi64>
  %arg3_full = model.dynamic_reshape %arg3_e, %arg3_mshape : (tensor<?x16x2x2x6xf32>, tensor<4xi64>) -> tensor<?x16x4x6xf32>
  %0 = model.constant dense<[16, 4, 8]> : tensor<3xi64>
  %1 = model.constant dense<-1> : tensor<4xi64>
  %2 = model.constant dense<1> : tensor<4xi64>
  %3 = model.constant dense<[4, 5, 5]> : tensor<3xi64>
  %4 = model.constant dense<[0, 0, 1, 0, 0, 0]> : tensor<6xi64>
  %5 = model.constant dense<0xFF800000> : tensor<f32>
  %6 = model.constant dense<-2> : tensor<i32>
  %7 = model.constant dense<0.000000e+00> : tensor<f32>
  %8 = model.constant dense<-1> : tensor<i64>
  %9 = model.constant dense<true> : tensor<4x4xi1>
  %10 = model.constant dense<-1> : tensor<5xi64>
  %11 = model.constant dense<1> : tensor<5xi64>
  %12 = model.constant dense<4> : tensor<4xi64>
  %13 = model.constant dense<-1> : tensor<i32>
  %14 = model.constant dense<0> : tensor<i64>
  %15 = model.unsqueeze %arg4 {axes = array<i64: 1>} : (tensor<?x4x8x6xf32>) -> tensor<?x1x4x8x6xf32>
  %16 = model.shape %arg0 : (tensor<?x16x4x8xf32>) -> tensor<4xi64>
  %17 = model.gather %16, %14 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %18 = model.reshape %arg0 {shape = array<i64: 0, 4, 4, 4, 8>} : (tensor<?x16x4x8xf32>) -> tensor<?x4x4x4x8xf32>
  %19 = model.reshape %arg1 {shape = array<i64: 0, 4, 4, 4>} : (tensor<?x16x4xf32>) -> tensor<?x4x4x4xf32>
  %20 = model.reshape %arg2_full {shape = array<i64: 0, 4, 4, 4, 6>} : (tensor<?x16x4x6xf32>) -> tensor<?x4x4x4x6xf32>
  %21 = model.reshape %arg3_full {shape = array<i64: 0, 4, 4, 4, 6>} : (tensor<?x16x4x6xf32>) -> tensor<?x4x4x4x6xf32>
  %22 = model.transpose %19 {perm = array<i64: 0, 3, 1, 2>} : (tensor<?x4x4x4xf32>) -> tensor<?x4x4x4xf32>
  %23 = model.cumsum %22, %13 : (tensor<?x4x4x4xf32>, tensor<i32>) -> tensor<?x4x4x4xf32>
  %24 = model.unsqueeze %22 {axes = array<i64: 4>} : (tensor<?x4x4x4xf32>) -> tensor<?x4x4x4x1xf32>
  %25 = model.shape %22 : (tensor<?x4x4x4xf32>) -> tensor<4xi64>
  %26 = model.gather %25, %14 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %27 = model.unsqueeze %26 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %28 = model.concat %27, %12 {axis = 0 : i64} : (tensor<1xi64>, tensor<4xi64>) -> tensor<5xi64>
  %29 = model.equal %28, %10 : (tensor<5xi64>, tensor<5xi64>) -> tensor<5xi1>
  %30 = model.where %29, %11, %28 : (tensor<5xi1>, tensor<5xi64>, tensor<5xi64>) -> tensor<5xi64>
  %31 = model.expand %24, %30 : (tensor<?x4x4x4x1xf32>, tensor<5xi64>) -> tensor<?x4x4x4x?xf32>
  %32 = model.trilu %9, %8 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %33 = model.not %32 : tensor<4x4xi1>
  %34 = model.where %33, %7, %31 : (tensor<4x4xi1>, tensor<f32>, tensor<?x4x4x4x?xf32>) -> tensor<?x4x4x4x4xf32>
  %35 = model.cumsum %34, %6 : (tensor<?x4x4x4x4xf32>, tensor<i32>) -> tensor<?x4x4x4x4xf32>
  %36 = model.trilu %9, %14 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %37 = model.not %36 : tensor<4x4xi1>
  %38 = model.where %37, %5, %35 : (tensor<4x4xi1>, tensor<f32>, tensor<?x4x4x4x4xf32>) -> tensor<?x4x4x4x4xf32>
  %39 = model.exp %38 : tensor<?x4x4x4x4xf32>
  %40 = model.einsum "bclhn,bcshn,bhcls,bcshp->bclhp" %21, %20, %39, %18 : (tensor<?x4x4x4x6xf32>, tensor<?x4x4x4x6xf32>, tensor<?x4x4x4x4xf32>, tensor<?x4x4x4x8xf32>) -> tensor<?x4x4x4x8xf32>
  %41 = model.slice %23 {axes = array<i64: 3>, ends = array<i64: 9223372036854775807>, starts = array<i64: -1>, steps = array<i64: 1>} : (tensor<?x4x4x4xf32>) -> tensor<?x4x4x1xf32>
  %42 = model.sub %41, %23 : (tensor<?x4x4x1xf32>, tensor<?x4x4x4xf32>) -> tensor<?x4x4x4xf32>
  %43 = model.exp %42 : tensor<?x4x4x4xf32>
  %44 = model.einsum "bclhn,bhcl,bclhp->bchpn" %20, %43, %18 : (tensor<?x4x4x4x6xf32>, tensor<?x4x4x4xf32>, tensor<?x4x4x4x8xf32>) -> tensor<?x4x4x8x6xf32>
  %45 = model.concat %15, %44 {axis = 1 : i64} : (tensor<?x1x4x8x6xf32>, tensor<?x4x4x8x6xf32>) -> tensor<?x5x4x8x6xf32>
  %46 = model.gather %23, %8 {axis = 3 : i64} : (tensor<?x4x4x4xf32>, tensor<i64>) -> tensor<?x4x4xf32>
  %47 = model.pad %46, %4 : (tensor<?x4x4xf32>, tensor<6xi64>) -> tensor<?x4x5xf32>
  %48 = model.unsqueeze %47 {axes = array<i64: 3>} : (tensor<?x4x5xf32>) -> tensor<?x4x5x1xf32>
  %49 = model.shape %47 : (tensor<?x4x5xf32>) -> tensor<3xi64>
  %50 = model.gather %49, %14 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %51 = model.unsqueeze %50 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %52 = model.concat %51, %3 {axis = 0 : i64} : (tensor<1xi64>, tensor<3xi64>) -> tensor<4xi64>
  %53 = model.equal %52, %1 : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  %54 = model.where %53, %2, %52 : (tensor<4xi1>, tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %55 = model.expand %48, %54 : (tensor<?x4x5x1xf32>, tensor<4xi64>) -> tensor<?x4x5x?xf32>
  %56 = model.weight "/ConstantOfShape_4_output_0" dense<true> : tensor<5x5xi1>
  %57 = model.trilu %56, %8 {upper = false} : (tensor<5x5xi1>, tensor<i64>) -> tensor<5x5xi1>
  %58 = model.not %57 : tensor<5x5xi1>
  %59 = model.where %58, %7, %55 : (tensor<5x5xi1>, tensor<f32>, tensor<?x4x5x?xf32>) -> tensor<?x4x5x5xf32>
  %60 = model.cumsum %59, %6 : (tensor<?x4x5x5xf32>, tensor<i32>) -> tensor<?x4x5x5xf32>
  %61 = model.trilu %56, %14 {upper = false} : (tensor<5x5xi1>, tensor<i64>) -> tensor<5x5xi1>
  %62 = model.not %61 : tensor<5x5xi1>
  %63 = model.where %62, %5, %60 : (tensor<5x5xi1>, tensor<f32>, tensor<?x4x5x5xf32>) -> tensor<?x4x5x5xf32>
  %64 = model.exp %63 : tensor<?x4x5x5xf32>
  %65 = model.einsum "bhzc,bchpn->bzhpn" %64, %45 : (tensor<?x4x5x5xf32>, tensor<?x5x4x8x6xf32>) -> tensor<?x5x4x8x6xf32>
  %66 = model.slice %65 {axes = array<i64: 1>, ends = array<i64: -1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<?x5x4x8x6xf32>) -> tensor<?x4x4x8x6xf32>
  %67 = model.gather %65, %8 {axis = 1 : i64} : (tensor<?x5x4x8x6xf32>, tensor<i64>) -> tensor<?x4x8x6xf32>
  %68 = model.exp %23 : tensor<?x4x4x4xf32>
  %69 = model.einsum "bclhn,bchpn,bhcl->bclhp" %21, %66, %68 : (tensor<?x4x4x4x6xf32>, tensor<?x4x4x8x6xf32>, tensor<?x4x4x4xf32>) -> tensor<?x4x4x4x8xf32>
  %70 = model.add %40, %69 : (tensor<?x4x4x4x8xf32>, tensor<?x4x4x4x8xf32>) -> tensor<?x4x4x4x8xf32>
  %71 = model.unsqueeze %17 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %72 = model.concat %71, %0 {axis = 0 : i64} : (tensor<1xi64>, tensor<3xi64>) -> tensor<4xi64>
  %73 = model.dynamic_reshape %70, %72 : (tensor<?x4x4x4x8xf32>, tensor<4xi64>) -> tensor<?x16x4x8xf32>
  return %73, %67 : tensor<?x16x4x8xf32>, tensor<?x4x8x6xf32>
}

// -----

/// The repeat inserted before the group axis ([b, l, 2 copies, 2 groups,
/// n]) interleaves the groups across heads: not Mamba-2's grouping, so the
/// scan keeps one B and C per head (groups = heads) over the repeated
/// tensors.
// CHECK-LABEL: func @groups_interleaved_split
// CHECK: %[[BF:.*]] = model.dynamic_reshape %{{.*}} -> tensor<?x16x4x6xf32>
// CHECK: %[[CF:.*]] = model.dynamic_reshape %{{.*}} -> tensor<?x16x4x6xf32>
// CHECK: fused.ssd ins(%arg0, %arg1, %[[BF]], %[[CF]] : {{.*}} {chunk_size = 4 : i64, groups = 4 : i64}

func.func @groups_interleaved_split(%arg0: tensor<?x16x4x8xf32> {model.dims = #model.dims<[batch, 16, 4, 8]>, model.name = "input_0"}, %arg1: tensor<?x16x4xf32> {model.dims = #model.dims<[batch, 16, 4]>, model.name = "input_1"}, %arg2: tensor<?x16x4x6xf32> {model.dims = #model.dims<[batch, 16, 4, 6]>, model.name = "input_2"}, %arg3: tensor<?x16x4x6xf32> {model.dims = #model.dims<[batch, 16, 4, 6]>, model.name = "input_3"}, %arg4: tensor<?x4x8x6xf32> {model.dims = #model.dims<[batch, 4, 8, 6]>, model.name = "input_4"}, %bg: tensor<?x16x2x6xf32> {model.dims = #model.dims<[batch, 16, 2, 6]>}, %cg: tensor<?x16x2x6xf32> {model.dims = #model.dims<[batch, 16, 2, 6]>}) -> (tensor<?x16x4x8xf32> {model.dims = #model.dims<[batch, 16, 4, 8]>, model.name = "output_0"}, tensor<?x4x8x6xf32> {model.dims = #model.dims<[batch, 4, 8, 6]>, model.name = "output_1"}) {
  %arg2_shape = model.shape %bg : (tensor<?x16x2x6xf32>) -> tensor<4xi64>
  %arg2_i0 = model.constant dense<0> : tensor<i64>
  %arg2_b = model.gather %arg2_shape, %arg2_i0 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %arg2_b1 = model.unsqueeze %arg2_b {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %arg2_rest = model.constant dense<[16, 2, 2, 6]> : tensor<4xi64>
  %arg2_eshape = model.concat %arg2_b1, %arg2_rest {axis = 0 : i64} : (tensor<1xi64>, tensor<4xi64>) -> tensor<5xi64>
  %arg2_u = model.unsqueeze %bg {axes = array<i64: 2>} : (tensor<?x16x2x6xf32>) -> tensor<?x16x1x2x6xf32>
  %arg2_e = model.expand %arg2_u, %arg2_eshape : (tensor<?x16x1x2x6xf32>, tensor<5xi64>) -> tensor<?x16x2x2x6xf32>
  %arg2_merged = model.constant dense<[16, 4, 6]> : tensor<3xi64>
  %arg2_mshape = model.concat %arg2_b1, %arg2_merged {axis = 0 : i64} : (tensor<1xi64>, tensor<3xi64>) -> tensor<4xi64>
  %arg2_full = model.dynamic_reshape %arg2_e, %arg2_mshape : (tensor<?x16x2x2x6xf32>, tensor<4xi64>) -> tensor<?x16x4x6xf32>
  %arg3_shape = model.shape %cg : (tensor<?x16x2x6xf32>) -> tensor<4xi64>
  %arg3_i0 = model.constant dense<0> : tensor<i64>
  %arg3_b = model.gather %arg3_shape, %arg3_i0 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %arg3_b1 = model.unsqueeze %arg3_b {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %arg3_rest = model.constant dense<[16, 2, 2, 6]> : tensor<4xi64>
  %arg3_eshape = model.concat %arg3_b1, %arg3_rest {axis = 0 : i64} : (tensor<1xi64>, tensor<4xi64>) -> tensor<5xi64>
  %arg3_u = model.unsqueeze %cg {axes = array<i64: 2>} : (tensor<?x16x2x6xf32>) -> tensor<?x16x1x2x6xf32>
  %arg3_e = model.expand %arg3_u, %arg3_eshape : (tensor<?x16x1x2x6xf32>, tensor<5xi64>) -> tensor<?x16x2x2x6xf32>
  %arg3_merged = model.constant dense<[16, 4, 6]> : tensor<3xi64>
  %arg3_mshape = model.concat %arg3_b1, %arg3_merged {axis = 0 : i64} : (tensor<1xi64>, tensor<3xi64>) -> tensor<4xi64>
  %arg3_full = model.dynamic_reshape %arg3_e, %arg3_mshape : (tensor<?x16x2x2x6xf32>, tensor<4xi64>) -> tensor<?x16x4x6xf32>
  %0 = model.constant dense<[16, 4, 8]> : tensor<3xi64>
  %1 = model.constant dense<-1> : tensor<4xi64>
  %2 = model.constant dense<1> : tensor<4xi64>
  %3 = model.constant dense<[4, 5, 5]> : tensor<3xi64>
  %4 = model.constant dense<[0, 0, 1, 0, 0, 0]> : tensor<6xi64>
  %5 = model.constant dense<0xFF800000> : tensor<f32>
  %6 = model.constant dense<-2> : tensor<i32>
  %7 = model.constant dense<0.000000e+00> : tensor<f32>
  %8 = model.constant dense<-1> : tensor<i64>
  %9 = model.constant dense<true> : tensor<4x4xi1>
  %10 = model.constant dense<-1> : tensor<5xi64>
  %11 = model.constant dense<1> : tensor<5xi64>
  %12 = model.constant dense<4> : tensor<4xi64>
  %13 = model.constant dense<-1> : tensor<i32>
  %14 = model.constant dense<0> : tensor<i64>
  %15 = model.unsqueeze %arg4 {axes = array<i64: 1>} : (tensor<?x4x8x6xf32>) -> tensor<?x1x4x8x6xf32>
  %16 = model.shape %arg0 : (tensor<?x16x4x8xf32>) -> tensor<4xi64>
  %17 = model.gather %16, %14 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %18 = model.reshape %arg0 {shape = array<i64: 0, 4, 4, 4, 8>} : (tensor<?x16x4x8xf32>) -> tensor<?x4x4x4x8xf32>
  %19 = model.reshape %arg1 {shape = array<i64: 0, 4, 4, 4>} : (tensor<?x16x4xf32>) -> tensor<?x4x4x4xf32>
  %20 = model.reshape %arg2_full {shape = array<i64: 0, 4, 4, 4, 6>} : (tensor<?x16x4x6xf32>) -> tensor<?x4x4x4x6xf32>
  %21 = model.reshape %arg3_full {shape = array<i64: 0, 4, 4, 4, 6>} : (tensor<?x16x4x6xf32>) -> tensor<?x4x4x4x6xf32>
  %22 = model.transpose %19 {perm = array<i64: 0, 3, 1, 2>} : (tensor<?x4x4x4xf32>) -> tensor<?x4x4x4xf32>
  %23 = model.cumsum %22, %13 : (tensor<?x4x4x4xf32>, tensor<i32>) -> tensor<?x4x4x4xf32>
  %24 = model.unsqueeze %22 {axes = array<i64: 4>} : (tensor<?x4x4x4xf32>) -> tensor<?x4x4x4x1xf32>
  %25 = model.shape %22 : (tensor<?x4x4x4xf32>) -> tensor<4xi64>
  %26 = model.gather %25, %14 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %27 = model.unsqueeze %26 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %28 = model.concat %27, %12 {axis = 0 : i64} : (tensor<1xi64>, tensor<4xi64>) -> tensor<5xi64>
  %29 = model.equal %28, %10 : (tensor<5xi64>, tensor<5xi64>) -> tensor<5xi1>
  %30 = model.where %29, %11, %28 : (tensor<5xi1>, tensor<5xi64>, tensor<5xi64>) -> tensor<5xi64>
  %31 = model.expand %24, %30 : (tensor<?x4x4x4x1xf32>, tensor<5xi64>) -> tensor<?x4x4x4x?xf32>
  %32 = model.trilu %9, %8 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %33 = model.not %32 : tensor<4x4xi1>
  %34 = model.where %33, %7, %31 : (tensor<4x4xi1>, tensor<f32>, tensor<?x4x4x4x?xf32>) -> tensor<?x4x4x4x4xf32>
  %35 = model.cumsum %34, %6 : (tensor<?x4x4x4x4xf32>, tensor<i32>) -> tensor<?x4x4x4x4xf32>
  %36 = model.trilu %9, %14 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %37 = model.not %36 : tensor<4x4xi1>
  %38 = model.where %37, %5, %35 : (tensor<4x4xi1>, tensor<f32>, tensor<?x4x4x4x4xf32>) -> tensor<?x4x4x4x4xf32>
  %39 = model.exp %38 : tensor<?x4x4x4x4xf32>
  %40 = model.einsum "bclhn,bcshn,bhcls,bcshp->bclhp" %21, %20, %39, %18 : (tensor<?x4x4x4x6xf32>, tensor<?x4x4x4x6xf32>, tensor<?x4x4x4x4xf32>, tensor<?x4x4x4x8xf32>) -> tensor<?x4x4x4x8xf32>
  %41 = model.slice %23 {axes = array<i64: 3>, ends = array<i64: 9223372036854775807>, starts = array<i64: -1>, steps = array<i64: 1>} : (tensor<?x4x4x4xf32>) -> tensor<?x4x4x1xf32>
  %42 = model.sub %41, %23 : (tensor<?x4x4x1xf32>, tensor<?x4x4x4xf32>) -> tensor<?x4x4x4xf32>
  %43 = model.exp %42 : tensor<?x4x4x4xf32>
  %44 = model.einsum "bclhn,bhcl,bclhp->bchpn" %20, %43, %18 : (tensor<?x4x4x4x6xf32>, tensor<?x4x4x4xf32>, tensor<?x4x4x4x8xf32>) -> tensor<?x4x4x8x6xf32>
  %45 = model.concat %15, %44 {axis = 1 : i64} : (tensor<?x1x4x8x6xf32>, tensor<?x4x4x8x6xf32>) -> tensor<?x5x4x8x6xf32>
  %46 = model.gather %23, %8 {axis = 3 : i64} : (tensor<?x4x4x4xf32>, tensor<i64>) -> tensor<?x4x4xf32>
  %47 = model.pad %46, %4 : (tensor<?x4x4xf32>, tensor<6xi64>) -> tensor<?x4x5xf32>
  %48 = model.unsqueeze %47 {axes = array<i64: 3>} : (tensor<?x4x5xf32>) -> tensor<?x4x5x1xf32>
  %49 = model.shape %47 : (tensor<?x4x5xf32>) -> tensor<3xi64>
  %50 = model.gather %49, %14 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %51 = model.unsqueeze %50 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %52 = model.concat %51, %3 {axis = 0 : i64} : (tensor<1xi64>, tensor<3xi64>) -> tensor<4xi64>
  %53 = model.equal %52, %1 : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  %54 = model.where %53, %2, %52 : (tensor<4xi1>, tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %55 = model.expand %48, %54 : (tensor<?x4x5x1xf32>, tensor<4xi64>) -> tensor<?x4x5x?xf32>
  %56 = model.weight "/ConstantOfShape_4_output_0" dense<true> : tensor<5x5xi1>
  %57 = model.trilu %56, %8 {upper = false} : (tensor<5x5xi1>, tensor<i64>) -> tensor<5x5xi1>
  %58 = model.not %57 : tensor<5x5xi1>
  %59 = model.where %58, %7, %55 : (tensor<5x5xi1>, tensor<f32>, tensor<?x4x5x?xf32>) -> tensor<?x4x5x5xf32>
  %60 = model.cumsum %59, %6 : (tensor<?x4x5x5xf32>, tensor<i32>) -> tensor<?x4x5x5xf32>
  %61 = model.trilu %56, %14 {upper = false} : (tensor<5x5xi1>, tensor<i64>) -> tensor<5x5xi1>
  %62 = model.not %61 : tensor<5x5xi1>
  %63 = model.where %62, %5, %60 : (tensor<5x5xi1>, tensor<f32>, tensor<?x4x5x5xf32>) -> tensor<?x4x5x5xf32>
  %64 = model.exp %63 : tensor<?x4x5x5xf32>
  %65 = model.einsum "bhzc,bchpn->bzhpn" %64, %45 : (tensor<?x4x5x5xf32>, tensor<?x5x4x8x6xf32>) -> tensor<?x5x4x8x6xf32>
  %66 = model.slice %65 {axes = array<i64: 1>, ends = array<i64: -1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<?x5x4x8x6xf32>) -> tensor<?x4x4x8x6xf32>
  %67 = model.gather %65, %8 {axis = 1 : i64} : (tensor<?x5x4x8x6xf32>, tensor<i64>) -> tensor<?x4x8x6xf32>
  %68 = model.exp %23 : tensor<?x4x4x4xf32>
  %69 = model.einsum "bclhn,bchpn,bhcl->bclhp" %21, %66, %68 : (tensor<?x4x4x4x6xf32>, tensor<?x4x4x8x6xf32>, tensor<?x4x4x4xf32>) -> tensor<?x4x4x4x8xf32>
  %70 = model.add %40, %69 : (tensor<?x4x4x4x8xf32>, tensor<?x4x4x4x8xf32>) -> tensor<?x4x4x4x8xf32>
  %71 = model.unsqueeze %17 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %72 = model.concat %71, %0 {axis = 0 : i64} : (tensor<1xi64>, tensor<3xi64>) -> tensor<4xi64>
  %73 = model.dynamic_reshape %70, %72 : (tensor<?x4x4x4x8xf32>, tensor<4xi64>) -> tensor<?x16x4x8xf32>
  return %73, %67 : tensor<?x16x4x8xf32>, tensor<?x4x8x6xf32>
}
