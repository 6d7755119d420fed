"""Where the touch UI and a ``kiosk`` command must agree, they produce the same thing: the slip
(original at the counter, ``kiosk slip --dossier`` reprint), the devices' report in the store
(staff screen, ``kiosk doctor``) and the gateway probe (``kiosk doctor``, the sync daemon).

No window: the UI's ``Services`` runs its worker threads and hands results back through the
Kivy clock, which the test ticks itself.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from appliance.app import gateway
from appliance.commands import doctor
from appliance.commands.slip import dossier_slip_data
from appliance.config import KioskConfig, parse
from appliance.crypto import PortalKey
from appliance.domain.dossier import Draft, Page
from appliance.domain.identity import Identity
from appliance.ui.services import Services
from hw.pages import process_page
from hw.scanner.synthetic import page_text, render_page
from sync.errors import SyncError

PROCEDURE = "1.001193"  # khai sinh: TO_KHAI and GIAY_CHUNG_SINH required, one optional paper
HOME, VILLAGE = "Trụ sở UBND xã", "Nhà văn hóa thôn Đông"


def _config(tmp_path: Path, gateway_url: str = "") -> KioskConfig:
    portal = PortalKey.generate()
    return parse(
        f'[kiosk]\ndata_dir = "{tmp_path / "data"}"\nclock = "host"\nsite = "{HOME}"\n'
        f'sites = ["{VILLAGE}"]\n'
        f'[gateway]\nurl = "{gateway_url}"\nportal_public_key = "{portal.public_key_b64}"\n'
        f'connect_timeout_s = 2.0\nread_timeout_s = 2.0\n'
        f'[hardware]\nsim_dir = "{tmp_path / "sim"}"\n[storage]\nreserve_mb = 1\n',
        "test",
    )


def _through_ui(start: Callable[[Callable[..., None], Callable[[str], None]], None]) -> Any:
    """Call a Services method and return what reaches its ``done`` on the UI clock."""
    from kivy.clock import Clock

    got: dict[str, Any] = {}
    start(lambda result=None: got.setdefault("done", result),
          lambda message: got.setdefault("failed", message))
    deadline = time.monotonic() + 60
    while not got and time.monotonic() < deadline:
        Clock.tick()
    assert "done" in got, got
    return got["done"]


def _settle(services: Services) -> None:
    """Tick the UI clock until the worker threads have nothing left (chained calls included)."""
    from kivy.clock import Clock

    deadline = time.monotonic() + 60
    quiet = 0
    while quiet < 5 and time.monotonic() < deadline:
        Clock.tick()
        quiet = 0 if services.busy else quiet + 1


@pytest.fixture
def ui(tmp_path: Path) -> Iterator[Services]:
    services = Services.from_config(_config(tmp_path))
    services.wait_ready()
    yield services
    services.close()


def test_original_and_reprint_after_a_site_change_carry_the_same_site_and_papers(ui):
    """Staff moved the kiosk to the village hall; a citizen's slip is reprinted after the kiosk
    went back: the reprint must name the hall where the dossier was received and list the same
    papers (scanned ones with their page count, required ones handed in on paper)."""
    _through_ui(lambda done, failed: ui.set_site(VILLAGE, done, failed))
    scans = [process_page(render_page(page_text(i, lines=6), dpi=150, seed=i)) for i in range(3)]
    person = Identity("001088012345", "Nguyễn Thị Mẫu", None, "Nữ", "Xã Mẫu")
    draft = Draft(PROCEDURE, person, pages={"TO_KHAI": [Page(d, "image/jpeg") for d in scans]})
    original = _through_ui(lambda done, failed: ui.finalize(draft, done, failed)).slip
    _through_ui(lambda done, failed: ui.set_site(HOME, done, failed))

    reprint = dossier_slip_data(ui.config, original.dossier_code)

    assert original.site == reprint.site == VILLAGE
    papers = [(c.name, c.pages) for c in original.components]
    assert [(c.name, c.pages) for c in reprint.components] == papers
    assert papers[0][1] == 3 and len(papers) == 2, "3 pages scanned; the birth paper required"
    without_person = dataclasses.replace(original, citizen_name=None, citizen_address=None,
                                         citizen_phone=None, citizen_email=None,
                                         owner_id_masked=None)
    assert reprint == without_person, "the same slip, less what the kiosk cannot read back"


def test_staff_screen_and_doctor_leave_the_same_device_report(ui, capsys):
    rows = _through_ui(ui.device_statuses)
    _settle(ui)
    from_ui = ui.store.device_status()["devices"]

    doctor.run(argparse.Namespace(json=True, print_test_page=False), ui.config)
    capsys.readouterr()
    from_doctor = ui.store.device_status()["devices"]

    assert from_ui == from_doctor
    assert set(from_ui) == {"camera", "scanner", "printer", "gpio", "network", "card_reader"}
    assert [state for _, state, _ in rows[:6]] == [s["state"] for s in from_ui.values()]


class _Answer(BaseHTTPRequestHandler):
    body = b""
    content_type = "application/json"

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


GATEWAY = b'{"service": "kiosk-gateway", "server_time": "2026-07-01T08:00:00+07:00"}'


@pytest.mark.parametrize(("body", "content_type", "is_gateway"), [
    (GATEWAY, "application/json", True),
    (b'{"service": "portal-sim", "time": "2026-07-01T08:00:00+07:00"}', "application/json",
     False),
    (b'{"service": "kiosk-gateway"}', "application/json", False),
    (b"<html>Wi-Fi login</html>", "text/html", False),
])
def test_doctor_and_the_sync_daemon_judge_the_gateway_alike(tmp_path, capsys, body,
                                                              content_type, is_gateway):
    handler = type("H", (_Answer,), {"body": body, "content_type": content_type})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        config = _config(tmp_path, f"http://127.0.0.1:{server.server_address[1]}")
        doctor.run(argparse.Namespace(json=True, print_test_page=False), config)
        checks = {c["name"]: c for c in json.loads(capsys.readouterr().out)["checks"]}
        client = gateway.client_for(config)
        try:
            gateway.probe(client)  # what SyncDaemon._probe calls before each batch
            daemon_online = True
        except SyncError:
            daemon_online = False
        finally:
            client.close()
    finally:
        server.shutdown()
        server.server_close()
    assert checks["gateway"]["ok"] is daemon_online is is_gateway

