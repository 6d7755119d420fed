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


def _finalize_forever(data_dir, portal_key, device_key, report_fd: int, seed: int) -> None:
    """Finalize in a loop, reporting "ready" and then each returned dossier id on the pipe."""
    store = Store.open(data_dir, reserve_mb=0, clock=Clock("host"))
    ctx = make_context(portal_key, device_key)
    rng = random.Random(seed)
    os.write(report_fd, b"ready\n")
    while True:
        draft = make_draft(rng, pages=3, page_size=rng.randrange(2_000, 20_000))
        result = finalize(store, draft, ctx)
        os.write(report_fd, result.id.encode() + b"\n")


def test_sigkill_inside_finalize_never_leaves_a_partial_dossier(data_dir, portal_key, device_key):
    rng = random.Random(20261129)
    verified: set[str] = set()
    returned: set[str] = set()
    orphans_reported = 0
    finalize_s = 0.01  # running estimate of one finalize, to spread kill points across it
    for round_no in range(KILLS):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: finalize until killed
            try:
                os.close(read_fd)
                _finalize_forever(data_dir, portal_key, device_key, write_fd, round_no)
            finally:
                os._exit(1)
        os.close(write_fd)
        reports = os.fdopen(read_fd, "rb")
        assert reports.readline() == b"ready\n"
        # Let 0–2 dossiers complete (awaited on the pipe), then kill at a random point of the next.
        started = time.monotonic()
        done_now = rng.randrange(3)
        for _ in range(done_now):
            returned.add(reports.readline().strip().decode())
        if done_now:
            finalize_s = 0.8 * finalize_s + 0.2 * (time.monotonic() - started) / done_now
        time.sleep(rng.uniform(0, 1.5 * finalize_s))  # the random kill point itself
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        returned |= {line.strip().decode() for line in reports}  # reported before the kill
        reports.close()

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
            assert returned <= verified, "a dossier whose finalize() returned was lost"
        finally:
            store.close()
    interrupted = len(verified) - len(returned)
    print(
        f"\n{KILLS} kills: {len(verified)} complete dossiers ({len(returned)} reported returned, "
        f"{interrupted} committed but killed before returning), {orphans_reported} orphans reported"
    )
    assert orphans_reported > 0, "no kill landed between the blob writes and the commit"
