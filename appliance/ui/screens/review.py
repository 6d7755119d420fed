"""Review everything before submitting, grouped (người nộp / nội dung / giấy tờ), one page at a
time: what does not fit is on the next page behind a big "Trang sau" button, never below the fold.
Each answer has its own "Sửa", which opens that question and comes straight back here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kivy.clock import Clock
from kivy.properties import NumericProperty
from kivy.uix.boxlayout import BoxLayout

from appliance.ui import strings as T
from appliance.ui.screens.base import KioskScreen, load_kv
from appliance.ui.widgets import BigButton, Body


@dataclass(frozen=True)
class Row:
    label: str
    value: str = ""
    edit: tuple[str, str] | None = None
    """("field", name) or ("paper", index): what "Sửa" opens; None: nothing to edit here."""
    heading: bool = False


class ReviewScreen(KioskScreen):
    step = 5
    say = T.REVIEW_SAY
    back_to = "scan"
    page = NumericProperty(0)
    pages = NumericProperty(1)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._widgets: list[Any] = []
        self._split: list[list[Any]] = []
        self._layout = Clock.create_trigger(lambda _dt: self._paginate())
        self._back_to_page: int | None = None
        """The page a "Sửa" left from: coming back shows it again."""

    def on_kv_post(self, _base: object) -> None:
        self.ids.page_area.bind(size=lambda *_a: self._layout())

    def on_pre_enter(self, *_args: object) -> None:
        self._widgets = [self._widget(row) for row in self.rows()]
        self.page, self._back_to_page = self._back_to_page or 0, None
        self._paginate()

    def rows(self) -> list[Row]:
        """Everything the dossier holds, in the order of the groups."""
        s = self.session
        proc = self.services.catalogue.get(s.procedure_code)
        rows = [Row(T.REVIEW_PROCEDURE, proc.name if proc else str(s.procedure_code))]
        fields = self.services.form_fields(s.procedure_code)
        person = [f for f in fields if _about_person(f)]
        rows.append(Row(T.REVIEW_GROUP_PERSON, heading=True))
        if s.identity is not None and not any(f.prefill == "full_name" for f in person):
            rows.append(Row(T.REVIEW_PERSON, f"{s.identity.full_name} — {s.identity.id_number}"))
        rows += [Row(f.label, s.form.get(f.name, ""), ("field", f.name)) for f in person]
        rows.append(Row(T.REVIEW_GROUP_CONTENT, heading=True))
        rows += [Row(f.label, s.form.get(f.name, ""), ("field", f.name)) for f in fields
                 if not _about_person(f)]
        if proc is not None:  # the fee under the answers: an exemption, a provincial rate …
            rows.append(Row(T.FEE, proc.fee_quote(s.form).text))
        rows.append(Row(T.REVIEW_GROUP_PAPERS, heading=True))
        for i, comp in enumerate(self.services.components(s.procedure_code)):
            n = s.page_count(comp.code)
            pages = T.REVIEW_PAGES.format(n=n) if n else (
                T.SCAN_TODO if comp.required else T.OPTIONAL_SKIPPED)
            rows.append(Row(comp.name, pages, ("paper", str(i))))
        return rows

    def _widget(self, row: Row) -> Any:
        if row.heading:
            return Body(text=f"[b]{row.label}[/b]", markup=True)
        box = BoxLayout(spacing=self.app.ui.pad, size_hint_y=None)
        text = Body(text=f"[b]{_escape(row.label)}:[/b] {_escape(row.value)}", markup=True,
                    pos_hint={"center_y": 0.5})
        box.add_widget(text)
        if row.edit is not None:
            button = BigButton(text=T.REVIEW_EDIT, size_hint_x=None,
                               width=self.app.ui.target * 1.6)
            button.bind(on_release=lambda _b, e=row.edit: self.edit(*e))
            box.add_widget(button)
        return box

    # ---- pages
    def _measure(self, widget: Any, width: float) -> float:
        ui = self.app.ui
        label = widget if isinstance(widget, Body) else widget.children[-1]
        label.width = width - (ui.target * 1.6 + ui.pad if len(widget.children) > 1 else 0)
        label.text_size = (label.width, None)
        label.texture_update()
        height = max(label.texture_size[1], ui.body * 1.3)
        if len(widget.children) > 1:  # a row with its "Sửa" button
            height = max(height, ui.target)
        widget.height = height
        return float(height)

    def _paginate(self) -> None:
        area = self.ids.page_area
        if not self._widgets or area.width < 10:
            return
        spacing = self.app.ui.pad // 2
        heights = [self._measure(w, area.width) for w in self._widgets]
        pager = self.ids.pager.height
        gap = self.app.ui.pad  # the frame's spacing, above the pager's row
        room = area.height + (pager + gap if pager else 0)  # the room with no pager
        if sum(heights) + spacing * len(heights) > room:
            room -= self.app.ui.target + gap
        split: list[list[Any]] = [[]]
        used = 0.0
        for widget, height in zip(self._widgets, heights, strict=True):
            if split[-1] and used + height > room:
                split.append([])
                used = 0.0
            split[-1].append(widget)
            used += height + spacing
        self._split = split
        self.pages = len(split)
        self.page = min(self.page, self.pages - 1)
        self._show_page()

    def _show_page(self) -> None:
        area = self.ids.summary
        area.clear_widgets()
        for widget in self._split[self.page] if self._split else []:
            area.add_widget(widget)

    def turn(self, step: int) -> None:
        self.page = max(0, min(self.pages - 1, self.page + step))
        self._show_page()

    # ---- edit in place
    def edit(self, kind: str, what: str) -> None:
        self._back_to_page = self.page
        if kind == "field":
            self.app.go("form", edit=what)
        else:
            self.app.go("scan", at=int(what))

    def reset(self) -> None:
        super().reset()
        self.ids.summary.clear_widgets()
        self._widgets, self._split, self.page, self.pages = [], [], 0, 1
        self._back_to_page = None

    def go_back(self) -> None:
        self.app.go("scan", at_end=True)

    def go_next(self) -> None:
        self.app.go("confirm", fresh=True)


def _about_person(field: Any) -> bool:
    """Whether a form field describes the person submitting (the card's group)."""
    return bool(field.prefill) or field.name.startswith("nguoi_yeu_cau")


def _escape(value: str) -> str:
    """Citizen text may contain "[" — escaped so the markup stays ours."""
    return value.replace("&", "&amp;").replace("[", "&bl;").replace("]", "&br;")


load_kv(__file__)
