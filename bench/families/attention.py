"""Attention rows: an HF-style self-attention block (8 heads, head dim 64,
batch 1) at S = 512 ... 4096, exported by PyTorch (opset 17).

- `attention`: bidirectional, no mask. It fuses into fused.attention with no
  mask operand, so the fused row's memory is the tiled lowering's alone.
- `attention causal`: the same block with Hugging Face's additive causal mask
  (a [S, S] `triu(finfo.min, 1)` buffer, a model constant). It fuses with
  that mask as an operand: the [S, S] mask is read (a constant of the model),
  but no scores are materialized.
- `causal flag (kiln only)`: fused.attention with causal = true written as a
  .mlir model (what the causal-mask fusion patterns and the ONNX Attention
  importer produce): the skipped key blocks show in the time. ONNX Runtime
  has no row here (the same computation is the `attention causal` row).
- `no mask (kiln only)`: the same op without causal, the baseline of the
  row above (every key block visited).
"""
import math
import os

import numpy as np

SIZES = [512, 1024, 2048, 4096]
HEADS, HEAD_DIM = 8, 64


def _export(path, seq, causal):
    import torch
    from torch import nn

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            hidden = HEADS * HEAD_DIM
            self.q, self.k, self.v, self.o = (nn.Linear(hidden, hidden) for _ in range(4))
            if causal:
                minimum = torch.finfo(torch.float32).min
                self.register_buffer("mask", torch.triu(torch.full((seq, seq), minimum), 1))

        def forward(self, x):
            b, s, c = x.shape
            split = lambda t: t.view(b, s, HEADS, HEAD_DIM).transpose(1, 2)
            q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
            scores = q @ k.transpose(-2, -1) / math.sqrt(HEAD_DIM)
            if causal:
                scores = scores + self.mask
            ctx = torch.softmax(scores, dim=-1) @ v
            return self.o(ctx.transpose(1, 2).reshape(b, s, c)) + x

    torch.manual_seed(0)
    with torch.no_grad():
        torch.onnx.export(Block().eval(), (torch.zeros(1, seq, HEADS * HEAD_DIM),), path,
                          opset_version=17, do_constant_folding=True,
                          input_names=["input_0"], output_names=["output_0"])


def _fused_mlir(path, seq, causal):
    t = f"tensor<1x{HEADS}x{seq}x{HEAD_DIM}xf32>"
    with open(path, "w") as f:
        f.write(f"""func.func @main(%q: {t}, %k: {t}, %v: {t}) -> {t} {{
  %o = tensor.empty() : {t}
  %r = fused.attention ins(%q, %k, %v : {t}, {t}, {t}) outs(%o : {t}) {{num_heads = {HEADS}, num_kv_heads = {HEADS}, scale = {1 / math.sqrt(HEAD_DIM)} : f32, causal = {'true' if causal else 'false'}}} -> {t}
  return %r : {t}
}}
""")


def cases(work):
    """Yields (label, size, model path, [input .npy paths], kiln_only[, expected fused kind])."""
    rng = np.random.default_rng(0)
    for seq in SIZES:
        x = os.path.join(work, f"x_{seq}.npy")
        np.save(x, rng.standard_normal((1, seq, HEADS * HEAD_DIM), dtype=np.float32))
        for causal in (False, True):
            name = f"attention{'_causal' if causal else ''}_{seq}.onnx"
            path = os.path.join(work, name)
            if not os.path.exists(path):
                _export(path, seq, causal)
            yield ("attention causal" if causal else "attention", seq, path, [x], False, "attention")
        qkv = []
        for n in range(3):
            p = os.path.join(work, f"qkv{n}_{seq}.npy")
            np.save(p, rng.standard_normal((1, HEADS, seq, HEAD_DIM), dtype=np.float32))
            qkv.append(p)
        for causal in (True, False):
            path = os.path.join(work, f"fused_{'causal' if causal else 'full'}_{seq}.mlir")
            _fused_mlir(path, seq, causal)
            yield ("causal flag (kiln only)" if causal else "no mask (kiln only)", seq, path, qkv, True)
