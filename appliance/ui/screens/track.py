"""Tracking: scan the slip's QR (one step) or type the short tracking code on a keypad that
holds only its symbols; show the procedure, the status and when to come, say plainly when that
status may be old (the kiosk only knows what sync last pulled), and when the official return date
is not the printed one, offer a reprint with it (then the screen's one main action)."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, StringProperty

from appliance.ui import strings as T
from appliance.ui import tracking_widgets  # noqa: F401  (kv rules use its widgets)
from appliance.ui.screens.base import KioskScreen, load_kv
from appliance.ui.tracking_words import TrackAnswer


class TrackScreen(KioskScreen):
    say = T.TRACK_SAY
    back_to = "welcome"
    result = StringProperty("")
    stale = StringProperty("")
    info = StringProperty("")
    reprint_code = StringProperty("")
    """The dossier code whose slip can be reprinted with the official date ("" : none)."""
    printing = BooleanProperty(False)
    showing = BooleanProperty(False)
    """A result (or "not found") is shown: the keypad steps aside until "Tra mã khác"."""

    def on_enter(self, *_args: object) -> None:
        self.services.start_camera(self.on_payload, None, lambda _m: None)

    def on_leave(self, *_args: object) -> None:
        self.services.stop_camera()

    def reset(self) -> None:
        super().reset()
        self.result, self.stale, self.info, self.reprint_code = "", "", "", ""
        self.showing = self.printing = False
        self.ids.entry.text = ""

    def on_payload(self, text: str, raw: bytes | None = None) -> None:
        code = self.services.code_from_slip(text)
        if code is None:
            self.message = T.TRACK_NOT_SLIP
            return
        self.ids.entry.text = code
        self.lookup(code)

    def code_typed(self, text: str) -> None:
        """The keypad's eighth symbol: look it up at once (no extra tap on "Tìm")."""
        self.go_next()

    def go_next(self) -> None:
        if self.reprint_code:  # the one action offered with an official date: reprint
            self.reprint()
            return
        if self.showing:
            self.reset()
            return
        code = self.services.normalise_code(self.ids.entry.text)
        if code is None:
            self.message, self.result, self.stale = T.TRACK_BAD_CODE, "", ""
            return
        self.lookup(code)

    def lookup(self, code: str) -> None:
        self.message, self.info = "", ""

        def found(answer: TrackAnswer | str | None) -> None:
            self.showing = True
            self.result, self.stale, self.reprint_code = "", "", ""
            if answer is None or isinstance(answer, str):
                self.message = answer or T.TRACK_NOT_FOUND
                return
            self.result, self.stale = answer.text, answer.stale
            self.reprint_code = answer.reprint_code or ""

        self.services.track(code, found)

    def reprint(self) -> None:
        if not self.reprint_code or self.printing:
            return
        self.printing, self.message, self.info = True, "", ""

        def printed(_slip: Any) -> None:
            self.printing, self.info, self.reprint_code = False, T.TRACK_REPRINTED, ""

        def failed(_message: str) -> None:
            self.printing, self.message = False, T.PRINT_FAIL_TRACK

        self.services.reprint_official(self.reprint_code, printed, failed)


load_kv(__file__)
