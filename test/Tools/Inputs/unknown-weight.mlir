// An entry argument bound to a weight that no model.weight defines; one
// weight does exist, and the argument must not silently receive it.
func.func @main(%x: tensor<4xf32> {model.name = "x"}, %w: tensor<4xf32> {kiln.weight = "nope"}) -> (tensor<4xf32> {model.name = "y"}) {
  %real = model.weight "real" dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %0 = model.add %x, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = model.add %0, %real : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}
