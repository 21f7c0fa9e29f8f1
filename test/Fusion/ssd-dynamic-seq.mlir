// RUN: kiln-opt %s --split-input-file --kiln-fuse-ssd --canonicalize | FileCheck %s
// The minimal SSD reference exported with a dynamic batch and sequence
// length (the ssd_dynamic_seq fixture of generate_ssd_fixtures.py, as kiln
// imports and canonicalizes it): the chunking reshapes read the chunk count
// as l // chunk from X.shape, and the segsum masks of the inter-chunk
// recurrence are Trilu over a constant_of_shape of run-time size.

/// The whole scan fuses; the chunking reshape's requirement that l be a
/// multiple of the chunk becomes a run-time check naming that reshape.
// CHECK-LABEL: func @main
// CHECK: cf.assert {{.*}}, "{{.*}}ssd-dynamic-seq.mlir:{{[0-9]+}}:{{[0-9]+}} (model.dynamic_reshape): the sequence length is not a multiple of the chunk size 4"
// CHECK: fused.ssd ins(%arg0, %arg1, %arg2, %arg3 : tensor<?x?x4x8xf32>, tensor<?x?x4xf32>, tensor<?x?x4x6xf32>, tensor<?x?x4x6xf32>) {{.*}} {chunk_size = 4 : i64, groups = 4 : i64}
// CHECK-NOT: model.{{einsum|trilu|cumsum}}
// CHECK: return

