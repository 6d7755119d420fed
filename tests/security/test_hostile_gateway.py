"""The kiosk against a hostile gateway on loopback (issue 11, items 4 and 8).

The real ``GatewayClient`` and a real ``kiosk sync`` process face answers that are huge,
drip-fed, nested 100,000 deep, redirected to another origin, or not HTTP at all. Each must end
as a classified error within a bounded time and memory, with no traceback; SIGTERM during a
drip-fed answer stops the daemon at once; proxies from the environment are ignored by ``sync``
and ``doctor`` alike, and no password or proxy credential reaches a log.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from appliance.app import seeding
from appliance.crypto import PortalKey
from sync.client import (
    CATALOGUE_CAP,
    ERROR_CAP,
    HEALTH_CAP,
    UPDATES_CAP,
    Credentials,
    GatewayClient,
    RetryPolicy,
    probe,
)
from sync.errors import (
    AnswerTooLarge,
    BadAnswer,
    CaptivePortal,
    ConfigError,
    DeadlineExceeded,
    SyncError,
    Transient,
)
from tests.security.hostile_gateway import (
    HostileGateway,
    deep_json,
    drip,
    gzip_bomb,
    huge,
    raw,
    redirect,
)

pytestmark = pytest.mark.timeout(180)  # a client that reads on forever fails, never hangs

MIB = 1024 * 1024
SLACK = 32 * MIB
"""What loopback socket buffers can hold beyond what the client read before hanging up."""
RSS_BOUND_KIB = 128 * 1024
"""Peak RSS allowed to ``kiosk sync`` facing a 300 MB answer (it needs ~50 MiB on its own)."""
DOSSIER = "0" * 32
SHA = "a" * 64


@pytest.fixture
def gateway() -> Iterator[HostileGateway]:
    with HostileGateway() as gw:
        yield gw


def make_client(url: str, *, read_timeout_s: float = 2.0, ca_bundle: str = "") -> GatewayClient:
    return GatewayClient(url, Credentials("K01", "secret"), kiosk_id="K01",
                         connect_timeout_s=1.0, read_timeout_s=read_timeout_s,
                         ca_bundle=ca_bundle, retry=RetryPolicy(attempts=1))


# Every endpoint the kiosk calls: (method, path the gateway sees, the client call, its cap).
ENDPOINTS: list[tuple[str, str, Callable[[GatewayClient], object], int]] = [
    ("GET", "/api/v1/health", lambda c: c.health(), HEALTH_CAP),
    ("POST", "/oauth2/token", lambda c: c.ensure_token(), HEALTH_CAP),
    ("PUT", f"/api/v1/dossiers/{DOSSIER}", lambda c: c.put_manifest(DOSSIER, b"{}"), MIB),
    ("PUT", f"/api/v1/dossiers/{DOSSIER}/files/{SHA}",
     lambda c: c.put_file(DOSSIER, SHA, b"page"), MIB),
    ("GET", "/api/v1/catalogue", lambda c: c.catalogue(None), CATALOGUE_CAP),
    ("GET", "/api/v1/kiosks/K01/updates", lambda c: c.updates(None), UPDATES_CAP),
    ("PUT", "/api/v1/ratings/r1", lambda c: c.put_rating("r1", {"level": 5}), MIB),
    ("PUT", "/api/v1/kiosks/K01/heartbeat", lambda c: c.heartbeat({}), MIB),
]
IDS = [e[1].split("/")[-1] if "files" not in e[1] else "file" for e in ENDPOINTS]


@pytest.mark.parametrize(("method", "path", "call", "cap"), ENDPOINTS, ids=IDS)
@pytest.mark.parametrize("kind", ["array", "object"])
def test_deep_json_at_every_endpoint_is_a_bad_answer(gateway, method, path, call, cap, kind):
    gateway.on(method, path, deep_json(10_000, kind=kind))
    client = make_client(gateway.url)
    with pytest.raises(BadAnswer) as caught:
        call(client)
    assert caught.value.code == "bad_answer" and "deep" in str(caught.value)


@pytest.mark.parametrize("status", [400, 403, 500, 503])
def test_a_deep_error_body_is_ignored_and_the_status_classifies(gateway, status):
    gateway.on("GET", "/api/v1/health", deep_json(10_000, status=status))
    with pytest.raises(SyncError) as caught:
        make_client(gateway.url).health()
    assert caught.value.code == f"http_{status}"


@pytest.mark.parametrize(("method", "path", "call", "cap"), ENDPOINTS, ids=IDS)
@pytest.mark.parametrize("honest_length", [False, True], ids=["streamed", "announced"])
def test_a_huge_answer_is_refused_while_streaming(gateway, method, path, call, cap,
                                                  honest_length):
    total = cap + 4 * SLACK
    gateway.on(method, path, huge(total, honest_length=honest_length))
    with pytest.raises(AnswerTooLarge):
        call(make_client(gateway.url))
    written = gateway.written.get(path, 0)
    assert written < cap + SLACK, f"the client read on: the gateway wrote {written} bytes"


def test_a_huge_error_body_is_dropped_and_the_status_classifies(gateway):
    gateway.on("GET", "/api/v1/health", huge(ERROR_CAP + 4 * SLACK, status=503))
    with pytest.raises(SyncError) as caught:
        make_client(gateway.url).health()
    assert caught.value.code == "http_503"
    assert gateway.written["/api/v1/health"] < ERROR_CAP + SLACK


def test_a_drip_fed_answer_ends_at_the_deadline(gateway):
    """One byte every 0.3 s never trips a 2 s read timeout; the overall deadline does."""
    gateway.on("GET", "/api/v1/health", drip(b" " * 1000, 0.3))
    client = make_client(gateway.url)
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded) as caught:
        client.health()
    took = time.monotonic() - started
    limit = client.deadline_s(0, HEALTH_CAP)
    assert caught.value.code == "deadline"
    assert took < limit + 2, f"{took:.1f} s for a request whose deadline is {limit:.1f} s"


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_to_another_origin_is_not_followed(gateway, status):
    with HostileGateway() as elsewhere:
        gateway.on("GET", "/api/v1/health", redirect(elsewhere.url + "/api/v1/health", status))
        gateway.on("PUT", f"/api/v1/dossiers/{DOSSIER}",
                   redirect(elsewhere.url + "/steal", status))
        client = make_client(gateway.url)
        with pytest.raises(CaptivePortal):
            client.health()
        with pytest.raises(CaptivePortal):
            client.put_manifest(DOSSIER, b'{"digest": "x"}')
        with pytest.raises(CaptivePortal):
            probe(gateway.url, connect_timeout_s=1, read_timeout_s=1)
        assert elsewhere.requests == [], "a redirect was followed"


@pytest.mark.parametrize("data", [
    b"\x16\x03\x01\x02\x00garbage\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: -5\r\n\r\n{}",
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
    b"Content-Length: 99999999999999999999999\r\n\r\n{}",
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{\"a",
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
    b"Content-Length: 4\r\n\r\nxxxx",
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n\xff\xfe{\"service\": 1}",
    b"",
], ids=["not-http", "negative-length", "absurd-length", "truncated", "gzip", "not-utf8",
        "empty"])
def test_garbage_is_a_classified_transient_error(gateway, data):
    gateway.on("GET", "/api/v1/health", raw(data))
    with pytest.raises(Transient):
        make_client(gateway.url).health()


def test_a_missing_or_unusable_ca_bundle_is_a_config_error(tmp_path):
    missing = tmp_path / "no-such-ca.pem"
    with pytest.raises(ConfigError, match="does not exist"):
        make_client("https://127.0.0.1:9", ca_bundle=str(missing))
    garbage = tmp_path / "ca.pem"
    garbage.write_text("not a certificate\n", encoding="ascii")
    with pytest.raises(ConfigError, match="no usable certificate"):
        probe("https://127.0.0.1:9", connect_timeout_s=1, read_timeout_s=1,
              ca_bundle=str(garbage))


# --- the real `kiosk` process ------------------------------------------------------------


@dataclasses.dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss_kib: int
    """VmHWM of the kiosk's own image (0 if it was killed). Not ru_maxrss: Linux carries the
    forking parent's high-water mark (pytest's, hundreds of MB) into the child's."""


