#!/usr/bin/python3
"""Runs the ONNX backend test suite (Debian's libonnx-testdata) through kiln's real compile-and-run path.

Every test directory under DATA/{node,pytorch-converted,pytorch-operator,simple}
is compiled with kiln-compile, run with kiln-run on each test_data_set_*, and
every output compared with the reference by kiln_tensor_compare. Each test
ends as one of:
  pass         every data set's every output within tolerance
  fail         compiled, but a run failed or an output differs
  unsupported  kiln-compile refused the model with a diagnostic (exit 1)
  crash        a tool died (signal, or an exit status other than 0/1)
  timeout      a tool ran past its time limit
A summary (per test, per directory, per op) is written to --summary (text)
and --summary-json. With --expected, every listed test must pass (exit 1
otherwise) and tests that pass but are not listed are reported as new.
"""
import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import time

# The tolerances, stated once: |actual - expected| <= ATOL + RTOL * |expected|.
RTOL = 1e-3
ATOL = 1e-5
# Tests that need more, with the reason.
# ONNX 1.12 made its float -> bfloat16 references by truncating the float's
# bits; kiln rounds to nearest even (as later ONNX references do). The two
# differ by at most one bf16 ulp, 2^-7 relative to the value.
BF16_ONE_ULP = (2.0 ** -7, 0.0)
TOLERANCE_OVERRIDES = {
    "node/test_cast_FLOAT_to_BFLOAT16": BF16_ONE_ULP,
    "node/test_castlike_FLOAT_to_BFLOAT16": BF16_ONE_ULP,
    "node/test_castlike_FLOAT_to_BFLOAT16_expanded": BF16_ONE_ULP,
}

SUITES = ["node", "pytorch-converted", "pytorch-operator", "simple"]
COMPILE_TIMEOUT_S = 120
RUN_TIMEOUT_S = 60


def varint(buf, i):
    shift = value = 0
    while True:
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, i


