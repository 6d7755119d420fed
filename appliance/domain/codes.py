"""Dossier codes a kiosk issues offline, and the QR on the slip that carries them.

The staff counter numbers dossiers ``{unit}-{yyMMdd}-{NNNN}`` from a daily per-unit counter
(reference §3). An offline kiosk cannot share that counter, so its codes live in their own space:

    {unit_code}-{yyMMdd}-{kiosk_id}-{NNNN}        e.g. 000.00.00.H56-261129-K01-0007

* the kiosk segment is the configured kiosk id exactly as it is (upper-cased), with no letter
  added: the slip's "Máy tiếp nhận K01" and the code's ``K01`` read the same (issue 14 item 5;
  codes issued before carried ``K`` + id, e.g. ``KK01``, and still parse);
* a kiosk code has four ``-``-separated parts, a counter code three (no part contains ``-``), so
  a kiosk code never equals a counter code;
* two kiosks of one unit differ in their kiosk id (unique within the unit, case-insensitive);
* the per-day sequence number comes from the store's atomic counter (one per kiosk and day).

The gateway's own code (MaHoSo) arrives later with the receipt and is stored beside this one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MAX_CODE_LEN = 64
"""Longest code accepted from outside (a typed or scanned code); real codes are ~30 characters."""
MAX_QR_TEXT_LEN = 2048
"""Longest slip-QR text looked at; anything longer is not one of our slips."""
LOOKUP_PARAM = "ma"
"""Query parameter of the lookup page that carries the dossier code (``<lookup_url>?ma=<code>``)."""

_UNIT_RE = re.compile(r"[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*")
_KIOSK_RE = re.compile(r"[A-Za-z0-9]{1,8}")
_KIOSK_CODE_RE = re.compile(
    r"(?P<unit>[A-Z0-9]+(?:\.[A-Z0-9]+)*)-(?P<day>[0-9]{6})-(?P<kiosk>[A-Z0-9]{1,9})-(?P<seq>[0-9]{4,6})"
)
_COUNTER_CODE_RE = re.compile(
    r"(?P<unit>[A-Z0-9]+(?:\.[A-Z0-9]+)*)-(?P<day>[0-9]{6})-(?P<seq>[0-9]{4,6})"
)


@dataclass(frozen=True)
class DossierCode:
    """A parsed kiosk dossier code."""

    unit_code: str
    kiosk_id: str
    day: dt.date
    seq: int

    def __str__(self) -> str:
        return format_dossier_code(self.unit_code, self.kiosk_id, self.day, self.seq)


def format_dossier_code(unit_code: str, kiosk_id: str, day: dt.date, seq: int) -> str:
    """The code of the ``seq``-th dossier this kiosk finalized on ``day`` (local date).

    Raises ValueError on an impossible input: these come from kiosk.toml and the store, so a bad
    one is a programming or configuration error, never a citizen's.
    """
    if not _UNIT_RE.fullmatch(unit_code):
        raise ValueError("unit_code must be letters/digits separated by dots, e.g. 000.00.00.H56")
    if not _KIOSK_RE.fullmatch(kiosk_id):
        raise ValueError("kiosk_id must be 1–8 letters or digits")
    if not isinstance(seq, int) or isinstance(seq, bool) or not 1 <= seq <= 999_999:
        raise ValueError("seq must be a whole number from 1 to 999999")
    if not 2000 <= day.year <= 2099:
        raise ValueError("day must be in 2000–2099 (the code carries a 2-digit year)")
    return f"{unit_code.upper()}-{day:%y%m%d}-{kiosk_id.upper()}-{seq:04d}"


def _normalise(text: str) -> str | None:
    if not isinstance(text, str) or len(text) > MAX_CODE_LEN:
        return None
    return text.strip().upper()


def parse_dossier_code(text: str) -> DossierCode | None:
    """The parts of a kiosk code (case-insensitive, surrounding blanks ignored), or None."""
    norm = _normalise(text)
    if norm is None:
        return None
    m = _KIOSK_CODE_RE.fullmatch(norm)
    if not m:
        return None
    day = _parse_day(m["day"])
    seq = int(m["seq"])
    if day is None or seq == 0:
        return None
    return DossierCode(unit_code=m["unit"], kiosk_id=m["kiosk"], day=day, seq=seq)


def is_counter_code(text: str) -> bool:
    """True for a code in the staff counter's format ``{unit}-{yyMMdd}-{NNNN}``."""
    norm = _normalise(text)
    if norm is None:
        return False
    m = _COUNTER_CODE_RE.fullmatch(norm)
    return m is not None and _parse_day(m["day"]) is not None and int(m["seq"]) > 0


def normalise_lookup_code(text: str) -> str | None:
    """A kiosk or counter code in canonical (upper-case) form, or None if it is neither."""
    norm = _normalise(text)
    if norm is None:
        return None
    if parse_dossier_code(norm) is not None or is_counter_code(norm):
        return norm
    return None


def _parse_day(yymmdd: str) -> dt.date | None:
    """Codes carry a 2-digit year of this century (strptime would put 69–99 in the 1900s)."""
    try:
        return dt.date(2000 + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:]))
    except ValueError:
        return None


def slip_qr_url(lookup_url: str, code: str) -> str:
    """What the slip's QR encodes: the lookup page with the code as ``?ma=``.

    Existing query parameters of ``lookup_url`` are kept; an existing ``ma`` is replaced.
    """
    parts = urlsplit(lookup_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("lookup_url must be an http(s) URL")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != LOOKUP_PARAM]
    query.append((LOOKUP_PARAM, code))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def code_from_slip_qr(text: str) -> str | None:
    """The dossier code in a scanned slip QR: a lookup URL with ``?ma=`` or a bare code.

    Accepts kiosk and counter codes (a citizen may rate or track a counter dossier too); anything
    else — another site's QR, an ID card, garbage — gives None. Never raises.
    """
    if not isinstance(text, str) or len(text) > MAX_QR_TEXT_LEN:
        return None
    text = text.strip()
    if "://" not in text:
        return normalise_lookup_code(text)
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    values = [v for k, v in parse_qsl(parts.query, keep_blank_values=True) if k == LOOKUP_PARAM]
    if len(values) != 1:
        return None
    return normalise_lookup_code(values[0])


__all__ = [
    "LOOKUP_PARAM",
    "DossierCode",
    "code_from_slip_qr",
    "format_dossier_code",
    "is_counter_code",
    "normalise_lookup_code",
    "parse_dossier_code",
    "slip_qr_url",
]
