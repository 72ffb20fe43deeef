#!/usr/bin/env bash
# CommonCrawl language-id parity: language_id configured as cc_net's lid step
# (split_by_lang.Classifier: raw_content.replace("\n", ""), top-1 lid.176.ftz, score rounded to 2
# decimals, dropped under 0.5) and its keep_lang step (language in {"en"}), on the documents cc_net
# gave those steps (../shared/golden/common_crawl/<set>.after_dedup.jsonl, read with jsonl_source).
# Every output document must equal the golden one field by field, and the drops must be counted
# under the reasons and numbers of the golden summary.json. With threshold 0 (annotate), the label
# and rounded score of every document must be those of the golden <set>.lid_trace.jsonl.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_shared

model=${LOOM_LID_MODEL:-${LOOM_CACHE:-$HOME/.cache/loom}/models/lid.176.ftz}
[[ -f "$model" ]] || skip "fastText model $model absent (scripts/setup.sh installs it)"
golden=$LOOM_SHARED_DIR/golden/common_crawl
[[ -f "$golden/summary.json" ]] || skip "no CommonCrawl golden in $golden"

# Three language_id nodes on the same input: the trace (annotate, no threshold), cc_net's lid
# step alone, and lid then keep_lang in one node (whose drop counts by reason are checked).
cat >"$tmp/lid.yaml" <<'YAML'
version: 1
plugins: [io, langid]
stats: "${OUT}/stats.json"
sources:
  read:
    type: jsonl_source
    with: { paths: ["${IN}"], text_field: raw_content }
filters:
  trace:
    type: language_id
    inputs: [read]
    with: { mode: annotate, model: "${MODEL}", newlines: remove, label_field: language, score_field: language_score, score_digits: 2 }
  lid:
    type: language_id
    inputs: [read]
    with: { mode: filter, threshold: 0.5, model: "${MODEL}", newlines: remove, label_field: language, score_field: language_score, score_digits: 2 }
  keep_lang:
    type: language_id
    inputs: [read]
    with: { mode: filter, threshold: 0.5, languages: [en], model: "${MODEL}", newlines: remove, label_field: language, score_field: language_score, score_digits: 2 }
sinks:
  write_trace:
    type: jsonl_sink
    inputs: [trace]
    with: { path: "${OUT}/trace.jsonl", text_field: raw_content, meta_field: "", compression: none }
  write_lid:
    type: jsonl_sink
    inputs: [lid]
    with: { path: "${OUT}/after_lid.jsonl", text_field: raw_content, meta_field: "", compression: none }
  write_keep_lang:
    type: jsonl_sink
    inputs: [keep_lang]
    with: { path: "${OUT}/after_keep_lang.jsonl", text_field: raw_content, meta_field: "", compression: none }
YAML

for set in wet dolma_docs; do
  out=$tmp/$set
  loom_run "$set" run "$tmp/lid.yaml" --set "IN=$golden/$set.after_dedup.jsonl" \
    --set "OUT=$out" --set "MODEL=$model" --threads 2
  expect_rc 0 "language_id on $set.after_dedup.jsonl"
  "$PYTHON" - "$golden" "$set" "$out" <<'PY' || fail "$set: output differs from the golden (above)"
import json, sys

golden, name, out = sys.argv[1:4]
read = lambda path: [json.loads(line) for line in open(path, encoding="utf-8")]
summary = json.load(open(f"{golden}/summary.json"))[name]
failures = []

# Documents: every field equal (language_score as a number), the new fields last, same order.
for step in ("after_lid", "after_keep_lang"):
    want, got = read(f"{golden}/{name}.{step}.jsonl"), read(f"{out}/{step}.jsonl")
    if len(want) != len(got):
        failures.append(f"{step}: {len(got)} documents, golden {len(want)}")
    for i, (w, g) in enumerate(zip(want, got)):
        fields = lambda d: [k for k in d if k != "raw_content"]
        if w != g or fields(w) != fields(g):
            failures.append(f"{step} doc {i + 1} ({w.get('url')}): golden "
                            f"{ {k: w.get(k) for k in ('language', 'language_score')} } fields "
                            f"{fields(w)}, output "
                            f"{ {k: g.get(k) for k in ('language', 'language_score')} } fields "
                            f"{fields(g)}")
    print(f"{step}: {len(got)} documents compared")

# Trace: label and rounded score of every document, threshold 0.
want = read(f"{golden}/{name}.lid_trace.jsonl")
got = [{"url": d["url"], "lid_label": d["language"], "lid_score": d["language_score"]}
       for d in read(f"{out}/trace.jsonl")]
failures += [f"trace: golden {w}, output {g}" for w, g in zip(want, got) if w != g]
if len(want) != len(got):
    failures.append(f"trace: {len(got)} documents, golden {len(want)}")
print(f"lid_trace: {len(got)} documents compared")

# Drop counts under their own reasons, as cc_net's summary counts them.
nodes = json.load(open(f"{out}/stats.json"))["nodes"]
if isinstance(nodes, dict):
    nodes = [dict(v, id=k) for k, v in nodes.items()]
dropped = {n["id"]: n["dropped_by_reason"] for n in nodes}
checks = [
    ("lid score < 0.5", dropped["lid"].get("score_below_threshold", 0),
     summary["drop_lid_score_lt_0.5"]),
    ("lid drops other than the score", sum(dropped["lid"].values()) -
     dropped["lid"].get("score_below_threshold", 0), 0),
    ("keep_lang: lid score < 0.5", dropped["keep_lang"].get("score_below_threshold", 0),
     summary["drop_lid_score_lt_0.5"]),
    ("keep_lang: not en", dropped["keep_lang"].get("language_not_listed", 0),
     summary["drop_keep_lang_not_en"]),
    ("documents out", len(read(f"{out}/after_keep_lang.jsonl")), summary["docs_out"]),
]
for what, value, expected in checks:
    if value != expected:
        failures.append(f"{what}: {value}, golden summary {expected} (stats: {dropped})")
print("drop counts:", {n: d for n, d in dropped.items() if n in ("lid", "keep_lang")})
for f in failures:
    print("MISMATCH", f, file=sys.stderr)
sys.exit(1 if failures else 0)
PY
  pass "$set: after_lid, after_keep_lang and lid_trace equal the golden; drops counted as summary.json"
done
done_ok
