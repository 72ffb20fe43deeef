#!/usr/bin/env bash
# graphs/recipes/web_quality.yaml end to end on Common Crawl WET made from the shared sample's
# pages (loom_bench_slices, as the kill tests make it), plus an exact copy of its first shard as a
# last shard: every copied document that passes the rules must be excluded by minhash_dedup as a
# near-duplicate. Every document read is written or excluded once, naming the node and reason
# (and the stats agree); output bytes are the same at 1 and 2 threads.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_shared
model=${LOOM_CACHE:-$HOME/.cache/loom}/models/lid.176.ftz
[[ -f "$model" ]] || skip "fastText model $model absent (scripts/setup.sh installs it)"
make_slices=$(dirname "$LOOM")/loom_bench_slices
[[ -x "$make_slices" ]] || skip "$make_slices not built (LOOM_BUILD_BENCH=OFF): it makes the input"
graph=$LOOM_SOURCE_DIR/graphs/recipes/web_quality.yaml

"$make_slices" --shared "$LOOM_SHARED_DIR" --out "$tmp/slices" --target-bytes 1500000 common_crawl \
  >"$tmp/make_slices.log" 2>&1 || fail "loom_bench_slices failed: $(tail -n 3 "$tmp/make_slices.log")"
data=$tmp/slices/common_crawl/common_crawl
first=$(cd "$data" && ls *.wet.gz | sort | head -n1)
cp "$data/$first" "$data/zz-copy.warc.wet.gz"

for threads in 1 2; do
  loom_run "t$threads" run "$graph" --set "DATA=$data" --set "OUT=$tmp/out$threads" \
    --set OUT_EXT=jsonl --threads "$threads"
  expect_rc 0 "web_quality.yaml at $threads thread(s)"
done
same_tree "$tmp/out1" "$tmp/out2" "web_quality.yaml at 1 and 2 threads"

"$PYTHON" - "$tmp/out1" "${first%.gz}" <<'PY' || fail "kept and excluded documents do not add up (see above)"
import json, pathlib, sys
out, first = pathlib.Path(sys.argv[1]), sys.argv[2]
stats = json.loads((out / "stats.json").read_text())
nodes = {n["id"]: n for n in stats["nodes"]}
def docs(folder):
    found = {}
    for path in sorted((out / folder).glob("*.jsonl")):
        found[path.name[: -len(".jsonl")]] = [json.loads(l) for l in path.read_text().splitlines()]
    return found
kept, excluded = docs("output"), docs("excluded")
read = nodes["read"]["docs_kept"]
total = sum(map(len, kept.values())) + sum(map(len, excluded.values()))
assert total == read, f"{read} documents read, {total} written or excluded"
near = lambda shard: [d for d in excluded.get(shard, []) if d["meta"]["drop_reason"] == "near_duplicate"]
copy = "zz-copy.warc.wet"
assert kept.get(first), f"no document of {first} passed every rule"
assert not kept.get(copy), f"{len(kept.get(copy, []))} documents of the copy were kept"
want = len(kept[first]) + len(near(first))
assert len(near(copy)) == want, f"{len(near(copy))} near-duplicates in the copy, expected {want}"
assert all(d["meta"]["near_duplicate_of_shard"] != "" for d in near(copy))
by = {}
for shard_docs in excluded.values():
    for d in shard_docs:
        by[d["meta"]["dropped_by"]] = by.get(d["meta"]["dropped_by"], 0) + 1
for node, count in by.items():
    assert sum(nodes[node]["dropped_by_reason"].values()) == count, f"{node}: stats and exclusions differ"
print(f"note: {read} read, {sum(map(len, kept.values()))} kept, excluded by node: {by}")
PY
pass "every document kept or excluded once; the copied shard's survivors excluded as near-duplicates"
done_ok
