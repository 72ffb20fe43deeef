#!/usr/bin/env bash
# minhash_dedup end to end: a generated corpus of 3 shards with planted near-duplicates (copies
# of earlier documents, in the same or an earlier shard, with one word in 300 changed) gives the
# same output bytes at 1 and 2 threads, with small and default batches, and with band records
# spilled to disk or not; every planted copy, and nothing else, is excluded as near_duplicate,
# naming a surviving document that comes before it in input order and holds the same base text.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

data=$tmp/data
mkdir -p "$data"
"$PYTHON" - "$data" <<'PY'
import json, random, string, sys
rng = random.Random(14)
def text():
    # Letters only: the deduper folds digit runs to "0", so numbered words would all match.
    return " ".join("".join(rng.choices(string.ascii_lowercase, k=7)) for _ in range(300))
bases, copies = [], 0
for shard in range(3):
    with open("%s/part-%d.jsonl" % (sys.argv[1], shard), "w") as f:
        for record in range(400):
            if bases and rng.random() < 0.2:
                base_id, base = rng.choice(bases)
                words = base.split()
                words[rng.randrange(len(words))] = "changed" + "".join(rng.choices(string.ascii_lowercase, k=9))
                doc = {"text": " ".join(words), "base": base_id}
                copies += 1
            else:
                t = text()
                base_id = "%d:%d" % (shard, record)
                bases.append((base_id, t))
                doc = {"text": t, "base": base_id}
            f.write(json.dumps(doc) + "\n")
with open(sys.argv[1] + "/../planted_copies", "w") as f:
    f.write(str(copies))
PY
planted=$(cat "$tmp/planted_copies")

extra=()
if "$LOOM" run --help 2>&1 | grep -q -- '--batch-bytes'; then
  extra=(--batch-bytes 16384)
fi
graph=$tests_dir/data/minhash_dedup.yaml
for threads in 1 2; do
  loom_run "t$threads" run "$graph" --set "DATA=$data" --set "OUT=$tmp/t$threads" \
    --threads "$threads" "${extra[@]}"
  expect_rc 0 "minhash_dedup --threads $threads"
done
same_tree "$tmp/t1" "$tmp/t2" "minhash_dedup: --threads 1 and --threads 2 outputs"
loom_run default_batch run "$graph" --set "DATA=$data" --set "OUT=$tmp/default_batch" --threads 2
expect_rc 0 "minhash_dedup with the default batch size"
same_tree "$tmp/t1" "$tmp/default_batch" "minhash_dedup: small and default batch sizes"
# 0.05 MB holds 3276 band records, 234 documents' worth: several sorted runs per band.
loom_run spilled run "$graph" --set "DATA=$data" --set "OUT=$tmp/spilled" --set BUDGET=0.05 \
  --threads 2 "${extra[@]}"
expect_rc 0 "minhash_dedup spilling sorted runs"
same_tree "$tmp/t1" "$tmp/spilled" "minhash_dedup: spilled and in-memory band records"

"$PYTHON" - "$tmp/t1" "$planted" <<'PY' || fail "the exclusions do not match the planted copies"
import glob, json, sys
out, planted = sys.argv[1], int(sys.argv[2])
def read(kind):
    docs = []
    for path in sorted(glob.glob("%s/%s/*.jsonl" % (out, kind))):
        docs += [json.loads(line) for line in open(path)]
    for d in docs:  # jsonl_sink writes meta under "meta"
        d.update(d.pop("meta"))
    return docs
kept, excluded = read("kept"), read("excluded")
kept_bases = {d["base"] for d in kept}
assert len(kept) + len(excluded) == 1200, (len(kept), len(excluded))
assert len(excluded) == planted, "excluded %d documents, planted %d copies" % (len(excluded), planted)
assert len(kept_bases) == len(kept), "two kept documents share a base: a copy was kept"
for d in excluded:
    assert d["drop_reason"] == "near_duplicate", d
    shard, record = d["near_duplicate_of_shard"], d["near_duplicate_of_record"]
    part = int(shard.rsplit("part-", 1)[1].split(".")[0])
    assert "%d:%d" % (part, record) == d["base"], (shard, record, d["base"])
print("excluded %d planted copies, kept %d distinct documents" % (len(excluded), len(kept)))
PY
pass "every planted copy and nothing else excluded, naming its base as the survivor"
done_ok
