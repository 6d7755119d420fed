"""Active authentication (ICAO 9303-11 §6.1): the chip proves it holds the private key whose
public half is in DG15, so a copy of the signed data on another chip is caught.

Implemented for EC keys on named curves: the chip signs an 8-byte challenge with ECDSA and
returns the plain r‖s signature (BSI TR-03111 format); SHA-256 unless DG14's
ActiveAuthenticationInfo says otherwise (not read from DG14 yet). RSA keys use ISO/IEC 9796-2
message recovery, which needs a raw RSA operation ``cryptography`` does not offer: refused as
``chip.unsupported`` rather than built by hand.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from hw.emrtd import tlv
from hw.emrtd.apdu import Command
from hw.emrtd.errors import CardStatus, ChipError, MalformedData, UnsupportedCard
from hw.emrtd.files import Channel

DG15_TAG = 0x6F


class ActiveAuthenticationFailed(ChipError):
    def __init__(self, detail: str) -> None:
        super().__init__(
            "chip.aa.failed",
            "Chip trên thẻ không chứng minh được là chip gốc. Hãy báo cán bộ.",
            f"active authentication: {detail}",
        )


def load_dg15(data: bytes) -> ec.EllipticCurvePublicKey:
    """The active-authentication public key of DG15 (a SubjectPublicKeyInfo)."""
    value = tlv.decode(data, DG15_TAG).value
    try:
        key = serialization.load_der_public_key(value)
    except UnsupportedAlgorithm:
        raise UnsupportedCard("DG15 key on explicit or unknown curve parameters") from None
    except ValueError:
        raise MalformedData("dg15", "not a SubjectPublicKeyInfo") from None
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise UnsupportedCard(f"active authentication with {type(key).__name__}")
    return key


def plain_to_der(signature: bytes, size: int) -> bytes:
    """r‖s (each ``size`` bytes) as the DER SEQUENCE that ``cryptography`` verifies."""
    if len(signature) != 2 * size:
        raise ActiveAuthenticationFailed(f"signature of {len(signature)} bytes, not {2 * size}")
    r, s = signature[:size], signature[size:]
    return encode_dss_signature(int.from_bytes(r, "big"), int.from_bytes(s, "big"))


def authenticate(
    channel: Channel,
    key: ec.EllipticCurvePublicKey,
    random: Callable[[int], bytes] = os.urandom,
) -> None:
    """INTERNAL AUTHENTICATE with a fresh challenge; refuses unless the chip's signature holds."""
    challenge = random(8)
    answer = channel.send(Command(0, 0x88, 0, 0, challenge, 256), "INTERNAL AUTHENTICATE")
    if not answer.ok:
        raise CardStatus("INTERNAL AUTHENTICATE", answer.sw)
    size = (key.curve.key_size + 7) // 8
    try:
        key.verify(plain_to_der(answer.data, size), challenge, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise ActiveAuthenticationFailed("the chip's signature does not verify") from None
