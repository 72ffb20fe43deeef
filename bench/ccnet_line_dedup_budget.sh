#!/usr/bin/env bash
# ccnet_line_dedup past its memory budget: peak RSS and CPU time (user + system, best of
# BENCH_REPEAT runs, /usr/bin/time -v) of bench/ccnet_line_dedup_budget.yaml at --threads 1 on
# bench/common_crawl_memory.sh's input (loom_bench_slices' common_crawl builder, BENCH_CC_BYTES of
# WET, letter-permuted copies of the corpus's pages) plus a copy of its first BENCH_CC_COPIES
# shards under other names (every line of those is then found twice: the duplicated set is
# large, and the second pass finds many of its lines), with each memory_budget_mb of
# BENCH_BUDGETS_MB, on 1 process and on BENCH_RANKS ranks (when mpirun is there). Prints one line
# per run, with a digest of the output (the same on every line, or the budget changed the output).
#
# usage: bench/ccnet_line_dedup_budget.sh BUILD_DIR [LABEL]
# env: BENCH_REPEAT (2), BENCH_CC_BYTES (300000000), BENCH_CC_COPIES (3),
#      BENCH_BUDGETS_MB ("1024 16 4"), BENCH_RANKS ("2"; "" for none), BENCH_CC_DIR (work folder,
#      default BUILD_DIR/bench-ccnet-line-dedup; the input is kept there for the next run)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(realpath -m "${1:?usage: ccnet_line_dedup_budget.sh BUILD_DIR [LABEL]}")
label=${2:-run}
repeat=${BENCH_REPEAT:-2}
bytes=${BENCH_CC_BYTES:-300000000}
copies=${BENCH_CC_COPIES:-3}
work=$(realpath -m "${BENCH_CC_DIR:-$build/bench-ccnet-line-dedup}")
loom=$build/bin/loom
slices=$build/bin/loom_bench_slices
[[ -x "$slices" ]] || slices=$repo/build/bin/loom_bench_slices
[[ -x "$loom" && -x "$slices" ]] || {
  echo "bench: $loom or loom_bench_slices not found (ninja -C build loom loom_bench_slices)" >&2
  exit 1
}
[[ -x /usr/bin/time ]] || {
  echo "bench: skipped: /usr/bin/time not found (package time)"
  exit 0
}

input=$work/input-$bytes-$copies
if [[ ! -f "$input/complete" ]]; then
  rm -rf "$input"
  "$slices" --shared "$repo/../shared" --out "$input/made" --target-bytes "$bytes" common_crawl |
    grep '^slice=common_crawl '
  mkdir -p "$input/wet"
  k=0
  for f in $(find "$input/made" -name '*.wet.gz' | LC_ALL=C sort); do
    mv "$f" "$input/wet/a-$(printf %05d $k).wet.gz"
    ((k < copies)) && cp "$input/wet/a-$(printf %05d $k).wet.gz" "$input/wet/b-$(printf %05d $k).wet.gz"
    k=$((k + 1))
  done
  touch "$input/complete"
fi

out=$work/out-$label
spill=$work/spill-$label
trap 'rm -rf "$out" "$spill"' EXIT

# run NAME BUDGET_MB RANKS: the best of $repeat runs.
run() {
  local name=$1 budget=$2 ranks=$3 best="" line cpu launch=()
  ((ranks > 0)) && launch=(mpirun --oversubscribe --allow-run-as-root --bind-to none -n "$ranks")
  for ((i = 0; i < repeat; i++)); do
    rm -rf "$out" "$spill"
    mkdir -p "$out" "$spill"
    /usr/bin/time -v -o "$work/time-$label.txt" "${launch[@]}" "$loom" run \
      "$repo/bench/ccnet_line_dedup_budget.yaml" --set "DATA=$input/wet" --set "OUT=$out" \
      --set "BUDGET_MB=$budget" --set "SPILL_DIR=$spill" --plugin-path "$build/plugins" \
      --threads 1 --quiet >"$work/log-$label.txt" 2>&1 || {
      echo "bench: the run failed:" >&2
      tail -n 20 "$work/log-$label.txt" >&2
      exit 1
    }
    f() { sed -n "s/^[[:space:]]*$1: *//p" "$work/time-$label.txt"; }
    cpu=$(awk -v u="$(f 'User time (seconds)')" -v s="$(f 'System time (seconds)')" \
      'BEGIN { printf "%.2f", u + s }')
    line="$label $name budget_mb=$budget mpi_ranks=${ranks/#0/none} cpu_s=$cpu"
    line+=" user_s=$(f 'User time (seconds)') sys_s=$(f 'System time (seconds)')"
    line+=" peak_rss_mb=$(($(f 'Maximum resident set size (kbytes)') / 1024))"
    line+=" output_sha256=$(find "$out" -name '*.jsonl' | LC_ALL=C sort | xargs cat |
      sha256sum | cut -c1-16)"
    line+=" $(grep -o 'ccnet_line_dedup: [0-9]* lines found.*written' "$work/log-$label.txt" |
      head -n 1 | sed 's/ccnet_line_dedup: \([0-9]*\) lines.*(\([0-9]*\) sorted.*/duplicated_set_on_disk=\1_lines_\2_runs/' || true)"
    if [[ -z "$best" ]] || awk -v a="$cpu" -v b="${best#*cpu_s=}" 'BEGIN { exit !(a < b + 0) }'; then
      best=$line
    fi
  done
  echo "$best load=$(cut -d' ' -f1 /proc/loadavg)"
}

for budget in ${BENCH_BUDGETS_MB:-1024 16 4}; do run lines "$budget" 0; done
if command -v mpirun >/dev/null; then
  for ranks in ${BENCH_RANKS-2}; do
    for budget in ${BENCH_BUDGETS_MB:-1024 16 4}; do run lines "$budget" "$ranks"; done
  done
fi
