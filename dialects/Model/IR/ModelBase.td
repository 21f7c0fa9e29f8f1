//===- ModelBase.td - The `model` dialect definition ------------*- tablegen -*-===//
#ifndef KILN_MODEL_BASE_TD
#define KILN_MODEL_BASE_TD

include "mlir/IR/OpBase.td"

def Model_Dialect : Dialect {
  let name = "model";
  let cppNamespace = "::kiln::model";
  let summary = "Graph-level neural network operations with value semantics";
  let description = [{
    The `model` dialect is what kiln's frontends produce: one op per
    graph-level operation (matmul, elementwise arithmetic, softmax, reshape,
    gather, ...) on ranked tensors whose dims may be symbolic (`?`).
    Every op infers its result type from its operands and attributes, and its
    verifier rejects every case the lowering does not define, so passes never
    re-check. Broadcasting follows numpy/ONNX rules: shapes are aligned on the
    right and a dim of size 1 stretches to the other operand's size.
  }];
  let hasConstantMaterializer = 1;
  let useDefaultAttributePrinterParser = 1;
  let hasRegionArgAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
  let extraClassDeclaration = [{
    void registerAttributes();
  }];
}

/// Elementwise ops whose operand shapes broadcast to the result's (the
/// numpy rule); analyses such as DimEquivalence read shapes through it.
def Model_BroadcastingElementwise
    : NativeOpTrait<"BroadcastingElementwise"> {
  let cppNamespace = "::kiln::model::OpTrait";
}
/// Ops whose result has the shape of operand 0 (unary elementwise ops,
/// casts, normalizations along an axis).
def Model_SameShapeAsInput : NativeOpTrait<"SameShapeAsInput"> {
  let cppNamespace = "::kiln::model::OpTrait";
}

class Model_Op<string mnemonic, list<Trait> traits = []>
    : Op<Model_Dialect, mnemonic, traits>;

#endif // KILN_MODEL_BASE_TD
