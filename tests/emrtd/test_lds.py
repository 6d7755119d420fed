"""EF.COM, DG1 and DG13 parse into their fields, and every flaw is refused with its own code."""

from __future__ import annotations

import pytest

from hw.emrtd import issuer, lds, tlv
from hw.emrtd.errors import MalformedData
from tests.emrtd.conftest import FIELDS


def test_ef_com_from_the_icao_example():
    # 9303-11 Appendix D.4: the 22 bytes of EF.COM read in two parts.
    data = bytes.fromhex("60145F0104303130365F36063034303030305C026175")
    assert lds.parse_com(data) == lds.Com("0106", "040000", (1, 2))


def test_dg1_td1_fields(card):
    mrz = lds.parse_dg1(card.dg1)
    assert (mrz.document_code, mrz.issuing_state, mrz.document_number) == ("ID", "VNM", "090012345")
    assert (mrz.birth_date, mrz.sex, mrz.expiry_date) == ("900101", "F", "300101")
    assert mrz.names.startswith("NGUYEN<<THI<LAN")


def test_dg1_with_a_wrong_check_digit_is_refused(card):
    text = tlv.decode(card.dg1).child(0x5F1F).value.decode()
    broken = text[:14] + str((int(text[14]) + 1) % 10) + text[15:]
    with pytest.raises(MalformedData) as caught:
        lds.parse_dg1(issuer.encode_dg1(broken))
    assert caught.value.code == "chip.malformed.mrz"


def test_dg13_every_field(card):
    data = lds.parse_dg13(card.dg13)
    assert data.fields == FIELDS
    assert data.id_number == "001090012345"
    assert data.full_name == "Nguyễn Thị Lan"
    assert (data.father, data.mother) == ("Nguyễn Văn An", "Trần Thị Bình")
    assert data.get("residence") == FIELDS[9][0]


def _dg13(entries: bytes) -> bytes:
    body = tlv.encode(0x02, b"\x00") + tlv.encode(0x06, b"\x2a\x03") + tlv.encode(0x31, entries)
    return tlv.encode(0x6D, tlv.encode(0x30, body))


def _field(n: int, value: bytes, tag: int = 0x0C) -> bytes:
    return tlv.encode(0x30, tlv.encode(0x02, bytes([n])) + tlv.encode(tag, value))


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "chip.malformed.tlv"),
        (b"\x6d\x05\x30\x03", "chip.malformed.tlv"),  # length lies: 5 claimed, 2 present
        (b"\x6d\x84\xff\xff\xff\xff", "chip.malformed.tlv"),  # 4-byte length
        (b"\x6d\x80\x00\x00", "chip.malformed.tlv"),  # indefinite length
        (b"\x61\x00", "chip.malformed.tlv"),  # DG1's tag, not DG13's
        (_dg13(_field(1, b"\xff\xfe")), "chip.malformed.dg13"),  # not UTF-8
        (_dg13(_field(1, b"1") + _field(1, b"2")), "chip.malformed.dg13"),  # twice
        (_dg13(_field(2, b"Lan")), "chip.malformed.dg13"),  # no ID number
        (_dg13(_field(1, b"\x01", tag=0x04)), "chip.malformed.dg13"),  # OCTET STRING value
        (_dg13(tlv.encode(0x02, b"\x01")), "chip.malformed.dg13"),  # not a SEQUENCE
        (tlv.encode(0x6D, tlv.encode(0x30, b"\x02\x01\x00")), "chip.malformed.tlv"),  # no SET
    ],
)
def test_malformed_dg13_is_refused_with_its_code(data, code):
    with pytest.raises(MalformedData) as caught:
        lds.parse_dg13(data)
    assert caught.value.code == code
    assert caught.value.reason_vi and caught.value.reason_en


def test_deep_nesting_is_refused_not_recursed():
    nested = b"\x05\x00"
    for _ in range(tlv.MAX_DEPTH + 2):
        nested = tlv.encode(0x30, nested)
    with pytest.raises(MalformedData, match="nested deeper"):
        lds.parse_dg13(tlv.encode(0x6D, nested))


def test_dg13_text_is_returned_nfc():
    decomposed = "Nguye\u0302\u0303n"  # "Nguyễn" with combining marks
    data = lds.parse_dg13(_dg13(_field(1, b"001090012345") + _field(2, decomposed.encode())))
    assert data.full_name == "Nguyễn"
