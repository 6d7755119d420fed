"""The dossier envelope (docs/manifest.md): building it at the kiosk, checking and opening it.

Building (``page_listing``, ``build_payload``, ``build_manifest``, ``sign_envelope``) gives
``appliance.submission.finalize`` the portal's field names and the manifest's shape, so finalize
reads as the durability sequence it is. The kiosk never opens its own dossiers: the checks serve
the reference gateway (``sync.portal_sim``, which turns each ``ManifestError`` into its JSON error
body), the tests that prove what is at rest, and anyone auditing a manifest. Every failure has a
stable ``code``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from appliance.crypto import (
    CryptoError,
    PortalKey,
    b64,
    canonical_json,
    sha256_hex,
    unb64,
    verify_signature,
)
from appliance.domain.dossier import Draft

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
STAMP_RE = re.compile(r"^\d{14}$")
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FILES = 200
PORTAL_TIME = "%Y%m%d%H%M%S"
MANIFEST_FORMAT = 1


# --- building (the kiosk) ----------------------------------------------------------------------


@dataclass(frozen=True)
class FileEntry:
    """One encrypted page as the manifest lists it."""

    sha256: str
    size: int
    component: str
    page: int
    media_type: str


def page_listing(entry: FileEntry, component_name: str, plain_sha256: str) -> dict[str, Any]:
    """The payload's ``TaiLieuNop`` item for one page (portal field names, reference §3): scanned
    at the kiosk (``DuocSoHoa`` 1), not reused from an earlier digitised result (``DuocTaiSuDung``
    0, no ``MaKetQuaThayThe``), not taken from the national portal's data store
    (``DuocLayTuKhoDMQG`` 0); docs/domain.md §8."""
    return {
        "TepDinhKemId": entry.sha256,
        "TenTepDinhKem": f"{entry.component}-{entry.page}",
        "MaThanhPhanHoSo": entry.component,
        "TenThanhPhanHoSo": component_name,
        "DuocSoHoa": "1",
        "DuocTaiSuDung": "0",
        "DuocLayTuKhoDMQG": "0",
        "MaKetQuaThayThe": "",
        "Trang": entry.page,
        "MaHoaSHA256": plain_sha256,
    }


def build_payload(
    draft: Draft,
    *,
    code: str,
    procedure_code: str,
    procedure_name: str,
    unit_name: str,
    received: dt.datetime,
    due: dt.datetime | None,
    pages: list[dict[str, Any]],
) -> dict[str, Any]:
    """The sealed payload, with the national portal's field names (reference §3)."""
    return {
        "MaHoSo": code,
        "MaTTHC": procedure_code,
        "TenTTHC": procedure_name,
        "KenhThucHien": 1,
        **draft.identity.to_payload(),
        "SoDienThoai": draft.phone,
        "Email": draft.email,
        "NgayNopHoSo": received.strftime(PORTAL_TIME),
        "NgayTiepNhan": received.strftime(PORTAL_TIME),
        "NgayHenTra": due.strftime(PORTAL_TIME) if due else None,
        "TrichYeuHoSo": f"{procedure_name} — {draft.identity.full_name}"[:1000],
        "NoiNopHoSo": unit_name,
        "HoSoCoThanhPhanSoHoa": "1" if pages else "0",
        "TaiKhoanDuocXacThucVoiVNeID": "0",
        "DuLieuBieuMau": dict(draft.form),
        "TaiLieuNop": pages,
        "HoSoThayThe": draft.replaces,
    }


@dataclass(frozen=True)
class ManifestFacts:
    """The clear facts a manifest states about a dossier (everything but its ciphertexts)."""

    dossier_id: str
    code: str
    kiosk_id: str
    unit_code: str
    procedure_code: str
    received: dt.datetime
    clock_trusted: bool
    due: dt.datetime | None
    replaces: str | None
    device_public_key: str
    identity_assurance: str = "qr"
    """How far the kiosk vouches for the citizen's identity (``Identity.assurance_level``): in
    the clear so the gateway can route or weigh a dossier without opening it (no personal data)."""


def build_manifest(
    facts: ManifestFacts, sealed_key: bytes, payload_ct: bytes, files: Sequence[FileEntry]
) -> dict[str, Any]:
    """The manifest the device key signs (docs/manifest.md)."""
    return {
        "format": MANIFEST_FORMAT,
        "dossier_id": facts.dossier_id,
        "dossier_code": facts.code,
        "kiosk_id": facts.kiosk_id,
        "unit_code": facts.unit_code,
        "procedure_code": facts.procedure_code,
        "finalized_at": facts.received.strftime(PORTAL_TIME),
        "finalized_at_iso": facts.received.isoformat(timespec="seconds"),
        "clock_trusted": facts.clock_trusted,
        "due_at": facts.due.strftime(PORTAL_TIME) if facts.due else None,
        "replaces": facts.replaces,
        "device_public_key": facts.device_public_key,
        "identity_assurance": facts.identity_assurance,
        "sealed_key": b64(sealed_key),
        "payload": {
            "sha256": sha256_hex(payload_ct),
            "size": len(payload_ct),
            "ciphertext": b64(payload_ct),
        },
        "files": [
            {
                "sha256": f.sha256,
                "size": f.size,
                "component": f.component,
                "page": f.page,
                "media_type": f.media_type,
            }
            for f in files
        ],
    }


