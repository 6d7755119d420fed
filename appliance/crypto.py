"""Sealing dossiers to the portal and signing manifests (DESIGN §6).

Each dossier gets a fresh random key. The form payload and every page are encrypted with it
(XSalsa20-Poly1305, libsodium's ``secretbox``: authenticated, so tampering is detected), and the key
itself is sealed to the portal's Curve25519 public key (``crypto_box_seal``). The kiosk keeps only
ciphertexts and the sealed key: once the per-dossier key is forgotten, the kiosk can no longer read
the dossier back, and neither can anyone holding the SD card.

Each kiosk has an Ed25519 device key, created at provisioning (or first use) and kept 0600; it
signs the canonical JSON of every manifest so the gateway knows which kiosk sent what.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import nacl.exceptions
import nacl.public
import nacl.secret
import nacl.signing
import nacl.utils

from appliance.durable import write_atomic

_ED25519_SEED_BYTES = 32


class CryptoError(Exception):
    """A key is missing or malformed, or a ciphertext/signature failed verification."""


class TamperError(CryptoError):
    """Authenticated decryption or a signature check failed: the data was altered."""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as exc:
        raise CryptoError(f"not valid base64: {exc}") from None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_json(obj: object) -> bytes:
    """The one byte form of a JSON document that digests and signatures are computed over."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


class DeviceKey:
    """The kiosk's Ed25519 signing key."""

    def __init__(self, signing_key: nacl.signing.SigningKey) -> None:
        self._key = signing_key

    @classmethod
    def load_or_create(cls, path: Path) -> DeviceKey:
        """Load the key at ``path``, creating it (0600) on first use."""
        if path.exists():
            seed = unb64(path.read_text(encoding="ascii").strip())
            if len(seed) != _ED25519_SEED_BYTES:
                raise CryptoError(f"{path}: device key has the wrong length")
            return cls(nacl.signing.SigningKey(seed))
        key = nacl.signing.SigningKey.generate()
        write_atomic(path, b64(bytes(key)) + "\n", mode=0o600)
        return cls(key)

    @property
    def public_key_b64(self) -> str:
        return b64(bytes(self._key.verify_key))

    def sign(self, data: bytes) -> str:
        """Detached signature of ``data``, base64."""
        return b64(self._key.sign(data).signature)


def verify_signature(public_key_b64: str, data: bytes, signature_b64: str) -> None:
    """Raise TamperError unless ``signature_b64`` is the device key's signature of ``data``."""
    try:
        nacl.signing.VerifyKey(unb64(public_key_b64)).verify(data, unb64(signature_b64))
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError, ValueError) as exc:
        raise TamperError(f"signature does not verify: {exc}") from None


class DossierSealer:
    """Encrypts one dossier's payload and pages under a fresh key sealed to the portal.

    Use once per dossier and call ``forget()`` when done; after that the dossier cannot be read
    back on the kiosk.
    """

    def __init__(self, portal_public_key_b64: str) -> None:
        try:
            portal_key = nacl.public.PublicKey(unb64(portal_public_key_b64))
        except (nacl.exceptions.ValueError, nacl.exceptions.TypeError, ValueError) as exc:
            raise CryptoError(f"portal public key is not a Curve25519 key: {exc}") from None
        key = nacl.utils.random(nacl.secret.SecretBox.KEY_SIZE)
        self._box: nacl.secret.SecretBox | None = nacl.secret.SecretBox(key)
        self.sealed_key = nacl.public.SealedBox(portal_key).encrypt(key)

    def seal(self, plaintext: bytes) -> bytes:
        if self._box is None:
            raise CryptoError("this sealer has already forgotten its key")
        return bytes(self._box.encrypt(plaintext))

    def forget(self) -> None:
        self._box = None


class PortalKey:
    """The portal's key pair: held only by the gateway (and ``portal_sim``), never by a kiosk."""

    def __init__(self, private_key: nacl.public.PrivateKey) -> None:
        self._key = private_key

    @classmethod
    def generate(cls) -> PortalKey:
        return cls(nacl.public.PrivateKey.generate())

    @classmethod
    def load_or_create(cls, path: Path) -> PortalKey:
        if path.exists():
            return cls(nacl.public.PrivateKey(unb64(path.read_text(encoding="ascii").strip())))
        key = cls.generate()
        write_atomic(path, b64(bytes(key._key)) + "\n", mode=0o600)
        return key

    @property
    def public_key_b64(self) -> str:
        return b64(bytes(self._key.public_key))

    def open_key(self, sealed_key: bytes) -> bytes:
        try:
            return nacl.public.SealedBox(self._key).decrypt(sealed_key)
        except nacl.exceptions.CryptoError as exc:
            raise TamperError(f"sealed key does not open: {exc}") from None

    @staticmethod
    def decrypt(dossier_key: bytes, ciphertext: bytes) -> bytes:
        try:
            return nacl.secret.SecretBox(dossier_key).decrypt(ciphertext)
        except (nacl.exceptions.CryptoError, nacl.exceptions.ValueError) as exc:
            raise TamperError(f"ciphertext fails authentication: {exc}") from None
