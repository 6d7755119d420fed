"""Each failure class, produced by the reference gateway's own fault injection (DESIGN §7)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
import uuid

import pytest

from appliance.config import load_file
from appliance.crypto import DeviceKey, canonical_json, sha256_hex
from appliance.domain.dossier import DossierState
from sync.portal_sim.faults import FaultInjector
from sync.portal_sim.server import PortalSim

DOSSIERS = "/api/v1/dossiers"


def plan(sim, *items: tuple[str, str]) -> None:
    sim.faults.configure(plan=[{"kind": k, "path": p} for k, p in items])


def all_sent(daemon) -> bool:
    counts = daemon.store.counts_by_state()
    return counts["purged"] > 0 and counts["queued"] == counts["sending"] == 0


def test_5xx_is_retried_and_nothing_is_lost(sim, daemon, seed):
    seed(2)
    plan(sim, ("5xx", DOSSIERS), ("5xx", DOSSIERS), ("5xx", "/api/v1/health"))
    assert daemon.run_once() is True
    assert sim.stats()["faults_injected"]["5xx"] == 3
    assert sim.stats()["dossiers_complete"] == 2 and all_sent(daemon)


def test_retry_after_is_honoured(sim, daemon, seed, recorder):
    seed(1)
    sim.faults.configure(retry_after_s=7)
    plan(sim, ("retry_after", DOSSIERS), ("retry_after", "/oauth2/token"))
    waits = recorder(daemon)
    assert daemon.run_once() is True
    assert sim.stats()["faults_injected"]["retry_after"] == 2
    assert sum(1 for w in waits.waits if w >= 7) == 2  # waited as told, twice
    assert all(w <= daemon.client.retry.retry_after_cap_s for w in waits.waits)


def test_retry_after_longer_than_the_cap_pauses_the_batch_within_the_cap(sim, daemon, seed,
                                                                         recorder):
    seed(1)
    sim.faults.configure(retry_after_s=3600)
    plan(sim, *[("retry_after", DOSSIERS)] * 4)  # more than the in-request attempts
    rec = recorder(daemon)
    result = daemon.cycle()
    assert result.error is not None and result.error.code in ("rate_limited", "unavailable")
    assert daemon.next_wait_s(result) <= daemon.settings.backoff_cap_s
    (record,) = daemon.store.pending(now=daemon.now() + dt.timedelta(days=1))
    assert record.state is DossierState.QUEUED
    assert "→ 429" in record.last_error or "→ 503" in record.last_error
    assert max(rec.waits) <= daemon.client.retry.retry_after_cap_s
    assert daemon.run_once() is True


@pytest.mark.parametrize("variant", ["before", "after"])
def test_connection_reset_mid_body_leaves_exactly_one_dossier(sim, daemon, seed, variant):
    seed(1, page_size=60_000)
    sim.faults.configure(seed=1 if variant == "before" else 2)
    plan(sim, ("reset", f"{DOSSIERS}/"), ("reset", f"{DOSSIERS}/"), ("reset", f"{DOSSIERS}/"))
    assert daemon.run_once() is True
    stats = sim.stats()
    assert stats["faults_injected"]["reset"] == 3
    assert stats["dossiers_total"] == stats["dossiers_complete"] == 1
    assert stats["conflicts"] == 0 and all_sent(daemon)


def test_slow_answer_times_out_then_the_replay_completes(sim, kiosk_config, seed, new_daemon):
    gateway = dataclasses.replace(kiosk_config.gateway, read_timeout_s=0.2)
    daemon = new_daemon(dataclasses.replace(kiosk_config, gateway=gateway))
    seed(1)
    plan(sim, ("slow", DOSSIERS))  # the gateway stores the manifest, the kiosk gives up waiting
    assert daemon.run_once() is True
    stats = sim.stats()
    assert stats["faults_injected"]["slow"] == 1 and stats["replays"] == 1
    assert stats["dossiers_complete"] == 1 and stats["conflicts"] == 0


def test_page_stored_but_answer_lost_is_not_uploaded_twice(sim, kiosk_config, seed,
                                                           new_daemon):
    gateway = dataclasses.replace(kiosk_config.gateway, read_timeout_s=0.2)
    daemon = new_daemon(dataclasses.replace(kiosk_config, gateway=gateway))
    (rec,) = seed(1, pages=2, page_size=50_000)
    plan(sim, ("slow", f"{DOSSIERS}/{rec.id}/files/"), ("reset", f"{DOSSIERS}/{rec.id}/files/"))
    before = sim.stats()["bytes_received"]
    assert daemon.run_once() is True
    stats = sim.stats()
    assert stats["faults_injected"]["slow"] == 1 and stats["faults_injected"]["reset"] == 1
    assert stats["files_replayed"] == 0  # HEAD found the page: no second upload
    pages = sum(f.size for f in daemon.store.files(rec.id))
    assert stats["bytes_received"] - before < pages + 50_000 + len(daemon.store.envelope(rec.id))
    assert daemon.store.get(rec.id).state is DossierState.PURGED


def test_captive_portal_page_is_never_success(sim, daemon, seed):
    (rec,) = seed(1)
    plan(sim, *[("captive", "/")] * 12)  # every request for a while: a Wi-Fi login page
    result = daemon.cycle()
    assert result.error is not None and result.error.code == "captive_portal"
    assert result.online is False and result.sent == []
    assert daemon.store.get(rec.id).state is DossierState.QUEUED
    assert "sync_captive" in [a.code for a in daemon.store.alerts()]
    assert daemon.store.sync_state()["online"] is False
    sim.faults.configure(plan=[])
    assert daemon.run_once() is True
    assert "sync_captive" not in [a.code for a in daemon.store.alerts()]


def test_captive_portal_on_a_file_upload_is_not_a_receipt(sim, daemon, seed):
    (rec,) = seed(1, pages=1)
    plan(sim, *[("captive", f"{DOSSIERS}/{rec.id}/files/")] * 4)
    result = daemon.cycle()
    assert result.error is not None and result.error.code == "captive_portal"
    record = daemon.store.get(rec.id)
    assert record.state is DossierState.QUEUED and record.portal_code is None
    assert daemon.run_once() is True


def test_expired_token_is_renewed_and_no_dossier_is_lost(sim, daemon, seed):
    seed(3)
    plan(sim, ("expired_token", f"{DOSSIERS}/"), ("expired_token", "/api/v1/kiosks/"))
    assert daemon.run_once() is True
    stats = sim.stats()
    assert stats["faults_injected"]["expired_token"] == 2
    assert stats["tokens_issued"] == 3  # the first, and one renewal per expiry
    assert stats["dossiers_complete"] == 3 and all_sent(daemon)


def test_token_past_its_lifetime_is_renewed(tmp_path, seed):
    # A lifetime long enough that a loaded machine cannot outlive it (31 s left the client 1 s
    # before renewing); the test ages the token itself.
    with PortalSim(tmp_path / "short", token_ttl_s=600) as short:
        config = load_file(short.write_kiosk_toml()).with_data_dir(tmp_path / "k2")
        from appliance.app.seeding import seed as seed_into
        from sync.command import build

        seed_into(config.data_dir, short.gateway.portal_key.public_key_b64, 1)
        daemon = build(config)
        try:
            daemon.client.token()
            daemon.client._token_expires = 0.0  # as if its lifetime had passed
            assert daemon.run_once() is True
            assert short.stats()["tokens_issued"] == 2
        finally:
            daemon.client.close()
            daemon.store.close()


def test_wrong_credentials_stop_the_batch_and_alert_staff(sim, kiosk_config, seed, new_daemon,
                                                          tmp_path):
    creds = tmp_path / "bad.json"
    creds.write_text(json.dumps({"client_id": "kiosk-K01", "client_secret": "wrong"}))
    gateway = dataclasses.replace(kiosk_config.gateway, credentials_file=str(creds))
    daemon = new_daemon(dataclasses.replace(kiosk_config, gateway=gateway))
    (rec,) = seed(1)
    assert daemon.run_once() is False
    assert daemon.store.get(rec.id).state is DossierState.QUEUED
    alerts = {a.code: a for a in daemon.store.alerts()}
    assert "sync_auth" in alerts and alerts["sync_auth"].reason_vi
    assert daemon.store.sync_state()["last_error"].startswith("invalid_client")
    assert sim.stats()["dossiers_total"] == 0


def test_clock_far_from_the_gateway_stops_the_batch(sim, daemon, seed):
    (rec,) = seed(1)
    sim.gateway.clock_offset_s = 3 * 3600
    assert daemon.run_once() is False
    assert daemon.store.get(rec.id).state is DossierState.QUEUED
    assert "sync_clock" in [a.code for a in daemon.store.alerts()]
    sim.gateway.clock_offset_s = 0
    assert daemon.run_once() is True
    assert "sync_clock" not in [a.code for a in daemon.store.alerts()]


def test_tls_failure_stops_the_batch_and_alerts(tmp_path, kiosk_config, seed, new_daemon):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"],
                   check=True, capture_output=True)
    with PortalSim(tmp_path / "tls", tls=(cert, key)) as tls_sim:
        assert tls_sim.url.startswith("https://")
        config = load_file(tls_sim.write_kiosk_toml()).with_data_dir(kiosk_config.data_dir)
        daemon = new_daemon(config)  # system trust store: the self-signed cert is refused
        (rec,) = seed(1)
        assert daemon.run_once() is False
        assert daemon.store.get(rec.id).state is DossierState.QUEUED
        assert "sync_tls" in [a.code for a in daemon.store.alerts()]
        assert daemon.store.sync_state()["last_error"].startswith("tls")


def test_rejected_record_is_quarantined_and_the_queue_goes_on(sim, daemon, seed):
    sim.gateway.set_catalogue({"version": 2, "procedures": [{"code": "2.000815"}]})
    (rejected,) = seed(1, procedure_code="1.001193", seed=1)
    (accepted,) = seed(1, procedure_code="2.000815", seed=2)
    assert daemon.run_once() is True
    record = daemon.store.get(rejected.id)
    assert record.state is DossierState.QUARANTINED
    assert record.quarantine_reason.startswith("unknown_procedure")
    assert daemon.store.get(accepted.id).state is DossierState.PURGED
    assert "sync_quarantine" in [a.code for a in daemon.store.alerts()]
    # staff restore it once the gateway offers the procedure again
    sim.gateway.set_catalogue({"version": 3, "procedures": [{"code": "1.001193"}]})
    daemon.store.restore(rejected.id)
    assert daemon.run_once() is True
    assert daemon.store.get(rejected.id).state is DossierState.PURGED
    assert "sync_quarantine" not in [a.code for a in daemon.store.alerts()]


def test_same_id_with_another_digest_is_a_conflict_and_quarantined(sim, daemon, seed):
    (rec,) = seed(1)
    envelope = json.loads(daemon.store.envelope(rec.id))
    manifest = {**envelope["manifest"], "due_at": "20991231170000"}  # a different version
    device = DeviceKey.load_or_create(daemon.store.data_dir / "secrets" / "device.key")
    signed = canonical_json(manifest)
    other = canonical_json({"manifest": manifest, "signature": device.sign(signed),
                            "digest": sha256_hex(signed)})
    daemon.enroller.run(daemon.client, daemon.store)
    daemon.client.put_manifest(rec.id, other)  # someone got there first with another version
    assert daemon.run_once() is True
    record = daemon.store.get(rec.id)
    assert record.state is DossierState.QUARANTINED
    assert record.quarantine_reason.startswith("conflict: the gateway holds another dossier")
    assert sim.stats()["conflicts"] == 1


def test_tampered_envelope_is_rejected_with_a_reason(sim, daemon, seed):
    (rec,) = seed(1)
    envelope = json.loads(daemon.store.envelope(rec.id))
    envelope["manifest"]["procedure_code"] = "2.000815"  # digest no longer matches
    with pytest.raises(Exception) as err:
        daemon.client.put_manifest(rec.id, canonical_json(envelope))
    assert getattr(err.value, "code", "") == "digest_mismatch"
    envelope["digest"] = sha256_hex(canonical_json(envelope["manifest"]))
    with pytest.raises(Exception) as err:
        daemon.client.put_manifest(rec.id, canonical_json(envelope))
    assert getattr(err.value, "code", "") == "bad_signature"


def test_record_stuck_past_the_threshold_is_escalated(sim, kiosk_config, seed, new_daemon):
    sync = dataclasses.replace(kiosk_config.sync, escalate_after_h=0.0)
    daemon = new_daemon(dataclasses.replace(kiosk_config, sync=sync))
    seed(1)
    sim.stop()
    assert daemon.run_once(max_idle_cycles=1) is False
    assert "sync_stuck" in [a.code for a in daemon.store.alerts()]


def test_unknown_dossier_file_put_is_404_not_found(sim, daemon):
    with pytest.raises(Exception) as err:
        daemon.client.put_file(str(uuid.uuid4()), "0" * 64, b"x")
    assert getattr(err.value, "code", "") == "not_found"


def test_fault_injection_is_reproducible_from_its_seed():
    paths = [f"/api/v1/dossiers/{i}" for i in range(300)]
    a = FaultInjector(rate=0.3, seed=42)
    b = FaultInjector(rate=0.3, seed=42)
    first = [a.decide(p, authenticated=True) for p in paths]
    assert first == [b.decide(p, authenticated=True) for p in paths]
    assert 60 <= sum(f is not None for f in first) <= 120
    assert {f.kind.value for f in first if f} == {
        "5xx", "retry_after", "reset", "slow", "captive", "expired_token"}
    assert FaultInjector(rate=0.3, seed=42).decide("/admin/stats", authenticated=False) is None


def test_a_new_device_key_needs_a_rotation_code_and_staff_are_told(sim, daemon, seed,
                                                                    kiosk_config, new_daemon):
    seed(1, seed=1)
    assert daemon.run_once() is True  # enrolled with the one-time code of kiosk.toml
    (daemon.store.data_dir / "secrets" / "device.key").unlink()  # e.g. an SD card re-flashed
    (rec,) = seed(1, seed=2)  # signed with a new key; the used code cannot enrol it
    assert daemon.run_once() is False
    assert daemon.store.get(rec.id).state is DossierState.QUEUED
    assert "invalid_enrolment_code" in daemon.store.sync_state()["last_error"]
    assert "sync_auth" in [a.code for a in daemon.store.alerts()]
    rotated = dataclasses.replace(kiosk_config, gateway=dataclasses.replace(
        kiosk_config.gateway, enrolment_code=sim.enrolment_code(rotate=True)))
    assert new_daemon(rotated).run_once() is True  # the administrator's rotation code
    assert daemon.store.get(rec.id).state is DossierState.PURGED


def test_a_receipt_that_does_not_echo_the_digest_is_not_sent(sim, daemon, seed, monkeypatch):
    (rec,) = seed(1)
    real = sim.gateway._receipt

    def forged(conn, row):  # a gateway bug answering, signed, for another dossier
        receipt = {k: v for k, v in real(conn, row).items() if k != "signature"}
        receipt["digest"] = "0" * 64
        return {**receipt, "signature": sim.gateway.receipt_key.sign(canonical_json(receipt))}
    monkeypatch.setattr(sim.gateway, "_receipt", forged)
    result = daemon.cycle()
    assert result.error is not None and result.error.code == "bad_receipt"
    record = daemon.store.get(rec.id)
    assert record.state is DossierState.QUEUED and record.portal_code is None
    monkeypatch.setattr(sim.gateway, "_receipt", real)
    assert daemon.run_once() is True
    assert daemon.store.get(rec.id).state is DossierState.PURGED
