"""Kiosk lockdown, Telex from a real keyboard, voice, GPIO (help, motion), systemd watchdog, and
staff mode's tabs, on the running app."""

from __future__ import annotations

import shutil

import pytest
from kivy.core.window import Window

from appliance.ui import strings as T
from hw.printer import PaperState

from .harness import Driver
from .test_journey import show_card, start_birth_registration


def test_no_key_leads_out_of_the_kiosk(ui: Driver) -> None:
    for key, mods in ((27, []), (282, []), (285, ["alt"]), (ord("q"), ["ctrl"])):
        Window.dispatch("on_keyboard", key, 0, "", mods)
        ui.pump(2)
    Window.dispatch("on_request_close")
    ui.pump(2)
    assert ui.app.root.current == "welcome" and ui.app.root.get_root_window() is Window
    assert not any(type(w).__name__ == "SettingsWithSidebar" for w in Window.children)


def test_telex_from_a_plugged_in_keyboard(ui: Driver) -> None:
    start_birth_registration(ui)
    show_card(ui)
    form = ui.at("form")
    ui.tap_text("Mẹ")  # on to the child's name: a text question
    field = form.ids.value
    field.text = ""
    field.focus = True
    ui.pump(2)
    for ch in "Nguyeenx Thij Hoaf":
        Window.dispatch("on_textinput", ch)
        ui.pump(1)
    assert field.text == "Nguyễn Thị Hòa"
    field.focus = False


def test_help_button_and_screen_call_staff_through_gpio(ui: Driver) -> None:
    gpio = ui.app.services.devices.gpio
    ui.tap(ui.nav("help"))
    ui.wait_until(lambda: ui.app.help is not None, what="help notice")
    assert ui.app.help.state == "called" and gpio.calling_staff
    ui.tap(ui.app.help.ids.close)
    ui.wait_until(lambda: ui.app.help is None, what="help notice closed")
    assert ui.app.root.current == "welcome" and not gpio.calling_staff
    gpio._help_button.pin.drive_low()  # the physical help button on the cabinet
    ui.wait_until(lambda: ui.app.help is not None, what="help notice from the cabinet button")
    gpio._help_button.pin.drive_high()
    assert gpio.calling_staff
    ui.tap(ui.app.help.ids.close)
    ui.wait_until(lambda: not gpio.calling_staff, what="help output off")


def test_motion_sensor_wakes_attract_mode(ui: Driver) -> None:
    ui.app.end_session("attract")
    ui.pump(2)
    ui.app.services.devices.gpio._motion.pin.drive_high()
    ui.at("welcome")
    ui.app.services.devices.gpio._motion.pin.drive_low()


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_voice_guidance_speaks_each_screen_when_on(ui: Driver) -> None:
    voice = ui.app.voice
    assert not voice.enabled
    ui.tap(ui.screen.ids.voice)
    try:
        assert voice.enabled and voice.last_said == T.WELCOME_SAY
        ui.tap(ui.screen.ids.submit)
        ui.at("catalogue")
        assert voice.last_said == T.CATALOGUE_SAY and voice._proc is not None
        ui.tap(ui.nav("back"))
        ui.at("welcome")
    finally:
        ui.tap(ui.screen.ids.voice)
    assert not voice.enabled


def test_main_loop_feeds_the_systemd_watchdog(ui: Driver) -> None:
    received: list[bytes] = []

    def read() -> bool:
        try:
            while True:
                received.append(ui.notify_socket.recv(512))
        except BlockingIOError:
            pass
        return any(m.startswith(b"WATCHDOG=1") for m in received)

    ui.wait_until(read, 5, "a watchdog ping")


def open_staff(ui: Driver):
    for _ in range(5):
        ui.tap(ui.screen.ids.emblem)
    pin = ui.at("staff_pin")
    pin.gate._locked_until = 0
    for digit in "1234":
        ui.tap_text(digit)
    ui.tap(ui.nav("next"))
    return ui.at("staff")


def content_texts(screen) -> list[str]:
    return [getattr(w, "text", "") for w in screen.ids.content.children]


