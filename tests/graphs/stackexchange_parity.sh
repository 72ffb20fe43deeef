#!/usr/bin/env bash
# StackExchange parity: graphs/redpajama/stackexchange.yaml on the shared corpus's three sites,
# named as the golden README says (history-meta's Posts.xml without its DOCTYPE line, as the
# reference read it), must write each <site>.jsonl byte-identical to ../shared/golden/stackexchange,
# on two threads and on one, and with a memory budget so small that every site is spilled to disk.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_shared

model=${LOOM_CACHE:-$HOME/.cache/loom}/models/lid.176.ftz
[[ -f "$model" ]] || skip "fastText model $model absent (scripts/setup.sh installs it)"

corpus=$LOOM_SHARED_DIR/corpus/stackexchange
golden=$LOOM_SHARED_DIR/golden/stackexchange
data=$tmp/data
mkdir -p "$data/stackexchange"
ln -s "$corpus/coffee/Posts.xml" "$data/stackexchange/coffee.stackexchange.com.xml"
ln -s "$corpus/meta-site-complete/Posts.xml" "$data/stackexchange/conlang.meta.stackexchange.com.xml"
grep -v '^<!DOCTYPE posts SYSTEM' "$corpus/history-meta/Posts.xml" \
  >"$data/stackexchange/history.meta.stackexchange.com.xml"

# check_outputs OUT WHAT: each golden <site>.jsonl must be byte-identical in OUT/stackexchange.
check_outputs() {
  local out=$1 what=$2
  for want in "$golden"/*.jsonl; do
    name=$(basename "$want")
    got=$out/stackexchange/$name
    [[ -f "$got" ]] || fail "missing output $got (golden: $want)"
    if ! cmp -s "$want" "$got"; then
      "$PYTHON" - "$want" "$got" >&2 <<'PY' || true
import json, sys
want = [json.loads(l) for l in open(sys.argv[1])]
got = [json.loads(l) for l in open(sys.argv[2])]
print(f"docs: golden {len(want)}, output {len(got)}")
for i, (w, g) in enumerate(zip(want, got)):
    if w != g:
        print(f"first difference at doc {i + 1}: {w['meta'].get('url')}")
        for k in ("text", "meta"):
            if w[k] != g[k]:
                print(f"  {k}: golden {w[k]!r:.400}\n  {k}: output {g[k]!r:.400}")
        break
PY
      fail "$name differs from the golden output ($what)"
    fi
    pass "$name is byte-identical to the golden output ($what)"
  done
}

loom_run stackexchange run "$LOOM_SOURCE_DIR/graphs/redpajama/stackexchange.yaml" \
  --set "DATA=$data" --set "OUT=$tmp/out" --threads 2
expect_rc 0 "stackexchange.yaml on the shared corpus"
check_outputs "$tmp/out" "in memory"

# One thread: the posts' HTML is converted on the other threads while one parses the XML; with
# none to spare the same bytes must come out.
loom_run stackexchange_one_thread run "$LOOM_SOURCE_DIR/graphs/redpajama/stackexchange.yaml" \
  --set "DATA=$data" --set "OUT=$tmp/out_one_thread" --threads 1
expect_rc 0 "stackexchange.yaml on one thread"
check_outputs "$tmp/out_one_thread" "one thread"

# About 1 KB of memory per site: hundreds of spilled runs and merge passes, same bytes out.
mkdir -p "$tmp/spill"
loom_run stackexchange_spilled run "$LOOM_SOURCE_DIR/graphs/redpajama/stackexchange.yaml" \
  --set "DATA=$data" --set "OUT=$tmp/out_spilled" --set STACKEXCHANGE_MEMORY_MB=0.001 \
  --set "STACKEXCHANGE_SPILL_DIR=$tmp/spill" --threads 2
expect_rc 0 "stackexchange.yaml with a 1 KB memory budget"
check_outputs "$tmp/out_spilled" "spilled to disk"
left=$(find "$tmp/spill" -mindepth 1 | head -n 3)
[[ -z "$left" ]] || fail "spill files left behind: $left"
pass "no spill file left behind"
done_ok
