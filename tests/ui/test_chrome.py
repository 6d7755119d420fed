"""The shared chrome on the real window: "Gọi cán bộ" in the header of every screen, and a call
for help that holds the inactivity countdown until staff or the citizen close the notice."""

from __future__ import annotations

from appliance.ui import app as app_module
from appliance.ui import strings as T

from .harness import Driver
from .test_journey import CARD, show_card, start_birth_registration


def test_help_from_a_journey_screen_keeps_the_place_and_pauses_the_countdown(ui: Driver) -> None:
    app, gpio = ui.app, ui.app.services.devices.gpio
    start_birth_registration(ui)
    wipes = app.wipes
    ui.tap(ui.nav("help"))
    ui.wait_until(lambda: app.help is not None, what="help notice")
    assert gpio.calling_staff and app.help.state == "called"
    # Long past the timeout: the app's own tick holds the session while help is on its way.
    app.idle.idle_since(app.idle.timeout_s + 5)
    ui.wait_until(lambda: app.idle.state().phase == "active", what="the tick holding the session")
    ui.pump(3)
    assert app.root.current == "identity" and app.wipes == wipes and not app.countdown
    assert app.session.procedure_code
    ui.tap(app.help.ids.close)
    ui.wait_until(lambda: app.help is None, what="help notice closed")
    assert not gpio.calling_staff and app.root.current == "identity"
    # Closed: the countdown runs again and ends the session as usual.
    app.idle.idle_since(app.idle.timeout_s + 5)
    ui.at("attract")
    assert app.wipes == wipes + 1 and not app.session.active


def test_help_nobody_closes_stops_holding_the_session_after_the_longest_wait(ui: Driver) -> None:
    app = ui.app
    start_birth_registration(ui)
    ui.tap(ui.nav("help"))
    ui.wait_until(lambda: app.help is not None, what="help notice")
    app._help_since -= app_module.HELP_WAIT_S  # called ten minutes ago, nobody came
    app.idle.idle_since(app.idle.timeout_s + 5)
    ui.at("attract")
    assert app.help is None and not app.services.devices.gpio.calling_staff


def test_a_ui_session_logs_no_clipboard_errors_nor_deprecation_warnings(tmp_path) -> None:
    """Every screen at both sizes (the screenshot tour, its own process): Kivy's log has no
    xclip/xsel import errors and no deprecated property warnings (allow_stretch, keep_ratio)."""
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-m", "appliance.ui.screenshots", str(tmp_path)],
                         capture_output=True, text=True, timeout=300, check=True)
    log = run.stdout + run.stderr
    assert "wrote" in log and "Clipboard: Provider" not in log
    for word in ("xclip", "xsel", "allow_stretch", "keep_ratio", "Deprecated"):
        assert word not in log, word


def test_a_good_card_says_whose_it_is_before_the_form(ui: Driver) -> None:
    start_birth_registration(ui)
    identity = ui.screen
    show_card(ui, CARD)
    ui.wait_until(lambda: identity.found, what="the card's owner")
    assert identity.found == T.ID_FOUND.format(name="Nguyễn Thị Mẫu")
    assert ui.app.root.current == "identity"  # shown, not skipped past
    ui.at("form")


def test_no_qr_read_for_a_while_says_what_to_do(ui: Driver) -> None:
    ui.at("welcome")
    start_birth_registration(ui)
    identity = ui.screen
    ui.tap(ui.nav("back"))
    ui.at("procedure")
    identity.hint_s = 0.5  # nothing in front of the camera: a worn card that never decodes
    try:
        ui.tap(ui.nav("next"))
        ui.at("identity")
        ui.wait_until(lambda: identity.hint, what="the hint")
        assert identity.hint == T.ID_NO_DECODE and identity.ids.banner.text == T.ID_NO_DECODE
        assert ui.nav("next").text == T.ID_MANUAL and ui.nav("next").kind == "primary"
    finally:
        identity.hint_s = 12.0


