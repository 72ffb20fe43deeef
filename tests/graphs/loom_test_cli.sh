#!/usr/bin/env bash
# `loom test` itself: a graph whose tests pass, then copies broken one way each, checking the exit
# code (0 pass, 1 a test failed, 78 the tests block is invalid) and what is printed.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

graph=$tests_dir/data/loom_test/pipeline.yaml
run_test() { # graph-file, then extra args; sets $status and $output
  set +e
  output=$("$LOOM" test "$1" --plugin-path "$LOOM_PLUGIN_DIR" --set DATA="$tmp/data" \
    --set OUT="$tmp/out" "${@:2}" 2>&1)
  status=$?
  set -e
}
expect_output() { # pattern, what
  grep -qF -- "$1" <<<"$output" || fail "$2: output lacks '$1':"$'\n'"$output"
}
broken() { # sed expression -> a broken copy of the graph
  local copy=$tmp/broken_$((++broken_count)).yaml
  sed "$1" "$graph" >"$copy"
  grep -q . <(diff "$graph" "$copy") || fail "sed '$1' changed nothing"
  echo "$copy"
}
broken_count=0

run_test "$graph"
[[ $status == 0 ]] || fail "the passing graph exited $status:"$'\n'"$output"
for name in whole_chain rejects_reach_their_sink only_drop_counts nothing_arrives; do
  expect_output "PASS $name" "passing graph"
done
expect_output "4 passed, 0 failed" "passing graph"
[[ ! -e $tmp/out ]] || fail "loom test wrote under OUT"
pass "every test of the graph passes, nothing written"

run_test "$graph" --only only_drop_counts
[[ $status == 0 && $output == *"1 passed, 0 failed"* ]] || fail "--only: $output"
pass "--only runs one test"

run_test "$(broken 's/min_chars: 5/min_chars: 1/')"
[[ $status == 1 ]] || fail "a changed option should fail a test, exit $status"
expect_output "FAIL whole_chain" "min_chars 1"
expect_output "at the input of 'write': document 1: text differs at byte 0" "min_chars 1"
expect_output 'actual:   "hi"' "min_chars 1"
pass "changing an option in the graph fails the test that depends on it"

run_test "$(broken 's/{ url: a, source: test }/{ source: test, url: a }/')"
[[ $status == 1 ]] || fail "meta order, exit $status"
expect_output "document 0: meta differs" "meta order"
expect_output 'expected: {"source": "test", "url": "a"}' "meta order"
expect_output 'actual:   {"url": "a", "source": "test"}' "meta order"
pass "meta keys are compared in order, the diff shows both"

run_test "$(broken 's/n: 3, score: 0.5, ok: true, tags: \[x, y\], source/n: "3", score: 0.5, ok: true, tags: [x, y], source/')"
[[ $status == 1 ]] || fail "typed meta, exit $status"
expect_output '"n": "3"' "typed meta"
pass "a quoted number is a string: meta values compare by type"

run_test "$(broken 's/- { text: "hello world", meta: { url: a, source: test } }/- { text: "hello world!", meta: { url: a, source: test } }/')"
[[ $status == 1 ]] || fail "text, exit $status"
expect_output "document 0: text differs at byte 11" "text"
pass "a text difference is reported with both texts"

run_test "$(broken 's/score: 0.5, ok: true, tags: \[x, y\], source: test/score: 0.5000001, ok: true, tags: [x, y], source: test/')"
[[ $status == 1 ]] || fail "a float off by 1e-7 should fail without a tolerance, exit $status"
expect_output '"score": 0.5000001' "float without tolerance"
tolerant=$(broken 's/score: 0.5, ok: true, tags: \[x, y\], source: test/score: 0.5000001, ok: true, tags: [x, y], source: test/; s/^      at: write$/      at: write\n      tolerance: 1e-6/')
run_test "$tolerant" --only whole_chain
[[ $status == 0 ]] || fail "tolerance: 1e-6 should accept 0.5 for 0.5000001, exit $status:"$'\n'"$output"
sed -i 's/tolerance: 1e-6/tolerance: 1e-8/' "$tolerant"
run_test "$tolerant" --only whole_chain
[[ $status == 1 ]] || fail "tolerance: 1e-8 should not accept 0.5 for 0.5000001, exit $status"
expect_output "floats within 1e-08" "tolerance 1e-8"
sed -i 's/tolerance: 1e-8/tolerance: -1/' "$tolerant"
run_test "$tolerant" --only whole_chain
[[ $status == 78 ]] || fail "a negative tolerance is a configuration error, exit $status"
expect_output "'expect.tolerance' of test 'whole_chain' must be a number >= 0, found" "tolerance -1"
pass "expect.tolerance: meta floats within it match, outside it not; a negative one is refused"

run_test "$(broken 's/unique: { duplicate: 2 }/unique: { duplicate: 1 }/')"
[[ $status == 1 ]] || fail "drop count, exit $status"
expect_output "node 'unique' dropped {duplicate: 2}, expected {duplicate: 1}" "drop count"
pass "drop counts are checked by node and reason"

run_test "$(broken 's/tag: {}/tag: { too_long: 1 }/')"
[[ $status == 1 ]] || fail "drop reason, exit $status"
expect_output "node 'tag' dropped nothing, expected {too_long: 1}" "drop reason"
pass "a node expected to drop but dropping nothing fails"

run_test "$(broken 's/at: long_enough, docs: \[ { text: "a" } \]/at: long_enogh, docs: [ { text: "a" } ]/')"
[[ $status == 78 ]] || fail "unknown node, exit $status"
expect_output "error: 'insert.at' of test 'nothing_arrives' names unknown node 'long_enogh'" "unknown node"
expect_output "did you mean 'long_enough'?" "unknown node"
pass "an unknown node is a configuration error with a suggestion"

run_test "$(broken 's/expect: { at: rejects, docs/expect: { at: read, docs/')"
[[ $status == 78 ]] || fail "unreachable expect, exit $status"
expect_output "node 'read' is not downstream of 'long_enough'" "unreachable"
run_test "$(broken 's/expect: { at: write, docs: \[\] }/expect: { at: write, docs: [], dropped: { rejects: {} } }/')"
[[ $status == 78 ]] || fail "dropped node not run, exit $status"
expect_output "names node 'rejects', which this test does not run" "dropped node"
pass "expect.at must be downstream; dropped nodes must run in the test"

run_test "$(broken 's/    expect:$/    expected:/')"
[[ $status == 78 ]] || fail "unknown key, exit $status"
expect_output "unknown key 'expected' in test 'whole_chain'" "unknown key"
expect_output "did you mean 'expect'?" "unknown key"
expect_output "test 'whole_chain' has no 'expect'" "unknown key"
run_test "$(broken 's/duplicate: 2/duplicate: two/')"
[[ $status == 78 ]] || fail "bad count, exit $status"
expect_output "must be a whole number >= 0, found 'two'" "bad count"
pass "malformed tests blocks are configuration errors"

run_test "$(broken '/^tests:/,$d')"
[[ $status == 1 ]] || fail "no tests, exit $status"
expect_output "no tests: add a \`tests:\` block" "no tests"
pass "a graph without tests does not pass"

done_ok
