"""Checks graphs/redpajama/common_crawl.yaml's output: check_common_crawl_output.py ALL DEFAULT.

ALL is an output folder written with min_wiki_prob 0, DEFAULT one written with 0.25 from the same
input. Every record must have the cc_metadata branch's shape, sit in its {language}_{bucket} file,
and every document read must be written or counted as dropped; DEFAULT must hold exactly the
documents of ALL whose wiki_prob is at least 0.25.
"""

import glob
import json
import os
import subprocess
import sys

META_FIELDS = ["url", "date_download", "digest", "length", "nlines", "source_domain", "title",
               "original_nlines", "original_length", "language", "language_score", "perplexity",
               "bucket", "pred_label", "pred_label_prob", "wiki_prob"]


def records(out):
    found = []
    for path in sorted(glob.glob(os.path.join(out, "*.jsonl.zst"))):
        data = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout
        found += [(os.path.basename(path), json.loads(line)) for line in data.splitlines()]
    return found


def accounted(out, written):
    with open(os.path.join(out, "stats.json"), encoding="utf-8") as f:
        stats = json.load(f)
    read = next(n for n in stats["nodes"] if n["id"] == "read")["docs_kept"]
    dropped = sum(n["docs_dropped"] for n in stats["nodes"] if n["kind"] != "source")
    if read != written + dropped:
        sys.exit(f"{out}: {read} documents read, but {written} written + {dropped} dropped")
    return read, dropped


def main():
    everything = records(sys.argv[1])
    if not everything:
        sys.exit("no document reached the output")
    for name, record in everything:
        if list(record) != ["text", "meta"]:
            sys.exit(f"{name}: record keys {list(record)}")
        meta = record["meta"]
        if list(meta) != META_FIELDS:
            sys.exit(f"{name}: meta keys {list(meta)}, expected {META_FIELDS}")
        if name != f'{meta["language"]}_{meta["bucket"]}.jsonl.zst':
            sys.exit(f"{name}: holds a {meta['language']} {meta['bucket']} document")
        if meta["language"] != "en" or meta["language_score"] < 0.5:
            sys.exit(f"{name}: language {meta['language']} at {meta['language_score']}")
        if meta["bucket"] not in ("head", "middle"):
            sys.exit(f"{name}: bucket {meta['bucket']} was not dropped")
    read, dropped = accounted(sys.argv[1], len(everything))
    kept = records(sys.argv[2])
    expected = sorted(r["meta"]["url"] for _, r in everything if r["meta"]["wiki_prob"] >= 0.25)
    got = sorted(r["meta"]["url"] for _, r in kept)
    if got != expected:
        sys.exit(f"min_wiki_prob 0.25 kept {len(got)} documents, expected {len(expected)}")
    accounted(sys.argv[2], len(kept))
    print(f"{read} documents read = {len(everything)} written + {dropped} dropped; "
          f"{len(kept)} of the written have wiki_prob >= 0.25")


if __name__ == "__main__":
    main()
