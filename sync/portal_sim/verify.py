"""The gateway's checks on a dossier (docs/manifest.md), as HTTP errors.

The checks themselves live in ``appliance.manifest`` (one implementation for the gateway sim,
the tests and auditors); here each ``ManifestError`` becomes an ``ApiError`` with the same stable
code, which the HTTP layer turns into the JSON error body.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Any, TypeVar

from appliance import manifest as checks
from appliance.manifest import MAX_FILE_BYTES, SHA256_RE, is_int

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

__all__ = ["MAX_FILE_BYTES", "SHA256_RE", "UUID_RE", "ApiError", "is_int", "parse_json"]

MAX_JSON_DEPTH = 32
"""Deepest nesting a request body may have; the contract's documents need fewer than 8 levels."""

T = TypeVar("T")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, **extra: object) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra


def parse_json(raw: bytes) -> object:
    """A request body as JSON, or ApiError 400 (never a 500): not UTF-8, not JSON, an integer
    longer than Python's digit limit, or nesting deeper than ``MAX_JSON_DEPTH``."""
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ApiError(400, "bad_request", "body is not UTF-8 JSON within the limits") from None
    if _depth(value) > MAX_JSON_DEPTH:
        raise ApiError(400, "bad_request", f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    return value


def _depth(value: object) -> int:
    """Nesting depth, computed without recursion (a deep document must not crash the check)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level <= MAX_JSON_DEPTH:
                stack.extend((v, level + 1) for v in (item.values() if isinstance(item, dict)
                                                      else item))
    return deepest


def _as_api_error(fn: Callable[..., T]) -> Callable[..., T]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        except checks.ManifestError as exc:
            raise ApiError(exc.status, exc.code, exc.message) from None

    return wrapper


check_envelope = _as_api_error(checks.check_envelope)
check_files = _as_api_error(checks.check_files)
open_payload = _as_api_error(checks.open_payload)
check_pages = _as_api_error(checks.check_pages)


def summary(manifest: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    """What the admin API shows of a dossier: decrypted, but only the routing-relevant fields."""
    keep = ("MaHoSo", "MaTTHC", "TenTTHC", "ChuHoSo", "NgayNopHoSo", "NgayHenTra",
            "KenhThucHien", "HoSoCoThanhPhanSoHoa", "NguonDinhDanh", "MucDoXacThucDinhDanh",
            "XacThucChip")
    out = {k: payload[k] for k in keep if k in payload}
    out["identity_assurance"] = manifest.get("identity_assurance")
    out["pages"] = len(manifest.get("files", []))
    return out


