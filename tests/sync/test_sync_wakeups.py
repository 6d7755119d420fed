"""The long-running loop wakes on new work and on "send now", even in the middle of a backoff."""

from __future__ import annotations

import threading

from appliance.domain.dossier import DossierState


class Cycles:
    """Runs the daemon's loop in a thread and lets a test await its next cycle."""

    def __init__(self, daemon) -> None:
        self.daemon = daemon
        self.done = threading.Event()
        inner = daemon.cycle

        def cycle(**kwargs):
            try:
                return inner(**kwargs)
            finally:
                self.done.set()
        daemon.cycle = cycle
        self.thread = threading.Thread(target=daemon.run_forever, daemon=True)

    def next(self, timeout: float = 10.0) -> None:
        self.done.clear()
        assert self.done.wait(timeout), "the daemon did not run a cycle"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.daemon.stop()
        self.thread.join(timeout=10)
        assert not self.thread.is_alive()


def test_new_work_wakes_the_sleeping_daemon(sim, daemon, seed):
    daemon.settings.interval_s = 300.0  # the timer alone would not wake it during the test
    with Cycles(daemon) as loop:
        loop.next()  # first cycle at start: nothing to send
        (rec,) = seed(1)  # finalize touches the wake file
        loop.next()
        assert daemon.store.get(rec.id).state is DossierState.PURGED


def test_send_now_cuts_a_backoff_short(sim, daemon, seed):
    daemon.settings.interval_s = 300.0
    daemon.settings.backoff_base_s = 200.0  # after a failure it would sleep for minutes
    daemon.settings.backoff_cap_s = 300.0
    sim.faults.configure(plan=[{"kind": "captive", "path": "/"}] * 8)
    (rec,) = seed(1)
    with Cycles(daemon) as loop:
        loop.next()
        assert daemon.store.get(rec.id).state is DossierState.QUEUED
        assert daemon.store.sync_state()["online"] is False
        sim.faults.configure(plan=[])
        daemon.store.request_sync()  # staff press "Gửi ngay"
        loop.next()
        assert daemon.store.get(rec.id).state is DossierState.PURGED
