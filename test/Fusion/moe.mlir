// RUN: kiln-opt %s --split-input-file --kiln-fuse-moe | FileCheck %s

/// Mixtral's block with the Python loop over the experts unrolled: softmax,
/// top-2, renormalized; each expert's weight a one-hot mask of the top-2
/// indices; the outputs summed from zeros; the [T, H] tokens reshaped from
/// [B, S, H] in front and back behind.
// CHECK-LABEL: func @mixtral_loop
// CHECK-DAG: %[[X:.*]] = model.reshape %arg0
// CHECK-DAG: %[[L:.*]] = model.matmul %[[X]], %{{.*}} : (tensor<5x4xf32>, tensor<4x3xf32>)
// CHECK-DAG: %[[UP:.*]] = model.weight "moe.fused_moe.up" {{.*}} : tensor<3x4x4xf32>
// CHECK-DAG: %[[DOWN:.*]] = model.weight "moe.fused_moe.down" {{.*}} : tensor<3x4x4xf32>
// CHECK-DAG: %[[GATE:.*]] = model.weight "moe.fused_moe.gate" {{.*}} : tensor<3x4x4xf32>
// CHECK: %[[O:.*]] = fused.moe tokens(%[[X]] : tensor<5x4xf32>) logits(%[[L]] : tensor<5x3xf32>) gate(%[[GATE]] : tensor<3x4x4xf32>) up(%[[UP]] : tensor<3x4x4xf32>) down(%[[DOWN]] : tensor<3x4x4xf32>) outs(%{{.*}} : tensor<5x4xf32>) {num_experts = 3 : i64, renormalize = true, top_k = 2 : i64} -> tensor<5x4xf32>
// CHECK-NOT: model.topk
// CHECK-NOT: model.one_hot
// CHECK: %[[R:.*]] = model.reshape %[[O]]
// CHECK: return %[[R]]
func.func @mixtral_loop(%arg0: tensor<1x5x4xf32>) -> (tensor<1x5x4xf32>) {
  %0 = model.reshape %arg0 {shape = array<i64: -1, 4>} : (tensor<1x5x4xf32>) -> tensor<5x4xf32>
  %1 = model.constant dense<[[-3.743410e-03, -0.192577183, -0.0443720222], [0.268221796, 0.134078681, 0.132306278], [-0.411522567, -0.00990658998, -0.151106536], [-0.367969513, 0.396444738, -0.0982826948]]> : tensor<4x3xf32>
  %2 = model.matmul %0, %1 : (tensor<5x4xf32>, tensor<4x3xf32>) -> tensor<5x3xf32>
  %3 = model.softmax %2 {axis = 1 : i64} : tensor<5x3xf32>
  %4 = model.constant dense<2> : tensor<1xi64>
  %values, %indices = model.topk %3, %4 {axis = 1 : i64} : (tensor<5x3xf32>, tensor<1xi64>) -> (tensor<5x2xf32>, tensor<5x2xi64>)
  %5 = model.reduce_sum %values {axes = array<i64: 1>} : (tensor<5x2xf32>) -> tensor<5x1xf32>
  %6 = model.div %values, %5 : (tensor<5x2xf32>, tensor<5x1xf32>) -> tensor<5x2xf32>
  %7 = model.constant dense<3> : tensor<i64>
  %8 = model.constant dense<[0, 1]> : tensor<2xi64>
  %9 = model.one_hot %indices, %7, %8 {axis = 2 : i64} : (tensor<5x2xi64>, tensor<i64>, tensor<2xi64>) -> tensor<5x2x3xi64>
  %10 = model.constant dense<0> : tensor<i64>
  %11 = model.gather %9, %10 {axis = 2 : i64} : (tensor<5x2x3xi64>, tensor<i64>) -> tensor<5x2xi64>
  %12 = model.cast %11 to f32 : tensor<5x2xi64> -> tensor<5x2xf32>
  %13 = model.mul %6, %12 : (tensor<5x2xf32>, tensor<5x2xf32>) -> tensor<5x2xf32>
  %14 = model.reduce_sum %13 {axes = array<i64: 1>} : (tensor<5x2xf32>) -> tensor<5x1xf32>
  %15 = model.constant dense<[[-0.477674246, 0.197667599, 0.181608558, -0.0805916786], [-0.331141055, 0.300011396, 0.415193975, 0.0529070497], [-0.20611155, -0.338970542, -0.102900088, 0.452738106], [0.0185217857, -0.217731416, 0.374155879, -0.46383518]]> : tensor<4x4xf32>
  %16 = model.matmul %0, %15 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %17 = model.sigmoid %16 : tensor<5x4xf32>
  %18 = model.mul %16, %17 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %19 = model.constant dense<[[-0.31476897, -0.324089825, -0.291870236, 0.0262957811], [-0.126582623, -0.230166435, 0.42979902, -0.256341755], [-0.194899976, -0.349320233, 0.223109186, 0.0845923423], [0.432000399, -0.468280494, 0.242336273, -0.46684736]]> : tensor<4x4xf32>
  %20 = model.matmul %0, %19 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %21 = model.mul %18, %20 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %22 = model.constant dense<[[-0.361283123, -0.221747518, 0.198441088, 0.0931720137], [-2.577650e-01, -0.0180411935, 0.0675464272, -0.387652755], [0.315468967, 0.31978035, 0.335243165, -0.346543074], [0.293160617, 0.497066557, -0.294401169, -0.258291781]]> : tensor<4x4xf32>
  %23 = model.matmul %21, %22 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %24 = model.mul %23, %14 : (tensor<5x4xf32>, tensor<5x1xf32>) -> tensor<5x4xf32>
  %25 = model.weight "/Constant_7_output_0" dense<0.000000e+00> : tensor<5x4xf32>
  %26 = model.add %25, %24 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %27 = model.constant dense<1> : tensor<i64>
  %28 = model.gather %9, %27 {axis = 2 : i64} : (tensor<5x2x3xi64>, tensor<i64>) -> tensor<5x2xi64>
  %29 = model.cast %28 to f32 : tensor<5x2xi64> -> tensor<5x2xf32>
  %30 = model.mul %6, %29 : (tensor<5x2xf32>, tensor<5x2xf32>) -> tensor<5x2xf32>
  %31 = model.reduce_sum %30 {axes = array<i64: 1>} : (tensor<5x2xf32>) -> tensor<5x1xf32>
  %32 = model.constant dense<[[0.226236522, 2.744860e-01, 0.310188293, 0.196504951], [0.201080203, -0.0631086826, 0.480097055, 0.414274693], [-0.296176255, 0.0190907717, -0.385311782, 0.435103655], [0.151053548, 0.115852356, -0.18323487, 0.441178381]]> : tensor<4x4xf32>
  %33 = model.matmul %0, %32 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %34 = model.sigmoid %33 : tensor<5x4xf32>
  %35 = model.mul %33, %34 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %36 = model.constant dense<[[0.0995072722, -0.465977073, 0.0935860276, 0.192278087], [-0.434791327, 0.444246233, -0.0842300057, -0.296151757], [0.0459962487, 0.380179882, -0.0822805762, 0.183295667], [-0.312802672, -0.498763978, -0.228878438, 0.252854049]]> : tensor<4x4xf32>
  %37 = model.matmul %0, %36 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %38 = model.mul %35, %37 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %39 = model.constant dense<[[0.357935786, 0.249657512, 0.470374644, -0.476299047], [0.186955571, 0.104650676, 0.336908937, -0.00898706912], [-0.494867623, -3.900420e-01, -0.218012571, -0.376529455], [-0.32434845, -0.287909746, -0.125842392, -0.385678351]]> : tensor<4x4xf32>
  %40 = model.matmul %38, %39 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %41 = model.mul %40, %31 : (tensor<5x4xf32>, tensor<5x1xf32>) -> tensor<5x4xf32>
  %42 = model.add %26, %41 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %43 = model.constant dense<2> : tensor<i64>
  %44 = model.gather %9, %43 {axis = 2 : i64} : (tensor<5x2x3xi64>, tensor<i64>) -> tensor<5x2xi64>
  %45 = model.cast %44 to f32 : tensor<5x2xi64> -> tensor<5x2xf32>
  %46 = model.mul %6, %45 : (tensor<5x2xf32>, tensor<5x2xf32>) -> tensor<5x2xf32>
  %47 = model.reduce_sum %46 {axes = array<i64: 1>} : (tensor<5x2xf32>) -> tensor<5x1xf32>
  %48 = model.constant dense<[[-0.0275498033, -0.304269552, -0.12444216, 0.196214139], [0.0750725269, 0.453685045, 0.0225613117, 0.0299500823], [-0.204765141, 0.342649937, 0.072950542, -0.243964374], [0.296688795, -0.421641469, 0.118587136, 0.236594498]]> : tensor<4x4xf32>
  %49 = model.matmul %0, %48 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %50 = model.sigmoid %49 : tensor<5x4xf32>
  %51 = model.mul %49, %50 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %52 = model.constant dense<[[-0.47962445, -0.174916685, -0.325732887, 0.0138961077], [-0.29635334, -0.409810841, -0.0256596804, -0.0431344509], [-0.125164926, -0.106357574, 0.357925415, 0.101190686], [-0.243556678, 0.106878221, -0.051400125, 0.317919731]]> : tensor<4x4xf32>
  %53 = model.matmul %0, %52 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %54 = model.mul %51, %53 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %55 = model.constant dense<[[0.473623097, -0.449160755, -0.248523176, -0.101418376], [0.31752795, -0.237038612, -0.383155882, 2.742030e-01], [0.474706769, 0.340452611, -0.467926025, 0.270320535], [-0.0361608267, -0.00324124098, -0.422004104, -0.482215941]]> : tensor<4x4xf32>
  %56 = model.matmul %54, %55 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %57 = model.mul %56, %47 : (tensor<5x4xf32>, tensor<5x1xf32>) -> tensor<5x4xf32>
  %58 = model.add %42, %57 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %59 = model.reshape %58 {shape = array<i64: 1, 5, 4>} : (tensor<5x4xf32>) -> tensor<1x5x4xf32>
  return %59 : tensor<1x5x4xf32>
}

