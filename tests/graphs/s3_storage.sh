#!/usr/bin/env bash
# s3:// inputs and outputs against a local S3 server (s3rver from npm, started here on 127.0.0.1)
# behind s3_proxy.py, which drops connections, denies or loses objects, stalls uploads, serves a
# bucket of 100,000 keys and adds the multipart listing and abort that s3rver lacks. botocore
# (s3_tool.py) puts the inputs and fetches the outputs: an independent client.
# Skips, saying so, when node or s3rver is absent (scripts/setup.sh installs s3rver@3.7.1).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

s3rver=${LOOM_S3RVER:-${LOOM_CACHE:-$HOME/.cache/loom}/npm/s3rver-3.7.1/node_modules/.bin/s3rver}
command -v node >/dev/null || skip "node not found: the S3 tests need s3rver (npm)"
[[ -x $s3rver ]] || skip "s3rver not found at $s3rver (scripts/setup.sh installs it)"
# Debian's botocore (python3-botocore) when the system python has it.
s3python=$PYTHON
/usr/bin/python3 -c 'import botocore' 2>/dev/null && s3python=/usr/bin/python3
"$s3python" -c 'import botocore' 2>/dev/null || skip "botocore not found (apt-get install python3-botocore)"

store=$tmp/store
mkdir -p "$store"
server_port=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$s3rver" -d "$store" -a 127.0.0.1 -p "$server_port" --silent --configure-bucket data \
  >"$tmp/s3rver.log" 2>&1 &
server_pid=$!
"$PYTHON" "$tests_dir/s3_proxy.py" "$server_port" "$store" "$tmp/port" "$tmp/requests.log" \
  "$tmp/rules" &
