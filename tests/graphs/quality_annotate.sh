#!/usr/bin/env bash
# gopher_repetition, c4_quality and fineweb_quality in annotate mode on real web text (the shared
# C4 sample and dolma's cc_net excerpt) and generated boilerplate pages: every value they write equals what
# check_quality_annotations.py computes independently (Python str/re, datatrove's algorithms, the
# words of docs/reference/quality-rules.md), and every document passes through (annotate drops
# nothing). Same bytes at 1 and 2 threads.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_shared
mkdir -p "$tmp/data"
for f in "$LOOM_SHARED_DIR"/corpus/c4/*.json.gz "$LOOM_SHARED_DIR"/corpus/common_crawl/dolma/*.jsonl.gz; do
  ln -s "$f" "$tmp/data/"
done
"$PYTHON" "$tests_dir/make_boilerplate_pages.py" "$tmp/data/pages.jsonl"
total=$(($(zcat "$tmp"/data/*.gz | wc -l) + $(wc -l <"$tmp/data/pages.jsonl")))
for threads in 1 2; do
  loom_run "t$threads" run "$tests_dir/data/quality_annotate.yaml" --set "DATA=$tmp/data" \
    --set "OUT=$tmp/out_t$threads" --threads "$threads"
  expect_rc 0 "quality_annotate.yaml --threads $threads"
done
summary=$("$PYTHON" "$tests_dir/check_quality_annotations.py" "$tmp/out_t1") ||
  fail "a measured value differs from the independent computation"
pass "every value as computed independently: $summary"
for field in gopher_duplicate_5gram_char_ratio gopher_duplicate_10gram_char_ratio \
  gopher_duplicate_line_ratio c4_no_terminal_punctuation_lines c4_too_few_words_lines \
  fineweb_duplicate_line_char_ratio fineweb_short_lines_ratio gopher_duplicate_paragraph_ratio \
  c4_too_long_word_lines c4_javascript_lines c4_policy_lines c4_lorem_ipsum c4_curly_bracket; do
  grep -q "\"$field\"" <<<"$summary" || fail "no document has a non-zero $field: rule not exercised"
done
pass "the line, paragraph and n-gram rules were exercised"
written=$(stat_value "$tmp/out_t1/stats.json" write docs_in)
[[ "$written" == "$total" ]] || fail "annotate mode wrote $written documents, expected all $total"
pass "annotate mode dropped nothing ($written documents)"
same_tree "$tmp/out_t1" "$tmp/out_t2" "quality_annotate: --threads 1 and --threads 2 outputs"
done_ok
