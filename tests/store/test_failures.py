"""A corrupt database, a full disk, a failing write: each gives its clear message and no stored
dossier is harmed."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import random
import subprocess
import sys

import pytest

from appliance.clock import Clock
from appliance.manifest import open_dossier, parse_envelope
from appliance.store import Store, SubmissionRefused
from appliance.store.store import DB_NAME, UNAVAILABLE_MARKER
from appliance.submission import finalize
from tests.store.conftest import make_draft


def _write_config(tmp_path, data_dir, reserve_mb=0):
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'[kiosk]\ndata_dir = "{data_dir}"\nclock = "host"\n[storage]\nreserve_mb = {reserve_mb}\n',
        encoding="utf-8",
    )
    return path


def _status(config_path):
    proc = subprocess.run(
        [sys.executable, "-m", "appliance.cli", "--config", str(config_path), "status", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.returncode, json.loads(proc.stdout), proc.stderr


def test_corrupt_database_is_kept_and_submissions_refused(tmp_path, data_dir, ctx, portal_key):
    store = Store.open(data_dir, reserve_mb=0, clock=Clock("host"))
    kept = finalize(store, make_draft(random.Random(1)), ctx)
    blob_names = sorted(store.blobs.all_names())
    store.close()
    db_file = data_dir / DB_NAME
    raw = bytearray(db_file.read_bytes())
    raw[0:16] = b"this is not sql!"  # a header no SQLite accepts
    db_file.write_bytes(raw)
    before = hashlib.sha256(db_file.read_bytes()).hexdigest()

    store = Store.open(data_dir, reserve_mb=0, clock=Clock("host"))
    health = store.health()
    assert not health.ok and health.code == "store_corrupt"
    assert "báo cán bộ" in health.reason_vi
    with pytest.raises(SubmissionRefused) as refused:
        store.check_can_accept()
    assert refused.value.code == "store_corrupt"
    with pytest.raises(SubmissionRefused):
        finalize(store, make_draft(random.Random(2)), ctx)
    store.close()
    # Never deleted or recreated: the same bytes are still there, and so are the blobs.
    assert hashlib.sha256(db_file.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in (data_dir / "blobs").rglob("*") if p.is_file()) == blob_names
    assert (data_dir / UNAVAILABLE_MARKER).exists()
    code, doc, _ = _status(_write_config(tmp_path, data_dir))
    assert code == 3 and doc["database"]["ok"] is False and doc["accepting_submissions"] is False
    assert kept.code  # the dossier's blobs are intact for a technician to recover


def test_disk_reserve_refuses_before_writing(tmp_path, data_dir, ctx, portal_key):
    store = Store.open(data_dir, reserve_mb=0, clock=Clock("host"))
    kept = finalize(store, make_draft(random.Random(3)), ctx)
    store.close()
    free_mb = Store.open(data_dir, reserve_mb=0).free_bytes() // 2**20
    full = Store.open(data_dir, reserve_mb=free_mb + 1, clock=Clock("host"))
    with pytest.raises(SubmissionRefused) as refused:
        finalize(full, make_draft(random.Random(4)), ctx)
    assert refused.value.code == "disk_reserve"
    assert "Bộ nhớ của máy sắp đầy" in refused.value.reason_vi
    assert [r.id for r in full.all_dossiers()] == [kept.id]
    opened = open_dossier(parse_envelope(full.envelope(kept.id)), portal_key, full.read_blob)
    assert len(opened.pages) == 3
    full.close()
    code, doc, _ = _status(_write_config(tmp_path, data_dir, reserve_mb=free_mb + 1))
    assert code == 0 and doc["accepting_submissions"] is False
    assert doc["refusal"]["code"] == "disk_reserve"


def test_disk_full_during_blob_write_loses_nothing(data_dir, ctx, portal_key, monkeypatch):
    store = Store.open(data_dir, reserve_mb=0, clock=Clock("host"))
    kept = finalize(store, make_draft(random.Random(5)), ctx)
    real_write = os.write
    calls = {"n": 0}

    def failing_write(fd, data):
        calls["n"] += 1
        if calls["n"] == 2:  # the second page of the new dossier hits a full disk
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", failing_write)
    with pytest.raises(OSError, match="No space"):
        finalize(store, make_draft(random.Random(6)), ctx)
    monkeypatch.setattr(os, "write", real_write)
    store.close()
    reopened = Store.open(data_dir, reserve_mb=0, clock=Clock("host"))
    assert [r.id for r in reopened.all_dossiers()] == [kept.id]
    assert len(reopened.health().orphans) == 1, "the page written before the failure is reported"
    opened = open_dossier(
        parse_envelope(reopened.envelope(kept.id)), portal_key, reopened.read_blob
    )
    assert len(opened.pages) == 3


def test_missing_blob_is_reported_and_its_dossier_quarantined(data_dir, ctx):
    store = Store.open(data_dir, reserve_mb=0, clock=Clock("host"))
    result = finalize(store, make_draft(random.Random(7)), ctx)
    victim = store.files(result.id)[0].sha256
    store.close()
    os.unlink(data_dir / "blobs" / victim[:2] / victim)
    store = Store.open(data_dir, reserve_mb=0, clock=Clock("host"))
    assert store.health().missing == [victim]
    record = store.get(result.id)
    assert record.state == "quarantined" and "missing_file" in record.quarantine_reason