func.func @main(%arg0: tensor<?x?x4x8xf32> {model.dims = #model.dims<[batch, seq, 4, 8]>, model.name = "input_0"}, %arg1: tensor<?x?x4xf32> {model.dims = #model.dims<[batch, seq, 4]>, model.name = "input_1"}, %arg2: tensor<?x?x4x6xf32> {model.dims = #model.dims<[batch, seq, 4, 6]>, model.name = "input_2"}, %arg3: tensor<?x?x4x6xf32> {model.dims = #model.dims<[batch, seq, 4, 6]>, model.name = "input_3"}) -> (tensor<?x?x4x8xf32> {model.dims = #model.dims<[batch, seq, 4, 8]>, model.name = "output_0"}, tensor<?x4x8x6xf32> {model.dims = #model.dims<[batch, 4, 8, 6]>, model.name = "output_1"}) {
  %0 = model.constant dense<[4, 8]> : tensor<2xi64>
  %1 = model.constant dense<-1> : tensor<4xi64>
  %2 = model.constant dense<1> : tensor<4xi64>
  %3 = model.constant dense<[0, 0, 1, 0, 0, 0]> : tensor<6xi64>
  %4 = model.constant dense<0xFF800000> : tensor<f32>
  %5 = model.constant dense<-2> : tensor<i32>
  %6 = model.constant dense<0.000000e+00> : tensor<f32>
  %7 = model.constant dense<-1> : tensor<i64>
  %8 = model.constant dense<true> : tensor<4x4xi1>
  %9 = model.constant dense<-1> : tensor<5xi64>
  %10 = model.constant dense<1> : tensor<5xi64>
  %11 = model.constant dense<4> : tensor<1xi64>
  %12 = model.constant dense<2> : tensor<i64>
  %13 = model.constant dense<-1> : tensor<i32>
  %14 = model.constant dense<[4, 4, 6]> : tensor<3xi64>
  %15 = model.constant dense<4> : tensor<2xi64>
  %16 = model.constant dense<[4, 4, 8]> : tensor<3xi64>
  %17 = model.constant dense<4> : tensor<i64>
  %18 = model.constant dense<1> : tensor<i64>
  %19 = model.constant dense<0> : tensor<i64>
  %20 = model.shape %arg0 : (tensor<?x?x4x8xf32>) -> tensor<4xi64>
  %21 = model.gather %20, %19 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %22 = model.shape %arg0 : (tensor<?x?x4x8xf32>) -> tensor<4xi64>
  %23 = model.gather %22, %18 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %24 = model.div %23, %17 : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %25 = model.unsqueeze %21 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %26 = model.unsqueeze %24 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %27 = model.concat %25, %26, %16 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<3xi64>) -> tensor<5xi64>
  %28 = model.dynamic_reshape %arg0, %27 : (tensor<?x?x4x8xf32>, tensor<5xi64>) -> tensor<?x?x4x4x8xf32>
  %29 = model.shape %arg1 : (tensor<?x?x4xf32>) -> tensor<3xi64>
  %30 = model.gather %29, %19 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %31 = model.shape %arg1 : (tensor<?x?x4xf32>) -> tensor<3xi64>
  %32 = model.gather %31, %18 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %33 = model.div %32, %17 : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %34 = model.unsqueeze %30 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %35 = model.unsqueeze %33 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %36 = model.concat %34, %35, %15 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<4xi64>
  %37 = model.dynamic_reshape %arg1, %36 : (tensor<?x?x4xf32>, tensor<4xi64>) -> tensor<?x?x4x4xf32>
  %38 = model.shape %arg2 : (tensor<?x?x4x6xf32>) -> tensor<4xi64>
  %39 = model.gather %38, %19 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %40 = model.shape %arg2 : (tensor<?x?x4x6xf32>) -> tensor<4xi64>
  %41 = model.gather %40, %18 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %42 = model.div %41, %17 : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %43 = model.unsqueeze %39 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %44 = model.unsqueeze %42 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %45 = model.concat %43, %44, %14 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<3xi64>) -> tensor<5xi64>
  %46 = model.dynamic_reshape %arg2, %45 : (tensor<?x?x4x6xf32>, tensor<5xi64>) -> tensor<?x?x4x4x6xf32>
  %47 = model.shape %arg3 : (tensor<?x?x4x6xf32>) -> tensor<4xi64>
  %48 = model.gather %47, %19 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %49 = model.shape %arg3 : (tensor<?x?x4x6xf32>) -> tensor<4xi64>
  %50 = model.gather %49, %18 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %51 = model.div %50, %17 : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %52 = model.unsqueeze %48 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %53 = model.unsqueeze %51 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %54 = model.concat %52, %53, %14 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<3xi64>) -> tensor<5xi64>
  %55 = model.dynamic_reshape %arg3, %54 : (tensor<?x?x4x6xf32>, tensor<5xi64>) -> tensor<?x?x4x4x6xf32>
  %56 = model.transpose %37 {perm = array<i64: 0, 3, 1, 2>} : (tensor<?x?x4x4xf32>) -> tensor<?x4x?x4xf32>
  %57 = model.cumsum %56, %13 : (tensor<?x4x?x4xf32>, tensor<i32>) -> tensor<?x4x?x4xf32>
  %58 = model.unsqueeze %56 {axes = array<i64: 4>} : (tensor<?x4x?x4xf32>) -> tensor<?x4x?x4x1xf32>
  %59 = model.shape %56 : (tensor<?x4x?x4xf32>) -> tensor<4xi64>
  %60 = model.gather %59, %19 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %61 = model.shape %56 : (tensor<?x4x?x4xf32>) -> tensor<4xi64>
  %62 = model.gather %61, %12 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %63 = model.unsqueeze %60 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %64 = model.unsqueeze %62 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %65 = model.concat %63, %11, %64, %15 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<5xi64>
  %66 = model.equal %65, %9 : (tensor<5xi64>, tensor<5xi64>) -> tensor<5xi1>
  %67 = model.where %66, %10, %65 : (tensor<5xi1>, tensor<5xi64>, tensor<5xi64>) -> tensor<5xi64>
  %68 = model.expand %58, %67 : (tensor<?x4x?x4x1xf32>, tensor<5xi64>) -> tensor<?x4x?x4x?xf32>
  %69 = model.trilu %8, %7 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %70 = model.not %69 : tensor<4x4xi1>
  %71 = model.where %70, %6, %68 : (tensor<4x4xi1>, tensor<f32>, tensor<?x4x?x4x?xf32>) -> tensor<?x4x?x4x4xf32>
  %72 = model.cumsum %71, %5 : (tensor<?x4x?x4x4xf32>, tensor<i32>) -> tensor<?x4x?x4x4xf32>
  %73 = model.trilu %8, %19 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %74 = model.not %73 : tensor<4x4xi1>
  %75 = model.where %74, %4, %72 : (tensor<4x4xi1>, tensor<f32>, tensor<?x4x?x4x4xf32>) -> tensor<?x4x?x4x4xf32>
  %76 = model.exp %75 : tensor<?x4x?x4x4xf32>
  %77 = model.einsum "bclhn,bcshn,bhcls,bcshp->bclhp" %55, %46, %76, %28 : (tensor<?x?x4x4x6xf32>, tensor<?x?x4x4x6xf32>, tensor<?x4x?x4x4xf32>, tensor<?x?x4x4x8xf32>) -> tensor<?x?x4x4x8xf32>
  %78 = model.slice %57 {axes = array<i64: 3>, ends = array<i64: 9223372036854775807>, starts = array<i64: -1>, steps = array<i64: 1>} : (tensor<?x4x?x4xf32>) -> tensor<?x4x?x1xf32>
  %79 = model.sub %78, %57 : (tensor<?x4x?x1xf32>, tensor<?x4x?x4xf32>) -> tensor<?x4x?x4xf32>
  %80 = model.exp %79 : tensor<?x4x?x4xf32>
  %81 = model.einsum "bclhn,bhcl,bclhp->bchpn" %46, %80, %28 : (tensor<?x?x4x4x6xf32>, tensor<?x4x?x4xf32>, tensor<?x?x4x4x8xf32>) -> tensor<?x?x4x8x6xf32>
  %82 = model.slice %81 {axes = array<i64: 1>, ends = array<i64: 1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<?x?x4x8x6xf32>) -> tensor<?x?x4x8x6xf32>
  %83 = model.shape %82 : (tensor<?x?x4x8x6xf32>) -> tensor<5xi64>
  %84 = model.constant_of_shape %83 {value = 0.000000e+00 : f32} : (tensor<5xi64>) -> tensor<?x?x?x?x?xf32>
  %85 = model.concat %84, %81 {axis = 1 : i64} : (tensor<?x?x?x?x?xf32>, tensor<?x?x4x8x6xf32>) -> tensor<?x?x4x8x6xf32>
  %86 = model.gather %57, %7 {axis = 3 : i64} : (tensor<?x4x?x4xf32>, tensor<i64>) -> tensor<?x4x?xf32>
  %87 = model.pad %86, %3 : (tensor<?x4x?xf32>, tensor<6xi64>) -> tensor<?x4x?xf32>
  %88 = model.shape %87 : (tensor<?x4x?xf32>) -> tensor<3xi64>
  %89 = model.slice %88 {axes = array<i64: 0>, ends = array<i64: 9223372036854775807>, starts = array<i64: -1>, steps = array<i64: 1>} : (tensor<3xi64>) -> tensor<1xi64>
  %90 = model.unsqueeze %87 {axes = array<i64: 3>} : (tensor<?x4x?xf32>) -> tensor<?x4x?x1xf32>
  %91 = model.shape %87 : (tensor<?x4x?xf32>) -> tensor<3xi64>
  %92 = model.gather %91, %19 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %93 = model.shape %87 : (tensor<?x4x?xf32>) -> tensor<3xi64>
  %94 = model.gather %93, %12 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %95 = model.unsqueeze %92 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %96 = model.unsqueeze %94 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %97 = model.concat %95, %11, %96, %89 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4xi64>
  %98 = model.equal %97, %1 : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  %99 = model.where %98, %2, %97 : (tensor<4xi1>, tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %100 = model.expand %90, %99 : (tensor<?x4x?x1xf32>, tensor<4xi64>) -> tensor<?x4x?x?xf32>
  %101 = model.concat %89, %89 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %102 = model.constant_of_shape %101 {value = true} : (tensor<2xi64>) -> tensor<?x?xi1>
  %103 = model.trilu %102, %7 {upper = false} : (tensor<?x?xi1>, tensor<i64>) -> tensor<?x?xi1>
  %104 = model.not %103 : tensor<?x?xi1>
  %105 = model.where %104, %6, %100 : (tensor<?x?xi1>, tensor<f32>, tensor<?x4x?x?xf32>) -> tensor<?x4x?x?xf32>
  %106 = model.cumsum %105, %5 : (tensor<?x4x?x?xf32>, tensor<i32>) -> tensor<?x4x?x?xf32>
  %107 = model.trilu %102, %19 {upper = false} : (tensor<?x?xi1>, tensor<i64>) -> tensor<?x?xi1>
  %108 = model.not %107 : tensor<?x?xi1>
  %109 = model.where %108, %4, %106 : (tensor<?x?xi1>, tensor<f32>, tensor<?x4x?x?xf32>) -> tensor<?x4x?x?xf32>
  %110 = model.exp %109 : tensor<?x4x?x?xf32>
  %111 = model.einsum "bhzc,bchpn->bzhpn" %110, %85 : (tensor<?x4x?x?xf32>, tensor<?x?x4x8x6xf32>) -> tensor<?x?x4x8x6xf32>
  %112 = model.slice %111 {axes = array<i64: 1>, ends = array<i64: -1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<?x?x4x8x6xf32>) -> tensor<?x?x4x8x6xf32>
  %113 = model.gather %111, %7 {axis = 1 : i64} : (tensor<?x?x4x8x6xf32>, tensor<i64>) -> tensor<?x4x8x6xf32>
  %114 = model.exp %57 : tensor<?x4x?x4xf32>
  %115 = model.einsum "bclhn,bchpn,bhcl->bclhp" %55, %112, %114 : (tensor<?x?x4x4x6xf32>, tensor<?x?x4x8x6xf32>, tensor<?x4x?x4xf32>) -> tensor<?x?x4x4x8xf32>
  %116 = model.add %77, %115 : (tensor<?x?x4x4x8xf32>, tensor<?x?x4x4x8xf32>) -> tensor<?x?x4x4x8xf32>
  %117 = model.unsqueeze %21 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %118 = model.unsqueeze %23 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %119 = model.concat %117, %118, %0 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<4xi64>
  %120 = model.dynamic_reshape %116, %119 : (tensor<?x?x4x4x8xf32>, tensor<4xi64>) -> tensor<?x?x4x8xf32>
  return %120, %113 : tensor<?x?x4x8xf32>, tensor<?x4x8x6xf32>
}

