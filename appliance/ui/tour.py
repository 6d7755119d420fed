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
    app.services.wait_ready()
    yield from _Tour(app).plan()


class _Tour:
    """The tour's steps over one app; each step leaves the state the next one builds on."""

    def __init__(self, app: Any) -> None:
        self.app, self.services, self.session = app, app.services, app.session
        self.camera = app.services.devices.camera
        self._reader: Any = None
        """The kiosk's own card reader, put back after the card screen's steps."""

    def plan(self) -> list[tuple[str, Callable[[], None]]]:
        go = self.go
        return [
            ("attract", go("attract")), ("welcome", go("welcome")),
            ("catalogue-fields", go("catalogue")), ("catalogue-procedures", self.fields),
            ("catalogue-search", self.search), ("procedure", go("procedure", code=PROCEDURE)),
            ("identity-wrong-card", self.identity), ("manual-id", self.manual),
            ("card-wait", self.card), ("card-reading", self.card_reading),
            ("card-mismatch", self.card_mismatch),
            ("form-keyboard", self.form), ("form-choice", self.form_choice),
            ("form-date", self.form_date),
            ("scan-missing", self.scan_missing), ("scan", self.scan), ("review", go("review")),
            ("review-last-page", self.review_last_page),
            ("confirm", go("confirm", fresh=True)), ("success", self.success),
            ("rating", self.rating), ("rating-reason", self.rating_reason),
            ("track-keypad", self.track_keypad),
            ("track", self.track), ("help", self.help), ("refused", self.refused),
            ("countdown", self.countdown), ("staff-pin", self.pin),
            *[(f"staff-{tab}", self.staff(tab))
              for tab in ("queue", "devices", "clock", "transport", "site", "wifi")],
        ]

    def go(self, name: str, **kw: Any) -> Callable[[], None]:
        return lambda: self.app.go(name, **kw)

    def screen(self, name: str) -> Any:
        return self.app.root.get_screen(name)

    def fields(self) -> None:
        self.screen("catalogue").choose_field("Hộ tịch")

    def search(self) -> None:
        screen = self.screen("catalogue")
        screen.mode = "search"
        screen.show()
        screen.ids.search.text = "khai sinh"

    def identity(self) -> None:
        self.session.procedure_code = PROCEDURE
        self.camera.inject(SAMPLE_BHYT)  # a refusal keeps the screen (and shows the banner)
        self.app.go("identity")
        wait_until(lambda: self.screen("identity").message, 10, "QR refusal")
        wait_until(lambda: self.screen("identity").ids.preview.texture, 10, "preview")

    def manual(self) -> None:
        self.camera.clear()
        self.app.go("manual_id")
        self.screen("manual_id").ids.number.text = "0010880"

    def card(self) -> None:
        from appliance.app import chipcard
        from appliance.domain.idcard import parse_card_qr

        devices = self.services.devices
        self._reader = devices.card_reader
        devices.card_reader = self._reader or chipcard.sim_reader()
        self.session.identity = parse_card_qr(SAMPLE_CARD)
        self.app.go("card")
        wait_until(lambda: self.services.busy, 10, "the card screen waiting for a card")
        self.services.cancel_chip()  # the screen stays as it waits; the tour waits for no card

    def card_reading(self) -> None:
        screen = self.screen("card")
        screen.reading_started()
        screen.show_progress(0.6)

    def card_mismatch(self) -> None:
        from appliance.app import chip

        self.screen("card").chip_refused(chip.refusal(chip.ChipMismatch()))

    def form(self) -> None:
        from appliance.domain.idcard import parse_card_qr

        self.services.cancel_chip()
        self.services.devices.card_reader = self._reader
        self.session.identity = parse_card_qr(SAMPLE_CARD)
        self.app.go("form", start=True)
        screen = self.screen("form")
        screen.show("tre_ho_ten")
        screen.ids.value.text = "Trần Minh Kh"

    def form_choice(self) -> None:
        self.screen("form").show("quan_he_voi_tre")

    def form_date(self) -> None:
        screen = self.screen("form")
        screen.show("tre_ngay_sinh")
        for key in "5/3/2":
            screen.date_key(key)

    def scan_missing(self) -> None:
        """"Tiếp tục" on a required paper not scanned yet (the one with the longest name): the
        screen says what is missing."""
        self.session.form.update(_CHILD)
        self.app.go("scan", start=True)
        screen = self.screen("scan")
        screen._show(1)
        screen.go_next()

    def scan(self) -> None:
        screen = self.screen("scan")
        for index, pages in ((0, 2), (1, 1)):
            screen._show(index)
            self.services.devices.scanner.feed(sample_pages(pages, seed=index * 10))
            screen.scan()
            wait_until(lambda: not screen.busy and not self.services.busy, 30, "scan")
        screen._show(1)  # the longest name, with the reminder to take the original back
        screen.info = T.SCAN_ORIGINAL_BACK

    def review_last_page(self) -> None:
        screen = self.screen("review")
        screen.turn(screen.pages)

    def success(self) -> None:
        done: list[Any] = []
        self.services.finalize(self.session.to_draft(), done.append, lambda m: done.append(m))
        wait_until(lambda: done, 30, "finalize")
        if isinstance(done[0], str):
            raise RuntimeError(f"finalize refused in the tour: {done[0]}")
        self.session.result = done[0]
        self.app.go("success", result=done[0])
        screen = self.screen("success")
        wait_until(lambda: screen.print_state in ("printed", "failed"), 30, "slip")

    def rating(self) -> None:
        self.app.go("rating", code=self.session.result.code, after_submit=True)

    def rating_reason(self) -> None:
        self.screen("rating").phase = "reason"

    def track_keypad(self) -> None:
        """The tracking code keypad with the first five symbols typed."""
        self.tracking_code = self.session.result.result.tracking_code
        self.app.end_session("welcome")
        self.app.go("track")
        keypad = self.screen("track").ids.keypad
        for symbol in self.tracking_code[:5]:
            keypad.press(symbol)

    def track(self) -> None:
        """The eighth symbol looks the code up."""
        screen = self.screen("track")
        for symbol in self.tracking_code[5:]:
            screen.ids.keypad.press(symbol)
        wait_until(lambda: screen.result, 10, "tracking result")

    def help(self) -> None:
        self.app.call_help()

    def refused(self) -> None:
        if self.app.help is not None:
            self.app.help.dismiss(animation=False)
        self.app.go("notice", title=T.REFUSED_TITLE,
                    text="Bộ nhớ của máy sắp đầy nên máy tạm ngừng nhận hồ sơ.\n" + T.REFUSED_NEXT)

    def countdown(self) -> None:
        app = self.app
        app.go("procedure", code=PROCEDURE)
        app.idle.idle_since(app.idle.timeout_s - 12)  # the app's own tick shows the countdown
        wait_until(lambda: app.countdown, 5, "countdown")

    def pin(self) -> None:
        self.app.activity()
        wait_until(lambda: not self.app.countdown, 5, "countdown hidden")
        self.app.end_session("staff_pin")

    def staff(self, tab: str) -> Callable[[], None]:
        def show() -> None:
            self.app.go("staff", tab=tab)
            wait_until(lambda: not self.services.busy, 10, "staff data")
            pump(3)

        return show


_CHILD = {"quan_he_voi_tre": "Mẹ", "tre_ho_ten": "Trần Minh Khang", "tre_ngay_sinh": "01/06/2025",
          "tre_gioi_tinh": "Nam", "tre_noi_sinh": "Bệnh viện huyện",
          "thoi_han_dang_ky": "Trong 60 ngày kể từ ngày sinh",
          "mien_le_phi": "Không thuộc các trường hợp trên",
          "nhan_ket_qua": "Nhận trực tiếp tại nơi nộp hồ sơ"}
"""The form answers the tour and the simulated session give (the child's details)."""


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
    session.form.update({**_CHILD, "tre_ho_ten": f"Trần Minh Khang {number}"})
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
