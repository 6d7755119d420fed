"""The appointment slip of a dossier: the original at the counter and any reprint, built alike.

Both go through :func:`slip_for` with the facts kept with the dossier (its code, receipt and
return times, pages scanned per component, the site staff had chosen), so a reprint after staff
moved the kiosk still names the site where the citizen was received, and lists the same papers.
The only difference: a reprint has no personal data (the kiosk cannot read the payload back).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

from appliance.app import runtime
from appliance.clock import VN_TZ
from appliance.config import KioskConfig
from appliance.domain.calendar import DueDate
from appliance.domain.catalogue import Catalogue
from appliance.domain.identity import Identity
from appliance.domain.slip import SlipData, build_slip, render_slip
from appliance.store import DossierRecord, Store
from appliance.submission import FinalizeResult
from hw.printer import Printer


@dataclass(frozen=True)
class SlipFacts:
    """What a slip states about a dossier, as kept with it in the store."""

    code: str
    procedure_code: str
    received: dt.datetime
    due_at: dt.datetime | None
    clock_trusted: bool
    pages: Mapping[str, int] = field(default_factory=dict)
    site: str = ""
    """Empty for dossiers finalized before the site was kept: the configured one is used."""
    gateway_code: str | None = None
    register_no: int | None = None
    """Per-year register number; None for dossiers finalized before it existed."""
    form_public: Mapping[str, Any] = field(default_factory=dict)
    """``Procedure.public_facts``: the answers that select the time limit and the delivery, and
    the fee text (nothing personal), so a reprint says what the original said."""

    @classmethod
    def of_result(cls, result: FinalizeResult) -> SlipFacts:
        return cls(result.code, result.procedure.code, result.received_at, result.due_at,
                   result.clock_trusted, result.pages, result.site,
                   register_no=result.register_no, form_public=result.form_public)

    @classmethod
    def of_record(cls, record: DossierRecord) -> SlipFacts:
        public: dict[str, Any] = record.slip_public
        pages = public.get("pages") or {}
        return cls(record.code, record.procedure_code, record.finalized_at, record.due_at,
                   record.clock_trusted, {str(k): int(v) for k, v in pages.items()},
                   str(public.get("site") or ""), record.portal_code,
                   register_no=record.register_no, form_public=public.get("form_public") or {})


def slip_for(config: KioskConfig, catalogue: Catalogue, facts: SlipFacts, *,
             identity: Identity | None = None, phone: str | None = None,
             email: str | None = None, answers: Mapping[str, str] | None = None) -> SlipData:
    """The slip's content (Mẫu 01). Raises LookupError when the procedure left the catalogue.
    ``answers``: the citizen's form (the original); a reprint uses ``facts.form_public``."""
    procedure = catalogue.get(facts.procedure_code)
    if procedure is None:
        raise LookupError(f"procedure {facts.procedure_code} is no longer in the catalogue")
    due = facts.due_at.astimezone(VN_TZ).replace(tzinfo=None) if facts.due_at else None
    return build_slip(
        procedure=procedure,
        dossier_code=facts.code,
        received=facts.received,
        due=DueDate(due),
        kiosk=runtime.kiosk_section(config, catalogue),
        lookup_url=config.gateway.lookup_url,
        identity=identity,
        phone=phone,
        email=email,
        pages=facts.pages,
        clock_trusted=facts.clock_trusted,
        gateway_code=facts.gateway_code,
        site=facts.site or None,
        register_no=facts.register_no,
        answers=answers if answers is not None else _public_answers(facts),
        fee=None if answers is not None else _kept_fee(facts),
    )


def _kept_fee(facts: SlipFacts) -> tuple[str, int | None] | None:
    text, amount = facts.form_public.get("fee_text"), facts.form_public.get("fee_amount")
    if not isinstance(text, str):
        return None
    return text, amount if isinstance(amount, int) else None


def _public_answers(facts: SlipFacts) -> Mapping[str, str] | None:
    kept = facts.form_public.get("answers")
    return {str(k): str(v) for k, v in kept.items()} if isinstance(kept, dict) else None


def stored_slip(config: KioskConfig, store: Store, catalogue: Catalogue, code: str) -> SlipData:
    """The reprint of a stored dossier, from its clear columns. LookupError when it is not here."""
    record = store.find_by_code(code)
    if record is None:
        raise LookupError(f"no dossier with code {code!r} in {config.data_dir}")
    return slip_for(config, catalogue, SlipFacts.of_record(record))


def print_slip(printer: Printer, slip: SlipData) -> None:
    """Render the slip for this printer's paper and print it."""
    printer.print_image(render(slip, printer.width_dots))
    printer.cut()


def render(slip: SlipData, width_dots: int) -> Image.Image:
    return render_slip(slip, width_dots)


def to_pdf(image: Image.Image) -> bytes:
    """A rendered slip as a one-page PDF at the paper's true size (the one PDF writer)."""
    from hw.pdf import images_to_pdf

    return images_to_pdf([image])
