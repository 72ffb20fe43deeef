#!/usr/bin/env bash
# kill -9 / resume on one RedPajama graph (graphs/redpajama/SLICE.yaml), on a small input in the
# slice's native format made from ../shared by loom_bench_slices (as the benchmarks and
# common_crawl_slice.sh make theirs):
# 1. an uninterrupted run is the reference;
# 2. runs into another folder are killed with SIGKILL at random moments (kill_lib.sh: at a random
#    share of the output still to write, after a random time, or shortly after one of the first
#    checkpoints), at least 3 of them while running, each rerun continuing from the resume
#    manifest; then one runs to the end: every output file must be byte-identical to the
#    reference, stats.json must agree where it is deterministic (compare_stats.py), and at least
#    one rerun must really have resumed;
# 3. runs are killed right after a rename of a finished output to its final name (the LD_PRELOAD
#    shim of tests/faults/kill_at_rename.cpp): after the last one, just before the manifest goes,
#    and, when there are several outputs, after a random one of the others; the rerun must
#    resume and finish with the same bytes.
# Kill moments come from a printed seed (LOOM_KILL_SEED replays them, see kill_lib.sh).
#   usage: kill_resume_slice.sh SLICE [CC_MODELS_DIR]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$tests_dir/kill_lib.sh"
slice=${1:?usage: kill_resume_slice.sh SLICE [CC_MODELS_DIR]}
graph=$LOOM_SOURCE_DIR/graphs/redpajama/$slice.yaml
[[ -f "$graph" ]] || fail "no graph $graph"
require_shared

# Input size per slice (the builder makes at least one copy of the shared sample): enough for
# dozens of checkpoints, while the whole set of these tests stays within a few minutes on two
# cores. The Books graphs read 3 MB in about 0.25 s since their fingerprints are hashed in
# vector lanes, too short for three kills to land while they run: they get 12 MB. Common Crawl
# at 1.5 MB ran in about 0.1 s (language id's faster first sightings) and writes everything in
# its last milliseconds: 2 runs in about 100 had fewer than 3 of their 12 attempts killed while
# running. It gets 4 MB.
declare -A input_bytes=(
  [c4]=3000000 [github]=3000000 [books]=12000000 [books_txt]=12000000 [arxiv]=2000000
  [stackexchange]=3000000 [wikipedia]=3000000 [common_crawl]=4000000
)
[[ -n "${input_bytes[$slice]:-}" ]] || fail "no input size for slice '$slice' in $0"

vars=()
case $slice in
arxiv | stackexchange | common_crawl)
  model=${LOOM_CACHE:-$HOME/.cache/loom}/models/lid.176.ftz
  [[ -f "$model" ]] || skip "fastText model $model absent (scripts/setup.sh installs it)"
  ;;&
common_crawl)
  models=${2:?usage: kill_resume_slice.sh common_crawl CC_MODELS_DIR}
  for f in en.sp.model en.arpa.bin wikiref.bin; do
    [[ -s "$models/$f" ]] || fail "demo model $models/$f missing (the cc_demo_models test makes it)"
  done
  vars+=(--set "CC_SP_MODEL=$models/en.sp.model" --set "CC_LM_MODEL=$models/en.arpa.bin"
    --set "CC_WIKIREF_MODEL=$models/wikiref.bin"
    # At 0 every page is written, whatever wiki_prob the demo classifier gives it.
    --set CC_MIN_WIKI_PROB=0
    # The line dedup's second pass takes the first files' batches from memory (a sixteenth of
    # this: 512 KB, a few of the 8 files) and reads the others again: kills land in both.
    --buffer-memory-mb 8)
  ;;
stackexchange)
  # Spill the question/answer join to disk, so kills also land while spilling.
  mkdir -p "$tmp/spill"
  vars+=(--set STACKEXCHANGE_MEMORY_MB=0.05 --set "STACKEXCHANGE_SPILL_DIR=$tmp/spill")
  ;;
esac

make_slices=$(dirname "$LOOM")/loom_bench_slices
[[ -x "$make_slices" ]] || skip "$make_slices not built (LOOM_BUILD_BENCH=OFF): it makes the input"
"$make_slices" --shared "$LOOM_SHARED_DIR" --out "$tmp/data" --target-bytes "${input_bytes[$slice]}" \
  "$slice" >"$tmp/make_slices.log" 2>&1 ||
  fail "loom_bench_slices failed: $(tail -n 3 "$tmp/make_slices.log")"
