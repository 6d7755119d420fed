"""Staff PIN hashing (DESIGN §6: the PIN is stored only as a slow hash).

Format: ``scrypt$<n>$<r>$<p>$<salt b64>$<hash b64>`` — self-describing, so the cost can be raised
later without breaking stored hashes. scrypt is memory-hard, which is what makes a 4–8 digit PIN
costly to brute-force from a stolen SD card; verification compares in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

N = 2**17
"""CPU/memory cost: OWASP's scrypt recommendation (N=2^17, r=8, p=1; Password Storage Cheat
Sheet), 128 MiB for the duration of one check. A Raspberry Pi 3 (1 GB) has it beside the UI
(~250 MB) and the sync daemon; a check takes ~1–2 s there, once per PIN attempt, off the UI
thread (bench/pin.py measures it). Hashes made with the earlier N=2^14 still verify: the stored
string carries its parameters."""
R = 8
P = 1
_SALT_BYTES = 16
_HASH_BYTES = 32
MAX_MEMORY = 128 * 1024 * 1024 + 64 * 1024
"""Largest scrypt working memory (128·r·N bytes plus slack) a stored hash may ask for: a
hand-edited ``pin_hash`` with a bigger N or r would otherwise exhaust a 1 GB device."""
_MAX_P = 4


class PinHashError(ValueError):
    """A stored hash is not in the ``scrypt$n$r$p$salt$hash`` format."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _memory(n: int, r: int, p: int) -> int:
    return 128 * r * (n + p + 2)


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(
        pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=length, maxmem=_memory(n, r, p)
    )


def hash_pin(pin: str, *, n: int = N, r: int = R, p: int = P) -> str:
    """A fresh salted hash of ``pin`` in the ``scrypt$…`` format."""
    if not pin:
        raise ValueError("the staff PIN must not be empty")
    salt = os.urandom(_SALT_BYTES)
    digest = _scrypt(pin, salt, n, r, p, _HASH_BYTES)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(digest)}"


def parse_hash(stored: str) -> tuple[int, int, int, bytes, bytes]:
    """(n, r, p, salt, hash) of a stored hash; raises PinHashError when malformed."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        raise PinHashError("expected scrypt$n$r$p$salt$hash")
    try:
        n, r, p = (int(x) for x in parts[1:4])
        salt = base64.b64decode(parts[4], validate=True)
        digest = base64.b64decode(parts[5], validate=True)
    except ValueError:
        raise PinHashError("expected scrypt$n$r$p$salt$hash with numbers and base64") from None
    if n < 2 or n & (n - 1) or not 1 <= r <= 32 or not 1 <= p <= _MAX_P:
        raise PinHashError(f"scrypt parameters out of range (n={n}, r={r}, p={p})")
    if _memory(n, r, p) > MAX_MEMORY:
        raise PinHashError(f"scrypt parameters need more than {MAX_MEMORY >> 20} MiB")
    if len(salt) < 8 or len(digest) < 16:
        raise PinHashError("salt or hash too short")
    return n, r, p, salt, digest


def is_pin_hash(stored: str) -> bool:
    """True when ``stored`` is a well-formed ``scrypt$…`` hash."""
    try:
        parse_hash(stored)
    except PinHashError:
        return False
    return True


def verify_pin(pin: str, stored: str) -> bool:
    """True when ``pin`` matches ``stored``; False for a wrong PIN or a malformed hash."""
    try:
        n, r, p, salt, digest = parse_hash(stored)
    except PinHashError:
        return False
    return hmac.compare_digest(_scrypt(pin, salt, n, r, p, len(digest)), digest)
