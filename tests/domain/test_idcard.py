"""Chip ID card QR parsing (reference §2). All people here are synthetic."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.domain.idcard import MAX_TEXT_LEN, MESSAGES_VI, QrRefusal, parse_card_qr
from appliance.domain.identity import CardKind, Identity, IdentitySource

ADDRESS = "Số 12, ngõ 34 phố Hàng Bông, phường Hoàn Kiếm, thành phố Hà Nội"
SEVEN = f"001095012345|123456789|Nguyễn Thị Ánh Tuyết|15031995|Nữ|{ADDRESS}|20042021"
EMPTY_OLD = f"001095012345||Nguyễn Thị Ánh Tuyết|15031995|Nữ|{ADDRESS}|20042021"
SIX = f"001095012345|Nguyễn Thị Ánh Tuyết|15031995|Nữ|{ADDRESS}|20042021"
NEW_CARD = (
    f"001095012345||Nguyễn Thị Ánh Tuyết|15031995|Nữ|{ADDRESS}|20042021"
    "|030095001122|Nguyễn Văn Bình|Trần Thị Cúc"
)
BHYT = (
    "DN4010123456789|4e677579e1bb856e205468e1bb8b20c3816e682054757ae1babf74|15/03/1995|2|"
    "536fcc812031322c206e67c3b5203334|01 - 001|01/01/2025|31/12/2025|01/01/2020|0|$"
)


def ok(payload) -> Identity:
    result = parse_card_qr(payload)
    assert isinstance(result, Identity), result
    return result


def refused(payload) -> QrRefusal:
    result = parse_card_qr(payload)
    assert isinstance(result, QrRefusal), result
    return result


def test_seven_fields():
    ident = ok(SEVEN)
    assert ident.id_number == "001095012345"
    assert ident.old_id_number == "123456789"
    assert ident.full_name == "Nguyễn Thị Ánh Tuyết"
    assert ident.birth_date == dt.date(1995, 3, 15)
    assert ident.sex == "Nữ"
    assert ident.address == ADDRESS
    assert ident.issue_date == dt.date(2021, 4, 20)
    assert ident.source is IdentitySource.CARD_QR
    assert ident.raw == SEVEN


def test_empty_old_id_field_is_not_dropped():
    ident = ok(EMPTY_OLD)
    assert ident.old_id_number is None
    assert ident.full_name == "Nguyễn Thị Ánh Tuyết"
    assert ident.address == ADDRESS


def test_six_fields_located_by_pattern():
    ident = ok(SIX)
    assert ident.old_id_number is None
    assert (ident.full_name, ident.birth_date, ident.sex) == (
        "Nguyễn Thị Ánh Tuyết",
        dt.date(1995, 3, 15),
        "Nữ",
    )
    assert ident.issue_date == dt.date(2021, 4, 20)


def test_new_card_trailing_fields_ignored_but_raw_kept():
    ident = ok(NEW_CARD)
    assert ident.issue_date == dt.date(2021, 4, 20)
    assert ident.raw == NEW_CARD
    assert ident.full_name == "Nguyễn Thị Ánh Tuyết"


def test_nfd_input_gives_nfc_output():
    nfd = unicodedata.normalize("NFD", SEVEN)
    assert nfd != SEVEN
    ident = ok(nfd)
    assert ident.full_name == "Nguyễn Thị Ánh Tuyết"
    assert unicodedata.is_normalized("NFC", ident.full_name)
    assert unicodedata.is_normalized("NFC", ident.address)
    assert ident.raw == SEVEN


def test_bytes_utf8_with_bom_and_newline():
    ident = ok(b"\xef\xbb\xbf" + SEVEN.encode() + b"\r\n")
    assert ident.raw == SEVEN


def test_lower_case_sex_accepted():
    assert ok(SEVEN.replace("|Nữ|", "|nữ|")).sex == "Nữ"
    assert ok(SEVEN.replace("|Nữ|", "|Nam|")).sex == "Nam"


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ("", "empty"),
        ("   \n", "empty"),
        (b"\xff\xfe\x00N", "not_text"),
        (12345, "not_text"),
        ("x" * (MAX_TEXT_LEN + 1), "too_long"),
        (SEVEN + "|" + "a" * MAX_TEXT_LEN, "too_long"),
        (b"1" * 10_000, "too_long"),
        (BHYT, "health_insurance_card"),
        ("https://dichvucong.example.gov.vn/tra-cuu?ma=1", "unknown_format"),
        ("000.00.00.H56-261129-KK01-0001", "unknown_format"),
        ("Xin chào", "unknown_format"),
        ("001095012345", "unknown_format"),
        ('{"vneid":"eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIwMDEwOTUwMTIzNDUifQ.c2ln"}', "unknown_format"),
        ("QR-VNEID:0a1b2c3d4e5f60718293a4b5c6d7e8f9", "unknown_format"),
        # fields in an order the kiosk does not know (ID|name|sex|birth…): never parsed out of line
        (f"001095012345|Nguyễn Thị Ánh Tuyết|Nữ|15031995|{ADDRESS}|20042021", "unknown_format"),
        (f"001095012345||Nguyễn Thị Ánh Tuyết|Nữ|15031995|{ADDRESS}|20042021", "unknown_format"),
        ("not|a|card", "not_id_card"),
        ("00109501234|123456789|Nguyễn Văn An|15031995|Nam|Hà Nội|20042021", "invalid_id_number"),
        ("0010950123456|123456789|Nguyễn Văn An|15031995|Nam|Hà Nội|20042021", "invalid_id_number"),
        ("001095012345|1234567|Nguyễn Văn An|15031995|Nam|Hà Nội|20042021", "invalid_id_number"),
        (SEVEN.replace("15031995", "31021995"), "invalid_date"),
        (SEVEN.replace("15031995", "1503199"), "invalid_date"),
        (SEVEN.replace("15031995", "15/03/1995"), "invalid_date"),
        (SEVEN.replace("20042021", "20041990"), "invalid_date"),  # issued before birth
        (SEVEN.replace("15031995", "15031795"), "invalid_date"),
        (SEVEN.replace("|Nữ|", "|F|"), "invalid_sex"),
        (SEVEN.replace("Nguyễn Thị Ánh Tuyết", ""), "invalid_name"),
        (SEVEN.replace("Nguyễn Thị Ánh Tuyết", "12345"), "invalid_name"),
        (SEVEN.replace("Nguyễn Thị Ánh Tuyết", "逞ｮ繧ｨ繝ｳ"), "invalid_name"),  # zbar mojibake
        (SEVEN.replace(ADDRESS, ""), "invalid_address"),
        (SEVEN[: SEVEN.index("|Nữ|")], "truncated"),
        (SEVEN[:-4], "truncated"),
        ("001095012345|", "truncated"),
        ("0010950|", "truncated"),
        (SEVEN.replace("|Nữ|", "|Nữ\x00|"), "not_id_card"),
    ],
)
def test_refusals(payload, code):
    refusal = refused(payload)
    assert refusal.code == code
    assert refusal.reason_vi == MESSAGES_VI[code]
    assert refusal.reason_en


def test_refusal_detail_carries_no_personal_data():
    for payload in (
        SEVEN.replace("15031995", "31021995"),
        SEVEN.replace("|Nữ|", "|F|"),
        SEVEN[:-4],
    ):
        detail = refused(payload).reason_en
        for secret in ("001095012345", "123456789", "Nguyễn", "Hàng Bông", "1995", "2021"):
            assert secret not in detail


def test_citizen_messages_are_nfc_vietnamese_with_next_step():
    for message in MESSAGES_VI.values():
        assert unicodedata.is_normalized("NFC", message)
        assert "Xin vui lòng" in message


names = st.text(
    alphabet=st.sampled_from(
        "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạếềểễệíìịỉĩóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ ABCĐ"
    ),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() != "")
addresses = st.text(
    alphabet=st.sampled_from("abcdđơưếệ 0123456789,./"), min_size=1, max_size=120
).filter(lambda s: any(c.isalpha() for c in s))
dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))


@settings(max_examples=300, deadline=None)
@given(
    st.from_regex(r"[0-9]{12}", fullmatch=True),
    st.one_of(st.just(""), st.from_regex(r"[0-9]{9}", fullmatch=True), st.none()),
    names,
    dates,
    st.sampled_from(["Nam", "Nữ"]),
    addresses,
    dates,
    st.lists(
        st.text(
            alphabet=st.characters(
                blacklist_characters="|",
                blacklist_categories=["Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"],
            ),
            max_size=20,
        ),
        max_size=3,
    ),
    st.sampled_from(["NFC", "NFD"]),
)
def test_generated_cards_parse(id_no, old, name, birth, sex, address, issue, trailing, form):
    birth, issue = min(birth, issue), max(birth, issue)
    fields = (
        [id_no]
        + ([] if old is None else [old])
        + [name, birth.strftime("%d%m%Y"), sex, address, issue.strftime("%d%m%Y"), *trailing]
    )
    text = unicodedata.normalize(form, "|".join(fields))
    if len(text) > MAX_TEXT_LEN:
        return
    ident = ok(text)
    assert ident.id_number == id_no
    assert ident.old_id_number == (old or None)
    assert ident.full_name == " ".join(unicodedata.normalize("NFC", name).split())
    assert (ident.birth_date, ident.issue_date, ident.sex) == (birth, issue, sex)
    assert ident.address == " ".join(address.split())


def _assert_whole_or_refused(result):
    if isinstance(result, QrRefusal):
        assert result.code in MESSAGES_VI
        assert result.reason_vi == MESSAGES_VI[result.code]
        return
    assert isinstance(result, Identity)
    # never half-parsed: every field present and valid
    assert len(result.id_number) == 12 and result.id_number.isdigit()
    assert result.full_name and result.address
    assert result.issue_date is not None
    if result.year_only:  # a year-only birth date: never a made-up day
        assert result.birth_date is None and result.birth_year <= result.issue_date.year
        assert result.birth_text == f"{result.birth_year:04d}"
    else:
        assert result.birth_date is not None and result.birth_year is None
        assert result.birth_date <= result.issue_date
    assert result.sex in ("Nam", "Nữ")
    assert result.source is IdentitySource.CARD_QR
    assert unicodedata.is_normalized("NFC", result.raw)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=600), st.binary(max_size=600)))
def test_never_raises_on_arbitrary_input(payload):
    _assert_whole_or_refused(parse_card_qr(payload))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.from_regex(r"[0-9]{0,13}", fullmatch=True),
            st.sampled_from(["Nam", "Nữ", ""]),
            st.text(max_size=30),
        ),
        max_size=10,
    )
)
def test_never_raises_on_pipe_structured_input(fields):
    _assert_whole_or_refused(parse_card_qr("|".join(fields)))


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=len(SEVEN) - 1))
def test_every_truncation_is_refused_or_whole(cut):
    result = parse_card_qr(SEVEN[:cut])
    _assert_whole_or_refused(result)
    if isinstance(result, Identity):
        # cutting inside the address leaves a shorter but complete-looking card only if the
        # issue date survived, which it cannot: the issue date is last
        raise AssertionError("a truncated card was accepted")


# --- every card a citizen may hold ------------------------------------------------------------


@pytest.mark.parametrize("birth", ["00001950", "00031950", "15001950", "1950"])
def test_year_only_birth_date_is_accepted_and_shown_as_the_year(birth):
    ident = ok(SEVEN.replace("15031995", birth))
    assert ident.year_only and ident.birth_date is None and ident.birth_year == 1950
    assert ident.birth_text == "1950"
    assert ident.prefill_text("birth_date") == "1950"  # the form shows the year, not 01/01/1950
    assert ident.to_payload()["NgaySinh"] == "1950"


def test_full_birth_date_text_and_payload():
    ident = ok(SEVEN)
    assert not ident.year_only and ident.birth_text == "15/03/1995"
    assert ident.prefill_text("birth_date") == "15/03/1995"
    assert ident.prefill_text("issue_date") == "20/04/2021"
    assert ident.prefill_text("old_id_number") == "123456789"
    assert ident.to_payload()["NgaySinh"] == "19950315"


@pytest.mark.parametrize("birth", ["00001899", "00002101", "0000195", "00131950", "1950x"])
def test_bad_year_only_birth_dates_are_refused(birth):
    assert refused(SEVEN.replace("15031995", birth)).code == "invalid_date"


def test_year_only_birth_after_issue_year_is_refused():
    assert refused(SEVEN.replace("15031995", "00002022")).code == "invalid_date"
    assert ok(SEVEN.replace("15031995", "00002021")).birth_year == 2021


def test_twelve_digit_old_id_in_the_second_field():
    ident = ok(SEVEN.replace("|123456789|", "|012345678901|"))
    assert ident.old_id_number == "012345678901"
    assert ident.full_name == "Nguyễn Thị Ánh Tuyết" and ident.birth_date == dt.date(1995, 3, 15)
    assert {"LoaiDinhDanh": 2, "SoDinhDanh": "012345678901"} in ident.to_payload()["DinhDanhCHS"]


def test_new_card_with_eleven_fields_and_empty_slots():
    ident = ok(EMPTY_OLD + "||||")
    assert len(ident.raw.split("|")) == 11
    assert ident.card is CardKind.CAN_CUOC and ident.address_label_vi == "Nơi cư trú"
    assert ident.cancelled_ids == () and ident.parents == ()
    assert ok(SEVEN).card is CardKind.CCCD_CHIP and ok(SEVEN).address_label_vi == "Nơi thường trú"


def test_new_card_keeps_cancelled_ids_and_parents():
    ident = ok(NEW_CARD)
    assert ident.cancelled_ids == ("030095001122",)
    assert ident.parents == ("Nguyễn Văn Bình", "Trần Thị Cúc")
    assert ident.to_payload()["SoDinhDanhDaHuy"] == ["030095001122"]
    two = ok(EMPTY_OLD + "|123456789, 030095001122|||")
    assert two.cancelled_ids == ("123456789", "030095001122")


def test_unknown_format_message_tells_the_citizen_what_to_do():
    message = refused("eyJhbGciOiJFUzI1NiJ9.payload.sig").reason_vi
    assert "VNeID" in message and "bàn phím" in message
    assert "giữ thẻ yên" not in message  # not a misread: retrying the same code cannot help


HIDDEN = [chr(c) for c in range(0x110000)
          if unicodedata.category(chr(c)) in ("Cf", "Zl", "Zp")]
"""Every format character (bidirectional overrides and isolates, zero-width joiners and spaces, the
BOM, soft hyphen, tags …) and the line/paragraph separators."""


@pytest.mark.parametrize("char", ["\u202e", "\u202d", "\u2067", "\u200d", "\u200b", "\ufeff",
                                  "\u2060", "\u00ad", "\u061c", "\u200f"])
@pytest.mark.parametrize("field", [0, 1, 2, 3, 4, 5, 6])
def test_bidi_and_zero_width_characters_are_refused_in_every_field(char, field):
    fields = SEVEN.split("|")
    fields[field] = fields[field][:2] + char + fields[field][2:]
    refusal = refused("|".join(fields))
    assert refusal.code == "not_id_card"
    assert f"U+{ord(char):04X}" in refusal.reason_en and f"field {field + 1}" in refusal.reason_en


@settings(max_examples=300, deadline=None)
@given(
    st.from_regex(r"[0-9]{12}", fullmatch=True),
    st.one_of(st.just(""), st.from_regex(r"[0-9]{9}|[0-9]{12}", fullmatch=True)),
    names,
    st.integers(1900, 2100),
    st.sampled_from(["0000{y}", "00{m:02d}{y}", "{d:02d}00{y}", "{y}"]),
    st.integers(1, 12),
    st.integers(1, 28),
    st.sampled_from(["Nam", "Nữ"]),
    addresses,
    st.lists(st.one_of(st.just(""), st.from_regex(r"[0-9]{12}", fullmatch=True), names),
             min_size=4, max_size=4),
)
def test_generated_year_only_and_new_cards(id_no, old, name, year, shape, m, d, sex, address,
                                           slots):
    birth = shape.format(y=f"{year:04d}", m=m, d=d)
    fields = [id_no, old, name, birth, sex, address, "01012100", *slots]
    text = "|".join(fields)
    if len(text) > MAX_TEXT_LEN:
        return
    ident = ok(text)
    assert ident.year_only and ident.birth_year == year and ident.birth_text == f"{year:04d}"
    assert ident.old_id_number == (old or None)
    assert ident.card is CardKind.CAN_CUOC
    assert ident.cancelled_ids == tuple(f for f in slots if f.isdigit())
    assert ident.to_payload()["NgaySinh"] == f"{year:04d}"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="|"), max_size=200))
def test_text_without_pipes_is_never_parsed(payload):
    result = parse_card_qr(payload)
    assert isinstance(result, QrRefusal)
    assert result.code in ("unknown_format", "empty", "not_id_card", "too_long")


@settings(max_examples=300, deadline=None)
@given(
    payload=st.sampled_from([SEVEN, EMPTY_OLD, SIX, NEW_CARD]),
    char=st.sampled_from(HIDDEN),
    at=st.integers(min_value=1),
    as_bytes=st.booleans(),
)
def test_a_hidden_character_anywhere_after_the_start_is_refused(payload, char, at, as_bytes):
    at = 1 + at % (len(payload) - 1)  # a BOM at position 0 is the encoder's, and is dropped
    text = payload[:at] + char + payload[at:]
    result = parse_card_qr(text.encode("utf-8") if as_bytes else text)
    assert isinstance(result, QrRefusal) and result.code == "not_id_card", (char, at)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from([*"0123456789|NamữguyễnHà ,", *HIDDEN[:40], "\u202e"]),
               max_size=120))
def test_no_accepted_identity_carries_a_hidden_character(payload):
    result = parse_card_qr(payload)
    if isinstance(result, Identity):
        for value in (result.full_name, result.address, result.raw, result.id_number):
            assert not any(unicodedata.category(c) in ("Cf", "Zl", "Zp") for c in value)
