#!/usr/bin/env bash
# Installs what is missing, builds kiln, compiles the bundled example model
# (examples/mlp) to a package and runs it, printing its outputs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/deps.sh"
"$root/scripts/build.sh" kiln-compile kiln-run
build=${KILN_BUILD_DIR:-$root/build}
example=$root/examples/mlp
out=$build/demo
mkdir -p "$out"

echo "== kiln-compile $example/model.onnx -o $out/mlp.kpkg"
start=$EPOCHREALTIME
"$build/bin/kiln-compile" "$example/model.onnx" -o "$out/mlp.kpkg"
awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "compiled in %.2f s\n", b - a }'

echo "== kiln-run $out/mlp.kpkg --input=@$example/input.npy"
"$build/bin/kiln-run" "$out/mlp.kpkg" --input=@"$example/input.npy"

echo "== kiln-run --bench=100"
"$build/bin/kiln-run" "$out/mlp.kpkg" --input=@"$example/input.npy" --bench=100
