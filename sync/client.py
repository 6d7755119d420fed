"""The kiosk's side of the gateway contract (docs/gateway-api.yaml): one method per endpoint.

Every request carries explicit (connect, read) timeouts and goes through one place that
classifies failures (``sync.errors``) and checks that a success really is the gateway speaking
JSON: a Wi-Fi login page answers ``200`` too. Short in-request retries (tenacity, jittered
exponential, Retry-After honoured) ride out single dropped requests; anything longer is the
daemon's per-record backoff. An expired bearer token is renewed and the request repeated once.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
import tenacity

from sync.errors import (
    AuthError,
    CaptivePortal,
    RateLimited,
    SyncError,
    TokenExpired,
    Transient,
    classify_exception,
    classify_response,
)

log = logging.getLogger("sync")
SERVICE_NAME = "kiosk-gateway"
JSON = "application/json"


class Stopping(Exception):
    """The daemon is shutting down: abandon the current wait."""


@dataclass(frozen=True)
class Credentials:
    client_id: str
    client_secret: str

    @classmethod
    def load(cls, path: Path) -> Credentials:
        """Read the technician-provisioned JSON file; a bad file is an auth problem for staff."""
        from kioskbase.files import FileRefused, read_text

        try:
            data = json.loads(read_text(path, limit=64 * 1024))
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
        credentials: Credentials,
        *,
        kiosk_id: str,
        connect_timeout_s: float = 5.0,
        read_timeout_s: float = 30.0,
        ca_bundle: str = "",
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self.kiosk_id = kiosk_id
        self.timeout = (connect_timeout_s, read_timeout_s)
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        """How in-request retries wait; the daemon swaps in a wait that ends on SIGTERM."""
        self.session = requests.Session()
        self.session.verify = ca_bundle or True
        self.session.headers["User-Agent"] = "kiosk-sync/1"
        self.session.trust_env = False  # a proxy variable must not redirect dossiers
        self._token: str | None = None
        self._token_expires = 0.0
        self._lock = threading.Lock()
        self.bytes_sent = 0
        """Request body bytes handed to the network (payload and retries), for the bench."""

    def close(self) -> None:
        self.session.close()

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
            retry=tenacity.retry_if_exception_type(Transient),
            sleep=self.sleep,
            reraise=True,
            before_sleep=lambda s: log.info("retrying after %s",
                                            s.outcome.exception().describe()),  # type: ignore
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
              ok: tuple[int, ...], headers: dict[str, str] | None = None,
              data: bytes | dict | None = None, **kwargs: Any) -> requests.Response:
        headers = dict(headers or {})
        if auth:
            headers["Authorization"] = f"Bearer {self.token()}"
        if isinstance(data, bytes):
            self.bytes_sent += len(data)
        try:
            response = self.session.request(method, self.base_url + path, headers=headers,
                                            data=data, timeout=self.timeout,
                                            allow_redirects=False, **kwargs)
            _ = response.content  # read it all now: a reset mid-body fails here, not later
        except requests.RequestException as exc:
            raise classify_exception(exc) from None
        if response.status_code not in ok:
            raise classify_response(response, per_record=per_record)
        return response

    def _json(self, response: requests.Response) -> dict[str, Any]:
        """The body of a success, which must be the gateway's JSON object."""
        ctype = response.headers.get("Content-Type", "")
        if not ctype.startswith(JSON):
            raise CaptivePortal(
                f"{response.status_code} answer is {ctype or 'untyped'}, not the gateway's JSON "
                "(a Wi-Fi login page?)")
        try:
            body = json.loads(response.content)
        except (ValueError, UnicodeDecodeError):
            raise Transient("answer is not valid JSON", code="bad_answer") from None
        if not isinstance(body, dict):
            raise Transient("answer is not a JSON object", code="bad_answer")
        return body

    # --- token
    def token(self) -> str:
        with self._lock:
            if self._token and time.monotonic() < self._token_expires:
                return self._token
            response = self._send(
                "POST", "/oauth2/token", per_record=False, auth=False, ok=(200,),
                data={"grant_type": "client_credentials",
                      "client_id": self.credentials.client_id,
                      "client_secret": self.credentials.client_secret})
            body = self._json(response)
            token, ttl = body.get("access_token"), body.get("expires_in", 300)
            if not isinstance(token, str) or not token or not isinstance(ttl, int | float):
                raise Transient("token answer lacks access_token/expires_in", code="bad_answer")
            self._token = token
            self._token_expires = time.monotonic() + max(1.0, float(ttl) - 30.0)
            return token

    def ensure_token(self) -> str:
        """A valid token, fetched with the same in-request retries as any call."""
        return self._retrying()(self.token)

    # --- endpoints
    def health(self) -> dict[str, Any]:
        """The gateway's health; CaptivePortal/Transient unless it is really the gateway."""
        _, body = self.call("GET", "/api/v1/health", auth=False, ok=(200,))
        if body.get("service") != SERVICE_NAME or not isinstance(body.get("server_time"), str):
            raise CaptivePortal("health answer is not the kiosk gateway's")
        return body

    @staticmethod
    def server_time(health: dict[str, Any]) -> dt.datetime:
        try:
            when = dt.datetime.fromisoformat(health["server_time"])
        except (KeyError, TypeError, ValueError):
            raise Transient("health answer has no valid server_time", code="bad_answer") \
                from None
        if when.tzinfo is None:
            raise Transient("server_time has no UTC offset", code="bad_answer")
        return when

    def catalogue(self, etag: str | None) -> tuple[dict[str, Any], str | None] | None:
        """The catalogue and its ETag, or None when ours is current (304)."""
        headers = {"If-None-Match": etag} if etag else {}
        response, body = self.call("GET", "/api/v1/catalogue", headers=headers, ok=(200, 304))
        if response.status_code == 304:
            return None
        return body, response.headers.get("ETag")

    def _answer(self, body: dict[str, Any]) -> Answer:
        missing = body.get("missing")
        receipt = body.get("receipt")
        if not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
            raise Transient("answer lacks the list of missing files", code="bad_answer")
        if receipt is not None and not isinstance(receipt, dict):
            raise Transient("receipt is not an object", code="bad_answer")
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
                            params=params, ok=(200,))
        updates, cursor = body.get("updates"), body.get("cursor")
        if not isinstance(updates, list) or not isinstance(cursor, str):
            raise Transient("updates answer lacks updates/cursor", code="bad_answer")
        return updates, cursor

    def put_rating(self, rating_id: str, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.call("PUT", f"/api/v1/ratings/{rating_id}", per_record=True, data=data,
                  headers={"Content-Type": JSON})

    def heartbeat(self, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.call("PUT", f"/api/v1/kiosks/{self.kiosk_id}/heartbeat", data=data,
                  headers={"Content-Type": JSON}, ok=(200,))


__all__ = ["Answer", "Credentials", "GatewayClient", "RetryPolicy", "Stopping", "SyncError"]
