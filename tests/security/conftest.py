"""Attack-style tests of the gateway contract (issue 11): the real reference gateway on 127.0.0.1,
real kiosk stores seeded through ``finalize`` and the real sync daemon.

``kiosk(...)`` makes a kiosk of the sim's gateway: its own data folder and device key, the sim's
client credentials (or another kiosk's), and the enrolment code given (none by default, so a test
says whether the kiosk is the genuine one)."""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from appliance.app import runtime, seeding
from appliance.config import KioskConfig, load_file
from appliance.store import Store
from appliance.submission import FinalizeResult, finalize
from sync.client import RetryPolicy
from sync.command import build
from sync.daemon import SyncDaemon
from sync.portal_sim.server import PortalSim


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[PortalSim]:
    with PortalSim(tmp_path / "portal", kiosk_id="K02") as s:
        yield s


@dataclasses.dataclass
class Kiosk:
    config: KioskConfig
    daemon: SyncDaemon

    def seed(self, count: int = 1, *, seed: int = 0, dossier_id: str | None = None,
             unit_code: str | None = None) -> list[FinalizeResult]:
        """Finalize synthetic dossiers, signed with this kiosk's device key."""
        rng = random.Random(seed)
        config = dataclasses.replace(self.config, kiosk=dataclasses.replace(
            self.config.kiosk, unit_code=unit_code or self.config.kiosk.unit_code))
        store = Store.open(config.data_dir)
        try:
            catalogue = runtime.current_catalogue(store)
            procedure = catalogue.get(seeding.KHAI_SINH)
            ctx = runtime.finalize_context(config, store, catalogue)
            return [finalize(store, seeding.draft(rng, procedure, pages=2, number=n,
                                                  page_source=seeding.random_pages(2_000)),
                             ctx, dossier_id=dossier_id) for n in range(count)]
        finally:
            store.close()

    def record(self, dossier_id: str):
        return self.daemon.store.get(dossier_id)


@pytest.fixture
def kiosk(sim: PortalSim, tmp_path: Path) -> Iterator[Callable[..., Kiosk]]:
    made: list[Kiosk] = []
    base = load_file(sim.write_kiosk_toml())

    def _make(name: str, *, code: str = "", kiosk_id: str | None = None,
              credentials: Path | None = None, receipt_key: str | None = None) -> Kiosk:
        gateway = dataclasses.replace(
            base.gateway, enrolment_code=code, connect_timeout_s=1.0, read_timeout_s=3.0,
            credentials_file=str(credentials or base.gateway.credentials_file),
            receipt_public_key=base.gateway.receipt_public_key if receipt_key is None
            else receipt_key)
        config = dataclasses.replace(
            base.with_data_dir(tmp_path / name), gateway=gateway,
            kiosk=dataclasses.replace(base.kiosk, id=kiosk_id or base.kiosk.id,
                                      data_dir=str(tmp_path / name)),
            sync=dataclasses.replace(base.sync, backoff_cap_s=0.2))
        daemon = build(config)
        daemon.settings.backoff_base_s = 0.05
        daemon.client.retry = RetryPolicy(attempts=2, base_s=0.01, cap_s=0.05)
        made.append(Kiosk(config, daemon))
        return made[-1]

    yield _make
    for k in made:
        k.daemon.client.close()
        k.daemon.store.close()


@pytest.fixture
def admin(sim: PortalSim) -> Callable[..., requests.Response]:
    """A call to the sim's admin API with its credential."""

    def _call(method: str, path: str, **kwargs) -> requests.Response:
        headers = {**sim.admin_headers(), **kwargs.pop("headers", {})}
        return requests.request(method, sim.url + path, headers=headers, timeout=5, **kwargs)
    return _call


def token(sim: PortalSim, credentials: dict | None = None) -> str:
    creds = credentials or sim.credentials
    return requests.post(f"{sim.url}/oauth2/token", timeout=5, data={
        "grant_type": "client_credentials", "client_id": creds["client_id"],
        "client_secret": creds["client_secret"]}).json()["access_token"]


def second_client(sim: PortalSim, kiosk_id: str, folder: Path) -> Path:
    """Provision another kiosk's client at the same gateway; returns its credentials file."""
    path = folder / f"{kiosk_id}.json"
    sim.gateway.ensure_client(kiosk_id, path)
    return path


def credentials_with(path: Path, **extra: str) -> None:
    """Add keys to a credentials file as ``kiosk provision`` writes it (0600)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**data, **extra}), encoding="utf-8")
    path.chmod(0o600)
