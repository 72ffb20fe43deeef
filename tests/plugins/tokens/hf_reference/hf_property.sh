#!/usr/bin/env bash
# Property test against Hugging Face's own tokenizer: tokenizers@0.23.2 from npm (the Rust
# library's Node binding, installed by scripts/setup.sh under $LOOM_CACHE) writes its ids for
# random Unicode, whitespace runs, contractions and added tokens in odd places, long words and
# runs, and random windows of the shared corpus (make_cases.js); compare_ids checks that Loom's
# tokenizer gives the same ids. It runs on GPT-NeoX-20B's tokenizer.json and on variants of it
# that use Split, Sequence, NFKC/NFD/NFKD and add_prefix_space (tokenizer_variants.py).
#
# Fixed seeds keep it reproducible; LOOM_TOKENS_SEEDS="7 8 9" explores others.
set -euo pipefail
: "${COMPARE_IDS:?}" "${LOOM_SHARED_DIR:?}" "${LOOM_TEST_TMP:?}" "${PYTHON:=python3}"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
skip() {
  echo "SKIPPED: $*"
  exit 77
}

modules=${LOOM_CACHE:-$HOME/.cache/loom}/npm/tokenizers-0.23.2/node_modules
command -v node >/dev/null || skip "node not found"
[[ -f "$modules/tokenizers/package.json" ]] ||
  skip "tokenizers@0.23.2 not installed in $modules (scripts/setup.sh installs it)"
neox=$LOOM_SHARED_DIR/tokenizers/gpt-neox-20b/tokenizer.json
[[ -f "$neox" ]] || skip "no $neox"

rm -rf "$LOOM_TEST_TMP"
mkdir -p "$LOOM_TEST_TMP"
trap 'rm -rf "$LOOM_TEST_TMP"' EXIT
mapfile -t variants < <("$PYTHON" "$here/tokenizer_variants.py" "$neox" "$LOOM_TEST_TMP")

failed=()
run() {
  local tokenizer=$1 seed=$2 cases
  cases=$LOOM_TEST_TMP/cases-$(basename "$tokenizer" .json)-$seed.jsonl
  echo "== $(basename "$tokenizer"), seed $seed"
  NODE_PATH=$modules node "$here/make_cases.js" "$tokenizer" "$LOOM_SHARED_DIR/corpus" "$seed" "$cases"
  "$COMPARE_IDS" "$tokenizer" "$cases" || failed+=("$(basename "$tokenizer") seed $seed")
  rm -f "$cases"
}
for seed in ${LOOM_TOKENS_SEEDS:-1 2}; do run "$neox" "$seed"; done
for variant in "${variants[@]}"; do run "$variant" "${LOOM_TOKENS_SEEDS:-3}"; done

if ((${#failed[@]})); then
  echo "FAIL: ids differ from Hugging Face's for: ${failed[*]}"
  exit 1
fi
echo "ok: every text gives Hugging Face's ids (known Unicode-version differences aside)"
