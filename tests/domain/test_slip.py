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
HOTLINE = "0235 3800 000"
SAMPLE = dataclasses.replace(
    sample_slip(dataclasses.replace(
        CONFIG, kiosk=dataclasses.replace(CONFIG.kiosk, hotline=HOTLINE))),
    tracking_code="ABCD-2345",
    result_delivery="Nhận trực tiếp tại Bộ phận Một cửa",
)


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


def _symbols(img: Image.Image) -> dict[str, str]:
    zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp not installed")
    found = zxingcpp.read_barcodes(img.convert("L"))
    return {str(r.format).replace(" ", ""): r.text for r in found}


def test_qr_links_to_lookup_page_and_code128_carries_the_code(rendered):
    """The QR opens the lookup page; the Code128 beside it is the dossier code, for the
    officer's hand scanner (issue 14 item 12)."""
    _, img = rendered
    assert _symbols(img) == {
        "QRCode": f"https://dichvucong.example.gov.vn/tra-cuu?ma={SAMPLE.dossier_code}",
        "Code128": SAMPLE.dossier_code,
    }


@pytest.mark.parametrize("width", [576, 384])
def test_the_printers_escpos_bytes_carry_both_symbols(tmp_path, width):
    """Through python-escpos: the raster the head burns (decoded back from the ESC/POS bytes)
    still scans as the QR and the Code128."""
    from hw.printer.sim import SimPrinter

    printer = SimPrinter(tmp_path, width)
    printer.print_image(render_slip(SAMPLE, width))
    printer.cut()
    (png,) = printer.jobs
    assert png.with_suffix(".bin").read_bytes().count(b"\x1dv0") > 1  # GS v 0 raster bands
    with Image.open(png) as img:
        assert _symbols(img)["Code128"] == SAMPLE.dossier_code


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
    # issue 14 item 12: what provincial slips print
    assert "Liên 1: Giao người nộp hồ sơ" in text
    assert "Số: 153/TNHS" in text and "Số thứ tự: 153" in text
    assert re.search(r"Số định danh cá nhân: 001\S{4,9}000", text)  # OCR reads * variously
    assert "001099000000" not in text
    assert re.search(r"7[.,] Phí, lệ phí: Lệ phí do Hội đồng nhân dân cấp tỉnh", text)
    assert "Tình trạng nộp phí: Chưa nộp" in text
    assert "Hình thức nhận kết quả: Nhận trực tiếp tại Bộ phận Một cửa" in text
    assert "mang theo CCCD (thẻ căn cước) và giấy này khi nhận kết quả" in text
    assert f"Đường dây nóng: {HOTLINE}" in text
    assert "ABCD-2345" in text


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


# --- issue 14 item 12: the slip's added lines --------------------------------------------------


def test_the_owner_id_is_partly_masked():
    assert slip_mod.mask_id("001099000123") == "001******123"
    assert slip_mod.mask_id("123456789") == "123***789"
    assert "001099000000" not in slip_text(SAMPLE)


def test_submitter_and_owner_when_they_differ():
    import datetime as dt

    from appliance.domain.identity import Identity, IdentitySource

    def person(id_number: str, name: str) -> Identity:
        return Identity(id_number=id_number, full_name=name, birth_date=dt.date(1980, 5, 6),
                        sex="Nam", address="Thôn Tây, xã Mẫu", source=IdentitySource.CARD_QR)

    owner, helper = person("001080000111", "Trần Văn Chủ"), person("001085000222", "Lê Văn Nộp")
    procedure = default_catalogue().get("1.004873")
    def slip(submitter: Identity) -> str:
        return slip_text(build_slip(
            procedure=procedure, dossier_code=SAMPLE.dossier_code, received=SAMPLE.received,
            due=SAMPLE.due, kiosk=CONFIG.kiosk, lookup_url=CONFIG.gateway.lookup_url,
            identity=owner, submitter=submitter))

    text = slip(helper)
    assert "Chủ hồ sơ: Trần Văn Chủ" in text and "Người nộp thay: Lê Văn Nộp" in text
    assert "001******111" in text and "001085000222" not in text
    same = slip(owner)
    assert "Ông/Bà: Trần Văn Chủ" in same and "Người nộp thay" not in same


