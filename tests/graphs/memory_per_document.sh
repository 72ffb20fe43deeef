#!/usr/bin/env bash
# Memory per document (issue 17): one huge document costs a small multiple of itself, and inputs
# past a limit are refused before they are held. Each case compares the peak RSS of `loom run` on
# the case with the peak of the same graph on a tiny input (the engine, plugins and models), so
# the difference is what the large document itself cost:
#   - a 24 MB book through graphs/redpajama/books.yaml (jsonl_source -> simhash_dedup ->
#     jsonl_sink) peaks at most 3x the book (plus the shingle table's fixed 16 MB) above the
#     baseline (it was 20x);
#   - a 96 MB line against max_line_bytes: 32 MiB is refused with at most ~1.5x the limit held
#     (it was 3x: the buffer doubled past the limit and held both copies while growing);
#   - a gzip bomb (one .gz paper of 256 MB of "0"s) is refused as paper_too_large once its output
#     passes max_paper_bytes (default 64 MiB), holding at most 3x that;
#   - a project member whose tar header claims 10 GB (a sparse file) is refused from its header,
#     before any of it is read.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# measure NAME ARGS...: like loom_run, and sets $peak_mb to the run's peak resident memory (MB).
measure() {
  local name=$1 result
  shift
  result=$("$PYTHON" - "$tmp/$name" "$LOOM" "$@" --plugin-path "$LOOM_PLUGIN_DIR" <<'PY'
import resource, subprocess, sys
prefix = sys.argv[1]
with open(prefix + ".out", "wb") as out, open(prefix + ".err", "wb") as err:
    rc = subprocess.run(sys.argv[2:], stdout=out, stderr=err, stdin=subprocess.DEVNULL).returncode
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
PY
  )
  rc=${result% *}
  peak_mb=${result#* }
  last_err=$tmp/$name.err
}

# expect_growth_at_most WHAT PEAK BASE LIMIT_MB
expect_growth_at_most() {
  local what=$1 peak=$2 base=$3 limit=$4
  local growth=$((peak - base))
  ((growth <= limit)) || fail "$what: peak RSS ${peak} MB, ${growth} MB over the ${base} MB baseline (limit ${limit} MB)"
  pass "$what: peak RSS ${peak} MB, ${growth} MB over the ${base} MB baseline (limit ${limit} MB)"
}

# --- a big book ------------------------------------------------------------------------------
big_book() {
book_mb=24
mkdir -p "$tmp/tiny/books" "$tmp/big/books"
"$PYTHON" - "$tmp/tiny/books/pg19_000.jsonl.gz" "$tmp/big/books/pg19_000.jsonl.gz" "$book_mb" <<'PY'
import gzip, json, random, sys
tiny, big, megabytes = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(17)
letters = "abcdefghijklmnopqrstuvwxyz"
vocabulary = ["".join(rng.choice(letters) for _ in range(rng.randint(2, 9))) for _ in range(4000)]
def book(size):
    words, length = [], 0
    while length < size:
        line = " ".join(rng.choices(vocabulary, k=12)) + ".\n"
        words.append(line)
        length += len(line)
    return "".join(words)
def row(title, text):
    return json.dumps({"short_book_title": title, "publication_date": 1900, "url": "u", "text": text}) + "\n"
small = book(20000)
with gzip.open(tiny, "wt", compresslevel=1) as out:
    out.write(row("Tiny", small))
with gzip.open(big, "wt", compresslevel=1) as out:
    out.write(row("Big", book(megabytes * 1000000)))
    out.write(row("After", small))
PY
books=$LOOM_SOURCE_DIR/graphs/redpajama/books.yaml
measure books_tiny run "$books" --set "DATA=$tmp/tiny" --set "OUT=$tmp/tiny_out" --threads 2
expect_rc 0 "a tiny book"
base_mb=$peak_mb
measure books_big run "$books" --set "DATA=$tmp/big" --set "OUT=$tmp/big_out" --threads 2
expect_rc 0 "a ${book_mb} MB book"
[[ $(wc -l <"$tmp/big_out/books/book.jsonl") == 2 ]] || fail "the big book and the one after it are not both written"
pass "the big book and the one after it are written"
# 3x the book, plus the 16 MB floor of simhash_dedup's shingle table (a fixed cost that keeps
# ordinary books fast; a 100 MB book peaks at 2.8x in all).
expect_growth_at_most "a ${book_mb} MB book" "$peak_mb" "$base_mb" $((3 * book_mb + 16))
}

# --- a line past max_line_bytes --------------------------------------------------------------
long_line() {
limit_mb=32
cat >"$tmp/lines.yaml" <<EOF
version: 1
plugins: [io]
sources:
  read: { type: jsonl_source, with: { paths: ["\${DATA}"], max_line_bytes: $((limit_mb << 20)), on_error: skip } }
sinks:
  write: { type: jsonl_sink, inputs: [read], with: { path: "\${OUT}/out.jsonl", compression: none } }
EOF
"$PYTHON" - "$tmp/short.jsonl" "$tmp/long.jsonl" <<'PY'
import sys
short, long_ = sys.argv[1], sys.argv[2]
with open(short, "w") as out:
    out.write('{"text": "before"}\n{"text": "after"}\n')
with open(long_, "w") as out:
    out.write('{"text": "before"}\n{"text": "')
    chunk = "x" * (1 << 20)
    for _ in range(96):
        out.write(chunk)
    out.write('"}\n{"text": "after"}\n')
PY
measure lines_short run "$tmp/lines.yaml" --set "DATA=$tmp/short.jsonl" --set "OUT=$tmp/short_out" --threads 2
expect_rc 0 "short lines"
base_mb=$peak_mb
measure lines_long run "$tmp/lines.yaml" --set "DATA=$tmp/long.jsonl" --set "OUT=$tmp/long_out" --threads 2
expect_rc 0 "a 96 MB line skipped (on_error: skip)"
expect_stderr_matches "long.jsonl:2: line longer than max_line_bytes" "the warning names the file and line"
[[ $(grep -o '"text": "[a-z]*"' "$tmp/long_out/out.jsonl" | tr '\n' ' ') == '"text": "before" "text": "after" ' ]] ||
  fail "the lines around the long one are not both written: $(head -c 200 "$tmp/long_out/out.jsonl")"
pass "the lines around the long one are written"
expect_growth_at_most "a 96 MB line over a ${limit_mb} MiB limit" "$peak_mb" "$base_mb" $((limit_mb * 3 / 2))
}

# --- arXiv: a gzip bomb and a member claiming 10 GB ------------------------------------------
arxiv_papers() {
mkdir -p "$tmp/arxiv_small/arxiv" "$tmp/arxiv_bad/arxiv" "$tmp/sparse"
# 10 GiB of hole, then the data that ends it: the reader would have to produce all the zeros.
truncate -s $((10 << 30)) "$tmp/sparse/huge.tex"
printf '\\end{document}\n' >>"$tmp/sparse/huge.tex"
tar -C "$tmp/sparse" --sparse -czf "$tmp/sparse.tar.gz" huge.tex
rm -f "$tmp/sparse/huge.tex"
"$PYTHON" - "$tmp/arxiv_small/arxiv/arXiv_src_2301_001.tar" "$tmp/arxiv_bad/arxiv/arXiv_src_2301_001.tar" "$tmp/sparse.tar.gz" <<'PY'
import gzip, io, sys, tarfile, zlib
small_tar, bad_tar, sparse = sys.argv[1], sys.argv[2], sys.argv[3]
good = gzip.compress(b"\\documentclass{article}\n\\section{Intro}\nGood paper.\n", mtime=0)
# 256 MB of the digit 0 as one gzipped file (not a tar: its first block has no valid header),
# compressed piece by piece (about 250 KB).
packer = zlib.compressobj(9, zlib.DEFLATED, 31)
digits = b"0" * (1 << 20)
bomb = b"".join(packer.compress(digits) for _ in range(256)) + packer.flush()
def write(path, members):
    with tarfile.open(path, "w") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1672617600
            tar.addfile(info, io.BytesIO(data))
write(small_tar, [("2301/2301.00001.gz", good)])
write(bad_tar, [("2301/2301.00001.gz", good), ("2301/2301.00002.gz", bomb),
                ("2301/2301.00003.gz", open(sparse, "rb").read())])
PY
arxiv=$LOOM_SOURCE_DIR/graphs/redpajama/arxiv.yaml
measure arxiv_small run "$arxiv" --set "DATA=$tmp/arxiv_small" --set "OUT=$tmp/arxiv_small_out" --threads 2
expect_rc 0 "one good paper"
base_mb=$peak_mb
measure arxiv_bad run "$arxiv" --set "DATA=$tmp/arxiv_bad" --set "OUT=$tmp/arxiv_bad_out" --threads 2
expect_rc 0 "a gzip bomb and a 10 GB sparse member beside a good paper"
[[ $(wc -l <"$tmp/arxiv_bad_out/arxiv/arxiv.jsonl") == 1 ]] || fail "the good paper is not the only one written"
pass "the good paper is written"
count=$(stat_value "$tmp/arxiv_bad_out/arxiv/stats.json" read dropped_by_reason.paper_too_large)
[[ "$count" == 2 ]] || fail "stats.json counts $count paper_too_large, expected 2"
pass "both are counted as paper_too_large"
expect_stderr_matches "2301.00002.gz.*more than 67108864 bytes decompressed" "the bomb is refused once past max_paper_bytes"
expect_stderr_matches "2301.00003.gz.*huge.tex: claims 107374182[0-9]{2} bytes" "the sparse member is refused from its header"
expect_growth_at_most "a gzip bomb past a 64 MiB max_paper_bytes" "$peak_mb" "$base_mb" $((3 * 64))
rm -f "$tmp/sparse.tar.gz"

# The sparse member alone: refused from its header, so next to nothing is read.
"$PYTHON" - "$tmp/arxiv_bad/arxiv/arXiv_src_2301_001.tar" "$tmp/sparse_only.tar" <<'PY'
import sys, tarfile
with tarfile.open(sys.argv[1]) as source, tarfile.open(sys.argv[2], "w") as out:
    for member in source.getmembers():
        if not member.name.endswith("2301.00002.gz"):
            out.addfile(member, source.extractfile(member))
PY
mkdir -p "$tmp/arxiv_sparse/arxiv" && mv "$tmp/sparse_only.tar" "$tmp/arxiv_sparse/arxiv/arXiv_src_2301_001.tar"
measure arxiv_sparse run "$arxiv" --set "DATA=$tmp/arxiv_sparse" --set "OUT=$tmp/arxiv_sparse_out" --threads 2
expect_rc 0 "a 10 GB sparse member beside a good paper"
expect_growth_at_most "a member claiming 10 GB" "$peak_mb" "$base_mb" 16
}

# One case per ctest (each well under 20 s): big_book, long_line or arxiv_papers.
case ${1:-} in
  big_book | long_line | arxiv_papers) "$1" ;;
  *) fail "usage: memory_per_document.sh big_book|long_line|arxiv_papers (got '${1:-}')" ;;
esac
done_ok
