"""Codes bound to the sender (issue 11 item 3): a dossier's ``dossier_code``/``unit_code`` are the
authenticated kiosk's and unique at the gateway; a rating only for the kiosk's own dossiers, on the
three levels, with a bounded reason; a dossier id another kiosk holds is a refusal of that record
only; and what a hostile gateway says in an error is never kept unbounded on the kiosk."""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid

import pytest
import requests

from appliance import submission
from appliance.crypto import DeviceKey, canonical_json, sha256_hex
from appliance.domain.codes import format_dossier_code
from appliance.domain.dossier import DossierState
from sync.errors import RecordRejected
from sync.portal_sim.verify import ApiError
from tests.security.conftest import second_client, token


@pytest.fixture
def k03(sim, kiosk, tmp_path):
    """A second, genuine kiosk at the same gateway."""
    creds = second_client(sim, "K03", tmp_path)
    code = sim.gateway.enrolment.issue("K03")["enrolment_code"]
    return kiosk("k03", kiosk_id="K03", credentials=creds, code=code)


def _resigned(envelope: bytes, key: DeviceKey, **changes: object) -> bytes:
    """The envelope with manifest fields changed and signed again by ``key``."""
    manifest = {**json.loads(envelope)["manifest"], **changes}
    signed = canonical_json(manifest)
    return canonical_json({"manifest": manifest, "signature": key.sign(signed),
                           "digest": sha256_hex(signed)})


def test_an_id_held_by_another_kiosk_quarantines_that_record_and_the_batch_goes_on(
        sim, kiosk, k03):
    k02 = kiosk("k02", code=sim.enrolment_code())
    first, second = k02.seed(2)
    k03.seed(dossier_id=first.id)  # K03 happens to deliver a dossier under the same id
    assert k03.daemon.run_once() is True
    assert k02.daemon.run_once() is True
    assert k02.record(second.id).state is DossierState.PURGED
    taken = k02.record(first.id)
    assert taken.state is DossierState.QUARANTINED
    assert "dossier_id_taken" in taken.quarantine_reason
    assert "sync_auth" not in [a.code for a in k02.daemon.store.alerts()]


def test_a_dossier_code_of_another_kiosk_or_unit_is_refused(sim, kiosk, k03):
    k02 = kiosk("k02", code=sim.enrolment_code())
    (theirs,) = k02.seed()
    (ours,) = k03.seed(seed=1)
    k03.daemon.enroller.run(k03.daemon.client, k03.daemon.store)
    key = DeviceKey.load_or_create(k03.config.data_dir / "secrets" / "device.key")
    forged = _resigned(k03.daemon.store.envelope(ours.id), key, dossier_code=theirs.code)
    with pytest.raises(RecordRejected) as refused:
        k03.daemon.client.put_manifest(ours.id, forged)
    assert refused.value.code == "dossier_code_foreign"

    (other_unit,) = k02.seed(seed=2, unit_code="000.00.00.X99")
    assert k02.daemon.run_once() is True
    record = k02.record(other_unit.id)
    assert record.state is DossierState.QUARANTINED
    assert "unit_code_mismatch" in record.quarantine_reason


def test_a_code_queued_before_the_kiosk_segment_rule_is_still_the_kiosks(
        sim, k03, monkeypatch):
    """Codes issued before issue 14 item 5 carried "K" + id (K03 → KK03): a dossier queued then
    and sent after the upgrade is still the kiosk's."""
    def legacy(unit: str, kiosk_id: str, day: dt.date, seq: int) -> str:
        return format_dossier_code(unit, f"K{kiosk_id}", day, seq)

    monkeypatch.setattr(submission, "format_dossier_code", legacy)
    (ours,) = k03.seed(seed=3)
    assert "-KK03-" in ours.code
    assert k03.daemon.run_once() is True
    assert k03.record(ours.id).state is DossierState.PURGED
    assert [d["dossier_code"] for d in sim.gateway.admin_dossiers()] == [ours.code]


