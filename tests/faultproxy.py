"""A fault-injecting HTTP proxy between nbvc and the S3 server, on loopback.

Each request is forwarded unless the ``fault`` policy picks a fault for it:
``503`` (SlowDown), ``500``, ``reset`` (connection closed without a response,
after the request reached the server or before), ``stall`` (a slow answer),
``corrupt`` (the answer's body with one byte changed) or ``cut`` (the headers and
half the body, then the connection closes).
It also counts requests by method, which is how tests count S3 calls.
"""

from __future__ import annotations

import http.client
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SLOWDOWN = (b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code>'
            b"<Message>Please reduce your request rate.</Message></Error>")


class FaultProxy:
    """``FaultProxy(upstream_port, fault=lambda method, path: None | "503" | ...)``."""

    def __init__(self, upstream_port: int, fault: Callable[[str, str], str | None] | None = None,
                 stall_s: float = 0.5) -> None:
        self.upstream_port = upstream_port
        self.fault = fault or (lambda method, path: None)
        self.stall_s = stall_s
        self.counts: Counter[str] = Counter()
        self.faults: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with proxy._lock:
                    proxy.counts[self.command] += 1
                    fault = proxy.fault(self.command, self.path)
                    if fault:
                        proxy.faults[fault] += 1
                if fault in ("503", "500"):
                    payload = SLOWDOWN if fault == "503" else b"<Error><Code>InternalError</Code></Error>"
                    self.send_response(int(fault))
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                if fault == "reset-before":
                    self.close_connection = True
                    self.connection.close()
                    return
                upstream = http.client.HTTPConnection("127.0.0.1", proxy.upstream_port, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
                upstream.request(self.command, self.path, body=body, headers=headers)
                answer = upstream.getresponse()
                data = answer.read()
                upstream.close()
                if fault == "reset":  # the server did the work; the client never hears
                    self.close_connection = True
                    self.connection.close()
                    return
                if fault == "stall":
                    time.sleep(proxy.stall_s)
                if fault == "corrupt" and data:
                    data = data[:len(data) // 2] + bytes([data[len(data) // 2] ^ 0xFF]) + \
                        data[len(data) // 2 + 1:]
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in ("connection", "transfer-encoding", "content-length"):
                        self.send_header(name, value)
                size = answer.getheader("Content-Length") if self.command == "HEAD" else len(data)
                self.send_header("Content-Length", str(size or 0))
                self.end_headers()
                if fault == "cut":
                    self.wfile.write(data[:len(data) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.close()
                    return
                self.wfile.write(data)

            do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _forward

        return Handler


def every_nth(n: int, fault: str) -> Callable[[str, str], str | None]:
    """A policy that injects ``fault`` into every n-th request."""
    seen = [0]

    def policy(method: str, path: str) -> str | None:
        seen[0] += 1
        return fault if seen[0] % n == 0 else None
    return policy


def random_faults(rate: float, faults: list[str], seed: int = 0) -> Callable[[str, str], str | None]:
    rng = random.Random(seed)
    return lambda method, path: rng.choice(faults) if rng.random() < rate else None
