#!/usr/bin/env bash
# A plugin in plain C (examples/c_plugin) loads and runs in a real graph: the C ABI of
# loom/plugin.h is enough on its own, without the C++ layer or the C++ runtime.
source "$(dirname "$0")/lib.sh"

plugin=$LOOM_EXAMPLE_PLUGIN_DIR/libloom_c_example.so
[[ -f "$plugin" ]] || fail "$plugin was not built"

# No C++ runtime among its dependencies, and only the entry point exported.
if readelf -d "$plugin" | grep -E 'NEEDED.*(libstdc\+\+|libgcc_s)' >&2; then
  fail "the C plugin depends on the C++ runtime"
fi
pass "libloom_c_example.so needs no C++ runtime"
exported=$(nm -D --defined-only "$plugin" | awk '$2 ~ /^[TDBR]$/ {print $3}' | LC_ALL=C sort | tr '\n' ' ')
[[ "$exported" == "loom_plugin_entry " ]] || fail "exported symbols: '$exported', expected loom_plugin_entry only"
pass "exports loom_plugin_entry only"

loom_run inspect plugins inspect ascii_case_cleaner --plugin-path "$LOOM_EXAMPLE_PLUGIN_DIR"
expect_rc 0 "loom plugins inspect ascii_case_cleaner"
grep -q 'cleaner' "$tmp/inspect.out" && grep -q 'c_example' "$tmp/inspect.out" &&
  grep -Eq 'upper.*lower|lower.*upper' "$tmp/inspect.out" ||
  fail "inspect output lacks kind, plugin or the enum values: $(cat "$tmp/inspect.out")"
pass "inspect shows the C component's kind, plugin and enum option"

cat >"$tmp/input.jsonl" <<'JSON'
{"text": "Hello, World"}
{"text": "naïve café, 42 times"}
{"text": ""}
JSON

graph() { # graph CASE: upper or lower
  cat <<YAML
version: 1
plugins: [io, c_example]
sources:
  read: { type: jsonl_source, with: { paths: ["$tmp/input.jsonl"] } }
cleaners:
  recase: { type: ascii_case_cleaner, inputs: [read], with: { to: $1 } }
sinks:
  write:
    type: jsonl_sink
    inputs: [recase]
    with: { path: "$tmp/out-$1/out.jsonl", compression: none }
YAML
}

for to in upper lower; do
  graph "$to" >"$tmp/$to.yaml"
  loom_run "run-$to" run "$tmp/$to.yaml" --plugin-path "$LOOM_EXAMPLE_PLUGIN_DIR"
  expect_rc 0 "loom run with ascii_case_cleaner to: $to"
done
# Non-ASCII bytes (UTF-8 letters) pass through untouched.
expect_texts "$tmp/out-upper/out.jsonl" "to: upper" "HELLO, WORLD" "NAïVE CAFé, 42 TIMES" ""
expect_texts "$tmp/out-lower/out.jsonl" "to: lower" "hello, world" "naïve café, 42 times" ""

# The engine checks the C plugin's declared options like any other.
sed 's/to: upper/to: title/' "$tmp/upper.yaml" >"$tmp/bad.yaml"
loom_run bad validate "$tmp/bad.yaml" --plugin-path "$LOOM_EXAMPLE_PLUGIN_DIR"
expect_rc 78 "an enum value the C plugin does not declare is a configuration error"
expect_stderr_matches "title" "the diagnostic names the bad value"

done_ok
