"""Manual identity: the 12-digit ID number on the keypad, then the name on the keyboard.

For cards without a QR (old barcode CCCD) or a camera that fails. The identity is marked as typed
by hand; staff check the original paper at the counter.
"""

from __future__ import annotations

import unicodedata

from kivy.properties import StringProperty

from appliance.domain.identity import Identity, IdentitySource
from appliance.ui import strings as T
from appliance.ui.screens.base import KioskScreen, load_kv


class ManualIdScreen(KioskScreen):
    step = 2
    say = T.MANUAL_SAY
    back_to = "identity"
    phase = StringProperty("number")

    def reset(self) -> None:
        super().reset()
        self.phase = "number"
        self.ids.number.text = ""
        self.ids.name.text = ""

    def on_pre_enter(self, *_args: object) -> None:
        self.phase = "number"

    def go_back(self) -> None:
        if self.phase == "name":
            self.phase = "number"
        else:
            super().go_back()

    def number_done(self, _text: str = "") -> None:
        number = self.ids.number.text
        if len(number) != 12 or not number.isdigit():
            self.message = T.MANUAL_BAD
            return
        self.message = ""
        self.phase = "name"

    def go_next(self) -> None:
        if self.phase == "number":
            self.number_done()
            return
        name = unicodedata.normalize("NFC", " ".join(self.ids.name.text.split()))
        if len(name) < 2:
            self.message = T.FORM_REQUIRED.format(label=T.MANUAL_NAME)
            return
        self.session.identity = Identity(
            id_number=self.ids.number.text, full_name=name, birth_date=None, sex=None,
            address="", source=IdentitySource.MANUAL,
        )
        self.message = ""
        self.app.go("form", start=True)


load_kv(__file__)
