#!/usr/bin/python3
"""Generate kiln's end-to-end fixtures: small PyTorch models exported to ONNX with reference inputs/outputs."""
import math
import os
import sys

import numpy as np
import onnx
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = 17


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 8))

    def forward(self, x):
        return self.net(x)


class MLPGelu(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(16, 32), nn.GELU(), nn.Linear(32, 16), nn.Sigmoid())

    def forward(self, x):
        return self.net(x)


class SelfAttention(nn.Module):
    """HF-style multi-head self-attention with residual; optional additive causal mask."""

    def __init__(self, hidden=64, heads=4, seq=8, causal=False):
        super().__init__()
        self.h, self.d = heads, hidden // heads
        self.q, self.k, self.v, self.o = (nn.Linear(hidden, hidden) for _ in range(4))
        self.causal = causal
        if causal:
            self.register_buffer("mask", torch.triu(torch.full((seq, seq), -1e9), 1))

    def split(self, t, b, s):
        return t.view(b, s, self.h, self.d).transpose(1, 2)

    def forward(self, x):
        b, s, c = x.shape
        q, k, v = self.split(self.q(x), b, s), self.split(self.k(x), b, s), self.split(self.v(x), b, s)
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.d)
        if self.causal:
            scores = scores + self.mask
        ctx = torch.softmax(scores, dim=-1) @ v
        ctx = ctx.transpose(1, 2).reshape(b, s, c)
        return self.o(ctx) + x


# name: (model class, constructor kwargs, input shapes, symbolic dims).
# A model with symbolic dims is traced at shapes of its own (TRACE_SHAPES) and
# its reference computed at the listed shapes, so the fixture proves that one
# compiled package serves sizes other than the traced ones.
MODELS = {
    "mlp": (MLP, {}, [(4, 16)], None),
    "attention": (SelfAttention, {}, [(2, 8, 64)], None),
    "attention_mask": (SelfAttention, {"causal": True}, [(1, 8, 64)], None),
    "mlp_gelu": (MLPGelu, {}, [(3, 16)], None),
    "mlp_dynamic": (MLP, {}, [(7, 16)], {"input_0": {0: "batch"}}),
    "attention_dynamic": (SelfAttention, {}, [(3, 5, 64)], {"input_0": {0: "batch", 1: "seq"}}),
}
TRACE_SHAPES = {"mlp_dynamic": [(2, 16)], "attention_dynamic": [(2, 8, 64)]}
# More sizes the same package must serve (sizes/<k>/ of the fixture), one of
# them 1 in every symbolic dim.
EXTRA_SHAPES = {
    "mlp_dynamic": [[(1, 16)], [(33, 16)]],
    "attention_dynamic": [[(1, 1, 64)], [(1, 13, 64)], [(4, 2, 64)]],
}


def describe(model):
    """Return op types plus a line for each Reshape/Transpose/Softmax node worth knowing about."""
    inits = {i.name for i in model.graph.initializer}
    consts = {o for n in model.graph.node if n.op_type == "Constant" for o in n.output}
    lines = []
    for n in model.graph.node:
        if n.op_type in ("Reshape", "Transpose", "Softmax"):
            attrs = {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute}
            extra = ""
            if n.op_type == "Reshape":
                src = n.input[1]
                extra = " shape=" + ("initializer" if src in inits else "Constant" if src in consts else "computed")
            lines.append(f"    {n.op_type} {n.name}: {attrs}{extra}")
    return sorted({n.op_type for n in model.graph.node}), lines


def generate(name, cls, kwargs, shapes, dynamic_axes):
    torch.manual_seed(0)
    model = cls(**kwargs).eval()
    rng = np.random.default_rng(1234)
    inputs = [rng.standard_normal(s, dtype=np.float32) for s in shapes]
    out_dir = os.path.join(HERE, name)
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "model.onnx")
    targs = tuple(torch.from_numpy(a) for a in inputs)
    trace = tuple(torch.zeros(s) for s in TRACE_SHAPES.get(name, shapes))
    with torch.no_grad():
        outs = model(*targs)
        outs = outs if isinstance(outs, (tuple, list)) else (outs,)
        torch.onnx.export(model, trace, path, opset_version=OPSET, do_constant_folding=True,
                          input_names=[f"input_{i}" for i in range(len(inputs))],
                          output_names=[f"output_{i}" for i in range(len(outs))],
                          dynamic_axes=dynamic_axes)
    for i, a in enumerate(inputs):
        np.save(os.path.join(out_dir, f"input_{i}.npy"), a)
    for i, t in enumerate(outs):
        np.save(os.path.join(out_dir, f"expected_{i}.npy"), t.numpy().astype(np.float32))
    for k, extra in enumerate(EXTRA_SHAPES.get(name, [])):
        set_dir = os.path.join(out_dir, "sizes", str(k))
        os.makedirs(set_dir, exist_ok=True)
        extra_inputs = [rng.standard_normal(s, dtype=np.float32) for s in extra]
        with torch.no_grad():
            extra_outs = model(*(torch.from_numpy(a) for a in extra_inputs))
        extra_outs = extra_outs if isinstance(extra_outs, (tuple, list)) else (extra_outs,)
        for i, a in enumerate(extra_inputs):
            np.save(os.path.join(set_dir, f"input_{i}.npy"), a)
        for i, t in enumerate(extra_outs):
            np.save(os.path.join(set_dir, f"expected_{i}.npy"), t.numpy().astype(np.float32))
    onnx_model = onnx.load(path)
    onnx.checker.check_model(onnx_model, full_check=True)
    ops, lines = describe(onnx_model)
    print(f"{name}: {os.path.getsize(path)} bytes, opset {onnx_model.opset_import[0].version}, ops {ops}")
    print("\n".join(lines))


def main(names):
    for name in names or MODELS:
        generate(name, *MODELS[name])


if __name__ == "__main__":
    main(sys.argv[1:])
