func.func @main(%x: tensor<?x4xf32> {model.name = "x", model.dims = #model.dims<[batch, 4]>}) -> tensor<?x4xf32> {
  %y = model.sigmoid %x : tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
