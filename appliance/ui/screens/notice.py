"""A plain message with what to do next (refusals, unconfigured kiosk); one button returns home
(nothing is in progress, so there is nothing to go back to or cancel)."""

from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty

from appliance.ui.screens.base import KioskScreen, load_kv


class NoticeScreen(KioskScreen):
    back_to = "welcome"
    title = StringProperty("")
    text = StringProperty("")

    def prepare(self, title: str = "", text: str = "", back_to: str = "welcome",
                **_kw: Any) -> None:
        self.title, self.text, self.back_to, self.say = title, text, back_to, text

    def go_next(self) -> None:
        self.app.end_session()


load_kv(__file__)
