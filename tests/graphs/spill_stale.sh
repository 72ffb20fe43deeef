#!/usr/bin/env bash
# Spill folders left behind (issue 17, item 5). A run killed with SIGKILL while spilling leaves
# its spill folder; the rerun removes it (saying so, with the dead owner's pid), and its output is
# that of an uninterrupted run. A live run's spill folder is never removed: a second run on
# another output spilling to the same folder leaves it alone, and the first run still succeeds.
#   usage: spill_stale.sh spool|stackexchange
#   spool          the engine's spool of a whole-input stage (ccnet_line_dedup), --spill-dir
#   stackexchange  stackexchange_source's external sort, its spill_dir option
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
which=${1:?usage: spill_stale.sh spool|stackexchange}
: "${LOOM_FAULTS_PLUGIN_DIR:?}"

spill=$tmp/spill
mkdir -p "$spill"
if [[ $which == spool ]]; then
  make_corpus "$tmp/gz" --shards 3 --docs-per-shard 300 --format gz
  graph=$tests_dir/data/spill_spool.yaml
  # --spool-whole-input: the stage could read its source again instead of spooling.
  vars=(--set "IN=$tmp/gz/*.json.gz" --buffer-memory-mb 0 --spool-whole-input --spill-dir "$spill"
    --batch-bytes 16384)
  delay=30
else
  # A site of 3000 questions, most with answers, in an order no dump has (answers first).
  mkdir -p "$tmp/sites"
  "$PYTHON" - "$tmp/sites/synthetic.example.xml" <<'PY'
import random, sys
rng = random.Random(17)
rows = []
for q in range(1, 3001):
    rows.append(f'<row Id="{q}" PostTypeId="1" Score="{rng.randint(-3, 40)}" '
                f'Title="Question {q} &amp; more" Body="&lt;p&gt;How does thing {q} work?&lt;/p&gt;" />')
    for a in range(rng.randint(0, 3)):
        rows.append(f'<row Id="{100000 + 10 * q + a}" PostTypeId="2" ParentId="{q}" '
                    f'Score="{rng.randint(-2, 9)}" Body="&lt;p&gt;Answer {a} to {q}.&lt;/p&gt;" />')
rng.shuffle(rows)
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write('<?xml version="1.0" encoding="utf-8"?>\n<posts>\n')
    f.writelines("  " + row + "\n" for row in rows)
    f.write("</posts>\n")
PY
  graph=$tests_dir/data/spill_stackexchange.yaml
  vars=(--set "IN=$tmp/sites/*.xml" --set "SPILL_DIR=$spill" --set MEMORY_MB=0.05 --batch-bytes 4096)
  delay=10
fi
pattern="loom-spill-$which-*"
host=$(hostname)
common=(--threads 2 --checkpoint-seconds 0.05 --plugin-path "$LOOM_FAULTS_PLUGIN_DIR")

spill_folders() { find "$spill" -mindepth 1 -maxdepth 1 -name "$pattern" | LC_ALL=C sort; }

# start_slow NAME OUT: a run that spills and dawdles, in the background; sets $pid.
start_slow() {
  "$LOOM" run "$graph" "${vars[@]}" "${common[@]}" --set "DELAY_MS=$delay" --set "OUT=$2" \
    --quiet --plugin-path "$LOOM_PLUGIN_DIR" >"$tmp/$1.out" 2>"$tmp/$1.err" </dev/null &
  pid=$!
}
# wait_for_spill_folder: until a folder owned by $pid exists; sets $folder.
wait_for_spill_folder() {
  folder=""
  for _ in $(seq 1500); do
    for candidate in $(spill_folders); do
      grep -qx "pid $pid" "$candidate/owner" 2>/dev/null && folder=$candidate
    done
    [[ -n $folder ]] && return
    kill -0 "$pid" 2>/dev/null || fail "the run ended before it spilled: $(cat "$tmp"/*.err)"
    sleep 0.02
  done
  fail "no spill folder of pid $pid appeared in $spill"
}

loom_run reference run "$graph" "${vars[@]}" "${common[@]}" --set "OUT=$tmp/reference"
expect_rc 0 "uninterrupted run"
[[ -z $(spill_folders) ]] || fail "spill folder left after a successful run: $(spill_folders)"
pass "no spill folder left after a successful run"

# A live run's folder stays while another run starts, spills and ends.
start_slow live "$tmp/live"
live=$pid
trap 'kill -9 "$live" "${killed:-}" 2>/dev/null || true' EXIT
wait_for_spill_folder
live_folder=$folder
loom_run other run "$graph" "${vars[@]}" "${common[@]}" --set "OUT=$tmp/other"
expect_rc 0 "a run on another output, spilling to the same folder"
[[ -d $live_folder ]] || fail "the other run removed the live run's spill folder $live_folder"
pass "the live run's spill folder stayed"
rc=0
wait "$live" || rc=$?
((rc == 0)) || fail "the live run failed (exit $rc): $(cat "$tmp/live.err")"
same_tree "$tmp/reference" "$tmp/live" "the live run's output"
same_tree "$tmp/reference" "$tmp/other" "the other run's output"

# kill -9 while spilling: the folder stays behind, the rerun removes it.
start_slow killed "$tmp/killed"
killed=$pid
wait_for_spill_folder
kill -9 "$killed"
wait "$killed" 2>/dev/null || true
[[ -d $folder ]] || fail "kill -9 did not leave the spill folder (nothing to test)"
pass "kill -9 while spilling left $(basename "$folder") ($(du -sk "$folder" | cut -f1) KB)"
loom_run rerun run "$graph" "${vars[@]}" "${common[@]}" --set "DELAY_MS=$delay" \
  --set "OUT=$tmp/killed"
expect_rc 0 "the rerun after kill -9"
expect_stderr_matches "removed the spill folder $folder left behind by a run that died \(pid $killed on host $host\)" \
  "the rerun says which stale folder it removed and whose it was"
[[ ! -e $folder ]] || fail "the stale spill folder $folder is still there"
[[ -z $(spill_folders) ]] || fail "spill folders left after the rerun: $(spill_folders)"
pass "no spill folder left"
same_tree "$tmp/reference" "$tmp/killed" "the rerun's output vs uninterrupted run"
done_ok