echo "note: input $(grep '^slice=' "$tmp/make_slices.log")"
rm "$tmp/data/$slice/manifest.txt" # the builder's cache note, not an input

# Outputs on tmpfs when there is one: fsync costs nothing there, and this tests process death
# (kill -9), not power loss.
work=$tmp/out
if [[ -d /dev/shm && -w /dev/shm ]]; then
  work=$(mktemp -d /dev/shm/loom-kill-test.XXXXXX)
  trap 'rm -rf "$work"' EXIT
fi
# Small batches and frequent checkpoints, so that kills land between many checkpoints. A sink
# checkpoints once the interval has passed since its first write: the Common Crawl graph's
# whole-input stages hold everything back until the input is read, then its sink writes its
# ~40 KB within milliseconds, so it gets smaller batches and a checkpoint after every batch. The
# C4 graph runs its 3 MB in about 0.2 s: at 0.02 s between checkpoints, all three kills sometimes
# landed before the first one, so it checkpoints after every batch too. So do the Books graphs:
# their near-dedup holds the output back until its input is read, then writes all of it within
# about 0.05 s (fingerprints in MD5 lanes), so kills often came before a 0.02 s checkpoint.
batch_bytes=16384 interval=0.02
[[ $slice == c4 || $slice == books || $slice == books_txt ]] && interval=0.00001
[[ $slice == common_crawl ]] && batch_bytes=2048 interval=0.00001
args=("$graph" --set "DATA=$tmp/data/$slice" "${vars[@]}" --threads 2 --batch-bytes "$batch_bytes")
stats_file=$slice/stats.json

# What stats.json of a resumed run must share with the uninterrupted run's: with an
# order-sensitive node (a deduper) the source replays everything, so all nodes but the sinks.
replays=0
for component in $(sed -n 's/^ *type: *\([a-z0-9_]*\).*/\1/p' "$graph"); do
  if "$LOOM" plugins inspect "$component" --plugin-path "$LOOM_PLUGIN_DIR" 2>/dev/null |
    grep -Eq 'order-sensitive: +yes'; then
    replays=1
  fi
done
check_stats() { # OUT RESUMED(0|1) WHAT
  local scope=all
  if (($2 && replays)); then
    scope=before_sinks
  elif (($2)); then
    scope=run
  fi
  "$PYTHON" "$tests_dir/compare_stats.py" "$work/reference/$stats_file" "$1/$stats_file" "$scope" ||
    fail "stats.json after $3 differs from the uninterrupted run's (scope $scope)"
  pass "stats.json after $3 agrees with the uninterrupted run's (scope $scope)"
}

args_every=("${args[@]}" --checkpoint-seconds 0.00001) # a checkpoint after every batch
args+=(--checkpoint-seconds "$interval")
reference_run "$work/reference" "${args[@]}"

# Anywhere from start-up to near the end of an uninterrupted run.
kill_and_resume "$work/reference" "$work/killed" 3 3 0 0.05 0.9 "${args[@]}"
finish_and_compare "$work/reference" "$work/killed" "the random kills" "${args[@]}"
check_stats "$work/killed" "$final_resumed" "the random kills"
resumed=$((resumed_runs + final_resumed))
echo "note: $slice: $killed_running kills while running, $resumed reruns resumed from a manifest"
((resumed > 0)) || fail "no rerun started from a manifest: the kills never left a checkpoint"
pass "$resumed reruns resumed from a manifest"

# Kills inside the commits. Each output file is renamed once, when its sink finishes it. The
# killed run checkpoints after every batch (the interval is not part of the manifest's
# fingerprint), so the manifest lists the renamed file as still open: the rerun must take it
# back, cut it to the recorded length and continue it.
outputs=$(cd "$work/reference" && find . -type f ! -name stats.json | wc -l)
renames=("$outputs")
((outputs > 1)) && renames+=("$(kill_random_int rename 1 $((outputs - 1)))")
for n in "${renames[@]}"; do
  kill_at_rename "$work/rename_$n" "$n" "${args_every[@]}"
  finish_and_compare "$work/reference" "$work/rename_$n" "a kill after rename $n of $outputs" \
    "${args[@]}"
  ((final_resumed)) || fail "the rerun after rename $n did not resume"
  check_stats "$work/rename_$n" 1 "a kill after rename $n of $outputs"
done
if [[ $slice == stackexchange ]]; then
  left=$(find "$tmp/spill" -mindepth 1 -maxdepth 1 | head -n 3)
  echo "note: spill folders left by the killed runs: ${left:-none}"
fi
done_ok
