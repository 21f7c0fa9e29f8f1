#!/usr/bin/python3
"""Generate kiln's end-to-end fixtures of ONNX opset 23's RMSNormalization,
RotaryEmbedding and Attention with onnx.helper and numpy.

Debian's ONNX 1.12 knows opsets <= 17, so the models are written without the
checker and the references are computed here, in float64 from the ONNX
operator specification (the reference implementations of
onnx/reference/ops/op_{rms_normalization,rotary_embedding,attention}.py),
then cast to float32. Seeds are fixed, so reruns are byte-identical.

Usage: /usr/bin/python3 test/e2e/generate_opset23_fixtures.py [NAME ...]
"""
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
F32 = TensorProto.FLOAT


def rms_norm(x, scale, axis, eps):
    axes = tuple(range(axis % x.ndim, x.ndim))
    rms = np.sqrt(np.mean(x * x, axis=axes, keepdims=True) + eps)
    return x / rms * scale


def rotary_embedding(x, cos_cache, sin_cache, position_ids=None,
                     interleaved=0, rotary_dim=0, num_heads=0):
    shape = x.shape
    if x.ndim == 4:  # [b, h, s, d] -> [b, s, h, d]
        x = np.transpose(x, (0, 2, 1, 3))
    else:
        b, s, hidden = x.shape
        x = x.reshape(b, s, num_heads, hidden // num_heads)
    head = x.shape[3]
    rotary_dim = rotary_dim or head
    half = rotary_dim // 2
    x_rot, x_pass = x[..., :rotary_dim], x[..., rotary_dim:]
    if position_ids is not None:
        cos, sin = cos_cache[position_ids], sin_cache[position_ids]
    else:
        cos, sin = cos_cache, sin_cache
    cos = np.expand_dims(cos[..., :half], 2)
    sin = np.expand_dims(sin[..., :half], 2)
    if interleaved:
        x1, x2 = x_rot[..., 0::2], x_rot[..., 1::2]
    else:
        x1, x2 = x_rot[..., :half], x_rot[..., half:]
    real = cos * x1 - sin * x2
    imag = sin * x1 + cos * x2
    if interleaved:
        rot = np.stack((real, imag), axis=-1).reshape(x_rot.shape)
    else:
        rot = np.concatenate((real, imag), axis=-1)
    out = np.concatenate((rot, x_pass), axis=-1)
    if len(shape) == 3:
        return out.reshape(shape)
    return np.transpose(out, (0, 2, 1, 3))


def attention(q, k, v, mask=None, causal=False, scale=None, q_heads=0,
              kv_heads=0):
    """q [b, hq, sq, d], k/v [b, hk, sk, d]; 3-D inputs split by q_heads /
    kv_heads and the result merged back."""
    three_d = q.ndim == 3

    def split(t, h):
        b, s, hidden = t.shape
        return t.reshape(b, s, h, hidden // h).transpose(0, 2, 1, 3)

    if three_d:
        q, k, v = split(q, q_heads), split(k, kv_heads), split(v, kv_heads)
    group = q.shape[1] // k.shape[1]
    k = np.repeat(k, group, axis=1)
    v = np.repeat(v, group, axis=1)
    scale = 1 / np.sqrt(q.shape[3]) if scale is None else scale
    s = q @ k.transpose(0, 1, 3, 2) * scale
    if mask is not None and mask.dtype == bool:
        s = np.where(mask, s, -np.inf)  # true: the key takes part
    elif mask is not None:
        s = s + mask
    if causal:
        # Query i sees keys j <= i + past_sequence_length (bottom-right
        # aligned; the past keys are those before the last sq).
        sq, sk = s.shape[-2:]
        s = np.where(np.tril(np.ones((sq, sk), bool), k=sk - sq), s, -np.inf)
    s = s - s.max(axis=-1, keepdims=True)
    p = np.exp(s)
    p = p / p.sum(axis=-1, keepdims=True)
    y = p @ v
    if three_d:
        b, h, sq, dv = y.shape
        y = y.transpose(0, 2, 1, 3).reshape(b, sq, h * dv)
    return y


def model(nodes, inputs, outputs, inits=()):
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(inits))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 23)],
                          producer_name="kiln generate_opset23_fixtures.py")
    m.ir_version = 10
    return m


def f32(x):
    return np.asarray(x, np.float32)


def write(name, m, inputs, expected, sizes=()):
    """`inputs`/`expected`: lists of float64 arrays (cast to float32;
    integer and boolean arrays kept); `sizes`: further (inputs, expected) sets."""
    out = os.path.join(HERE, name)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    onnx.save(m, os.path.join(out, "model.onnx"))

    def save(d, ins, exps):
        os.makedirs(d, exist_ok=True)
        for i, a in enumerate(ins):
            a = a if a.dtype.kind in "iub" else f32(a)
            np.save(os.path.join(d, f"input_{i}.npy"), a)
        for i, a in enumerate(exps):
            np.save(os.path.join(d, f"expected_{i}.npy"), f32(a))

    save(out, inputs, expected)
    for k, (ins, exps) in enumerate(sizes):
        save(os.path.join(out, "sizes", str(k)), ins, exps)
    print(f"{name}: {os.path.getsize(os.path.join(out, 'model.onnx'))} bytes, "
          f"opset 23, ops {sorted({n.op_type for n in m.graph.node})}")


