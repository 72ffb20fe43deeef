#!/usr/bin/env bash
# The datatrove comparison (issue 14, `make bench` via bench/run.sh): graphs/recipes/
# datatrove_gopher_lid.yaml (JSONL -> gopher_quality -> language_id en 0.65 -> JSONL, with the
# exclusion output) on real C4 text: the shared C4 sample replicated to ~BENCH_DATATROVE_BYTES
# (53 MB, about 24,000 documents, the input datatrove was measured on), one thread. Prints MB of
# document text (UTF-8 bytes of the "text" fields) per CPU-second of `loom run` (user + system,
# best of BENCH_REPEAT runs) against 38 MB per CPU-second: 20x datatrove's 1.9 on that input.
# Twice: with the graph's default gzip output (what datatrove's JsonlWriter writes; igzip level 3
# since 2026-12-06, zlib level 6 before, which cost more CPU than everything else in the graph),
# and with zstd (OUT_EXT=jsonl.zst, level 3).
#
# usage: bench/datatrove_gopher_lid.sh BUILD_DIR
#   env: BENCH_REPEAT (3), BENCH_DATATROVE_BYTES (53000000), LOOM_LID_MODEL
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "$repo" && realpath -m "$1")
repeat=${BENCH_REPEAT:-3}
target_bytes=${BENCH_DATATROVE_BYTES:-53000000}
target_mb_per_cpu_s=38
data=$build/bench-datatrove
out=$build/bench-out/datatrove
loom=$build/bin/loom
measure=$build/bin/loom_bench_measure
model=${LOOM_LID_MODEL:-${LOOM_CACHE:-$HOME/.cache/loom}/models/lid.176.ftz}
[[ -f "$model" ]] || {
  echo "bench: datatrove comparison skipped: no language id model $model (scripts/setup.sh)"
  exit 0
}
for tool in "$loom" "$build/bin/loom_bench_slices" "$measure"; do
  [[ -x "$tool" ]] || {
    echo "bench: $tool not found: run 'make build' first" >&2
    exit 1
  }
done

"$build/bin/loom_bench_slices" --shared "$repo/../shared" --out "$data" \
  --target-bytes "$target_bytes" c4 >"$data.manifest"
read -r docs text_bytes < <(python3 - "$data/c4" <<'PY'
import glob, gzip, json, sys
docs = text = 0
for path in sorted(glob.glob(sys.argv[1] + "/**/*.json.gz", recursive=True)):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            docs += 1
            text += len(json.loads(line)["text"].encode("utf-8"))
print(docs, text)
PY
)
[[ -n "$docs" && "${text_bytes:-0}" -gt 0 ]] || {
  echo "bench: no C4 documents read from $data/c4" >&2
  exit 1
}
echo "bench: datatrove_gopher_lid on $docs C4 documents, $((text_bytes / 1000000)) MB of text ($data/c4)"

mkdir -p "$out"
# best_cpu EXT: runs the graph writing .EXT files $repeat times; prints "<cpu> <wall>" of the run
# with the least CPU time and keeps its stats.json as $out/EXT.stats.json.
best_cpu() {
  local ext=$1 best="" best_wall="" i cpu wall
  for ((i = 1; i <= repeat; i++)); do
    rm -rf "$out/run"
    "$measure" "$out/run.measure" "$loom" run "$repo/graphs/recipes/datatrove_gopher_lid.yaml" \
      --set "DATA=$data/c4" --set "OUT=$out/run" --set "LOOM_LID_MODEL=$model" \
      --set "OUT_EXT=$ext" --threads 1 --plugin-path "$build/plugins" </dev/null >"$out/run.log" 2>&1 || {
      echo "bench: datatrove_gopher_lid failed:" >&2
      tail -n 20 "$out/run.log" >&2
      return 1
    }
    cpu=$(sed -n 's/.*cpu_seconds=\([0-9.]*\).*/\1/p' "$out/run.measure")
    wall=$(sed -n 's/^seconds=\([0-9.]*\).*/\1/p' "$out/run.measure")
    echo "datatrove_gopher_lid --threads 1, .$ext output, run $i: ${cpu} CPU-s, ${wall} s wall" >&2
    if [[ -z "$best" ]] || awk -v a="$cpu" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$cpu best_wall=$wall
      cp "$out/run/stats.json" "$out/$ext.stats.json"
    fi
  done
  echo "$best $best_wall"
}

# busy STATS: busy seconds per node (wall time while the node ran, so a MISS says where the time
# went; on a loaded machine they include waiting for a core) and the documents written.
busy() {
  tr ',{}[]' '\n\n\n\n\n' <"$1" | awk -F': *' '
    /"id":/ { gsub(/[" ]/, "", $2); id = $2 }
    /"docs_in":/ { if (id == "write") kept = $2 + 0 }
    /"busy_seconds":/ { printf "%s %.2fs, ", id, $2 }
    END { printf "written %d", kept }'
}

# The graph as datatrove users run it (gzip output, JsonlWriter's default), then with zstd.
gz=$(best_cpu jsonl.gz) || exit 1
zst=$(best_cpu jsonl.zst) || exit 1
read -r gz_cpu gz_wall <<<"$gz"
read -r zst_cpu zst_wall <<<"$zst"
printf '\n%-44s %10s %14s %8s\n' "measurement" "MB/CPU-s" "target" "result"
for run in "jsonl.gz $gz_cpu $gz_wall" "jsonl.zst $zst_cpu $zst_wall"; do
  read -r ext cpu wall <<<"$run"
  awk -v bytes="$text_bytes" -v cpu="$cpu" -v wall="$wall" -v target="$target_mb_per_cpu_s" \
    -v ext="$ext" -v busy="$(busy "$out/$ext.stats.json")" 'BEGIN {
    rate = bytes / 1e6 / cpu
    printf "%-44s %10.1f %14s %8s\n", "datatrove_gopher_lid -t 1, ." ext " output", rate,
      ">= " target " (20x)", (rate >= target ? "PASS" : "MISS")
    printf "  %.1f MB of text in %.2f CPU-s (%.2f s wall): %.1fx datatrove (1.9 MB/CPU-s)\n",
      bytes / 1e6, cpu, wall, rate / 1.9
    printf "  busy per node: %s\n", busy
  }'
done
