"""Procedure catalogue: pick a field (lĩnh vực), then a procedure; or search by a few words."""

from __future__ import annotations

from kivy.properties import StringProperty

from appliance.ui import strings as T
from appliance.ui.screens.base import KioskScreen, load_kv
from appliance.ui.widgets import BigButton, grow_to_text


class CatalogueScreen(KioskScreen):
    step = 1
    say = T.CATALOGUE_SAY
    back_to = "welcome"
    mode = StringProperty("fields")
    """"fields" (choose a field), "procedures" (choose in a field or search result), "search"."""
    field = StringProperty("")
    query = StringProperty("")

    def on_pre_enter(self, *_args: object) -> None:
        self.show()

    def reset(self) -> None:
        super().reset()
        self.mode, self.field, self.query = "fields", "", ""
        if "search" in self.ids:
            self.ids.search.text = ""

    def go_back(self) -> None:
        if self.mode != "fields":
            self.mode, self.query = "fields", ""
            self.show()
        else:
            super().go_back()

    def go_next(self) -> None:
        if self.mode == "search":
            self.query = self.ids.search.text.strip()
            self.mode = "procedures"
            self.show()
        else:
            self.mode = "search"
            self.show()

    def show(self) -> None:
        """Fill the paged list (whole rows, big page buttons, no swiping) for the mode."""
        self.message = ""
        rows: list[BigButton] = []
        catalogue = self.services.catalogue
        if catalogue is None:
            self.message = T.CATALOGUE_MISSING
        elif self.mode == "fields":
            rows = [self._row(f, lambda f=f: self.choose_field(f)) for f in catalogue.fields()]
        elif self.mode == "procedures":
            found = catalogue.procedures(self.field or None, self.query)
            if not found:
                self.message = T.NO_MATCH
            rows = [self._row(p.name, lambda p=p: self.choose_procedure(p.code)) for p in found]
        self.ids.choices.set_items(rows)

    def _row(self, text: str, action: object) -> BigButton:
        """A choice button, made once per text and reused: the list is shown to every citizen."""
        cache = self.__dict__.setdefault("_buttons", {})
        button = cache.get(text)
        if button is None:
            button = grow_to_text(BigButton(text=text, size_hint_y=None))
            button.bind(on_release=lambda b: b.action())
            cache[text] = button
        button.action = action
        return button

    def choose_field(self, field: str) -> None:
        self.field, self.query, self.mode = field, "", "procedures"
        self.show()

    def choose_procedure(self, code: str) -> None:
        self.app.go("procedure", code=code)


load_kv(__file__)
