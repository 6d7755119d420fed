"""Reading and checking a dossier envelope (docs/manifest.md) — the gateway's side of sealing.

The kiosk never opens its own dossiers; this is for the reference gateway (``sync.portal_sim``),
for tests that prove what is at rest, and for anyone auditing a manifest.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from appliance.crypto import (
    CryptoError,
    PortalKey,
    TamperError,
    canonical_json,
    sha256_hex,
    unb64,
    verify_signature,
)

REQUIRED_KEYS = frozenset(
    {
        "format",
        "dossier_id",
        "dossier_code",
        "kiosk_id",
        "unit_code",
        "procedure_code",
        "finalized_at",
        "device_public_key",
        "sealed_key",
        "payload",
        "files",
    }
)


@dataclass(frozen=True)
class Envelope:
    manifest: dict[str, Any]
    signature: str
    digest: str


@dataclass(frozen=True)
class OpenedDossier:
    payload: dict[str, Any]
    pages: dict[str, bytes]
    """File sha256 (of the ciphertext) → decrypted page bytes."""


def parse_envelope(body: bytes | dict[str, Any]) -> Envelope:
    """Parse and check an envelope: shape, digest and device signature. Raises CryptoError."""
    try:
        data = json.loads(body) if isinstance(body, bytes | bytearray) else body
    except (ValueError, UnicodeDecodeError) as exc:
        raise CryptoError(f"envelope is not JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("manifest"), dict):
        raise CryptoError("envelope has no manifest object")
    manifest = data["manifest"]
    missing = REQUIRED_KEYS - manifest.keys()
    if missing:
        raise CryptoError(f"manifest lacks {', '.join(sorted(missing))}")
    if manifest["format"] != 1:
        raise CryptoError(f"manifest format {manifest['format']!r} is not supported")
    signature, digest = data.get("signature"), data.get("digest")
    if not isinstance(signature, str) or not isinstance(digest, str):
        raise CryptoError("envelope lacks signature or digest")
    signed = canonical_json(manifest)
    if sha256_hex(signed) != digest:
        raise TamperError("digest does not match the manifest")
    verify_signature(manifest["device_public_key"], signed, signature)
    return Envelope(manifest, signature, digest)


def open_dossier(
    envelope: Envelope, portal_key: PortalKey, read_file: Callable[[str], bytes]
) -> OpenedDossier:
    """Decrypt the payload and every page, checking each against the manifest and payload."""
    manifest = envelope.manifest
    key = portal_key.open_key(unb64(manifest["sealed_key"]))
    payload_ct = unb64(manifest["payload"]["ciphertext"])
    if sha256_hex(payload_ct) != manifest["payload"]["sha256"]:
        raise TamperError("payload ciphertext does not match its digest")
    payload = json.loads(portal_key.decrypt(key, payload_ct))
    plain_digests = {p["TepDinhKemId"]: p["MaHoaSHA256"] for p in payload.get("TaiLieuNop", [])}
    pages: dict[str, bytes] = {}
    for entry in manifest["files"]:
        ciphertext = read_file(entry["sha256"])
        if sha256_hex(ciphertext) != entry["sha256"] or len(ciphertext) != entry["size"]:
            raise TamperError(f"file {entry['sha256'][:12]}… does not match the manifest")
        plain = portal_key.decrypt(key, ciphertext)
        if plain_digests.get(entry["sha256"]) != sha256_hex(plain):
            raise TamperError(f"page {entry['sha256'][:12]}… does not match the payload listing")
        pages[entry["sha256"]] = plain
    return OpenedDossier(payload, pages)
