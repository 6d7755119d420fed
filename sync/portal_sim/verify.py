"""Checks the gateway makes on a dossier: the envelope's shape, digest and signature when the
manifest arrives, and every page's plaintext digest once all files are present (docs/manifest.md).

Each failure is an ``ApiError`` with a stable code; the HTTP layer makes it the JSON error body.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from appliance.crypto import (
    CryptoError,
    PortalKey,
    canonical_json,
    sha256_hex,
    unb64,
    verify_signature,
)

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
KIOSK_RE = re.compile(r"^[A-Za-z0-9]{1,8}$")
STAMP_RE = re.compile(r"^\d{14}$")
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FILES = 200


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, **extra: object) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra


@dataclass
class CheckedManifest:
    manifest: dict
    digest: str
    payload: dict
    dossier_key: bytes = field(repr=False)


def _require(cond: bool, message: str, code: str = "invalid_manifest") -> None:
    if not cond:
        raise ApiError(422, code, message)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_envelope(envelope: object, dossier_id: str, kiosk_id: str) -> tuple[dict, str]:
    """Shape, id, kiosk, digest and signature. Returns (manifest, digest)."""
    if not isinstance(envelope, dict) or not isinstance(envelope.get("manifest"), dict):
        raise ApiError(400, "bad_request", "body must be an object with a 'manifest' object")
    if not isinstance(envelope.get("signature"), str) or not isinstance(
        envelope.get("digest"), str
    ):
        raise ApiError(400, "bad_request", "'signature' and 'digest' must be strings")
    manifest = envelope["manifest"]
    digest = sha256_hex(canonical_json(manifest))
    _require(envelope["digest"] == digest, "digest is not sha256 of the canonical manifest",
             "digest_mismatch")
    _require(manifest.get("format") == 1, "unsupported manifest format (expected 1)",
             "unsupported_format")
    _require(manifest.get("dossier_id") == dossier_id, "manifest dossier_id differs from the URL",
             "id_mismatch")
    _require(manifest.get("kiosk_id") == kiosk_id,
             "manifest kiosk_id is not the authenticated kiosk", "kiosk_mismatch")
    for key in ("dossier_code", "unit_code", "procedure_code", "device_public_key",
                "sealed_key", "finalized_at"):
        _require(isinstance(manifest.get(key), str) and manifest[key] != "",
                 f"'{key}' must be a non-empty string")
    _require(bool(STAMP_RE.match(manifest["finalized_at"])),
             "'finalized_at' must be yyyyMMddHHmmss")
    try:
        verify_signature(manifest["device_public_key"], canonical_json(manifest),
                         envelope["signature"])
    except CryptoError as exc:
        raise ApiError(422, "bad_signature", str(exc)) from None
    return manifest, digest


def check_files(manifest: dict) -> list[dict]:
    files = manifest.get("files")
    _require(isinstance(files, list) and len(files) <= MAX_FILES,
             f"'files' must be a list of at most {MAX_FILES}")
    seen: set[str] = set()
    for i, f in enumerate(files):
        _require(isinstance(f, dict), f"files[{i}] must be an object")
        sha = f.get("sha256")
        _require(isinstance(sha, str) and bool(SHA256_RE.match(sha)),
                 f"files[{i}].sha256 must be 64 lowercase hex digits")
        _require(sha not in seen, f"files[{i}] repeats a sha256")
        seen.add(sha)
        _require(_is_int(f.get("size")) and 0 < f["size"] <= MAX_FILE_BYTES,
                 f"files[{i}].size must be 1..{MAX_FILE_BYTES}")
        _require(isinstance(f.get("component"), str) and f["component"] != "",
                 f"files[{i}].component must be a non-empty string")
        _require(_is_int(f.get("page")) and f["page"] >= 1, f"files[{i}].page must be ≥ 1")
        _require(isinstance(f.get("media_type"), str), f"files[{i}].media_type must be a string")
    return files


def open_payload(manifest: dict, portal_key: PortalKey) -> tuple[dict, bytes]:
    """Open the sealed key, authenticate and parse the payload. Returns (payload, dossier key)."""
    try:
        key = portal_key.open_key(unb64(manifest["sealed_key"]))
    except CryptoError as exc:
        raise ApiError(422, "sealed_key_invalid", str(exc)) from None
    payload = manifest.get("payload")
    _require(isinstance(payload, dict) and isinstance(payload.get("ciphertext"), str),
             "'payload' must carry a base64 'ciphertext'")
    try:
        ciphertext = unb64(payload["ciphertext"])
    except CryptoError as exc:
        raise ApiError(422, "invalid_manifest", f"payload: {exc}") from None
    _require(payload.get("sha256") == sha256_hex(ciphertext) and payload.get("size") == len(
        ciphertext), "payload sha256/size do not match its ciphertext", "payload_digest_mismatch")
    try:
        clear = json.loads(PortalKey.decrypt(key, ciphertext).decode("utf-8"))
    except CryptoError as exc:
        raise ApiError(422, "payload_undecryptable", str(exc)) from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ApiError(422, "payload_invalid", "payload is not UTF-8 JSON") from None
    _require(isinstance(clear, dict), "payload must be a JSON object", "payload_invalid")
    _require(clear.get("MaHoSo") == manifest["dossier_code"],
             "payload MaHoSo differs from the manifest dossier_code", "payload_invalid")
    _require(clear.get("MaTTHC") == manifest["procedure_code"],
             "payload MaTTHC differs from the manifest procedure_code", "payload_invalid")
    docs = clear.get("TaiLieuNop", [])
    _require(isinstance(docs, list), "payload TaiLieuNop must be a list", "payload_invalid")
    listed = {f["sha256"] for f in manifest["files"]}
    for i, doc in enumerate(docs):
        _require(isinstance(doc, dict) and doc.get("TepDinhKemId") in listed,
                 f"TaiLieuNop[{i}].TepDinhKemId is not a file of the manifest", "payload_invalid")
        _require(isinstance(doc.get("MaHoaSHA256"), str) and bool(
            SHA256_RE.match(doc["MaHoaSHA256"])),
            f"TaiLieuNop[{i}].MaHoaSHA256 must be 64 hex digits", "payload_invalid")
    _require(len(docs) == len(listed), "every manifest file needs one TaiLieuNop entry",
             "payload_invalid")
    return clear, key


def check_pages(payload: dict, dossier_key: bytes, read_file) -> None:
    """Decrypt every page and compare its plaintext sha256 with the payload's MaHoaSHA256."""
    for doc in payload.get("TaiLieuNop", []):
        try:
            clear = PortalKey.decrypt(dossier_key, read_file(doc["TepDinhKemId"]))
        except CryptoError as exc:
            raise ApiError(422, "page_verification_failed",
                           f"page {doc['TepDinhKemId'][:12]}…: {exc}") from None
        if sha256_hex(clear) != doc["MaHoaSHA256"]:
            raise ApiError(422, "page_verification_failed",
                           f"page {doc['TepDinhKemId'][:12]}…: plaintext digest differs")


def summary(manifest: dict, payload: dict) -> dict:
    """What the admin API shows of a dossier: decrypted, but only the routing-relevant fields."""
    keep = ("MaHoSo", "MaTTHC", "TenTTHC", "ChuHoSo", "NgayNopHoSo", "NgayHenTra",
            "KenhThucHien", "HoSoCoThanhPhanSoHoa", "NguonDinhDanh")
    out = {k: payload[k] for k in keep if k in payload}
    out["pages"] = len(manifest.get("files", []))
    return out
