"""Finalize, the lifecycle state machine, and what the store keeps beside each dossier."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.clock import VN_TZ
from appliance.crypto import PortalKey
from appliance.domain.dossier import (
    TRANSITIONS,
    DossierState,
    IllegalTransition,
    check_transition,
)
from appliance.manifest import open_dossier, parse_envelope
from appliance.submission import UnknownProcedure, finalize
from tests.store.conftest import make_draft


def test_finalize_queues_a_verifiable_sealed_dossier(store, ctx, portal_key: PortalKey):
    draft = make_draft(random.Random(1))
    result = finalize(store, draft, ctx)
    record = store.get(result.id)
    assert record is not None and record.state is DossierState.QUEUED
    assert record.code == result.code and record.page_count == 3
    envelope = parse_envelope(store.envelope(result.id))
    opened = open_dossier(envelope, portal_key, store.read_blob)
    assert opened.payload["ChuHoSo"] == draft.identity.full_name
    assert opened.payload["MaHoSo"] == result.code
    assert opened.payload["NguonDinhDanh"] == "card_qr"
    originals = sorted(p.data for pages in draft.pages.values() for p in pages)
    assert sorted(opened.pages.values()) == originals
    assert store.wake_path.exists(), "finalize must wake the sync daemon"


def test_codes_count_per_day_without_gaps(store, ctx):
    rng = random.Random(2)
    codes = [finalize(store, make_draft(rng, pages=1), ctx).code for _ in range(3)]
    assert [c[-4:] for c in codes] == ["0001", "0002", "0003"]
    assert len(set(codes)) == 3


def test_unknown_procedure_writes_nothing(store, ctx):
    draft = make_draft(random.Random(3))
    draft.procedure_code = "9.999999"
    with pytest.raises(UnknownProcedure):
        finalize(store, draft, ctx)
    assert store.all_dossiers() == []
    assert list(store.blobs.all_names()) == []


def test_lifecycle_to_purge_and_tombstone_expiry(store, ctx):
    result = finalize(store, make_draft(random.Random(4)), ctx)
    files = store.files(result.id)
    store.mark_sending(result.id)
    store.mark_retry(result.id, "timeout", dt.datetime.now(VN_TZ) + dt.timedelta(seconds=30))
    assert store.pending() == [], "not due before next_attempt_at"
    assert store.get(result.id).attempts == 1
    store.mark_sending(result.id)
    store.mark_files_confirmed(result.id, [f.sha256 for f in files])
    now = dt.datetime.now(VN_TZ)
    store.mark_sent(result.id, "G-0001", now, {"dossier_id": result.id})
    store.purge(result.id)
    record = store.get(result.id)
    assert record.state is DossierState.PURGED and record.portal_code == "G-0001"
    assert all(not store.blobs.exists(f.sha256) for f in files)
    assert store.find_by_code("G-0001").id == result.id
    assert store.expire_tombstones(90, now=now + dt.timedelta(days=30)) == 0
    assert store.expire_tombstones(90, now=now + dt.timedelta(days=91)) == 1
    assert store.get(result.id) is None


def test_purge_refuses_unconfirmed_files(store, ctx):
    result = finalize(store, make_draft(random.Random(5)), ctx)
    store.mark_sending(result.id)
    store.mark_sent(result.id, "G-2", dt.datetime.now(VN_TZ), {})
    with pytest.raises(Exception, match="not confirmed"):
        store.purge(result.id)
    assert all(store.blobs.exists(f.sha256) for f in store.files(result.id))


def test_illegal_transition_is_refused_and_changes_nothing(store, ctx):
    result = finalize(store, make_draft(random.Random(6)), ctx)
    with pytest.raises(IllegalTransition):
        store.mark_sent(result.id, "X", dt.datetime.now(VN_TZ), {})
    with pytest.raises(IllegalTransition):
        store.restore(result.id)
    assert store.get(result.id).state is DossierState.QUEUED


def test_quarantine_and_restore(store, ctx):
    result = finalize(store, make_draft(random.Random(7)), ctx)
    store.quarantine(result.id, "422 invalid_procedure: unknown MaTTHC")
    assert [r.id for r in store.quarantined()] == [result.id]
    assert store.pending() == []
    store.restore(result.id)
    assert [r.id for r in store.pending()] == [result.id]


def test_events_are_append_only_and_carry_time_facts(store, ctx):
    result = finalize(store, make_draft(random.Random(8)), ctx)
    (event,) = store.events(result.id)
    assert event["kind"] == "dossier_queued"
    assert event["boot_id"] and event["mono"] > 0 and event["clock_trusted"] == 1
    with pytest.raises(Exception, match="append-only"):
        store.db.execute("DELETE FROM events")
    with pytest.raises(Exception, match="append-only"):
        store.db.execute("UPDATE events SET kind = 'x'")


def test_alerts_sync_state_settings_ratings_catalogue(store):
    store.raise_alert("auth", "Lỗi xác thực", "401 from gateway")
    store.raise_alert("auth", "Lỗi xác thực", "401 from gateway again")
    assert [a.code for a in store.alerts()] == ["auth"]
    store.resolve_alert("auth")
    assert store.alerts() == []
    store.update_sync_state(last_success="2026-11-29T10:00:00+07:00", cursor=5)
    assert store.sync_state()["cursor"] == 5
    store.set_setting("site", "Nhà văn hóa thôn Đông")
    assert store.get_setting("site") == "Nhà văn hóa thôn Đông"
    store.add_rating("r1", "CODE-1", {"level": "hai_long"})
    store.add_rating("r1", "CODE-1", {"level": "hai_long"})
    assert store.pending_ratings() == [("r1", {"level": "hai_long", "dossier_code": "CODE-1"})]
    store.mark_rating_sent("r1")
    assert store.pending_ratings() == []
    store.save_catalogue({"version": "2026.11.2", "procedures": []}, '"etag-1"')
    assert store.load_catalogue() == ({"version": "2026.11.2", "procedures": []}, '"etag-1"')


def test_slip_public_holds_no_personal_data(store, ctx):
    draft = make_draft(random.Random(9))
    result = finalize(store, draft, ctx)
    public = json.dumps(store.get(result.id).slip_public, ensure_ascii=False)
    for secret in (draft.identity.full_name, draft.identity.id_number, draft.identity.address):
        assert secret not in public


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list(DossierState)), min_size=1, max_size=12))
def test_state_machine_only_follows_declared_transitions(path):
    """Any walk either follows TRANSITIONS or stops at the first illegal step."""
    state = DossierState.QUEUED
    for target in path:
        if target in TRANSITIONS[state]:
            check_transition(state, target)
            state = target
        else:
            with pytest.raises(IllegalTransition):
                check_transition(state, target)
    # Nothing ever leaves PURGED, and SENT is reachable only through SENDING.
    assert TRANSITIONS[DossierState.PURGED] == frozenset()
    assert all(DossierState.SENT not in TRANSITIONS[s] for s in TRANSITIONS if s != "sending")