KIOSK = """\
import atexit, os, runpy, sys

def report_peak():
    with open("/proc/self/status") as status:
        hwm = next(line for line in status if line.startswith("VmHWM:"))
    with open(os.environ["KIOSK_PEAK_FILE"], "w") as out:
        out.write(hwm.split()[1])

atexit.register(report_peak)
sys.argv[0] = "kiosk"
runpy.run_module("appliance.cli", run_name="__main__", alter_sys=True)
"""
"""``python -m appliance.cli`` that writes its peak RSS (kB) to $KIOSK_PEAK_FILE on exit."""


def kiosk_config(tmp_path: Path, url: str, *, read_timeout_s: float = 2.0,
                 ca_bundle: str = "", dossiers: int = 0) -> Path:
    """A kiosk.toml for ``url`` with short waits, and ``dossiers`` queued in its store."""
    data = tmp_path / "kiosk"
    creds = tmp_path / "credentials.json"
    creds.write_text('{"client_id": "K01", "client_secret": "cs-secret"}', encoding="utf-8")
    creds.chmod(0o600)
    portal_key = PortalKey.generate().public_key_b64
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[kiosk]\nid = "K01"\ndata_dir = "{data}"\nclock = "host"\n'
        f'[gateway]\nurl = "{url}"\ncredentials_file = "{creds}"\n'
        f'portal_public_key = "{portal_key}"\nca_bundle = "{ca_bundle}"\n'
        f'connect_timeout_s = 1.0\nread_timeout_s = {read_timeout_s}\n'
        f'[sync]\nbackoff_cap_s = 0.5\ninterval_s = 60.0\n', encoding="utf-8")
    if dossiers:
        seeding.seed(data, portal_key, dossiers, pages=1, page_size=2_000)
    return config


