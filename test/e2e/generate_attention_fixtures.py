#!/usr/bin/python3
"""Generate the attention-family e2e fixtures: the forms of attention that
torch.onnx.export writes for Llama, Falcon, Mistral, ViT, Qwen-VL and
DeepSeek blocks, each with reference inputs and PyTorch's own outputs.

Usage: /usr/bin/python3 test/e2e/generate_attention_fixtures.py [NAME ...]

Each model is small (hidden 32..64, a few heads), seeded, exported at opset 17
with constant folding; a model with symbolic dims is traced at one size and
its references computed at others (sizes/<k>/), so one compiled package is
proven to serve them. test/Fusion/e2e-attention-forms.test checks that each
one fuses into the expected fused.attention instances.
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
NEG = torch.finfo(torch.float32).min


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Rope(nn.Module):
    """Llama-style rotary embedding, cos/sin computed from the positions
    0..s-1 of the run (as HF's position_ids path exports)."""

    def __init__(self, dim):
        super().__init__()
        self.register_buffer("inv", 1.0 / (10000 ** (torch.arange(0, dim, 2).float() / dim)))

    def forward(self, x, s):
        t = torch.arange(s, dtype=torch.float32)
        freqs = t[:, None] * self.inv[None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        return x * emb.cos() + rotate_half(x) * emb.sin()


def repeat_kv(x, n_rep):
    """Hugging Face's repeat_kv: [b, kvh, s, d] -> [b, kvh * n_rep, s, d]."""
    b, kvh, s, d = x.shape
    if n_rep == 1:
        return x
    x = x[:, :, None, :, :].expand(b, kvh, n_rep, s, d)
    return x.reshape(b, kvh * n_rep, s, d)


class LlamaGQA(nn.Module):
    """Llama block attention: RoPE, GQA through repeat_kv, a causal mask
    computed for the run's length (triu of a -inf fill: Trilu), scale after
    the matmul. Its projections, heads and output are shared by the Llama
    mask variants below."""

    def __init__(self, hidden=64, heads=4, kv_heads=2):
        super().__init__()
        self.h, self.kvh, self.d = heads, kv_heads, hidden // heads
        self.q = nn.Linear(hidden, heads * self.d, bias=False)
        self.k = nn.Linear(hidden, kv_heads * self.d, bias=False)
        self.v = nn.Linear(hidden, kv_heads * self.d, bias=False)
        self.o = nn.Linear(heads * self.d, hidden, bias=False)
        self.rope = Rope(self.d)

    def heads(self, x, b, s):
        """q, k, v as [b, heads, s, d]: RoPE on q and k, k and v repeated by
        repeat_kv (b, s: x's sizes, read once by the caller, as the export
        records each read)."""
        q = self.q(x).view(b, s, self.h, self.d).transpose(1, 2)
        k = self.k(x).view(b, s, self.kvh, self.d).transpose(1, 2)
        v = self.v(x).view(b, s, self.kvh, self.d).transpose(1, 2)
        q, k = self.rope(q, s), self.rope(k, s)
        k, v = repeat_kv(k, self.h // self.kvh), repeat_kv(v, self.h // self.kvh)
        return q, k, v

    def merge(self, p, v, x, b, s):
        """The probabilities times the values, heads merged, projected, plus
        the residual."""
        out = torch.matmul(p, v).transpose(1, 2).reshape(b, s, -1)
        return self.o(out) + x

    def forward(self, x):
        b, s, _ = x.shape
        q, k, v = self.heads(x, b, s)
        mask = torch.triu(torch.full((s, s), float("-inf")), diagonal=1)
        scores = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(self.d) + mask
        return self.merge(torch.softmax(scores, dim=-1), v, x, b, s)


class LlamaPadMask(LlamaGQA):
    """Llama attention fed an input padding mask [b, s] of 1/0: the causal
    triangle built the way HF's _make_causal_mask does (min-float fill,
    masked_fill where arange < arange + 1: a Where chain) plus the expanded
    padding mask; the scale applied to q and k before the matmul."""

    def __init__(self, hidden=64, heads=4, kv_heads=1):
        super().__init__(hidden, heads, kv_heads)

    def forward(self, x, attention_mask):
        b, s, _ = x.shape
        q, k, v = self.heads(x, b, s)
        causal = torch.full((s, s), NEG)
        cond = torch.arange(s)
        causal = causal.masked_fill(cond < (cond + 1).view(s, 1), 0.0)
        pad = (1.0 - attention_mask[:, None, None, :]) * NEG
        scale = self.d ** -0.25
        scores = torch.matmul(q * scale, (k * scale).transpose(2, 3)) + causal + pad
        return self.merge(torch.softmax(scores, dim=-1), v, x, b, s)


class LlamaExpandMask(LlamaGQA):
    """Llama attention with the [b, 1, q, k] mask built exactly as Hugging
    Face's _prepare_4d_causal_attention_mask (AttentionMaskConverter) does:
    the causal triangle of _make_causal_mask expanded to [b, 1, s, s], the
    [b, s] padding mask expanded over the queries and inverted by
    _expand_mask, and the two combined by masked_fill; GQA through
    repeat_kv, the scale after the matmul."""

    def __init__(self, hidden=64, heads=4, kv_heads=2):
        super().__init__(hidden, heads, kv_heads)

    def forward(self, x, attention_mask):
        b, s, _ = x.shape
        q, k, v = self.heads(x, b, s)
        # _make_causal_mask
        causal = torch.full((s, s), NEG)
        cond = torch.arange(causal.size(-1))
        causal = causal.masked_fill(cond < (cond + 1).view(causal.size(-1), 1), 0.0)
        causal_4d = causal[None, None, :, :].expand(b, 1, s, s)
        # _expand_mask
        expanded = attention_mask[:, None, None, :].expand(b, 1, s, s).to(torch.float32)
        inverted = 1.0 - expanded
        inverted = inverted.masked_fill(inverted.to(torch.bool), NEG)
        mask = causal_4d.masked_fill(inverted.bool(), NEG)
        scores = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(self.d) + mask
        return self.merge(torch.softmax(scores, dim=-1), v, x, b, s)


class FalconMQA(nn.Module):
    """Falcon-7B-style block: one shared layer norm feeding attention and the
    MLP in parallel; multi-query (one key/value head, broadcast by the
    matmul); a causal -inf triangle buffer; scale as a multiply."""

    def __init__(self, hidden=64, heads=4, seq=8):
        super().__init__()
        self.h, self.d = heads, hidden // heads
        self.ln = nn.LayerNorm(hidden)
        self.qkv = nn.Linear(hidden, hidden + 2 * self.d, bias=False)
        self.dense = nn.Linear(hidden, hidden, bias=False)
        self.up = nn.Linear(hidden, 2 * hidden, bias=False)
        self.down = nn.Linear(2 * hidden, hidden, bias=False)
        self.register_buffer("mask", torch.triu(torch.full((seq, seq), float("-inf")), 1))

    def forward(self, x):
        b, s, c = x.shape
        h = self.ln(x)
        qkv = self.qkv(h)
        q = qkv[..., :c].view(b, s, self.h, self.d).transpose(1, 2)
        k = qkv[..., c:c + self.d].view(b, s, 1, self.d).transpose(1, 2)
        v = qkv[..., c + self.d:].view(b, s, 1, self.d).transpose(1, 2)
        scores = (q @ k.transpose(-1, -2)) * (1.0 / math.sqrt(self.d)) + self.mask
        p = torch.softmax(scores, dim=-1)
        attn = (p @ v).transpose(1, 2).reshape(b, s, c)
        mlp = self.down(nn.functional.gelu(self.up(h)))
        return x + self.dense(attn) + mlp


class MistralSWA(nn.Module):
    """Mistral-style sliding-window attention: the mask built as HF's
    _make_sliding_window_causal_mask does (log of tril(triu(ones, -W))),
    folded to a constant 0/-inf band; GQA through repeat_kv."""

    def __init__(self, hidden=64, heads=4, kv_heads=2, seq=10, window=3):
        super().__init__()
        self.h, self.kvh, self.d = heads, kv_heads, hidden // heads
        self.q = nn.Linear(hidden, heads * self.d, bias=False)
        self.k = nn.Linear(hidden, kv_heads * self.d, bias=False)
        self.v = nn.Linear(hidden, kv_heads * self.d, bias=False)
        self.o = nn.Linear(heads * self.d, hidden, bias=False)
        band = torch.triu(torch.tril(torch.ones(seq, seq), 0), -window)
        self.register_buffer("mask", torch.log(band))

    def forward(self, x):
        b, s, _ = x.shape
        q = self.q(x).view(b, s, self.h, self.d).transpose(1, 2)
        k = self.k(x).view(b, s, self.kvh, self.d).transpose(1, 2)
        v = self.v(x).view(b, s, self.kvh, self.d).transpose(1, 2)
        k, v = repeat_kv(k, self.h // self.kvh), repeat_kv(v, self.h // self.kvh)
        scores = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(self.d)
        p = torch.softmax(scores + self.mask[None, None], dim=-1)
        out = torch.matmul(p, v).transpose(1, 2).reshape(b, s, -1)
        return self.o(out)


class ViT(nn.Module):
    """ViT encoder attention over [CLS] + patch tokens: bidirectional, fused
    qkv projection split by slicing, scale as a multiply."""

    def __init__(self, hidden=32, heads=4, patches=6):
        super().__init__()
        self.h, self.d = heads, hidden // heads
        self.patch = nn.Linear(12, hidden)
        self.cls = nn.Parameter(torch.randn(1, 1, hidden))
        self.pos = nn.Parameter(torch.randn(1, patches + 1, hidden) * 0.1)
        self.ln = nn.LayerNorm(hidden)
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.proj = nn.Linear(hidden, hidden)

    def forward(self, pixels):
        b = pixels.shape[0]
        x = torch.cat((self.cls.expand(b, -1, -1), self.patch(pixels)), dim=1) + self.pos
        n, c = x.shape[1], x.shape[2]
        qkv = self.qkv(self.ln(x)).reshape(b, n, 3, self.h, self.d).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        p = (q @ k.transpose(-2, -1) * self.d ** -0.5).softmax(dim=-1)
        out = (p @ v).transpose(1, 2).reshape(b, n, c)
        return x + self.proj(out)


class QwenResampler(nn.Module):
    """Qwen-VL's resampler: learned queries cross-attending over image
    tokens (Sq = queries != Sk = image tokens)."""

    def __init__(self, hidden=32, heads=4, queries=5, kv_dim=24):
        super().__init__()
        self.h, self.d = heads, hidden // heads
        self.query = nn.Parameter(torch.randn(queries, hidden))
        self.kv_proj = nn.Linear(kv_dim, hidden, bias=False)
        self.ln_q = nn.LayerNorm(hidden)
        self.ln_kv = nn.LayerNorm(hidden)
        self.q = nn.Linear(hidden, hidden)
        self.k = nn.Linear(hidden, hidden)
        self.v = nn.Linear(hidden, hidden)
        self.o = nn.Linear(hidden, hidden)

    def forward(self, image):
        b, n, _ = image.shape
        kv = self.ln_kv(self.kv_proj(image))
        q = self.ln_q(self.query).unsqueeze(0).expand(b, -1, -1)
        nq = q.shape[1]
        q = self.q(q).view(b, nq, self.h, self.d).transpose(1, 2)
        k = self.k(kv).view(b, n, self.h, self.d).transpose(1, 2)
        v = self.v(kv).view(b, n, self.h, self.d).transpose(1, 2)
        p = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(self.d), dim=-1)
        return self.o((p @ v).transpose(1, 2).reshape(b, nq, -1))


class DeepSeekMLA(nn.Module):
    """DeepSeek-V2-style multi-head latent attention: low-rank q and kv,
    each query/key head = [nope | rope] (24 dims), the key's RoPE part
    computed once and shared across heads (Expand, then Concat), values of
    head dim 16 (!= 24); causal -inf triangle for the run's length."""

    def __init__(self, hidden=64, heads=4, nope=16, rope=8, v_dim=16, rank=24):
        super().__init__()
        self.h, self.nope, self.rope_d, self.v_dim = heads, nope, rope, v_dim
        self.q_a = nn.Linear(hidden, rank, bias=False)
        self.q_b = nn.Linear(rank, heads * (nope + rope), bias=False)
        self.kv_a = nn.Linear(hidden, rank + rope, bias=False)
        self.kv_norm = nn.LayerNorm(rank)
        self.kv_b = nn.Linear(rank, heads * (nope + v_dim), bias=False)
        self.o = nn.Linear(heads * v_dim, hidden, bias=False)
        self.rope = Rope(rope)
        self.rank = rank

    def forward(self, x):
        b, s, _ = x.shape
        q = self.q_b(self.q_a(x)).view(b, s, self.h, self.nope + self.rope_d).transpose(1, 2)
        q_nope, q_pe = q[..., :self.nope], q[..., self.nope:]
        ckv = self.kv_a(x)
        c, k_pe = ckv[..., :self.rank], ckv[..., self.rank:]
        k_pe = k_pe.view(b, s, 1, self.rope_d).transpose(1, 2)
        kv = self.kv_b(self.kv_norm(c)).view(b, s, self.h, self.nope + self.v_dim).transpose(1, 2)
        k_nope, v = kv[..., :self.nope], kv[..., self.nope:]
        q_pe, k_pe = self.rope(q_pe, s), self.rope(k_pe, s)
        q = torch.cat((q_nope, q_pe), dim=-1)
        k = torch.cat((k_nope, k_pe.expand(b, self.h, s, self.rope_d)), dim=-1)
        mask = torch.triu(torch.full((s, s), float("-inf")), diagonal=1)
        scores = torch.matmul(q, k.transpose(2, 3)) * (self.nope + self.rope_d) ** -0.5 + mask
        p = torch.softmax(scores, dim=-1)
        out = torch.matmul(p, v).transpose(1, 2).reshape(b, s, -1)
        return self.o(out)


def pad_mask(b, s, rng):
    """1 for real tokens, 0 for right padding (the first token always real,
    so no query row loses every key)."""
    m = np.ones((b, s), dtype=np.float32)
    for i in range(b):
        m[i, rng.integers(1, s + 1):] = 0.0
    return m


# name: (model class, inputs at the traced size, dynamic axes, extra sizes).
# Inputs are (shape) for a normal tensor or ("mask", b, s) for a padding mask.
BS = {0: "batch", 1: "seq"}
MODELS = {
    "attn_llama_gqa": (LlamaGQA, [(2, 8, 64)], {"input_0": BS},
                       [[(1, 1, 64)], [(3, 5, 64)]]),
    "attn_llama_padmask": (LlamaPadMask, [(2, 7, 64), ("mask", 2, 7)],
                           {"input_0": BS, "input_1": BS},
                           [[(1, 3, 64), ("mask", 1, 3)], [(3, 9, 64), ("mask", 3, 9)]]),
    "attn_llama_expandmask": (LlamaExpandMask, [(2, 7, 64), ("mask", 2, 7)],
                              {"input_0": BS, "input_1": BS},
                              [[(1, 1, 64), ("mask", 1, 1)], [(3, 9, 64), ("mask", 3, 9)]]),
    "attn_falcon_mqa": (FalconMQA, [(2, 8, 64)], {"input_0": {0: "batch"}}, [[(1, 8, 64)]]),
    "attn_mistral_swa": (MistralSWA, [(2, 10, 64)], {"input_0": {0: "batch"}}, [[(1, 10, 64)]]),
    "attn_vit": (ViT, [(2, 6, 12)], {"input_0": {0: "batch"}}, [[(1, 6, 12)], [(3, 6, 12)]]),
    "attn_qwen_resampler": (QwenResampler, [(2, 9, 24)], {"input_0": {0: "batch", 1: "tokens"}},
                            [[(1, 1, 24)], [(3, 4, 24)]]),
    "attn_deepseek_mla": (DeepSeekMLA, [(2, 6, 64)], {"input_0": BS}, [[(1, 1, 64)], [(2, 11, 64)]]),
}


def make_inputs(specs, rng):
    out = []
    for spec in specs:
        if spec[0] == "mask":
            out.append(pad_mask(spec[1], spec[2], rng))
        else:
            out.append(rng.standard_normal(spec, dtype=np.float32))
    return out


def save_set(model, inputs, directory):
    os.makedirs(directory, exist_ok=True)
    with torch.no_grad():
        outs = model(*(torch.from_numpy(a) for a in inputs))
    outs = outs if isinstance(outs, (tuple, list)) else (outs,)
    for i, a in enumerate(inputs):
        np.save(os.path.join(directory, f"input_{i}.npy"), a)
    for i, t in enumerate(outs):
        np.save(os.path.join(directory, f"expected_{i}.npy"), t.numpy().astype(np.float32))
    return len(outs)


def generate(name, cls, specs, dynamic_axes, extra):
    torch.manual_seed(0)
    model = cls().eval()
    rng = np.random.default_rng(1234)
    out_dir = os.path.join(HERE, name)
    inputs = make_inputs(specs, rng)
    n_out = save_set(model, inputs, out_dir)
    path = os.path.join(out_dir, "model.onnx")
    with torch.no_grad():
        torch.onnx.export(model, tuple(torch.from_numpy(a) for a in inputs), path,
                          opset_version=OPSET, do_constant_folding=True,
                          input_names=[f"input_{i}" for i in range(len(inputs))],
                          output_names=[f"output_{i}" for i in range(n_out)],
                          dynamic_axes=dynamic_axes)
    for k, shapes in enumerate(extra):
        save_set(model, make_inputs(shapes, rng), os.path.join(out_dir, "sizes", str(k)))
    onnx_model = onnx.load(path)
    onnx.checker.check_model(onnx_model, full_check=True)
    ops = sorted({n.op_type for n in onnx_model.graph.node})
    print(f"{name}: {os.path.getsize(path)} bytes, opset {onnx_model.opset_import[0].version}, ops {ops}")


def main(names):
    for name in names or MODELS:
        generate(name, *MODELS[name])


if __name__ == "__main__":
    main(sys.argv[1:])
