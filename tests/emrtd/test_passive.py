"""Passive authentication with a test CSCA and document signer: genuine data passes, and every
way it can be false is refused with its own code."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization

from hw.emrtd import issuer, passive, sod
from hw.emrtd.errors import MalformedData, TrustStoreError, VerificationError
from hw.emrtd.truststore import TrustStore

NOW = datetime.now(UTC)


def _verify(card, store, groups=None, sod_bytes=None, now=NOW):
    groups = groups if groups is not None else {1: card.dg1, 13: card.dg13}
    return passive.verify(sod.parse_sod(sod_bytes or card.sod), groups, store, now)


def _code(call) -> str:
    with pytest.raises(VerificationError) as caught:
        call()
    assert caught.value.reason_vi
    return caught.value.code


def test_genuine_data_passes(card):
    result = _verify(card, TrustStore([card.csca.cert]))
    assert result.groups == (1, 13)
    assert result.hash_algorithm == "sha256"
    assert "CSCA Test VN" in result.csca
    assert result.crl_checked is False


def test_a_data_group_changed_after_signing(card):
    changed = card.dg13.replace(b"Lan", b"Lam")
    store = TrustStore([card.csca.cert])
    assert _code(lambda: _verify(card, store, {1: card.dg1, 13: changed})) == "chip.pa.dg_hash"


def test_a_data_group_the_sod_does_not_cover(card):
    store = TrustStore([card.csca.cert])
    assert _code(lambda: _verify(card, store, {2: b"\x75\x00"})) == "chip.pa.dg_missing"


def test_signed_by_an_unknown_csca(card):
    other = issuer.make_csca("CSCA Other")
    assert _code(lambda: _verify(card, TrustStore([other.cert]))) == "chip.pa.unknown_csca"


def test_same_name_different_key_is_an_unknown_csca(card):
    impostor = issuer.make_csca("CSCA Test VN")
    assert _code(lambda: _verify(card, TrustStore([impostor.cert]))) == "chip.pa.unknown_csca"


def test_expired_document_signer(card):
    store = TrustStore([card.csca.cert])
    later = NOW + timedelta(days=400)
    assert _code(lambda: _verify(card, store, now=later)) == "chip.pa.ds_expired"


def test_expired_csca(card):
    old = issuer.make_csca("CSCA Old", days=(-10, -1))
    signer = issuer.make_signer(old, days=(-5, 300))
    signed = issuer.sign_sod({1: card.dg1}, signer)
    store = TrustStore([old.cert])
    code = _code(lambda: _verify(card, store, {1: card.dg1}, signed))
    assert code == "chip.pa.csca_expired"


def test_revoked_document_signer(card):
    store = TrustStore([card.csca.cert])
    store.add_crl(issuer.make_crl(card.csca, [card.signer.cert.serial_number]))
    assert _code(lambda: _verify(card, store)) == "chip.pa.ds_revoked"


def test_a_crl_that_does_not_list_the_signer_is_recorded_as_checked(card):
    store = TrustStore([card.csca.cert])
    store.add_crl(issuer.make_crl(card.csca, [12345]))
    assert _verify(card, store).crl_checked is True


def test_a_signature_by_another_key_is_refused(card):
    forger = issuer.make_signer(card.csca, "DS Test VN")
    forged = sod.parse_sod(issuer.sign_sod({1: card.dg1, 13: card.dg13}, forger))
    # The forger's signature presented with the genuine signer's certificate.
    genuine = card.signer.cert
    claimed = replace(
        forged,
        certificate=genuine.public_bytes(serialization.Encoding.DER),
        signer_serial=genuine.serial_number,
    )
    store = TrustStore([card.csca.cert])
    groups = {1: card.dg1, 13: card.dg13}
    assert _code(lambda: passive.verify(claimed, groups, store, NOW)) == "chip.pa.signature"


def test_truncated_sod_is_malformed(card):
    with pytest.raises(MalformedData) as caught:
        sod.parse_sod(card.sod[:-10])
    assert caught.value.code == "chip.malformed.tlv"


def test_trust_store_folder(tmp_path, card):
    pem = card.csca.cert.public_bytes(serialization.Encoding.PEM)
    (tmp_path / "csca.pem").write_bytes(pem)
    crl = issuer.make_crl(card.csca, [card.signer.cert.serial_number])
    (tmp_path / "csca.crl").write_bytes(crl.public_bytes(serialization.Encoding.DER))
    store = TrustStore.load(tmp_path)
    assert _code(lambda: _verify(card, store)) == "chip.pa.ds_revoked"


def test_a_crl_from_outside_the_store_is_refused_at_load(tmp_path, card):
    (tmp_path / "csca.pem").write_bytes(card.csca.cert.public_bytes(serialization.Encoding.PEM))
    stranger = issuer.make_csca("CSCA Test VN")
    crl = issuer.make_crl(stranger, [1])
    (tmp_path / "x.crl").write_bytes(crl.public_bytes(serialization.Encoding.PEM))
    with pytest.raises(TrustStoreError) as caught:
        TrustStore.load(tmp_path)
    assert caught.value.code == "chip.trust_store.invalid"


def test_a_broken_certificate_file_is_refused_at_load(tmp_path):
    (tmp_path / "csca.der").write_bytes(b"not a certificate")
    with pytest.raises(TrustStoreError):
        TrustStore.load(tmp_path)


@pytest.mark.parametrize("scheme", ["pkcs1", "pss"])
def test_rsa_document_signers(card, scheme):
    signer = issuer.make_signer(card.csca, rsa_key=True)
    signed = issuer.sign_sod({1: card.dg1, 13: card.dg13}, signer, scheme)
    parsed = sod.parse_sod(signed)
    assert parsed.signature_algorithm == {"pkcs1": "rsassa_pkcs1v15", "pss": "rsassa_pss"}[scheme]
    store = TrustStore([card.csca.cert])
    assert _verify(card, store, sod_bytes=signed).groups == (1, 13)
    forged = replace(parsed, signature=parsed.signature[:-1] + bytes([parsed.signature[-1] ^ 1]))
    groups = {1: card.dg1, 13: card.dg13}
    assert _code(lambda: passive.verify(forged, groups, store, NOW)) == "chip.pa.signature"


def test_a_signer_certificate_with_an_unusable_key_is_refused_not_a_crash(card):
    # Found by bench/chip_fuzz.py: cryptography parses a certificate's key lazily.
    point = card.signer.cert.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    assert card.sod.count(point) == 1
    broken = card.sod.replace(point, point[:-1] + bytes([point[-1] ^ 1]))
    store = TrustStore([card.csca.cert])
    assert _code(lambda: _verify(card, store, sod_bytes=broken)) == "chip.pa.algorithm"
