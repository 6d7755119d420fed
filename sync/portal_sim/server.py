"""HTTP front of the reference gateway: routing, bodies, JSON errors, faults, the admin API.

A stdlib ``ThreadingHTTPServer`` speaking HTTP/1.1 with keep-alive: the contract is small, and a
dependency-free server starts in well under a second for ``kiosk demo`` and the tests. Whenever an
answer is sent without reading the request body (front-door faults, early errors) the connection is
closed, so leftover body bytes are never parsed as a next request.

Hardening (issue 11): a request's head must arrive within ``header_timeout_s`` and its body at a
minimum rate (slow or idle connections are dropped); chunk sizes are validated against the same
cap as Content-Length; the admin API needs its own bearer token (``<data>/admin-token``, 0600, new
at each start), a literal ``Host`` (an IP or ``localhost`` with the bound port, so a DNS-rebinding
page is refused) and no foreign ``Origin`` (so a cross-site form post is refused).
"""

from __future__ import annotations

import hmac
import io
import ipaddress
import json
import logging
import math
import re
import secrets
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import tomlkit

from appliance.durable import write_atomic
from sync.portal_sim.faults import Fault, FaultInjector, FaultKind
from sync.portal_sim.gateway import Gateway
from sync.portal_sim.national import export_national
from sync.portal_sim.verify import MAX_FILE_BYTES, ApiError, parse_json

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

log = logging.getLogger("portal_sim")

Query = dict[str, list[str]]
"""A parsed query string (``urllib.parse.parse_qs``)."""
MAX_BODY = MAX_FILE_BYTES + 1024 * 1024
MAX_CLOCK_OFFSET_S = 10 * 366 * 86400
"""The admin clock moves the gateway's time for clock-skew tests: ten years is already absurd."""
ID = r"([^/]+)"
ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    ("GET", re.compile(r"^/api/v1/health$"), "health"),
    ("POST", re.compile(r"^/oauth2/token$"), "token"),
    ("GET", re.compile(r"^/api/v1/catalogue$"), "catalogue"),
    ("GET", re.compile(r"^/api/v1/truststore$"), "trust_store"),
    ("PUT", re.compile(rf"^/api/v1/dossiers/{ID}$"), "manifest"),
    ("PUT", re.compile(rf"^/api/v1/dossiers/{ID}/files/{ID}$"), "file_put"),
    ("HEAD", re.compile(rf"^/api/v1/dossiers/{ID}/files/{ID}$"), "file_head"),
    ("GET", re.compile(rf"^/api/v1/kiosks/{ID}/updates$"), "updates"),
    ("PUT", re.compile(rf"^/api/v1/ratings/{ID}$"), "rating"),
    ("PUT", re.compile(rf"^/api/v1/kiosks/{ID}/heartbeat$"), "heartbeat"),
    ("POST", re.compile(rf"^/api/v1/kiosks/{ID}/enrolment$"), "enrol"),
    ("GET", re.compile(r"^/admin/kiosks$"), "admin_kiosks"),
    ("POST", re.compile(rf"^/admin/kiosks/{ID}/enrolment-code$"), "admin_enrolment_code"),
    ("POST", re.compile(rf"^/admin/kiosks/{ID}/rotate$"), "admin_rotate"),
    ("POST", re.compile(rf"^/admin/kiosks/{ID}/revoke$"), "admin_revoke"),
    ("GET", re.compile(r"^/admin/stats$"), "admin_stats"),
    ("GET", re.compile(r"^/admin/dossiers$"), "admin_dossiers"),
    ("POST", re.compile(rf"^/admin/dossiers/{ID}/status$"), "admin_status"),
    ("GET", re.compile(rf"^/admin/dossiers/{ID}/national$"), "admin_national"),
    ("GET", re.compile(r"^/admin/faults$"), "admin_faults_get"),
    ("POST", re.compile(r"^/admin/faults$"), "admin_faults"),
    ("PUT", re.compile(r"^/admin/catalogue$"), "admin_catalogue"),
    ("PUT", re.compile(r"^/admin/truststore$"), "admin_trust_store"),
    ("POST", re.compile(r"^/admin/clock$"), "admin_clock"),
]
BODILESS = {"health", "catalogue", "trust_store", "file_head", "updates", "admin_stats",
            "admin_dossiers", "admin_faults_get", "admin_kiosks", "admin_national"}
