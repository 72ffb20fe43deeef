#!/usr/bin/env bash
# Inputs that are not regular files (issue 17): a FIFO named as an input is refused at once (it
# used to block forever), a FIFO or socket matched by a glob is refused by name (it used to be left
# out, ending in a misleading "no files match"), and the sources that walk folders themselves do
# the same (github_source's export walk) or count what they leave out (symlinks and FIFOs in a
# repository tree, under not_regular_file).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# run_quickly NAME ARGS...: loom_run with a 20 s guard, so a regression fails instead of hanging.
run_quickly() {
  local name=$1
  shift
  rc=0
  timeout 20 "$LOOM" "$@" --plugin-path "$LOOM_PLUGIN_DIR" >"$tmp/$name.out" 2>"$tmp/$name.err" </dev/null || rc=$?
  last_err=$tmp/$name.err
  [[ $rc != 124 ]] || fail "$name: loom still running after 20 s (blocked on a FIFO?)"
}

cat >"$tmp/jsonl.yaml" <<'EOF'
version: 1
plugins: [io]
sources:
  read: { type: jsonl_source, with: { paths: ["${DATA}"] } }
sinks:
  write: { type: jsonl_sink, inputs: [read], with: { path: "${OUT}/out.jsonl", compression: none } }
EOF
mkdir -p "$tmp/rows"
echo '{"text": "a row"}' >"$tmp/rows/a.jsonl"
mkfifo "$tmp/rows/pipe.jsonl"

run_quickly fifo_named run "$tmp/jsonl.yaml" --set "DATA=$tmp/rows/pipe.jsonl" --set "OUT=$tmp/out1"
expect_rc 1 "a FIFO named as the input"
expect_stderr_matches "rows/pipe.jsonl' is a FIFO \(named pipe\), not a regular file" "the error names the FIFO and what it is"

run_quickly fifo_glob run "$tmp/jsonl.yaml" --set "DATA=$tmp/rows/*.jsonl" --set "OUT=$tmp/out2"
expect_rc 1 "a glob matching a FIFO beside a file"
expect_stderr_matches "rows/pipe.jsonl' \(matched by '.*rows/\*.jsonl'\) is a FIFO" "the error names the matched FIFO and the pattern"
[[ ! -e "$tmp/out2/out.jsonl" ]] || fail "output written although an input was refused"
pass "nothing written"

mkdir -p "$tmp/txt/books"
echo "Some book text." >"$tmp/txt/books/one.txt"
mkfifo "$tmp/txt/books/two.txt"
run_quickly books_txt run "$LOOM_SOURCE_DIR/graphs/redpajama/books_txt.yaml" --set "DATA=$tmp/txt" --set "OUT=$tmp/out3"
expect_rc 1 "text_files_source with a FIFO among the .txt files"
expect_stderr_matches "books/two.txt' \(matched by .*\) is a FIFO" "text_files_source names the FIFO"

mkdir -p "$tmp/gh/github"
echo '{"content": "x = 1\n", "path": "a.py"}' >"$tmp/gh/github/part_000.jsonl"
mkfifo "$tmp/gh/github/part_001.jsonl"
run_quickly github_export run "$LOOM_SOURCE_DIR/graphs/redpajama/github.yaml" --set "DATA=$tmp/gh" --set "OUT=$tmp/out4"
expect_rc 1 "github_source with a FIFO named like an export file"
expect_stderr_matches "github/part_001.jsonl' is a FIFO \(named pipe\), not a regular export file" "github_source names the FIFO"

mkdir -p "$tmp/repos/github/owner__tool/src"
printf 'MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining\n' >"$tmp/repos/github/owner__tool/LICENSE"
printf 'int main(void) { return 0; }\n' >"$tmp/repos/github/owner__tool/src/main.c"
ln -s main.c "$tmp/repos/github/owner__tool/src/link.c"
mkfifo "$tmp/repos/github/owner__tool/src/pipe.c"
run_quickly github_tree run "$LOOM_SOURCE_DIR/graphs/redpajama/github.yaml" --set "DATA=$tmp/repos" --set "OUT=$tmp/out5"
expect_rc 0 "a repository tree holding a symlink and a FIFO"
count=$(stat_value "$tmp/out5/github/stats.json" read dropped_by_reason.not_regular_file)
[[ "$count" == 2 ]] || fail "stats.json counts $count not_regular_file, expected 2 (the symlink and the FIFO)"
pass "the symlink and the FIFO are counted as not_regular_file"
expect_stderr_matches "src/link.c: a symbolic link, not a regular file" "the symlink is named in a warning"
expect_stderr_matches "src/pipe.c: a FIFO \(named pipe\), not a regular file" "the FIFO is named in a warning"
done_ok
