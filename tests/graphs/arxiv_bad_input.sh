#!/usr/bin/env bash
# arXiv bad input: a truncated monthly tar is a clear error naming the file; inside a tar, a
# truncated <id>.gz (cut in its header or in its data), a non-UTF-8 .tex, member names that climb out (`../x.gz`, `/abs.gz`) and a
# PDF-only paper are each skipped and counted, the good papers (a project tar and a lone gzipped
# .tex with an old-style id) are still written, and nothing is written outside the output folder.
# Symlink and hardlink members are skipped and counted as link_member, never dropped in silence.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

graph=$LOOM_SOURCE_DIR/graphs/redpajama/arxiv.yaml
data=$tmp/data
mkdir -p "$data/arxiv" "$tmp/run"
"$PYTHON" - "$data/arxiv" <<'PY'
import gzip, io, sys, tarfile
folder = sys.argv[1]

def project(files):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in files:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1672531200
            tar.addfile(info, io.BytesIO(data))
    return gzip.compress(buffer.getvalue(), mtime=0)

good = project([("main.tex", b"\\documentclass{article}\n\\section{Intro}\nGood paper.\n")])
not_utf8 = project([("a.tex", b"\\section{A}\nok\n"), ("b.tex", b"\\section{B}\nbad \xff byte\n")])
truncated = project([("main.tex", b"\\section{T}\n" + b"x" * 5000)])[:60]
late = project([("main.tex", b"\\section{T}\n" + bytes(range(32, 127)) * 3000)])
late = late[: len(late) * 7 // 10]
single = gzip.compress(b"\\documentclass{x}\n\\section{Single}\nOne file, caf\xc3\xa9.\n", mtime=0)
members = [
    ("2301/2301.00001.gz", good),
    ("2301/2301.00002.gz", not_utf8),
    ("2301/2301.00003.gz", truncated),
    ("../2301.00004.gz", good),
    ("/2301.00005.gz", good),
    ("2301/2301.00006.pdf", b"%PDF-1.4\n"),
    ("2301/2301.00007.gz", late),
    ("2301/astro-ph0101008.gz", single),
]
with tarfile.open(f"{folder}/arXiv_src_2301_001.tar", "w") as tar:
    for name, data in members:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mtime = 1672617600
        tar.addfile(info, io.BytesIO(data))
    for name, kind in (("2301/2301.00008.gz", tarfile.SYMTYPE), ("2301/2301.00009.gz", tarfile.LNKTYPE)):
        info = tarfile.TarInfo(name)
        info.type = kind
        info.linkname = "2301/2301.00001.gz"
        info.mtime = 1672617600
        tar.addfile(info)
PY

out=$tmp/run/out
rc=0
"$LOOM" run "$graph" --set "DATA=$data" --set "OUT=$out" --threads 2 --plugin-path "$LOOM_PLUGIN_DIR" \
  >"$tmp/skips.out" 2>"$tmp/skips.err" </dev/null || rc=$?
last_err=$tmp/skips.err
expect_rc 0 "damaged papers inside a readable tar"
written=$(wc -l <"$out/arxiv/arxiv.jsonl")
[[ "$written" == 2 ]] || fail "wrote $written papers, expected only the 2 good ones"
grep -q '"arxiv_id": "2301.00001"' "$out/arxiv/arxiv.jsonl" || fail "the good paper 2301.00001 is missing"
grep -q '"text": "\\\\section{Intro}\\nGood paper.\\n"' "$out/arxiv/arxiv.jsonl" || fail "the good paper's text is wrong"
want='{"text": "\\section{Single}\nOne file, caf\u00e9.\n", "meta": {"timestamp": "2023-01-02T00:00:00", "yymm": "2301", "arxiv_id": "astro-ph/0101008", "language": LANG, "url": "https://arxiv.org/abs/astro-ph/0101008", "source": "arxiv"}}'
# The language label is the model's business (checked by the parity test), not this test's.
got=$(sed -n 2p "$out/arxiv/arxiv.jsonl" | sed -E 's/"language": "[A-Za-z_-]+"/"language": LANG/')
[[ "$got" == "$want" ]] || fail "the lone gzipped .tex paper: got $got"
pass "the good papers are written, cleaned, the lone .tex one with an archive/number id"
for reason in tex_not_utf8 unreadable_paper unsafe_member_name not_gz_source link_member; do
  count=$(stat_value "$out/arxiv/stats.json" read "dropped_by_reason.$reason")
  want=1
  [[ $reason == unsafe_member_name || $reason == unreadable_paper || $reason == link_member ]] && want=2
  [[ "$count" == "$want" ]] || fail "stats.json counts $count '$reason' skips, expected $want"
  pass "stats.json counts $want '$reason' skip(s)"
done
expect_stderr_matches "2301.00002.gz.*b.tex is not UTF-8" "the UTF-8 warning names the paper and its file"
expect_stderr_matches "'\.\./2301.00004.gz'.*unsafe_member_name" "the unsafe name is reported"
expect_stderr_matches "'2301/2301.00008.gz': a symbolic link to '2301/2301.00001.gz'.*link_member" "the symlink member is reported"
expect_stderr_matches "'2301/2301.00009.gz': a hard link to '2301/2301.00001.gz'.*link_member" "the hardlink member is reported"
stray=$(find "$tmp" -name '2301.0000*' ! -path "$data/*" 2>/dev/null || true)
[[ -z "$stray" ]] || fail "files written outside the output folder: $stray"
[[ ! -e /2301.00005.gz ]] || fail "/2301.00005.gz exists"
pass "nothing written outside the output folder"

# A monthly tar cut in the middle of a member: a clear error naming the file.
head -c 3000 "$data/arxiv/arXiv_src_2301_001.tar" >"$tmp/cut.tar"
mkdir -p "$tmp/cut/arxiv" && mv "$tmp/cut.tar" "$tmp/cut/arxiv/arXiv_src_2302_001.tar"
loom_run truncated run "$graph" --set "DATA=$tmp/cut" --set "OUT=$tmp/cut_out" --threads 2
expect_rc 1 "a truncated monthly tar"
expect_stderr_matches "arXiv_src_2302_001.tar.*(truncated|damaged)" "the error names the truncated tar"
[[ ! -e "$tmp/cut_out/arxiv/arxiv.jsonl" ]] || fail "output left under its final name after the failure"
pass "no output under its final name after the failure"
done_ok
