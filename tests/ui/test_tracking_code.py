"""Tracking through the real window, with the real portal-sim and sync daemon processes: the
short code typed on its keypad (8 taps), the success screen's code and QR, and the province's
answers (an official date that differs from the slip, with a reprint; more papers needed)."""

from __future__ import annotations

import datetime as dt

import pytest

from appliance.app import slips
from appliance.clock import VN_TZ
from appliance.domain.slip import SlipData, slip_text
from appliance.domain.tracking_code import display_tracking_code, is_valid
from appliance.ui import strings as T
from appliance.ui.tracking_words import when_text

from .harness import Driver


@pytest.fixture
def fresh(ui: Driver) -> dict:
    """A new dossier made through the screens and delivered by the sync daemon, as the gateway
    lists it, with its tracking code (each test answers its own dossier)."""
    from appliance.ui.tour import sample_pages, simulated_session

    code = simulated_session(ui.app, sample_pages(1, seed=5))
    ui.settle()
    held = ui.wait_until(lambda: next((d for d in ui.gateway.dossiers()
                                       if d["dossier_code"] == code and d["complete"]), None),
                         120, "delivery")
    record = ui.app.services.store.find_by_code(code)
    assert record is not None and is_valid(record.tracking_code or "")
    return {**held, "tracking_code": record.tracking_code, "record": record}


def type_code(ui: Driver, code: str) -> int:
    """Open tracking from the welcome screen and tap the code's symbols; returns the taps."""
    ui.at("welcome")
    ui.tap(ui.screen.ids.track)
    track = ui.at("track")
    taps = 1
    for symbol in code:
        ui.tap(track.ids.keypad.key_labelled(symbol))
        taps += 1
    return taps


def test_the_success_screen_shows_the_tracking_code_and_the_qr(ui: Driver) -> None:
    from appliance.ui.tour import sample_pages, simulated_session

    seen: list[tuple[str, str, object]] = []
    success = ui.app.root.get_screen("success")
    success.bind(print_state=lambda screen, state: seen.append(
        (screen.tracking, screen.qr, screen.ids.qr.texture)) if state == "printed" else None)
    code = simulated_session(ui.app, sample_pages(1, seed=6))
    record = ui.app.services.store.find_by_code(code)
    assert record is not None
    tracking, qr, texture = seen[-1]
    assert tracking == display_tracking_code(record.tracking_code or "")
    assert qr.endswith(f"?ma={code}") and texture is not None


def test_a_short_code_is_eight_taps_on_its_keypad_and_names_the_procedure(
        ui: Driver, fresh: dict) -> None:
    ui.wait_until(lambda: ui.app.services.store.find_by_code(fresh["dossier_code"])
                  .portal_status == 1, 120, "status 1 pulled by the sync daemon")
    track = ui.app.root.get_screen("track")
    assert T.TRACK_QR in track.ids.say.text  # the one-step path is said first
    taps = type_code(ui, fresh["tracking_code"])
    assert taps == 9  # "Tra cứu hồ sơ", then 8 symbols: the eighth looks the code up
    assert track.ids.entry.text == display_tracking_code(fresh["tracking_code"])
    ui.wait_until(lambda: track.result, what="tracking result")
    assert f"{T.TRACK_PROCEDURE}: Đăng ký khai sinh" in track.result
    assert T.TRACK_SUBMITTED in track.result and "dự kiến" in track.result
    assert not track.reprint_code


def test_a_mistyped_code_is_caught_before_any_lookup(ui: Driver, fresh: dict) -> None:
    code = fresh["tracking_code"]
    wrong = code[:3] + next(c for c in "23456789" if c != code[3]) + code[4:]
    type_code(ui, wrong)
    track = ui.screen
    ui.wait_until(lambda: track.message == T.TRACK_BAD_CODE, what="bad code")
    assert not track.result


def test_an_official_date_that_differs_is_said_and_reprinted(ui: Driver, fresh: dict,
                                                            monkeypatch) -> None:
    printed = fresh["record"].due_at
    official = (printed or dt.datetime.now(VN_TZ)) + dt.timedelta(days=5)
    official = official.astimezone(VN_TZ).replace(hour=16, minute=30, second=0, microsecond=0)
    ui.gateway.answer(fresh["dossier_id"], "accept", due=official.isoformat())
    store = ui.app.services.store
    ui.wait_until(lambda: store.find_by_code(fresh["dossier_code"]).official_due_at, 120,
                  "the official answer pulled by the sync daemon")
    type_code(ui, fresh["tracking_code"])
    track = ui.screen
    ui.wait_until(lambda: track.result, what="tracking result")
    assert f"{T.TRACK_STATUS}: {T.TRACK_ACCEPTED}" in track.result
    assert when_text(official) in track.result
    if printed is not None:
        assert T.TRACK_DUE_CHANGED.format(printed=when_text(printed)) in track.result
    assert track.reprint_code == fresh["dossier_code"]

    reprinted: list[SlipData] = []
    real_print = slips.print_slip

    def spy(printer: object, slip: SlipData) -> None:
        reprinted.append(slip)
        real_print(printer, slip)  # type: ignore[arg-type]  # the kiosk's own printer

    monkeypatch.setattr(slips, "print_slip", spy)
    printer = ui.app.services.devices.printer
    jobs = len(printer.jobs)
    ui.tap(ui.nav("next"))  # with an official date, the main action is the reprint
    ui.wait_until(lambda: track.info == T.TRACK_REPRINTED or track.message, 30, "reprinted")
    assert track.info == T.TRACK_REPRINTED, track.message
    assert len(printer.jobs) == jobs + 1 and ui.nav("next").text == T.TRACK_AGAIN
    text = slip_text(reprinted[-1])
    assert f"Ngày hẹn trả chính thức: ngày {official:%d/%m/%Y}" in text
    assert display_tracking_code(fresh["tracking_code"]) in text


def test_more_papers_shows_the_officer_s_reason(ui: Driver, fresh: dict) -> None:
    reason = "Thiếu bản sao giấy chứng sinh"
    ui.gateway.answer(fresh["dossier_id"], "more_papers", reason=reason)
    store = ui.app.services.store
    ui.wait_until(lambda: store.find_by_code(fresh["dossier_code"]).portal_status == 5, 120,
                  "the answer pulled by the sync daemon")
    type_code(ui, fresh["tracking_code"])
    track = ui.screen
    ui.wait_until(lambda: track.result, what="tracking result")
    assert T.TRACK_MORE_PAPERS.format(reason=reason) in track.result
    assert T.TRACK_MORE_PAPERS_COME in track.result and not track.reprint_code
