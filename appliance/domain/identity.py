"""Who a dossier belongs to, and how the kiosk came to know it.

The chip-card QR is unsigned plain text: it proves nothing about who holds it. So every identity
carries its ``source`` and staff verify at the counter (reference §2).
"""

from __future__ import annotations

import base64
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
    CHIP = "chip"
    """Read from the ICAO 9303 chip of the ID card (DG13, DG1); see ``Identity.assurance``."""


class Assurance(StrEnum):
    """How far the kiosk vouches for an identity, in the sealed payload and the manifest so the
    province can weigh it (docs/identity.md; the codes are a cross-helper contract)."""

    MANUAL = "manual"
    """Typed on the keypad: nothing vouches for it."""
    QR = "qr"
    """The card's unsigned QR text."""
    CHIP_READ = "chip_read"
    """Read from the chip, but its signatures could not be checked (no trust store yet)."""
    CHIP_PASSIVE = "chip_passive_authenticated"
    """The chip's data verified against the issuing authority's signature (passive auth.)."""
    CHIP_ACTIVE = "chip_active_authenticated"
    """Passive authentication, and the chip proved it holds its own key (not a copy)."""


class CardKind(StrEnum):
    CCCD_CHIP = "cccd_chip"
    """Chip CCCD (2021 – 6/2024): 7-field QR on the front; the address is "nơi thường trú"."""
    CAN_CUOC = "can_cuoc"
    """Thẻ căn cước (TT 16/2024/TT-BCA, from 7/2024): QR on the back with 11 fields (the first 7
    plus slots for cancelled ID numbers and, on children's cards, parents); "nơi cư trú"."""


@dataclass(frozen=True)
class Identity:
    id_number: str
    """12-digit personal identification number (số định danh cá nhân)."""
    full_name: str
    """NFC, as on the card."""
    birth_date: dt.date | None
    """The full birth date; None when unknown or when the papers carry only the year."""
    sex: str | None
    """"Nam" or "Nữ", when known."""
    address: str
    """Address as on the card: nơi thường trú (chip CCCD) or nơi cư trú (thẻ căn cước)."""
    issue_date: dt.date | None = None
    old_id_number: str | None = None
    """Old ID number in the card's second field: a 9-digit CMND (or a 12-digit one)."""
    source: IdentitySource = IdentitySource.MANUAL
    raw: str | None = None
    """The QR text exactly as decoded (kept only in the sealed payload)."""
    birth_year: int | None = None
    """Set (and ``birth_date`` None) when the papers give only the year of birth (elderly people's
    often do): it is shown and sent as the year alone, never as a made-up 01/01."""
    card: CardKind | None = None
    """Which card the QR came from (None: typed or unknown)."""
    cancelled_ids: tuple[str, ...] = ()
    """ID numbers the person held before (số định danh đã hủy, thẻ căn cước QR). ND 70/2024 art. 12:
    an agency may not ask for a paper confirming them."""
    parents: tuple[str, ...] = ()
    """Parents' names from the QR of a child's thẻ căn cước, in the card's order."""
    assurance: Assurance | None = None
    """Set for a chip identity; None means the level its ``source`` gives (QR or manual)."""
    chip_problem: str | None = None
    """Why a chip identity is not verified (an English code such as ``chip.trust_store.empty``)."""
    face: bytes | None = None
    """The chip's DG2 (face image record), only when the province's config asks for it."""

    @property
    def assurance_level(self) -> Assurance:
        if self.assurance is not None:
            return self.assurance
        return Assurance.QR if self.source is IdentitySource.CARD_QR else Assurance.MANUAL

    @property
    def source_text(self) -> str:
        """``chip, verified``, ``chip, not verified: <why>``, or the source's code."""
        if self.source is not IdentitySource.CHIP:
            return str(self.source)
        if self.assurance_level in (Assurance.CHIP_PASSIVE, Assurance.CHIP_ACTIVE):
            return "chip, verified"
        return f"chip, not verified: {self.chip_problem or 'not checked'}"

    @property
    def year_only(self) -> bool:
        return self.birth_date is None and self.birth_year is not None

    @property
    def birth_text(self) -> str:
        """The birth date as a citizen reads it: ``05/03/1950``, ``1950`` (year only) or ``""``."""
        if self.birth_date is not None:
            return f"{self.birth_date:%d/%m/%Y}"
        return f"{self.birth_year:04d}" if self.birth_year is not None else ""

    @property
    def address_label_vi(self) -> str:
        return "Nơi cư trú" if self.card is CardKind.CAN_CUOC else "Nơi thường trú"

    def prefill_text(self, attribute: str) -> str:
        """The text a form field pre-filled from ``attribute`` shows (dates dd/mm/yyyy, a year-only
        birth date as the year)."""
        if attribute == "birth_date":
            return self.birth_text
        value = getattr(self, attribute, None)
        if value is None:
            return ""
        return f"{value:%d/%m/%Y}" if isinstance(value, dt.date) else str(value)

    def to_payload(self) -> dict[str, object]:
        """National-portal field names (reference §3) for the sealed payload. ``NgaySinh`` is
        ``yyyyMMdd``, or ``yyyy`` alone for a year-only birth date. ``SoDinhDanhDaHuy`` (cancelled
        ID numbers) is the kiosk's own field: no national name for it was found."""
        ids = [{"LoaiDinhDanh": 1, "SoDinhDanh": self.id_number}]
        if self.old_id_number:
            ids.append({"LoaiDinhDanh": 2, "SoDinhDanh": self.old_id_number})
        if self.birth_date is not None:
            birth: str | None = self.birth_date.strftime("%Y%m%d")
        else:
            birth = f"{self.birth_year:04d}" if self.birth_year is not None else None
        return {
            "ChuHoSo": self.full_name,
            "SoGiayToChuHoSo": self.id_number,
            "LoaiDoiTuong": 1,
            "DinhDanhCHS": ids,
            "NgaySinh": birth,
            "GioiTinh": self.sex,
            "DiaChiThuongTru": self.address,
            "NgayCapGiayTo": self.issue_date.strftime("%Y%m%d") if self.issue_date else None,
            "NguonDinhDanh": str(self.source),
            "SoDinhDanhDaHuy": list(self.cancelled_ids),
            **self._assurance_payload(),
        }

    def _assurance_payload(self) -> dict[str, object]:
        """The kiosk's own fields (no national names exist): the assurance level, the chip's
        verification in words, and the DG2 face record (base64) only when it was read."""
        fields: dict[str, object] = {
            "MucDoXacThucDinhDanh": str(self.assurance_level),
            "XacThucChip": self.source_text if self.source is IdentitySource.CHIP else None,
        }
        if self.face is not None:
            fields["AnhChanDungChip"] = base64.b64encode(self.face).decode("ascii")
        return fields
