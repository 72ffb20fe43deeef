#!/usr/bin/env bash
# The dedupers past their memory budget (memory_budget_mb; docs/runtime.md): with a budget of
# 0.001 MB (the least table and sort buffer, so their state goes to many sorted runs on disk) a
# graph writes exactly the files of the default budget (nothing spilled). One case per run:
#   single     graphs/redpajama/github.yaml (exact_dedup on content_hash), one process, 1 and 2
#              threads, on the golden BigQuery rows and 8 variants of each (content changed, so
#              new md5s: 738 distinct reach the dedup) in 6 shards, with rows of early shards
#              repeated in later ones; and the budget really spills: with a spill_dir that does
#              not exist, the tiny budget fails naming it while the default budget succeeds.
#   mpi        the same with the tiny budget on R = 1, 2, 3 ranks: one process's output with the
#              default budget, exact_dedup's keys exchanged in many key-range parts.
#   cc_single  tests/graphs/data/mpi_cc_dedup.yaml (url_digest_dedup, ccnet_line_dedup,
#              exact_dedup) on 6 WET shards from make_wet_shards.py with all three at 0.001 MB,
#              one process, 1 and 2 threads; and ccnet_line_dedup alone at 0.001 MB spills (its
#              missing spill folder fails the run), its set of lines found twice too (it logs
#              so); cc_mpi: on 1, 2, 3 ranks, ccnet_line_dedup's line hashes exchanged in many
#              key-range parts, from one walk of its spilled runs, its duplicated set spilled,
#              and url_digest_dedup's digests and URLs exchanged in many key-range parts.
# Skips, saying what is missing, without ../shared (and, for mpi, mpirun or MPI in this loom).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
case_name=${1:?case}
require_shared
[[ "$case_name" != *mpi ]] || source "$tests_dir/mpi_lib.sh"
mkdir -p "$tmp/spill"

# same_as_unbounded NAME RANKS ARGS...: a run with the tiny budget (RANKS 0: one process) writes
# $tmp/unbounded's files, leaves no spill folder, and drops as many documents at node $node.
same_as_unbounded() {
  local name=$1 ranks=$2
  shift 2
  if ((ranks == 0)); then
    loom_run "$name" run "$graph" --set "OUT=$tmp/$name" --set BUDGET_MB=0.001 \
      --set "SPILL_DIR=$tmp/spill" "${common[@]}" "$@" --quiet
  else
    mpi_run "$name" "$ranks" run "$graph" --set "OUT=$tmp/$name" --set BUDGET_MB=0.001 \
      --set "SPILL_DIR=$tmp/spill" "${common[@]}" "$@"
  fi
  expect_rc 0 "$name: a budget of 0.001 MB"
  ((ranks == 0)) || expect_rank_codes "$ranks" 0 "$name: a budget of 0.001 MB"
  same_tree "$tmp/unbounded" "$tmp/$name" "$name: a budget of 0.001 MB: the default budget's outputs"
  [[ "$(stat_value "$tmp/$name/$stats" "$node" docs_dropped)" == "$drops" ]] ||
    fail "$name: the tiny budget dropped another number of documents at $node"
  [[ -z "$(ls -A "$tmp/spill")" ]] || fail "spill folders left in $tmp/spill: $(ls "$tmp/spill")"
}

# many_parts NAME PREFIX: the last run logged (PREFIX as an ERE) ", exchanged in N parts" with
# N >= 10, the same N on every rank.
many_parts() {
  local parts
  parts=$(grep -Eo "$2, exchanged in [0-9]+ parts" "$last_err" | grep -Eo '[0-9]+ parts' | sort -u)
  [[ "$(grep -c . <<<"$parts")" == 1 && "${parts%% *}" -ge 10 ]] ||
    fail "$1: not exchanged in 10 or more parts agreed by every rank (logged: ${parts:-nothing})"
  pass "$1: ${2%%:*} exchanged in $parts, agreed by every rank"
}

# unbounded: the default budget, one process, 2 threads; sets $drops at $node.
unbounded() {
  loom_run unbounded run "$graph" --set "OUT=$tmp/unbounded" --set BUDGET_MB=512 \
    --set "SPILL_DIR=$tmp/spill" "${common[@]}" --threads 2 --quiet
  expect_rc 0 "the default budget"
  drops=$(stat_value "$tmp/unbounded/$stats" "$node" docs_dropped)
}

