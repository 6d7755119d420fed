"""The gateway's checks on a dossier (docs/manifest.md), as HTTP errors.

The checks themselves live in ``appliance.manifest`` (one implementation for the gateway sim,
the tests and auditors); here each ``ManifestError`` becomes an ``ApiError`` with the same stable
code, which the HTTP layer turns into the JSON error body.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, TypeVar

from appliance import manifest as checks
from appliance.manifest import MAX_FILE_BYTES, SHA256_RE, is_int

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

__all__ = ["MAX_FILE_BYTES", "SHA256_RE", "UUID_RE", "ApiError", "is_int"]

T = TypeVar("T")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, **extra: object) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra


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
            "KenhThucHien", "HoSoCoThanhPhanSoHoa", "NguonDinhDanh")
    out = {k: payload[k] for k in keep if k in payload}
    out["pages"] = len(manifest.get("files", []))
    return out


