"""SIGKILL a real process at random points inside finalize(), hundreds of times.

After every kill the store is reopened the way a restarted kiosk opens it. Every dossier row must
be completely queued (all blobs present and decryptable by the portal key), the database must pass
integrity_check, and every blob file without a row must have been reported and moved aside.
"""

from __future__ import annotations

import os
import random
import signal
import time

from appliance.clock import Clock
from appliance.manifest import open_dossier, parse_envelope
from appliance.store import Store
from appliance.submission import finalize
from tests.store.conftest import make_context, make_draft

KILLS = 200


def _finalize_forever(data_dir, portal_key, device_key, ready_fd: int, seed: int) -> None:
    store = Store.open(data_dir, reserve_mb=0, clock=Clock("host"))
    ctx = make_context(portal_key, device_key)
    rng = random.Random(seed)
    os.write(ready_fd, b"r")
    while True:
        finalize(store, make_draft(rng, pages=3, page_size=rng.randrange(2_000, 60_000)), ctx)


def test_sigkill_inside_finalize_never_leaves_a_partial_dossier(data_dir, portal_key, device_key):
    rng = random.Random(20261129)
    verified: set[str] = set()
    orphans_reported = 0
    for round_no in range(KILLS):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: finalize until killed
            code = 1
            try:
                os.close(read_fd)
                _finalize_forever(data_dir, portal_key, device_key, write_fd, round_no)
            finally:
                os._exit(code)
        os.close(write_fd)
        assert os.read(read_fd, 1) == b"r"  # the child's store is open; now kill it mid-work
        os.close(read_fd)
        time.sleep(rng.uniform(0, 0.03))  # the random kill point, not a wait for an event
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)

        store = Store.open(data_dir, reserve_mb=0, clock=Clock("host"))
        try:
            health = store.health()
            assert health.ok, health
            assert health.missing == []
            orphans_reported += len(health.orphans)
            on_disk = set(store.blobs.all_names())
            live = set()
            for record in store.all_dossiers():
                files = store.files(record.id)
                live |= {f.sha256 for f in files}
                if record.id in verified:
                    continue
                envelope = parse_envelope(store.envelope(record.id))
                opened = open_dossier(envelope, portal_key, store.read_blob)
                assert len(opened.pages) == record.page_count == 3
                verified.add(record.id)
            assert on_disk == live, "a blob without a row survived reconciliation unreported"
            orphan_dir = data_dir / "quarantine" / "orphans"
            if health.orphans:
                assert all((orphan_dir / name).exists() for name in health.orphans)
            assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            store.close()
    assert len(verified) > KILLS // 2, "kills should land after some dossiers completed"
    print(
        f"\n{KILLS} kills: {len(verified)} complete dossiers, {orphans_reported} orphans reported"
    )
