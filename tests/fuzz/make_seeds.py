#!/usr/bin/env python3
"""Slices ../shared/corpus into small seed inputs for the fuzz harnesses (tests/fuzz/*_fuzz.cpp).

Each harness gets <out>/<harness>/ with a few dozen inputs of at most a few KB, in the layout its
harness expects (some harnesses read a leading mode byte). The output is the same on every run.
Without the corpus it says so and writes nothing: the hand-written seeds in tests/fuzz/seeds/
still give every harness a start.
"""
import argparse
import bz2
import glob
import gzip
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ElementTree

MAX_SEED = 8192


def write(out, harness, seeds):
    folder = os.path.join(out, harness)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    for i, seed in enumerate(seeds):
        with open(os.path.join(folder, f"seed-{i:03d}"), "wb") as f:
            f.write(seed)
    return len(seeds)


def cut_text(text, limit):
    """`text` cut to at most `limit` characters, never inside an XML or HTML entity."""
    if len(text) <= limit:
        return text
    text = text[:limit]
    amp = text.rfind("&")
    if amp != -1 and ";" not in text[amp:]:
        text = text[:amp]
    return text


def jsonl_lines(corpus):
    lines = []
    for path in sorted(glob.glob(f"{corpus}/c4/*.json.gz") + glob.glob(f"{corpus}/common_crawl/*/*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for n, line in enumerate(f):
                if n >= 12:
                    break
                record = json.loads(line)
                if isinstance(record.get("text"), str):
                    record["text"] = record["text"][:800]
                lines.append(json.dumps(record, ensure_ascii=n % 2 == 0))
    return lines


def jsonl_seeds(corpus, rng):
    lines = jsonl_lines(corpus)
    seeds = []
    for i in range(0, len(lines), 2):
        mode = rng.choice([0, 1, 2, 3, 8, 9, 16, 33])
        seeds.append(bytes([mode]) + "\n".join(lines[i:i + 2]).encode() + b"\n")
    return seeds


def github_files(corpus, rng):
    files = sorted(p for p in glob.glob(f"{corpus}/github/*/**", recursive=True) if os.path.isfile(p))
    rng.shuffle(files)
    return files[:24]


def bigquery_seeds(corpus, rng):
    rows = []
    for path in github_files(corpus, rng):
        with open(path, "rb") as f:
            content = f.read(3000).decode("utf-8", "replace")
        repo = os.path.relpath(path, f"{corpus}/github").split(os.sep)[0]
        rows.append(json.dumps({
            "repo_name": repo.replace("__", "/"), "ref": "refs/heads/master",
            "path": os.path.relpath(path, f"{corpus}/github/{repo}"), "copies": 1,
            "size": len(content), "binary": False, "license": "mit",
            "language": [{"name": "C", "bytes": str(len(content))}], "content": content}))
    rows.append(json.dumps({"repo_name": "a/b", "path": "x.c", "content": None}))
    return ["\n".join(rows[i:i + 2]).encode() + b"\n" for i in range(0, len(rows), 2)]


def graph_seeds(source):
    paths = sorted(glob.glob(f"{source}/graphs/**/*.yaml", recursive=True) +
                   glob.glob(f"{source}/examples/**/*.yaml", recursive=True))
    seeds = []
    for path in paths:
        with open(path, "rb") as f:
            seeds.append(f.read(MAX_SEED))
    return seeds


def wikitext_seeds(corpus):
    seeds = []
    for n, path in enumerate(sorted(glob.glob(f"{corpus}/wikipedia/wtf_wikipedia/*.txt"))):
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        head = text[:4000].rsplit("\n", 1)[0]
        seeds.append(bytes([n % 7]) + head.encode())
        middle = text[len(text) // 2:len(text) // 2 + 3000]
        if "\n" in middle:
            seeds.append(bytes([0]) + middle.split("\n", 1)[1].encode())
    return seeds


def wikipedia_dump_seeds(corpus, rng):
    seeds = []
    for path in sorted(glob.glob(f"{corpus}/wikipedia/gensim/*.bz2")):
        raw = bz2.open(path).read(4 << 20)
        encoding = "utf-16" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8"
        text = raw.decode(encoding, "ignore")
        start = text.find("<page>")
        if start == -1:
            continue
        header, pages = text[:start], text[start:].split("</page>")[:-1]
        for i in range(0, min(len(pages), 24), 2):
            group = []
            for page in pages[i:i + 2]:
                page = re.sub(r"(<text[^>]*>)(.*?)(</text>)",
                              lambda m: m.group(1) + cut_text(m.group(2), 1500) + m.group(3),
                              page, flags=re.S)
                group.append(page + "</page>")
            dump = header + "".join(group) + "\n</mediawiki>\n"
            seeds.append(bytes([rng.randrange(256)]) + dump.encode("utf-8"))
        small = header + "</mediawiki>\n"
        seeds.append(bytes([255]) + small.encode(encoding))
    return seeds


def post_rows(corpus):
    rows = []
    for path in sorted(glob.glob(f"{corpus}/stackexchange/*/Posts.xml")):
        with open(path, encoding="utf-8-sig") as f:
            for n, line in enumerate(f):
                if n > 400:
                    break
                line = line.strip()
                if line.startswith("<row") and len(line) < 3000:
                    rows.append(line)
    return rows


def posts_xml(rows):
    return ('<?xml version="1.0" encoding="utf-8"?>\n<posts>\n' +
            "".join(f"  {row}\n" for row in rows) + "</posts>\n").encode()


def posts_seeds(corpus, rng):
    rows = post_rows(corpus)
    return [bytes([rng.randrange(256)]) + posts_xml(rows[i:i + 3]) for i in range(0, min(len(rows), 90), 3)]


def posts_7z_seeds(corpus, rng):
    rows = post_rows(corpus)
    seeds = []
    for i in range(0, min(len(rows), 40), 4):
        mode = rng.choice([1, 4, 13])  # packed by the harness: store, deflate, site/Posts.xml
        seeds.append(bytes([mode]) + posts_xml(rows[i:i + 4]))
        seeds.append(bytes([2]) + posts_xml(rows[i:i + 2]) + bytes(rng.randrange(256) for _ in range(16)))
    return seeds


def html_seeds(corpus):
    seeds = []
    for row in post_rows(corpus)[:60]:
        body = ElementTree.fromstring(row).get("Body")
        if body:
            seeds.append(body.encode()[:MAX_SEED])
    return seeds


def tex_files(corpus):
    return sorted(glob.glob(f"{corpus}/arxiv/*/*.tex"))


def latex_seeds(corpus, rng):
    seeds = []
    for path in tex_files(corpus):
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        for start in (0, len(text) // 3, 2 * len(text) // 3):
            seeds.append(bytes([rng.randrange(8)]) + text[start:start + 3000].encode())
    macros = f"{corpus}/arxiv/hott-book/macros.tex"
    main = f"{corpus}/arxiv/hott-book/basics.tex"
    if os.path.exists(macros) and os.path.exists(main):
        with open(macros, encoding="utf-8") as a, open(main, encoding="utf-8") as b:
            seeds.append(bytes([7]) + a.read(3000).encode() + b"\x1e" + b.read(3000).encode())
    return seeds


def tar_bytes(members, compress):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz" if compress else "w", format=tarfile.USTAR_FORMAT) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 1600000000
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def arxiv_archive_seeds(corpus, rng):
    slices = []
    for path in tex_files(corpus):
        with open(path, "rb") as f:
            slices.append((os.path.basename(path), f.read(1500)))
    seeds, papers = [], []
    for i in range(0, len(slices), 2):
        project = tar_bytes(slices[i:i + 2] + [("figure.pdf", b"%PDF-1.4")], compress=True)
        lone = gzip.compress(slices[i][1], mtime=0)
        seeds.append(bytes([2 * rng.randrange(1, 16)]) + project)
        seeds.append(bytes([2 * rng.randrange(1, 16)]) + lone)
        papers.append((f"2301/2301.{i:05d}.gz", project))
        papers.append((f"2301/2301.{i + 1:05d}.gz", lone))
    for i in range(0, len(papers), 3):
        seeds.append(bytes([1]) + tar_bytes(papers[i:i + 3], compress=False))
    return seeds


def wet_seeds(corpus, rng):
    texts = []
    sample = f"{corpus}/common_crawl/cc_net/sample.warc.txt"
    if os.path.exists(sample):
        with open(sample, "rb") as f:
            texts.append(f.read())
    # WET files, and WARC files (which give no document, but must be read through).
    for path in sorted(glob.glob(f"{corpus}/common_crawl/*/*.warc*.gz")):
        with gzip.open(path) as f:
            texts.append(f.read(1 << 20))
    seeds = []
    for text in texts:
        records = [b"WARC/1.0" + r for r in text.split(b"WARC/1.0")[1:]]
        for i in range(0, min(len(records), 12), 2):
            group = b"".join(r if len(r) < 3000 else r[:3000] + b"\r\n\r\n" for r in records[i:i + 2])
            seeds.append(bytes([rng.randrange(16)]) + group)
    return seeds


def fasttext_model_seeds(corpus, out):
    """Small classifiers trained by Debian's python3-fasttext on corpus texts labelled by their
    file: dense and quantized, softmax and hierarchical softmax, with char and word n-grams, each
    under the harnesses' 64 KB input limit. None when neither this interpreter nor Debian's python3
    has the module (the harness then starts from what it finds)."""
    try:
        import fasttext
    except ImportError:
        return fasttext_model_seeds_elsewhere(corpus, out)
    lines = []
    paths = []
    for folder in sorted(glob.glob(os.path.join(corpus, "*", ""))):
        found = sorted(glob.glob(os.path.join(folder, "**", "*.json*"), recursive=True))
        if found:
            paths.append(found[0])
    for path in paths[:4]:
        label = re.sub(r"[^a-z]", "", os.path.relpath(path, corpus).split(os.sep)[0].lower())
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8", errors="replace") as f:
            for i, line in enumerate(f):
                if i == 12:
                    break
                try:
                    text = json.loads(line).get("text", "")
                except ValueError:
                    continue
                if text:
                    lines.append(f"__label__{label} " + " ".join(text.split()[:40]))
    if not lines:
        return []
    work = os.path.join(out, "fasttext_model.work")
    os.makedirs(work, exist_ok=True)
    train = os.path.join(work, "train.txt")
    with open(train, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    seeds = []
    settings = [dict(loss="softmax", minn=2, maxn=3, wordNgrams=1),
                dict(loss="hs", minn=3, maxn=4, wordNgrams=2)]
    for k, setting in enumerate(settings):
        model = fasttext.train_supervised(input=train, dim=4, epoch=1, bucket=500, thread=1,
                                          seed=k + 1, verbose=0, **setting)
        dense = os.path.join(work, f"m{k}.bin")
        model.save_model(dense)
        model.quantize(input=train, qnorm=True, cutoff=300, retrain=False, dsub=2, thread=1,
                       verbose=0)
        quantized = os.path.join(work, f"m{k}.ftz")
        model.save_model(quantized)
        for path in (dense, quantized):
            with open(path, "rb") as f:
                data = f.read()
            if len(data) <= 65536:
                seeds.append(data)
    shutil.rmtree(work, ignore_errors=True)
    return seeds


def fasttext_model_seeds_elsewhere(corpus, out):
    """The same from Debian's python3, where apt puts python3-fasttext, when this interpreter
    (a pyenv or venv one, say) lacks the module. None when neither has it."""
    debian = "/usr/bin/python3"
    if os.path.realpath(sys.executable) == os.path.realpath(debian) or not os.path.exists(debian):
        return None
    folder = os.path.join(out, "fasttext_model.elsewhere")
    result = subprocess.run([debian, os.path.abspath(__file__), "--corpus", corpus, "--source", ".",
                             "--out", folder, "--fasttext-models-only"], capture_output=True)
    seeds_folder = os.path.join(folder, "fasttext_model")
    if result.returncode != 0 or not os.path.isdir(seeds_folder):
        shutil.rmtree(folder, ignore_errors=True)
        return None
    seeds = []
    for name in sorted(os.listdir(seeds_folder)):
        with open(os.path.join(seeds_folder, name), "rb") as f:
            seeds.append(f.read())
    shutil.rmtree(folder, ignore_errors=True)
    return seeds


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--fasttext-models-only", action="store_true",
                        help="only the fasttext_model seeds (how another interpreter is asked)")
    args = parser.parse_args()
    if args.fasttext_models_only:
        try:
            import fasttext  # noqa: F401
        except ImportError:
            return 1
        write(args.out, "fasttext_model", fasttext_model_seeds(args.corpus, args.out))
        return 0
    rng = random.Random(7)
    counts = {"graph_yaml": write(args.out, "graph_yaml", graph_seeds(args.source))}
    if not os.path.isdir(args.corpus):
        print(f"fuzz seeds: {args.corpus} not found; only the hand-written seeds and the repository's "
              "graphs are used")
        return 0
    corpus = args.corpus
    counts["jsonl"] = write(args.out, "jsonl", jsonl_seeds(corpus, rng))
    counts["bigquery_rows"] = write(args.out, "bigquery_rows", bigquery_seeds(corpus, rng))
    counts["wikitext"] = write(args.out, "wikitext", wikitext_seeds(corpus))
    counts["wikipedia_dump"] = write(args.out, "wikipedia_dump", wikipedia_dump_seeds(corpus, rng))
    counts["stackexchange_posts"] = write(args.out, "stackexchange_posts", posts_seeds(corpus, rng))
    counts["stackexchange_7z"] = write(args.out, "stackexchange_7z", posts_7z_seeds(corpus, rng))
    counts["html_text"] = write(args.out, "html_text", html_seeds(corpus))
    counts["latex"] = write(args.out, "latex", latex_seeds(corpus, rng))
    counts["arxiv_archive"] = write(args.out, "arxiv_archive", arxiv_archive_seeds(corpus, rng))
    counts["wet"] = write(args.out, "wet", wet_seeds(corpus, rng))
    models = fasttext_model_seeds(corpus, args.out)
    if models is None:
        print("fuzz seeds: no python3 fasttext module here or in /usr/bin/python3: fasttext_model "
              "starts from an empty corpus")
    else:
        counts["fasttext_model"] = write(args.out, "fasttext_model", models)
    print("fuzz seeds: " + ", ".join(f"{name} {n}" for name, n in sorted(counts.items())))
    empty = [name for name, n in counts.items() if n == 0]
    if empty:
        print(f"fuzz seeds: no seeds for {', '.join(empty)}: has the corpus changed?", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
