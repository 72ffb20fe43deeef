# Shared by the tests of `mpirun -n R loom run` (mpi_scale_out.sh, mpi_dedup.sh); source after
# lib.sh. Skips, saying what is missing, without mpirun or when loom was built without MPI.
command -v mpirun >/dev/null || skip "mpirun not found (install openmpi-bin and libopenmpi-dev)"
rc_dir=$tmp/rc
# Each test's mpirun keeps its session folder (ompi.<host>.<uid>/pid.N) in the test's own scratch
# folder: under `ctest -j` two tests sharing TMPDIR's ompi.<host>.<uid> raced, one mpirun removing
# it as it ended while the other was creating its pid.N inside ("No such file or directory"). No
# socket lives there (only files and a fifo), so the longer path stays clear of sun_path's limit.
export OMPI_MCA_orte_tmpdir_base=$tmp/ompi-session
mkdir -p "$OMPI_MCA_orte_tmpdir_base"

# mpi_run NAME R ARGS...: `mpirun -n R loom ARGS`, like loom_run (sets $rc, $last_err), and each
# rank's exit code in $rc_dir/rank<N>.
mpi_run() {
  local name=$1 ranks=$2
  shift 2
  rm -rf "$rc_dir"
  mkdir -p "$rc_dir"
  rc=0
  MPI_RC_DIR=$rc_dir mpirun --oversubscribe --allow-run-as-root --bind-to none -n "$ranks" \
    -x MPI_RC_DIR bash "$tests_dir/mpi_rank.sh" "$LOOM" "$@" --plugin-path "$LOOM_PLUGIN_DIR" \
    >"$tmp/$name.out" 2>"$tmp/$name.err" </dev/null || rc=$?
  last_err=$tmp/$name.err
}

# expect_rank_codes R WANT WHAT: every one of the R ranks exited WANT.
expect_rank_codes() {
  local ranks=$1 want=$2 what=$3 r got
  for ((r = 0; r < ranks; r++)); do
    got=$(cat "$rc_dir/rank$r" 2>/dev/null || echo missing)
    [[ "$got" == "$want" ]] || fail "$what: rank $r exited $got, expected $want (stderr: $last_err)"
  done
  pass "$what: all $ranks ranks exited $want"
}

# count_matches REGEX FILE: lines of FILE matching REGEX.
count_matches() { grep -Ec -- "$1" "$2" || true; }

# A graph that does not exist: loom joins the job (or says it cannot) before it reads the graph.
mpi_run probe 1 run "$tmp/no-such-graph.yaml"
if grep -q "built without MPI" "$last_err"; then
  skip "this loom was built without MPI (CMake found no MPI: install libopenmpi-dev, reconfigure)"
fi
grep -q "no-such-graph.yaml" "$last_err" || { cat "$last_err" >&2; fail "mpirun -n 1 loom run: unexpected output"; }

# stats_totals_equal SINGLE JOB RANKS: the job's stats.json counts what the single run's does, and
# has one entry per rank adding up to it.
stats_totals_equal() {
  "$PYTHON" - "$1" "$2" "$3" <<'PY'
import json, sys
single, job, ranks = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), int(sys.argv[3])
for key in ("status", "shards_total", "shards_done", "docs_read", "bytes_read"):
    assert single[key] == job[key], f"{key}: single {single[key]}, job {job[key]}"
for a, b in zip(single["nodes"], job["nodes"], strict=True):
    for key in ("id", "batches", "docs_in", "docs_kept", "docs_dropped", "dropped_by_reason", "bytes_in"):
        assert a[key] == b[key], f"node {a['id']} {key}: single {a[key]}, job {b[key]}"
assert len(job["ranks"]) == ranks, f"{len(job['ranks'])} rank entries, expected {ranks}"
assert [r["rank"] for r in job["ranks"]] == list(range(ranks))
assert sum(r["docs_read"] for r in job["ranks"]) == job["docs_read"]
assert sum(r["shards_done"] for r in job["ranks"]) == job["shards_done"]
assert "ranks" not in single
PY
}

# kill_rank1_attempts N READY DELAY ARGS...: N times, `mpirun -n 2 loom ARGS` (quiet) killed with
# SIGKILL on rank 1 once the file READY exists ("" : as soon as rank 1 runs; on a rerun that
# resumes, at once), after a random 0..DELAY s more. Sets $killed to the number of kills; fails
# unless mpirun named the killed rank whenever the job did not succeed.
kill_rank1_attempts() {
  local attempts=$1 ready=$2 delay=$3 attempt launcher victim tick pid
  shift 3
  killed=0
  for ((attempt = 1; attempt <= attempts; attempt++)); do
    mpirun --oversubscribe --allow-run-as-root --bind-to none -n 2 "$LOOM" "$@" --quiet \
      --plugin-path "$LOOM_PLUGIN_DIR" >"$tmp/kill$attempt.out" 2>"$tmp/kill$attempt.err" </dev/null &
    launcher=$!
    # Never leave the job running (mpirun passes SIGTERM on to its ranks).
    trap 'kill -TERM "$launcher" 2>/dev/null || true' EXIT
    victim=""
    for ((tick = 0; tick < 1000; tick++)); do
      [[ -z $victim ]] || break
      kill -0 "$launcher" 2>/dev/null || break
      if [[ -z $ready || -e $ready ]]; then
        for pid in $(pgrep -P "$launcher" || true); do
          if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx OMPI_COMM_WORLD_RANK=1; then
            victim=$pid
          fi
        done
      fi
      if [[ -z $victim ]]; then sleep 0.01; fi
    done
    if [[ -n $victim ]]; then
      sleep "$("$PYTHON" -c "import random; print(round(random.uniform(0, $delay), 2))")"
      if kill -9 "$victim" 2>/dev/null; then killed=$((killed + 1)); fi
    fi
    rc=0
    wait "$launcher" || rc=$?
    trap - EXIT
    if [[ $rc != 0 ]]; then
      grep -Eq "process rank 1 .* on node .* signal 9" "$tmp/kill$attempt.err" ||
        { cat "$tmp/kill$attempt.err" >&2; fail "attempt $attempt: mpirun did not name the killed rank"; }
    fi
  done
}
