#!/usr/bin/python3
"""Generate kiln's mixture-of-experts e2e fixtures (PyTorch modules exported to ONNX, opset 17).

  generate_moe_fixtures.py [NAME ...]          write test/e2e/moe_<name>/ (all by default)
  generate_moe_fixtures.py --bench-model OUT.onnx --tokens N --experts E [--form F] [--hidden H] [--ffn F]
                                               write one benchmark model (no references); prints its input shape

Most routings assign tokens to experts with a dense mask or a scatter of the top-k weights (every expert
runs on every token); hf_mixtral is Hugging Face's MixtralSparseMoeBlock loop itself, which runs each
expert on its tokens only (torch.where(mask[e]), a gather, index_add_: NonZero and ScatterElements in
ONNX, with data-dependent sizes).
"""
import argparse
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = 17


class GatedExpert(nn.Module):
    """Mixtral/DeepSeek expert: down(act(gate(x)) * up(x)), no biases."""

    def __init__(self, hidden, ffn, act=F.silu):
        super().__init__()
        self.w1 = nn.Linear(hidden, ffn, bias=False)  # gate
        self.w3 = nn.Linear(hidden, ffn, bias=False)  # up
        self.w2 = nn.Linear(ffn, hidden, bias=False)  # down
        self.act = act

    def forward(self, x):
        return self.w2(self.act(self.w1(x)) * self.w3(x))


class PlainExpert(nn.Module):
    """Switch Transformer expert: wo(relu(wi(x))), with biases."""

    def __init__(self, hidden, ffn):
        super().__init__()
        self.wi = nn.Linear(hidden, ffn)
        self.wo = nn.Linear(ffn, hidden)

    def forward(self, x):
        return self.wo(F.relu(self.wi(x)))


class MixtralLoop(nn.Module):
    """Mixtral's sparse MoE block: softmax -> top-2 -> renormalize, then a Python loop over the experts,
    each weighting its output by the token's routing weight for it (zero when not routed there)."""

    def __init__(self, hidden=16, ffn=32, experts=4, top_k=2):
        super().__init__()
        self.e, self.k = experts, top_k
        self.gate = nn.Linear(hidden, experts, bias=False)
        self.experts = nn.ModuleList(GatedExpert(hidden, ffn) for _ in range(experts))

    def forward(self, x):
        b, s, h = x.shape
        x = x.view(-1, h)
        logits = self.gate(x)
        probs = F.softmax(logits, dim=1, dtype=torch.float)
        weights, selected = torch.topk(probs, self.k, dim=-1)
        weights = weights / weights.sum(dim=-1, keepdim=True)
        mask = F.one_hot(selected, num_classes=self.e)  # [T, k, E]
        out = torch.zeros_like(x)
        for e, expert in enumerate(self.experts):
            w = (weights * mask[:, :, e]).sum(dim=-1, keepdim=True)
            out = out + expert(x) * w
        return out.view(b, s, h)


class HFMixtralSparse(nn.Module):
    """transformers' MixtralSparseMoeBlock.forward as written there (without the library): softmax in
    float, top-2, renormalize, then per expert the tokens routed to it are gathered, run through the
    expert, weighted by their routing weight and index_add_-ed into the output."""

    def __init__(self, hidden=16, ffn=32, experts=4, top_k=2):
        super().__init__()
        self.num_experts, self.top_k = experts, top_k
        self.gate = nn.Linear(hidden, experts, bias=False)
        self.experts = nn.ModuleList(GatedExpert(hidden, ffn) for _ in range(experts))

    def forward(self, hidden_states):
        batch_size, sequence_length, hidden_dim = hidden_states.shape
        hidden_states = hidden_states.view(-1, hidden_dim)
        router_logits = self.gate(hidden_states)
        routing_weights = F.softmax(router_logits, dim=1, dtype=torch.float)
        routing_weights, selected_experts = torch.topk(routing_weights, self.top_k, dim=-1)
        routing_weights /= routing_weights.sum(dim=-1, keepdim=True)
        routing_weights = routing_weights.to(hidden_states.dtype)
        final_hidden_states = torch.zeros((batch_size * sequence_length, hidden_dim),
                                          dtype=hidden_states.dtype, device=hidden_states.device)
        expert_mask = F.one_hot(selected_experts, num_classes=self.num_experts).permute(2, 1, 0)
        for expert_idx in range(self.num_experts):
            expert_layer = self.experts[expert_idx]
            idx, top_x = torch.where(expert_mask[expert_idx])
            current_state = hidden_states[None, top_x].reshape(-1, hidden_dim)
            current_hidden_states = expert_layer(current_state) * routing_weights[top_x, idx, None]
            final_hidden_states.index_add_(0, top_x, current_hidden_states.to(hidden_states.dtype))
        return final_hidden_states.reshape(batch_size, sequence_length, hidden_dim)


