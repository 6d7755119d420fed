"""Sync throughput and wire efficiency, against a naive client in the same run (issue 5).

For 0% and 30% gateway faults, the same synthetic dossiers (3 pages of ~100 KB) are delivered to a
fresh ``kiosk portal-sim`` process on 127.0.0.1 by
- the daemon (``sync.daemon``: manifest first, then only the missing files, per-request retries),
- a naive client that re-sends the whole dossier (manifest and every file) after any failure.

Reported per run: dossiers per second, and bytes per payload byte, counted two ways: bytes the
gateway read off the wire (request bodies, including partial ones before a reset) and bytes the
client handed to its socket (every body it attempted). Payload bytes = envelope + encrypted pages.
Targets (loopback): ≥ 20 dossiers/s at 0%; at 30% faults ≤ 1.3 gateway-read bytes per payload
byte. Usage: ``python bench/sync.py [--dossiers N] [--page-kb K]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named like the ``sync`` package it measures: keep its folder off the import path.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request

from appliance.app import runtime
from appliance.app.seeding import seed
from appliance.config import load_file
from appliance.store import Store
from sync.client import Credentials, GatewayClient, RetryPolicy
from sync.command import build
from sync.enrolment import Enroller
from sync.errors import SyncError, TokenExpired


def start_sim(data: Path, rate: float) -> tuple[subprocess.Popen, dict]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "appliance.cli", "portal-sim", "--port", "0", "--data", str(data),
         "--fault-rate", str(rate), "--seed", "3", "--retry-after", "0", "--slow-ms", "1200"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return proc, json.loads(proc.stdout.readline())


def gateway_stats(ready: dict) -> dict:
    token = Path(ready["admin_token_file"]).read_text(encoding="ascii").strip()
    request = urllib.request.Request(ready["url"] + "/admin/stats",
                                     headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as r:
        return json.loads(r.read())


def kiosk_config(sim_toml: Path, folder: Path):
    path = folder / "kiosk.toml"
    text = sim_toml.read_text(encoding="utf-8").replace(
        str(sim_toml.parent / "kiosk"), str(folder / "kiosk"))
    text += "connect_timeout_s = 1.0\nread_timeout_s = 1.0\n\n[sync]\nbackoff_cap_s = 0.5\n"
    path.write_text(text, encoding="utf-8")
    return load_file(path)


def payload_bytes(data_dir: Path) -> int:
    with Store.open(data_dir) as store:
        return sum(len(store.envelope(r.id)) + sum(f.size for f in store.files(r.id))
                   for r in store.all_dossiers())


def run_daemon(config) -> tuple[float, int]:
    daemon = build(config)
    start = time.perf_counter()
    drained = daemon.run_once(max_idle_cycles=20)
    elapsed = time.perf_counter() - start
    sent = daemon.client.bytes_sent
    daemon.client.close()
    daemon.store.close()
    if not drained:
        raise SystemExit("daemon did not drain the queue")
    return elapsed, sent


def run_naive(config) -> tuple[float, int]:
    """Re-send the whole dossier after any failure; no per-file resume, no in-request retry."""
    gw = config.gateway
    client = GatewayClient(gw.url, Credentials.load(Path(gw.credentials_file)),
                           kiosk_id=config.kiosk.id, connect_timeout_s=gw.connect_timeout_s,
                           read_timeout_s=gw.read_timeout_s,
                           retry=RetryPolicy(attempts=1), sleep=time.sleep)
    with Store.open(config.data_dir) as store:
        enroller = Enroller(Path(gw.credentials_file), runtime.device_key_path(config),
                            gw.enrolment_code)
        while True:  # like every request below: until it gets through the faults
            try:
                enroller.run(client, store)
                break
            except SyncError:
                time.sleep(0.02)
        dossiers = [(r.id, store.envelope(r.id),
                     [(f.sha256, store.read_blob(f.sha256)) for f in store.files(r.id)])
                    for r in store.all_dossiers()]
    start = time.perf_counter()
    for dossier_id, envelope, files in dossiers:
        while True:
            try:
                client.put_manifest(dossier_id, envelope)
                receipt = None
                for sha, data in files:
                    receipt = client.put_file(dossier_id, sha, data).receipt or receipt
                if receipt and receipt.get("dossier_id") == dossier_id:
                    break
            except TokenExpired:
                client._token = None
            except SyncError:
                time.sleep(0.02)
    elapsed = time.perf_counter() - start
    client.close()
    return elapsed, client.bytes_sent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=100)
    parser.add_argument("--page-kb", type=int, default=100)
    parser.add_argument("--rates", default="0,0.3", help="fault rates to run, comma-separated")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    rows: list[tuple[str, float, float, float, float, int, float]] = []
    try:
        for rate in (float(r) for r in args.rates.split(",")):
            for name, runner in (("daemon", run_daemon), ("naive", run_naive)):
                folder = work / f"{name}-{rate}"
                folder.mkdir()
                sim, ready = start_sim(folder / "portal", rate)
                try:
                    config = kiosk_config(Path(ready["kiosk_toml"]), folder)
                    seed(config.data_dir, config.gateway.portal_public_key, args.dossiers,
                         pages=3, page_size=args.page_kb * 1000, seed=1)
                    payload = payload_bytes(config.data_dir)
                    elapsed, sent = runner(config)
                    stats = gateway_stats(ready)
                    assert stats["dossiers_complete"] == args.dossiers
                    assert stats["conflicts"] == 0
                finally:
                    sim.terminate()
                    sim.wait(timeout=10)
                rows.append((name, rate, args.dossiers / elapsed,
                             stats["bytes_received"] / payload, sent / payload,
                             sum(stats["faults_injected"].values()), elapsed))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{args.dossiers} dossiers × 3 pages × {args.page_kb} KB, loopback, "
          "wire = bytes per payload byte")
    header = (f"{'client':<7} {'faults':>6} {'dossiers/s':>10} {'wire(gw)':>9} "
              f"{'wire(sent)':>10} {'faults inj':>10} {'seconds':>8} {'wire vs naive':>13}")
    print(header)
    print("-" * len(header))
    naive = {rate: gw for name, rate, _, gw, _, _, _ in rows if name == "naive"}
    for name, rate, dps, gw, sent_ratio, faults, secs in rows:
        print(f"{name:<7} {rate:>6.0%} {dps:>10.1f} {gw:>9.3f} {sent_ratio:>10.3f} {faults:>10d} "
              f"{secs:>8.1f} {gw / naive[rate]:>12.2f}×")
    for name, rate, dps, gw, sent_ratio, *_ in rows:
        if name != "daemon":
            continue
        if rate == 0.0:
            print(f"target ≥ 20 dossiers/s at 0 %: {'met' if dps >= 20 else 'NOT met'} "
                  f"({dps:.1f})")
        if rate == 0.3:
            print(f"target ≤ 1.3 wire bytes per payload byte at 30 %: "
                  f"{'met' if gw <= 1.3 else 'NOT met'} ({gw:.3f} gateway read, "
                  f"{sent_ratio:.3f} client sent_ratio)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
