#!/usr/bin/env bash
# Resume after kill -9: runs a graph many times, killing it with SIGKILL after a random delay,
# then lets it finish, and checks the output is byte-identical to an uninterrupted run (nothing
# duplicated, nothing missing, no temporary file left). Two graphs: one without order-sensitive
# nodes (resumes at the oldest unwritten batch, inside a shard) and pipeline.yaml with
# exact_dedup (replays finished shards through the deduper without writing them). Then: a
# changed input makes the rerun refuse to resume, and --restart starts over.
# KEPT_EXT (dedup only) changes the kept output's codec: jsonl.gz checks that resumed gzip output
# (igzip members) continues byte for byte.
#   usage: resume_kill.sh plain|dedup [KILLS [KEPT_EXT]]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$tests_dir/kill_lib.sh"
which=${1:?usage: resume_kill.sh plain|dedup [KILLS [KEPT_EXT]]}
kills=${2:-12}
kept_ext=${3:-jsonl.zst}

# Outputs on tmpfs when there is one: fsync costs nothing there, and this tests process death
# (kill -9), not power loss.
work=$tmp
if [[ -d /dev/shm && -w /dev/shm ]]; then
  work=$(mktemp -d /dev/shm/loom-resume-test.XXXXXX)
  trap 'rm -rf "$work"' EXIT
fi
data=$tmp/data
if [[ $which == plain ]]; then
  # One large shard (a "large single file") and three small ones.
  make_corpus "$data" --shards 3 --docs-per-shard 600 --format gz
  make_corpus "$tmp/big" --shards 1 --docs-per-shard 2500 --format gz --prefix big --seed 7
  mv "$tmp"/big/*.json.gz "$data/"
  graph=$tests_dir/data/resume.yaml
  vars=(--set "DATA=$data")
else
  make_corpus "$data/c4" --shards 3 --docs-per-shard 1000 --format gz
  make_corpus "$data/zst" --shards 2 --docs-per-shard 800 --format zst --prefix zst --seed 99
  # Repeat a shard under another name so that the deduper really drops across shards.
  cp "$(find "$data/c4" -name '*.json.gz' | LC_ALL=C sort | head -n1)" "$data/c4/c4-train.zzz-copy.json.gz"
  graph=$tests_dir/data/pipeline.yaml
  vars=(--set "DATA=$data" --set "KEPT_EXT=$kept_ext")
fi
flags=(--threads 2 --batch-bytes 32768 --checkpoint-seconds 0.02)

reference_run "$work/reference" "$graph" "${vars[@]}" "${flags[@]}"
out=$work/resumed
# Anywhere from start-up to well into the run; every fourth attempt SIGTERM.
kill_and_resume "$work/reference" "$out" "$kills" $((kills / 3)) 4 0.03 0.6 \
  "$graph" "${vars[@]}" "${flags[@]}"
((resumed_runs > 0)) || fail "no attempt started from a manifest: checkpoints were never written"
finish_and_compare "$work/reference" "$out" "the kills" "$graph" "${vars[@]}" "${flags[@]}"

# A manifest written for other inputs is refused; --restart starts over. Kill a run as soon as
# its first checkpoint exists (retried if a run finishes before it is seen).
for _attempt in 1 2 3 4 5; do
  rm -rf "$work/changed"
  "$LOOM" run "$graph" "${vars[@]}" --set "OUT=$work/changed" "${flags[@]}" --quiet \
    --plugin-path "$LOOM_PLUGIN_DIR" >/dev/null 2>&1 </dev/null &
  pid=$!
  while kill -0 "$pid" 2>/dev/null && [[ ! -e $work/changed/stats.resume.json ]]; do sleep 0.01; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  [[ -e $work/changed/stats.resume.json ]] && break
done
[[ -e $work/changed/stats.resume.json ]] || fail "no manifest to test the refusal with"
touch -d '2001-01-01' "$(find "$data" -name '*.json.gz' | LC_ALL=C sort | head -n1)"
loom_run refused run "$graph" "${vars[@]}" --set "OUT=$work/changed" "${flags[@]}"
expect_rc 1 "resuming after an input file changed"
expect_stderr_matches "cannot resume from '.*stats\.resume\.json'.*changed.*--restart" \
  "the refusal names the manifest and says what to do"
loom_run restarted run "$graph" "${vars[@]}" --set "OUT=$work/changed" "${flags[@]}" --restart
expect_rc 0 "--restart after the refusal"
same_tree "$work/reference" "$work/changed" "--restart output vs uninterrupted run"
done_ok
