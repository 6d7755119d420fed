"""No trust on first use (issue 11 item 1): a device key is accepted only after enrolment with a
one-time code from the administrator; revoke and rotate work; the code leaves the kiosk once used.

The attack: someone holds K02's client secret (copied from a card, a backup, a log) and a device
key of their own. Before enrolment existed, their key was pinned on first sight, their dossier was
accepted, and the genuine K02 was then refused with ``device_key_mismatch`` for ever."""

from __future__ import annotations

import json
import stat
import time

import requests

from appliance.crypto import DeviceKey
from appliance.domain.dossier import DossierState
from sync.portal_sim import enrolment
from tests.security.conftest import credentials_with, token


def _enrol(sim, key_b64: str, code: str, kiosk_id: str = "K02") -> requests.Response:
    return requests.post(f"{sim.url}/api/v1/kiosks/{kiosk_id}/enrolment", timeout=5,
                         headers={"Authorization": f"Bearer {token(sim)}"},
                         json={"device_public_key": key_b64, "enrolment_code": code})


def test_a_rogue_key_with_the_client_secret_is_refused_and_cannot_lock_out_the_genuine_kiosk(
        sim, kiosk):
    rogue = kiosk("rogue")  # K02's client secret, its own device key, no enrolment code
    (forged,) = rogue.seed(seed=1)
    assert rogue.daemon.run_once() is False
    assert rogue.record(forged.id).state is DossierState.QUEUED
    assert "device_not_enrolled" in rogue.record(forged.id).last_error
    assert "sync_auth" in [a.code for a in rogue.daemon.store.alerts()]
    assert sim.gateway.admin_dossiers() == []
    # guessing a code does not help either
    rogue_key = DeviceKey.load_or_create(rogue.config.data_dir / "secrets" / "device.key")
    assert _enrol(sim, rogue_key.public_key_b64, "guess").status_code == 403

    genuine = kiosk("genuine", code=sim.enrolment_code())
    (real,) = genuine.seed(seed=2)
    assert genuine.daemon.run_once() is True
    assert genuine.record(real.id).state is DossierState.PURGED
    assert [d["dossier_id"] for d in sim.gateway.admin_dossiers()] == [real.id]

    assert rogue.daemon.run_once() is False  # still refused after the genuine kiosk enrolled
    assert [d["dossier_id"] for d in sim.gateway.admin_dossiers()] == [real.id]


def test_a_code_is_single_use_kept_only_as_a_hash_and_expires(sim, monkeypatch):
    a, b = (DeviceKey.load_or_create(sim.data_dir / f"{n}.key") for n in "ab")
    code = sim.enrolment_code()
    assert code.encode() not in (sim.data_dir / "portal.db").read_bytes()
    assert _enrol(sim, a.public_key_b64, code).status_code == 201
    assert _enrol(sim, a.public_key_b64, code).status_code == 200  # same key: idempotent
    refused = _enrol(sim, b.public_key_b64, code)
    assert refused.status_code == 403 and refused.json()["code"] == "invalid_enrolment_code"

    late = sim.enrolment_code(rotate=True)
    later = time.time() + enrolment.DEFAULT_CODE_TTL_S + 1
    monkeypatch.setattr(time, "time", lambda: later)  # the module enrolment reads the time from
    assert _enrol(sim, b.public_key_b64, late).json()["code"] == "invalid_enrolment_code"


def test_a_plain_code_cannot_replace_an_enrolled_key(sim):
    a, b = (DeviceKey.load_or_create(sim.data_dir / f"{n}.key") for n in "ab")
    assert _enrol(sim, a.public_key_b64, sim.enrolment_code()).status_code == 201
    second = _enrol(sim, b.public_key_b64, sim.enrolment_code())
    assert second.status_code == 409 and second.json()["code"] == "already_enrolled"


def test_the_provisioned_code_is_used_once_then_removed_from_the_credentials_file(sim, kiosk):
    genuine = kiosk("genuine")  # the code is in the credentials file, as kiosk provision puts it
    creds = genuine.daemon.enroller.credentials_file
    credentials_with(creds, enrolment_code=sim.enrolment_code())
    (rec,) = genuine.seed()
    assert genuine.daemon.run_once() is True
    assert genuine.record(rec.id).state is DossierState.PURGED
    stored = json.loads(creds.read_text(encoding="utf-8"))
    assert "enrolment_code" not in stored and stored["client_secret"]
    assert stat.S_IMODE(creds.stat().st_mode) == 0o600
    # A re-provisioning brings the used code back: the enrolled kiosk drops it again.
    credentials_with(creds, enrolment_code="the-same-used-code")
    genuine.seed(seed=1)
    assert genuine.daemon.run_once() is True
    assert "enrolment_code" not in json.loads(creds.read_text(encoding="utf-8"))


def test_revoke_refuses_the_key_and_a_rotation_code_enrols_a_new_one(sim, kiosk, admin):
    first = kiosk("k02", code=sim.enrolment_code())
    first.seed(seed=1)
    assert first.daemon.run_once() is True
    assert admin("POST", "/admin/kiosks/K02/revoke").json() == {"kiosk_id": "K02",
                                                                 "revoked": True}
    (old,) = first.seed(seed=2)
    assert first.daemon.run_once() is False
    assert "device_not_enrolled" in first.record(old.id).last_error
    assert first.record(old.id).state is DossierState.QUEUED

    # The key is replaced (say it leaked): the administrator rotates, the kiosk gets a new key.
    (first.config.data_dir / "secrets" / "device.key").unlink()
    rotated = admin("POST", "/admin/kiosks/K02/rotate", json={"ttl_s": 600})
    assert rotated.status_code == 201 and rotated.json()["purpose"] == "rotate"
    (new,) = first.seed(seed=3)
    again = kiosk("k02", code=rotated.json()["enrolment_code"])
    assert again.daemon.run_once() is True
    assert again.record(new.id).state is DossierState.PURGED
    # signed by the retired key: set aside for staff, not blocking the queue, never accepted
    assert again.record(old.id).state is DossierState.QUARANTINED
    assert "retired_device_key" in again.record(old.id).quarantine_reason
    listed = admin("GET", "/admin/kiosks").json()["kiosks"]
    assert [k["device_key"] for k in listed] == [again.daemon.enroller.public_key()]


def test_a_credentials_file_that_is_a_fifo_never_blocks_enrolment(tmp_path):
    """The daemon reads the credentials file again to find and drop the code: a FIFO put in its
    place (nothing writing) must be refused at once, not hang the daemon on open()."""
    import os
    import threading

    from sync.enrolment import Enroller

    fifo = tmp_path / "gateway.json"
    os.mkfifo(fifo)
    enroller = Enroller(fifo, tmp_path / "device.key")
    results: list[str] = []

    def read_then_drop() -> None:
        results.append(enroller.stored_code())
        enroller.drop_code()

    worker = threading.Thread(target=read_then_drop, daemon=True)
    worker.start()
    worker.join(timeout=5)
    blocked = worker.is_alive()
    if blocked:  # release the old code's blocking open() so the thread can end
        with open(fifo, "w"):
            pass
        worker.join(timeout=5)
    assert not blocked and results == [""]
