#!/usr/bin/python3
"""Measures every row of kiln's benchmark table side by side and prints it.

Each family (bench/families/<name>.py) yields its rows as
(label, size, model path, [input .npy paths], kiln_only[, expected fused kind]).
For each row the driver runs, one after another on the same inputs and thread
count:
  - kiln fused:   kiln-compile MODEL; kiln-run --bench=N --threads=T
  - kiln unfused: the same with kiln-compile --fuse=none
  - ONNX Runtime: bench/ort_bench.js (CPU provider, same thread count)
each under /usr/bin/time -v, and reports the median time (kiln-run's and
ort_bench.js's median_ms=) and the process's peak resident set size.
kiln_only rows (.mlir models ONNX Runtime cannot read) get kiln fused only.

Every run saves its warm-up's outputs; `max|d|` is the largest absolute
difference of the fused outputs from ONNX Runtime's (from the unfused ones
where ONNX Runtime failed), and a row whose fused or unfused outputs differ
from the reference by more than TOLERANCE (relative to the reference's
largest magnitude) gets a warning and no fused/ORT ratio. A row with an
expected fused kind (`moe`, `ssd`, `attention`) compiles its fused column with
--report and warns when the package holds no such fused op.

Usage: driver.py --kiln-build DIR --work DIR --ort-modules DIR [--iterations N]
                 [--threads T] [--families a,b] [--sizes 512,1024] [--rows TEXT]
"""
import argparse
import importlib
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
FAMILIES = "attention,moe,ssd"
DEFAULT_ITERATIONS = 5
# f32 results of differently ordered sums: a few ulps of the largest value
# times the reduction lengths here (up to 4096) stay far below this.
TOLERANCE = 1e-3


def last_line(text):
    return (text.strip().splitlines() or ["?"])[-1]


def measure(cmd, env=None):
    """Runs cmd under /usr/bin/time -v: (median ms or None, peak RSS MiB, error)."""
    # time -v's report goes to its own file: the command's stderr keeps its
    # last line (the error) last.
    fd, timing = tempfile.mkstemp(prefix="kiln-bench-time-")
    os.close(fd)
    try:
        proc = subprocess.run(["/usr/bin/time", "-v", "-o", timing, *cmd], capture_output=True,
                              text=True, env=env)
        with open(timing) as f:
            stats = f.read()
    finally:
        os.unlink(timing)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stats)
    median = re.search(r"median_ms=([0-9.]+)", proc.stdout)
    if proc.returncode != 0 or not median:
        return None, None, last_line(proc.stderr or proc.stdout)
    return float(median.group(1)), int(rss.group(1)) / 1024 if rss else None, None


def output_count(model):
    if not model.endswith(".onnx"):
        return 0
    import onnx
    return len(onnx.load(model, load_external_data=False).graph.output)


def kiln(build, model, inputs, pkg, flags, iterations, threads, outputs):
    compile_ = subprocess.run([os.path.join(build, "bin", "kiln-compile"), model, "-o", pkg, *flags],
                              capture_output=True, text=True)
    if compile_.returncode != 0:
        return None, None, "compile: " + last_line(compile_.stderr)
    return measure([os.path.join(build, "bin", "kiln-run"), pkg,
                    *("--input=@" + i for i in inputs), *("--output=@" + o for o in outputs),
                    f"--bench={iterations}", f"--threads={threads}"])


def max_diff(outputs, reference):
    """(max abs difference, whether it is within TOLERANCE) of two lists of .npy files."""
    worst, ok = 0.0, True
    for o, r in zip(outputs, reference):
        a, b = np.load(o).astype(np.float64), np.load(r).astype(np.float64)
        if a.shape != b.shape:
            return float("inf"), False
        d = float(np.max(np.abs(a - b))) if a.size else 0.0
        if not np.isfinite(d):
            if not np.array_equal(a, b, equal_nan=True):
                return float("nan"), False  # a NaN or infinity where the other has none
            d = 0.0  # the same infinities / NaNs in both
        scale = max(1.0, float(np.max(np.abs(b[np.isfinite(b)]), initial=0.0)))
        worst, ok = max(worst, d), ok and d <= TOLERANCE * scale
    return worst, ok


def fused_count(report, kind):
    try:
        with open(report) as f:
            return json.load(f).get("counts", {}).get(kind, 0)
    except (OSError, ValueError):
        return None


