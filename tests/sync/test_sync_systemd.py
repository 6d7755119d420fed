"""``kiosk sync`` under systemd: READY=1, STATUS, WATCHDOG=1 from its own loop, STOPPING=1."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from sync.notify import Watchdog, notify


def test_notify_is_a_no_op_without_systemd(monkeypatch):
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    monkeypatch.delenv("WATCHDOG_USEC", raising=False)
    assert notify("READY=1") is False
    assert Watchdog().interval_s is None


def test_daemon_notifies_systemd_and_pings_its_watchdog(sim, tmp_path: Path):
    address = str(tmp_path / "notify.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(address)
        sock.settimeout(15)
        env = {**os.environ, "NOTIFY_SOCKET": address, "WATCHDOG_USEC": "1000000"}
        daemon = subprocess.Popen([sys.executable, "-m", "appliance.cli", "--config",
                                   str(sim.write_kiosk_toml()), "sync"], env=env,
                                  stderr=subprocess.DEVNULL)
        try:
            messages: list[str] = []
            while sum(m == "WATCHDOG=1" for m in messages) < 3:  # pinged every 0.5 s
                messages.append(sock.recv(4096).decode())
            assert messages[0] == "READY=1"
            status = [m for m in messages if m.startswith("STATUS=")]
            assert status and status[0].startswith("STATUS=online; 0 pending")
        finally:
            daemon.send_signal(signal.SIGTERM)
            assert daemon.wait(timeout=15) == 0
        while (message := sock.recv(4096).decode()) != "STOPPING=1":
            assert message in ("WATCHDOG=1",) or message.startswith("STATUS=")
