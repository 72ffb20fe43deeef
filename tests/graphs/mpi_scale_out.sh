#!/usr/bin/env bash
# `mpirun -n R loom run` (docs/guides/scale-out.md), one case per run (argument):
#   parity        C4 with R = 1, 2, 3 ranks and 1 and 2 threads writes the same files, byte for
#                 byte, as one process; rank 0 writes one stats.json whose totals are the single
#                 run's, with one entry per rank; the summary is printed once; with --task the
#                 ranks of each task cover exactly that task's files.
#   bad_input     a truncated shard on the last rank: one error (naming the shard and the rank),
#                 the same non-zero exit code on every rank, no half-written output.
#   peer_stop     one rank fails at once while the other has seconds of work: the other stops
#                 early (status "stopped"), only the failure's error is printed, same exit codes.
#   kill_resume   kill -9 of rank 1 at random moments (several attempts): mpirun ends the job naming
#                 the rank and host; rerunning resumes each rank from its own manifest to output
#                 byte-identical to one process, leaving no manifest or temporary file.
#   refuse_dedup  a graph with a deduper that cannot exchange its keys across ranks (the faults
#                 plugin's local_only_dedup) on 2 ranks is refused (exit 78 on every rank, one error naming the node), writing
#                 nothing, and so is a sink writing one file for all shards; on 1 rank the dedup
#                 graph runs as one process. (Dedup across ranks: mpi_dedup.sh.)
# Skips, saying what is missing, without mpirun or when loom was built without MPI.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
case_name=${1:?case}

source "$tests_dir/mpi_lib.sh"
graph=$LOOM_SOURCE_DIR/graphs/redpajama/c4.yaml

case "$case_name" in
parity)
  if [[ -d "$LOOM_SHARED_DIR/corpus/c4" ]]; then
    data=$LOOM_SHARED_DIR/corpus
  else
    echo "note: ../shared absent; using examples/sample (one shard: ranks past 0 get none)"
    data=$LOOM_SOURCE_DIR/examples/sample
  fi
  # OpenMPI is in a module of its own (libloom_mpi.so), loaded only by a launched process: the
  # dynamic loader's logs (LD_DEBUG=files) show it absent from one process, present on ranks.
  LD_DEBUG=files LD_DEBUG_OUTPUT=$tmp/ld.single loom_run single run "$graph" --set "DATA=$data" \
    --set "OUT=$tmp/single" --threads 2 --quiet --batch-bytes 20000
  expect_rc 0 "one process"
  compgen -G "$tmp/ld.single.*" >/dev/null || fail "no dynamic loader log of the single run"
  grep -q 'file=libtbb' "$tmp"/ld.single.* || fail "the single run's loader log lacks libtbb"
  ! grep -Eq 'file=[^ ]*(libmpi|libopen-pal|loom_mpi)' "$tmp"/ld.single.* ||
    fail "one process (no MPI launcher) loaded OpenMPI or loom's MPI module"
  pass "one process loads neither OpenMPI nor loom's MPI module"
  for ranks in 1 2 3; do
    for threads in 1 2; do
      out=$tmp/r${ranks}t$threads
      # The ranks inherit mpirun's environment: one job's loader logs.
      debug=""
      [[ $ranks == 2 && $threads == 1 ]] && debug=files
      LD_DEBUG=$debug LD_DEBUG_OUTPUT=$tmp/ld.ranks mpi_run "r${ranks}t$threads" "$ranks" run \
        "$graph" --set "DATA=$data" --set "OUT=$out" --threads "$threads" --batch-bytes 20000
      expect_rc 0 "-n $ranks --threads $threads"
      expect_rank_codes "$ranks" 0 "-n $ranks --threads $threads"
      same_tree "$tmp/single" "$out" "-n $ranks --threads $threads: outputs as one process's"
      stats_totals_equal "$tmp/single/c4/stats.json" "$out/c4/stats.json" "$ranks" ||
        fail "-n $ranks --threads $threads: stats.json totals differ from the single run's"
      pass "-n $ranks --threads $threads: one stats.json with the single run's totals"
      [[ $(count_matches '^done: ' "$last_err") == 1 ]] || fail "summary not printed exactly once"
      [[ -z "$(find "$out" -name '*.resume*' -o -name '*.loom-tmp-*')" ]] ||
        fail "manifests or temporary files left: $(find "$out" -name '*.resume*' -o -name '*.loom-tmp-*')"
      pass "-n $ranks --threads $threads: summary once, no manifest or temporary file left"
    done
  done
  [[ $(grep -l 'file=[^ ]*libloom_mpi.so' "$tmp"/ld.ranks.* 2>/dev/null | wc -l) == 2 ]] ||
    fail "the 2 ranks' loader logs do not show each loading libloom_mpi.so"
  pass "each rank of a launched job loaded loom's MPI module"
  # --report: one page, by rank 0, agreeing with the job's stats.json and listing every rank.
  mpi_run report 3 run "$graph" --set "DATA=$data" --set "OUT=$tmp/report" --threads 1 \
    --report "$tmp/report/page.html"
  expect_rc 0 "-n 3 --report"
  "$PYTHON" "$tests_dir/report_page.py" page "$tmp/report/page.html" "$tmp/report/c4/stats.json" \
    >/dev/null || fail "the job's report page does not agree with its stats.json"
  [[ $(grep -o '"rank":' "$tmp/report/page.html" | wc -l) == 3 ]] || fail "the page does not list 3 ranks"
  [[ -z "$(find "$tmp/report" -name '*.loom-tmp-*')" ]] || fail "temporary files left by --report"
  pass "-n 3 --report: one page agreeing with stats.json, listing the 3 ranks"
  # --task 1/2 on 2 ranks: exactly the files of --task 1/2 as one process.
  loom_run task1 run "$graph" --set "DATA=$data" --set "OUT=$tmp/task1" --task 1/2 --quiet
  expect_rc 0 "--task 1/2 as one process"
  mpi_run task1_r2 2 run "$graph" --set "DATA=$data" --set "OUT=$tmp/task1_r2" --task 1/2
  expect_rc 0 "--task 1/2 on 2 ranks"
  same_tree "$tmp/task1" "$tmp/task1_r2" "--task 1/2 on 2 ranks: the task's files"
  ;;
