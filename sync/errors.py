"""Every way a gateway exchange can fail, sorted into what the daemon must do about it (DESIGN §7).

- Transient: refused/reset/timeout, 5xx, HTML where JSON was expected (captive portal), a signed
  receipt that does not echo the dossier → retry with capped, jittered exponential backoff. Two
  kinds are not worth repeating within the request (the same answer would come again): a request
  past its overall deadline (``DeadlineExceeded``) and an answer that is too large, too deep or
  not the gateway's JSON (``BadAnswer``); the daemon's backoff handles them.
- RateLimited: 429/503 → pause the batch for Retry-After (capped).
- AuthError: 401 invalid_client, 403 (device not enrolled, enrolment code refused, forbidden)
  → stop the batch, alert staff.
- TLSFailure: certificate not trusted or not yet valid → stop the batch, alert staff.
- ConfigError: the kiosk's own gateway settings are unusable (a missing CA bundle) → exit 2.
- ClockSkew: server time far from the kiosk's clock → stop the batch, alert staff.
- BadReceipt: a receipt without a valid gateway signature (or no key to check it with) → the
  dossier is not marked sent; retried with backoff; stop the batch, alert staff.
- RecordRejected: 400/404/413/422 about one dossier, 409 conflict → quarantine it, go on.

Every class is a ``kioskbase.errors.BilingualError``: ``code`` is a stable English token for logs
and the staff screen, ``reason_en`` (= ``str(exc)``) the precise reason, ``reason_vi`` what staff
read on the kiosk; messages carry no personal data.
"""

from __future__ import annotations

import email.utils
import re
import time
from typing import Any

import requests

from kioskbase.errors import BilingualError
from sync import safejson


class SyncError(BilingualError):
    """Base class: ``code`` is stable, ``str(exc)`` is the precise English reason; each kind
    carries a default ``reason_vi`` for staff."""

    code = "sync_error"
    reason_vi = "Chưa gửi được hồ sơ lên cổng tiếp nhận; máy sẽ tự gửi lại sau."
    stops_batch = False

    def __init__(self, message: str, *, code: str | None = None,
                 reason_vi: str | None = None) -> None:
        super().__init__(code or type(self).code, reason_vi or type(self).reason_vi, message)


class Transient(SyncError):
    code = "transient"


class DeadlineExceeded(Transient):
    """The whole request (send, wait, read) took longer than its deadline: a drip-fed or stalled
    answer. Not repeated within the request."""

    code = "deadline"
    reason_vi = "Cổng dịch vụ công trả lời quá chậm."


class BadAnswer(Transient):
    """An answer that is not the gateway's usable JSON: too large, nested too deep, not JSON,
    compressed against our wish. Not repeated within the request; the daemon backs off."""

    code = "bad_answer"
    reason_vi = "Cổng dịch vụ công trả lời không đúng định dạng."


class AnswerTooLarge(BadAnswer):
    code = "answer_too_large"


class CaptivePortal(Transient):
    """A 200 page that is not the gateway (Wi-Fi login): never success, never online."""

    code = "captive_portal"
    reason_vi = "Mạng Wi-Fi đang yêu cầu đăng nhập. Hãy đăng nhập mạng hoặc chọn mạng khác."


class RateLimited(Transient):
    code = "rate_limited"

    def __init__(self, message: str, retry_after_s: float | None, *, code: str | None = None
                 ) -> None:
        super().__init__(message, code=code)
        self.retry_after_s = retry_after_s


class TokenExpired(Transient):
    """The bearer token stopped working; the client renews it and repeats the request once."""

    code = "token_expired"


class StopsBatch(SyncError):
    """Retrying cannot help: the batch stops and staff are alerted."""

    stops_batch = True


class AuthError(StopsBatch):
    code = "auth"
    reason_vi = "Cổng tiếp nhận từ chối thông tin xác thực của máy. Hãy báo kỹ thuật viên."


class TLSFailure(StopsBatch):
    code = "tls"
    reason_vi = ("Không xác minh được chứng chỉ bảo mật của cổng tiếp nhận. Hãy kiểm tra ngày giờ "
                 "và báo kỹ thuật viên.")


class ConfigError(StopsBatch):
    """The kiosk's gateway settings cannot work (e.g. ``ca_bundle`` missing): staff must fix
    ``kiosk.toml``; ``kiosk sync`` exits 2 with this one line."""

    code = "config"
    reason_vi = "Cấu hình kết nối cổng dịch vụ công không dùng được. Hãy báo kỹ thuật viên."


class ClockSkew(StopsBatch):
    code = "clock"
    reason_vi = "Đồng hồ của máy lệch nhiều so với cổng tiếp nhận. Hãy chỉnh ngày giờ."


