"""The Mẫu 01 slip: content, 1-bit raster at both paper widths, read back by OCR and QR decoding."""

from __future__ import annotations

import dataclasses
import difflib
import importlib.util
import re
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from appliance.config import KioskConfig
from appliance.domain import slip as slip_mod
from appliance.domain.calendar import NO_DATE_VI, DueDate
from appliance.domain.catalogue import default_catalogue
from appliance.domain.slip import (
    SEALED_VI,
    TITLE,
    build_slip,
    render_slip,
    sample_slip,
    save_slip_png,
    slip_text,
)
from hw.pdf import images_to_pdf
from kioskbase import fonts
from kioskbase.fonts import FontNotFound, find_font

CONFIG = KioskConfig()
SAMPLE = sample_slip(CONFIG)


def _ocr(img: Image.Image) -> str:
    pytesseract = pytest.importorskip("pytesseract", reason="pytesseract (dev extra) not installed")
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract binary not installed (Debian package tesseract-ocr)")
    if "vie" not in pytesseract.get_languages():
        pytest.skip("tesseract Vietnamese data not installed (Debian package tesseract-ocr-vie)")
    text = pytesseract.image_to_string(img.convert("L"), lang="vie", config="--psm 4")
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module", params=[576, 384], ids=["80mm", "58mm"])
def rendered(request) -> tuple[int, Image.Image]:
    return request.param, render_slip(SAMPLE, request.param)


def test_raster_is_one_bit_at_paper_width(rendered):
    width, img = rendered
    assert img.mode == "1"
    assert img.width == width
    assert 1000 < img.height < 4000
    # the first and last rows are paper, and there is ink in between
    assert img.getextrema() == (0, 255)


def test_qr_links_to_lookup_page_with_code(rendered):
    zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp not installed")
    _, img = rendered
    results = zxingcpp.read_barcodes(img.convert("L"))
    texts = [r.text for r in results]
    assert texts == [f"https://dichvucong.example.gov.vn/tra-cuu?ma={SAMPLE.dossier_code}"]


def test_ocr_reads_title_code_dates_and_components(rendered):
    _, img = rendered
    text = _ocr(img)
    # the title, with its diacritics (OCR may confuse one tone mark on bold capitals)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ" in text
    best = max(
        difflib.SequenceMatcher(None, TITLE, text[i : i + len(TITLE)]).ratio()
        for i in range(len(text) - len(TITLE))
    )
    assert best >= 0.9
    assert SAMPLE.dossier_code in text
    assert "Nguyễn Thị Mẫu" in text
    assert "16 giờ 05 phút, ngày 13/02/2026" in text  # received
    assert "17 giờ 00 phút, ngày 25/02/2026" in text  # due, 3 whole working days after Tết
    assert "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân theo mẫu (Bản chính; 1 trang)" in text
    assert "(Bản sao; 2 trang)" in text
    assert "Cấp Giấy xác nhận tình trạng hôn nhân" in text


@pytest.mark.parametrize(
    ("received", "line"),
    [
        ("2026-03-05 09:00", "Xã Mẫu, ngày 05 tháng 3 năm 2026"),
        ("2026-02-01 09:00", "Xã Mẫu, ngày 01 tháng 02 năm 2026"),
        ("2026-11-29 09:00", "Xã Mẫu, ngày 29 tháng 11 năm 2026"),
    ],
)
def test_place_and_date_line_in_administrative_style(received, line):
    """Nghị định 30/2020/NĐ-CP, Phụ lục I: a leading zero only for days 1–9 and months 1–2."""
    import datetime as dt

    data = dataclasses.replace(SAMPLE, received=dt.datetime.fromisoformat(received),
                               place="Xã Mẫu")
    assert line in slip_text(data).splitlines()


def test_a_provisional_due_date_says_so_on_the_slip():
    """A due date in a year whose holidays are not announced (2027 before Tết is) is marked."""
    import datetime as dt

    from appliance.domain.calendar import WorkingCalendar, due_date

    proc = default_catalogue().get("1.004873")
    received = dt.datetime(2026, 12, 30, 10, 0)
    due = due_date(proc, received, WorkingCalendar.from_config(CONFIG.calendar))
    text = slip_text(dataclasses.replace(SAMPLE, received=received, due=due))
    assert "Ngày hẹn trả là tạm tính: lịch nghỉ lễ năm 2027 chưa được công bố." in text
    assert "tạm tính" not in slip_text(SAMPLE)


