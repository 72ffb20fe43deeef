#!/usr/bin/env bash
# Common Crawl WET parsing parity: wet_source with min_chars 1 on the corpus WET files (the cc_net
# fixture sample.warc.txt and the gzip whirlwind.warc.wet.gz) must give exactly the fields of
# ../shared/golden/common_crawl/wet_parsed_minlen1.jsonl (cc_net's parse_warc_file, min_len=1,
# cc_segment = file name), field by field, text = raw_content; min_chars 300 (cc_net's mining
# default) drops exactly one of the four documents; WARC files with request/response records
# give no document.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_shared
[[ -f "$LOOM_PLUGIN_DIR/libloom_commoncrawl.so" ]] || skip "the commoncrawl plugin is not built"

corpus=$LOOM_SHARED_DIR/corpus/common_crawl
golden=$LOOM_SHARED_DIR/golden/common_crawl/wet_parsed_minlen1.jsonl

cat >"$tmp/read.yaml" <<'YAML'
version: 1
plugins: [commoncrawl, io]
stats: "${OUT}/stats.json"
sources:
  read:
    type: wet_source
    with:
      paths: ["${IN1}", "${IN2}"]
      min_chars: ${MIN}
sinks:
  write:
    type: jsonl_sink
    inputs: [read]
    with:
      path: "${OUT}/docs.jsonl"
      compression: none
      meta_field: ""
      json_style: compact
YAML
run_min() {
  loom_run "min$1" run "$tmp/read.yaml" --set "IN1=$corpus/cc_net/sample.warc.txt" \
    --set "IN2=$corpus/whirlwind/whirlwind.warc.wet.gz" --set "OUT=$tmp/out$1" --set "MIN=$1" \
    --threads 2
  expect_rc 0 "wet_source with min_chars $1"
}

run_min 1
"$PYTHON" - "$golden" "$tmp/out1/docs.jsonl" <<'PY' || fail "min_chars 1 differs from wet_parsed_minlen1.jsonl"
import json, sys
want = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
got = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
if len(want) != len(got):
    sys.exit(f"documents: golden {len(want)}, output {len(got)}")
bad = 0
for i, (w, g) in enumerate(zip(want, got)):
    g = dict(g)
    g["raw_content"] = g.pop("text")
    for key in w:
        if w[key] != g.get(key):
            bad += 1
            print(f"doc {i + 1} field {key}: golden {w[key]!r:.200} output {g.get(key)!r:.200}")
    extra = set(g) - set(w)
    if extra:
        bad += 1
        print(f"doc {i + 1}: fields not in the golden: {sorted(extra)}")
    order = [k for k in g if k != "raw_content"]
    if order != [k for k in w if k != "raw_content"]:
        bad += 1
        print(f"doc {i + 1}: meta order {order}")
sys.exit(1 if bad else 0)
PY
pass "min_chars 1: $(wc -l <"$tmp/out1/docs.jsonl") documents, every field equal to the golden"

run_min 300
"$PYTHON" - "$golden" "$tmp/out300/docs.jsonl" "$tmp/out300/stats.json" <<'PY' || fail "min_chars 300 does not drop exactly the short document"
import json, sys
want = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
got = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
kept = [w["url"] for w in want if len(w["raw_content"]) >= 300]
assert len(kept) == len(want) - 1, kept
assert [g["url"] for g in got] == kept, [g["url"] for g in got]
stats = json.load(open(sys.argv[3]))
node = next(n for n in stats["nodes"] if n["id"] == "read")
assert node["dropped_by_reason"].get("too_short") == 1, node
PY
pass "min_chars 300 drops exactly one of the four documents (counted as too_short)"

# WARC files (request, response, metadata records) hold no conversion record: no document.
warcs=("$corpus/whirlwind/whirlwind.warc.gz" "$corpus"/dolma/*.warc.gz "$corpus"/resiliparse/*.warc.gz)
for warc in "${warcs[@]}"; do
  name=$(basename "$warc")
  loom_run "warc_$name" run "$tmp/read.yaml" --set "IN1=$warc" --set "IN2=$warc" \
    --set "OUT=$tmp/warc_$name" --set "MIN=1" --threads 2
  expect_rc 0 "wet_source on the WARC file $name"
  [[ ! -s "$tmp/warc_$name/docs.jsonl" ]] || fail "$name gave documents"
  pass "$name: no document"
done
done_ok
