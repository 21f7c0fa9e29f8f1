#!/usr/bin/python3
"""Measures every row of kiln's benchmark table side by side and prints it.

Each family (bench/families/<name>.py) yields its rows as
(label, size, model path, [input .npy paths], kiln_only). For each row the
driver runs, one after another on the same inputs and thread count:
  - kiln fused:   kiln-compile MODEL; kiln-run --bench=N --threads=T
  - kiln unfused: the same with kiln-compile --fuse=none
  - ONNX Runtime: bench/ort_bench.js (CPU provider, same thread count)
each under /usr/bin/time -v, and reports the median time (kiln-run's and
ort_bench.js's median_ms=) and the process's peak resident set size.
kiln_only rows (.mlir models ONNX Runtime cannot read) get kiln fused only.

Usage: driver.py --kiln-build DIR --work DIR --ort-modules DIR [--iterations N]
                 [--threads T] [--families a,b] [--sizes 512,1024] [--rows TEXT]
"""
import argparse
import importlib
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def measure(cmd, env=None):
    """Runs cmd under /usr/bin/time -v: (median ms or None, peak RSS MiB, error)."""
    proc = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True, env=env)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    median = re.search(r"median_ms=([0-9.]+)", proc.stdout)
    if proc.returncode != 0 or not median:
        tail = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return None, None, tail
    return float(median.group(1)), int(rss.group(1)) / 1024 if rss else None, None


def kiln(build, model, inputs, pkg, flags, iterations, threads):
    compile_ = subprocess.run([os.path.join(build, "bin", "kiln-compile"), model, "-o", pkg, *flags],
                              capture_output=True, text=True)
    if compile_.returncode != 0:
        return None, None, compile_.stderr.strip().splitlines()[-1]
    return measure([os.path.join(build, "bin", "kiln-run"), pkg,
                    *("--input=@" + i for i in inputs),
                    f"--bench={iterations}", f"--threads={threads}"])


def cell(result):
    ms, rss, error = result
    if error:
        return "error", "-"
    return f"{ms:.1f}", f"{rss:.0f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kiln-build", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--ort-modules", required=True, help="node_modules holding onnxruntime-node")
    ap.add_argument("--iterations", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--families", default="attention")
    ap.add_argument("--sizes", default="", help="only these sizes (comma-separated)")
    ap.add_argument("--rows", default="", help="only rows whose label contains this")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    only = {int(s) for s in args.sizes.split(",") if s}
    env = dict(os.environ, NODE_PATH=args.ort_modules)

    header = ["family", "row", "size", "fused ms", "fused MiB", "unfused ms", "unfused MiB",
              "ORT ms", "ORT MiB", "fused/ORT"]
    rows, errors = [], []
    for family in args.families.split(","):
        module = importlib.import_module(f"families.{family}")
        work = os.path.join(args.work, family)
        os.makedirs(work, exist_ok=True)
        for label, size, model, inputs, kiln_only in module.cases(work):
            if (only and size not in only) or args.rows not in label:
                continue
            stem = os.path.join(work, f"{label.replace(' ', '_').replace('(', '').replace(')', '')}_{size}")
            fused = kiln(args.kiln_build, model, inputs, stem + ".fused.kpkg", [],
                         args.iterations, args.threads)
            unfused = ort = (None, None, "n/a")
            if not kiln_only:
                unfused = kiln(args.kiln_build, model, inputs, stem + ".unfused.kpkg",
                               ["--fuse=none"], args.iterations, args.threads)
                ort = measure(["node", os.path.join(HERE, "ort_bench.js"), model,
                               str(args.iterations), str(args.threads), *inputs], env=env)
            for name, result in (("fused", fused), ("unfused", unfused), ("ORT", ort)):
                if result[2] and result[2] != "n/a":
                    errors.append(f"{label} {size} {name}: {result[2]}")
            ratio = (f"{fused[0] / ort[0]:.2f}" if fused[0] and ort[0] else "-")
            row = [family, label, str(size), *cell(fused),
                   *(cell(unfused) if not kiln_only else ("-", "-")),
                   *(cell(ort) if not kiln_only else ("-", "-")), ratio]
            rows.append(row)
            print("  measured: " + " | ".join(row), file=sys.stderr, flush=True)

    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"
    print(f"kiln bench: median of {args.iterations} runs after a warm-up, "
          f"{args.threads} thread(s) everywhere; MiB = peak resident set size of the process")
    print(line(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print(line(r))
    for e in errors:
        print("error: " + e)


if __name__ == "__main__":
    main()
