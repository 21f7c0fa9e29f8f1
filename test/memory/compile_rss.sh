#!/usr/bin/env bash
# Peak RSS of kiln-compile against the size of a model's weights: the
# weights are held once (in-file initializers) or only mapped (external
# data). Generous bounds, so that a loaded machine passes; the compiler
# before these guarantees needed ~3.5x and ~2x the weights.
#
#   compile_rss.sh MAKE_BIG_MODEL KILN_COMPILE KILN_RUN WORKDIR [MIB]
#
# Exits 77 (skipped) without /usr/bin/time.
set -euo pipefail
make_model=$1 compile=$2 run=$3 work=$4 mib=${5:-256}

if [[ ! -x /usr/bin/time ]]; then
  echo "SKIP: /usr/bin/time is missing (Debian package 'time')"
  exit 77
fi
rm -rf "$work" && mkdir -p "$work"
trap 'rm -rf "$work"' EXIT

# Peak RSS in KiB of compiling model $1 to package $2.
peak_kib() {
  /usr/bin/time -f "%M" -o "$work/time.txt" "$compile" "$1" -o "$2"
  tail -n 1 "$work/time.txt"
}

"$make_model" "$work/base.onnx" 1 in
"$make_model" "$work/in.onnx" "$mib" in
"$make_model" "$work/ext.onnx" "$mib" external

base=$(peak_kib "$work/base.onnx" "$work/base.kpkg")
in=$(peak_kib "$work/in.onnx" "$work/in.kpkg")
ext=$(peak_kib "$work/ext.onnx" "$work/ext.kpkg")
weights=$((mib * 1024))
echo "weights ${weights} KiB; peak RSS: baseline ${base} KiB, in-file ${in} KiB, external ${ext} KiB"

status=0
in_bound=$((base + weights * 3 / 2))
ext_bound=$((base + 64 * 1024))
if ((in > in_bound)); then
  echo "FAIL: in-file initializers: peak RSS ${in} KiB exceeds baseline + 1.5x weights = ${in_bound} KiB"
  status=1
fi
if ((ext > ext_bound)); then
  echo "FAIL: external data: peak RSS ${ext} KiB exceeds baseline + 64 MiB = ${ext_bound} KiB"
  status=1
fi
# Same weights, same package; and its checksums hold.
if ! cmp -s "$work/in.kpkg" "$work/ext.kpkg"; then
  echo "FAIL: the in-file and external-data models compiled to different packages"
  status=1
fi
"$run" "$work/ext.kpkg" --verify
exit $status
