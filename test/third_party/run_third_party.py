#!/usr/bin/python3
"""Compiles each third-party model (scripts/fetch-third-party-models.sh) with
kiln and compares it with ONNX Runtime's CPU provider on the same random
inputs, at several sizes of the dynamic dims, within 1e-3 (absolute, or
relative for outputs larger than 1). Models that kiln is known not to
import must still fail, with the recorded reason (test/third_party/README.md).

Exits 77 (ctest: skipped) when the models or onnxruntime-node are not
fetched.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
TOLERANCE = 1e-3


def image(*shape):
    return ("f4", shape, "normal")


# name -> list of input sets (one (dtype, shape, kind) per model input, in
# order), or the regex of the error kiln reports.
MODELS = {
    # paddle2onnx, opset 11, dynamic batch, height and width.
    "ppocr_v4_det": [[image(1, 3, 64, 96)], [image(2, 3, 96, 64)]],
    # paddle2onnx, opset 9, dynamic batch and width.
    "ppocr_v4_rec": [[image(1, 3, 48, 160)], [image(2, 3, 48, 96)]],
    # paddle2onnx, opset 9, dynamic batch, height and width.
    "ppocr_mobile_v2_cls": [[image(1, 3, 48, 192)], [image(3, 3, 48, 100)]],
    # torch.onnx 2.8, opset 13, static.
    "openwakeword_hello_deepa": [[image(1, 25, 96)]],
    # torch.onnx 1.11, opset 13, dynamic batch and samples (an STFT as
    # convolutions).
    "oww_melspectrogram": [[image(1, 1280)], [image(3, 2000)]],
    # tf2onnx 1.12, opset 13, dynamic batch.
    "oww_embedding": [[image(1, 76, 32, 1)], [image(2, 76, 32, 1)]],
    # torch.onnx 1.12, opset 13, static: a verifier head runs only when the
    # first head's score passes a threshold (an If on a computed value).
    "oww_hey_jarvis": r"node 'If_32' \(If\): the condition is computed at run time",
    # torch.onnx 1.12 and spox, opset 16: the sample rate is a graph input
    # that an If tests at run time (and the bodies hold LSTM cells).
    "silero_vad_legacy": r"node 'If_25' \(If\): the condition is computed at run time",
    "silero_vad_v5": r"node 'If_0' \(If\): the condition is computed at run time",
}


def make_input(rng, dtype, shape, kind):
    if kind == "normal":
        return rng.standard_normal(shape).astype(dtype)
    raise ValueError(kind)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def compare(actual, expected):
    """(problem or None, the largest error)."""
    if actual.shape != expected.shape:
        return f"shape {actual.shape}, ONNX Runtime {expected.shape}", None
    if actual.dtype != expected.dtype:
        return f"dtype {actual.dtype}, ONNX Runtime {expected.dtype}", None
    if actual.size == 0:
        return None, 0.0
    a = actual.astype(np.float64)
    e = expected.astype(np.float64)
    if (np.isnan(a) != np.isnan(e)).any():
        return "NaNs differ", None
    err = np.abs(a - e) / np.maximum(1.0, np.abs(e))
    worst = float(np.nanmax(err))
    if worst > TOLERANCE:
        return f"max error {worst:.3g} > {TOLERANCE}", worst
    return None, worst


def check_model(name, spec, args, work):
    model = os.path.join(args.cache, "models", name + ".onnx")
    pkg = os.path.join(work, name + ".kpkg")
    compiled = run([args.compile, model, "-o", pkg])
    if isinstance(spec, str):
        if compiled.returncode == 0:
            return False, "compiles now: make it a comparison, update README.md"
        if not re.search(spec, compiled.stderr):
            return False, "fails differently: " + compiled.stderr.strip()
        return True, "unsupported, as recorded: " + compiled.stderr.strip()
    if compiled.returncode != 0:
        return False, "kiln-compile failed: " + compiled.stderr.strip()
    rng = np.random.default_rng(sum(map(ord, name)))
    notes, worst = [], 0.0
    for k, inputs in enumerate(spec):
        set_dir = os.path.join(work, f"{name}.{k}")
        os.makedirs(set_dir, exist_ok=True)
        files = []
        for i, (dtype, shape, kind) in enumerate(inputs):
            path = os.path.join(set_dir, f"input_{i}.npy")
            np.save(path, make_input(rng, dtype, shape, kind))
            files.append(path)
        ref_dir = os.path.join(set_dir, "ort")
        env = dict(os.environ, NODE_PATH=args.node_path)
        ref = run([args.node, os.path.join(HERE, "ort_run.js"), model, ref_dir]
                  + files, env=env)
        if ref.returncode != 0:
            return False, f"set {k}: ONNX Runtime failed: {ref.stderr.strip()}"
        n_out = len([f for f in os.listdir(ref_dir) if f.startswith("out_")])
        outs = [os.path.join(set_dir, f"kiln_{i}.npy") for i in range(n_out)]
        ran = run([args.run, pkg] + ["--input=@" + f for f in files]
                  + ["--output=@" + f for f in outs])
        if ran.returncode != 0:
            return False, f"set {k}: kiln-run failed: {ran.stderr.strip()}"
        for i, out in enumerate(outs):
            problem, err = compare(
                np.load(out), np.load(os.path.join(ref_dir, f"out_{i}.npy")))
            if problem:
                return False, f"set {k} {[s for _, s, _ in inputs]}: output {i}: {problem}"
            worst = max(worst, err)
        notes.append("x".join(map(str, inputs[0][1])))
    return True, (f"matches ONNX Runtime at {', '.join(notes)} (max error "
                  f"{worst:.2g})")


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--cache", required=True)
    p.add_argument("--compile", required=True)
    p.add_argument("--run", required=True)
    p.add_argument("--node", default="node")
    p.add_argument("--work", default=None)
    p.add_argument("names", nargs="*")
    args = p.parse_args()
    args.node_path = os.path.join(args.cache, "ort", "node_modules")
    missing = [n for n in MODELS
               if not os.path.isfile(os.path.join(args.cache, "models", n + ".onnx"))]
    if missing or not os.path.isdir(os.path.join(args.node_path, "onnxruntime-node")):
        print(f"third-party models not fetched into {args.cache} (missing: "
              f"{', '.join(missing) or 'onnxruntime-node'}); run "
              "scripts/fetch-third-party-models.sh to enable this test")
        return 77
    work = args.work or tempfile.mkdtemp(prefix="kiln-third-party-")
    os.makedirs(work, exist_ok=True)
    failed = 0
    for name in args.names or MODELS:
        ok, note = check_model(name, MODELS[name], args, work)
        failed += not ok
        print(f"{'PASS' if ok else 'FAIL'} {name}: {note}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
