"""A misbehaving HTTP server for the HTTP-source tests. Listens on 127.0.0.1 only, on a free port
that it writes to PORT_FILE once it is ready; serves the files of ROOT under these prefixes:

  /ok/<file>        the file (honours Range)
  /fail500/<file>   always 500
  /flaky/<file>     503 for the first 2 requests of a path, then like /ok
  /cut/<file>       always announces the full length, sends half, and drops the connection
  /cutonce/<file>   like /cut on the first request of a path, then like /ok (so a client that
                    resumes with Range gets the rest)
  /tailonce/<file>  like /cutonce, but the Range retry is answered 200 (not 206) carrying only
                    the tail, with its own shorter Content-Length (a broken cache or proxy)
  /chaos/<file>     odd-numbered requests of a path answer 503; even-numbered ones honour
                    Range but send only a quarter of the requested bytes (at least 1000) and
                    drop the connection mid-body, until the last piece, sent whole

Every request is appended to LOG_FILE as "<path> range=<Range header or -> -> <status>".

usage: http_server.py ROOT PORT_FILE LOG_FILE
"""

import http.server
import os
import re
import socket
import sys
import threading

root, port_file, log_file = sys.argv[1:4]
counts: dict[str, int] = {}
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:  # keep stderr quiet
        pass

    def record(self, status: int) -> None:
        with lock, open(log_file, "a", encoding="utf-8") as log:
            log.write(f"{self.path} range={self.headers.get('Range', '-')} -> {status}\n")

    def fail(self, status: int) -> None:
        body = f"{status} on purpose\n".encode()
        self.record(status)
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        match = re.fullmatch(r"/(ok|fail500|flaky|cut|cutonce|tailonce|chaos)/([^/]+)", self.path)
        file = os.path.join(root, match.group(2)) if match else ""
        if not match or not os.path.isfile(file):
            self.fail(404)
            return
        mode = match.group(1)
        with lock:
            counts[self.path] = counts.get(self.path, 0) + 1
            nth = counts[self.path]
        if mode == "fail500" or (mode == "flaky" and nth <= 2) or (mode == "chaos" and nth % 2):
            self.fail(500 if mode == "fail500" else 503)
            return
        with open(file, "rb") as f:
            data = f.read()
        if mode == "cut" or (mode in ("cutonce", "tailonce") and nth == 1):
            self.record(200)
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Accept-Ranges", "bytes")
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        start = 0
        ranged = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range", ""))
        if ranged:
            start = int(ranged.group(1))
            if start >= len(data):
                self.fail(416)
                return
        status = 206 if ranged and mode != "tailonce" else 200
        if mode == "chaos":
            remaining = len(data) - start
            piece = max(1000, remaining // 4)
            if piece < remaining:
                self.record(status)
                self.send_response(status)
                self.send_header("Content-Length", str(remaining))
                self.send_header("Accept-Ranges", "bytes")
                if ranged:
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                self.end_headers()
                self.wfile.write(data[start : start + piece])
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
        self.record(status)
        self.send_response(status)
        self.send_header("Content-Length", str(len(data) - start))
        self.send_header("Accept-Ranges", "bytes")
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.end_headers()
        self.wfile.write(data[start:])


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.replace(port_file + ".tmp", port_file)
server.serve_forever()
