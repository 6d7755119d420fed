"""Procedure details: the papers needed, the time limit and the fee, then "Bắt đầu"."""

from __future__ import annotations

from typing import Any

from kivy.properties import ObjectProperty

from appliance.ui import strings as T
from appliance.ui.screens.base import KioskScreen, load_kv
from appliance.ui.widgets import Body


class ProcedureScreen(KioskScreen):
    step = 1
    say = T.DETAIL_SAY
    back_to = "catalogue"
    procedure = ObjectProperty(None, allownone=True)

    def prepare(self, code: str = "", **_kw: Any) -> None:
        self.procedure = self.services.procedure_view(code)
        self._fill()

    def reset(self) -> None:
        super().reset()
        self.procedure = None
        self.ids.details.set_items([])

    def _fill(self) -> None:
        p = self.procedure
        if p is None:
            self.ids.details.set_items([])
            return
        rows = [Body(text=f"[b]{T.TIME_LIMIT}:[/b] {p.time_limit}", markup=True),
                Body(text=f"[b]{T.FEE}:[/b] {p.fee}", markup=True)]
        for i, c in enumerate(p.components, 1):
            kind = T.ORIGINAL if c.original else T.COPY
            extra = "" if c.required else f" ({T.OPTIONAL})"
            head = f"[b]{T.COMPONENTS}:[/b]\n" if i == 1 else ""  # never alone at a page end
            rows.append(Body(text=f"{head}{i}. {c.name} — {kind}{extra}", markup=True))
        self.ids.details.set_items(rows)

    def go_next(self) -> None:
        if self.procedure is None:
            return
        self.session.procedure_code = self.procedure.code
        self.app.go("identity")


load_kv(__file__)
