"""A hostile gateway on 127.0.0.1: a real HTTP server whose every endpoint a test can script.

By default it answers like a healthy, empty gateway (health, token, an empty updates feed, an
unchanged catalogue, heartbeat). A test replaces any endpoint with a hostile answer: a huge body
(with or without an honest Content-Length), a drip-fed one, deeply nested JSON, a redirect to
another origin, or bytes that are not HTTP at all. It records what it was asked and how much it
managed to write, so a test can tell whether the client hung up early.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Behaviour = Callable[["_Handler"], None]
MIB = 1024 * 1024


def reply(status: int, body: bytes, content_type: str = "application/json",
          headers: dict[str, str] | None = None) -> Behaviour:
    """An ordinary answer with a Content-Length."""
    def act(h: _Handler) -> None:
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        h.end_headers()
        h.write(body)
    return act


def json_reply(obj: object, status: int = 200) -> Behaviour:
    return reply(status, json.dumps(obj).encode())


def deep_json(depth: int = 10_000, status: int = 200, kind: str = "array") -> Behaviour:
    """``[[[[…]]]]`` (or ``{"a":{"a":…}}``) ``depth`` levels deep: valid JSON, hostile shape."""
    if kind == "array":
        body = b"[" * depth + b"]" * depth
    else:
        body = b'{"a":' * depth + b"1" + b"}" * depth
    return reply(status, body)


def huge(total: int, *, honest_length: bool = False, status: int = 200) -> Behaviour:
    """A JSON-typed answer of ``total`` bytes, streamed in 64 KiB writes until the client hangs
    up. Without ``honest_length`` it has no Content-Length (the body ends when the server
    closes), so only counting while reading can stop it."""
    chunk = b"a" * 65536

    def act(h: _Handler) -> None:
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        if honest_length:
            h.send_header("Content-Length", str(total))
        h.send_header("Connection", "close")
        h.end_headers()
        h.write(b'{"service": "')
        sent = 0
        while sent < total and h.write(chunk[:total - sent]):
            sent += len(chunk)
    return act


def gzip_bomb(size: int) -> Behaviour:
    """A small gzip-encoded answer that inflates to ``size`` bytes of zeros."""
    packer = zlib.compressobj(1, zlib.DEFLATED, 31)  # 31: gzip framing; 1 GiB → 4.5 MB
    zeros = bytes(MIB)
    body = b"".join(packer.compress(zeros) for _ in range(size // MIB)) + packer.flush()
    return reply(200, body, headers={"Content-Encoding": "gzip"})


def drip(body: bytes, interval_s: float) -> Behaviour:
    """Headers at once, then the body one byte every ``interval_s`` (each gap shorter than the
    client's read timeout, the whole far longer). Sets ``first_byte`` when the first is out."""
    def act(h: _Handler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        for i in range(len(body)):
            if not h.write(body[i:i + 1]):
                return
            h.gateway.first_byte.set()
            if h.gateway.stopped.wait(interval_s):
                return
    return act


def redirect(location: str, status: int = 302) -> Behaviour:
    return reply(status, b"", "text/html", {"Location": location})


def raw(data: bytes) -> Behaviour:
    """Bytes written straight to the socket instead of an HTTP answer."""
    def act(h: _Handler) -> None:
        h.close_connection = True
        h.write(data)
    return act


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


class HostileGateway:
    """Serve in a thread; ``on(method, path, behaviour)`` scripts one endpoint (exact path,
    or a prefix ending in ``*``)."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Behaviour] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.written: dict[str, int] = {}
        """Body bytes written per path before the client hung up (or the answer ended)."""
        self.first_byte = threading.Event()
        self.stopped = threading.Event()
        self._lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"gateway": self})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.healthy()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def healthy(self) -> None:
        self.on("GET", "/api/v1/health",
                lambda h: json_reply({"service": "kiosk-gateway", "server_time": _now()})(h))
        self.on("POST", "/oauth2/token", json_reply({"access_token": "t0k", "expires_in": 300}))
        self.on("GET", "/api/v1/kiosks/*", json_reply({"updates": [], "cursor": "c1"}))
        self.on("PUT", "/api/v1/kiosks/*", json_reply({"ok": True}))
        self.on("GET", "/api/v1/catalogue", reply(304, b""))

    def on(self, method: str, path: str, behaviour: Behaviour) -> None:
        self.routes[(method, path)] = behaviour

    def route(self, method: str, path: str) -> Behaviour:
        path = path.split("?", 1)[0]
        if (method, path) in self.routes:
            return self.routes[(method, path)]
        for (m, p), behaviour in self.routes.items():
            if m == method and p.endswith("*") and path.startswith(p[:-1]):
                return behaviour
        return json_reply({"code": "not_found", "message": "no such endpoint"}, 404)

    def record(self, method: str, path: str, headers: dict[str, str]) -> None:
        with self._lock:
            self.requests.append((method, path, headers))

    def count(self, path: str, n: int) -> None:
        with self._lock:
            self.written[path] = self.written.get(path, 0) + n

    def __enter__(self) -> HostileGateway:
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1},
                         daemon=True).start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopped.set()
        self.httpd.shutdown()
        self.httpd.server_close()


class _Handler(BaseHTTPRequestHandler):
    gateway: HostileGateway

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        path = self.path.split("?", 1)[0]
        self.gateway.record(self.command, path, dict(self.headers.items()))
        self.gateway.route(self.command, path)(self)

    do_GET = do_PUT = do_POST = do_HEAD = _dispatch

    def write(self, data: bytes) -> bool:
        """Write; False once the client has hung up."""
        try:
            self.wfile.write(data)
        except OSError:
            self.close_connection = True
            return False
        self.gateway.count(self.path.split("?", 1)[0], len(data))
        return True

    def log_message(self, *args: object) -> None:
        pass
