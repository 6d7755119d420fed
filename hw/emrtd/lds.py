"""The logical data structure's files this kiosk reads: EF.COM, DG1 (MRZ), DG13 (Vietnam).

DG13 of the CCCD is not in ICAO 9303; its layout as reported by readers of real cards
(docs/identity.md): tag 0x6D around a SEQUENCE of a version INTEGER, an OID and a SET of
``SEQUENCE { INTEGER n, value… }`` where n numbers the field (``DG13_FIELDS``). Values are UTF-8
strings; field 13 (parents) carries two. Parsing is strict and bounded like :mod:`~hw.emrtd.tlv`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from hw.emrtd import tlv
from hw.emrtd.bac import check_digit
from hw.emrtd.errors import MalformedData

DG_TAGS = {
    0x61: 1, 0x75: 2, 0x63: 3, 0x76: 4, 0x65: 5, 0x66: 6, 0x67: 7, 0x68: 8,
    0x69: 9, 0x6A: 10, 0x6B: 11, 0x6C: 12, 0x6D: 13, 0x6E: 14, 0x6F: 15, 0x70: 16,
}  # fmt: skip
DG13_FIELDS = {
    1: "id_number", 2: "full_name", 3: "birth_date", 4: "sex", 5: "nationality",
    6: "ethnicity", 7: "religion", 8: "hometown", 9: "residence", 10: "marks",
    11: "issue_date", 12: "expiry_date", 13: "parents", 14: "spouse", 15: "old_id_number",
}  # fmt: skip
STRING_TAGS = (0x0C, 0x13, 0x16)
"""UTF8String, PrintableString, IA5String."""


@dataclass(frozen=True)
class Com:
    lds_version: str
    unicode_version: str
    data_groups: tuple[int, ...]


def parse_com(data: bytes) -> Com:
    outer = tlv.decode(data, 0x60)
    try:
        lds = outer.child(0x5F01).value.decode("ascii")
        uni = outer.child(0x5F36).value.decode("ascii")
    except UnicodeDecodeError as exc:
        raise MalformedData("com", "version is not ASCII") from exc
    tags = outer.child(0x5C).value
    unknown = [t for t in tags if t not in DG_TAGS]
    if unknown:
        raise MalformedData("com", f"unknown data group tag {unknown[0]:02X}")
    return Com(lds, uni, tuple(DG_TAGS[t] for t in tags))


@dataclass(frozen=True)
class Mrz:
    document_code: str
    issuing_state: str
    document_number: str
    optional_data: str
    birth_date: str
    """YYMMDD as printed."""
    sex: str
    expiry_date: str
    nationality: str
    names: str
    """The name field with '<' as printed: ``SURNAME<<GIVEN<NAMES``."""


def _checked(text: str, start: int, length: int, what: str) -> str:
    field = text[start : start + length]
    if check_digit(field) != text[start + length]:
        raise MalformedData("mrz", f"check digit of the {what} does not match")
    return field


def parse_dg1(data: bytes) -> Mrz:
    """DG1 of a TD1 card (3 × 30) or TD3 passport (2 × 44); check digits verified."""
    try:
        text = tlv.decode(data, 0x61).child(0x5F1F).value.decode("ascii")
    except UnicodeDecodeError as exc:
        raise MalformedData("mrz", "MRZ is not ASCII") from exc
    if len(text) == 90:
        return Mrz(
            text[0:2], text[2:5], _checked(text, 5, 9, "document number"), text[15:30],
            _checked(text, 30, 6, "birth date"), text[37], _checked(text, 38, 6, "expiry date"),
            text[45:48], text[60:90],
        )  # fmt: skip
    if len(text) == 88:
        return Mrz(
            text[0:2], text[2:5], _checked(text, 44, 9, "document number"), text[72:86],
            _checked(text, 57, 6, "birth date"), text[64], _checked(text, 65, 6, "expiry date"),
            text[54:57], text[5:44],
        )  # fmt: skip
    raise MalformedData("mrz", f"MRZ of {len(text)} characters is neither TD1 nor TD3")


@dataclass(frozen=True)
class VnPersonalData:
    """DG13 of a CCCD: field number → its strings (NFC). Accessors name the known fields."""

    fields: dict[int, tuple[str, ...]]

    def get(self, name: str) -> str:
        """The field called ``name`` in ``DG13_FIELDS`` (values joined by '; '), or ''."""
        number = next(n for n, known in DG13_FIELDS.items() if known == name)
        return "; ".join(self.fields.get(number, ()))

    @property
    def id_number(self) -> str:
        return self.get("id_number")

    @property
    def full_name(self) -> str:
        return self.get("full_name")

    @property
    def father(self) -> str:
        parents = self.fields.get(13, ())
        return parents[0] if parents else ""

    @property
    def mother(self) -> str:
        parents = self.fields.get(13, ())
        return parents[1] if len(parents) > 1 else ""


def _strings(item: tlv.Tlv) -> list[str]:
    if item.tag in STRING_TAGS:
        try:
            return [unicodedata.normalize("NFC", item.value.decode("utf-8"))]
        except UnicodeDecodeError as exc:
            raise MalformedData("dg13", "a value is not UTF-8") from exc
    if item.tag in (0x30, 0x31):
        return [text for child in item.children() for text in _strings(child)]
    if item.tag == 0x05:  # NULL: a field the card leaves empty
        return []
    raise MalformedData("dg13", f"unexpected value tag {item.tag:X}")


def _entry(item: tlv.Tlv) -> tuple[int, tuple[str, ...]]:
    if item.tag != 0x30:
        raise MalformedData("dg13", f"field is tag {item.tag:X}, not a SEQUENCE")
    parts = item.children()
    if not parts or parts[0].tag != 0x02 or len(parts[0].value) != 1:
        raise MalformedData("dg13", "field does not start with a small INTEGER")
    return parts[0].value[0], tuple(text for part in parts[1:] for text in _strings(part))


def parse_dg13(data: bytes) -> VnPersonalData:
    tlv.check_tree(data)
    body = tlv.decode(data, 0x6D).child(0x30)
    fields: dict[int, tuple[str, ...]] = {}
    for item in body.child(0x31).children():
        number, values = _entry(item)
        if number in fields:
            raise MalformedData("dg13", f"field {number} appears twice")
        fields[number] = values
    if 1 not in fields or len(fields[1]) != 1:
        raise MalformedData("dg13", "no ID number")
    return VnPersonalData(fields)
