#!/usr/bin/env bash
# GitHub parity: graphs/redpajama/github.yaml on the BigQuery-form rows the reference consumed
# (../shared/golden/github/github_input.jsonl.gz) must write deduped.jsonl and, after every
# filter including the alpha/token one, filtered_with_token_filter.jsonl byte for byte, and drop
# exactly what the reference dropped, for the same reasons (filter_decisions.jsonl, summary.json,
# ../shared/golden/tokens/github_alpha_token.jsonl).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_shared

golden=$LOOM_SHARED_DIR/golden/github
[[ -f "$golden/github_input.jsonl.gz" ]] || skip "no $golden/github_input.jsonl.gz"
tokenizer=$LOOM_SHARED_DIR/tokenizers/gpt-neox-20b/tokenizer.json
[[ -f "$tokenizer" ]] || skip "no $tokenizer"
data=$tmp/data
mkdir -p "$data/github"
ln -s "$golden/github_input.jsonl.gz" "$data/github/github_input.jsonl.gz"
out=$tmp/out

loom_run github run "$LOOM_SOURCE_DIR/graphs/redpajama/github.yaml" \
  --set "DATA=$data" --set "OUT=$out" --set "NEOX_TOKENIZER=$tokenizer" --threads 2
expect_rc 0 "github.yaml on the golden input rows"

same_bytes() {
  local want=$1 got=$2
  [[ -f "$got" ]] || fail "missing output $got"
  if ! cmp -s "$want" "$got"; then
    cmp "$want" "$got" >&2 || true
    line=$(cmp "$want" "$got" 2>/dev/null | sed -n 's/.* line \([0-9]*\)$/\1/p')
    if [[ -n "$line" ]]; then
      echo "--- golden line $line:" >&2
      sed -n "${line}p" "$want" | tail -c 700 >&2
      echo "--- output line $line:" >&2
      sed -n "${line}p" "$got" | tail -c 700 >&2
    fi
    fail "$got differs from $want"
  fi
  pass "$(basename "$want") is byte-identical ($got)"
}
same_bytes "$golden/filtered_with_token_filter.jsonl" "$out/github/github_input.jsonl"
same_bytes "$golden/deduped.jsonl" "$out/github/deduped/github_input.jsonl"

# Every drop, per node and reason, against the reference's own counts.
stats=$out/github/stats.json
"$PYTHON" - "$stats" "$golden/summary.json" "$golden/filter_decisions.jsonl" \
  "$LOOM_SHARED_DIR/golden/tokens/github_alpha_token.jsonl" <<'PY' || fail "drop counts differ from the reference (see above)"
import collections, json, sys
stats, summary, decisions, alpha_token = sys.argv[1:5]
nodes = json.load(open(stats))["nodes"]
if isinstance(nodes, list):
    nodes = {n["id"]: n for n in nodes}
def dropped(node):
    return {k: v for k, v in nodes[node]["dropped_by_reason"].items() if v}
ref = json.load(open(summary))
want_quality = dict(collections.Counter(
    json.loads(l)["reason"] for l in open(decisions) if not json.loads(l)["kept"]))
checks = [
    ("rows read", nodes["read"]["docs_kept"], ref["docs_in"]),
    ("license drops", dropped("license"),
     {"license_" + k: v for k, v in ref["license_drop_by_license"].items()}),
    ("path drops", sum(dropped("paths").values()), ref["drop_local_path_crt_or_LICENSE"]),
    ("dedup drops", sum(dropped("dedup").values()),
     ref["drop_local_md5_dup"] + ref["drop_global_dedup"]),
    ("quality drops", dropped("quality"), want_quality),
    ("quality drops (summary)", dropped("quality"), ref["drop_by_filter"]),
    ("alpha/token drops", dropped("tokens"), {"alpha_per_token<1.5": sum(
        not json.loads(l)["kept"] for l in open(alpha_token))}),
    ("alpha/token kept", nodes["tokens"]["docs_kept"], sum(
        json.loads(l)["kept"] for l in open(alpha_token))),
]
bad = 0
for what, got, want in checks:
    print(("ok" if got == want else "MISMATCH") + f": {what}: got {got}, reference {want}")
    bad += got != want
sys.exit(1 if bad else 0)
PY
pass "drops per node and reason equal the reference's summary.json, filter_decisions.jsonl and github_alpha_token.jsonl"
done_ok
