"""Welcome: submit / track / rate (help is in the header of every screen). The emblem in the
bottom-left corner hides the staff gesture (docs/field-staff.md)."""

from __future__ import annotations

from appliance.ui import strings as T
from appliance.ui.screens.base import KioskScreen, load_kv
from appliance.ui.timers import TapGesture


class WelcomeScreen(KioskScreen):
    say = T.WELCOME_SAY
    back_to = "attract"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.gesture = TapGesture()

    def secret_tap(self) -> None:
        """Five quick taps on the emblem open the staff PIN screen (hidden from citizens)."""
        if self.gesture.tap():
            self.app.go("staff_pin")

    def submit(self) -> None:
        """Refuse before the citizen starts when the store cannot take a dossier (disk, transport
        mode, corrupt store): nothing typed is ever lost to a refusal at the end."""
        self.message = ""

        def refused(message_vi: str) -> None:
            self.app.go("notice", title=T.REFUSED_TITLE, text=message_vi + "\n" + T.REFUSED_NEXT)

        self.services.check_can_accept(lambda: self.app.go("catalogue"), refused)

    def toggle_voice(self) -> None:
        self.app.voice.enabled = not self.app.voice.enabled
        self.ids.voice.text = T.VOICE_ON if self.app.voice.enabled else T.VOICE_OFF
        self.app.voice.say(self.say)


load_kv(__file__)
