#!/usr/bin/env bash
# github.yaml on bad input: binary, non-UTF-8 and empty files in a repository folder are counted
# and skipped (or dropped as `empty`), never fatal; a malformed export row stops the run with
# an error naming the file and line; a null-content row is skipped and counted.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
graph=$LOOM_SOURCE_DIR/graphs/redpajama/github.yaml

repo=$tmp/repos/github/owner__project
mkdir -p "$repo/src"
printf 'Permission is hereby granted, free of charge, to any person\n' >"$repo/LICENSE"
printf 'def main():\n    return 42\n' >"$repo/src/main.py"
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR' >"$repo/logo.png"
printf 'caf\xe9 = 1\n' >"$repo/src/latin1.py"
: >"$repo/src/empty.py"
loom_run repos run "$graph" --set "DATA=$tmp/repos" --set "OUT=$tmp/out-repos"
expect_rc 0 "repository folder with binary, Latin-1 and empty files"
stats=$tmp/out-repos/github/stats.json
[[ "$(stat_value "$stats" read dropped_by_reason.binary_file)" == 1 ]] || fail "binary file not counted as skipped"
[[ "$(stat_value "$stats" read dropped_by_reason.invalid_utf8)" == 1 ]] || fail "Latin-1 file not counted as skipped"
[[ "$(stat_value "$stats" quality dropped_by_reason.empty)" == 1 ]] || fail "empty file not dropped as empty"
grep -q '"path": "src/main.py"' "$tmp/out-repos/github/owner__project.jsonl" || fail "main.py missing from the output"
grep -q 'logo.png' "$tmp/repos.err" || fail "the skipped binary file is not named in the log"
pass "binary and non-UTF-8 files skipped and counted, empty file dropped as empty, main.py kept"

rows=$tmp/rows/github
mkdir -p "$rows"
good='{"id": "1", "content": "x = 1\n", "path": "a.py", "license": "mit"}'
printf '%s\n{"id": "2", "content": null, "path": "b.py", "license": "mit"}\n' "$good" | gzip >"$rows/part.jsonl.gz"
loom_run nullrow run "$graph" --set "DATA=$tmp/rows" --set "OUT=$tmp/out-null"
expect_rc 0 "export row with null content"
[[ "$(stat_value "$tmp/out-null/github/stats.json" read dropped_by_reason.content_null)" == 1 ]] || fail "null content not counted"
pass "null-content row skipped and counted as content_null"

printf '%s\n{"id": "2", "content": "unterminated\n' "$good" | gzip >"$rows/part.jsonl.gz"
loom_run badrow run "$graph" --set "DATA=$tmp/rows" --set "OUT=$tmp/out-bad"
expect_rc 1 "malformed export row"
grep -q 'part.jsonl.gz:2: invalid JSON' "$tmp/badrow.err" || { cat "$tmp/badrow.err" >&2; fail "error does not name part.jsonl.gz line 2"; }
[[ ! -e "$tmp/out-bad/github/part.jsonl" ]] || fail "a failed run left an output file"
pass "malformed row: exit 1, error names the file and line, no output left"

# OUT set to DATA: the output github/rows.jsonl is the input github/rows.jsonl. The probe that
# found this saw the input replaced by the filtered output and exit 0.
over=$tmp/over
mkdir -p "$over/github"
printf '%s\n' "$good" >"$over/github/rows.jsonl"
cp "$over/github/rows.jsonl" "$tmp/rows-before.jsonl"
loom_run over run "$graph" --set "DATA=$over" --set "OUT=$over"
expect_rc 1 "OUT equal to DATA"
grep -q "refusing to write output '$over/github/" "$tmp/over.err" || { cat "$tmp/over.err" >&2; fail "refusal does not name the output"; }
cmp -s "$over/github/rows.jsonl" "$tmp/rows-before.jsonl" || fail "the input rows were changed"
[[ -z "$(find "$over" -type f -name '*.jsonl*' ! -path "$over/github/rows.jsonl")" ]] || { find "$over" -type f >&2; fail "the refused run left output files next to its input"; }
pass "OUT=DATA refused before writing: the input is unchanged and no output was left beside it"

# Input in a sub-folder, OUT one level up: no output is the input, but github_source walks its
# root recursively, so a rerun would read github/rows.jsonl and github/deduped/rows.jsonl back.
mkdir -p "$tmp/nested/github/export"
printf '%s\n' "$good" >"$tmp/nested/github/export/rows.jsonl"
loom_run nested run "$graph" --set "DATA=$tmp/nested" --set "OUT=$tmp/nested"
expect_rc 1 "outputs inside the walked input root"
grep -q "the input pattern '$tmp/nested/github/\*\*/\*.jsonl' matches it" "$tmp/nested.err" || { cat "$tmp/nested.err" >&2; fail "refusal does not name the input pattern"; }
pass "outputs a rerun would read back are refused, naming the input pattern"
done_ok
