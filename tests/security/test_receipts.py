"""Signed receipts (issue 11 item 2). A kiosk marks a dossier sent, then purges it, on the
strength of a receipt, so a receipt must be the gateway's: Ed25519-signed over its canonical JSON,
checked with ``[gateway] receipt_public_key`` before the dossier leaves ``sending``. Anything else
(a middlebox or a hostile gateway answering on loopback) is ``BadReceipt``: not sent, retried,
staff told."""

from __future__ import annotations

import pytest

from appliance.crypto import DeviceKey, canonical_json, verify_signature
from appliance.domain.dossier import DossierState
from sync.errors import BadReceipt


def _unsigned(receipt: dict, key: DeviceKey) -> dict:
    return {k: v for k, v in receipt.items() if k != "signature"}


def _signed_by_another_key(receipt: dict, key: DeviceKey) -> dict:
    body = _unsigned(receipt, key)
    return {**body, "signature": key.sign(canonical_json(body))}


def _signature_of_another_receipt(receipt: dict, key: DeviceKey) -> dict:
    return {**receipt, "MaHoSo": receipt["MaHoSo"] + "-9"}  # altered after signing


def test_every_receipt_is_signed_with_the_key_in_the_kiosk_config(sim, kiosk):
    genuine = kiosk("k02", code=sim.enrolment_code())
    (rec,) = genuine.seed()
    client, store = genuine.daemon.client, genuine.daemon.store
    genuine.daemon.enroller.run(client, store)
    client.put_manifest(rec.id, store.envelope(rec.id))
    answers = [client.put_file(rec.id, f.sha256, store.read_blob(f.sha256))
               for f in store.files(rec.id)]
    receipt = answers[-1].receipt
    body = {k: v for k, v in receipt.items() if k != "signature"}
    assert genuine.config.gateway.receipt_public_key == sim.gateway.receipt_key.public_key_b64
    verify_signature(genuine.config.gateway.receipt_public_key, canonical_json(body),
                     receipt["signature"])


@pytest.mark.parametrize(("forge", "code"), [
    (_unsigned, "receipt_unsigned"),
    (_signed_by_another_key, "receipt_signature"),
    (_signature_of_another_receipt, "receipt_signature"),
])
def test_a_receipt_without_the_gateway_signature_never_marks_a_dossier_sent(
        sim, kiosk, monkeypatch, tmp_path, forge, code):
    genuine = kiosk("k02", code=sim.enrolment_code())
    (rec,) = genuine.seed()
    real = sim.gateway._receipt
    other = DeviceKey.load_or_create(tmp_path / "other.key")
    monkeypatch.setattr(sim.gateway, "_receipt", lambda conn, row: forge(real(conn, row), other))

    result = genuine.daemon.cycle()
    assert isinstance(result.error, BadReceipt) and result.error.code == code
    record = genuine.record(rec.id)
    assert record.state is DossierState.QUEUED and record.portal_code is None
    assert code in record.last_error and record.next_attempt_at is not None
    assert "sync_receipt" in [a.code for a in genuine.daemon.store.alerts()]
    assert genuine.daemon.run_once() is False  # a batch-stopping error: no busy re-sending

    monkeypatch.setattr(sim.gateway, "_receipt", real)  # the real gateway answers again
    assert genuine.daemon.run_once() is True
    assert genuine.record(rec.id).state is DossierState.PURGED
    assert "sync_receipt" not in [a.code for a in genuine.daemon.store.alerts()]


def test_without_a_receipt_key_no_receipt_is_trusted(sim, kiosk):
    unconfigured = kiosk("k02", code=sim.enrolment_code(), receipt_key="")
    (rec,) = unconfigured.seed()
    result = unconfigured.daemon.cycle()
    assert isinstance(result.error, BadReceipt) and result.error.code == "receipt_key_missing"
    assert unconfigured.record(rec.id).state is DossierState.QUEUED
    assert "sync_receipt" in [a.code for a in unconfigured.daemon.store.alerts()]
    assert result.error.reason_vi.startswith("Không xác minh được biên nhận")
