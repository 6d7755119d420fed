"""PACE with generic mapping on elliptic curves (ICAO 9303-11 §4.4), the CCCD's access protocol.

EF.CardAccess names the protocol (OID: mapping and cipher) and the curve (standardized domain
parameter ID). The mapping needs EC point addition (G' = s·G + H), which ``cryptography`` does not
expose, so the point arithmetic is python-ecdsa's; the symmetric parts are in
:mod:`~hw.emrtd.keys`. The same functions serve the card emulator's side.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from asn1crypto import core
from ecdsa import VerifyingKey, curves
from ecdsa.ellipticcurve import INFINITY, PointJacobi
from ecdsa.errors import MalformedPointError

from hw.emrtd import tlv
from hw.emrtd.apdu import Command, Response
from hw.emrtd.errors import AccessDenied, CardStatus, MalformedData, UnsupportedCard
from hw.emrtd.files import Channel
from hw.emrtd.keys import PACE_PI, KeyKind, kdf, nonce_cipher, session_keys, sha1, token_mac
from hw.emrtd.sm import SecureMessaging

ID_PACE = "0.4.0.127.0.7.2.2.4"
ECDH_GM: dict[str, KeyKind] = {
    f"{ID_PACE}.2.1": "3des",
    f"{ID_PACE}.2.2": "aes128",
    f"{ID_PACE}.2.3": "aes192",
    f"{ID_PACE}.2.4": "aes256",
}
CURVES: dict[int, curves.Curve] = {
    8: curves.NIST192p, 9: curves.BRAINPOOLP192r1, 10: curves.NIST224p,
    11: curves.BRAINPOOLP224r1, 12: curves.NIST256p, 13: curves.BRAINPOOLP256r1,
    14: curves.BRAINPOOLP320r1, 15: curves.NIST384p, 16: curves.BRAINPOOLP384r1,
    17: curves.BRAINPOOLP512r1, 18: curves.NIST521p,
}  # fmt: skip
PASSWORD_MRZ, PASSWORD_CAN = 1, 2
Scalar = Callable[[curves.Curve, str], int]
"""Chooses an ephemeral private key for a step (``mapping`` or ``agreement``); tests fix it."""


@dataclass(frozen=True)
class PaceInfo:
    oid: str
    version: int
    parameter_id: int | None

    @property
    def supported(self) -> bool:
        return self.oid in ECDH_GM and self.parameter_id in CURVES


def oid_value(dotted: str) -> bytes:
    """The content octets of an OBJECT IDENTIFIER (what tags 80 and 06 carry)."""
    return tlv.decode(core.ObjectIdentifier(dotted).dump()).value


def dotted(value: bytes) -> str:
    try:
        return str(core.ObjectIdentifier.load(tlv.encode(0x06, value), strict=True).dotted)
    except (ValueError, TypeError, IndexError):
        raise MalformedData("card_access", "bad OBJECT IDENTIFIER") from None


def parse_card_access(data: bytes) -> list[PaceInfo]:
    """The PACEInfos of EF.CardAccess (a SET OF SecurityInfo); other infos are skipped."""
    found: list[PaceInfo] = []
    for info in tlv.decode(data, 0x31).children():
        parts = info.children() if info.tag == 0x30 else []
        if len(parts) < 2 or parts[0].tag != 0x06 or parts[1].tag != 0x02:
            raise MalformedData("card_access", "SecurityInfo is not OID, INTEGER…")
        oid = dotted(parts[0].value)
        if not oid.startswith(ID_PACE + "."):
            continue
        param = parts[2].value if len(parts) > 2 and parts[2].tag == 0x02 else None
        version = int.from_bytes(parts[1].value[:4], "big")
        found.append(PaceInfo(oid, version, int.from_bytes(param[:4], "big") if param else None))
    return found


def can_password(can: str) -> bytes:
    if len(can) != 6 or not can.isdigit():
        raise AccessDenied("pace", "a CAN is six digits")
    return can.encode("ascii")


def mrz_password(mrz_info: str) -> bytes:
    return sha1(mrz_info.encode("ascii"))


def random_scalar(curve: curves.Curve, step: str) -> int:
    return secrets.randbelow(int(curve.order) - 1) + 1


def encode_point(point: PointJacobi) -> bytes:
    return bytes(point.to_bytes("uncompressed"))


def decode_point(curve: curves.Curve, data: bytes) -> PointJacobi:
    """A peer's public point, refused unless it is a valid point of ``curve``."""
    try:
        key = VerifyingKey.from_string(data, curve=curve, valid_encodings=("uncompressed",))
    except (ValueError, AssertionError, MalformedPointError) as exc:
        raise MalformedData("pace", f"public point refused: {type(exc).__name__}") from None
    point: PointJacobi = key.pubkey.point
    if point == INFINITY:
        raise MalformedData("pace", "public point is the point at infinity")
    return point  # on the curve, and every curve here has cofactor 1: in the group


