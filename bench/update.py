"""Field-update figures (issue 16): bundle download over loopback (whole, throttled, cut and
resumed) and the kiosk's signature check of a plain RAUC bundle, on this machine.

Usage: ``python bench/update.py [--mb N]`` (default 32 MiB of incompressible bundle bytes).
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/sync.py is named like the ``sync`` package: keep this folder off the import path.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import contextlib
import os
import subprocess
import tempfile
import time
from collections.abc import Callable

import requests

from appliance.bundle_check import verify
from appliance.config import load_file
from sync.command import build
from sync.errors import SyncError
from sync.portal_sim.faults import FaultKind, PlannedFault
from sync.portal_sim.server import PortalSim
from sync.updater import UpdateAgent

REPO = Path(__file__).resolve().parents[1]


def timed(what: Callable[[], object]) -> float:
    start = time.perf_counter()
    what()
    return time.perf_counter() - start


def download_rows(tmp: Path, data: bytes) -> list[tuple[str, float]]:
    rows: list[tuple[str, float]] = []
    with PortalSim(tmp / "portal") as sim:
        source = tmp / "bundle.raucb"
        source.write_bytes(data)
        headers = sim.admin_headers()
        requests.post(sim.url + "/admin/bundles", headers=headers, timeout=60,
                      json={"version": "2.0.0", "path": str(source)}).raise_for_status()
        requests.post(sim.url + "/admin/bundles/2.0.0/rollout", headers=headers, timeout=10,
                      json={"percent": 100}).raise_for_status()
        for label, rate, cut in [("whole, unthrottled", 0, False),
                                 ("whole, throttled to 8 MiB/s", 8 * 2**20, False),
                                 ("cut halfway, then resumed", 0, True)]:
            config = load_file(sim.write_kiosk_toml()).with_data_dir(tmp / f"kiosk-{len(rows)}")
            daemon = build(config)
            updater = daemon.updater
            assert updater is not None
            updater.downloader.rate_bps = rate
            daemon.client.ensure_token()
            if cut:
                sim.faults.plan.append(PlannedFault(FaultKind.RESET, "/api/v1/bundles/"))

            def run(updater: UpdateAgent = updater, cut: bool = cut) -> None:
                if cut:
                    with contextlib.suppress(SyncError):  # the planned cut
                        updater.run()
                assert updater.run().phase.value == "downloaded"

            rows.append((label, timed(run)))
            daemon.client.close()
            daemon.store.close()
    return rows


def verify_row(tmp: Path, mb: int) -> tuple[str, float]:
    tree = tmp / "tree"
    tree.mkdir()
    (tree / "noise").write_bytes(os.urandom(mb * 2**20))
    root = tmp / "root.ext4"
    subprocess.run(["mkfs.ext4", "-q", "-d", str(tree), str(root), f"{mb + 8}M"], check=True)
    bundle = tmp / "b.raucb"
    subprocess.run([str(REPO / "image-build/bundle.sh"), str(root), "1.0.0", str(bundle)],
                   check=True, capture_output=True, env={**os.environ, "KEYS_DIR": str(tmp / "k")})
    seconds = timed(lambda: verify(bundle, tmp / "k" / "dev.cert.pem"))
    return f"rauc info --keyring, plain bundle of {bundle.stat().st_size // 2**20} MiB", seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=int, default=32)
    args = parser.parse_args()
    data = os.urandom(args.mb * 2**20)
    with tempfile.TemporaryDirectory() as tmp:
        rows = download_rows(Path(tmp), data)
        rows.append(verify_row(Path(tmp), args.mb))
    print(f"| step ({args.mb} MiB bundle, loopback) | seconds | MiB/s |")
    print("|---|---|---|")
    for label, seconds in rows:
        print(f"| {label} | {seconds:.2f} | {args.mb / seconds:.1f} |")


if __name__ == "__main__":
    main()
