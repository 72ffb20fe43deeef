#!/usr/bin/env bash
# Dedup across the ranks of `mpirun -n R loom run` (docs/guides/scale-out.md): with R = 1, 2, 3
# ranks and 1 and 2 threads, the output files are byte-identical to one process's, and so are the
# job's counts, on inputs built from ../shared with duplicates planted in shards that land on
# different ranks. One case per run (argument):
#   github        graphs/redpajama/github.yaml (exact_dedup on content_hash): the golden BigQuery
#                 rows split into 4 shards, rows of shards 0 and 1 copied into shards 3 and 2.
#   common_crawl  tests/graphs/data/mpi_cc_dedup.yaml (url_digest_dedup, ccnet_line_dedup over
#                 the job and in groups of 2 shards, exact_dedup) on 6 WET shards from
#                 make_wet_shards.py (digests repeated across shards, a URL kept on one rank
#                 coming back on another, a URL twice in one shard, lines shared across shards).
#   books         graphs/redpajama/books.yaml (simhash_dedup) with one output file per shard on 5
#                 shards of the reference's pg19 rows: the three near-duplicate editions placed
#                 in shards after their originals' (on other ranks at -n 2 and 3), and two more
#                 near-duplicates (upper-cased, punctuation changed) in the last shard.
#   bad_input     the same graph with a truncated gzip shard on rank 2 of 3: one error naming it
#                 and the rank, every rank exits 1, no output, no rank left waiting.
#   kill_resume   kill -9 of rank 1 of 2 at random moments of that graph (several attempts), then
#                 a rerun: byte-identical to one process, no manifest or temporary file left.
# Skips, saying what is missing, without ../shared, mpirun, or MPI in this loom.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
case_name=${1:?case}
require_shared
source "$tests_dir/mpi_lib.sh"

# parity NAME GRAPH STATS_PATH ARGS...: one process, then R = 1, 2, 3 ranks at 1 and 2 threads:
# the same files and the same counts. Outputs in $tmp/NAME/single and $tmp/NAME/r<R>t<T>.
parity() {
  local name=$1 graph=$2 stats=$3 ranks threads out
  shift 3
  loom_run "$name" run "$graph" --set "OUT=$tmp/$name/single" "$@" --threads 2 --quiet \
    --batch-bytes 3000
  expect_rc 0 "$name: one process"
  for ranks in 1 2 3; do
    for threads in 1 2; do
      out=$tmp/$name/r${ranks}t$threads
      mpi_run "$name-r${ranks}t$threads" "$ranks" run "$graph" --set "OUT=$out" "$@" \
        --threads "$threads" --batch-bytes 3000
      expect_rc 0 "$name: -n $ranks --threads $threads"
      expect_rank_codes "$ranks" 0 "$name: -n $ranks --threads $threads"
      same_tree "$tmp/$name/single" "$out" "$name: -n $ranks --threads $threads: outputs as one process's"
      stats_totals_equal "$tmp/$name/single/$stats" "$out/$stats" "$ranks" ||
        fail "$name: -n $ranks --threads $threads: the job's counts differ from one process's"
      pass "$name: -n $ranks --threads $threads: the job's counts are one process's"
      [[ -z "$(find "$out" -name '*.resume*' -o -name '*.loom-tmp-*')" ]] ||
        fail "manifests or temporary files left in $out"
    done
  done
}

case "$case_name" in
github)
  golden=$LOOM_SHARED_DIR/golden/github/github_input.jsonl.gz
  tokenizer=$LOOM_SHARED_DIR/tokenizers/gpt-neox-20b/tokenizer.json
  [[ -f "$golden" && -f "$tokenizer" ]] || skip "no $golden or $tokenizer"
  mkdir -p "$tmp/data/github"
  # 4 shards of the golden rows; shard 3 repeats rows 0-4 (shard 0's, rank 0 at -n 2 and 3),
  # shard 2 repeats rows 30-32 (shard 1's).
  "$PYTHON" - "$golden" "$tmp/data/github" <<'PY'
import gzip, sys
rows = gzip.open(sys.argv[1], "rt", encoding="utf-8").read().splitlines(keepends=True)
size = (len(rows) + 3) // 4
shards = [rows[k * size:(k + 1) * size] for k in range(4)]
shards[3] += rows[0:5]
shards[2] += rows[30:33]
for k, shard in enumerate(shards):
    with gzip.open(f"{sys.argv[2]}/part-{k}.jsonl.gz", "wt", encoding="utf-8") as f:
        f.write("".join(shard))
PY
  parity github "$LOOM_SOURCE_DIR/graphs/redpajama/github.yaml" github/stats.json \
    --set "DATA=$tmp/data" --set "NEOX_TOKENIZER=$tokenizer"
  single_drops=$(stat_value "$tmp/github/single/github/stats.json" dedup docs_dropped)
  ((single_drops >= 8)) || fail "the planted copies were not all dropped ($single_drops drops)"
  pass "github: exact_dedup dropped $single_drops duplicates, the planted cross-shard copies among them"
  ;;
