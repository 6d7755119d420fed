"""The procedure's form, one field at a time, pre-filled from the identity where the catalogue
says so, typed on the Vietnamese on-screen keyboard (or Telex from a real keyboard)."""

from __future__ import annotations

import unicodedata
from typing import Any

from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from appliance.ui import strings as T
from appliance.ui.screens.base import KioskScreen, load_kv
from appliance.ui.widgets import BigButton


class FormScreen(KioskScreen):
    step = 3
    say = T.FORM_SAY
    back_to = "identity"
    index = NumericProperty(0)
    label = StringProperty("")
    note = StringProperty("")
    count = NumericProperty(0)
    choosing = BooleanProperty(False)
    """The current field is a choice: big option buttons instead of the keyboard."""

    def prepare(self, start: bool = False, at_end: bool = False, **_kw: Any) -> None:
        fields = self.fields()
        if start:
            self.session.form.clear()
            for f in fields:
                value = self.services.prefill(f, self.session.identity)
                if value:
                    self.session.form[f.name] = value
        self.count = len(fields)
        self._show(len(fields) - 1 if at_end and fields else 0)

    def fields(self) -> list[Any]:
        return self.services.form_fields(self.session.procedure_code)

    def reset(self) -> None:
        super().reset()
        self.index, self.label, self.note = 0, "", ""
        self.ids.value.text = ""

    def _show(self, index: int) -> None:
        fields = self.fields()
        self.index = index
        self.message = ""
        if not fields:
            return
        field = fields[index]
        self.label = field.label
        self.ids.value.text = self.session.form.get(field.name, "")
        self.ids.value.cursor = (len(self.ids.value.text), 0)
        self.ids.keyboard.digits = field.type in ("id_number", "phone", "date", "number")
        self.ids.keyboard.auto_capital = (
            "" if field.type != "text" else "words" if field.name.endswith("ho_ten") else "first")
        options = tuple(getattr(field, "options", ()) or ())
        self.choosing = bool(options)
        box = self.ids.choices
        box.clear_widgets()
        for option in options:
            button = BigButton(text=option, kind="primary" if option == self.ids.value.text
                               else "secondary")
            button.bind(on_release=lambda _b, o=option: self.choose(o))
            box.add_widget(button)
        prefilled = bool(field.prefill and self.session.form.get(field.name))
        self.note = T.FORM_PREFILLED if prefilled else T.FORM_KEYBOARD_HELP

    def choose(self, option: str) -> None:
        self.ids.value.text = option
        self.go_next()

    def _store_current(self) -> bool:
        fields = self.fields()
        if not fields:
            return True
        field = fields[self.index]
        value = unicodedata.normalize("NFC", " ".join(self.ids.value.text.split()))
        problem = self.services.check_field(field, value)
        if problem:
            self.message = problem
            return False
        if value:
            self.session.form[field.name] = value
        else:
            self.session.form.pop(field.name, None)
        return True

    def go_next(self) -> None:
        if not self._store_current():
            return
        if self.index + 1 < len(self.fields()):
            self._show(self.index + 1)
        else:
            self.app.go("scan", start=True)

    def go_back(self) -> None:
        self.message = ""
        if self.index > 0:
            self.session.form[self.fields()[self.index].name] = self.ids.value.text
            self._show(self.index - 1)
        else:
            super().go_back()


load_kv(__file__)
