"""The base of every screen: its step, its spoken instruction, back / next / cancel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.screenmanager import Screen

import appliance.ui.widgets  # noqa: F401  (kv rules of the shared widgets)


def load_kv(module_file: str) -> None:
    """Load the .kv file that sits beside a screen module."""
    Builder.load_file(str(Path(module_file).with_suffix(".kv")))


class KioskScreen(Screen):
    step = NumericProperty(0)
    say = StringProperty("")
    """The instruction spoken when the screen opens (voice guidance)."""
    back_to = StringProperty("welcome")
    message = StringProperty("")
    """What went wrong and what to do next, shown in the screen's banner."""

    @property
    def app(self) -> Any:
        return App.get_running_app()

    @property
    def session(self) -> Any:
        return self.app.session

    @property
    def services(self) -> Any:
        return self.app.services

    def prepare(self, **kwargs: Any) -> None:
        """Called by ``app.go(name, **kwargs)`` before the screen shows."""

    def reset(self) -> None:
        """Forget what this screen shows (the session ended)."""
        self.message = ""

    def go_back(self) -> None:
        self.message = ""
        self.app.go(self.back_to)

    def go_next(self) -> None:
        """The primary action of the nav row."""

    def ask_cancel(self) -> None:
        if not self.session.active:
            self.app.end_session()
            return
        from appliance.ui.screens.confirm_cancel import ConfirmCancel

        ConfirmCancel().open()
