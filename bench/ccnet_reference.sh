#!/usr/bin/env bash
# Issue 16's Common Crawl target measured against cc_net itself, side by side on this machine
# (`make bench` via bench/run.sh): cc_net's own code (bench/ccnet_reference.py: a hashing pass,
# then line dedup -> lid.176 -> keep en) and Loom's graph of the same stages writing the same one
# output (bench/ccnet_mine.yaml) on the bench's Common Crawl WET, one thread each, CPU time
# (user + system) best of BENCH_REPEAT runs. Checks that both keep the same documents, byte for
# byte, and prints MB of WET per CPU-second for each and their ratio, against the issue's 20x.
#
# usage: bench/ccnet_reference.sh BUILD_DIR
#   env: BENCH_REPEAT (3), LOOM_LID_MODEL
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "$repo" && realpath -m "$1")
repeat=${BENCH_REPEAT:-3}
target_ratio=20
wet=$build/bench-slices/common_crawl/common_crawl
out=$build/bench-out/ccnet_reference
loom=$build/bin/loom
measure=$build/bin/loom_bench_measure
model=${LOOM_LID_MODEL:-${LOOM_CACHE:-$HOME/.cache/loom}/models/lid.176.ftz}
python=/usr/bin/python3 # Debian's, where apt puts fasttext and numpy
[[ -f "$model" ]] || {
  echo "bench: cc_net comparison skipped: no language id model $model (scripts/setup.sh)"
  exit 0
}
if ! "$python" -c 'import fasttext, numpy, psutil, requests, typing_extensions, bs4' 2>/dev/null; then
  echo "bench: cc_net comparison skipped: $python lacks cc_net's modules (scripts/setup.sh installs" \
    "python3-fasttext python3-numpy python3-psutil python3-requests python3-typing-extensions" \
    "python3-bs4)"
  exit 0
fi
[[ -d "$wet" ]] || {
  echo "bench: $wet not found: bench/slices.sh builds it" >&2
  exit 1
}

rm -rf "$out"
mkdir -p "$out"
# cc_net: best of $repeat.
best_ccnet=""
for ((i = 1; i <= repeat; i++)); do
  rm -rf "$out/ccnet"
  "$python" "$repo/bench/ccnet_reference.py" "$model" "$out/ccnet" "$wet"/*.wet.gz \
    >"$out/ccnet.result" 2>"$out/ccnet.log" || {
    echo "bench: cc_net failed:" >&2
    tail -n 20 "$out/ccnet.log" >&2
    exit 1
  }
  line=$(cat "$out/ccnet.result")
  echo "cc_net run $i: $line" >&2
  cpu=$(awk -v l="$line" 'BEGIN { split(l, f, /[ =]/); for (k in f) v[f[k]] = f[k + 1];
    print v["hashes_cpu_s"] + v["mine_cpu_s"] }')
  if [[ -z "$best_ccnet" ]] || awk -v a="$cpu" -v b="$best_ccnet" 'BEGIN { exit !(a < b) }'; then
    best_ccnet=$cpu
    wet_mb=$(sed -n 's/.*wet_mb=\([0-9.]*\).*/\1/p' "$out/ccnet.result")
    rm -rf "$out/ccnet.best" && mv "$out/ccnet" "$out/ccnet.best"
  fi
done

best_loom=""
for ((i = 1; i <= repeat; i++)); do
  rm -rf "$out/loom"
  "$measure" "$out/loom.measure" "$loom" run "$repo/bench/ccnet_mine.yaml" \
    --set "WET_FILES=$wet/*.wet.gz" --set "OUT=$out/loom" --set "LOOM_LID_MODEL=$model" \
    --threads 1 --quiet --plugin-path "$build/plugins" </dev/null >"$out/loom.log" 2>&1 || {
    echo "bench: loom failed:" >&2
    tail -n 20 "$out/loom.log" >&2
    exit 1
  }
  cpu=$(sed -n 's/.*cpu_seconds=\([0-9.]*\).*/\1/p' "$out/loom.measure")
  echo "loom ccnet_mine.yaml --threads 1 run $i: $cpu CPU-s" >&2
  if [[ -z "$best_loom" ]] || awk -v a="$cpu" -v b="$best_loom" 'BEGIN { exit !(a < b) }'; then
    best_loom=$cpu
  fi
done

cmp -s "$out/ccnet.best/mined.json" "$out/loom/wet.after_keep_lang.jsonl" || {
  echo "bench: Loom's kept documents differ from cc_net's ($out/ccnet.best/mined.json," \
    "$out/loom/wet.after_keep_lang.jsonl)" >&2
  exit 1
}
kept=$(wc -l <"$out/loom/wet.after_keep_lang.jsonl")
awk -v mb="$wet_mb" -v ccnet="$best_ccnet" -v loom="$best_loom" -v target="$target_ratio" \
  -v kept="$kept" 'BEGIN {
  ratio = ccnet / loom
  printf "\ncc_net comparison on %.1f MB of WET, %d documents kept by both, byte-identical:\n", mb, kept
  printf "  cc_net %.2f CPU-s (%.2f MB/CPU-s), Loom %.2f CPU-s (%.2f MB/CPU-s): %.1fx, target %dx: %s\n",
    ccnet, mb / ccnet, loom, mb / loom, ratio, target, (ratio >= target ? "PASS" : "MISS")
}'