class BadReceipt(StopsBatch):
    """A receipt this kiosk cannot trust: unsigned (``receipt_unsigned``), wrongly signed
    (``receipt_signature``), or no receipt key configured (``receipt_key_missing``). The dossier
    is not marked sent (it would be purged on the strength of a forgery) and is retried."""

    code = "receipt_signature"
    reason_vi = ("Không xác minh được biên nhận của cổng tiếp nhận; hồ sơ sẽ được gửi lại. "
                 "Hãy báo kỹ thuật viên.")


class RecordRejected(SyncError):
    """The gateway refused this one dossier for a reason of its own."""

    code = "rejected"
    reason_vi = "Hồ sơ bị cổng tiếp nhận từ chối. Xem lý do trong danh sách hồ sơ."


class Conflict(RecordRejected):
    code = "conflict"

    def __init__(self, message: str, held_digest: str | None) -> None:
        super().__init__(message)
        self.held_digest = held_digest


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def error_body(response: requests.Response) -> dict[str, Any]:
    """The gateway's JSON error (``code``, ``message``), or {} when the body is not one (or is
    too deep to be one: the status alone then classifies the answer)."""
    if not response.headers.get("Content-Type", "").startswith("application/json"):
        return {}
    try:
        body = safejson.loads(response.content)
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def classify_response(response: requests.Response, *, per_record: bool) -> SyncError:
    """The error for a non-success response. ``per_record``: the request was about one dossier
    (or rating), so a 4xx about its content quarantines it instead of stopping the batch."""
    status = response.status_code
    body = error_body(response)
    code = _bounded_code(body.get("code") or body.get("error") or _bearer_error(response)
                         or f"http_{status}")
    message = str(body.get("message") or response.reason or "")[:300]
    where = f"{response.request.method} {_path(response)} → {status} {code}"
    if 300 <= status < 400:  # the gateway never redirects; a Wi-Fi login page does
        where_to = response.headers.get("Location", "")[:100]
        return CaptivePortal(f"{where}: redirected to {where_to or 'elsewhere'}")
    if status in (429, 503):
        retry = parse_retry_after(response.headers.get("Retry-After"))
        return RateLimited(f"{where}: {message}", retry, code=code)
    if status == 401:
        if code in ("token_expired", "invalid_token"):
            return TokenExpired(f"{where}: {message}", code=code)
        return AuthError(f"{where}: {message}", code=code)
    if status == 403:
        return AuthError(f"{where}: {message}", code=code)
    if status >= 500 or status == 408:
        return Transient(f"{where}: {message}", code=code)
    if status == 409 and per_record:
        held = body.get("held_digest")
        return Conflict(f"{where}: {message}", held if isinstance(held, str) else None)
    if per_record and status in (400, 404, 409, 410, 411, 413, 415, 422):
        return RecordRejected(f"{where}: {message}", code=code)
    return Transient(f"{where}: unexpected answer: {message}", code=code)


def classify_exception(exc: BaseException) -> SyncError:
    """The error for an exception raised by ``requests`` (no response, or a broken one)."""
    if isinstance(exc, SyncError):
        return exc
    if isinstance(exc, requests.exceptions.SSLError):
        return TLSFailure(f"TLS verification failed: {_short(exc)}")
    if isinstance(exc, requests.exceptions.Timeout):
        return Transient(f"timeout: {_short(exc)}", code="timeout")
    if isinstance(exc, requests.exceptions.ConnectionError):
        return Transient(f"connection failed: {_short(exc)}", code="connection")
    if isinstance(exc, requests.exceptions.ChunkedEncodingError | requests.exceptions.
                  ContentDecodingError):
        return Transient(f"connection broken mid-answer: {_short(exc)}", code="connection")
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema):
        return AuthError(f"gateway URL is not usable: {_short(exc)}", code="config")
    if isinstance(exc, requests.exceptions.RequestException | OSError):
        return Transient(f"request failed: {_short(exc)}", code="connection")
    raise exc


def _bearer_error(response: requests.Response) -> str | None:
    """RFC 6750 ``WWW-Authenticate: Bearer error="…"`` — the only reason a HEAD can carry."""
    found = re.search(r'error="([a-z_]+)"', response.headers.get("WWW-Authenticate", ""))
    return found.group(1) if found else None


def _bounded_code(value: object) -> str:
    """The gateway's error code as a short token: it is stored, so never unbounded or free text."""
    return re.sub(r"[^a-z0-9_]", "_", str(value).lower()[:64]) or "unknown"


def _short(exc: BaseException) -> str:
    return str(exc)[:300]


def _path(response: requests.Response) -> str:
    url = response.request.url or ""
    return "/" + url.split("/", 3)[3] if url.count("/") >= 3 else url
