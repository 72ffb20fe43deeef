"""A proxy in front of s3rver (the local S3 server of the S3 tests) that misbehaves on purpose and
adds what s3rver 3.7.1 lacks. Listens on 127.0.0.1 only, on a free port written to PORT_FILE.

Rules are read from RULES_FILE (one per line) at every request, so a test changes them between
runs; KEY is a substring of the object key:
  cut KEY               the first GET of a matching key announces the full length, sends half
                        of the body and drops the connection (a client must resume with Range)
  deny KEY              GETs of a matching key answer 403 AccessDenied
  vanish KEY            GETs of a matching key answer 404 NoSuchKey (deleted after the listing)
  stall KEY PART MARK   the upload of part PART of a matching key creates the file MARK and
                        hangs (the test kills the client meanwhile); once, while MARK is absent

Added to s3rver, on its store folder STORE: ListMultipartUploads (GET /bucket?uploads) and
AbortMultipartUpload (DELETE /bucket/key?uploadId=...). Bucket "many" is virtual: 100,000 keys
k/000000.jsonl ... k/099999.jsonl, listed 1,000 per page with continuation tokens, each object
one JSON line.

Every request is appended to LOG_FILE as "<METHOD> <path?query> range=<Range or -> -> <status>".

usage: s3_proxy.py UPSTREAM_PORT STORE PORT_FILE LOG_FILE RULES_FILE
"""

import http.client
import http.server
import os
import shutil
import socket
import sys
import threading
import time
import urllib.parse

upstream_port, store, port_file, log_file, rules_file = sys.argv[1:6]
upstream_port = int(upstream_port)
lock = threading.Lock()
cut_done: set[str] = set()
MANY_KEYS = 100_000
PAGE = 1000


def rules() -> list[list[str]]:
    try:
        with open(rules_file, encoding="utf-8") as f:
            return [line.split() for line in f if line.strip()]
    except FileNotFoundError:
        return []


def matching(kind: str, key: str) -> list[str] | None:
    for rule in rules():
        if rule[0] == kind and rule[1] in key:
            return rule
    return None


def many_body(key: str) -> bytes:
    return f'{{"text": "virtual document {key}", "id": "{key}"}}\n'.encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:
        pass

    def record(self, status: int) -> None:
        with lock, open(log_file, "a", encoding="utf-8") as log:
            log.write(f"{self.command} {self.path} range={self.headers.get('Range', '-')} -> {status}\n")

    def reply(self, status: int, body: bytes = b"", headers: dict | None = None) -> None:
        self.record(status)
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def error(self, status: int, code: str, message: str) -> None:
        body = f"<?xml version='1.0'?><Error><Code>{code}</Code><Message>{message}</Message></Error>"
        self.reply(status, body.encode(), {"Content-Type": "application/xml"})

    def split(self) -> tuple[str, str, dict[str, list[str]]]:
        parts = urllib.parse.urlsplit(self.path)
        segments = urllib.parse.unquote(parts.path).lstrip("/").split("/", 1)
        query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
        return segments[0], segments[1] if len(segments) > 1 else "", query

    def body(self) -> bytes:
        length = int(self.headers.get("Content-Length", "0"))
        return self.rfile.read(length) if length else b""

    def handle_any(self) -> None:
        bucket, key, query = self.split()
        payload = self.body()
        if bucket == "many":
            return self.many(key, query)
        if self.command == "GET" and not key and "uploads" in query:
            return self.list_uploads(bucket, query.get("prefix", [""])[0])
        if self.command == "DELETE" and "uploadId" in query:
            return self.abort_upload(bucket, query["uploadId"][0])
        if self.command == "GET" and key:
            if matching("deny", key):
                return self.error(403, "AccessDenied", "Access Denied")
            if matching("vanish", key):
                return self.error(404, "NoSuchKey", "The specified key does not exist.")
        if self.command == "PUT" and "partNumber" in query:
            rule = matching("stall", key)
            if rule and query["partNumber"][0] == rule[2] and not os.path.exists(rule[3]):
                self.record(0)
                open(rule[3], "w").close()
                time.sleep(120)
                return
        self.forward(key, payload)

    def forward(self, key: str, payload: bytes) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=60)
        headers = {name: value for name, value in self.headers.items()}
        connection.request(self.command, self.path, body=payload, headers=headers)
        answer = connection.getresponse()
        data = answer.read()
        rule = matching("cut", key) if self.command == "GET" and answer.status in (200, 206) else None
        with lock:
            cut = rule is not None and self.path not in cut_done and len(data) > 2
            if cut:
                cut_done.add(self.path)
        self.record(answer.status)
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in ("transfer-encoding", "connection", "content-length", "date", "server"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command == "HEAD":
            return
        if cut:
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        self.wfile.write(data)

    def uploads_dir(self, bucket: str) -> str:
        return os.path.join(store, bucket, "._S3rver_uploads")

    def list_uploads(self, bucket: str, prefix: str) -> None:
        items = []
        folder = self.uploads_dir(bucket)
        for upload_id in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            with open(os.path.join(folder, upload_id, "key"), encoding="utf-8") as f:
                key = f.read()
            if key.startswith(prefix):
                items.append(f"<Upload><Key>{key}</Key><UploadId>{upload_id}</UploadId></Upload>")
        body = f"<ListMultipartUploadsResult><Bucket>{bucket}</Bucket>{''.join(items)}<IsTruncated>false</IsTruncated></ListMultipartUploadsResult>"
        self.reply(200, body.encode(), {"Content-Type": "application/xml"})

    def abort_upload(self, bucket: str, upload_id: str) -> None:
        folder = os.path.join(self.uploads_dir(bucket), os.path.basename(upload_id))
        if not os.path.isdir(folder):
            return self.error(404, "NoSuchUpload", "The specified upload does not exist.")
        shutil.rmtree(folder)
        self.reply(204)

    def many(self, key: str, query: dict[str, list[str]]) -> None:
        if key:
            number = key.removeprefix("k/").removesuffix(".jsonl")
            if not number.isdigit() or int(number) >= MANY_KEYS:
                return self.error(404, "NoSuchKey", "The specified key does not exist.")
            return self.reply(200, many_body(key), {"ETag": '"many"'})
        token = query.get("continuation-token", [""])[0]
        start = int(token.removeprefix("page-")) if token else 0
        end = min(start + PAGE, MANY_KEYS)
        contents = "".join(f"<Contents><Key>k/{i:06d}.jsonl</Key><Size>40</Size></Contents>"
                           for i in range(start, end))
        more = end < MANY_KEYS
        next_token = f"<NextContinuationToken>page-{end}</NextContinuationToken>" if more else ""
        body = (f"<ListBucketResult><Name>many</Name><KeyCount>{end - start}</KeyCount>{contents}"
                f"<IsTruncated>{'true' if more else 'false'}</IsTruncated>{next_token}</ListBucketResult>")
        self.reply(200, body.encode(), {"Content-Type": "application/xml"})

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.replace(port_file + ".tmp", port_file)
server.serve_forever()
