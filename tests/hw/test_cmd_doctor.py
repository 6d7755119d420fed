"""``kiosk doctor``: every check reported, failures exit 1, gateway judged by its JSON."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from appliance.cli import main


class _Handler(BaseHTTPRequestHandler):
    body = b""
    content_type = "application/json"

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    servers = []

    def start(body: bytes, content_type: str = "application/json") -> str:
        handler = type("H", (_Handler,), {"body": body, "content_type": content_type})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def write_config(tmp_path, gateway_url: str = "", printer: str = "sim",
                 card_reader: str = "none") -> str:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'[kiosk]\ndata_dir = "{tmp_path / "data"}"\nclock = "host"\n'
        f'[gateway]\nurl = "{gateway_url}"\nconnect_timeout_s = 2.0\nread_timeout_s = 2.0\n'
        f'[hardware]\nprinter = "{printer}"\nsim_dir = "{tmp_path / "sim"}"\n'
        f'card_reader = "{card_reader}"\n'
        f'[storage]\nreserve_mb = 1\n',
        encoding="utf-8",
    )
    return str(path)


def doctor(capsys, config: str, *extra: str) -> tuple[int, dict]:
    status = main(["--config", config, "doctor", "--json", *extra])
    return status, json.loads(capsys.readouterr().out)


def by_name(doc: dict) -> dict[str, dict]:
    return {c["name"]: c for c in doc["checks"]}


GATEWAY_HEALTH = (b'{"service": "kiosk-gateway", "status": "ok",'
                  b' "server_time": "2026-07-01T08:00:00+07:00"}')


def test_all_simulated_with_a_real_gateway_passes(tmp_path, capsys, http_server):
    url = http_server(GATEWAY_HEALTH)
    status, doc = doctor(capsys, write_config(tmp_path, url))
    checks = by_name(doc)
    assert status == 0 and doc["ok"] is True
    assert set(checks) == {"camera", "qr_decoder", "scanner", "printer", "gpio", "network",
                           "card_reader", "storage", "database", "clock", "gateway"}
    assert checks["gateway"]["code"] == "gateway.ok"
    assert checks["database"]["ok"] and checks["clock"]["ok"]
    assert checks["card_reader"]["code"] == "card_reader.not_configured"  # no reader is fine


def test_card_reader_and_its_trust_store(tmp_path, capsys):
    status, doc = doctor(capsys, write_config(tmp_path, card_reader="sim"))
    checks = by_name(doc)
    assert checks["card_reader"]["code"] == "cardreader.ready" and checks["card_reader"]["ok"]
    store = checks["trust_store"]  # none installed yet: chips read but not verified (a warning)
    assert (store["ok"], store["state"], store["code"]) == (
        True, "degraded", "chip.trust_store.missing")
    folder = tmp_path / "data" / "truststore"
    folder.mkdir(parents=True)
    (folder / "broken.pem").write_text("-----BEGIN CERTIFICATE-----\nxx\n", encoding="ascii")
    status, doc = doctor(capsys, write_config(tmp_path, card_reader="sim"))
    assert status == 1 and by_name(doc)["trust_store"]["code"] == "chip.trust_store.invalid"
    from appliance.app.chipcard import demo_signer

    (folder / "broken.pem").unlink()
    demo_signer(tmp_path / "sim", folder)
    _, doc = doctor(capsys, write_config(tmp_path, card_reader="sim"))
    assert by_name(doc)["trust_store"]["code"] == "chip.trust_store.ok"


def test_a_pcsc_reader_that_is_not_there_fails(tmp_path, capsys):
    status, doc = doctor(capsys, write_config(tmp_path, card_reader="pcsc:No Such Reader"))
    assert status == 1 and by_name(doc)["card_reader"]["code"] == "cardreader.not_found"


def test_captive_portal_html_is_not_online(tmp_path, capsys, http_server):
    url = http_server(b"<html><body>Wi-Fi login</body></html>", "text/html")
    status, doc = doctor(capsys, write_config(tmp_path, url))
    gateway = by_name(doc)["gateway"]
    assert status == 1
    assert (gateway["ok"], gateway["code"]) == (False, "gateway.not_gateway")
    assert "not the gateway's JSON" in gateway["reason_en"]


def test_json_from_another_service_is_not_the_gateway(tmp_path, capsys, http_server):
    """The sync daemon's rule: a JSON answer with a ``service`` key is not enough (the old
    doctor said "ok" to this where the daemon said "captive portal")."""
    url = http_server(b'{"service": "portal-sim", "time": "2026-07-01T08:00:00+07:00"}')
    status, doc = doctor(capsys, write_config(tmp_path, url))
    assert status == 1 and by_name(doc)["gateway"]["code"] == "gateway.not_gateway"


def test_unreachable_gateway(tmp_path, capsys, http_server):
    url = http_server(b"{}")
    status, doc = doctor(capsys, write_config(tmp_path, url))
    assert by_name(doc)["gateway"]["code"] == "gateway.not_gateway"  # JSON, not the gateway's
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    status, doc = doctor(capsys, write_config(tmp_path, f"http://127.0.0.1:{port}"))
    assert status == 1 and by_name(doc)["gateway"]["code"] == "gateway.unreachable"


def test_paper_out_fails_and_test_page_is_refused(tmp_path, capsys):
    config = write_config(tmp_path)
    (tmp_path / "sim" / "printer").mkdir(parents=True)
    (tmp_path / "sim" / "printer" / "PAPER").write_text("out")
    status, doc = doctor(capsys, config, "--print-test-page")
    checks = by_name(doc)
    assert status == 1
    assert checks["printer"]["code"] == "printer.paper_out"
    assert checks["printer_test_page"]["ok"] is False
    assert not list((tmp_path / "sim" / "printer").glob("slip-*.png"))


def test_print_test_page_goes_to_the_sim_printer(tmp_path, capsys):
    status, doc = doctor(capsys, write_config(tmp_path), "--print-test-page")
    assert status == 0 and by_name(doc)["printer_test_page"]["ok"]
    (png,) = (tmp_path / "sim" / "printer").glob("slip-*.png")
    from PIL import Image

    with Image.open(png) as page:
        assert page.width == 576


def test_bad_printer_string_is_one_failed_line(tmp_path, capsys):
    status = main(["--config", write_config(tmp_path, printer="usb:zz"), "doctor"])
    out = capsys.readouterr().out
    assert status == 1
    lines = out.splitlines()
    assert len(lines) == 11  # the card reader's line says none is configured
    (printer_line,) = [line for line in lines if " printer " in line]
    assert printer_line.startswith("✗") and "[config.bad_device]" in printer_line
    assert sum(line.startswith("✓") for line in lines) == 10
