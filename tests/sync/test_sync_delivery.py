"""Delivery without faults: what reaches the gateway, what the kiosk records, the housekeeping."""

from __future__ import annotations

import base64
import json

from appliance.crypto import PortalKey
from appliance.domain.dossier import DossierState


def test_dossiers_reach_the_gateway_verified_and_are_purged(sim, daemon, seed):
    seeded = seed(4, pages=3)
    assert daemon.run_once() is True

    at_gateway = sim.gateway.admin_dossiers()
    assert [d["dossier_id"] for d in at_gateway] == [r.id for r in seeded]  # finalize order
    for held in at_gateway:
        assert held["complete"] and held["rejected"] is None
        assert len(held["files"]) == 3 and all(f["present"] for f in held["files"])
        record = daemon.store.get(held["dossier_id"])
        assert record.state is DossierState.PURGED
        assert record.portal_code == held["MaHoSo"] and record.portal_code.startswith(
            "000.00.00.H56-")
        assert record.received_at is not None
        assert held["summary"]["MaHoSo"] == record.code
    # blobs are gone at the kiosk; tombstones keep id, codes and digests
    assert not list((daemon.store.data_dir / "blobs").rglob("*")) or all(
        p.is_dir() for p in (daemon.store.data_dir / "blobs").rglob("*"))
    stats = sim.stats()
    assert stats["dossiers_complete"] == 4 and stats["replays"] == 0
    assert daemon.store.sync_state()["last_success"]


def test_gateway_can_open_every_page_the_kiosk_sealed(sim, daemon, seed):
    seed(1, pages=2)
    daemon.run_once()
    assert sim.stats()["dossiers_complete"] == 1
    row = sim.gateway.db._conn.execute("SELECT envelope FROM dossiers").fetchone()
    manifest = json.loads(row[0])["manifest"]
    key = sim.gateway.portal_key.open_key(base64.b64decode(manifest["sealed_key"]))
    for f in manifest["files"]:
        page = PortalKey.decrypt(key, sim.gateway.db.read_file(f["sha256"]))
        assert page.startswith(b"%PDF-1.4")


def test_status_updates_flow_back_to_the_kiosk(sim, daemon, seed):
    (first, second) = seed(2)
    daemon.run_once()
    assert daemon.store.get(first.id).portal_status == 1  # Mới đăng ký: no officer yet
    sim.gateway.set_status(first.id, 4)
    sim.gateway.set_status(first.id, 9)
    sim.gateway.set_status(second.id, 5)
    daemon.pull_updates()
    assert daemon.store.get(first.id).portal_status == 9
    assert daemon.store.get(second.id).portal_status == 5
    cursor = daemon.store.sync_state()["updates_cursor"]
    daemon.pull_updates()  # nothing new: the cursor stays
    assert daemon.store.sync_state()["updates_cursor"] == cursor


def test_catalogue_is_pulled_once_then_revalidated_by_etag(sim, daemon):
    daemon.pull_catalogue()
    data, etag = daemon.store.load_catalogue()
    assert data == sim.gateway.catalogue and etag == sim.gateway.catalogue_etag
    daemon.pull_catalogue()  # 304: nothing saved again
    assert daemon.store.load_catalogue() == (data, etag)
    sim.gateway.set_catalogue({**data, "version": "2099.01.01"})
    daemon.pull_catalogue()
    assert daemon.store.load_catalogue()[0]["version"] == "2099.01.01"
    assert daemon.store.sync_state()["catalogue_etag"] == sim.gateway.catalogue_etag


