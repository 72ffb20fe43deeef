#!/usr/bin/env bash
# Bad input, one case per run (argument): the run fails with exit code 1 and an error naming the
# file (and the line where a line is at fault), leaving no output file under its final name; with
# `on_error: skip`, line-level faults are skipped and counted, and the good lines are written.
#
# usage: bad_input.sh invalid_json|invalid_utf8|long_line|missing_text|truncated_gz|truncated_zst
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
case_name=${1:?case}

in_dir=$tmp/in
mkdir -p "$in_dir"
good_line() { printf '{"text":"good document %d, fine text","url":"https://example.org/%d"}\n' "$1" "$1"; }

# Five lines, the third one bad. $1: how to write the bad line.
five_lines_with_bad_third() {
  local file=$1 bad=$2
  {
    good_line 1
    good_line 2
    printf '%s\n' "$bad"
    good_line 4
    good_line 5
  } >"$file"
}

line_level=1
case "$case_name" in
invalid_json)
  file=$in_dir/invalid_json.jsonl
  five_lines_with_bad_third "$file" '{"text":"unterminated, "url":}'
  ;;
invalid_utf8)
  file=$in_dir/invalid_utf8.jsonl
  five_lines_with_bad_third "$file" "$(printf '{"text":"bad bytes \xff\xfe here","url":"https://example.org/3"}')"
  ;;
long_line)
  file=$in_dir/long_line.jsonl
  five_lines_with_bad_third "$file" "{\"text\":\"$(head -c 5000 /dev/zero | tr '\0' a)\"}"
  ;;
missing_text)
  file=$in_dir/missing_text.jsonl
  five_lines_with_bad_third "$file" '{"url":"https://example.org/no-text","body":"not the text field"}'
  ;;
truncated_gz | truncated_zst)
  line_level=0
  make_corpus "$tmp/whole" --shards 1 --docs-per-shard 3000 --format "${case_name#truncated_}" --prefix truncated
  whole=$(find "$tmp/whole" -type f | head -n1)
  file=$in_dir/$(basename "$whole")
  size=$(stat -c %s "$whole")
  head -c $((size / 2)) "$whole" >"$file"
  ;;
*) fail "unknown case $case_name" ;;
esac
name=$(basename "$file")
graph=$tests_dir/data/bad_input.yaml

# No output under a final name (*.jsonl); temporary files are not final names.
expect_no_final_output() {
  local found
  found=$(find "$1" -name '*.jsonl' 2>/dev/null || true)
  [[ -z "$found" ]] || fail "$2: output left under a final name after the failure: $found"
  pass "$2: no output file left under its final name"
}

out=$tmp/out_fail
loom_run fail run "$graph" --set "IN=$file" --set "OUT=$out" --threads 2
expect_rc 1 "$case_name (on_error: fail)"
expect_stderr_matches "$name" "$case_name: the error names the file $name"
if ((line_level)); then
  expect_stderr_matches '(line 3([^0-9]|$)|:3([^0-9]|$))' "$case_name: the error names line 3"
fi
expect_no_final_output "$out" "$case_name"

if ((line_level)); then
  out=$tmp/out_skip
  loom_run skip run "$graph" --set "IN=$file" --set "OUT=$out" --set ON_ERROR=skip --threads 2
  expect_rc 0 "$case_name (on_error: skip)"
  written=$(cat "$out"/*.jsonl | wc -l)
  [[ "$written" == 4 ]] || fail "$case_name: on_error: skip wrote $written docs, expected the 4 good ones"
  for n in 1 2 4 5; do
    grep -q "good document $n," "$out"/*.jsonl || fail "$case_name: good line $n missing from the output"
  done
  pass "$case_name: the 4 good lines were written"
  expect_stderr_matches "$name(:3([^0-9]|\$)| line 3([^0-9]|\$))" "$case_name: the skip warning names $name line 3"
  dropped=$(stat_value "$out/stats.json" read docs_dropped)
  [[ "$dropped" == 1 ]] || fail "$case_name: stats.json counts $dropped skipped lines for node 'read', expected 1"
  pass "$case_name: stats.json counts 1 skipped line for node 'read'"
fi
done_ok
