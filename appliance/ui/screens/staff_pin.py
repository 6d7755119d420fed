"""Staff PIN entry, rate-limited (PinGate): after too many wrong PINs, locked for a while."""

from __future__ import annotations

from kivy.properties import BooleanProperty

from appliance.ui import strings as T
from appliance.ui.screens.base import KioskScreen, load_kv
from appliance.ui.timers import PinGate, PinResult


class StaffPinScreen(KioskScreen):
    back_to = "welcome"
    gate: PinGate | None = None
    checking = BooleanProperty(False)

    def on_pre_enter(self, *_args: object) -> None:
        self.ids.pin.text = ""
        if self.gate is None:
            self.gate = self.services.pin_gate()
        locked = self.gate.locked_for()
        self.message = T.STAFF_LOCKED.format(s=locked) if locked else ""

    def reset(self) -> None:
        super().reset()
        self.ids.pin.text = ""

    def go_next(self, _text: str = "") -> None:
        """Check the PIN off the UI thread: the scrypt hash is deliberately slow."""
        if self.checking:
            return
        pin, self.ids.pin.text = self.ids.pin.text, ""
        self.checking = True
        self.services.on_store(lambda: self.gate.attempt(pin), self._checked,
                               self._failed, what="staff_pin")

    def _failed(self, message_vi: str) -> None:
        self.checking = False
        self.message = message_vi

    def _checked(self, result: PinResult) -> None:
        self.checking = False
        if result.ok:
            self.message = ""
            self.app.go("staff", tab="queue")
        elif result.locked_for_s >= 120:
            self.message = T.STAFF_LOCKED_LONG.format(m=(result.locked_for_s + 59) // 60)
        elif result.locked_for_s:
            self.message = T.STAFF_LOCKED.format(s=result.locked_for_s)
        else:
            self.message = T.STAFF_PIN_WRONG.format(n=result.attempts_left)


load_kv(__file__)
