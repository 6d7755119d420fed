"""Whole reads of the virtual CCCD through the same code a real reader uses: PACE with the CAN,
BAC fallback, chunked reads, passive authentication, and each bad card refused with its code."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hw.emrtd import pace, session, simcard
from hw.emrtd.errors import AccessDenied, CardLost, ChipError, NotAnIdCard
from hw.emrtd.files import DG_FID, EF_COM
from hw.emrtd.truststore import TrustStore
from tests.emrtd.conftest import FIELDS

NOW = datetime.now(UTC)
ID = FIELDS[1][0]


@pytest.fixture
def chip(authority) -> simcard.SimCard:
    return simcard.virtual_cccd(authority[1], dict(FIELDS), birth="900101", expiry="300101")


def test_pace_with_the_can_reads_and_verifies(chip, authority):
    read = session.read_chip(chip, session.cccd_access(ID))
    assert read.access == "pace"
    person = session.require_cccd(read)
    assert person.full_name == "Nguyễn Thị Lan"
    assert read.mrz.document_number == ID[-9:]
    result = session.verify_chip(read, TrustStore([authority[0].cert]), NOW)
    assert result.groups == (1, 13)


def test_bac_when_the_card_has_no_pace(authority):
    chip = simcard.virtual_cccd(
        authority[1], dict(FIELDS), birth="900101", expiry="300101", pace_oid=None
    )
    read = session.read_chip(chip, session.cccd_access(ID, "900101", "300101"))
    assert read.access == "bac"
    assert session.require_cccd(read).id_number == ID


def test_bac_without_dates_is_refused_clearly(authority):
    chip = simcard.virtual_cccd(
        authority[1], dict(FIELDS), birth="900101", expiry="300101", pace_oid=None
    )
    with pytest.raises(AccessDenied) as caught:
        session.read_chip(chip, session.cccd_access(ID))
    assert caught.value.code == "chip.access.bac"


def test_a_wrong_can_is_refused(chip):
    other = ID[:-1] + str((int(ID[-1]) + 1) % 10)
    with pytest.raises(AccessDenied) as caught:
        session.read_chip(chip, session.cccd_access(other))
    assert caught.value.code == "chip.access.pace"


def test_files_need_the_secure_channel(chip):
    chip.application = True
    assert chip.transmit(bytes.fromhex("00A4020C02011E")) == b"\x90\x00"
    assert chip.transmit(bytes.fromhex("00B0000004")) == b"\x69\x82"


def test_selecting_the_mf_answers_6d00_like_the_reported_cards(chip):
    assert chip.transmit(bytes.fromhex("00A4000C023F00")) == b"\x6d\x00"


def test_reads_use_as_few_apdus_as_the_sizes_allow(chip):
    read = session.read_chip(chip, session.cccd_access(ID), record=True)
    sizes = [len(chip.files[fid]) for fid in (EF_COM, DG_FID[1], DG_FID[13], 0x011D)]
    reads = sum(-(-size // 0xDF) for size in sizes)
    card_access_read, pace_steps, selects = 1, 5, 1 + 1 + len(sizes)
    assert read.counters.apdus == card_access_read + pace_steps + selects + reads
    assert len(read.counters.trace) == read.counters.apdus


def test_a_card_lifted_mid_read(chip):
    chip.lift_after = 12
    with pytest.raises(CardLost) as caught:
        session.read_chip(chip, session.cccd_access(ID))
    assert caught.value.code == "chip.lifted"


def test_a_card_without_the_emrtd_application():
    emv = bytes.fromhex("A0000000041010")
    bank_card = simcard.SimCard({}, applications=(emv,))
    with pytest.raises(ChipError) as caught:
        session.read_chip(bank_card, session.cccd_access(ID, "900101", "300101"))
    assert caught.value.code == "chip.not_id_card"


def test_another_states_passport_is_not_a_cccd(chip):
    read = session.read_chip(chip, session.cccd_access(ID))
    foreign = session.ChipRead(
        read.access, read.com, read.mrz.__class__(**{**read.mrz.__dict__, "issuing_state": "D<<"}),
        read.personal, read.groups, read.sod, read.counters,
    )
    with pytest.raises(NotAnIdCard) as caught:
        session.require_cccd(foreign)
    assert caught.value.code == "chip.not_vn_id"


def test_a_data_group_changed_on_the_card_fails_verification(chip, authority):
    dg13 = chip.files[DG_FID[13]]
    chip.files[DG_FID[13]] = dg13.replace(b"Lan", b"Lam")
    read = session.read_chip(chip, session.cccd_access(ID))
    with pytest.raises(ChipError) as caught:
        session.verify_chip(read, TrustStore([authority[0].cert]), NOW)
    assert caught.value.code == "chip.pa.dg_hash"


def test_extended_length_reads_a_file_in_one_apdu(authority):
    chip = simcard.virtual_cccd(authority[1], dict(FIELDS), birth="900101", expiry="300101")
    chip.extended = True
    read = session.read_chip(chip, session.cccd_access(ID), max_read=0x1000)
    card_access, pace_steps, application, files = 2, 5, 1, 4
    assert read.counters.apdus == card_access + pace_steps + application + 2 * files


def test_pace_refused_for_its_parameters_falls_back_to_bac(authority):
    chip = simcard.virtual_cccd(authority[1], dict(FIELDS), birth="900101", expiry="300101")
    chip.pace_oid = f"{pace.ID_PACE}.2.4"  # announces AES-128, accepts only AES-256
    read = session.read_chip(chip, session.cccd_access(ID, "900101", "300101"))
    assert read.access == "bac"
    with pytest.raises(ChipError) as caught:
        session.read_chip(chip, session.cccd_access(ID))
    assert caught.value.code == "chip.card.status"