def test_staff_tabs_show_and_act(ui: Driver) -> None:
    staff = open_staff(ui)
    ui.settle()
    texts = " ".join(content_texts(staff))
    assert "Chờ gửi" in texts and "Gửi thành công lần cuối" in texts
    ui.tap_text(T.STAFF_SEND_NOW)
    ui.settle()
    assert staff.message == T.STAFF_SEND_REQUESTED

    printer = ui.app.services.devices.printer
    jobs = len(printer.jobs)
    ui.tap_text(T.STAFF_REPORT)
    ui.settle()
    ui.wait_until(lambda: staff.message == T.STAFF_REPORT_PRINTED, what="report")
    assert len(printer.jobs) == jobs + 1

    ui.tap_text(T.STAFF_DEVICES)
    ui.settle()
    texts = " ".join(content_texts(staff))
    for name in (T.STAFF_CAMERA, T.STAFF_SCANNER, T.STAFF_PRINTER, T.STAFF_STORE):
        assert name in texts
    ui.tap_text(T.STAFF_TEST_PAGE)
    ui.wait_until(lambda: len(printer.jobs) == jobs + 2, what="test page")

    ui.tap_text(T.STAFF_TRANSPORT)
    ui.settle()
    ui.tap_text(T.STAFF_TRANSPORT_ON)
    ui.settle()
    store = ui.app.services.store
    assert store.get_setting("transport_mode") is True
    ui.tap_text(T.STAFF_TRANSPORT_OFF)
    ui.settle()
    assert store.get_setting("transport_mode") is False

    ui.tap_text(T.STAFF_SITE)  # the sites kiosk.toml lists, known with no gateway yet
    ui.settle()
    assert {"Nhà văn hóa thôn Đông", "Nhà văn hóa thôn Tây"} <= set(content_texts(staff))
    before = store.get_setting("site", ui.config.kiosk.site)
    try:
        ui.tap_text("Nhà văn hóa thôn Đông")
        ui.settle()
        assert store.get_setting("site") == "Nhà văn hóa thôn Đông"
    finally:
        store.set_setting("site", before)

    ui.tap_text(T.STAFF_CLOCK)
    ui.settle()
    assert content_texts(staff)  # trusted (host clock) or the confirmation button

    ui.tap_text(T.STAFF_WIFI)
    ui.settle()
    assert any(T.STAFF_WIFI_STATE.split(":")[0] in t for t in content_texts(staff)), (
        staff.message, content_texts(staff))
    ui.tap(ui.nav("back"))
    ui.at("welcome")


def test_transport_mode_refuses_new_submissions_with_the_reason(ui: Driver) -> None:
    store = ui.app.services.store
    store.set_setting("transport_mode", True)
    try:
        ui.tap(ui.screen.ids.submit)
        notice = ui.at("notice")
        assert notice.title == T.REFUSED_TITLE and T.REFUSED_NEXT in notice.text
    finally:
        store.set_setting("transport_mode", False)


def test_status_light_follows_the_queue(ui: Driver) -> None:
    from hw.gpio import Light

    services = ui.app.services
    indicators = services.devices.gpio.indicators
    store = services.store
    store.set_setting("transport_mode", False)
    ui.wait_until(lambda: not store.counts_by_state().get("queued", 0)
                  and not store.counts_by_state().get("sending", 0), 30, "queue drained by sync")
    services.update_light()
    ui.settle()
    expected = Light.FAULT if store.alerts() else Light.READY
    ui.wait_until(lambda: indicators.state is expected, 5, f"light {expected}")
    assert indicators._green.value == (expected is Light.READY)


def test_an_idle_welcome_screen_turns_into_attract_mode(ui: Driver) -> None:
    now = [5000.0]
    ui.app.idle._now = lambda: now[0]
    try:
        ui.app.idle.touch()
        now[0] += ui.app.idle.timeout_s + 1
        ui.at("attract")
        ui.tap(ui.screen)
        ui.at("welcome")
    finally:
        ui.app.idle._now = __import__("time").monotonic
        ui.app.idle.touch()


def test_rating_a_dossier_later_reaches_the_gateway(ui: Driver, delivered: dict) -> None:
    before = ui.gateway._call("/admin/stats")["ratings"]
    ui.tap(ui.screen.ids.rate)
    rating = ui.at("rating")
    rating.ids.entry.text = "not a code"
    ui.tap(ui.nav("next"))
    ui.wait_until(lambda: rating.message, what="refusal of a bad code")
    assert rating.phase == "code"
    rating.ids.entry.text = delivered["dossier_code"]
    ui.tap(ui.nav("next"))
    ui.wait_until(lambda: rating.phase == "level", what="levels")
    ui.tap_text(T.RATING_LEVELS[2])  # "Không hài lòng" asks why
    assert rating.phase == "reason"
    ui.tap_text(T.RATING_REASONS[0])
    ui.wait_until(lambda: rating.phase == "thanks", what="thanks")
    ui.tap(ui.nav("next"))
    ui.at("welcome")
    ui.wait_until(lambda: ui.gateway._call("/admin/stats")["ratings"] == before + 1, 30,
                  "the rating at the gateway")


def test_the_thank_you_returns_to_the_start_by_itself(ui: Driver, delivered: dict) -> None:
    ui.tap(ui.screen.ids.rate)
    rating = ui.at("rating")
    rating.thanks_s = 0.5
    try:
        rating.ids.entry.text = delivered["dossier_code"]
        ui.tap(ui.nav("next"))
        ui.wait_until(lambda: rating.phase == "level", what="levels")
        assert all(ui.button(level).kind != "primary" for level in T.RATING_LEVELS)  # no bias
        ui.tap_text(T.RATING_LEVELS[1])
        ui.wait_until(lambda: rating.phase == "thanks", what="thanks")
        assert not ui.nav("back").text and not ui.nav("cancel").text
        ui.at("welcome")  # nobody touched anything
    finally:
        rating.thanks_s = 8.0


