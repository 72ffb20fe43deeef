"""Writes deterministic C4-form input for the graph tests: shards of JSON lines
{"text", "url", "date"}, as .json.gz (gzip, mtime 0) or .jsonl.zst (zstd CLI, level 3).

The texts are built from a fixed word list with a seeded generator, with non-ASCII letters,
an astral-plane character (a surrogate pair in Python-style JSON), quotes, backslashes and
control characters mixed in, so that escaping and multi-batch ordering are exercised. Some
documents repeat earlier ones exactly, so a dedup stage has something to remove.

usage: make_corpus.py OUT_DIR --shards N --docs-per-shard M [--format gz|zst] [--prefix P]
"""

import argparse
import gzip
import json
import os
import random
import subprocess

WORDS = (
    "river stone bakery harbour lantern orchard signal meadow copper window garden engine "
    "archive letter mountain weather market bridge forest candle ribbon compass valley tower "
    "café naïve façade jalapeño smörgåsbord Ω π ≈ — “quoted” ‘single’ 東京 Москва"
).split()
SPECIALS = ['"', "\\", "\t", "/", "\u2028", "\U0001F600", "\x7f", "\u00e9"]


def make_text(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(1, 12)):
        words = [rng.choice(WORDS) for _ in range(rng.randint(3, 60))]
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words) + 1), rng.choice(SPECIALS))
        lines.append(" ".join(words))
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out_dir")
    ap.add_argument("--shards", type=int, required=True)
    ap.add_argument("--docs-per-shard", type=int, required=True)
    ap.add_argument("--format", choices=["gz", "zst"], default="gz")
    ap.add_argument("--prefix", default="c4-train")
    ap.add_argument("--seed", type=int, default=1234)
    args = ap.parse_args()

    os.makedirs(args.out_dir, exist_ok=True)
    rng = random.Random(args.seed)
    seen = []
    for shard in range(args.shards):
        rows = []
        for i in range(args.docs_per_shard):
            if seen and rng.random() < 0.05:
                text = rng.choice(seen)
            else:
                text = make_text(rng)
                seen.append(text)
            rows.append(
                json.dumps(
                    {
                        "text": text,
                        "url": f"https://example.org/{shard}/{i}?q=a&b=\"c\"",
                        "date": f"2019-04-{1 + shard % 28:02d}T{i % 24:02d}:00:00Z",
                    },
                    ensure_ascii=False,
                    separators=(",", ":"),
                )
            )
        data = ("\n".join(rows) + "\n").encode("utf-8")
        name = f"{args.prefix}.{shard:05d}-of-{args.shards:05d}"
        if args.format == "gz":
            path = os.path.join(args.out_dir, name + ".json.gz")
            with open(path, "wb") as f, gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0) as g:
                g.write(data)
        else:
            path = os.path.join(args.out_dir, name + ".jsonl.zst")
            subprocess.run(["zstd", "-q", "-3", "-f", "-o", path], input=data, check=True)


if __name__ == "__main__":
    main()
