"""Reading the ID card's chip and vouching for what it says: the kiosk's use case over the
protocol package (``hw.emrtd``) and the card-reader seam (``hw.cardreader``).

The QR scanned first gives the CAN (the last 6 digits of its ID number); the chip's DG13 then
gives the identity, which wins over the QR's text. Its assurance (``Identity.assurance``) is
``chip_active_authenticated`` when passive authentication and chip or active authentication
pass (the chip proved it is not a copy),
``chip_passive_authenticated`` with passive authentication alone, and ``chip_read`` only when the
kiosk has no trust store to check with (``chip, not verified: <why>``). Data that fails a check
(changed after signing, unknown or revoked signer, a cloned chip) is refused, never downgraded:
a forged card must not pass as an unverified one. DG2 (the face) is read only when the province's
config asks for it (``[identity] read_face``).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import re
import shutil
from collections.abc import Callable, Mapping
from enum import StrEnum
from pathlib import Path

from appliance.config import KioskConfig
from appliance.domain.identity import Assurance, CardKind, Identity, IdentitySource
from hw.cardreader import CardReader
from hw.emrtd import session
from hw.emrtd.apdu import Transport
from hw.emrtd.errors import TrustStoreError
from hw.emrtd.lds import Mrz, VnPersonalData
from hw.emrtd.truststore import TrustStore
from hw.status import DeviceStatus, degraded, failed, ok
from kioskbase.errors import BilingualError

GROUPS = (1, 13, 14, 15)
"""DG1 (MRZ), DG13 (Vietnamese personal data), DG14 (chip authentication) and DG15 (active
authentication), each when the card has it."""
FACE = 2
EXPECTED_APDUS = 22
"""A CCCD read with PACE and DG15 (bench/chip.py counts 20 without DG15): for progress only."""

_NO_STORE_VI = ("Chưa có kho chứng thư gốc: chip được đọc nhưng chưa xác thực được. "
                "Hãy báo kỹ thuật viên cập nhật.")

_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})")


class ChipMismatch(BilingualError):
    """The chip belongs to another person than the QR scanned: staff must look at it."""

    def __init__(self) -> None:
        super().__init__(
            "chip.mismatch",
            "Số căn cước trong chip khác với mã QR vừa quét. Hồ sơ không thể tiếp tục: "
            "xin vui lòng gọi cán bộ.",
            "the chip's ID number differs from the scanned QR's",
        )


class NoCardReader(BilingualError):
    def __init__(self) -> None:
        super().__init__("cardreader.not_configured",
                         "Máy này không có đầu đọc chip thẻ căn cước.",
                         "no card reader is configured ([hardware] card_reader)")


@dataclasses.dataclass(frozen=True)
class ChipPolicy:
    """What the province's ``[identity]`` section decides for a chip read."""

    trust_store: Path
    read_face: bool = False
    allow_qr_only: bool = True

    @classmethod
    def of(cls, config: KioskConfig) -> ChipPolicy:
        section = config.identity
        return cls(config.trust_store_dir, section.read_face, section.allow_qr_only)


def _date(text: str) -> dt.date | None:
    """A DG13 date ``dd/mm/yyyy``; None when absent or not a real date (never guessed)."""
    match = _DATE.fullmatch(text.strip())
    if match is None:
        return None
    try:
        return dt.date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None


def _birth(personal: VnPersonalData) -> tuple[dt.date | None, int | None]:
    text = personal.get("birth_date").strip()
    if (date := _date(text)) is not None:
        return date, None
    year = text[-4:]
    return None, (int(year) if year.isdigit() and len(text) in (4, 10) else None)


def identity_of(personal: VnPersonalData, mrz: Mrz, *, assurance: Assurance,
                problem: str | None = None, card: CardKind | None = None,
                face: bytes | None = None) -> Identity:
    """The kiosk's ``Identity`` from DG13 (DG1 fills the sex when DG13 lacks it)."""
    birth, year = _birth(personal)
    sex = personal.get("sex") or {"M": "Nam", "F": "Nữ"}.get(mrz.sex)
    parents = tuple(p for p in (personal.father, personal.mother) if p)
    return Identity(
        id_number=personal.id_number, full_name=personal.full_name, birth_date=birth,
        birth_year=year, sex=sex or None, address=personal.get("residence"),
        issue_date=_date(personal.get("issue_date")),
        old_id_number=personal.get("old_id_number") or None, source=IdentitySource.CHIP,
        card=card, parents=parents, assurance=assurance, chip_problem=problem, face=face)


def _trust_store(folder: Path) -> tuple[TrustStore | None, str | None]:
    """The trust store, or why the kiosk cannot check signatures (a kiosk gap, not a card's)."""
    try:
        store = TrustStore.load(folder)
    except TrustStoreError as exc:
        if not folder.exists():
            return None, "chip.trust_store.missing"
        return None, exc.code
    return (store, None) if store.cscas else (None, "chip.trust_store.empty")


class _Progress:
    """Counts the APDUs of a read to report progress (a CCCD read is about 20)."""

    def __init__(self, inner: Transport, report: Callable[[float], None], expected: int) -> None:
        self.inner, self.report, self.expected, self.sent = inner, report, expected, 0

    def transmit(self, apdu: bytes) -> bytes:
        self.sent += 1
        self.report(min(self.sent / self.expected, 0.95))
        return self.inner.transmit(apdu)


