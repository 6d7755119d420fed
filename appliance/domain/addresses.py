"""Addresses on older cards → today's commune and province (two-level local government, 1/7/2025).

Since 1/7/2025 there are no districts and many provinces and communes were merged (e.g. xã Bình
Phú and xã Bình Quế of huyện Thăng Bình, tỉnh Quảng Nam → xã Thăng Phú, thành phố Đà Nẵng). Cards
stay valid, so a citizen's card may carry the old names. The form and the payload use today's names;
the card's own text is kept as read (payload ``DiaChiThuongTru``).

The table is data (the catalogue's ``address_map``, which the gateway updates with the rest of the
catalogue; docs/domain.md §2). Only a commune the table knows is mapped, keyed by old province,
old district and old commune, so a "Bình Phú" of another province is left alone; anything else
comes back unchanged. Matching ignores case, blanks, Unicode form and the unit words ("xã",
"huyện", "tỉnh", "TP." …); the parts before the commune (house, street, village) are kept verbatim.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

_UNIT_WORDS = re.compile(
    r"^(?:xã|phường|thị trấn|đặc khu|huyện|quận|thị xã|thành phố|tp\.?|tỉnh)(?:\s+|$)",
    re.IGNORECASE)
MAX_ADDRESS = 500
"""Longer text is not an address from a card: it is returned unchanged, unexamined."""


class AddressMapError(ValueError):
    """An address table that cannot be used; the message names the entry and the field."""


def _key(part: str) -> str:
    """A name as the table compares it: NFC, lower case, single blanks, no unit word."""
    text = " ".join(unicodedata.normalize("NFC", part).split()).lower()
    while True:
        stripped = _UNIT_WORDS.sub("", text, count=1)
        if stripped == text:
            return text
        text = stripped


@dataclass(frozen=True)
class CommuneChange:
    """One old commune and the commune and province it belongs to today."""

    old_province: str
    old_district: str
    old_commune: str
    commune: str
    """Today's commune with its unit word, e.g. "xã Thăng Phú"."""
    province: str
    """Today's province with its unit word, e.g. "thành phố Đà Nẵng"."""
    code: str = ""
    """Today's commune code (QĐ 19/2025/QĐ-TTg), when known."""
    source: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return _key(self.old_province), _key(self.old_district), _key(self.old_commune)

    def to_dict(self) -> dict[str, str]:
        return {"old_province": self.old_province, "old_district": self.old_district,
                "old_commune": self.old_commune, "commune": self.commune,
                "province": self.province, "code": self.code, "source": self.source}


@dataclass(frozen=True)
class MappedAddress:
    text: str
    """The address with today's names (the card's text when nothing was mapped)."""
    change: CommuneChange | None = None
    """The table entry used, None when the address was left as read."""

    @property
    def mapped(self) -> bool:
        return self.change is not None


@dataclass(frozen=True)
class AddressMap:
    changes: tuple[CommuneChange, ...] = ()

    def map(self, address: str) -> MappedAddress:
        """``address`` with today's commune and province when its last three parts name an old
        commune, district and province in the table; else unchanged. Never raises."""
        text = unicodedata.normalize("NFC", address or "")
        if len(text) > MAX_ADDRESS or text.count(",") < 2:
            return MappedAddress(text)
        parts = text.split(",")
        key = (_key(parts[-1]), _key(parts[-2]), _key(parts[-3]))
        change = self._index.get(key)
        if change is None:
            return MappedAddress(text)
        head = [p.strip() for p in parts[:-3] if p.strip()]
        return MappedAddress(", ".join([*head, change.commune, change.province]), change)

    @cached_property
    def _index(self) -> dict[tuple[str, str, str], CommuneChange]:
        return {c.key: c for c in self.changes}

    def to_list(self) -> list[dict[str, str]]:
        return [c.to_dict() for c in self.changes]


_FIELDS = ("old_province", "old_district", "old_commune", "commune", "province")


def load_address_map(raw: Iterable[Any], where: str = "address_map") -> AddressMap:
    """A checked table from its JSON form (a list of objects); raises AddressMapError."""
    if not isinstance(raw, list):
        raise AddressMapError(f"{where}: expected a list")
    changes: list[CommuneChange] = []
    seen: set[tuple[str, str, str]] = set()
    for i, item in enumerate(raw):
        at = f"{where}[{i}]"
        if not isinstance(item, Mapping):
            raise AddressMapError(f"{at}: expected an object")
        unknown = sorted(set(item) - {*_FIELDS, "code", "source"})
        if unknown:
            raise AddressMapError(f"{at}: unknown field {unknown[0]!r}")
        values = {}
        for name in (*_FIELDS, "code", "source"):
            value = item.get(name, "" if name in ("code", "source") else None)
            if not isinstance(value, str) or (name in _FIELDS and not _key(value)):
                raise AddressMapError(f"{at}: {name}: expected a non-empty text")
            if "," in value and name in _FIELDS:
                raise AddressMapError(f"{at}: {name}: a unit name has no comma")
            if not unicodedata.is_normalized("NFC", value):
                raise AddressMapError(f"{at}: {name}: text must be Unicode NFC")
            values[name] = value
        change = CommuneChange(**values)
        if change.key in seen:
            raise AddressMapError(f"{at}: {change.old_commune} is listed twice")
        seen.add(change.key)
        changes.append(change)
    return AddressMap(tuple(changes))


__all__ = ["AddressMap", "AddressMapError", "CommuneChange", "MappedAddress", "load_address_map"]