def sign_envelope(manifest: dict[str, Any], sign: Callable[[bytes], str]) -> tuple[bytes, str]:
    """(envelope bytes, digest): the manifest, its device signature and its SHA-256."""
    signed = canonical_json(manifest)
    digest = sha256_hex(signed)
    envelope = canonical_json({"manifest": manifest, "signature": sign(signed), "digest": digest})
    return envelope, digest


# --- checking (the gateway) ----------------------------------------------------------------------


class ManifestError(Exception):
    """The envelope is malformed (``status`` 400) or fails a check (422); ``code`` is stable."""

    def __init__(self, code: str, message: str, status: int = 422) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


def _require(cond: bool, message: str, code: str = "invalid_manifest") -> None:
    if not cond:
        raise ManifestError(code, message)


def is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def check_envelope(
    envelope: object, dossier_id: str | None = None, kiosk_id: str | None = None
) -> tuple[dict[str, Any], str]:
    """Shape, digest and device signature (and, when given, the expected id and kiosk).
    Returns (manifest, digest)."""
    if not isinstance(envelope, dict) or not isinstance(envelope.get("manifest"), dict):
        raise ManifestError("bad_request", "body must be an object with a 'manifest' object", 400)
    if not isinstance(envelope.get("signature"), str) or not isinstance(
        envelope.get("digest"), str
    ):
        raise ManifestError("bad_request", "'signature' and 'digest' must be strings", 400)
    manifest = envelope["manifest"]
    digest = sha256_hex(canonical_json(manifest))
    _require(
        envelope["digest"] == digest,
        "digest is not sha256 of the canonical manifest",
        "digest_mismatch",
    )
    _require(
        manifest.get("format") == 1,
        "unsupported manifest format (expected 1)",
        "unsupported_format",
    )
    if dossier_id is not None:
        _require(
            manifest.get("dossier_id") == dossier_id,
            "manifest dossier_id differs from the URL",
            "id_mismatch",
        )
    if kiosk_id is not None:
        _require(
            manifest.get("kiosk_id") == kiosk_id,
            "manifest kiosk_id is not the authenticated kiosk",
            "kiosk_mismatch",
        )
    for key in (
        "dossier_id",
        "dossier_code",
        "unit_code",
        "procedure_code",
        "device_public_key",
        "sealed_key",
        "finalized_at",
    ):
        _require(
            isinstance(manifest.get(key), str) and manifest[key] != "",
            f"'{key}' must be a non-empty string",
        )
    _require(
        bool(STAMP_RE.match(manifest["finalized_at"])), "'finalized_at' must be yyyyMMddHHmmss"
    )
    try:
        verify_signature(
            manifest["device_public_key"], canonical_json(manifest), envelope["signature"]
        )
    except CryptoError as exc:
        raise ManifestError("bad_signature", str(exc)) from None
    return manifest, digest


