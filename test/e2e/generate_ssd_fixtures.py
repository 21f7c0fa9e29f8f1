#!/usr/bin/python3
"""kiln's Mamba-2 SSD end-to-end fixtures: the paper's minimal reference
(ssd_minimal_discrete, "Transformers are SSMs", Dao & Gu 2024) exported by
torch.onnx.export, alone and inside a small hybrid model (Mamba-2-style
layers around an HF-style attention layer).

  generate_ssd_fixtures.py [NAME ...]              write test/e2e/<NAME>/
  generate_ssd_fixtures.py --bench-model OUT.onnx --seq S
                                                   one SSD block at length S
                                                   (for bench/; inputs beside
                                                   it as OUT.input_<i>.npy)
"""
import argparse
import math
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = 17


def segsum(x):
    """The paper's stable segment sum: out[..., i, j] = sum x[..., j+1..i] for
    j <= i, -inf above the diagonal (einops' repeat written as expand)."""
    T = x.size(-1)
    x = x[..., None].expand(*x.shape, T)
    mask = torch.tril(torch.ones(T, T, dtype=torch.bool), diagonal=-1)
    x = x.masked_fill(~mask, 0)
    x_segsum = torch.cumsum(x, dim=-2)
    mask = torch.tril(torch.ones(T, T, dtype=torch.bool), diagonal=0)
    x_segsum = x_segsum.masked_fill(~mask, -torch.inf)
    return x_segsum


