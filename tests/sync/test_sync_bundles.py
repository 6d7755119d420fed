"""The software updates feed over real HTTP: portal-sim's bundles, the kiosk's resumable,
throttled download, and what the heartbeat reports (issue 16; sync/bundle_fetch.py,
sync/updater.py, sync/portal_sim/bundles.py)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest
import requests

from appliance import session_flag
from appliance.update.machine import Phase
from sync.bundle_fetch import Throttle, read_feed
from sync.daemon import SyncDaemon
from sync.errors import BadAnswer, SyncError
from sync.portal_sim.faults import FaultKind, PlannedFault
from sync.portal_sim.server import PortalSim
from sync.updater import UpdateAgent

BUNDLE = os.urandom(300 * 1024)  # five 64 KiB chunks and a bit


def admin(sim: PortalSim, method: str, path: str, **kwargs: Any) -> requests.Response:
    return requests.request(method, sim.url + path, headers=sim.admin_headers(), timeout=10,
                            **kwargs)


def publish(sim: PortalSim, tmp_path: Path, version: str = "2.0.0", data: bytes = BUNDLE,
            **rollout: Any) -> dict[str, Any]:
    source = tmp_path / f"source-{version}.raucb"
    source.write_bytes(data)
    answer = admin(sim, "POST", "/admin/bundles", json={"version": version, "path": str(source)})
    assert answer.status_code == 201, answer.text
    rolled = admin(sim, "POST", f"/admin/bundles/{version}/rollout",
                   json=rollout or {"percent": 100})
    assert rolled.status_code == 200, rolled.text
    return dict(answer.json())


@pytest.fixture
def agent(daemon: SyncDaemon, tmp_path: Path) -> UpdateAgent:
    daemon.client.ensure_token()
    updater = UpdateAgent(daemon.store, daemon.client, running_version="1.0.0",
                          directory=daemon.store.data_dir / "updates", rate_bps=0,
                          cmdline=tmp_path / "cmdline")
    daemon.updater = updater
    return updater


def test_the_feed_announces_the_rolled_out_bundle(sim: PortalSim, agent: UpdateAgent,
                                                  tmp_path: Path) -> None:
    assert read_feed(agent.client) is None
    published = publish(sim, tmp_path, percent=5, kiosks=["K01", "K07"])
    announced = read_feed(agent.client)
    assert announced is not None
    assert (announced.offer.version, announced.offer.size, announced.offer.sha256) == (
        "2.0.0", len(BUNDLE), hashlib.sha256(BUNDLE).hexdigest()) == (
        published["version"], published["size"], published["sha256"])
    assert announced.offer.url == "/api/v1/bundles/2.0.0"
    assert announced.rollout.percent == 5 and announced.rollout.kiosks == {"K01", "K07"}


def test_a_whole_download_is_verified_and_kept(sim: PortalSim, agent: UpdateAgent,
                                               tmp_path: Path) -> None:
    publish(sim, tmp_path)
    state = agent.run()
    assert (state.phase, state.received) == (Phase.DOWNLOADED, len(BUNDLE))
    assert (agent.store.data_dir / "updates" / "2.0.0.raucb").read_bytes() == BUNDLE
    assert agent.load() == state  # persisted in the store


def test_a_cut_connection_resumes_where_it_stopped(sim: PortalSim, agent: UpdateAgent,
                                                   tmp_path: Path) -> None:
    publish(sim, tmp_path)
    sim.faults.plan.append(PlannedFault(FaultKind.RESET, "/api/v1/bundles/"))
    ranges: list[str | None] = []
    real_get = agent.client.session.get

    def spy(url: str, **kwargs: Any) -> requests.Response:
        ranges.append(kwargs["headers"].get("Range"))
        return real_get(url, **kwargs)

    agent.client.session.get = spy  # type: ignore[method-assign,assignment]
    with pytest.raises(SyncError):
        agent.run()
    part = agent.store.data_dir / "updates" / "2.0.0.raucb.part"
    cut_at = part.stat().st_size
    assert 0 < cut_at < len(BUNDLE) and part.read_bytes() == BUNDLE[:cut_at]
    state = agent.run()
    assert state.phase is Phase.DOWNLOADED
    assert ranges == [None, f"bytes={cut_at}-"]
    assert (agent.store.data_dir / "updates" / "2.0.0.raucb").read_bytes() == BUNDLE


def test_a_changed_byte_is_refused_and_deleted(sim: PortalSim, agent: UpdateAgent,
                                               tmp_path: Path) -> None:
    publish(sim, tmp_path)
    stored = sim.bundles.path("2.0.0")
    stored.write_bytes(BUNDLE[:-1] + bytes([BUNDLE[-1] ^ 1]))  # the digest still says the old
    state = agent.run()
    assert (state.phase, state.reason, state.refused) == (Phase.IDLE, "bad_digest", "2.0.0")
    assert list((agent.store.data_dir / "updates").iterdir()) == []
    assert agent.run().phase is Phase.IDLE  # refused: not fetched again


def test_dossiers_first_then_the_bundle(sim: PortalSim, agent: UpdateAgent, seed: Any,
                                        daemon: SyncDaemon, tmp_path: Path) -> None:
    publish(sim, tmp_path)
    seed(2)
    assert agent.run().phase is Phase.ANNOUNCED  # two dossiers wait: not a byte of the bundle
    assert not (agent.store.data_dir / "updates").exists()
    assert daemon.run_once()  # delivers, then the housekeeping fetches the bundle
    assert agent.load().phase is Phase.DOWNLOADED
    assert sim.stats()["dossiers_complete"] == 2


def test_never_during_a_citizen_session_and_a_new_session_stops_it(
        sim: PortalSim, agent: UpdateAgent, tmp_path: Path) -> None:
    publish(sim, tmp_path)
    session_flag.mark(agent.store.data_dir, True)
    assert agent.run().phase is Phase.ANNOUNCED
    session_flag.mark(agent.store.data_dir, False)
    chunks = 0

    def citizen_arrives_after_two_chunks() -> bool:
        nonlocal chunks
        chunks += 1
        if chunks == 2:
            session_flag.mark(agent.store.data_dir, True)
        return agent.may_continue()

    agent.downloader.may_continue = citizen_arrives_after_two_chunks
    state = agent.run()
    assert state.phase is Phase.DOWNLOADING and state.received == 2 * 64 * 1024
    session_flag.mark(agent.store.data_dir, False)
    assert agent.run().phase is Phase.DOWNLOADED


def test_a_kiosk_outside_the_rollout_does_not_fetch(sim: PortalSim, agent: UpdateAgent,
                                                    tmp_path: Path) -> None:
    publish(sim, tmp_path, percent=0, kiosks=["K02"])
    assert agent.run().phase is Phase.IDLE
    admin(sim, "POST", "/admin/bundles/2.0.0/rollout", json={"percent": 0, "kiosks": ["K01"]})
    assert agent.run().phase is Phase.DOWNLOADED


def test_heartbeat_reports_version_slot_and_state_per_kiosk(
        sim: PortalSim, agent: UpdateAgent, daemon: SyncDaemon, tmp_path: Path) -> None:
    (tmp_path / "cmdline").write_text("console=tty1 root=/dev/mmcblk0p5 rauc.slot=A quiet\n")
    publish(sim, tmp_path)
    agent.run()
    daemon.send_heartbeat()
    kiosks = admin(sim, "GET", "/admin/bundles").json()["kiosks"]
    assert kiosks["K01"]["slot"] == "A" and kiosks["K01"]["state"] == "downloaded"
    assert kiosks["K01"]["version"] == "1.0.0" and kiosks["K01"]["offered"] == "2.0.0"


def test_the_sim_refuses_bad_admin_input_and_bad_ranges(sim: PortalSim, agent: UpdateAgent,
                                                        tmp_path: Path) -> None:
    assert admin(sim, "POST", "/admin/bundles",
                 json={"version": "../x", "path": "/etc/hostname"}).status_code == 400
    publish(sim, tmp_path)
    assert admin(sim, "POST", "/admin/bundles/2.0.0/rollout",
                 json={"percent": 101}).status_code == 400
    other = tmp_path / "other"
    other.write_bytes(b"another bundle")
    assert admin(sim, "POST", "/admin/bundles",
                 json={"version": "2.0.0", "path": str(other)}).status_code == 409
    token = agent.client.token()
    beyond = requests.get(sim.url + "/api/v1/bundles/2.0.0", timeout=10, headers={
        "Authorization": f"Bearer {token}", "Range": f"bytes={len(BUNDLE)}-"})
    assert beyond.status_code == 416 and beyond.json()["code"] == "bad_range"
    foreign = requests.get(sim.url + "/api/v1/kiosks/K02/bundle", timeout=10,
                           headers={"Authorization": f"Bearer {token}"})
    assert foreign.status_code == 403


def test_a_malformed_announcement_is_a_bad_answer(sim: PortalSim, agent: UpdateAgent,
                                                  tmp_path: Path) -> None:
    publish(sim, tmp_path)
    with sim.gateway.db.tx() as conn:
        conn.execute("UPDATE bundles SET sha256 = 'nope'")
    with pytest.raises(BadAnswer):
        read_feed(agent.client)


def test_the_throttle_keeps_the_average_rate() -> None:
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    throttle = Throttle(1000, sleep, clock=lambda: now[0])
    for _ in range(4):
        throttle.account(500)
    assert sum(waits) == pytest.approx(2.0) and now[0] == pytest.approx(2.0)


def test_kiosk_status_shows_version_slot_and_update_state(
        sim: PortalSim, agent: UpdateAgent, kiosk_config: Any, tmp_path: Path) -> None:
    from appliance import __version__
    from appliance.commands import status

    fresh = status.collect(kiosk_config)["update"]
    assert (fresh["version"], fresh["state"], fresh["offered"]) == (__version__, "idle", None)
    publish(sim, tmp_path)
    agent.run()
    doc = status.collect(kiosk_config)
    assert (doc["update"]["state"], doc["update"]["offered"], doc["update"]["received"]) == (
        "downloaded", "2.0.0", len(BUNDLE))
    assert f"update downloaded 2.0.0 ({len(BUNDLE)}/{len(BUNDLE)} bytes)" in status.render(doc)


def test_a_stale_session_flag_is_ignored(tmp_path: Path) -> None:
    """A UI that crashed mid-session cannot hold updates back for ever."""
    session_flag.mark(tmp_path, True)
    set_at = session_flag.flag_path(tmp_path).stat().st_mtime
    assert session_flag.is_active(tmp_path, set_at + 60)
    assert not session_flag.is_active(tmp_path, set_at + session_flag.STALE_AFTER_S + 1)
    session_flag.mark(tmp_path, False)
    session_flag.mark(tmp_path, False)  # clearing twice is fine
    assert not session_flag.is_active(tmp_path, set_at)


def test_a_bundle_never_takes_the_room_dossiers_need(
        sim: PortalSim, agent: UpdateAgent, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(sim, tmp_path)
    reserve = agent.store.reserve_bytes
    monkeypatch.setattr(agent.store, "free_bytes", lambda: reserve + len(BUNDLE) - 1)
    assert agent.run().phase is Phase.ANNOUNCED
    assert not (agent.store.data_dir / "updates").exists()
    monkeypatch.setattr(agent.store, "free_bytes", lambda: reserve + len(BUNDLE))
    assert agent.run().phase is Phase.DOWNLOADED


def test_the_update_section_sets_the_rate_and_the_quiet_hours(tmp_path: Path) -> None:
    import datetime as dt

    from appliance.config import ConfigError, parse
    from sync.updater import quiet_window

    config = parse('[update]\nrate_kib_s = 64\nquiet_start = "23:30"\nquiet_end = "04:00"\n',
                   "test")
    window = quiet_window(config.update.quiet_start, config.update.quiet_end)
    assert config.update.rate_kib_s == 64
    assert window.contains(dt.time(0, 15)) and not window.contains(dt.time(23, 0))
    for bad in ('quiet_start = "25:00"', 'quiet_end = "5:00"', 'quiet_end = "5h"',
                "rate_kib_s = 0"):
        with pytest.raises(ConfigError, match="update"):
            parse(f"[update]\n{bad}\n", "test")


def test_the_feed_never_withdraws_a_bundle_from_a_usb_stick(sim: PortalSim,
                                                            agent: UpdateAgent) -> None:
    from appliance import update_state
    from appliance.update.machine import Offer, UpdateState

    offer = Offer("3.0.0", 10, "0" * 64, "usb:kiosk-3.0.0.raucb")
    taken = UpdateState(running="1.0.0").announce(offer).downloading(10).downloaded("0" * 64)
    update_state.save(agent.store, taken)
    assert agent.run() == taken  # the gateway announces nothing: the stick's bundle stays


def test_a_broken_feed_or_a_cut_download_never_fails_the_dossiers_cycle(
        sim: PortalSim, agent: UpdateAgent, daemon: SyncDaemon, seed: Any,
        tmp_path: Path) -> None:
    publish(sim, tmp_path)
    seed(1)
    sim.faults.plan.append(PlannedFault(FaultKind.RESET, "/api/v1/bundles/"))
    result = daemon.cycle(drain=True)
    assert result.error is None and len(result.sent) == 1
    assert agent.load().phase is Phase.ANNOUNCED  # the cut download resumes next time
    with sim.gateway.db.tx() as conn:
        conn.execute("UPDATE bundles SET sha256 = 'nope'")
    seed(1)
    result = daemon.cycle(drain=True)
    assert result.error is None and len(result.sent) == 1
