#!/usr/bin/env bash
# C4 parity: graphs/redpajama/c4.yaml on ../shared/corpus/c4 must write, for every input file, a
# .jsonl byte-identical to the reference's output in ../shared/golden/c4, and nothing else.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_shared

golden=$LOOM_SHARED_DIR/golden/c4
out=$tmp/out
loom_run c4 run "$LOOM_SOURCE_DIR/graphs/redpajama/c4.yaml" \
  --set "DATA=$LOOM_SHARED_DIR/corpus" --set "OUT=$out" --threads 2
expect_rc 0 "c4.yaml on the shared corpus"

shopt -s nullglob
goldens=("$golden"/*.jsonl)
((${#goldens[@]})) || fail "no golden files in $golden"
for want in "${goldens[@]}"; do
  name=$(basename "$want")
  got=$out/c4/$name
  [[ -f "$got" ]] || fail "missing output $got (golden: $want)"
  if ! cmp -s "$want" "$got"; then
    cmp "$want" "$got" >&2 || true
    line=$(cmp "$want" "$got" 2>/dev/null | sed -n 's/.* line \([0-9]*\)$/\1/p')
    if [[ -n "$line" ]]; then
      echo "--- golden line $line:" >&2
      sed -n "${line}p" "$want" | head -c 600 >&2
      echo "--- output line $line:" >&2
      sed -n "${line}p" "$got" | head -c 600 >&2
    fi
    fail "$name differs from the golden output"
  fi
  pass "$name is byte-identical to the golden output"
done

extra=$(cd "$out/c4" && find . -type f ! -name stats.json | LC_ALL=C sort | while read -r f; do
  [[ -f "$golden/${f#./}" ]] || echo "$f"
done)
[[ -z "$extra" ]] || fail "output files with no golden counterpart: $extra"
pass "no output besides the golden files and stats.json"

[[ -s "$out/c4/stats.json" ]] || fail "no stats.json written to $out/c4 (the graph's stats: key)"
"$PYTHON" -c 'import json,sys; json.load(open(sys.argv[1]))' "$out/c4/stats.json" ||
  fail "$out/c4/stats.json is not valid JSON"
pass "stats.json written and valid JSON"
done_ok
