"""Finalize latency for 3-page dossiers against a bare baseline in the same run.

Baseline: what any durable kiosk must do at least — write each page to a temp file, fsync,
rename, fsync the directory, then insert one row into a WAL + synchronous=FULL SQLite database
and commit. ``finalize()`` adds sealing (per-dossier key, authenticated encryption, sealed key),
the signed manifest, the code counter, file rows and an event row. Target: ≤ 1.5× the baseline.

Run: .venv/bin/python bench/store.py [--dossiers N] [--page-kb K]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from appliance.app.seeding import person
from appliance.clock import Clock
from appliance.crypto import DeviceKey, PortalKey
from appliance.domain.dossier import Draft, Page
from appliance.durable import fsync_dir
from appliance.store import Store
from appliance.submission import FinalizeContext, ProcedureInfo, finalize


class Baseline:
    """Plain sqlite3 and files, with the same fsync calls as the kiosk's store."""

    def __init__(self, root: Path) -> None:
        self.db = sqlite3.connect(root / "base.db", isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("CREATE TABLE d (id TEXT PRIMARY KEY, body BLOB)")
        self.blobs = root / "blobs"
        self.blobs.mkdir()
        self.n = 0

    def __call__(self, dossier: list[bytes]) -> None:
        blobs, db = self.blobs, self.db
        for data in dossier:
            name = hashlib.sha256(data).hexdigest()
            tmp = blobs / f"{name}.part"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.write(fd, data)
            os.fsync(fd)
            os.close(fd)
            os.replace(tmp, blobs / name)
            fsync_dir(blobs)
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO d VALUES (?, ?)", (str(self.n), os.urandom(2048)))
        db.execute("COMMIT")
        self.n += 1


class Kiosk:
    """The real ``finalize()`` into a real store."""

    def __init__(self, root: Path) -> None:
        portal = PortalKey.generate()
        device = DeviceKey.load_or_create(root / "secrets" / "device.key")
        self.store = Store.open(root / "data", reserve_mb=0, clock=Clock("host"))
        self.ctx = FinalizeContext(
            "K01",
            "000.00.00.H56",
            "UBND xã Mẫu",
            portal.public_key_b64,
            device.public_key_b64,
            device.sign,
            lambda c: ProcedureInfo(c, "Đăng ký khai sinh", {"TP1": "Tờ khai"}),
            lambda c, r, a: None,
        )
        self.rng = random.Random(1)

    def __call__(self, dossier: list[bytes]) -> None:
        draft = Draft(
            "1.001193",
            person(self.rng),
            {"ghi_chu": "x"},
            {"TP1": [Page(p, "image/jpeg") for p in dossier]},
        )
        finalize(self.store, draft, self.ctx)


def timed(fn, dossier: list[bytes]) -> float:
    start = time.perf_counter()
    fn(dossier)
    return time.perf_counter() - start


def summary(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.95) - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=150)
    parser.add_argument("--page-kb", type=int, default=100)
    args = parser.parse_args()
    rng = random.Random(0)
    pages = [[rng.randbytes(args.page_kb * 1024) for _ in range(3)] for _ in range(args.dossiers)]
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as tmp:
        root = Path(tmp)
        (root / "b").mkdir()
        (root / "k").mkdir()
        base, kio = Baseline(root / "b"), Kiosk(root / "k")
        for dossier in pages[:5]:  # warm-up
            base(dossier)
            kio(dossier)
        # Alternate the two so both meet the same disk and machine load.
        base_times, kiosk_times = [], []
        for dossier in pages:
            base_times.append(timed(base, dossier))
            kiosk_times.append(timed(kio, dossier))
        base_med, base_p95 = summary(base_times)
        k_med, k_p95 = summary(kiosk_times)
    print(f"finalize latency, {args.dossiers} dossiers × 3 pages × {args.page_kb} KB")
    print(f"{'':28}{'median ms':>12}{'p95 ms':>12}")
    print(f"{'baseline (files+row)':28}{base_med:12.2f}{base_p95:12.2f}")
    print(f"{'kiosk finalize()':28}{k_med:12.2f}{k_p95:12.2f}")
    print(f"{'ratio (target ≤ 1.5)':28}{k_med / base_med:12.2f}{k_p95 / base_p95:12.2f}")


if __name__ == "__main__":
    main()
