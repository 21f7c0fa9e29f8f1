#!/usr/bin/python3
"""fused.attention's visibility forms end to end, both lowerings against numpy.

The ONNX exports that fuse today carry their causal mask as a tensor; this
check writes `fused.attention` ops directly (a `.mlir` model, which
kiln-compile accepts) for the forms the fusion patterns and the ONNX
Attention importer produce: causal, sliding windows (left, right, both),
GQA/MQA, cross-attention (Sq != Sk, bottom-right aligned), different Q.K and
V head dims, additive and boolean masks, symbolic batch and lengths, f16.
Lengths are not multiples of the flash lowering's 64-row/64-key tiles, and
long enough that whole key blocks are skipped. Each case is compiled with
the tiled online softmax (default) and the reference decomposition
(--attention-lowering=reference), run with kiln-run and compared with a
numpy reference computed in float64. Last, key and value lengths that
contradict at run time must fail the run with the lowering's check.

Usage: flash_attention_check.py KILN_COMPILE KILN_RUN WORKDIR
"""
import os
import subprocess
import sys

import numpy as np

# name: (q shape, k shape, v shape, attributes, mask (shape, kind) or None,
#        element type, signature dims ('?' where symbolic), tolerance)
CASES = {
    "causal_gqa": ((2, 4, 100, 16), (2, 2, 100, 16), (2, 2, 100, 16),
                   dict(causal=True), None, "f32", None, 1e-4),
    "causal_window_left": ((1, 2, 200, 16), (1, 2, 200, 16), (1, 2, 200, 16),
                           dict(causal=True, window_left=37), None, "f32", None, 1e-4),
    "band_no_causal": ((1, 2, 150, 8), (1, 1, 150, 8), (1, 1, 150, 8),
                       dict(window_left=20, window_right=70), None, "f32", None, 1e-4),
    "cross_causal_mla_dims": ((1, 4, 70, 24), (1, 1, 200, 24), (1, 1, 200, 16),
                              dict(causal=True), None, "f32", None, 1e-4),
    "additive_mask": ((2, 2, 90, 16), (2, 2, 130, 16), (2, 2, 130, 16),
                      dict(), ((2, 1, 90, 130), "add"), "f32", None, 1e-4),
    "bool_mask_causal": ((1, 2, 90, 16), (1, 2, 90, 16), (1, 2, 90, 16),
                         dict(causal=True), ((90, 90), "bool"), "f32", None, 1e-4),
    "dynamic_causal": ((3, 4, 77, 16), (3, 2, 140, 16), (3, 2, 140, 8),
                       dict(causal=True, window_left=50), None, "f32",
                       (("?", 4, "?", 16), ("?", 2, "?", 16), ("?", 2, "?", 8)), 1e-4),
    "f16_causal": ((1, 2, 100, 16), (1, 2, 100, 16), (1, 2, 100, 16),
                   dict(causal=True), None, "f16", None, 2e-3),
}


def ttype(shape, element):
    return "tensor<" + "x".join(str(d) for d in shape) + "x" + element + ">"


def model_text(q, k, v, attrs, mask, element, dims):
    qd, kd, vd = dims or (q, k, v)
    out = (qd[0], qd[1], qd[2], vd[3])
    types = [ttype(qd, element), ttype(kd, element), ttype(vd, element)]
    args = ["%q: " + types[0], "%k: " + types[1], "%v: " + types[2]]
    mask_use, mask_type = "", ""
    if mask:
        mt = ttype(mask[0], "i1" if mask[1] == "bool" else element)
        args.append("%m: " + mt)
        mask_use, mask_type = " mask %m", ", " + mt
    # The destination's symbolic sizes come from the operands.
    sizes, lines = [], []
    for i, (d, src, axis) in enumerate([(out[0], "%q", 0), (out[2], "%q", 2)]):
        if d == "?":
            lines.append(f"  %c{axis} = arith.constant {axis} : index")
            lines.append(f"  %d{axis} = tensor.dim {src}, %c{axis} : {types[0]}")
            sizes.append(f"%d{axis}")
    attr = {"num_heads": q[1], "num_kv_heads": k[1], "scale": f"{1 / np.sqrt(q[3]):.8f} : f32"}
    for key, val in attrs.items():
        attr[key] = "true" if val is True else val
    attr_text = ", ".join(f"{key} = {val}" for key, val in attr.items())
    otype = ttype(out, element)
    return "\n".join([
        f"func.func @main({', '.join(args)}) -> {otype} {{",
        *lines,
        f"  %o = tensor.empty({', '.join(sizes)}) : {otype}",
        f"  %r = fused.attention ins(%q, %k, %v{mask_use} : {', '.join(types)}{mask_type}) "
        f"outs(%o : {otype}) {{{attr_text}}} -> {otype}",
        f"  return %r : {otype}",
        "}", ""])


