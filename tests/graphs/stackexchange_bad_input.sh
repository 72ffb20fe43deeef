#!/usr/bin/env bash
# StackExchange bad input, end to end: a site's Posts.xml compressed as one stream (.xml.gz,
# .xml.bz2) and cut short, or plain XML cut mid-file, is a clear error naming the file, with no
# output under its final name; spill files are removed after success, after that error and when
# the run is stopped by a signal while it is spilling. (The .7z, malformed XML and entity bomb
# cases are in tests/plugins/stackexchange/source_test.cpp.)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

graph=$tmp/site.yaml
cat >"$graph" <<'YAML'
version: 1
plugins: [io, stackexchange]
sources:
  read:
    type: stackexchange_source
    with:
      paths: ["${DATA}/*"]
      memory_budget_mb: ${MEMORY_MB:-1024}
      spill_dir: "${SPILL}"
sinks:
  write:
    type: jsonl_sink
    inputs: [read]
    with:
      path: "${OUT}/{shard}.jsonl"
      compression: none
YAML

# 4000 questions, each with an answer posted 1000 rows later.
posts=$tmp/Posts.xml
"$PYTHON" - "$posts" <<'PY'
import sys
rows = ['<?xml version="1.0" encoding="utf-8"?>', "<posts>"]
for i in range(1, 5001):
    if i <= 4000:
        rows.append(f'  <row Id="{i}" PostTypeId="1" Score="{i % 13}" Title="question {i * 7919 % 10007}" Body="&lt;p&gt;body {i * i}&lt;/p&gt;" />')
    if i > 1000:
        q = i - 1000
        rows.append(f'  <row Id="{100000 + q}" PostTypeId="2" ParentId="{q}" Score="{q % 5}" Body="answer to {q}" />')
rows.append("</posts>")
open(sys.argv[1], "w").write("\n".join(rows) + "\n")
PY

mkdir -p "$tmp/spill"
spill_left() { find "$tmp/spill" -mindepth 1 | head -n 3; }

# run CASE FILE MEMORY_MB: loom on a folder holding only FILE.
run() {
  local name=$1 file=$2 memory=$3
  mkdir -p "$tmp/$name/data"
  cp "$file" "$tmp/$name/data/"
  loom_run "$name" run "$graph" --set "DATA=$tmp/$name/data" --set "OUT=$tmp/$name/out" \
    --set "SPILL=$tmp/spill" --set "MEMORY_MB=$memory" --threads 2
}

gzip -c "$posts" >"$tmp/site.stackexchange.com.xml.gz"
bzip2 -c "$posts" >"$tmp/site.stackexchange.com.xml.bz2"
for ext in gz bz2; do
  whole=$tmp/site.stackexchange.com.xml.$ext
  run "whole_$ext" "$whole" 0.002
  expect_rc 0 "the whole .xml.$ext"
  written=$(wc -l <"$tmp/whole_$ext/out/site.stackexchange.com.jsonl")
  [[ "$written" == 4000 ]] || fail "the whole .xml.$ext gave $written documents, expected 4000"
  [[ -z "$(spill_left)" ]] || fail "spill files left after success: $(spill_left)"
  pass "the whole .xml.$ext gives 4000 documents with a tiny budget; no spill file left"

  cut=$tmp/cut.stackexchange.com.xml.$ext
  head -c $(($(stat -c %s "$whole") / 2)) "$whole" >"$cut"
  run "cut_$ext" "$cut" 1024
  expect_rc 1 "a .xml.$ext cut in half"
  expect_stderr_matches "cut.stackexchange.com.xml.$ext" "the error names the cut .xml.$ext"
  [[ -z "$(find "$tmp/cut_$ext/out" -name '*.jsonl' 2>/dev/null)" ]] ||
    fail "output left under its final name after the failure"
  pass "no output under its final name after the failure"
done

# Plain XML cut mid-file, read with a budget that has spilled long before the cut is found.
head -c $(($(stat -c %s "$posts") * 3 / 5)) "$posts" >"$tmp/cutxml.stackexchange.com.xml"
run cut_xml "$tmp/cutxml.stackexchange.com.xml" 0.002
expect_rc 1 "XML cut mid-file"
expect_stderr_matches "cutxml.stackexchange.com.xml:[0-9]+: malformed XML" "the error names the file and line"
[[ -z "$(spill_left)" ]] || fail "spill files left after the error: $(spill_left)"
pass "no spill file left after the error"

# Stopped by SIGTERM while spilling: the run ends and takes its spill files with it.
mkdir -p "$tmp/stopped/data"
cp "$posts" "$tmp/stopped/data/stopped.stackexchange.com.xml"
"$LOOM" run "$graph" --set "DATA=$tmp/stopped/data" --set "OUT=$tmp/stopped/out" \
  --set "SPILL=$tmp/spill" --set MEMORY_MB=0.001 --threads 2 --plugin-path "$LOOM_PLUGIN_DIR" \
  >"$tmp/stopped.out" 2>"$tmp/stopped.err" </dev/null &
pid=$!
for ((i = 0; i < 600; ++i)); do
  [[ -n "$(find "$tmp/spill" -name '*.run' | head -n 1)" ]] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
done
[[ -n "$(find "$tmp/spill" -name '*.run' | head -n 1)" ]] || fail "the run never spilled"
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
[[ "$rc" != 0 ]] || fail "the stopped run exited 0"
[[ -z "$(spill_left)" ]] || fail "spill files left after the run was stopped: $(spill_left)"
pass "a run stopped while spilling leaves no spill file (exit code $rc)"
done_ok