common_crawl)
  corpus=$LOOM_SHARED_DIR/corpus/common_crawl
  mkdir -p "$tmp/data"
  "$PYTHON" "$tests_dir/make_wet_shards.py" "$corpus/cc_net/sample.warc.txt" \
    "$corpus/whirlwind/whirlwind.warc.wet.gz" --out "$tmp/data" --shards 6 --docs 40 ||
    fail "make_wet_shards.py failed"
  parity cc "$tests_dir/data/mpi_cc_dedup.yaml" cc/stats.json --set "DATA=$tmp/data"
  # The planted cases, decided as one process decides them (not only as the single run did).
  last=$tmp/cc/r3t1/cc/documents/part-5.wet.jsonl
  ! grep -q '"url": "https://copy.example.org/a"' "$last" ||
    fail "a copy of shard 0's document under another URL survived on the last rank"
  grep -q '"url": "https://example.org/0/7"' "$last" ||
    fail "a URL kept on rank 0 lost its record on the last rank"
  grep -q '"url": "https://example.org/1/2"' "$last" ||
    fail "the same URL and digest as in shard 1 was dropped on the last rank"
  pass "common_crawl: the cross-rank cases are decided by RedPajama's rule"
  drops=$(stat_value "$tmp/cc/single/cc/stats.json" documents docs_dropped)
  ((drops >= 3)) || fail "url_digest_dedup dropped only $drops documents"
  ! grep -q "Boilerplate: all rights reserved" "$tmp/cc/r3t2/cc/part-5.wet.jsonl" ||
    fail "a line every fifth document has survived ccnet_line_dedup on the last rank"
  ! grep -q "Across groups: shards 0 and 2" "$tmp/cc/r3t2/cc/part-0.wet.jsonl" ||
    fail "a line of shards 0 and 2 (ranks 0 and 1) survived the job-wide line dedup"
  pass "common_crawl: url_digest_dedup dropped $drops documents, shared lines removed on every rank"
  # Line dedup in groups of 2 shards (cc_net's hash_in_mem): also one process's output; a line
  # shared only across groups survives, so the output differs from the one-group run.
  parity cc_groups "$tests_dir/data/mpi_cc_dedup.yaml" cc/stats.json --set "DATA=$tmp/data" \
    --set GROUP=2
  ! grep -q "Boilerplate: all rights reserved" "$tmp/cc_groups/r3t1/cc/part-0.wet.jsonl" ||
    fail "a line eight documents of shard 0 have survived the group's line dedup"
  grep -q "Across groups: shards 0 and 2" "$tmp/cc_groups/r3t1/cc/part-0.wet.jsonl" ||
    fail "a line that only one document of group 0 has was removed"
  pass "common_crawl: groups of 2 shards deduplicate lines within each group only"
  ;;
books)
  golden=$LOOM_SHARED_DIR/golden/books/pg19_000.jsonl.gz
  [[ -f "$golden" ]] || skip "no $golden"
  mkdir -p "$tmp/data/books"
  # Rows 1/2, 3/4 and 6/7 are the golden's near-duplicate pairs (the second of each is dropped);
  # 3 and 5 share fingerprint blocks without being near. At -n 3 the shards go 0 | 1 2 | 3 4.
  "$PYTHON" - "$golden" "$tmp/data/books" <<'PY'
import gzip, json, sys
rows = [json.loads(l) for l in gzip.open(sys.argv[1], "rt", encoding="utf-8")]
def variant(row, title):
    return dict(row, short_book_title=title, text=row["text"].upper().replace(",", ";"))
shards = [[rows[1], rows[3]], [rows[6], rows[5]], [rows[2]], [rows[7], rows[4]],
          [variant(rows[5], "shouted angler"), rows[0], variant(rows[1], "shouted nowhere")]]
for k, shard in enumerate(shards):
    with gzip.open(f"{sys.argv[2]}/part-{k}.jsonl.gz", "wt", encoding="utf-8") as f:
        f.write("".join(json.dumps(r) + "\n" for r in shard))
PY
  parity books "$LOOM_SOURCE_DIR/graphs/redpajama/books.yaml" books/stats.json \
    --set "DATA=$tmp/data" --set "BOOK_FILE={shard}.jsonl"
  drops=$(stat_value "$tmp/books/single/books/stats.json" near_dup docs_dropped)
  [[ $drops == 5 ]] || fail "simhash_dedup dropped $drops books, expected the 5 planted"
  for title in "shouted angler" "shouted nowhere"; do
    ! cat "$tmp/books/r3t1/books/"*.jsonl | grep -q "\"short_book_title\": \"$title\"" ||
      fail "the near-duplicate '$title' (last shard) survived on rank 2 of 3"
  done
  # One process writing one file: the per-shard files, in shard order, are its lines.
  loom_run books_one_file run "$LOOM_SOURCE_DIR/graphs/redpajama/books.yaml" \
    --set "DATA=$tmp/data" --set "OUT=$tmp/books/one_file" --quiet
  expect_rc 0 "books.yaml writing one file"
  for k in 0 1 2 3 4; do
    # A shard whose books were all dropped has no file.
    if [[ -f "$tmp/books/r3t2/books/part-$k.jsonl" ]]; then cat "$tmp/books/r3t2/books/part-$k.jsonl"; fi
  done >"$tmp/books/joined.jsonl"
  cmp -s "$tmp/books/joined.jsonl" "$tmp/books/one_file/books/book.jsonl" ||
    fail "the per-shard files of -n 3 joined in shard order differ from book.jsonl"
  [[ -f "$tmp/books/r3t1/books/part-4.jsonl" ]] || fail "the last rank's kept book was not written"
  pass "books: 5 near-duplicates dropped across ranks; the per-shard files joined are book.jsonl"
  ;;