def test_a_long_procedure_list_pages_with_big_buttons_and_whole_rows(ui: Driver) -> None:
    from appliance.ui.paged import PagedList

    ui.tap(ui.screen.ids.submit)
    catalogue = ui.at("catalogue")
    ui.tap_text("Hộ tịch")
    listing: PagedList = catalogue.ids.choices
    ui.pump(3)
    names = [p.name for p in ui.app.services.catalogue.procedures("Hộ tịch")]
    assert len(names) > 3 and listing.pages > 1  # 800×480: they cannot all fit
    seen: list[str] = []
    for page in range(listing.pages):
        assert listing.page == page
        rows = [w for w in listing.area.children if getattr(w, "text", "") in names]
        for row in rows:  # every row shown is whole, inside the list's box
            assert listing.y <= row.y and row.top <= listing.top
        seen += [r.text for r in reversed(rows)]
        if page + 1 < listing.pages:
            ui.tap(listing.next)
    assert seen == names  # every procedure reachable by taps alone, in order, once
    assert listing.next.disabled and not listing.prev.disabled
    ui.tap(listing.prev)
    assert listing.page == listing.pages - 2


def test_every_procedure_shows_time_and_fee_without_scrolling(ui: Driver) -> None:
    """Every procedure of the catalogue, at both sizes: time limit and fee are on the first page,
    whole and inside the screen (nothing scrolls here); the rest follows on pages turned by
    buttons, every row whole."""
    from kivy.core.window import Window

    app = ui.app
    area = app.root.ids.sm
    try:
        for size in ((800, 480), (1080, 1920)):
            Window.size = size
            ui.pump(5)
            for proc in app.services.catalogue.procedures():
                app.go("procedure", code=proc.code)
                screen = ui.at("procedure")
                ui.pump(3)
                listing = screen.ids.details
                shown = [w for w in reversed(listing.area.children) if getattr(w, "text", "")]
                assert listing.page == 0 and len(shown) >= 2, (size, proc.code)
                assert T.TIME_LIMIT in shown[0].text and T.FEE in shown[1].text, proc.code
                for page in range(listing.pages):
                    rows = [w for w in listing.area.children if getattr(w, "text", "")]
                    for row in [screen.ids.name, *rows]:
                        bottom, top = row.to_window(0, row.y)[1], row.to_window(0, row.top)[1]
                        assert area.y <= bottom and top <= area.top, (size, proc.code, page)
                    for row in rows:
                        assert listing.y <= row.y and row.top <= listing.top, (size, proc.code)
                    if page + 1 < listing.pages:
                        ui.tap(listing.next)
    finally:
        Window.size = (800, 480)
        ui.pump(5)
        app.end_session("welcome")


def test_a_skipped_optional_paper_reads_as_not_needed_on_the_review(ui: Driver) -> None:
    from appliance.domain.idcard import parse_card_qr

    app, session = ui.app, ui.app.session
    session.procedure_code = "1.001193"
    session.identity = parse_card_qr(CARD)
    comps = app.services.components(session.procedure_code)
    for comp in comps:
        if comp.required:
            session.pages[comp.code] = [object()]  # counted, never shown on the review
    app.go("review")
    review = ui.at("review")
    text = "\n".join(f"{row.label}: {row.value}" for row in review.rows())
    optional = next(c for c in comps if not c.required)
    assert f"{optional.name}: {T.OPTIONAL_SKIPPED}" in text
    assert T.SCAN_TODO not in text
    app.end_session("welcome")


def test_the_staff_corner_is_where_the_guides_say_and_welcome_has_no_back(ui: Driver) -> None:
    """docs/field-staff.md: five quick taps on the bottom-left corner of the welcome screen."""
    from kivy.core.window import Window

    welcome = ui.at("welcome")
    emblem = welcome.ids.emblem
    x0, y0 = emblem.to_window(emblem.x, emblem.y)
    assert x0 < Window.width * 0.1 and y0 < Window.height * 0.1
    assert not ui.nav("back").text and ui.nav("back").opacity == 0
    for _ in range(5):
        ui.tap(emblem)
    ui.at("staff_pin")
    ui.app.end_session("welcome")
