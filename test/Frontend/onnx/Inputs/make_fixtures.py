#!/usr/bin/python3
"""Writes the binary fixtures of test/Frontend/onnx (run from this directory).

tensor_data.onnx holds initializers for the element types the text syntax
cannot write: in raw_data (float16, bfloat16, bool, int8, int32) and in the
typed int32_data field (float16, bfloat16 bit patterns).
external_data.onnx keeps two initializers in external_data.bin: `w` (4x8
float32 at offset 0) and `b` (8 float32 at offset 128, length given).
external_data_bad_range.onnx reads `w` from offset 64, past the end of
the file for its 128 bytes.
named_nodes.onnx multiplies [2, 3] by [4, 5] in a node named "mm", for the
error that names a node by its own name.
"""
import numpy as np
import onnx
from onnx import TensorProto, helper


def external(name, dims, offset, length=None):
    t = TensorProto(name=name, data_type=TensorProto.FLOAT, dims=dims)
    t.data_location = TensorProto.EXTERNAL
    entries = {"location": "external_data.bin", "offset": str(offset)}
    if length is not None:
        entries["length"] = str(length)
    for k, v in entries.items():
        t.external_data.add(key=k, value=v)
    return t


def model(w, b):
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["xw"], name="mm"),
         helper.make_node("Add", ["xw", "b"], ["y"], name="bias")],
        "external",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 8])],
        initializer=[w, b])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def raw(name, array, data_type):
    return TensorProto(name=name, data_type=data_type, dims=array.shape,
                       raw_data=array.tobytes())


def tensor_data_model():
    inits = [
        raw("h", np.array([1.5, -2.0], dtype=np.float16), TensorProto.FLOAT16),
        # bfloat16 1.0 and -3.0: the high halves of the float32 patterns.
        raw("bf", np.array([0x3F80, 0xC040], dtype=np.uint16), TensorProto.BFLOAT16),
        raw("b", np.array([True, False, True]), TensorProto.BOOL),
        raw("i8", np.array([-3, 100], dtype=np.int8), TensorProto.INT8),
        raw("i32", np.array([-7, 1 << 30], dtype=np.int32), TensorProto.INT32),
        helper.make_tensor("h_typed", TensorProto.FLOAT16, [2], [0.5, -1.0]),
        helper.make_tensor("bf_typed", TensorProto.BFLOAT16, [2], [2.0, -0.5]),
    ]
    outputs = [helper.make_tensor_value_info(t.name, t.data_type, list(t.dims)) for t in inits]
    graph = helper.make_graph([], "tensor_data", [], outputs, initializer=inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


onnx.save(tensor_data_model(), "tensor_data.onnx")
w = np.arange(32, dtype=np.float32).reshape(4, 8) / 4
b = np.arange(8, dtype=np.float32) - 4
with open("external_data.bin", "wb") as f:
    f.write(w.tobytes())
    f.write(b.tobytes())
onnx.save(model(external("w", [4, 8], 0), external("b", [8], 128, 32)), "external_data.onnx")
onnx.save(model(external("w", [4, 8], 64), external("b", [8], 128, 32)), "external_data_bad_range.onnx")

contradiction = helper.make_graph(
    [helper.make_node("MatMul", ["a", "b"], ["c"], name="mm")], "named_nodes",
    [helper.make_tensor_value_info("a", TensorProto.FLOAT, [2, 3]),
     helper.make_tensor_value_info("b", TensorProto.FLOAT, [4, 5])],
    [helper.make_tensor_value_info("c", TensorProto.FLOAT, [2, 5])])
onnx.save(helper.make_model(contradiction, opset_imports=[helper.make_opsetid("", 17)]),
          "named_nodes.onnx")
