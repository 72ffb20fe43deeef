#!/usr/bin/env bash
# exact_dedup past its memory budget (memory_budget_mb; docs/runtime.md): graphs/redpajama/
# github.yaml with a budget of 0.001 MB (the least table, 64 slots, so the job's 738 distinct md5s go
# to many sorted runs on disk) writes exactly the files of the default budget (nothing spilled).
# Input: the golden BigQuery rows and 8 variants of each (content changed, so new md5s), in 6
# shards, with rows of early shards repeated in later ones. One case per run (argument):
#   single  one process, 1 and 2 threads; and the budget really spills: with a spill_dir that
#           does not exist, the tiny budget fails naming it while the default budget succeeds.
#   mpi     the tiny budget on R = 1, 2, 3 ranks is the default budget's one-process output.
# Skips, saying what is missing, without ../shared (and, for mpi, mpirun or MPI in this loom).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
case_name=${1:?case}
require_shared
golden=$LOOM_SHARED_DIR/golden/github/github_input.jsonl.gz
tokenizer=$LOOM_SHARED_DIR/tokenizers/gpt-neox-20b/tokenizer.json
[[ -f "$golden" && -f "$tokenizer" ]] || skip "no $golden or $tokenizer"
[[ "$case_name" != mpi ]] || source "$tests_dir/mpi_lib.sh"

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
mkdir -p "$tmp/spill"
common=(--set "DATA=$tmp/data" --set "NEOX_TOKENIZER=$tokenizer" --batch-bytes 3000)

loom_run unbounded run "$graph" --set "OUT=$tmp/unbounded" --set BUDGET_MB=512 \
  --set "SPILL_DIR=$tmp/spill" "${common[@]}" --threads 2 --quiet
expect_rc 0 "the default budget"
drops=$(stat_value "$tmp/unbounded/github/stats.json" dedup docs_dropped)
# 65 repeats planted, some of them of rows the license and path filters drop first.
((drops >= 45)) || fail "exact_dedup dropped only $drops of the planted repeats"

case "$case_name" in
single)
  for threads in 1 2; do
    loom_run "tiny-t$threads" run "$graph" --set "OUT=$tmp/tiny-t$threads" --set BUDGET_MB=0.001 \
      --set "SPILL_DIR=$tmp/spill" "${common[@]}" --threads "$threads" --quiet
    expect_rc 0 "a budget of 0.001 MB, --threads $threads"
    same_tree "$tmp/unbounded" "$tmp/tiny-t$threads" \
      "a budget of 0.001 MB, --threads $threads: the default budget's outputs"
    [[ "$(stat_value "$tmp/tiny-t$threads/github/stats.json" dedup docs_dropped)" == "$drops" ]] ||
      fail "--threads $threads: the tiny budget dropped another number of documents"
  done
  [[ -z "$(ls -A "$tmp/spill")" ]] || fail "spill folders left in $tmp/spill: $(ls "$tmp/spill")"
  pass "no spill folder left behind"
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
    out=$tmp/tiny-r$ranks
    mpi_run "tiny-r$ranks" "$ranks" run "$graph" --set "OUT=$out" --set BUDGET_MB=0.001 \
      --set "SPILL_DIR=$tmp/spill" "${common[@]}" --threads 1
    expect_rc 0 "a budget of 0.001 MB on $ranks ranks"
    expect_rank_codes "$ranks" 0 "a budget of 0.001 MB on $ranks ranks"
    same_tree "$tmp/unbounded" "$out" \
      "a budget of 0.001 MB on $ranks ranks: one process's outputs with the default budget"
    [[ "$(stat_value "$out/github/stats.json" dedup docs_dropped)" == "$drops" ]] ||
      fail "$ranks ranks: the job dropped another number of documents"
  done
  [[ -z "$(ls -A "$tmp/spill")" ]] || fail "spill folders left in $tmp/spill: $(ls "$tmp/spill")"
  pass "no spill folder left behind"
  ;;
*) fail "unknown case $case_name" ;;
esac
done_ok
