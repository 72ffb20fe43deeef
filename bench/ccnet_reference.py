"""cc_net's own mining stages, run on this machine, for issue 16's Common Crawl target.

Runs facebookresearch/cc_net's code (the copy in examples/sample/github, which is the GitHub
slice's sample input) the way cc_net's `mine` runs a shard through RedPajama's pipeline up to
keep_lang: a first pass reads the WET files and collects the hashes of their lines
(dedup.HashesCollector), a second reads them again and removes the duplicated lines
(dedup.DuplicatesRemover), identifies the language (split_by_lang.Classifier, threshold 0.5) and
keeps English, writing the kept documents as cc_net's jsonql does. One process, one thread. As in
the golden run, the model is lid.176.ftz (the one Loom uses) and cc_net's line hashes go in its
NaiveHashSet (getpy, its optional C++ set, is not in Debian).

Upstream cc_net reads a record's headers by position, as the 2019 WET files had them; newer files
(and the bench's) carry a WARC-Identified-Content-Language line, and RedPajama's vendored copy
(the one its golden outputs came from, ../shared/golden/README.md) reads Content-Length one line
further down for them. This script does the same by handing parse_doc the headers without that
line.

Prints one line of key=value pairs: documents kept, CPU seconds of each pass (user + system of
this process) and MB of WET (decompressed) per CPU-second.

usage: /usr/bin/python3 bench/ccnet_reference.py MODEL OUT_DIR WET_FILE...
needs Debian's python3-fasttext, python3-numpy, python3-psutil, python3-requests,
python3-typing-extensions and python3-bs4 (bench/ccnet_reference.sh checks).
"""

import gzip
import os
import sys
import types
from pathlib import Path

repo = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(repo / "examples/sample/github/facebookresearch__cc_net"))
# cc_net's modules import func_argparse (not in Debian) only for their command lines, which this
# script does not use.
sys.modules.setdefault("func_argparse", types.ModuleType("func_argparse"))

from cc_net import dedup, jsonql, process_wet_file, split_by_lang  # noqa: E402


def documents(paths):
    # What CCSegmentsReader does for each segment it has in its cache.
    for path in paths:
        for doc in process_wet_file.parse_warc_file(jsonql.open_read(path), min_len=300):
            doc["cc_segment"] = os.path.basename(path)
            yield doc


original_parse_doc = process_wet_file.parse_doc


def parse_doc_as_redpajama(headers, doc):
    return original_parse_doc(
        [h for h in headers if not h.startswith("WARC-Identified-Content-Language:")], doc)


process_wet_file.parse_doc = parse_doc_as_redpajama


def cpu_seconds():
    usage = os.times()
    return usage.user + usage.system


def main():
    model, out_dir, paths = Path(sys.argv[1]), Path(sys.argv[2]), sorted(sys.argv[3:])
    out_dir.mkdir(parents=True, exist_ok=True)
    wet_bytes = 0
    for path in paths:
        with gzip.open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                wet_bytes += len(chunk)

    hashes = out_dir / "hashes.bin"
    start = cpu_seconds()
    jsonql.run_pipes(dedup.HashesCollector(field="raw_content", output=hashes),
                     inputs=documents(paths))
    hashes_cpu = cpu_seconds() - start

    kept = out_dir / "mined.json"
    start = cpu_seconds()
    jsonql.run_pipes(
        dedup.DuplicatesRemover(field="raw_content", hashes_files=[hashes]),
        split_by_lang.Classifier(model=model, field="raw_content", out_field="language",
                                 top=1, threshold=0.5),
        jsonql.where([lambda doc: doc.get("language") in {"en"}]),
        inputs=documents(paths),
        output=kept,
    )
    mine_cpu = cpu_seconds() - start
    with open(kept, encoding="utf-8") as f:
        docs_kept = sum(1 for _ in f)
    total = hashes_cpu + mine_cpu
    print(f"ccnet_docs_kept={docs_kept} wet_mb={wet_bytes / 1e6:.2f} "
          f"hashes_cpu_s={hashes_cpu:.2f} mine_cpu_s={mine_cpu:.2f} "
          f"mb_per_cpu_s={wet_bytes / 1e6 / total:.2f}")


if __name__ == "__main__":
    main()
