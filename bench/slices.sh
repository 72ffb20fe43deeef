#!/usr/bin/env bash
# Per-slice benchmarks (the "slices" section of `make bench`, called by bench/run.sh): for each
# RedPajama graph in graphs/redpajama/ that loom_bench_slices can make input for, builds (once, in
# BUILD_DIR/bench-slices) an input of ~BENCH_SLICE_BYTES in the slice's native format from the
# shared sample, runs the graph with --threads 1 and --threads 2 (best of BENCH_REPEAT runs each,
# the two alternated, through loom_bench_measure for wall time and peak RSS), and prints one
# table, also written to BUILD_DIR/bench-out/slices.tsv.
#
# usage: bench/slices.sh BUILD_DIR FLOOR_MB_PER_S
#   env: BENCH_REPEAT (3), BENCH_SLICE_BYTES (64000000), BENCH_SLICES (space-separated subset)
# A new graph only needs a builder in bench/make_slices.cpp (loom_bench_slices --list); a graph
# without one is listed as such, not silently left out.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "$repo" && realpath -m "$1")
floor=$2
repeat=${BENCH_REPEAT:-3}
target_bytes=${BENCH_SLICE_BYTES:-64000000}
data=$build/bench-slices
out=$build/bench-out
loom=$build/bin/loom
measure=$build/bin/loom_bench_measure
for tool in "$loom" "$build/bin/loom_bench_slices" "$measure"; do
  [[ -x "$tool" ]] || {
    echo "bench: $tool not found: run 'make build' first" >&2
    exit 1
  }
done

buildable=" $("$build/bin/loom_bench_slices" --list | tr '\n' ' ') "
slices=() unsupported=()
for graph in "$repo"/graphs/redpajama/*.yaml; do
  slice=$(basename "$graph" .yaml)
  [[ -z "${BENCH_SLICES:-}" || " $BENCH_SLICES " == *" $slice "* ]] || continue
  if [[ "$buildable" == *" $slice "* ]]; then slices+=("$slice"); else unsupported+=("$slice"); fi
done
((${#slices[@]})) || {
  echo "bench: no slice to benchmark" >&2
  exit 1
}

echo "bench: slice inputs in $data (~$((target_bytes / 1000000)) MB each)"
mkdir -p "$out/slices"
declare -A input_bytes records perturbation
while read -r line; do
  slice=$(sed -n 's/^slice=\([^ ]*\).*/\1/p' <<<"$line")
  input_bytes[$slice]=$(sed -n 's/.* input_bytes=\([0-9]*\).*/\1/p' <<<"$line")
  records[$slice]=$(sed -n 's/.* records=\([0-9]*\).*/\1/p' <<<"$line")
  perturbation[$slice]=$(sed -n 's/.* perturbation=\([^ ]*\).*/\1/p' <<<"$line")
  echo "  $line"
done < <("$build/bin/loom_bench_slices" --shared "$repo/../shared" --out "$data" \
  --target-bytes "$target_bytes" "${slices[@]}")

