"""How the kiosk talks HTTP to the gateway: one Session, an overall deadline, bounded answers.

A gateway (or whatever answers in its place) is not trusted to be small or quick. ``requests``
timeouts bound each socket operation, not a request: an answer dripping one byte every two
seconds never trips a 3 s read timeout. So every exchange runs under a ``Deadline``: a timer
that, when the request's time is up (or the daemon is told to stop), shuts down the socket the
request is using, whatever phase it is in (sending, waiting for headers, reading the body).
Answers are read while streaming and refused past a cap per endpoint (``read_capped``).

``gateway_session`` is the one place a Session for the gateway is built, used by the sync
daemon and by the ``kiosk doctor`` probe alike: environment proxies and ``.netrc`` are ignored
(``trust_env = False``), so a proxy variable cannot redirect dossiers or credentials, and both
see the same network path.
"""

from __future__ import annotations

import _socket
import contextlib
import socket
import ssl
import threading
import urllib.parse
from pathlib import Path
from typing import Any

import requests
import urllib3.connection
import urllib3.connectionpool
from requests.adapters import HTTPAdapter

from sync.errors import AnswerTooLarge, BadAnswer, ConfigError

CHUNK = 64 * 1024
_current = threading.local()
"""The Deadline of the request this thread is making, found by the connection classes."""


class Deadline:
    """One request's overall time limit. ``reason`` says why it ended early, if it did:
    ``"deadline"`` (time is up) or ``"stopping"`` (the daemon was told to stop)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.reason: str | None = None
        self._socks: list[socket.socket] = []
        # Re-entrant: abort() may run in a signal handler on the thread that holds the lock.
        self._lock = threading.RLock()
        self._timer = threading.Timer(max(0.0, seconds), self.fire, args=("deadline",))
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        _current.deadline = self
        self._timer.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._timer.cancel()
        _current.deadline = None

    def attach(self, sock: socket.socket) -> None:
        """Watch a socket this request uses; cut it at once if the time is already up. (The
        socket, not the connection: http.client drops ``conn.sock`` when the answer is to end
        with the connection, while the answer is still being read from it.)"""
        with self._lock:
            if all(s is not sock for s in self._socks):
                self._socks.append(sock)
            if self.reason is not None:
                _cut(sock)

    def fire(self, reason: str) -> None:
        """End the request now: shut down its sockets so a blocked send or recv returns."""
        with self._lock:
            if self.reason is None:
                self.reason = reason
            for sock in self._socks:
                _cut(sock)


def _cut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # the plain socket's shutdown: an SSLSocket's own
        _socket.socket.shutdown(sock, socket.SHUT_RDWR)  # would unwrap under a reading thread


def _attach_current(sock: socket.socket | None) -> None:
    deadline = getattr(_current, "deadline", None)
    if deadline is not None and sock is not None:
        deadline.attach(sock)


class _Cuttable:
    """Hands each socket to the thread's Deadline: the TCP socket as soon as it is connected
    (so SIGTERM cuts a TLS handshake too), and a pooled one when it is reused."""

    sock: socket.socket | None

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()  # type: ignore[misc]
        _attach_current(sock)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        _attach_current(self.sock)
        super().request(*args, **kwargs)  # type: ignore[misc]


class _Connection(_Cuttable, urllib3.connection.HTTPConnection):
    pass


class _TLSConnection(_Cuttable, urllib3.connection.HTTPSConnection):
    pass


class _Pool(urllib3.connectionpool.HTTPConnectionPool):
    ConnectionCls = _Connection


class _TLSPool(urllib3.connectionpool.HTTPSConnectionPool):
    ConnectionCls = _TLSConnection  # type: ignore[assignment]


class _Adapter(HTTPAdapter):
    """Connections that a Deadline can cut."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _Pool, "https": _TLSPool}


def gateway_session(ca_bundle: str = "") -> requests.Session:
    """The Session for the gateway (daemon and doctor). A ``ca_bundle`` that is missing,
    unreadable or not PEM certificates is a ConfigError now, not a failure at every request."""
    session = requests.Session()
    session.verify = check_ca_bundle(ca_bundle) or True
    session.trust_env = False  # no proxy variables, no .netrc: the same path for every caller
    session.proxies = {}
    session.headers["User-Agent"] = "kiosk-sync/1"
    session.headers["Accept-Encoding"] = "identity"  # a compressed answer could be a bomb
    adapter = _Adapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def check_ca_bundle(path: str) -> str:
    """The CA bundle path, checked: it must load as certificates (empty: the system store)."""
    if not path:
        return ""
    where = Path(path).expanduser()
    try:
        ssl.create_default_context(cafile=str(where))
    except FileNotFoundError:
        raise ConfigError(f"gateway.ca_bundle {where} does not exist") from None
    except PermissionError:
        raise ConfigError(f"gateway.ca_bundle {where} is not readable") from None
    except (OSError, ssl.SSLError, ValueError) as exc:
        raise ConfigError(f"gateway.ca_bundle {where} holds no usable certificate: "
                          f"{type(exc).__name__}") from None
    return str(where)


def read_capped(response: requests.Response, cap: int) -> bytes:
    """The answer's body, read while streaming and refused as soon as it passes ``cap`` bytes.

    The body is kept as ``response.content`` too, so classification can read an error body."""
    try:
        length = int(response.headers.get("Content-Length", "") or -1)
    except ValueError:
        length = -1
    if length > cap:
        response.close()
        raise AnswerTooLarge(f"answer announces {length} bytes, more than the {cap} allowed")
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        response.close()
        raise BadAnswer(f"answer is {encoding[:20]}-encoded although identity was asked for")
    body = bytearray()
    for chunk in response.iter_content(CHUNK):  # identity: nothing to decode
        body += chunk
        if len(body) > cap:
            response.close()
            raise AnswerTooLarge(f"answer is longer than the {cap} bytes allowed")
    response._content = bytes(body)
    response._content_consumed = True
    response.close()  # hands the connection back to the pool
    return response._content


def redact_url(url: str) -> str:
    """The URL without any user name or password, for logs and staff messages."""
    try:
        parts = urllib.parse.urlsplit(url)
        if "@" not in parts.netloc:
            return url
        return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
    except ValueError:
        return "<unparseable URL>"
