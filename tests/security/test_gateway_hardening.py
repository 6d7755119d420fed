"""The reference gateway under attack (issue 11 item 9), over raw sockets and HTTP on 127.0.0.1:
chunk sizes, the admin API's credential, Host and Origin checks, 400 (never 500) for hostile
JSON, idle and slow connections, and what the gateway keeps on disk."""

from __future__ import annotations

import json
import select
import socket
import stat
import time

import pytest
import requests

from appliance.crypto import DeviceKey, canonical_json, sha256_hex
from sync.portal_sim.server import MAX_BODY, PortalSim, Timeouts
from tests.security.conftest import token


def _exchange(sim: PortalSim, raw: bytes, *, timeout: float = 5.0) -> bytes:
    """Send ``raw`` and read until the server closes (socket.timeout if it never does)."""
    host, port = sim.httpd.server_address[:2]
    with socket.create_connection((host, port), timeout=timeout) as s:
        s.sendall(raw)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return data


def _host(sim: PortalSim) -> str:
    host, port = sim.httpd.server_address[:2]
    return f"{host}:{port}"


# --- chunked bodies


def test_a_bad_or_oversized_chunk_size_is_refused_before_any_body_is_read(sim):
    # Unauthenticated, on the token endpoint: the body is never read past the size line.
    # ("-1" once made the reader take everything up to the end of the connection, uncapped.)
    for size_line in (b"-1", b"+10", b" 10", b"0x10", b"1_0", b"FFFFFFFFFFFFFFFFFFFF",
                      b"2000000"):
        data = _exchange(sim, b"POST /oauth2/token HTTP/1.1\r\nHost: " + _host(sim).encode()
                         + b"\r\nTransfer-Encoding: chunked\r\n\r\n" + size_line + b"\r\n",
                         timeout=2)
        assert data.split(b" ")[1] in (b"400", b"413"), (size_line, data[:200])
    assert sim.stats()["bytes_received"] == 0
    # Valid sizes are capped in total exactly like a Content-Length.
    chunk = b"%x\r\n" % (MAX_BODY // 2 + 1)
    head = (b"PUT /api/v1/kiosks/K02/heartbeat HTTP/1.1\r\nHost: " + _host(sim).encode()
            + b"\r\nAuthorization: Bearer " + token(sim).encode()
            + b"\r\nTransfer-Encoding: chunked\r\n\r\n")
    body = chunk + b"x" * (MAX_BODY // 2 + 1) + b"\r\n" + chunk
    data = _exchange(sim, head + body, timeout=30)
    assert data.startswith(b"HTTP/1.1 413")


# --- the admin API


def test_the_admin_api_needs_its_own_credential(sim):
    assert requests.get(sim.url + "/admin/dossiers", timeout=5).status_code == 401
    kiosk_token = {"Authorization": f"Bearer {token(sim)}"}
    assert requests.get(sim.url + "/admin/dossiers", headers=kiosk_token,
                        timeout=5).status_code == 401
    assert requests.get(sim.url + "/admin/dossiers", headers=sim.admin_headers(),
                        timeout=5).status_code == 200
    assert stat.S_IMODE(sim.admin_token_file.stat().st_mode) == 0o600
    assert sim.admin_token_file.read_text().strip() == \
        sim.admin_headers()["Authorization"].removeprefix("Bearer ")


@pytest.mark.parametrize("with_token", [False, True])
def test_a_cross_site_text_plain_post_is_refused(sim, with_token):
    before = requests.get(sim.url + "/admin/faults", headers=sim.admin_headers(),
                          timeout=5).json()
    headers = {"Origin": "http://evil.example", "Content-Type": "text/plain",
               **(sim.admin_headers() if with_token else {})}
    answer = requests.post(sim.url + "/admin/faults", data='{"rate": 1.0}', headers=headers,
                           timeout=5)
    assert answer.status_code in (401, 403)
    assert requests.get(sim.url + "/admin/faults", headers=sim.admin_headers(),
                        timeout=5).json() == before


def test_a_dns_rebinding_host_is_refused(sim):
    port = sim.httpd.server_address[1]
    for host in (f"evil.example:{port}", f"127.0.0.1.nip.example:{port}", "127.0.0.1:1"):
        answer = requests.get(sim.url + "/admin/dossiers", timeout=5,
                              headers={**sim.admin_headers(), "Host": host})
        assert answer.status_code == 403 and answer.json()["code"] == "bad_host", host
    same_origin = {**sim.admin_headers(), "Origin": sim.url}
    assert requests.get(sim.url + "/admin/stats", headers=same_origin,
                        timeout=5).status_code == 200


# --- hostile JSON: 400, never 500


def _put_heartbeat(sim: PortalSim, body: bytes) -> requests.Response:
    return requests.put(f"{sim.url}/api/v1/kiosks/K02/heartbeat", data=body, timeout=10,
                        headers={"Authorization": f"Bearer {token(sim)}",
                                 "Content-Type": "application/json"})


@pytest.mark.parametrize("body", [
    b'{"queue_depth": ' + b"9" * 5000 + b"}",
    b"[" * 100_000 + b"]" * 100_000,
    b'{"queue_depth": 0, "counts": ' + b'{"a":' * 500 + b"1" + b"}" * 500 + b"}",
])
def test_oversize_integers_and_deep_json_are_400(sim, body):
    answer = _put_heartbeat(sim, body)
    assert answer.status_code == 400 and answer.json()["code"] == "bad_request"


def test_an_oversize_query_integer_is_400(sim):
    answer = requests.get(f"{sim.url}/api/v1/kiosks/K02/updates?after={'9' * 30}", timeout=5,
                          headers={"Authorization": f"Bearer {token(sim)}"})
    assert answer.status_code == 400


def test_an_oversize_page_number_in_a_signed_manifest_is_422(sim, kiosk):
    k02 = kiosk("k02", code=sim.enrolment_code())
    (rec,) = k02.seed()
    k02.daemon.enroller.run(k02.daemon.client, k02.daemon.store)
    manifest = json.loads(k02.daemon.store.envelope(rec.id))["manifest"]
    manifest["files"][0]["page"] = 10**30
    key = DeviceKey.load_or_create(k02.config.data_dir / "secrets" / "device.key")
    signed = canonical_json(manifest)
    envelope = canonical_json({"manifest": manifest, "signature": key.sign(signed),
                               "digest": sha256_hex(signed)})
    answer = requests.put(f"{sim.url}/api/v1/dossiers/{rec.id}", data=envelope, timeout=5,
                          headers={"Authorization": f"Bearer {token(sim)}"})
    assert answer.status_code == 422 and answer.json()["code"] == "invalid_manifest"


# --- idle and slow connections


@pytest.fixture
def strict_sim(tmp_path):
    timeouts = Timeouts(idle_s=0.5, header_s=1.0, body_grace_s=0.5, min_body_rate=50_000)
    with PortalSim(tmp_path / "strict", kiosk_id="K02", timeouts=timeouts) as s:
        yield s


def _closed_while_dripping(sim: PortalSim, raw: bytes, every_s: float) -> int | None:
    """Drip ``raw`` a byte at a time; the number of bytes sent when the server hung up."""
    host, port = sim.httpd.server_address[:2]
    with socket.create_connection((host, port), timeout=5) as s:
        for i in range(len(raw)):
            readable, _, _ = select.select([s], [], [], every_s)  # an answer, or the next byte
            if readable:
                return i
            try:
                s.send(raw[i:i + 1])
            except OSError:
                return i
    return None


def test_an_idle_connection_is_closed(strict_sim):
    host, port = strict_sim.httpd.server_address[:2]
    with socket.create_connection((host, port), timeout=10) as s:
        assert s.recv(1) == b""  # the server hung up; the client never sent a byte


def test_a_slow_drip_of_headers_is_cut_off(strict_sim):
    head = b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: " + b"a" * 200 + b"\r\n\r\n"
    sent = _closed_while_dripping(strict_sim, head, every_s=0.1)
    assert sent is not None and sent < len(head)


def test_a_slow_drip_of_a_body_is_cut_off(strict_sim):
    body = json.dumps({"queue_depth": 0, "pad": "a" * 400}).encode()
    head = (b"PUT /api/v1/kiosks/K02/heartbeat HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            + token(strict_sim).encode() + b"\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\n\r\n")
    host, port = strict_sim.httpd.server_address[:2]
    started = time.monotonic()
    with socket.create_connection((host, port), timeout=5) as s:
        s.sendall(head)
        for i in range(len(body)):
            readable, _, _ = select.select([s], [], [], 0.05)
            if readable:
                break
            s.send(body[i:i + 1])
        else:
            pytest.fail("the server waited for the whole dripped body")
    assert time.monotonic() - started < 10


# --- what the gateway keeps on disk


def test_portal_db_is_private_and_holds_no_bearer_token(sim):
    issued = token(sim)
    requests.get(f"{sim.url}/api/v1/catalogue", headers={"Authorization": f"Bearer {issued}"},
                 timeout=5).raise_for_status()
    assert stat.S_IMODE((sim.data_dir / "portal.db").stat().st_mode) == 0o600
    assert stat.S_IMODE(sim.data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((sim.data_dir / "receipt.key").stat().st_mode) == 0o600
    for path in sim.data_dir.glob("portal.db*"):
        assert issued.encode() not in path.read_bytes(), path.name
