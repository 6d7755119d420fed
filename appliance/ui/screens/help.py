"""Help: raises the GPIO help output (a bell or light at the counter) and says so on screen."""

from __future__ import annotations

from kivy.properties import StringProperty

from appliance.ui import strings as T
from appliance.ui.screens.base import KioskScreen, load_kv


class HelpScreen(KioskScreen):
    say = T.HELP_SAY
    back_to = "welcome"
    state = StringProperty("")

    def on_pre_enter(self, *_args: object) -> None:
        self.back_to = self.app.previous if self.app.previous != self.name else "welcome"
        self.state = "called" if self.services.call_help() else "failed"

    def reset(self) -> None:
        super().reset()
        self.state = ""

    def ask_cancel(self) -> None:
        self.services.cancel_help()
        self.app.go(self.back_to)

    def go_back(self) -> None:
        self.services.cancel_help()
        super().go_back()


load_kv(__file__)
