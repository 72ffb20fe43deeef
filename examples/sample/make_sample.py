#!/usr/bin/env python3
"""Cuts the project's small sample (examples/sample/) from the shared corpus.

Run once by a maintainer when the sample changes; its output is committed, so `make demo` and
the tests need neither this script nor ../shared. What each file is, where it comes from and its
license: PROVENANCE.md beside this script.

Usage: examples/sample/make_sample.py [SHARED_DIR]   (default: ../shared of the repository)
Standard library only; gzip and bz2 members are written with mtime 0 so reruns give the same bytes.
"""
import base64
import bz2
import gzip
import hashlib
import html.parser
import json
import lzma
import pathlib
import re
import shutil
import sys

HERE = pathlib.Path(__file__).resolve().parent
SHARED = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else HERE.parents[1] / ".." / "shared").resolve()
CORPUS = SHARED / "corpus"
GOLDEN = SHARED / "golden"

C4_DOCS = 200
WIKIPEDIA_BYTES = 1_000_000
WIKIPEDIA_REDIRECTS = 5
HTML_BLOCKS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td",
               "th", "table", "section", "article", "header", "footer", "nav", "blockquote", "pre",
               "dt", "dd", "figcaption", "main", "aside", "form", "hr"}
HTML_SKIPPED = {"script", "style", "noscript", "template", "svg", "head"}


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def fresh(folder: str) -> pathlib.Path:
    path = HERE / folder
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def arxiv():
    # The golden run's monthly tar for one paper (celerite, MIT): arXiv bulk-source form.
    shutil.copy(GOLDEN / "arxiv/input/arXiv_src_1703_001.tar", fresh("arxiv"))


def books():
    # One Project Gutenberg book in both input forms: the .txt, and the pg19 row built from it
    # the way the golden run built its rows (whole file as text, CRLF kept).
    out = fresh("books")
    book = CORPUS / "books/pg9198-complete-angler/9198.txt"
    (out / "txt/pg9198-complete-angler").mkdir(parents=True)
    shutil.copy(book, out / "txt/pg9198-complete-angler/9198.txt")
    row = {"short_book_title": "The Complete Angler", "publication_date": 1653,
           "url": "http://www.gutenberg.org/ebooks/9198",
           "text": book.read_bytes().decode("utf-8")}
    (out / "pg19_000.jsonl.gz").write_bytes(gzip_bytes((json.dumps(row) + "\n").encode()))


def c4():
    # The first C4_DOCS lines of the real C4 sample, bytes of each line unchanged; plus the
    # five records written for this project (kept: they exercise the \\u escaping).
    old = HERE / "c4/c4-sample-demo.00000.json.gz"
    keep = old.read_bytes() if old.exists() else None
    out = fresh("c4")
    if keep is not None:
        (out / old.name).write_bytes(keep)
    lines = gzip.decompress((CORPUS / "c4/c4-sample.lines0001-0750.json.gz").read_bytes())
    head = b"".join(lines.splitlines(keepends=True)[:C4_DOCS])
    (out / f"c4-sample.lines0001-{C4_DOCS:04d}.json.gz").write_bytes(gzip_bytes(head))


def github():
    # Two permissive repositories whole and a few files of a GPL one (the license filter drops
    # those), in the one-folder-per-repository form github_source reads.
    out = fresh("github")
    for repo in ("facebookresearch__cc_net", "npm__tree-sitter-json"):
        shutil.copytree(CORPUS / "github" / repo, out / repo)
    (out / "htop-dev__htop").mkdir()
    for name in ("COPYING", "README.md", "Affinity.c", "Affinity.h", "CommandLine.c",
                 "CommandLine.h"):
        shutil.copy(CORPUS / "github/htop-dev__htop" / name, out / "htop-dev__htop" / name)
    for path in out.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


def stackexchange():
    # A whole small site's Posts.xml, named as the Stack Exchange dumps name their sites.
    out = fresh("stackexchange")
    shutil.copy(CORPUS / "stackexchange/meta-site-complete/Posts.xml",
                out / "conlang.meta.stackexchange.com.xml")