def rng_for(name):
    return np.random.default_rng(sum(map(ord, name)))


def build_rmsnorm():
    name = "opset23_rmsnorm"
    rng = rng_for(name)
    scale = f32(rng.standard_normal(16) * 0.5 + 1).astype(np.float64)
    m = model(
        [helper.make_node("RMSNormalization", ["x", "scale"], ["y"],
                          axis=-1, epsilon=1e-5)],
        [helper.make_tensor_value_info("x", F32, ["batch", 5, 16])],
        [helper.make_tensor_value_info("y", F32, ["batch", 5, 16])],
        [numpy_helper.from_array(f32(scale), "scale")])

    def case(batch):
        x = f32(rng.standard_normal((batch, 5, 16)) * 2).astype(np.float64)
        return [x], [rms_norm(x, scale, -1, 1e-5)]

    write(name, m, *case(3), sizes=[case(1), case(4)])


def rope_caches(rng, positions, half):
    theta = rng.uniform(0, 3, (positions, half))
    return f32(np.cos(theta)).astype(np.float64), f32(np.sin(theta)).astype(np.float64)


def build_rope():
    """4-D, not interleaved, whole head, position ids as an input."""
    name = "opset23_rope"
    rng = rng_for(name)
    cos, sin = rope_caches(rng, 16, 4)
    m = model(
        [helper.make_node("RotaryEmbedding", ["x", "cos", "sin", "pos"], ["y"])],
        [helper.make_tensor_value_info("x", F32, [1, 2, "seq", 8]),
         helper.make_tensor_value_info("pos", TensorProto.INT64, [1, "seq"])],
        [helper.make_tensor_value_info("y", F32, [1, 2, "seq", 8])],
        [numpy_helper.from_array(f32(cos), "cos"),
         numpy_helper.from_array(f32(sin), "sin")])

    def case(seq):
        x = f32(rng.standard_normal((1, 2, seq, 8))).astype(np.float64)
        pos = rng.integers(0, 16, (1, seq)).astype(np.int64)
        return [x, pos], [rotary_embedding(x, cos, sin, pos)]

    write(name, m, *case(5), sizes=[case(1), case(9)])


def build_rope_interleaved_3d():
    """3-D with num_heads, interleaved, partial rotation, caches per token."""
    name = "opset23_rope_interleaved_3d"
    rng = rng_for(name)
    m = model(
        [helper.make_node("RotaryEmbedding", ["x", "cos", "sin"], ["y"],
                          interleaved=1, rotary_embedding_dim=4, num_heads=3)],
        [helper.make_tensor_value_info("x", F32, [2, 5, 24]),
         helper.make_tensor_value_info("cos", F32, [2, 5, 2]),
         helper.make_tensor_value_info("sin", F32, [2, 5, 2])],
        [helper.make_tensor_value_info("y", F32, [2, 5, 24])])
    x = f32(rng.standard_normal((2, 5, 24))).astype(np.float64)
    theta = rng.uniform(0, 3, (2, 5, 2))
    cos, sin = f32(np.cos(theta)).astype(np.float64), f32(np.sin(theta)).astype(np.float64)
    y = rotary_embedding(x, cos, sin, None, interleaved=1, rotary_dim=4,
                         num_heads=3)
    write(name, m, [x, cos, sin], [y])


def build_attention():
    """4-D GQA (4 query heads over 2 key/value heads), causal, default
    scale, dynamic batch."""
    name = "opset23_attention"
    rng = rng_for(name)
    m = model(
        [helper.make_node("Attention", ["q", "k", "v"], ["y"], is_causal=1)],
        [helper.make_tensor_value_info("q", F32, ["batch", 4, 6, 8]),
         helper.make_tensor_value_info("k", F32, ["batch", 2, 6, 8]),
         helper.make_tensor_value_info("v", F32, ["batch", 2, 6, 8])],
        [helper.make_tensor_value_info("y", F32, ["batch", 4, 6, 8])])

    def case(batch):
        q, k, v = (f32(rng.standard_normal((batch, h, 6, 8))).astype(np.float64)
                   for h in (4, 2, 2))
        return [q, k, v], [attention(q, k, v, causal=True)]

    write(name, m, *case(2), sizes=[case(1), case(3)])


