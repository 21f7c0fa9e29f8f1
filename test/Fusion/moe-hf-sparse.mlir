// RUN: kiln-opt %s --split-input-file --kiln-fuse-moe | FileCheck %s

/// Hugging Face's MixtralSparseMoeBlock loop as torch.onnx.export writes it
/// (test/e2e/generate_moe_fixtures.py HFMixtralSparse with 2 experts of
/// hidden 4, top-2, dynamic batch and sequence): per expert, torch.where of
/// its one-hot mask (non_zero), a gather of its tokens, the expert MLP times
/// the gathered routing weights, and index_add_ as a scatter into zeros added
/// onto the accumulator. The whole loop becomes one fused.moe.
// CHECK-LABEL: func.func @hf_sparse
// CHECK: fused.moe tokens(
// CHECK-SAME: {num_experts = 2 : i64, renormalize = true, top_k = 2 : i64}
// CHECK-NOT: model.non_zero
// CHECK-NOT: model.scatter_elements
// CHECK: return

func.func @hf_sparse(%arg0: tensor<?x?x4xf32> {model.dims = #model.dims<[batch, seq, 4]>, model.name = "input_0"}) -> (tensor<?x?x4xf32> {model.dims = #model.dims<[batch, seq, 4]>, model.name = "output_0"}) {
  %0 = model.shape %arg0 : (tensor<?x?x4xf32>) -> tensor<3xi64>
  %1 = model.constant dense<0> : tensor<i64>
  %2 = model.gather %0, %1 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %3 = model.shape %arg0 : (tensor<?x?x4xf32>) -> tensor<3xi64>
  %4 = model.constant dense<1> : tensor<i64>
  %5 = model.gather %3, %4 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %6 = model.reshape %arg0 {shape = array<i64: -1, 4>} : (tensor<?x?x4xf32>) -> tensor<?x4xf32>
  %7 = model.constant dense<0.25> : tensor<4x2xf32>
  %8 = model.matmul %6, %7 : (tensor<?x4xf32>, tensor<4x2xf32>) -> tensor<?x2xf32>
  %9 = model.softmax %8 {axis = 1 : i64} : tensor<?x2xf32>
  %10 = model.constant dense<2> : tensor<1xi64>
  %values, %indices = model.topk %9, %10 {axis = 1 : i64} : (tensor<?x2xf32>, tensor<1xi64>) -> (tensor<?x2xf32>, tensor<?x2xi64>)
  %11 = model.reduce_sum %values {axes = array<i64: 1>} : (tensor<?x2xf32>) -> tensor<?x1xf32>
  %12 = model.div %values, %11 : (tensor<?x2xf32>, tensor<?x1xf32>) -> tensor<?x2xf32>
  %13 = model.mul %2, %5 : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %14 = model.unsqueeze %13 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %15 = model.constant dense<4> : tensor<1xi64>
  %16 = model.concat %14, %15 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %17 = model.constant dense<2> : tensor<i64>
  %18 = model.constant dense<[0, 1]> : tensor<2xi64>
  %19 = model.one_hot %indices, %17, %18 {axis = 2 : i64} : (tensor<?x2xi64>, tensor<i64>, tensor<2xi64>) -> tensor<?x2x2xi64>
  %20 = model.transpose %19 {perm = array<i64: 2, 1, 0>} : (tensor<?x2x2xi64>) -> tensor<2x2x?xi64>
  %21 = model.constant dense<0> : tensor<i64>
  %22 = model.gather %20, %21 {axis = 0 : i64} : (tensor<2x2x?xi64>, tensor<i64>) -> tensor<2x?xi64>
  %23 = model.cast %22 to i1 : tensor<2x?xi64> -> tensor<2x?xi1>
  %24 = model.non_zero %23 : (tensor<2x?xi1>) -> tensor<2x?xi64>
  %25 = model.transpose %24 {perm = array<i64: 1, 0>} : (tensor<2x?xi64>) -> tensor<?x2xi64>
  %26 = model.slice %25 {axes = array<i64: 1>, ends = array<i64: 1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<?x2xi64>) -> tensor<?x1xi64>
  %27 = model.slice %25 {axes = array<i64: 1>, ends = array<i64: 2>, starts = array<i64: 1>, steps = array<i64: 1>} : (tensor<?x2xi64>) -> tensor<?x1xi64>
  %28 = model.squeeze %26 {axes = array<i64: 1>} : (tensor<?x1xi64>) -> tensor<?xi64>
  %29 = model.squeeze %27 {axes = array<i64: 1>} : (tensor<?x1xi64>) -> tensor<?xi64>
  %30 = model.unsqueeze %6 {axes = array<i64: 0>} : (tensor<?x4xf32>) -> tensor<1x?x4xf32>
  %31 = model.gather %30, %29 {axis = 1 : i64} : (tensor<1x?x4xf32>, tensor<?xi64>) -> tensor<1x?x4xf32>
  %32 = model.reshape %31 {shape = array<i64: -1, 4>} : (tensor<1x?x4xf32>) -> tensor<?x4xf32>
  %33 = model.constant dense<-0.5> : tensor<4x4xf32>
  %34 = model.matmul %32, %33 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %35 = model.sigmoid %34 : tensor<?x4xf32>
  %36 = model.mul %34, %35 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %37 = model.constant dense<0.125> : tensor<4x4xf32>
  %38 = model.matmul %32, %37 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %39 = model.mul %36, %38 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %40 = model.constant dense<0.75> : tensor<4x4xf32>
  %41 = model.matmul %39, %40 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %42 = model.reshape %12 {shape = array<i64: -1, 1>} : (tensor<?x2xf32>) -> tensor<?x1xf32>
  %43 = model.constant dense<2> : tensor<1xi64>
  %44 = model.mul %29, %43 : (tensor<?xi64>, tensor<1xi64>) -> tensor<?xi64>
  %45 = model.add %28, %44 : (tensor<?xi64>, tensor<?xi64>) -> tensor<?xi64>
  %46 = model.gather %42, %45 {axis = 0 : i64} : (tensor<?x1xf32>, tensor<?xi64>) -> tensor<?x1xf32>
  %47 = model.shape %45 : (tensor<?xi64>) -> tensor<1xi64>
  %48 = model.constant dense<1> : tensor<1xi64>
  %49 = model.concat %47, %48 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %50 = model.dynamic_reshape %46, %49 : (tensor<?x1xf32>, tensor<2xi64>) -> tensor<?x1xf32>
  %51 = model.mul %41, %50 : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %52 = model.constant_of_shape %16 {value = 0.000000e+00 : f32} : (tensor<2xi64>) -> tensor<?x4xf32>
  %53 = model.constant dense<1> : tensor<i64>
  %54 = model.gather %20, %53 {axis = 0 : i64} : (tensor<2x2x?xi64>, tensor<i64>) -> tensor<2x?xi64>
  %55 = model.cast %54 to i1 : tensor<2x?xi64> -> tensor<2x?xi1>
  %56 = model.non_zero %55 : (tensor<2x?xi1>) -> tensor<2x?xi64>
  %57 = model.transpose %56 {perm = array<i64: 1, 0>} : (tensor<2x?xi64>) -> tensor<?x2xi64>
  %58 = model.slice %57 {axes = array<i64: 1>, ends = array<i64: 1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<?x2xi64>) -> tensor<?x1xi64>
  %59 = model.slice %57 {axes = array<i64: 1>, ends = array<i64: 2>, starts = array<i64: 1>, steps = array<i64: 1>} : (tensor<?x2xi64>) -> tensor<?x1xi64>
  %60 = model.squeeze %58 {axes = array<i64: 1>} : (tensor<?x1xi64>) -> tensor<?xi64>
  %61 = model.squeeze %59 {axes = array<i64: 1>} : (tensor<?x1xi64>) -> tensor<?xi64>
  %62 = model.gather %30, %61 {axis = 1 : i64} : (tensor<1x?x4xf32>, tensor<?xi64>) -> tensor<1x?x4xf32>
  %63 = model.reshape %62 {shape = array<i64: -1, 4>} : (tensor<1x?x4xf32>) -> tensor<?x4xf32>
  %64 = model.constant dense<0.25> : tensor<4x4xf32>
  %65 = model.matmul %63, %64 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %66 = model.sigmoid %65 : tensor<?x4xf32>
  %67 = model.mul %65, %66 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %68 = model.constant dense<-0.5> : tensor<4x4xf32>
  %69 = model.matmul %63, %68 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %70 = model.mul %67, %69 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %71 = model.constant dense<0.125> : tensor<4x4xf32>
  %72 = model.matmul %70, %71 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %73 = model.reshape %12 {shape = array<i64: -1, 1>} : (tensor<?x2xf32>) -> tensor<?x1xf32>
  %74 = model.constant dense<2> : tensor<1xi64>
  %75 = model.mul %61, %74 : (tensor<?xi64>, tensor<1xi64>) -> tensor<?xi64>
  %76 = model.add %60, %75 : (tensor<?xi64>, tensor<?xi64>) -> tensor<?xi64>
  %77 = model.gather %73, %76 {axis = 0 : i64} : (tensor<?x1xf32>, tensor<?xi64>) -> tensor<?x1xf32>
  %78 = model.shape %76 : (tensor<?xi64>) -> tensor<1xi64>
  %79 = model.constant dense<1> : tensor<1xi64>
  %80 = model.concat %78, %79 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %81 = model.dynamic_reshape %77, %80 : (tensor<?x1xf32>, tensor<2xi64>) -> tensor<?x1xf32>
  %82 = model.mul %72, %81 : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %83 = model.slice %52 {axes = array<i64: 0, 1>, ends = array<i64: 1, 9223372036854775807>, starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %84 = model.shape %83 : (tensor<?x4xf32>) -> tensor<2xi64>
  %85 = model.expand %51, %84 : (tensor<?x4xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  %86 = model.shape %85 : (tensor<?x4xf32>) -> tensor<2xi64>
  %87 = model.expand %27, %86 : (tensor<?x1xi64>, tensor<2xi64>) -> tensor<?x?xi64>
  %88 = model.shape %52 : (tensor<?x4xf32>) -> tensor<2xi64>
  %89 = model.constant_of_shape %88 {value = 0.000000e+00 : f32} : (tensor<2xi64>) -> tensor<?x?xf32>
  %90 = model.scatter_elements %89, %87, %85 {axis = 0 : i64} : (tensor<?x?xf32>, tensor<?x?xi64>, tensor<?x4xf32>) -> tensor<?x?xf32>
  %91 = model.add %52, %90 : (tensor<?x4xf32>, tensor<?x?xf32>) -> tensor<?x4xf32>
  %92 = model.slice %91 {axes = array<i64: 0, 1>, ends = array<i64: 1, 9223372036854775807>, starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %93 = model.shape %92 : (tensor<?x4xf32>) -> tensor<2xi64>
  %94 = model.expand %82, %93 : (tensor<?x4xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  %95 = model.shape %94 : (tensor<?x4xf32>) -> tensor<2xi64>
  %96 = model.expand %59, %95 : (tensor<?x1xi64>, tensor<2xi64>) -> tensor<?x?xi64>
  %97 = model.shape %91 : (tensor<?x4xf32>) -> tensor<2xi64>
  %98 = model.constant_of_shape %97 {value = 0.000000e+00 : f32} : (tensor<2xi64>) -> tensor<?x?xf32>
  %99 = model.scatter_elements %98, %96, %94 {axis = 0 : i64} : (tensor<?x?xf32>, tensor<?x?xi64>, tensor<?x4xf32>) -> tensor<?x?xf32>
  %100 = model.add %91, %99 : (tensor<?x4xf32>, tensor<?x?xf32>) -> tensor<?x4xf32>
  %101 = model.unsqueeze %2 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %102 = model.unsqueeze %5 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %103 = model.constant dense<4> : tensor<1xi64>
  %104 = model.concat %101, %102, %103 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<3xi64>
  %105 = model.dynamic_reshape %100, %104 : (tensor<?x4xf32>, tensor<3xi64>) -> tensor<?x?x4xf32>
  return %105 : tensor<?x?x4xf32>
}

// -----

/// Top-1: the flattening of the weights and the multiplication by k fold
/// away (gather(V, slot + tok)).
// CHECK-LABEL: func.func @hf_sparse_top1
// CHECK: fused.moe tokens(
// CHECK-SAME: top_k = 1 : i64
// CHECK-NOT: model.non_zero

func.func @hf_sparse_top1(%arg0: tensor<?x?x4xf32> {model.dims = #model.dims<[batch, seq, 4]>, model.name = "input_0"}) -> (tensor<?x?x4xf32> {model.dims = #model.dims<[batch, seq, 4]>, model.name = "output_0"}) {
  %0 = model.shape %arg0 : (tensor<?x?x4xf32>) -> tensor<3xi64>
  %1 = model.constant dense<0> : tensor<i64>
  %2 = model.gather %0, %1 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %3 = model.shape %arg0 : (tensor<?x?x4xf32>) -> tensor<3xi64>
  %4 = model.constant dense<1> : tensor<i64>
  %5 = model.gather %3, %4 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %6 = model.reshape %arg0 {shape = array<i64: -1, 4>} : (tensor<?x?x4xf32>) -> tensor<?x4xf32>
  %7 = model.constant dense<0.25> : tensor<4x2xf32>
  %8 = model.matmul %6, %7 : (tensor<?x4xf32>, tensor<4x2xf32>) -> tensor<?x2xf32>
  %9 = model.softmax %8 {axis = 1 : i64} : tensor<?x2xf32>
  %10 = model.constant dense<1> : tensor<1xi64>
  %values, %indices = model.topk %9, %10 {axis = 1 : i64} : (tensor<?x2xf32>, tensor<1xi64>) -> (tensor<?x1xf32>, tensor<?x1xi64>)
  %11 = model.reduce_sum %values {axes = array<i64: 1>} : (tensor<?x1xf32>) -> tensor<?x1xf32>
  %12 = model.div %values, %11 : (tensor<?x1xf32>, tensor<?x1xf32>) -> tensor<?x1xf32>
  %13 = model.mul %2, %5 : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %14 = model.unsqueeze %13 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %15 = model.constant dense<4> : tensor<1xi64>
  %16 = model.concat %14, %15 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %17 = model.constant dense<2> : tensor<i64>
  %18 = model.constant dense<[0, 1]> : tensor<2xi64>
  %19 = model.one_hot %indices, %17, %18 {axis = 2 : i64} : (tensor<?x1xi64>, tensor<i64>, tensor<2xi64>) -> tensor<?x1x2xi64>
  %20 = model.transpose %19 {perm = array<i64: 2, 1, 0>} : (tensor<?x1x2xi64>) -> tensor<2x1x?xi64>
  %21 = model.constant dense<0> : tensor<i64>
  %22 = model.gather %20, %21 {axis = 0 : i64} : (tensor<2x1x?xi64>, tensor<i64>) -> tensor<1x?xi64>
  %23 = model.cast %22 to i1 : tensor<1x?xi64> -> tensor<1x?xi1>
  %24 = model.non_zero %23 : (tensor<1x?xi1>) -> tensor<2x?xi64>
  %25 = model.transpose %24 {perm = array<i64: 1, 0>} : (tensor<2x?xi64>) -> tensor<?x2xi64>
  %26 = model.slice %25 {axes = array<i64: 1>, ends = array<i64: 1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<?x2xi64>) -> tensor<?x1xi64>
  %27 = model.slice %25 {axes = array<i64: 1>, ends = array<i64: 2>, starts = array<i64: 1>, steps = array<i64: 1>} : (tensor<?x2xi64>) -> tensor<?x1xi64>
  %28 = model.squeeze %26 {axes = array<i64: 1>} : (tensor<?x1xi64>) -> tensor<?xi64>
  %29 = model.squeeze %27 {axes = array<i64: 1>} : (tensor<?x1xi64>) -> tensor<?xi64>
  %30 = model.unsqueeze %6 {axes = array<i64: 0>} : (tensor<?x4xf32>) -> tensor<1x?x4xf32>
  %31 = model.gather %30, %29 {axis = 1 : i64} : (tensor<1x?x4xf32>, tensor<?xi64>) -> tensor<1x?x4xf32>
  %32 = model.reshape %31 {shape = array<i64: -1, 4>} : (tensor<1x?x4xf32>) -> tensor<?x4xf32>
  %33 = model.constant dense<-0.5> : tensor<4x4xf32>
  %34 = model.matmul %32, %33 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %35 = model.sigmoid %34 : tensor<?x4xf32>
  %36 = model.mul %34, %35 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %37 = model.constant dense<0.125> : tensor<4x4xf32>
  %38 = model.matmul %32, %37 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %39 = model.mul %36, %38 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %40 = model.constant dense<0.75> : tensor<4x4xf32>
  %41 = model.matmul %39, %40 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %42 = model.add %28, %29 : (tensor<?xi64>, tensor<?xi64>) -> tensor<?xi64>
  %43 = model.gather %12, %42 {axis = 0 : i64} : (tensor<?x1xf32>, tensor<?xi64>) -> tensor<?x1xf32>
  %44 = model.shape %42 : (tensor<?xi64>) -> tensor<1xi64>
  %45 = model.constant dense<1> : tensor<1xi64>
  %46 = model.concat %44, %45 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %47 = model.dynamic_reshape %43, %46 : (tensor<?x1xf32>, tensor<2xi64>) -> tensor<?x1xf32>
  %48 = model.mul %41, %47 : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %49 = model.constant_of_shape %16 {value = 0.000000e+00 : f32} : (tensor<2xi64>) -> tensor<?x4xf32>
  %50 = model.constant dense<1> : tensor<i64>
  %51 = model.gather %20, %50 {axis = 0 : i64} : (tensor<2x1x?xi64>, tensor<i64>) -> tensor<1x?xi64>
  %52 = model.cast %51 to i1 : tensor<1x?xi64> -> tensor<1x?xi1>
  %53 = model.non_zero %52 : (tensor<1x?xi1>) -> tensor<2x?xi64>
  %54 = model.transpose %53 {perm = array<i64: 1, 0>} : (tensor<2x?xi64>) -> tensor<?x2xi64>
  %55 = model.slice %54 {axes = array<i64: 1>, ends = array<i64: 1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<?x2xi64>) -> tensor<?x1xi64>
  %56 = model.slice %54 {axes = array<i64: 1>, ends = array<i64: 2>, starts = array<i64: 1>, steps = array<i64: 1>} : (tensor<?x2xi64>) -> tensor<?x1xi64>
  %57 = model.squeeze %55 {axes = array<i64: 1>} : (tensor<?x1xi64>) -> tensor<?xi64>
  %58 = model.squeeze %56 {axes = array<i64: 1>} : (tensor<?x1xi64>) -> tensor<?xi64>
  %59 = model.gather %30, %58 {axis = 1 : i64} : (tensor<1x?x4xf32>, tensor<?xi64>) -> tensor<1x?x4xf32>
  %60 = model.reshape %59 {shape = array<i64: -1, 4>} : (tensor<1x?x4xf32>) -> tensor<?x4xf32>
  %61 = model.constant dense<0.25> : tensor<4x4xf32>
  %62 = model.matmul %60, %61 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %63 = model.sigmoid %62 : tensor<?x4xf32>
  %64 = model.mul %62, %63 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %65 = model.constant dense<-0.5> : tensor<4x4xf32>
  %66 = model.matmul %60, %65 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %67 = model.mul %64, %66 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %68 = model.constant dense<0.125> : tensor<4x4xf32>
  %69 = model.matmul %67, %68 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %70 = model.add %57, %58 : (tensor<?xi64>, tensor<?xi64>) -> tensor<?xi64>
  %71 = model.gather %12, %70 {axis = 0 : i64} : (tensor<?x1xf32>, tensor<?xi64>) -> tensor<?x1xf32>
  %72 = model.shape %70 : (tensor<?xi64>) -> tensor<1xi64>
  %73 = model.constant dense<1> : tensor<1xi64>
  %74 = model.concat %72, %73 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %75 = model.dynamic_reshape %71, %74 : (tensor<?x1xf32>, tensor<2xi64>) -> tensor<?x1xf32>
  %76 = model.mul %69, %75 : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %77 = model.slice %49 {axes = array<i64: 0, 1>, ends = array<i64: 1, 9223372036854775807>, starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %78 = model.shape %77 : (tensor<?x4xf32>) -> tensor<2xi64>
  %79 = model.expand %48, %78 : (tensor<?x4xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  %80 = model.shape %79 : (tensor<?x4xf32>) -> tensor<2xi64>
  %81 = model.expand %27, %80 : (tensor<?x1xi64>, tensor<2xi64>) -> tensor<?x?xi64>
  %82 = model.shape %49 : (tensor<?x4xf32>) -> tensor<2xi64>
  %83 = model.constant_of_shape %82 {value = 0.000000e+00 : f32} : (tensor<2xi64>) -> tensor<?x?xf32>
  %84 = model.scatter_elements %83, %81, %79 {axis = 0 : i64} : (tensor<?x?xf32>, tensor<?x?xi64>, tensor<?x4xf32>) -> tensor<?x?xf32>
  %85 = model.add %49, %84 : (tensor<?x4xf32>, tensor<?x?xf32>) -> tensor<?x4xf32>
  %86 = model.slice %85 {axes = array<i64: 0, 1>, ends = array<i64: 1, 9223372036854775807>, starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %87 = model.shape %86 : (tensor<?x4xf32>) -> tensor<2xi64>
  %88 = model.expand %76, %87 : (tensor<?x4xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  %89 = model.shape %88 : (tensor<?x4xf32>) -> tensor<2xi64>
  %90 = model.expand %56, %89 : (tensor<?x1xi64>, tensor<2xi64>) -> tensor<?x?xi64>
  %91 = model.shape %85 : (tensor<?x4xf32>) -> tensor<2xi64>
  %92 = model.constant_of_shape %91 {value = 0.000000e+00 : f32} : (tensor<2xi64>) -> tensor<?x?xf32>
  %93 = model.scatter_elements %92, %90, %88 {axis = 0 : i64} : (tensor<?x?xf32>, tensor<?x?xi64>, tensor<?x4xf32>) -> tensor<?x?xf32>
  %94 = model.add %85, %93 : (tensor<?x4xf32>, tensor<?x?xf32>) -> tensor<?x4xf32>
  %95 = model.unsqueeze %2 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %96 = model.unsqueeze %5 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %97 = model.constant dense<4> : tensor<1xi64>
  %98 = model.concat %95, %96, %97 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<3xi64>
  %99 = model.dynamic_reshape %94, %98 : (tensor<?x4xf32>, tensor<3xi64>) -> tensor<?x?x4xf32>
  return %99 : tensor<?x?x4xf32>
}

// -----

/// The second expert runs on the first expert's tokens (its gather reads the
/// other torch.where): not an MoE, stays.
// CHECK-LABEL: func.func @negative_hf_sparse_other_experts_tokens
// CHECK-NOT: fused.moe
// CHECK: model.non_zero

func.func @negative_hf_sparse_other_experts_tokens(%arg0: tensor<?x?x4xf32> {model.dims = #model.dims<[batch, seq, 4]>, model.name = "input_0"}) -> (tensor<?x?x4xf32> {model.dims = #model.dims<[batch, seq, 4]>, model.name = "output_0"}) {
  %0 = model.shape %arg0 : (tensor<?x?x4xf32>) -> tensor<3xi64>
  %1 = model.constant dense<0> : tensor<i64>
  %2 = model.gather %0, %1 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %3 = model.shape %arg0 : (tensor<?x?x4xf32>) -> tensor<3xi64>
  %4 = model.constant dense<1> : tensor<i64>
  %5 = model.gather %3, %4 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %6 = model.reshape %arg0 {shape = array<i64: -1, 4>} : (tensor<?x?x4xf32>) -> tensor<?x4xf32>
  %7 = model.constant dense<0.25> : tensor<4x2xf32>
  %8 = model.matmul %6, %7 : (tensor<?x4xf32>, tensor<4x2xf32>) -> tensor<?x2xf32>
  %9 = model.softmax %8 {axis = 1 : i64} : tensor<?x2xf32>
  %10 = model.constant dense<2> : tensor<1xi64>
  %values, %indices = model.topk %9, %10 {axis = 1 : i64} : (tensor<?x2xf32>, tensor<1xi64>) -> (tensor<?x2xf32>, tensor<?x2xi64>)
  %11 = model.reduce_sum %values {axes = array<i64: 1>} : (tensor<?x2xf32>) -> tensor<?x1xf32>
  %12 = model.div %values, %11 : (tensor<?x2xf32>, tensor<?x1xf32>) -> tensor<?x2xf32>
  %13 = model.mul %2, %5 : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %14 = model.unsqueeze %13 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %15 = model.constant dense<4> : tensor<1xi64>
  %16 = model.concat %14, %15 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %17 = model.constant dense<2> : tensor<i64>
  %18 = model.constant dense<[0, 1]> : tensor<2xi64>
  %19 = model.one_hot %indices, %17, %18 {axis = 2 : i64} : (tensor<?x2xi64>, tensor<i64>, tensor<2xi64>) -> tensor<?x2x2xi64>
  %20 = model.transpose %19 {perm = array<i64: 2, 1, 0>} : (tensor<?x2x2xi64>) -> tensor<2x2x?xi64>
  %21 = model.constant dense<0> : tensor<i64>
  %22 = model.gather %20, %21 {axis = 0 : i64} : (tensor<2x2x?xi64>, tensor<i64>) -> tensor<2x?xi64>
  %23 = model.cast %22 to i1 : tensor<2x?xi64> -> tensor<2x?xi1>
  %24 = model.non_zero %23 : (tensor<2x?xi1>) -> tensor<2x?xi64>
  %25 = model.transpose %24 {perm = array<i64: 1, 0>} : (tensor<2x?xi64>) -> tensor<?x2xi64>
  %26 = model.slice %25 {axes = array<i64: 1>, ends = array<i64: 1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<?x2xi64>) -> tensor<?x1xi64>
  %27 = model.slice %25 {axes = array<i64: 1>, ends = array<i64: 2>, starts = array<i64: 1>, steps = array<i64: 1>} : (tensor<?x2xi64>) -> tensor<?x1xi64>
  %28 = model.squeeze %26 {axes = array<i64: 1>} : (tensor<?x1xi64>) -> tensor<?xi64>
  %29 = model.squeeze %27 {axes = array<i64: 1>} : (tensor<?x1xi64>) -> tensor<?xi64>
  %30 = model.unsqueeze %6 {axes = array<i64: 0>} : (tensor<?x4xf32>) -> tensor<1x?x4xf32>
  %31 = model.gather %30, %29 {axis = 1 : i64} : (tensor<1x?x4xf32>, tensor<?xi64>) -> tensor<1x?x4xf32>
  %32 = model.reshape %31 {shape = array<i64: -1, 4>} : (tensor<1x?x4xf32>) -> tensor<?x4xf32>
  %33 = model.constant dense<-0.5> : tensor<4x4xf32>
  %34 = model.matmul %32, %33 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %35 = model.sigmoid %34 : tensor<?x4xf32>
  %36 = model.mul %34, %35 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %37 = model.constant dense<0.125> : tensor<4x4xf32>
  %38 = model.matmul %32, %37 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %39 = model.mul %36, %38 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %40 = model.constant dense<0.75> : tensor<4x4xf32>
  %41 = model.matmul %39, %40 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %42 = model.reshape %12 {shape = array<i64: -1, 1>} : (tensor<?x2xf32>) -> tensor<?x1xf32>
  %43 = model.constant dense<2> : tensor<1xi64>
  %44 = model.mul %29, %43 : (tensor<?xi64>, tensor<1xi64>) -> tensor<?xi64>
  %45 = model.add %28, %44 : (tensor<?xi64>, tensor<?xi64>) -> tensor<?xi64>
  %46 = model.gather %42, %45 {axis = 0 : i64} : (tensor<?x1xf32>, tensor<?xi64>) -> tensor<?x1xf32>
  %47 = model.shape %45 : (tensor<?xi64>) -> tensor<1xi64>
  %48 = model.constant dense<1> : tensor<1xi64>
  %49 = model.concat %47, %48 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %50 = model.dynamic_reshape %46, %49 : (tensor<?x1xf32>, tensor<2xi64>) -> tensor<?x1xf32>
  %51 = model.mul %41, %50 : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %52 = model.constant_of_shape %16 {value = 0.000000e+00 : f32} : (tensor<2xi64>) -> tensor<?x4xf32>
  %53 = model.constant dense<1> : tensor<i64>
  %54 = model.gather %20, %53 {axis = 0 : i64} : (tensor<2x2x?xi64>, tensor<i64>) -> tensor<2x?xi64>
  %55 = model.cast %54 to i1 : tensor<2x?xi64> -> tensor<2x?xi1>
  %56 = model.non_zero %55 : (tensor<2x?xi1>) -> tensor<2x?xi64>
  %57 = model.transpose %56 {perm = array<i64: 1, 0>} : (tensor<2x?xi64>) -> tensor<?x2xi64>
  %58 = model.slice %57 {axes = array<i64: 1>, ends = array<i64: 1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<?x2xi64>) -> tensor<?x1xi64>
  %59 = model.slice %57 {axes = array<i64: 1>, ends = array<i64: 2>, starts = array<i64: 1>, steps = array<i64: 1>} : (tensor<?x2xi64>) -> tensor<?x1xi64>
  %60 = model.squeeze %58 {axes = array<i64: 1>} : (tensor<?x1xi64>) -> tensor<?xi64>
  %61 = model.squeeze %59 {axes = array<i64: 1>} : (tensor<?x1xi64>) -> tensor<?xi64>
  %62 = model.gather %30, %29 {axis = 1 : i64} : (tensor<1x?x4xf32>, tensor<?xi64>) -> tensor<1x?x4xf32>
  %63 = model.reshape %62 {shape = array<i64: -1, 4>} : (tensor<1x?x4xf32>) -> tensor<?x4xf32>
  %64 = model.constant dense<0.25> : tensor<4x4xf32>
  %65 = model.matmul %63, %64 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %66 = model.sigmoid %65 : tensor<?x4xf32>
  %67 = model.mul %65, %66 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %68 = model.constant dense<-0.5> : tensor<4x4xf32>
  %69 = model.matmul %63, %68 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %70 = model.mul %67, %69 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %71 = model.constant dense<0.125> : tensor<4x4xf32>
  %72 = model.matmul %70, %71 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %73 = model.reshape %12 {shape = array<i64: -1, 1>} : (tensor<?x2xf32>) -> tensor<?x1xf32>
  %74 = model.constant dense<2> : tensor<1xi64>
  %75 = model.mul %61, %74 : (tensor<?xi64>, tensor<1xi64>) -> tensor<?xi64>
  %76 = model.add %60, %75 : (tensor<?xi64>, tensor<?xi64>) -> tensor<?xi64>
  %77 = model.gather %73, %76 {axis = 0 : i64} : (tensor<?x1xf32>, tensor<?xi64>) -> tensor<?x1xf32>
  %78 = model.shape %76 : (tensor<?xi64>) -> tensor<1xi64>
  %79 = model.constant dense<1> : tensor<1xi64>
  %80 = model.concat %78, %79 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %81 = model.dynamic_reshape %77, %80 : (tensor<?x1xf32>, tensor<2xi64>) -> tensor<?x1xf32>
  %82 = model.mul %72, %81 : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %83 = model.slice %52 {axes = array<i64: 0, 1>, ends = array<i64: 1, 9223372036854775807>, starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %84 = model.shape %83 : (tensor<?x4xf32>) -> tensor<2xi64>
  %85 = model.expand %51, %84 : (tensor<?x4xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  %86 = model.shape %85 : (tensor<?x4xf32>) -> tensor<2xi64>
  %87 = model.expand %27, %86 : (tensor<?x1xi64>, tensor<2xi64>) -> tensor<?x?xi64>
  %88 = model.shape %52 : (tensor<?x4xf32>) -> tensor<2xi64>
  %89 = model.constant_of_shape %88 {value = 0.000000e+00 : f32} : (tensor<2xi64>) -> tensor<?x?xf32>
  %90 = model.scatter_elements %89, %87, %85 {axis = 0 : i64} : (tensor<?x?xf32>, tensor<?x?xi64>, tensor<?x4xf32>) -> tensor<?x?xf32>
  %91 = model.add %52, %90 : (tensor<?x4xf32>, tensor<?x?xf32>) -> tensor<?x4xf32>
  %92 = model.slice %91 {axes = array<i64: 0, 1>, ends = array<i64: 1, 9223372036854775807>, starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %93 = model.shape %92 : (tensor<?x4xf32>) -> tensor<2xi64>
  %94 = model.expand %82, %93 : (tensor<?x4xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  %95 = model.shape %94 : (tensor<?x4xf32>) -> tensor<2xi64>
  %96 = model.expand %59, %95 : (tensor<?x1xi64>, tensor<2xi64>) -> tensor<?x?xi64>
  %97 = model.shape %91 : (tensor<?x4xf32>) -> tensor<2xi64>
  %98 = model.constant_of_shape %97 {value = 0.000000e+00 : f32} : (tensor<2xi64>) -> tensor<?x?xf32>
  %99 = model.scatter_elements %98, %96, %94 {axis = 0 : i64} : (tensor<?x?xf32>, tensor<?x?xi64>, tensor<?x4xf32>) -> tensor<?x?xf32>
  %100 = model.add %91, %99 : (tensor<?x4xf32>, tensor<?x?xf32>) -> tensor<?x4xf32>
  %101 = model.unsqueeze %2 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %102 = model.unsqueeze %5 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %103 = model.constant dense<4> : tensor<1xi64>
  %104 = model.concat %101, %102, %103 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<3xi64>
  %105 = model.dynamic_reshape %100, %104 : (tensor<?x4xf32>, tensor<3xi64>) -> tensor<?x?x4xf32>
  return %105 : tensor<?x?x4xf32>
}

// -----

/// index_add_ along the hidden dim (scatter axis 1) adds into other places.
// CHECK-LABEL: func.func @negative_hf_sparse_index_add_axis_1
// CHECK-NOT: fused.moe
// CHECK: model.scatter_elements

func.func @negative_hf_sparse_index_add_axis_1(%arg0: tensor<?x?x4xf32> {model.dims = #model.dims<[batch, seq, 4]>, model.name = "input_0"}) -> (tensor<?x?x4xf32> {model.dims = #model.dims<[batch, seq, 4]>, model.name = "output_0"}) {
  %0 = model.shape %arg0 : (tensor<?x?x4xf32>) -> tensor<3xi64>
  %1 = model.constant dense<0> : tensor<i64>
  %2 = model.gather %0, %1 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %3 = model.shape %arg0 : (tensor<?x?x4xf32>) -> tensor<3xi64>
  %4 = model.constant dense<1> : tensor<i64>
  %5 = model.gather %3, %4 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %6 = model.reshape %arg0 {shape = array<i64: -1, 4>} : (tensor<?x?x4xf32>) -> tensor<?x4xf32>
  %7 = model.constant dense<0.25> : tensor<4x2xf32>
  %8 = model.matmul %6, %7 : (tensor<?x4xf32>, tensor<4x2xf32>) -> tensor<?x2xf32>
  %9 = model.softmax %8 {axis = 1 : i64} : tensor<?x2xf32>
  %10 = model.constant dense<2> : tensor<1xi64>
  %values, %indices = model.topk %9, %10 {axis = 1 : i64} : (tensor<?x2xf32>, tensor<1xi64>) -> (tensor<?x2xf32>, tensor<?x2xi64>)
  %11 = model.reduce_sum %values {axes = array<i64: 1>} : (tensor<?x2xf32>) -> tensor<?x1xf32>
  %12 = model.div %values, %11 : (tensor<?x2xf32>, tensor<?x1xf32>) -> tensor<?x2xf32>
  %13 = model.mul %2, %5 : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %14 = model.unsqueeze %13 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %15 = model.constant dense<4> : tensor<1xi64>
  %16 = model.concat %14, %15 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %17 = model.constant dense<2> : tensor<i64>
  %18 = model.constant dense<[0, 1]> : tensor<2xi64>
  %19 = model.one_hot %indices, %17, %18 {axis = 2 : i64} : (tensor<?x2xi64>, tensor<i64>, tensor<2xi64>) -> tensor<?x2x2xi64>
  %20 = model.transpose %19 {perm = array<i64: 2, 1, 0>} : (tensor<?x2x2xi64>) -> tensor<2x2x?xi64>
  %21 = model.constant dense<0> : tensor<i64>
  %22 = model.gather %20, %21 {axis = 0 : i64} : (tensor<2x2x?xi64>, tensor<i64>) -> tensor<2x?xi64>
  %23 = model.cast %22 to i1 : tensor<2x?xi64> -> tensor<2x?xi1>
  %24 = model.non_zero %23 : (tensor<2x?xi1>) -> tensor<2x?xi64>
  %25 = model.transpose %24 {perm = array<i64: 1, 0>} : (tensor<2x?xi64>) -> tensor<?x2xi64>
  %26 = model.slice %25 {axes = array<i64: 1>, ends = array<i64: 1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<?x2xi64>) -> tensor<?x1xi64>
  %27 = model.slice %25 {axes = array<i64: 1>, ends = array<i64: 2>, starts = array<i64: 1>, steps = array<i64: 1>} : (tensor<?x2xi64>) -> tensor<?x1xi64>
  %28 = model.squeeze %26 {axes = array<i64: 1>} : (tensor<?x1xi64>) -> tensor<?xi64>
  %29 = model.squeeze %27 {axes = array<i64: 1>} : (tensor<?x1xi64>) -> tensor<?xi64>
  %30 = model.unsqueeze %6 {axes = array<i64: 0>} : (tensor<?x4xf32>) -> tensor<1x?x4xf32>
  %31 = model.gather %30, %29 {axis = 1 : i64} : (tensor<1x?x4xf32>, tensor<?xi64>) -> tensor<1x?x4xf32>
  %32 = model.reshape %31 {shape = array<i64: -1, 4>} : (tensor<1x?x4xf32>) -> tensor<?x4xf32>
  %33 = model.constant dense<-0.5> : tensor<4x4xf32>
  %34 = model.matmul %32, %33 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %35 = model.sigmoid %34 : tensor<?x4xf32>
  %36 = model.mul %34, %35 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %37 = model.constant dense<0.125> : tensor<4x4xf32>
  %38 = model.matmul %32, %37 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %39 = model.mul %36, %38 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %40 = model.constant dense<0.75> : tensor<4x4xf32>
  %41 = model.matmul %39, %40 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %42 = model.reshape %12 {shape = array<i64: -1, 1>} : (tensor<?x2xf32>) -> tensor<?x1xf32>
  %43 = model.constant dense<2> : tensor<1xi64>
  %44 = model.mul %29, %43 : (tensor<?xi64>, tensor<1xi64>) -> tensor<?xi64>
  %45 = model.add %28, %44 : (tensor<?xi64>, tensor<?xi64>) -> tensor<?xi64>
  %46 = model.gather %42, %45 {axis = 0 : i64} : (tensor<?x1xf32>, tensor<?xi64>) -> tensor<?x1xf32>
  %47 = model.shape %45 : (tensor<?xi64>) -> tensor<1xi64>
  %48 = model.constant dense<1> : tensor<1xi64>
  %49 = model.concat %47, %48 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %50 = model.dynamic_reshape %46, %49 : (tensor<?x1xf32>, tensor<2xi64>) -> tensor<?x1xf32>
  %51 = model.mul %41, %50 : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %52 = model.constant_of_shape %16 {value = 0.000000e+00 : f32} : (tensor<2xi64>) -> tensor<?x4xf32>
  %53 = model.constant dense<1> : tensor<i64>
  %54 = model.gather %20, %53 {axis = 0 : i64} : (tensor<2x2x?xi64>, tensor<i64>) -> tensor<2x?xi64>
  %55 = model.cast %54 to i1 : tensor<2x?xi64> -> tensor<2x?xi1>
  %56 = model.non_zero %55 : (tensor<2x?xi1>) -> tensor<2x?xi64>
  %57 = model.transpose %56 {perm = array<i64: 1, 0>} : (tensor<2x?xi64>) -> tensor<?x2xi64>
  %58 = model.slice %57 {axes = array<i64: 1>, ends = array<i64: 1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<?x2xi64>) -> tensor<?x1xi64>
  %59 = model.slice %57 {axes = array<i64: 1>, ends = array<i64: 2>, starts = array<i64: 1>, steps = array<i64: 1>} : (tensor<?x2xi64>) -> tensor<?x1xi64>
  %60 = model.squeeze %58 {axes = array<i64: 1>} : (tensor<?x1xi64>) -> tensor<?xi64>
  %61 = model.squeeze %59 {axes = array<i64: 1>} : (tensor<?x1xi64>) -> tensor<?xi64>
  %62 = model.gather %30, %61 {axis = 1 : i64} : (tensor<1x?x4xf32>, tensor<?xi64>) -> tensor<1x?x4xf32>
  %63 = model.reshape %62 {shape = array<i64: -1, 4>} : (tensor<1x?x4xf32>) -> tensor<?x4xf32>
  %64 = model.constant dense<0.25> : tensor<4x4xf32>
  %65 = model.matmul %63, %64 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %66 = model.sigmoid %65 : tensor<?x4xf32>
  %67 = model.mul %65, %66 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %68 = model.constant dense<-0.5> : tensor<4x4xf32>
  %69 = model.matmul %63, %68 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %70 = model.mul %67, %69 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %71 = model.constant dense<0.125> : tensor<4x4xf32>
  %72 = model.matmul %70, %71 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %73 = model.reshape %12 {shape = array<i64: -1, 1>} : (tensor<?x2xf32>) -> tensor<?x1xf32>
  %74 = model.constant dense<2> : tensor<1xi64>
  %75 = model.mul %61, %74 : (tensor<?xi64>, tensor<1xi64>) -> tensor<?xi64>
  %76 = model.add %60, %75 : (tensor<?xi64>, tensor<?xi64>) -> tensor<?xi64>
  %77 = model.gather %73, %76 {axis = 0 : i64} : (tensor<?x1xf32>, tensor<?xi64>) -> tensor<?x1xf32>
  %78 = model.shape %76 : (tensor<?xi64>) -> tensor<1xi64>
  %79 = model.constant dense<1> : tensor<1xi64>
  %80 = model.concat %78, %79 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %81 = model.dynamic_reshape %77, %80 : (tensor<?x1xf32>, tensor<2xi64>) -> tensor<?x1xf32>
  %82 = model.mul %72, %81 : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %83 = model.slice %52 {axes = array<i64: 0, 1>, ends = array<i64: 1, 9223372036854775807>, starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %84 = model.shape %83 : (tensor<?x4xf32>) -> tensor<2xi64>
  %85 = model.expand %51, %84 : (tensor<?x4xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  %86 = model.shape %85 : (tensor<?x4xf32>) -> tensor<2xi64>
  %87 = model.expand %27, %86 : (tensor<?x1xi64>, tensor<2xi64>) -> tensor<?x?xi64>
  %88 = model.shape %52 : (tensor<?x4xf32>) -> tensor<2xi64>
  %89 = model.constant_of_shape %88 {value = 0.000000e+00 : f32} : (tensor<2xi64>) -> tensor<?x?xf32>
  %90 = model.scatter_elements %89, %87, %85 {axis = 0 : i64} : (tensor<?x?xf32>, tensor<?x?xi64>, tensor<?x4xf32>) -> tensor<?x?xf32>
  %91 = model.add %52, %90 : (tensor<?x4xf32>, tensor<?x?xf32>) -> tensor<?x4xf32>
  %92 = model.slice %91 {axes = array<i64: 0, 1>, ends = array<i64: 1, 9223372036854775807>, starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %93 = model.shape %92 : (tensor<?x4xf32>) -> tensor<2xi64>
  %94 = model.expand %82, %93 : (tensor<?x4xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  %95 = model.shape %94 : (tensor<?x4xf32>) -> tensor<2xi64>
  %96 = model.expand %59, %95 : (tensor<?x1xi64>, tensor<2xi64>) -> tensor<?x?xi64>
  %97 = model.shape %91 : (tensor<?x4xf32>) -> tensor<2xi64>
  %98 = model.constant_of_shape %97 {value = 0.000000e+00 : f32} : (tensor<2xi64>) -> tensor<?x?xf32>
  %99 = model.scatter_elements %98, %96, %94 {axis = 1 : i64} : (tensor<?x?xf32>, tensor<?x?xi64>, tensor<?x4xf32>) -> tensor<?x?xf32>
  %100 = model.add %91, %99 : (tensor<?x4xf32>, tensor<?x?xf32>) -> tensor<?x4xf32>
  %101 = model.unsqueeze %2 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %102 = model.unsqueeze %5 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %103 = model.constant dense<4> : tensor<1xi64>
  %104 = model.concat %101, %102, %103 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<3xi64>
  %105 = model.dynamic_reshape %100, %104 : (tensor<?x4xf32>, tensor<3xi64>) -> tensor<?x?x4xf32>
  return %105 : tensor<?x?x4xf32>
}

// -----

/// Both steps take torch.where(mask[0]): expert 1's tokens are never
/// computed, expert 0's twice.
// CHECK-LABEL: func.func @negative_hf_sparse_same_expert_twice
// CHECK-NOT: fused.moe
// CHECK: model.non_zero

func.func @negative_hf_sparse_same_expert_twice(%arg0: tensor<?x?x4xf32> {model.dims = #model.dims<[batch, seq, 4]>, model.name = "input_0"}) -> (tensor<?x?x4xf32> {model.dims = #model.dims<[batch, seq, 4]>, model.name = "output_0"}) {
  %0 = model.shape %arg0 : (tensor<?x?x4xf32>) -> tensor<3xi64>
  %1 = model.constant dense<0> : tensor<i64>
  %2 = model.gather %0, %1 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %3 = model.shape %arg0 : (tensor<?x?x4xf32>) -> tensor<3xi64>
  %4 = model.constant dense<1> : tensor<i64>
  %5 = model.gather %3, %4 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %6 = model.reshape %arg0 {shape = array<i64: -1, 4>} : (tensor<?x?x4xf32>) -> tensor<?x4xf32>
  %7 = model.constant dense<0.25> : tensor<4x2xf32>
  %8 = model.matmul %6, %7 : (tensor<?x4xf32>, tensor<4x2xf32>) -> tensor<?x2xf32>
  %9 = model.softmax %8 {axis = 1 : i64} : tensor<?x2xf32>
  %10 = model.constant dense<2> : tensor<1xi64>
  %values, %indices = model.topk %9, %10 {axis = 1 : i64} : (tensor<?x2xf32>, tensor<1xi64>) -> (tensor<?x2xf32>, tensor<?x2xi64>)
  %11 = model.reduce_sum %values {axes = array<i64: 1>} : (tensor<?x2xf32>) -> tensor<?x1xf32>
  %12 = model.div %values, %11 : (tensor<?x2xf32>, tensor<?x1xf32>) -> tensor<?x2xf32>
  %13 = model.mul %2, %5 : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %14 = model.unsqueeze %13 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %15 = model.constant dense<4> : tensor<1xi64>
  %16 = model.concat %14, %15 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %17 = model.constant dense<2> : tensor<i64>
  %18 = model.constant dense<[0, 1]> : tensor<2xi64>
  %19 = model.one_hot %indices, %17, %18 {axis = 2 : i64} : (tensor<?x2xi64>, tensor<i64>, tensor<2xi64>) -> tensor<?x2x2xi64>
  %20 = model.transpose %19 {perm = array<i64: 2, 1, 0>} : (tensor<?x2x2xi64>) -> tensor<2x2x?xi64>
  %21 = model.constant dense<0> : tensor<i64>
  %22 = model.gather %20, %21 {axis = 0 : i64} : (tensor<2x2x?xi64>, tensor<i64>) -> tensor<2x?xi64>
  %23 = model.cast %22 to i1 : tensor<2x?xi64> -> tensor<2x?xi1>
  %24 = model.non_zero %23 : (tensor<2x?xi1>) -> tensor<2x?xi64>
  %25 = model.transpose %24 {perm = array<i64: 1, 0>} : (tensor<2x?xi64>) -> tensor<?x2xi64>
  %26 = model.slice %25 {axes = array<i64: 1>, ends = array<i64: 1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<?x2xi64>) -> tensor<?x1xi64>
  %27 = model.slice %25 {axes = array<i64: 1>, ends = array<i64: 2>, starts = array<i64: 1>, steps = array<i64: 1>} : (tensor<?x2xi64>) -> tensor<?x1xi64>
  %28 = model.squeeze %26 {axes = array<i64: 1>} : (tensor<?x1xi64>) -> tensor<?xi64>
  %29 = model.squeeze %27 {axes = array<i64: 1>} : (tensor<?x1xi64>) -> tensor<?xi64>
  %30 = model.unsqueeze %6 {axes = array<i64: 0>} : (tensor<?x4xf32>) -> tensor<1x?x4xf32>
  %31 = model.gather %30, %29 {axis = 1 : i64} : (tensor<1x?x4xf32>, tensor<?xi64>) -> tensor<1x?x4xf32>
  %32 = model.reshape %31 {shape = array<i64: -1, 4>} : (tensor<1x?x4xf32>) -> tensor<?x4xf32>
  %33 = model.constant dense<-0.5> : tensor<4x4xf32>
  %34 = model.matmul %32, %33 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %35 = model.sigmoid %34 : tensor<?x4xf32>
  %36 = model.mul %34, %35 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %37 = model.constant dense<0.125> : tensor<4x4xf32>
  %38 = model.matmul %32, %37 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %39 = model.mul %36, %38 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %40 = model.constant dense<0.75> : tensor<4x4xf32>
  %41 = model.matmul %39, %40 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %42 = model.reshape %12 {shape = array<i64: -1, 1>} : (tensor<?x2xf32>) -> tensor<?x1xf32>
  %43 = model.constant dense<2> : tensor<1xi64>
  %44 = model.mul %29, %43 : (tensor<?xi64>, tensor<1xi64>) -> tensor<?xi64>
  %45 = model.add %28, %44 : (tensor<?xi64>, tensor<?xi64>) -> tensor<?xi64>
  %46 = model.gather %42, %45 {axis = 0 : i64} : (tensor<?x1xf32>, tensor<?xi64>) -> tensor<?x1xf32>
  %47 = model.shape %45 : (tensor<?xi64>) -> tensor<1xi64>
  %48 = model.constant dense<1> : tensor<1xi64>
  %49 = model.concat %47, %48 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %50 = model.dynamic_reshape %46, %49 : (tensor<?x1xf32>, tensor<2xi64>) -> tensor<?x1xf32>
  %51 = model.mul %41, %50 : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %52 = model.constant_of_shape %16 {value = 0.000000e+00 : f32} : (tensor<2xi64>) -> tensor<?x4xf32>
  %53 = model.constant dense<0> : tensor<i64>
  %54 = model.gather %20, %53 {axis = 0 : i64} : (tensor<2x2x?xi64>, tensor<i64>) -> tensor<2x?xi64>
  %55 = model.cast %54 to i1 : tensor<2x?xi64> -> tensor<2x?xi1>
  %56 = model.non_zero %55 : (tensor<2x?xi1>) -> tensor<2x?xi64>
  %57 = model.transpose %56 {perm = array<i64: 1, 0>} : (tensor<2x?xi64>) -> tensor<?x2xi64>
  %58 = model.slice %57 {axes = array<i64: 1>, ends = array<i64: 1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<?x2xi64>) -> tensor<?x1xi64>
  %59 = model.slice %57 {axes = array<i64: 1>, ends = array<i64: 2>, starts = array<i64: 1>, steps = array<i64: 1>} : (tensor<?x2xi64>) -> tensor<?x1xi64>
  %60 = model.squeeze %58 {axes = array<i64: 1>} : (tensor<?x1xi64>) -> tensor<?xi64>
  %61 = model.squeeze %59 {axes = array<i64: 1>} : (tensor<?x1xi64>) -> tensor<?xi64>
  %62 = model.gather %30, %61 {axis = 1 : i64} : (tensor<1x?x4xf32>, tensor<?xi64>) -> tensor<1x?x4xf32>
  %63 = model.reshape %62 {shape = array<i64: -1, 4>} : (tensor<1x?x4xf32>) -> tensor<?x4xf32>
  %64 = model.constant dense<0.25> : tensor<4x4xf32>
  %65 = model.matmul %63, %64 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %66 = model.sigmoid %65 : tensor<?x4xf32>
  %67 = model.mul %65, %66 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %68 = model.constant dense<-0.5> : tensor<4x4xf32>
  %69 = model.matmul %63, %68 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %70 = model.mul %67, %69 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %71 = model.constant dense<0.125> : tensor<4x4xf32>
  %72 = model.matmul %70, %71 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %73 = model.reshape %12 {shape = array<i64: -1, 1>} : (tensor<?x2xf32>) -> tensor<?x1xf32>
  %74 = model.constant dense<2> : tensor<1xi64>
  %75 = model.mul %61, %74 : (tensor<?xi64>, tensor<1xi64>) -> tensor<?xi64>
  %76 = model.add %60, %75 : (tensor<?xi64>, tensor<?xi64>) -> tensor<?xi64>
  %77 = model.gather %73, %76 {axis = 0 : i64} : (tensor<?x1xf32>, tensor<?xi64>) -> tensor<?x1xf32>
  %78 = model.shape %76 : (tensor<?xi64>) -> tensor<1xi64>
  %79 = model.constant dense<1> : tensor<1xi64>
  %80 = model.concat %78, %79 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %81 = model.dynamic_reshape %77, %80 : (tensor<?x1xf32>, tensor<2xi64>) -> tensor<?x1xf32>
  %82 = model.mul %72, %81 : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %83 = model.slice %52 {axes = array<i64: 0, 1>, ends = array<i64: 1, 9223372036854775807>, starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %84 = model.shape %83 : (tensor<?x4xf32>) -> tensor<2xi64>
  %85 = model.expand %51, %84 : (tensor<?x4xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  %86 = model.shape %85 : (tensor<?x4xf32>) -> tensor<2xi64>
  %87 = model.expand %27, %86 : (tensor<?x1xi64>, tensor<2xi64>) -> tensor<?x?xi64>
  %88 = model.shape %52 : (tensor<?x4xf32>) -> tensor<2xi64>
  %89 = model.constant_of_shape %88 {value = 0.000000e+00 : f32} : (tensor<2xi64>) -> tensor<?x?xf32>
  %90 = model.scatter_elements %89, %87, %85 {axis = 0 : i64} : (tensor<?x?xf32>, tensor<?x?xi64>, tensor<?x4xf32>) -> tensor<?x?xf32>
  %91 = model.add %52, %90 : (tensor<?x4xf32>, tensor<?x?xf32>) -> tensor<?x4xf32>
  %92 = model.slice %91 {axes = array<i64: 0, 1>, ends = array<i64: 1, 9223372036854775807>, starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %93 = model.shape %92 : (tensor<?x4xf32>) -> tensor<2xi64>
  %94 = model.expand %82, %93 : (tensor<?x4xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  %95 = model.shape %94 : (tensor<?x4xf32>) -> tensor<2xi64>
  %96 = model.expand %59, %95 : (tensor<?x1xi64>, tensor<2xi64>) -> tensor<?x?xi64>
  %97 = model.shape %91 : (tensor<?x4xf32>) -> tensor<2xi64>
  %98 = model.constant_of_shape %97 {value = 0.000000e+00 : f32} : (tensor<2xi64>) -> tensor<?x?xf32>
  %99 = model.scatter_elements %98, %96, %94 {axis = 0 : i64} : (tensor<?x?xf32>, tensor<?x?xi64>, tensor<?x4xf32>) -> tensor<?x?xf32>
  %100 = model.add %91, %99 : (tensor<?x4xf32>, tensor<?x?xf32>) -> tensor<?x4xf32>
  %101 = model.unsqueeze %2 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %102 = model.unsqueeze %5 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %103 = model.constant dense<4> : tensor<1xi64>
  %104 = model.concat %101, %102, %103 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<3xi64>
  %105 = model.dynamic_reshape %100, %104 : (tensor<?x4xf32>, tensor<3xi64>) -> tensor<?x?x4xf32>
  return %105 : tensor<?x?x4xf32>
}

// -----

/// The weights of each pair read at slot + tok * 3 while k = 2: another
/// token's weight.
// CHECK-LABEL: func.func @negative_hf_sparse_wrong_weight_stride
// CHECK-NOT: fused.moe
// CHECK: model.non_zero

func.func @negative_hf_sparse_wrong_weight_stride(%arg0: tensor<?x?x4xf32> {model.dims = #model.dims<[batch, seq, 4]>, model.name = "input_0"}) -> (tensor<?x?x4xf32> {model.dims = #model.dims<[batch, seq, 4]>, model.name = "output_0"}) {
  %0 = model.shape %arg0 : (tensor<?x?x4xf32>) -> tensor<3xi64>
  %1 = model.constant dense<0> : tensor<i64>
  %2 = model.gather %0, %1 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %3 = model.shape %arg0 : (tensor<?x?x4xf32>) -> tensor<3xi64>
  %4 = model.constant dense<1> : tensor<i64>
  %5 = model.gather %3, %4 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %6 = model.reshape %arg0 {shape = array<i64: -1, 4>} : (tensor<?x?x4xf32>) -> tensor<?x4xf32>
  %7 = model.constant dense<0.25> : tensor<4x2xf32>
  %8 = model.matmul %6, %7 : (tensor<?x4xf32>, tensor<4x2xf32>) -> tensor<?x2xf32>
  %9 = model.softmax %8 {axis = 1 : i64} : tensor<?x2xf32>
  %10 = model.constant dense<2> : tensor<1xi64>
  %values, %indices = model.topk %9, %10 {axis = 1 : i64} : (tensor<?x2xf32>, tensor<1xi64>) -> (tensor<?x2xf32>, tensor<?x2xi64>)
  %11 = model.reduce_sum %values {axes = array<i64: 1>} : (tensor<?x2xf32>) -> tensor<?x1xf32>
  %12 = model.div %values, %11 : (tensor<?x2xf32>, tensor<?x1xf32>) -> tensor<?x2xf32>
  %13 = model.mul %2, %5 : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %14 = model.unsqueeze %13 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %15 = model.constant dense<4> : tensor<1xi64>
  %16 = model.concat %14, %15 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %17 = model.constant dense<2> : tensor<i64>
  %18 = model.constant dense<[0, 1]> : tensor<2xi64>
  %19 = model.one_hot %indices, %17, %18 {axis = 2 : i64} : (tensor<?x2xi64>, tensor<i64>, tensor<2xi64>) -> tensor<?x2x2xi64>
  %20 = model.transpose %19 {perm = array<i64: 2, 1, 0>} : (tensor<?x2x2xi64>) -> tensor<2x2x?xi64>
  %21 = model.constant dense<0> : tensor<i64>
  %22 = model.gather %20, %21 {axis = 0 : i64} : (tensor<2x2x?xi64>, tensor<i64>) -> tensor<2x?xi64>
  %23 = model.cast %22 to i1 : tensor<2x?xi64> -> tensor<2x?xi1>
  %24 = model.non_zero %23 : (tensor<2x?xi1>) -> tensor<2x?xi64>
  %25 = model.transpose %24 {perm = array<i64: 1, 0>} : (tensor<2x?xi64>) -> tensor<?x2xi64>
  %26 = model.slice %25 {axes = array<i64: 1>, ends = array<i64: 1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<?x2xi64>) -> tensor<?x1xi64>
  %27 = model.slice %25 {axes = array<i64: 1>, ends = array<i64: 2>, starts = array<i64: 1>, steps = array<i64: 1>} : (tensor<?x2xi64>) -> tensor<?x1xi64>
  %28 = model.squeeze %26 {axes = array<i64: 1>} : (tensor<?x1xi64>) -> tensor<?xi64>
  %29 = model.squeeze %27 {axes = array<i64: 1>} : (tensor<?x1xi64>) -> tensor<?xi64>
  %30 = model.unsqueeze %6 {axes = array<i64: 0>} : (tensor<?x4xf32>) -> tensor<1x?x4xf32>
  %31 = model.gather %30, %29 {axis = 1 : i64} : (tensor<1x?x4xf32>, tensor<?xi64>) -> tensor<1x?x4xf32>
  %32 = model.reshape %31 {shape = array<i64: -1, 4>} : (tensor<1x?x4xf32>) -> tensor<?x4xf32>
  %33 = model.constant dense<-0.5> : tensor<4x4xf32>
  %34 = model.matmul %32, %33 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %35 = model.sigmoid %34 : tensor<?x4xf32>
  %36 = model.mul %34, %35 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %37 = model.constant dense<0.125> : tensor<4x4xf32>
  %38 = model.matmul %32, %37 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %39 = model.mul %36, %38 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %40 = model.constant dense<0.75> : tensor<4x4xf32>
  %41 = model.matmul %39, %40 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %42 = model.reshape %12 {shape = array<i64: -1, 1>} : (tensor<?x2xf32>) -> tensor<?x1xf32>
  %43 = model.constant dense<3> : tensor<1xi64>
  %44 = model.mul %29, %43 : (tensor<?xi64>, tensor<1xi64>) -> tensor<?xi64>
  %45 = model.add %28, %44 : (tensor<?xi64>, tensor<?xi64>) -> tensor<?xi64>
  %46 = model.gather %42, %45 {axis = 0 : i64} : (tensor<?x1xf32>, tensor<?xi64>) -> tensor<?x1xf32>
  %47 = model.shape %45 : (tensor<?xi64>) -> tensor<1xi64>
  %48 = model.constant dense<1> : tensor<1xi64>
  %49 = model.concat %47, %48 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %50 = model.dynamic_reshape %46, %49 : (tensor<?x1xf32>, tensor<2xi64>) -> tensor<?x1xf32>
  %51 = model.mul %41, %50 : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %52 = model.constant_of_shape %16 {value = 0.000000e+00 : f32} : (tensor<2xi64>) -> tensor<?x4xf32>
  %53 = model.constant dense<1> : tensor<i64>
  %54 = model.gather %20, %53 {axis = 0 : i64} : (tensor<2x2x?xi64>, tensor<i64>) -> tensor<2x?xi64>
  %55 = model.cast %54 to i1 : tensor<2x?xi64> -> tensor<2x?xi1>
  %56 = model.non_zero %55 : (tensor<2x?xi1>) -> tensor<2x?xi64>
  %57 = model.transpose %56 {perm = array<i64: 1, 0>} : (tensor<2x?xi64>) -> tensor<?x2xi64>
  %58 = model.slice %57 {axes = array<i64: 1>, ends = array<i64: 1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<?x2xi64>) -> tensor<?x1xi64>
  %59 = model.slice %57 {axes = array<i64: 1>, ends = array<i64: 2>, starts = array<i64: 1>, steps = array<i64: 1>} : (tensor<?x2xi64>) -> tensor<?x1xi64>
  %60 = model.squeeze %58 {axes = array<i64: 1>} : (tensor<?x1xi64>) -> tensor<?xi64>
  %61 = model.squeeze %59 {axes = array<i64: 1>} : (tensor<?x1xi64>) -> tensor<?xi64>
  %62 = model.gather %30, %61 {axis = 1 : i64} : (tensor<1x?x4xf32>, tensor<?xi64>) -> tensor<1x?x4xf32>
  %63 = model.reshape %62 {shape = array<i64: -1, 4>} : (tensor<1x?x4xf32>) -> tensor<?x4xf32>
  %64 = model.constant dense<0.25> : tensor<4x4xf32>
  %65 = model.matmul %63, %64 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %66 = model.sigmoid %65 : tensor<?x4xf32>
  %67 = model.mul %65, %66 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %68 = model.constant dense<-0.5> : tensor<4x4xf32>
  %69 = model.matmul %63, %68 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %70 = model.mul %67, %69 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %71 = model.constant dense<0.125> : tensor<4x4xf32>
  %72 = model.matmul %70, %71 : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %73 = model.reshape %12 {shape = array<i64: -1, 1>} : (tensor<?x2xf32>) -> tensor<?x1xf32>
  %74 = model.constant dense<2> : tensor<1xi64>
  %75 = model.mul %61, %74 : (tensor<?xi64>, tensor<1xi64>) -> tensor<?xi64>
  %76 = model.add %60, %75 : (tensor<?xi64>, tensor<?xi64>) -> tensor<?xi64>
  %77 = model.gather %73, %76 {axis = 0 : i64} : (tensor<?x1xf32>, tensor<?xi64>) -> tensor<?x1xf32>
  %78 = model.shape %76 : (tensor<?xi64>) -> tensor<1xi64>
  %79 = model.constant dense<1> : tensor<1xi64>
  %80 = model.concat %78, %79 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %81 = model.dynamic_reshape %77, %80 : (tensor<?x1xf32>, tensor<2xi64>) -> tensor<?x1xf32>
  %82 = model.mul %72, %81 : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %83 = model.slice %52 {axes = array<i64: 0, 1>, ends = array<i64: 1, 9223372036854775807>, starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %84 = model.shape %83 : (tensor<?x4xf32>) -> tensor<2xi64>
  %85 = model.expand %51, %84 : (tensor<?x4xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  %86 = model.shape %85 : (tensor<?x4xf32>) -> tensor<2xi64>
  %87 = model.expand %27, %86 : (tensor<?x1xi64>, tensor<2xi64>) -> tensor<?x?xi64>
  %88 = model.shape %52 : (tensor<?x4xf32>) -> tensor<2xi64>
  %89 = model.constant_of_shape %88 {value = 0.000000e+00 : f32} : (tensor<2xi64>) -> tensor<?x?xf32>
  %90 = model.scatter_elements %89, %87, %85 {axis = 0 : i64} : (tensor<?x?xf32>, tensor<?x?xi64>, tensor<?x4xf32>) -> tensor<?x?xf32>
  %91 = model.add %52, %90 : (tensor<?x4xf32>, tensor<?x?xf32>) -> tensor<?x4xf32>
  %92 = model.slice %91 {axes = array<i64: 0, 1>, ends = array<i64: 1, 9223372036854775807>, starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %93 = model.shape %92 : (tensor<?x4xf32>) -> tensor<2xi64>
  %94 = model.expand %82, %93 : (tensor<?x4xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  %95 = model.shape %94 : (tensor<?x4xf32>) -> tensor<2xi64>
  %96 = model.expand %59, %95 : (tensor<?x1xi64>, tensor<2xi64>) -> tensor<?x?xi64>
  %97 = model.shape %91 : (tensor<?x4xf32>) -> tensor<2xi64>
  %98 = model.constant_of_shape %97 {value = 0.000000e+00 : f32} : (tensor<2xi64>) -> tensor<?x?xf32>
  %99 = model.scatter_elements %98, %96, %94 {axis = 0 : i64} : (tensor<?x?xf32>, tensor<?x?xi64>, tensor<?x4xf32>) -> tensor<?x?xf32>
  %100 = model.add %91, %99 : (tensor<?x4xf32>, tensor<?x?xf32>) -> tensor<?x4xf32>
  %101 = model.unsqueeze %2 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %102 = model.unsqueeze %5 {axes = array<i64: 0>} : (tensor<i64>) -> tensor<1xi64>
  %103 = model.constant dense<4> : tensor<1xi64>
  %104 = model.concat %101, %102, %103 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<3xi64>
  %105 = model.dynamic_reshape %100, %104 : (tensor<?x4xf32>, tensor<3xi64>) -> tensor<?x?x4xf32>
  return %105 : tensor<?x?x4xf32>
}
