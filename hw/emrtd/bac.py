"""Basic Access Control (ICAO 9303-11 §4.3): keys from the MRZ, mutual authentication, SM keys.

For a CCCD the MRZ fields are known without the MRZ: the document number is the last 9 digits of
the 12-digit ID number, and birth and expiry dates come from the QR (docs/identity.md).
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Callable

from hw.emrtd.apdu import Command, Transport, parse_response
from hw.emrtd.errors import AccessDenied, CardStatus, MalformedData
from hw.emrtd.keys import ENC, MAC, des3_cbc, kdf, pad, retail_mac, session_keys, sha1
from hw.emrtd.sm import SecureMessaging

_WEIGHTS = (7, 3, 1)


def check_digit(field: str) -> str:
    """The MRZ check digit of 9303-3 §4.9: digits as is, A=10…Z=35, '<'=0, weights 7 3 1."""
    total = 0
    for index, char in enumerate(field):
        if char.isdigit():
            value = int(char)
        elif "A" <= char <= "Z":
            value = ord(char) - 55
        elif char == "<":
            value = 0
        else:
            raise MalformedData("mrz", f"character {char!r} is not allowed in an MRZ field")
        total += value * _WEIGHTS[index % 3]
    return str(total % 10)


def mrz_information(document_number: str, birth: str, expiry: str) -> str:
    """The 'MRZ information' of 9303-11 §9.7.2: each field followed by its check digit."""
    number = document_number.upper().ljust(9, "<")
    for name, value in (("birth date", birth), ("expiry date", expiry)):
        if len(value) != 6 or not value.isdigit():
            raise MalformedData("mrz", f"{name} must be YYMMDD")
    return "".join(f + check_digit(f) for f in (number, birth, expiry))


def key_seed(mrz_info: str) -> bytes:
    """K_seed: the first 16 bytes of SHA-1 over the MRZ information."""
    return sha1(mrz_info.encode("ascii"))[:16]


def mutual_authenticate(
    transport: Transport, mrz_info: str, random: Callable[[int], bytes] = os.urandom
) -> SecureMessaging:
    """GET CHALLENGE + EXTERNAL AUTHENTICATE; the secure-messaging session on success."""
    seed = key_seed(mrz_info)
    k_enc, k_mac = kdf(seed, ENC, "3des"), kdf(seed, MAC, "3des")
    challenge = parse_response(transport.transmit(Command(0, 0x84, 0, 0, le=8).encode()))
    if not challenge.ok or len(challenge.data) != 8:
        raise CardStatus("GET CHALLENGE", challenge.sw)
    rnd_ic = challenge.data
    rnd_ifd, k_ifd = random(8), random(16)
    e_ifd = des3_cbc(k_enc, rnd_ifd + rnd_ic + k_ifd)
    body = e_ifd + retail_mac(k_mac, pad(e_ifd, 8))
    answer = parse_response(transport.transmit(Command(0, 0x82, 0, 0, body, 40).encode()))
    if answer.sw in (0x6300, 0x6982) or (answer.ok and len(answer.data) != 40):
        raise AccessDenied("bac", f"EXTERNAL AUTHENTICATE answered {answer.sw:04X}")
    if not answer.ok:
        raise CardStatus("EXTERNAL AUTHENTICATE", answer.sw)
    e_ic, m_ic = answer.data[:32], answer.data[32:]
    if not hmac.compare_digest(retail_mac(k_mac, pad(e_ic, 8)), m_ic):
        raise AccessDenied("bac", "the card's authentication checksum does not verify")
    plain = des3_cbc(k_enc, e_ic, decrypt=True)
    if plain[:8] != rnd_ic or plain[8:16] != rnd_ifd:
        raise AccessDenied("bac", "the card did not return our challenge")
    k_ic = plain[16:]
    seed_s = bytes(a ^ b for a, b in zip(k_ifd, k_ic, strict=True))
    ssc = int.from_bytes(rnd_ic[4:] + rnd_ifd[4:], "big")
    return SecureMessaging(session_keys(seed_s, "3des"), ssc)
