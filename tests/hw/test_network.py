"""Network seam: nmcli backend against a fake nmcli with real terse output, and the simulator."""

from __future__ import annotations

import json

import pytest

from hw.network import NetworkError
from hw.network.nmcli import NmcliNetwork, split_terse
from hw.network.sim import SimNetwork
from hw.status import Health

NETWORKS = [
    {"ssid": "UBND:Xa\\Mau", "signal": 40, "security": "WPA2", "password": "matkhau123"},
    {"ssid": "UBND:Xa\\Mau", "signal": 81, "security": "WPA2", "password": "matkhau123"},
    {"ssid": "Hotspot của Lan", "signal": 65, "security": "WPA1 WPA2", "password": "lan12345"},
    {"ssid": "", "signal": 90, "security": "WPA2"},
    {"ssid": "Quan ca phe", "signal": 30, "security": ""},
]


@pytest.fixture
def nmcli(tmp_path, fake_bin, monkeypatch):
    state = tmp_path / "nm.json"
    state.write_text(json.dumps({"networks": NETWORKS, "connected": None}), encoding="utf-8")
    monkeypatch.setenv("FAKE_NMCLI_STATE", str(state))
    return NmcliNetwork(str(fake_bin / "nmcli")), state


def test_split_terse_unescapes():
    assert split_terse(r"*:UBND\:Xa\\Mau:81:WPA2") == ["*", "UBND:Xa\\Mau", "81", "WPA2"]
    assert split_terse(" :::") == [" ", "", "", ""]


def test_scan_lists_each_ssid_once_strongest_first(nmcli):
    network, _ = nmcli
    found = network.scan()
    assert [(n.ssid, n.signal, n.security) for n in found] == [
        ("UBND:Xa\\Mau", 81, "WPA2"),
        ("Hotspot của Lan", 65, "WPA1 WPA2"),
        ("Quan ca phe", 30, ""),
    ]


def test_connect_to_phone_hotspot_then_state(nmcli):
    network, _ = nmcli
    assert network.state().connected is False
    state = network.connect("Hotspot của Lan", "lan12345")
    assert (state.connected, state.ssid, state.device, state.connectivity) == (
        True, "Hotspot của Lan", "wlan0", "full")
    assert network.status().state is Health.OK
    assert [n.ssid for n in network.scan() if n.in_use] == ["Hotspot của Lan"]


def test_wrong_password_and_unknown_ssid_are_precise(nmcli):
    network, _ = nmcli
    with pytest.raises(NetworkError) as exc:
        network.connect("UBND:Xa\\Mau", "sai")
    assert exc.value.code == "network.wrong_password"
    assert "mật khẩu" in exc.value.reason_vi
    with pytest.raises(NetworkError) as exc:
        network.connect("Không có")
    assert exc.value.code == "network.not_found"
    assert network.state().connected is False


def test_captive_portal_is_not_ok(nmcli):
    network, state_file = nmcli
    state = json.loads(state_file.read_text())
    state.update(connected="Quan ca phe", connectivity="portal")
    state_file.write_text(json.dumps(state))
    status = network.status()
    assert status.state is Health.DEGRADED and status.code == "network.captive_portal"


def test_networkmanager_not_running(nmcli):
    network, state_file = nmcli
    state_file.write_text(json.dumps({"networks": [], "running": False}))
    status = network.status()
    assert status.state is Health.FAILED and status.code == "network.nm_not_running"


def test_sim_network_behaves_like_the_real_one():
    network = SimNetwork()
    assert network.state().connected is False
    with pytest.raises(NetworkError) as exc:
        network.connect("UBND-Xa-Mau", "wrong")
    assert exc.value.code == "network.wrong_password"
    state = network.connect("UBND-Xa-Mau", "matkhau123")
    assert state.connected and state.ssid == "UBND-Xa-Mau"
    assert network.scan()[0].ssid == "UBND-Xa-Mau" and network.scan()[0].in_use
    assert network.connect("Quan ca phe").ssid == "Quan ca phe"  # open network, no password
