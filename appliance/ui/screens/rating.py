"""Rating: three levels, a reason required for "Không hài lòng", tied to a dossier code.

Right after submitting the code is known; later the citizen scans the slip's QR or types the code.
"""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from appliance.ui import strings as T
from appliance.ui.screens.base import KioskScreen, load_kv


class RatingScreen(KioskScreen):
    say = T.RATING_SAY
    back_to = "welcome"
    code = StringProperty("")
    phase = StringProperty("code")
    """"code" (which dossier), "level", "reason", "thanks"."""
    after_submit = BooleanProperty(False)
    level = StringProperty("")
    thanks_s = NumericProperty(8.0)
    """The thank-you shows this long, then the kiosk returns to the start by itself."""

    def prepare(self, code: str = "", after_submit: bool = False, **_kw: Any) -> None:
        self.code, self.after_submit, self.level, self.message = code, after_submit, "", ""
        self.phase = "level" if code else "code"
        self.ids.entry.text = ""

    def reset(self) -> None:
        super().reset()
        self.code, self.phase, self.level, self.after_submit = "", "code", "", False
        self.ids.entry.text = ""

    def on_enter(self, *_args: object) -> None:
        if self.phase == "code":
            self.services.start_camera(self.on_payload, None, lambda _m: None)

    def on_leave(self, *_args: object) -> None:
        self.services.stop_camera()

    def on_payload(self, text: str, raw: bytes | None = None) -> None:
        code = self.services.code_from_slip(text)
        if code is None:
            self.message = T.TRACK_NOT_SLIP
            return
        self._use_code(code)

    def go_next(self) -> None:
        if self.phase == "code":
            code = self.services.normalise_code(self.ids.entry.text)
            if code is None:
                self.message = T.TRACK_NOT_FOUND
                return
            self._use_code(code)
        elif self.phase == "thanks":
            self.app.end_session()

    def _use_code(self, code: str) -> None:
        def found(record: Any) -> None:
            if record is None:
                self.message = T.TRACK_NOT_FOUND
                return
            self.services.stop_camera()
            self.code, self.phase, self.message = code, "level", ""

        self.services.find(code, found)

    def choose(self, level: str) -> None:
        self.level = level
        if level == T.RATING_LEVELS[2]:
            self.phase = "reason"
            return
        self._save("")

    def choose_reason(self, reason: str) -> None:
        self._save(reason)

    def _save(self, reason: str) -> None:
        def failed(message_vi: str) -> None:
            self.message = message_vi or T.RATING_FAIL

        def saved(*_a: Any) -> None:
            self.phase, self.message = "thanks", ""
            Clock.schedule_once(self._thanks_over, self.thanks_s)

        index = T.RATING_LEVELS.index(self.level)
        self.services.add_rating(self.code, index, reason, saved, failed)

    def _thanks_over(self, _dt: float) -> None:
        if self.app.root.current == self.name and self.phase == "thanks":
            self.app.end_session()

    def go_back(self) -> None:
        if self.phase == "reason":
            self.phase = "level"
        elif self.after_submit:
            self.app.go("success")
        elif self.phase == "level":
            self.phase = "code"
        else:
            super().go_back()

    def ask_cancel(self) -> None:
        self.app.end_session()


load_kv(__file__)
