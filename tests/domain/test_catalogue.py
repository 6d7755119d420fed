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
    assert [p.code for p in groups["Chứng thực"]] == ["2.000815", "2.000884", "2.001035"]
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
            "thoi_han_dang_ky": "Trong 60 ngày kể từ ngày sinh",
            "mien_le_phi": "Không thuộc các trường hợp trên",
            "nhan_ket_qua": "Nhận trực tiếp tại nơi nộp hồ sơ",
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
        # An unhashable value against a dict of allowed keys was a TypeError, not a CatalogueError.
        ([*P0, "components", 0, "paper"], ["copy"], "procedure 1.001193: components[0]: paper"),
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
            ["procedures", 13, "fee", "rules", 0, "tiers"],
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
        held.time_limit.value = 5  # type: ignore[misc]  # the frozen error is what is tested


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


# --- issue 14 items 7–9: more procedures, fee exemptions, corrections, result delivery -----------

from appliance.domain.calendar import WorkingCalendar, due_date  # noqa: E402
from appliance.domain.catalogue import (  # noqa: E402
    DELIVERIES,
    DELIVERY_FIELD,
    EXEMPTION_FIELD,
    FIELD_TYPES,
    NOT_EXEMPT,
    POSTAL_ADDRESS_FIELD,
)

POOR = "Người thuộc hộ nghèo"
OFFICE, POST, ONLINE = DELIVERIES


def test_at_least_twenty_procedures_with_the_high_volume_ones():
    codes = [p.code for p in CAT.procedures]
    assert len(codes) >= 20 and len(set(codes)) == len(codes)
    names = " | ".join(p.name for p in CAT.procedures)
    for wanted in ("khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
                   "khai tử, xóa đăng ký thường trú, giải quyết mai táng phí",
                   "Đăng ký lại kết hôn", "Đăng ký giám hộ", "Chứng thực hợp đồng, giao dịch",
                   "mức độ khuyết tật", "trợ cấp xã hội hàng tháng", "chi phí mai táng"):
        assert wanted in names, wanted
    assert "Bảo trợ xã hội" in CAT.by_field()


def test_every_procedure_is_complete_with_known_field_kinds_and_the_delivery_question():
    for p in CAT.procedures:
        assert p.components and p.fee.text and p.time_limit.text and p.result, p.code
        assert all(f.type in FIELD_TYPES for f in p.form), p.code
        assert [f.prefill for f in p.form[:3]] == ["full_name", "id_number", "address"], p.code
        delivery = p.form_field(DELIVERY_FIELD)
        assert delivery is not None and delivery.type == "choice", p.code
        assert set(delivery.options) <= set(DELIVERIES) and OFFICE in delivery.options, p.code
        assert (p.form_field(EXEMPTION_FIELD) is not None) == bool(p.fee.exemptions), p.code
        assert len({f.name for f in p.form}) == len(p.form), p.code


def test_a_fee_exemption_is_a_question_and_applies_to_the_fee_and_the_payload():
    cert = CAT.get("1.004873")
    question = cert.form_field(EXEMPTION_FIELD)
    assert question.options == (*cert.fee.exemptions, NOT_EXEMPT)
    assert set(cert.fee.exemptions) == {"Người thuộc gia đình có công với cách mạng", POOR,
                                        "Người khuyết tật"}
    quote = cert.fee_quote({EXEMPTION_FIELD: POOR})
    assert (quote.amount, quote.text, quote.exemption) == (0, f"Miễn lệ phí ({POOR})", POOR)
    fee = cert.payload_fields({EXEMPTION_FIELD: POOR})["DanhSachLePhi"][0]
    assert fee["Gia"] == 0 and fee["MienLePhi"] == POOR and fee["MaPhiLePhi"] == "1.004873"
    paying = cert.fee_quote({EXEMPTION_FIELD: NOT_EXEMPT})
    assert paying.amount is None and paying.text == "Theo mức thu của tỉnh (thường là 15.000 đồng)"


def test_late_registration_is_set_by_the_province_never_zero():
    birth = CAT.get("1.001193")
    on_time = birth.fee_quote({"thoi_han_dang_ky": "Trong 60 ngày kể từ ngày sinh",
                               EXEMPTION_FIELD: NOT_EXEMPT})
    late = birth.fee_quote({"thoi_han_dang_ky": "Sau 60 ngày kể từ ngày sinh",
                            EXEMPTION_FIELD: NOT_EXEMPT})
    assert (on_time.amount, on_time.text) == (0, "Miễn lệ phí")
    assert late.amount is None and late.text == "Theo mức thu của tỉnh"
    death = CAT.get("1.000656").fee_quote({"thoi_han_dang_ky": "Sau 15 ngày kể từ ngày chết"})
    assert death.amount is None and "0 đồng" not in death.text


def _answers(p):
    """Every combination of one option per choice field the fee or time limit depends on."""
    names = sorted({n for r in p.fee.rules for n, _ in r.when}
                   | ({EXEMPTION_FIELD} if p.fee.exemptions else set()))
    return st.fixed_dictionaries({n: st.sampled_from(p.form_field(n).options) for n in names})


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_a_fee_is_zero_only_when_free_or_exempt(data):
    """Property: over every procedure and answer, 0 đồng means a free rule or a chosen
    exemption; a provincial fee has no amount and says so."""
    p = data.draw(st.sampled_from(CAT.procedures))
    answers = data.draw(_answers(p))
    quote = p.fee_quote(answers)
    assert "0 đồng" not in quote.text.replace("000 đồng", "")
    if quote.amount == 0:
        assert quote.text.startswith("Miễn lệ phí")
    if quote.text.startswith("Theo mức thu của tỉnh"):
        assert quote.amount is None
    if quote.exemption is not None:
        assert answers[EXEMPTION_FIELD] == quote.exemption and quote.amount == 0


