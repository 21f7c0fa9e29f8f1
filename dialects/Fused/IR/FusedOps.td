//===- FusedOps.td - The `fused` dialect: whole-pattern ops -----*- tablegen -*-===//
#ifndef KILN_FUSED_OPS_TD
#define KILN_FUSED_OPS_TD

include "mlir/IR/OpBase.td"
include "mlir/Interfaces/DestinationStyleOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/TilingInterface.td"

def Fused_Dialect : Dialect {
  let name = "fused";
  let cppNamespace = "::kiln::fused";
  let summary = "The big patterns of modern models as one structured op each";
  let description = [{
    What kiln's fusion passes (`kiln-fuse-attention`, ...) rewrite the
    decomposed subgraphs of exported models into: attention, mixture of
    experts, Mamba-2 state-space scans. The ops are destination-style on
    tensors, so that they tile and lower like linalg ops; each has a
    decomposition into linalg (`kiln-convert-fused-to-linalg`) that every
    target can fall back on.
  }];
}

class Fused_Op<string mnemonic, list<Trait> traits = []>
    : Op<Fused_Dialect, mnemonic, traits>;

def Fused_AttentionOp : Fused_Op<"attention", [Pure, AttrSizedOperandSegments,
    DestinationStyleOpInterface,
    DeclareOpInterfaceMethods<TilingInterface, ["getLoopIteratorTypes",
        "getIterationDomain", "getTiledImplementation",
        "getResultTilePosition"]>]> {
  let summary = "Scaled dot-product attention with GQA/MQA, causal and "
                "sliding-window masking and an optional mask";
  let description = [{
    `out[b, h, i, :] = sum_j softmax_j(s[b, h, i, j]) * v[b, g(h), j, :]` with
    `s[b, h, i, j] = scale * (q[b, h, i, :] . k[b, g(h), j, :]) + mask[b, h, i, j]`
    for the keys `j` that query `i` may see, and `-inf` for the others;
    `g(h) = h / (num_heads / num_kv_heads)` shares each key/value head among
    a group of query heads (GQA; MQA is `num_kv_heads = 1`).

    Layouts: `q` is [batch, num_heads, Sq, D], `k` [batch, num_kv_heads, Sk,
    D], `v` [batch, num_kv_heads, Sk, Dv] (Dv may differ from D, as in
    DeepSeek's MLA), the destination [batch, num_heads, Sq, Dv]. Sq and Sk
    may differ (cross-attention, decoding with a cache).

    Visibility: query row `i` sits at key position `p(i) = i + offset`,
    where `offset` is the `query_offset` operand when present and `Sk - Sq`
    otherwise (the queries are the last Sq positions: the last query sees
    every key; for Sq == Sk the usual lower triangle). With `causal`, key
    `j` is visible to query `i` when `j <= p(i)`. `window_left = L >= 0`
    also hides keys with `j < p(i) - L`, `window_right = R >= 0` keys with
    `j > p(i) + R` (-1: unbounded). `query_offset` is what tiling over the
    query rows sets: a tile of rows starting at `i0` has offset
    `offset + i0`, so its visibility is the untiled op's.

    `mask`, when present, is broadcastable (numpy rules) to [batch,
    num_heads, Sq, Sk]: a float mask of the element type is added to the
    scaled scores, a boolean (i1) mask hides the keys where it is false.
    16-bit floats compute scores, softmax and the weighted sum in f32. A
    query row that sees no key at all gets NaN (0/0), as a softmax over
    only -inf scores does.

    Tiling (TilingInterface): the loops are batch, heads and query rows, all
    parallel; a tile reads every key of its key/value heads. A tile of the
    heads must have a constant size that is a multiple of the group
    (num_heads / num_kv_heads) or divides it.

    ```mlir
    %o = fused.attention ins(%q, %k, %v : tensor<2x8x128x64xf32>, tensor<2x2x128x64xf32>, tensor<2x2x128x64xf32>)
           outs(%init : tensor<2x8x128x64xf32>)
           {num_heads = 8, num_kv_heads = 2, scale = 0.125 : f32, causal = true} -> tensor<2x8x128x64xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$query, AnyRankedTensor:$key,
                       AnyRankedTensor:$value,
                       Optional<AnyRankedTensor>:$mask,
                       AnyRankedTensor:$init,
                       I64Attr:$num_heads, I64Attr:$num_kv_heads,
                       F32Attr:$scale,
                       DefaultValuedAttr<BoolAttr, "false">:$causal,
                       DefaultValuedAttr<I64Attr, "-1">:$window_left,
                       DefaultValuedAttr<I64Attr, "-1">:$window_right,
                       Optional<Index>:$query_offset);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    `ins` `(` $query `,` $key `,` $value (`mask` $mask^)? `:` type($query) `,`
    type($key) `,` type($value) (`,` type($mask)^)? `)`
    `outs` `(` $init `:` type($init) `)`
    (`query_offset` `(` $query_offset^ `)`)? attr-dict `->` type($result)
  }];
  // The builders without `query_offset`, which fusion and the importer use
  // (the generated ones take it last, after the attributes).
  let builders = [
    OpBuilder<(ins "::mlir::Type":$result, "::mlir::Value":$query,
        "::mlir::Value":$key, "::mlir::Value":$value, "::mlir::Value":$mask,
        "::mlir::Value":$init, "::mlir::IntegerAttr":$num_heads,
        "::mlir::IntegerAttr":$num_kv_heads, "::mlir::FloatAttr":$scale,
        CArg<"::mlir::BoolAttr", "nullptr">:$causal,
        CArg<"::mlir::IntegerAttr", "nullptr">:$window_left,
        CArg<"::mlir::IntegerAttr", "nullptr">:$window_right), [{
      build($_builder, $_state, result, query, key, value, mask, init,
            num_heads, num_kv_heads, scale, causal, window_left, window_right,
            /*query_offset=*/::mlir::Value());
    }]>,
    OpBuilder<(ins "::mlir::Type":$result, "::mlir::Value":$query,
        "::mlir::Value":$key, "::mlir::Value":$value, "::mlir::Value":$mask,
        "::mlir::Value":$init, "uint64_t":$num_heads, "uint64_t":$num_kv_heads,
        "::llvm::APFloat":$scale, CArg<"bool", "false">:$causal,
        CArg<"uint64_t", "-1">:$window_left,
        CArg<"uint64_t", "-1">:$window_right), [{
      build($_builder, $_state, result, query, key, value, mask, init,
            num_heads, num_kv_heads, scale, causal, window_left, window_right,
            /*query_offset=*/::mlir::Value());
    }]>
  ];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() { return getInitMutable(); }
  }];
}

include "dialects/Fused/IR/FusedMoEOps.td"
include "dialects/Fused/IR/FusedSSDOps.td"

#endif // KILN_FUSED_OPS_TD