@pytest.mark.parametrize(
    ("amount", "paid", "status"),
    [
        (0, False, "Tình trạng nộp phí: Không phải nộp"),
        (8000, False, "Tình trạng nộp phí: Chưa nộp (8.000 đồng); nộp tại bộ phận một cửa"),
        (8000, True, "Tình trạng nộp phí: Đã nộp"),
        (None, False, "Tình trạng nộp phí: Chưa nộp; nộp tại bộ phận một cửa"),
    ],
)
def test_the_fee_and_whether_it_is_paid(amount, paid, status):
    text = slip_text(dataclasses.replace(SAMPLE, fee_text="8.000 đồng/bản", fee_amount=amount,
                                         fee_paid=paid))
    assert "7. Phí, lệ phí: 8.000 đồng/bản" in text
    assert status in text


def test_the_fee_comes_from_the_catalogue():
    assert SAMPLE.fee_text == default_catalogue().get("1.004873").fee.text


def test_no_hotline_configured_prints_none():
    assert "Đường dây nóng" not in slip_text(sample_slip(CONFIG))


def test_register_number_falls_back_to_the_codes_daily_number_for_old_dossiers():
    """A reprint of a dossier finalized before the per-year number keeps what it printed."""
    text = slip_text(dataclasses.replace(SAMPLE, register_no=None))
    assert "Số: 0007/TNHS" in text and "Số thứ tự: 0007" in text


def test_official_code_and_date_on_a_reprint():
    import datetime as dt

    reprint = dataclasses.replace(SAMPLE, official_code="H00.22-260216-0042",
                                  official_due=dt.date(2026, 2, 27))
    text = slip_text(reprint)
    assert "Mã hồ sơ trên cổng dịch vụ công: H00.22-260216-0042" in text
    assert "Ngày hẹn trả chính thức: ngày 27/02/2026" in text
    assert "khác ngày in lúc nộp" in text
    same = slip_text(dataclasses.replace(reprint, official_due=dt.date(2026, 2, 25)))
    assert "khác ngày in lúc nộp" not in same


@pytest.mark.parametrize("width", [576, 384])
def test_hoso_is_never_split_across_lines(width):
    """"HỒ" alone at a line's end reads as another word: the title and the signature titles keep
    "HỒ SƠ" together, at 58 mm too."""
    inner = width - 2 * (8 if width == 576 else 4)
    lines = [op[1][0] for op in slip_mod._text_ops(slip_mod.Line(TITLE, "title"), width, inner)]
    lines += [t for col in slip_mod._signature_columns(width, inner) for t, _ in col]
    assert not [ln for ln in lines if ln.rstrip().endswith(("HỒ", "hồ"))]
    assert any("HỒ SƠ" in ln for ln in lines)


codes = st.from_regex(r"[A-Z0-9]{1,6}(\.[A-Z0-9]{1,4}){0,3}-[0-9]{6}-[A-Z0-9]{1,8}-[0-9]{4,6}",
                      fullmatch=True)
hosts = st.from_regex(r"[a-z]{1,30}(\.[a-z]{2,12}){1,3}", fullmatch=True)


@settings(max_examples=80, deadline=None)
@given(codes, hosts, st.sampled_from([576, 384]))
def test_the_url_under_the_qr_never_breaks_the_code(code, host, width):
    url = f"https://{host}/tra-cuu?ma={code}"
    font = slip_mod._font("url", width)
    lines = slip_mod._url_lines(url, font, width - 8)
    assert "".join(t for t, _ in lines) == url
    assert any(code in t for t, _ in lines)
    assert all(f.getlength(t) <= width - 8 for t, f in lines)