def start_kiosk(tmp_path: Path, config: Path, *args: str,
                env: dict[str, str] | None = None) -> subprocess.Popen:
    out = (tmp_path / "stdout").open("wb")
    err = (tmp_path / "stderr").open("wb")
    with out, err:
        return subprocess.Popen(
            [sys.executable, "-c", KIOSK, "--config", str(config), *args],
            stdout=out, stderr=err,
            env={**os.environ, "KIOSK_PEAK_FILE": str(tmp_path / "peak"), **(env or {})})


def finish(tmp_path: Path, proc: subprocess.Popen, started: float, limit_s: float) -> Run:
    """Wait for the process (killing it past ``limit_s``) and read its own peak RSS."""
    killer = threading.Timer(limit_s, proc.kill)
    killer.start()
    try:
        proc.wait()
    finally:
        killer.cancel()
    peak = tmp_path / "peak"
    return Run(proc.returncode, (tmp_path / "stdout").read_text(errors="replace"),
               (tmp_path / "stderr").read_text(errors="replace"),
               time.monotonic() - started, int(peak.read_text()) if peak.exists() else 0)


def run_kiosk(tmp_path: Path, config: Path, *args: str, limit_s: float = 90.0,
              env: dict[str, str] | None = None) -> Run:
    started = time.monotonic()
    return finish(tmp_path, start_kiosk(tmp_path, config, *args, env=env), started, limit_s)


@pytest.mark.parametrize(("path", "answer", "dossiers", "exit_code", "code"), [
    ("/api/v1/health", lambda: huge(300 * MIB), 1, 1, "answer_too_large"),  # was 1.9 GB RSS
    ("/api/v1/catalogue", lambda: gzip_bomb(1024 * MIB), 0, 0, "bad_answer"),
], ids=["health-300MB", "catalogue-gzip-bomb"])
def test_sync_once_facing_a_huge_answer_stays_small(gateway, tmp_path, path, answer, dossiers,
                                                    exit_code, code):
    gateway.on("GET", path, answer())
    config = kiosk_config(tmp_path, gateway.url, dossiers=dossiers)
    run = run_kiosk(tmp_path, config, "sync", "--once")
    assert run.returncode == exit_code, run.stderr  # 1: work left; 0: only housekeeping failed
    assert code in run.stderr and "Traceback" not in run.stderr
    assert 0 < run.peak_rss_kib < RSS_BOUND_KIB, f"peak RSS {run.peak_rss_kib // 1024} MiB"
    print(f"peak RSS {run.peak_rss_kib // 1024} MiB")


def test_sync_once_facing_a_drip_fed_answer_ends_in_bounded_time(gateway, tmp_path):
    """Before: one byte every 2 s kept `sync --once` 227 s with read_timeout_s = 3."""
    gateway.on("GET", "/api/v1/health", drip(b" " * 10_000, 0.5))
    config = kiosk_config(tmp_path, gateway.url, read_timeout_s=1.0, dossiers=1)
    run = run_kiosk(tmp_path, config, "sync", "--once", limit_s=60)
    # 3 idle cycles × one request's deadline (1 + 1 + 0.5 s) + backoffs (≤ 0.5 s) + start-up.
    assert run.returncode == 1, run.stderr
    assert "deadline" in run.stderr and "Traceback" not in run.stderr
    assert run.seconds < 30, f"{run.seconds:.0f} s"
    print(f"sync --once against a drip: {run.seconds:.1f} s")