def test_a_catalogue_the_kiosk_cannot_load_is_refused_once(sim, daemon):
    daemon.pull_catalogue()
    good = daemon.store.load_catalogue()
    sim.gateway.set_catalogue({**good[0], "schema": 99})  # a newer kiosk's format
    daemon.pull_catalogue()
    assert daemon.store.load_catalogue() == good  # the old one stays in use
    assert daemon.store.sync_state()["catalogue_rejected_etag"] == sim.gateway.catalogue_etag
    refused = [e for e in daemon.store.events() if e["kind"] == "catalogue_refused"]
    assert len(refused) == 1
    daemon.pull_catalogue()  # If-None-Match names the refused one: 304, nothing new
    assert len([e for e in daemon.store.events() if e["kind"] == "catalogue_refused"]) == 1


def test_ratings_and_heartbeat_are_sent(sim, daemon, seed):
    (rec,) = seed(1)
    daemon.store.report_devices({
        "printer": {"state": "degraded", "code": "printer.paper_near_end", "reason_en": "low"},
        "camera": {"state": "ok", "code": "camera.ok", "reason_en": "ok"}})
    daemon.store.add_rating("5f0c0d3e-8a4f-4b53-9d7e-0a4fbc1e2d11", rec.code,
                            {"level": "rat_hai_long", "label": "Rất hài lòng"})
    daemon.run_once()
    assert daemon.store.pending_ratings() == []
    assert sim.stats()["ratings"] == 1
    beat = sim.stats()["heartbeats"]["last"]
    assert beat["queue_depth"] == 0 and beat["version"]
    assert beat["paper"] == "low"
    assert beat["devices"]["camera"] == {"state": "ok", "code": "camera.ok"}
    # the same rating again is an idempotent replay, not a second rating
    daemon.client.put_rating("5f0c0d3e-8a4f-4b53-9d7e-0a4fbc1e2d11", {
        "dossier_code": rec.code, "kiosk_id": "K01",
        "rating": {"level": "rat_hai_long", "label": "Rất hài lòng"}})
    assert sim.stats()["ratings"] == 1


def test_manifest_replay_returns_the_receipt_again(sim, daemon, seed):
    (rec,) = seed(1)
    envelope = daemon.store.envelope(rec.id)
    daemon.run_once()
    again = daemon.client.put_manifest(rec.id, envelope)
    assert again.replay and again.missing == []
    assert again.receipt["MaHoSo"] == daemon.store.get(rec.id).portal_code
    assert sim.stats()["replays"] == 1 and sim.stats()["conflicts"] == 0


def test_once_exits_nonzero_while_the_gateway_is_down(kiosk_config, sim, seed, new_daemon):
    seed(1)
    sim.stop()
    daemon = new_daemon()
    assert daemon.run_once(max_idle_cycles=2) is False
    assert daemon.store.counts_by_state()["queued"] == 1
    state = daemon.store.sync_state()
    assert state["online"] is False and state["last_error"].startswith("connection")


def test_tombstones_stay_for_the_retention_period_then_expire(sim, daemon, seed):
    (rec,) = seed(1)
    daemon.run_once()
    tombstone = daemon.store.get(rec.id)
    assert tombstone.state is DossierState.PURGED and tombstone.portal_code
    assert daemon.store.files(rec.id) and all(f.confirmed for f in daemon.store.files(rec.id))
    daemon.settings.retention_days = 0  # as if the retention period had passed
    daemon.housekeeping()
    assert daemon.store.get(rec.id) is None


def test_gateway_restart_keeps_what_it_acknowledged(sim, daemon, seed):
    from sync.portal_sim.server import PortalSim

    (rec,) = seed(1)
    envelope = daemon.store.envelope(rec.id)
    daemon.run_once()
    code = daemon.store.get(rec.id).portal_code
    port = int(sim.url.rsplit(":", 1)[1])
    sim.stop()
    with PortalSim(sim.data_dir, port=port) as again:
        replay = daemon.client.put_manifest(rec.id, envelope)
        assert replay.replay and replay.receipt["MaHoSo"] == code
        assert again.stats()["dossiers_complete"] == 1
        assert again.gateway.portal_key.public_key_b64 == sim.gateway.portal_key.public_key_b64
