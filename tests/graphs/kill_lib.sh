# Kill -9 / resume helpers shared by resume_kill.sh and kill_resume_slice.sh (sourced after
# lib.sh, not run). A test runs a graph once uninterrupted (the reference), then again into
# another folder, killing each attempt at a random moment and letting the next one continue from
# the resume manifest, and finally compares the finished output with the reference byte for byte.
#
# The random moments come from one seed, printed at the start: LOOM_KILL_SEED=<seed> in the
# environment of ctest replays the same kill moments (delays, shares of the output,
# renames); what the graph was doing at a given delay still depends on the machine's speed.
#
# Environment (set by tests/graphs/CMakeLists.txt):
#   LOOM_KILL_AT_RENAME_LIB  the LD_PRELOAD shim of tests/faults/kill_at_rename.cpp (kills at
#                            a checkpoint or a rename)

kill_seed=${LOOM_KILL_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
echo "note: kill seed $kill_seed (LOOM_KILL_SEED=$kill_seed replays these kill moments)"

# kill_random_int NAME LOW HIGH: an integer in [LOW, HIGH], the same for the same seed and NAME.
kill_random_int() {
  "$PYTHON" -c 'import random, sys
print(random.Random(f"{sys.argv[1]}/{sys.argv[2]}").randint(int(sys.argv[3]), int(sys.argv[4])))' \
    "$kill_seed" "$@"
}

# reference_run OUT ARGS...: the uninterrupted run every other output is compared with; sets
# $run_seconds (its wall time, which scales the kill delays to this machine's speed).
reference_run() {
  local out=$1 started
  shift
  started=$("$PYTHON" -c 'import time; print(time.time())')
  loom_run reference run "$@" --set "OUT=$out"
  expect_rc 0 "uninterrupted run"
  run_seconds=$("$PYTHON" -c "import time; print(time.time() - $started)")
  local manifest
  manifest=$(find "$out" -name '*.resume.json*')
  [[ -z "$manifest" ]] || fail "the manifest is left after a successful run: $manifest"
  pass "no manifest left after a successful run (it took $(printf %.1f "$run_seconds") s)"
}

# has_manifest OUT: OUT holds a resume manifest (a later run there resumes from it).
has_manifest() { [[ -n "$(find "$1" -name '*.resume.json' 2>/dev/null)" ]]; }

# tree_bytes DIR: bytes of the output files under DIR (stats.json and manifests aside).
tree_bytes() {
  find "$1" -type f ! -name stats.json ! -name '*.resume.json*' -printf '%s\n' 2>/dev/null |
    awk '{ n += $1 } END { print n + 0 }'
}

# kill_and_resume REFERENCE OUT MIN_ATTEMPTS MIN_KILLS TERM_EVERY LOW HIGH ARGS...
# Runs `loom run ARGS --set OUT=OUT` again and again, each attempt signalled at a random moment
# (kill_attempt.py: at a random share of the output still to write, after a random LOW..HIGH
# times $run_seconds, or shortly after one of the first checkpoints): SIGKILL, or SIGTERM on
# every TERM_EVERY-th attempt (0: never). At least MIN_ATTEMPTS attempts, and more (up to
# MIN_ATTEMPTS + 3 * MIN_KILLS) until MIN_KILLS of them were signalled while running and one left
# a manifest behind (so that a rerun really resumes, not only starts over). An attempt that
# finishes first must already have the reference's output (the next one starts over). Sets
# $killed_running and $resumed_runs (attempts that started with a manifest there, i.e. continued
# an interrupted run).
kill_and_resume() {
  local reference=$1 out=$2 min_attempts=$3 min_kills=$4 term_every=$5 low=$6 high=$7
  shift 7
  local outcomes="" # K: killed, T: stopped by SIGTERM, .: had finished
  local k signal rc how note start=$SECONDS max_attempts=$((min_attempts + 3 * min_kills)) total
  total=$(tree_bytes "$reference")
  killed_running=0
  resumed_runs=0
  for ((k = 1; k <= max_attempts; k++)); do
    if ((k > min_attempts && killed_running >= min_kills)); then
      # Enough kills; one more attempt unless some rerun has resumed (or the next one will).
      ((resumed_runs > 0)) || has_manifest "$out" && break
    fi
    how="fresh"
    if has_manifest "$out"; then
      resumed_runs=$((resumed_runs + 1))
      how="resuming"
    fi
    # SIGTERM is a scheduler's warning: it stops the run but keeps what the manifest needs.
    signal=KILL
    ((term_every > 0 && k % term_every == 0)) && signal=TERM
    rc=0
    note=$("$PYTHON" "$tests_dir/kill_attempt.py" --seed "$kill_seed" --attempt "$k" \
      --signal "$signal" --out "$out" --total-bytes "$total" --delays "$low" "$high" \
      --run-seconds "$run_seconds" --preload "${LOOM_KILL_AT_RENAME_LIB:-}" \
      --stdout "$tmp/kill_$k.out" --stderr "$tmp/kill_$k.err" -- \
      "$LOOM" run "$@" --set "OUT=$out" --quiet --plugin-path "$LOOM_PLUGIN_DIR") || rc=$?
    echo "note: attempt $k ($how): $note"
    if ((rc == 137 || rc == 143)); then # 143: SIGTERM before loom set its handler
      killed_running=$((killed_running + 1))
      outcomes+="K"
    elif [[ $signal == TERM && $rc == 1 ]] && grep -q "was interrupted" "$tmp/kill_$k.err"; then
      killed_running=$((killed_running + 1))
      outcomes+="T"
    elif ((rc == 0)); then
      outcomes+="."
      same_tree "$reference" "$out" "attempt $k (after [${outcomes%?}]) completed" >/dev/null
    else
      cat "$tmp/kill_$k.err" >&2
      fail "attempt $k ($note) exited $rc, not by the signal"
    fi
  done
  echo "note: $((k - 1)) attempts [$outcomes], $killed_running killed while running, $resumed_runs" \
    "started from a manifest, $((SECONDS - start)) s"
  ((killed_running >= min_kills)) ||
    fail "only $killed_running of $((k - 1)) runs were still running when signalled (wanted $min_kills)"
  pass "$killed_running runs killed at random moments"
}

# finish_and_compare REFERENCE OUT WHAT ARGS...: a last, uninterrupted `loom run ARGS` into OUT
# must leave the reference's bytes, no temporary file and no manifest. Sets $final_resumed (1 if
# it started from a manifest).
finish_and_compare() {
  local reference=$1 out=$2 what=$3 leftover
  shift 3
  final_resumed=0
  has_manifest "$out" && final_resumed=1
  loom_run final run "$@" --set "OUT=$out"
  expect_rc 0 "the rerun after $what"
  same_tree "$reference" "$out" "output after $what vs the uninterrupted run"
  leftover=$(find "$out" -name '*.loom-tmp-*' -o -name '*.resume.json*')
  [[ -z "$leftover" ]] || fail "left behind after $what: $leftover"
  pass "no temporary file and no manifest left after $what"
}

# kill_at_rename OUT N ARGS...: `loom run ARGS` into a fresh OUT, killed with SIGKILL by the
# LD_PRELOAD shim right after its Nth rename of a finished output to its final name. The kill
# must leave a manifest behind (the renames come after the first checkpoint).
kill_at_rename() {
  local out=$1 n=$2
  shift 2
  : "${LOOM_KILL_AT_RENAME_LIB:?}"
  rm -rf "$out"
  rc=0
  # In the background, so that bash does not report the kill of a foreground job on stderr.
  LD_PRELOAD=$LOOM_KILL_AT_RENAME_LIB LOOM_KILL_AT_RENAME=$n "$LOOM" run "$@" --set "OUT=$out" \
    --plugin-path "$LOOM_PLUGIN_DIR" >"$tmp/rename_$n.out" 2>"$tmp/rename_$n.err" </dev/null &
  wait $! || rc=$?
  last_err=$tmp/rename_$n.err
  expect_rc 137 "SIGKILL right after rename $n of a finished output"
  expect_stderr_matches "kill_at_rename: SIGKILL after rename $n: " "the shim says which rename it died after"
  has_manifest "$out" || fail "no manifest left by the kill after rename $n"
  pass "the kill after rename $n left a manifest"
}