def test_chung_thuc_ban_sao_asks_for_the_original_when_collecting():
    original = CAT.get("2.000815").components[0]
    assert original.paper_vi == "Bản chính: mang theo khi nhận kết quả để cán bộ đối chiếu"
    assert "trả lại ngay" not in original.note and "máy không kiểm tra" in original.note


def test_component_lists_and_time_limits_corrected():
    cert = CAT.get("1.004873").time_limit.text
    assert "không quá 23 ngày." in cert and "23 ngày làm việc" not in cert
    again = CAT.get("1.004884")
    assert [c.code for c in again.components] == ["TO_KHAI", "GIAY_TO_KHAI_SINH",
                                                  "XAC_NHAN_CO_QUAN", "VAN_BAN_UY_QUYEN"]
    assert "cam đoan" in again.components[0].name
    business = [c.code for c in CAT.get("1.001612").components]
    assert "HOP_DONG_THUE" not in business and "GIAY_TO_PHAP_LY" in business


def test_bo_sung_ho_tich_is_same_day():
    change = CAT.get("1.004859")
    cal = WorkingCalendar()
    at = dt.datetime(2026, 12, 1, 9, 0)  # a Tuesday
    added = change.for_answers({"loai_yeu_cau": "Bổ sung"})
    assert added.time_limit.unit == "same_day" and added.time_limit.text.startswith("Bổ sung")
    assert due_date(added, at, cal).when == dt.datetime(2026, 12, 1, 17, 0)
    corrected = change.for_answers({"loai_yeu_cau": "Cải chính"})
    assert corrected is change and due_date(corrected, at, cal).when.date() == dt.date(2026, 12, 4)


def test_result_delivery_is_asked_and_goes_to_the_payload():
    birth = CAT.get("1.001193")
    assert birth.form_field(DELIVERY_FIELD).options == (OFFICE, POST, ONLINE)
    postal = {DELIVERY_FIELD: POST, POSTAL_ADDRESS_FIELD: "Thôn 3, xã Thăng Phú, thành phố Đà Nẵng"}
    fields = birth.payload_fields(postal)
    assert fields["HinhThuc"] == "1" and fields["HinhThucNhanKetQua"] == "buu_chinh"
    assert fields["DiaChiNhanKetQua"] == "Thôn 3, xã Thăng Phú, thành phố Đà Nẵng"
    assert birth.delivery(postal).slip.startswith("Gửi qua dịch vụ bưu chính công ích")
    office = birth.payload_fields({DELIVERY_FIELD: OFFICE, POSTAL_ADDRESS_FIELD: "x"})
    assert office["HinhThuc"] == "0" and office["DiaChiNhanKetQua"] is None
    assert birth.payload_fields({})["HinhThucNhanKetQua"] == "truc_tiep"
    assert birth.validate_form({DELIVERY_FIELD: POST})[POSTAL_ADDRESS_FIELD] == (
        "Xin vui lòng nhập địa chỉ nhận kết quả qua bưu chính.")
    marriage = CAT.get("1.000894").form_field(DELIVERY_FIELD)
    assert marriage.options == (OFFICE,)  # both spouses must be present


def _procedure_raw(code):
    data = raw()
    return data, next(p for p in data["procedures"] if p["code"] == code)


def _form_field(p, name):
    return next(f for f in p["form"] if f["name"] == name)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: _form_field(p, "mien_le_phi")["options"].pop(0),
         "procedure 1.004873: form: mien_le_phi: options must be the fee's exemptions"),
        (lambda p: p["fee"]["rules"][0].update(when={"tinh_trang_hon_nhan": "Góa"}),
         "procedure 1.004873: fee.rules[0]: when: 'Góa' is not an option"),
        (lambda p: p["fee"]["rules"][0].update(when={"muc_dich_su_dung": "Kết hôn"}),
         "form: a choice field 'muc_dich_su_dung' is needed"),
        (lambda p: _form_field(p, "nhan_ket_qua")["options"].append("Bồ câu"),
         "form: nhan_ket_qua: unknown option 'Bồ câu'"),
        (lambda p: p.update(form=[f for f in p["form"] if f["name"] != "dia_chi_nhan_ket_qua"]),
         "form: postal delivery needs a 'dia_chi_nhan_ket_qua' field"),
        (lambda p: p["time_limit"].update(variants=[{"unit": "same_day", "text": "x"}]),
         "time_limit: variants: each variant needs a 'when'"),
        (lambda p: p["fee"].update(exemptions=[NOT_EXEMPT]), "fee: exemptions"),
    ],
)
def test_questions_must_match_the_fee_and_delivery_rules(change, message):
    data, p = _procedure_raw("1.004873")
    change(p)
    with pytest.raises(CatalogueError) as info:
        load_catalogue(data)
    assert message in str(info.value)
