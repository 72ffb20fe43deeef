#!/usr/bin/env bash
# Faults: each case makes one thing go wrong and checks the run stops with exit code 1 and one
# clear error naming what failed, and leaves no output under a final name (only stats.json).
#   disk_full         writes fail with EFBIG under a file size limit (ulimit -f)
#   unreadable_input  an input file the process may not read (chmod 000)
#   plugin_throws     a filter throws on one document: the error names node, shard and record
#   plugin_stalls     a filter hangs on one document: --batch-timeout cancels the run
#   whole_input_stalls  a whole-input stage hangs in its first pass, then in its second: the same
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
case_name=${1:?usage: faults.sh CASE}
: "${LOOM_FAULTS_PLUGIN_DIR:?}"

# Plain .jsonl input, 3 shards; shard 1 gets a marker document at line 500 (record 499).
make_corpus "$tmp/gz" --shards 3 --docs-per-shard 1500 --format gz
mkdir -p "$tmp/in"
for f in "$tmp"/gz/*.json.gz; do gzip -dc "$f" >"$tmp/in/$(basename "${f%.json.gz}").jsonl"; done
second=$(find "$tmp/in" -name '*.jsonl' | LC_ALL=C sort | sed -n 2p)
"$PYTHON" - "$second" <<'PY'
import json, sys
path = sys.argv[1]
lines = open(path, encoding="utf-8").readlines()
lines.insert(499, json.dumps({"text": "a document with FAULT-MARKER inside", "url": "u"}) + "\n")
open(path, "w", encoding="utf-8").writelines(lines)
PY
graph=$tests_dir/data/faults.yaml
out=$tmp/out

run_faults() { # NAME ARGS...
  local name=$1
  shift
  loom_run "$name" run "$graph" --set "OUT=$out" --plugin-path "$LOOM_FAULTS_PLUGIN_DIR" "$@"
}

no_final_output() {
  local left
  left=$(find "$out" -type f ! -name stats.json 2>/dev/null || true)
  [[ -z "$left" ]] || fail "files left in $out after the failure: $left"
  pass "no output file left (temporary files removed too)"
}

case $case_name in
disk_full)
  # 300 KiB per file; each of the three outputs is about 1.5 MB.
  rc=0
  (
    ulimit -f 300
    exec "$LOOM" run "$graph" --set "OUT=$out" --set "IN=$tmp/in/*.jsonl" --threads 2 \
      --plugin-path "$LOOM_PLUGIN_DIR" --plugin-path "$LOOM_FAULTS_PLUGIN_DIR"
  ) >"$tmp/disk_full.out" 2>"$tmp/disk_full.err" </dev/null || rc=$?
  last_err=$tmp/disk_full.err
  expect_rc 1 "a run whose writes pass the file size limit"
  expect_stderr_matches "node 'write' \(jsonl_sink.*cannot write '$out/[^']*\.jsonl'.*File too large" \
    "the error names the sink, the output file and EFBIG"
  (($(grep -c '^error' "$last_err") == 1)) || fail "expected exactly one error, got: $(cat "$last_err")"
  pass "exactly one error"
  no_final_output
  ;;
unreadable_input)
  chmod 000 "$second"
  runner=()
  if (($(id -u) == 0)); then
    # chmod does not stop root: read as nobody if that user can run loom here, else skip.
    if setpriv --reuid=65534 --regid=65534 --clear-groups "$LOOM" --version >/dev/null 2>&1; then
      runner=(setpriv --reuid=65534 --regid=65534 --clear-groups)
      mkdir -p "$out" && chmod 777 "$out"
      echo "note: running as root; loom runs as uid 65534 so that chmod 000 applies"
    else
      skip "running as root and uid 65534 cannot run $LOOM, so chmod 000 cannot make a file unreadable"
    fi
  fi
  rc=0
  "${runner[@]}" "$LOOM" run "$graph" --set "OUT=$out" --set "IN=$tmp/in/*.jsonl" \
    --plugin-path "$LOOM_PLUGIN_DIR" --plugin-path "$LOOM_FAULTS_PLUGIN_DIR" \
    >"$tmp/unreadable.out" 2>"$tmp/unreadable.err" </dev/null || rc=$?
  last_err=$tmp/unreadable.err
  expect_rc 1 "a run with an unreadable input file"
  expect_stderr_matches "node 'read' \(jsonl_source.*$second.*Permission denied" \
    "the error names the source node, the file and the reason"
  no_final_output
  ;;
plugin_throws)
  run_faults throws --set "IN=$tmp/in/*.jsonl" --set THROW_ON=FAULT-MARKER --threads 2
  expect_rc 1 "a filter that throws on one document"
  expect_stderr_matches "node 'fault' \(fault_filter, libloom_faults\.so\) failed on '$second' record 499: found 'FAULT-MARKER'" \
    "the error names node, component, plugin, shard, record and the plugin's message"
  (($(grep -c '^error' "$last_err") == 1)) || fail "expected exactly one error: $(cat "$last_err")"
  pass "exactly one error"
  no_final_output
  ;;
plugin_stalls)
  start=$SECONDS
  run_faults stalls --set "IN=$tmp/in/*.jsonl" --set STALL_ON=FAULT-MARKER --threads 2 \
    --batch-timeout 1
  expect_rc 1 "a filter that hangs on one document, with --batch-timeout 1"
  expect_stderr_matches "node 'fault' \(fault_filter, libloom_faults\.so\) did not finish a batch within the time limit \(1 s, --batch-timeout\) on '$second'" \
    "the error names node, shard and the limit"
  ((SECONDS - start < 20)) || fail "the stalled run took $((SECONDS - start)) s to stop"
  pass "the stalled run stopped in $((SECONDS - start)) s"
  no_final_output
  # Without the flag there is no limit: a slow but finite batch is fine.
  run_faults no_limit --set "IN=$tmp/in/*.jsonl" --threads 2
  expect_rc 0 "the same graph without the stall"
  ;;
whole_input_stalls)
  for pass in OBSERVE PROCESS; do
    start=$SECONDS
    loom_run "stalls_$pass" run "$tests_dir/data/faults_whole_input.yaml" --set "OUT=$out" \
      --plugin-path "$LOOM_FAULTS_PLUGIN_DIR" --set "IN=$tmp/in/*.jsonl" \
      --set "${pass}_STALL_ON=FAULT-MARKER" --threads 2 --batch-timeout 1
    expect_rc 1 "a whole-input stage that hangs in $pass, with --batch-timeout 1"
    expect_stderr_matches "node 'whole' \(whole_input_stall, libloom_faults\.so\) did not finish a batch within the time limit \(1 s, --batch-timeout\) on '$second'" \
      "the error names node, shard and the limit ($pass)"
    ((SECONDS - start < 20)) || fail "the run stalled in $pass took $((SECONDS - start)) s to stop"
    pass "the run stalled in $pass stopped in $((SECONDS - start)) s"
    no_final_output
  done
  ;;
*) fail "unknown case '$case_name'" ;;
esac
done_ok
