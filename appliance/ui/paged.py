"""A list of big choices shown a page at a time, with "Trang trước" / "Trang sau" buttons.

Elderly citizens do not swipe, and a row cut in half at the bottom of a scroll area reads as
nothing at all: the list shows as many whole rows as fit, and the pager row appears only when
they do not all fit.
"""

from __future__ import annotations

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

    def _pages(self) -> list[tuple[int, int]]:
        """(first, end) of each page: as many whole rows as fit, the pager's row set aside when
        they do not all fit on one."""
        ui = App.get_running_app().ui
        gap = ui.pad
        self.area.spacing = self.pager.spacing = gap
        self.spacing = 0  # the pager row carries its own gap (padding), none when hidden
        for item in self._items:  # rows of other pages are not laid out: size them here
            if item.width != self.width:
                item.width = self.width
                if isinstance(item, Label):
                    item.texture_update()
        heights = [w.height for w in self._items]
        room = self.height - gap  # the filler beside the rows takes one gap
        if sum(heights) + gap * max(0, len(heights) - 1) <= room:
            return [(0, len(heights))]
        room -= ui.target + gap
        pages, first, used = [], 0, 0.0
        for i, h in enumerate(heights):
            if i > first and used + gap + h > room:
                pages.append((first, i))
                first, used = i, h
            else:
                used = h if i == first else used + gap + h
        pages.append((first, len(heights)))
        return pages

    def _layout(self, *_args: object) -> None:
        if App.get_running_app() is None:
            return
        bounds = self._pages()
        self.pages = len(bounds)
        self.page = min(self.page, self.pages - 1)
        first, end = bounds[self.page]
        ui = App.get_running_app().ui
        self.area.clear_widgets()
        if ui.portrait:
            self.area.add_widget(Widget())  # portrait: the rows sit right above the buttons
        for item in self._items[first:end]:
            if item.parent is not None:
                item.parent.remove_widget(item)
            self.area.add_widget(item)
        if not ui.portrait:
            self.area.add_widget(Widget())  # landscape: rows at the top, the pager at the bottom
        paged = self.pages > 1
        self.pager.padding = (0, ui.pad, 0, 0)
        self.pager.height, self.pager.opacity, self.pager.disabled = (
            (ui.target + ui.pad, 1, False) if paged else (0, 0, True))
        self.prev.disabled = not paged or self.page == 0
        self.next.disabled = not paged or self.page >= self.pages - 1
        self.where.text = T.PAGE_OF.format(n=self.page + 1, total=self.pages) if paged else ""
