#!/usr/bin/env bash
# StackExchange memory benchmark: generates a synthetic Posts.xml of SIZE_MB (questions and their
# answers shuffled through the file, as in a real dump where answers come long after their
# question), runs bench/stackexchange_memory.yaml on it with a memory budget of BUDGET_MB and
# prints the input size, the wall time, MB/s and the peak RSS of `loom run`. The target: peak RSS
# stays near the budget (plus the engine's batches), not near the input's size.
#
# usage: bench/stackexchange_memory.sh [BUILD_DIR]
#   env: SE_BENCH_SIZE_MB (input size; 1024), SE_BENCH_BUDGET_MB (memory_budget_mb; 64),
#        SE_BENCH_THREADS (2)
# Prints one summary line "stackexchange_memory input_mb=... budget_mb=... seconds=... mb_per_s=...
# peak_rss_mb=..." last, for bench/run.sh to pick up.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "$repo" && realpath -m "${1:-build}")
size_mb=${SE_BENCH_SIZE_MB:-1024}
budget_mb=${SE_BENCH_BUDGET_MB:-64}
threads=${SE_BENCH_THREADS:-2}
loom=$build/bin/loom
work=$build/bench-stackexchange
[[ -x "$loom" ]] || {
  echo "bench: $loom not found: run 'make build' first" >&2
  exit 1
}
[[ -x /usr/bin/time ]] || {
  echo "bench: /usr/bin/time (GNU time) is needed for the peak RSS" >&2
  exit 1
}

posts=$work/data/bench.stackexchange.com.xml
if [[ ! -f "$posts" || $(stat -c %s "$posts") -lt $((size_mb * 1000000)) ]]; then
  echo "bench: generating a ${size_mb} MB Posts.xml in $posts"
  mkdir -p "$work/data"
  python3 - "$posts" "$size_mb" <<'PY'
import random, sys
path, size = sys.argv[1], int(sys.argv[2]) * 1000000
rng = random.Random(4)
words = ("coffee grind espresso roast bean water brew temperature milk crema acid bitter "
         "filter pour over press kettle burr taste aroma origin").split()
def text(n):
    return " ".join(rng.choice(words) for _ in range(n))
with open(path, "w", encoding="utf-8") as out:
    out.write('\ufeff<?xml version="1.0" encoding="utf-8"?>\n<posts>\n')
    written, next_id, open_questions = 0, 1, []
    while written < size:
        chunk = []
        for _ in range(1000):
            # Two answers per question on average, up to thousands of rows after the question.
            if open_questions and rng.random() < 0.66:
                parent = rng.choice(open_questions)
                chunk.append(f'  <row Id="{next_id}" PostTypeId="2" ParentId="{parent}" '
                             f'Score="{rng.randint(-3, 40)}" Body="&lt;p&gt;{text(60)}&lt;/p&gt;'
                             f'&lt;ul&gt;&lt;li&gt;{text(8)}&lt;/li&gt;&lt;/ul&gt;" />\n')
            else:
                chunk.append(f'  <row Id="{next_id}" PostTypeId="1" Score="{rng.randint(-2, 90)}" '
                             f'Title="{text(8)}?" Body="&lt;p&gt;{text(80)}&lt;/p&gt;" />\n')
                open_questions.append(next_id)
                if len(open_questions) > 5000:
                    open_questions.pop(rng.randrange(len(open_questions)))
            next_id += 1
        block = "".join(chunk)
        out.write(block)
        written += len(block)
    out.write("</posts>\n")
PY
fi
input_bytes=$(stat -c %s "$posts")

rm -rf "$work/out" "$work/spill"
mkdir -p "$work/spill"
start=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$work/time.txt" \
  "$loom" run "$repo/bench/stackexchange_memory.yaml" --set "DATA=$work/data" \
  --set "OUT=$work/out" --set "MEMORY_MB=$budget_mb" --set "SPILL_DIR=$work/spill" \
  --threads "$threads" --plugin-path "$build/plugins" </dev/null >"$work/run.log" 2>&1 || {
  echo "bench: loom run failed:" >&2
  tail -n 20 "$work/run.log" >&2
  exit 1
}
end=$(date +%s.%N)
peak_kb=$(tail -n 1 "$work/time.txt")
left=$(find "$work/spill" -mindepth 1 | wc -l)
[[ "$left" == 0 ]] || echo "bench: WARNING: $left spill files left in $work/spill" >&2
awk -v bytes="$input_bytes" -v budget="$budget_mb" -v s="$start" -v e="$end" -v kb="$peak_kb" \
  -v threads="$threads" 'BEGIN {
  mb = bytes / 1e6; seconds = e - s
  printf "stackexchange_memory input_mb=%.0f budget_mb=%s threads=%s seconds=%.1f mb_per_s=%.1f peak_rss_mb=%.0f\n",
    mb, budget, threads, seconds, mb / seconds, kb / 1024
}'
