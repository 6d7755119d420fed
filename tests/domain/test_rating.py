"""Satisfaction ratings: three levels, reason for "Không hài lòng", per-criterion items."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.domain.rating import CRITERIA, LEVELS, RatingError, validate_rating

CODE = "000.00.00.H56-261129-K01-0007"


def test_levels_and_labels():
    assert LEVELS == {
        "rat_hai_long": "Rất hài lòng",
        "hai_long": "Hài lòng",
        "khong_hai_long": "Không hài lòng",
    }


def test_valid_rating_with_items():
    r = validate_rating(CODE.lower(), "hai_long", items={"dung_hen": "rat_hai_long"})
    assert r.dossier_code == CODE
    assert r.label == "Hài lòng"
    assert r.reason is None
    payload = r.to_payload()
    assert payload["items"] == [
        {
            "criterion": "dung_hen",
            "title": CRITERIA["dung_hen"],
            "level": "rat_hai_long",
            "label": "Rất hài lòng",
        }
    ]


def test_unhappy_needs_a_reason_and_reason_is_normalised():
    with pytest.raises(RatingError) as info:
        validate_rating(CODE, "khong_hai_long", reason="   ")
    assert info.value.code == "reason_required"
    assert info.value.reason_vi.startswith("Xin vui lòng cho biết lý do")
    r = validate_rating(
        CODE, "khong_hai_long", reason=unicodedata.normalize("NFD", "  Chờ   quá lâu ")
    )
    assert r.reason == "Chờ quá lâu"


def test_level_by_index_or_label_and_code_alias():
    """A screen of three buttons passes the index (0–2) or the label."""
    assert validate_rating(code=CODE, level=2, reason="Chờ lâu").level == "khong_hai_long"
    assert validate_rating(CODE, "Rất hài lòng").level == "rat_hai_long"
    assert validate_rating(CODE, 1, items={"tong_the": 0}).items == {"tong_the": "rat_hai_long"}
    assert validate_rating(CODE, 0).to_dict()["label"] == "Rất hài lòng"
    for bad in (3, -1, True, None, "rat hai long"):
        with pytest.raises(RatingError):
            validate_rating(CODE, bad)


def test_counter_code_can_be_rated():
    assert validate_rating("000.00.00.H56-250701-0001", "rat_hai_long").dossier_code == (
        "000.00.00.H56-250701-0001"
    )


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"dossier_code": "abc", "level": "hai_long"}, "invalid_dossier_code"),
        ({"dossier_code": None, "level": "hai_long"}, "invalid_dossier_code"),
        ({"dossier_code": CODE, "level": "tot"}, "invalid_level"),
        ({"dossier_code": CODE, "level": "hai_long", "reason": "x" * 501}, "reason_too_long"),
        ({"dossier_code": CODE, "level": "hai_long", "reason": "a\x00b"}, "invalid_reason"),
        (
            {"dossier_code": CODE, "level": "hai_long", "items": {"gia_ca": "hai_long"}},
            "invalid_item",
        ),
        ({"dossier_code": CODE, "level": "hai_long", "items": {"tong_the": "5"}}, "invalid_item"),
    ],
)
def test_refusals(kwargs, code):
    with pytest.raises(RatingError) as info:
        validate_rating(**kwargs)
    assert info.value.code == code
    assert unicodedata.is_normalized("NFC", info.value.reason_vi)
    assert info.value.reason_vi.endswith(".")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40), st.text(max_size=20), st.one_of(st.none(), st.text(max_size=600)))
def test_never_anything_but_rating_or_rating_error(code, level, reason):
    try:
        r = validate_rating(code, level, reason)
    except RatingError as exc:
        assert exc.reason_vi
        return
    assert r.level in LEVELS
    assert r.level != "khong_hai_long" or r.reason