// -----

/// Near miss: the run-time-size mask after the cumsum keeps the strictly
/// lower triangle's complement (upper = true): that is not a segsum, so the
/// scan stays decomposed.
// CHECK-LABEL: func @wrong_triangle
// CHECK-NOT: fused.ssd
// CHECK: model.einsum

func.func @wrong_triangle(%arg0: tensor<?x?x4x8xf32> {model.dims = #model.dims<[batch, seq, 4, 8]>, model.name = "input_0"}, %arg1: tensor<?x?x4xf32> {model.dims = #model.dims<[batch, seq, 4]>, model.name = "input_1"}, %arg2: tensor<?x?x4x6xf32> {model.dims = #model.dims<[batch, seq, 4, 6]>, model.name = "input_2"}, %arg3: tensor<?x?x4x6xf32> {model.dims = #model.dims<[batch, seq, 4, 6]>, model.name = "input_3"}) -> (tensor<?x?x4x8xf32> {model.dims = #model.dims<[batch, seq, 4, 8]>, model.name = "output_0"}, tensor<?x4x8x6xf32> {model.dims = #model.dims<[batch, 4, 8, 6]>, model.name = "output_1"}) {
  %0 = model.constant dense<[4, 8]> : tensor<2xi64>
  %1 = model.constant dense<-1> : tensor<4xi64>
  %2 = model.constant dense<1> : tensor<4xi64>
  %3 = model.constant dense<[0, 0, 1, 0, 0, 0]> : tensor<6xi64>
  %4 = model.constant dense<0xFF800000> : tensor<f32>
  %5 = model.constant dense<-2> : tensor<i32>
  %6 = model.constant dense<0.000000e+00> : tensor<f32>
  %7 = model.constant dense<-1> : tensor<i64>
  %8 = model.constant dense<true> : tensor<4x4xi1>
  %9 = model.constant dense<-1> : tensor<5xi64>
  %10 = model.constant dense<1> : tensor<5xi64>
  %11 = model.constant dense<4> : tensor<1xi64>
  %12 = model.constant dense<2> : tensor<i64>
  %13 = model.constant dense<-1> : tensor<i32>
  %14 = model.constant dense<[4, 4, 6]> : tensor<3xi64>
  %15 = model.constant dense<4> : tensor<2xi64>
  %16 = model.constant dense<[4, 4, 8]> : tensor<3xi64>
  %17 = model.constant dense<4> : tensor<i64>
  %18 = model.constant dense<1> : tensor<i64>
  %19 = model.constant dense<0> : tensor<i64>
  %20 = model.shape %arg0 : (tensor<?x?x4x8xf32>) -> tensor<4xi64>
  %21 = model.gather %20, %19 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %22 = model.shape %arg0 : (tensor<?x?x4x8xf32>) -> tensor<4xi64>
  %23 = model.gather %22, %18 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %24 = model.div %23, %17 : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %25 = model.unsqueeze %21 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %26 = model.unsqueeze %24 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %27 = model.concat %25, %26, %16 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<3xi64>) -> tensor<5xi64>
  %28 = model.dynamic_reshape %arg0, %27 : (tensor<?x?x4x8xf32>, tensor<5xi64>) -> tensor<?x?x4x4x8xf32>
  %29 = model.shape %arg1 : (tensor<?x?x4xf32>) -> tensor<3xi64>
  %30 = model.gather %29, %19 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %31 = model.shape %arg1 : (tensor<?x?x4xf32>) -> tensor<3xi64>
  %32 = model.gather %31, %18 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %33 = model.div %32, %17 : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %34 = model.unsqueeze %30 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %35 = model.unsqueeze %33 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %36 = model.concat %34, %35, %15 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<4xi64>
  %37 = model.dynamic_reshape %arg1, %36 : (tensor<?x?x4xf32>, tensor<4xi64>) -> tensor<?x?x4x4xf32>
  %38 = model.shape %arg2 : (tensor<?x?x4x6xf32>) -> tensor<4xi64>
  %39 = model.gather %38, %19 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %40 = model.shape %arg2 : (tensor<?x?x4x6xf32>) -> tensor<4xi64>
  %41 = model.gather %40, %18 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %42 = model.div %41, %17 : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %43 = model.unsqueeze %39 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %44 = model.unsqueeze %42 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %45 = model.concat %43, %44, %14 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<3xi64>) -> tensor<5xi64>
  %46 = model.dynamic_reshape %arg2, %45 : (tensor<?x?x4x6xf32>, tensor<5xi64>) -> tensor<?x?x4x4x6xf32>
  %47 = model.shape %arg3 : (tensor<?x?x4x6xf32>) -> tensor<4xi64>
  %48 = model.gather %47, %19 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %49 = model.shape %arg3 : (tensor<?x?x4x6xf32>) -> tensor<4xi64>
  %50 = model.gather %49, %18 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %51 = model.div %50, %17 : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %52 = model.unsqueeze %48 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %53 = model.unsqueeze %51 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %54 = model.concat %52, %53, %14 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<3xi64>) -> tensor<5xi64>
  %55 = model.dynamic_reshape %arg3, %54 : (tensor<?x?x4x6xf32>, tensor<5xi64>) -> tensor<?x?x4x4x6xf32>
  %56 = model.transpose %37 {perm = array<i64: 0, 3, 1, 2>} : (tensor<?x?x4x4xf32>) -> tensor<?x4x?x4xf32>
  %57 = model.cumsum %56, %13 : (tensor<?x4x?x4xf32>, tensor<i32>) -> tensor<?x4x?x4xf32>
  %58 = model.unsqueeze %56 {axes = array<i64: 4>} : (tensor<?x4x?x4xf32>) -> tensor<?x4x?x4x1xf32>
  %59 = model.shape %56 : (tensor<?x4x?x4xf32>) -> tensor<4xi64>
  %60 = model.gather %59, %19 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %61 = model.shape %56 : (tensor<?x4x?x4xf32>) -> tensor<4xi64>
  %62 = model.gather %61, %12 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %63 = model.unsqueeze %60 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %64 = model.unsqueeze %62 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %65 = model.concat %63, %11, %64, %15 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<5xi64>
  %66 = model.equal %65, %9 : (tensor<5xi64>, tensor<5xi64>) -> tensor<5xi1>
  %67 = model.where %66, %10, %65 : (tensor<5xi1>, tensor<5xi64>, tensor<5xi64>) -> tensor<5xi64>
  %68 = model.expand %58, %67 : (tensor<?x4x?x4x1xf32>, tensor<5xi64>) -> tensor<?x4x?x4x?xf32>
  %69 = model.trilu %8, %7 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %70 = model.not %69 : tensor<4x4xi1>
  %71 = model.where %70, %6, %68 : (tensor<4x4xi1>, tensor<f32>, tensor<?x4x?x4x?xf32>) -> tensor<?x4x?x4x4xf32>
  %72 = model.cumsum %71, %5 : (tensor<?x4x?x4x4xf32>, tensor<i32>) -> tensor<?x4x?x4x4xf32>
  %73 = model.trilu %8, %19 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %74 = model.not %73 : tensor<4x4xi1>
  %75 = model.where %74, %4, %72 : (tensor<4x4xi1>, tensor<f32>, tensor<?x4x?x4x4xf32>) -> tensor<?x4x?x4x4xf32>
  %76 = model.exp %75 : tensor<?x4x?x4x4xf32>
  %77 = model.einsum "bclhn,bcshn,bhcls,bcshp->bclhp" %55, %46, %76, %28 : (tensor<?x?x4x4x6xf32>, tensor<?x?x4x4x6xf32>, tensor<?x4x?x4x4xf32>, tensor<?x?x4x4x8xf32>) -> tensor<?x?x4x4x8xf32>
  %78 = model.slice %57 {axes = array<i64: 3>, ends = array<i64: 9223372036854775807>, starts = array<i64: -1>, steps = array<i64: 1>} : (tensor<?x4x?x4xf32>) -> tensor<?x4x?x1xf32>
  %79 = model.sub %78, %57 : (tensor<?x4x?x1xf32>, tensor<?x4x?x4xf32>) -> tensor<?x4x?x4xf32>
  %80 = model.exp %79 : tensor<?x4x?x4xf32>
  %81 = model.einsum "bclhn,bhcl,bclhp->bchpn" %46, %80, %28 : (tensor<?x?x4x4x6xf32>, tensor<?x4x?x4xf32>, tensor<?x?x4x4x8xf32>) -> tensor<?x?x4x8x6xf32>
  %82 = model.slice %81 {axes = array<i64: 1>, ends = array<i64: 1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<?x?x4x8x6xf32>) -> tensor<?x?x4x8x6xf32>
  %83 = model.shape %82 : (tensor<?x?x4x8x6xf32>) -> tensor<5xi64>
  %84 = model.constant_of_shape %83 {value = 0.000000e+00 : f32} : (tensor<5xi64>) -> tensor<?x?x?x?x?xf32>
  %85 = model.concat %84, %81 {axis = 1 : i64} : (tensor<?x?x?x?x?xf32>, tensor<?x?x4x8x6xf32>) -> tensor<?x?x4x8x6xf32>
  %86 = model.gather %57, %7 {axis = 3 : i64} : (tensor<?x4x?x4xf32>, tensor<i64>) -> tensor<?x4x?xf32>
  %87 = model.pad %86, %3 : (tensor<?x4x?xf32>, tensor<6xi64>) -> tensor<?x4x?xf32>
  %88 = model.shape %87 : (tensor<?x4x?xf32>) -> tensor<3xi64>
  %89 = model.slice %88 {axes = array<i64: 0>, ends = array<i64: 9223372036854775807>, starts = array<i64: -1>, steps = array<i64: 1>} : (tensor<3xi64>) -> tensor<1xi64>
  %90 = model.unsqueeze %87 {axes = array<i64: 3>} : (tensor<?x4x?xf32>) -> tensor<?x4x?x1xf32>
  %91 = model.shape %87 : (tensor<?x4x?xf32>) -> tensor<3xi64>
  %92 = model.gather %91, %19 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %93 = model.shape %87 : (tensor<?x4x?xf32>) -> tensor<3xi64>
  %94 = model.gather %93, %12 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %95 = model.unsqueeze %92 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %96 = model.unsqueeze %94 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %97 = model.concat %95, %11, %96, %89 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4xi64>
  %98 = model.equal %97, %1 : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  %99 = model.where %98, %2, %97 : (tensor<4xi1>, tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %100 = model.expand %90, %99 : (tensor<?x4x?x1xf32>, tensor<4xi64>) -> tensor<?x4x?x?xf32>
  %101 = model.concat %89, %89 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %102 = model.constant_of_shape %101 {value = true} : (tensor<2xi64>) -> tensor<?x?xi1>
  %103 = model.trilu %102, %7 {upper = false} : (tensor<?x?xi1>, tensor<i64>) -> tensor<?x?xi1>
  %104 = model.not %103 : tensor<?x?xi1>
  %105 = model.where %104, %6, %100 : (tensor<?x?xi1>, tensor<f32>, tensor<?x4x?x?xf32>) -> tensor<?x4x?x?xf32>
  %106 = model.cumsum %105, %5 : (tensor<?x4x?x?xf32>, tensor<i32>) -> tensor<?x4x?x?xf32>
  %107 = model.trilu %102, %19 {upper = true} : (tensor<?x?xi1>, tensor<i64>) -> tensor<?x?xi1>
  %108 = model.not %107 : tensor<?x?xi1>
  %109 = model.where %108, %4, %106 : (tensor<?x?xi1>, tensor<f32>, tensor<?x4x?x?xf32>) -> tensor<?x4x?x?xf32>
  %110 = model.exp %109 : tensor<?x4x?x?xf32>
  %111 = model.einsum "bhzc,bchpn->bzhpn" %110, %85 : (tensor<?x4x?x?xf32>, tensor<?x?x4x8x6xf32>) -> tensor<?x?x4x8x6xf32>
  %112 = model.slice %111 {axes = array<i64: 1>, ends = array<i64: -1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<?x?x4x8x6xf32>) -> tensor<?x?x4x8x6xf32>
  %113 = model.gather %111, %7 {axis = 1 : i64} : (tensor<?x?x4x8x6xf32>, tensor<i64>) -> tensor<?x4x8x6xf32>
  %114 = model.exp %57 : tensor<?x4x?x4xf32>
  %115 = model.einsum "bclhn,bchpn,bhcl->bclhp" %55, %112, %114 : (tensor<?x?x4x4x6xf32>, tensor<?x?x4x8x6xf32>, tensor<?x4x?x4xf32>) -> tensor<?x?x4x4x8xf32>
  %116 = model.add %77, %115 : (tensor<?x?x4x4x8xf32>, tensor<?x?x4x4x8xf32>) -> tensor<?x?x4x4x8xf32>
  %117 = model.unsqueeze %21 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %118 = model.unsqueeze %23 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %119 = model.concat %117, %118, %0 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<4xi64>
  %120 = model.dynamic_reshape %116, %119 : (tensor<?x?x4x4x8xf32>, tensor<4xi64>) -> tensor<?x?x4x8xf32>
  return %120, %113 : tensor<?x?x4x8xf32>, tensor<?x4x8x6xf32>
}

