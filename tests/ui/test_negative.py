"""The paths that go wrong: timeout, cancel, bad QR, wrong card, no paper, full disk, PIN
lockout; and tracking a dossier the sync daemon has delivered."""

from __future__ import annotations

import weakref

from appliance.ui import strings as T
from hw.printer import PaperState

from .harness import Driver, walk
from .test_journey import CARD, confirm, fill_form, scan_both, show_card, start_birth_registration

BHYT = "DN4010120000001|4E677579E1BB856E|01/01/1980|2|4869|79-123|01/01/2024|-|0|"


def test_unreadable_qr_and_health_insurance_card_are_refused_with_next_step(ui: Driver) -> None:
    start_birth_registration(ui)
    screen = ui.screen
    show_card(ui, "xin chào, đây không phải thẻ")
    ui.wait_until(lambda: screen.message, what="refusal")
    assert "thẻ căn cước" in screen.message and ui.app.session.identity is None
    show_card(ui, BHYT)
    ui.wait_until(lambda: "bảo hiểm y tế" in screen.message, what="BHYT refusal")
    assert ui.app.root.current == "identity"
    show_card(ui, CARD)  # the right card still works afterwards
    ui.at("form")
    session = ui.app.session  # a new name: the checker still holds the `is None` above
    assert session.identity.full_name == "Nguyễn Thị Mẫu"


def test_cancel_asks_then_wipes_everything(ui: Driver) -> None:
    start_birth_registration(ui)
    show_card(ui)
    ui.at("form")
    tmp = ui.app.session.temp_dir()
    ui.tap(ui.nav("cancel"))
    ui.tap_text(T.CANCEL_NO)  # a stray touch does not lose the work
    assert ui.app.session.identity is not None and ui.app.root.current == "form"
    ui.tap(ui.nav("cancel"))
    ui.tap_text(T.CANCEL_YES)
    ui.at("welcome")
    assert not ui.app.session.active and not tmp.exists()
    assert ui.app.root.get_screen("form").ids.value.text == ""


def test_a_cancelled_session_leaves_no_widget_with_the_citizen_in_memory(ui: Driver) -> None:
    """The review summary shows the name and ID number; after cancel it must be gone from
    memory, not just from the screen (widgets live in reference cycles until collected)."""
    start_birth_registration(ui)
    show_card(ui)
    fill_form(ui)
    scan_both(ui)
    review = ui.at("review")
    row = next(w for r in review._widgets for w in walk(r)
               if "001088012345" in getattr(w, "text", ""))
    summary = weakref.ref(row)
    del row
    ui.tap(ui.nav("cancel"))
    ui.tap_text(T.CANCEL_YES)
    ui.at("welcome")
    ui.pump(2)
    assert summary() is None
    assert not any("001088012345" in getattr(w, "text", "") for w in walk(ui.app.root))


def test_inactivity_shows_a_countdown_then_wipes(ui: Driver) -> None:
    start_birth_registration(ui)
    show_card(ui)
    ui.at("form")
    now = [1000.0]
    ui.app.idle._now = lambda: now[0]
    ui.app.idle.touch()
    now[0] += ui.app.idle.timeout_s - 5
    ui.wait_until(lambda: ui.app.countdown == 5, what="countdown")
    assert ui.app._overlay is not None  # the countdown is on screen, over the form
    wipes = ui.app.wipes
    now[0] += 6
    ui.at("attract")
    assert ui.app.wipes == wipes + 1 and not ui.app.session.active and ui.app.countdown == 0
    ui.app.idle._now = __import__("time").monotonic
    ui.app.idle.touch()