def test_a_dossier_code_is_unique_at_the_gateway(sim, kiosk):
    k02 = kiosk("k02", code=sim.enrolment_code())
    (first,) = k02.seed()
    assert k02.daemon.run_once() is True
    # The kiosk is re-imaged: new store, new key (rotated), and its day counter starts again.
    again = kiosk("k02-reimaged", code=sim.enrolment_code(rotate=True))
    (repeat,) = again.seed(seed=5)
    assert repeat.code == first.code
    assert again.daemon.run_once() is True
    record = again.record(repeat.id)
    assert record.state is DossierState.QUARANTINED
    assert "dossier_code_taken" in record.quarantine_reason
    assert [d["dossier_code"] for d in sim.gateway.admin_dossiers()] == [first.code]


RATINGS = [
    ({"level": "rat_hai_long"}, 201),
    ({"level": "rat_hai_long", "reason": "x" * 500, "items": [
        {"criterion": "tong_the", "level": "hai_long"}]}, 201),
    ({"level": 7}, 422),
    ({"level": "tuyet_voi"}, 422),
    ({"level": ["rat_hai_long"]}, 422),
    ({"level": "khong_hai_long", "reason": "x" * 501}, 422),
    ({"level": "hai_long", "items": [{"criterion": "tong_the", "level": 9}]}, 422),
    ({"level": "hai_long", "items": [{"criterion": "khac", "level": "hai_long"}] * 50}, 422),
]


def test_a_rating_is_on_the_three_levels_with_a_bounded_reason(sim, kiosk):
    k02 = kiosk("k02", code=sim.enrolment_code())
    (rec,) = k02.seed()
    assert k02.daemon.run_once() is True
    answers = [requests.put(f"{sim.url}/api/v1/ratings/{uuid.uuid4()}", timeout=5,
                            headers={"Authorization": f"Bearer {token(sim)}"},
                            json={"dossier_code": rec.code, "kiosk_id": "K02", "rating": r}
                            ).status_code for r, _ in RATINGS]
    assert answers == [code for _, code in RATINGS]


def test_a_rating_only_for_the_kiosks_own_dossiers(sim, kiosk, k03, tmp_path):
    k02 = kiosk("k02", code=sim.enrolment_code())
    (rec,) = k02.seed()
    assert k02.daemon.run_once() is True
    k03_creds = json.loads(k03.daemon.enroller.credentials_file.read_text(encoding="utf-8"))
    for who, dossier_code in ((k03_creds, rec.code), (None, "000.00.00.H56-260101-KK02-9999")):
        answer = requests.put(f"{sim.url}/api/v1/ratings/{uuid.uuid4()}", timeout=5,
                              headers={"Authorization": f"Bearer {token(sim, who)}"},
                              json={"dossier_code": dossier_code,
                                    "rating": {"level": "hai_long"}})
        assert answer.status_code == 422 and answer.json()["code"] == "unknown_dossier"
    assert sim.stats()["ratings"] == 0


def test_a_rating_waits_until_its_dossier_is_at_the_gateway(sim, kiosk):
    k02 = kiosk("k02", code=sim.enrolment_code())
    (rec,) = k02.seed()
    k02.daemon.store.add_rating(str(uuid.uuid4()), rec.code, {"level": "hai_long"})
    k02.daemon.send_ratings()  # the dossier is still queued: the rating is kept, not refused
    assert len(k02.daemon.store.pending_ratings()) == 1
    assert k02.daemon.run_once() is True
    assert k02.daemon.store.pending_ratings() == [] and sim.stats()["ratings"] == 1


def test_a_hostile_error_answer_is_kept_bounded_on_the_kiosk(sim, kiosk, monkeypatch, caplog):
    k02 = kiosk("k02", code=sim.enrolment_code())
    (rec,) = k02.seed()
    name = "Nguyễn Văn Hùng 001088007654 "
    caplog.set_level(logging.DEBUG)
    for status, state in ((500, DossierState.QUEUED), (422, DossierState.QUARANTINED)):
        def hostile(*args, _status=status, **kwargs):
            raise ApiError(_status, "x" * 200_000 + name, name * 20_000)
        monkeypatch.setattr(sim.gateway, "put_manifest", hostile)
        k02.daemon.run_once()
        record = k02.record(rec.id)
        assert record.state is state
        assert len(record.quarantine_reason or "") <= 300 and len(record.last_error or "") <= 300
        assert all(len(r.getMessage()) < 2_000 for r in caplog.records)
        assert all(len(json.dumps(e)) < 2_000 for e in k02.daemon.store.events())
        assert len(k02.daemon.store.sync_state().get("last_error") or "") <= 300
