"""A scripted walk through every screen with sample data: screenshots, the benchmark, docs.

It drives the real app the way a session does (real store, simulated devices, real finalize and
slip), but sets screen state directly instead of tapping, so it runs in a second per size.
Every person in it is synthetic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from appliance.ui import strings as T
from appliance.ui.headless import pump, wait_until

SAMPLE_CARD = "001088012345||Nguyễn Thị Mẫu|15031988|Nữ|Thôn Thử, xã Mẫu, tỉnh Mẫu|01012022"
SAMPLE_BHYT = "DN4010120000001|4E677579E1BB856E|01/01/1980|2|4869|79-123|01/01/2024|-|0|"
PROCEDURE = "1.001193"


def sample_pages(count: int, seed: int = 0) -> list[Any]:
    from appliance.app.samples import page_images

    return list(page_images(count, seed))


def steps(app: Any) -> Iterator[tuple[str, Callable[[], None]]]:
    """(name, action) for each screen state worth a screenshot, in journey order."""
    services, session = app.services, app.session
    services.wait_ready()
    camera = services.devices.camera

    def go(name: str, **kw: Any) -> Callable[[], None]:
        return lambda: app.go(name, **kw)

    yield "attract", go("attract")
    yield "welcome", go("welcome")
    yield "catalogue-fields", go("catalogue")

    def fields() -> None:
        app.root.get_screen("catalogue").choose_field("Hộ tịch")

    yield "catalogue-procedures", fields

    def search() -> None:
        screen = app.root.get_screen("catalogue")
        screen.mode = "search"
        screen.show()
        screen.ids.search.text = "khai sinh"

    yield "catalogue-search", search
    yield "procedure", go("procedure", code=PROCEDURE)

    def identity() -> None:
        session.procedure_code = PROCEDURE
        camera.inject(SAMPLE_BHYT)  # a refusal keeps the screen (and shows the banner)
        app.go("identity")
        wait_until(lambda: app.root.get_screen("identity").message, 10, "QR refusal")
        wait_until(lambda: app.root.get_screen("identity").ids.preview.texture, 10, "preview")

    yield "identity-wrong-card", identity

    def manual() -> None:
        camera.clear()
        app.go("manual_id")
        app.root.get_screen("manual_id").ids.number.text = "0010880"

    yield "manual-id", manual

    def form() -> None:
        from appliance.domain.idcard import parse_card_qr

        session.identity = parse_card_qr(SAMPLE_CARD)
        app.go("form", start=True)
        screen = app.root.get_screen("form")
        screen._show(4)
        screen.ids.value.text = "Trần Minh Khan"

    yield "form-keyboard", form

    def form_choice() -> None:
        app.root.get_screen("form")._show(3)

    yield "form-choice", form_choice

    def scan() -> None:
        session.form.update({"quan_he_voi_tre": "Mẹ", "tre_ho_ten": "Trần Minh Khang",
                             "tre_ngay_sinh": "01/06/2025", "tre_gioi_tinh": "Nam",
                             "tre_noi_sinh": "Bệnh viện huyện"})
        app.go("scan", start=True)
        screen = app.root.get_screen("scan")
        for index, pages in ((0, 2), (1, 1)):
            screen._show(index)
            services.devices.scanner.feed(sample_pages(pages, seed=index * 10))
            screen.scan()
            wait_until(lambda: not screen.busy and not services.busy, 30, "scan")
        screen._show(0)
        screen.info = T.SCAN_ORIGINAL_BACK

    yield "scan", scan
    yield "review", go("review")
    yield "confirm", go("confirm", fresh=True)

    def success() -> None:
        done: list[Any] = []
        services.finalize(session.to_draft(), done.append, lambda m: done.append(m))
        wait_until(lambda: done, 30, "finalize")
        if isinstance(done[0], str):
            raise RuntimeError(f"finalize refused in the tour: {done[0]}")
        session.result = done[0]
        app.go("success", result=done[0])
        screen = app.root.get_screen("success")
        wait_until(lambda: screen.print_state in ("printed", "failed"), 30, "slip")

    yield "success", success

    def rating() -> None:
        app.go("rating", code=session.result.code, after_submit=True)

    yield "rating", rating

    def rating_reason() -> None:
        app.root.get_screen("rating").phase = "reason"

    yield "rating-reason", rating_reason

    def track() -> None:
        code = session.result.code
        app.end_session("welcome")
        app.go("track")
        screen = app.root.get_screen("track")
        screen.ids.entry.text = code
        screen.go_next()
        wait_until(lambda: screen.result, 10, "tracking result")

    yield "track", track
    yield "help", go("help")

    def refused() -> None:
        services.cancel_help()
        app.go("notice", title=T.REFUSED_TITLE,
               text="Bộ nhớ của máy sắp đầy nên máy tạm ngừng nhận hồ sơ.\n" + T.REFUSED_NEXT)

    yield "refused", refused

    def countdown() -> None:
        app.go("procedure", code=PROCEDURE)
        app.idle.idle_since(app.idle.timeout_s - 12)  # the app's own tick shows the countdown
        wait_until(lambda: app.countdown, 5, "countdown")

    yield "countdown", countdown

    def pin() -> None:
        app.activity()
        wait_until(lambda: not app.countdown, 5, "countdown hidden")
        app.end_session("staff_pin")

    yield "staff-pin", pin
    for tab in ("queue", "devices", "clock", "transport", "site", "wifi"):
        def staff(tab: str = tab) -> None:
            app.go("staff", tab=tab)
            wait_until(lambda: not services.busy, 10, "staff data")
            pump(3)

        yield f"staff-{tab}", staff


def simulated_session(app: Any, pages: list[Any], number: int = 0) -> str:
    """One complete citizen session, the way the screens drive it: procedure, card, form,
    two scanned components, confirmation, finalize, slip, end. ``pages`` (images or image files)
    go into the simulated scanner for each component. Returns the dossier code."""
    from appliance.domain.idcard import parse_card_qr

    services, session = app.services, app.session
    services.wait_ready()
    app.go("catalogue")
    app.go("procedure", code=PROCEDURE)
    app.root.get_screen("procedure").go_next()
    session.identity = parse_card_qr(SAMPLE_CARD)
    app.go("form", start=True)
    session.form.update({"quan_he_voi_tre": "Mẹ", "tre_ho_ten": f"Trần Minh Khang {number}",
                         "tre_ngay_sinh": "01/06/2025", "tre_gioi_tinh": "Nam",
                         "tre_noi_sinh": "Bệnh viện huyện"})
    app.go("scan", start=True)
    scan = app.root.get_screen("scan")
    for index in (0, 1):
        scan._show(index)
        services.devices.scanner.feed(pages)
        scan.scan()
        wait_until(lambda: not scan.busy and not services.busy, 30, "scan")
    app.go("review")
    confirm = app.root.get_screen("confirm")
    app.go("confirm", fresh=True)
    confirm.ids.entry.text = confirm.code
    confirm.go_next()
    success = app.root.get_screen("success")
    wait_until(lambda: app.root.current == "success" and success.print_state == "printed", 30,
               "slip printed")
    code = success.code
    success.finish()
    pump(2)
    return code


def run_tour(app: Any, each: Callable[[str], None]) -> None:
    """Walk every step, letting background work finish, and call ``each(name)`` at each."""
    for name, action in steps(app):
        action()
        wait_until(lambda: not app.services.busy, 30, f"{name}: background work")
        pump(4)
        each(name)
    app.end_session("welcome")
