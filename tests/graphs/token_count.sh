#!/usr/bin/env bash
# token_count end to end: the C4 slice's golden output through graphs/tools/count_tokens.yaml
# (two threads, with the run report): each document's count equals Hugging Face's
# (../shared/golden/tokens/neox20b_docs.jsonl.gz), stats.json and the report total the slice's
# tokens (summary.json), and a tokenizer.json with an unsupported part fails validation naming
# the JSON path.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_shared
tokenizer=$LOOM_SHARED_DIR/tokenizers/gpt-neox-20b/tokenizer.json
golden=$LOOM_SHARED_DIR/golden
[[ -f "$tokenizer" && -f "$golden/tokens/neox20b_docs.jsonl.gz" ]] || skip "no GPT-NeoX tokenizer or token goldens"
graph=$LOOM_SOURCE_DIR/graphs/tools/count_tokens.yaml

loom_run count run "$graph" --set "DATA=$golden/c4" --set "FILES=*.jsonl" --set "OUT=$tmp/out" \
  --set "NEOX_TOKENIZER=$tokenizer" --threads 2 --report "$tmp/report.html"
expect_rc 0 "token_count over the C4 golden output"

"$PYTHON" - "$tmp/out" "$golden/tokens" "$tmp/report.html" <<'PY' || fail "token counts differ (see above)"
import gzip, json, os, re, sys
out, tokens, report = sys.argv[1:4]
want = {}
for line in gzip.open(os.path.join(tokens, "neox20b_docs.jsonl.gz"), "rt"):
    d = json.loads(line)
    if d["slice"] == "c4":
        want[(os.path.basename(d["file"]), d["line"])] = d["n_tokens"]
bad = seen = 0
for name in sorted(os.listdir(out)):
    if not name.endswith(".jsonl"):
        continue
    for number, line in enumerate(open(os.path.join(out, name)), 1):
        got = json.loads(line)["meta"]["token_count"]
        seen += 1
        if got != want[(name, number)]:
            bad += 1
            print(f"{name} line {number}: {got} tokens, Hugging Face {want[(name, number)]}")
total = json.load(open(os.path.join(tokens, "summary.json")))["slices"]["c4"]["tokens"]
nodes = {n["id"]: n for n in json.load(open(os.path.join(out, "stats.json")))["nodes"]}
stats_total = nodes["count"].get("meta_totals", {}).get("token_count")
print(f"documents {seen} (golden {len(want)}), stats.json total {stats_total} (golden {total})")
html = open(report).read()
in_report = re.search(r'"field":\s*"token_count"[^}]*?"sum":\s*([0-9.e+]+)', html)
print(f"report: token_count sum {in_report and in_report.group(1)}")
ok = (bad == 0 and seen == len(want) and stats_total == total and in_report
      and float(in_report.group(1)) == total)
sys.exit(0 if ok else 1)
PY
pass "every C4 document's token_count equals Hugging Face's; stats.json and the report total them"

loom_run graph_test test "$graph" --set "DATA=$tmp/none" --set "OUT=$tmp/out3" \
  --set "NEOX_TOKENIZER=$tokenizer"
expect_rc 0 "the graph's own test (loom test)"

printf '{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, "normalizer": {"type": "Lowercase"}}' \
  >"$tmp/unsupported.json"
loom_run refuse validate "$graph" --set "DATA=$golden/c4" --set "OUT=$tmp/out2" \
  --set "NEOX_TOKENIZER=$tmp/unsupported.json"
expect_rc 78 "validate with an unsupported tokenizer.json"
expect_stderr_matches "unsupported.json: normalizer.type: normalizer 'Lowercase' is not supported" \
  "the error names the file and the JSON path"
done_ok
