#!/usr/bin/env bash
# Configures and builds kiln into build/ (Release, Ninja, clang-22 + lld).
# Usage: scripts/build.sh [extra ninja targets...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${KILN_BUILD_DIR:-$root/build}
jobs=${KILN_JOBS:-$(nproc)}
if [[ ! -f "$build/build.ninja" ]]; then
  cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release
fi
if [[ $# -gt 0 ]]; then
  cmake --build "$build" -j "$jobs" --target "$@"
else
  cmake --build "$build" -j "$jobs"
fi
