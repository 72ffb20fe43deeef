#!/usr/bin/env bash
# One run per output (issue 17, item 4). While a run works on OUT, a second `loom run` on the same
# OUT, with or without --restart, fails at once with exit 1 and an error naming the holder's pid
# and host and the lock file, and writes or removes nothing there: no stats.json, no report, no
# temporary file, and the holder's resume manifest stays. The lock dies with its holder: after
# kill -9 the rerun takes it, resumes and gives the output of an uninterrupted run. A run without
# a stats file or --manifest has nothing to lock and is not refused.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
: "${LOOM_FAULTS_PLUGIN_DIR:?}"

make_corpus "$tmp/gz" --shards 3 --docs-per-shard 400 --format gz
mkdir -p "$tmp/in"
for f in "$tmp"/gz/*.json.gz; do gzip -dc "$f" >"$tmp/in/$(basename "${f%.json.gz}").jsonl"; done
graph=$tests_dir/data/faults.yaml
# fault_filter sleeps on every batch, so the run lasts a few seconds.
args=(run "$graph" --set "IN=$tmp/in/*.jsonl" --set DELAY_MS=40 --threads 2 --batch-bytes 16384
  --checkpoint-seconds 0.02 --plugin-path "$LOOM_FAULTS_PLUGIN_DIR")
out=$tmp/out
lock=$out/stats.resume.json.lock
holder_link=$lock.holder  # the lock file stays empty; this symlink's target names the holder
host=$(hostname)
holder_text() { readlink "$holder_link" 2>/dev/null || true; }

loom_run reference "${args[@]}" --set "OUT=$tmp/reference"
expect_rc 0 "uninterrupted run"
[[ ! -e $tmp/reference/stats.resume.json.lock && ! -L $tmp/reference/stats.resume.json.lock.holder ]] ||
  fail "the lock file or its holder link is left after a successful run"
pass "no lock file left after a successful run"

"$LOOM" "${args[@]}" --set "OUT=$out" --quiet --plugin-path "$LOOM_PLUGIN_DIR" \
  >"$tmp/holder.out" 2>"$tmp/holder.err" </dev/null &
holder=$!
trap 'kill -9 "$holder" 2>/dev/null || true' EXIT
for _ in $(seq 600); do
  [[ -e $out/stats.resume.json ]] && holder_text | grep -qx "pid $holder" && break
  kill -0 "$holder" 2>/dev/null || fail "the first run ended before it was locked and checkpointed: $(cat "$tmp/holder.err")"
  sleep 0.05
done
[[ -f $lock && ! -s $lock ]] || fail "the lock file $lock is not an empty file"
holder_text | grep -qx "pid $holder" || fail "$holder_link does not name the running pid $holder: $(holder_text)"
holder_text | grep -qx "host $host" || fail "$holder_link does not name this host ($host): $(holder_text)"
pass "the running run holds $lock (empty), its pid and host in $holder_link"

# refused_run NAME ARGS...: a second run on $out, in the background so that its pid is known.
refused_run() {
  local name=$1
  shift
  rc=0
  "$LOOM" "${args[@]}" --set "OUT=$out" "$@" --plugin-path "$LOOM_PLUGIN_DIR" \
    >"$tmp/$name.out" 2>"$tmp/$name.err" </dev/null &
  second=$!
  wait "$second" || rc=$?
  last_err=$tmp/$name.err
}
for variant in plain restart; do
  extra=(--report "$out/report.html")
  [[ $variant == restart ]] && extra+=(--restart)
  refused_run "second_$variant" "${extra[@]}"
  kill -0 "$holder" 2>/dev/null || fail "the first run ended before the second one was tried"
  expect_rc 1 "a second run on the same output ($variant)"
  expect_stderr_matches "another loom run \(pid $holder on host $host\) is running on this output: it holds the lock '$lock'" \
    "the refusal names the holder's pid and host and the lock file ($variant)"
  [[ -e $out/stats.resume.json ]] || fail "the refused run ($variant) removed the holder's manifest"
  [[ ! -e $out/stats.json && ! -e $out/report.html ]] ||
    fail "the refused run ($variant) wrote statistics or a report"
  [[ -z $(find "$out" -name "*.loom-tmp-$second-*") ]] || fail "the refused run ($variant) made temporary files"
  holder_text | grep -qx "pid $holder" || fail "the refused run ($variant) renamed the holder: $(holder_text)"
  pass "the refused run ($variant) wrote and removed nothing"
done

kill -9 "$holder"
wait "$holder" 2>/dev/null || true
[[ -e $lock && -L $holder_link && -e $out/stats.resume.json ]] ||
  fail "kill -9 should leave the lock file, its holder link and the manifest"
loom_run resumed "${args[@]}" --set "OUT=$out"
expect_rc 0 "the rerun after kill -9 (the dead run's lock does not block it)"
same_tree "$tmp/reference" "$out" "resumed output vs uninterrupted run"
[[ ! -e $lock && ! -L $holder_link && ! -e $out/stats.resume.json ]] ||
  fail "lock file, holder link or manifest left after the rerun"
pass "no lock file, holder link or manifest left"

# Without a stats file there is no manifest and nothing to lock: two such runs may overlap.
sed '/^stats:/d' "$graph" >"$tmp/no_stats.yaml"
loom_run no_stats run "$tmp/no_stats.yaml" --set "IN=$tmp/in/*.jsonl" --set "OUT=$tmp/no_stats" \
  --plugin-path "$LOOM_FAULTS_PLUGIN_DIR"
expect_rc 0 "a run without a stats file"
[[ -z $(find "$tmp/no_stats" -name '*.lock') ]] || fail "a run without a manifest made a lock file"
pass "a run without a manifest takes no lock"
done_ok