if [[ "$case_name" == cc_* ]]; then
  mkdir -p "$tmp/data"
  "$PYTHON" "$tests_dir/make_wet_shards.py" \
    "$LOOM_SHARED_DIR/corpus/common_crawl/cc_net/sample.warc.txt" \
    "$LOOM_SHARED_DIR/corpus/common_crawl/whirlwind/whirlwind.warc.wet.gz" --out "$tmp/data" \
    --shards 6 --docs 70 || fail "make_wet_shards.py failed"
  # A seventh shard repeats every other line of each earlier document (with a line of its own),
  # so that hundreds of lines are found twice: enough for ccnet_line_dedup's duplicated set to
  # spill at 0.001 MB.
  "$PYTHON" - "$tests_dir" "$tmp/data" <<'PY' || fail "the seventh shard could not be written"
import sys
sys.path.insert(0, sys.argv[1])
import make_wet_shards as wet
data = sys.argv[2]
texts = wet.wet_texts([f"{data}/part-{s}.wet" for s in range(6)])
with open(f"{data}/part-6.wet", "wb") as out:
    for i, text in enumerate(texts):
        body = text.splitlines()[::2] + [f"A line of its own {wet.tag(i)}."]
        out.write(wet.record(f"https://lines.example.org/{i}", "\n".join(body), 100000 + i))
PY
  graph=$tmp/cc_budget.yaml
  "$PYTHON" - "$tests_dir/data/mpi_cc_dedup.yaml" "$graph" <<'PY'
import sys
text = open(sys.argv[1]).read()
budget = '    with:\n      memory_budget_mb: ${BUDGET_MB}\n      spill_dir: "${SPILL_DIR}"\n'
for node in ("    type: url_digest_dedup\n    inputs: [read]\n",
             "    type: exact_dedup\n    inputs: [lines]\n"):
    assert node in text, node
    text = text.replace(node, node + budget)
lines = "      group_shards: ${GROUP:-0}\n"
assert lines in text
text = text.replace(lines, lines + '      memory_budget_mb: ${LINES_BUDGET_MB:-1024}\n'
                    '      spill_dir: "${SPILL_DIR}"\n')
open(sys.argv[2], "w").write(text)
PY
  common=(--set "DATA=$tmp/data" --batch-bytes 3000)
  stats=cc/stats.json node=documents
  unbounded
  ((drops >= 3)) || fail "url_digest_dedup dropped only $drops documents"
  # At 0.001 MB ccnet_line_dedup's set of lines found in two documents goes to disk as well.
  dup_spilled='ccnet_line_dedup: [1-9][0-9]* lines found in two or more documents, held on disk \([1-9][0-9]* sorted runs'
  ! grep -Eq "$dup_spilled" "$last_err" || fail "the default budget spilled the duplicated lines"
  if [[ "$case_name" == cc_single ]]; then
    for threads in 1 2; do
      same_as_unbounded "cc-t$threads" 0 --threads "$threads" --set LINES_BUDGET_MB=0.001
      expect_stderr_matches "$dup_spilled" "cc-t$threads: the lines found twice spilled too"
    done
    loom_run cc-lines-no-dir run "$graph" --set "OUT=$tmp/cc-lines-no-dir" --set BUDGET_MB=512 \
      --set LINES_BUDGET_MB=0.001 --set "SPILL_DIR=$tmp/no-such-dir" "${common[@]}" --quiet
    [[ "$rc" != 0 ]] ||
      fail "ccnet_line_dedup at 0.001 MB ran without its spill folder: it never spilled"
    expect_stderr_matches "node 'lines' \(ccnet_line_dedup.*spill folder in $tmp/no-such-dir" \
      "ccnet_line_dedup at 0.001 MB spills: its missing spill folder is the run's error"
    loom_run cc-no-dir run "$graph" --set "OUT=$tmp/cc-no-dir" --set BUDGET_MB=0.001 \
      --set "SPILL_DIR=$tmp/no-such-dir" "${common[@]}" --quiet
    [[ "$rc" != 0 ]] || fail "the tiny budget ran without its spill folder: it never spilled"
    expect_stderr_matches "node 'documents' \(url_digest_dedup.*spill folder in $tmp/no-such-dir" \
      "the tiny budget spills: its missing spill folder is the run's error"
  else
    for ranks in 1 2 3; do
      same_as_unbounded "cc-r$ranks" "$ranks" --threads 1 --set LINES_BUDGET_MB=0.001
      expect_stderr_matches "$dup_spilled" "cc-r$ranks: the lines found twice spilled too"
      # The line hashes went out in key-range parts, one round each.
      ((ranks == 1)) ||
        many_parts "cc-r$ranks" 'ccnet_line_dedup: [0-9]+ line hashes on the busiest rank'
      # So did url_digest_dedup's first digests and URLs.
      ((ranks == 1)) || many_parts "cc-r$ranks" 'url_digest_dedup: [0-9]+ keys on the busiest rank'
    done
  fi
  done_ok
  exit 0