bad_input)
  data=$tmp/data
  make_corpus "$data/c4" --shards 4 --docs-per-shard 50 --format gz
  loom_run single run "$graph" --set "DATA=$data" --set "OUT=$tmp/single" --quiet
  expect_rc 0 "one process on the good input"
  # The last shard in name order is the last rank's (shards are split in order).
  bad=$(cd "$data/c4" && find . -name '*.json.gz' | LC_ALL=C sort | tail -n 1)
  bad=${bad#./}
  head -c 300 "$data/c4/$bad" >"$tmp/cut" && mv "$tmp/cut" "$data/c4/$bad"
  mpi_run bad 2 run "$graph" --set "DATA=$data" --set "OUT=$tmp/out" --threads 2
  [[ $rc != 0 ]] || fail "mpirun exited 0 on a truncated shard"
  expect_rank_codes 2 1 "a truncated shard on rank 1"
  [[ $(count_matches "error: .*${bad//./\\.}" "$last_err") == 1 ]] ||
    { cat "$last_err" >&2; fail "the error naming $bad is not printed exactly once"; }
  expect_stderr_matches "note: reported by rank 1 \(.*\) of 2 ranks" "the error names the rank"
  [[ ! -e "$tmp/out/c4/${bad%.json.gz}.jsonl" ]] || fail "output of the bad shard left behind"
  [[ -z "$(find "$tmp/out" -name '*.loom-tmp-*')" ]] || fail "temporary output files left"
  while IFS= read -r f; do
    cmp -s "$tmp/out/c4/$f" "$tmp/single/c4/$f" || fail "$f is not the complete file"
  done < <(cd "$tmp/out/c4" && find . -name '*.jsonl')
  pass "no half-written output: the bad shard's file is absent, the others are complete"
  "$PYTHON" -c 'import json,sys; s=json.load(open(sys.argv[1])); assert s["status"]=="failed", s["status"]; assert [r["status"] for r in s["ranks"]]==["succeeded","failed"], s["ranks"]' \
    "$tmp/out/c4/stats.json" || fail "stats.json does not say which rank failed"
  pass "stats.json: the job failed, on rank 1"
  ;;
peer_stop)
  # Rank 0: a.jsonl and b.jsonl, 150k one-word documents each, read one per batch (seconds of
  # work); rank 1: c.jsonl (fine) and d.jsonl (invalid JSON on line 1, fails at once).
  data=$tmp/data
  mkdir -p "$data"
  "$PYTHON" -c 'import sys; sys.stdout.write("{\"text\":\"w\"}\n" * 150000)' >"$data/a.jsonl"
  cp "$data/a.jsonl" "$data/b.jsonl"
  echo '{"text":"fine"}' >"$data/c.jsonl"
  echo '{"text": broken' >"$data/d.jsonl"
  cat >"$tmp/copy.yaml" <<YAML
version: 1
plugins: [io]
stats: "$tmp/out/stats.json"
sources:
  read: { type: jsonl_source, with: { paths: ["$data/*.jsonl"] } }
sinks:
  write: { type: jsonl_sink, inputs: [read], with: { path: "$tmp/out/{shard}.jsonl", compression: none } }
YAML
  mpi_run stop 2 run "$tmp/copy.yaml" --threads 1 --batch-bytes 1
  expect_rank_codes 2 1 "a failure on rank 1"
  [[ $(count_matches "error: " "$last_err") == 1 ]] ||
    { cat "$last_err" >&2; fail "not exactly one error printed"; }
  expect_stderr_matches "error: .*d\.jsonl.*" "the one error is rank 1's, naming the bad file"
  "$PYTHON" - "$tmp/out/stats.json" <<'PY' || fail "rank 0 was not stopped early"