def wait_for_card(reader: CardReader, cancelled: Callable[[], bool], step_s: float = 0.5) -> bool:
    """Block until a card is on ``reader`` (True) or ``cancelled()`` says stop (False)."""
    while not cancelled():
        if reader.wait_for_change(True, step_s):
            return True
    return False


def read_identity(reader: CardReader, qr: Identity, policy: ChipPolicy, now: dt.datetime,
                  progress: Callable[[float], None] | None = None) -> Identity:
    """Read the card on ``reader`` with the CAN of ``qr``; the chip's identity or a refusal
    (``chip.*``, ``cardreader.*``, ``chip.mismatch``), each a BilingualError."""
    groups = GROUPS + ((FACE,) if policy.read_face else ())
    transport = reader.connect()
    if progress is not None:
        transport = _Progress(transport, progress, EXPECTED_APDUS + (40 if policy.read_face else 0))
    try:
        read = session.read_chip(transport, session.cccd_access(qr.id_number), groups)
    finally:
        reader.close()
    personal = session.require_cccd(read)
    if personal.id_number != qr.id_number:
        raise ChipMismatch()
    store, problem = _trust_store(policy.trust_store)
    if store is None:
        assurance = Assurance.CHIP_READ
    else:
        session.verify_chip(read, store, now)  # chip.pa.*: refused, never downgraded
        genuine = read.active_authenticated or read.chip_authenticated
        assurance = Assurance.CHIP_ACTIVE if genuine else Assurance.CHIP_PASSIVE
    return identity_of(personal, read.mrz, assurance=assurance, problem=problem, card=qr.card,
                       face=read.groups.get(FACE) if policy.read_face else None)


def qr_only(qr: Identity) -> Identity:
    """The QR's identity, marked as such, when the chip cannot be read and the province allows."""
    return dataclasses.replace(qr, assurance=Assurance.QR)


class Next(StrEnum):
    """What the card screen offers after a refusal."""

    RETRY = "retry"
    """Put the card down again (lifted too soon, a read disturbed)."""
    STAFF = "staff"
    """Only staff can resolve it (QR and chip disagree, a card that fails verification)."""
    UNREADABLE = "unreadable"
    """This chip cannot be read here: go on with the QR where the province allows, else staff."""


@dataclasses.dataclass(frozen=True)
class ChipRefusal:
    code: str
    reason_vi: str
    reason_en: str
    next: Next


_RETRY = ("chip.lifted", "cardreader.no_card", "chip.sm.invalid")
_STAFF = ("chip.mismatch", "chip.pa.", "chip.aa.", "chip.ca.")


def refusal(exc: BaseException) -> ChipRefusal:
    """How the card screen answers a failed read (a bug is "unreadable", never a crash)."""
    if not isinstance(exc, BilingualError):
        return ChipRefusal("chip.internal", "", type(exc).__name__, Next.UNREADABLE)
    if exc.code in _RETRY:
        step = Next.RETRY
    elif exc.code.startswith(_STAFF):
        step = Next.STAFF
    else:
        step = Next.UNREADABLE
    return ChipRefusal(exc.code, exc.reason_vi, exc.reason_en, step)


def trust_store_status(config: KioskConfig) -> DeviceStatus:
    """``kiosk doctor``'s view of the trust store: how many CSCAs and CRLs, or why none."""
    folder = config.trust_store_dir
    try:
        store = TrustStore.load(folder)
    except TrustStoreError as exc:
        if not folder.exists():
            return degraded("chip.trust_store.missing", _NO_STORE_VI,
                            f"{folder} does not exist: chips are read but not verified")
        return failed(exc.code, exc.reason_vi, exc.reason_en)
    if not store.cscas:
        return degraded("chip.trust_store.empty", _NO_STORE_VI,
                        f"{folder} holds no CSCA: chips are read but not verified")
    counts = f"{len(store.cscas)} chứng thư, {len(store.crls)} danh sách thu hồi"
    return ok("chip.trust_store.ok", f"Kho chứng thư gốc: {counts}.",
              f"{len(store.cscas)} CSCA certificate(s), {len(store.crls)} CRL(s) in {folder}")


_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
TRUST_SUFFIXES = (".pem", ".crt", ".cer", ".der", ".ml", ".crl")


def install_trust_store(folder: Path, files: Mapping[str, str]) -> int:
    """Install a trust store the gateway sent (file name → base64): every file must load
    (``TrustStore.load``) and hold at least one CSCA, else nothing changes. The new folder
    replaces the old one by rename, so a reader never sees half an update. The CSCA count."""
    staging = folder.with_name(folder.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        for name, data in files.items():
            if not _FILE_NAME.fullmatch(name) or not name.lower().endswith(TRUST_SUFFIXES):
                raise TrustStoreError(f"file name {name[:80]!r} is not accepted")
            try:
                (staging / name).write_bytes(base64.b64decode(data, validate=True))
            except binascii.Error:
                raise TrustStoreError(f"{name} is not base64") from None
        count = len(TrustStore.load(staging).cscas)
        if not count:
            raise TrustStoreError("the update holds no CSCA certificate")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = folder.with_name(folder.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    staging.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
    return count