def build_attention_3d():
    """3-D cross-attention (5 queries over 7 keys), MQA (2 query heads, 1
    key/value head), an additive float mask, explicit scale."""
    name = "opset23_attention_3d"
    rng = rng_for(name)
    m = model(
        [helper.make_node("Attention", ["q", "k", "v", "mask"], ["y"],
                          q_num_heads=2, kv_num_heads=1, scale=0.3)],
        [helper.make_tensor_value_info("q", F32, [1, 5, 16]),
         helper.make_tensor_value_info("k", F32, [1, 7, 8]),
         helper.make_tensor_value_info("v", F32, [1, 7, 8]),
         helper.make_tensor_value_info("mask", F32, [5, 7])],
        [helper.make_tensor_value_info("y", F32, [1, 5, 16])])
    q = f32(rng.standard_normal((1, 5, 16))).astype(np.float64)
    k = f32(rng.standard_normal((1, 7, 8))).astype(np.float64)
    v = f32(rng.standard_normal((1, 7, 8))).astype(np.float64)
    mask = f32(rng.standard_normal((5, 7))).astype(np.float64)
    y = attention(q, k, v, mask=mask, scale=0.3, q_heads=2, kv_heads=1)
    write(name, m, [q, k, v, mask], [y])


def build_attention_kv_cache():
    """4-D causal attention of 3 new tokens over a KV cache of 4: past_key
    and past_value come first, present_key and present_value are outputs."""
    name = "opset23_attention_kv_cache"
    rng = rng_for(name)
    m = model(
        [helper.make_node("Attention", ["q", "k", "v", "", "pk", "pv"],
                          ["y", "present_k", "present_v"], is_causal=1)],
        [helper.make_tensor_value_info("q", F32, [1, 2, 3, 8]),
         helper.make_tensor_value_info("k", F32, [1, 1, 3, 8]),
         helper.make_tensor_value_info("v", F32, [1, 1, 3, 8]),
         helper.make_tensor_value_info("pk", F32, [1, 1, "past", 8]),
         helper.make_tensor_value_info("pv", F32, [1, 1, "past", 8])],
        [helper.make_tensor_value_info("y", F32, [1, 2, 3, 8]),
         helper.make_tensor_value_info("present_k", F32, [1, 1, "total", 8]),
         helper.make_tensor_value_info("present_v", F32, [1, 1, "total", 8])])

    def case(past):
        q, k, v, pk, pv = (
            f32(rng.standard_normal(shape)).astype(np.float64)
            for shape in ((1, 2, 3, 8), (1, 1, 3, 8), (1, 1, 3, 8),
                          (1, 1, past, 8), (1, 1, past, 8)))
        keys, values = np.concatenate((pk, k), 2), np.concatenate((pv, v), 2)
        return ([q, k, v, pk, pv],
                [attention(q, keys, values, causal=True), keys, values])

    write(name, m, *case(4), sizes=[case(1), case(6)])


def build_attention_dynamic_mask():
    """4-D MQA with a boolean mask whose four dims are all symbolic: in each
    input set some of them are 1 at run time and broadcast (over heads,
    batch, queries), as ONNX broadcasting says; batch, query and key
    lengths are symbolic too."""
    name = "opset23_attention_dynamic_mask"
    rng = rng_for(name)
    BOOL = TensorProto.BOOL
    m = model(
        [helper.make_node("Attention", ["q", "k", "v", "mask"], ["y"])],
        [helper.make_tensor_value_info("q", F32, ["batch", 2, "sq", 8]),
         helper.make_tensor_value_info("k", F32, ["batch", 1, "sk", 8]),
         helper.make_tensor_value_info("v", F32, ["batch", 1, "sk", 8]),
         helper.make_tensor_value_info("mask", BOOL, ["mb", "mh", "mq", "mk"])],
        [helper.make_tensor_value_info("y", F32, ["batch", 2, "sq", 8])])

    def case(batch, sq, sk, mask_shape):
        q = f32(rng.standard_normal((batch, 2, sq, 8))).astype(np.float64)
        k, v = (f32(rng.standard_normal((batch, 1, sk, 8))).astype(np.float64)
                for _ in range(2))
        mask = rng.random(mask_shape) < 0.6
        mask[..., 0] = True  # no query row without a key
        return [q, k, v, mask], [attention(q, k, v, mask=mask)]

    write(name, m, *case(2, 5, 7, (2, 1, 5, 7)),
          sizes=[case(1, 1, 1, (1, 1, 1, 1)), case(3, 4, 9, (1, 2, 4, 9)),
                 case(2, 3, 6, (2, 1, 1, 6)), case(2, 3, 6, (2, 2, 3, 6))])


FIXTURES = {
    "opset23_attention_kv_cache": build_attention_kv_cache,
    "opset23_rmsnorm": build_rmsnorm,
    "opset23_rope": build_rope,
    "opset23_rope_interleaved_3d": build_rope_interleaved_3d,
    "opset23_attention": build_attention,
    "opset23_attention_3d": build_attention_3d,
    "opset23_attention_dynamic_mask": build_attention_dynamic_mask,
}

if __name__ == "__main__":
    for n in sys.argv[1:] or FIXTURES:
        FIXTURES[n]()