import json, sys
s = json.load(open(sys.argv[1]))
r0, r1 = s["ranks"]
assert r1["status"] == "failed", r1
assert r0["status"] == "stopped", r0
assert r0["docs_read"] < 300000, r0
PY
  pass "rank 0 stopped early, before reading its whole share"
  [[ -z "$(find "$tmp/out" -name '*.loom-tmp-*')" ]] || fail "temporary output files left"
  for f in "$tmp"/out/*.jsonl; do
    [[ -e "$f" ]] || continue
    cmp -s "$f" "$data/$(basename "$f")" || fail "$f is not complete"
  done
  pass "no half-written output"
  ;;
kill_resume)
  data=$tmp/data
  # 4 shards of 40k small documents, one per batch with a checkpoint every 20 ms: about
  # a second of work per rank, so the kill lands mid-run.
  mkdir -p "$data/c4"
  "$PYTHON" - "$data/c4" <<'PY'
import gzip, sys
for s in range(4):
    with gzip.open(f"{sys.argv[1]}/part-{s}.json.gz", "wt", compresslevel=1) as f:
        f.write("".join(f'{{"text":"document {s}-{i}","url":"https://e.org/{s}/{i}","date":"2019-04-25"}}\n'
                        for i in range(40000)))
PY
  loom_run single run "$graph" --set "DATA=$data" --set "OUT=$tmp/single" --threads 1 \
    --batch-bytes 1 --checkpoint-seconds 0 --quiet
  flags=(--threads 1 --batch-bytes 1 --checkpoint-seconds 0.02)
  expect_rc 0 "one process"
  out=$tmp/out
  manifest=$out/c4/stats.resume.rank1-of-2.json
  kill_rank1_attempts 3 "$manifest" 0.2 run "$graph" --set "DATA=$data" --set "OUT=$out" "${flags[@]}"
  ((killed > 0)) || fail "rank 1 had always finished before the kill"
  pass "rank 1 killed with SIGKILL in $killed of 3 attempts; mpirun named the rank and its host"
  mpi_run final 2 run "$graph" --set "DATA=$data" --set "OUT=$out" "${flags[@]}"
  expect_rc 0 "the rerun after the kills"
  expect_rank_codes 2 0 "the rerun after the kills"
  same_tree "$tmp/single" "$out" "resumed distributed output vs one process"
  leftover=$(find "$out" -name '*.loom-tmp-*' -o -name '*.resume*')
  [[ -z "$leftover" ]] || fail "left behind after the resumed run: $leftover"
  pass "no temporary file and no manifest left"
  ;;
refuse_dedup)
  data=$tmp/data
  make_corpus "$data/c4" --shards 2 --docs-per-shard 20 --format gz
  cat >"$tmp/dedup.yaml" <<YAML
version: 1
plugins: [io, faults]
sources:
  read: { type: jsonl_source, with: { paths: ["$data/c4/*.json.gz"] } }
dedupers:
  same_text: { type: local_only_dedup, inputs: [read] }
sinks:
  write: { type: jsonl_sink, inputs: [same_text], with: { path: "$tmp/out/{shard}.jsonl" } }
YAML
  mpi_run refused 2 run "$tmp/dedup.yaml" --plugin-path "$LOOM_FAULTS_PLUGIN_DIR"
  expect_rank_codes 2 78 "local_only_dedup on 2 ranks"
  [[ $(count_matches "error: node 'same_text' \(local_only_dedup\) is a deduper" "$last_err") == 1 ]] ||
    { cat "$last_err" >&2; fail "the refusal is not printed exactly once"; }
  pass "the refusal names the node, once"
  [[ ! -e "$tmp/out" ]] || fail "a refused run wrote $(ls "$tmp/out")"
  pass "a refused run writes nothing"
  # A sink writing one file whatever the shard: every rank would replace the others' file.
  sed -e 's/same_text: .*//' -e 's/inputs: \[same_text\]/inputs: [read]/' \
    -e 's|{shard}.jsonl|all.jsonl|' "$tmp/dedup.yaml" >"$tmp/one_file.yaml"
  mpi_run one_file 2 run "$tmp/one_file.yaml" --plugin-path "$LOOM_FAULTS_PLUGIN_DIR"
  expect_rank_codes 2 78 "a sink without {shard} on 2 ranks"
  [[ $(count_matches "error: node 'write' \(jsonl_sink\) does not name its outputs by input shard" "$last_err") == 1 ]] ||
    { cat "$last_err" >&2; fail "the sink's refusal is not printed exactly once"; }
  [[ ! -e "$tmp/out" ]] || fail "a refused run wrote $(ls "$tmp/out")"
  pass "a sink writing one file for all shards is refused, once, writing nothing"
  mpi_run one_rank 1 run "$tmp/dedup.yaml" --plugin-path "$LOOM_FAULTS_PLUGIN_DIR"
  expect_rc 0 "local_only_dedup on 1 rank"
  [[ -n "$(ls "$tmp/out")" ]] || fail "one rank wrote nothing"
  pass "on 1 rank the graph runs"
  ;;
*) fail "unknown case $case_name" ;;
esac
done_ok
