#!/usr/bin/env bash
# Common Crawl parity, end to end from the WET files:
# 1. tests/graphs/data/cc_net_mine.yaml (wet_source -> ccnet_line_dedup -> language_id ->
#    meta_filter, each stage written as cc_net writes it) on the two WET files the golden run read
#    must write wet.after_dedup.jsonl, wet.after_lid.jsonl and wet.after_keep_lang.jsonl
#    byte-identical to ../shared/golden/common_crawl, with the golden's drop counts.
# 2. graphs/redpajama/common_crawl.yaml, the whole slice, runs on the same files with the demo
#    models (scripts/cc_demo_models.sh; the golden stops before perplexity, so only the shape is
#    checked there): every document is accounted for, and the output is the same at 1 and 2
#    threads.
# Usage: common_crawl_slice.sh MODELS_DIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_shared
models=${1:?usage: common_crawl_slice.sh MODELS_DIR}

golden=$LOOM_SHARED_DIR/golden/common_crawl
corpus=$LOOM_SHARED_DIR/corpus/common_crawl
# cc_segment is the file name, so the links keep the names the golden run saw.
wet=$tmp/data/common_crawl
mkdir -p "$wet"
ln -s "$corpus/cc_net/sample.warc.txt" "$wet/sample.warc.txt"
ln -s "$corpus/whirlwind/whirlwind.warc.wet.gz" "$wet/whirlwind.warc.wet.gz"

loom_run mine run "$tests_dir/data/cc_net_mine.yaml" --set "WET_FILES=$wet/*" \
  --set "OUT=$tmp/mine" --threads 2
expect_rc 0 "cc_net's mining stages on the golden WET files"

for stage in after_dedup after_lid after_keep_lang; do
  want=$golden/wet.$stage.jsonl
  got=$tmp/mine/wet.$stage.jsonl
  [[ -f "$got" ]] || fail "missing output $got"
  if ! cmp -s "$want" "$got"; then
    diff <(head -c 3000 "$want") <(head -c 3000 "$got") >&2 || true
    fail "wet.$stage.jsonl differs from the golden"
  fi
  pass "wet.$stage.jsonl is byte-identical to the golden ($(wc -l <"$got") docs)"
done

# The golden's summary: 4 conversion records, 1 under 300 characters, none emptied by dedup,
# none under the 0.5 score, 2 not English.
read -r want_short want_lid want_lang < <("$PYTHON" -c '
import json, sys
w = json.load(open(sys.argv[1]))["wet"]
print(w["drop_min_len_300"], w["drop_lid_score_lt_0.5"], w["drop_keep_lang_not_en"])' \
  "$golden/summary.json")
stats=$tmp/mine/stats.json
got_short=$(stat_value "$stats" read dropped_by_reason.too_short)
[[ "$got_short" == "$want_short" ]] || fail "too_short skips: $got_short, golden $want_short"
got_lang=$(stat_value "$stats" keep_lang docs_dropped)
[[ "$got_lang" == "$want_lang" ]] || fail "not-English drops: $got_lang, golden $want_lang"
got_lid=$(stat_value "$stats" lid docs_dropped)
[[ "$got_lid" == "$want_lid" ]] || fail "low-score drops: $got_lid, golden $want_lid"
pass "drop counts match the golden summary (short $got_short, low score $got_lid, not en $got_lang)"

# 2. The whole slice with the demo models, on WET files the bench's maker builds from the
# corpus's CCNet pages (with altered copies, so every stage has work).
for f in en.sp.model en.arpa.bin wikiref.bin; do
  [[ -s "$models/$f" ]] || fail "demo model $models/$f missing (the cc_demo_models test makes it)"
done
make_slices=$(dirname "$LOOM")/loom_bench_slices
[[ -x "$make_slices" ]] || skip "$make_slices not built (LOOM_BUILD_BENCH=OFF): the whole-slice part needs it"
"$make_slices" --shared "$LOOM_SHARED_DIR" --out "$tmp/slice_data" --target-bytes 400000 \
  common_crawl >"$tmp/make_slices.log" 2>&1 ||
  fail "loom_bench_slices failed: $(tail -n 3 "$tmp/make_slices.log")"
slice_run() { # NAME THREADS MIN_WIKI_PROB [LOOM_RUN_ARGS...]
  loom_run "$1" run "$LOOM_SOURCE_DIR/graphs/redpajama/common_crawl.yaml" \
    --set "DATA=$tmp/slice_data/common_crawl" --set "OUT=$tmp/$1" \
    --set "CC_SP_MODEL=$models/en.sp.model" --set "CC_LM_MODEL=$models/en.arpa.bin" \
    --set "CC_WIKIREF_MODEL=$models/wikiref.bin" --set "CC_MIN_WIKI_PROB=$3" --threads "$2" \
    "${@:4}"
  expect_rc 0 "common_crawl.yaml at $2 thread(s), min_wiki_prob $3 ${*:4}"
}
# With threshold 0 every document reaching the classifier is written, whatever wiki_prob the demo
# classifier gives it, so the whole output can be checked.
slice_run all1 1 0
slice_run all2 2 0
same_tree "$tmp/all1/common_crawl" "$tmp/all2/common_crawl" "common_crawl.yaml output at 1 and 2 threads"
# The line dedup's second pass takes the WET files' batches from memory (a sixteenth of
# --buffer-memory-mb) and reads again only the files that did not fit: all of them kept (the
# default), some (3 MB: 192 KB for these 80 KB batches, one a file), none (0): the same output.
kept_all=$(stat_value "$tmp/all1/common_crawl/stats.json" lines second_pass_kept_batches)
batches=$(stat_value "$tmp/all1/common_crawl/stats.json" lines batches)
[[ "$kept_all" == "$batches" ]] || fail "default budget: $kept_all of $batches batches kept"
slice_run some 1 0 --buffer-memory-mb 3
kept_some=$(stat_value "$tmp/some/common_crawl/stats.json" lines second_pass_kept_batches)
((kept_some > 0 && kept_some < batches)) || fail "3 MB budget: $kept_some of $batches batches kept"
slice_run none 2 0 --buffer-memory-mb 0
kept_none=$(stat_value "$tmp/none/common_crawl/stats.json" lines second_pass_kept_batches)
[[ "$kept_none" == 0 ]] || fail "no budget: $kept_none batches kept"
same_tree "$tmp/all1/common_crawl" "$tmp/some/common_crawl" "output with $kept_some of $batches batches kept"
same_tree "$tmp/all1/common_crawl" "$tmp/none/common_crawl" "output with the WET files all read twice"
slice_run default 2 0.25

# Every document read leaves through exactly one door: an output line or a counted drop; the
# default threshold keeps exactly the documents whose wiki_prob is at least 0.25.
"$PYTHON" "$tests_dir/check_common_crawl_output.py" "$tmp/all2/common_crawl" \
  "$tmp/default/common_crawl" || fail "the slice's output does not add up"
pass "every document is written or counted as dropped, records have the cc_metadata shape, the 0.25 threshold keeps exactly the documents at or above it"
done_ok
