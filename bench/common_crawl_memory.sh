#!/usr/bin/env bash
# Memory and disk of the Common Crawl graph on a large WET input (issue 16 target 3: 10 GB of
# WET with peak RSS at most 1 GB and extra disk at most 10% of the input).
#
# Builds ~BENCH_CC_BYTES of WET (bytes of WET records, before gzip) with loom_bench_slices's
# common_crawl builder: the corpus's real Common Crawl pages (../shared/golden/common_crawl),
# copy k > 0 with its letters permuted by the k-th permutation and its URL made unique. So a line
# with letters is new in every copy (line dedup keeps it: the line hash table grows with the input,
# the worst case for its memory), while lines without letters (numbers, dates, punctuation) repeat
# across copies and are removed, as boilerplate is in real crawls. Then runs
# graphs/redpajama/common_crawl.yaml on it with the demo models (scripts/cc_demo_models.sh) under
# /usr/bin/time -v, sampling the size of the spill folder (--spill-dir, a folder of its own) every
# second, and prints one line:
#   input_mb=... docs_written=... wall_s=... cpu_s=... mb_per_cpu_s=... peak_rss_mb=...
#   extra_disk_peak_mb=... extra_disk_share=...% output_sha256=... second_pass=...
#
# usage: bench/common_crawl_memory.sh BUILD_DIR [LABEL]
#   BUILD_DIR: the build whose bin/loom and plugins run the graph (e.g. /work/main/build to
#   measure another branch's engine on the same input).
#   env: BENCH_CC_BYTES (10000000000), BENCH_CC_DIR (work folder: input, output, spill; default
#   BUILD_DIR/bench-cc-memory), BENCH_CC_KEEP=1 keeps the input for the next run (it is reused
#   when it was made for the same size), BENCH_THREADS (1), BENCH_CC_EXTRA (more `loom run`
#   arguments, e.g. --spool-whole-input).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(realpath -m "${1:?usage: common_crawl_memory.sh BUILD_DIR [LABEL]}")
label=${2:-run}
bytes=${BENCH_CC_BYTES:-10000000000}
work=$(realpath -m "${BENCH_CC_DIR:-$build/bench-cc-memory}")
threads=${BENCH_THREADS:-1}
loom=$build/bin/loom
slices=$build/bin/loom_bench_slices
[[ -x "$loom" ]] || {
  echo "bench: $loom not found" >&2
  exit 1
}
[[ -x "$slices" ]] || slices=$repo/build/bin/loom_bench_slices
[[ -x "$slices" ]] || {
  echo "bench: loom_bench_slices not found (ninja -C build loom_bench_slices)" >&2
  exit 1
}

input=$work/input
out=$work/out-$label
spill=$work/spill-$label
models=$work/models
sampler=""
cleanup() {
  [[ -n "$sampler" ]] && kill "$sampler" 2>/dev/null
  rm -rf "$out" "$spill"
  [[ "${BENCH_CC_KEEP:-0}" == 1 ]] || rm -rf "$input"
}
trap cleanup EXIT

# $input/made-for: "<BENCH_CC_BYTES> <bytes of WET records made>".
read -r made_for input_bytes < <(cat "$input/made-for" 2>/dev/null || echo "- -")
if [[ "$made_for" != "$bytes" ]]; then
  rm -rf "$input"
  line=$("$slices" --shared "$repo/../shared" --out "$input" --target-bytes "$bytes" common_crawl |
    grep '^slice=common_crawl ')
  input_bytes=$(sed -n 's/.* input_bytes=\([0-9]*\).*/\1/p' <<<"$line")
  echo "$bytes $input_bytes" >"$input/made-for"
fi
bash "$repo/scripts/cc_demo_models.sh" "$models" >&2

rm -rf "$out" "$spill"
mkdir -p "$out" "$spill"
peak_file=$work/spill-peak-$label
echo 0 >"$peak_file"
(
  peak=0
  while true; do
    now=$(du -sb "$spill" 2>/dev/null | cut -f1)
    ((now > peak)) && peak=$now && echo "$peak" >"$peak_file"
    sleep 1
  done
) &
sampler=$!

extra=()
[[ -n "${BENCH_CC_EXTRA:-}" ]] && read -ra extra <<<"$BENCH_CC_EXTRA"
/usr/bin/time -v -o "$work/time-$label.txt" "$loom" run "$repo/graphs/redpajama/common_crawl.yaml" \
  --set "DATA=$input/common_crawl" --set "OUT=$out" --set "CC_SP_MODEL=$models/en.sp.model" \
  --set "CC_LM_MODEL=$models/en.arpa.bin" --set "CC_WIKIREF_MODEL=$models/wikiref.bin" \
  --threads "$threads" --plugin-path "$build/plugins" --spill-dir "$spill" --quiet \
  "${extra[@]}" </dev/null >"$work/log-$label.txt" 2>&1 || {
  echo "bench: the run failed:" >&2
  tail -n 20 "$work/log-$label.txt" >&2
  exit 1
}
kill "$sampler" 2>/dev/null
wait "$sampler" 2>/dev/null || true
sampler=""

field() { sed -n "s/^[[:space:]]*$1: *//p" "$work/time-$label.txt"; }
rss_kb=$(field 'Maximum resident set size (kbytes)')
user=$(field 'User time (seconds)')
sys=$(field 'System time (seconds)')
wall=$(field 'Elapsed (wall clock) time (h:mm:ss or m:ss)')
stats=$out/common_crawl/stats.json
written=$(tr ',{}' '\n\n\n' <"$stats" | awk -F': *' '/"id":/ { gsub(/[" ]/, "", $2); id = $2 }
  /"docs_in":/ { if (id == "write") print $2 + 0 }')
# The output's bytes, to compare runs (e.g. two engines, or --spool-whole-input).
digest=$(find "$out/common_crawl" -name '*.jsonl.zst' | LC_ALL=C sort | xargs -r zstdcat |
  sha256sum | cut -c1-16)
second_pass=$(sed -n 's/.*"second_pass": "\([a-z]*\)".*/\1/p' "$stats" | head -n 1)
awk -v label="$label" -v bytes="$input_bytes" -v rss="$rss_kb" -v user="$user" -v sys="$sys" \
  -v wall="$wall" -v disk="$(cat "$peak_file")" -v written="$written" -v digest="$digest" \
  -v pass="${second_pass:-spool (no second_pass field: an engine before it)}" 'BEGIN {
    n = split(wall, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]
    cpu = user + sys; mb = bytes / 1e6
    printf "%s: input_mb=%.0f docs_written=%d wall_s=%.0f cpu_s=%.0f mb_per_cpu_s=%.2f " \
      "peak_rss_mb=%.0f extra_disk_peak_mb=%.0f extra_disk_share=%.2f%% output_sha256=%s " \
      "second_pass=%s\n", label, mb, written, s, cpu, mb / cpu, rss / 1024, disk / 1e6,
      100 * disk / bytes, digest, pass
  }'
