#!/usr/bin/env bash
# Exclusions: every filter's and deduper's `dropped` port feeds one exclusion sink; each input
# document ends up exactly once in the kept or excluded output, and each excluded one names the
# node that dropped it and why (meta dropped_by, drop_reason). Same bytes at 1 and 2 threads.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$PYTHON" "$tests_dir/exclusions.py" make "$tmp/data"
for threads in 1 2; do
  loom_run "t$threads" run "$tests_dir/data/exclusions.yaml" --set "DATA=$tmp/data" \
    --set "OUT=$tmp/out_t$threads" --threads "$threads" --batch-bytes 4096
  expect_rc 0 "exclusions.yaml --threads $threads"
done
summary=$("$PYTHON" "$tests_dir/exclusions.py" check "$tmp/data" "$tmp/out_t1") ||
  fail "kept and excluded outputs do not match the expectations"
pass "each input once in kept or excluded, with its node and reason: $summary"
for reason in long_enough/too_short english/lang_not_listed exact/duplicate near/simhash_near_dup; do
  grep -q "\"$reason\"" <<<"$summary" || fail "no document was excluded as $reason"
done
pass "every filter and deduper excluded something"
same_tree "$tmp/out_t1" "$tmp/out_t2" "exclusions: --threads 1 and --threads 2 outputs"
dropped=$(stat_value "$tmp/out_t1/stats.json" exact docs_dropped)
[[ "$dropped" -gt 0 ]] || fail "stats.json counts no drops at exact"
pass "stats.json still counts the drops ($dropped at exact)"
done_ok
