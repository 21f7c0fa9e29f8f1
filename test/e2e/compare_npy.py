#!/usr/bin/python3
"""Compare an actual .npy output with the expected one: same shape and dtype,
max abs error within --atol, and, with --rtol R, within R times the expected
tensor's largest magnitude (the max-norm relative error, which stays
meaningful for elements near zero)."""
import argparse
import sys

import numpy as np


def compare(actual, expected, atol, rtol=None):
    """Return (ok, message)."""
    if actual.dtype != expected.dtype:
        return False, f"dtype mismatch: actual {actual.dtype}, expected {expected.dtype}"
    if actual.shape != expected.shape:
        return False, f"shape mismatch: actual {list(actual.shape)}, expected {list(expected.shape)}"
    a, e = actual.astype(np.float64), expected.astype(np.float64)
    same = (a == e) | (np.isnan(a) & np.isnan(e))  # equal infinities and matching NaNs count as exact
    with np.errstate(invalid="ignore"):  # inf - inf
        err = np.where(same, 0.0, np.abs(a - e))
    bad_nan = np.isnan(err)  # NaN on one side only
    if bad_nan.any():
        idx = tuple(int(i) for i in np.argwhere(bad_nan)[0])
        return False, f"NaN mismatch at {bad_nan.sum()} element(s), first at {idx}: actual {a[idx]}, expected {e[idx]}"
    max_err = float(err.max()) if err.size else 0.0
    print(f"max abs error: {max_err:.6g}")
    if rtol is not None:
        finite = np.abs(e[np.isfinite(e)])
        scale = float(finite.max()) if finite.size else 0.0
        rel = max_err / scale if scale > 0 else (0.0 if max_err == 0 else float("inf"))
        print(f"max-norm relative error: {rel:.6g}")
        if not rel <= rtol:
            idx = tuple(int(i) for i in np.unravel_index(np.argmax(err), err.shape))
            return False, (f"max-norm relative error {rel:.6g} > rtol {rtol:g} (max abs error {max_err:.6g}, "
                           f"largest |expected| {scale:.6g}) at {idx}: actual {a[idx]}, expected {e[idx]}")
    if not max_err <= atol:
        idx = tuple(int(i) for i in np.unravel_index(np.argmax(err), err.shape))
        return False, (f"max abs error {max_err:.6g} > atol {atol:g} at {idx}: actual {a[idx]}, expected {e[idx]}; "
                       f"{int((err > atol).sum())} of {err.size} element(s) out of tolerance")
    return True, "ok"


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("actual")
    p.add_argument("expected")
    p.add_argument("--atol", type=float, default=1e-4)
    p.add_argument("--rtol", type=float, default=None,
                   help="also require max|actual - expected| <= RTOL * max|expected|")
    args = p.parse_args()
    ok, msg = compare(np.load(args.actual), np.load(args.expected), args.atol, args.rtol)
    if not ok:
        print(f"FAIL {args.actual} vs {args.expected}: {msg}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
