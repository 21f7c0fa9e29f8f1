#!/usr/bin/env bash
# Installs what is missing, builds kiln, and runs every test through ctest
# (lit, GoogleTest unit tests, end-to-end model tests).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/deps.sh"
start=$(date +%s)
"$root/scripts/build.sh"
echo "test.sh: build took $(( $(date +%s) - start )) s"
build=${KILN_BUILD_DIR:-$root/build}
ctest --test-dir "$build" --output-on-failure -j "${KILN_JOBS:-$(nproc)}"
