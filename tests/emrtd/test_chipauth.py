"""Chip authentication (DG14, ECDH): the genuine chip re-keys the session and the read goes on; a
copy of the signed files on a chip without the private key is refused as ``chip.ca.failed``;
DG14 parsing refuses malformed data with ``chip.malformed.*`` only (fuzzed)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import pytest
from ecdsa import curves
from hypothesis import given, settings
from hypothesis import strategies as st

from hw.emrtd import chipauth, issuer, session, simcard
from hw.emrtd.errors import ChipError
from hw.emrtd.truststore import TrustStore
from tests.emrtd.conftest import FIELDS
from tests.emrtd.test_fuzz import mutated

CURVE = curves.BRAINPOOLP256r1


def _scalar() -> int:
    return secrets.randbelow(int(CURVE.order) - 1) + 1


def _card(authority, key: int) -> simcard.SimCard:
    return simcard.virtual_cccd(authority[1], dict(FIELDS), birth="900101", expiry="300101",
                                ca_key=key)


def test_the_genuine_chip_is_chip_authenticated_and_verified(authority):
    card = _card(authority, _scalar())
    read = session.read_chip(card, session.cccd_access(FIELDS[1][0]), (1, 13, 14))
    assert read.chip_authenticated and read.personal is not None
    assert read.personal.id_number == FIELDS[1][0]
    result = session.verify_chip(read, TrustStore([authority[0].cert]), datetime.now(UTC))
    assert result.groups == (1, 13, 14)  # DG14, the key, is the issuer's


def test_a_copy_without_the_private_key_is_refused(authority):
    card = _card(authority, _scalar())
    card.ca_key = _scalar()  # the signed DG14 copied onto a chip with another key
    with pytest.raises(chipauth.ChipAuthenticationFailed) as caught:
        session.read_chip(card, session.cccd_access(FIELDS[1][0]), (1, 13, 14))
    assert caught.value.code == "chip.ca.failed" and caught.value.reason_vi


def test_without_dg14_or_without_asking_no_chip_authentication(authority):
    plain = simcard.virtual_cccd(authority[1], dict(FIELDS), birth="900101", expiry="300101")
    assert not session.read_chip(plain, session.cccd_access(FIELDS[1][0]),
                                 (1, 13, 14)).chip_authenticated
    card = _card(authority, _scalar())
    assert not session.read_chip(card, session.cccd_access(FIELDS[1][0])).chip_authenticated


def test_dg14_parsed_and_refused():
    key = _scalar()
    info = chipauth.parse_dg14(issuer.encode_dg14(CURVE, CURVE.generator * key))
    assert info is not None and info.kind == "aes128" and info.point == CURVE.generator * key
    other = issuer.encode_dg14(CURVE, CURVE.generator * key, oid="0.4.0.127.0.7.2.2.3.1.2")
    assert chipauth.parse_dg14(other) is None  # DH chip authentication: not offered here
    with pytest.raises(ChipError) as caught:
        chipauth.parse_dg14(b"\x6e\x03\x31\x01\x00")
    assert caught.value.code.startswith("chip.malformed")


DG14 = issuer.encode_dg14(CURVE, CURVE.generator * 12345)


@settings(max_examples=2000, deadline=None)
@given(st.one_of(st.binary(max_size=200), mutated(DG14)))
def test_dg14_fuzz_only_refuses(data):
    try:
        chipauth.parse_dg14(data)
    except ChipError as exc:
        assert exc.code.startswith("chip.malformed"), exc.code
