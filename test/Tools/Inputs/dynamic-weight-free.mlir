func.func @main(%x: tensor<?x4xf32> {kiln.name = "x", kiln.dim_names = ["batch", ""]}) -> tensor<?x4xf32> {
  %y = model.sigmoid %x : tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
