# Helpers for the SDK tests (sourced): tests/graphs/lib.sh plus what these tests add.
# LOOM_EXAMPLE_PLUGIN_DIR holds the example plugins built in the tree (c_example, wordlist).
# shellcheck source=../graphs/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../graphs/lib.sh"
: "${LOOM_EXAMPLE_PLUGIN_DIR:?}"

# texts_of FILE: the "text" field of each JSON line of FILE, one per line.
texts_of() {
  "$PYTHON" -c 'import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    print(json.loads(line)["text"])' "$1"
}

# expect_texts FILE WHAT TEXT...: FILE holds exactly these documents' texts, in this order.
expect_texts() {
  local file=$1 what=$2
  shift 2
  [[ -f "$file" ]] || fail "$what: $file was not written"
  local want got
  want=$(printf '%s\n' "$@")
  got=$(texts_of "$file")
  if [[ "$got" != "$want" ]]; then
    diff <(echo "$want") <(echo "$got") >&2 || true
    fail "$what: $file holds other documents than expected (diff: expected, got)"
  fi
  pass "$what ($# documents)"
}
