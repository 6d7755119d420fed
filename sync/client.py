"""The kiosk's side of the gateway contract (docs/gateway-api.yaml): one method per endpoint.

Every request carries explicit (connect, read) timeouts and an overall deadline, its answer is
read under a size cap for its endpoint (``sync.transport``), and it goes through one place that
classifies failures (``sync.errors``) and checks that a success really is the gateway speaking
JSON: a Wi-Fi login page answers ``200`` too. Redirects are never followed (a 3xx is a captive
portal). Short in-request retries (tenacity, jittered
exponential, Retry-After honoured) ride out single dropped requests; anything longer is the
daemon's per-record backoff. An expired bearer token is renewed and the request repeated once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
import tenacity
import urllib3.exceptions

from sync import safejson
from sync.errors import (
    AuthError,
    BadAnswer,
    CaptivePortal,
    DeadlineExceeded,
    RateLimited,
    SyncError,
    TokenExpired,
    Transient,
    classify_exception,
    classify_response,
)
from sync.transport import Deadline, gateway_session, read_capped, redact_url

log = logging.getLogger("sync")
SERVICE_NAME = "kiosk-gateway"
JSON = "application/json"

KIB, MIB = 1024, 1024 * 1024
HEALTH_CAP = 64 * KIB
"""Largest answer accepted from /health and /oauth2/token (a real one is ~100 bytes)."""
ERROR_CAP = 64 * KIB
"""Largest error body read; a longer one is dropped and the status alone classifies it."""
ANSWER_CAP = 1 * MIB
"""Dossier, file, rating and heartbeat answers (a receipt and a list of missing files)."""
UPDATES_CAP = 4 * MIB
CATALOGUE_CAP = 8 * MIB
"""The catalogue (today ~27 KB) may grow with the province's procedures."""
MIN_RATE = 128 * KIB
"""Bytes per second the deadline grants for the request body and the answer's cap (1 Mbit/s)."""


class Stopping(Exception):
    """The daemon is shutting down: abandon the current wait."""


CREDENTIALS_LIMIT = 64 * 1024
"""The credentials file holds an id, a secret and perhaps an enrolment code: a few hundred bytes."""


def read_credentials_json(path: Path) -> Any:
    """The credentials file's JSON, read bounded (a FIFO, a device or a huge file is refused at
    once, FileRefused); ValueError when it is not JSON or nested too deep to parse."""
    from kioskbase.files import read_text

    text = read_text(path, limit=CREDENTIALS_LIMIT)
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("nested too deep") from None


@dataclass(frozen=True)
class Credentials:
    client_id: str
    client_secret: str

    @classmethod
    def load(cls, path: Path) -> Credentials:
        """Read the technician-provisioned JSON file; a bad file is an auth problem for staff."""
        from kioskbase.files import FileRefused

        try:
            data = read_credentials_json(path)
            return cls(str(data["client_id"]), str(data["client_secret"]))
        except FileRefused as exc:  # missing, a FIFO, a device, huge: never blocks or fills memory
            raise AuthError(f"credentials file {exc}", code="credentials") from None
        except (ValueError, KeyError, TypeError, RecursionError) as exc:
            raise AuthError(f"credentials file {path} is unusable: {exc}", code="credentials") \
                from None


@dataclass(frozen=True)
class Answer:
    """The gateway's answer about one dossier (manifest or file PUT)."""

    missing: list[str]
    receipt: dict[str, Any] | None
    replay: bool


@dataclass(frozen=True)
class Health:
    """A successful probe: the gateway answered as itself. ``reason_*`` are for ``doctor``."""

    service: str
    server_time: dt.datetime
    url: str
    """The gateway URL without any credentials (safe to print)."""

    @property
    def reason_vi(self) -> str:
        return "Kết nối được cổng dịch vụ công."

    @property
    def reason_en(self) -> str:
        return f"{self.url}: service {self.service!r}, server time {self.server_time.isoformat()}"


@dataclass
class RetryPolicy:
    """In-request retries: a few quick attempts; the daemon handles longer outages."""

    attempts: int = 4
    base_s: float = 0.2
    cap_s: float = 5.0
    retry_after_cap_s: float = 300.0