def chunks(t, block_len):
    """einops' "b (c l) ... -> b c l ...": [b, l, ...] -> [b, c, block_len, ...]."""
    return t.reshape(t.shape[0], t.shape[1] // block_len, block_len, *t.shape[2:])


def ssd_minimal_discrete(X, A, B, C, block_len, initial_states=None):
    """X [b, l, h, p], A [b, l, h], B and C [b, l, h, n] -> Y [b, l, h, p] and
    the final state [b, h, p, n]; the paper's listing, einops spelled out."""
    b, l, h, p = X.shape
    X, A, B, C = [chunks(t, block_len) for t in (X, A, B, C)]
    A = A.permute(0, 3, 1, 2)  # b c l h -> b h c l
    A_cumsum = torch.cumsum(A, dim=-1)
    # 1. Intra-chunk (diagonal blocks) output.
    L = torch.exp(segsum(A))
    Y_diag = torch.einsum("bclhn,bcshn,bhcls,bcshp->bclhp", C, B, L, X)
    # 2. The state at the end of each chunk.
    decay_states = torch.exp(A_cumsum[:, :, :, -1:] - A_cumsum)
    states = torch.einsum("bclhn,bhcl,bclhp->bchpn", B, decay_states, X)
    # 3. Inter-chunk recurrence.
    if initial_states is None:
        initial_states = torch.zeros_like(states[:, :1])
    states = torch.cat([initial_states, states], dim=1)
    decay_chunk = torch.exp(segsum(F.pad(A_cumsum[:, :, :, -1], (1, 0))))
    new_states = torch.einsum("bhzc,bchpn->bzhpn", decay_chunk, states)
    states, final_state = new_states[:, :-1], new_states[:, -1]
    # 4. State -> output.
    state_decay_out = torch.exp(A_cumsum)
    Y_off = torch.einsum("bclhn,bchpn,bhcl->bclhp", C, states, state_decay_out)
    Y = (Y_diag + Y_off).reshape(b, l, h, p)
    return Y, final_state


def ssd_matmul(X, A, B, C, block_len, initial_states=None):
    """The same algorithm with every einsum written as transposes and
    (batched) matmuls, as hand-written ports do."""
    b, l, h, p = X.shape
    X, A, B, C = [chunks(t, block_len) for t in (X, A, B, C)]
    A = A.permute(0, 3, 1, 2)
    A_cumsum = torch.cumsum(A, dim=-1)
    L = torch.exp(segsum(A))  # b h c l s
    Xh = X.permute(0, 3, 1, 2, 4)  # b h c s p
    Bh = B.permute(0, 3, 1, 2, 4)  # b h c s n
    Ch = C.permute(0, 3, 1, 2, 4)  # b h c l n
    scores = Ch @ Bh.transpose(-1, -2)  # b h c l s
    Y_diag = (scores * L) @ Xh  # b h c l p
    decay_states = torch.exp(A_cumsum[:, :, :, -1:] - A_cumsum)  # b h c l
    states = (Xh * decay_states[..., None]).transpose(-1, -2) @ Bh  # b h c p n
    states = states.permute(0, 2, 1, 3, 4)  # b c h p n
    if initial_states is None:
        initial_states = torch.zeros_like(states[:, :1])
    states = torch.cat([initial_states, states], dim=1)
    decay_chunk = torch.exp(segsum(F.pad(A_cumsum[:, :, :, -1], (1, 0))))  # b h z c
    flat = states.permute(0, 2, 1, 3, 4).reshape(b, h, -1, p * states.shape[-1])
    new_states = (decay_chunk @ flat).reshape(b, h, -1, p, states.shape[-1])
    new_states = new_states.permute(0, 2, 1, 3, 4)  # b z h p n
    states, final_state = new_states[:, :-1], new_states[:, -1]
    state_decay_out = torch.exp(A_cumsum)  # b h c l
    Y_off = (Ch @ states.permute(0, 2, 1, 4, 3)) * state_decay_out[..., None]  # b h c l p
    Y = (Y_diag + Y_off).permute(0, 2, 3, 1, 4).reshape(b, l, h, p)
    return Y, final_state


class SSDBlock(nn.Module):
    """The bare scan: inputs X, A (the per-step log decay A*dt), B, C [and
    the initial state]."""

    def __init__(self, chunk=4, form="einsum"):
        super().__init__()
        self.chunk, self.fn = chunk, ssd_minimal_discrete if form == "einsum" else ssd_matmul

    def forward(self, X, A, B, C, initial_state=None):
        # The listing takes the initial state as [b, 1, h, p, n].
        initial = None if initial_state is None else initial_state.unsqueeze(1)
        return self.fn(X, A, B, C, self.chunk, initial)


class Mamba2Layer(nn.Module):
    """A Mamba-2 mixer without its conv1d and gate: in_proj -> x, B, C, dt;
    dt = softplus(dt + bias); scan of x*dt with decay A*dt, B/C shared by
    groups of heads; D skip; out_proj; residual."""

    def __init__(self, d_model=32, heads=4, head_dim=8, state=8, groups=2, chunk=4):
        super().__init__()
        self.h, self.p, self.n, self.g, self.chunk = heads, head_dim, state, groups, chunk
        self.in_proj = nn.Linear(d_model, heads * head_dim + 2 * groups * state + heads)
        self.dt_bias = nn.Parameter(torch.rand(heads) - 0.5)
        self.A_log = nn.Parameter(torch.log(torch.rand(heads) * 4 + 1))
        self.D = nn.Parameter(torch.randn(heads))
        self.out_proj = nn.Linear(heads * head_dim, d_model)

    def repeat_groups(self, t, b, l):
        # einops' "b l g n -> b l (g r) n": each group serves h/g heads in a row.
        return t.unsqueeze(3).expand(b, l, self.g, self.h // self.g, self.n).reshape(b, l, self.h, self.n)

    def forward(self, u):
        b, l, _ = u.shape
        x, Bm, Cm, dt = torch.split(self.in_proj(u), [self.h * self.p, self.g * self.n, self.g * self.n, self.h], -1)
        dt = F.softplus(dt + self.dt_bias)
        A = -torch.exp(self.A_log)
        x = x.reshape(b, l, self.h, self.p)
        Bm = self.repeat_groups(Bm.reshape(b, l, self.g, self.n), b, l)
        Cm = self.repeat_groups(Cm.reshape(b, l, self.g, self.n), b, l)
        y, _ = ssd_minimal_discrete(x * dt.unsqueeze(-1), A * dt, Bm, Cm, self.chunk)
        y = y + x * self.D.unsqueeze(-1)
        return self.out_proj(y.reshape(b, l, self.h * self.p)) + u


class Attention(nn.Module):
    """HF-style self-attention: softmax(Q K^T / sqrt(d)) V, residual."""

    def __init__(self, d_model=32, heads=4):
        super().__init__()
        self.h, self.d = heads, d_model // heads
        self.q, self.k, self.v, self.o = (nn.Linear(d_model, d_model) for _ in range(4))

    def forward(self, x):
        b, s, c = x.shape
        q, k, v = (t(x).view(b, s, self.h, self.d).transpose(1, 2) for t in (self.q, self.k, self.v))
        ctx = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(self.d), dim=-1) @ v
        return self.o(ctx.transpose(1, 2).reshape(b, s, c)) + x


class Hybrid(nn.Module):
    """Mamba-2, attention, Mamba-2 (as hybrid stacks interleave them)."""

    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(Mamba2Layer(), Attention(), Mamba2Layer())

    def forward(self, u):
        return self.layers(u)


def ssd_inputs(rng, b, l, h, p, n, initial=False):
    arrays = [rng.standard_normal((b, l, h, p), dtype=np.float32),
              -rng.uniform(0.05, 1.0, (b, l, h)).astype(np.float32),
              rng.standard_normal((b, l, h, n), dtype=np.float32),
              rng.standard_normal((b, l, h, n), dtype=np.float32)]
    if initial:
        arrays.append(rng.standard_normal((b, h, p, n), dtype=np.float32))
    return arrays


def hybrid_inputs(b, l):
    return lambda rng: [rng.standard_normal((b, l, 32), dtype=np.float32)]


# name: (module factory, input factory[, dims named in every input and
# output (or {tensor name: its dims}), input factories of more sets under
# sizes/<k>/]).
BATCH = {0: "batch"}
BATCH_SEQ = {0: "batch", 1: "seq"}
# The block's X, dt, B, C and Y are [b, l, ...]; its final state [b, h, p, n].
BLOCK_BATCH_SEQ = {**{f"input_{i}": BATCH_SEQ for i in range(4)}, "output_0": BATCH_SEQ, "output_1": BATCH}
MODELS = {
    "ssd_block": (lambda: SSDBlock(4, "einsum"), lambda rng: ssd_inputs(rng, 2, 16, 4, 8, 6)),
    "ssd_initial": (lambda: SSDBlock(4, "einsum"), lambda rng: ssd_inputs(rng, 1, 12, 2, 4, 4, True)),
    "ssd_matmul": (lambda: SSDBlock(4, "matmul"), lambda rng: ssd_inputs(rng, 2, 16, 4, 8, 6, True)),
    "ssd_hybrid": (Hybrid, hybrid_inputs(2, 16)),
    # Dynamic batch: the exporter reads b from X.shape (Shape, Gather,
    # Concat) for every chunking reshape and for the reshape of Y.
    "ssd_dynamic": (lambda: SSDBlock(4, "einsum"), lambda rng: ssd_inputs(rng, 2, 16, 4, 8, 6, True),
                    BATCH, [lambda rng: ssd_inputs(rng, 1, 16, 4, 8, 6, True),
                            lambda rng: ssd_inputs(rng, 3, 16, 4, 8, 6, True)]),
    "ssd_hybrid_dynamic": (Hybrid, hybrid_inputs(2, 16), BATCH, [hybrid_inputs(1, 16), hybrid_inputs(3, 16)]),
    # Dynamic batch and sequence length: the chunk count is l // chunk
    # (Shape, Gather, Div) and the segsum masks are Trilu of run-time size;
    # the package checks at run time that l is a multiple of the chunk.
    "ssd_dynamic_seq": (lambda: SSDBlock(4, "einsum"), lambda rng: ssd_inputs(rng, 2, 16, 4, 8, 6),
                        BLOCK_BATCH_SEQ, [lambda rng: ssd_inputs(rng, 1, 4, 4, 8, 6),
                                          lambda rng: ssd_inputs(rng, 3, 28, 4, 8, 6)]),
    "ssd_hybrid_dynamic_seq": (Hybrid, hybrid_inputs(2, 16), BATCH_SEQ,
                               [hybrid_inputs(1, 8), hybrid_inputs(2, 36)]),
}


def run(model, inputs):
    with torch.no_grad():
        outs = model(*(torch.from_numpy(a) for a in inputs))
    return outs if isinstance(outs, (tuple, list)) else (outs,)


def axes_of(dims, names):
    if not dims:
        return None
    if all(isinstance(k, str) for k in dims):
        return {n: dims[n] for n in names if n in dims}
    return {n: dims for n in names}


def export(model, inputs, path, dims=None):
    targs = tuple(torch.from_numpy(a) for a in inputs)
    outs = run(model, inputs)
    names = ([f"input_{i}" for i in range(len(inputs))], [f"output_{i}" for i in range(len(outs))])
    with torch.no_grad():
        torch.onnx.export(model, targs, path, opset_version=OPSET, do_constant_folding=True,
                          input_names=names[0], output_names=names[1],
                          dynamic_axes=axes_of(dims, names[0] + names[1]))
    onnx_model = onnx.load(path)
    onnx.checker.check_model(onnx_model, full_check=True)
    return outs, onnx_model


def save_set(directory, inputs, outs):
    os.makedirs(directory, exist_ok=True)
    for i, a in enumerate(inputs):
        np.save(os.path.join(directory, f"input_{i}.npy"), a)
    for i, t in enumerate(outs):
        np.save(os.path.join(directory, f"expected_{i}.npy"), t.numpy().astype(np.float32))


def generate(name):
    make_model, make_inputs, dims, extra = (MODELS[name] + (None, []))[:4]
    torch.manual_seed(0)
    model = make_model().eval()
    rng = np.random.default_rng(2024)
    inputs = make_inputs(rng)
    out_dir = os.path.join(HERE, name)
    os.makedirs(out_dir, exist_ok=True)
    outs, onnx_model = export(model, inputs, os.path.join(out_dir, "model.onnx"), dims)
    save_set(out_dir, inputs, outs)
    for k, make_extra in enumerate(extra):
        more = make_extra(rng)
        save_set(os.path.join(out_dir, "sizes", str(k)), more, run(model, more))
    ops = sorted({n.op_type for n in onnx_model.graph.node})
    print(f"{name}: {os.path.getsize(os.path.join(out_dir, 'model.onnx'))} bytes, ops {ops}")


def bench_model(path, seq, chunk):
    """One SSD block at batch 1, 8 heads of 64, state 64 (Mamba-2's sizes per
    group), chunk `chunk`; its inputs are written beside it."""
    torch.manual_seed(0)
    inputs = ssd_inputs(np.random.default_rng(7), 1, seq, 8, 64, 64)
    export(SSDBlock(chunk, "einsum").eval(), inputs, path)
    for i, a in enumerate(inputs):
        np.save(f"{path}.input_{i}.npy", a)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="fixtures to write (default: all)")
    parser.add_argument("--bench-model", metavar="OUT.onnx", help="write one SSD block for benchmarks")
    parser.add_argument("--seq", type=int, default=1024, help="sequence length of --bench-model")
    parser.add_argument("--chunk", type=int, default=64, help="chunk size of --bench-model")
    args = parser.parse_args()
    if args.bench_model:
        if args.seq % args.chunk:
            sys.exit(f"--seq {args.seq} is not a multiple of --chunk {args.chunk}")
        bench_model(args.bench_model, args.seq, args.chunk)
        return
    for name in args.names or MODELS:
        generate(name)


if __name__ == "__main__":
    main()
