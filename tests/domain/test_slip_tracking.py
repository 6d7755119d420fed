"""What the slip says about tracking and about the officer's check (issues 13 item 10, 14 item 1):
the short code printed large under the QR, the dossier waiting for an officer, and a reprint
after the province answered that prints the official date."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from appliance.config import KioskConfig
from appliance.domain.slip import (
    ACCEPTED_VI,
    STYLES,
    WAITS_FOR_OFFICER_VI,
    render_slip,
    sample_slip,
    slip_lines,
    slip_text,
)

from .test_slip import _ocr  # one OCR helper: tesseract with the Vietnamese data

SAMPLE = dataclasses.replace(sample_slip(KioskConfig()), tracking_code="MAU7-K2PC")
OFFICIAL = dt.date(2026, 3, 4)


def test_the_tracking_code_is_printed_grouped_and_large() -> None:
    _top, bottom = slip_lines(SAMPLE)
    assert [ln.style for ln in bottom if ln.text == "MAU7-K2PC"] == ["tracking"]
    assert STYLES["tracking"].size_80 >= 1.8 * STYLES["body"].size_80
    assert STYLES["tracking"].size_58 >= 1.8 * STYLES["body"].size_58


@pytest.mark.parametrize("width", [576, 384], ids=["80mm", "58mm"])
def test_ocr_reads_the_tracking_code_and_the_officer_note(width: int) -> None:
    text = _ocr(render_slip(SAMPLE, width))
    assert "MAU7-K2PC" in text.replace(" ", "")
    assert "chờ cán bộ kiểm tra" in text and "yêu cầu bổ sung" in text


def test_an_original_slip_says_it_waits_for_the_officer_and_the_date_is_an_estimate() -> None:
    text = slip_text(SAMPLE)
    assert WAITS_FOR_OFFICER_VI in text and ACCEPTED_VI not in text
    assert "4. Thời gian nộp hồ sơ tại máy: 16 giờ 05 phút, ngày 13/02/2026" in text
    assert "5. Thời gian trả kết quả: 17 giờ 00 phút, ngày 25/02/2026" in text


def test_a_reprint_after_acceptance_says_the_officer_accepted_it() -> None:
    reprint = dataclasses.replace(SAMPLE, official_due=OFFICIAL, official_code="H56.1-260216-0003",
                                  citizen_name=None)
    text = slip_text(reprint)
    assert "Ngày hẹn trả chính thức: ngày 04/03/2026" in text
    assert "H56.1-260216-0003" in text
    assert ACCEPTED_VI in text and WAITS_FOR_OFFICER_VI not in text
    assert render_slip(reprint, 384).width == 384