class GatewayClient:
    def __init__(
        self,
        base_url: str,
        credentials: Credentials | None,
        *,
        kiosk_id: str,
        connect_timeout_s: float = 5.0,
        read_timeout_s: float = 30.0,
        ca_bundle: str = "",
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        # Credentials in the URL are neither used (requests would send them as Basic auth,
        # maybe in clear) nor logged; refusing them is the configuration's job.
        self.base_url = redact_url(base_url.rstrip("/"))
        self.credentials = credentials
        self.kiosk_id = kiosk_id
        self.timeout = (connect_timeout_s, read_timeout_s)
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        """How in-request retries wait; the daemon swaps in a wait that ends on SIGTERM."""
        self.session = gateway_session(ca_bundle)  # raises ConfigError for a bad ca_bundle
        self._token: str | None = None
        self._token_expires = 0.0
        self._lock = threading.Lock()
        self.bytes_sent = 0
        """Request body bytes handed to the network (payload and retries), for the bench."""
        self.stopping = False
        self._deadlines: set[Deadline] = set()

    def close(self) -> None:
        self.session.close()

    def abort(self) -> None:
        """Stop now (SIGTERM): cut the request in flight; later requests raise Stopping.

        Safe in a signal handler: it only sets a flag and shuts sockets down."""
        self.stopping = True
        for deadline in list(self._deadlines):
            deadline.fire("stopping")

    def deadline_s(self, bytes_out: int, cap: int) -> float:
        """Overall time for one exchange: connect, wait, and move the body and the answer's cap
        at ``MIN_RATE`` at least."""
        return sum(self.timeout) + (bytes_out + cap) / MIN_RATE

    @property
    def display_url(self) -> str:
        """The gateway URL as logs and staff may see it (never with a password)."""
        return self.base_url

    # --- plumbing
    def _wait(self, state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        backoff = tenacity.wait_exponential_jitter(
            multiplier=self.retry.base_s, max=self.retry.cap_s, jitter=self.retry.base_s)(state)
        if isinstance(exc, RateLimited) and exc.retry_after_s is not None:
            return min(max(exc.retry_after_s, backoff), self.retry.retry_after_cap_s)
        return backoff

    def _retrying(self) -> tenacity.Retrying:
        return tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.retry.attempts),
            wait=self._wait,
            retry=tenacity.retry_if_exception(_worth_repeating),
            sleep=self.sleep,
            reraise=True,
            before_sleep=_log_retry,
        )

    def call(self, method: str, path: str, *, per_record: bool = False, auth: bool = True,
             ok: tuple[int, ...] = (200, 201), json_answer: bool = True, **kwargs: Any
             ) -> tuple[requests.Response, dict[str, Any]]:
        """One logical request with in-request retries; raises a classified SyncError.

        Returns the response and, for a JSON answer, its body (checked inside the retry loop, so
        a captive portal's page is retried like any other transient failure)."""
        return self._retrying()(self._call_once, method, path, per_record=per_record,
                                auth=auth, ok=ok, json_answer=json_answer, **kwargs)

    def _call_once(self, method: str, path: str, *, per_record: bool, auth: bool,
                   ok: tuple[int, ...], json_answer: bool, **kwargs: Any
                   ) -> tuple[requests.Response, dict[str, Any]]:
        try:
            response = self._send(method, path, per_record=per_record, auth=auth, ok=ok,
                                  **kwargs)
        except TokenExpired:
            self._token = None
            response = self._send(method, path, per_record=per_record, auth=auth, ok=ok,
                                  **kwargs)
        if not json_answer or response.status_code == 304 or method == "HEAD":
            return response, {}
        return response, self._json(response)

    def _send(self, method: str, path: str, *, per_record: bool, auth: bool,
              ok: tuple[int, ...], cap: int = ANSWER_CAP, headers: dict[str, str] | None = None,
              data: bytes | dict[str, Any] | None = None, **kwargs: Any) -> requests.Response:
        """One HTTP exchange under its deadline, its answer read in full under ``cap``."""
        if self.stopping:
            raise Stopping()
        headers = dict(headers or {})
        if auth:
            headers["Authorization"] = f"Bearer {self.token()}"
        size = len(data) if isinstance(data, bytes) else 0
        self.bytes_sent += size
        with self._deadline(self.deadline_s(size, cap)) as deadline:
            try:
                response = self.session.request(method, self.base_url + path, headers=headers,
                                                data=data, timeout=self.timeout, stream=True,
                                                allow_redirects=False, **kwargs)
                self._read(response, cap if response.status_code in ok else None)
            except (requests.RequestException, urllib3.exceptions.HTTPError, OSError,
                    SyncError) as exc:
                raise _failure(exc, deadline, f"{method} {path}") from None
        if response.status_code not in ok:
            raise classify_response(response, per_record=per_record)
        return response

    @contextlib.contextmanager
    def _deadline(self, seconds: float) -> Iterator[Deadline]:
        with Deadline(seconds) as deadline:
            self._deadlines.add(deadline)
            try:
                if self.stopping:
                    deadline.fire("stopping")
                yield deadline
            finally:
                self._deadlines.discard(deadline)

    @staticmethod
    def _read(response: requests.Response, cap: int | None) -> None:
        """Read the whole answer now (a reset mid-body fails here, not later). ``cap`` None: an
        error body, which past ERROR_CAP is dropped rather than refused."""
        if cap is not None:
            read_capped(response, cap)
            return
        try:
            read_capped(response, ERROR_CAP)
        except BadAnswer:
            response._content = b""

    def _json(self, response: requests.Response) -> dict[str, Any]:
        """The body of a success, which must be the gateway's JSON object."""
        ctype = response.headers.get("Content-Type", "")
        if not ctype.startswith(JSON):
            raise CaptivePortal(
                f"{response.status_code} answer is {ctype or 'untyped'}, not the gateway's JSON "
                "(a Wi-Fi login page?)")
        try:
            body = safejson.loads(response.content)
        except ValueError as exc:
            raise BadAnswer(f"answer is not usable JSON: {str(exc)[:100]}") from None
        if not isinstance(body, dict):
            raise BadAnswer("answer is not a JSON object")
        return body

    # --- token
    def token(self) -> str:
        if self.credentials is None:
            raise AuthError("no credentials: this client can only probe /health",
                            code="credentials")
        with self._lock:
            if self._token and time.monotonic() < self._token_expires:
                return self._token
            response = self._send(
                "POST", "/oauth2/token", per_record=False, auth=False, ok=(200,), cap=HEALTH_CAP,
                data={"grant_type": "client_credentials",
                      "client_id": self.credentials.client_id,
                      "client_secret": self.credentials.client_secret})
            body = self._json(response)
            token, ttl = body.get("access_token"), body.get("expires_in", 300)
            if not isinstance(token, str) or not token or not isinstance(ttl, int | float):
                raise BadAnswer("token answer lacks access_token/expires_in")
            self._token = token
            self._token_expires = time.monotonic() + max(1.0, float(ttl) - 30.0)
            return token

    def ensure_token(self) -> str:
        """A valid token, fetched with the same in-request retries as any call."""
        return self._retrying()(self.token)

    # --- endpoints
    def health(self) -> Health:
        """The probe (daemon and ``kiosk doctor``): bounded in size and time; a SyncError (with
        ``code``, ``reason_vi``, ``reason_en``) unless it is really the gateway answering."""
        _, body = self.call("GET", "/api/v1/health", auth=False, ok=(200,), cap=HEALTH_CAP)
        if body.get("service") != SERVICE_NAME or not isinstance(body.get("server_time"), str):
            raise CaptivePortal(f"{self.display_url}: health answer is not the kiosk gateway's")
        try:
            when = dt.datetime.fromisoformat(body["server_time"])
        except ValueError:
            raise BadAnswer("health answer has no valid server_time") from None
        if when.tzinfo is None:
            raise BadAnswer("server_time has no UTC offset")
        return Health(SERVICE_NAME, when, self.display_url)

    def catalogue(self, etag: str | None) -> tuple[dict[str, Any], str | None] | None:
        """The catalogue and its ETag, or None when ours is current (304)."""
        headers = {"If-None-Match": etag} if etag else {}
        response, body = self.call("GET", "/api/v1/catalogue", headers=headers, ok=(200, 304),
                                   cap=CATALOGUE_CAP)
        if response.status_code == 304:
            return None
        return body, response.headers.get("ETag")

    def trust_store(self, etag: str | None) -> tuple[dict[str, Any], str | None] | None:
        """The signed trust-store document and its ETag, or None when ours is current (304)."""
        headers = {"If-None-Match": etag} if etag else {}
        response, body = self.call("GET", "/api/v1/truststore", headers=headers, ok=(200, 304),
                                   cap=CATALOGUE_CAP)
        if response.status_code == 304:
            return None
        return body, response.headers.get("ETag")

    def _answer(self, body: dict[str, Any]) -> Answer:
        missing = body.get("missing")
        receipt = body.get("receipt")
        if not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
            raise BadAnswer("answer lacks the list of missing files")
        if receipt is not None and not isinstance(receipt, dict):
            raise BadAnswer("receipt is not an object")
        return Answer(missing, receipt, bool(body.get("replay")))

    def put_manifest(self, dossier_id: str, envelope: bytes) -> Answer:
        _, body = self.call("PUT", f"/api/v1/dossiers/{dossier_id}", per_record=True,
                            data=envelope, headers={"Content-Type": JSON})
        return self._answer(body)

    def put_file(self, dossier_id: str, sha256: str, data: bytes) -> Answer | None:
        """Upload one encrypted page. On a retry it first asks (HEAD) whether an earlier attempt
        already stored it — a timeout or a reset can lose the answer of a request the gateway
        completed — and then skips the upload and returns None (no answer, so no receipt)."""
        path = f"/api/v1/dossiers/{dossier_id}/files/{sha256}"
        attempts = 0

        def once() -> Answer | None:
            nonlocal attempts
            attempts += 1
            if attempts > 1 and self._held(path):
                return None
            _, body = self._call_once(
                "PUT", path, per_record=True, auth=True, ok=(200, 201), json_answer=True,
                data=data, headers={"Content-Type": "application/octet-stream"})
            return self._answer(body)

        return self._retrying()(once)

    def _held(self, path: str) -> bool:
        response, _ = self._call_once("HEAD", path, per_record=True, auth=True, ok=(200, 404),
                                      json_answer=False)
        if response.status_code == 200 and not (
                response.headers.get("Content-Type", "").startswith(JSON)
                and "X-Server-Time" in response.headers):
            raise CaptivePortal("HEAD answered 200 without the gateway's headers "
                                "(a Wi-Fi login page?)")
        return response.status_code == 200

    def updates(self, after: str | None) -> tuple[list[dict[str, Any]], str]:
        params = {"after": after} if after else {}
        _, body = self.call("GET", f"/api/v1/kiosks/{self.kiosk_id}/updates",
                            params=params, ok=(200,), cap=UPDATES_CAP)
        updates, cursor = body.get("updates"), body.get("cursor")
        if not isinstance(updates, list) or not isinstance(cursor, str):
            raise BadAnswer("updates answer lacks updates/cursor")
        return updates, cursor

    def put_rating(self, rating_id: str, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.call("PUT", f"/api/v1/ratings/{rating_id}", per_record=True, data=data,
                  headers={"Content-Type": JSON})

    def heartbeat(self, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.call("PUT", f"/api/v1/kiosks/{self.kiosk_id}/heartbeat", data=data,
                  headers={"Content-Type": JSON}, ok=(200,))


def probe(url: str, *, connect_timeout_s: float, read_timeout_s: float, ca_bundle: str = ""
          ) -> Health:
    """One health probe with the daemon's Session, caps and deadline (``kiosk doctor``).
    Raises SyncError (ConfigError for a bad ``ca_bundle``)."""
    client = GatewayClient(url, None, kiosk_id="", connect_timeout_s=connect_timeout_s,
                           read_timeout_s=read_timeout_s, ca_bundle=ca_bundle,
                           retry=RetryPolicy(attempts=1))
    try:
        return client.health()
    finally:
        client.close()


def _worth_repeating(exc: BaseException) -> bool:
    """In-request retries are for dropped requests, not for an answer that would come again."""
    return isinstance(exc, Transient) and not isinstance(exc, BadAnswer | DeadlineExceeded)


def _failure(exc: BaseException, deadline: Deadline, what: str) -> Exception:
    """The error for an exchange that broke; a cut by its Deadline explains the breakage."""
    if deadline.reason == "stopping":
        return Stopping()
    if deadline.reason == "deadline":
        return DeadlineExceeded(f"{what}: no complete answer within {deadline.seconds:.1f} s")
    if isinstance(exc, urllib3.exceptions.HTTPError):
        return Transient(f"{what}: connection broken: {str(exc)[:200]}", code="connection")
    return classify_exception(exc)


def _log_retry(state: tenacity.RetryCallState) -> None:
    """tenacity's ``before_sleep``: only Transient errors are retried, each a SyncError."""
    exc = state.outcome.exception() if state.outcome else None
    log.info("retrying after %s", exc.describe() if isinstance(exc, SyncError) else exc)


__all__ = ["Answer", "Credentials", "GatewayClient", "Health", "RetryPolicy", "Stopping",
           "SyncError", "probe"]
