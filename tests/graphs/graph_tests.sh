#!/usr/bin/env bash
# Runs `loom test` on every graph in graphs/ and fails when one has no `tests:` block or a test
# fails. Sources and sinks do not run in a test, so DATA and OUT only need to be defined.
set -uo pipefail
: "${LOOM:?}" "${LOOM_PLUGIN_DIR:?}" "${LOOM_SOURCE_DIR:?}" "${LOOM_TEST_TMP:?}"

rm -rf "$LOOM_TEST_TMP"
mkdir -p "$LOOM_TEST_TMP"
cd "$LOOM_SOURCE_DIR"
mapfile -t graphs < <(find graphs -name '*.yaml' | sort)
if [ "${#graphs[@]}" -eq 0 ]; then
  echo "FAIL: no graphs found under graphs/"
  exit 1
fi

failed=()
for graph in "${graphs[@]}"; do
  echo "== $graph"
  if ! grep -q '^tests:' "$graph"; then
    echo "FAIL: $graph has no top-level 'tests:' block; every graph carries at least one test"
    echo "      (see docs/guides/authoring-graphs.md, 'Tests in the graph file')"
    failed+=("$graph")
    continue
  fi
  if ! "$LOOM" test "$graph" --plugin-path "$LOOM_PLUGIN_DIR" \
      --set DATA="$LOOM_TEST_TMP/data" --set OUT="$LOOM_TEST_TMP/out"; then
    failed+=("$graph")
  fi
done

if [ -e "$LOOM_TEST_TMP/out" ]; then
  echo "FAIL: loom test wrote under OUT ($LOOM_TEST_TMP/out); tests must not run sinks"
  exit 1
fi
if [ "${#failed[@]}" -gt 0 ]; then
  echo
  echo "FAIL: ${#failed[@]} of ${#graphs[@]} graphs: ${failed[*]}"
  exit 1
fi
echo "all ${#graphs[@]} graphs pass their tests"