// -----

/// Near miss: the run-time-size mask before the cumsum keeps the diagonal
/// (diagonal 0, not -1), so each segment sum would include its own start.
// CHECK-LABEL: func @wrong_diagonal
// CHECK-NOT: fused.ssd
// CHECK: model.einsum

func.func @wrong_diagonal(%arg0: tensor<?x?x4x8xf32> {model.dims = #model.dims<[batch, seq, 4, 8]>, model.name = "input_0"}, %arg1: tensor<?x?x4xf32> {model.dims = #model.dims<[batch, seq, 4]>, model.name = "input_1"}, %arg2: tensor<?x?x4x6xf32> {model.dims = #model.dims<[batch, seq, 4, 6]>, model.name = "input_2"}, %arg3: tensor<?x?x4x6xf32> {model.dims = #model.dims<[batch, seq, 4, 6]>, model.name = "input_3"}) -> (tensor<?x?x4x8xf32> {model.dims = #model.dims<[batch, seq, 4, 8]>, model.name = "output_0"}, tensor<?x4x8x6xf32> {model.dims = #model.dims<[batch, 4, 8, 6]>, model.name = "output_1"}) {
  %0 = model.constant dense<[4, 8]> : tensor<2xi64>
  %1 = model.constant dense<-1> : tensor<4xi64>
  %2 = model.constant dense<1> : tensor<4xi64>
  %3 = model.constant dense<[0, 0, 1, 0, 0, 0]> : tensor<6xi64>
  %4 = model.constant dense<0xFF800000> : tensor<f32>
  %5 = model.constant dense<-2> : tensor<i32>
  %6 = model.constant dense<0.000000e+00> : tensor<f32>
  %7 = model.constant dense<-1> : tensor<i64>
  %8 = model.constant dense<true> : tensor<4x4xi1>
  %9 = model.constant dense<-1> : tensor<5xi64>
  %10 = model.constant dense<1> : tensor<5xi64>
  %11 = model.constant dense<4> : tensor<1xi64>
  %12 = model.constant dense<2> : tensor<i64>
  %13 = model.constant dense<-1> : tensor<i32>
  %14 = model.constant dense<[4, 4, 6]> : tensor<3xi64>
  %15 = model.constant dense<4> : tensor<2xi64>
  %16 = model.constant dense<[4, 4, 8]> : tensor<3xi64>
  %17 = model.constant dense<4> : tensor<i64>
  %18 = model.constant dense<1> : tensor<i64>
  %19 = model.constant dense<0> : tensor<i64>
  %20 = model.shape %arg0 : (tensor<?x?x4x8xf32>) -> tensor<4xi64>
  %21 = model.gather %20, %19 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %22 = model.shape %arg0 : (tensor<?x?x4x8xf32>) -> tensor<4xi64>
  %23 = model.gather %22, %18 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %24 = model.div %23, %17 : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %25 = model.unsqueeze %21 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %26 = model.unsqueeze %24 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %27 = model.concat %25, %26, %16 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<3xi64>) -> tensor<5xi64>
  %28 = model.dynamic_reshape %arg0, %27 : (tensor<?x?x4x8xf32>, tensor<5xi64>) -> tensor<?x?x4x4x8xf32>
  %29 = model.shape %arg1 : (tensor<?x?x4xf32>) -> tensor<3xi64>
  %30 = model.gather %29, %19 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %31 = model.shape %arg1 : (tensor<?x?x4xf32>) -> tensor<3xi64>
  %32 = model.gather %31, %18 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %33 = model.div %32, %17 : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %34 = model.unsqueeze %30 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %35 = model.unsqueeze %33 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %36 = model.concat %34, %35, %15 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<4xi64>
  %37 = model.dynamic_reshape %arg1, %36 : (tensor<?x?x4xf32>, tensor<4xi64>) -> tensor<?x?x4x4xf32>
  %38 = model.shape %arg2 : (tensor<?x?x4x6xf32>) -> tensor<4xi64>
  %39 = model.gather %38, %19 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %40 = model.shape %arg2 : (tensor<?x?x4x6xf32>) -> tensor<4xi64>
  %41 = model.gather %40, %18 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %42 = model.div %41, %17 : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %43 = model.unsqueeze %39 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %44 = model.unsqueeze %42 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %45 = model.concat %43, %44, %14 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<3xi64>) -> tensor<5xi64>
  %46 = model.dynamic_reshape %arg2, %45 : (tensor<?x?x4x6xf32>, tensor<5xi64>) -> tensor<?x?x4x4x6xf32>
  %47 = model.shape %arg3 : (tensor<?x?x4x6xf32>) -> tensor<4xi64>
  %48 = model.gather %47, %19 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %49 = model.shape %arg3 : (tensor<?x?x4x6xf32>) -> tensor<4xi64>
  %50 = model.gather %49, %18 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %51 = model.div %50, %17 : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %52 = model.unsqueeze %48 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %53 = model.unsqueeze %51 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %54 = model.concat %52, %53, %14 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<3xi64>) -> tensor<5xi64>
  %55 = model.dynamic_reshape %arg3, %54 : (tensor<?x?x4x6xf32>, tensor<5xi64>) -> tensor<?x?x4x4x6xf32>
  %56 = model.transpose %37 {perm = array<i64: 0, 3, 1, 2>} : (tensor<?x?x4x4xf32>) -> tensor<?x4x?x4xf32>
  %57 = model.cumsum %56, %13 : (tensor<?x4x?x4xf32>, tensor<i32>) -> tensor<?x4x?x4xf32>
  %58 = model.unsqueeze %56 {axes = array<i64: 4>} : (tensor<?x4x?x4xf32>) -> tensor<?x4x?x4x1xf32>
  %59 = model.shape %56 : (tensor<?x4x?x4xf32>) -> tensor<4xi64>
  %60 = model.gather %59, %19 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %61 = model.shape %56 : (tensor<?x4x?x4xf32>) -> tensor<4xi64>
  %62 = model.gather %61, %12 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %63 = model.unsqueeze %60 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %64 = model.unsqueeze %62 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %65 = model.concat %63, %11, %64, %15 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<5xi64>
  %66 = model.equal %65, %9 : (tensor<5xi64>, tensor<5xi64>) -> tensor<5xi1>
  %67 = model.where %66, %10, %65 : (tensor<5xi1>, tensor<5xi64>, tensor<5xi64>) -> tensor<5xi64>
  %68 = model.expand %58, %67 : (tensor<?x4x?x4x1xf32>, tensor<5xi64>) -> tensor<?x4x?x4x?xf32>
  %69 = model.trilu %8, %7 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %70 = model.not %69 : tensor<4x4xi1>
  %71 = model.where %70, %6, %68 : (tensor<4x4xi1>, tensor<f32>, tensor<?x4x?x4x?xf32>) -> tensor<?x4x?x4x4xf32>
  %72 = model.cumsum %71, %5 : (tensor<?x4x?x4x4xf32>, tensor<i32>) -> tensor<?x4x?x4x4xf32>
  %73 = model.trilu %8, %19 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %74 = model.not %73 : tensor<4x4xi1>
  %75 = model.where %74, %4, %72 : (tensor<4x4xi1>, tensor<f32>, tensor<?x4x?x4x4xf32>) -> tensor<?x4x?x4x4xf32>
  %76 = model.exp %75 : tensor<?x4x?x4x4xf32>
  %77 = model.einsum "bclhn,bcshn,bhcls,bcshp->bclhp" %55, %46, %76, %28 : (tensor<?x?x4x4x6xf32>, tensor<?x?x4x4x6xf32>, tensor<?x4x?x4x4xf32>, tensor<?x?x4x4x8xf32>) -> tensor<?x?x4x4x8xf32>
  %78 = model.slice %57 {axes = array<i64: 3>, ends = array<i64: 9223372036854775807>, starts = array<i64: -1>, steps = array<i64: 1>} : (tensor<?x4x?x4xf32>) -> tensor<?x4x?x1xf32>
  %79 = model.sub %78, %57 : (tensor<?x4x?x1xf32>, tensor<?x4x?x4xf32>) -> tensor<?x4x?x4xf32>
  %80 = model.exp %79 : tensor<?x4x?x4xf32>
  %81 = model.einsum "bclhn,bhcl,bclhp->bchpn" %46, %80, %28 : (tensor<?x?x4x4x6xf32>, tensor<?x4x?x4xf32>, tensor<?x?x4x4x8xf32>) -> tensor<?x?x4x8x6xf32>
  %82 = model.slice %81 {axes = array<i64: 1>, ends = array<i64: 1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<?x?x4x8x6xf32>) -> tensor<?x?x4x8x6xf32>
  %83 = model.shape %82 : (tensor<?x?x4x8x6xf32>) -> tensor<5xi64>
  %84 = model.constant_of_shape %83 {value = 0.000000e+00 : f32} : (tensor<5xi64>) -> tensor<?x?x?x?x?xf32>
  %85 = model.concat %84, %81 {axis = 1 : i64} : (tensor<?x?x?x?x?xf32>, tensor<?x?x4x8x6xf32>) -> tensor<?x?x4x8x6xf32>
  %86 = model.gather %57, %7 {axis = 3 : i64} : (tensor<?x4x?x4xf32>, tensor<i64>) -> tensor<?x4x?xf32>
  %87 = model.pad %86, %3 : (tensor<?x4x?xf32>, tensor<6xi64>) -> tensor<?x4x?xf32>
  %88 = model.shape %87 : (tensor<?x4x?xf32>) -> tensor<3xi64>
  %89 = model.slice %88 {axes = array<i64: 0>, ends = array<i64: 9223372036854775807>, starts = array<i64: -1>, steps = array<i64: 1>} : (tensor<3xi64>) -> tensor<1xi64>
  %90 = model.unsqueeze %87 {axes = array<i64: 3>} : (tensor<?x4x?xf32>) -> tensor<?x4x?x1xf32>
  %91 = model.shape %87 : (tensor<?x4x?xf32>) -> tensor<3xi64>
  %92 = model.gather %91, %19 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %93 = model.shape %87 : (tensor<?x4x?xf32>) -> tensor<3xi64>
  %94 = model.gather %93, %12 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %95 = model.unsqueeze %92 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %96 = model.unsqueeze %94 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %97 = model.concat %95, %11, %96, %89 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4xi64>
  %98 = model.equal %97, %1 : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  %99 = model.where %98, %2, %97 : (tensor<4xi1>, tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %100 = model.expand %90, %99 : (tensor<?x4x?x1xf32>, tensor<4xi64>) -> tensor<?x4x?x?xf32>
  %101 = model.concat %89, %89 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %102 = model.constant_of_shape %101 {value = true} : (tensor<2xi64>) -> tensor<?x?xi1>
  %103 = model.trilu %102, %19 {upper = false} : (tensor<?x?xi1>, tensor<i64>) -> tensor<?x?xi1>
  %104 = model.not %103 : tensor<?x?xi1>
  %105 = model.where %104, %6, %100 : (tensor<?x?xi1>, tensor<f32>, tensor<?x4x?x?xf32>) -> tensor<?x4x?x?xf32>
  %106 = model.cumsum %105, %5 : (tensor<?x4x?x?xf32>, tensor<i32>) -> tensor<?x4x?x?xf32>
  %107 = model.trilu %102, %19 {upper = false} : (tensor<?x?xi1>, tensor<i64>) -> tensor<?x?xi1>
  %108 = model.not %107 : tensor<?x?xi1>
  %109 = model.where %108, %4, %106 : (tensor<?x?xi1>, tensor<f32>, tensor<?x4x?x?xf32>) -> tensor<?x4x?x?xf32>
  %110 = model.exp %109 : tensor<?x4x?x?xf32>
  %111 = model.einsum "bhzc,bchpn->bzhpn" %110, %85 : (tensor<?x4x?x?xf32>, tensor<?x?x4x8x6xf32>) -> tensor<?x?x4x8x6xf32>
  %112 = model.slice %111 {axes = array<i64: 1>, ends = array<i64: -1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<?x?x4x8x6xf32>) -> tensor<?x?x4x8x6xf32>
  %113 = model.gather %111, %7 {axis = 1 : i64} : (tensor<?x?x4x8x6xf32>, tensor<i64>) -> tensor<?x4x8x6xf32>
  %114 = model.exp %57 : tensor<?x4x?x4xf32>
  %115 = model.einsum "bclhn,bchpn,bhcl->bclhp" %55, %112, %114 : (tensor<?x?x4x4x6xf32>, tensor<?x?x4x8x6xf32>, tensor<?x4x?x4xf32>) -> tensor<?x?x4x4x8xf32>
  %116 = model.add %77, %115 : (tensor<?x?x4x4x8xf32>, tensor<?x?x4x4x8xf32>) -> tensor<?x?x4x4x8xf32>
  %117 = model.unsqueeze %21 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %118 = model.unsqueeze %23 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %119 = model.concat %117, %118, %0 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<4xi64>
  %120 = model.dynamic_reshape %116, %119 : (tensor<?x?x4x4x8xf32>, tensor<4xi64>) -> tensor<?x?x4x8xf32>
  return %120, %113 : tensor<?x?x4x8xf32>, tensor<?x4x8x6xf32>
}