// -----

/// All experts on every token, stacked, weighted by the top-2 weights
/// scattered into a dense [T, E] matrix.
// CHECK-LABEL: func @dense_scatter
// CHECK: fused.moe tokens(%arg0 : tensor<5x4xf32>) logits(%{{.*}} : tensor<5x3xf32>) gate({{.*}}) up({{.*}}) down({{.*}}) outs({{.*}}) {num_experts = 3 : i64, renormalize = true, top_k = 2 : i64}
// CHECK-NOT: model.scatter_elements
// CHECK-NOT: model.concat
func.func @dense_scatter(%arg0: tensor<5x4xf32>) -> (tensor<5x4xf32>) {
  %0 = model.constant dense<[[-3.743410e-03, -0.192577183, -0.0443720222], [0.268221796, 0.134078681, 0.132306278], [-0.411522567, -0.00990658998, -0.151106536], [-0.367969513, 0.396444738, -0.0982826948]]> : tensor<4x3xf32>
  %1 = model.matmul %arg0, %0 : (tensor<5x4xf32>, tensor<4x3xf32>) -> tensor<5x3xf32>
  %2 = model.softmax %1 {axis = 1 : i64} : tensor<5x3xf32>
  %3 = model.constant dense<2> : tensor<1xi64>
  %values, %indices = model.topk %2, %3 {axis = 1 : i64} : (tensor<5x3xf32>, tensor<1xi64>) -> (tensor<5x2xf32>, tensor<5x2xi64>)
  %4 = model.reduce_sum %values {axes = array<i64: 1>} : (tensor<5x2xf32>) -> tensor<5x1xf32>
  %5 = model.div %values, %4 : (tensor<5x2xf32>, tensor<5x1xf32>) -> tensor<5x2xf32>
  %6 = model.constant dense<0.000000e+00> : tensor<5x3xf32>
  %7 = model.scatter_elements %6, %indices, %5 {axis = 1 : i64} : (tensor<5x3xf32>, tensor<5x2xi64>, tensor<5x2xf32>) -> tensor<5x3xf32>
  %8 = model.constant dense<[[-0.477674246, 0.197667599, 0.181608558, -0.0805916786], [-0.331141055, 0.300011396, 0.415193975, 0.0529070497], [-0.20611155, -0.338970542, -0.102900088, 0.452738106], [0.0185217857, -0.217731416, 0.374155879, -0.46383518]]> : tensor<4x4xf32>
  %9 = model.matmul %arg0, %8 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %10 = model.sigmoid %9 : tensor<5x4xf32>
  %11 = model.mul %9, %10 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %12 = model.constant dense<[[-0.31476897, -0.324089825, -0.291870236, 0.0262957811], [-0.126582623, -0.230166435, 0.42979902, -0.256341755], [-0.194899976, -0.349320233, 0.223109186, 0.0845923423], [0.432000399, -0.468280494, 0.242336273, -0.46684736]]> : tensor<4x4xf32>
  %13 = model.matmul %arg0, %12 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %14 = model.mul %11, %13 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %15 = model.constant dense<[[-0.361283123, -0.221747518, 0.198441088, 0.0931720137], [-2.577650e-01, -0.0180411935, 0.0675464272, -0.387652755], [0.315468967, 0.31978035, 0.335243165, -0.346543074], [0.293160617, 0.497066557, -0.294401169, -0.258291781]]> : tensor<4x4xf32>
  %16 = model.matmul %14, %15 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %17 = model.constant dense<[[0.226236522, 2.744860e-01, 0.310188293, 0.196504951], [0.201080203, -0.0631086826, 0.480097055, 0.414274693], [-0.296176255, 0.0190907717, -0.385311782, 0.435103655], [0.151053548, 0.115852356, -0.18323487, 0.441178381]]> : tensor<4x4xf32>
  %18 = model.matmul %arg0, %17 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %19 = model.sigmoid %18 : tensor<5x4xf32>
  %20 = model.mul %18, %19 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %21 = model.constant dense<[[0.0995072722, -0.465977073, 0.0935860276, 0.192278087], [-0.434791327, 0.444246233, -0.0842300057, -0.296151757], [0.0459962487, 0.380179882, -0.0822805762, 0.183295667], [-0.312802672, -0.498763978, -0.228878438, 0.252854049]]> : tensor<4x4xf32>
  %22 = model.matmul %arg0, %21 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %23 = model.mul %20, %22 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %24 = model.constant dense<[[0.357935786, 0.249657512, 0.470374644, -0.476299047], [0.186955571, 0.104650676, 0.336908937, -0.00898706912], [-0.494867623, -3.900420e-01, -0.218012571, -0.376529455], [-0.32434845, -0.287909746, -0.125842392, -0.385678351]]> : tensor<4x4xf32>
  %25 = model.matmul %23, %24 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %26 = model.constant dense<[[-0.0275498033, -0.304269552, -0.12444216, 0.196214139], [0.0750725269, 0.453685045, 0.0225613117, 0.0299500823], [-0.204765141, 0.342649937, 0.072950542, -0.243964374], [0.296688795, -0.421641469, 0.118587136, 0.236594498]]> : tensor<4x4xf32>
  %27 = model.matmul %arg0, %26 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %28 = model.sigmoid %27 : tensor<5x4xf32>
  %29 = model.mul %27, %28 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %30 = model.constant dense<[[-0.47962445, -0.174916685, -0.325732887, 0.0138961077], [-0.29635334, -0.409810841, -0.0256596804, -0.0431344509], [-0.125164926, -0.106357574, 0.357925415, 0.101190686], [-0.243556678, 0.106878221, -0.051400125, 0.317919731]]> : tensor<4x4xf32>
  %31 = model.matmul %arg0, %30 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %32 = model.mul %29, %31 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %33 = model.constant dense<[[0.473623097, -0.449160755, -0.248523176, -0.101418376], [0.31752795, -0.237038612, -0.383155882, 2.742030e-01], [0.474706769, 0.340452611, -0.467926025, 0.270320535], [-0.0361608267, -0.00324124098, -0.422004104, -0.482215941]]> : tensor<4x4xf32>
  %34 = model.matmul %32, %33 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %35 = model.unsqueeze %16 {axes = array<i64: 1>} : (tensor<5x4xf32>) -> tensor<5x1x4xf32>
  %36 = model.unsqueeze %25 {axes = array<i64: 1>} : (tensor<5x4xf32>) -> tensor<5x1x4xf32>
  %37 = model.unsqueeze %34 {axes = array<i64: 1>} : (tensor<5x4xf32>) -> tensor<5x1x4xf32>
  %38 = model.concat %35, %36, %37 {axis = 1 : i64} : (tensor<5x1x4xf32>, tensor<5x1x4xf32>, tensor<5x1x4xf32>) -> tensor<5x3x4xf32>
  %39 = model.unsqueeze %7 {axes = array<i64: 2>} : (tensor<5x3xf32>) -> tensor<5x3x1xf32>
  %40 = model.mul %38, %39 : (tensor<5x3x4xf32>, tensor<5x3x1xf32>) -> tensor<5x3x4xf32>
  %41 = model.reduce_sum %40 {axes = array<i64: 1>, keepdims = false} : (tensor<5x3x4xf32>) -> tensor<5x4xf32>
  return %41 : tensor<5x4xf32>
}

