#!/usr/bin/env bash
# --task I/N: task 0/2 and task 1/2 together write exactly the files of a full run (same names,
# same bytes), neither writes a file the other does, and both get some of the work.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

data=$tmp/data
make_corpus "$data/c4" --shards 5 --docs-per-shard 200 --format gz
graph=$LOOM_SOURCE_DIR/graphs/redpajama/c4.yaml

loom_run full run "$graph" --set "DATA=$data" --set "OUT=$tmp/full"
expect_rc 0 "full run"
for task in 0 1; do
  loom_run "task$task" run "$graph" --set "DATA=$data" --set "OUT=$tmp/task$task" --task "$task/2"
  expect_rc 0 "--task $task/2"
done

list() { (cd "$1/c4" && find . -type f -name '*.jsonl' | LC_ALL=C sort); }
full=$(list "$tmp/full")
part0=$(list "$tmp/task0")
part1=$(list "$tmp/task1")
[[ $(wc -l <<<"$full") == 5 ]] || fail "full run wrote $(wc -l <<<"$full") files, expected 5"
[[ -n "$part0" && -n "$part1" ]] || fail "a task got no shard: task0=[$part0] task1=[$part1]"
[[ -z "$(comm -12 <(echo "$part0") <(echo "$part1"))" ]] || fail "tasks overlap: $(comm -12 <(echo "$part0") <(echo "$part1"))"
union=$(printf '%s\n%s\n' "$part0" "$part1" | LC_ALL=C sort)
[[ "$union" == "$full" ]] || fail "tasks wrote [$union], full run wrote [$full]"
pass "tasks 0/2 ($(wc -l <<<"$part0") files) and 1/2 ($(wc -l <<<"$part1") files) partition the full run's files"
while IFS= read -r f; do
  src=$tmp/task0/c4/$f
  [[ -f "$src" ]] || src=$tmp/task1/c4/$f
  cmp -s "$tmp/full/c4/$f" "$src" || fail "$f differs between the full run and its task"
done <<<"$full"
pass "every task file is byte-identical to the full run's"
done_ok