# stats_summary STATS: "<docs written by the node `write`> <busiest node> <its busy share %>".
stats_summary() {
  tr ',{}[]' '\n\n\n\n\n' <"$1" | awk -F': *' '
    /"id":/ { gsub(/[" ]/, "", $2); id = $2 }
    /"docs_in":/ { if (id == "write") written = $2 + 0 }
    /"busy_seconds":/ { busy[id] = $2 + 0; total += $2 }
    END {
      for (n in busy) if (top == "" || busy[n] > busy[top]) top = n
      printf "%d %s %.0f\n", written, top, (total > 0 ? 100 * busy[top] / total : 0)
    }'
}

# slice_args SLICE: extra `loom run` arguments a slice needs besides DATA and OUT. The Common
# Crawl slice needs its models; the demo stand-ins (scripts/cc_demo_models.sh) have cc_net's
# shapes (SentencePiece unigram, KenLM binary probing n-gram, fastText classifier) but are smaller,
# so perplexity and wikiref cost less per document than with the real 5-gram and model.bin. The
# GitHub slice's token filter needs GPT-NeoX-20B's tokenizer (NEOX_TOKENIZER, else the shared copy).
slice_args() {
  if [[ "$1" == github ]]; then
    echo "--set NEOX_TOKENIZER=${NEOX_TOKENIZER:-$repo/../shared/tokenizers/gpt-neox-20b/tokenizer.json}"
  fi
  if [[ "$1" == common_crawl ]]; then
    local models=$build/cc-demo-models
    bash "$repo/scripts/cc_demo_models.sh" "$models" >&2 || return 1
    echo "--set CC_SP_MODEL=$models/en.sp.model --set CC_LM_MODEL=$models/en.arpa.bin" \
      "--set CC_WIKIREF_MODEL=$models/wikiref.bin"
  fi
}

# run_once SLICE THREADS RUN: one `loom run` of the slice's graph, printed as "<wall seconds>
# <peak RSS kB>"; its output stays in $out/slices/SLICE-tTHREADS (stats_summary reads it).
run_once() {
  local slice=$1 threads=$2 run=$3 args extra=() seconds kb
  local run_out=$out/slices/$slice-t$threads
  args=$(slice_args "$slice") || return 1
  read -ra extra <<<"$args"  # model paths under BUILD_DIR: no spaces expected
  rm -rf "$run_out"
  "$measure" "$run_out.measure" "$loom" run "$repo/graphs/redpajama/$slice.yaml" \
    --set "DATA=$data/$slice" --set "OUT=$run_out" "${extra[@]}" --threads "$threads" \
    --plugin-path "$build/plugins" </dev/null >"$run_out.log" 2>&1 || {
    echo "bench: $slice --threads $threads failed:" >&2
    tail -n 20 "$run_out.log" >&2
    return 1
  }
  seconds=$(sed -n 's/^seconds=\([0-9.]*\).*/\1/p' "$run_out.measure")
  kb=$(sed -n 's/.*max_rss_kb=\([0-9]*\).*/\1/p' "$run_out.measure")
  echo "$slice --threads $threads run $run: ${seconds}s, peak RSS $((kb / 1024)) MB" >&2
  echo "$seconds $kb"
}

# measure SLICE: $repeat runs on one thread and $repeat on two, alternated (1, 2, 1, 2, ...) so
# that both see the same spells of a shared machine's load, where all runs on one thread and then
# all on two could catch different ones; printed as "<best t1 s> <largest t1 RSS kB> <best t2 s>
# <largest t2 RSS kB>". The last one-thread run's stats stay in $out/slices/SLICE-t1.
measure() {
  local slice=$1 i threads line seconds kb
  local -A best=() rss=([1]=0 [2]=0)
  for ((i = 1; i <= repeat; i++)); do
    for threads in 1 2; do
      line=$(run_once "$slice" "$threads" "$i") || return 1
      read -r seconds kb <<<"$line"
      if [[ -z "${best[$threads]:-}" ]] ||
        awk -v a="$seconds" -v b="${best[$threads]}" 'BEGIN { exit !(a < b) }'; then
        best[$threads]=$seconds
      fi
      ((kb > rss[$threads])) && rss[$threads]=$kb
    done
  done
  echo "${best[1]} ${rss[1]} ${best[2]} ${rss[2]}"
}

tsv=$out/slices.tsv
printf 'slice\tinput_mb\tinput_records\tdocs_written\tmb_per_s_t1\tmb_per_s_t2\tspeedup\tt1_share_of_floor\tpeak_rss_mb_t1\tpeak_rss_mb_t2\tbusiest_node_t1\tbusiest_share_t1\tcopies_differ_by\n' >"$tsv"
failed=()
echo
echo "bench: RedPajama slices (best of $repeat)"
for slice in "${slices[@]}"; do
  if ! times=$(measure "$slice"); then
    failed+=("$slice")
    continue
  fi
  read -r t1_s t1_kb t2_s t2_kb <<<"$times"
  t1="$t1_s $t1_kb" t2="$t2_s $t2_kb"
  read -r written busiest busy_share < <(stats_summary "$out/slices/$slice-t1/$slice/stats.json")
  awk -v OFS='\t' -v slice="$slice" -v bytes="${input_bytes[$slice]}" \
    -v recs="${records[$slice]}" -v written="$written" -v t1="$t1" -v t2="$t2" -v floor="$floor" \
    -v busiest="$busiest" -v share="$busy_share" -v how="${perturbation[$slice]}" 'BEGIN {
      split(t1, a, " "); split(t2, b, " "); mb = bytes / 1e6
      print slice, sprintf("%.1f", mb), recs, written, sprintf("%.2f", mb / a[1]),
        sprintf("%.2f", mb / b[1]), sprintf("%.2f", a[1] / b[1]),
        sprintf("%.1f%%", 100 * (mb / a[1]) / floor), sprintf("%.0f", a[2] / 1024),
        sprintf("%.0f", b[2] / 1024), busiest, share "%", how
    }' >>"$tsv"
done

echo
# Issue 16: --threads 2 at least 1.8x --threads 1 for every slice (PASS/MISS beside t2/t1).
awk -F'\t' 'NR == 1 {
    printf "%-13s %8s %8s %8s %9s %9s %7s %5s %8s %8s %8s  %s\n", "slice", "input MB", "records",
      "written", "MB/s t1", "MB/s t2", "t2/t1", ">=1.8", "of floor", "RSS t1", "RSS t2",
      "busiest node (t1)"
    next
  }
  { printf "%-13s %8s %8s %8s %9s %9s %6sx %5s %8s %7sM %7sM  %s (%s)\n", $1, $2, $3, $4, $5, $6,
      $7, ($7 >= 1.8 ? "PASS" : "MISS"), $8, $9, $10, $11, $12 }' "$tsv"
printf '\nMB/s = input MB (uncompressed .gz; arXiv tars as stored, papers inside gzipped) / wall\n'
printf 'seconds of `loom run`, best of runs; "of floor" = MB/s t1 / the floor above (%s MB/s);\n' "$floor"
printf 'RSS = peak resident set of `loom run`, largest over the runs; written = docs reaching the\n'
printf 'node `write`. Table in %s\n' "$tsv"
for slice in "${unsupported[@]}"; do
  echo "bench: graphs/redpajama/$slice.yaml: no bench input builder (bench/make_slices.cpp), not measured"
done
if ((${#failed[@]})); then
  echo "bench: ${#failed[@]} slice(s) failed: ${failed[*]}" >&2
  exit 1
fi
