"""Chip authentication (ICAO 9303-11 §6.2, ECDH, version 2 with MSE:Set AT): the chip proves it
holds the private key whose public half is in DG14 by agreeing a new secure-messaging key with
the terminal's ephemeral key. A copy of the signed files on another chip cannot compute it, so
its next response fails the new MAC: ``chip.ca.failed``.

DG14 (tag 6E) is a SET OF SecurityInfo: a ChipAuthenticationInfo (``id-CA-ECDH-*``, version,
optional key id) and a ChipAuthenticationPublicKeyInfo (``id-PK-ECDH``, SubjectPublicKeyInfo,
optional key id). Keys on a named curve or on explicit parameters of a known curve are accepted
(python-ecdsa matches them); DH keys are not (``chip.unsupported``). Passive authentication
covers DG14, so the key itself is the issuer's.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecdsa import VerifyingKey, curves
from ecdsa.ellipticcurve import PointJacobi

from hw.emrtd import pace, tlv
from hw.emrtd.apdu import Command
from hw.emrtd.errors import CardStatus, ChipError, MalformedData
from hw.emrtd.files import Channel
from hw.emrtd.keys import KeyKind, session_keys
from hw.emrtd.sm import SecureMessaging

DG14_TAG = 0x6E
ID_CA_ECDH = "0.4.0.127.0.7.2.2.3.2"
ID_PK_ECDH = "0.4.0.127.0.7.2.2.1.2"
CA_KINDS: dict[str, KeyKind] = {
    f"{ID_CA_ECDH}.1": "3des", f"{ID_CA_ECDH}.2": "aes128",
    f"{ID_CA_ECDH}.3": "aes192", f"{ID_CA_ECDH}.4": "aes256",
}  # fmt: skip


class ChipAuthenticationFailed(ChipError):
    def __init__(self, detail: str) -> None:
        super().__init__(
            "chip.ca.failed",
            "Chip trên thẻ không chứng minh được là chip thật (có thể là thẻ sao chép). "
            "Hãy báo cán bộ.",
            f"chip authentication: {detail}",
        )


@dataclass(frozen=True)
class ChipAuthInfo:
    oid: str
    curve: curves.Curve
    point: PointJacobi
    key_id: int | None

    @property
    def kind(self) -> KeyKind:
        return CA_KINDS[self.oid]


def _key(spki: tlv.Tlv) -> tuple[curves.Curve, PointJacobi]:
    try:
        key = VerifyingKey.from_der(tlv.encode(spki.tag, spki.value),
                                    valid_curve_encodings=("named_curve", "explicit"))
    except Exception as exc:  # python-ecdsa raises many kinds for a bad or unknown key
        raise MalformedData("dg14", f"chip authentication key refused: {type(exc).__name__}"
                            ) from None
    point: PointJacobi = key.pubkey.point
    return key.curve, point


def _key_id(parts: list[tlv.Tlv], index: int) -> int | None:
    if len(parts) > index and parts[index].tag == 0x02:
        return int.from_bytes(parts[index].value[:4], "big")
    return None


def parse_dg14(data: bytes) -> ChipAuthInfo | None:
    """The chip-authentication parameters of DG14; None when it offers no ECDH CA."""
    try:
        infos = tlv.decode(tlv.decode(data, DG14_TAG).value, 0x31).children()
    except MalformedData as exc:
        raise MalformedData("dg14", exc.reason_en) from None
    protocols: dict[int | None, str] = {}
    keys: dict[int | None, tuple[curves.Curve, PointJacobi]] = {}
    for info in infos:
        parts = info.children() if info.tag == 0x30 and info.constructed else []
        if len(parts) < 2 or parts[0].tag != 0x06:
            raise MalformedData("dg14", "SecurityInfo is not OID, data…")
        oid = pace.dotted(parts[0].value)
        if oid in CA_KINDS:
            protocols[_key_id(parts, 2)] = oid
        elif oid == ID_PK_ECDH and parts[1].tag == 0x30:
            keys[_key_id(parts, 2)] = _key(parts[1])
    for key_id, oid in protocols.items():
        found = keys.get(key_id) or (keys.get(None) if len(keys) == 1 else None)
        if found is not None:
            return ChipAuthInfo(oid, found[0], found[1], key_id)
    return None


def authenticate(channel: Channel, info: ChipAuthInfo,
                 scalar: pace.Scalar = pace.random_scalar) -> None:
    """MSE:Set AT and GENERAL AUTHENTICATE with an ephemeral key, then secure messaging restarts
    with keys from the shared secret (SSC 0). The chip's proof is its next response."""
    sk = scalar(info.curve, "agreement")
    data = tlv.encode(0x80, pace.oid_value(info.oid))
    if info.key_id is not None:
        data += tlv.encode(0x84, info.key_id.to_bytes(max(1, (info.key_id.bit_length() + 7) // 8),
                                                      "big"))
    answer = channel.send(Command(0, 0x22, 0x41, 0xA4, data), "MSE:Set AT (CA)")
    if not answer.ok:
        raise CardStatus("MSE:Set AT (CA)", answer.sw)
    ephemeral = pace.encode_point(info.curve.generator * sk)
    answer = channel.send(Command(0, 0x86, 0, 0, tlv.encode(0x7C, tlv.encode(0x80, ephemeral)),
                                  256), "GENERAL AUTHENTICATE (CA)")
    if not answer.ok:
        raise ChipAuthenticationFailed(f"the chip refused the key agreement ({answer.sw:04X})")
    secret = pace.shared_secret(info.curve, sk, info.point)
    channel.sm = SecureMessaging(session_keys(secret, info.kind), 0)
