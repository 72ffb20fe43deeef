#!/usr/bin/env bash
# Wikipedia parity: graphs/redpajama/wikipedia.yaml on the dumps the golden run read (the gensim
# enwiki excerpt and ../shared/golden/wikipedia/input/*.bz2, in file name order, which is the
# golden row order) must write wiki-full.jsonl byte-identical to ../shared/golden/wikipedia.
# On a difference it prints how many documents match and the first differing ones.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_shared
[[ -f "$LOOM_PLUGIN_DIR/libloom_wikitext.so" ]] || skip "the wikitext plugin (wikitext_clean) is not built"

golden=$LOOM_SHARED_DIR/golden/wikipedia
data=$tmp/data
mkdir -p "$data/wikipedia"
ln -s "$LOOM_SHARED_DIR"/corpus/wikipedia/gensim/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2 "$data/wikipedia/"
ln -s "$golden"/input/*.bz2 "$data/wikipedia/"

out=$tmp/out
loom_run wikipedia run "$LOOM_SOURCE_DIR/graphs/redpajama/wikipedia.yaml" \
  --set "DATA=$data" --set "OUT=$out" --threads 2
expect_rc 0 "wikipedia.yaml on the golden run's dumps"

want=$golden/wiki-full.jsonl
got=$out/wikipedia/wiki-full.jsonl
[[ -f "$got" ]] || fail "missing output $got"
if ! cmp -s "$want" "$got"; then
  "$PYTHON" - "$want" "$got" >&2 <<'PY' || true
import difflib, json, sys
want = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
got = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
print(f"docs: golden {len(want)}, output {len(got)}")
same = sum(1 for w, g in zip(want, got) if w == g)
print(f"identical documents: {same} of {len(want)}")
shown = 0
for i, (w, g) in enumerate(zip(want, got)):
    if w == g:
        continue
    if w["meta"] != g["meta"]:
        print(f"doc {i + 1}: meta differs: golden {w['meta']}, output {g['meta']}")
    else:
        ratio = difflib.SequenceMatcher(None, w["text"], g["text"], autojunk=False).ratio()
        at = next((k for k, (a, b) in enumerate(zip(w["text"], g["text"])) if a != b),
                  min(len(w["text"]), len(g["text"])))
        print(f"doc {i + 1} ({w['meta']['title']}): text similarity {ratio:.4f}, first difference "
              f"at char {at}:\n  golden {w['text'][max(0, at - 60):at + 120]!r}\n"
              f"  output {g['text'][max(0, at - 60):at + 120]!r}")
    shown += 1
    if shown == 10:
        break
PY
  fail "wiki-full.jsonl differs from the golden output"
fi
pass "wiki-full.jsonl is byte-identical to the golden output ($(wc -l <"$got") documents)"
done_ok
