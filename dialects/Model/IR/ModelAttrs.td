//===- ModelAttrs.td - Attributes of the `model` dialect --------*- tablegen -*-===//
#ifndef KILN_MODEL_ATTRS_TD
#define KILN_MODEL_ATTRS_TD

include "dialects/Model/IR/ModelBase.td"
include "mlir/IR/AttrTypeBase.td"

def Model_DimsAttr : AttrDef<Model_Dialect, "Dims"> {
  let mnemonic = "dims";
  let summary = "The symbolic dims of a function argument or result";
  let description = [{
    Names the dims of a tensor at a function boundary: an integer for a
    static dim, an identifier for a symbolic dim, `?` for a dynamic dim
    without a name. Dims of the same name are the same size at run time
    (the runtime binds and checks them per call); `?` dims bind
    independently. Frontends set it as the `model.dims` argument or result
    attribute; the dialect verifies it against the type, and the package's
    signature and the lowering's equal-size reasoning read it.

    ```mlir
    func.func @main(%x: tensor<?x?x64xf32> {model.name = "x",
                                            model.dims = #model.dims<[batch, seq, 64]>})
    ```
  }];
  let parameters = (ins
    ArrayRefParameter<"int64_t", "sizes, ShapedType::kDynamic when symbolic">:$sizes,
    ArrayRefParameter<"::mlir::StringAttr", "names, empty for static or `?`">:$names
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The name of dim `i`, "" for a static or anonymous dim.
    ::llvm::StringRef getName(unsigned i) const { return getNames()[i].getValue(); }
    /// Checks this against the tensor type it annotates.
    ::mlir::LogicalResult verifyFor(::mlir::Type type,
        ::llvm::function_ref<::mlir::InFlightDiagnostic()> emitError) const;
  }];
}

#endif // KILN_MODEL_ATTRS_TD
