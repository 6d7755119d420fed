"""Old-card addresses → today's commune and province (issue 14 item 11): table, loader, fuzz."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.domain.addresses import AddressMap, AddressMapError, load_address_map
from appliance.domain.catalogue import CatalogueError, default_catalogue, load_catalogue

MAP = default_catalogue().address_map
TODAY = "xã Thăng Phú, thành phố Đà Nẵng"


@pytest.mark.parametrize(
    ("card", "today"),
    [
        ("Thôn 3, xã Bình Phú, huyện Thăng Bình, tỉnh Quảng Nam", f"Thôn 3, {TODAY}"),
        ("Thôn Bình Hiệp, xã Bình Quế, huyện Thăng Bình, tỉnh Quảng Nam",
         f"Thôn Bình Hiệp, {TODAY}"),
        # the unit words are optional, case and blanks do not matter
        ("Tổ 1,  Bình Phú , Thăng Bình, Quảng Nam", f"Tổ 1, {TODAY}"),
        ("THÔN 3, XÃ BÌNH PHÚ, HUYỆN THĂNG BÌNH, TỈNH QUẢNG NAM", f"THÔN 3, {TODAY}"),
        # the house and street parts are kept as read, commas and all
        ("Số 12, đường Lý Thường Kiệt, xã Bình Phú, huyện Thăng Bình, tỉnh Quảng Nam",
         f"Số 12, đường Lý Thường Kiệt, {TODAY}"),
    ],
)
def test_an_old_commune_is_mapped_to_today(card, today):
    mapped = MAP.map(card)
    assert mapped.text == today and mapped.mapped
    assert mapped.change.province == "thành phố Đà Nẵng"


@pytest.mark.parametrize(
    "card",
    [
        "Thôn 3, xã Thăng Phú, thành phố Đà Nẵng",  # already today's names
        "Thôn 1, xã Bình Phú, huyện Tây Sơn, tỉnh Bình Định",  # a Bình Phú of another province
        "Thôn Thử, xã Mẫu, tỉnh Mẫu",
        "xã Bình Phú, huyện Thăng Bình",  # too few parts to know the province
        "",
    ],
)
def test_anything_else_is_left_as_read(card):
    mapped = MAP.map(card)
    assert mapped.text == card and not mapped.mapped


def test_nfd_input_is_mapped_and_comes_back_nfc():
    card = unicodedata.normalize("NFD", "Thôn 3, xã Bình Phú, huyện Thăng Bình, tỉnh Quảng Nam")
    assert MAP.map(card).text == f"Thôn 3, {TODAY}"


_names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=30)
_head = st.lists(_names.filter(lambda s: "," not in s and s.strip() == s and s), max_size=3)
_old = st.sampled_from([
    ("xã Bình Phú", "huyện Thăng Bình", "tỉnh Quảng Nam"),
    ("Bình Quế", "Thăng Bình", "Quảng Nam"),
    ("Xã  Bình  Quế", "Huyện Thăng Bình", "Tỉnh Quảng Nam"),
])


@settings(max_examples=300, deadline=None)
@given(_head, _old)
def test_mapping_keeps_the_head_and_is_idempotent(head, old):
    """Property: a known old address maps to today's names with every part before the commune
    kept verbatim, and mapping the result again changes nothing."""
    card = ", ".join([*head, *old])
    mapped = MAP.map(card)
    assert mapped.text == ", ".join([*head, TODAY])
    assert MAP.map(mapped.text).text == mapped.text


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=700))
def test_any_text_is_mapped_or_returned_unchanged_never_an_error(text):
    """Fuzz: arbitrary text never raises; unless it ends in a known old commune it comes back as
    read (NFC), and whatever comes back is idempotent."""
    mapped = MAP.map(text)
    if not mapped.mapped:
        assert mapped.text == unicodedata.normalize("NFC", text)
    assert MAP.map(mapped.text).text == mapped.text


def test_another_province_is_added_as_data():
    """How a province adds its communes: entries in the catalogue's ``address_map``."""
    data = default_catalogue().to_dict()
    data["address_map"].append({
        "old_province": "tỉnh Bình Định", "old_district": "huyện Tây Sơn",
        "old_commune": "xã Bình Phú", "commune": "xã Bình Phú", "province": "tỉnh Gia Lai",
        "source": "synthetic example"})
    cat = load_catalogue(data)
    assert cat.address_map.map("Thôn 1, xã Bình Phú, huyện Tây Sơn, tỉnh Bình Định").text == (
        "Thôn 1, xã Bình Phú, tỉnh Gia Lai")
    assert cat.address_map.map("Thôn 3, Bình Phú, Thăng Bình, Quảng Nam").text == f"Thôn 3, {TODAY}"
    assert load_catalogue(cat.to_dict()) == cat


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"old_province": "Quảng Nam"}, "address_map[0]: expected a list"),
        ([{"old_province": "Quảng Nam"}], "address_map[0]: old_district: expected a non-empty"),
        ([{"old_province": "x", "old_district": "y", "old_commune": "xã", "commune": "z",
           "province": "w"}], "address_map[0]: old_commune: expected a non-empty"),
        ([{"old_province": "x", "old_district": "y", "old_commune": "a, b", "commune": "z",
           "province": "w"}], "old_commune: a unit name has no comma"),
        ([{"old_province": "x", "old_district": "y", "old_commune": "a", "commune": "z",
           "province": "w", "colour": "red"}], "unknown field 'colour'"),
        ([{"old_province": "x", "old_district": "y", "old_commune": "a", "commune": "z",
           "province": "w"}, {"old_province": "X", "old_district": "huyện y",
                              "old_commune": "xã A", "commune": "z", "province": "w"}],
         "address_map[1]: xã A is listed twice"),
    ],
)
def test_a_bad_table_is_refused_naming_the_entry(entries, message):
    data = default_catalogue().to_dict()
    data["address_map"] = entries
    with pytest.raises(CatalogueError) as info:
        load_catalogue(data)
    assert message.replace("address_map[0]: expected a list", "address_map: expected a list") \
        in str(info.value)
    with pytest.raises(AddressMapError):
        load_address_map(entries)


def test_an_empty_table_maps_nothing():
    card = "Thôn 3, xã Bình Phú, huyện Thăng Bình, tỉnh Quảng Nam"
    assert AddressMap().map(card).text == card