def wikipedia():
    # Pages of the real enwiki dump excerpt in dump order, with its header: articles until about
    # WIKIPEDIA_BYTES of XML, and the first few redirects among them (which the graph drops).
    out = fresh("wikipedia")
    xml = bz2.decompress((CORPUS / "wikipedia/gensim/enwiki-latest-pages-articles1.xml-"
                          "p000000010p000030302-shortened.bz2").read_bytes()).decode("utf-8")
    pages = re.findall(r"  <page>\n.*?</page>\n", xml, flags=re.S)
    kept, size, redirects = [], 0, 0
    for page in pages:
        if "<redirect" in page:
            if redirects < WIKIPEDIA_REDIRECTS:
                redirects += 1
                kept.append(page)
        elif size < WIKIPEDIA_BYTES:
            size += len(page)
            kept.append(page)
    cut = xml[:xml.index("  <page>\n")] + "".join(kept) + "</mediawiki>\n"
    name = "enwiki-latest-pages-articles1-excerpt.xml.bz2"
    (out / name).write_bytes(bz2.compress(cut.encode("utf-8"), 9))


class PageText(html.parser.HTMLParser):
    """Visible text of an HTML page, one line per block element, and its <title>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines, self.current, self.title, self.skipping, self.in_title = [], [], "", 0, False

    def break_line(self):
        line = " ".join("".join(self.current).split())
        if line:
            self.lines.append(line)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self.in_title = True
        elif tag in HTML_SKIPPED:
            self.skipping += 1
        elif tag in HTML_BLOCKS:
            self.break_line()

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        elif tag in HTML_SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in HTML_BLOCKS:
            self.break_line()

    def handle_data(self, data):
        if self.in_title:
            self.title += data
        elif not self.skipping:
            self.current.append(data)


def warc_records(path: pathlib.Path):
    """(headers dict, block bytes) of every record of a (gzipped) WARC file."""
    data = gzip.decompress(path.read_bytes())
    pos = 0
    while True:
        start = data.find(b"WARC/1.", pos)
        if start < 0:
            return
        end = data.index(b"\r\n\r\n", start)
        headers = {}
        for line in data[start:end].decode("utf-8").split("\r\n")[1:]:
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        length = int(headers["content-length"])
        yield headers, data[end + 4:end + 4 + length]
        pos = end + 4 + length


def dechunk(body: bytes) -> bytes:
    out, pos = b"", 0
    while True:
        eol = body.index(b"\r\n", pos)
        size = int(body[pos:eol].split(b";")[0], 16)
        if size == 0:
            return out
        out += body[eol + 2:eol + 2 + size]
        pos = eol + 2 + size + 2


def html_pages(path: pathlib.Path):
    """(url, date, title, lines) of every HTML response of a WARC file."""
    for headers, block in warc_records(path):
        if headers.get("warc-type") != "response":
            continue
        head, _, body = block.partition(b"\r\n\r\n")
        fields = {}
        for line in head.decode("latin-1").split("\r\n")[1:]:
            key, _, value = line.partition(":")
            fields[key.strip().lower()] = value.strip()
        if "text/html" not in fields.get("content-type", ""):
            continue
        if "chunked" in fields.get("transfer-encoding", ""):
            body = dechunk(body)
        charset = re.search(r"charset=([\w-]+)", fields["content-type"], re.I)
        try:
            text = body.decode(charset.group(1) if charset else "utf-8", errors="replace")
        except LookupError:
            text = body.decode("utf-8", errors="replace")
        parser = PageText()
        parser.feed(text)
        parser.close()
        parser.break_line()
        title = " ".join(parser.title.split()) or headers["warc-target-uri"]
        yield (headers["warc-target-uri"].strip("<>"), headers["warc-date"], title, parser.lines)


def conversion_record(number: int, url: str, date: str, body: str) -> bytes:
    """A WET conversion record in the header order cc_net's parser expects; as in Common Crawl's
    files, the block ends with a newline and the record with a blank line."""
    block = (body + "\n").encode("utf-8")
    digest = base64.b32encode(hashlib.sha1(block).digest()).decode()
    record_id = f"<urn:uuid:00000000-0000-4000-8000-{number:012x}>"
    refers_to = f"<urn:uuid:00000000-0000-4000-9000-{number:012x}>"
    head = (f"WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI: {url}\r\n"
            f"WARC-Date: {date}\r\nWARC-Record-ID: {record_id}\r\nWARC-Refers-To: {refers_to}\r\n"
            f"WARC-Block-Digest: sha1:{digest}\r\nContent-Type: text/plain\r\n"
            f"Content-Length: {len(block)}\r\n\r\n")
    return head.encode("utf-8") + block + b"\r\n\r\n"


def common_crawl():
    # Real Common Crawl WET as is (one Aragonese page), plus one WET file whose conversion
    # records are rebuilt from real pages: the dolma CCNet documents (English text of
    # CC-MAIN-2020-16 WET files, after cc_net's line dedup) and the visible text of the HTML
    # responses of two real WARC files (dolma's English pages, resiliparse's CC-MAIN-2020-34
    # excerpt, mostly Chinese and Russian), so the language filter has pages to drop too.
    out = fresh("common_crawl")
    shutil.copy(CORPUS / "common_crawl/whirlwind/whirlwind.warc.wet.gz", out)
    members, number = [], 0
    warcinfo = ("Software-Info: examples/sample/make_sample.py\r\n"
                "description: Loom sample: conversion records rebuilt from real pages\r\n")
    members.append(gzip_bytes(
        ("WARC/1.0\r\nWARC-Type: warcinfo\r\nWARC-Date: 2026-01-01T00:00:00Z\r\n"
         "WARC-Filename: loom-sample.warc.wet.gz\r\n"
         "WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000000>\r\n"
         "Content-Type: application/warc-fields\r\n"
         f"Content-Length: {len(warcinfo)}\r\n\r\n{warcinfo}\r\n\r\n").encode()))
    with gzip.open(CORPUS / "common_crawl/dolma/cc_en_head-0091.jsonl.gz", "rt") as f:
        for line in f:
            doc = json.loads(line)
            meta = doc["metadata"]
            number += 1
            members.append(gzip_bytes(conversion_record(
                number, meta["url"], meta["date_download"], meta["title"] + "\n" + doc["text"])))
    for warc in ("dolma/sample-0000.warc.gz", "dolma/sample-0001.warc.gz",
                 "resiliparse/CC-MAIN-2020-34-excerpt.warc.gz"):
        for url, date, title, lines in html_pages(CORPUS / "common_crawl" / warc):
            if not lines:
                continue
            number += 1
            members.append(gzip_bytes(conversion_record(number, url, date,
                                                        "\n".join([title] + lines))))
    (out / "loom-sample.warc.wet.gz").write_bytes(b"".join(members))


def tokenizer():
    # GPT-NeoX-20B's tokenizer.json (Apache-2.0), xz-compressed: the GitHub slice's alpha/token
    # filter and the demo's token counts need it; scripts/demo.sh unpacks it into the build folder.
    out = fresh("tokenizers")
    data = (SHARED / "tokenizers/gpt-neox-20b/tokenizer.json").read_bytes()
    (out / "gpt-neox-20b.tokenizer.json.xz").write_bytes(lzma.compress(data, preset=9 | lzma.PRESET_EXTREME))


def main():
    if not CORPUS.is_dir():
        sys.exit(f"make_sample: no shared corpus at {CORPUS}")
    for cut in (arxiv, books, c4, common_crawl, github, stackexchange, wikipedia, tokenizer):
        cut()
    # The Apache License 2.0 text that several of the sources above are distributed under.
    shutil.copy(CORPUS / "common_crawl/whirlwind/LICENSE", HERE / "LICENSE.Apache-2.0")
    for folder in sorted(p for p in HERE.iterdir() if p.is_dir()):
        size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
        print(f"make_sample: {folder.name:14} {size:9,d} bytes")


if __name__ == "__main__":
    main()
