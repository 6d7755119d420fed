"""Tracking: scan the slip's QR or type its code; show the last known status and say plainly
when that status may be old (the kiosk only knows what sync last pulled)."""

from __future__ import annotations

from kivy.properties import BooleanProperty, StringProperty

from appliance.ui import strings as T
from appliance.ui.screens.base import KioskScreen, load_kv


class TrackScreen(KioskScreen):
    say = T.TRACK_SAY
    back_to = "welcome"
    result = StringProperty("")
    stale = StringProperty("")
    showing = BooleanProperty(False)
    """A result (or "not found") is shown: the keyboard steps aside until "Tra mã khác"."""

    def on_enter(self, *_args: object) -> None:
        self.services.start_camera(self.on_payload, None, lambda _m: None)

    def on_leave(self, *_args: object) -> None:
        self.services.stop_camera()

    def reset(self) -> None:
        super().reset()
        self.result, self.stale, self.showing = "", "", False
        self.ids.entry.text = ""

    def on_payload(self, text: str, raw: bytes | None = None) -> None:
        code = self.services.code_from_slip(text)
        if code is None:
            self.message = T.TRACK_NOT_SLIP
            return
        self.ids.entry.text = code
        self.lookup(code)

    def go_next(self) -> None:
        if self.showing:
            self.reset()
            return
        code = self.services.normalise_code(self.ids.entry.text)
        if code is None:
            self.message, self.result, self.stale = T.TRACK_NOT_FOUND, "", ""
            return
        self.lookup(code)

    def lookup(self, code: str) -> None:
        self.message = ""

        def found(status: tuple[str, str] | None) -> None:
            self.showing = True
            if status is None:
                self.message, self.result, self.stale = T.TRACK_NOT_FOUND, "", ""
                return
            self.result, self.stale = status

        self.services.track(code, found)


load_kv(__file__)
