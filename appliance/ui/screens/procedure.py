"""Procedure details: the papers needed, the time limit and the fee, then "Bắt đầu"."""

from __future__ import annotations

import re
from typing import Any

from kivy.properties import ObjectProperty

from appliance.ui import strings as T
from appliance.ui.screens.base import KioskScreen, load_kv
from appliance.ui.widgets import Body


def clauses(text: str) -> list[str]:
    """A legal sentence cut at its ";", "." and before a "(" into short rows (a page never gets
    a row taller than itself); "2.000 đồng" is not cut (no space after the dot)."""
    parts = [part.strip() for part in re.split(r"(?<=[;.])\s+|\s+(?=\()", text or "")
             if part.strip()]
    rows = [part[:-1] + "." if part.endswith(";") else part for part in parts] or [""]
    return [row[:1].upper() + row[1:] for row in rows]  # each row reads as a sentence


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
        # The first clause of the time limit and of the fee come first, so both show on the
        # first page; the legal detail (exemptions, checks) follows one clause a row.
        times, fees = clauses(p.time_limit), clauses(p.fee)
        rows = [Body(text=f"[b]{T.TIME_LIMIT}:[/b] {times[0]}", markup=True),
                Body(text=f"[b]{T.FEE}:[/b] {fees[0]}", markup=True)]
        for head, rest in ((T.TIME_MORE, times[1:]), (T.FEE_MORE, fees[1:])):
            for i, clause in enumerate(rest):
                label = f"[b]{head}:[/b] " if i == 0 else ""
                rows.append(Body(text=f"{label}{clause}", markup=True))
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