def mapped_generator(
    curve: curves.Curve, nonce: bytes, sk_map: int, pk_map_peer: PointJacobi
) -> PointJacobi:
    """Generic mapping: G' = s·G + H with H = SK_map · PK_map(peer)."""
    shared = pk_map_peer * sk_map
    generator = curve.generator * int.from_bytes(nonce, "big") + shared
    if INFINITY in (shared, generator):
        raise AccessDenied("pace", "mapping gave the point at infinity")
    return generator


def public_key_object(oid: str, point: PointJacobi) -> bytes:
    """The public key data object 7F49 over which the authentication tokens are computed."""
    return tlv.encode(
        0x7F49, tlv.encode(0x06, oid_value(oid)) + tlv.encode(0x86, encode_point(point))
    )


def shared_secret(curve: curves.Curve, sk: int, peer: PointJacobi) -> bytes:
    point = peer * sk
    if point == INFINITY:
        raise AccessDenied("pace", "key agreement gave the point at infinity")
    return int(point.x()).to_bytes((int(curve.curve.p()).bit_length() + 7) // 8, "big")


_ANSWER_TAG = {0x80: 0x80, 0x81: 0x82, 0x83: 0x84, 0x85: 0x86}
"""Encrypted nonce, mapping key, ephemeral key, token: what the card answers to each step."""


def _general_authenticate(channel: Channel, tag: int, value: bytes, *, last: bool) -> bytes:
    data = tlv.encode(0x7C, tlv.encode(tag, value) if value or tag != 0x80 else b"")
    answer: Response = channel.send(Command(0x00 if last else 0x10, 0x86, 0, 0, data, 256), "GA")
    if not answer.ok:
        if (last and answer.sw in (0x6300, 0x6982, 0x6A80)) or answer.sw >> 8 == 0x63:
            raise AccessDenied("pace", f"the card refused the password ({answer.sw:04X})")
        raise CardStatus("GENERAL AUTHENTICATE", answer.sw)
    items = tlv.decode(answer.data, 0x7C).children()
    if len(items) != 1 or items[0].tag != _ANSWER_TAG[tag]:
        raise MalformedData("pace", "unexpected GENERAL AUTHENTICATE answer")
    return items[0].value


def set_authentication_template(channel: Channel, info: PaceInfo, reference: int) -> None:
    data = tlv.encode(0x80, oid_value(info.oid)) + tlv.encode(0x83, bytes([reference]))
    if info.parameter_id is not None:
        data += tlv.encode(0x84, bytes([info.parameter_id]))
    answer = channel.send(Command(0, 0x22, 0xC1, 0xA4, data), "MSE:Set AT")
    if not answer.ok:
        raise CardStatus("MSE:Set AT", answer.sw)


def establish(
    channel: Channel,
    password: bytes,
    reference: int,
    info: PaceInfo,
    scalar: Scalar = random_scalar,
) -> SecureMessaging:
    """Run PACE over ``channel``; the secure-messaging session it agrees (SSC 0)."""
    if not info.supported or info.parameter_id is None:
        raise UnsupportedCard(f"PACE {info.oid} with parameters {info.parameter_id}")
    kind, curve = ECDH_GM[info.oid], CURVES[info.parameter_id]
    set_authentication_template(channel, info, reference)
    encrypted = _general_authenticate(channel, 0x80, b"", last=False)
    block = 8 if kind == "3des" else 16
    if not encrypted or len(encrypted) % block:
        raise MalformedData("pace", "encrypted nonce is not block-aligned")
    nonce = nonce_cipher(kind, kdf(password, PACE_PI, kind), encrypted, decrypt=True)
    sk_map = scalar(curve, "mapping")
    answer = _general_authenticate(
        channel, 0x81, encode_point(curve.generator * sk_map), last=False
    )
    generator = mapped_generator(curve, nonce, sk_map, decode_point(curve, answer))
    sk = scalar(curve, "agreement")
    ours = generator * sk
    theirs = decode_point(
        curve, _general_authenticate(channel, 0x83, encode_point(ours), last=False)
    )
    if theirs == ours:
        raise AccessDenied("pace", "the card echoed our ephemeral key")
    keys = session_keys(shared_secret(curve, sk, theirs), kind)
    token = token_mac(kind, keys.mac_key, public_key_object(info.oid, theirs))
    answer = _general_authenticate(channel, 0x85, token, last=True)
    if answer != token_mac(kind, keys.mac_key, public_key_object(info.oid, ours)):
        raise AccessDenied("pace", "the card's authentication token is wrong")
    return SecureMessaging(keys, 0)
