"""One whole read of a citizen ID card: open a secure channel, read the files, verify them.

Access for a CCCD (docs/identity.md): PACE with the CAN (last 6 digits of the 12-digit ID
number) when EF.CardAccess offers it, else BAC with the document number (last 9 digits), birth
and expiry dates. The face (DG2) is read only when asked for.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from hw.emrtd import active, bac, chipauth, pace
from hw.emrtd.apdu import Command, Transport
from hw.emrtd.errors import AccessDenied, CardStatus, NotAnIdCard, SecureMessagingError
from hw.emrtd.files import DG_FID, EF_CARD_ACCESS, EF_COM, EF_SOD, SHORT_READ, Channel, Counters
from hw.emrtd.lds import Com, Mrz, VnPersonalData, parse_com, parse_dg1, parse_dg13
from hw.emrtd.passive import PassiveResult, verify
from hw.emrtd.sod import parse_sod
from hw.emrtd.truststore import TrustStore

EMRTD_AID = bytes.fromhex("A0000002471001")
DEFAULT_GROUPS = (1, 13)


@dataclass(frozen=True)
class AccessKey:
    can: str | None = None
    mrz_info: str | None = None


def cccd_access(id_number: str, birth: str | None = None, expiry: str | None = None) -> AccessKey:
    """The keys a CCCD's 12-digit number gives: the CAN, and BAC's MRZ data if dates are known."""
    if len(id_number) != 12 or not id_number.isdigit():
        raise AccessDenied("key", "a CCCD number has 12 digits")
    mrz = bac.mrz_information(id_number[-9:], birth, expiry) if birth and expiry else None
    return AccessKey(id_number[-6:], mrz)


@dataclass(frozen=True)
class ChipRead:
    access: str
    """``pace`` or ``bac``."""
    com: Com
    mrz: Mrz
    personal: VnPersonalData | None
    groups: dict[int, bytes]
    sod: bytes
    counters: Counters
    active_authenticated: bool = False
    """DG15 was read and the chip proved it holds its key (data group 15 asked for)."""
    chip_authenticated: bool = False
    """DG14 was read and chip authentication re-keyed the session (data group 14 asked for)."""


def _select_application(channel: Channel) -> None:
    answer = channel.send(Command(0, 0xA4, 0x04, 0x0C, EMRTD_AID), "SELECT eMRTD")
    if not answer.ok:
        raise NotAnIdCard(f"no eMRTD application ({answer.sw:04X})")


def _pace_info(channel: Channel) -> pace.PaceInfo | None:
    try:
        data = channel.read_file(EF_CARD_ACCESS)
    except CardStatus:
        return None  # no EF.CardAccess: a BAC-only document
    return next((info for info in pace.parse_card_access(data) if info.supported), None)


def _pace(channel: Channel, key: AccessKey, info: pace.PaceInfo) -> None:
    if key.can:
        password, reference = pace.can_password(key.can), pace.PASSWORD_CAN
    else:
        password, reference = pace.mrz_password(key.mrz_info or ""), pace.PASSWORD_MRZ
    channel.sm = pace.establish(channel, password, reference, info)
    _select_application(channel)


def open_channel(channel: Channel, key: AccessKey) -> str:
    """PACE if the card offers it and a password is known, else BAC; the method used.

    A wrong password ends here (``chip.access.pace``); a card that announces PACE but then
    refuses its own parameters (a status word, not a password check) falls back to BAC when the
    MRZ data is known.
    """
    info = _pace_info(channel) if key.can or key.mrz_info else None
    if info is not None:
        try:
            _pace(channel, key, info)
            return "pace"
        except CardStatus:
            if key.mrz_info is None:
                raise
            channel.sm = None
    if key.mrz_info is None:
        raise AccessDenied("bac", "the card offers only BAC and no MRZ data is known")
    _select_application(channel)
    channel.sm = bac.mutual_authenticate(channel, key.mrz_info)
    return "bac"


def read_chip(
    transport: Transport,
    key: AccessKey,
    groups: Iterable[int] = DEFAULT_GROUPS,
    *,
    max_read: int = SHORT_READ,
    record: bool = False,
) -> ChipRead:
    """Open the channel and read EF.COM, EF.SOD and ``groups`` (those the card has); with 14
    among them, chip authentication first; with 15, active authentication. Passive
    authentication is :func:`verify_chip`."""
    channel = Channel(transport, record=record)
    access = open_channel(channel, key)
    com = parse_com(channel.read_file(EF_COM, max_read))
    wanted = sorted({1, *groups} & set(com.data_groups))
    if 1 not in wanted:
        raise NotAnIdCard("EF.COM lists no DG1")
    data: dict[int, bytes] = {}
    authenticated = 14 in wanted and _chip_authenticate(channel, data, max_read)
    try:
        data |= {n: channel.read_file(DG_FID[n], max_read) for n in wanted if n not in data}
        sod = channel.read_file(EF_SOD, max_read)
    except (SecureMessagingError, CardStatus) as exc:
        if authenticated and _sm_broken(exc):  # a clone: it could not derive the new keys
            raise chipauth.ChipAuthenticationFailed(exc.reason_en) from None
        raise
    if 15 in data:  # in this session: a relay to another chip would need its own channel
        active.authenticate(channel, active.load_dg15(data[15]))
    personal = parse_dg13(data[13]) if 13 in data else None
    mrz = parse_dg1(data[1])
    return ChipRead(access, com, mrz, personal, data, sod, channel.counters, 15 in data,
                    authenticated)


def _sm_broken(exc: SecureMessagingError | CardStatus) -> bool:
    """A response that fails the MAC, or a card that cannot open our secure-messaging data."""
    return isinstance(exc, SecureMessagingError) or exc.sw in (0x6987, 0x6988)


def _chip_authenticate(channel: Channel, data: dict[int, bytes], max_read: int) -> bool:
    """Read DG14 first and run chip authentication if it offers ECDH; whether it ran."""
    data[14] = channel.read_file(DG_FID[14], max_read)
    info = chipauth.parse_dg14(data[14])
    if info is None:
        return False
    chipauth.authenticate(channel, info)
    return True


def require_cccd(read: ChipRead) -> VnPersonalData:
    """The DG13 of a Vietnamese ID card; a passport or another state's card is refused."""
    if read.mrz.issuing_state != "VNM" or read.personal is None:
        raise NotAnIdCard(f"issued by {read.mrz.issuing_state}, DG13 present: "
                          f"{read.personal is not None}", "chip.not_vn_id")  # fmt: skip
    return read.personal


def verify_chip(read: ChipRead, store: TrustStore, now: datetime) -> PassiveResult:
    """Passive authentication of everything read."""
    return verify(parse_sod(read.sod), read.groups, store, now)