class DenseMoE(nn.Module):
    """"All experts, then weighted sum": every expert runs on every token, the top-2 weights are
    scattered into a dense [T, E] matrix (zero where not routed) that weights the stacked outputs."""

    def __init__(self, hidden=16, ffn=32, experts=4, top_k=2):
        super().__init__()
        self.e, self.k = experts, top_k
        self.gate = nn.Linear(hidden, experts, bias=False)
        self.experts = nn.ModuleList(GatedExpert(hidden, ffn) for _ in range(experts))

    def forward(self, x):
        logits = self.gate(x)
        probs = F.softmax(logits, dim=-1)
        weights, selected = torch.topk(probs, self.k, dim=-1)
        weights = weights / weights.sum(dim=-1, keepdim=True)
        dense = torch.zeros_like(probs).scatter(1, selected, weights)  # [T, E]
        outs = torch.stack([expert(x) for expert in self.experts], dim=1)  # [T, E, H]
        return (outs * dense.unsqueeze(-1)).sum(dim=1)


class SwitchTop1(nn.Module):
    """Switch Transformer routing: softmax, top-1, the expert's output scaled by its probability
    (no renormalization), plain ReLU experts with biases."""

    def __init__(self, hidden=16, ffn=32, experts=4):
        super().__init__()
        self.e = experts
        self.router = nn.Linear(hidden, experts, bias=False)
        self.experts = nn.ModuleList(PlainExpert(hidden, ffn) for _ in range(experts))

    def forward(self, x):
        probs = F.softmax(self.router(x), dim=-1)
        weight, index = torch.topk(probs, 1, dim=-1)
        mask = F.one_hot(index, num_classes=self.e)  # [T, 1, E]
        out = torch.zeros_like(x)
        for e, expert in enumerate(self.experts):
            w = (weight * mask[:, :, e]).sum(dim=-1, keepdim=True)
            out = out + expert(x) * w
        return out


class DeepSeekMoE(nn.Module):
    """DeepSeek-V3: sigmoid scores, top-k chosen on scores + a per-expert bias (aux-loss-free balancing)
    but weighted by the unbiased scores, renormalized and scaled, plus an always-on shared expert."""

    def __init__(self, hidden=16, ffn=32, experts=8, top_k=2, scaling=2.5):
        super().__init__()
        self.e, self.k, self.scaling = experts, top_k, scaling
        self.gate = nn.Linear(hidden, experts, bias=False)
        self.register_buffer("e_score_correction_bias", torch.randn(experts) * 0.5)
        self.experts = nn.ModuleList(GatedExpert(hidden, ffn) for _ in range(experts))
        self.shared = GatedExpert(hidden, 2 * ffn)

    def forward(self, x):
        scores = torch.sigmoid(self.gate(x))
        _, selected = torch.topk(scores + self.e_score_correction_bias, self.k, dim=-1)
        weights = scores.gather(1, selected)
        weights = weights / weights.sum(dim=-1, keepdim=True) * self.scaling
        dense = torch.zeros_like(scores).scatter(1, selected, weights)
        out = torch.zeros_like(x)
        for e, expert in enumerate(self.experts):
            out = out + expert(x) * dense[:, e:e + 1]
        return out + self.shared(x)


class TopKSoftmaxGeGLU(nn.Module):
    """Mistral's reference MoE routing (top-k of the logits, then softmax over the k chosen logits),
    here with GeGLU experts (exact GELU)."""

    def __init__(self, hidden=16, ffn=32, experts=4, top_k=2):
        super().__init__()
        self.e, self.k = experts, top_k
        self.gate = nn.Linear(hidden, experts, bias=False)
        self.experts = nn.ModuleList(GatedExpert(hidden, ffn, act=F.gelu) for _ in range(experts))

    def forward(self, x):
        logits, selected = torch.topk(self.gate(x), self.k, dim=-1)
        weights = F.softmax(logits, dim=-1)
        mask = F.one_hot(selected, num_classes=self.e)
        out = torch.zeros_like(x)
        for e, expert in enumerate(self.experts):
            w = (weights * mask[:, :, e]).sum(dim=-1, keepdim=True)
            out = out + expert(x) * w
        return out


