#!/usr/bin/env bash
# Outputs committed in the background (io/background_commit.cpp): a sink's commit returns after
# its last write and the fsync and rename follow on the `loom-commit` thread. A SIGKILL inside
# such a commit (the LD_PRELOAD shim of tests/faults/kill_at_rename.cpp, right before the Nth
# fsync of an output's temporary file: written, not durable, not renamed) must leave
#   - no file under a final name that differs from the uninterrupted run's (complete or absent),
#     and not the one being committed;
#   - a manifest whose `committed` files all exist, complete (checkpoints list durable files only);
# and the rerun must resume and finish with the uninterrupted run's bytes. On the C4 graph (one
# output per input shard), with one and with two threads.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$tests_dir/kill_lib.sh"
require_shared
: "${LOOM_KILL_AT_RENAME_LIB:?}"

make_slices=$(dirname "$LOOM")/loom_bench_slices
[[ -x "$make_slices" ]] || skip "$make_slices not built (LOOM_BUILD_BENCH=OFF): it makes the input"
"$make_slices" --shared "$LOOM_SHARED_DIR" --out "$tmp/data" --target-bytes 12000000 c4 \
  >"$tmp/make_slices.log" 2>&1 || fail "loom_bench_slices failed: $(tail -n 3 "$tmp/make_slices.log")"
rm "$tmp/data/c4/manifest.txt" # the builder's cache note, not an input

graph=$LOOM_SOURCE_DIR/graphs/redpajama/c4.yaml
# A checkpoint after every batch, so that each kill leaves a manifest listing earlier commits.
args=("$graph" --set "DATA=$tmp/data" --batch-bytes 65536 --checkpoint-seconds 0.00001)
reference_run "$tmp/reference" "${args[@]}" --threads 2
outputs=$(cd "$tmp/reference" && find . -type f -name '*.jsonl' | wc -l)
((outputs >= 2)) || fail "the reference has $outputs output files; the test needs at least 2"

# check_killed OUT: what a kill inside a background commit may leave.
check_killed() {
  local out=$1 f committing
  committing=$(sed -n 's/.*before fsync [0-9]*: \(.*\)\.loom-tmp-.*/\1/p' "$last_err")
  [[ -n "$committing" ]] || fail "the shim did not name the file being committed"
  [[ ! -e "$committing" ]] || fail "$committing is under its final name before its fsync"
  while IFS= read -r f; do
    cmp -s "$tmp/reference/$f" "$out/$f" || fail "$f is under its final name but incomplete"
  done < <(cd "$out" && find . -type f -name '*.jsonl')
  pass "only complete files under final names ($(cd "$out" && find . -name '*.jsonl' | wc -l) of $outputs)"
  "$PYTHON" - "$out" "$tmp/reference" <<'PY' || fail "the manifest lists a commit that is not durable"
import filecmp, glob, json, os, sys
out, reference = sys.argv[1], sys.argv[2]
(manifest,) = glob.glob(os.path.join(out, "**", "*.resume.json"), recursive=True)
listed = [p for sink in json.load(open(manifest))["sinks"] for p in sink["committed"]]
for path in listed:
    relative = os.path.relpath(path, out)
    if not os.path.isfile(path) or not filecmp.cmp(path, os.path.join(reference, relative), False):
        sys.exit(f"{path}: listed as committed but absent or different from the reference")
print(f"note: the manifest lists {len(listed)} committed files, all complete")
PY
  pass "every file the manifest lists as committed is complete"
}

for threads in 1 2; do
  for n in 1 "$(kill_random_int "fsync$threads" 2 "$outputs")"; do
    out=$tmp/killed_t${threads}_$n
    rc=0
    LD_PRELOAD=$LOOM_KILL_AT_RENAME_LIB LOOM_KILL_AT_FSYNC=$n "$LOOM" run "${args[@]}" \
      --threads "$threads" --set "OUT=$out" --plugin-path "$LOOM_PLUGIN_DIR" \
      >"$tmp/fsync_$n.out" 2>"$tmp/fsync_$n.err" </dev/null &
    wait $! || rc=$?
    last_err=$tmp/fsync_$n.err
    expect_rc 137 "SIGKILL before fsync $n of an output ($threads threads)"
    expect_stderr_matches "in thread loom-commit, before fsync $n: " \
      "the commit's fsync ran on the background thread"
    has_manifest "$out" || fail "no manifest left by the kill before fsync $n"
    check_killed "$out"
    finish_and_compare "$tmp/reference" "$out" "a kill before fsync $n ($threads threads)" \
      "${args[@]}" --threads "$threads"
    ((final_resumed)) || fail "the rerun after the kill before fsync $n did not resume"
  done
done
done_ok
