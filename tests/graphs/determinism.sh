#!/usr/bin/env bash
# Determinism: output bytes do not depend on --threads. Runs the C4 graph and a graph with every
# stage kind (.jsonl.zst in and out, a filter's dropped port, an order-sensitive deduper) on a
# generated multi-shard corpus big enough for several batches per shard, with 1 and 2 threads.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

data=$tmp/data
make_corpus "$data/c4" --shards 4 --docs-per-shard 2500 --format gz
make_corpus "$data/zst" --shards 3 --docs-per-shard 1500 --format zst --prefix zst --seed 99

# Smaller batches make more of them, so ordering is really exercised; use the flag if the CLI has it.
extra=()
if "$LOOM" run --help 2>&1 | grep -q -- '--batch-bytes'; then
  extra=(--batch-bytes 65536)
fi

for threads in 1 2; do
  loom_run "c4_t$threads" run "$LOOM_SOURCE_DIR/graphs/redpajama/c4.yaml" \
    --set "DATA=$data" --set "OUT=$tmp/c4_t$threads" --threads "$threads" "${extra[@]}"
  expect_rc 0 "c4.yaml --threads $threads"
done
same_tree "$tmp/c4_t1/c4" "$tmp/c4_t2/c4" "c4.yaml: --threads 1 and --threads 2 outputs"
if ((${#extra[@]})); then
  # Nor on the batch size.
  loom_run c4_default_batch run "$LOOM_SOURCE_DIR/graphs/redpajama/c4.yaml" \
    --set "DATA=$data" --set "OUT=$tmp/c4_default_batch" --threads 2
  expect_rc 0 "c4.yaml with the default batch size"
  same_tree "$tmp/c4_t1/c4" "$tmp/c4_default_batch/c4" "c4.yaml: small and default batch sizes"
fi
n_in=$(for f in "$data"/c4/*.json.gz; do gzip -dc "$f"; done | wc -l)
n_out=$(cat "$tmp"/c4_t1/c4/*.jsonl | wc -l)
[[ "$n_in" == "$n_out" ]] || fail "c4.yaml wrote $n_out docs for $n_in input docs"
pass "c4.yaml kept all $n_in docs"

for threads in 1 2; do
  loom_run "pipe_t$threads" run "$tests_dir/data/pipeline.yaml" \
    --set "DATA=$data" --set "OUT=$tmp/pipe_t$threads" --threads "$threads" "${extra[@]}"
  expect_rc 0 "pipeline.yaml --threads $threads"
done
same_tree "$tmp/pipe_t1" "$tmp/pipe_t2" "pipeline.yaml: --threads 1 and --threads 2 outputs"

# The stages did real work, so the comparison above covered filtering, dedup and zstd output.
zst_files=("$tmp"/pipe_t1/kept/*.jsonl.zst)
[[ -f "${zst_files[0]}" ]] || fail "no .jsonl.zst output in $tmp/pipe_t1/kept"
zstd -q -t "${zst_files[@]}" || fail ".jsonl.zst outputs are not valid zstd"
kept=$(zstd -dc "${zst_files[@]}" | wc -l)
short=$(cat "$tmp"/pipe_t1/short/*.jsonl | wc -l)
total=$((4 * 2500 + 3 * 1500))
((kept > 0 && short > 0)) || fail "expected both kept ($kept) and short ($short) docs"
((kept + short < total)) || fail "exact_dedup removed nothing: kept $kept + short $short = $total inputs"
pass "pipeline kept $kept, sent $short short docs to the dropped port, deduped $((total - kept - short))"

# gzip output (igzip members, one per batch) does not depend on --threads either.
for threads in 1 2; do
  loom_run "gz_t$threads" run "$tests_dir/data/pipeline.yaml" --set "KEPT_EXT=jsonl.gz" \
    --set "DATA=$data" --set "OUT=$tmp/gz_t$threads" --threads "$threads" "${extra[@]}"
  expect_rc 0 "pipeline.yaml with gzip output, --threads $threads"
done
same_tree "$tmp/gz_t1" "$tmp/gz_t2" "pipeline.yaml gzip output: --threads 1 and --threads 2"
gz_files=("$tmp"/gz_t1/kept/*.jsonl.gz)
[[ -f "${gz_files[0]}" ]] || fail "no .jsonl.gz output in $tmp/gz_t1/kept"
gzip -t "${gz_files[@]}" || fail ".jsonl.gz outputs are not valid gzip"
[[ "$(gzip -dc "${gz_files[@]}")" == "$(zstd -dc "${zst_files[@]}")" ]] ||
  fail "the gzip and zstd outputs of the same run differ once decompressed"
"$PYTHON" -c 'import gzip, sys; [gzip.open(f).read() for f in sys.argv[1:]]' "${gz_files[@]}" ||
  fail "Python's gzip module cannot read the .jsonl.gz outputs"
pass "gzip output identical on 1 and 2 threads, readable by gzip and Python"
done_ok
