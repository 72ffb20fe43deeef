#!/usr/bin/env bash
# StackExchange parity: graphs/redpajama/stackexchange.yaml on the shared corpus's three sites,
# named as the golden README says (history-meta's Posts.xml without its DOCTYPE line, as the
# reference read it), must write each <site>.jsonl byte-identical to ../shared/golden/stackexchange.
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

out=$tmp/out
loom_run stackexchange run "$LOOM_SOURCE_DIR/graphs/redpajama/stackexchange.yaml" \
  --set "DATA=$data" --set "OUT=$out" --threads 2
expect_rc 0 "stackexchange.yaml on the shared corpus"

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
    fail "$name differs from the golden output"
  fi
  pass "$name is byte-identical to the golden output"
done
done_ok
