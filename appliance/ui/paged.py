"""A list of big choices shown a page at a time, with "Trang trước" / "Trang sau" buttons.

Elderly citizens do not swipe, and a row cut in half at the bottom of a scroll area reads as
nothing at all: the list shows as many whole rows as fit, and the pager row appears only when
they do not all fit.
"""

from __future__ import annotations

import math
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.properties import NumericProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from appliance.ui import strings as T
from appliance.ui.widgets import BigButton, Body


class PagedList(BoxLayout):
    page = NumericProperty(0)
    pages = NumericProperty(1)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(orientation="vertical", **kwargs)
        self._items: list[Widget] = []
        self.area = BoxLayout(orientation="vertical")
        self.pager = BoxLayout(size_hint_y=None, height=0, opacity=0)
        self.prev = BigButton(text="‹ " + T.PAGE_PREV, disabled=True)
        self.next = BigButton(text=T.PAGE_NEXT + " ›", disabled=True)
        self.where = Body(halign="center", size_hint_y=1)
        self.prev.bind(on_release=lambda *_: self.turn(-1))
        self.next.bind(on_release=lambda *_: self.turn(1))
        for widget in (self.prev, self.where, self.next):
            self.pager.add_widget(widget)
        self.add_widget(self.area)
        self.add_widget(self.pager)
        self._relayout = Clock.create_trigger(self._layout)
        self.bind(size=self._relayout)

    def set_items(self, items: list[Widget]) -> None:
        """Show these rows from the first page (a row that grows, wrapped text, re-pages)."""
        for item in self._items:
            item.unbind(height=self._relayout)
        self._items = list(items)
        for item in self._items:
            item.bind(height=self._relayout)
        self.page = 0
        self._layout()

    def turn(self, step: int) -> None:
        self.page = max(0, min(self.pages - 1, self.page + step))
        self._layout()

    def _per_page(self) -> int:
        ui = App.get_running_app().ui
        gap = ui.pad
        self.area.spacing = self.pager.spacing = self.spacing = gap
        for item in self._items:  # rows of other pages are not laid out: size them here
            if item.width != self.width:
                item.width = self.width
                if isinstance(item, Label):
                    item.texture_update()
        rows = [w.height for w in self._items]
        if sum(rows) + gap * max(0, len(rows) - 1) <= self.height:
            return max(1, len(rows))
        row = max(rows)  # every page the same number of rows: the buttons never move
        room = self.height - ui.target - gap
        return max(1, int((room + gap) // (row + gap)))

    def _layout(self, *_args: object) -> None:
        if App.get_running_app() is None:
            return
        per = self._per_page()
        self.pages = max(1, math.ceil(len(self._items) / per))
        self.page = min(self.page, self.pages - 1)
        ui = App.get_running_app().ui
        self.area.clear_widgets()
        if ui.portrait:
            self.area.add_widget(Widget())  # portrait: the rows sit right above the buttons
        for item in self._items[self.page * per:(self.page + 1) * per]:
            if item.parent is not None:
                item.parent.remove_widget(item)
            self.area.add_widget(item)
        if not ui.portrait:
            self.area.add_widget(Widget())  # landscape: rows at the top, the pager at the bottom
        paged = self.pages > 1
        self.pager.height, self.pager.opacity, self.pager.disabled = (
            (ui.target, 1, False) if paged else (0, 0, True))
        self.prev.disabled = not paged or self.page == 0
        self.next.disabled = not paged or self.page >= self.pages - 1
        self.where.text = T.PAGE_OF.format(n=self.page + 1, total=self.pages) if paged else ""
