#!/usr/bin/env bash
# `make demo` on a fresh clone: scripts/demo.sh with ../shared hidden (LOOM_SHARED_DIR pointing
# at an empty folder, no NEOX_TOKENIZER) must run every graph of graphs/redpajama/ on the
# project's sample (examples/sample/), and every one must write documents and a report page.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

model=${LOOM_CACHE:-$HOME/.cache/loom}/models/lid.176.ftz
[[ -f "$model" ]] || skip "fastText model $model absent (scripts/setup.sh installs it)"
build=$(dirname "$(dirname "$LOOM")")
[[ -x "$build/bin/loom" && -d "$build/plugins" ]] || fail "no loom build at $build"
mkdir -p "$tmp/no-shared"
env -u NEOX_TOKENIZER LOOM_SHARED_DIR="$tmp/no-shared" LOOM_DEMO_OUT="$tmp/out" \
  bash "$LOOM_SOURCE_DIR/scripts/demo.sh" "$build" >"$tmp/demo.log" 2>&1 ||
  fail "scripts/demo.sh exited non-zero: $(tail -n 20 "$tmp/demo.log")"
grep -q "using the project's small sample" "$tmp/demo.log" ||
  fail "the demo did not use examples/sample: $(head -n 3 "$tmp/demo.log")"
pass "scripts/demo.sh ran without ../shared"

# Count each slice's documents from its files (not from the demo's own summary).
slices=0
for graph in "$LOOM_SOURCE_DIR"/graphs/redpajama/*.yaml; do
  slice=$(basename "$graph" .yaml)
  slices=$((slices + 1))
  docs=0
  while IFS= read -r -d '' file; do
    case "$file" in
    *.zst) n=$(zstd -dc "$file" | wc -l) ;;
    *.gz) n=$(gzip -dc "$file" | wc -l) ;;
    *) n=$(wc -l <"$file") ;;
    esac
    docs=$((docs + n))
  done < <(find "$tmp/out/$slice" -type f -name '*.jsonl*' -print0 2>/dev/null)
  ((docs > 0)) || fail "$slice wrote no document: $(grep "^  $slice " "$tmp/demo.log")"
  [[ -s "$tmp/out/$slice/report.html" ]] || fail "$slice has no report page"
  grep -Eq "^  $slice +ok .* report: $tmp/out/$slice/report.html\$" "$tmp/demo.log" ||
    fail "no summary line for $slice: $(grep -A12 'demo: summary' "$tmp/demo.log")"
  pass "$slice: $docs documents, a report page, and its summary line"
done
((slices == 8)) || fail "$slices graphs in graphs/redpajama/, expected the seven slices and books_txt"
rm -rf "$tmp/out"
done_ok
