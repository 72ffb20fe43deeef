#!/usr/bin/env bash
# cc_net line dedup parity: ccnet_line_dedup must give the golden DuplicatesRemover output, every
# field of every document (../shared/golden/common_crawl):
#   - the WET documents: wet_parsed_minlen1.jsonl with cc_net's min_len 300 applied first (3 of
#     4 documents) -> wet.after_dedup.jsonl;
#   - the dolma CCNet documents: dolma_docs.input.jsonl -> dolma_docs.after_dedup.jsonl.
# Each at 1 and 3 threads with the second pass taking the first pass's batches from memory (the
# default here: the stage's input comes from the source through a length filter, and fits in a
# sixteenth of --buffer-memory-mb), at 2 threads with --buffer-memory-mb 0, where it reads the
# input again (none kept), at 1 and 2 threads with
# --spool-whole-input (the input kept in memory), and with --buffer-memory-mb 0 (every batch
# spilled to disk and read back): the same bytes every time, stats.json's second_pass saying
# which, and no spill folder left behind.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_shared

golden=$LOOM_SHARED_DIR/golden/common_crawl
graph=$tests_dir/data/ccnet_line_dedup.yaml
spill=$tmp/spill
mkdir -p "$spill"

compare() { # OUTPUT GOLDEN WHAT
  "$PYTHON" - "$1" "$2" <<'PY' || fail "$3: differs from the golden output"
import json, sys
got = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
want = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
assert len(got) == len(want), (len(got), len(want))
for g, w in zip(got, want):
    assert set(g) == set(w), (w.get("url"), sorted(set(g) ^ set(w)))
    for key in w:
        assert g[key] == w[key], (w.get("url"), key, str(g[key])[:200], str(w[key])[:200])
    print(w["url"], "lines", w["original_nlines"], "->", w["nlines"])
PY
  pass "$3: every field of all $(wc -l <"$2") documents matches"
}

check_case() { # NAME INPUT GOLDEN MIN_CHARS
  local name=$1 input=$2 want=$3 min_chars=$4 reference=""
  for run in "threads1:--threads 1" "threads3:--threads 3" "reread:--threads 2 --buffer-memory-mb 0" \
    "spooled1:--threads 1 --spool-whole-input" "spooled2:--threads 2 --spool-whole-input" \
    "spilled:--threads 2 --buffer-memory-mb 0 --spool-whole-input"; do
    local label=${run%%:*} out=$tmp/$name-${run%%:*} how=reread
    [[ $run == *--spool-whole-input* ]] && how=spool
    # shellcheck disable=SC2086
    loom_run "$name-$label" run "$graph" --set "IN=$input" --set "OUT=$out" \
      --set "MIN_CHARS=$min_chars" --spill-dir "$spill" --stats "$out.stats.json" ${run#*:}
    expect_rc 0 "$name ($label)"
    grep -q "\"second_pass\": \"$how\"" "$out.stats.json" ||
      fail "$name ($label): stats.json does not say second_pass $how"
    if [[ $how == reread ]]; then
      local kept=0
      [[ $label == reread ]] || kept=1
      grep -q "\"second_pass_kept_batches\": $kept" "$out.stats.json" ||
        fail "$name ($label): stats.json does not say second_pass_kept_batches $kept"
    fi
    local got=$out/$(basename "${input%.jsonl}").jsonl
    [[ -f "$got" ]] || fail "missing output $got"
    if [[ -z "$reference" ]]; then
      compare "$got" "$want" "$name"
      reference=$got
    elif cmp -s "$reference" "$got"; then
      pass "$name ($label): the same bytes as with one thread"
    else
      fail "$name ($label): output differs from the one-thread run"
    fi
  done
  [[ -z "$(ls -A "$spill")" ]] || fail "$name: spill folder left behind: $(ls "$spill")"
  pass "$name: no spill folder left behind"
}

check_case wet "$golden/wet_parsed_minlen1.jsonl" "$golden/wet.after_dedup.jsonl" 300
check_case dolma "$golden/dolma_docs.input.jsonl" "$golden/dolma_docs.after_dedup.jsonl" 0
done_ok
