"""The reference gateway's HTTP edges, spoken to over a raw socket: what a fuzzer's library would
smooth over (bodies where none belong, chunked bodies, oversized lengths, odd methods)."""

from __future__ import annotations

import json
import socket

import requests

from sync.portal_sim.server import MAX_BODY


def _exchange(sim, raw: bytes) -> bytes:
    host, port = sim.httpd.server_address[:2]
    with socket.create_connection((host, port), timeout=10) as s:
        s.sendall(raw)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return data


def _token(sim) -> str:
    creds = sim.credentials
    return requests.post(f"{sim.url}/oauth2/token", timeout=5, data={
        "grant_type": "client_credentials", "client_id": creds["client_id"],
        "client_secret": creds["client_secret"]}).json()["access_token"]


def test_a_body_on_a_bodiless_route_is_never_run_as_a_second_request(sim):
    hidden = b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n"
    data = _exchange(sim, b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: "
                     + str(len(hidden)).encode() + b"\r\n\r\n" + hidden)
    assert data.count(b"HTTP/1.1 200") == 1 and b"Connection: close" in data


def test_a_chunked_heartbeat_is_read(sim):
    body = json.dumps({"queue_depth": 0}).encode()
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    data = _exchange(sim, b"PUT /api/v1/kiosks/K01/heartbeat HTTP/1.1\r\n"
                     b"Host: x\r\nAuthorization: Bearer " + _token(sim).encode() +
                     b"\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunked)
    assert data.startswith(b"HTTP/1.1 200") and sim.stats()["heartbeats"]["count"] == 1


def test_a_transfer_coding_other_than_chunked_is_411(sim):
    data = _exchange(sim, b"PUT /api/v1/kiosks/K01/heartbeat HTTP/1.1\r\nHost: x\r\n"
                     b"Authorization: Bearer " + _token(sim).encode() +
                     b"\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 411") and b'"code": "length_required"' in data


def test_an_oversized_body_is_refused_before_it_is_read(sim):
    data = _exchange(sim, b"PUT /api/v1/dossiers/5f0c0d3e-8a4f-4b53-9d7e-0a4fbc1e2d13 HTTP/1.1\r\n"
                     b"Host: x\r\nAuthorization: Bearer " + _token(sim).encode() +
                     b"\r\nContent-Length: " + str(MAX_BODY + 1).encode() + b"\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 413") and b'"code": "too_large"' in data
    assert sim.stats()["bytes_received"] < 1000


def test_an_unknown_method_gets_405_with_allow(sim):
    data = _exchange(sim, b"BREW /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 405") and b"Allow: GET" in data