proxy_pid=$!
loom_pid=
cleanup() {
  [[ -n $loom_pid ]] && kill -9 "$loom_pid" 2>/dev/null || true
  kill "$proxy_pid" "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 100); do
  [[ -s "$tmp/port" ]] && "$PYTHON" -c "import socket; socket.create_connection(('127.0.0.1', $server_port))" 2>/dev/null && break
  sleep 0.1
done
[[ -s "$tmp/port" ]] || fail "the S3 proxy did not start"

export AWS_ENDPOINT_URL=http://127.0.0.1:$(cat "$tmp/port")
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1
export AWS_SHARED_CREDENTIALS_FILE=$tmp/no-credentials AWS_CONFIG_FILE=$tmp/no-config
export LOOM_S3_SPOOL=$tmp/spool
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_NO_SIGN_REQUEST AWS_ENDPOINT_URL_S3
s3tool() { "$s3python" "$tests_dir/s3_tool.py" "$@"; }
: >"$tmp/rules"

# Inputs: four gzip shards, one with a space and one with non-ASCII letters in its key.
make_corpus "$tmp/in" --shards 4 --docs-per-shard 800 --format gz --prefix shard
mkdir -p "$tmp/in/sub dir"
mv "$tmp/in/shard.00002-of-00004.json.gz" "$tmp/in/sub dir/shard 00002.json.gz"
mv "$tmp/in/shard.00003-of-00004.json.gz" "$tmp/in/sub dir/é-ü.json.gz"
s3tool put "$tmp/in" data in/
graph=$tests_dir/data/copy.yaml
LOCAL_IN="$tmp/in/**/*.json.gz"
S3_IN="s3://data/in/**/*.json.gz"

loom_run local run "$graph" --set "IN=$LOCAL_IN" --set "OUT=$tmp/local" --threads 1
expect_rc 0 "the graph on local files"

# List, glob, read, write: the same graph from and to the bucket.
loom_run s3 run "$graph" --set "IN=$S3_IN" --set "OUT=s3://data/out" --threads 2 \
  --report s3://data/report/run.html
expect_rc 0 "the graph from s3:// to s3://"
s3tool get data report/ "$tmp/report"
grep -q "<html" "$tmp/report/run.html" || fail "the --report page is not in the bucket"
pass "the --report page was written to the bucket"
s3tool get data out/ "$tmp/from-s3"
same_tree "$tmp/local" "$tmp/from-s3" "s3:// output vs local output"
[[ -f "$tmp/from-s3/stats.json" ]] || fail "--stats at s3://data/out/stats.json is missing"
pass "the run's statistics were written to the bucket"
grep -q '^GET /data/?.*list-type=2' "$tmp/requests.log" || fail "no ListObjectsV2 request"
[[ -z "$(ls -A "$tmp/spool" 2>/dev/null)" ]] || fail "spool files left behind: $(ls "$tmp/spool")"
pass "nothing left in the spool folder"

loom_run glob run "$graph" --set "IN=s3://data/in/sub dir/*.json.gz" --set "OUT=$tmp/glob"
expect_rc 0 "a glob over keys with a space"
(($(ls "$tmp/glob"/*.jsonl | wc -l) == 2)) || fail "expected 2 outputs for 'sub dir/*', got $(ls "$tmp/glob")"
pass "the glob matched the two keys below 'sub dir/'"

# A connection dropped mid-body is resumed with a ranged GET; the output is unchanged.
echo "cut shard" >"$tmp/rules"
loom_run cut run "$graph" --set "IN=$S3_IN" --set "OUT=$tmp/cut" --http-backoff 0.05
expect_rc 0 "reading through dropped connections"
same_tree "$tmp/local" "$tmp/cut" "output after resumed transfers vs local"
grep -q '^GET /data/in/.* range=bytes=[1-9][0-9]*- -> 206' "$tmp/requests.log" ||
  fail "no ranged GET resumed a dropped transfer"
pass "dropped transfers were resumed with Range"

# Multipart: small parts, so each output is several parts; visible only when complete.
: >"$tmp/rules"
LOOM_S3_PART_BYTES=65536 loom_run multipart run "$graph" --set "IN=$LOCAL_IN" --set "OUT=s3://data/mp"
expect_rc 0 "multipart outputs"
s3tool get data mp/ "$tmp/mp"
same_tree "$tmp/local" "$tmp/mp" "multipart output vs local output"
parts=$(grep -c '^PUT /data/mp/.*partNumber=.* -> 200' "$tmp/requests.log" || true)
((parts >= 4)) || fail "expected several uploaded parts, saw $parts"
pass "outputs went up in $parts parts"

# kill -9 while a part is being uploaded: no object appears; the rerun aborts the stale upload
# and writes the object whole.
echo "stall mp2/shard.00001 2 $tmp/stalled" >"$tmp/rules"
LOOM_S3_PART_BYTES=65536 "$LOOM" run "$graph" --set "IN=$LOCAL_IN" --set "OUT=s3://data/mp2" \
  --plugin-path "$LOOM_PLUGIN_DIR" --threads 1 --checkpoint-seconds 0.01 --batch-bytes 65536 >"$tmp/killed.out" 2>&1 &
loom_pid=$!
for _ in $(seq 300); do [[ -e "$tmp/stalled" ]] && break; sleep 0.1; done
[[ -e "$tmp/stalled" ]] || fail "the upload never reached part 2"
kill -9 "$loom_pid"
wait "$loom_pid" 2>/dev/null || true
loom_pid=
((  $(s3tool uploads data) >= 1 )) || fail "the killed run left no unfinished upload to clean up"
! s3tool exists data mp2/stats.json || fail "stats of the killed run exist"
s3tool get data mp2/ "$tmp/after-kill"  # whatever the killed run made visible
for f in "$tmp"/after-kill/*.jsonl; do
  [[ -e $f ]] || continue
  cmp -s "$f" "$tmp/local/$(basename "$f")" || fail "an incomplete mp2/$(basename "$f") is visible"
done
pass "nothing incomplete is visible after kill -9 mid-upload"
s3tool exists data mp2/stats.resume.json || fail "the killed run wrote no resume manifest to the bucket"
pass "the killed run's resume manifest is in the bucket"
LOOM_S3_PART_BYTES=65536 loom_run resumed run "$graph" --set "IN=$LOCAL_IN" --set "OUT=s3://data/mp2" \
  --checkpoint-seconds 0.01 --batch-bytes 65536
expect_rc 0 "the rerun after kill -9"
grep -q '^GET /data/mp2/stats.resume.json' "$tmp/requests.log" || fail "the rerun did not read the manifest"
! s3tool exists data mp2/stats.resume.json || fail "the manifest is left in the bucket after success"
pass "the rerun read the manifest from the bucket and removed it when done"
s3tool get data mp2/ "$tmp/mp2"
same_tree "$tmp/local" "$tmp/mp2" "output after kill -9 and rerun vs local"
[[ $(s3tool uploads data) == 0 ]] || fail "unfinished uploads remain after the rerun"
grep -q '^DELETE /data/mp2/.*uploadId=' "$tmp/requests.log" || fail "the stale upload was not aborted"
pass "the rerun aborted the killed run's upload: no orphaned parts"

# Bad input: one clear error naming the object and the cause, never a silent loss.
echo "deny shard.00001" >"$tmp/rules"
loom_run denied run "$graph" --set "IN=$S3_IN" --set "OUT=$tmp/denied"
expect_rc 1 "a 403 on one object"
expect_stderr_matches "s3://data/in/shard.00001-of-00004.json.gz" "the error names the object"
expect_stderr_matches "403.*access denied" "the error says access was denied"

echo "vanish shard.00001" >"$tmp/rules"
loom_run vanished run "$graph" --set "IN=$S3_IN" --set "OUT=$tmp/vanished"
expect_rc 1 "a key deleted between listing and reading"
expect_stderr_matches "s3://data/in/shard.00001-of-00004.json.gz.*404.*does not exist" "the error says the listed key is gone"
: >"$tmp/rules"

AWS_ACCESS_KEY_ID=WRONGKEY loom_run wrongkey run "$graph" --set "IN=$S3_IN" --set "OUT=$tmp/wrongkey"
expect_rc 1 "wrong credentials"
expect_stderr_matches "access denied.*InvalidAccessKeyId" "the error says the key was refused"
expect_stderr_matches "AWS_ACCESS_KEY_ID" "the error says where the credentials came from"

loom_run nobucket run "$graph" --set "IN=s3://nosuchbucket/in/*.gz" --set "OUT=$tmp/nobucket"
expect_rc 1 "a missing bucket"
expect_stderr_matches "bucket 'nosuchbucket' does not exist" "the error names the missing bucket"

loom_run nomatch run "$graph" --set "IN=s3://data/in/*.zst" --set "OUT=$tmp/nomatch"
expect_rc 1 "a pattern no key matches"
expect_stderr_matches "no objects match 's3://data/in/\*.zst'" "the error names the pattern"

# Common Crawl by listing, anonymously: a dump id under url_root s3://commoncrawl/ reads
# crawl-data/CC-MAIN-<id>/wet.paths.gz and the segments it lists from the bucket.
"$PYTHON" - "$tmp/cc" <<'PY'
import gzip, os, sys
root = sys.argv[1]
seg = "crawl-data/CC-MAIN-2099-01/segments/{0}/wet/CC-MAIN-{0}.warc.wet.gz"
def record(kind, url, text):
    head = f"WARC/1.0\r\nWARC-Type: {kind}\r\n"
    if kind == "conversion":
        head += (f"WARC-Target-URI: {url}\r\nWARC-Date: 2099-01-02T03:04:05Z\r\n"
                 "WARC-Record-ID: <urn:uuid:1>\r\nWARC-Refers-To: <urn:uuid:2>\r\n"
                 "WARC-Block-Digest: sha1:ABCDEFGH\r\nWARC-Identified-Content-Language: eng\r\n"
                 "Content-Type: text/plain\r\n")
    body = text.encode()
    return gzip.compress(head.encode() + f"Content-Length: {len(body)}\r\n\r\n".encode() + body + b"\r\n\r\n")
for name in ("b", "a", "c"):
    path = os.path.join(root, seg.format(name))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(record("warcinfo", "", "isPartOf: CC-MAIN-2099-01\r\n"))
        f.write(record("conversion", f"http://{name}.example/", f"text of {name}\n" * 40))
with open(os.path.join(root, "crawl-data/CC-MAIN-2099-01/wet.paths.gz"), "wb") as f:
    f.write(gzip.compress("".join(seg.format(n) + "\n" for n in ("b", "a", "c")).encode()))
PY
s3tool mb commoncrawl
s3tool put "$tmp/cc" commoncrawl ""
cat >"$tmp/cc.yaml" <<'YAML'
version: 1
plugins: [commoncrawl, io]
stats: "${OUT}/stats.json"
sources:
  read:
    type: wet_source
    with: { dumps: ["2099-01"], url_root: "s3://commoncrawl/", min_chars: 1, on_error: "${ON_ERROR}" }
sinks:
  write:
    type: jsonl_sink
    inputs: [read]
    with: { path: "${OUT}/docs.jsonl", meta_field: "", json_style: compact }
YAML
urls() { "$PYTHON" -c 'import json,sys; print(" ".join(json.loads(l)["url"] for l in open(sys.argv[1])))' "$1"; }
AWS_NO_SIGN_REQUEST=true AWS_ACCESS_KEY_ID= AWS_SECRET_ACCESS_KEY= \
  loom_run cc run "$tmp/cc.yaml" --set "OUT=$tmp/cc-out" --set ON_ERROR=fail
expect_rc 0 "a Common Crawl dump listed and read from s3://commoncrawl/, unsigned"
[[ "$(urls "$tmp/cc-out/docs.jsonl")" == "http://b.example/ http://a.example/ http://c.example/" ]] ||
  fail "dump from S3: documents $(urls "$tmp/cc-out/docs.jsonl")"
pass "the dump's segments were read from the bucket in listing order"

# A listed segment deleted before it is read: with on_error: skip, a counted skip.
echo "vanish segments/a/" >"$tmp/rules"
AWS_NO_SIGN_REQUEST=true loom_run cc_skip run "$tmp/cc.yaml" --set "OUT=$tmp/cc-skip" --set ON_ERROR=skip
expect_rc 0 "a vanished segment under on_error: skip"
[[ "$(urls "$tmp/cc-skip/docs.jsonl")" == "http://b.example/ http://c.example/" ]] ||
  fail "vanished segment: documents $(urls "$tmp/cc-skip/docs.jsonl")"
[[ "$(stat_value "$tmp/cc-skip/stats.json" read dropped_by_reason.input_error)" == 1 ]] ||
  fail "the vanished segment is not counted as input_error"
pass "the vanished segment is a counted input_error, the others are read"
: >"$tmp/rules"

# 100,000 keys: 100 pages of 1,000, every one read, the matching keys all found.
: >"$tmp/requests.log"
loom_run many run "$graph" --set "IN=s3://many/k/*777*.jsonl" --set "OUT=$tmp/many"
expect_rc 0 "a pattern over a listing of 100,000 keys"
pages=$(grep -c '^GET /many/?.*list-type=2' "$tmp/requests.log")
((pages == 100)) || fail "expected 100 listing pages, saw $pages"
want=$("$PYTHON" -c 'print(sum("777" in f"{i:06d}" for i in range(100000)))')
got=$(ls "$tmp/many" | grep -c '\.jsonl$')
((got == want)) || fail "expected $want outputs for *777*, got $got"
pass "all $want matching keys of 100 pages were read"
done_ok
