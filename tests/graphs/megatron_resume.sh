#!/usr/bin/env bash
# megatron_sink resumes: runs writing token shards (.bin + .idx) are killed with SIGKILL (or
# stopped with SIGTERM) at random moments and rerun until one finishes; the shards must be
# byte-identical to an uninterrupted run's, with no temporary file left. Then kills inside a
# shard's commits: right after its .bin is renamed (its .idx not yet), right after its .idx is
# renamed (the index's journal still there), and that second state with the journal already
# removed, as the sink does just after (the rerun takes the finished .idx back in its place).
# The reference is checked against the format (sizes add up to the .bin), so identical garbage
# cannot pass, and so is a run with other batch sizes. Self-contained: a byte-level BPE tokenizer
# written here, a synthetic corpus.
#   usage: megatron_resume.sh THREADS [KILLS]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$tests_dir/kill_lib.sh"
threads=${1:?usage: megatron_resume.sh THREADS [KILLS]}
kills=${2:-8}

work=$tmp
if [[ -d /dev/shm && -w /dev/shm ]]; then
  work=$(mktemp -d /dev/shm/loom-megatron-resume.XXXXXX)
  trap 'rm -rf "$work"' EXIT
fi

# Byte-level BPE: the 256 byte symbols of GPT-2's byte-to-unicode map, a few merges, and the
# end-of-document token.
"$PYTHON" - "$tmp/tokenizer.json" <<'PY'
import json, sys
printable = [*range(33, 127), *range(161, 173), *range(174, 256)]
symbol, extra = {}, 0
for byte in range(256):
    if byte in printable:
        symbol[byte] = chr(byte)
    else:
        symbol[byte] = chr(256 + extra)
        extra += 1
vocab = {symbol[b]: b for b in range(256)}
merges = []
for left, right in [("Ġ", "t"), ("h", "e"), ("Ġt", "he"), ("e", "r"), ("a", "n"), ("Ġ", "s")]:
    merges.append(f"{left} {right}")
    vocab[left + right] = len(vocab)
eod = len(vocab)
json.dump({"added_tokens": [{"id": eod, "content": "<|endoftext|>", "special": True,
                             "normalized": False}],
           "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "use_regex": True},
           "model": {"type": "BPE", "vocab": vocab, "merges": merges}}, open(sys.argv[1], "w"))
PY
# One large shard and three small ones; shards end inside and at batch boundaries.
make_corpus "$tmp/data" --shards 3 --docs-per-shard 300 --format gz
make_corpus "$tmp/big" --shards 1 --docs-per-shard 1500 --format gz --prefix big --seed 7
mv "$tmp"/big/*.json.gz "$tmp/data/"
graph=$tests_dir/data/megatron_shards.yaml
common=("$graph" --set "IN=$tmp/data/*.json.gz" --set "TOKENIZER=$tmp/tokenizer.json"
  --threads "$threads")
args=("${common[@]}" --batch-bytes 16384)
args_every=("${args[@]}" --checkpoint-seconds 0.00001) # a checkpoint after every batch
args+=(--checkpoint-seconds 0.02)

reference_run "$work/reference" "${args[@]}"
"$PYTHON" - "$work/reference" <<'PY' || fail "the reference shards do not follow the format"
import os, struct, sys
folder = sys.argv[1]
stems = sorted(n[:-4] for n in os.listdir(folder) if n.endswith(".idx"))
assert stems == sorted(n[:-4] for n in os.listdir(folder) if n.endswith(".bin")), "unpaired"
assert len(stems) == 4, stems
for stem in stems:
    idx = open(os.path.join(folder, stem + ".idx"), "rb").read()
    bin_size = os.path.getsize(os.path.join(folder, stem + ".bin"))
    assert idx[:9] == b"MMIDIDX\x00\x00", stem
    version, dtype, count, doc_count = struct.unpack_from("<QBQQ", idx, 9)
    assert (version, dtype, doc_count) == (1, 8, count + 1), (stem, version, dtype, count)
    sizes = struct.unpack_from(f"<{count}i", idx, 34)
    pointers = struct.unpack_from(f"<{count}q", idx, 34 + 4 * count)
    docs = struct.unpack_from(f"<{count + 1}q", idx, 34 + 12 * count)
    assert len(idx) == 34 + 12 * count + 8 * (count + 1), stem
    assert sum(sizes) * 2 == bin_size and all(s >= 2 for s in sizes), stem
    assert list(pointers) == [2 * sum(sizes[:i]) for i in range(count)], stem
    assert list(docs) == list(range(count + 1)), stem
    print(f"{stem}: {count} documents, {bin_size} bytes")
PY
pass "the reference: four .bin/.idx pairs whose indexes describe their token files"
loom_run other_batches run "${common[@]}" --batch-bytes 1048576 --set "OUT=$work/other_batches"
expect_rc 0 "an uninterrupted run with 1 MiB batches"
same_tree "$work/reference" "$work/other_batches" "shards with 1 MiB batches vs 16 KiB batches"

kill_and_resume "$work/reference" "$work/killed" "$kills" $((kills / 2)) 4 0.05 0.9 "${args[@]}"
finish_and_compare "$work/reference" "$work/killed" "the random kills" "${args[@]}"
((resumed_runs + final_resumed > 0)) || fail "no rerun started from a manifest"
pass "$((resumed_runs + final_resumed)) reruns resumed from a manifest"

# Renames, in order: shard 1's .bin, its .idx, shard 2's .bin, ... The killed runs checkpoint
# after every batch, so the manifest lists the shard whose commit was cut short as open.
for n in 1 2 5 8; do
  kill_at_rename "$work/rename_$n" "$n" "${args_every[@]}"
  finish_and_compare "$work/reference" "$work/rename_$n" "a kill after rename $n" "${args[@]}"
  ((final_resumed)) || fail "the rerun after rename $n did not resume"
done
kill_at_rename "$work/journal_gone" 2 "${args_every[@]}"
journal=$(find "$work/journal_gone" -name '*.idx.loom-tmp-*')
[[ $(wc -l <<<"$journal") == 1 && -n $journal ]] || fail "not one index journal after rename 2: $journal"
finished=${journal%%.loom-tmp-*}
[[ -f $finished ]] || fail "rename 2 was not the commit of $finished"
rm "$journal"
finish_and_compare "$work/reference" "$work/journal_gone" \
  "a kill after an index was committed and its journal removed" "${args[@]}"
((final_resumed)) || fail "the rerun after the journal was removed did not resume"
done_ok