"""Routes that never read a request body."""
CAPTIVE_PAGE = (
    "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Đăng nhập Wi-Fi"
    "</title></head><body><h1>Chào mừng! Vui lòng đăng nhập để sử dụng Internet.</h1>"
    "<form><input name=\"phone\"><button>Đăng nhập</button></form></body></html>"
).encode()
PROXY_502 = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
CHUNK_SIZE = re.compile(rb"^([0-9A-Fa-f]{1,8})(;[^\r\n]*)?\r?\n$")
"""A chunk-size line: hex digits only (no sign, no blanks), at most 8 of them."""
MAX_TRAILERS = 16


@dataclass(frozen=True)
class Timeouts:
    """How long a connection may take; generous for a 21 MiB page on a slow rural link."""

    idle_s: float = 30.0
    """Longest silence on a socket (also between keep-alive requests)."""
    header_s: float = 30.0
    """Whole request line and headers, from the moment the server waits for them."""
    body_grace_s: float = 30.0
    min_body_rate: float = 8 * 1024
    """A body must arrive within ``body_grace_s + length / min_body_rate`` seconds."""


class _DeadlineIO(socket.SocketIO):
    """Socket reads that fail with TimeoutError once the handler's deadline has passed, so a
    client dripping one byte at a time cannot hold a thread for ever."""

    def __init__(self, handler: Handler) -> None:
        super().__init__(handler.connection, "rb")
        self._handler = handler

    def readinto(self, b: WriteableBuffer) -> int | None:
        left = self._handler.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("request deadline passed")
        self._handler.connection.settimeout(min(left, self._handler.server.timeouts.idle_s))
        return super().readinto(b)


