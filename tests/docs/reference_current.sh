#!/usr/bin/env bash
# Regenerates the component reference into a temporary folder and compares it with the committed
# docs/reference/components; any difference fails, with the diff and how to regenerate.
set -euo pipefail
: "${LOOM:?}" "${LOOM_PLUGIN_DIR:?}" "${LOOM_SOURCE_DIR:?}" "${LOOM_TEST_TMP:?}"

committed="$LOOM_SOURCE_DIR/docs/reference/components"
fresh="$LOOM_TEST_TMP/components"
rm -rf "$fresh"
mkdir -p "$LOOM_TEST_TMP"
# Only this build's plugins: no installed ones, no LOOM_PLUGIN_PATH from the environment.
env -u LOOM_PLUGIN_PATH "$LOOM" schema --markdown --output "$fresh" --plugin-path "$LOOM_PLUGIN_DIR" 2>/dev/null

if ! diff -ru "$committed" "$fresh"; then
  echo
  echo "FAIL: docs/reference/components is stale: it is not what 'loom schema --markdown' writes"
  echo "for the plugins of this tree (a component or option was added, removed or changed)."
  echo "Regenerate it and commit the result:"
  echo "    make docs"
  echo "(or: build/bin/loom schema --markdown --output docs/reference/components --plugin-path build/plugins)"
  exit 1
fi
echo "docs/reference/components is current ($(ls "$fresh" | wc -l) files)"
