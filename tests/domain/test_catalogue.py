"""The procedure catalogue: shipped data, schema checks, round trip, replacement."""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import datetime as dt
import json
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.domain.calendar import OverrideKind
from appliance.domain.catalogue import (
    PREFILL_SOURCES,
    CatalogueError,
    default_catalogue,
    is_newer,
    load_catalogue,
    load_catalogue_json,
)
from appliance.domain.identity import Identity

CAT = default_catalogue()


def raw() -> dict:
    return copy.deepcopy(CAT.to_dict())


def test_shipped_catalogue_has_the_reference_procedures():
    codes = {p.code for p in CAT.procedures}
    assert len(codes) >= 10
    assert {"1.001193", "1.000894", "1.000656", "1.004873", "2.000635", "2.000815"} <= codes
    assert CAT.version
    birth = CAT.get("1.001193")
    assert birth.name == "Đăng ký khai sinh"
    assert birth.time_limit.unit == "same_day" and f"{birth.time_limit.cutoff:%H:%M}" == "15:00"
    assert CAT.get("1.004873").time_limit.value == 3
    assert CAT.get("no-such") is None


def test_every_text_is_nfc_and_every_procedure_complete():
    text = CAT.to_json()
    assert unicodedata.is_normalized("NFC", text)
    for p in CAT.procedures:
        assert p.components and p.form and p.fee.text and p.time_limit.text, p.code
        assert any(f.prefill == "full_name" for f in p.form), p.code


def test_prefill_sources_are_identity_attributes():
    attrs = {f.name for f in dataclasses.fields(Identity)}
    assert set(PREFILL_SOURCES) <= attrs


def test_by_field_groups_in_catalogue_order():
    groups = CAT.by_field()
    assert next(iter(groups)) == "Hộ tịch"
    assert [p.code for p in groups["Chứng thực"]] == ["2.000815", "2.000884"]
    assert sum(len(v) for v in groups.values()) == len(CAT.procedures)


def test_round_trip_through_json():
    again = load_catalogue_json(json.dumps(CAT.to_dict(), ensure_ascii=False))
    assert again == CAT
    assert again.to_dict() == CAT.to_dict()


def test_fee_estimates():
    assert CAT.get("2.000815").fee.estimate(copies=1, pages=1) == 2000
    assert CAT.get("2.000815").fee.estimate(copies=2, pages=5) == 2 * (2 * 2000 + 3 * 1000)
    assert CAT.get("2.000815").fee.estimate(copies=1, pages=500) == 200_000  # cap per copy
    assert CAT.get("2.000635").fee.estimate(copies=3) == 24_000
    assert CAT.get("1.001193").fee.estimate() == 0
    assert CAT.get("1.004884").fee.estimate() is None  # set by the province


def test_form_validation_messages():
    birth = CAT.get("1.001193")
    problems = birth.validate_form(
        {
            "nguoi_yeu_cau_ho_ten": "Trần Văn Bình",
            "nguoi_yeu_cau_so_dinh_danh": "12345",
            "nguoi_yeu_cau_noi_cu_tru": "Thôn Đông, xã Mẫu",
            "quan_he_voi_tre": "Hàng xóm",
            "tre_ho_ten": "Trần Thị Cúc",
            "tre_ngay_sinh": "31/02/2026",
            "tre_gioi_tinh": "Nữ",
        }
    )
    assert problems == {
        "nguoi_yeu_cau_so_dinh_danh": "Số định danh cá nhân gồm 12 chữ số. Xin vui lòng nhập lại.",
        "quan_he_voi_tre": "Xin vui lòng chọn quan hệ với người được khai sinh trong danh sách.",
        "tre_ngay_sinh": "Xin vui lòng nhập ngày sinh của trẻ theo dạng ngày/tháng/năm, "
        "ví dụ 05/09/2024.",
        "tre_noi_sinh": "Xin vui lòng nhập nơi sinh của trẻ.",
    }


def test_a_birth_date_prefilled_from_the_card_may_be_the_year_alone():
    """Elderly people's papers often give only the year: the card's "1950" is accepted in a birth
    date the card pre-fills; a child's birth date typed by hand still needs the full date."""
    own = next(f for p in CAT.procedures for f in p.form if f.prefill == "birth_date")
    assert own.type == "date"
    assert own.validate("1950") is None
    assert own.validate("05/03/1950") is None
    assert "hoặc chỉ năm sinh, ví dụ 1950" in own.validate("1850")
    assert "hoặc chỉ năm sinh" in own.validate("00/00/1950")
    child = next(f for f in CAT.get("1.001193").form if f.name == "tre_ngay_sinh")
    assert child.validate("2024") is not None and "năm sinh" not in child.validate("2024")


def test_pattern_hint_is_shown():
    copy_field = next(f for f in CAT.get("2.000815").form if f.name == "so_ban_sao")
    assert copy_field.validate("0") == "Số bản sao từ 1 đến 99."
    assert copy_field.validate("3") is None


def _break(path: list, value) -> dict:
    data = raw()
    node = data
    for key in path[:-1]:
        node = node[key]
    if value is KeyError:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return data


