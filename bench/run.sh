#!/usr/bin/env bash
# Benchmarks (`make bench`): builds the benchmark corpus from ../shared/corpus (once), measures the
# floor (loom_bench_floor: the same libraries and settings in a tight single-threaded loop), then
# times bench/passthrough.yaml with `loom run --threads 1` and `--threads 2`, and prints a table
# against the targets: passthrough >= 70% of the floor on one thread, >= 1.8x speedup on two.
# Then each RedPajama graph on its own input built from the shared sample (bench/slices.sh: MB/s
# per core, speedup on two threads, share of the floor, peak RSS; build/bench-out/slices.tsv), and
# bench/stackexchange_memory.sh when it exists (a StackExchange dump far larger than memory).
# Also the datatrove comparison (bench/datatrove_gopher_lid.sh: graphs/recipes/
# datatrove_gopher_lid.yaml in MB of text per CPU-second, against 20x datatrove), cc_net's own code
# against the Common Crawl stages (bench/ccnet_reference.sh, against 20x cc_net), and
# minhash_dedup in documents per CPU-second on 2 KB synthetic documents (bench/minhash_dedup.sh),
# its index's memory on 10 million documents (bench/minhash_memory.cpp),
# and dedup across MPI ranks against one process (bench/mpi_dedup.sh).
# And the passthrough with its input on a local S3 server against disk (bench/s3_read.sh).
#
# usage: bench/run.sh [BUILD_DIR]      env: BENCH_REPEAT (runs per measurement, best kept; 3),
#   BENCH_SLICE_BYTES, BENCH_SLICES (see bench/slices.sh)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "$repo" && realpath -m "${1:-build}")
repeat=${BENCH_REPEAT:-3}
corpus=$repo/../shared/corpus
data=$build/bench-data
out=$build/bench-out
loom=$build/bin/loom

for tool in "$loom" "$build/bin/loom_bench_corpus" "$build/bin/loom_bench_floor"; do
  [[ -x "$tool" ]] || {
    echo "bench: $tool not found: run 'make build' first" >&2
    exit 1
  }
done
[[ -d "$corpus" ]] || {
  echo "bench: $corpus not found: the benchmark corpus is cut from the shared corpus" >&2
  exit 1
}

echo "bench: corpus in $data"
"$build/bin/loom_bench_corpus" --corpus "$corpus" --out "$data"
total_line=$(grep '^total ' "$data/manifest.txt")
input_bytes=$(sed -n 's/.*jsonl_bytes=\([0-9]*\).*/\1/p' <<<"$total_line")
input_docs=$(sed -n 's/.*docs=\([0-9]*\).*/\1/p' <<<"$total_line")
echo "bench: $input_docs docs, $((input_bytes / 1000000)) MB of JSON lines"

echo
echo "bench: floor (best of $repeat)"
floor=$("$build/bin/loom_bench_floor" "$data" --repeat "$repeat" | tee /dev/stderr |
  sed -n 's/^floor_mb_per_s=//p')

# best_seconds THREADS: runs the passthrough graph $repeat times, prints the best wall time.
best_seconds() {
  local threads=$1 best="" start end seconds
  for ((i = 1; i <= repeat; i++)); do
    rm -rf "$out/t$threads"
    start=$(date +%s.%N)
    "$loom" run "$repo/bench/passthrough.yaml" --set "DATA=$data" --set "OUT=$out/t$threads" \
      --threads "$threads" --plugin-path "$build/plugins" </dev/null >"$out/t$threads.log" 2>&1 || {
      echo "bench: loom run --threads $threads failed:" >&2
      tail -n 20 "$out/t$threads.log" >&2
      exit 1
    }
    end=$(date +%s.%N)
    seconds=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')
    echo "passthrough --threads $threads run $i: ${seconds}s" >&2
    if [[ -z "$best" ]] || awk -v a="$seconds" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$seconds
    fi
  done
  echo "$best"
}

