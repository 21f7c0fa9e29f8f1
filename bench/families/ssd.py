"""SSD rows: one Mamba-2 SSD scan, the paper's ssd_minimal_discrete ("Transformers
are SSMs", Dao & Gu 2024) exported by PyTorch (opset 17) through
test/e2e/generate_ssd_fixtures.py --bench-model: batch 1, 8 heads of
dimension 64, state 64, chunk 64, at S = 256 ... 4096. Inputs X, A (the log
decay), B, C; outputs Y and the final state.

`kiln-fuse-ssd` turns the exported einsums, segment sums and exps into one
fused.ssd, lowered chunk by chunk. The work of the algorithm is linear in S
(S / 64 chunks of fixed cost; only the chunk-to-chunk decay matrix is
quadratic, in S / 64), in every column: the unfused graph runs the same
einsums, one after another, with their intermediates in memory. The row
checks that the fused package really holds a fused.ssd (`expect = "ssd"`).
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GENERATOR = os.path.join(HERE, "..", "..", "test", "e2e", "generate_ssd_fixtures.py")

SIZES = [256, 1024, 4096]
# One unfused run at S = 4096 takes about 25 s on one core: 3 timed runs
# (and the warm-up) keep the family at a few minutes. --iterations overrides.
ITERATIONS = 3


def _generate(args):
    # The exporter's warnings are noise here; its output matters only on failure.
    proc = subprocess.run([sys.executable, GENERATOR, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"bench: {os.path.basename(GENERATOR)} {' '.join(args)} failed:\n{proc.stderr}")


def cases(work):
    """Yields (label, size, model path, [input .npy paths], kiln_only, expected fused kind)."""
    for seq in SIZES:
        path = os.path.join(work, f"ssd_{seq}.onnx")
        inputs = [f"{path}.input_{i}.npy" for i in range(4)]
        if not all(os.path.exists(p) for p in [path, *inputs]):
            _generate(["--bench-model", path, "--seq", str(seq)])
        yield ("ssd", seq, path, inputs, False, "ssd")