# name: (class, kwargs, input shape, symbolic dims of input_0). A fixture with
# symbolic dims is traced at other shapes (TRACE_SHAPES) and also holds input
# sets at more sizes (EXTRA_SHAPES, one of them 1 in every symbolic dim).
FIXTURES = {
    "mixtral_loop": (MixtralLoop, {}, (2, 6, 16), None),
    "dense": (DenseMoE, {}, (12, 16), None),
    "switch": (SwitchTop1, {}, (10, 16), None),
    "deepseek": (DeepSeekMoE, {}, (12, 16), None),
    "topk_softmax_geglu": (TopKSoftmaxGeGLU, {}, (9, 16), None),
    "mixtral_dynamic": (MixtralLoop, {}, (3, 5, 16), {0: "batch", 1: "seq"}),
    "deepseek_dynamic": (DeepSeekMoE, {}, (13, 16), {0: "tokens"}),
    "hf_mixtral": (HFMixtralSparse, {}, (3, 5, 16), {0: "batch", 1: "seq"}),
}
TRACE_SHAPES = {"mixtral_dynamic": (2, 4, 16), "deepseek_dynamic": (6, 16), "hf_mixtral": (2, 4, 16)}
EXTRA_SHAPES = {
    "mixtral_dynamic": [(1, 1, 16), (2, 9, 16)],
    "deepseek_dynamic": [(1, 16), (40, 16)],
    # One token leaves experts without tokens (empty NonZero results).
    "hf_mixtral": [(1, 1, 16), (2, 9, 16)],
}

BENCH_FORMS = {"mixtral_loop": MixtralLoop, "dense": DenseMoE}


def export(model, args, path, dynamic=None):
    torch.onnx.export(model, args, path, opset_version=OPSET, do_constant_folding=True,
                      input_names=[f"input_{i}" for i in range(len(args))], output_names=["output_0"],
                      dynamic_axes={"input_0": dynamic, "output_0": dynamic} if dynamic else None)
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    return m


def save_set(model, out_dir, shape):
    x = torch.randn(*shape)
    with torch.no_grad():
        y = model(x)
    os.makedirs(out_dir, exist_ok=True)
    np.save(os.path.join(out_dir, "input_0.npy"), x.numpy())
    np.save(os.path.join(out_dir, "expected_0.npy"), y.numpy())


def generate(name):
    cls, kwargs, shape, dynamic = FIXTURES[name]
    torch.manual_seed(1234)
    model = cls(**kwargs).eval()
    out_dir = os.path.join(HERE, "moe_" + name)
    os.makedirs(out_dir, exist_ok=True)
    trace = torch.randn(*TRACE_SHAPES.get(name, shape))
    m = export(model, (trace,), os.path.join(out_dir, "model.onnx"), dynamic)
    save_set(model, out_dir, shape)
    for k, extra in enumerate(EXTRA_SHAPES.get(name, [])):
        save_set(model, os.path.join(out_dir, "sizes", str(k)), extra)
    ops = sorted({n.op_type for n in m.graph.node})
    size = os.path.getsize(os.path.join(out_dir, "model.onnx"))
    print(f"moe_{name}: {size} bytes, opset {OPSET}, ops {', '.join(ops)}")


def bench_model(path, tokens, experts, form, hidden, ffn):
    torch.manual_seed(1234)
    model = BENCH_FORMS[form](hidden=hidden, ffn=ffn, experts=experts).eval()
    shape = (1, tokens, hidden) if form == "mixtral_loop" else (tokens, hidden)
    x = torch.randn(*shape)
    export(model, (x,), path)
    np.save(os.path.splitext(path)[0] + ".input_0.npy", x.numpy())
    print("x".join(map(str, shape)) + "xf32")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", choices=[[]] + list(FIXTURES), default=[])
    parser.add_argument("--bench-model", metavar="OUT.onnx")
    parser.add_argument("--tokens", type=int, default=64)
    parser.add_argument("--experts", type=int, default=8)
    parser.add_argument("--form", choices=list(BENCH_FORMS), default="mixtral_loop")
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--ffn", type=int, default=256)
    a = parser.parse_args()
    if a.bench_model:
        bench_model(a.bench_model, a.tokens, a.experts, a.form, a.hidden, a.ffn)
        return
    for name in a.names or FIXTURES:
        generate(name)


if __name__ == "__main__":
    sys.exit(main())