def test_manual_identity_on_the_keypad_and_keyboard(ui: Driver) -> None:
    from appliance.domain.identity import IdentitySource

    start_birth_registration(ui)
    ui.tap(ui.nav("next"))  # "Nhập số thẻ"
    manual = ui.at("manual_id")
    for digit in "00108801234":  # one digit short
        ui.tap_text(digit)
    ui.tap(ui.nav("next"))
    assert manual.message == T.MANUAL_BAD and manual.phase == "number"
    ui.tap_text("5")
    ui.tap(ui.nav("next"))
    assert manual.phase == "name"
    ui.type_keys(manual.ids.keyboard, "lê␣vă{huyền}n␣an")
    assert manual.ids.name.text == "Lê Vằn An"  # names get capitals by themselves
    ui.tap(ui.nav("back"))  # back to the number, which is kept
    assert manual.phase == "number"
    ui.tap(ui.nav("next"))
    ui.tap(ui.nav("next"))
    ui.at("form")
    identity = ui.app.session.identity
    assert identity.source is IdentitySource.MANUAL and identity.id_number == "001088012345"
    assert ui.app.session.form["nguoi_yeu_cau_ho_ten"] == "Lê Vằn An"  # from the typed identity


def test_power_failure_asks_for_a_safe_shutdown(ui: Driver, monkeypatch) -> None:
    stopped: list[bool] = []
    monkeypatch.setattr(ui.app, "stop", lambda *_a: stopped.append(True))
    pin = ui.app.services.devices.gpio._power_fail.pin
    pin.drive_low()  # the UPS says mains power is gone (held past the glitch filter)
    try:
        ui.wait_until(lambda: stopped, 10, "safe shutdown")
    finally:
        pin.drive_high()
    events = [e["kind"] for e in ui.app.services.store.events(limit=20)]
    assert "safe_shutdown" in events and ui.app.shutdown_requested
    ui.app.shutdown_requested = False


def test_an_unconfigured_kiosk_stays_on_its_notice(ui: Driver) -> None:
    ui.app.unconfigured = "Không thấy tệp kiosk.toml trên thẻ nhớ."
    try:
        ui.app.end_session()
        notice = ui.at("notice")
        assert notice.title == T.UNCONFIGURED_TITLE and ui.app.unconfigured in notice.text
        ui.tap(ui.nav("cancel"))
        ui.tap(ui.nav("back"))
        assert ui.app.root.current == "notice"
    finally:
        ui.app.unconfigured = None
        ui.app.end_session()


def test_staff_see_a_quarantined_dossier_with_its_reason_and_restore_it(ui: Driver) -> None:
    from appliance.ui.tour import sample_pages, simulated_session

    store = ui.app.services.store
    with ui.sync_paused():  # the gateway must not take it before it is quarantined
        code = simulated_session(ui.app, sample_pages(1, seed=5))
        ui.settle()
        record = store.find_by_code(code)
        if str(record.state) == "sending":  # the daemon had begun: hand it back first
            store.mark_retry(record.id, "test", store.clock.wall())
        store.quarantine(record.id, "MaTTHC không còn hiệu lực")
        staff = open_staff(ui)
        ui.settle()
        texts = " ".join(content_texts(staff))
        assert f"{code}: MaTTHC không còn hiệu lực" in texts
        ui.tap_text(f"{T.STAFF_RESTORE} {code}")
        ui.settle()
        assert str(store.find_by_code(code).state) == "queued"
        assert T.STAFF_NO_QUARANTINE in " ".join(content_texts(staff))
    ui.tap(ui.nav("back"))


def test_the_ui_reports_device_status_for_kiosk_status_and_the_heartbeat(ui: Driver) -> None:
    store, printer = ui.app.services.store, ui.app.services.devices.printer

    def printer_report() -> dict:
        return store.device_status().get("devices", {}).get("printer", {})

    ui.wait_until(lambda: printer_report().get("state") == "ok", what="start-up report")
    printer.set_paper(PaperState.OUT)
    try:
        ui.app.end_session("welcome")  # after each session: the slip may have used the last paper
        ui.wait_until(lambda: printer_report().get("state") not in (None, "ok"),
                      what="paper-out report")
        report = printer_report()
        assert "paper" in report["code"] and report["reason_en"]
        # the card reader is reported too once a test has put one in (tests/ui/test_card.py)
        assert set(store.device_status()["devices"]) - {"card_reader"} == {
            "camera", "scanner", "printer", "gpio", "network"}
    finally:
        printer.set_paper(PaperState.OK)
    ui.app.end_session("welcome")
    ui.wait_until(lambda: printer_report().get("state") == "ok", what="paper back")


def test_a_citizen_session_raises_the_flag_the_sync_daemon_reads(ui: Driver) -> None:
    """No bundle download and no update reboot while someone is at the kiosk (issue 16)."""
    import time

    from appliance import session_flag

    data_dir = ui.app.services.store.data_dir
    assert not session_flag.is_active(data_dir, time.time())
    ui.tap(ui.screen.ids.submit)
    ui.at("catalogue")
    assert session_flag.is_active(data_dir, time.time())
    ui.app.end_session("welcome")
    assert not session_flag.is_active(data_dir, time.time())
