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

# KILN_E2E_COMPILE_FLAGS: extra kiln-compile flags (e.g. --fuse=none).
read -r -a extra <<< "${KILN_E2E_COMPILE_FLAGS:-}"
echo "+ $compile $model_dir/model.onnx -o $pkg ${extra[*]}"
"$compile" "$model_dir/model.onnx" -o "$pkg" "${extra[@]}" || fail "kiln-compile exited with $?"
[[ -f "$pkg" ]] || fail "kiln-compile wrote no $pkg"

# KILN_E2E_CROSS_FLAGS: a second package compiled with these flags instead
# (e.g. --fuse=all next to --fuse=none); on every input set its outputs must
# equal this package's within KILN_E2E_CROSS_RTOL (default 1e-5) max-norm
# relative error: two compilations of one model agree far more tightly than
# either agrees with PyTorch.
cross_pkg=""
if [[ -n "${KILN_E2E_CROSS_FLAGS:-}" ]]; then
  read -r -a cross <<< "$KILN_E2E_CROSS_FLAGS"
  cross_pkg="$workdir/$name.cross.kpkg"
  rm -f "$cross_pkg"
  echo "+ $compile $model_dir/model.onnx -o $cross_pkg ${cross[*]}"
  "$compile" "$model_dir/model.onnx" -o "$cross_pkg" "${cross[@]}" || fail "kiln-compile ${cross[*]} exited with $?"
fi
cross_rtol=${KILN_E2E_CROSS_RTOL:-1e-5}

# Runs the package on one set of inputs (input_*.npy in $1, index order,
# never lexicographic) and compares every output with expected_*.npy.
run_set() {
  local set_dir=$1 label=$2 i
  local inputs=() outputs=()
  rm -f "$workdir"/out_*.npy
  for ((i = 0; ; i++)); do
    [[ -f "$set_dir/input_$i.npy" ]] || break
    inputs+=("--input=@$set_dir/input_$i.npy")
  done
  for ((i = 0; ; i++)); do
    [[ -f "$set_dir/expected_$i.npy" ]] || break
    outputs+=("--output=@$workdir/out_$i.npy")
  done
  ((${#outputs[@]} > 0)) || fail "no expected_0.npy in $set_dir"
  echo "+ $run $pkg ${inputs[*]} ${outputs[*]}"
  "$run" "$pkg" "${inputs[@]}" "${outputs[@]}" || fail "$label: kiln-run exited with $?"
  local status=0
  for ((i = 0; i < ${#outputs[@]}; i++)); do
    local actual="$workdir/out_$i.npy"
    if [[ ! -f "$actual" ]]; then
      echo "e2e.$name: $label output $i: kiln-run wrote no $actual" >&2
      status=1
    elif ! "$python" "$here/compare_npy.py" "$actual" "$set_dir/expected_$i.npy" --atol "$atol"; then
      echo "e2e.$name: $label output $i: mismatch (atol $atol)" >&2
      status=1
    fi
  done
  ((status == 0)) || fail "$label: outputs missing or differing from the reference"
  if [[ -n "$cross_pkg" ]]; then
    local other=()
    for ((i = 0; i < ${#outputs[@]}; i++)); do
      other+=("--output=@$workdir/out_${i}_cross.npy")
    done
    "$run" "$cross_pkg" "${inputs[@]}" "${other[@]}" || fail "$label: kiln-run of the ${cross[*]} package exited with $?"
    for ((i = 0; i < ${#outputs[@]}; i++)); do
      "$python" "$here/compare_npy.py" "$workdir/out_$i.npy" "$workdir/out_${i}_cross.npy" \
          --atol inf --rtol "$cross_rtol" ||
        fail "$label: output $i differs from the ${cross[*]} package's (rtol $cross_rtol)"
    done
  fi
  # KILN_E2E_THREADS="1 2": the outputs must be bitwise the same with each
  # thread count (iterations of a parallel loop write disjoint memory).
  local threads
  for threads in ${KILN_E2E_THREADS:-}; do
    local per=()
    for ((i = 0; i < ${#outputs[@]}; i++)); do
      per+=("--output=@$workdir/out_${i}_t$threads.npy")
    done
    "$run" "$pkg" "${inputs[@]}" "${per[@]}" "--threads=$threads" ||
      fail "$label: kiln-run --threads=$threads exited with $?"
    for ((i = 0; i < ${#outputs[@]}; i++)); do
      cmp -s "$workdir/out_$i.npy" "$workdir/out_${i}_t$threads.npy" ||
        fail "$label: output $i differs with --threads=$threads"
    done
  done
}

# The fixture's own inputs, then every extra size a dynamic fixture has
# (sizes/<k>/): one package serves them all.
run_set "$model_dir" "inputs"
sets=1
for set_dir in "$model_dir"/sizes/*/; do
  [[ -d "$set_dir" ]] || continue
  run_set "${set_dir%/}" "sizes/$(basename "$set_dir")"
  sets=$((sets + 1))
done
echo "e2e.$name: PASS ($sets input sets)"
