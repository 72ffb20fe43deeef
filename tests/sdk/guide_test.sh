#!/usr/bin/env bash
# docs/guides/writing-a-plugin.md works verbatim from an installed Loom: its project files (each
# fenced block after a `<!-- guide-file: NAME -->` line) are written to an empty folder, built
# against a temporary `cmake --install` prefix only, and run the way the guide says: the harness
# test, the installed conformance test (loom_add_conformance_test, under ASan/UBSan), `loom test`
# and `loom run` with --plugin-path, `loom schema --plugin`, then `cmake --install` and
# `loom run` without it.
source "$(dirname "$0")/lib.sh"
: "${LOOM_BUILD_DIR:?}" "${CMAKE:?}" "${CTEST:?}"

guide=$LOOM_SOURCE_DIR/docs/guides/writing-a-plugin.md
project=$tmp/myplugin
mkdir -p "$project"
"$PYTHON" - "$guide" "$project" <<'PY' >"$tmp/files.txt" || fail "could not extract the guide's files"
import os, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
blocks = re.findall(r"<!-- guide-file: (\S+) -->\n```[^\n]*\n(.*?)\n```\n", text, re.S)
if not blocks:
    sys.exit("no <!-- guide-file: NAME --> block in " + sys.argv[1])
for name, body in blocks:
    with open(os.path.join(sys.argv[2], name), "w", encoding="utf-8") as f:
        f.write(body + "\n")
    print(name)
PY
for f in CMakeLists.txt my_filter.cpp my_filter_test.cpp graph.yaml input.jsonl; do
  grep -qx "$f" "$tmp/files.txt" || fail "the guide has no '<!-- guide-file: $f -->' block"
done
pass "the guide's project files extracted: $(tr '\n' ' ' <"$tmp/files.txt")"

prefix=$tmp/prefix
"$CMAKE" --install "$LOOM_BUILD_DIR" --prefix "$prefix" >"$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log" >&2; fail "cmake --install --prefix $prefix"; }
pass "Loom installed into a temporary prefix"

# The guide's commands, with <prefix> filled in and no package registry or build tree.
"$CMAKE" -S "$project" -B "$project/build" -G "${CMAKE_GENERATOR:-Ninja}" \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
  -DCMAKE_CXX_FLAGS="-Wall -Wextra -Wpedantic -Werror" >"$tmp/configure.log" 2>&1 ||
  { cat "$tmp/configure.log" >&2; fail "the guide's project: configure"; }
grep -q "^LoomSdk_DIR:PATH=$prefix/" "$project/build/CMakeCache.txt" ||
  fail "LoomSdk was not found in the prefix"
"$CMAKE" --build "$project/build" -j2 >"$tmp/build.log" 2>&1 ||
  { cat "$tmp/build.log" >&2; fail "the guide's project: build"; }
pass "the guide's project configures and builds warning-free against the prefix"
"$CTEST" --test-dir "$project/build" --output-on-failure >"$tmp/ctest.log" 2>&1 ||
  { cat "$tmp/ctest.log" >&2; fail "the guide's ctest"; }
grep -q "100% tests passed, 0 tests failed out of 3" "$tmp/ctest.log" ||
  fail "the guide's ctest should run 3 tests: $(cat "$tmp/ctest.log")"
grep -Eq "conformance_myplugin .*Passed" "$tmp/ctest.log" ||
  fail "the installed conformance test did not run on the guide's plugin: $(cat "$tmp/ctest.log")"
"$project/build/loom_conformance_myplugin" >"$tmp/conformance.log" 2>&1 ||
  { cat "$tmp/conformance.log" >&2; fail "the conformance test, run by hand"; }
grep -q "1 components in .*loom_conformance/myplugin/libloom_myplugin.so" "$tmp/conformance.log" ||
  fail "the conformance test did not exercise the sanitized copy: $(cat "$tmp/conformance.log")"
nm -D "$project/build/loom_conformance/myplugin/libloom_myplugin.so" | grep -q __asan ||
  fail "the plugin copy the conformance test loads is not built with AddressSanitizer"
grep -q "$prefix/bin/loom" "$project/build/CTestTestfile.cmake" ||
  fail "Loom::loom is not the installed loom: $(grep graph_tests "$project/build/CTestTestfile.cmake")"
pass "the guide's harness test, its graph's tests (run by Loom::loom, the installed loom) and the installed conformance test (ASan/UBSan, on a sanitized copy of the plugin) pass"

installed_loom=$prefix/bin/loom
in_project() { # in_project NAME ARGS...: the installed loom, run in the project folder
  local name=$1
  shift
  rc=0
  (cd "$project" && env -u LOOM_PLUGIN_PATH "$installed_loom" "$@") \
    >"$tmp/$name.out" 2>"$tmp/$name.err" </dev/null || rc=$?
  last_err=$tmp/$name.err
}

in_project test test graph.yaml --plugin-path build
expect_rc 0 "loom test graph.yaml --plugin-path build"
grep -q "counts_words" "$tmp/test.out" || fail "loom test did not name counts_words: $(cat "$tmp/test.out")"

in_project schema schema --plugin myplugin --plugin-path build --output docs
expect_rc 0 "loom schema --plugin myplugin --plugin-path build --output docs"
[[ "$(cd "$project/docs" && ls | tr '\n' ' ')" == "README.md my_filter.md " ]] ||
  fail "loom schema --plugin myplugin wrote $(ls "$project/docs"), not README.md and my_filter.md"
grep -q "min_words" "$project/docs/my_filter.md" || fail "my_filter.md lacks its options"
pass "loom schema --plugin writes only the plugin's pages"

in_project run run graph.yaml --plugin-path build
expect_rc 0 "loom run graph.yaml --plugin-path build"
expect_texts "$project/out/kept.jsonl" "the long document is kept" \
  "A document with enough words to keep."
expect_texts "$project/out/dropped.jsonl" "the short one is dropped" "Too short."

"$CMAKE" --install "$project/build" >"$tmp/plugin-install.log" 2>&1 ||
  { cat "$tmp/plugin-install.log" >&2; fail "cmake --install of the guide's plugin"; }
[[ -f "$prefix/lib/loom/plugins/libloom_myplugin.so" ]] ||
  fail "cmake --install did not put libloom_myplugin.so in $prefix/lib/loom/plugins"
pass "cmake --install puts the plugin beside the installed loom's own"
rm -rf "$project/out"
in_project installed run graph.yaml
expect_rc 0 "loom run graph.yaml without --plugin-path, after cmake --install"
expect_texts "$project/out/kept.jsonl" "the installed plugin keeps the long document" \
  "A document with enough words to keep."

done_ok
