"""Procedure catalogue: pick a field (lĩnh vực), then a procedure; or search by a few words."""

from __future__ import annotations

from kivy.properties import StringProperty

from appliance.ui import strings as T
from appliance.ui.screens.base import KioskScreen, load_kv
from appliance.ui.widgets import BigButton


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
        box = self.ids.choices
        box.clear_widgets()
        self.message = ""
        catalogue = self.services.catalogue
        if catalogue is None:
            self.message = T.CATALOGUE_MISSING
            return
        if self.mode == "fields":
            for field in catalogue.fields():
                self._add(field, lambda f=field: self.choose_field(f))
        elif self.mode == "procedures":
            found = catalogue.procedures(self.field or None, self.query)
            if not found:
                self.message = T.NO_MATCH
            for proc in found:
                self._add(proc.name, lambda p=proc: self.choose_procedure(p.code))

    def _add(self, text: str, action: object) -> None:
        """A choice button, made once per text and reused: the list is shown to every citizen."""
        cache = self.__dict__.setdefault("_buttons", {})
        button = cache.get(text)
        if button is None:
            button = BigButton(text=text, size_hint_y=None)
            button.bind(on_release=lambda b: b.action(), texture_size=self._fit)
            cache[text] = button
        button.action = action
        self._fit(button, button.texture_size)
        self.ids.choices.add_widget(button)

    def _fit(self, button: BigButton, texture_size: list[float]) -> None:
        """Tall enough for its text: official names run to three lines on the 7" panel."""
        ui = self.app.ui
        button.height = max(ui.target * 1.2, texture_size[1] + ui.pad * 2)

    def choose_field(self, field: str) -> None:
        self.field, self.query, self.mode = field, "", "procedures"
        self.show()

    def choose_procedure(self, code: str) -> None:
        self.app.go("procedure", code=code)


load_kv(__file__)
