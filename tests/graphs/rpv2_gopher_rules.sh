#!/usr/bin/env bash
# graphs/recipes/rpv2_gopher_rules.yaml on the texts of ../shared/golden/rpv2/rpv2_signals.jsonl
# (real C4 and cc_net documents and edge cases): every document comes out once, carries
# RedPajama-V2's own signal values through jsonl_sink, and is kept or excluded exactly as the V2
# card's gopher_rules_pass decides on V2's values (check_rpv2_gopher_rules.py); same bytes at 1
# and 2 threads.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_shared
golden=$LOOM_SHARED_DIR/golden/rpv2/rpv2_signals.jsonl
[[ -f "$golden" ]] || skip "$golden absent"
mkdir -p "$tmp/data"
ln -s "$golden" "$tmp/data/rpv2_signals.jsonl"
graph=$LOOM_SOURCE_DIR/graphs/recipes/rpv2_gopher_rules.yaml
for threads in 1 2; do
  loom_run "t$threads" run "$graph" --set "DATA=$tmp/data" --set "OUT=$tmp/out_t$threads" \
    --threads "$threads"
  expect_rc 0 "rpv2_gopher_rules.yaml --threads $threads"
done
summary=$("$PYTHON" "$tests_dir/check_rpv2_gopher_rules.py" "$golden" "$tmp/out_t1") ||
  fail "the outputs do not match V2's signals and rules"
pass "each document once, V2's signal values, the card's verdicts: $summary"
for what in '"kept"' '"word_count/word_count_too_low"' '"top_2gram/top_2gram_too_high"'; do
  grep -q "$what" <<<"$summary" || fail "no document counted as $what"
done
pass "documents were kept and dropped by more than one rule"
same_tree "$tmp/out_t1" "$tmp/out_t2" "rpv2_gopher_rules: --threads 1 and --threads 2 outputs"
done_ok
