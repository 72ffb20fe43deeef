# Shared helpers for the end-to-end graph tests (sourced, not run). Each test runs the real `loom`
# binary on real graph files and checks exit codes, stderr and output bytes.
#
# Environment (set by tests/graphs/CMakeLists.txt):
#   LOOM             the loom executable
#   LOOM_PLUGIN_DIR  the build tree's plugins/ folder
#   LOOM_SOURCE_DIR  the repository root
#   LOOM_SHARED_DIR  ../shared (may be absent)
#   LOOM_TEST_TMP    a scratch folder owned by this test (emptied at start, kept for inspection)
#   PYTHON           python3
set -euo pipefail

: "${LOOM:?}" "${LOOM_PLUGIN_DIR:?}" "${LOOM_SOURCE_DIR:?}" "${LOOM_SHARED_DIR:?}" "${LOOM_TEST_TMP:?}"
: "${PYTHON:=python3}"

readonly skip_code=77 # SKIP_RETURN_CODE in CMake
readonly tests_dir=$LOOM_SOURCE_DIR/tests/graphs
checks=0

rm -rf "$LOOM_TEST_TMP"
mkdir -p "$LOOM_TEST_TMP"
tmp=$LOOM_TEST_TMP

fail() {
  printf 'FAIL: %s\n' "$*" >&2
  exit 1
}
pass() {
  checks=$((checks + 1))
  printf 'ok: %s\n' "$*"
}
skip() {
  printf 'SKIPPED: %s\n' "$*"
  exit "$skip_code"
}
done_ok() { printf 'all %d checks passed\n' "$checks"; }

require_shared() {
  [[ -d "$LOOM_SHARED_DIR/corpus" && -d "$LOOM_SHARED_DIR/golden" ]] || skip "../shared not found ($LOOM_SHARED_DIR)"
}

# loom_run NAME ARGS...: runs `loom ARGS --plugin-path ...`, stdout and stderr to $tmp/NAME.{out,err},
# sets $rc. Never fails by itself.
loom_run() {
  local name=$1
  shift
  rc=0
  "$LOOM" "$@" --plugin-path "$LOOM_PLUGIN_DIR" >"$tmp/$name.out" 2>"$tmp/$name.err" </dev/null || rc=$?
  last_err=$tmp/$name.err
}

# expect_rc WANT WHAT: the last loom_run exited WANT, else fail showing its stderr.
expect_rc() {
  local want=$1 what=$2
  if [[ "$rc" != "$want" ]]; then
    echo "--- stderr of loom ($last_err):" >&2
    head -c 4000 "$last_err" >&2 || true
    fail "$what: exit code $rc, expected $want"
  fi
  pass "$what: exit code $want"
}

# expect_stderr_matches REGEX WHAT: the last run's stderr matches the extended regex.
expect_stderr_matches() {
  local regex=$1 what=$2
  if ! grep -Eq -- "$regex" "$last_err"; then
    echo "--- stderr of loom ($last_err):" >&2
    head -c 4000 "$last_err" >&2 || true
    fail "$what: stderr does not match /$regex/"
  fi
  pass "$what"
}

# same_tree A B WHAT: the two folders hold the same file names (stats.json and hidden files
# aside) with identical bytes, and at least one file.
same_tree() {
  local a=$1 b=$2 what=$3
  local list_a list_b
  list_a=$(cd "$a" && find . -type f ! -name stats.json ! -name '.*' | LC_ALL=C sort)
  list_b=$(cd "$b" && find . -type f ! -name stats.json ! -name '.*' | LC_ALL=C sort)
  [[ -n "$list_a" ]] || fail "$what: $a holds no output file"
  if [[ "$list_a" != "$list_b" ]]; then
    diff <(echo "$list_a") <(echo "$list_b") >&2 || true
    fail "$what: different file lists in $a and $b"
  fi
  local f
  while IFS= read -r f; do
    cmp -s "$a/$f" "$b/$f" || fail "$what: $f differs between $a and $b"
  done <<<"$list_a"
  pass "$what ($(wc -l <<<"$list_a") files identical)"
}

# stat_value STATS_JSON NODE FIELD: prints a per-node number from stats.json (see stats_value.py).
stat_value() { "$PYTHON" "$tests_dir/stats_value.py" "$@"; }

# make_corpus DIR ARGS...: deterministic C4-form input (see make_corpus.py).
make_corpus() { "$PYTHON" "$tests_dir/make_corpus.py" "$@"; }