@pytest.mark.parametrize(("args", "exit_code", "said"), [
    ([], 0, "stopped"),  # the daemon under systemd: a clean stop
    (["--once"], 1, "work left"),  # a drain cut short
], ids=["daemon", "once"])
def test_sigterm_during_a_drip_fed_answer_stops_at_once(gateway, tmp_path, args, exit_code,
                                                        said):
    gateway.on("GET", "/api/v1/health", drip(b" " * 10_000, 0.5))
    config = kiosk_config(tmp_path, gateway.url, read_timeout_s=20.0)  # deadline ~21.5 s
    started = time.monotonic()
    proc = start_kiosk(tmp_path, config, "sync", *args)
    try:
        assert gateway.first_byte.wait(60), "the daemon never reached the gateway"
        asked = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        run = finish(tmp_path, proc, started, limit_s=60)
    finally:
        if proc.returncode is None:
            proc.kill()
            proc.wait()
    stopped_after = run.seconds - (asked - started)
    assert run.returncode == exit_code and said in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
    assert stopped_after < 3, f"SIGTERM took {stopped_after:.1f} s"
    print(f"stopped {stopped_after:.2f} s after SIGTERM")


@pytest.mark.parametrize(("method", "path", "dossiers", "exit_code"), [
    ("GET", "/api/v1/health", 1, 1),
    ("PUT", "/api/v1/dossiers/*", 1, 1),
    ("GET", "/api/v1/catalogue", 0, 0),  # only housekeeping failed: nothing left pending
    ("GET", "/api/v1/kiosks/*", 0, 0),
], ids=["health", "dossier", "catalogue", "updates"])
def test_sync_once_facing_deep_json_logs_a_bad_answer_without_traceback(
        gateway, tmp_path, method, path, dossiers, exit_code):
    gateway.on(method, path, deep_json(10_000))
    config = kiosk_config(tmp_path, gateway.url, dossiers=dossiers)
    run = run_kiosk(tmp_path, config, "sync", "--once")
    assert "Traceback" not in run.stderr and "RecursionError" not in run.stderr, run.stderr
    assert run.returncode == exit_code and "bad_answer" in run.stderr, run.stderr


def test_sync_with_a_missing_ca_bundle_is_one_line_and_exit_2(tmp_path):
    config = kiosk_config(tmp_path, "https://127.0.0.1:9",
                          ca_bundle=str(tmp_path / "no-such-ca.pem"))
    run = run_kiosk(tmp_path, config, "sync", "--once")
    assert run.returncode == 2, run.stderr
    assert "ca_bundle" in run.stderr and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr


PROXY_ENV = "http://px-user:px-secret@127.0.0.1:{port}"


@pytest.mark.parametrize("command", [["sync", "--once"], ["doctor", "--json"]])
def test_environment_proxies_are_ignored_by_sync_and_doctor_alike(gateway, tmp_path, command):
    """``sync`` and ``doctor`` build one Session: neither goes through a proxy variable's
    proxy (the gateway is reached directly), and the proxy's credentials are never printed."""
    with HostileGateway() as proxy:
        env = {name: PROXY_ENV.format(port=proxy.httpd.server_address[1])
               for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "ALL_PROXY")}
        env.update(NO_PROXY="", no_proxy="")
        run = run_kiosk(tmp_path, kiosk_config(tmp_path, gateway.url), *command, env=env)
        assert proxy.requests == [], "a request went through the environment's proxy"
    assert ("GET", "/api/v1/health") in [(m, p) for m, p, _ in gateway.requests], run.stderr
    assert "px-secret" not in run.stdout + run.stderr


@pytest.mark.parametrize("command", [["sync", "--once"], ["doctor", "--json"]])
def test_a_password_in_the_gateway_url_is_never_printed_nor_sent(gateway, tmp_path, command):
    url = gateway.url.replace("http://", "http://kiosk:url-secret@")
    run = run_kiosk(tmp_path, kiosk_config(tmp_path, url), *command)
    assert "url-secret" not in run.stdout + run.stderr, run.stdout + run.stderr
    sent = [headers for _, _, headers in gateway.requests]
    assert not any("Basic" in h.get("Authorization", "") for h in sent), \
        "the URL's password went to the gateway"
