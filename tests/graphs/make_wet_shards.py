#!/usr/bin/env python3
"""WET shards for the dedup-across-ranks tests (mpi_dedup.sh), built from the corpus's WET text.

Usage: make_wet_shards.py CORPUS_WET_FILE... --out DIR [--shards N] [--docs M]

Writes DIR/part-<k>.wet (conversion records, WARC-Block-Digest = sha1 of the text, base32 as
Common Crawl writes it). Documents are made of the corpus texts' lines, numbered so that they
differ, with cases planted across shards, which land on different ranks:
- a later shard repeats an earlier document's text under another URL (same digest: dropped);
- a later shard repeats a document exactly (same URL and digest: every copy kept);
- a URL kept in shard 0 comes back in the last shard with a text another URL had first
  (its records are kept there too: the URL was kept);
- a shard lists one URL twice with two digests (the last digest counts);
- every few documents share a boilerplate line, and some lines recur across shards, one of them
  only in shards 0 and 2 (ccnet_line_dedup removes lines two documents of its group have).
"""
import argparse
import base64
import gzip
import hashlib


def wet_texts(paths):
    texts = []
    for path in paths:
        raw = (gzip.open if path.endswith(".gz") else open)(path, "rb").read().decode("utf-8")
        for record in raw.split("WARC/1.0\r\n" if "\r\n" in raw else "WARC/1.0\n")[1:]:
            head, _, body = record.partition("\r\n\r\n" if "\r\n" in record else "\n\n")
            if "WARC-Type: conversion" in head:
                texts.append(body.strip())
    return texts


def tag(*numbers):
    """Words that tell lines apart after cc_net's normalization (which removes digits)."""
    return " ".join("".join(chr(ord("a") + int(c)) for c in str(n)) + "x" for n in numbers)


def record(url, text, number):
    body = text.encode("utf-8")
    digest = base64.b32encode(hashlib.sha1(body).digest()).decode()
    # The header lines of Common Crawl's WET records, in their order (the reader takes
    # Content-Length from the ninth line, as cc_net's parser does).
    head = (
        "WARC/1.0\n"
        "WARC-Type: conversion\n"
        f"WARC-Target-URI: {url}\n"
        f"WARC-Date: 2019-03-18T00:{number // 60 % 60:02d}:{number % 60:02d}Z\n"
        f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{number:012d}>\n"
        f"WARC-Refers-To: <urn:uuid:10000000-0000-0000-0000-{number:012d}>\n"
        f"WARC-Block-Digest: sha1:{digest}\n"
        "Content-Type: text/plain\n"
        f"Content-Length: {len(body) + 2}\n\n"
    )
    return head.encode() + body + b"\n\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("wet", nargs="+")
    parser.add_argument("--out", required=True)
    parser.add_argument("--shards", type=int, default=6)
    parser.add_argument("--docs", type=int, default=40)
    args = parser.parse_args()
    lines = [line for text in wet_texts(args.wet) for line in text.splitlines() if line.strip()]
    assert lines, "no conversion record in the WET files"
    shards = []
    for s in range(args.shards):
        docs = []
        for d in range(args.docs):
            body = [f"{lines[(s * 7 + d * 3 + k) % len(lines)]} {tag(s, d, k)}" for k in range(4)]
            if d % 5 == 0:
                body.append("Boilerplate: all rights reserved.")
            if d % 7 == 0:
                body.append(f"Shared line {tag(d)} of several shards.")
            if d == 11 and s in (0, 2):
                body.append("Across groups: shards 0 and 2.")
            docs.append([f"https://example.org/{s}/{d}", "\n".join(body)])
        shards.append(docs)
    last = args.shards - 1
    # Another URL, an earlier document's text: a duplicate digest, on another rank.
    shards[last].append(["https://copy.example.org/a", shards[0][5][1]])
    shards[last // 2].append(["https://copy.example.org/b", shards[0][6][1]])
    # The same URL and digest in two shards: both kept.
    shards[last].append(list(shards[1][2]))
    # A URL shard 0 keeps, with a text shard 1's URL had first: kept all the same.
    shards[last].append([shards[0][7][0], shards[1][3][1]])
    # One URL twice in a shard: its last digest counts (here a copy of shard 0's document 9).
    shards[2].append(["https://example.org/twice", shards[2][0][1] + "\nfirst version"])
    shards[2].append(["https://example.org/twice", shards[0][9][1]])
    number = 0
    for s, docs in enumerate(shards):
        with open(f"{args.out}/part-{s}.wet", "wb") as out:
            for url, text in docs:
                out.write(record(url, text, number))
                number += 1


if __name__ == "__main__":
    main()
