#!/usr/bin/env bash
# Books parity: graphs/redpajama/books.yaml on the reference's own input (the pg19-form rows in
# ../shared/golden/books/pg19_000.jsonl.gz) must write book.jsonl byte-identical to the reference's
# (book.jsonl.gz decompressed), dropping exactly the three near-duplicate editions that
# dedup_decisions.jsonl marks, and say so in stats.json.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_shared

golden=$LOOM_SHARED_DIR/golden/books
data=$tmp/data
mkdir -p "$data/books"
ln -s "$golden/pg19_000.jsonl.gz" "$data/books/pg19_000.jsonl.gz"
out=$tmp/out
loom_run books run "$LOOM_SOURCE_DIR/graphs/redpajama/books.yaml" \
  --set "DATA=$data" --set "OUT=$out" --threads 2
expect_rc 0 "books.yaml on the reference's pg19-form input"

got=$out/books/book.jsonl
[[ -f "$got" ]] || fail "missing output $got"
gzip -dc "$golden/book.jsonl.gz" >"$tmp/want.jsonl"
if ! cmp -s "$tmp/want.jsonl" "$got"; then
  cmp "$tmp/want.jsonl" "$got" >&2 || true
  fail "book.jsonl differs from the golden output"
fi
pass "book.jsonl is byte-identical to the golden output ($(wc -l <"$got") books)"

# The verdicts, book by book: the rows kept are exactly the golden's kept ids, so the three
# near-duplicate editions (News from Nowhere's old edition, the Latin-1 Complete Angler, the old
# Devil's Dictionary) are the ones dropped.
"$PYTHON" - "$golden/dedup_decisions.jsonl" "$golden/pg19_000.jsonl.gz" "$got" <<'PY' || fail "verdicts differ"
import gzip, json, sys
decisions = [json.loads(l) for l in open(sys.argv[1])]
rows = [json.loads(l) for l in gzip.open(sys.argv[2], 'rt', encoding='utf-8')]
kept_texts = [json.loads(l)['text'] for l in open(sys.argv[3], encoding='ascii')]
want_dropped = sorted(d['corpus_file'] for d in decisions if not d['kept'])
assert len(want_dropped) == 3, want_dropped
kept_ids = [i for i, r in enumerate(rows) if r['text'] in kept_texts]
got_dropped = sorted(decisions[i]['corpus_file'] for i in range(len(rows)) if i not in kept_ids)
print('dropped:', ', '.join(got_dropped))
assert got_dropped == want_dropped, (got_dropped, want_dropped)
PY
pass "the 3 near-duplicate editions are dropped, and only they"

stats=$out/books/stats.json
[[ -s "$stats" ]] || fail "no stats.json written"
"$PYTHON" - "$stats" <<'PY' || fail "stats.json does not count 3 simhash_near_dup drops"
import json, sys
text = open(sys.argv[1]).read()
stats = json.loads(text)
assert 'simhash_near_dup' in text, text[:2000]
def find(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == 'simhash_near_dup':
                yield v
            yield from find(v)
    elif isinstance(node, list):
        for v in node:
            yield from find(v)
counts = list(find(stats))
assert 3 in counts, counts
PY
pass "stats.json counts 3 simhash_near_dup drops"
done_ok
