"""Scan the dossier's components one at a time: progress, thumbnails, retake, delete, and the
reminder that the original has come back out of the slot.

The scan runs off the UI thread (services.scan); each processed page comes back through
``Clock.schedule_once`` and appears as a thumbnail while the next page is still being scanned.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from appliance.ui import strings as T
from appliance.ui.screens.base import KioskScreen, load_kv
from appliance.ui.screens.preview import CameraPreview
from appliance.ui.widgets import BigButton


class ScanScreen(KioskScreen):
    step = 4
    say = T.SCAN_SAY
    back_to = "form"
    index = NumericProperty(0)
    count = NumericProperty(0)
    title_text = StringProperty("")
    progress = StringProperty("")
    info = StringProperty("")
    busy = BooleanProperty(False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._slots: list[BoxLayout] = []

    def components(self) -> list[Any]:
        return self.services.components(self.session.procedure_code)

    def prepare(self, start: bool = False, at_end: bool = False, **_kw: Any) -> None:
        comps = self.components()
        self.count = len(comps)
        self._show(len(comps) - 1 if at_end and comps else 0)

    def reset(self) -> None:
        super().reset()
        self.index, self.progress, self.info, self.busy = 0, "", "", False
        self.ids.thumbs.clear_widgets()

    def current(self) -> Any:
        comps = self.components()
        return comps[self.index] if comps else None

    def _show(self, index: int) -> None:
        self.index = index
        self.message, self.info = "", ""
        comp = self.current()
        if comp is None:
            return
        kind = T.ORIGINAL if comp.original else T.COPY
        optional = "" if comp.required else f", {T.OPTIONAL}"
        self.title_text = f"{index + 1}/{self.count}. {comp.name} ({kind}{optional})"
        self._refresh()

    def _refresh(self) -> None:
        comp = self.current()
        thumbs = self.ids.thumbs
        thumbs.clear_widgets()
        pages = self.session.pages.get(comp.code, [])
        for i, page in enumerate(pages):
            box = self._thumb(i)
            image = box.children[-1]
            thumb = self.services.thumbnail(page)
            if thumb is not None:
                image.show_frame(thumb)
            else:
                image.clear()
            thumbs.add_widget(box)
        n = len(pages)
        self.progress = T.SCANNED.format(n=n) if n else T.SCAN_TODO

    def _thumb(self, i: int) -> BoxLayout:
        """The i-th thumbnail slot. Slots (and their textures) are made once and reused for
        every session: a kiosk scans thousands of pages and must not grow with them."""
        while len(self._slots) <= i:
            n = len(self._slots)
            box = BoxLayout(orientation="vertical", size_hint_x=None,
                            width=self.app.ui.target * 2.2)
            box.add_widget(CameraPreview())
            delete = BigButton(text=T.SCAN_DELETE, size_hint_y=None, height=self.app.ui.target)
            delete.bind(on_release=lambda *_, n=n: self.delete_page(n))
            box.add_widget(delete)
            self._slots.append(box)
        return self._slots[i]

    def scan(self, retake: bool = False) -> None:
        comp = self.current()
        if comp is None or self.busy:
            return
        if retake:
            self.session.pages[comp.code] = []
            self._refresh()
        self.busy, self.message, self.info = True, "", ""
        self.progress = T.SCANNING.format(n=self.session.page_count(comp.code) + 1)
        self.services.scan(comp, self._on_page, self._on_done, self._on_error)

    def _on_page(self, page: Any) -> None:
        comp = self.current()
        pages = self.session.pages.setdefault(comp.code, [])
        if comp.max_pages and len(pages) >= comp.max_pages:
            self.message = T.SCAN_TOO_MANY.format(n=comp.max_pages)
            return
        pages.append(page)
        self._refresh()
        self.progress = T.SCANNING.format(n=len(pages) + 1)

    def _on_done(self, _count: int) -> None:
        self.busy = False
        self._refresh()
        self.info = T.SCAN_ORIGINAL_BACK

    def _on_error(self, message_vi: str) -> None:
        self.busy = False
        self._refresh()
        self.message = message_vi or T.SCAN_FAIL

    def delete_page(self, i: int) -> None:
        pages = self.session.pages.get(self.current().code, [])
        if 0 <= i < len(pages):
            del pages[i]
        self._refresh()

    def go_next(self) -> None:
        if self.busy:
            return
        comp = self.current()
        if comp is not None and comp.required and not self.session.page_count(comp.code):
            self.message = T.SCAN_NEED.format(name=comp.name)
            return
        if self.index + 1 < self.count:
            self._show(self.index + 1)
        else:
            self.app.go("review")

    def go_back(self) -> None:
        if self.busy:
            return
        if self.index > 0:
            self._show(self.index - 1)
        else:
            self.message = ""
            self.app.go("form", at_end=True)


load_kv(__file__)
