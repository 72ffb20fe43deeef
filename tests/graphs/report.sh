#!/usr/bin/env bash
# `loom run --report`: the page is self-contained and renders in headless Chromium with no
# script or console error, for a successful run (graph, counts, drop reasons, histograms of the
# numeric meta fields nodes added), a failed run (the error shown) and an invalid graph. Node
# data holds "</script>", quotes and '&' in meta field names and drop reasons: they must show as
# text. Screenshots are kept in the test's folder (build/tests/graphs/work/report/*.png).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

chromium=$(command -v chromium || command -v chromium-browser || true)
[[ -n "$chromium" ]] || skip "chromium not found (scripts/setup.sh installs Debian's chromium)"
page_check() { "$PYTHON" "$tests_dir/report_page.py" "$@"; }

# render NAME PAGE TEXT...: dumps the DOM Chromium built and a screenshot; checks both.
render() {
  local name=$1 page=$2
  shift 2
  local flags=(--headless --no-sandbox --disable-gpu --no-first-run --disable-extensions
    --user-data-dir="$tmp/chromium-profile" --enable-logging=stderr --v=0)
  timeout 120 "$chromium" "${flags[@]}" --dump-dom "file://$page" >"$tmp/$name.dom.html" \
    2>"$tmp/$name.chromium.err" || fail "$name: chromium --dump-dom failed (see $tmp/$name.chromium.err)"
  if grep -E 'CONSOLE' "$tmp/$name.chromium.err" >&2; then
    fail "$name: the page wrote to the console (above)"
  fi
  local checked
  checked=$(page_check dom "$tmp/$name.dom.html" "$@") || fail "$name: rendered page"
  pass "$name: renders in Chromium without errors ($checked)"
  timeout 120 "$chromium" "${flags[@]}" --hide-scrollbars --window-size=1300,2600 \
    --screenshot="$tmp/$name.png" "file://$page" >/dev/null 2>"$tmp/$name.screenshot.err" ||
    fail "$name: chromium --screenshot failed (see $tmp/$name.screenshot.err)"
  [[ $(stat -c %s "$tmp/$name.png") -gt 20000 ]] || fail "$name: screenshot $tmp/$name.png is nearly empty"
  pass "$name: screenshot $tmp/$name.png"
}

weird_field="lang</script><script>alert(1)</script>\"'&amp;"
"$PYTHON" "$tests_dir/exclusions.py" make "$tmp/data"

# 1. A run that succeeds.
loom_run ok run "$tests_dir/data/report.yaml" --set "DATA=$tmp/data" --set "OUT=$tmp/ok" \
  --report "$tmp/ok/report.html" --threads 2 --batch-bytes 4096
expect_rc 0 "report.yaml"
expect_stderr_matches "report: $tmp/ok/report.html" "the summary names the report"
summary=$(page_check page "$tmp/ok/report.html" "$tmp/ok/stats.json") || fail "report page (success)"
pass "self-contained page, data agrees with stats.json: $summary"
grep -Eq '"meta_fields": [1-9]' <<<"$summary" || fail "no numeric meta field was sampled"
render ok "$tmp/ok/report.html" "${weird_field}_not_listed" "weight</script>\"'<b>" \
  "avg_line_length" "duplicate" "english" "Drop reasons" "Throughput over time"

# 2. A run that fails on bad input: the page still appears, with the error.
cp -r "$tmp/data" "$tmp/bad"
printf '{"text": "unterminated\n' >>"$tmp/bad/part-1.jsonl"
loom_run failed run "$tests_dir/data/report.yaml" --set "DATA=$tmp/bad" --set "OUT=$tmp/failed" \
  --report "$tmp/failed/report.html" --threads 2
expect_rc 1 "report.yaml on bad input"
[[ -f "$tmp/failed/report.html" ]] || fail "no report after a failed run"
page_check page "$tmp/failed/report.html" - >/dev/null || fail "report page (failed run)"
render failed "$tmp/failed/report.html" "failed" "Why the run stopped" "part-1.jsonl"

# 3. An invalid graph: nothing runs, the page says why.
sed 's/type: exact_dedup/type: no_such_dedup/' "$tests_dir/data/report.yaml" >"$tmp/invalid.yaml"
loom_run invalid run "$tmp/invalid.yaml" --set "DATA=$tmp/data" --set "OUT=$tmp/invalid" \
  --report "$tmp/invalid/report.html"
expect_rc 78 "invalid graph"
page_check page "$tmp/invalid/report.html" - >/dev/null || fail "report page (invalid graph)"
render invalid "$tmp/invalid/report.html" "invalid" "no_such_dedup"

# No temporary file is left beside the pages.
leftovers=$(find "$tmp/ok" "$tmp/failed" "$tmp/invalid" -maxdepth 1 -name '*report*' ! -name report.html)
[[ -z "$leftovers" ]] || fail "temporary files left: $leftovers"
pass "only report.html beside the outputs"
done_ok