def check_files(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """The manifest's file list: unique sha256s, sane sizes, component and page of each."""
    files = manifest.get("files")
    if not isinstance(files, list) or len(files) > MAX_FILES:  # an `if`, so the checker narrows
        raise ManifestError("invalid_manifest", f"'files' must be a list of at most {MAX_FILES}")
    seen: set[str] = set()
    for i, f in enumerate(files):
        _require(isinstance(f, dict), f"files[{i}] must be an object")
        sha = f.get("sha256")
        _require(
            isinstance(sha, str) and bool(SHA256_RE.match(sha)),
            f"files[{i}].sha256 must be 64 lowercase hex digits",
        )
        _require(sha not in seen, f"files[{i}] repeats a sha256")
        seen.add(sha)
        _require(
            is_int(f.get("size")) and 0 < f["size"] <= MAX_FILE_BYTES,
            f"files[{i}].size must be 1..{MAX_FILE_BYTES}",
        )
        _require(
            isinstance(f.get("component"), str) and f["component"] != "",
            f"files[{i}].component must be a non-empty string",
        )
        _require(is_int(f.get("page")) and 1 <= f["page"] <= MAX_FILES,
                 f"files[{i}].page must be 1..{MAX_FILES}")
        _require(isinstance(f.get("media_type"), str), f"files[{i}].media_type must be a string")
    return files


def open_payload(manifest: dict[str, Any], portal_key: PortalKey) -> tuple[dict[str, Any], bytes]:
    """Open the sealed key, authenticate and parse the payload. Returns (payload, dossier key)."""
    try:
        key = portal_key.open_key(unb64(manifest["sealed_key"]))
    except CryptoError as exc:
        raise ManifestError("sealed_key_invalid", str(exc)) from None
    payload = manifest.get("payload")
    if not isinstance(payload, dict) or not isinstance(payload.get("ciphertext"), str):
        raise ManifestError("invalid_manifest", "'payload' must carry a base64 'ciphertext'")
    try:
        ciphertext = unb64(payload["ciphertext"])
    except CryptoError as exc:
        raise ManifestError("invalid_manifest", f"payload: {exc}") from None
    _require(
        payload.get("sha256") == sha256_hex(ciphertext) and payload.get("size") == len(ciphertext),
        "payload sha256/size do not match its ciphertext",
        "payload_digest_mismatch",
    )
    try:
        clear = json.loads(PortalKey.decrypt(key, ciphertext).decode("utf-8"))
    except CryptoError as exc:
        raise ManifestError("payload_undecryptable", str(exc)) from None
    except (UnicodeDecodeError, ValueError, RecursionError):  # incl. over-long integers
        raise ManifestError("payload_invalid", "payload is not UTF-8 JSON") from None
    _require(isinstance(clear, dict), "payload must be a JSON object", "payload_invalid")
    _require(
        clear.get("MaHoSo") == manifest["dossier_code"],
        "payload MaHoSo differs from the manifest dossier_code",
        "payload_invalid",
    )
    _require(
        clear.get("MaTTHC") == manifest["procedure_code"],
        "payload MaTTHC differs from the manifest procedure_code",
        "payload_invalid",
    )
    docs = clear.get("TaiLieuNop", [])
    _require(isinstance(docs, list), "payload TaiLieuNop must be a list", "payload_invalid")
    listed = {f["sha256"] for f in manifest["files"]}
    for i, doc in enumerate(docs):
        _require(
            isinstance(doc, dict) and doc.get("TepDinhKemId") in listed,
            f"TaiLieuNop[{i}].TepDinhKemId is not a file of the manifest",
            "payload_invalid",
        )
        _require(
            isinstance(doc.get("MaHoaSHA256"), str) and bool(SHA256_RE.match(doc["MaHoaSHA256"])),
            f"TaiLieuNop[{i}].MaHoaSHA256 must be 64 hex digits",
            "payload_invalid",
        )
    _require(
        len(docs) == len(listed),
        "every manifest file needs one TaiLieuNop entry",
        "payload_invalid",
    )
    return clear, key


def check_pages(
    payload: dict[str, Any], dossier_key: bytes, read_file: Callable[[str], bytes]
) -> dict[str, bytes]:
    """Decrypt every page and compare its plaintext sha256 with the payload's ``MaHoaSHA256``.
    Returns file sha256 (of the ciphertext) → page bytes."""
    pages: dict[str, bytes] = {}
    for doc in payload.get("TaiLieuNop", []):
        ciphertext = read_file(doc["TepDinhKemId"])
        if sha256_hex(ciphertext) != doc["TepDinhKemId"]:
            raise ManifestError(
                "page_verification_failed",
                f"page {doc['TepDinhKemId'][:12]}…: ciphertext digest differs",
            )
        try:
            clear = PortalKey.decrypt(dossier_key, ciphertext)
        except CryptoError as exc:
            raise ManifestError(
                "page_verification_failed", f"page {doc['TepDinhKemId'][:12]}…: {exc}"
            ) from None
        if sha256_hex(clear) != doc["MaHoaSHA256"]:
            raise ManifestError(
                "page_verification_failed",
                f"page {doc['TepDinhKemId'][:12]}…: plaintext digest differs",
            )
        pages[doc["TepDinhKemId"]] = clear
    return pages


@dataclass(frozen=True)
class Envelope:
    manifest: dict[str, Any]
    digest: str


@dataclass(frozen=True)
class OpenedDossier:
    payload: dict[str, Any]
    pages: dict[str, bytes] = field(repr=False)
    """File sha256 (of the ciphertext) → decrypted page bytes."""


def parse_envelope(body: bytes | dict[str, Any]) -> Envelope:
    """Parse a stored or received envelope and run every check that needs no key."""
    try:
        data = json.loads(body) if isinstance(body, bytes | bytearray) else body
    except (ValueError, UnicodeDecodeError) as exc:
        raise ManifestError("bad_request", f"envelope is not JSON: {exc}", 400) from None
    manifest, digest = check_envelope(data)
    check_files(manifest)
    return Envelope(manifest, digest)


def open_dossier(
    envelope: Envelope, portal_key: PortalKey, read_file: Callable[[str], bytes]
) -> OpenedDossier:
    """Decrypt the payload and every page, checking each against the manifest and payload."""
    payload, key = open_payload(envelope.manifest, portal_key)
    return OpenedDossier(payload, check_pages(payload, key, read_file))
