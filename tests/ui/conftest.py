"""One real Kivy window under Xvfb for the whole UI test session (see harness.py), with the
reference gateway (``kiosk portal-sim``) and the sync daemon (``kiosk sync``) running beside it
as their own processes, exactly as ``kiosk demo`` runs them."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from .harness import Driver, start_xvfb


class Gateway:
    """The running gateway sim, seen through its admin API."""

    def __init__(self, url: str, admin_token_file: str) -> None:
        self.url = url
        self.token = Path(admin_token_file).read_text(encoding="ascii").strip()

    def _call(self, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method="POST" if data else
                                         "GET", headers={"Content-Type": "application/json",
                                                         "Authorization": f"Bearer {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())

    def dossiers(self) -> list[dict]:
        return self._call("/admin/dossiers")["dossiers"]

    def set_status(self, dossier_id: str, status: int) -> dict:
        return self._call(f"/admin/dossiers/{dossier_id}/status", {"status": status})


def _kiosk(*args: str) -> list[str]:
    return [sys.executable, "-m", "appliance.cli", *args]


@pytest.fixture(scope="session")
def kiosk(tmp_path_factory: pytest.TempPathFactory):
    """The running app with simulated hardware, driven by a Driver."""
    root = tmp_path_factory.mktemp("ui")
    xvfb = start_xvfb()
    os.environ["KIVY_HOME"] = str(root / "kivy")
    (root / "kivy").mkdir()
    log = (root / "processes.log").open("w")
    gateway = subprocess.Popen(_kiosk("portal-sim", "--port", "0", "--data", str(root / "gw")),
                               stdout=subprocess.PIPE, stderr=log, text=True)
    procs: list[subprocess.Popen[Any]] = [gateway]
    try:
        info = json.loads(gateway.stdout.readline())
        from appliance.commands.demo import write_demo_config

        # No chip reader: journeys go QR → form; tests/ui/test_card.py puts a simulated one in.
        config_path = write_demo_config(Path(info["kiosk_toml"]), root, card_reader="none")
        sync = subprocess.Popen(_kiosk("--config", str(config_path), "sync"),
                                stdout=log, stderr=subprocess.STDOUT)
        procs.append(sync)
        from appliance.config import load_file
        from appliance.ui import lockdown

        config = load_file(config_path)
        lockdown.configure(800, 480, False)
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)  # plays systemd's part
        notify.bind(str(root / "notify.sock"))
        notify.setblocking(False)
        os.environ["NOTIFY_SOCKET"] = str(root / "notify.sock")
        os.environ["WATCHDOG_USEC"] = "600000"
        from appliance.ui.app import KioskApp
        from appliance.ui.services import Services

        services = Services.from_config(config)
        app = KioskApp(services, timeout_s=config.ui.inactivity_timeout_s,
                       countdown_s=config.ui.countdown_s)
        app._run_prepare()
        driver = Driver(app)
        driver.config = config
        driver.gateway = Gateway(info["url"], info["admin_token_file"])
        driver.sync_pid = sync.pid
        driver.notify_socket = notify
        driver.pump(5)
        yield driver
        app.stop()
        notify.close()
        del os.environ["NOTIFY_SOCKET"], os.environ["WATCHDOG_USEC"]
    finally:
        for proc in procs:
            os.kill(proc.pid, signal.SIGCONT) if proc.poll() is None else None
            proc.terminate()
        for proc in procs:
            proc.wait(10)
        xvfb.kill()
        xvfb.wait()
        log.close()


@pytest.fixture
def ui(kiosk: Driver) -> Driver:
    kiosk.reset()
    return kiosk


@pytest.fixture
def delivered(ui: Driver) -> dict:
    """A dossier the sync daemon has delivered to the gateway (made by a quick session when the
    journey test has not run first), as the gateway's admin API lists it."""
    from appliance.ui.tour import sample_pages, simulated_session

    complete = [d for d in ui.gateway.dossiers() if d["complete"]]
    if not complete:
        code = simulated_session(ui.app, sample_pages(1, seed=3))
        ui.settle()
        complete = [ui.wait_until(lambda: next((d for d in ui.gateway.dossiers()
                                                if d["dossier_code"] == code and d["complete"]),
                                               None), 30, "delivery")]
    return complete[-1]
