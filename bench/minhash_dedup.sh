#!/usr/bin/env bash
# minhash_dedup speed (issue 14, `make bench` via bench/run.sh): documents per CPU-second of
# `loom run --threads 1` (user + system, best of BENCH_REPEAT runs) on bench/minhash_dedup.yaml,
# end to end (parse JSON lines, sign, cluster, write), against 20,000 documents per second per
# core. The input is synthetic and generated here: BENCH_MINHASH_DOCS documents of ~2 KB (words
# of 3-9 letters drawn from a 20,000-word vocabulary, lines of ~12 words), 10% of them copies of
# an earlier document with 3 words changed, in 8 shards. Also prints the run's peak RSS.
#
# usage: bench/minhash_dedup.sh BUILD_DIR      env: BENCH_REPEAT (3), BENCH_MINHASH_DOCS (200000)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "$repo" && realpath -m "$1")
repeat=${BENCH_REPEAT:-3}
docs=${BENCH_MINHASH_DOCS:-200000}
target_docs_per_cpu_s=20000
data=$build/bench-minhash/$docs
out=$build/bench-out/minhash
loom=$build/bin/loom
measure=$build/bin/loom_bench_measure
for tool in "$loom" "$measure"; do
  [[ -x "$tool" ]] || {
    echo "bench: $tool not found: run 'make build' first" >&2
    exit 1
  }
done

if [[ ! -f "$data/complete" ]]; then
  rm -rf "$data"
  mkdir -p "$data"
  python3 - "$data" "$docs" <<'PY'
import json, random, string, sys
folder, total = sys.argv[1], int(sys.argv[2])
rng = random.Random(2024)
vocab = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9))) for _ in range(20000)]
shards = [open("%s/part-%02d.jsonl" % (folder, s), "w") for s in range(8)]
recent = []
for i in range(total):
    if recent and rng.random() < 0.1:
        words = rng.choice(recent).split(" ")
        for _ in range(3):
            words[rng.randrange(len(words))] = rng.choice(vocab)
        text = " ".join(words)
    else:
        words, size = [], 0
        while size < 2000:
            w = rng.choice(vocab)
            words.append(w)
            size += len(w) + 1
        for at in range(12, len(words), 12):
            words[at] = "\n" + words[at]
        text = " ".join(words)
        recent = (recent + [text])[-1000:]
    shards[i * 8 // total].write(json.dumps({"text": text}) + "\n")
for f in shards:
    f.close()
PY
  touch "$data/complete"
fi

mkdir -p "$out"
best="" best_rss=""
for ((i = 1; i <= repeat; i++)); do
  rm -rf "$out/run"
  "$measure" "$out/run.measure" "$loom" run "$repo/bench/minhash_dedup.yaml" --set "DATA=$data" \
    --set "OUT=$out/run" --threads 1 --plugin-path "$build/plugins" </dev/null >"$out/run.log" 2>&1 || {
    echo "bench: minhash_dedup failed:" >&2
    tail -n 20 "$out/run.log" >&2
    exit 1
  }
  cpu=$(sed -n 's/.*cpu_seconds=\([0-9.]*\).*/\1/p' "$out/run.measure")
  rss=$(sed -n 's/.*max_rss_kb=\([0-9]*\).*/\1/p' "$out/run.measure")
  echo "minhash_dedup --threads 1 run $i: $cpu CPU-s, peak RSS $((rss / 1024)) MB" >&2
  if [[ -z "$best" ]] || awk -v a="$cpu" -v b="$best" 'BEGIN { exit !(a < b) }'; then
    best=$cpu best_rss=$rss
  fi
done
written=$(cat "$out"/run/kept/*.jsonl "$out"/run/excluded/*.jsonl | wc -l)
[[ "$written" == "$docs" ]] || {
  echo "bench: minhash_dedup wrote $written documents for $docs: not a valid measurement" >&2
  exit 1
}
excluded=$(cat "$out"/run/excluded/*.jsonl | wc -l)
awk -v docs="$docs" -v cpu="$best" -v target="$target_docs_per_cpu_s" -v rss="$best_rss" \
  -v excluded="$excluded" 'BEGIN {
  rate = docs / cpu
  printf "\n%-40s %12s %12s %8s\n", "measurement", "docs/CPU-s", "target", "result"
  printf "%-40s %12.0f %12s %8s\n", "minhash_dedup --threads 1, 2 KB docs", rate, ">= " target,
    (rate >= target ? "PASS" : "MISS")
  printf "%d documents (%d excluded as near_duplicate) in %.2f CPU-s, peak RSS %.0f MB\n",
    docs, excluded, cpu, rss / 1024
}'
