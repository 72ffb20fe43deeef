#!/usr/bin/env bash
# wet_source on gzip WET files as Common Crawl writes them (one gzip member per record), a
# truncated one (an error naming the file and the record, or with on_error: skip the documents
# before the cut and a counted input_error), and a dump id resolved through
# <url_root>/crawl-data/CC-MAIN-<id>/wet.paths.gz (segments in listing order, cc_segment = the
# crawl-data path).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ -f "$LOOM_PLUGIN_DIR/libloom_commoncrawl.so" ]] || skip "the commoncrawl plugin is not built"

data=$tmp/data
mkdir -p "$data"
"$PYTHON" - "$data" <<'PY'
import gzip, os, sys
folder = sys.argv[1]

def record(kind, url, block):
    headers = [f"WARC-Type: {kind}"]
    if kind == "conversion":
        headers += [f"WARC-Target-URI: {url}", "WARC-Date: 2099-01-02T03:04:05Z",
                    "WARC-Record-ID: <urn:uuid:1>", "WARC-Refers-To: <urn:uuid:2>",
                    "WARC-Block-Digest: sha1:ABCDEFGH", "WARC-Identified-Content-Language: eng",
                    "Content-Type: text/plain"]
    body = block.encode()
    head = "WARC/1.0\r\n" + "".join(h + "\r\n" for h in headers)
    head += f"Content-Length: {len(body)}\r\n\r\n"
    return head.encode() + body + b"\r\n\r\n"

def wet(name, docs):
    records = [record("warcinfo", "", "isPartOf: CC-MAIN-2099-01\r\n")]
    records += [record("conversion", f"http://{d}.example/", f"Title {d}\n" + f"text of {d}\n" * 40)
                for d in docs]
    members = b"".join(gzip.compress(r) for r in records)  # one member per record, as CC does
    path = os.path.join(folder, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(members)
    return members, records

members, records = wet("multi/CC-MAIN-1.warc.wet.gz", ["a", "b", "c"])
# cut in the middle of the third conversion record's member
cut = sum(len(gzip.compress(r)) for r in records[:3]) + len(gzip.compress(records[3])) // 2
os.makedirs(os.path.join(folder, "truncated"))
with open(os.path.join(folder, "truncated/CC-MAIN-2.warc.wet.gz"), "wb") as f:
    f.write(members[:cut])

seg = "crawl-data/CC-MAIN-2099-01/segments/{}/wet/CC-MAIN-{}.warc.wet.gz"
wet("mirror/" + seg.format(2, "z"), ["z"])
wet("mirror/" + seg.format(1, "y"), ["y"])
with open(os.path.join(folder, "mirror/crawl-data/CC-MAIN-2099-01/wet.paths.gz"), "wb") as f:
    f.write(gzip.compress((seg.format(2, "z") + "\n" + seg.format(1, "y") + "\n").encode()))
PY

graph() {
  cat >"$tmp/$1.yaml" <<YAML
version: 1
plugins: [commoncrawl, io]
stats: "\${OUT}/stats.json"
sources:
  read:
    type: wet_source
    with:
$2
sinks:
  write:
    type: jsonl_sink
    inputs: [read]
    with:
      path: "\${OUT}/docs.jsonl"
      compression: none
      meta_field: ""
      json_style: compact
YAML
}
urls() { "$PYTHON" -c 'import json,sys; print(" ".join(json.loads(l)["url"] for l in open(sys.argv[1])))' "$1"; }

graph files '      paths: ["${IN}"]
      min_chars: 1
      on_error: ${ON_ERROR}'
loom_run multi run "$tmp/files.yaml" --set "IN=$data/multi/*.gz" --set "OUT=$tmp/multi" \
  --set ON_ERROR=fail --threads 2
expect_rc 0 "a multi-member gzip WET file"
[[ "$(urls "$tmp/multi/docs.jsonl")" == "http://a.example/ http://b.example/ http://c.example/" ]] ||
  fail "multi-member gzip: documents $(urls "$tmp/multi/docs.jsonl")"
pass "every gzip member is read: three documents in order"

loom_run truncated run "$tmp/files.yaml" --set "IN=$data/truncated/*.gz" \
  --set "OUT=$tmp/truncated" --set ON_ERROR=fail --threads 2
expect_rc 1 "a truncated gzip member"
expect_stderr_matches "reading record 4: .*CC-MAIN-2\.warc\.wet\.gz.* is truncated" \
  "the error names the file and the record being read"
[[ ! -e "$tmp/truncated/docs.jsonl" ]] || fail "a failed run left docs.jsonl under its final name"
pass "no output under its final name after the error"

loom_run truncated_skip run "$tmp/files.yaml" --set "IN=$data/truncated/*.gz" \
  --set "OUT=$tmp/truncated_skip" --set ON_ERROR=skip --threads 2
expect_rc 0 "a truncated gzip member with on_error: skip"
[[ "$(urls "$tmp/truncated_skip/docs.jsonl")" == "http://a.example/ http://b.example/" ]] ||
  fail "on_error: skip: documents $(urls "$tmp/truncated_skip/docs.jsonl")"
[[ "$(stat_value "$tmp/truncated_skip/stats.json" read dropped_by_reason.input_error)" == 1 ]] ||
  fail "the cut is not counted as input_error"
expect_stderr_matches "reading record 4: .*CC-MAIN-2\.warc\.wet\.gz.*on_error: skip" \
  "the skipped rest of the file is logged"

graph dump '      dumps: ["2099-01"]
      url_root: "${ROOT}"
      min_chars: 1'
loom_run dump run "$tmp/dump.yaml" --set "ROOT=$data/mirror/" --set "OUT=$tmp/dump" --threads 2
expect_rc 0 "a dump id under a local url_root"
"$PYTHON" - "$tmp/dump/docs.jsonl" <<'PY' || fail "dump segments not read in listing order"
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1])]
assert [d["url"] for d in docs] == ["http://z.example/", "http://y.example/"], docs
assert docs[0]["cc_segment"] == "crawl-data/CC-MAIN-2099-01/segments/2/wet/CC-MAIN-z.warc.wet.gz", docs[0]
PY
pass "a dump's segments are read in wet.paths.gz order, cc_segment is the crawl-data path"
done_ok
