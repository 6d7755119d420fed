"""Type back the four digits shown: a deliberate "yes, submit", then finalize off the UI thread.

Typing the fourth digit of the right code submits: the typed code is the citizen's deliberate
act, and a second "Nộp hồ sơ" tap after it would only repeat it (the button stays for whoever
reaches for it). A wrong code submits nothing and says so."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, StringProperty

from appliance.ui import strings as T
from appliance.ui.screens.base import KioskScreen, load_kv


class ConfirmScreen(KioskScreen):
    step = 6
    say = T.CONFIRM_SAY
    back_to = "review"
    code = StringProperty("")
    busy = BooleanProperty(False)

    def prepare(self, fresh: bool = False, **_kw: Any) -> None:
        if fresh or not self.session.confirm_code:
            self.code = self.session.new_confirm_code()
        self.ids.entry.text = ""
        self.message = ""

    def reset(self) -> None:
        super().reset()
        self.code, self.busy = "", False
        self.ids.entry.text = ""

    def on_kv_post(self, _base: object) -> None:
        self.ids.entry.bind(text=self._typed)

    def _typed(self, _entry: object, text: str) -> None:
        if self.code and len(text) == len(self.code) and self.manager is not None \
                and self.manager.current == self.name:
            self.go_next()

    def go_back(self) -> None:
        if not self.busy:
            super().go_back()

    def ask_cancel(self) -> None:
        if not self.busy:
            super().ask_cancel()

    def go_next(self, _text: str = "") -> None:
        if self.busy:
            return
        if self.ids.entry.text != self.code:
            self.message = T.CONFIRM_WRONG
            self.ids.entry.text = ""
            return
        self.busy, self.message = True, T.SUBMITTING
        self.services.finalize(self.session.to_draft(), self._done, self._failed)

    def _done(self, result: Any) -> None:
        self.busy, self.message = False, ""
        self.session.result = result
        self.session.pages.clear()  # the pages are sealed on disk now; drop the clear copies
        self.app.go("success", result=result)

    def _failed(self, message_vi: str) -> None:
        self.busy = False
        self.message = T.SUBMIT_FAIL.format(reason=message_vi)


load_kv(__file__)
