"""Key derivation and the two secure-messaging cipher suites (ICAO 9303-11 §9.7, §9.8).

Only glue: DES/3DES and AES come from ``cryptography``'s block ciphers, AES-CMAC from its ``cmac``
module, SHA from its hashes. The retail MAC (ISO/IEC 9797-1 MAC algorithm 3 with DES) is CBC with
single DES (3DES with three equal keys) plus a final 3DES block, which ``cryptography`` does not
offer as one call.
"""

from __future__ import annotations

import abc
from typing import Literal

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives import cmac, hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from hw.emrtd.errors import SecureMessagingError

KeyKind = Literal["3des", "aes128", "aes192", "aes256"]
ENC, MAC, PACE_PI = 1, 2, 3
"""KDF counters: encryption key, MAC key, PACE password key (9303-11 §9.7.1)."""


def _digest(algorithm: hashes.HashAlgorithm, data: bytes) -> bytes:
    h = hashes.Hash(algorithm)
    h.update(data)
    return h.finalize()


def sha1(data: bytes) -> bytes:
    return _digest(hashes.SHA1(), data)


def adjust_parity(key: bytes) -> bytes:
    """DES keys carry odd parity in the low bit of each byte (the published keys do)."""
    return bytes((b & 0xFE) | ((bin(b >> 1).count("1") + 1) & 1) for b in key)


def kdf(seed: bytes, counter: int, kind: KeyKind) -> bytes:
    """KDF(K, c) of 9303-11 §9.7.1: SHA-1 for 3DES and AES-128, SHA-256 above."""
    data = seed + counter.to_bytes(4, "big")
    if kind == "3des":
        return adjust_parity(sha1(data)[:16])
    if kind == "aes128":
        return sha1(data)[:16]
    digest = _digest(hashes.SHA256(), data)
    return digest[:24] if kind == "aes192" else digest


def pad(data: bytes, block: int) -> bytes:
    """ISO/IEC 9797-1 padding method 2: 0x80 then zeros to the block size."""
    data += b"\x80"
    return data + bytes(-len(data) % block)


def unpad(data: bytes) -> bytes:
    stripped = data.rstrip(b"\x00")
    if not stripped.endswith(b"\x80"):
        raise SecureMessagingError("bad padding in decrypted data")
    return stripped[:-1]


def _ecb(algorithm: algorithms.AES | TripleDES, data: bytes, *, decrypt: bool = False) -> bytes:
    cipher = Cipher(algorithm, modes.ECB())
    ctx = cipher.decryptor() if decrypt else cipher.encryptor()
    return ctx.update(data) + ctx.finalize()


def _cbc(
    algorithm: algorithms.AES | TripleDES, iv: bytes, data: bytes, *, decrypt: bool = False
) -> bytes:
    cipher = Cipher(algorithm, modes.CBC(iv))
    ctx = cipher.decryptor() if decrypt else cipher.encryptor()
    return ctx.update(data) + ctx.finalize()


def des3_cbc(key: bytes, data: bytes, *, decrypt: bool = False) -> bytes:
    """Two-key 3DES in CBC mode with a zero IV, as BAC and 3DES secure messaging use it."""
    return _cbc(TripleDES(key + key[:8]), bytes(8), data, decrypt=decrypt)


def retail_mac(key: bytes, data: bytes) -> bytes:
    """ISO/IEC 9797-1 MAC algorithm 3 over already padded ``data`` with a two-key 3DES key."""
    ka, kb = key[:8], key[8:16]
    last = _cbc(TripleDES(ka * 3), bytes(8), data)[-8:]
    last = _ecb(TripleDES(kb * 3), last, decrypt=True)
    return _ecb(TripleDES(ka * 3), last)


def aes_cmac(key: bytes, data: bytes) -> bytes:
    mac = cmac.CMAC(algorithms.AES(key))
    mac.update(data)
    return mac.finalize()


class SessionKeys(abc.ABC):
    """KS_enc and KS_mac of one secure-messaging session and how its suite uses them."""

    block: int

    def __init__(self, enc: bytes, mac: bytes) -> None:
        self.enc = enc
        self.mac_key = mac

    @abc.abstractmethod
    def encrypt(self, ssc: bytes, data: bytes) -> bytes: ...

    @abc.abstractmethod
    def decrypt(self, ssc: bytes, data: bytes) -> bytes: ...

    @abc.abstractmethod
    def mac(self, message: bytes) -> bytes:
        """The 8-byte checksum of ``message`` (SSC included), padded here."""


class DesKeys(SessionKeys):
    """3DES secure messaging (BAC, PACE with 3DES): zero IV, retail MAC."""

    block = 8

    def encrypt(self, ssc: bytes, data: bytes) -> bytes:
        return des3_cbc(self.enc, data)

    def decrypt(self, ssc: bytes, data: bytes) -> bytes:
        return des3_cbc(self.enc, data, decrypt=True)

    def mac(self, message: bytes) -> bytes:
        return retail_mac(self.mac_key, pad(message, 8))


class AesKeys(SessionKeys):
    """AES secure messaging (PACE): IV = E(KS_enc, SSC), CMAC truncated to 8 bytes."""

    block = 16

    def _iv(self, ssc: bytes) -> bytes:
        return _ecb(algorithms.AES(self.enc), ssc)

    def encrypt(self, ssc: bytes, data: bytes) -> bytes:
        return _cbc(algorithms.AES(self.enc), self._iv(ssc), data)

    def decrypt(self, ssc: bytes, data: bytes) -> bytes:
        return _cbc(algorithms.AES(self.enc), self._iv(ssc), data, decrypt=True)

    def mac(self, message: bytes) -> bytes:
        return aes_cmac(self.mac_key, pad(message, 16))[:8]


def session_keys(seed: bytes, kind: KeyKind) -> SessionKeys:
    """KS_enc and KS_mac from a shared secret (BAC's K_seed, PACE's K)."""
    enc, mac = kdf(seed, ENC, kind), kdf(seed, MAC, kind)
    return DesKeys(enc, mac) if kind == "3des" else AesKeys(enc, mac)


def nonce_cipher(kind: KeyKind, key: bytes, data: bytes, *, decrypt: bool) -> bytes:
    """PACE's nonce encryption E(K_pi, s): CBC with a zero IV (9303-11 §4.4.3.1)."""
    if kind == "3des":
        return des3_cbc(key, data, decrypt=decrypt)
    return _cbc(algorithms.AES(key), bytes(16), data, decrypt=decrypt)


def token_mac(kind: KeyKind, key: bytes, data: bytes) -> bytes:
    """PACE authentication token: retail MAC (padded) for 3DES, CMAC for AES, 8 bytes."""
    if kind == "3des":
        return retail_mac(key, pad(data, 8))
    return aes_cmac(key, data)[:8]
