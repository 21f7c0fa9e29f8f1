"""MoE rows: a Mixtral-style sparse MoE block (softmax router, top-2,
renormalized weights, SwiGLU experts down(silu(gate(x)) * up(x)), hidden 128,
ffn 256, batch 1) at T = 64, 256, 512, 1024 tokens with 8 and 64 experts, exported
by PyTorch (opset 17) through test/e2e/generate_moe_fixtures.py
--bench-model (the `mixtral_loop` form: a Python loop over the experts, each
output weighted by the token's routing weight for it, zero when it is not
routed there).

As exported, the graph runs every expert on every token (the weights of the
unrouted ones are zero), so the unfused and ONNX Runtime columns do E / 2
times the expert work of the fused column: `kiln-fuse-moe` turns the block
into one fused.moe, whose lowering runs each token through its 2 chosen
experts only. The row checks that the fused package really holds a
fused.moe (`expect = "moe"`).
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GENERATOR = os.path.join(HERE, "..", "..", "test", "e2e", "generate_moe_fixtures.py")

TOKENS = [64, 256, 512, 1024]
EXPERTS = [8, 64]


def _generate(args):
    # The exporter's warnings are noise here; its output matters only on failure.
    proc = subprocess.run([sys.executable, GENERATOR, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"bench: {os.path.basename(GENERATOR)} {' '.join(args)} failed:\n{proc.stderr}")


def cases(work):
    """Yields (label, size, model path, [input .npy paths], kiln_only, expected fused kind)."""
    for experts in EXPERTS:
        for tokens in TOKENS:
            path = os.path.join(work, f"moe_e{experts}_t{tokens}.onnx")
            x = os.path.splitext(path)[0] + ".input_0.npy"
            if not (os.path.exists(path) and os.path.exists(x)):
                _generate(["--bench-model", path, "--tokens", str(tokens), "--experts", str(experts)])
            yield (f"moe {experts} experts top-2", tokens, path, [x], False, "moe")
