"""Kiosk dossier codes: format, parse, no collisions, and the slip QR."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.domain.codes import (
    code_from_slip_qr,
    format_dossier_code,
    is_counter_code,
    parse_dossier_code,
    slip_qr_url,
)

UNIT = "000.00.00.H56"
units = st.from_regex(r"[A-Z0-9]{1,4}(\.[A-Z0-9]{1,4}){0,3}", fullmatch=True)
kiosks = st.from_regex(r"[A-Z0-9]{1,8}", fullmatch=True)
days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))
seqs = st.integers(min_value=1, max_value=999_999)


def test_format_example_from_docs():
    assert (
        format_dossier_code(UNIT, "K01", dt.date(2026, 11, 29), 7)
        == "000.00.00.H56-261129-K01-0007"
    )


@settings(max_examples=100, deadline=None)
@given(units, kiosks, days, seqs)
def test_the_kiosk_segment_is_the_kiosk_id_as_it_is(unit, kiosk, day, seq):
    """Issue 14 item 5: kiosk K01 issues …-K01-…, never …-KK01-… (no letter added)."""
    assert format_dossier_code(unit, kiosk, day, seq).split("-")[2] == kiosk.upper()


def test_a_code_issued_before_the_rule_still_parses():
    """Codes queued before the upgrade carried "K" + id; lookups and the gateway still read them."""
    code = parse_dossier_code("000.00.00.H56-261129-KK01-0007")
    assert code is not None and code.kiosk_id == "KK01"


def test_parse_is_case_insensitive_and_trims():
    code = parse_dossier_code("  000.00.00.h56-261129-k01-0007 ")
    assert code is not None
    assert (code.unit_code, code.kiosk_id, code.day, code.seq) == (
        UNIT,
        "K01",
        dt.date(2026, 11, 29),
        7,
    )


@pytest.mark.parametrize(
    "text",
    [
        "000.00.00.H56-250701-0001",  # a counter code
        "000.00.00.H56-261329-K01-0007",  # month 13
        "000.00.00.H56-261129-K01-0000",  # sequence 0
        "000.00.00.H56-261129--0007",  # empty kiosk id
        "000.00.00.H56-261129-K-01-0007",  # a dash inside the kiosk segment
        "000.00.00.H56-261129-K01-07",  # short sequence
        "-261129-K01-0007",
        "x" * 100,
        "",
    ],
)
def test_parse_rejects(text):
    assert parse_dossier_code(text) is None


@pytest.mark.parametrize(
    ("unit", "kiosk", "seq"),
    [
        ("", "K01", 1),
        ("A-B", "K01", 1),
        (UNIT, "", 1),
        (UNIT, "K-1", 1),
        (UNIT, "ABCDEFGHI", 1),
        (UNIT, "K01", 0),
        (UNIT, "K01", 1_000_000),
    ],
)
def test_format_rejects_bad_inputs(unit, kiosk, seq):
    with pytest.raises(ValueError):
        format_dossier_code(unit, kiosk, dt.date(2026, 1, 2), seq)


@settings(max_examples=200, deadline=None)
@given(units, kiosks, days, seqs)
def test_round_trip(unit, kiosk, day, seq):
    text = format_dossier_code(unit, kiosk, day, seq)
    parsed = parse_dossier_code(text)
    assert parsed is not None
    assert (parsed.unit_code, parsed.kiosk_id, parsed.day, parsed.seq) == (unit, kiosk, day, seq)
    assert str(parsed) == text


@settings(max_examples=200, deadline=None)
@given(units, kiosks, days, seqs, units, days, st.integers(min_value=1, max_value=9999))
def test_never_a_counter_code(unit, kiosk, day, seq, c_unit, c_day, c_seq):
    kiosk_code = format_dossier_code(unit, kiosk, day, seq)
    counter_code = f"{c_unit}-{c_day:%y%m%d}-{c_seq:04d}"
    assert is_counter_code(counter_code)
    assert not is_counter_code(kiosk_code)
    assert parse_dossier_code(counter_code) is None
    assert kiosk_code != counter_code


@settings(max_examples=200, deadline=None)
@given(kiosks, kiosks, days, seqs, seqs)
def test_two_kiosks_never_collide(k1, k2, day, s1, s2):
    a = format_dossier_code(UNIT, k1, day, s1)
    b = format_dossier_code(UNIT, k2, day, s2)
    assert (a == b) == ((k1, s1) == (k2, s2))


def test_slip_qr_url_and_back():
    code = format_dossier_code(UNIT, "K01", dt.date(2026, 11, 29), 12)
    url = slip_qr_url("https://dichvucong.example.gov.vn/tra-cuu", code)
    assert url == f"https://dichvucong.example.gov.vn/tra-cuu?ma={code}"
    assert code_from_slip_qr(url) == code
    assert code_from_slip_qr(code.lower()) == code


def test_slip_qr_url_keeps_existing_query():
    url = slip_qr_url("https://x.example/tra-cuu?tinh=56&ma=old", "000.00.00.H56-261129-K01-0001")
    assert url == "https://x.example/tra-cuu?tinh=56&ma=000.00.00.H56-261129-K01-0001"
    assert code_from_slip_qr(url) == "000.00.00.H56-261129-K01-0001"


def test_slip_qr_url_rejects_non_http():
    with pytest.raises(ValueError):
        slip_qr_url("ftp://x.example/", "000.00.00.H56-261129-K01-0001")


@pytest.mark.parametrize(
    "text",
    [
        "https://x.example/tra-cuu?q=000.00.00.H56-261129-K01-0001",  # wrong parameter
        "https://x.example/tra-cuu?ma=hello",
        "https://x.example/?ma=000.00.00.H56-261129-K01-0001&ma=000.00.00.H56-261129-K01-0002",
        "javascript:alert(1)",
        "001095012345||Nguyễn Văn An|15031995|Nam|Hà Nội|20042021",  # an ID card QR
        "https://x.example/" + "a" * 5000,
    ],
)
def test_code_from_slip_qr_refuses(text):
    assert code_from_slip_qr(text) is None


def test_counter_code_is_accepted_for_lookup():
    assert code_from_slip_qr("https://x.example/tra-cuu?ma=000.00.00.H56-250701-0001") == (
        "000.00.00.H56-250701-0001"
    )


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_code_from_slip_qr_never_raises(text):
    result = code_from_slip_qr(text)
    assert result is None or parse_dossier_code(result) is not None or is_counter_code(result)
