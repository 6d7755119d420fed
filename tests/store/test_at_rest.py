"""What a stolen SD card yields: no name, ID number, address, birth date or scan in clear.

Dossiers are seeded by the real ``kiosk seed`` command; the portal's private key (held outside the
data folder, as the gateway holds it) then opens each one to learn exactly which personal strings
and page bytes to hunt for in the raw bytes of every file of the data folder.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from appliance.crypto import PortalKey, b64, canonical_json, unb64
from appliance.manifest import ManifestError, open_dossier, parse_envelope
from appliance.store import Store


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    root = tmp_path_factory.mktemp("at-rest")
    portal = PortalKey.load_or_create(root / "gateway" / "portal.key")
    data_dir = root / "data"
    config = root / "kiosk.toml"
    config.write_text(
        f'[kiosk]\ndata_dir = "{data_dir}"\nclock = "host"\n'
        f'[gateway]\nportal_public_key = "{portal.public_key_b64}"\n',
        encoding="utf-8",
    )
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "appliance.cli",
            "--config",
            str(config),
            "seed",
            "--dossiers",
            "12",
            "--pages",
            "3",
            "--seed",
            "7",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    created = json.loads(proc.stdout)["created"]
    return data_dir, portal, created


def _needles(payload: dict, pages: dict[str, bytes]) -> list[bytes]:
    texts = [payload["ChuHoSo"], payload["SoGiayToChuHoSo"], payload["DiaChiThuongTru"]]
    if payload.get("NgaySinh"):
        y, m, d = payload["NgaySinh"][:4], payload["NgaySinh"][4:6], payload["NgaySinh"][6:]
        texts += [f"{d}{m}{y}", f"{d}/{m}/{y}", f"{y}-{m}-{d}"]
    needles = []
    for text in texts:
        for form in ("NFC", "NFD"):
            needles.append(unicodedata.normalize(form, text).encode("utf-8"))
        needles.append(text.encode("utf-16-le"))
    for page in pages.values():
        middle = len(page) // 2
        needles.append(page[middle : middle + 48])
    return needles


def test_nothing_personal_is_readable_in_the_data_folder(seeded):
    data_dir, portal, created = seeded
    store = Store.open(data_dir, reserve_mb=0)
    needles = []
    for item in created:
        opened = open_dossier(parse_envelope(store.envelope(item["id"])), portal, store.read_blob)
        assert opened.payload["MaHoSo"] == item["code"]
        assert len(opened.pages) == 3
        needles += _needles(opened.payload, opened.pages)
    store.close()
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert any(p.name.endswith(".db-wal") or p.name == "kiosk.db" for p in files)
    for path in files:
        raw = path.read_bytes()
        for needle in needles:
            assert needle not in raw, f"personal data in clear in {path.relative_to(data_dir)}"


def test_tampering_is_detected_and_signatures_verify(seeded):
    data_dir, portal, created = seeded
    store = Store.open(data_dir, reserve_mb=0)
    envelope = parse_envelope(store.envelope(created[0]["id"]))  # signature verifies
    first = envelope.manifest["files"][0]["sha256"]

    def flipped(sha: str) -> bytes:
        data = bytearray(store.read_blob(sha))
        if sha == first:
            data[-1] ^= 0x01
        return bytes(data)

    with pytest.raises(ManifestError) as flipped_page:
        open_dossier(envelope, portal, flipped)
    assert flipped_page.value.code == "page_verification_failed"

    raw = json.loads(store.envelope(created[0]["id"]))
    raw["manifest"]["procedure_code"] = "2.000815"
    with pytest.raises(ManifestError) as changed:
        parse_envelope(json.dumps(raw).encode())
    assert changed.value.code == "digest_mismatch"
    raw["digest"] = hashlib.sha256(canonical_json(raw["manifest"])).hexdigest()
    with pytest.raises(ManifestError) as resigned:
        parse_envelope(json.dumps(raw).encode())
    assert resigned.value.code == "bad_signature"

    payload = unb64(envelope.manifest["payload"]["ciphertext"])
    tampered = dict(
        envelope.manifest,
        payload={
            **envelope.manifest["payload"],
            "ciphertext": b64(payload[:-1] + bytes([payload[-1] ^ 1])),
        },
    )
    forged = type(envelope)(tampered, envelope.digest)
    with pytest.raises(ManifestError) as forged_payload:
        open_dossier(forged, portal, store.read_blob)
    assert forged_payload.value.code == "payload_digest_mismatch"
    bad = payload[:-1] + bytes([payload[-1] ^ 1])
    rehashed = dict(
        envelope.manifest,
        payload={
            "ciphertext": b64(bad),
            "sha256": hashlib.sha256(bad).hexdigest(),
            "size": len(bad),
        },
    )
    with pytest.raises(ManifestError) as unauthentic:
        open_dossier(type(envelope)(rehashed, envelope.digest), portal, store.read_blob)
    assert unauthentic.value.code == "payload_undecryptable", "secretbox must catch the change"
    store.close()


def test_another_portal_key_cannot_open_a_dossier(seeded):
    data_dir, _, created = seeded
    store = Store.open(data_dir, reserve_mb=0)
    envelope = parse_envelope(store.envelope(created[1]["id"]))
    with pytest.raises(ManifestError) as wrong_key:
        open_dossier(envelope, PortalKey.generate(), store.read_blob)
    assert wrong_key.value.code == "sealed_key_invalid"
    store.close()


def test_device_key_file_is_private(seeded):
    data_dir, _, _ = seeded
    key_file = Path(data_dir) / "secrets" / "device.key"
    assert key_file.stat().st_mode & 0o077 == 0