// -----

/// Near miss: X is chunked into l // 2 chunks of 4, which is not the chunk
/// count of the chunk size (l // 4).
// CHECK-LABEL: func @chunk_count_of_other_size
// CHECK-NOT: fused.ssd
// CHECK: model.einsum

func.func @chunk_count_of_other_size(%arg0: tensor<?x?x4x8xf32> {model.dims = #model.dims<[batch, seq, 4, 8]>, model.name = "input_0"}, %arg1: tensor<?x?x4xf32> {model.dims = #model.dims<[batch, seq, 4]>, model.name = "input_1"}, %arg2: tensor<?x?x4x6xf32> {model.dims = #model.dims<[batch, seq, 4, 6]>, model.name = "input_2"}, %arg3: tensor<?x?x4x6xf32> {model.dims = #model.dims<[batch, seq, 4, 6]>, model.name = "input_3"}) -> (tensor<?x?x4x8xf32> {model.dims = #model.dims<[batch, seq, 4, 8]>, model.name = "output_0"}, tensor<?x4x8x6xf32> {model.dims = #model.dims<[batch, 4, 8, 6]>, model.name = "output_1"}) {
  %0 = model.constant dense<[4, 8]> : tensor<2xi64>
  %1 = model.constant dense<-1> : tensor<4xi64>
  %2 = model.constant dense<1> : tensor<4xi64>
  %3 = model.constant dense<[0, 0, 1, 0, 0, 0]> : tensor<6xi64>
  %4 = model.constant dense<0xFF800000> : tensor<f32>
  %5 = model.constant dense<-2> : tensor<i32>
  %6 = model.constant dense<0.000000e+00> : tensor<f32>
  %7 = model.constant dense<-1> : tensor<i64>
  %8 = model.constant dense<true> : tensor<4x4xi1>
  %9 = model.constant dense<-1> : tensor<5xi64>
  %10 = model.constant dense<1> : tensor<5xi64>
  %11 = model.constant dense<4> : tensor<1xi64>
  %12 = model.constant dense<2> : tensor<i64>
  %13 = model.constant dense<-1> : tensor<i32>
  %14 = model.constant dense<[4, 4, 6]> : tensor<3xi64>
  %15 = model.constant dense<4> : tensor<2xi64>
  %16 = model.constant dense<[4, 4, 8]> : tensor<3xi64>
  %17 = model.constant dense<4> : tensor<i64>
  %18 = model.constant dense<1> : tensor<i64>
  %19 = model.constant dense<0> : tensor<i64>
  %20 = model.shape %arg0 : (tensor<?x?x4x8xf32>) -> tensor<4xi64>
  %21 = model.gather %20, %19 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %22 = model.shape %arg0 : (tensor<?x?x4x8xf32>) -> tensor<4xi64>
  %23 = model.gather %22, %18 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %two = model.constant dense<2> : tensor<i64>
  %24 = model.div %23, %two : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %25 = model.unsqueeze %21 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %26 = model.unsqueeze %24 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %27 = model.concat %25, %26, %16 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<3xi64>) -> tensor<5xi64>
  %28 = model.dynamic_reshape %arg0, %27 : (tensor<?x?x4x8xf32>, tensor<5xi64>) -> tensor<?x?x4x4x8xf32>
  %29 = model.shape %arg1 : (tensor<?x?x4xf32>) -> tensor<3xi64>
  %30 = model.gather %29, %19 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %31 = model.shape %arg1 : (tensor<?x?x4xf32>) -> tensor<3xi64>
  %32 = model.gather %31, %18 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %33 = model.div %32, %17 : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %34 = model.unsqueeze %30 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %35 = model.unsqueeze %33 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %36 = model.concat %34, %35, %15 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<4xi64>
  %37 = model.dynamic_reshape %arg1, %36 : (tensor<?x?x4xf32>, tensor<4xi64>) -> tensor<?x?x4x4xf32>
  %38 = model.shape %arg2 : (tensor<?x?x4x6xf32>) -> tensor<4xi64>
  %39 = model.gather %38, %19 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %40 = model.shape %arg2 : (tensor<?x?x4x6xf32>) -> tensor<4xi64>
  %41 = model.gather %40, %18 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %42 = model.div %41, %17 : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %43 = model.unsqueeze %39 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %44 = model.unsqueeze %42 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %45 = model.concat %43, %44, %14 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<3xi64>) -> tensor<5xi64>
  %46 = model.dynamic_reshape %arg2, %45 : (tensor<?x?x4x6xf32>, tensor<5xi64>) -> tensor<?x?x4x4x6xf32>
  %47 = model.shape %arg3 : (tensor<?x?x4x6xf32>) -> tensor<4xi64>
  %48 = model.gather %47, %19 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %49 = model.shape %arg3 : (tensor<?x?x4x6xf32>) -> tensor<4xi64>
  %50 = model.gather %49, %18 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %51 = model.div %50, %17 : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %52 = model.unsqueeze %48 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %53 = model.unsqueeze %51 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %54 = model.concat %52, %53, %14 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<3xi64>) -> tensor<5xi64>
  %55 = model.dynamic_reshape %arg3, %54 : (tensor<?x?x4x6xf32>, tensor<5xi64>) -> tensor<?x?x4x4x6xf32>
  %56 = model.transpose %37 {perm = array<i64: 0, 3, 1, 2>} : (tensor<?x?x4x4xf32>) -> tensor<?x4x?x4xf32>
  %57 = model.cumsum %56, %13 : (tensor<?x4x?x4xf32>, tensor<i32>) -> tensor<?x4x?x4xf32>
  %58 = model.unsqueeze %56 {axes = array<i64: 4>} : (tensor<?x4x?x4xf32>) -> tensor<?x4x?x4x1xf32>
  %59 = model.shape %56 : (tensor<?x4x?x4xf32>) -> tensor<4xi64>
  %60 = model.gather %59, %19 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %61 = model.shape %56 : (tensor<?x4x?x4xf32>) -> tensor<4xi64>
  %62 = model.gather %61, %12 {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %63 = model.unsqueeze %60 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %64 = model.unsqueeze %62 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %65 = model.concat %63, %11, %64, %15 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<5xi64>
  %66 = model.equal %65, %9 : (tensor<5xi64>, tensor<5xi64>) -> tensor<5xi1>
  %67 = model.where %66, %10, %65 : (tensor<5xi1>, tensor<5xi64>, tensor<5xi64>) -> tensor<5xi64>
  %68 = model.expand %58, %67 : (tensor<?x4x?x4x1xf32>, tensor<5xi64>) -> tensor<?x4x?x4x?xf32>
  %69 = model.trilu %8, %7 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %70 = model.not %69 : tensor<4x4xi1>
  %71 = model.where %70, %6, %68 : (tensor<4x4xi1>, tensor<f32>, tensor<?x4x?x4x?xf32>) -> tensor<?x4x?x4x4xf32>
  %72 = model.cumsum %71, %5 : (tensor<?x4x?x4x4xf32>, tensor<i32>) -> tensor<?x4x?x4x4xf32>
  %73 = model.trilu %8, %19 {upper = false} : (tensor<4x4xi1>, tensor<i64>) -> tensor<4x4xi1>
  %74 = model.not %73 : tensor<4x4xi1>
  %75 = model.where %74, %4, %72 : (tensor<4x4xi1>, tensor<f32>, tensor<?x4x?x4x4xf32>) -> tensor<?x4x?x4x4xf32>
  %76 = model.exp %75 : tensor<?x4x?x4x4xf32>
  %77 = model.einsum "bclhn,bcshn,bhcls,bcshp->bclhp" %55, %46, %76, %28 : (tensor<?x?x4x4x6xf32>, tensor<?x?x4x4x6xf32>, tensor<?x4x?x4x4xf32>, tensor<?x?x4x4x8xf32>) -> tensor<?x?x4x4x8xf32>
  %78 = model.slice %57 {axes = array<i64: 3>, ends = array<i64: 9223372036854775807>, starts = array<i64: -1>, steps = array<i64: 1>} : (tensor<?x4x?x4xf32>) -> tensor<?x4x?x1xf32>
  %79 = model.sub %78, %57 : (tensor<?x4x?x1xf32>, tensor<?x4x?x4xf32>) -> tensor<?x4x?x4xf32>
  %80 = model.exp %79 : tensor<?x4x?x4xf32>
  %81 = model.einsum "bclhn,bhcl,bclhp->bchpn" %46, %80, %28 : (tensor<?x?x4x4x6xf32>, tensor<?x4x?x4xf32>, tensor<?x?x4x4x8xf32>) -> tensor<?x?x4x8x6xf32>
  %82 = model.slice %81 {axes = array<i64: 1>, ends = array<i64: 1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<?x?x4x8x6xf32>) -> tensor<?x?x4x8x6xf32>
  %83 = model.shape %82 : (tensor<?x?x4x8x6xf32>) -> tensor<5xi64>
  %84 = model.constant_of_shape %83 {value = 0.000000e+00 : f32} : (tensor<5xi64>) -> tensor<?x?x?x?x?xf32>
  %85 = model.concat %84, %81 {axis = 1 : i64} : (tensor<?x?x?x?x?xf32>, tensor<?x?x4x8x6xf32>) -> tensor<?x?x4x8x6xf32>
  %86 = model.gather %57, %7 {axis = 3 : i64} : (tensor<?x4x?x4xf32>, tensor<i64>) -> tensor<?x4x?xf32>
  %87 = model.pad %86, %3 : (tensor<?x4x?xf32>, tensor<6xi64>) -> tensor<?x4x?xf32>
  %88 = model.shape %87 : (tensor<?x4x?xf32>) -> tensor<3xi64>
  %89 = model.slice %88 {axes = array<i64: 0>, ends = array<i64: 9223372036854775807>, starts = array<i64: -1>, steps = array<i64: 1>} : (tensor<3xi64>) -> tensor<1xi64>
  %90 = model.unsqueeze %87 {axes = array<i64: 3>} : (tensor<?x4x?xf32>) -> tensor<?x4x?x1xf32>
  %91 = model.shape %87 : (tensor<?x4x?xf32>) -> tensor<3xi64>
  %92 = model.gather %91, %19 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %93 = model.shape %87 : (tensor<?x4x?xf32>) -> tensor<3xi64>
  %94 = model.gather %93, %12 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %95 = model.unsqueeze %92 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %96 = model.unsqueeze %94 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %97 = model.concat %95, %11, %96, %89 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4xi64>
  %98 = model.equal %97, %1 : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi1>
  %99 = model.where %98, %2, %97 : (tensor<4xi1>, tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %100 = model.expand %90, %99 : (tensor<?x4x?x1xf32>, tensor<4xi64>) -> tensor<?x4x?x?xf32>
  %101 = model.concat %89, %89 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %102 = model.constant_of_shape %101 {value = true} : (tensor<2xi64>) -> tensor<?x?xi1>
  %103 = model.trilu %102, %7 {upper = false} : (tensor<?x?xi1>, tensor<i64>) -> tensor<?x?xi1>
  %104 = model.not %103 : tensor<?x?xi1>
  %105 = model.where %104, %6, %100 : (tensor<?x?xi1>, tensor<f32>, tensor<?x4x?x?xf32>) -> tensor<?x4x?x?xf32>
  %106 = model.cumsum %105, %5 : (tensor<?x4x?x?xf32>, tensor<i32>) -> tensor<?x4x?x?xf32>
  %107 = model.trilu %102, %19 {upper = false} : (tensor<?x?xi1>, tensor<i64>) -> tensor<?x?xi1>
  %108 = model.not %107 : tensor<?x?xi1>
  %109 = model.where %108, %4, %106 : (tensor<?x?xi1>, tensor<f32>, tensor<?x4x?x?xf32>) -> tensor<?x4x?x?xf32>
  %110 = model.exp %109 : tensor<?x4x?x?xf32>
  %111 = model.einsum "bhzc,bchpn->bzhpn" %110, %85 : (tensor<?x4x?x?xf32>, tensor<?x?x4x8x6xf32>) -> tensor<?x?x4x8x6xf32>
  %112 = model.slice %111 {axes = array<i64: 1>, ends = array<i64: -1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<?x?x4x8x6xf32>) -> tensor<?x?x4x8x6xf32>
  %113 = model.gather %111, %7 {axis = 1 : i64} : (tensor<?x?x4x8x6xf32>, tensor<i64>) -> tensor<?x4x8x6xf32>
  %114 = model.exp %57 : tensor<?x4x?x4xf32>
  %115 = model.einsum "bclhn,bchpn,bhcl->bclhp" %55, %112, %114 : (tensor<?x?x4x4x6xf32>, tensor<?x?x4x8x6xf32>, tensor<?x4x?x4xf32>) -> tensor<?x?x4x4x8xf32>
  %116 = model.add %77, %115 : (tensor<?x?x4x4x8xf32>, tensor<?x?x4x4x8xf32>) -> tensor<?x?x4x4x8xf32>
  %117 = model.unsqueeze %21 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %118 = model.unsqueeze %23 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %119 = model.concat %117, %118, %0 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<4xi64>
  %120 = model.dynamic_reshape %116, %119 : (tensor<?x?x4x4x8xf32>, tensor<4xi64>) -> tensor<?x?x4x8xf32>
  return %120, %113 : tensor<?x?x4x8xf32>, tensor<?x4x8x6xf32>
}