def cell(result):
    ms, rss, error = result
    if error:
        return "failed", "-"
    return f"{ms:.1f}", f"{rss:.0f}" if rss is not None else "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kiln-build", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--ort-modules", required=True, help="node_modules holding onnxruntime-node")
    ap.add_argument("--iterations", type=int, default=None,
                    help=f"timed runs per cell (default: the family's ITERATIONS, else {DEFAULT_ITERATIONS})")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--families", default=FAMILIES)
    ap.add_argument("--sizes", default="", help="only these sizes (comma-separated)")
    ap.add_argument("--rows", default="", help="only rows whose label contains this")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    only = {int(s) for s in args.sizes.split(",") if s}
    env = dict(os.environ, NODE_PATH=args.ort_modules)

    header = ["family", "row", "size", "fused ms", "fused MiB", "unfused ms", "unfused MiB",
              "ORT ms", "ORT MiB", "fused/ORT", "max|d|", "note"]
    rows, errors, warnings, runs = [], [], [], {}
    for family in args.families.split(","):
        module = importlib.import_module(f"families.{family}")
        iterations = args.iterations or getattr(module, "ITERATIONS", DEFAULT_ITERATIONS)
        runs[family] = iterations
        work = os.path.join(args.work, family)
        os.makedirs(work, exist_ok=True)
        for label, size, model, inputs, kiln_only, *rest in module.cases(work):
            if (only and size not in only) or args.rows not in label:
                continue
            expect = rest[0] if rest else None
            stem = os.path.join(work, f"{label.replace(' ', '_').replace('(', '').replace(')', '')}_{size}")
            n_out = 0 if kiln_only else output_count(model)
            outs = {name: [f"{stem}.{name}.out{i}.npy" for i in range(n_out)]
                    for name in ("fused", "unfused", "ORT")}
            for paths in outs.values():
                for p in paths:
                    if os.path.exists(p):
                        os.unlink(p)
            report = stem + ".fused.report.json"
            fused = kiln(args.kiln_build, model, inputs, stem + ".fused.kpkg",
                         [f"--report={report}"] if expect else [], iterations, args.threads, outs["fused"])
            unfused = ort = (None, None, "n/a")
            if not kiln_only:
                unfused = kiln(args.kiln_build, model, inputs, stem + ".unfused.kpkg",
                               ["--fuse=none"], iterations, args.threads, outs["unfused"])
                ort = measure(["node", os.path.join(HERE, "ort_bench.js"), f"--save={stem}.ORT.out",
                               model, str(iterations), str(args.threads), *inputs], env=env)
            notes = []
            for name, result in (("fused", fused), ("unfused", unfused), ("ORT", ort)):
                if result[2] and result[2] != "n/a":
                    errors.append(f"{family} {label} {size} {name}: {result[2]}")
                    notes.append(f"{name} failed")
            if expect and not fused[2]:
                count = fused_count(report, expect)
                if not count:
                    notes.append(f"WARNING: no fused.{expect} in the fused package")
                    warnings.append(f"{family} {label} {size}: the fused package holds no fused.{expect} "
                                    f"(see {report}); its fused column is not the fused kernel")
            # The reference: ONNX Runtime, else kiln unfused.
            ref_name = "ORT" if not ort[2] else "unfused" if not unfused[2] else None
            diff, agree = "-", True
            if n_out and ref_name and not fused[2]:
                d, agree = max_diff(outs["fused"], outs[ref_name])
                diff = f"{d:.1e}" + ("" if ref_name == "ORT" else " (vs unfused)")
                if not agree:
                    notes.append(f"WARNING: fused output differs from {ref_name}")
                    warnings.append(f"{family} {label} {size}: fused outputs differ from {ref_name} by "
                                    f"{d:.3g} (tolerance {TOLERANCE} relative)")
            if n_out and ref_name == "ORT" and not unfused[2]:
                d, ok = max_diff(outs["unfused"], outs["ORT"])
                if not ok:
                    notes.append("WARNING: unfused output differs from ORT")
                    warnings.append(f"{family} {label} {size}: unfused outputs differ from ORT by {d:.3g}")
            ratio = f"{fused[0] / ort[0]:.2f}" if fused[0] and ort[0] and agree else "-"
            row = [family, label, str(size), *cell(fused),
                   *(cell(unfused) if not kiln_only else ("-", "-")),
                   *(cell(ort) if not kiln_only else ("-", "-")), ratio, diff, "; ".join(notes)]
            rows.append(row)
            print("  measured: " + " | ".join(row), file=sys.stderr, flush=True)

    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"
    counts = ", ".join(f"{f} {n}" for f, n in runs.items())
    print(f"kiln bench: median of N timed runs after a warm-up (N: {counts}), "
          f"{args.threads} thread(s) everywhere; MiB = peak resident set size of the process; "
          f"max|d| = largest |fused - ORT| over the outputs")
    print(line(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print(line(r))
    for w in warnings:
        print("WARNING: " + w)
    for e in errors:
        print("error: " + e)


if __name__ == "__main__":
    main()
