"""A citizen's submission: the draft is finalized into the store and its slip is made.

Pages go to the gateway as one compact PDF per component; the slip still counts the pages the
citizen scanned. The slip is kept in the session's memory for (re)printing at the counter: it is
the only place the citizen's name and address exist in clear after finalize.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from appliance.app.slips import SlipFacts, slip_for
from appliance.config import KioskConfig
from appliance.domain.catalogue import Catalogue
from appliance.domain.dossier import Draft, Page
from appliance.domain.slip import SlipData
from appliance.store import Store, SubmissionRefused
from appliance.submission import FinalizeContext, FinalizeResult, finalize
from hw.pages import assemble_pdf

Readiness = FinalizeContext | SubmissionRefused
"""What a process knows about finalizing: the context, or why this kiosk cannot accept."""


@dataclass(frozen=True)
class Submitted:
    """A finalized dossier as the success screen needs it: the store's result and the slip."""

    result: FinalizeResult
    slip: SlipData

    @property
    def code(self) -> str:
        return self.result.code


def check_can_accept(store: Store, ready: Readiness) -> None:
    """Raise the refusal a citizen would meet at the end, before they start."""
    if isinstance(ready, SubmissionRefused):
        raise ready
    store.check_can_accept()


def submit(config: KioskConfig, store: Store, catalogue: Catalogue, ready: Readiness,
           draft: Draft) -> Submitted:
    """Finalize ``draft`` (raises SubmissionRefused before writing anything) and make its slip."""
    if isinstance(ready, SubmissionRefused):
        raise ready
    pages = {code: len(ps) for code, ps in draft.pages.items()}
    result = finalize(store, one_pdf_per_component(draft), ready, page_counts=pages)
    slip = slip_for(config, catalogue, SlipFacts.of_result(result), identity=draft.identity,
                    phone=draft.phone or None, answers=draft.form)
    return Submitted(result, slip)


def one_pdf_per_component(draft: Draft) -> Draft:
    """Pages of a component go to the gateway as one compact PDF (hw.pages.assemble_pdf)."""
    pages = {code: [Page(assemble_pdf([p.data for p in ps]), "application/pdf")]
             for code, ps in draft.pages.items() if ps}
    return dataclasses.replace(draft, pages=pages)
