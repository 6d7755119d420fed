"""Attract mode: a calm full-screen invitation when nobody is using the kiosk.

Any touch, a key, or the motion sensor (through services) wakes it to the welcome screen.
"""

from __future__ import annotations

from appliance.ui.screens.base import KioskScreen, load_kv


class AttractScreen(KioskScreen):
    say = ""

    def on_touch_down(self, touch: object) -> bool:
        self.wake()
        return True

    def wake(self) -> None:
        if self.manager and self.manager.current == self.name:
            self.app.go("welcome")


load_kv(__file__)
