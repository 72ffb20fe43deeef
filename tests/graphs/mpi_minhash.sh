#!/usr/bin/env bash
# minhash_dedup across the ranks of `mpirun -n R loom run` (docs/guides/scale-out.md): with
# R = 1, 2, 3, 4 ranks and 1 and 2 threads, the kept and excluded files are byte-identical to one
# process's, and so are the job's counts. The input: 12 generated shards (R = 2, 3, 4 put 6, 4, 3
# on each rank) with near-duplicates planted across shards, and chains: triples A, B, C where
# A = P+Q, B = P+Q+R and C = Q+R (Jaccard A-B and B-C about 0.75, A-C about 0.5), their three
# documents in shards of three different ranks at R = 3 in a shuffled order, so that a cluster
# is joined only through a document on a third rank. A probe run on the A and C documents alone
# tells the triples whose A and C are not candidates themselves (real chains): there must be
# some, and each such C must be excluded naming its triple's first document.
# Skips, saying what is missing, without mpirun or when loom was built without MPI.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$tests_dir/mpi_lib.sh"

data=$tmp/data
mkdir -p "$data" "$tmp/probe_data"
"$PYTHON" - "$data" "$tmp/probe_data" <<'PY'
import json, random, string, sys
rng = random.Random(1214)
def words(n):
    # Letters only: the deduper folds digit runs to "0", so numbered words would all look alike.
    return ["".join(rng.choices(string.ascii_lowercase, k=7)) for _ in range(n)]
shards = [[] for _ in range(12)]
bases = []
for shard in range(12):
    for _ in range(24):
        if bases and rng.random() < 0.25:  # a copy of an earlier document, one word changed
            base_id, base = rng.choice(bases)
            edited = list(base)
            edited[rng.randrange(len(edited))] = "changed" + "".join(rng.choices(string.ascii_lowercase, k=9))
            shards[shard].append({"text": " ".join(edited), "base": base_id})
        else:
            base = words(200)
            base_id = "plain:%d:%d" % (shard, len(shards[shard]))
            bases.append((base_id, base))
            shards[shard].append({"text": " ".join(base), "base": base_id})
# Rank groups at R = 3: shards 0-3, 4-7, 8-11.
groups = [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]
probe = [[] for _ in range(12)]
for triple in range(24):
    p, q, r = words(50), words(100), words(50)
    docs = {"A": p + q, "B": p + q + r, "C": q + r}
    order = rng.sample(groups, 3)  # which rank group each of A, B, C goes to
    for name, group in zip("ABC", order):
        shard = rng.choice(group)
        doc = {"text": " ".join(docs[name]), "base": "chain:%d" % triple, "role": name}
        at = rng.randrange(len(shards[shard]) + 1)
        shards[shard].insert(at, doc)
        if name != "B":
            probe[shard].append(doc)
for folder, content in ((sys.argv[1], shards), (sys.argv[2], probe)):
    for shard, docs in enumerate(content):
        with open("%s/part-%02d.jsonl" % (folder, shard), "w") as f:
            for record, doc in enumerate(docs):
                f.write(json.dumps(dict(doc, at=[shard, record])) + "\n")
PY

graph=$tests_dir/data/minhash_dedup.yaml
loom_run single run "$graph" --set "DATA=$data" --set "OUT=$tmp/single" --threads 2 --quiet \
  --batch-bytes 8000
expect_rc 0 "one process"
for ranks in 1 2 3 4; do
  for threads in 1 2; do
    out=$tmp/r${ranks}t$threads
    mpi_run "r${ranks}t$threads" "$ranks" run "$graph" --set "DATA=$data" --set "OUT=$out" \
      --threads "$threads" --batch-bytes 8000
    expect_rc 0 "-n $ranks --threads $threads"
    expect_rank_codes "$ranks" 0 "-n $ranks --threads $threads"
    same_tree "$tmp/single" "$out" "-n $ranks --threads $threads: outputs as one process's"
    stats_totals_equal "$tmp/single/stats.json" "$out/stats.json" "$ranks" ||
      fail "-n $ranks --threads $threads: the job's counts differ from one process's"
    pass "-n $ranks --threads $threads: the job's counts are one process's"
    [[ -z "$(find "$out" -name '*.resume*' -o -name '*.loom-tmp-*')" ]] ||
      fail "manifests or temporary files left in $out"
  done
