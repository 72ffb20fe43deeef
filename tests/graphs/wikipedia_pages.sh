#!/usr/bin/env bash
# Wikipedia page selection: wikipedia_dump_source on the dumps the golden run read, then
# RedPajama's 20 languages, must yield exactly the pages of ../shared/golden/wikipedia (same
# dump order, page ids, titles, urls, languages and timestamps), and count every page it left
# out. Checks only the source: the wikitext cleaning is tested by wikipedia_parity.sh.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_shared

golden=$LOOM_SHARED_DIR/golden/wikipedia
data=$tmp/data
mkdir -p "$data/wikipedia"
# File names sort into the golden order (convert_format.py reads wiki_<lang>_* sorted by name;
# within a language the pages follow the dumps in name order).
ln -s "$LOOM_SHARED_DIR"/corpus/wikipedia/gensim/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2 "$data/wikipedia/"
ln -s "$golden"/input/*.bz2 "$data/wikipedia/"

cat >"$tmp/pages.yaml" <<'YAML'
version: 1
plugins: [wikipedia, text, io]
stats: "${OUT}/stats.json"
sources:
  read:
    type: wikipedia_dump_source
    with:
      paths: ["${DATA}/wikipedia/*.bz2"]
      dump_date: "20230320"
filters:
  languages:
    type: meta_filter
    inputs: [read]
    with:
      field: language
      values: [bg, ca, cs, da, de, en, es, fr, hr, hu, it, nl, pl, pt, ro, ru, sl, sr, sv, uk]
sinks:
  write:
    type: jsonl_sink
    inputs: [languages]
    with:
      path: "${OUT}/pages.jsonl"
      compression: none
tests:
  none: { insert: { at: languages, docs: [] }, expect: { at: write, docs: [] } }
YAML

out=$tmp/out
loom_run pages run "$tmp/pages.yaml" --set "DATA=$data" --set "OUT=$out" --threads 2
expect_rc 0 "wikipedia_dump_source on the golden run's dumps"

"$PYTHON" - "$golden/pages_kept.jsonl" "$golden/wiki-full.jsonl" "$out/pages.jsonl" <<'PY' || fail "the page set differs from the golden run's"
import json, sys
kept = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
full = [json.loads(l)["meta"] for l in open(sys.argv[2], encoding="utf-8")]
got = [json.loads(l)["meta"] for l in open(sys.argv[3], encoding="utf-8")]
want = [dict(meta, id=k["id"]) for k, meta in zip(kept, full)]
if len(kept) != len(full):
    sys.exit(f"golden files disagree: {len(kept)} kept pages, {len(full)} output rows")
print(f"pages: golden {len(want)}, output {len(got)}")
for i, (w, g) in enumerate(zip(want, got)):
    if w != g:
        sys.exit(f"first difference at page {i + 1}: golden {w}, output {g}")
if len(want) != len(got):
    sys.exit("different page counts")
PY
pass "157 pages: same order, ids, titles, urls, languages and timestamps as the golden run"

# golden summary: 262 pages, 3 not in namespace 0, 99 redirects or pages without text,
# 3 in a language RedPajama did not take.
summary=$golden/summary.json
field() { "$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$summary" "$1"; }
count() { stat_value "$out/stats.json" "$1" "dropped_by_reason.$2" 2>/dev/null || echo 0; }
not_ns0=$(count read not_namespace_0)
[[ "$not_ns0" == "$(field drop_ns_not_0)" ]] || fail "not_namespace_0: $not_ns0, golden $(field drop_ns_not_0)"
redirect_or_no_text=$(($(count read redirect) + $(count read no_text)))
[[ "$redirect_or_no_text" == "$(field drop_redirect_or_no_text)" ]] ||
  fail "redirect + no_text: $redirect_or_no_text, golden $(field drop_redirect_or_no_text)"
other_language=$(count languages language_not_listed)
[[ "$other_language" == "$(field drop_language_not_in_redpajama_20)" ]] ||
  fail "language_not_listed: $other_language, golden $(field drop_language_not_in_redpajama_20)"
pass "stats count the golden run's drops: $not_ns0 not ns 0, $redirect_or_no_text redirects/no text, $other_language other languages"
done_ok
