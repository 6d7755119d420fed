"""The tracking code and the province's answer in the store: made at finalize (offline), unique,
sealed into the payload, found again by what a citizen types; the answer kept as the feed says."""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3

import pytest
import sqlite_utils

from appliance import submission
from appliance.crypto import PortalKey
from appliance.domain.tracking_code import display_tracking_code, is_valid, new_tracking_code
from appliance.manifest import open_payload
from appliance.store import OfficialAnswer, Store
from appliance.store import migrations as store_migrations
from appliance.submission import finalize
from tests.store.conftest import make_draft


def test_every_finalize_gets_its_own_valid_code(store: Store, ctx) -> None:
    rng = random.Random(7)
    results = [finalize(store, make_draft(rng, pages=1, page_size=200), ctx)
               for _ in range(120)]
    codes = [r.tracking_code for r in results]
    assert all(c is not None and is_valid(c) for c in codes)
    assert len(set(codes)) == len(codes)
    for r in results[:5]:
        record = store.get(r.id)
        assert record is not None and record.tracking_code == r.tracking_code
        assert record.slip_public["tracking_code"] == r.tracking_code


def test_a_clash_with_a_stored_code_draws_again(store: Store, ctx, monkeypatch) -> None:
    rng = random.Random(8)
    first = finalize(store, make_draft(rng, pages=1, page_size=200), ctx)
    free = next(c for c in iter(new_tracking_code, None) if c != first.tracking_code)
    drawn = iter([first.tracking_code, first.tracking_code, free])
    monkeypatch.setattr(submission, "new_tracking_code", lambda: next(drawn))
    second = finalize(store, make_draft(rng, pages=1, page_size=200), ctx)
    assert second.tracking_code == free  # two clashes, then the free code
    assert next(drawn, None) is None


def test_the_database_itself_refuses_a_repeated_code(store: Store, ctx) -> None:
    rng = random.Random(9)
    a = finalize(store, make_draft(rng, pages=1, page_size=200), ctx)
    b = finalize(store, make_draft(rng, pages=1, page_size=200), ctx)
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute("UPDATE dossiers SET tracking_code = ? WHERE id = ?",
                         [a.tracking_code, b.id])


def test_a_typed_code_finds_the_dossier_in_any_case_with_or_without_dash(store: Store,
                                                                          ctx) -> None:
    result = finalize(store, make_draft(random.Random(1), pages=1, page_size=200), ctx)
    code = result.tracking_code or ""
    for typed in (code, code.lower(), display_tracking_code(code),
                  display_tracking_code(code).lower()):
        found = store.find_by_code(typed)
        assert found is not None and found.id == result.id


def test_the_code_travels_in_the_manifest_and_the_sealed_payload(store: Store, ctx,
                                                                 portal_key: PortalKey) -> None:
    result = finalize(store, make_draft(random.Random(2), pages=1, page_size=200), ctx)
    manifest = json.loads(store.envelope(result.id))["manifest"]
    assert manifest["tracking_code"] == result.tracking_code
    payload, _ = open_payload(manifest, portal_key)
    assert payload["MaTraCuu"] == result.tracking_code
    # the kiosk's time is when the dossier was handed in, not when an officer accepted it
    assert payload["NgayNopHoSo"] == result.received_at.strftime("%Y%m%d%H%M%S")
    assert payload["NgayTiepNhan"] is None and payload["NgayHenTra"] is None


def test_the_official_answer_is_kept_and_a_later_one_replaces_the_reason(store: Store,
                                                                          ctx) -> None:
    result = finalize(store, make_draft(random.Random(3), pages=1, page_size=200), ctx)
    at = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
    store.set_official_answer(result.id, OfficialAnswer(5, at, reason="Thiếu giấy chứng sinh"))
    record = store.get(result.id)
    assert record is not None
    assert (record.portal_status, record.official_reason) == (5, "Thiếu giấy chứng sinh")
    due = dt.datetime(2026, 12, 10, 16, 0, tzinfo=dt.UTC)
    store.set_official_answer(result.id, OfficialAnswer(
        2, at + dt.timedelta(days=1), code="H56.99-261203-0001", received_at=at, due_at=due))
    record = store.get(result.id)
    assert record is not None
    assert (record.portal_status, record.official_reason) == (2, None)
    assert (record.official_code, record.official_received_at, record.official_due_at) == (
        "H56.99-261203-0001", at, due)
    assert store.find_by_code("H56.99-261203-0001") is not None
    with pytest.raises(ValueError):
        store.set_official_answer(result.id, OfficialAnswer(11, at))


def test_a_store_made_before_tracking_codes_opens_and_keeps_its_dossiers(data_dir) -> None:
    data_dir.mkdir(parents=True)
    db = sqlite_utils.Database(data_dir / "kiosk.db")
    only_first = sqlite_utils.Migrations("kiosk-store")
    only_first._migrations = [m for m in store_migrations.migrations._migrations
                              if m.name == "0001_initial"]
    only_first.apply(db)
    db.close()
    store = Store.open(data_dir, reserve_mb=0)
    try:
        assert store.health().ok
        columns = {c.name for c in store.db["dossiers"].columns}
        assert {"tracking_code", "official_due_at", "official_reason"} <= columns
    finally:
        store.close()


def test_a_reprint_after_the_answer_prints_the_official_date(tmp_path) -> None:
    from appliance import config as cfg
    from appliance.app import runtime, slips
    from appliance.app.seeding import seed
    from appliance.clock import VN_TZ
    from appliance.domain.slip import slip_text

    portal = PortalKey.generate()
    config = cfg.parse(f'[kiosk]\ndata_dir = "{tmp_path / "data"}"\nclock = "host"\n'
                       f'[gateway]\nportal_public_key = "{portal.public_key_b64}"\n', "test")
    (result,) = seed(config.data_dir, portal.public_key_b64, 1, pages=1, page_size=200)
    store = runtime.open_store(config)
    try:
        catalogue = runtime.current_catalogue(store)
        before = slips.stored_slip(config, store, catalogue, result.tracking_code or "")
        assert before.tracking_code == display_tracking_code(result.tracking_code or "")
        assert before.official_due is None
        official = dt.datetime(2027, 1, 8, 16, 30, tzinfo=VN_TZ)
        store.set_official_answer(result.id, OfficialAnswer(
            2, official, code="H56-270104-0001", due_at=official))
        after = slips.stored_slip(config, store, catalogue, result.code)
    finally:
        store.close()
    text = slip_text(after)
    assert after.official_due == dt.date(2027, 1, 8)
    assert "Ngày hẹn trả chính thức: ngày 08/01/2027" in text and "H56-270104-0001" in text
    assert display_tracking_code(result.tracking_code or "") in text
