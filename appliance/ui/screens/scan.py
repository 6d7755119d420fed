"""Scan the dossier's components one at a time: the checklist of every paper and its state,
progress, thumbnails, retake, delete, and the reminder that the original has come back out of the
slot. Tapping a paper in the checklist goes to it.

The scan runs off the UI thread (services.scan); each processed page comes back through
``Clock.schedule_once`` and appears as a thumbnail while the next page is still being scanned.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from appliance.ui import strings as T
from appliance.ui.screens.base import KioskScreen, load_kv
from appliance.ui.screens.preview import CameraPreview
from appliance.ui.widgets import BigButton

FORM_CODE = "TO_KHAI"
"""Catalogue code (prefix) of the declaration form, the paper the citizen just filled on screen."""


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
    pages = NumericProperty(0)
    from_review = BooleanProperty(False)
    """Opened by "Sửa" on the review screen: going on returns there."""
    """Pages scanned for the current paper."""
    can_go_on = BooleanProperty(False)
    """The current paper is scanned or optional: "Tiếp tục" is the one primary action, else
    "Quét" is."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._slots: list[BoxLayout] = []
        self._marks: list[BigButton] = []
        self._replace = False

    def components(self) -> list[Any]:
        return self.services.components(self.session.procedure_code)

    def prepare(self, start: bool = False, at_end: bool = False, at: int = -1,
                **_kw: Any) -> None:
        comps = self.components()
        self.count = len(comps)
        self.from_review = 0 <= at < len(comps)
        if self.from_review:  # "Sửa" on the review screen: straight to that paper
            self._show(at)
            return
        self._show(len(comps) - 1 if at_end and comps else 0)

    def reset(self) -> None:
        super().reset()
        self.index, self.progress, self.info, self.busy, self.pages = 0, "", "", False, 0
        self.from_review = False
        self.ids.thumbs.clear_widgets()
        self.ids.chips.clear_widgets()
        self.ids.checklist.clear_widgets()

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
        if comp.code.startswith(FORM_CODE) and not self.pages:
            self.info = T.SCAN_FORM_NOTE  # filled on screen: why the paper form still counts

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
        self.pages = n = len(pages)
        self.can_go_on = bool(n) or not comp.required
        self.progress = T.SCANNED.format(n=n) if n else T.SCAN_TODO
        self._refresh_checklist()

    def _refresh_checklist(self) -> None:
        """One mark per paper: "1 xong" chips in landscape (a grid beside the scan buttons), full
        rows in portrait; the current
        paper outlined in the primary colour (it is not an action), finished ones in green."""
        portrait = self.app.ui.portrait
        box, other = ((self.ids.checklist, self.ids.chips) if portrait
                      else (self.ids.chips, self.ids.checklist))
        other.clear_widgets()
        box.clear_widgets()
        for i, comp in enumerate(self.components()):
            n = self.session.page_count(comp.code)
            mark = self._mark(i)
            if portrait:
                state = T.SCANNED.format(n=n) if n else (T.SCAN_TODO if comp.required
                                                          else T.OPTIONAL_TODO)
                mark.text = f"{i + 1}. {comp.name}: {state.lower()}"
                mark.size_hint_x, mark.halign = 1, "left"
            else:  # two chips a row have room for "1 xong"; three only for the number
                wide = n and self.count <= 4
                mark.text = f"{i + 1} {T.SCAN_DONE.lower()}" if wide else str(i + 1)
                mark.size_hint_x, mark.halign = 1, "center"
            mark.kind = "current" if i == self.index else ("done" if n else "secondary")
            box.add_widget(mark)

    def _mark(self, i: int) -> BigButton:
        while len(self._marks) <= i:
            n = len(self._marks)
            mark = BigButton(size_hint_y=None, height=self.app.ui.target)
            mark.bind(on_release=lambda *_, n=n: self.go_to(n))
            mark.bind(texture_size=self._fit_mark)
            self._marks.append(mark)
        return self._marks[i]

    def _fit_mark(self, mark: BigButton, size: Any) -> None:
        """Portrait rows grow to their wrapped text; landscape chips are one target tall."""
        ui = self.app.ui
        mark.height = max(ui.target, size[1] + 2 * ui.pad) if ui.portrait else ui.target

    def go_to(self, index: int) -> None:
        """Jump to a paper from the checklist (not while a scan is running)."""
        if not self.busy and 0 <= index < self.count and index != self.index:
            self._show(index)

    def _thumb(self, i: int) -> BoxLayout:
        """The i-th thumbnail slot: the page and its delete button. Slots (and their textures)
        are made once and reused for every session: a kiosk scans thousands of pages and must
        not grow with them. Their shape follows the window (landscape: button beside the page,
        portrait: below it)."""
        while len(self._slots) <= i:
            n = len(self._slots)
            box = BoxLayout(size_hint_x=None)
            box.add_widget(CameraPreview())
            side = BoxLayout(orientation="vertical")
            delete = BigButton(text=T.SCAN_DELETE, size_hint_y=None)
            delete.bind(on_release=lambda *_, n=n: self.delete_page(n))
            side.add_widget(delete)
            side.add_widget(Widget())
            box.add_widget(side)
            self._slots.append(box)
        box = self._slots[i]
        ui = self.app.ui
        side = box.children[0]
        side.children[-1].height = ui.target
        if ui.portrait:
            box.orientation, box.width = "vertical", ui.target * 2.8
            side.size_hint, side.height = (1, None), ui.target
        else:
            box.orientation, box.width = "horizontal", ui.target * 3.2
            side.size_hint, side.width = (None, 1), ui.target * 1.3
        return box

    def scan(self, retake: bool = False) -> None:
        comp = self.current()
        if comp is None or self.busy:
            return
        # A retake replaces the pages only once the first new page has arrived, so an empty
        # feeder or a jam loses nothing.
        self._replace = retake
        self.busy, self.message, self.info = True, "", ""
        self.progress = T.SCANNING.format(n=1 if retake else self.session.page_count(comp.code) + 1)
        self.services.scan(comp, self._on_page, self._on_done, self._on_error)

    def _on_page(self, page: Any) -> None:
        comp = self.current()
        if self._replace:
            self._replace = False
            self.session.pages[comp.code] = []
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
            self.message = T.SCAN_NEED
            return
        if self.index + 1 < self.count and not self.from_review:
            self._show(self.index + 1)
        else:
            self.app.go("review")

    def go_back(self) -> None:
        if self.busy:
            return
        if self.from_review:
            self.message = ""
            self.app.go("review")
        elif self.index > 0:
            self._show(self.index - 1)
        else:
            self.message = ""
            self.app.go("form", at_end=True)


load_kv(__file__)
