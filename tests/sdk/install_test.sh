#!/usr/bin/env bash
# The installed Loom is enough for third parties: `cmake --install` into a temporary prefix, then
# examples/out_of_tree_filter (find_package(LoomSdk)) and examples/embed_engine
# (find_package(LoomEngine)) are configured and built against that prefix only, the plugin's own
# test runs, the installed loom runs a graph with it, and the embedding program runs a graph.
source "$(dirname "$0")/lib.sh"
: "${LOOM_BUILD_DIR:?}" "${CMAKE:?}" "${CTEST:?}"

prefix=$tmp/prefix
examples=$LOOM_SOURCE_DIR/examples
"$CMAKE" --install "$LOOM_BUILD_DIR" --prefix "$prefix" >"$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log" >&2; fail "cmake --install --prefix $prefix"; }
pass "cmake --install into a temporary prefix"

for f in bin/loom lib/loom/plugins/libloom_io.so lib/loom/plugins/libloom_text.so \
  lib/loom/plugins/libloom_dedup.so lib/cmake/LoomSdk/LoomSdkConfig.cmake \
  lib/cmake/LoomSdk/LoomPlugin.cmake lib/cmake/LoomEngine/LoomEngineConfig.cmake \
  lib/libloom_engine_runtime.a include/loom/plugin.h include/loom/plugin.hpp \
  include/loom/testing/harness.hpp include/loom/engine/engine.hpp; do
  [[ -f "$prefix/$f" ]] || fail "not installed: $f"
done
pass "binary, plugins, engine library, SDK and engine headers and package files installed"
internal=$(find "$prefix/include" -name '*internal*')
[[ -z "$internal" ]] || fail "internal headers installed: $internal"
pass "no *internal* header installed"

# Configure against the prefix alone: no package registry, nothing from the build tree.
configure() { # configure NAME SOURCE_DIR
  "$CMAKE" -S "$2" -B "$tmp/$1" -G "${CMAKE_GENERATOR:-Ninja}" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
    -DCMAKE_CXX_FLAGS="-Wall -Wextra -Wpedantic -Werror" >"$tmp/$1.configure.log" 2>&1 ||
    { cat "$tmp/$1.configure.log" >&2; fail "$1: configure"; }
  "$CMAKE" --build "$tmp/$1" -j2 >"$tmp/$1.build.log" 2>&1 ||
    { cat "$tmp/$1.build.log" >&2; fail "$1: build"; }
  pass "$1 configured and built against the installed prefix"
}

configure wordlist "$examples/out_of_tree_filter"
grep -q "^LoomSdk_DIR:PATH=$prefix/" "$tmp/wordlist/CMakeCache.txt" ||
  fail "LoomSdk was not found in the prefix: $(grep LoomSdk_DIR "$tmp/wordlist/CMakeCache.txt")"
pass "LoomSdk came from $prefix"
[[ -f "$tmp/wordlist/libloom_wordlist.so" ]] || fail "libloom_wordlist.so not built"
"$CTEST" --test-dir "$tmp/wordlist" --output-on-failure >"$tmp/wordlist.ctest.log" 2>&1 ||
  { cat "$tmp/wordlist.ctest.log" >&2; fail "the plugin's own harness test"; }
pass "the plugin's own harness test passes"

# The installed loom, with none of the build tree's folders: it finds its own plugins relative to
# itself (the prefix differs from the one compiled in) and the new one through --plugin-path.
installed_loom=$prefix/bin/loom
run_installed() { # run_installed NAME ARGS...
  local name=$1
  shift
  rc=0
  env -u LOOM_PLUGIN_PATH "$installed_loom" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" </dev/null || rc=$?
  last_err=$tmp/$name.err
}

run_installed inspect plugins inspect wordlist_filter --plugin-path "$tmp/wordlist"
expect_rc 0 "installed loom: plugins inspect wordlist_filter"
for needle in wordlist_filter filter words ignore_case; do
  grep -q "$needle" "$tmp/inspect.out" || fail "inspect output lacks '$needle': $(cat "$tmp/inspect.out")"
done
pass "plugins inspect shows the out-of-tree component and its options"

run_installed list plugins --plugin-path "$tmp/wordlist"
expect_rc 0 "installed loom: plugins"
grep -qF "$prefix/lib/loom/plugins/libloom_io.so" "$tmp/list.out" ||
  fail "the installed loom does not list its installed io plugin: $(cat "$tmp/list.out")"
pass "the installed loom finds its installed plugins"

run_installed blocklist run "$examples/out_of_tree_filter/blocklist.yaml" --plugin-path "$tmp/wordlist" \
  --set INPUT="$examples/hello_graph/input.jsonl" --set OUT="$tmp/blocklist"
expect_rc 0 "installed loom runs blocklist.yaml with the out-of-tree plugin"
expect_texts "$tmp/blocklist/kept.jsonl" "documents without 'yaml' or 'stats' are kept" \
  "Hello, Loom! This is the first document." "too short" "Short, too."
expect_texts "$tmp/blocklist/blocked.jsonl" "the two with a blocked word went to blocked.jsonl" \
  "Graphs are YAML files; plugins are shared libraries." \
  "Filters drop documents and say why, in stats.json."
[[ "$(stat_value "$tmp/blocklist/stats.json" block dropped_by_reason.blocked_word)" == 2 ]] ||
  fail "stats.json: block should have dropped 2 documents as blocked_word"
pass "stats.json counts 2 blocked_word drops"

configure embed "$examples/embed_engine"
grep -q "^LoomEngine_DIR:PATH=$prefix/" "$tmp/embed/CMakeCache.txt" ||
  fail "LoomEngine was not found in the prefix"
rc=0
"$tmp/embed/embed_engine" "$examples/hello_graph/hello.yaml" OUT="$tmp/hello" \
  HELLO_DIR="$examples/hello_graph" --plugin-path "$prefix/lib/loom/plugins" \
  >"$tmp/embed.out" 2>"$tmp/embed.err" || rc=$?
last_err=$tmp/embed.err
expect_rc 0 "embed_engine runs hello.yaml through loom::run_graph"
grep -q "^long_enough (filter length_filter): in 5, kept 3, dropped 2 \[too_short: 2\]$" "$tmp/embed.out" ||
  fail "embed_engine's statistics: $(cat "$tmp/embed.out")"
pass "embed_engine reports the filter's counts from RunStats"
expect_texts "$tmp/hello/kept.jsonl" "hello_graph's kept documents" \
  "Hello, Loom! This is the first document." \
  "Graphs are YAML files; plugins are shared libraries." \
  "Filters drop documents and say why, in stats.json."
expect_texts "$tmp/hello/dropped.jsonl" "hello_graph's dropped documents" "too short" "Short, too."

done_ok
