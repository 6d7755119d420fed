"""CSCA master lists: Vietnam's CSCA taken from a signed list of many states', the list checked."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization

from hw.emrtd import issuer, masterlist, passive, sod
from hw.emrtd.errors import ChipError, TrustStoreError
from hw.emrtd.truststore import TrustStore


def _list(signer: issuer.Authority, cscas: list[issuer.Authority]) -> bytes:
    der = [c.cert.public_bytes(serialization.Encoding.DER) for c in cscas]
    content = masterlist.CscaMasterList(
        {"version": 0, "cert_list": [asn1_x509.Certificate.load(d) for d in der]}
    ).dump()
    return issuer.signed_content(masterlist.CSCA_MASTER_LIST, content, signer)


@pytest.fixture(scope="module")
def publisher():
    """The publishing state's CSCA and its master-list signer."""
    csca = issuer.make_csca("CSCA Publisher")
    return csca, issuer.make_signer(csca, "Master list signer")


def test_the_wanted_countrys_csca_is_taken_and_verifies_a_card(tmp_path, card, publisher):
    csca, signer = publisher
    (tmp_path / "list.ml").write_bytes(_list(signer, [csca, card.csca]))
    store = TrustStore.load(tmp_path)
    assert card.csca.cert in store.cscas
    result = passive.verify(sod.parse_sod(card.sod), {1: card.dg1}, store, datetime.now(UTC))
    assert "CSCA Test VN" in result.csca


def test_other_countries_are_left_out(card, publisher):
    csca, signer = publisher
    assert masterlist.read_master_list(_list(signer, [csca, card.csca]), ("DE",)) == []


def test_a_list_whose_signer_is_not_in_it_is_refused(card, publisher):
    _, signer = publisher
    with pytest.raises(ChipError) as caught:
        masterlist.read_master_list(_list(signer, [card.csca]))
    assert caught.value.code == "chip.pa.master_list_signer"


def test_a_tampered_list_is_refused_at_load(tmp_path, card, publisher):
    csca, signer = publisher
    data = bytearray(_list(signer, [csca, card.csca]))
    data[len(data) // 3] ^= 0x01
    (tmp_path / "list.ml").write_bytes(bytes(data))
    with pytest.raises(TrustStoreError) as caught:
        TrustStore.load(tmp_path)
    assert caught.value.code == "chip.trust_store.invalid"
