//===- ModelOps.td - Operations of the `model` dialect ----------*- tablegen -*-===//
#ifndef KILN_MODEL_OPS_TD
#define KILN_MODEL_OPS_TD

include "dialects/Model/IR/ModelBase.td"
include "mlir/IR/BuiltinAttributes.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

/// Every value-producing model op infers its result type; a declared type may
/// be more static than the inferred one (a `?` refined to a known size).
class Model_InferredOp<string mnemonic, list<Trait> traits = []>
    : Model_Op<mnemonic, !listconcat(traits,
        [Pure, InferTypeOpAdaptorWithIsCompatible])>;

//===----------------------------------------------------------------------===//
// Constants and weights
//===----------------------------------------------------------------------===//

def Model_ConstantOp : Model_Op<"constant", [ConstantLike, Pure,
    InferTypeOpAdaptor]> {
  let summary = "A small constant tensor folded into the code";
  let description = [{
    Holds a tensor value that is small enough to live in the generated code
    (shapes, scales, masks). Large tensors are `model.weight`s.

    ```mlir
    %scale = model.constant dense<0.25> : tensor<f32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$value attr-dict";
  let hasFolder = 1;
}

def Model_WeightOp : Model_Op<"weight", [Pure, InferTypeOpAdaptor]> {
  let summary = "A named model parameter stored in the package's weights section";
  let description = [{
    A trained parameter. At lowering it becomes a read-only argument of the
    entry function that the runtime points into the mapped package, so the
    data is never copied or compiled into code.

    ```mlir
    %w = model.weight "fc1.weight" dense_resource<fc1_weight> : tensor<32x16xf32>
    ```
  }];
  let arguments = (ins StrAttr:$name, ElementsAttr:$value);
  let results = (outs AnyStaticShapeTensor:$result);
  let assemblyFormat = "$name $value attr-dict";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

class Model_BinaryOp<string mnemonic, string math, list<Trait> traits = []>
    : Model_InferredOp<mnemonic,
                       !listconcat(traits, [Model_BroadcastingElementwise])> {
  let summary = "Elementwise `" # math # "` with broadcasting";
  let description = [{
    Computes `}] # math # [{` elementwise. Operand shapes broadcast the
    numpy way; both operands have the same element type.

    ```mlir
    %r = model.}] # mnemonic # [{ %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  // Small constants fold (see ModelFolds.cpp for which ops and types).
  let hasFolder = 1;
}

def Model_AddOp : Model_BinaryOp<"add", "lhs + rhs", [Commutative]>;
def Model_SubOp : Model_BinaryOp<"sub", "lhs - rhs">;
def Model_MulOp : Model_BinaryOp<"mul", "lhs * rhs", [Commutative]>;
def Model_DivOp : Model_BinaryOp<"div", "lhs / rhs">;
def Model_PowOp : Model_BinaryOp<"pow", "lhs ^ rhs (floats only)">;
def Model_MaxOp : Model_BinaryOp<"max", "max(lhs, rhs)", [Commutative]>;
def Model_MinOp : Model_BinaryOp<"min", "min(lhs, rhs)", [Commutative]>;
def Model_EqualOp : Model_BinaryOp<"equal", "lhs == rhs (result i1)", [Commutative]>;
def Model_LessOp : Model_BinaryOp<"less", "lhs < rhs (result i1)">;
def Model_GreaterOp : Model_BinaryOp<"greater", "lhs > rhs (result i1)">;
def Model_LessEqualOp : Model_BinaryOp<"less_equal", "lhs <= rhs (result i1)">;
def Model_GreaterEqualOp : Model_BinaryOp<"greater_equal", "lhs >= rhs (result i1)">;
// Logic on i1 tensors.
def Model_AndOp : Model_BinaryOp<"and", "lhs and rhs (i1)", [Commutative]>;
def Model_OrOp : Model_BinaryOp<"or", "lhs or rhs (i1)", [Commutative]>;
def Model_XorOp : Model_BinaryOp<"xor", "lhs xor rhs (i1)", [Commutative]>;

def Model_BitShiftOp : Model_InferredOp<"bit_shift",
    [Model_BroadcastingElementwise]> {
  let summary = "Elementwise shift of the bits of integers, with broadcasting";
  let description = [{
    Shifts `lhs` left, or with `right` logically right (zeros shift in: ONNX
    defines BitShift on unsigned integers), by `rhs` bits; a shift by the
    width or more (or by a negative amount) gives 0.

    ```mlir
    %r = model.bit_shift %x, %n {right} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs,
                       UnitAttr:$right);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Model_ModOp : Model_InferredOp<"mod", [Model_BroadcastingElementwise]> {
  let summary = "Elementwise remainder with broadcasting";
  let description = [{
    The remainder of `lhs / rhs`. With `fmod` it has the sign of the
    dividend (C's fmod; required for floats), without it the sign of the
    divisor (Python's `%`; integers only). An integer remainder by zero is
    0, as numpy gives, instead of a trap. With `as_unsigned` the signless
    integer operands hold unsigned values (what kiln-signless-integers makes
    of a 64-bit unsigned mod, which has no wider type to compute in): both
    are non-negative, so the remainder is the unsigned one for either sign
    rule.

    ```mlir
    %r = model.mod %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
    %f = model.mod %x, %y {fmod} : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
    %u = model.mod %a, %b {as_unsigned} : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs,
                       UnitAttr:$fmod, UnitAttr:$as_unsigned);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

class Model_UnaryOp<string mnemonic, string math, string types = "float",
                    bit folds = 1>
    : Model_InferredOp<mnemonic, [Model_SameShapeAsInput]> {
  let summary = "Elementwise `" # math # "`";
  let description = [{
    Computes `}] # math # [{` elementwise on }] # types # [{ tensors.

    ```mlir
    %r = model.}] # mnemonic # [{ %x : tensor<4x?xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
  let hasFolder = folds;
}

def Model_ReluOp : Model_UnaryOp<"relu", "max(x, 0)", "numeric">;
def Model_NegOp : Model_UnaryOp<"neg", "-x", "numeric">;
def Model_AbsOp : Model_UnaryOp<"abs", "|x|", "numeric">;
def Model_SigmoidOp : Model_UnaryOp<"sigmoid", "1 / (1 + exp(-x))">;
def Model_TanhOp : Model_UnaryOp<"tanh", "tanh(x)">;
def Model_ErfOp : Model_UnaryOp<"erf", "erf(x)">;
def Model_ExpOp : Model_UnaryOp<"exp", "exp(x)">;
def Model_LogOp : Model_UnaryOp<"log", "log(x)">;
def Model_SqrtOp : Model_UnaryOp<"sqrt", "sqrt(x)">;
def Model_ReciprocalOp : Model_UnaryOp<"reciprocal", "1 / x">;
// Math-library functions: like exp, they do not fold (a constant computed
// at compile time could round differently from the run-time library).
def Model_SinOp : Model_UnaryOp<"sin", "sin(x)", "float", 0>;
def Model_CosOp : Model_UnaryOp<"cos", "cos(x)", "float", 0>;
def Model_TanOp : Model_UnaryOp<"tan", "tan(x)", "float", 0>;
def Model_AsinOp : Model_UnaryOp<"asin", "asin(x)", "float", 0>;
def Model_AcosOp : Model_UnaryOp<"acos", "acos(x)", "float", 0>;
def Model_AtanOp : Model_UnaryOp<"atan", "atan(x)", "float", 0>;
def Model_SinhOp : Model_UnaryOp<"sinh", "sinh(x)", "float", 0>;
def Model_CoshOp : Model_UnaryOp<"cosh", "cosh(x)", "float", 0>;
def Model_AsinhOp : Model_UnaryOp<"asinh", "asinh(x)", "float", 0>;
def Model_AcoshOp : Model_UnaryOp<"acosh", "acosh(x)", "float", 0>;
def Model_AtanhOp : Model_UnaryOp<"atanh", "atanh(x)", "float", 0>;
def Model_SoftplusOp : Model_UnaryOp<"softplus",
    "log(1 + exp(x)), computed as max(x, 0) + log1p(exp(-|x|))", "float", 0>;
// Exact in every float format, so they fold.
def Model_FloorOp : Model_UnaryOp<"floor", "floor(x)">;
def Model_CeilOp : Model_UnaryOp<"ceil", "ceil(x)">;
def Model_RoundOp : Model_UnaryOp<"round", "x rounded to nearest, ties to even">;
def Model_SignOp : Model_UnaryOp<"sign", "-1, 0 or 1 (NaN stays NaN)", "numeric">;

def Model_NotOp : Model_InferredOp<"not", [Model_SameShapeAsInput]> {
  let summary = "Elementwise logical negation of an i1 tensor";
  let description = [{
    ```mlir
    %r = model.not %m : tensor<4x?xi1>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Model_IsNaNOp : Model_InferredOp<"is_nan", [Model_SameShapeAsInput]> {
  let summary = "Elementwise test for NaN (result i1)";
  let description = [{
    ```mlir
    %r = model.is_nan %x : tensor<4xf32> -> tensor<4xi1>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Model_IsInfOp : Model_InferredOp<"is_inf", [Model_SameShapeAsInput]> {
  let summary = "Elementwise test for infinities (result i1)";
  let description = [{
    True where the element is +inf (when `detect_positive`) or -inf (when
    `detect_negative`).

    ```mlir
    %r = model.is_inf %x {detect_negative = false} : tensor<4xf32> -> tensor<4xi1>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       DefaultValuedAttr<BoolAttr, "true">:$detect_positive,
                       DefaultValuedAttr<BoolAttr, "true">:$detect_negative);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Model_CastOp : Model_InferredOp<"cast", [Model_SameShapeAsInput]> {
  let summary = "Elementwise conversion to another element type";
  let description = [{
    Converts every element to `to`: floats round to nearest, float to
    integer truncates toward zero, integer widening sign-extends, and `i1`
    results are `x != 0`.

    ```mlir
    %r = model.cast %x to i64 : tensor<4xf32> -> tensor<4xi64>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, TypeAttr:$to);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input `to` $to attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Model_WhereOp : Model_InferredOp<"where", [Model_BroadcastingElementwise]> {
  let summary = "Elementwise select with broadcasting";
  let description = [{
    `cond ? lhs : rhs` elementwise; the three shapes broadcast together.

    ```mlir
    %r = model.where %c, %a, %b : (tensor<4x1xi1>, tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$condition, AnyRankedTensor:$lhs,
                       AnyRankedTensor:$rhs);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$condition `,` $lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------===//

def Model_MatMulOp : Model_InferredOp<"matmul"> {
  let summary = "Batched matrix product with broadcasting batch dims";
  let description = [{
    numpy `matmul` for operands of rank >= 2: the last two dims multiply
    (`[..., M, K] x [..., K, N] -> [..., M, N]`) and the leading batch dims
    broadcast.

    ```mlir
    %r = model.matmul %q, %k : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
}

def Model_GemmOp : Model_InferredOp<"gemm"> {
  let summary = "alpha * op(A) * op(B) + beta * C on matrices";
  let description = [{
    ONNX `Gemm`: `A` and `B` are 2-D, optionally transposed; the optional `C`
    broadcasts to `[M, N]`.

    ```mlir
    %r = model.gemm %a, %b, %c {transB = true} : (tensor<4x16xf32>, tensor<32x16xf32>, tensor<32xf32>) -> tensor<4x32xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$a, AnyRankedTensor:$b,
                       Optional<AnyRankedTensor>:$c,
                       DefaultValuedAttr<F32Attr, "1.0">:$alpha,
                       DefaultValuedAttr<F32Attr, "1.0">:$beta,
                       DefaultValuedAttr<BoolAttr, "false">:$transA,
                       DefaultValuedAttr<BoolAttr, "false">:$transB);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$a `,` $b (`,` $c^)? attr-dict `:` functional-type(operands, results)";
}

def Model_EinsumOp : Model_InferredOp<"einsum"> {
  let summary = "Einstein summation over explicit index letters";
  let description = [{
    `equation` names every dim of every operand with a letter and lists the
    result's letters after `->` (frontends expand ellipses and implicit
    outputs). A letter repeated within one operand reads its diagonal; a
    letter missing from the result is summed over. All dims with one letter
    have one size (a dynamic one is checked at run time).

    ```mlir
    %r = model.einsum "bij,bjk->bik" %a, %b : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$inputs, StrAttr:$equation);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$equation $inputs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The letters of each operand and of the result (valid after the
    /// verifier).
    llvm::SmallVector<llvm::StringRef> getInputTerms();
    llvm::StringRef getOutputTerm();
  }];
}

//===----------------------------------------------------------------------===//
// Normalization and reductions
//===----------------------------------------------------------------------===//

def Model_SoftmaxOp : Model_InferredOp<"softmax", [Model_SameShapeAsInput]> {
  let summary = "exp(x - max) / sum(exp(x - max)) along one axis";
  let description = [{
    ```mlir
    %p = model.softmax %s {axis = 3 : i64} : tensor<2x4x8x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

// The reductions are in ModelReductionOps.td.

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

def Model_TransposeOp : Model_InferredOp<"transpose"> {
  let summary = "Permutes dims: result dim i is input dim perm[i]";
  let description = [{
    ```mlir
    %t = model.transpose %x {perm = array<i64: 0, 2, 1, 3>} : (tensor<2x8x4x16xf32>) -> tensor<2x4x8x16xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Model_ReshapeOp : Model_InferredOp<"reshape"> {
  let summary = "Reinterprets the row-major elements with a new shape";
  let description = [{
    `shape` follows ONNX `Reshape` with `allowzero = 0`: an entry `0` copies
    the input dim at the same index and at most one entry `-1` is inferred
    from the element count.

    ```mlir
    %r = model.reshape %x {shape = array<i64: 0, 0, 4, 16>} : (tensor<?x8x64xf32>) -> tensor<?x8x4x16xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$shape);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Model_ShapeOp : Model_InferredOp<"shape"> {
  let summary = "The dims of a tensor as a 1-D i64 tensor";
  let description = [{
    Produces `[dim 0, dim 1, ...]` of `input`, read at run time for
    dynamic dims. Together with `model.dynamic_reshape` it carries the shape
    arithmetic that exporters emit for symbolic dims.

    ```mlir
    %s = model.shape %x : (tensor<?x8x64xf32>) -> tensor<3xi64>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Model_DynamicReshapeOp : Model_Op<"dynamic_reshape", [Pure]> {
  let summary = "Reshape to a shape computed at run time";
  let description = [{
    ONNX `Reshape` whose target shape is a 1-D i64 tensor known only at run
    time: an entry `0` copies the input dim at the same index (with
    `allowzero`, ONNX's `allowzero = 1`, it is a dim of size 0) and one
    entry `-1` is inferred from the element count. The result type states
    what the producer knows statically (its rank is the length of `shape`);
    dims it does not know are `?`.

    ```mlir
    %r = model.dynamic_reshape %x, %s : (tensor<?x?x64xf32>, tensor<4xi64>) -> tensor<?x?x4x16xf32>
    %z = model.dynamic_reshape %e, %t {allowzero} : (tensor<0x3xf32>, tensor<2xi64>) -> tensor<?x?xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$shape,
                       UnitAttr:$allowzero);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input `,` $shape attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

def Model_UnsqueezeOp : Model_InferredOp<"unsqueeze"> {
  let summary = "Inserts size-1 dims at `axes` (indices into the result)";
  let description = [{
    ```mlir
    %r = model.unsqueeze %x {axes = array<i64: 0, 2>} : (tensor<4x8xf32>) -> tensor<1x4x1x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$axes);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Model_SqueezeOp : Model_InferredOp<"squeeze"> {
  let summary = "Removes size-1 dims at `axes` (indices into the input)";
  let description = [{
    Every listed dim must be statically 1.

    ```mlir
    %r = model.squeeze %x {axes = array<i64: 0>} : (tensor<1x4x8xf32>) -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$axes);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Model_ConcatOp : Model_InferredOp<"concat"> {
  let summary = "Joins tensors along `axis`";
  let description = [{
    All inputs have the same rank and element type and agree on every dim
    but `axis`.

    ```mlir
    %r = model.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$inputs, I64Attr:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Model_SliceOp : Model_InferredOp<"slice"> {
  let summary = "Takes a strided window: ONNX `Slice` with constant bounds";
  let description = [{
    For each listed axis, takes `start, start + step, ...` up to `end`
    (exclusive). Negative `start`/`end` count from the end, and both clamp to
    the dim as in ONNX. Steps are positive.

    ```mlir
    %r = model.slice %x {axes = array<i64: 1>, starts = array<i64: 2>, ends = array<i64: 6>, steps = array<i64: 2>} : (tensor<4x8xf32>) -> tensor<4x2xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$starts,
                       DenseI64ArrayAttr:$ends, DenseI64ArrayAttr:$axes,
                       DenseI64ArrayAttr:$steps);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Model_GatherOp : Model_InferredOp<"gather"> {
  let summary = "Picks slices of `data` along `axis` at integer `indices`";
  let description = [{
    ONNX `Gather`: the result shape is `data.shape[:axis] + indices.shape +
    data.shape[axis+1:]`. Negative indices count from the end; an index out
    of range is a run-time error of the run (never an out-of-bounds read).

    ```mlir
    %e = model.gather %table, %ids {axis = 0 : i64} : (tensor<100x16xf32>, tensor<2x5xi64>) -> tensor<2x5x16xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$data, AnyRankedTensor:$indices,
                       I64Attr:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

include "dialects/Model/IR/ModelReductionOps.td"
include "dialects/Model/IR/ModelDataMovementOps.td"
include "dialects/Model/IR/ModelVisionOps.td"
include "dialects/Model/IR/ModelQuantOps.td"
include "dialects/Model/IR/ModelSignalOps.td"
include "dialects/Model/IR/ModelTransformerOps.td"
include "dialects/Model/IR/ModelRecurrentOps.td"
include "dialects/Model/IR/ModelDynamicOps.td"

#endif // KILN_MODEL_OPS_TD
