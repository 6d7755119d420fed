"""The short tracking code and the province's answer through the real portal-sim over HTTP:
the gateway resolves a code for any kiosk of the unit, its administrator accepts (with an
official date), asks for more papers or refuses, and the sync daemon stores each answer."""

from __future__ import annotations

import datetime as dt

import requests

from appliance.app import tracking
from appliance.clock import VN_TZ
from appliance.domain.tracking_code import display_tracking_code, new_tracking_code


def _admin(sim, path: str, body: dict) -> requests.Response:
    return requests.post(sim.url + path, json=body, headers=sim.admin_headers(), timeout=5)


def test_the_gateway_resolves_a_tracking_code_typed_any_way(sim, daemon, seed) -> None:
    (first, second) = seed(2)
    assert daemon.run_once()
    code = first.tracking_code
    for typed in (code, display_tracking_code(code).lower()):
        found = daemon.client.track(typed)
        assert found is not None and found["dossier_code"] == first.code
        assert found["TenTTHC"] == first.procedure.name and found["TrangThaiHoSo"] == 1
        assert found["NgayTiepNhan"] is None and found["NgayHenTra"] is None  # no officer yet
        assert "ChuHoSo" not in found  # nothing personal
    unknown = next(c for c in iter(new_tracking_code, None)
                   if c not in (first.tracking_code, second.tracking_code))
    assert daemon.client.track(unknown) is None


def test_a_code_two_kiosks_drew_is_ambiguous_never_a_guess(sim, daemon, seed) -> None:
    (first, second) = seed(2)
    assert daemon.run_once()
    with sim.gateway.db.tx() as conn:  # as if another kiosk had drawn the same code
        conn.execute("UPDATE dossiers SET tracking_code = ? WHERE id = ?",
                     (first.tracking_code, second.id))
    assert daemon.client.track(first.tracking_code) == {"ambiguous": True}


def test_accepted_with_another_date_reaches_the_kiosk_store(sim, daemon, seed) -> None:
    (first,) = seed(1)
    assert daemon.run_once()
    official = dt.datetime(2027, 1, 8, 16, 30, tzinfo=VN_TZ)
    answer = _admin(sim, f"/admin/dossiers/{first.id}/answer",
                    {"decision": "accept", "due": official.isoformat()})
    assert answer.status_code == 200 and answer.json()["TrangThaiHoSo"] == 2
    daemon.pull_updates()
    record = daemon.store.get(first.id)
    assert record is not None and record.portal_status == 2
    assert record.official_due_at == official
    assert record.official_received_at is not None and record.official_code == record.portal_code
    facts = tracking.track(daemon.store, first.tracking_code)
    assert facts is not None and facts.due_changed and facts.official_due == official


def test_more_papers_and_refusal_carry_their_reason(sim, daemon, seed) -> None:
    (first, second) = seed(2)
    assert daemon.run_once()
    reason = "Thiếu bản sao giấy chứng sinh có chứng thực"
    assert _admin(sim, f"/admin/dossiers/{first.id}/answer",
                  {"decision": "more_papers", "reason": reason}).status_code == 200
    assert _admin(sim, f"/admin/dossiers/{second.id}/answer",
                  {"decision": "reject", "reason": "Không thuộc thẩm quyền của xã"}
                  ).status_code == 200
    daemon.pull_updates()
    one, two = daemon.store.get(first.id), daemon.store.get(second.id)
    assert one is not None and (one.portal_status, one.official_reason) == (5, reason)
    assert two is not None and two.portal_status == 3
    assert two.official_reason == "Không thuộc thẩm quyền của xã"
    found = daemon.client.track(first.tracking_code)
    assert found is not None and (found["TrangThaiHoSo"], found["LyDo"]) == (5, reason)


def test_a_malformed_answer_is_refused_plainly(sim, daemon, seed) -> None:
    (first,) = seed(1)
    assert daemon.run_once()
    path = f"/admin/dossiers/{first.id}/answer"
    for body in ({"decision": "maybe"}, {"decision": "more_papers"},
                 {"decision": "reject", "reason": ""}, {"decision": "accept", "due": "soon"}):
        refused = _admin(sim, path, body)
        assert refused.status_code == 400 and refused.json()["code"] == "bad_request"
    assert _admin(sim, "/admin/dossiers/00000000-0000-4000-8000-000000000000/answer",
                  {"decision": "accept"}).status_code == 404


def test_the_kiosk_asks_the_gateway_for_a_code_it_does_not_hold(sim, daemon, seed,
                                                               kiosk_config) -> None:
    (first,) = seed(1)
    assert daemon.run_once()
    _admin(sim, f"/admin/dossiers/{first.id}/answer", {
        "decision": "accept", "due": "2027-01-08T16:30:00+07:00"})
    found = tracking.track_at_gateway(kiosk_config, display_tracking_code(first.tracking_code))
    assert isinstance(found, tracking.Tracking) and not found.local
    assert found.portal_status == 2 and found.procedure_name == first.procedure.name
    assert found.official_due == dt.datetime(2027, 1, 8, 16, 30, tzinfo=VN_TZ)


def test_the_tracking_screen_s_lookup_asks_the_gateway_only_when_online(sim, daemon, seed,
                                                                      kiosk_config,
                                                                      tmp_path) -> None:
    """Another kiosk's store (it holds no dossier): the code goes to the gateway while the sync
    daemon last found it online, and the answer names the procedure and the official date."""
    from appliance.app import runtime
    from appliance.ui import strings as T
    from appliance.ui.services import Services
    from appliance.ui.tracking_words import TrackAnswer, when_text

    (first,) = seed(1)
    assert daemon.run_once()
    official = dt.datetime(2027, 1, 8, 16, 30, tzinfo=VN_TZ)
    _admin(sim, f"/admin/dossiers/{first.id}/answer",
           {"decision": "accept", "due": official.isoformat()})
    other = kiosk_config.with_data_dir(tmp_path / "other-kiosk")
    store = runtime.open_store(other)
    services = Services(other, store=store, catalogue=None, devices=None)
    try:
        store.update_sync_state(online=False)
        assert services._track(first.tracking_code) == T.TRACK_OFFLINE
        store.update_sync_state(online=True)
        answer = services._track(display_tracking_code(first.tracking_code).lower())
        assert isinstance(answer, TrackAnswer) and answer.reprint_code is None  # not ours
        assert f"{T.TRACK_PROCEDURE}: {first.procedure.name}" in answer.text
        assert T.TRACK_ACCEPTED in answer.text and when_text(official) in answer.text
        unknown = next(c for c in iter(new_tracking_code, None) if c != first.tracking_code)
        assert services._track(unknown) is None
        sim.stop()  # the gateway goes away: said plainly, never an error screen
        assert services._track(first.tracking_code) == T.TRACK_OFFLINE
    finally:
        services.close()
        store.close()
