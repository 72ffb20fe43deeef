"""Input and check for tests/graphs/exclusions.sh.

  exclusions.py make DATA_DIR   writes shards of {"text", "id", "lang"} lines and
                                DATA_DIR/expected.json: id -> [node, reason], or null if kept
  exclusions.py check DATA_DIR OUT_DIR
                                every input id appears exactly once in OUT/kept ∪ OUT/excluded;
                                kept ones carry no exclusion keys, excluded ones end their meta
                                with dropped_by and drop_reason, equal to what make expected

The expectations follow from how each document is built (too short, not English, an exact copy
of an earlier one, an earlier one in capitals with punctuation added), not from any loom output.
"""

import glob
import json
import os
import random
import sys

SHARDS = 3
DOCS_PER_SHARD = 240


def random_text(rng: random.Random) -> str:
    # Random 5-letter words: unrelated texts are far apart by SimHash.
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(5)) for _ in range(80)]
    return " ".join(words)


def make(data_dir: str) -> None:
    rng = random.Random(7)
    os.makedirs(data_dir, exist_ok=True)
    originals = []  # texts of kept, long, English documents (candidates to copy)
    expected = {}
    for shard in range(SHARDS):
        lines = []
        for k in range(DOCS_PER_SHARD):
            doc_id = f"s{shard}-{k}"
            roll = rng.random()
            lang = "en"
            if roll < 0.15:
                text, why = "tiny " + doc_id, ["long_enough", "too_short"]
            elif roll < 0.3:
                text, lang, why = random_text(rng), "de", ["english", "lang_not_listed"]
            elif roll < 0.45 and originals:
                text, why = rng.choice(originals), ["exact", "duplicate"]
            elif roll < 0.6 and originals:
                # Case and punctuation differ (so not an exact copy), but SimHash shingles are
                # taken after lower-casing and deleting non-word characters: distance 0.
                text = rng.choice(originals).upper() + " " + "!" * (k + 1) + "?" * shard
                why = ["near", "simhash_near_dup"]
            else:
                text, why = random_text(rng), None
                originals.append(text)
            expected[doc_id] = why
            lines.append(json.dumps({"text": text, "id": doc_id, "lang": lang}))
        with open(os.path.join(data_dir, f"part-{shard}.jsonl"), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    with open(os.path.join(data_dir, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f)


def read_docs(folder: str) -> list:
    docs = []
    for path in sorted(glob.glob(os.path.join(folder, "*.jsonl"))):
        with open(path, encoding="utf-8") as f:
            docs += [json.loads(line) for line in f if line.strip()]
    return docs


def check(data_dir: str, out_dir: str) -> None:
    with open(os.path.join(data_dir, "expected.json"), encoding="utf-8") as f:
        expected = json.load(f)
    errors = []
    seen = {}
    kept = read_docs(os.path.join(out_dir, "kept"))
    excluded = read_docs(os.path.join(out_dir, "excluded"))
    for doc in kept + excluded:
        doc_id = doc["meta"]["id"]
        seen[doc_id] = seen.get(doc_id, 0) + 1
    for doc_id in expected:
        if seen.get(doc_id, 0) != 1:
            errors.append(f"{doc_id} appears {seen.get(doc_id, 0)} times in kept and excluded")
    errors += [f"{i} is not an input document" for i in seen if i not in expected]
    for doc in kept:
        meta = doc["meta"]
        if list(meta) != ["id", "lang"]:
            errors.append(f"kept {meta['id']} has meta keys {list(meta)}, expected [id, lang]")
        if expected.get(meta["id"]) is not None:
            errors.append(f"{meta['id']} was kept; expected dropped by {expected[meta['id']]}")
    for doc in excluded:
        meta = doc["meta"]
        if list(meta) != ["id", "lang", "dropped_by", "drop_reason"]:
            errors.append(f"excluded {meta['id']} has meta keys {list(meta)}")
            continue
        got = [meta["dropped_by"], meta["drop_reason"]]
        if got != expected.get(meta["id"]):
            errors.append(f"{meta['id']} excluded as {got}, expected {expected.get(meta['id'])}")
    if errors:
        sys.exit("\n".join(errors[:20]) + f"\n({len(errors)} problems)")
    reasons = {}
    for doc in excluded:
        key = doc["meta"]["dropped_by"] + "/" + doc["meta"]["drop_reason"]
        reasons[key] = reasons.get(key, 0) + 1
    print(f"{len(kept)} kept, {len(excluded)} excluded: {json.dumps(reasons, sort_keys=True)}")


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        check(sys.argv[2], sys.argv[3])
