#!/usr/bin/env bash
# graphs/recipes/datatrove_gopher_lid.yaml on the shared C4 sample: every document is kept or
# excluded exactly once, every gopher_* value matches an independent Python computation of the
# rules (check_datatrove_gopher_lid.py), kept documents are English at >= 0.65, excluded ones
# name their node and a reason their values explain; same bytes at 1 and 2 threads.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_shared
model=${LOOM_LID_MODEL:-${LOOM_CACHE:-$HOME/.cache/loom}/models/lid.176.ftz}
[[ -f "$model" ]] || skip "fastText model $model absent (scripts/setup.sh installs it)"
input=$LOOM_SHARED_DIR/corpus/c4
graph=$LOOM_SOURCE_DIR/graphs/recipes/datatrove_gopher_lid.yaml

for threads in 1 2; do
  loom_run "t$threads" run "$graph" --set "DATA=$input" --set "OUT=$tmp/out_t$threads" \
    --set "LOOM_LID_MODEL=$model" --threads "$threads"
  expect_rc 0 "datatrove_gopher_lid.yaml --threads $threads"
done
summary=$("$PYTHON" "$tests_dir/check_datatrove_gopher_lid.py" "$input" "$tmp/out_t1") ||
  fail "the outputs do not match the rules"
pass "each input once, gopher values as computed independently, reasons explained: $summary"
for what in '"kept"' '"gopher/too_few_words"' '"lang/'; do
  grep -q "$what" <<<"$summary" || fail "no document counted as $what"
done
pass "documents were kept, dropped by gopher and dropped by language id"
same_tree "$tmp/out_t1" "$tmp/out_t2" "datatrove_gopher_lid: --threads 1 and --threads 2 outputs"
done_ok