P0 = ["procedures", 0]


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (["version"], KeyError, "catalogue: version: missing"),
        (["schema"], 2, "catalogue: schema"),
        (["extra"], 1, "catalogue: unknown field 'extra'"),
        (["procedures"], [], "catalogue: procedures: must not be empty"),
        ([*P0, "name"], "", "procedure 1.001193: name: must not be empty"),
        (
            [*P0, "name"],
            "Đăng ky\u0301 khai sinh",
            "procedure 1.001193: name: text must be Unicode NFC",
        ),
        (
            [*P0, "time_limit", "unit"],
            "weeks",
            "procedure 1.001193: time_limit: unit: expected one of",
        ),
        (
            [*P0, "time_limit", "cutoff"],
            "3pm",
            "procedure 1.001193: time_limit: cutoff: expected HH:MM",
        ),
        ([*P0, "time_limit", "value"], 3, "procedure 1.001193: time_limit: value"),
        (["procedures", 3, "time_limit", "value"], 0, "procedure 1.004873: time_limit: value"),
        ([*P0, "components"], [], "procedure 1.001193: components: must not be empty"),
        ([*P0, "components", 0, "paper"], "photo", "procedure 1.001193: components[0]: paper"),
        ([*P0, "components", 0, "max_pages"], 0, "procedure 1.001193: components[0]: max_pages"),
        (
            [*P0, "components", 1, "code"],
            "TO_KHAI",
            "procedure 1.001193: components: duplicate 'TO_KHAI'",
        ),
        ([*P0, "form", 0, "type"], "colour", "procedure 1.001193: form[0]: type"),
        ([*P0, "form", 0, "prefill"], "mother", "procedure 1.001193: form[0]: prefill"),
        ([*P0, "form", 0, "pattern"], "([", "procedure 1.001193: form[0]: pattern: not a valid"),
        ([*P0, "form", 3, "options"], [], "procedure 1.001193: form[3]: options: a choice field"),
        ([*P0, "form", 0, "name"], "Họ tên", "procedure 1.001193: form[0]: name"),
        ([*P0, "fee", "rules", 0, "kind"], "bribe", "procedure 1.001193: fee.rules[0]: kind"),
        (
            ["procedures", 8, "fee", "rules", 0, "tiers"],
            [[3, 1, 1000]],
            "procedure 2.000815: fee.rules[0]: tiers[0]",
        ),
        (["procedures", 1, "code"], "1.001193", "procedure 1.001193: code: listed twice"),
        (
            ["calendar_overrides"],
            [{"date": "2026-13-01", "kind": "holiday"}],
            "calendar_overrides[0]: date",
        ),
    ],
)
def test_bad_catalogue_names_procedure_and_field(path, value, message):
    with pytest.raises(CatalogueError) as info:
        load_catalogue(_break(path, value))
    assert message in str(info.value)


def test_not_json():
    with pytest.raises(CatalogueError, match="not valid JSON"):
        load_catalogue_json(b"{\xff")


def test_calendar_overrides_travel_with_the_catalogue():
    data = raw()
    data["version"] = "2026.12.1"
    data["calendar_overrides"] = [
        {"date": "2026-11-24", "kind": "not_holiday", "name": "", "source": "gateway"}
    ]
    newer = load_catalogue(data)
    assert newer.calendar_overrides[0].kind is OverrideKind.NOT_HOLIDAY
    assert load_catalogue(newer.to_dict()) == newer
    assert is_newer(newer, CAT) and not is_newer(CAT, newer) and not is_newer(CAT, CAT)


def test_gateway_calendar_update_confirms_an_entry_with_its_source():
    """The gateway's catalogue carries each entry's source and confidence to the kiosk."""
    from appliance.config import CalendarSection
    from appliance.domain.calendar import Confidence, WorkingCalendar

    data = raw()
    data["calendar_overrides"] = [
        {"date": "2026-11-24", "kind": "holiday", "name": "Ngày Văn hóa Việt Nam",
         "source": "Nghị quyết 28/2026/QH16", "confidence": "confirmed"},
        {"date": "2027-02-05", "kind": "holiday", "name": "Tết Đinh Mùi", "source": "gateway"},
    ]
    cat = load_catalogue(data)
    assert [o.confidence for o in cat.calendar_overrides] == [Confidence.CONFIRMED,
                                                               Confidence.UNVERIFIED]
    assert load_catalogue(cat.to_dict()) == cat
    cal = WorkingCalendar.from_config(CalendarSection(), cat.calendar_overrides)
    day = dt.date(2026, 11, 24)
    assert cal.overrides[day].source == "Nghị quyết 28/2026/QH16" and cal.overrides[day].confirmed
    assert cal.unconfirmed_between(dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == []
    assert 2027 in cal.known_years
    bad = raw()
    bad["calendar_overrides"] = [{"date": "2026-11-24", "kind": "holiday", "confidence": "yes"}]
    with pytest.raises(CatalogueError, match=r"calendar_overrides\[0\]: confidence"):
        load_catalogue(bad)


def test_replacement_leaves_a_running_session_untouched():
    """A session holds its Procedure; loading a newer catalogue creates new objects."""
    held = CAT.get("1.004873")
    data = raw()
    data["version"] = "2027.1.1"
    data["procedures"][3]["time_limit"]["value"] = 5
    newer = load_catalogue(data)
    assert newer.get("1.004873").time_limit.value == 5
    assert held.time_limit.value == 3
    with pytest.raises(dataclasses.FrozenInstanceError):
        held.time_limit.value = 5  # type: ignore[misc]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 500) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(["version", "procedures", "calendar_overrides", "schema"]), json_values)
def test_garbage_gives_catalogue_error_never_a_crash(key, value):
    data = raw()
    data[key] = value
    with contextlib.suppress(CatalogueError):
        load_catalogue(data)
