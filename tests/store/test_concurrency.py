"""Two processes on one store at once (the UI finalizing, the sync daemon updating): no lost rows,
no "database is locked" reaching either side."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import random
import time
import traceback

from appliance.clock import VN_TZ, Clock
from appliance.crypto import DeviceKey, PortalKey
from appliance.store import Store
from appliance.submission import finalize
from tests.store.conftest import make_context, make_draft

RUN_SECONDS = 4.0


def _writer(data_dir, portal_key_path, results) -> None:
    try:
        portal = PortalKey.load_or_create(portal_key_path)
        device = DeviceKey.load_or_create(data_dir / "secrets" / "device.key")
        store = Store.open(data_dir, reserve_mb=0, clock=Clock("host"))
        ctx = make_context(portal, device)
        rng = random.Random(1)
        ids = []
        deadline = time.monotonic() + RUN_SECONDS
        while time.monotonic() < deadline:
            ids.append(finalize(store, make_draft(rng, pages=2, page_size=4_000), ctx).id)
        results.put(("writer", ids))
    except Exception:
        results.put(("writer-error", traceback.format_exc()))


def _updater(data_dir, results) -> None:
    try:
        store = Store.open(data_dir, reserve_mb=0, clock=Clock("host"))
        sent = []
        reads = 0
        deadline = time.monotonic() + RUN_SECONDS + 1.0
        while time.monotonic() < deadline:
            store.counts_by_state()
            store.oldest_pending_age_s()
            reads += 1
            for record in store.pending(limit=5):
                store.mark_sending(record.id)
                store.mark_files_confirmed(record.id, [f.sha256 for f in store.files(record.id)])
                store.mark_sent(record.id, f"G-{record.seq}", dt.datetime.now(VN_TZ), {})
                sent.append(record.id)
        results.put(("updater", (sent, reads)))
    except Exception:
        results.put(("updater-error", traceback.format_exc()))


def test_writer_and_updater_processes_share_the_store(data_dir, tmp_path):
    Store.open(data_dir, reserve_mb=0).close()  # create the schema once, as provisioning does
    portal_key_path = tmp_path / "portal" / "portal.key"
    PortalKey.load_or_create(portal_key_path)
    ctx = mp.get_context("spawn")
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_writer, args=(data_dir, portal_key_path, results)),
        ctx.Process(target=_updater, args=(data_dir, results)),
    ]
    for p in procs:
        p.start()
    outcome = dict(results.get(timeout=60) for _ in procs)
    for p in procs:
        p.join(timeout=30)
    assert "writer-error" not in outcome, outcome.get("writer-error")
    assert "updater-error" not in outcome, outcome.get("updater-error")
    written = outcome["writer"]
    sent, reads = outcome["updater"]
    assert len(written) > 20 and reads > 20
    store = Store.open(data_dir, reserve_mb=0)
    rows = {r.id: r for r in store.all_dossiers()}
    assert set(rows) == set(written), "a finalized dossier was lost"
    assert len(sent) == len(set(sent)), "a dossier was sent twice"
    assert all(rows[i].state == "sent" for i in sent)
    print(f"\nwriter {len(written)} dossiers, updater sent {len(sent)} with {reads} read passes")


def _open_fresh(data_dir, barrier, results) -> None:
    try:
        barrier.wait(10)
        Store.open(data_dir, reserve_mb=0, clock=Clock("host")).close()
        results.put("ok")
    except Exception:
        results.put(traceback.format_exc())


def test_ui_and_sync_can_open_a_fresh_data_folder_at_the_same_moment(tmp_path) -> None:
    """First boot: kiosk-ui and kiosk-sync start together on an empty data partition."""
    ctx = mp.get_context("spawn")
    for round_ in range(3):
        data_dir = tmp_path / f"data-{round_}"
        barrier, results = ctx.Barrier(3), ctx.Queue()
        procs = [ctx.Process(target=_open_fresh, args=(data_dir, barrier, results))
                 for _ in range(3)]
        for p in procs:
            p.start()
        outcomes = [results.get(timeout=60) for _ in procs]
        for p in procs:
            p.join(30)
        assert outcomes == ["ok"] * 3, outcomes[0]

