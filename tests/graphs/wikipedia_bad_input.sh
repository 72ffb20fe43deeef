#!/usr/bin/env bash
# wikipedia_dump_source on damaged and unusual dumps: pages outside namespace 0, redirects and
# pages without text are skipped and counted; a multistream .bz2 is read through all its streams;
# a truncated .bz2, malformed XML and an entity-expansion bomb each stop the run with an error
# naming the file (and the page where there is one), leaving no output under its final name.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

data=$tmp/data
mkdir -p "$data"
"$PYTHON" - "$data" <<'PY'
import bz2, os, random, sys
folder = sys.argv[1]
head = ('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10" xml:lang="en">\n'
        "  <siteinfo>\n    <sitename>Wikipedia</sitename>\n  </siteinfo>\n")
tail = "</mediawiki>\n"

def page(title, ns, pid, text=None, redirect=False):
    out = f"  <page>\n    <title>{title}</title>\n    <ns>{ns}</ns>\n    <id>{pid}</id>\n"
    if redirect:
        out += f'    <redirect title="{title} (target)" />\n'
    out += f"    <revision>\n      <id>{pid}0</id>\n"
    if text is not None:
        out += f'      <text bytes="{len(text)}" xml:space="preserve">{text}</text>\n'
    return out + "    </revision>\n  </page>\n"

def write(name, data):
    os.makedirs(os.path.dirname(f"{folder}/{name}"), exist_ok=True)
    with open(f"{folder}/{name}", "wb") as f:
        f.write(data)

mixed = head + "".join([
    page("Kept", 0, 1, "'''Kept''' is an article."),
    page("Talk:Kept", 1, 2, "a talk page"),
    page("Moved", 0, 3, "#REDIRECT [[Kept]]", redirect=True),
    page("No text", 0, 4),
    page("Empty text", 0, 5, ""),
    page("Also kept", 0, 6, "Second article."),
]) + tail
write("skips/enwiki-20230320-pages-articles.xml.bz2", bz2.compress(mixed.encode()))

# multistream: the header, every 100 pages, and the footer are separate bz2 streams
rng = random.Random(7)
pages = [page(f"Page {i}", 0, i, " ".join(rng.choice(["alpha", "beta", "gamma", "delta", str(i)])
                                          for _ in range(200))) for i in range(1, 301)]
streams = [head] + ["".join(pages[i:i + 100]) for i in range(0, 300, 100)] + [tail]
multi = b"".join(bz2.compress(s.encode()) for s in streams)
write("multistream/enwiki-20230320-pages-articles-multistream.xml.bz2", multi)
write("truncated/enwiki-20230320-pages-articles-multistream.xml.bz2", multi[: len(multi) // 2])

broken = head + page("Fine", 0, 1, "fine") + page("Broken <page>", 0, 2, "x").replace(
    "<title>Broken <page></title>", "<title>Broken</title>").replace("<text", "<txt", 1) + tail
write("malformed/enwiki-20230320-pages-articles.xml.bz2", bz2.compress(broken.encode()))

bomb = '<?xml version="1.0"?>\n<!DOCTYPE mediawiki [\n<!ENTITY a "aaaaaaaaaaaaaaaa">\n'
for prev, cur in zip("abcdefghij", "bcdefghijk"):
    bomb += f'<!ENTITY {cur} "{("&" + prev + ";") * 10}">\n'
bomb += "]>\n" + head + page("Bomb", 0, 1, "&k;") + tail
write("bomb/enwiki-20230320-pages-articles.xml.bz2", bz2.compress(bomb.encode()))
PY

cat >"$tmp/read.yaml" <<'YAML'
version: 1
plugins: [wikipedia, io]
stats: "${OUT}/stats.json"
sources:
  read:
    type: wikipedia_dump_source
    with:
      paths: ["${IN}/*.bz2"]
sinks:
  write:
    type: jsonl_sink
    inputs: [read]
    with:
      path: "${OUT}/pages.jsonl"
      compression: none
tests:
  none: { insert: { at: write, docs: [] }, expect: { at: write, docs: [] } }
YAML
run_case() { loom_run "$1" run "$tmp/read.yaml" --set "IN=$data/$1" --set "OUT=$tmp/out/$1" --threads 2; }
titles() { "$PYTHON" -c 'import json,sys; print(",".join(json.loads(l)["meta"]["title"] for l in open(sys.argv[1])))' "$1"; }

run_case skips
expect_rc 0 "a dump with pages to skip"
got=$(titles "$tmp/out/skips/pages.jsonl")
[[ "$got" == "Kept,Also kept" ]] || fail "kept pages: $got, expected Kept,Also kept"
pass "only the two namespace-0 articles with text are written"
for pair in not_namespace_0:1 redirect:1 no_text:2; do
  reason=${pair%%:*} want=${pair##*:}
  count=$(stat_value "$tmp/out/skips/stats.json" read "dropped_by_reason.$reason")
  [[ "$count" == "$want" ]] || fail "stats.json counts $count '$reason' skips, expected $want"
  pass "stats.json counts $want '$reason' skip(s)"
done

run_case multistream
expect_rc 0 "a multistream .bz2"
got=$(wc -l <"$tmp/out/multistream/pages.jsonl")
[[ "$got" == 300 ]] || fail "multistream: $got pages, expected 300"
[[ "$(titles "$tmp/out/multistream/pages.jsonl" | tr ',' '\n' | tail -n1)" == "Page 300" ]] ||
  fail "multistream: the last page is not 'Page 300'"
pass "all 300 pages of the 5 bz2 streams, in order"

expect_fails() {
  local name=$1 regex=$2 what=$3
  run_case "$name"
  expect_rc 1 "$what"
  expect_stderr_matches "$regex" "$what: the error says where and what"
  [[ ! -e "$tmp/out/$name/pages.jsonl" ]] || fail "$what: output left under its final name"
  pass "$what: no output under its final name"
}
expect_fails truncated "enwiki-20230320-pages-articles-multistream.xml.bz2.*(truncat|unexpected end|premature|Premature)" "a truncated .bz2"
expect_fails malformed "enwiki-20230320-pages-articles.xml.bz2:[0-9]+: page 2 \\('Broken'\\): malformed XML" "malformed XML"
expect_fails bomb "enwiki-20230320-pages-articles.xml.bz2.*(document type declaration refused|entity)" "an entity-expansion bomb"
done_ok
