#!/usr/bin/env bash
# Installs the Debian 12 packages kiln's build and tests need; does nothing
# when all are present. Usage: scripts/deps.sh [--fixtures]
#   --fixtures  also install PyTorch and ONNX for Python, needed only to
#               regenerate the committed test fixtures (test/e2e).
set -euo pipefail

packages=(
  cmake ninja-build ccache
  clang-22 lld-22 llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  libonnx-dev libprotobuf-dev protobuf-compiler
  nlohmann-json3-dev libgtest-dev
  python3 python3-numpy libonnx-testdata time
)
if [[ "${1:-}" == "--fixtures" ]]; then
  packages+=(python3-torch python3-onnx)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "deps.sh: installing ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  sudo="sudo"
fi
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