def test_printer_out_of_paper_keeps_the_dossier_and_offers_reprint(ui: Driver) -> None:
    printer = ui.app.services.devices.printer
    printer.set_paper(PaperState.OUT)
    try:
        start_birth_registration(ui)
        show_card(ui)
        fill_form(ui)
        scan_both(ui)
        ui.at("review")
        ui.tap(ui.nav("next"))
        confirm(ui)
        success = ui.at("success")
        ui.wait_until(lambda: success.print_state == "failed", what="print failure")
        assert success.message == T.PRINT_FAIL
        assert ui.app.services.store.find_by_code(success.code) is not None  # saved anyway
        jobs = len(printer.jobs)
        printer.set_paper(PaperState.OK)  # staff put a new roll in
        ui.tap(success.ids.reprint)
        ui.wait_until(lambda: success.print_state == "printed", what="reprint")
        assert len(printer.jobs) == jobs + 1
    finally:
        printer.set_paper(PaperState.OK)


def test_disk_full_is_refused_before_the_citizen_starts(ui: Driver) -> None:
    store = ui.app.services.store
    reserve = store.reserve_bytes
    store.reserve_bytes = 1 << 60
    try:
        ui.tap(ui.screen.ids.submit)
        notice = ui.at("notice")
        assert notice.title == T.REFUSED_TITLE and T.REFUSED_NEXT in notice.text
        assert not ui.app.session.active
    finally:
        store.reserve_bytes = reserve


def test_staff_pin_is_rate_limited(ui: Driver) -> None:
    emblem = ui.screen.ids.emblem
    for _ in range(5):
        ui.tap(emblem)
    pin = ui.at("staff_pin")
    attempts = ui.app.services.config.staff.max_attempts
    for i in range(attempts):
        for digit in "9999":
            ui.tap_text(digit)
        ui.tap(ui.nav("next"))
        ui.settle()
        if i < attempts - 1:
            assert pin.message == T.STAFF_PIN_WRONG.format(n=attempts - 1 - i)
    lockout_s = ui.app.services.config.staff.lockout_s  # 300 s: said in minutes
    assert pin.message == T.STAFF_LOCKED_LONG.format(m=(lockout_s + 59) // 60)
    for digit in "1234":  # the right desktop PIN is refused while locked
        ui.tap_text(digit)
    ui.tap(ui.nav("next"))
    ui.settle()
    assert ui.app.root.current == "staff_pin" and "quá nhiều lần" in pin.message
    # a power cycle gives a new gate over the same store: still locked, the PIN is not checked
    restarted = ui.app.services.pin_gate()
    assert restarted.locked_for() == 0  # nothing read on the UI thread
    again = ui.app.services.on_store(lambda: restarted.attempt("1234")).result(10)
    assert not again.ok and again.locked_for_s == ui.app.services.config.staff.lockout_s
    pin.gate._locked_until = 0  # the lockout has passed
    for digit in "1234":
        ui.tap_text(digit)
    ui.tap(ui.nav("next"))
    staff = ui.at("staff")
    ui.wait_until(lambda: any(getattr(w, "text", None) == T.STAFF_SEND_NOW
                              for w in staff.ids.content.children), what="queue tab")


def test_tracking_a_synced_dossier_shows_its_status(ui: Driver, delivered: dict) -> None:
    store = ui.app.services.store
    target = delivered
    ui.gateway.set_status(target["dossier_id"], 4)  # staff at the commune start processing it
    ui.wait_until(lambda: store.find_by_code(target["dossier_code"]).portal_status == 4, 30,
                  "the status update pulled by the sync daemon")
    ui.tap(ui.screen.ids.track)
    track = ui.at("track")
    track.ids.entry.text = target["dossier_code"]
    ui.tap(ui.nav("next"))
    ui.wait_until(lambda: track.result, what="status")
    assert T.PORTAL_STATUS[4] in track.result
    assert track.stale == ""  # the daemon synced moments ago: nothing to warn about
    ui.tap(ui.nav("next"))  # "Tra mã khác": the keyboard comes back
    assert not track.showing and track.ids.entry.text == ""
    track.ids.entry.text = "000.00.00.H56-991231-K01-9999"
    ui.tap(ui.nav("next"))
    ui.wait_until(lambda: track.message == T.TRACK_NOT_FOUND, what="not found")