mkdir -p "$out"
echo
echo "bench: passthrough graph (best of $repeat)"
t1=$(best_seconds 1)
written=$(zstd -dc "$out"/t1/*.jsonl.zst | wc -l)
[[ "$written" == "$input_docs" ]] || {
  echo "bench: the passthrough wrote $written docs, expected $input_docs: not a valid measurement" >&2
  exit 1
}
t2=$(best_seconds 2)

awk -v bytes="$input_bytes" -v floor="$floor" -v t1="$t1" -v t2="$t2" 'BEGIN {
  mb = bytes / 1e6; p1 = mb / t1; p2 = mb / t2; share = 100 * p1 / floor; speedup = t1 / t2
  printf "\n%-34s %10s %14s %8s\n", "measurement", "MB/s", "target", "result"
  printf "%-34s %10.1f %14s %8s\n", "floor (1 thread, tight loop)", floor, "-", "-"
  printf "%-34s %10.1f %14s %8s\n", "passthrough --threads 1", p1, ">= 70% floor", (share >= 70 ? "PASS" : "MISS")
  printf "%-34s %9.0f%% %14s %8s\n", "  as a share of the floor", share, "", ""
  printf "%-34s %10.1f %14s %8s\n", "passthrough --threads 2", p2, ">= 1.8x", (speedup >= 1.8 ? "PASS" : "MISS")
  printf "%-34s %9.2fx %14s %8s\n", "  speedup over 1 thread", speedup, "", ""
  printf "\nMB/s = uncompressed input JSON lines (%.1f MB) / wall-clock seconds; best of runs.\n", mb
}'

# Language id: libfasttext's predictLine against Loom's FastClassifier (language_id's inference),
# single-threaded, same model (lid.176.ftz) and documents, in one run (bench/langid.cpp).
model=${LOOM_CACHE:-$HOME/.cache/loom}/models/lid.176.ftz
echo
if [[ -x "$build/bin/loom_bench_langid" && -f "$model" ]]; then
  echo "bench: language id, predictLine vs FastClassifier (best of $repeat, target >= 15x cold)"
  "$build/bin/loom_bench_langid" "$corpus" "$model" --repeat "$repeat" ||
    echo "bench: language id: no valid measurement (see the message above)" >&2
else
  echo "bench: language id skipped: needs $build/bin/loom_bench_langid and $model (scripts/setup.sh)"
fi

# cc_net's line hashing (normalize_for_dedup + sha1[:8], what ccnet_line_dedup does per line) and
# normalize() per core on the corpus texts, against 300 MB/s for the line hash (issue 16).
echo
if [[ -x "$build/bin/loom_bench_ccnet_normalizer" ]]; then
  echo "bench: cc_net normalizer and line hash (best of $repeat)"
  "$build/bin/loom_bench_ccnet_normalizer" "$corpus" --repeat "$repeat" ||
    echo "bench: cc_net normalizer: no valid measurement" >&2
else
  echo "bench: cc_net normalizer skipped: needs $build/bin/loom_bench_ccnet_normalizer"
fi

# Perplexity (normalize + SentencePiece + n-gram model) in docs/s per core on ~2.3 KB documents,
# C4 web text, with the real models the perplexity tests build (bench/perplexity.cpp).
models=$build/test-data/perplexity-models-v1
echo
if [[ -x "$build/bin/loom_bench_perplexity" && -f "$models/complete" ]]; then
  for lm in lm5.arpa lm3.bin; do
    echo "bench: perplexity with $lm (best of $repeat)"
    "$build/bin/loom_bench_perplexity" "$corpus/c4" "$models/sp.model" "$models/$lm" \
      --repeat "$repeat" || echo "bench: perplexity: no valid measurement" >&2
  done
else
  echo "bench: perplexity skipped: needs $build/bin/loom_bench_perplexity and the models" \
    "the perplexity tests build (ctest -R plugin_perplexity)"
fi

# The datatrove comparison: JSONL -> gopher_quality -> language_id -> JSONL on real C4 text, MB of
# text per CPU-second against 20x datatrove (bench/datatrove_gopher_lid.sh).
echo
bash "$repo/bench/datatrove_gopher_lid.sh" "$build" ||
  echo "bench: datatrove comparison: no valid measurement (see the message above)" >&2
# GPT-NeoX-20B token counting: Loom's tokenizer against Hugging Face tokenizers (npm 0.23.2,
# batch encode, one thread) on the same corpus texts, side by side (bench/tokens.cpp,
# bench/tokens_hf.js); the counts must be identical.
neox=$repo/../shared/tokenizers/gpt-neox-20b/tokenizer.json
hf_modules=${LOOM_CACHE:-$HOME/.cache/loom}/npm/tokenizers-0.23.2/node_modules
echo
if [[ -x "$build/bin/loom_bench_tokens" && -f "$neox" ]]; then
  echo "bench: GPT-NeoX-20B token counts, Loom vs Hugging Face tokenizers (best of $repeat, target >= 3x)"
  texts=$out/tokens-texts.jsonl
  mkdir -p "$out"
  loom_line=$("$build/bin/loom_bench_tokens" "$corpus" "$neox" --repeat "$repeat" --dump "$texts" |
    tee /dev/stderr | tail -n1) || loom_line=""
  if [[ -n "$loom_line" && -f "$hf_modules/tokenizers/package.json" ]] && command -v node >/dev/null; then
    hf_line=$(RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false NODE_PATH=$hf_modules \
      node "$repo/bench/tokens_hf.js" "$neox" "$texts" "$repeat" | tee /dev/stderr | tail -n1) || hf_line=""
    awk -v loom="$loom_line" -v hf="$hf_line" 'BEGIN {
      n = split(loom " " hf, kv, " ")
      for (i = 1; i <= n; i++) { split(kv[i], p, "="); v[p[1] (p[1] == "tokens" ? seen++ : "")] = p[2] }
      if (v["hf_mb_s"] == "" || v["tokens0"] != v["tokens1"]) {
        printf "bench: tokens: no valid comparison (token totals %s and %s)\n", v["tokens0"], v["tokens1"]; exit
      }
      ratio = v["loom_mb_s"] / v["hf_mb_s"]
      printf "%-44s %8.1fx  %s (identical totals: %s tokens)\n", "Loom / Hugging Face, MB/s per core", ratio,
             (ratio >= 3 ? "PASS" : "MISS"), v["tokens0"]
      if (v["loom_load_ms"] > 0 && v["hf_load_ms"] > 0)
        printf "%-44s %8.1fx  (%s ms against %s ms; no target)\n", "Hugging Face / Loom, tokenizer load time",
               v["hf_load_ms"] / v["loom_load_ms"], v["loom_load_ms"], v["hf_load_ms"]
    }'
  else
    echo "bench: tokens: Hugging Face side skipped: needs node and $hf_modules (scripts/setup.sh)"
  fi
  rm -f "$texts"
else
  echo "bench: tokens skipped: needs $build/bin/loom_bench_tokens and $neox"
fi

# minhash_dedup end to end on 2 KB synthetic documents, against 20,000 documents per CPU-second.
echo
echo "bench: minhash_dedup (bench/minhash_dedup.sh)"
bash "$repo/bench/minhash_dedup.sh" "$build" ||
  echo "bench: minhash_dedup: no valid measurement (see the message above)" >&2
# Its index's memory on 10 million documents (bench/minhash_memory.cpp).
if [[ -x "$build/bin/loom_bench_minhash_memory" ]]; then
  echo "bench: minhash_dedup index memory (bench/minhash_memory.cpp)"
  "$build/bin/loom_bench_minhash_memory" --docs "${BENCH_MINHASH_INDEX_DOCS:-10000000}" ||
    echo "bench: minhash index memory: no valid measurement (see the message above)" >&2
fi

# Dedup across ranks: 2 ranks x 1 thread against 1 process x 2 threads (target >= 0.9), and
# the bytes each deduper's exchange moves per document (bench/mpi_dedup.sh).
echo
bash "$repo/bench/mpi_dedup.sh" "$build" ||
  echo "bench: dedup across ranks: no valid measurement (see the message above)" >&2

# The dedupers' memory budget: peak RSS and CPU all in memory against spilled (issue 12).
echo
bash "$repo/bench/dedup_spill.sh" "$build" ||
  echo "bench: dedup spill: no valid measurement (see the message above)" >&2

# Input from a local S3 server against the same input from disk, one thread, >= 90%.
echo
echo "bench: reading from S3 (bench/s3_read.sh)"
bash "$repo/bench/s3_read.sh" "$build" ||
  echo "bench: s3 read: no valid measurement (see the message above)" >&2

echo
bash "$repo/bench/slices.sh" "$build" "$floor"

# Common Crawl against cc_net's own code on the same WET (the slices' input), one thread each,
# the same documents kept: MB of WET per CPU-second against 20x cc_net (bench/ccnet_reference.sh).
if [[ -d "$build/bench-slices/common_crawl" ]]; then
  echo
  bash "$repo/bench/ccnet_reference.sh" "$build" ||
    echo "bench: cc_net comparison: no valid measurement (see the message above)" >&2
fi

if [[ -f "$repo/bench/stackexchange_memory.sh" ]]; then
  echo
  echo "bench: stackexchange dump larger than memory (bench/stackexchange_memory.sh)"
  bash "$repo/bench/stackexchange_memory.sh" "$build"
fi