// -----

/// Switch: softmax, top-1 without renormalization, ReLU experts with
/// biases (Gemm with transB; the weights are stacked transposed).
// CHECK-LABEL: func @switch_top1
// CHECK: fused.moe tokens(%arg0 : tensor<5x4xf32>) logits(%{{.*}} : tensor<5x2xf32>) up(%{{.*}} : tensor<2x4x4xf32>) down(%{{.*}} : tensor<2x4x4xf32>) up_bias(%{{.*}} : tensor<2x4xf32>) down_bias(%{{.*}} : tensor<2x4xf32>) outs(%{{.*}} : tensor<5x4xf32>) {activation = "relu", gated = false, num_experts = 2 : i64, top_k = 1 : i64}
// CHECK-NOT: model.gemm
func.func @switch_top1(%arg0: tensor<5x4xf32>) -> (tensor<5x4xf32>) {
  %0 = model.constant dense<[[-3.743410e-03, -0.192577183], [0.268221796, 0.134078681], [-0.411522567, -0.00990658998], [-0.367969513, 0.396444738]]> : tensor<4x2xf32>
  %1 = model.matmul %arg0, %0 : (tensor<5x4xf32>, tensor<4x2xf32>) -> tensor<5x2xf32>
  %2 = model.softmax %1 {axis = 1 : i64} : tensor<5x2xf32>
  %3 = model.constant dense<1> : tensor<1xi64>
  %values, %indices = model.topk %2, %3 {axis = 1 : i64} : (tensor<5x2xf32>, tensor<1xi64>) -> (tensor<5x1xf32>, tensor<5x1xi64>)
  %4 = model.constant dense<2> : tensor<i64>
  %5 = model.constant dense<[0, 1]> : tensor<2xi64>
  %6 = model.one_hot %indices, %4, %5 {axis = 2 : i64} : (tensor<5x1xi64>, tensor<i64>, tensor<2xi64>) -> tensor<5x1x2xi64>
  %7 = model.constant dense<0> : tensor<i64>
  %8 = model.gather %6, %7 {axis = 2 : i64} : (tensor<5x1x2xi64>, tensor<i64>) -> tensor<5x1xi64>
  %9 = model.cast %8 to f32 : tensor<5x1xi64> -> tensor<5x1xf32>
  %10 = model.mul %values, %9 : (tensor<5x1xf32>, tensor<5x1xf32>) -> tensor<5x1xf32>
  %11 = model.reduce_sum %10 {axes = array<i64: 1>} : (tensor<5x1xf32>) -> tensor<5x1xf32>
  %12 = model.constant dense<[[-0.0443720222, 0.132306278, -0.151106536, -0.0982826948], [-0.477674246, -0.331141055, -0.20611155, 0.0185217857], [0.197667599, 0.300011396, -0.338970542, -0.217731416], [0.181608558, 0.415193975, -0.102900088, 0.374155879]]> : tensor<4x4xf32>
  %13 = model.constant dense<[-0.0805916786, 0.0529070497, 0.452738106, -0.46383518]> : tensor<4xf32>
  %14 = model.gemm %arg0, %12, %13 {transB = true} : (tensor<5x4xf32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<5x4xf32>
  %15 = model.relu %14 : tensor<5x4xf32>
  %16 = model.constant dense<[[-0.31476897, -0.126582623, -0.194899976, 0.432000399], [-0.324089825, -0.230166435, -0.349320233, -0.468280494], [-0.291870236, 0.42979902, 0.223109186, 0.242336273], [0.0262957811, -0.256341755, 0.0845923423, -0.46684736]]> : tensor<4x4xf32>
  %17 = model.constant dense<[-0.361283123, -2.577650e-01, 0.315468967, 0.293160617]> : tensor<4xf32>
  %18 = model.gemm %15, %16, %17 {transB = true} : (tensor<5x4xf32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<5x4xf32>
  %19 = model.mul %18, %11 : (tensor<5x4xf32>, tensor<5x1xf32>) -> tensor<5x4xf32>
  %20 = model.weight "/Constant_5_output_0" dense<0.000000e+00> : tensor<5x4xf32>
  %21 = model.add %20, %19 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %22 = model.constant dense<1> : tensor<i64>
  %23 = model.gather %6, %22 {axis = 2 : i64} : (tensor<5x1x2xi64>, tensor<i64>) -> tensor<5x1xi64>
  %24 = model.cast %23 to f32 : tensor<5x1xi64> -> tensor<5x1xf32>
  %25 = model.mul %values, %24 : (tensor<5x1xf32>, tensor<5x1xf32>) -> tensor<5x1xf32>
  %26 = model.reduce_sum %25 {axes = array<i64: 1>} : (tensor<5x1xf32>) -> tensor<5x1xf32>
  %27 = model.constant dense<[[-0.221747518, -0.0180411935, 0.31978035, 0.497066557], [0.198441088, 0.0675464272, 0.335243165, -0.294401169], [0.0931720137, -0.387652755, -0.346543074, -0.258291781], [0.226236522, 0.201080203, -0.296176255, 0.151053548]]> : tensor<4x4xf32>
  %28 = model.constant dense<[2.744860e-01, -0.0631086826, 0.0190907717, 0.115852356]> : tensor<4xf32>
  %29 = model.gemm %arg0, %27, %28 {transB = true} : (tensor<5x4xf32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<5x4xf32>
  %30 = model.relu %29 : tensor<5x4xf32>
  %31 = model.constant dense<[[0.310188293, 0.480097055, -0.385311782, -0.18323487], [0.196504951, 0.414274693, 0.435103655, 0.441178381], [0.0995072722, -0.434791327, 0.0459962487, -0.312802672], [-0.465977073, 0.444246233, 0.380179882, -0.498763978]]> : tensor<4x4xf32>
  %32 = model.constant dense<[0.0935860276, -0.0842300057, -0.0822805762, -0.228878438]> : tensor<4xf32>
  %33 = model.gemm %30, %31, %32 {transB = true} : (tensor<5x4xf32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<5x4xf32>
  %34 = model.mul %33, %26 : (tensor<5x4xf32>, tensor<5x1xf32>) -> tensor<5x4xf32>
  %35 = model.add %21, %34 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  return %35 : tensor<5x4xf32>
}

// -----

/// DeepSeek-V3: sigmoid scores, top-2 chosen on scores + bias but weighted
/// by the gathered unbiased scores, renormalized, scaled by 2.5, scattered
/// and sliced per expert, plus a shared expert.
// CHECK-LABEL: func @deepseek_shared_biased
// CHECK-DAG: %[[BIAS:.*]] = model.constant dense<[0.201673418, 0.419013172, -0.359628797]> : tensor<3xf32>
// CHECK: fused.moe tokens(%arg0 : tensor<5x4xf32>) logits(%{{.*}} : tensor<5x3xf32>) selection_bias(%[[BIAS]] : tensor<3xf32>) gate(%{{.*}} : tensor<3x4x2xf32>) up(%{{.*}} : tensor<3x4x2xf32>) down(%{{.*}} : tensor<3x2x4xf32>) shared_gate(%{{.*}} : tensor<4x4xf32>) shared_up(%{{.*}} : tensor<4x4xf32>) shared_down(%{{.*}} : tensor<4x4xf32>) outs(%{{.*}} : tensor<5x4xf32>) {num_experts = 3 : i64, renormalize = true, routed_scaling = 2.500000e+00 : f32, scoring = "sigmoid", top_k = 2 : i64}
// CHECK-NOT: model.gather_elements
// CHECK-NOT: model.sigmoid
func.func @deepseek_shared_biased(%arg0: tensor<5x4xf32>) -> (tensor<5x4xf32>) {
  %0 = model.constant dense<[[-3.743410e-03, -0.192577183, -0.0443720222], [0.268221796, 0.134078681, 0.132306278], [-0.411522567, -0.00990658998, -0.151106536], [-0.367969513, 0.396444738, -0.0982826948]]> : tensor<4x3xf32>
  %1 = model.matmul %arg0, %0 : (tensor<5x4xf32>, tensor<4x3xf32>) -> tensor<5x3xf32>
  %2 = model.sigmoid %1 : tensor<5x3xf32>
  %3 = model.constant dense<[0.201673418, 0.419013172, -0.359628797]> : tensor<3xf32>
  %4 = model.add %2, %3 : (tensor<5x3xf32>, tensor<3xf32>) -> tensor<5x3xf32>
  %5 = model.constant dense<2> : tensor<1xi64>
  %values, %indices = model.topk %4, %5 {axis = 1 : i64} : (tensor<5x3xf32>, tensor<1xi64>) -> (tensor<5x2xf32>, tensor<5x2xi64>)
  %6 = model.gather_elements %2, %indices {axis = 1 : i64} : (tensor<5x3xf32>, tensor<5x2xi64>) -> tensor<5x2xf32>
  %7 = model.reduce_sum %6 {axes = array<i64: 1>} : (tensor<5x2xf32>) -> tensor<5x1xf32>
  %8 = model.div %6, %7 : (tensor<5x2xf32>, tensor<5x1xf32>) -> tensor<5x2xf32>
  %9 = model.constant dense<2.500000e+00> : tensor<f32>
  %10 = model.mul %8, %9 : (tensor<5x2xf32>, tensor<f32>) -> tensor<5x2xf32>
  %11 = model.constant dense<0.000000e+00> : tensor<5x3xf32>
  %12 = model.scatter_elements %11, %indices, %10 {axis = 1 : i64} : (tensor<5x3xf32>, tensor<5x2xi64>, tensor<5x2xf32>) -> tensor<5x3xf32>
  %13 = model.constant dense<[[0.181608558, -0.0805916786], [0.415193975, 0.0529070497], [-0.102900088, 0.452738106], [0.374155879, -0.46383518]]> : tensor<4x2xf32>
  %14 = model.matmul %arg0, %13 : (tensor<5x4xf32>, tensor<4x2xf32>) -> tensor<5x2xf32>
  %15 = model.sigmoid %14 : tensor<5x2xf32>
  %16 = model.mul %14, %15 : (tensor<5x2xf32>, tensor<5x2xf32>) -> tensor<5x2xf32>
  %17 = model.constant dense<[[-0.31476897, -0.324089825], [-0.126582623, -0.230166435], [-0.194899976, -0.349320233], [0.432000399, -0.468280494]]> : tensor<4x2xf32>
  %18 = model.matmul %arg0, %17 : (tensor<5x4xf32>, tensor<4x2xf32>) -> tensor<5x2xf32>
  %19 = model.mul %16, %18 : (tensor<5x2xf32>, tensor<5x2xf32>) -> tensor<5x2xf32>
  %20 = model.constant dense<[[-0.412766844, 0.315524042, 0.0371878482, 0.119631633], [0.607827603, 0.342715234, -0.362521976, -0.660221874]]> : tensor<2x4xf32>
  %21 = model.matmul %19, %20 : (tensor<5x2xf32>, tensor<2x4xf32>) -> tensor<5x4xf32>
  %22 = model.slice %12 {axes = array<i64: 1>, ends = array<i64: 1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<5x3xf32>) -> tensor<5x1xf32>
  %23 = model.mul %21, %22 : (tensor<5x4xf32>, tensor<5x1xf32>) -> tensor<5x4xf32>
  %24 = model.weight "/Constant_7_output_0" dense<0.000000e+00> : tensor<5x4xf32>
  %25 = model.add %24, %23 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %26 = model.constant dense<[[-0.361283123, -0.221747518], [-2.577650e-01, -0.0180411935], [0.315468967, 0.31978035], [0.293160617, 0.497066557]]> : tensor<4x2xf32>
  %27 = model.matmul %arg0, %26 : (tensor<5x4xf32>, tensor<4x2xf32>) -> tensor<5x2xf32>
  %28 = model.sigmoid %27 : tensor<5x2xf32>
  %29 = model.mul %27, %28 : (tensor<5x2xf32>, tensor<5x2xf32>) -> tensor<5x2xf32>
  %30 = model.constant dense<[[0.198441088, 0.0931720137], [0.0675464272, -0.387652755], [0.335243165, -0.346543074], [-0.294401169, -0.258291781]]> : tensor<4x2xf32>
  %31 = model.matmul %arg0, %30 : (tensor<5x4xf32>, tensor<4x2xf32>) -> tensor<5x2xf32>
  %32 = model.mul %29, %31 : (tensor<5x2xf32>, tensor<5x2xf32>) -> tensor<5x2xf32>
  %33 = model.constant dense<[[0.319946766, -0.418856472, 0.388181835, 0.0269984286], [0.284370333, 0.213621974, -0.0892491564, 0.163839966]]> : tensor<2x4xf32>
  %34 = model.matmul %32, %33 : (tensor<5x2xf32>, tensor<2x4xf32>) -> tensor<5x4xf32>
  %35 = model.slice %12 {axes = array<i64: 1>, ends = array<i64: 2>, starts = array<i64: 1>, steps = array<i64: 1>} : (tensor<5x3xf32>) -> tensor<5x1xf32>
  %36 = model.mul %34, %35 : (tensor<5x4xf32>, tensor<5x1xf32>) -> tensor<5x4xf32>
  %37 = model.add %25, %36 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %38 = model.constant dense<[[0.310188293, 0.196504951], [0.480097055, 0.414274693], [-0.385311782, 0.435103655], [-0.18323487, 0.441178381]]> : tensor<4x2xf32>
  %39 = model.matmul %arg0, %38 : (tensor<5x4xf32>, tensor<4x2xf32>) -> tensor<5x2xf32>
  %40 = model.sigmoid %39 : tensor<5x2xf32>
  %41 = model.mul %39, %40 : (tensor<5x2xf32>, tensor<5x2xf32>) -> tensor<5x2xf32>
  %42 = model.constant dense<[[0.0995072722, -0.465977073], [-0.434791327, 0.444246233], [0.0459962487, 0.380179882], [-0.312802672, -0.498763978]]> : tensor<4x2xf32>
  %43 = model.matmul %arg0, %42 : (tensor<5x4xf32>, tensor<4x2xf32>) -> tensor<5x2xf32>
  %44 = model.mul %41, %43 : (tensor<5x2xf32>, tensor<5x2xf32>) -> tensor<5x2xf32>
  %45 = model.constant dense<[[0.132350624, -0.116362303, 0.271922261, 0.259219199], [-0.119119212, -3.236830e-01, -0.418821812, 0.357589632]]> : tensor<2x4xf32>
  %46 = model.matmul %44, %45 : (tensor<5x2xf32>, tensor<2x4xf32>) -> tensor<5x4xf32>
  %47 = model.slice %12 {axes = array<i64: 1>, ends = array<i64: 3>, starts = array<i64: 2>, steps = array<i64: 1>} : (tensor<5x3xf32>) -> tensor<5x1xf32>
  %48 = model.mul %46, %47 : (tensor<5x4xf32>, tensor<5x1xf32>) -> tensor<5x4xf32>
  %49 = model.add %37, %48 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %50 = model.constant dense<[[0.357935786, 0.249657512, 0.470374644, -0.476299047], [0.186955571, 0.104650676, 0.336908937, -0.00898706912], [-0.494867623, -3.900420e-01, -0.218012571, -0.376529455], [-0.32434845, -0.287909746, -0.125842392, -0.385678351]]> : tensor<4x4xf32>
  %51 = model.matmul %arg0, %50 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %52 = model.sigmoid %51 : tensor<5x4xf32>
  %53 = model.mul %51, %52 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %54 = model.constant dense<[[-0.0275498033, -0.304269552, -0.12444216, 0.196214139], [0.0750725269, 0.453685045, 0.0225613117, 0.0299500823], [-0.204765141, 0.342649937, 0.072950542, -0.243964374], [0.296688795, -0.421641469, 0.118587136, 0.236594498]]> : tensor<4x4xf32>
  %55 = model.matmul %arg0, %54 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %56 = model.mul %53, %55 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %57 = model.constant dense<[[-0.47962445, -0.174916685, -0.325732887, 0.0138961077], [-0.29635334, -0.409810841, -0.0256596804, -0.0431344509], [-0.125164926, -0.106357574, 0.357925415, 0.101190686], [-0.243556678, 0.106878221, -0.051400125, 0.317919731]]> : tensor<4x4xf32>
  %58 = model.matmul %56, %57 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %59 = model.add %49, %58 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  return %59 : tensor<5x4xf32>
}

// -----

/// Near-miss: the router softmax normalizes over the tokens, not the
/// experts.
// CHECK-LABEL: func @softmax_over_tokens
// CHECK-NOT: fused.moe
// CHECK: model.softmax %{{.*}} {axis = 0 : i64}
func.func @softmax_over_tokens(%arg0: tensor<5x4xf32>) -> (tensor<5x4xf32>) {
  %0 = model.constant dense<[[-3.743410e-03, -0.192577183, -0.0443720222], [0.268221796, 0.134078681, 0.132306278], [-0.411522567, -0.00990658998, -0.151106536], [-0.367969513, 0.396444738, -0.0982826948]]> : tensor<4x3xf32>
  %1 = model.matmul %arg0, %0 : (tensor<5x4xf32>, tensor<4x3xf32>) -> tensor<5x3xf32>
  %2 = model.softmax %1 {axis = 0 : i64} : tensor<5x3xf32>
  %3 = model.constant dense<2> : tensor<1xi64>
  %values, %indices = model.topk %2, %3 {axis = 1 : i64} : (tensor<5x3xf32>, tensor<1xi64>) -> (tensor<5x2xf32>, tensor<5x2xi64>)
  %4 = model.reduce_sum %values {axes = array<i64: 1>} : (tensor<5x2xf32>) -> tensor<5x1xf32>
  %5 = model.div %values, %4 : (tensor<5x2xf32>, tensor<5x1xf32>) -> tensor<5x2xf32>
  %6 = model.constant dense<0.000000e+00> : tensor<5x3xf32>
  %7 = model.scatter_elements %6, %indices, %5 {axis = 1 : i64} : (tensor<5x3xf32>, tensor<5x2xi64>, tensor<5x2xf32>) -> tensor<5x3xf32>
  %8 = model.constant dense<[[-0.477674246, 0.197667599, 0.181608558, -0.0805916786], [-0.331141055, 0.300011396, 0.415193975, 0.0529070497], [-0.20611155, -0.338970542, -0.102900088, 0.452738106], [0.0185217857, -0.217731416, 0.374155879, -0.46383518]]> : tensor<4x4xf32>
  %9 = model.matmul %arg0, %8 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %10 = model.sigmoid %9 : tensor<5x4xf32>
  %11 = model.mul %9, %10 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %12 = model.constant dense<[[-0.31476897, -0.324089825, -0.291870236, 0.0262957811], [-0.126582623, -0.230166435, 0.42979902, -0.256341755], [-0.194899976, -0.349320233, 0.223109186, 0.0845923423], [0.432000399, -0.468280494, 0.242336273, -0.46684736]]> : tensor<4x4xf32>
  %13 = model.matmul %arg0, %12 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %14 = model.mul %11, %13 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %15 = model.constant dense<[[-0.361283123, -0.221747518, 0.198441088, 0.0931720137], [-2.577650e-01, -0.0180411935, 0.0675464272, -0.387652755], [0.315468967, 0.31978035, 0.335243165, -0.346543074], [0.293160617, 0.497066557, -0.294401169, -0.258291781]]> : tensor<4x4xf32>
  %16 = model.matmul %14, %15 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %17 = model.constant dense<[[0.226236522, 2.744860e-01, 0.310188293, 0.196504951], [0.201080203, -0.0631086826, 0.480097055, 0.414274693], [-0.296176255, 0.0190907717, -0.385311782, 0.435103655], [0.151053548, 0.115852356, -0.18323487, 0.441178381]]> : tensor<4x4xf32>
  %18 = model.matmul %arg0, %17 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %19 = model.sigmoid %18 : tensor<5x4xf32>
  %20 = model.mul %18, %19 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %21 = model.constant dense<[[0.0995072722, -0.465977073, 0.0935860276, 0.192278087], [-0.434791327, 0.444246233, -0.0842300057, -0.296151757], [0.0459962487, 0.380179882, -0.0822805762, 0.183295667], [-0.312802672, -0.498763978, -0.228878438, 0.252854049]]> : tensor<4x4xf32>
  %22 = model.matmul %arg0, %21 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %23 = model.mul %20, %22 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %24 = model.constant dense<[[0.357935786, 0.249657512, 0.470374644, -0.476299047], [0.186955571, 0.104650676, 0.336908937, -0.00898706912], [-0.494867623, -3.900420e-01, -0.218012571, -0.376529455], [-0.32434845, -0.287909746, -0.125842392, -0.385678351]]> : tensor<4x4xf32>
  %25 = model.matmul %23, %24 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %26 = model.constant dense<[[-0.0275498033, -0.304269552, -0.12444216, 0.196214139], [0.0750725269, 0.453685045, 0.0225613117, 0.0299500823], [-0.204765141, 0.342649937, 0.072950542, -0.243964374], [0.296688795, -0.421641469, 0.118587136, 0.236594498]]> : tensor<4x4xf32>
  %27 = model.matmul %arg0, %26 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %28 = model.sigmoid %27 : tensor<5x4xf32>
  %29 = model.mul %27, %28 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %30 = model.constant dense<[[-0.47962445, -0.174916685, -0.325732887, 0.0138961077], [-0.29635334, -0.409810841, -0.0256596804, -0.0431344509], [-0.125164926, -0.106357574, 0.357925415, 0.101190686], [-0.243556678, 0.106878221, -0.051400125, 0.317919731]]> : tensor<4x4xf32>
  %31 = model.matmul %arg0, %30 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %32 = model.mul %29, %31 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %33 = model.constant dense<[[0.473623097, -0.449160755, -0.248523176, -0.101418376], [0.31752795, -0.237038612, -0.383155882, 2.742030e-01], [0.474706769, 0.340452611, -0.467926025, 0.270320535], [-0.0361608267, -0.00324124098, -0.422004104, -0.482215941]]> : tensor<4x4xf32>
  %34 = model.matmul %32, %33 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %35 = model.unsqueeze %16 {axes = array<i64: 1>} : (tensor<5x4xf32>) -> tensor<5x1x4xf32>
  %36 = model.unsqueeze %25 {axes = array<i64: 1>} : (tensor<5x4xf32>) -> tensor<5x1x4xf32>
  %37 = model.unsqueeze %34 {axes = array<i64: 1>} : (tensor<5x4xf32>) -> tensor<5x1x4xf32>
  %38 = model.concat %35, %36, %37 {axis = 1 : i64} : (tensor<5x1x4xf32>, tensor<5x1x4xf32>, tensor<5x1x4xf32>) -> tensor<5x3x4xf32>
  %39 = model.unsqueeze %7 {axes = array<i64: 2>} : (tensor<5x3xf32>) -> tensor<5x3x1xf32>
  %40 = model.mul %38, %39 : (tensor<5x3x4xf32>, tensor<5x3x1xf32>) -> tensor<5x3x4xf32>
  %41 = model.reduce_sum %40 {axes = array<i64: 1>, keepdims = false} : (tensor<5x3x4xf32>) -> tensor<5x4xf32>
  return %41 : tensor<5x4xf32>
}

// -----

/// Near-miss: top-1 of the raw logits weighted by the raw logit: the
/// weights are no scores fused.moe computes.
// CHECK-LABEL: func @raw_logit_weights
// CHECK-NOT: fused.moe
// CHECK: model.topk %{{.*}}, %{{.*}} {axis = 1 : i64}
func.func @raw_logit_weights(%arg0: tensor<5x4xf32>) -> (tensor<5x4xf32>) {
  %0 = model.constant dense<[[-3.743410e-03, -0.192577183], [0.268221796, 0.134078681], [-0.411522567, -0.00990658998], [-0.367969513, 0.396444738]]> : tensor<4x2xf32>
  %1 = model.matmul %arg0, %0 : (tensor<5x4xf32>, tensor<4x2xf32>) -> tensor<5x2xf32>
  %2 = model.softmax %1 {axis = 1 : i64} : tensor<5x2xf32>
  %3 = model.constant dense<1> : tensor<1xi64>
  %values, %indices = model.topk %1, %3 {axis = 1 : i64} : (tensor<5x2xf32>, tensor<1xi64>) -> (tensor<5x1xf32>, tensor<5x1xi64>)
  %4 = model.constant dense<2> : tensor<i64>
  %5 = model.constant dense<[0, 1]> : tensor<2xi64>
  %6 = model.one_hot %indices, %4, %5 {axis = 2 : i64} : (tensor<5x1xi64>, tensor<i64>, tensor<2xi64>) -> tensor<5x1x2xi64>
  %7 = model.constant dense<0> : tensor<i64>
  %8 = model.gather %6, %7 {axis = 2 : i64} : (tensor<5x1x2xi64>, tensor<i64>) -> tensor<5x1xi64>
  %9 = model.cast %8 to f32 : tensor<5x1xi64> -> tensor<5x1xf32>
  %10 = model.mul %values, %9 : (tensor<5x1xf32>, tensor<5x1xf32>) -> tensor<5x1xf32>
  %11 = model.reduce_sum %10 {axes = array<i64: 1>} : (tensor<5x1xf32>) -> tensor<5x1xf32>
  %12 = model.constant dense<[[-0.0443720222, 0.132306278, -0.151106536, -0.0982826948], [-0.477674246, -0.331141055, -0.20611155, 0.0185217857], [0.197667599, 0.300011396, -0.338970542, -0.217731416], [0.181608558, 0.415193975, -0.102900088, 0.374155879]]> : tensor<4x4xf32>
  %13 = model.constant dense<[-0.0805916786, 0.0529070497, 0.452738106, -0.46383518]> : tensor<4xf32>
  %14 = model.gemm %arg0, %12, %13 {transB = true} : (tensor<5x4xf32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<5x4xf32>
  %15 = model.relu %14 : tensor<5x4xf32>
  %16 = model.constant dense<[[-0.31476897, -0.126582623, -0.194899976, 0.432000399], [-0.324089825, -0.230166435, -0.349320233, -0.468280494], [-0.291870236, 0.42979902, 0.223109186, 0.242336273], [0.0262957811, -0.256341755, 0.0845923423, -0.46684736]]> : tensor<4x4xf32>
  %17 = model.constant dense<[-0.361283123, -2.577650e-01, 0.315468967, 0.293160617]> : tensor<4xf32>
  %18 = model.gemm %15, %16, %17 {transB = true} : (tensor<5x4xf32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<5x4xf32>
  %19 = model.mul %18, %11 : (tensor<5x4xf32>, tensor<5x1xf32>) -> tensor<5x4xf32>
  %20 = model.weight "/Constant_5_output_0" dense<0.000000e+00> : tensor<5x4xf32>
  %21 = model.add %20, %19 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %22 = model.constant dense<1> : tensor<i64>
  %23 = model.gather %6, %22 {axis = 2 : i64} : (tensor<5x1x2xi64>, tensor<i64>) -> tensor<5x1xi64>
  %24 = model.cast %23 to f32 : tensor<5x1xi64> -> tensor<5x1xf32>
  %25 = model.mul %values, %24 : (tensor<5x1xf32>, tensor<5x1xf32>) -> tensor<5x1xf32>
  %26 = model.reduce_sum %25 {axes = array<i64: 1>} : (tensor<5x1xf32>) -> tensor<5x1xf32>
  %27 = model.constant dense<[[-0.221747518, -0.0180411935, 0.31978035, 0.497066557], [0.198441088, 0.0675464272, 0.335243165, -0.294401169], [0.0931720137, -0.387652755, -0.346543074, -0.258291781], [0.226236522, 0.201080203, -0.296176255, 0.151053548]]> : tensor<4x4xf32>
  %28 = model.constant dense<[2.744860e-01, -0.0631086826, 0.0190907717, 0.115852356]> : tensor<4xf32>
  %29 = model.gemm %arg0, %27, %28 {transB = true} : (tensor<5x4xf32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<5x4xf32>
  %30 = model.relu %29 : tensor<5x4xf32>
  %31 = model.constant dense<[[0.310188293, 0.480097055, -0.385311782, -0.18323487], [0.196504951, 0.414274693, 0.435103655, 0.441178381], [0.0995072722, -0.434791327, 0.0459962487, -0.312802672], [-0.465977073, 0.444246233, 0.380179882, -0.498763978]]> : tensor<4x4xf32>
  %32 = model.constant dense<[0.0935860276, -0.0842300057, -0.0822805762, -0.228878438]> : tensor<4xf32>
  %33 = model.gemm %30, %31, %32 {transB = true} : (tensor<5x4xf32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<5x4xf32>
  %34 = model.mul %33, %26 : (tensor<5x4xf32>, tensor<5x1xf32>) -> tensor<5x4xf32>
  %35 = model.add %21, %34 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  return %35 : tensor<5x4xf32>
}

// -----

/// Near-miss: the loop skips the last expert (two outputs, three routed).
// CHECK-LABEL: func @expert_missing
// CHECK-NOT: fused.moe
// CHECK: model.one_hot
func.func @expert_missing(%arg0: tensor<1x5x4xf32>) -> (tensor<1x5x4xf32>) {
  %0 = model.reshape %arg0 {shape = array<i64: -1, 4>} : (tensor<1x5x4xf32>) -> tensor<5x4xf32>
  %1 = model.constant dense<[[-3.743410e-03, -0.192577183, -0.0443720222], [0.268221796, 0.134078681, 0.132306278], [-0.411522567, -0.00990658998, -0.151106536], [-0.367969513, 0.396444738, -0.0982826948]]> : tensor<4x3xf32>
  %2 = model.matmul %0, %1 : (tensor<5x4xf32>, tensor<4x3xf32>) -> tensor<5x3xf32>
  %3 = model.softmax %2 {axis = 1 : i64} : tensor<5x3xf32>
  %4 = model.constant dense<2> : tensor<1xi64>
  %values, %indices = model.topk %3, %4 {axis = 1 : i64} : (tensor<5x3xf32>, tensor<1xi64>) -> (tensor<5x2xf32>, tensor<5x2xi64>)
  %5 = model.reduce_sum %values {axes = array<i64: 1>} : (tensor<5x2xf32>) -> tensor<5x1xf32>
  %6 = model.div %values, %5 : (tensor<5x2xf32>, tensor<5x1xf32>) -> tensor<5x2xf32>
  %7 = model.constant dense<3> : tensor<i64>
  %8 = model.constant dense<[0, 1]> : tensor<2xi64>
  %9 = model.one_hot %indices, %7, %8 {axis = 2 : i64} : (tensor<5x2xi64>, tensor<i64>, tensor<2xi64>) -> tensor<5x2x3xi64>
  %10 = model.constant dense<0> : tensor<i64>
  %11 = model.gather %9, %10 {axis = 2 : i64} : (tensor<5x2x3xi64>, tensor<i64>) -> tensor<5x2xi64>
  %12 = model.cast %11 to f32 : tensor<5x2xi64> -> tensor<5x2xf32>
  %13 = model.mul %6, %12 : (tensor<5x2xf32>, tensor<5x2xf32>) -> tensor<5x2xf32>
  %14 = model.reduce_sum %13 {axes = array<i64: 1>} : (tensor<5x2xf32>) -> tensor<5x1xf32>
  %15 = model.constant dense<[[-0.477674246, 0.197667599, 0.181608558, -0.0805916786], [-0.331141055, 0.300011396, 0.415193975, 0.0529070497], [-0.20611155, -0.338970542, -0.102900088, 0.452738106], [0.0185217857, -0.217731416, 0.374155879, -0.46383518]]> : tensor<4x4xf32>
  %16 = model.matmul %0, %15 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %17 = model.sigmoid %16 : tensor<5x4xf32>
  %18 = model.mul %16, %17 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %19 = model.constant dense<[[-0.31476897, -0.324089825, -0.291870236, 0.0262957811], [-0.126582623, -0.230166435, 0.42979902, -0.256341755], [-0.194899976, -0.349320233, 0.223109186, 0.0845923423], [0.432000399, -0.468280494, 0.242336273, -0.46684736]]> : tensor<4x4xf32>
  %20 = model.matmul %0, %19 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %21 = model.mul %18, %20 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %22 = model.constant dense<[[-0.361283123, -0.221747518, 0.198441088, 0.0931720137], [-2.577650e-01, -0.0180411935, 0.0675464272, -0.387652755], [0.315468967, 0.31978035, 0.335243165, -0.346543074], [0.293160617, 0.497066557, -0.294401169, -0.258291781]]> : tensor<4x4xf32>
  %23 = model.matmul %21, %22 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %24 = model.mul %23, %14 : (tensor<5x4xf32>, tensor<5x1xf32>) -> tensor<5x4xf32>
  %25 = model.weight "/Constant_7_output_0" dense<0.000000e+00> : tensor<5x4xf32>
  %26 = model.add %25, %24 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %27 = model.constant dense<1> : tensor<i64>
  %28 = model.gather %9, %27 {axis = 2 : i64} : (tensor<5x2x3xi64>, tensor<i64>) -> tensor<5x2xi64>
  %29 = model.cast %28 to f32 : tensor<5x2xi64> -> tensor<5x2xf32>
  %30 = model.mul %6, %29 : (tensor<5x2xf32>, tensor<5x2xf32>) -> tensor<5x2xf32>
  %31 = model.reduce_sum %30 {axes = array<i64: 1>} : (tensor<5x2xf32>) -> tensor<5x1xf32>
  %32 = model.constant dense<[[0.226236522, 2.744860e-01, 0.310188293, 0.196504951], [0.201080203, -0.0631086826, 0.480097055, 0.414274693], [-0.296176255, 0.0190907717, -0.385311782, 0.435103655], [0.151053548, 0.115852356, -0.18323487, 0.441178381]]> : tensor<4x4xf32>
  %33 = model.matmul %0, %32 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %34 = model.sigmoid %33 : tensor<5x4xf32>
  %35 = model.mul %33, %34 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %36 = model.constant dense<[[0.0995072722, -0.465977073, 0.0935860276, 0.192278087], [-0.434791327, 0.444246233, -0.0842300057, -0.296151757], [0.0459962487, 0.380179882, -0.0822805762, 0.183295667], [-0.312802672, -0.498763978, -0.228878438, 0.252854049]]> : tensor<4x4xf32>
  %37 = model.matmul %0, %36 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %38 = model.mul %35, %37 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %39 = model.constant dense<[[0.357935786, 0.249657512, 0.470374644, -0.476299047], [0.186955571, 0.104650676, 0.336908937, -0.00898706912], [-0.494867623, -3.900420e-01, -0.218012571, -0.376529455], [-0.32434845, -0.287909746, -0.125842392, -0.385678351]]> : tensor<4x4xf32>
  %40 = model.matmul %38, %39 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %41 = model.mul %40, %31 : (tensor<5x4xf32>, tensor<5x1xf32>) -> tensor<5x4xf32>
  %42 = model.add %26, %41 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %43 = model.constant dense<2> : tensor<i64>
  %44 = model.gather %9, %43 {axis = 2 : i64} : (tensor<5x2x3xi64>, tensor<i64>) -> tensor<5x2xi64>
  %45 = model.cast %44 to f32 : tensor<5x2xi64> -> tensor<5x2xf32>
  %46 = model.mul %6, %45 : (tensor<5x2xf32>, tensor<5x2xf32>) -> tensor<5x2xf32>
  %47 = model.reduce_sum %46 {axes = array<i64: 1>} : (tensor<5x2xf32>) -> tensor<5x1xf32>
  %48 = model.constant dense<[[-0.0275498033, -0.304269552, -0.12444216, 0.196214139], [0.0750725269, 0.453685045, 0.0225613117, 0.0299500823], [-0.204765141, 0.342649937, 0.072950542, -0.243964374], [0.296688795, -0.421641469, 0.118587136, 0.236594498]]> : tensor<4x4xf32>
  %49 = model.matmul %0, %48 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %50 = model.sigmoid %49 : tensor<5x4xf32>
  %51 = model.mul %49, %50 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %52 = model.constant dense<[[-0.47962445, -0.174916685, -0.325732887, 0.0138961077], [-0.29635334, -0.409810841, -0.0256596804, -0.0431344509], [-0.125164926, -0.106357574, 0.357925415, 0.101190686], [-0.243556678, 0.106878221, -0.051400125, 0.317919731]]> : tensor<4x4xf32>
  %53 = model.matmul %0, %52 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %54 = model.mul %51, %53 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %55 = model.constant dense<[[0.473623097, -0.449160755, -0.248523176, -0.101418376], [0.31752795, -0.237038612, -0.383155882, 2.742030e-01], [0.474706769, 0.340452611, -0.467926025, 0.270320535], [-0.0361608267, -0.00324124098, -0.422004104, -0.482215941]]> : tensor<4x4xf32>
  %56 = model.matmul %54, %55 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %57 = model.mul %56, %47 : (tensor<5x4xf32>, tensor<5x1xf32>) -> tensor<5x4xf32>
  %58 = model.add %42, %57 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %59 = model.reshape %42 {shape = array<i64: 1, 5, 4>} : (tensor<5x4xf32>) -> tensor<1x5x4xf32>
  return %59 : tensor<1x5x4xf32>
}

// -----

/// Near-miss: the dense routing weights are also returned, so the block's
/// intermediate values do not stay inside it.
// CHECK-LABEL: func @dense_weights_returned
// CHECK-NOT: fused.moe
// CHECK: model.scatter_elements
func.func @dense_weights_returned(%arg0: tensor<5x4xf32>) -> (tensor<5x4xf32>, tensor<5x3xf32>) {
  %0 = model.constant dense<[[-3.743410e-03, -0.192577183, -0.0443720222], [0.268221796, 0.134078681, 0.132306278], [-0.411522567, -0.00990658998, -0.151106536], [-0.367969513, 0.396444738, -0.0982826948]]> : tensor<4x3xf32>
  %1 = model.matmul %arg0, %0 : (tensor<5x4xf32>, tensor<4x3xf32>) -> tensor<5x3xf32>
  %2 = model.sigmoid %1 : tensor<5x3xf32>
  %3 = model.constant dense<[0.201673418, 0.419013172, -0.359628797]> : tensor<3xf32>
  %4 = model.add %2, %3 : (tensor<5x3xf32>, tensor<3xf32>) -> tensor<5x3xf32>
  %5 = model.constant dense<2> : tensor<1xi64>
  %values, %indices = model.topk %4, %5 {axis = 1 : i64} : (tensor<5x3xf32>, tensor<1xi64>) -> (tensor<5x2xf32>, tensor<5x2xi64>)
  %6 = model.gather_elements %2, %indices {axis = 1 : i64} : (tensor<5x3xf32>, tensor<5x2xi64>) -> tensor<5x2xf32>
  %7 = model.reduce_sum %6 {axes = array<i64: 1>} : (tensor<5x2xf32>) -> tensor<5x1xf32>
  %8 = model.div %6, %7 : (tensor<5x2xf32>, tensor<5x1xf32>) -> tensor<5x2xf32>
  %9 = model.constant dense<2.500000e+00> : tensor<f32>
  %10 = model.mul %8, %9 : (tensor<5x2xf32>, tensor<f32>) -> tensor<5x2xf32>
  %11 = model.constant dense<0.000000e+00> : tensor<5x3xf32>
  %12 = model.scatter_elements %11, %indices, %10 {axis = 1 : i64} : (tensor<5x3xf32>, tensor<5x2xi64>, tensor<5x2xf32>) -> tensor<5x3xf32>
  %13 = model.constant dense<[[0.181608558, -0.0805916786], [0.415193975, 0.0529070497], [-0.102900088, 0.452738106], [0.374155879, -0.46383518]]> : tensor<4x2xf32>
  %14 = model.matmul %arg0, %13 : (tensor<5x4xf32>, tensor<4x2xf32>) -> tensor<5x2xf32>
  %15 = model.sigmoid %14 : tensor<5x2xf32>
  %16 = model.mul %14, %15 : (tensor<5x2xf32>, tensor<5x2xf32>) -> tensor<5x2xf32>
  %17 = model.constant dense<[[-0.31476897, -0.324089825], [-0.126582623, -0.230166435], [-0.194899976, -0.349320233], [0.432000399, -0.468280494]]> : tensor<4x2xf32>
  %18 = model.matmul %arg0, %17 : (tensor<5x4xf32>, tensor<4x2xf32>) -> tensor<5x2xf32>
  %19 = model.mul %16, %18 : (tensor<5x2xf32>, tensor<5x2xf32>) -> tensor<5x2xf32>
  %20 = model.constant dense<[[-0.412766844, 0.315524042, 0.0371878482, 0.119631633], [0.607827603, 0.342715234, -0.362521976, -0.660221874]]> : tensor<2x4xf32>
  %21 = model.matmul %19, %20 : (tensor<5x2xf32>, tensor<2x4xf32>) -> tensor<5x4xf32>
  %22 = model.slice %12 {axes = array<i64: 1>, ends = array<i64: 1>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<5x3xf32>) -> tensor<5x1xf32>
  %23 = model.mul %21, %22 : (tensor<5x4xf32>, tensor<5x1xf32>) -> tensor<5x4xf32>
  %24 = model.weight "/Constant_7_output_0" dense<0.000000e+00> : tensor<5x4xf32>
  %25 = model.add %24, %23 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %26 = model.constant dense<[[-0.361283123, -0.221747518], [-2.577650e-01, -0.0180411935], [0.315468967, 0.31978035], [0.293160617, 0.497066557]]> : tensor<4x2xf32>
  %27 = model.matmul %arg0, %26 : (tensor<5x4xf32>, tensor<4x2xf32>) -> tensor<5x2xf32>
  %28 = model.sigmoid %27 : tensor<5x2xf32>
  %29 = model.mul %27, %28 : (tensor<5x2xf32>, tensor<5x2xf32>) -> tensor<5x2xf32>
  %30 = model.constant dense<[[0.198441088, 0.0931720137], [0.0675464272, -0.387652755], [0.335243165, -0.346543074], [-0.294401169, -0.258291781]]> : tensor<4x2xf32>
  %31 = model.matmul %arg0, %30 : (tensor<5x4xf32>, tensor<4x2xf32>) -> tensor<5x2xf32>
  %32 = model.mul %29, %31 : (tensor<5x2xf32>, tensor<5x2xf32>) -> tensor<5x2xf32>
  %33 = model.constant dense<[[0.319946766, -0.418856472, 0.388181835, 0.0269984286], [0.284370333, 0.213621974, -0.0892491564, 0.163839966]]> : tensor<2x4xf32>
  %34 = model.matmul %32, %33 : (tensor<5x2xf32>, tensor<2x4xf32>) -> tensor<5x4xf32>
  %35 = model.slice %12 {axes = array<i64: 1>, ends = array<i64: 2>, starts = array<i64: 1>, steps = array<i64: 1>} : (tensor<5x3xf32>) -> tensor<5x1xf32>
  %36 = model.mul %34, %35 : (tensor<5x4xf32>, tensor<5x1xf32>) -> tensor<5x4xf32>
  %37 = model.add %25, %36 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %38 = model.constant dense<[[0.310188293, 0.196504951], [0.480097055, 0.414274693], [-0.385311782, 0.435103655], [-0.18323487, 0.441178381]]> : tensor<4x2xf32>
  %39 = model.matmul %arg0, %38 : (tensor<5x4xf32>, tensor<4x2xf32>) -> tensor<5x2xf32>
  %40 = model.sigmoid %39 : tensor<5x2xf32>
  %41 = model.mul %39, %40 : (tensor<5x2xf32>, tensor<5x2xf32>) -> tensor<5x2xf32>
  %42 = model.constant dense<[[0.0995072722, -0.465977073], [-0.434791327, 0.444246233], [0.0459962487, 0.380179882], [-0.312802672, -0.498763978]]> : tensor<4x2xf32>
  %43 = model.matmul %arg0, %42 : (tensor<5x4xf32>, tensor<4x2xf32>) -> tensor<5x2xf32>
  %44 = model.mul %41, %43 : (tensor<5x2xf32>, tensor<5x2xf32>) -> tensor<5x2xf32>
  %45 = model.constant dense<[[0.132350624, -0.116362303, 0.271922261, 0.259219199], [-0.119119212, -3.236830e-01, -0.418821812, 0.357589632]]> : tensor<2x4xf32>
  %46 = model.matmul %44, %45 : (tensor<5x2xf32>, tensor<2x4xf32>) -> tensor<5x4xf32>
  %47 = model.slice %12 {axes = array<i64: 1>, ends = array<i64: 3>, starts = array<i64: 2>, steps = array<i64: 1>} : (tensor<5x3xf32>) -> tensor<5x1xf32>
  %48 = model.mul %46, %47 : (tensor<5x4xf32>, tensor<5x1xf32>) -> tensor<5x4xf32>
  %49 = model.add %37, %48 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %50 = model.constant dense<[[0.357935786, 0.249657512, 0.470374644, -0.476299047], [0.186955571, 0.104650676, 0.336908937, -0.00898706912], [-0.494867623, -3.900420e-01, -0.218012571, -0.376529455], [-0.32434845, -0.287909746, -0.125842392, -0.385678351]]> : tensor<4x4xf32>
  %51 = model.matmul %arg0, %50 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %52 = model.sigmoid %51 : tensor<5x4xf32>
  %53 = model.mul %51, %52 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %54 = model.constant dense<[[-0.0275498033, -0.304269552, -0.12444216, 0.196214139], [0.0750725269, 0.453685045, 0.0225613117, 0.0299500823], [-0.204765141, 0.342649937, 0.072950542, -0.243964374], [0.296688795, -0.421641469, 0.118587136, 0.236594498]]> : tensor<4x4xf32>
  %55 = model.matmul %arg0, %54 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %56 = model.mul %53, %55 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  %57 = model.constant dense<[[-0.47962445, -0.174916685, -0.325732887, 0.0138961077], [-0.29635334, -0.409810841, -0.0256596804, -0.0431344509], [-0.125164926, -0.106357574, 0.357925415, 0.101190686], [-0.243556678, 0.106878221, -0.051400125, 0.317919731]]> : tensor<4x4xf32>
  %58 = model.matmul %56, %57 : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
  %59 = model.add %49, %58 : (tensor<5x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
  return %59, %12 : tensor<5x4xf32>, tensor<5x3xf32>
}
