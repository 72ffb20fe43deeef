#!/usr/bin/env bash
# Reading from object storage (issue 18, `make bench` via bench/run.sh): bench/passthrough.yaml on
# the benchmark corpus ($BUILD/bench-data, made by bench/run.sh) with `loom run --threads 1`, its
# input read from a local S3 server (s3rver on 127.0.0.1, the test server of
# tests/graphs/s3_storage.sh) against the same files read from disk; outputs local in both.
# Target: the S3 run's MB/s >= 90% of the local-disk run's (best of BENCH_REPEAT runs each).
#
# usage: bench/s3_read.sh BUILD_DIR      env: BENCH_REPEAT (3)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "$repo" && realpath -m "$1")
repeat=${BENCH_REPEAT:-3}
data=$build/bench-data
out=$build/bench-out/s3
loom=$build/bin/loom
s3rver=${LOOM_S3RVER:-${LOOM_CACHE:-$HOME/.cache/loom}/npm/s3rver-3.7.1/node_modules/.bin/s3rver}
python=python3
/usr/bin/python3 -c 'import botocore' 2>/dev/null && python=/usr/bin/python3
if [[ ! -x $s3rver ]] || ! command -v node >/dev/null || ! "$python" -c 'import botocore' 2>/dev/null; then
  echo "bench: s3 read: skipped: needs node, s3rver ($s3rver) and botocore (scripts/setup.sh)" >&2
  exit 1
fi
ls "$data"/*.jsonl.zst >/dev/null || {
  echo "bench: s3 read: no benchmark corpus in $data (bench/run.sh makes it)" >&2
  exit 1
}

rm -rf "$out"
mkdir -p "$out/store"
port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$s3rver" -d "$out/store" -a 127.0.0.1 -p "$port" --silent --configure-bucket bench >"$out/s3rver.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$out/store"' EXIT
for _ in $(seq 100); do
  "$python" -c "import socket; socket.create_connection(('127.0.0.1', $port))" 2>/dev/null && break
  sleep 0.1
done
export AWS_ENDPOINT_URL=http://127.0.0.1:$port AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER
export AWS_REGION=us-east-1 LOOM_S3_SPOOL=$out/spool
mkdir -p "$out/upload"
ln -sf "$data"/*.jsonl.zst "$out/upload/"
"$python" "$repo/tests/graphs/s3_tool.py" put "$out/upload" bench data/
input_bytes=$(cat "$data"/*.jsonl.zst | wc -c)

# best_seconds NAME DATA: the best wall time of $repeat passthrough runs reading DATA.
best_seconds() {
  local name=$1 source=$2 best="" start end seconds
  for ((i = 1; i <= repeat; i++)); do
    rm -rf "$out/$name"
    start=$(date +%s.%N)
    "$loom" run "$repo/bench/passthrough.yaml" --set "DATA=$source" --set "OUT=$out/$name" \
      --threads 1 --plugin-path "$build/plugins" </dev/null >"$out/$name.log" 2>&1 || {
      echo "bench: s3 read: loom run ($name) failed:" >&2
      tail -n 20 "$out/$name.log" >&2
      exit 1
    }
    end=$(date +%s.%N)
    seconds=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')
    echo "passthrough from $name run $i: ${seconds}s" >&2
    if [[ -z "$best" ]] || awk -v a="$seconds" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$seconds
    fi
  done
  echo "$best"
}

local_s=$(best_seconds disk "$data")
s3_s=$(best_seconds s3 "s3://bench/data")
for f in "$out"/disk/*.jsonl.zst; do
  cmp -s "$f" "$out/s3/$(basename "$f")" || {
    echo "bench: s3 read: $(basename "$f") differs between the disk and S3 runs: not valid" >&2
    exit 1
  }
done
awk -v bytes="$input_bytes" -v d="$local_s" -v s="$s3_s" 'BEGIN {
  disk = bytes / d / 1e6; s3 = bytes / s / 1e6; share = 100 * s3 / disk
  printf "%-34s %10s %14s %8s\n", "measure", "MB/s", "target", "result"
  printf "%-34s %10.1f %14s %8s\n", "passthrough from disk, 1 thread", disk, "", ""
  printf "%-34s %10.1f %14s %8s\n", "passthrough from S3, 1 thread", s3, ">= 90% disk",
         (share >= 90 ? "PASS" : "MISS")
  printf "S3 / disk: %.1f%%\n", share
}'
