"""Reading the QR code of a Vietnamese chip ID card (CCCD / thẻ căn cước), reference §2.

The payload is ``|``-separated UTF-8 text::

    <ID, 12 digits>|<old CMND, 9 digits or empty>|<name>|<birth ddmmyyyy>|<Nam|Nữ>|<address>
    |<issue ddmmyyyy>[|<4 slots of the thẻ căn cước>]     (one line)

Variants handled: an empty old-ID field (empty fields are never dropped), a 12-digit old ID, cards
with 6 fields (no old-ID field at all: fields are located by pattern), the new thẻ căn cước's 11
fields (the 7-field prefix, then slots whose order is not published: ID numbers among them are kept
as cancelled ID numbers, names as the parents of a child's card, the raw text kept), a year-only
birth date (``00001950``, a day or month of ``00``, or ``1950``), NFD text (normalised to NFC
first), and addresses containing commas. Text that is not in the card's ``|``-separated format
(e.g. a VNeID code whose format is not published) or whose fields are in an order the kiosk does
not know is refused as ``unknown_format``, never parsed out of line. A health-insurance (BHYT)
card QR, also ``|``-separated but with hex-encoded fields, is recognised and refused with its own
reason. A payload holding a control or invisible
format character (bidirectional overrides, zero-width joiners, a BOM after the start) anywhere is
refused: what the slip shows must be what is stored.

The parser never raises and never returns a half-parsed identity: either every field is valid or
the result is a :class:`QrRefusal` with a stable code, a Vietnamese message for the citizen and an
English detail for staff that carries no personal data (positions and lengths only, never values).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from appliance.domain.identity import CardKind, Identity, IdentitySource

MAX_TEXT_LEN = 1024
"""Longest payload accepted, in characters. A real card QR is 100–400 characters."""
MAX_BYTES_LEN = 4 * MAX_TEXT_LEN
MAX_NAME_LEN = 100
MAX_ADDRESS_LEN = 400

_RETRY_VI = (
    "Xin vui lòng giữ thẻ yên, đưa lại mã QR gần máy ảnh, hoặc chọn nhập thông tin bằng bàn phím."
)
_WRONG_CARD_VI = (
    "Xin vui lòng đưa mã QR trên thẻ căn cước gắn chip (hoặc mã QR CCCD trong ứng dụng VNeID) "
    "vào trước máy ảnh, hoặc chọn nhập thông tin bằng bàn phím."
)

MESSAGES_VI: dict[str, str] = {
    "unknown_format": (
        "Mã QR này không phải mã QR in trên thẻ căn cước. Xin vui lòng đưa mã QR trên thẻ căn cước "
        "vào trước máy ảnh; nếu dùng ứng dụng VNeID, xin mở mã QR của thẻ căn cước (không dùng mã "
        "QR định danh điện tử), hoặc chọn nhập thông tin bằng bàn phím."
    ),
    "empty": "Không đọc được nội dung mã QR. " + _RETRY_VI,
    "not_text": "Không đọc được nội dung mã QR. " + _RETRY_VI,
    "too_long": "Mã QR này không phải của thẻ căn cước. " + _WRONG_CARD_VI,
    "health_insurance_card": "Đây là mã QR của thẻ bảo hiểm y tế. " + _WRONG_CARD_VI,
    "not_id_card": "Mã QR này không phải của thẻ căn cước. " + _WRONG_CARD_VI,
    "truncated": "Mã QR trên thẻ chưa được đọc hết. " + _RETRY_VI,
    "invalid_id_number": "Số định danh trong mã QR không hợp lệ. " + _RETRY_VI,
    "invalid_date": "Ngày tháng trong mã QR không hợp lệ. " + _RETRY_VI,
    "invalid_name": "Họ tên trong mã QR không đọc được đúng. " + _RETRY_VI,
    "invalid_sex": "Giới tính trong mã QR không hợp lệ. " + _RETRY_VI,
    "invalid_address": "Địa chỉ trong mã QR không hợp lệ. " + _RETRY_VI,
}
"""Citizen-facing text per refusal code (NFC, full diacritics, says what to do next)."""


@dataclass(frozen=True)
class QrRefusal:
    """Why a QR payload is not accepted as an ID card."""

    code: str
    """Stable English code (a key of MESSAGES_VI)."""
    reason_vi: str
    """Plain Vietnamese for the citizen, saying what to do next."""
    reason_en: str
    """Precise English for staff and logs; no personal data."""


def _refuse(code: str, detail: str) -> QrRefusal:
    return QrRefusal(code=code, reason_vi=MESSAGES_VI[code], reason_en=detail)


_DIGITS12 = re.compile(r"[0-9]{12}")
_DIGITS9 = re.compile(r"[0-9]{9}")
_DATE8 = re.compile(r"[0-9]{8}")
_YEAR4 = re.compile(r"[0-9]{4}")
_ID_LIST = re.compile(r"[0-9]{9}(?:[0-9]{3})?(?:[,; ]+[0-9]{9}(?:[0-9]{3})?)*")
_BHYT_CARD = re.compile(r"[A-Z]{2}[0-9]{13}")
_BHYT_CODE10 = re.compile(r"[0-9]{10}")
_HEX = re.compile(r"(?:[0-9a-fA-F]{2})+")
_SEX = {"nam": "Nam", "nữ": "Nữ"}
_NAME_PUNCT = set(" '-.")


def parse_card_qr(payload: str | bytes) -> Identity | QrRefusal:
    """An Identity (source CARD_QR, raw = the NFC text) or the reason the payload is refused."""
    try:
        return _parse(payload)
    except Exception as exc:
        return _refuse("not_id_card", f"internal parser error ({type(exc).__name__})")


def _decode(payload: str | bytes) -> str | QrRefusal:
    if isinstance(payload, bytes | bytearray | memoryview):
        data = bytes(payload)
        if len(data) > MAX_BYTES_LEN:
            return _refuse("too_long", f"payload is {len(data)} bytes, limit {MAX_BYTES_LEN}")
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return _refuse("not_text", f"payload is not UTF-8 (invalid byte at offset {exc.start})")
    if isinstance(payload, str):
        if len(payload) > MAX_BYTES_LEN:
            return _refuse(
                "too_long", f"payload is {len(payload)} characters, limit {MAX_TEXT_LEN}"
            )
        return payload.removeprefix("\ufeff")
    return _refuse("not_text", f"payload is a {type(payload).__name__}, expected text or bytes")


def _parse(payload: str | bytes) -> Identity | QrRefusal:
    decoded = _decode(payload)
    if isinstance(decoded, QrRefusal):
        return decoded
    text = unicodedata.normalize("NFC", decoded).strip()
    if len(text) > MAX_TEXT_LEN:
        return _refuse("too_long", f"payload is {len(text)} characters, limit {MAX_TEXT_LEN}")
    if not text:
        return _refuse("empty", "payload is empty or blank")
    hidden = _hidden_character(text)
    if hidden:
        return _refuse("not_id_card", hidden)
    if "|" not in text:
        return _refuse("unknown_format", f"no '|'-separated fields ({len(text)} characters)")
    fields = [f.strip() for f in text.split("|")]
    if _looks_like_bhyt(fields):
        return _refuse(
            "health_insurance_card", "health-insurance (BHYT) card QR: hex-encoded fields"
        )
    first = fields[0]
    if not first.isdigit() or not first.isascii():
        return _refuse("not_id_card", f"field 1 is not a number ({len(fields)} fields)")
    if not _DIGITS12.fullmatch(first):
        if len(first) < 12 and len(fields) <= 2:
            return _refuse("truncated", f"ID field has {len(first)} of 12 digits and ends the text")
        return _refuse("invalid_id_number", f"ID field has {len(first)} digits, expected 12")
    return _parse_fields(fields, text)


_HIDDEN = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")
"""Control, format (bidirectional overrides U+202A–U+202E and U+2066–U+2069, zero-width U+200B–
U+200D, U+2060, a BOM U+FEFF inside the text, soft hyphen …), surrogate, private-use, unassigned
and line/paragraph-separator characters. No card prints one; in a name or address they would make
the slip and the dossier show a text other than the bytes that are stored."""


def _hidden_character(text: str) -> str | None:
    """Why ``text`` is refused for an invisible character (code point and field, never a value)."""
    field_no = 1
    for c in text:
        if c == "|":
            field_no += 1
        elif unicodedata.category(c) in _HIDDEN:
            kind = "control" if unicodedata.category(c) == "Cc" else "invisible or format"
            return f"payload contains the {kind} character U+{ord(c):04X} in field {field_no}"
    return None


def _looks_like_bhyt(fields: list[str]) -> bool:
    """BHYT card QR: a card code (2 letters + 13 digits, or a 10-digit code) then hex-coded name."""
    if len(fields) < 4:
        return False
    card = fields[0].upper()
    if not (_BHYT_CARD.fullmatch(card) or _BHYT_CODE10.fullmatch(card)):
        return False
    return bool(_HEX.fullmatch(fields[1])) and len(fields[1]) >= 4


def _parse_fields(fields: list[str], text: str) -> Identity | QrRefusal:
    id_number = fields[0]
    second = fields[1]
    if second == "" or _DIGITS9.fullmatch(second) or _DIGITS12.fullmatch(second):
        old_id: str | None = second or None
        rest = fields[2:]
        layout = "7-field"
    elif second.isdigit():
        return _refuse(
            "invalid_id_number", f"old-ID field has {len(second)} digits, expected 9 or 12"
        )
    else:
        old_id = None
        rest = fields[1:]
        layout = "6-field (no old-ID field)"
    if len(rest) < 5:
        return _refuse(
            "truncated", f"{layout} layout with only {len(rest)} of 5 fields after the IDs"
        )
    sex_s, issue_s = rest[2], rest[4]
    if len(rest) == 5 and issue_s.isdigit() and len(issue_s) < 8:
        return _refuse("truncated", f"issue date has {len(issue_s)} of 8 digits and ends the text")
    if sex_s.casefold() not in _SEX and any(f.casefold() in _SEX for f in rest[:5]):
        where = next(i for i, f in enumerate(rest[:5]) if f.casefold() in _SEX)
        return _refuse(
            "unknown_format", f"{layout} layout: the sex is field {where + 1} after the IDs, not 3"
        )
    return _check_fields(id_number, old_id, rest, text)


def _check_fields(
    id_number: str, old_id: str | None, rest: list[str], text: str
) -> Identity | QrRefusal:
    name, birth_s, sex_s, address, issue_s = rest[:5]

    name_problem = _name_problem(name)
    if name_problem:
        return _refuse("invalid_name", f"name field: {name_problem}")
    birth = _parse_birth(birth_s)
    if birth is None:
        return _refuse("invalid_date", f"birth-date field: {_date_problem(birth_s)}")
    sex = _SEX.get(sex_s.casefold())
    if sex is None:
        return _refuse("invalid_sex", f"sex field has {len(sex_s)} characters, expected Nam or Nữ")
    if not address or len(address) > MAX_ADDRESS_LEN or not any(c.isalpha() for c in address):
        return _refuse(
            "invalid_address",
            f"address field has {len(address)} characters, "
            f"expected 1–{MAX_ADDRESS_LEN} with letters",
        )
    issue = _parse_date(issue_s)
    if issue is None:
        return _refuse("invalid_date", f"issue-date field: {_date_problem(issue_s)}")
    born_year = birth.year if isinstance(birth, dt.date) else birth
    if issue.year < born_year or (isinstance(birth, dt.date) and issue < birth):
        return _refuse("invalid_date", "issue date is before birth date")
    trailing = rest[5:]
    return Identity(
        id_number=id_number,
        full_name=" ".join(name.split()),
        birth_date=birth if isinstance(birth, dt.date) else None,
        sex=sex,
        address=" ".join(address.split()),
        issue_date=issue,
        old_id_number=old_id,
        source=IdentitySource.CARD_QR,
        raw=text,
        birth_year=None if isinstance(birth, dt.date) else birth,
        card=CardKind.CAN_CUOC if trailing else CardKind.CCCD_CHIP,
        cancelled_ids=tuple(n for f in trailing if _ID_LIST.fullmatch(f)
                            for n in re.findall(r"[0-9]+", f)),
        parents=tuple(" ".join(f.split()) for f in trailing
                      if f and not f.isdigit() and _name_problem(f) is None),
    )


def _name_problem(name: str) -> str | None:
    if not name:
        return "empty"
    if len(name) > MAX_NAME_LEN:
        return f"{len(name)} characters, limit {MAX_NAME_LEN}"
    if not any(c.isalpha() for c in name):
        return "no letters"
    for c in name:
        if c in _NAME_PUNCT or (c.isalpha() and unicodedata.name(c, "").startswith("LATIN")):
            continue
        if unicodedata.combining(c):
            return "combining mark left after NFC (not a Vietnamese letter)"
        return f"character U+{ord(c):04X} is not a Latin letter (possible decoder mis-encoding)"
    return None


def _parse_date(s: str) -> dt.date | None:
    if not _DATE8.fullmatch(s):
        return None
    try:
        d = dt.date(int(s[4:]), int(s[2:4]), int(s[:2]))
    except ValueError:
        return None
    return d if 1900 <= d.year <= 2100 else None


def _parse_birth(s: str) -> dt.date | int | None:
    """A full birth date, or the year alone (an int) for ``00001950``, ``00031950``,
    ``15001950`` (a day or month of 00) or ``1950``."""
    if _YEAR4.fullmatch(s):
        year = int(s)
    elif _DATE8.fullmatch(s) and (s[:2] == "00" or s[2:4] == "00"):
        if int(s[:2]) > 31 or int(s[2:4]) > 12:
            return None
        year = int(s[4:])
    else:
        return _parse_date(s)
    return year if 1900 <= year <= 2100 else None


def _date_problem(s: str) -> str:
    if not _DATE8.fullmatch(s):
        return f"{len(s)} characters, expected 8 digits ddmmyyyy"
    return "not a calendar date in 1900–2100"


__all__ = ["MESSAGES_VI", "QrRefusal", "parse_card_qr"]