done
# A 0.002 MB budget on 3 ranks: band records spilled every 9 documents, each band exchanged in
# 5 rounds of a key range (80 bytes per key of a rank's ~120 documents), the cross keys spilled in
# sorted runs and each label round exchanged in key-range parts (100 bytes per cross key of the
# busiest rank): the same, every rank agreeing on the parts, no spill folder left.
mkdir -p "$tmp/spill"
mpi_run spilled 3 run "$graph" --set "DATA=$data" --set "OUT=$tmp/spilled" --set BUDGET=0.002 \
  --set "SPILL_DIR=$tmp/spill" --threads 2 --batch-bytes 8000
expect_rank_codes 3 0 "-n 3 with spilled band records and cross keys, rounds in parts"
same_tree "$tmp/single" "$tmp/spilled" "-n 3, spilled, bands and labels in parts: outputs as one process's"
label_parts=$(grep -Eo 'label rounds exchanged in [0-9]+ parts' "$last_err" | grep -Eo '[0-9]+' |
  sort -u)
[[ "$(grep -c . <<<"$label_parts")" == 1 && "$label_parts" -ge 2 ]] ||
  fail "-n 3, spilled: label rounds not in 2 or more parts agreed by every rank (logged: ${label_parts:-nothing})"
pass "-n 3, spilled: label rounds in $label_parts parts, agreed by every rank"
[[ -z "$(ls -A "$tmp/spill")" ]] || fail "spill folders left in $tmp/spill: $(ls "$tmp/spill")"

loom_run probe run "$graph" --set "DATA=$tmp/probe_data" --set "OUT=$tmp/probe" --quiet
expect_rc 0 "the probe of A and C alone"
"$PYTHON" - "$tmp/single" "$tmp/probe" <<'PY' || fail "the clusters are not the planted ones"
import glob, json, sys
def read(out, kind):
    docs = []
    for path in sorted(glob.glob("%s/%s/*.jsonl" % (out, kind))):
        for line in open(path):
            d = json.loads(line)
            d.update(d.pop("meta"))
            d["shard"] = path.rsplit("/", 1)[1].replace(".jsonl", "")
            docs.append(d)
    return docs
kept, excluded = read(sys.argv[1], "kept"), read(sys.argv[1], "excluded")
probe_kept = read(sys.argv[2], "kept")
# Triples whose A and C are no candidates alone (both kept by the probe).
alone = {}
for d in probe_kept:
    alone.setdefault(d["base"], set()).add(d["role"])
by_base = {}
for d in kept + excluded:
    by_base.setdefault(d["base"], []).append(d)
def check_cluster(base):
    docs = by_base[base]
    first = min(docs, key=lambda d: d["at"])
    assert "drop_reason" not in first, (base, "the first document was dropped")
    for d in docs:
        if d is first:
            continue
        assert d["drop_reason"] == "near_duplicate", (base, d["at"])
        assert d["near_duplicate_of_shard"].endswith("part-%02d.jsonl" % first["at"][0]), d
        assert d["near_duplicate_of_record"] == first["at"][1], d
# Real chains: A and C apart alone, but one cluster through B.
chains = [b for b, roles in alone.items()
          if roles == {"A", "C"} and sum("drop_reason" not in d for d in by_base[b]) == 1]
assert len(chains) >= 3, "only %d triples are real chains" % len(chains)
for base in chains:
    check_cluster(base)
# Plain copies: each base kept once, every copy excluded naming a document of its base.
for base, docs in by_base.items():
    if base.startswith("plain:"):
        assert sum("drop_reason" not in d for d in docs) == 1, base
        check_cluster(base)
print("%d of 24 triples are chains joined only through B" % len(chains))
PY
pass "every planted cluster keeps one document, chains joined through a third shard"
done_ok