def _literal_host(name: str) -> bool:
    """``localhost`` or an IP literal: never a DNS name an attacker's page could rebind."""
    if name == "localhost":
        return True
    try:
        ipaddress.ip_address(name[1:-1] if name.startswith("[") and name.endswith("]") else name)
    except ValueError:
        return False
    return True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64
    sim: PortalSim
    timeouts: Timeouts


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as two writes
    server: _Server
    server_version = "portal-sim/1"

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def setup(self) -> None:
        super().setup()
        self.deadline = time.monotonic() + self.server.timeouts.header_s
        self.rfile.close()  # the plain reader makefile() gave; the socket stays open
        self.rfile = io.BufferedReader(_DeadlineIO(self))

    def handle_one_request(self) -> None:
        self.deadline = time.monotonic() + self.server.timeouts.header_s
        try:
            super().handle_one_request()
        except (TimeoutError, ConnectionError):  # a stalled reader of our answer
            self.close_connection = True

    def _body_deadline(self, n: int) -> None:
        t = self.server.timeouts
        self.deadline = time.monotonic() + t.body_grace_s + n / t.min_body_rate

    # --- plumbing
    @property
    def sim(self) -> PortalSim:
        return self.server.sim

    def _send(self, status: int, body: bytes = b"", content_type: str = "application/json",
              headers: dict[str, str] | None = None, *, partial: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        if body is not CAPTIVE_PAGE:  # a Wi-Fi login page knows nothing of the gateway
            self.send_header("X-Server-Time", self.sim.gateway.now_iso())
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command == "HEAD":
            return
        if partial:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self._reset()
            return
        self.wfile.write(body)

    def _json(self, status: int, obj: object, headers: dict[str, str] | None = None,
              *, partial: bool = False) -> None:
        body = json.dumps(obj, ensure_ascii=False).encode()
        self._send(status, body, "application/json; charset=utf-8", headers, partial=partial)

    def _error(self, exc: ApiError, headers: dict[str, str] | None = None) -> None:
        body = {"code": exc.code, "message": exc.message,
                "server_time": self.sim.gateway.now_iso(), **exc.extra}
        if self.path.startswith("/oauth2/"):
            body["error"] = exc.code if exc.code != "bad_request" else "invalid_request"
        if exc.status == 401:
            headers = {**(headers or {}), "WWW-Authenticate": f'Bearer error="{exc.code}"'}
        self._json(exc.status, body, headers)

    def _reset(self) -> None:
        """Abort the connection with a TCP reset, as a dropped mobile link would."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True

    def _length(self) -> int:
        """Content-Length of the body; -1 for a chunked body (read by ``_read``)."""
        encoding = self.headers.get("Transfer-Encoding", "").strip().lower()
        if encoding == "chunked":
            self._body_deadline(MAX_BODY)
            return -1
        if encoding:
            self.close_connection = True
            raise ApiError(411, "length_required", "send a Content-Length or a chunked body")
        raw = self.headers.get("Content-Length")
        if raw is None:
            return 0
        try:
            n = int(raw)
        except ValueError:
            self.close_connection = True
            raise ApiError(400, "bad_request", "Content-Length is not a number") from None
        if n < 0:
            self.close_connection = True
            raise ApiError(400, "bad_request", "negative Content-Length")
        if n > MAX_BODY:
            self.close_connection = True
            raise ApiError(413, "too_large", f"bodies are limited to {MAX_BODY} bytes")
        self._body_deadline(n)
        return n

    def _read_chunked(self) -> bytes:
        """A chunked body, each size line checked (hex only, ≤ 8 digits) and the total capped
        exactly like a Content-Length; anything malformed closes the connection."""
        parts: list[bytes] = []
        total = 0
        self.close_connection = True  # until the body has been read to its end
        while True:
            found = CHUNK_SIZE.match(self.rfile.readline(1024))
            if found is None:
                raise ApiError(400, "bad_request", "malformed chunk size line")
            size = int(found.group(1), 16)
            if size == 0:
                break
            total += size
            if total > MAX_BODY:
                raise ApiError(413, "too_large", f"bodies are limited to {MAX_BODY} bytes")
            parts.append(self.rfile.read(size))
            if len(parts[-1]) != size or self.rfile.readline(3) not in (b"\r\n", b"\n"):
                raise ApiError(400, "bad_request", "chunk shorter than its size line")
        for _ in range(MAX_TRAILERS + 1):
            if self.rfile.readline(1024) in (b"\r\n", b"\n"):
                self.close_connection = self.headers.get("Connection", "").lower() == "close"
                return b"".join(parts)
        raise ApiError(400, "bad_request", "too many or unterminated chunked trailers")

    def _read(self, n: int) -> bytes:
        if n < 0:
            data = self._read_chunked()
            if not self.path.startswith("/admin"):
                self.sim.count_bytes(len(data))
            return data
        data = self.rfile.read(n) if n else b""
        if not self.path.startswith("/admin"):
            self.sim.count_bytes(len(data))
        if len(data) != n:
            self.close_connection = True
            raise ConnectionError("client closed mid-body")
        return data

    # --- verbs
    def do_GET(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_OPTIONS(self) -> None:
        self._dispatch()

    def __getattr__(self, name: str) -> Callable[[], None]:
        # any other method (TRACE, QUERY, …): 405 with Allow
        if name.startswith("do_"):
            return self._dispatch
        raise AttributeError(name)

    def _dispatch(self) -> None:
        split = urlsplit(self.path)
        path = split.path
        route: str | None = None
        args: tuple[str, ...] = ()
        allowed = []
        for method, pattern, name in ROUTES:
            m = pattern.match(path)
            if m:
                allowed.append(method)
                if method == self.command:
                    route, args = name, m.groups()
        if route in BODILESS and (self.headers.get("Transfer-Encoding")
                                  or self.headers.get("Content-Length", "0").strip() != "0"):
            self.close_connection = True  # an unread body must not be parsed as a next request
        if not path.startswith("/admin"):
            self.sim.pause()
        try:
            if path.startswith("/admin"):
                self._admin_gate()
            if route is None:
                self.close_connection = True
                if allowed:
                    methods = ", ".join(allowed)
                    self._error(ApiError(405, "method_not_allowed", f"use {methods}"),
                                {"Allow": methods})
                    return
                raise ApiError(404, "not_found", "no such endpoint")
            authorization = self.headers.get("Authorization")
            fault = self.sim.faults.decide(path, authenticated=bool(authorization))
            if fault is not None and self._front_door(fault, authorization):
                return
            slow_then = fault if fault and fault.kind in (FaultKind.SLOW, FaultKind.RESET) \
                else None
            getattr(self, f"_r_{route}")(*args, query=parse_qs(split.query), fault=slow_then)
        except ApiError as exc:
            self._error(exc)
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        except Exception:  # a gateway bug must still answer JSON, and be visible in the log
            log.exception("internal error on %s %s", self.command, path)
            self.close_connection = True
            self._error(ApiError(500, "internal_error", "the gateway failed; retry later"))

    def _admin_gate(self) -> None:
        """The admin API's own credential, and no DNS-rebinding or cross-site caller."""
        host = self.headers.get("Host", "")
        name, _, port = host.rpartition(":")
        if port != str(self.server.server_address[1]) or not _literal_host(name):
            self.close_connection = True
            raise ApiError(403, "bad_host", "the admin API answers only to its literal address")
        origin = self.headers.get("Origin")
        if origin is not None and origin != f"{self.sim.scheme}://{host}":
            self.close_connection = True
            raise ApiError(403, "bad_origin", "cross-origin requests to the admin API are refused")
        if not self.sim.admin_authorised(self.headers.get("Authorization")):
            self.close_connection = True
            raise ApiError(401, "admin_unauthorized",
                           "the admin API needs Authorization: Bearer <data>/admin-token")

    def _front_door(self, fault: Fault, authorization: str | None) -> bool:
        """Apply faults that answer before processing. True when the request is finished."""
        kind = fault.kind
        if kind is FaultKind.CAPTIVE:
            self.close_connection = True
            if fault.variant == 0:
                self._send(200, CAPTIVE_PAGE, "text/html; charset=utf-8")
            else:
                self._send(302, CAPTIVE_PAGE, "text/html; charset=utf-8",
                           {"Location": "http://wifi-login.example/?next=" + self.path})
            return True
        if kind is FaultKind.RETRY_AFTER:
            self.close_connection = True
            status, code = (429, "rate_limited") if fault.variant == 0 else (503, "unavailable")
            self._error(ApiError(status, code, "try again later"),
                        {"Retry-After": str(self.sim.faults.retry_after_s)})
            return True
        if kind is FaultKind.EXPIRED_TOKEN:
            self.sim.gateway.expire_token(authorization)
            self.close_connection = True
            self._error(ApiError(401, "token_expired", "bearer token expired; request a new one"))
            return True
        if kind is FaultKind.ERROR_5XX:
            self._read(self._length())  # a failing backend has read the request
            if fault.variant == 0:
                self._error(ApiError(500, "internal_error", "the gateway failed; retry later"))
            else:
                self.close_connection = True
                self._send(502, PROXY_502, "text/html")
            return True
        if kind is FaultKind.RESET and fault.variant == 0:
            n = self._length()
            if n > 0:
                self._read(n // 2)
                self._reset()
                return True
        return False

    def _finish(self, status: int, obj: object, fault: Fault | None,
                headers: dict[str, str] | None = None) -> None:
        """Send the answer, applying the after-processing faults (slow, reset mid-response)."""
        if fault and fault.kind is FaultKind.SLOW:
            time.sleep(self.sim.faults.slow_ms / 1000)
        partial = bool(fault and fault.kind is FaultKind.RESET)
        self._json(status, obj, headers, partial=partial)

    def _kiosk(self) -> str:
        return self.sim.gateway.authenticate(self.headers.get("Authorization"))

    def _body_json(self) -> object:
        return parse_json(self._read(self._length()))

    # --- routes
    def _r_health(self, *, query: Query, fault: Fault | None) -> None:
        self._finish(200, self.sim.gateway.health(), fault)

    def _r_token(self, *, query: Query, fault: Fault | None) -> None:
        raw = self._read(self._length())
        form = parse_qs(raw.decode("utf-8", "replace"))
        grant = form.get("grant_type", [""])[0]
        if grant != "client_credentials":
            raise ApiError(400, "unsupported_grant_type", "grant_type must be client_credentials")
        client_id = form.get("client_id", [""])[0]
        secret = form.get("client_secret", [""])[0]
        self._finish(200, self.sim.gateway.issue_token(client_id, secret), fault)

    def _r_catalogue(self, *, query: Query, fault: Fault | None) -> None:
        self._kiosk()
        gw = self.sim.gateway
        etag = gw.catalogue_etag
        if etag in [t.strip() for t in self.headers.get("If-None-Match", "").split(",")]:
            self._send(304, b"", headers={"ETag": etag})
            return
        self._finish(200, gw.catalogue, fault, {"ETag": etag})

    def _r_trust_store(self, *, query: Query, fault: Fault | None) -> None:
        """CSCA certificates and CRLs for the kiosks' chip readers, signed (owner: chip)."""
        self._kiosk()
        gw = self.sim.gateway
        etag = gw.trust_store_etag
        if etag in [t.strip() for t in self.headers.get("If-None-Match", "").split(",")]:
            self._send(304, b"", headers={"ETag": etag})
            return
        self._finish(200, gw.trust_store_document(), fault, {"ETag": etag})

    def _r_manifest(self, dossier_id: str, *, query: Query, fault: Fault | None) -> None:
        kiosk = self._kiosk()
        status, answer = self.sim.gateway.put_manifest(kiosk, dossier_id,
                                                       self._read(self._length()))
        self._finish(status, answer, fault)

    def _r_file_put(
        self, dossier_id: str, sha256: str, *, query: Query, fault: Fault | None
    ) -> None:
        kiosk = self._kiosk()
        n = self._length()
        try:
            self.sim.gateway.check_file_target(kiosk, dossier_id, sha256)
        except ApiError:
            self.close_connection = True  # the body stays unread
            raise
        status, answer = self.sim.gateway.put_file(kiosk, dossier_id, sha256, self._read(n))
        self._finish(status, answer, fault)

    def _r_file_head(
        self, dossier_id: str, sha256: str, *, query: Query, fault: Fault | None
    ) -> None:
        kiosk = self._kiosk()
        present = self.sim.gateway.head_file(kiosk, dossier_id, sha256)
        if fault and fault.kind is FaultKind.SLOW:
            time.sleep(self.sim.faults.slow_ms / 1000)
        if fault and fault.kind is FaultKind.RESET:  # no body to cut: drop the connection
            self._reset()
            return
        self._send(200 if present else 404, b"")

    def _r_updates(self, kiosk_path: str, *, query: Query, fault: Fault | None) -> None:
        kiosk = self._kiosk()
        after = query.get("after", [None])[0]
        limit = query.get("limit", [None])[0]
        self._finish(200, self.sim.gateway.updates(kiosk, kiosk_path, after, limit), fault)

    def _r_rating(self, rating_id: str, *, query: Query, fault: Fault | None) -> None:
        kiosk = self._kiosk()
        status, answer = self.sim.gateway.put_rating(kiosk, rating_id,
                                                     self._read(self._length()))
        self._finish(status, answer, fault)

    def _r_heartbeat(self, kiosk_path: str, *, query: Query, fault: Fault | None) -> None:
        kiosk = self._kiosk()
        answer = self.sim.gateway.heartbeat(kiosk, kiosk_path, self._read(self._length()))
        self._finish(200, answer, fault)

    def _r_enrol(self, kiosk_path: str, *, query: Query, fault: Fault | None) -> None:
        kiosk = self._kiosk()
        if kiosk_path != kiosk:
            raise ApiError(403, "forbidden", "a kiosk may only enrol itself")
        status, answer = self.sim.gateway.enrolment.enrol(kiosk, self._body_json())
        self._finish(status, answer, fault)

    # --- admin (development and tests; loopback only, not part of the kiosk contract)
    def _r_admin_kiosks(self, *, query: Query, fault: Fault | None) -> None:
        self._json(200, {"kiosks": self.sim.gateway.enrolment.kiosks()})

    def _r_admin_enrolment_code(self, kiosk_id: str, *, query: Query, fault: Fault | None) -> None:
        self._json(201, self.sim.gateway.enrolment.issue(kiosk_id, **self._code_options()))

    def _r_admin_rotate(self, kiosk_id: str, *, query: Query, fault: Fault | None) -> None:
        self._json(201, self.sim.gateway.enrolment.issue(kiosk_id, rotate=True,
                                                         **self._code_options()))

    def _r_admin_revoke(self, kiosk_id: str, *, query: Query, fault: Fault | None) -> None:
        self._read(self._length())
        self._json(200, self.sim.gateway.enrolment.revoke(kiosk_id))

    def _code_options(self) -> dict[str, Any]:
        body = self._body_json() if self._length() else {}
        ttl = body.get("ttl_s") if isinstance(body, dict) else None
        if ttl is None:
            return {}
        if not isinstance(ttl, int | float) or isinstance(ttl, bool):
            raise ApiError(400, "bad_request", "ttl_s must be a number of seconds")
        return {"ttl_s": float(ttl)}

    def _r_admin_stats(self, *, query: Query, fault: Fault | None) -> None:
        self._json(200, self.sim.stats())

    def _r_admin_dossiers(self, *, query: Query, fault: Fault | None) -> None:
        self._json(200, {"dossiers": self.sim.gateway.admin_dossiers()})

    def _r_admin_national(self, dossier_id: str, *, query: Query, fault: Fault | None) -> None:
        self._json(200, {"hoSo": export_national(self.sim.gateway, dossier_id)})

    def _r_admin_status(self, dossier_id: str, *, query: Query, fault: Fault | None) -> None:
        body = self._body_json()
        status = body.get("status") if isinstance(body, dict) else None
        self._json(200, self.sim.gateway.set_status(dossier_id, status))

    def _r_admin_faults_get(self, *, query: Query, fault: Fault | None) -> None:
        self._json(200, self.sim.faults.settings())

    def _r_admin_faults(self, *, query: Query, fault: Fault | None) -> None:
        body = self._body_json()
        if not isinstance(body, dict):
            raise ApiError(400, "bad_request", "expected a JSON object")
        try:
            self.sim.faults.configure(**{k: body[k] for k in (
                "rate", "seed", "kinds", "retry_after_s", "slow_ms", "plan") if k in body})
            if "latency_ms" in body:
                self.sim.latency_ms = max(0, int(body["latency_ms"]))
        except (ValueError, TypeError, KeyError) as exc:
            raise ApiError(400, "bad_request", f"bad fault settings: {exc}") from None
        self._json(200, {**self.sim.faults.settings(), "latency_ms": self.sim.latency_ms})

    def _r_admin_catalogue(self, *, query: Query, fault: Fault | None) -> None:
        self.sim.gateway.set_catalogue(self._body_json())
        self._json(200, {"etag": self.sim.gateway.catalogue_etag})

    def _r_admin_trust_store(self, *, query: Query, fault: Fault | None) -> None:
        self.sim.gateway.set_trust_store(self._body_json())
        self._json(200, {"etag": self.sim.gateway.trust_store_etag})

    def _r_admin_clock(self, *, query: Query, fault: Fault | None) -> None:
        body = self._body_json()
        try:
            if not isinstance(body, dict):
                raise TypeError("not a JSON object")
            offset = float(body["offset_s"])
            if not math.isfinite(offset) or abs(offset) > MAX_CLOCK_OFFSET_S:
                raise ValueError("offset out of range")
        except (TypeError, KeyError, ValueError):
            raise ApiError(400, "bad_request", "expected {\"offset_s\": number} within "
                           f"±{MAX_CLOCK_OFFSET_S} s") from None
        self.sim.gateway.clock_offset_s = offset
        self._json(200, {"offset_s": self.sim.gateway.clock_offset_s,
                         "server_time": self.sim.gateway.now_iso()})


class PortalSim:
    """The reference gateway: a ``Gateway`` behind a threaded HTTP server."""

    def __init__(
        self,
        data_dir: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        faults: FaultInjector | None = None,
        latency_ms: int = 0,
        kiosk_id: str = "K01",
        unit_code: str = "000.00.00.H56",
        token_ttl_s: float = 3600.0,
        tls: tuple[Path, Path] | None = None,
        timeouts: Timeouts | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.gateway = Gateway(self.data_dir, unit_code=unit_code, token_ttl_s=token_ttl_s)
        self.admin_token_file = self.data_dir / "admin-token"
        self._admin_token = secrets.token_urlsafe(32)
        write_atomic(self.admin_token_file, self._admin_token + "\n", mode=0o600)
        self.faults = faults or FaultInjector()
        self.latency_ms = latency_ms
        self.kiosk_id = kiosk_id
        self.unit_code = unit_code
        self._bytes = 0
        self._bytes_lock = threading.Lock()
        self.httpd = _Server((host, port), Handler)
        self.httpd.sim = self
        self.httpd.timeouts = timeouts or Timeouts()
        self.scheme = "http"
        if tls is not None:
            import ssl

            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(str(tls[0]), str(tls[1]))
            self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
            self.scheme = "https"
        self.credentials_file = self.data_dir / "credentials" / f"{kiosk_id}.json"
        self.credentials = self.gateway.ensure_client(kiosk_id, self.credentials_file)
        self._thread: threading.Thread | None = None
        self._stopped = False

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        assert isinstance(host, str)  # an AF_INET/AF_INET6 server, never AF_UNIX
        return f"{self.scheme}://{host}:{port}"

    def count_bytes(self, n: int) -> None:
        with self._bytes_lock:
            self._bytes += n

    def pause(self) -> None:
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000)

    def admin_authorised(self, authorization: str | None) -> bool:
        """Constant-time check of the admin bearer token."""
        presented = (authorization or "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(presented.encode(), self._admin_token.encode())

    def admin_headers(self) -> dict[str, str]:
        """Headers for a call to this sim's admin API (tests, demo, bench)."""
        return {"Authorization": f"Bearer {self._admin_token}"}

    def stats(self) -> dict[str, Any]:
        with self._bytes_lock:
            n = self._bytes
        return self.gateway.stats(self.faults.counts(), n)

    def write_kiosk_toml(self) -> Path:
        """A ready configuration for a kiosk that talks to this gateway."""
        path = self.data_dir / "kiosk.toml"
        doc = tomlkit.document()
        doc.add(tomlkit.comment("Written by `kiosk portal-sim` for a kiosk that talks to this "
                                "gateway."))
        doc.add("kiosk", {"id": self.kiosk_id, "unit_code": self.unit_code,
                          "data_dir": str(self.data_dir / "kiosk")})
        doc.add(tomlkit.nl())
        gateway = tomlkit.table()
        gateway.update({"url": self.url, "credentials_file": str(self.credentials_file),
                        "portal_public_key": self.gateway.portal_key.public_key_b64,
                        "receipt_public_key": self.gateway.receipt_key.public_key_b64})
        gateway.add(tomlkit.comment("One-time: the kiosk enrols its device key with it on "
                                    "first contact."))
        gateway.add("enrolment_code", self.enrolment_code())
        doc.add("gateway", gateway)
        text = tomlkit.dumps(doc)
        tmp = path.with_suffix(".toml.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        return path

    def enrolment_code(self, *, rotate: bool = False) -> str:
        """A fresh one-time enrolment code for this sim's kiosk."""
        return str(self.gateway.enrolment.issue(self.kiosk_id, rotate=rotate)["enrolment_code"])

    def start(self) -> PortalSim:
        """Serve in a background thread (tests, demo)."""
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="portal-sim",
                                        kwargs={"poll_interval": 0.2}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join(timeout=5)
        self.httpd.server_close()
        self.gateway.close()

    def __enter__(self) -> PortalSim:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


__all__ = ["PortalSim"]
