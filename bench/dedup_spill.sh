#!/usr/bin/env bash
# The dedupers' memory budget: peak RSS and CPU time (user + system, best of BENCH_REPEAT runs,
# /usr/bin/time -v) of bench/dedup_spill.yaml at --threads 1 on BENCH_KEYS short documents (each
# with its own URL; 90% distinct texts and digests, 10% repeats of recent ones, in 4 shards), for
# exact_dedup and url_digest_dedup, with memory_budget_mb 512 (all in memory) and each of
# BENCH_BUDGETS_MB (spilled to sorted runs in the build folder). Checks that every budget writes
# the same bytes.
#
# usage: bench/dedup_spill.sh BUILD_DIR
# env: BENCH_REPEAT (3), BENCH_KEYS (4000000), BENCH_BUDGETS_MB ("16 1")
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "$repo" && realpath -m "$1")
repeat=${BENCH_REPEAT:-3}
keys=${BENCH_KEYS:-4000000}
budgets=${BENCH_BUDGETS_MB:-16 1}
data=$build/bench-dedup-spill/$keys
out=$build/bench-out/dedup_spill
loom=$build/bin/loom
[[ -x "$loom" ]] || {
  echo "bench: $loom not found: run 'make build' first" >&2
  exit 1
}
[[ -x /usr/bin/time ]] || {
  echo "bench: dedup spill skipped: /usr/bin/time not found (package time)"
  exit 0
}

if [[ ! -f "$data/complete" ]]; then
  rm -rf "$data"
  mkdir -p "$data"
  python3 - "$data" "$keys" <<'PY'
import random, sys
folder, total = sys.argv[1], int(sys.argv[2])
rng = random.Random(5)
shards = [open("%s/part-%d.jsonl" % (folder, s), "w") for s in range(4)]
for i in range(total):
    n = rng.randrange(max(i - 100000, 1)) if i and rng.random() < 0.1 else i
    shards[i * 4 // total].write('{"text": "document %d %x", "url": "https://example.org/%d", '
                                 '"digest": "%x"}\n' % (n, n * 2654435761 % 2**32, i, n))
for f in shards:
    f.close()
PY
  touch "$data/complete"
fi
mkdir -p "$out/spill"

# measure BUDGET (for $deduper): prints "cpu_seconds peak_rss_mb" of the best (least CPU) of $repeat runs.
measure() {
  local budget=$1 i best="" line cpu rss
  for ((i = 1; i <= repeat; i++)); do
    rm -rf "${out:?}/b$budget"
    /usr/bin/time -v -o "$out/b$budget.time" "$loom" run "$repo/bench/dedup_spill.yaml" \
      --set "DATA=$data" --set "OUT=$out/b$budget" --set "BUDGET_MB=$budget" --set "DEDUPER=$deduper" \
      --set "SPILL_DIR=$out/spill" --threads 1 --quiet --plugin-path "$build/plugins" \
      </dev/null >"$out/b$budget.log" 2>&1 || {
      echo "bench: budget $budget MB failed:" >&2
      tail -n 20 "$out/b$budget.log" >&2
      return 1
    }
    cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$out/b$budget.time")
    rss=$(awk -F': ' '/Maximum resident/ {printf "%.0f", $2 / 1024}' "$out/b$budget.time")
    line="$cpu $rss"
    if [[ -z "$best" ]] || awk -v a="$cpu" -v b="${best%% *}" 'BEGIN {exit !(a < b)}'; then
      best=$line
    fi
  done
  echo "$best"
}

for deduper in exact_dedup url_digest_dedup; do
  echo "$deduper, $keys documents ($(du -sh "$data" | cut -f1)), --threads 1, best of $repeat:"
  printf '  %-18s %10s %14s\n' "memory_budget_mb" "CPU s" "peak RSS MB"
  for budget in 512 $budgets; do
    read -r cpu rss < <(measure "$budget")
    printf '  %-18s %10s %14s\n' "$budget" "$cpu" "$rss"
    if [[ "$budget" != 512 ]]; then
      diff -rq "$out/b512" "$out/b$budget" -x stats.json >/dev/null ||
        { echo "bench: $deduper: budget $budget MB wrote other output than 512 MB" >&2; exit 1; }
    fi
  done
  echo "  (every budget wrote the same bytes)"
done
