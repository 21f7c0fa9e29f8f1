#!/usr/bin/python3
"""Generate kiln's f16 and bf16 end-to-end fixtures with onnx.helper and numpy.

Debian's PyTorch 1.13 cannot run half-precision matmuls on the CPU, so these
models are written with onnx.helper and their references computed with numpy,
rounding to the low-precision type exactly where the model stores a tensor in
it and computing everything in between in float32 — the semantics kiln
implements (f16/bf16 contractions, sums and softmax accumulate in f32).

Each model: y = Softmax(x @ W + b) along the last axis and s = ReduceSum(x @ W)
over the last axis, all tensors in the low-precision type.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def to_bf16(x):
    """Round float32 to the nearest bfloat16 (ties to even), as float32."""
    bits = np.asarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    return rounded.astype(np.uint32).view(np.float32)


def bf16_bits(x):
    return (np.asarray(to_bf16(x), dtype=np.float32).view(np.uint32) >> 16).astype(np.uint16)


def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def build(kind):
    rng = np.random.default_rng(23 if kind == "f16" else 29)
    x = rng.standard_normal((3, 16)).astype(np.float32)
    w = (rng.standard_normal((16, 8)) * 0.3).astype(np.float32)
    b = (rng.standard_normal((8,)) * 0.1).astype(np.float32)
    if kind == "f16":
        elem = TensorProto.FLOAT16
        lowp = lambda v: np.asarray(v, np.float32).astype(np.float16).astype(np.float32)
        w_init = numpy_helper.from_array(w.astype(np.float16), "W")
        b_init = numpy_helper.from_array(b.astype(np.float16), "b")
        inputs = [helper.make_tensor_value_info("x", elem, [3, 16])]
        nodes, x_name = [], "x"
        outputs = [helper.make_tensor_value_info("y", elem, [3, 8]),
                   helper.make_tensor_value_info("s", elem, [3])]
    else:
        elem = TensorProto.BFLOAT16
        lowp = to_bf16
        # make_tensor converts float values to bfloat16 itself; they are
        # bf16-exact already, so the stored bits are exactly to_bf16's.
        w_init = helper.make_tensor("W", elem, [16, 8], to_bf16(w).flatten().tolist())
        b_init = helper.make_tensor("b", elem, [8], to_bf16(b).flatten().tolist())
        stored = np.array(w_init.int32_data, np.uint32)
        assert (stored == bf16_bits(w).flatten()).all(), "bf16 initializer bits"
        # numpy has no bfloat16: the graph takes and returns float32 and casts
        # at its boundary, so every op in between runs in bf16.
        inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 16])]
        nodes, x_name = [helper.make_node("Cast", ["x"], ["xl"], to=elem, name="cast_in")], "xl"
        outputs = [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3, 8]),
                   helper.make_tensor_value_info("s", TensorProto.FLOAT, [3])]
    y_name, s_name = ("y", "s") if kind == "f16" else ("yl", "sl")
    nodes += [
        helper.make_node("MatMul", [x_name, "W"], ["xw"], name="matmul"),
        helper.make_node("Add", ["xw", "b"], ["z"], name="add"),
        helper.make_node("Softmax", ["z"], [y_name], axis=-1, name="softmax"),
        helper.make_node("ReduceSum", ["xw", "axes"], [s_name], keepdims=0, name="sum"),
    ]
    axes = numpy_helper.from_array(np.array([1], np.int64), "axes")
    if kind == "bf16":
        nodes += [helper.make_node("Cast", ["yl"], ["y"], to=TensorProto.FLOAT, name="cast_y"),
                  helper.make_node("Cast", ["sl"], ["s"], to=TensorProto.FLOAT, name="cast_s")]
    graph = helper.make_graph(nodes, f"lowp_{kind}", inputs, outputs, [w_init, b_init, axes])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)

    # Reference: round where the model stores low precision, f32 in between.
    xl, wl, bl = lowp(x), lowp(w), lowp(b)
    xw = lowp(xl @ wl)
    y = lowp(softmax(lowp(xw + bl)))
    s = lowp(xw.sum(axis=-1))
    if kind == "f16":
        return model, [xl.astype(np.float16)], [y.astype(np.float16), s.astype(np.float16)]
    return model, [x], [y, s]


def main(names):
    for kind in names or ["f16", "bf16"]:
        model, ins, outs = build(kind)
        d = os.path.join(HERE, f"lowp_{kind}")
        os.makedirs(d, exist_ok=True)
        onnx.save(model, os.path.join(d, "model.onnx"))
        for i, a in enumerate(ins):
            np.save(os.path.join(d, f"input_{i}.npy"), a)
        for i, a in enumerate(outs):
            np.save(os.path.join(d, f"expected_{i}.npy"), a)
        print(f"lowp_{kind}: {os.path.getsize(os.path.join(d, 'model.onnx'))} bytes, "
              f"ops {[n.op_type for n in model.graph.node]}")


if __name__ == "__main__":
    main(sys.argv[1:])
