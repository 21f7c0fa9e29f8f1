#!/usr/bin/python3
"""Generate the e2e fixtures of kiln's tiled online-softmax attention lowering.

Sequence lengths that are not multiples of the lowering's 64-row/64-key tiles,
so that the last query block and the last key block are partial, and a causal
mask, so that key blocks are skipped, straddle the diagonal or are wholly
visible. PyTorch (Debian's python3-torch 1.13) exports the models and computes
the references; see README.md.
"""
import math
import os
import sys

import numpy as np
import onnx
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = 17


class CausalSelfAttention(nn.Module):
    """HF-style causal self-attention block: q/k/v/o projections, an additive
    causal mask of the dtype's minimum above the diagonal (as Hugging Face
    builds it), softmax, residual."""

    def __init__(self, hidden=64, heads=4, seq=100, causal=True):
        super().__init__()
        self.h, self.d = heads, hidden // heads
        self.q, self.k, self.v, self.o = (nn.Linear(hidden, hidden) for _ in range(4))
        self.causal = causal
        if causal:
            minimum = torch.finfo(torch.float32).min
            self.register_buffer("mask", torch.triu(torch.full((seq, seq), minimum), 1))

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


# name: (constructor kwargs, input shape, symbolic dims, trace shape, extra shapes)
MODELS = {
    # 100 = 64 + 36 query rows and keys: a full and a partial block each.
    "flash_causal": ({"seq": 100}, (2, 100, 64), None, None, []),
    # Symbolic batch and length: one package at 100 (partial blocks), 1, 64
    # (exactly one block) and 130 (three blocks, the last of 2).
    "flash_dynamic": ({"causal": False}, (2, 100, 64), {"input_0": {0: "batch", 1: "seq"}},
                      (2, 8, 64), [(1, 1, 64), (1, 64, 64), (3, 130, 64)]),
}


def save_set(model, out_dir, rng, shape):
    x = rng.standard_normal(shape, dtype=np.float32)
    with torch.no_grad():
        y = model(torch.from_numpy(x))
    os.makedirs(out_dir, exist_ok=True)
    np.save(os.path.join(out_dir, "input_0.npy"), x)
    np.save(os.path.join(out_dir, "expected_0.npy"), y.numpy().astype(np.float32))


def generate(name, kwargs, shape, dynamic_axes, trace_shape, extra_shapes):
    torch.manual_seed(0)
    model = CausalSelfAttention(**kwargs).eval()
    rng = np.random.default_rng(4321)
    out_dir = os.path.join(HERE, name)
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "model.onnx")
    with torch.no_grad():
        torch.onnx.export(model, (torch.zeros(trace_shape or shape),), path, opset_version=OPSET,
                          do_constant_folding=True, input_names=["input_0"],
                          output_names=["output_0"], dynamic_axes=dynamic_axes)
    save_set(model, out_dir, rng, shape)
    for k, extra in enumerate(extra_shapes):
        save_set(model, os.path.join(out_dir, "sizes", str(k)), rng, extra)
    onnx_model = onnx.load(path)
    onnx.checker.check_model(onnx_model, full_check=True)
    ops = sorted({n.op_type for n in onnx_model.graph.node})
    print(f"{name}: {os.path.getsize(path)} bytes, opset {onnx_model.opset_import[0].version}, ops {ops}")


def main(names):
    for name in names or MODELS:
        generate(name, *MODELS[name])


if __name__ == "__main__":
    main(sys.argv[1:])
