"""Active authentication: a genuine chip proves it holds the DG15 key; a copy of the signed data
on another chip (a clone) cannot, and is refused with its own code."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from hw.emrtd import active, issuer, session, simcard, tlv
from hw.emrtd.errors import ChipError, MalformedData
from hw.emrtd.files import DG_FID
from hw.emrtd.truststore import TrustStore
from tests.emrtd.conftest import FIELDS

ID = FIELDS[1][0]
WITH_AA = (1, 13, 15)


def _chip(authority, key: ec.EllipticCurvePrivateKey) -> simcard.SimCard:
    return simcard.virtual_cccd(
        authority[1], dict(FIELDS), birth="900101", expiry="300101", aa_key=key
    )


def test_a_genuine_chip_passes_and_dg15_is_covered_by_the_sod(authority):
    chip = _chip(authority, ec.generate_private_key(ec.BrainpoolP256R1()))
    read = session.read_chip(chip, session.cccd_access(ID), WITH_AA)
    assert read.active_authenticated
    verified = session.verify_chip(read, TrustStore([authority[0].cert]), datetime.now(UTC))
    assert verified.groups == WITH_AA


def test_not_asked_for_means_not_done(authority):
    chip = _chip(authority, ec.generate_private_key(ec.SECP256R1()))
    read = session.read_chip(chip, session.cccd_access(ID))
    assert not read.active_authenticated and 15 not in read.groups


def test_a_clone_with_the_signed_data_but_another_key_is_refused(authority):
    chip = _chip(authority, ec.generate_private_key(ec.SECP256R1()))
    chip.aa_key = ec.generate_private_key(ec.SECP256R1())  # copied files, not the chip's key
    with pytest.raises(ChipError) as caught:
        session.read_chip(chip, session.cccd_access(ID), WITH_AA)
    assert caught.value.code == "chip.aa.failed"


def test_a_clone_with_its_own_dg15_fails_passive_authentication(authority):
    chip = _chip(authority, ec.generate_private_key(ec.SECP256R1()))
    clone_key = ec.generate_private_key(ec.SECP256R1())
    chip.aa_key, chip.files[DG_FID[15]] = clone_key, issuer.encode_dg15(clone_key.public_key())
    read = session.read_chip(chip, session.cccd_access(ID), WITH_AA)
    with pytest.raises(ChipError) as caught:
        session.verify_chip(read, TrustStore([authority[0].cert]), datetime.now(UTC))
    assert caught.value.code == "chip.pa.dg_hash"


def test_dg15_refusals():
    rsa_spki = rsa.generate_private_key(65537, 1024).public_key()
    der = rsa_spki.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(ChipError) as caught:
        active.load_dg15(tlv.encode(0x6F, der))
    assert caught.value.code == "chip.unsupported"
    with pytest.raises(MalformedData) as caught:
        active.load_dg15(tlv.encode(0x6F, b"\x30\x03\x02\x01\x01"))
    assert caught.value.code == "chip.malformed.dg15"
