"""Who a dossier belongs to, and how the kiosk came to know it.

The chip-card QR is unsigned plain text: it proves nothing about who holds it. So every identity
carries its ``source`` and staff verify at the counter (reference §2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class IdentitySource(StrEnum):
    CARD_QR = "card_qr"
    """Read from the QR of a chip ID card (or the same QR shown in VNeID). Unsigned."""
    MANUAL = "manual"
    """Typed by the citizen on the keypad."""
    ONLINE = "online"
    """Verified online by the identity authority (not available offline)."""


@dataclass(frozen=True)
class Identity:
    id_number: str
    """12-digit personal identification number (số định danh cá nhân)."""
    full_name: str
    """NFC, as on the card."""
    birth_date: dt.date | None
    sex: str | None
    """"Nam" or "Nữ", when known."""
    address: str
    """Permanent address (nơi thường trú), may contain commas."""
    issue_date: dt.date | None = None
    old_id_number: str | None = None
    """9-digit CMND, when the card carries one."""
    source: IdentitySource = IdentitySource.MANUAL
    raw: str | None = None
    """The QR text exactly as decoded (kept only in the sealed payload)."""

    def to_payload(self) -> dict[str, object]:
        """National-portal field names (reference §3) for the sealed payload."""
        ids = [{"LoaiDinhDanh": 1, "SoDinhDanh": self.id_number}]
        if self.old_id_number:
            ids.append({"LoaiDinhDanh": 2, "SoDinhDanh": self.old_id_number})
        return {
            "ChuHoSo": self.full_name,
            "SoGiayToChuHoSo": self.id_number,
            "LoaiDoiTuong": 1,
            "DinhDanhCHS": ids,
            "NgaySinh": self.birth_date.strftime("%Y%m%d") if self.birth_date else None,
            "GioiTinh": self.sex,
            "DiaChiThuongTru": self.address,
            "NgayCapGiayTo": self.issue_date.strftime("%Y%m%d") if self.issue_date else None,
            "NguonDinhDanh": str(self.source),
        }