def test_body_text_is_large_enough_for_thermal_paper():
    """Capitals at least 2 mm tall at 8 dots/mm (80 mm paper) — a receipt printer's font A."""
    for style in ("body", "bold"):
        font = slip_mod._font(style, 576)
        _, top, _, bottom = font.getbbox("H")
        assert bottom - top >= 16, style


def test_reprint_without_personal_data_says_so():
    reprint = dataclasses.replace(
        SAMPLE, citizen_name=None, citizen_address=None, citizen_phone=None, citizen_email=None
    )
    text = slip_text(reprint)
    assert SEALED_VI in text
    assert "Ông/Bà" not in text and "0912345678" not in text
    assert SAMPLE.dossier_code in text
    render_slip(reprint, 384)  # renders without the citizen block


def test_no_statutory_date_and_untrusted_clock():
    no_date = dataclasses.replace(SAMPLE, due=DueDate(None, ["none"]))
    assert f"5. Thời gian trả kết quả: {NO_DATE_VI}" in slip_text(no_date)
    untrusted = dataclasses.replace(SAMPLE, clock_trusted=False)
    text = slip_text(untrusted)
    assert "25/02/2026" not in text and "13/02/2026" not in text
    assert "Cán bộ sẽ thông báo sau" in text


def test_build_slip_lists_only_handed_in_components():
    procedure = default_catalogue().get("2.000815")
    slip = build_slip(
        procedure=procedure,
        dossier_code=SAMPLE.dossier_code,
        received=SAMPLE.received,
        due=SAMPLE.due,
        kiosk=CONFIG.kiosk,
        lookup_url=CONFIG.gateway.lookup_url,
        pages={"BAN_CHINH": 3},
    )
    # the kiosk scanned the original; the officer compares it when the citizen brings it back
    assert [(c.paper, c.pages) for c in slip.components] == [
        ("Bản chính: mang theo khi nhận kết quả để cán bộ đối chiếu", 3)]
    assert slip.citizen_name is None  # no identity: a reprint


def test_png_and_pdf_for_the_simulated_printer(tmp_path):
    png = save_slip_png(SAMPLE, tmp_path / "slip.png", 576)
    with Image.open(png) as img:
        assert img.size[0] == 576 and img.mode == "1"
    data = images_to_pdf([render_slip(SAMPLE, 384)])
    assert data.startswith(b"%PDF")
    # the page is the paper's printable width: 384 dots at 203.2 dpi = 48 mm = 136 pt
    box = re.search(rb"/MediaBox \[ ?0 0 ([0-9.]+) ([0-9.]+) ?\]", data)
    assert box and abs(float(box.group(1)) - 136.06) < 0.5


def test_bad_width_refused():
    with pytest.raises(ValueError):
        render_slip(SAMPLE, 500)


def test_font_found_and_missing_font_explained(tmp_path, monkeypatch):
    assert find_font().name == "DejaVuSans.ttf"
    find_font.cache_clear()
    monkeypatch.setattr(fonts, "FONT_DIRS", (str(tmp_path),))
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    try:
        with pytest.raises(FontNotFound, match="fonts-dejavu-core"):
            find_font()
        monkeypatch.setenv(fonts.FONT_ENV, "/usr/share/fonts/truetype/dejavu")
        assert find_font().is_file()
    finally:
        find_font.cache_clear()


words = st.text(
    alphabet=st.sampled_from("aăâđêôơưáàảãạấầẩẫậắằẳẵặớờởỡợứừửữựWMQ0123456789-./?=:"),
    min_size=1,
    max_size=60,
)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(words, min_size=1, max_size=25),
    st.sampled_from([576, 384]),
    st.sampled_from(["", "1) ", "12) "]),
)
def test_wrap_fits_the_paper_and_loses_nothing(parts, width_dots, indent):
    font = slip_mod._font("body", width_dots)
    inner = width_dots - 16
    text = " ".join(parts)
    lines = slip_mod.wrap(text, font, inner, indent)
    assert all(font.getlength(line) <= inner for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
