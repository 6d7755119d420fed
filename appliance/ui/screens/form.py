"""The procedure's form, one question at a time, each with the input that fits it.

Text is typed on the Vietnamese on-screen keyboard (or Telex from a real keyboard) with word
suggestions; ID and phone numbers on the digit pad; dates on the digit pad behind a ``__/__/____``
mask; choices are big buttons. Questions the card already answered are not asked: they are shown
on the review screen, where "Sửa" opens any answer here and "Xong" goes straight back.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from kivy.input.motionevent import MotionEvent
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from appliance.domain.catalogue import canonical_date
from appliance.ui import date_entry, suggest
from appliance.ui import strings as T
from appliance.ui.screens.base import KioskScreen, load_kv
from appliance.ui.widgets import BigButton

DIGIT_LENGTHS = {"id_number": 12, "phone": 10, "number": 9}
"""Field type → the most digits its pad takes (the validators say the exact rule)."""


def mode_of(field: Any) -> str:
    """"choice", "date", "digits" or "text": which input the field gets."""
    if field.type == "choice" or getattr(field, "options", ()):
        return "choice"
    if field.type == "date":
        return "date"
    return "digits" if field.type in DIGIT_LENGTHS else "text"


class ModeBox(BoxLayout):
    """The input layout of one field kind; only the shown one takes room, draws and is touched
    (a hidden, disabled widget would otherwise swallow touches over the shown keys)."""

    shown = BooleanProperty(True)

    def on_touch_down(self, touch: MotionEvent) -> bool:
        return bool(self.shown and super().on_touch_down(touch))

    def on_touch_move(self, touch: MotionEvent) -> bool:
        return bool(self.shown and super().on_touch_move(touch))

    def on_touch_up(self, touch: MotionEvent) -> bool:
        return bool(self.shown and super().on_touch_up(touch))


class FormScreen(KioskScreen):
    step = 3
    say = T.FORM_SAY
    back_to = "identity"
    index = NumericProperty(0)
    """Position of the shown field among the questions asked."""
    label = StringProperty("")
    note = StringProperty("")
    count = NumericProperty(0)
    mode = StringProperty("text")
    date_text = StringProperty("")
    """The date typed so far ("05/0"), shown through the mask."""
    editing = BooleanProperty(False)
    """Opened by "Sửa" on the review screen: "Xong" goes straight back there."""
    words = ListProperty([])
    """Word suggestions for the word being typed."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.asked: list[str] = []
        self._field: Any = None

    def on_kv_post(self, _base: object) -> None:
        self.ids.value.bind(text=self._suggest, cursor=self._suggest)

    # ---- which questions, in which order
    def prepare(self, start: bool = False, at_end: bool = False, edit: str = "",
                **_kw: Any) -> None:
        fields = self.fields()
        if start:
            self.session.form.clear()
            for f in fields:
                value = self.services.prefill(f, self.session.identity)
                if value:
                    self.session.form[f.name] = value
            self.asked = [f.name for f in fields if not self._known(f)]
        self.editing = bool(edit)
        if edit:
            self._show_field(next(f for f in fields if f.name == edit))
            return
        asked = self._asked()
        self.count = len(asked)
        if asked:
            self._show_field(asked[-1 if at_end else 0])

    def _known(self, field: Any) -> bool:
        """Pre-filled from the card and valid: not asked (the review shows it, with "Sửa")."""
        value = self.session.form.get(field.name, "")
        return bool(field.prefill and value and self.services.check_field(field, value) is None)

    def fields(self) -> list[Any]:
        return self.services.form_fields(self.session.procedure_code)

    def _asked(self) -> list[Any]:
        fields = self.fields()
        names = self.asked or [f.name for f in fields]  # the card answered all: show them all
        return [f for f in fields if f.name in names]

    def reset(self) -> None:
        super().reset()
        self.index, self.label, self.note, self.date_text = 0, "", "", ""
        self.asked, self._field, self.editing = [], None, False
        self.ids.value.text = ""
        self.ids.digits.text = ""
        self.ids.value.focus = False

    def on_leave(self, *_args: object) -> None:
        self.ids.value.focus = False  # a real keyboard types nowhere once the form is gone

    # ---- showing one field
    def _show_field(self, field: Any) -> None:
        asked = self._asked()
        self._field = field
        self.index = next((i for i, f in enumerate(asked) if f.name == field.name), 0)
        self.message, self.label = "", field.label
        self.mode = mode_of(field)
        value = self.session.form.get(field.name, "")
        self.ids.value.text = value if self.mode == "text" else ""
        self.ids.digits.text = value if self.mode == "digits" else ""
        self.date_text = value if self.mode == "date" else ""
        self.ids.numpad.max_length = DIGIT_LENGTHS.get(field.type, 12)
        self.ids.keyboard.auto_capital = (
            "words" if suggest.kind_of(field.name) == "name" else "first")
        self._choices(field, value)
        self.note = self._note(field, value)
        if self.mode == "text":
            self.ids.value.cursor = (len(value), 0)
            self.ids.value.focus = True  # shows the cursor; a tap in the text moves it
        self._suggest()

    def _note(self, field: Any, value: str) -> str:
        if self.mode == "date":
            return T.FORM_YEAR_ONLY if date_entry.is_year_only(value) else T.FORM_DATE_HINT
        if self.mode == "digits":
            return T.FORM_DIGITS_HINT
        if self.mode == "choice":
            return T.FORM_CHOOSE
        return T.FORM_PREFILLED if field.prefill and value else T.FORM_KEYBOARD_HELP

    def _choices(self, field: Any, value: str) -> None:
        box = self.ids.choices
        box.clear_widgets()
        for option in tuple(getattr(field, "options", ()) or ()):
            button = BigButton(text=option, kind="done" if option == value else "secondary")
            button.bind(on_release=lambda _b, o=option: self.choose(o))
            box.add_widget(button)

    def shown_date(self) -> str:
        return date_entry.masked(self.date_text)

    def date_key(self, key: str) -> None:
        self.date_text = date_entry.press(self.date_text, key)
        self.message = ""
        if not date_entry.is_year_only(self.date_text):
            self.note = T.FORM_DATE_HINT

    def show(self, name: str) -> None:
        """Show the field called ``name`` (the tour's screenshots)."""
        self._show_field(next(f for f in self.fields() if f.name == name))

    def _suggest(self, *_args: object) -> None:
        if self.ids.value.text and _args:
            self.message = ""  # typing again: the message has been read
        field = self._field
        if field is None or self.mode != "text":
            self.words = []
            return
        kind = suggest.kind_of(field.name)
        identity = self.session.identity
        known = [identity.full_name if kind == "name" else identity.address] if identity else []
        known += [v for k, v in self.session.form.items() if suggest.kind_of(k) == kind]
        keyboard = self.ids.keyboard
        self.words = suggest.suggest(keyboard.current_word(), kind, suggest.context_words(known),
                                     n=4 if self.app.ui.portrait else 2,
                                     first=keyboard.at_start())

    def on_words(self, *_args: object) -> None:
        box = self.ids.words_box
        box.clear_widgets()
        for word in self.words:
            button = BigButton(text=word)
            button.bind(on_release=lambda _b, w=word: self.choose_word(w))
            box.add_widget(button)

    def choose_word(self, word: str) -> None:
        self.ids.keyboard.choose_word(word)

    def choose(self, option: str) -> None:
        self._store(option)

    # ---- answers
    def _current_value(self) -> str:
        if self.mode == "date":
            return self.date_text
        if self.mode == "digits":
            return self.ids.digits.text
        if self.mode == "choice":
            return self.session.form.get(self._field.name, "") if self._field else ""
        return self.ids.value.text

    def _store(self, raw: str) -> None:
        field = self._field
        if field is None:
            return
        value = unicodedata.normalize("NFC", " ".join(raw.split()))
        if field.type == "date":
            value = canonical_date(value) or value
        problem = self.services.check_field(field, value)
        if problem:
            self.message = problem
            return
        if value:
            self.session.form[field.name] = value
        else:
            self.session.form.pop(field.name, None)
        self._advance()

    def _advance(self) -> None:
        if self.editing:
            self.app.go("review")
            return
        asked = self._asked()
        if self.index + 1 < len(asked):
            self._show_field(asked[self.index + 1])
        else:
            self.app.go("scan", start=True)

    def go_next(self) -> None:
        self._store(self._current_value())

    def go_back(self) -> None:
        self.message = ""
        if self.editing:
            self.app.go("review")  # nothing changed: the answer stays as it was
            return
        asked = self._asked()
        if self._field is not None and self.mode != "choice":
            value = self._current_value()
            if value:
                self.session.form[self._field.name] = value  # kept, checked on the way forward
        if self.index > 0:
            self._show_field(asked[self.index - 1])
        else:
            super().go_back()


load_kv(__file__)
