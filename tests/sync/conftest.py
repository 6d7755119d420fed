"""Fixtures for sync tests: a real reference gateway on 127.0.0.1 (in a thread), a real kiosk
store seeded through ``finalize``, and a daemon with short waits so fault tests run quickly."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from appliance.app import seeding
from appliance.config import KioskConfig, load_file
from sync.client import RetryPolicy
from sync.command import build
from sync.daemon import SyncDaemon
from sync.portal_sim.faults import FaultInjector
from sync.portal_sim.server import PortalSim


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[PortalSim]:
    with PortalSim(tmp_path / "portal", faults=FaultInjector(seed=7, retry_after_s=1,
                                                             slow_ms=600)) as s:
        yield s


@pytest.fixture
def kiosk_config(sim: PortalSim, tmp_path: Path) -> KioskConfig:
    config = load_file(sim.write_kiosk_toml()).with_data_dir(tmp_path / "kiosk")
    gateway = dataclasses.replace(config.gateway, connect_timeout_s=1.0, read_timeout_s=2.0)
    sync = dataclasses.replace(config.sync, backoff_cap_s=0.5, interval_s=5.0)
    return dataclasses.replace(config, gateway=gateway, sync=sync)


@pytest.fixture
def seed(kiosk_config: KioskConfig, sim: PortalSim) -> Callable[..., list]:
    def _seed(count: int = 3, **kwargs) -> list:
        kwargs.setdefault("page_size", 5_000)
        return seeding.seed(kiosk_config.data_dir, sim.gateway.portal_key.public_key_b64,
                            count, **kwargs)
    return _seed


class Recorder:
    """Collects every wait the daemon asks for instead of really sleeping the long ones."""

    def __init__(self, daemon: SyncDaemon) -> None:
        self.waits: list[float] = []
        self._inner = daemon.sleep

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        self._inner(min(seconds, 0.05))


def make_daemon(config: KioskConfig) -> SyncDaemon:
    daemon = build(config)
    daemon.settings.backoff_base_s = 0.05
    daemon.client.retry = RetryPolicy(attempts=4, base_s=0.01, cap_s=0.05)
    return daemon


@pytest.fixture
def daemon(kiosk_config: KioskConfig) -> Iterator[SyncDaemon]:
    d = make_daemon(kiosk_config)
    yield d
    d.client.close()
    d.store.close()


@pytest.fixture
def new_daemon(kiosk_config: KioskConfig) -> Iterator[Callable[..., SyncDaemon]]:
    """Build further daemons (another configuration, a restart); all are closed at the end."""
    made: list[SyncDaemon] = []

    def _make(config: KioskConfig | None = None) -> SyncDaemon:
        made.append(make_daemon(config or kiosk_config))
        return made[-1]
    yield _make
    for d in made:
        d.client.close()
        d.store.close()


@pytest.fixture
def recorder() -> Callable[[SyncDaemon], Recorder]:
    def _attach(daemon: SyncDaemon) -> Recorder:
        rec = Recorder(daemon)
        daemon.client.sleep = rec
        daemon.sleep = rec  # type: ignore[method-assign]
        return rec
    return _attach
