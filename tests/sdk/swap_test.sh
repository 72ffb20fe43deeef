#!/usr/bin/env bash
# Swapping stages without recompiling: one graph file is rewritten between runs (a filter replaced
# by the third-party wordlist_filter, a threshold changed, two stages reordered, an exclusion sink
# added on a `dropped` port) and each run's output changes exactly as the edit implies. The loom
# binary and every plugin file are checked to be byte-identical before and after.
source "$(dirname "$0")/lib.sh"

plugin_paths=(--plugin-path "$LOOM_EXAMPLE_PLUGIN_DIR")
fingerprint() {
  sha256sum "$LOOM" "$LOOM_PLUGIN_DIR"/libloom_*.so "$LOOM_EXAMPLE_PLUGIN_DIR"/libloom_*.so
}
fingerprint >"$tmp/before.sha256"

# Lengths in characters: d1 13, d2 16, d3 5, d4 29, d5 61, d6 13, d7 9, d8 28.
cat >"$tmp/input.jsonl" <<'JSON'
{"text": "spam and eggs"}
{"text": "SPAM in capitals"}
{"text": "short"}
{"text": "a perfectly ordinary sentence"}
{"text": "this sentence is definitely much longer than forty characters"}
{"text": "ham only here"}
{"text": "tiny spam"}
{"text": "lowercase spam is still spam"}
JSON
d1="SPAM AND EGGS" d2="SPAM IN CAPITALS" d4="A PERFECTLY ORDINARY SENTENCE"
d5="THIS SENTENCE IS DEFINITELY MUCH LONGER THAN FORTY CHARACTERS" d6="HAM ONLY HERE"
d7="TINY SPAM" d8="LOWERCASE SPAM IS STILL SPAM"

graph=$tmp/graph.yaml
header() {
  cat <<YAML
version: 1
plugins: [io, text, c_example, wordlist]
sources:
  read: { type: jsonl_source, with: { paths: ["$tmp/input.jsonl"] } }
sinks:
  write: { type: jsonl_sink, inputs: [gate], with: { path: "\${OUT}/kept.jsonl", compression: none } }
YAML
}
run_step() { # run_step NAME: runs $graph with OUT=$tmp/NAME
  loom_run "$1" run "$graph" --set OUT="$tmp/$1" "${plugin_paths[@]}"
  expect_rc 0 "$1: loom run"
}

# 1. Baseline: screen (length_filter, at most 40 chars) -> shout (upper case) -> gate (>= 10).
{
  header
  cat <<'YAML'
filters:
  screen: { type: length_filter, inputs: [read], with: { max_chars: 40 } }
  gate: { type: length_filter, inputs: [shout], with: { min_chars: 10 } }
cleaners:
  shout: { type: ascii_case_cleaner, inputs: [screen], with: { to: upper } }
YAML
} >"$graph"
run_step 1-baseline
expect_texts "$tmp/1-baseline/kept.jsonl" "baseline: d5 too long, d3 and d7 too short" \
  "$d1" "$d2" "$d4" "$d6" "$d8"

# 2. The screen becomes the out-of-tree wordlist_filter: drop texts with the exact word SPAM.
sed -i 's/screen: { type: length_filter, inputs: \[read\], with: { max_chars: 40 } }/screen: { type: wordlist_filter, inputs: [read], with: { words: [SPAM], ignore_case: false } }/' "$graph"
grep -q 'type: wordlist_filter' "$graph" || fail "the edit to the graph did not apply"
run_step 2-replaced
expect_texts "$tmp/2-replaced/kept.jsonl" "wordlist_filter replaces length_filter: only d2 says SPAM" \
  "$d1" "$d4" "$d5" "$d6" "$d8"

# 3. A threshold: the gate now wants at least 16 characters.
sed -i 's/min_chars: 10/min_chars: 16/' "$graph"
run_step 3-threshold
expect_texts "$tmp/3-threshold/kept.jsonl" "min_chars 10 -> 16 also drops d1 and d6 (13 chars)" \
  "$d4" "$d5" "$d8"

# 4. Reorder: shout before screen, so every spam is SPAM by the time the screen sees it.
sed -i -e 's/screen: { type: wordlist_filter, inputs: \[read\]/screen: { type: wordlist_filter, inputs: [shout]/' \
  -e 's/shout: { type: ascii_case_cleaner, inputs: \[screen\]/shout: { type: ascii_case_cleaner, inputs: [read]/' \
  -e 's/gate: { type: length_filter, inputs: \[shout\]/gate: { type: length_filter, inputs: [screen]/' "$graph"
grep -q 'inputs: \[shout\], with: { words' "$graph" || fail "the reorder did not apply"
run_step 4-reordered
expect_texts "$tmp/4-reordered/kept.jsonl" "shout before screen: d8 is now blocked too" "$d4" "$d5"

# 5. An exclusion sink on the screen's dropped port keeps what it removed.
sed -i 's|^sinks:$|sinks:\n  removed: { type: jsonl_sink, inputs: [screen.dropped], with: { path: "${OUT}/removed.jsonl", compression: none } }|' "$graph"
run_step 5-exclusion
expect_texts "$tmp/5-exclusion/kept.jsonl" "the kept output is unchanged by the new sink" "$d4" "$d5"
expect_texts "$tmp/5-exclusion/removed.jsonl" "removed.jsonl holds exactly the blocked documents" \
  "$d1" "$d2" "$d7" "$d8"

fingerprint >"$tmp/after.sha256"
cmp -s "$tmp/before.sha256" "$tmp/after.sha256" || fail "a binary or plugin changed during the test"
pass "loom and every plugin file are byte-identical before and after: only the YAML changed"
done_ok
