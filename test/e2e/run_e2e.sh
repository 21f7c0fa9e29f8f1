#!/usr/bin/env bash
# Compile one e2e fixture with kiln-compile, run it with kiln-run, and compare every output with the expected .npy.
# Usage: run_e2e.sh MODEL_DIR KILN_COMPILE KILN_RUN WORKDIR [ATOL]
set -euo pipefail

if [[ $# -lt 4 || $# -gt 5 ]]; then
  echo "usage: $0 MODEL_DIR KILN_COMPILE KILN_RUN WORKDIR [ATOL]" >&2
  exit 2
fi
model_dir=$(cd "$1" && pwd)
compile=$2
run=$3
workdir=$4
atol=${5:-1e-4}
name=$(basename "$model_dir")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
python=/usr/bin/python3

mkdir -p "$workdir"
pkg="$workdir/$name.kpkg"
rm -f "$pkg" "$workdir"/out_*.npy

fail() { echo "e2e.$name: FAIL: $*" >&2; exit 1; }

# Collect inputs and outputs in index order (input_0, input_1, ..., never lexicographic).
inputs=() outputs=()
for ((i = 0; ; i++)); do
  [[ -f "$model_dir/input_$i.npy" ]] || break
  inputs+=("--input=@$model_dir/input_$i.npy")
done
for ((i = 0; ; i++)); do
  [[ -f "$model_dir/expected_$i.npy" ]] || break
  outputs+=("--output=@$workdir/out_$i.npy")
done
((${#outputs[@]} > 0)) || fail "no expected_0.npy in $model_dir"

# KILN_E2E_COMPILE_FLAGS: extra kiln-compile flags (e.g. --fuse=none).
read -r -a extra <<< "${KILN_E2E_COMPILE_FLAGS:-}"
echo "+ $compile $model_dir/model.onnx -o $pkg ${extra[*]}"
"$compile" "$model_dir/model.onnx" -o "$pkg" "${extra[@]}" || fail "kiln-compile exited with $?"
[[ -f "$pkg" ]] || fail "kiln-compile wrote no $pkg"

echo "+ $run $pkg ${inputs[*]} ${outputs[*]}"
"$run" "$pkg" "${inputs[@]}" "${outputs[@]}" || fail "kiln-run exited with $?"

status=0
for ((i = 0; i < ${#outputs[@]}; i++)); do
  actual="$workdir/out_$i.npy"
  if [[ ! -f "$actual" ]]; then
    echo "e2e.$name: output $i: kiln-run wrote no $actual" >&2
    status=1
  elif ! "$python" "$here/compare_npy.py" "$actual" "$model_dir/expected_$i.npy" --atol "$atol"; then
    echo "e2e.$name: output $i: mismatch (atol $atol)" >&2
    status=1
  fi
done
((status == 0)) || fail "outputs missing or differing from the reference"
echo "e2e.$name: PASS"