def reference(q, k, v, attrs, mask, mask_kind):
    q, k, v = (x.astype(np.float64) for x in (q, k, v))
    b, h, sq, d = q.shape
    group = h // k.shape[1]
    k = np.repeat(k, group, axis=1)
    v = np.repeat(v, group, axis=1)
    sk = k.shape[2]
    s = np.einsum("bhid,bhjd->bhij", q, k) / np.sqrt(d)
    i = np.arange(sq)[:, None] + (sk - sq)
    j = np.arange(sk)[None, :]
    visible = np.ones((sq, sk), bool)
    if attrs.get("causal"):
        visible &= j <= i
    if attrs.get("window_left", -1) >= 0:
        visible &= j >= i - attrs["window_left"]
    if attrs.get("window_right", -1) >= 0:
        visible &= j <= i + attrs["window_right"]
    if mask is not None and mask_kind == "add":
        s = s + mask.astype(np.float64)
    if mask is not None and mask_kind == "bool":
        visible = visible & mask
    s = np.where(visible, s, -np.inf)
    p = np.exp(s - s.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    return np.einsum("bhij,bhje->bhie", p, v)


def check_contradiction(compile_, run, work, rng):
    """Key and value lengths that differ at run time: a kiln_status error
    naming the check, not an out-of-bounds read (flash lowering)."""
    qs, ks, vs = (1, 2, 70, 16), (1, 2, 50, 16), (1, 2, 40, 16)
    dims = ((1, 2, 70, 16), (1, 2, "?", 16), (1, 2, "?", 16))
    model = os.path.join(work, "contradiction.mlir")
    with open(model, "w") as f:
        f.write(model_text(qs, ks, vs, dict(causal=True), None, "f32", dims))
    args = []
    for n, shape in enumerate((qs, ks, vs)):
        path = os.path.join(work, f"contradiction_input_{n}.npy")
        np.save(path, rng.standard_normal(shape).astype(np.float32))
        args.append("--input=@" + path)
    pkg = os.path.join(work, "contradiction.kpkg")
    if subprocess.run([compile_, model, "-o", pkg]).returncode != 0:
        print("contradiction: kiln-compile failed", file=sys.stderr)
        return 1
    proc = subprocess.run([run, pkg, *args], capture_output=True, text=True)
    wanted = "contradict each other"
    if proc.returncode == 0 or wanted not in proc.stderr:
        print(f"contradiction: expected a failed run naming '{wanted}', got exit "
              f"{proc.returncode}: {proc.stderr.strip()}", file=sys.stderr)
        return 1
    print(f"contradiction: {proc.stderr.strip().splitlines()[-1]}")
    return 0


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    compile_, run, work = sys.argv[1:]
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(7)
    failures = 0
    for name, (qs, ks, vs, attrs, mask, element, dims, atol) in CASES.items():
        dtype = np.float16 if element == "f16" else np.float32
        q, k, v = (rng.standard_normal(s).astype(dtype) for s in (qs, ks, vs))
        inputs = [q, k, v]
        mask_value, mask_kind = None, None
        if mask:
            mask_kind = mask[1]
            if mask_kind == "add":
                mask_value = (rng.standard_normal(mask[0]) * 2).astype(dtype)
            else:
                # Random holes, but every query keeps its own key.
                mask_value = rng.random(mask[0]) < 0.7
                np.fill_diagonal(mask_value, True)
            inputs.append(mask_value)
        expected = reference(q, k, v, attrs, mask_value, mask_kind)
        model = os.path.join(work, name + ".mlir")
        with open(model, "w") as f:
            f.write(model_text(qs, ks, vs, attrs, mask, element, dims))
        args = []
        for n, x in enumerate(inputs):
            path = os.path.join(work, f"{name}_input_{n}.npy")
            np.save(path, x)
            args.append("--input=@" + path)
        for lowering in ("flash", "reference"):
            pkg = os.path.join(work, f"{name}.{lowering}.kpkg")
            out = os.path.join(work, f"{name}.{lowering}.out.npy")
            for path in (pkg, out):
                if os.path.exists(path):
                    os.remove(path)
            steps = [[compile_, model, "-o", pkg, f"--attention-lowering={lowering}"],
                     [run, pkg, *args, "--output=@" + out]]
            ok = all(subprocess.run(step).returncode == 0 for step in steps)
            if ok:
                actual = np.load(out).astype(np.float64)
                error = np.abs(actual - expected).max()
                ok = actual.shape == expected.shape and error <= atol
                print(f"{name} [{lowering}]: max abs error {error:.2e} (atol {atol})")
            if not ok:
                print(f"{name} [{lowering}]: FAIL", file=sys.stderr)
                failures += 1
    failures += check_contradiction(compile_, run, work, rng)
    if failures:
        sys.exit(f"flash_attention_check: {failures} failures")
    print(f"flash_attention_check: PASS ({len(CASES)} cases, 2 lowerings)")


if __name__ == "__main__":
    main()
