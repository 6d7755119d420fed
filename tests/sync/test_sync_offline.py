"""Offline for long (issue 5 acceptance): dossiers queued while the gateway is down are all
delivered, in finalize order, once it returns; no wait exceeds the configured cap; while offline
the daemon process sleeps between attempts (no busy loop). The daemon is a real ``kiosk sync``
process; it stops cleanly on SIGTERM."""

from __future__ import annotations

import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

from appliance.app.seeding import seed
from appliance.config import load_file
from sync.portal_sim.server import PortalSim

CAP_S = 1.0
QUEUED = 8


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _lines(stream, out: queue.Queue) -> None:
    for line in stream:
        out.put(line)
    out.put(None)


def _wait_for(lines: queue.Queue, pattern: str, count: int = 1, timeout: float = 60) -> list[str]:
    """Read the daemon's log until ``pattern`` was seen ``count`` times; returns all lines read."""
    seen, read, deadline = 0, [], time.monotonic() + timeout
    while seen < count:
        line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        assert line is not None, "daemon exited: " + "".join(read[-20:])
        read.append(line)
        seen += bool(re.search(pattern, line))
    return read


def test_queued_offline_then_delivered_in_order_without_busy_loop(tmp_path: Path):
    port = _free_port()
    portal = tmp_path / "portal"
    sim = PortalSim(portal, port=port)  # provision credentials and keys, then go away
    toml = sim.write_kiosk_toml()
    sim.stop()
    config_path = tmp_path / "kiosk.toml"
    config_path.write_text(toml.read_text(encoding="utf-8") +
                           f"\n[sync]\ninterval_s = 30.0\nbackoff_cap_s = {CAP_S}\n",
                           encoding="utf-8")
    config = load_file(config_path)

    daemon = subprocess.Popen([sys.executable, "-m", "appliance.cli", "--config",
                               str(config_path), "sync"], stderr=subprocess.PIPE, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_lines, args=(daemon.stderr, lines), daemon=True).start()
    try:
        log = _wait_for(lines, r"started")
        seeded = seed(config.data_dir, config.gateway.portal_public_key, QUEUED, pages=2,
                      page_size=4_000)
        log += _wait_for(lines, r"sync cycle stopped: connection", count=3)

        proc = psutil.Process(daemon.pid)
        before = proc.cpu_times()
        time.sleep(3.0)  # measuring an idle interval: there is no event to wait for
        after = proc.cpu_times()
        cpu = (after.user - before.user) + (after.system - before.system)
        assert cpu < 0.3, f"daemon used {cpu:.2f} s CPU in 3 s while offline"

        with PortalSim(portal, port=port) as back:
            log += _wait_for(lines, r"dossier \w+ sent", count=QUEUED)
            held = [d["dossier_id"] for d in back.gateway.admin_dossiers()]
            assert held == [r.id for r in seeded]  # finalize order
            assert back.stats()["dossiers_complete"] == QUEUED
        waits = [float(w) for line in log
                 for w in re.findall(r"(?:next try|retry) in ([0-9.]+) s", line)]
        assert waits and max(waits) <= CAP_S
    finally:
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(timeout=15) == 0