bad_input)
  # The last shard (rank 2's) is cut inside its gzip stream: rank 2 fails while the others wait
  # for it in the dedupers' first exchange, or are still reading: one error, every rank exits 1,
  # no output file (the dedupers' decisions were never made), no hang.
  corpus=$LOOM_SHARED_DIR/corpus/common_crawl
  mkdir -p "$tmp/data"
  "$PYTHON" "$tests_dir/make_wet_shards.py" "$corpus/cc_net/sample.warc.txt" \
    "$corpus/whirlwind/whirlwind.warc.wet.gz" --out "$tmp/data" --shards 6 --docs 40 ||
    fail "make_wet_shards.py failed"
  gzip -c "$tmp/data/part-5.wet" | head -c 3000 >"$tmp/data/part-5.wet.gz"
  rm "$tmp/data/part-5.wet"
  # mpirun would kill the other ranks once the first exits non-zero, maybe before their exit
  # codes are recorded: let every rank end on its own.
  OMPI_MCA_orte_abort_on_non_zero_status=0 mpi_run bad 3 run "$tests_dir/data/mpi_cc_dedup.yaml" \
    --set "DATA=$tmp/data" --set "OUT=$tmp/out" --threads 1
  expect_rank_codes 3 1 "a truncated shard on rank 2 of a dedup graph"
  [[ $(count_matches "error: " "$last_err") == 1 ]] ||
    { cat "$last_err" >&2; fail "not exactly one error printed"; }
  expect_stderr_matches "error: .*part-5\.wet\.gz.*truncated" "the one error names the bad shard"
  expect_stderr_matches "note: reported by rank 2 \(.*\) of 3 ranks" "the error names the rank"
  [[ -z "$(find "$tmp/out" -name '*.jsonl' -o -name '*.loom-tmp-*')" ]] ||
    fail "output left behind: $(find "$tmp/out" -type f)"
  "$PYTHON" -c 'import json,sys; s=json.load(open(sys.argv[1])); assert [r["status"] for r in s["ranks"]]==["stopped","stopped","failed"], s["ranks"]' \
    "$tmp/out/cc/stats.json" || fail "stats.json does not say rank 2 failed and the others stopped"
  pass "stats.json: rank 2 failed, ranks 0 and 1 stopped"
  ;;
kill_resume)
  # kill -9 of rank 1 at random moments of the run (reading, exchanging keys,
  # replaying and writing; several attempts, each resuming the last), then a rerun:
  # byte-identical to one process.
  corpus=$LOOM_SHARED_DIR/corpus/common_crawl
  mkdir -p "$tmp/data"
  "$PYTHON" "$tests_dir/make_wet_shards.py" "$corpus/cc_net/sample.warc.txt" \
    "$corpus/whirlwind/whirlwind.warc.wet.gz" --out "$tmp/data" --shards 4 --docs 1500 ||
    fail "make_wet_shards.py failed"
  graph=$tests_dir/data/mpi_cc_dedup.yaml
  flags=(--threads 1 --batch-bytes 1 --checkpoint-seconds 0.02)
  started=$(date +%s.%N)
  loom_run single run "$graph" --set "DATA=$tmp/data" --set "OUT=$tmp/single" --threads 1 \
    --quiet
  expect_rc 0 "one process"
  # Kill within the time one process takes (a rank's share is smaller, but mpirun's start-up is
  # added): on a fast, idle machine the whole run takes about a second, on a loaded one several.
  delay=$("$PYTHON" -c "print(max(0.3, $(date +%s.%N) - $started))")
  out=$tmp/out
  kill_rank1_attempts 4 "" "$delay" run "$graph" --set "DATA=$tmp/data" --set "OUT=$out" "${flags[@]}"
  ((killed > 0)) || fail "rank 1 had always finished before the kill"
  pass "rank 1 killed with SIGKILL in $killed of 4 attempts; mpirun named the rank and its host"
  mpi_run final 2 run "$graph" --set "DATA=$tmp/data" --set "OUT=$out" "${flags[@]}"
  expect_rc 0 "the rerun after the kills"
  expect_rank_codes 2 0 "the rerun after the kills"
  same_tree "$tmp/single" "$out" "resumed distributed dedup output vs one process"
  leftover=$(find "$out" -name '*.loom-tmp-*' -o -name '*.resume*')
  [[ -z "$leftover" ]] || fail "left behind after the resumed run: $leftover"
  pass "no temporary file and no manifest left"
  ;;
*) fail "unknown case $case_name" ;;
esac
done_ok
