"""What the tracking screen says for each of the province's answers (no window needed)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from appliance.app.tracking import Tracking
from appliance.clock import VN_TZ
from appliance.ui import strings as T
from appliance.ui.tracking_words import describe, when_text

PRINTED = dt.datetime(2026, 12, 3, 17, 0, tzinfo=VN_TZ)
AT = dt.datetime(2026, 12, 2, 9, 0, tzinfo=VN_TZ)
BASE = Tracking("portal", 1, AT, PRINTED, False, AT, procedure_name="Đăng ký khai sinh",
                code="000.00.00.H56-261202-KK01-0001")


def _with(**changes: Any) -> Tracking:
    return dataclasses.replace(BASE, **changes)


def test_submitted_names_the_procedure_and_gives_the_estimate() -> None:
    answer = describe(BASE)
    assert answer.text.splitlines()[:2] == [f"{T.TRACK_PROCEDURE}: Đăng ký khai sinh",
                                            f"{T.TRACK_STATUS}: {T.TRACK_SUBMITTED}"]
    assert T.TRACK_DUE_ESTIMATE.format(when=when_text(PRINTED)) in answer.text
    assert answer.reprint_code is None


def test_accepted_on_the_printed_date_offers_no_reprint() -> None:
    answer = describe(_with(portal_status=2, official_due=PRINTED))
    assert f"{T.TRACK_STATUS}: {T.TRACK_ACCEPTED}" in answer.text
    assert T.TRACK_DUE_OFFICIAL.format(when=when_text(PRINTED)) in answer.text
    assert "khác ngày in" not in answer.text and answer.reprint_code is None


def test_accepted_on_another_date_says_so_and_offers_a_reprint_here_only() -> None:
    later = PRINTED + dt.timedelta(days=4)
    answer = describe(_with(portal_status=2, official_due=later))
    assert T.TRACK_DUE_OFFICIAL.format(when=when_text(later)) in answer.text
    assert T.TRACK_DUE_CHANGED.format(printed=when_text(PRINTED)) in answer.text
    assert answer.reprint_code == BASE.code
    elsewhere = describe(_with(portal_status=2, official_due=later, local=False))
    assert T.TRACK_DUE_CHANGED.format(printed=when_text(PRINTED)) in elsewhere.text
    assert elsewhere.reprint_code is None  # another kiosk's dossier: no reprint here


def test_more_papers_and_refusal_give_the_reason_and_no_date() -> None:
    more = describe(_with(portal_status=5, reason="Thiếu giấy chứng sinh"))
    assert T.TRACK_MORE_PAPERS.format(reason="Thiếu giấy chứng sinh") in more.text
    assert T.TRACK_MORE_PAPERS_COME in more.text and "17 giờ 00" not in more.text
    refused = describe(_with(portal_status=3, reason="Không thuộc thẩm quyền"))
    assert T.TRACK_REFUSED.format(reason="Không thuộc thẩm quyền") in refused.text
    assert "17 giờ 00" not in refused.text
    silent = describe(_with(portal_status=5))
    assert T.TRACK_MORE_PAPERS.format(reason=T.TRACK_NO_REASON) in silent.text


def test_a_result_says_to_come_and_collect_it() -> None:
    ready = describe(_with(portal_status=9, official_due=PRINTED))
    assert f"{T.TRACK_STATUS}: {T.TRACK_RESULT_READY}" in ready.text
    assert T.TRACK_RESULT_COME in ready.text
    assert f"{T.TRACK_STATUS}: {T.TRACK_RESULT_READY}" in describe(_with(portal_status=10)).text
