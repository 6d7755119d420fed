"""The per-year register number (issue 14 item 5): the slip's "Số: …/TNHS" and "Vào Sổ theo dõi
hồ sơ … Số thứ tự" never repeat within a year — across days, restarts and two processes
finalizing at once — while the dossier code keeps its per-day sequence."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import random
import tempfile
import traceback
from pathlib import Path

import sqlite_utils
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.clock import VN_TZ, Clock
from appliance.crypto import DeviceKey, PortalKey
from appliance.store import Store
from appliance.store.db import connect
from appliance.store.migrations import migrations
from appliance.submission import finalize
from tests.store.conftest import make_context, make_draft

PER_PROCESS = 12


class _PinnedClock(Clock):
    """Host-trusted clock whose wall time the test sets (a dossier on any day)."""

    def __init__(self) -> None:
        super().__init__("host")
        self.now = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)

    def wall(self) -> dt.datetime:
        return self.now


def _take(store: Store, day: dt.date) -> tuple[int, int]:
    with store.finalize_transaction():
        return store.next_code_sequence(day), store.next_register_number(day.year)


days = st.dates(min_value=dt.date(2026, 12, 25), max_value=dt.date(2027, 1, 8))
steps = st.lists(st.tuples(days, st.booleans()), min_size=1, max_size=40)


@settings(max_examples=40, deadline=None)
@given(steps)
def test_register_numbers_never_repeat_within_a_year(plan):
    """Any order of days across a new year, with restarts (close and reopen) between takes."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp), reserve_mb=0, clock=Clock("host"))
        taken: dict[int, list[int]] = {}
        daily: dict[dt.date, list[int]] = {}
        try:
            for day, restart in plan:
                if restart:
                    store.close()
                    store = Store.open(Path(tmp), reserve_mb=0, clock=Clock("host"))
                seq, number = _take(store, day)
                taken.setdefault(day.year, []).append(number)
                daily.setdefault(day, []).append(seq)
        finally:
            store.close()
    for numbers in taken.values():  # each year counts 1, 2, 3 … in the order taken
        assert numbers == list(range(1, len(numbers) + 1))
    for seqs in daily.values():  # the code's own sequence still restarts every day
        assert seqs == list(range(1, len(seqs) + 1))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), days), min_size=1, max_size=30))
def test_two_connections_taking_turns_never_share_a_number(plan):
    """Two handles (the UI's and another process's connection) on one store, in any order."""
    with tempfile.TemporaryDirectory() as tmp:
        stores = [Store.open(Path(tmp), reserve_mb=0, clock=Clock("host")) for _ in range(2)]
        try:
            taken = [(day.year, _take(stores[who], day)[1]) for who, day in plan]
        finally:
            for store in stores:
                store.close()
    assert len(set(taken)) == len(taken)
    for year in {y for y, _ in taken}:
        numbers = [n for y, n in taken if y == year]
        assert numbers == list(range(1, len(numbers) + 1))


def test_finalize_gives_the_slip_the_years_number(data_dir, portal_key, device_key):
    clock = _PinnedClock()
    store = Store.open(data_dir, reserve_mb=0, clock=clock)
    ctx = make_context(portal_key, device_key)
    rng = random.Random(5)
    results = []
    for when in ((2026, 3, 2), (2026, 3, 3), (2026, 12, 31), (2027, 1, 4)):
        clock.now = dt.datetime(*when, 9, 0, tzinfo=VN_TZ)
        results.append(finalize(store, make_draft(rng, pages=1, page_size=500), ctx))
    assert [r.register_no for r in results] == [1, 2, 3, 1]
    assert [r.code.rsplit("-", 1)[1] for r in results] == ["0001"] * 4  # per-day code sequence
    assert [store.get(r.id).register_no for r in results] == [1, 2, 3, 1]
    assert [store.get(r.id).slip_public["register_no"] for r in results] == [1, 2, 3, 1]
    store.close()


def test_an_upgraded_store_continues_after_the_numbers_already_printed(tmp_path):
    """A store that numbered slips per day before the migration: the year's counter starts after
    every number already issued that year (7 + 5 on two days → the next is 13)."""
    db = connect(tmp_path / "kiosk.db")
    migrations.apply(db, stop_before="0003_record_year_sequence")
    db.execute("INSERT INTO day_counters VALUES ('2026-03-02', 7), ('2026-03-03', 5),"
               " ('2025-12-31', 9)")
    db.conn.commit()
    db.close()
    store = Store.open(tmp_path, reserve_mb=0, clock=Clock("host"))
    assert _take(store, dt.date(2026, 3, 4))[1] == 13
    assert _take(store, dt.date(2025, 12, 31))[1] == 10
    assert _take(store, dt.date(2027, 1, 4))[1] == 1
    store.close()


def _finalizer(data_dir: Path, portal_key_path: Path, start, results) -> None:
    try:
        portal = PortalKey.load_or_create(portal_key_path)
        device = DeviceKey.load_or_create(data_dir / "secrets" / "device.key")
        store = Store.open(data_dir, reserve_mb=0, clock=Clock("host"))
        ctx = make_context(portal, device)
        rng = random.Random()
        start.wait()
        numbers = [finalize(store, make_draft(rng, pages=1, page_size=500), ctx).register_no
                   for _ in range(PER_PROCESS)]
        results.put(("ok", numbers))
    except Exception:
        results.put(("error", traceback.format_exc()))


def test_two_processes_finalizing_at_once_never_share_a_number(data_dir, tmp_path):
    Store.open(data_dir, reserve_mb=0).close()
    portal_key_path = tmp_path / "portal" / "portal.key"
    PortalKey.load_or_create(portal_key_path)
    DeviceKey.load_or_create(data_dir / "secrets" / "device.key")
    ctx = mp.get_context("spawn")
    start, results = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_finalizer, args=(data_dir, portal_key_path, start, results))
             for _ in range(2)]
    for p in procs:
        p.start()
    start.set()
    outcome = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    assert all(kind == "ok" for kind, _ in outcome), outcome
    numbers = [n for _, got in outcome for n in got]
    assert sorted(numbers) == list(range(1, 2 * PER_PROCESS + 1))
    db = sqlite_utils.Database(data_dir / "kiosk.db")
    stored = [r["register_no"] for r in db.query("SELECT register_no FROM dossiers")]
    assert sorted(stored) == sorted(numbers)
