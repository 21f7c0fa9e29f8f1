#!/usr/bin/env bash
# bench/run.sh - kiln against its peers, side by side, in one table.
# Usage: bench/run.sh [--iterations N] [--threads T] [--families attention,moe,ssd] [--sizes 512,1024] [--rows TEXT]
# (all families by default; N defaults per family, see bench/README.md)
# Needs a built kiln (build/, or KILN_BUILD_DIR), /usr/bin/python3 with torch
# and onnx (model export), node and npm. ONNX Runtime (onnxruntime-node) is
# installed once into KILN_BENCH_CACHE (default ~/.cache/kiln-bench), outside
# the repository. Models and packages go to KILN_BENCH_WORK (default
# $KILN_BENCH_CACHE/work). Benchmarks are not tests: nothing here fails on a
# slow number.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
build=${KILN_BUILD_DIR:-$root/build}
cache=${KILN_BENCH_CACHE:-$HOME/.cache/kiln-bench}
work=${KILN_BENCH_WORK:-$cache/work}

for tool in kiln-compile kiln-run; do
  [[ -x "$build/bin/$tool" ]] || { echo "bench: no $build/bin/$tool (build kiln first: scripts/build.sh)" >&2; exit 1; }
done
if [[ ! -d "$cache/node_modules/onnxruntime-node" ]]; then
  echo "bench: installing onnxruntime-node into $cache" >&2
  mkdir -p "$cache"
  (cd "$cache" && npm install --ignore-scripts --no-audit --no-fund onnxruntime-node >&2)
fi
exec /usr/bin/python3 "$here/driver.py" --kiln-build "$build" --work "$work" \
  --ort-modules "$cache/node_modules" "$@"