def fields(buf):
    """(field number, wire type, value) of a protobuf message; LEN values as bytes."""
    i = 0
    while i < len(buf):
        key, i = varint(buf, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(buf, i)
        elif wire == 1:
            value, i = buf[i:i + 8], i + 8
        elif wire == 2:
            n, i = varint(buf, i)
            value, i = buf[i:i + n], i + n
        elif wire == 5:
            value, i = buf[i:i + 4], i + 4
        else:
            return
        yield num, wire, value


def op_types(model_path):
    """The op types of a model's main graph (ModelProto.graph=7, GraphProto.node=1, NodeProto.op_type=4)."""
    try:
        with open(model_path, "rb") as f:
            buf = f.read()
        ops = []
        for num, wire, graph in fields(buf):
            if num == 7 and wire == 2:
                for n2, w2, node in fields(graph):
                    if n2 == 1 and w2 == 2:
                        for n3, w3, v in fields(node):
                            if n3 == 4 and w3 == 2:
                                ops.append(v.decode("utf-8", "replace"))
        return sorted(set(ops))
    except (OSError, IndexError):
        return []


# TensorProto.DataType values the data quirks below deal with.
UINT16 = 4
BFLOAT16 = 16


def encode_varint(value):
    out = bytearray()
    while True:
        b = value & 0x7F
        value >>= 7
        if value:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def encode_field(num, wire, value):
    key = encode_varint(num << 3 | wire)
    if wire == 0:
        return key + encode_varint(value)
    if wire == 2:
        return key + encode_varint(len(value)) + value
    return key + value


def declared_tensor_types(model_path):
    """{name: (elem_type, dims)} of the main graph's inputs (GraphProto.input=11)
    and outputs (output=12): ValueInfoProto name=1, type=2; TypeProto
    tensor_type=1; Tensor elem_type=1, shape=2; Dimension dim_value=1."""
    declared = {}
    try:
        with open(model_path, "rb") as f:
            buf = f.read()
        for num, wire, graph in fields(buf):
            if num != 7 or wire != 2:
                continue
            for n2, w2, info in fields(graph):
                if n2 not in (11, 12) or w2 != 2:
                    continue
                name, elem, dims = None, 0, None
                for n3, w3, v in fields(info):
                    if n3 == 1 and w3 == 2:
                        name = v.decode("utf-8", "replace")
                    elif n3 == 2 and w3 == 2:
                        for n4, w4, tensor in fields(v):
                            if n4 != 1 or w4 != 2:
                                continue
                            for n5, w5, v5 in fields(tensor):
                                if n5 == 1 and w5 == 0:
                                    elem = v5
                                elif n5 == 2 and w5 == 2:
                                    dims = []
                                    for n6, w6, dim in fields(v5):
                                        if n6 == 1 and w6 == 2:
                                            sizes = [v7 for n7, w7, v7 in fields(dim) if n7 == 1 and w7 == 0]
                                            dims.append(sizes[0] if sizes else None)
                if name is not None:
                    declared[name] = (elem, dims)
    except (OSError, IndexError):
        pass
    return declared


def graph_io_names(model_path, field_number):
    """Names of the main graph's inputs (11) or outputs (12), in order."""
    names = []
    try:
        with open(model_path, "rb") as f:
            buf = f.read()
        for num, wire, graph in fields(buf):
            if num == 7 and wire == 2:
                for n2, w2, info in fields(graph):
                    if n2 == field_number and w2 == 2:
                        names += [v.decode("utf-8", "replace") for n3, w3, v in fields(info) if n3 == 1 and w3 == 2]
    except (OSError, IndexError):
        pass
    return names


def tensor_data_type(path):
    """TensorProto.data_type (field 2) of a .pb file."""
    with open(path, "rb") as f:
        buf = f.read()
    return next((v for num, wire, v in fields(buf) if num == 2 and wire == 0), 0)


def retype_tensor(src, dst, data_type, repeat_to=None):
    """Copies the TensorProto `src` to `dst` with data_type replaced (the bits
    stay: UINT16 and BFLOAT16 share raw_data and int32_data layouts). With
    `repeat_to` (a shape), a one-element raw_data tensor is repeated to it."""
    with open(src, "rb") as f:
        buf = f.read()
    out = b""
    for num, wire, value in fields(buf):
        if num == 2 and wire == 0:
            value = data_type
        if repeat_to is not None and num == 1:
            continue  # dims, rewritten below
        if repeat_to is not None and num == 9 and wire == 2:
            count = 1
            for d in repeat_to:
                count *= d
            value = value * count
        out += encode_field(num, wire, value)
    if repeat_to is not None:
        out = b"".join(encode_field(1, 0, d) for d in repeat_to) + out
    with open(dst, "wb") as f:
        f.write(out)


# A data quirk of ONNX 1.12 (see README.md): its bfloat16 Cast/CastLike tests
# store every bf16 tensor as a UINT16 TensorProto with the same bits. An input
# the model declares BFLOAT16 is fed as BFLOAT16 (same bits) and a BFLOAT16
# output is compared with its reference read as BFLOAT16.
def fix_bf16_quirk(model_path, names, files, prefix):
    declared = declared_tensor_types(model_path)
    fixed = []
    for i, (name, path) in enumerate(zip(names, files)):
        elem, dims = declared.get(name, (0, None))
        if elem == BFLOAT16 and tensor_data_type(path) == UINT16:
            dst = f"{prefix}_{i}.bf16.pb"
            retype_tensor(path, dst, BFLOAT16)
            path = dst
        fixed.append(path)
    return fixed


# A second quirk of the same tests: the CastLike models declare `like` as 3x4,
# but the data sets hold a one-element tensor. CastLike reads only the type of
# `like`, never its values, so the runner repeats the element to the declared
# shape (kiln-run checks shapes against the signature).
CASTLIKE_LIKE_SHAPE_QUIRK = {
    "node/test_castlike_BFLOAT16_to_FLOAT", "node/test_castlike_BFLOAT16_to_FLOAT_expanded",
    "node/test_castlike_FLOAT_to_BFLOAT16", "node/test_castlike_FLOAT_to_BFLOAT16_expanded",
}


def fix_like_shape_quirk(model_path, files, prefix):
    declared = declared_tensor_types(model_path)
    names = graph_io_names(model_path, 11)
    fixed = list(files)
    if "like" in names and names.index("like") < len(files):
        i = names.index("like")
        elem, dims = declared.get("like", (0, None))
        data_type = tensor_data_type(fixed[i])
        if dims and None not in dims:
            dst = f"{prefix}_{i}.like.pb"
            retype_tensor(fixed[i], dst, data_type, repeat_to=dims)
            fixed[i] = dst
    return fixed


def run(cmd, timeout):
    """(status, exit code, first output line)."""
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout", None, f"timed out after {timeout} s"
    out = p.stdout.decode("utf-8", "replace").strip().splitlines()
    line = next((l for l in out if "error" in l), out[0] if out else "")
    if p.returncode < 0 or p.returncode not in (0, 1, 2):
        return "crash", p.returncode, line
    return "ok", p.returncode, line


def numbered(directory, prefix):
    files = [f for f in os.listdir(directory) if re.fullmatch(prefix + r"_(\d+)\.pb", f)]
    return [os.path.join(directory, f) for f in sorted(files, key=lambda f: int(re.findall(r"\d+", f)[-1]))]


def run_test(args, suite, name):
    test_id = f"{suite}/{name}"
    d = os.path.join(args.data, suite, name)
    work = os.path.join(args.work, suite)
    os.makedirs(work, exist_ok=True)
    pkg = os.path.join(work, name + ".kpkg")
    result = {"test": test_id, "ops": op_types(os.path.join(d, "model.onnx"))}
    status, code, line = run([args.compile, os.path.join(d, "model.onnx"), "-o", pkg], COMPILE_TIMEOUT_S)
    if status != "ok":
        return dict(result, status=status, reason="kiln-compile: " + line)
    if code != 0:
        return dict(result, status="unsupported", reason=line)
    rtol, atol = TOLERANCE_OVERRIDES.get(test_id, (RTOL, ATOL))[:2]
    sets = sorted(s for s in os.listdir(d) if s.startswith("test_data_set_"))
    if not sets:
        return dict(result, status="fail", reason="no test_data_set_*")
    for s in sets:
        sd = os.path.join(d, s)
        inputs, outputs = numbered(sd, "input"), numbered(sd, "output")
        model = os.path.join(d, "model.onnx")
        prefix = os.path.join(work, f"{name}.{s}")
        inputs = fix_bf16_quirk(model, graph_io_names(model, 11), inputs, prefix + ".in")
        outputs = fix_bf16_quirk(model, graph_io_names(model, 12), outputs, prefix + ".ref")
        if test_id in CASTLIKE_LIKE_SHAPE_QUIRK:
            inputs = fix_like_shape_quirk(model, inputs, prefix + ".in")
        actual = [os.path.join(work, f"{name}.{s}.out_{i}.pb") for i in range(len(outputs))]
        cmd = [args.run, pkg] + [f"--input=@{p}" for p in inputs] + [f"--output=@{p}" for p in actual]
        status, code, line = run(cmd, RUN_TIMEOUT_S)
        if status != "ok":
            return dict(result, status=status, reason="kiln-run: " + line)
        if code != 0:
            return dict(result, status="fail", reason="kiln-run: " + line)
        for i, (a, e) in enumerate(zip(actual, outputs)):
            status, code, line = run([args.compare, a, e, f"--rtol={rtol}", f"--atol={atol}"], RUN_TIMEOUT_S)
            if status != "ok":
                return dict(result, status=status, reason="compare: " + line)
            if code != 0:
                return dict(result, status="fail", reason=f"{s} output {i}: {line}")
    return dict(result, status="pass", reason="")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--compile", required=True, help="kiln-compile")
    p.add_argument("--run", required=True, help="kiln-run")
    p.add_argument("--compare", required=True, help="kiln_tensor_compare")
    p.add_argument("--data", default="/usr/share/libonnx-testdata/data")
    p.add_argument("--work", required=True, help="scratch directory")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    p.add_argument("--only", default="", help="regex on test ids (suite/name)")
    p.add_argument("--expected", help="file of test ids that must pass")
    p.add_argument("--write-expected", help="write the passing test ids to this file")
    p.add_argument("--summary", help="text summary file")
    p.add_argument("--summary-json", help="JSON summary file")
    args = p.parse_args()

    if not os.path.isdir(args.data):
        print(f"SKIP: no ONNX backend test data at {args.data} (install libonnx-testdata; scripts/deps.sh does)")
        return 77
    tests = []
    for suite in SUITES:
        root = os.path.join(args.data, suite)
        if os.path.isdir(root):
            for name in sorted(os.listdir(root)):
                if os.path.isfile(os.path.join(root, name, "model.onnx")) and re.search(args.only, f"{suite}/{name}"):
                    tests.append((suite, name))
    start = time.time()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda t: run_test(args, *t), tests))
    elapsed = time.time() - start

    statuses = ["pass", "fail", "unsupported", "crash", "timeout"]
    lines = [f"ONNX backend tests through kiln: {len(results)} tests in {elapsed:.0f} s "
             f"(rtol {RTOL:g}, atol {ATOL:g})", ""]
    lines.append(f"{'suite':<20}" + "".join(f"{s:>12}" for s in statuses) + f"{'total':>8}")
    for suite in SUITES + ["all"]:
        rs = [r for r in results if suite == "all" or r["test"].startswith(suite + "/")]
        if rs:
            lines.append(f"{suite:<20}" + "".join(f"{sum(r['status'] == s for r in rs):>12}" for s in statuses)
                         + f"{len(rs):>8}")
    per_op = {}
    for r in results:
        for op in r["ops"]:
            per_op.setdefault(op, [0, 0])
            per_op[op][1] += 1
            per_op[op][0] += r["status"] == "pass"
    lines += ["", "per op (tests that use it: passing / total):"]
    lines += [f"  {op:<36}{ok:>5} / {n}" for op, (ok, n) in sorted(per_op.items())]
    lines += ["", "per test:"]
    lines += [f"  {r['status']:<12} {r['test']}  {r['reason']}".rstrip() for r in results]
    summary = "\n".join(lines) + "\n"
    if args.summary:
        with open(args.summary, "w") as f:
            f.write(summary)
    if args.summary_json:
        with open(args.summary_json, "w") as f:
            json.dump({"elapsed_s": elapsed, "rtol": RTOL, "atol": ATOL, "results": results}, f, indent=1)
    print("\n".join(lines[:3 + len(SUITES) + 1]))
    crashes = [r for r in results if r["status"] in ("crash", "timeout")]
    for r in crashes:
        print(f"{r['status'].upper()}: {r['test']}: {r['reason']}")

    passing = {r["test"] for r in results if r["status"] == "pass"}
    if args.write_expected:
        with open(args.write_expected, "w") as f:
            f.write("# ONNX backend tests (libonnx-testdata 1.12) that must pass; regenerate with\n"
                    "# test/conformance/run_conformance.py --write-expected.\n")
            f.writelines(t + "\n" for t in sorted(passing))
    status = 0
    if args.expected:
        with open(args.expected) as f:
            expected = {l.strip() for l in f if l.strip() and not l.startswith("#")}
        ran = {r["test"] for r in results}
        regressed = sorted(t for t in expected if t in ran and t not in passing)
        missing = sorted(t for t in expected if t not in ran and not args.only)
        new = sorted(passing - expected)
        for t in regressed:
            r = next(r for r in results if r["test"] == t)
            print(f"REGRESSED: {t}: {r['status']}: {r['reason']}")
        for t in missing:
            print(f"MISSING: {t} is listed but not in the test data")
        for t in new:
            print(f"NEW PASS: {t} (add it to {args.expected})")
        if regressed or missing:
            status = 1
    n_pass = len(passing)
    print(f"conformance: {n_pass} passed, {len(results) - n_pass} failed")
    return status


if __name__ == "__main__":
    sys.exit(main())
