//===- Passes.td - Transforms of the `model` dialect ------------*- tablegen -*-===//
#ifndef KILN_MODEL_TRANSFORMS_PASSES_TD
#define KILN_MODEL_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def ResolveDynamicReshapes : Pass<"kiln-resolve-dynamic-reshapes"> {
  let summary = "Turn model.dynamic_reshape into model.reshape where the "
                "shape copies dims proven equal to the input's";
  let description = [{
    Exporters build reshape targets from `Shape` of one value and reshape
    another: `reshape(x @ W + b, concat(shape(x)[0], shape(x)[1], 4, 16))`.
    Canonicalization turns a dynamic_reshape into a `model.reshape` when each
    entry is a constant or the reshaped value's own dim; this pass also
    accepts a dim of another value that DimEquivalence proves equal to the
    input's dim at that index (here x's rows and columns, which the matmul
    and the add pass through), so the result keeps the input's symbolic dims
    and later passes (fusion, run-time check elimination) can reason about
    them. Entries it cannot prove stay dynamic.
  }];
}

def SignlessIntegers : Pass<"kiln-signless-integers", "mlir::func::FuncOp"> {
  let summary = "Retype unsigned integer tensors to signless ones, keeping "
                "every op's unsigned result";
  let description = [{
    The model dialect carries a model's unsigned element types (so that a
    package's signature says u8), but targets compute on signless integers.
    Ops whose bits do not depend on signedness are only retyped; ops that
    order or divide compute on zero-extended values (or, for 64 bits and
    order-based ops, with the sign bit flipped) and narrow back; casts from
    and to unsigned types go through the exact value. Any other op with an
    unsigned operand is an error naming it.
  }];
  let dependentDialects = ["kiln::model::ModelDialect"];
}

#endif // KILN_MODEL_TRANSFORMS_PASSES_TD
