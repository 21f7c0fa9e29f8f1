#!/usr/bin/env python3
"""Mutated and truncated ONNX models must never crash kiln-compile.

Takes seed models, writes deterministic mutations of each (truncation at
many offsets, bit flips, overwritten byte runs, varint-style length
corruption) and compiles every one. Each run must end with exit status 0
(the mutation happened to stay a valid model) or 1 with a
"kiln-compile: error:" line: a signal (segfault, abort), another status,
a hang, or a silent failure fails the test and names the mutated file,
which is kept for reproduction.
"""
import argparse
import os
import random
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor


def mutations(data, rng, count):
    """Yields (label, bytes) pairs: truncations first, then random edits."""
    n = len(data)
    cuts = sorted({int(n * f) for f in (0.0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99)} |
                  {n - 1, n - 2, 1, 2, 3})
    for cut in cuts:
        if 0 <= cut < n:
            yield f"truncate@{cut}", data[:cut]
    for i in range(count):
        b = bytearray(data)
        kind = i % 4
        if kind == 0:  # flip a few bits
            for _ in range(rng.randint(1, 8)):
                pos = rng.randrange(n)
                b[pos] ^= 1 << rng.randrange(8)
            label = "bitflip"
        elif kind == 1:  # overwrite a run with random bytes
            pos = rng.randrange(n)
            for j in range(pos, min(n, pos + rng.randint(1, 16))):
                b[j] = rng.randrange(256)
            label = "overwrite"
        elif kind == 2:  # huge or broken length prefixes: bytes with the high bit
            for _ in range(rng.randint(1, 4)):
                pos = rng.randrange(n)
                b[pos] = rng.choice([0xff, 0x80, 0x7f, 0x00])
            label = "varint"
        else:  # duplicate or drop a chunk
            pos = rng.randrange(n)
            size = rng.randint(1, 64)
            if rng.random() < 0.5:
                b[pos:pos] = b[pos:pos + size]
                label = "duplicate"
            else:
                del b[pos:pos + size]
                label = "drop"
        yield f"{label}{i}", bytes(b)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--compile", required=True, help="kiln-compile")
    p.add_argument("--work", required=True, help="scratch directory")
    p.add_argument("--per-model", type=int, default=60,
                   help="random mutations per seed model")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("models", nargs="+")
    args = p.parse_args()
    os.makedirs(args.work, exist_ok=True)
    rng = random.Random(args.seed)

    cases = []
    for model in args.models:
        with open(model, "rb") as f:
            data = f.read()
        stem = os.path.basename(os.path.dirname(model)) or "model"
        for label, mutated in mutations(data, rng, args.per_model):
            path = os.path.join(args.work, f"{stem}.{label}.onnx")
            with open(path, "wb") as f:
                f.write(mutated)
            cases.append(path)

    def run(path):
        out = path + ".kpkg"
        try:
            r = subprocess.run([args.compile, path, "-o", out],
                               capture_output=True, text=True, timeout=60,
                               errors="replace")
        except subprocess.TimeoutExpired:
            return path, "hang (over 60 s)"
        if r.returncode == 0:
            return path, None
        if r.returncode == 1 and "kiln-compile: error:" in r.stderr:
            if os.path.exists(out):
                return path, "failed but left an output file"
            return path, None
        return path, (f"exit status {r.returncode}: "
                      f"{r.stderr.strip().splitlines()[-1:] or ['(no output)']}")

    with ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(run, cases))
    bad = [(path, why) for path, why in results if why]
    for path, why in bad:
        print(f"NOT HANDLED {path}: {why}")
    ok = len(results) - len(bad)
    print(f"robustness: {len(results)} mutated models, {ok} handled "
          f"(compiled or one error), {len(bad)} crashed, hung or failed silently")
    for path, why in results:
        if not why:
            os.remove(path)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
