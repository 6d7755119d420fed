"""Exactly-once under faults (issue 5 acceptance): 200 dossiers of 3 pages, a gateway failing 30%
of requests in every way it knows, the daemon SIGKILLed at random moments at least 50 times while
it works, then drained. The gateway must hold exactly those dossiers, every page verified, with no
conflict and no duplicate; the kiosk must show every one of them sent.

Both ends are real processes (``kiosk portal-sim`` and ``kiosk sync``) talking HTTP on 127.0.0.1.
Pages are small (~6 KB) to keep the test inside its time budget; the bench uses ~100 KB pages.
"""

from __future__ import annotations

import json
import random
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from appliance.app.seeding import seed
from appliance.config import load_file
from appliance.store import Store

DOSSIERS = 200
PAGES = 3
KILLS = 52
KIOSK = [sys.executable, "-m", "appliance.cli"]


def _admin(ready: dict, path: str) -> dict:
    token = Path(ready["admin_token_file"]).read_text(encoding="ascii").strip()
    request = urllib.request.Request(ready["url"] + path,
                                     headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _start_sim(data: Path, *extra: str) -> tuple[subprocess.Popen, dict]:
    proc = subprocess.Popen([*KIOSK, "portal-sim", "--port", "0", "--data", str(data), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    ready = json.loads(proc.stdout.readline())  # blocks until the server listens
    return proc, ready


def _kiosk_toml(sim_toml: Path, target: Path) -> Path:
    """The sim's ready kiosk.toml plus short timeouts and a small backoff cap for the test."""
    text = sim_toml.read_text(encoding="utf-8")  # [gateway] is its last section
    text += "connect_timeout_s = 1.0\nread_timeout_s = 0.3\n\n"
    text += "[sync]\ninterval_s = 30.0\nbackoff_cap_s = 0.2\n"
    target.write_text(text, encoding="utf-8")
    return target


@pytest.mark.slow
@pytest.mark.timeout(600)  # ~60 s here; leave room for a loaded CI machine
def test_exactly_once_under_faults_and_sigkills(tmp_path: Path):
    sim, ready = _start_sim(tmp_path / "portal", "--fault-rate", "0.3", "--seed", "11",
                            "--retry-after", "0", "--slow-ms", "700")
    try:
        config_path = _kiosk_toml(Path(ready["kiosk_toml"]), tmp_path / "kiosk.toml")
        config = load_file(config_path)
        seeded = seed(config.data_dir, config.gateway.portal_public_key, DOSSIERS,
                      pages=PAGES, page_size=6_000, seed=5)
        rng = random.Random(2024)
        kills_while_working = 0
        for _ in range(KILLS):
            daemon = subprocess.Popen([*KIOSK, "--config", str(config_path), "sync"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                      text=True)
            pending = 0
            for line in daemon.stderr:  # wait until it is up: "started (gateway …, N pending)"
                if found := re.search(r"started \(.*, (\d+) pending\)", line):
                    pending = int(found.group(1))
                    break
            time.sleep(rng.uniform(0.05, 0.5))
            alive = daemon.poll() is None
            daemon.send_signal(signal.SIGKILL)
            daemon.wait()
            daemon.stderr.close()
            kills_while_working += alive and pending > 0
        assert kills_while_working >= 50

        for _ in range(6):  # drain: --once until the queue is empty
            drained = subprocess.run([*KIOSK, "--config", str(config_path), "sync", "--once"],
                                     capture_output=True, text=True, timeout=300)
            if drained.returncode == 0:
                break
        assert drained.returncode == 0, drained.stderr[-2000:]

        stats = _admin(ready, "/admin/stats")
        held = _admin(ready, "/admin/dossiers")["dossiers"]
        assert sum(stats["faults_injected"].values()) > 100
        assert stats["conflicts"] == 0 and stats["rejected"] == 0
        assert stats["dossiers_total"] == stats["dossiers_complete"] == DOSSIERS
        ids = [d["dossier_id"] for d in held]
        assert sorted(ids) == sorted(r.id for r in seeded) and len(set(ids)) == DOSSIERS
        assert all(d["complete"] and len(d["files"]) == PAGES and
                   all(f["present"] for f in d["files"]) for d in held)
        portal_codes = {d["dossier_id"]: d["MaHoSo"] for d in held}
        assert len(set(portal_codes.values())) == DOSSIERS  # one MaHoSo each: no duplicates
        with Store.open(config.data_dir) as store:
            assert store.counts_by_state()["purged"] == DOSSIERS  # sent, blobs released
            for r in seeded:
                assert store.get(r.id).portal_code == portal_codes[r.id]
    finally:
        sim.send_signal(signal.SIGTERM)
        assert sim.wait(timeout=10) == 0
