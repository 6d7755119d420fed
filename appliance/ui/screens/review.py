"""Review everything before submitting: procedure, person, form answers, pages per paper."""

from __future__ import annotations

from appliance.ui import strings as T
from appliance.ui.screens.base import KioskScreen, load_kv
from appliance.ui.widgets import Body


class ReviewScreen(KioskScreen):
    step = 5
    say = T.REVIEW_SAY
    back_to = "scan"

    def on_pre_enter(self, *_args: object) -> None:
        box = self.ids.summary
        box.clear_widgets()
        s = self.session
        proc = self.services.catalogue.get(s.procedure_code)
        lines = [f"[b]{T.REVIEW_PROCEDURE}:[/b] {proc.name if proc else s.procedure_code}"]
        if s.identity is not None:
            who = f"{s.identity.full_name} — {s.identity.id_number}"
            lines.append(f"[b]{T.REVIEW_PERSON}:[/b] {who}")
        for field in self.services.form_fields(s.procedure_code):
            if s.form.get(field.name):
                lines.append(f"[b]{field.label}:[/b] {s.form[field.name]}")
        if proc is not None:  # the fee under the answers: an exemption, a provincial rate …
            lines.append(f"[b]{T.FEE}:[/b] {proc.fee_quote(s.form).text}")
        for comp in self.services.components(s.procedure_code):
            n = s.page_count(comp.code)
            pages = T.REVIEW_PAGES.format(n=n) if n else (
                T.SCAN_TODO if comp.required else T.OPTIONAL_SKIPPED)
            lines.append(f"[b]{comp.name}:[/b] {pages}")
        # one label for the whole summary: one texture per session rather than one per line
        box.add_widget(Body(text="\n".join(_escape_values(line) for line in lines),
                            markup=True))

    def reset(self) -> None:
        super().reset()
        self.ids.summary.clear_widgets()

    def go_back(self) -> None:
        self.app.go("scan", at_end=True)

    def go_next(self) -> None:
        self.app.go("confirm", fresh=True)


def _escape_values(line: str) -> str:
    """Citizen text may contain "[" — escape it after the bold label so markup stays ours."""
    head, sep, value = line.partition("[/b]")
    return head + sep + value.replace("&", "&amp;").replace("[", "&bl;").replace("]", "&br;")


load_kv(__file__)