fi

golden=$LOOM_SHARED_DIR/golden/github/github_input.jsonl.gz
tokenizer=$LOOM_SHARED_DIR/tokenizers/gpt-neox-20b/tokenizer.json
[[ -f "$golden" && -f "$tokenizer" ]] || skip "no $golden or $tokenizer"
mkdir -p "$tmp/data/github"
"$PYTHON" - "$golden" "$tmp/data/github" <<'PY'
import gzip, json, sys
golden = [json.loads(l) for l in gzip.open(sys.argv[1], "rt", encoding="utf-8")]
rows = list(golden)
for k in range(8):
    rows += [dict(r, content=r["content"] + f"\n# variant {k}\n") for r in golden]
shards = [rows[s::6] for s in range(6)]
shards[5] += shards[0][:40]   # repeats on the last rank at -n 2 and 3
shards[3] += shards[1][10:30]
shards[1] += shards[1][:5]    # repeats within a shard
for k, shard in enumerate(shards):
    with gzip.open(f"{sys.argv[2]}/part-{k}.jsonl.gz", "wt", encoding="utf-8") as f:
        f.writelines(json.dumps(r) + "\n" for r in shard)
PY
# The graph with the budget and spill folder as variables.
graph=$tmp/github_budget.yaml
sed 's/^      key: content_hash$/      key: content_hash\n      memory_budget_mb: ${BUDGET_MB}\n      spill_dir: "${SPILL_DIR}"/' \
  "$LOOM_SOURCE_DIR/graphs/redpajama/github.yaml" >"$graph"
grep -q 'memory_budget_mb: ${BUDGET_MB}' "$graph" || fail "github.yaml's exact_dedup node moved"
common=(--set "DATA=$tmp/data" --set "NEOX_TOKENIZER=$tokenizer" --batch-bytes 3000)
stats=github/stats.json node=dedup
unbounded
# 65 repeats planted, some of them of rows the license and path filters drop first.
((drops >= 45)) || fail "exact_dedup dropped only $drops of the planted repeats"

case "$case_name" in
single)
  for threads in 1 2; do same_as_unbounded "tiny-t$threads" 0 --threads "$threads"; done
  loom_run no-dir-default run "$graph" --set "OUT=$tmp/no-dir-default" --set BUDGET_MB=512 \
    --set "SPILL_DIR=$tmp/no-such-dir" "${common[@]}" --quiet
  expect_rc 0 "the default budget never needs its spill folder"
  loom_run no-dir-tiny run "$graph" --set "OUT=$tmp/no-dir-tiny" --set BUDGET_MB=0.001 \
    --set "SPILL_DIR=$tmp/no-such-dir" "${common[@]}" --quiet
  [[ "$rc" != 0 ]] || fail "the tiny budget ran without its spill folder: it never spilled"
  expect_stderr_matches "spill folder in $tmp/no-such-dir" \
    "the tiny budget spills: its missing spill folder is the run's error"
  ;;
mpi)
  for ranks in 1 2 3; do
    same_as_unbounded "tiny-r$ranks" "$ranks" --threads 1
    # The keys went out in key-range parts, one round each.
    ((ranks == 1)) || many_parts "tiny-r$ranks" 'exact_dedup: [0-9]+ keys on the busiest rank'
  done
  ;;
*) fail "unknown case $case_name" ;;
esac
done_ok
