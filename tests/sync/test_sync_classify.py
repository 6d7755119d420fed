"""Error classification, the backoff schedule, and the command's usage errors."""

from __future__ import annotations

import email.utils
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.daemon import SyncDaemon, SyncSettings
from sync.errors import (
    AuthError,
    CaptivePortal,
    Conflict,
    RateLimited,
    RecordRejected,
    TLSFailure,
    TokenExpired,
    Transient,
    classify_exception,
    classify_response,
    parse_retry_after,
)


def test_retry_after_parses_seconds_and_http_dates():
    assert parse_retry_after("7") == 7.0
    now = time.time()
    when = email.utils.formatdate(now + 30, usegmt=True)
    assert 28 <= parse_retry_after(when, now=now) <= 31
    assert parse_retry_after(email.utils.formatdate(now - 60, usegmt=True), now=now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


@pytest.mark.parametrize(("status", "code", "per_record", "expected"), [
    (500, "internal_error", True, Transient),
    (502, None, False, Transient),
    (429, "rate_limited", True, RateLimited),
    (503, "unavailable", False, RateLimited),
    (401, "token_expired", True, TokenExpired),
    (401, "invalid_client", False, AuthError),
    (403, "device_key_mismatch", True, AuthError),
    (409, "conflict", True, Conflict),
    (422, "bad_signature", True, RecordRejected),
    (413, "too_large", True, RecordRejected),
    (422, "invalid_heartbeat", False, Transient),  # not about one record: never quarantines
])
def test_responses_are_classified(status, code, per_record, expected):
    """A response as requests builds it, for each status the gateway (or a proxy) can send."""
    response = requests.Response()
    response.status_code = status
    response.headers["Content-Type"] = "application/json" if code else "text/html"
    response._content = (b'{"code": "%s", "message": "m", "held_digest": "%s"}'
                         % (code.encode(), b"a" * 64)) if code else b"<html>502</html>"
    response.headers["Retry-After"] = "3"
    response.request = requests.Request("PUT", "http://127.0.0.1/api/v1/dossiers/x").prepare()
    err = classify_response(response, per_record=per_record)
    assert type(err) is expected
    if isinstance(err, RateLimited):
        assert err.retry_after_s == 3.0
    if isinstance(err, Conflict):
        assert err.held_digest == "a" * 64


def test_a_redirect_is_a_captive_portal_not_followed():
    response = requests.Response()
    response.status_code = 302
    response.headers["Location"] = "http://login.wifi.example/?next=/api/v1/health"
    response._content = b""
    response.request = requests.Request("GET", "http://127.0.0.1/api/v1/health").prepare()
    err = classify_response(response, per_record=False)
    assert isinstance(err, CaptivePortal) and "login.wifi.example" in str(err)


def test_bearer_error_header_classifies_a_bodiless_401():
    response = requests.Response()
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer error="token_expired"'
    response._content = b""
    response.request = requests.Request("HEAD", "http://127.0.0.1/api/v1/x").prepare()
    assert type(classify_response(response, per_record=True)) is TokenExpired
    response.headers["WWW-Authenticate"] = 'Bearer error="invalid_client"'
    assert type(classify_response(response, per_record=True)) is AuthError


def test_transport_exceptions_are_classified(sim):
    with pytest.raises(requests.RequestException) as refused:
        requests.get("http://127.0.0.1:9/", timeout=1)
    assert classify_exception(refused.value).code == "connection"
    with pytest.raises(requests.RequestException) as tls:
        requests.get(sim.url.replace("http://", "https://"), timeout=2)
    assert isinstance(classify_exception(tls.value), TLSFailure | Transient)
    assert isinstance(classify_exception(requests.exceptions.SSLError("bad cert")), TLSFailure)
    assert classify_exception(requests.exceptions.ReadTimeout("slow")).code == "timeout"


@settings(max_examples=50, deadline=None)
@given(attempt=st.integers(min_value=1, max_value=10_000),
       cap=st.floats(min_value=0.1, max_value=3600), base=st.floats(min_value=0.01, max_value=5))
def test_backoff_never_exceeds_the_cap_and_grows(attempt, cap, base):
    daemon = SyncDaemon.__new__(SyncDaemon)
    daemon.settings = SyncSettings(backoff_cap_s=cap, backoff_base_s=base)
    wait = daemon.backoff_s(attempt)
    assert 0 <= wait <= cap
    if attempt >= 40:
        assert wait == pytest.approx(cap)  # long outages settle at the cap, not beyond


def test_sync_without_a_gateway_url_is_a_usage_error(tmp_path):
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[kiosk]\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "appliance.cli", "--config", str(config),
                           "sync", "--once"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "no gateway configured" in done.stderr


def test_sync_with_a_missing_credentials_file_is_a_usage_error(tmp_path):
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[kiosk]\ndata_dir = "{tmp_path / "data"}"\n[gateway]\n'
                      f'url = "http://127.0.0.1:9"\ncredentials_file = "{tmp_path / "no.json"}"\n',
                      encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "appliance.cli", "--config", str(config),
                           "sync", "--once"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "credentials" in done.stderr


def test_sync_refuses_to_run_on_a_corrupt_store(sim, tmp_path):
    config = sim.write_kiosk_toml()
    data = Path(config.read_text(encoding="utf-8").split('data_dir = "')[1].split('"')[0])
    data.mkdir(parents=True, exist_ok=True)
    (data / "kiosk.db").write_bytes(b"this is not a database" * 100)
    done = subprocess.run([sys.executable, "-m", "appliance.cli", "--config", str(config),
                           "sync", "--once"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 3 and "store unavailable" in done.stderr
    assert (data / "kiosk.db").read_bytes().startswith(b"this is not a database")  # kept as is
