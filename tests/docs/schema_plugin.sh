#!/usr/bin/env bash
# `loom schema --plugin NAME` writes the pages of that plugin's components only (and an index of
# them), the same pages as the full reference; an unknown plugin is an error naming it; --help
# shows --markdown as a flag (no value after it) and --plugin.
set -euo pipefail
: "${LOOM:?}" "${LOOM_PLUGIN_DIR:?}" "${LOOM_TEST_TMP:?}"
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
out=$LOOM_TEST_TMP/schema
rm -rf "$out"
mkdir -p "$out"
loom() { env -u LOOM_PLUGIN_PATH "$LOOM" "$@" --plugin-path "$LOOM_PLUGIN_DIR"; }

loom schema --output "$out/all" 2>/dev/null
loom schema --markdown --plugin io --output "$out/io" 2>/dev/null
want=$(cd "$out/all" && grep -l '^| Plugin | `io` ' ./*.md | sed 's|^\./||' | sort)
got=$(cd "$out/io" && ls ./*.md | sed 's|^\./||' | grep -v '^README.md$' | sort)
[[ -n "$want" && "$got" == "$want" ]] || fail "--plugin io wrote [$got], the io pages are [$want]"
for page in $got; do cmp -s "$out/all/$page" "$out/io/$page" || fail "$page differs"; done
grep -q 'jsonl_sink' "$out/io/README.md" || fail "the index lacks jsonl_sink"
if grep -q 'length_filter' "$out/io/README.md"; then fail "the io index lists another plugin's component"; fi
echo "ok: --plugin io: $(wc -w <<<"$got") pages, identical to the full reference's"

rc=0
loom schema --plugin no_such_plugin >"$out/err.out" 2>"$out/err.txt" || rc=$?
[[ $rc == 2 ]] || fail "an unknown plugin exits $rc, not 2"
grep -q "no plugin named 'no_such_plugin'" "$out/err.txt" || fail "the error: $(cat "$out/err.txt")"
[[ ! -s "$out/err.out" ]] || fail "an unknown plugin still printed pages"
echo "ok: an unknown plugin is refused by name (exit 2)"

help=$("$LOOM" schema --help)
grep -Eq -- '--markdown +Markdown' <<<"$help" || fail "--help shows --markdown with a value: $help"
grep -Eq -- '--plugin NAME' <<<"$help" || fail "--help lacks --plugin NAME: $help"
echo "ok: --help shows --markdown as a flag and --plugin NAME"
