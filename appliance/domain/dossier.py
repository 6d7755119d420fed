"""The dossier model and its lifecycle (DESIGN §5).

``draft`` lives only in memory during a citizen's session. ``finalize`` freezes it into an immutable
payload; from then on only the state moves, and only along ``TRANSITIONS``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from appliance.domain.identity import Identity


class DossierState(StrEnum):
    QUEUED = "queued"
    """Finalized: payload frozen, digest computed, sealed, on disk, slip printed."""
    SENDING = "sending"
    """Written before each attempt, so a crash mid-send is retried, never shown as sent."""
    SENT = "sent"
    """The gateway's receipt echoed the dossier id and digests."""
    PURGED = "purged"
    """Blobs deleted after the gateway confirmed every file; a tombstone row remains."""
    QUARANTINED = "quarantined"
    """The gateway rejected this record for a reason of its own; kept and restorable."""


TRANSITIONS: dict[DossierState, frozenset[DossierState]] = {
    DossierState.QUEUED: frozenset({DossierState.SENDING, DossierState.QUARANTINED}),
    DossierState.SENDING: frozenset(
        {DossierState.SENDING, DossierState.QUEUED, DossierState.SENT, DossierState.QUARANTINED}
    ),
    DossierState.SENT: frozenset({DossierState.PURGED}),
    DossierState.PURGED: frozenset(),
    DossierState.QUARANTINED: frozenset({DossierState.QUEUED}),
}
"""Legal moves. SENDING → SENDING: a new attempt after a crash; QUARANTINED → QUEUED: restore."""

PENDING_STATES = frozenset({DossierState.QUEUED, DossierState.SENDING})
"""Finalized and not yet delivered: the sync daemon's queue (what a waiting dossier can be in)."""


def pending_total(counts: Mapping[str, int]) -> int:
    """How many dossiers wait for delivery, from ``Store.counts_by_state()``."""
    return sum(counts.get(state, 0) for state in PENDING_STATES)


class IllegalTransition(ValueError):
    def __init__(self, current: DossierState, target: DossierState) -> None:
        super().__init__(f"illegal dossier transition {current} → {target}")
        self.current = current
        self.target = target


def check_transition(current: DossierState, target: DossierState) -> None:
    """Raise IllegalTransition unless ``current → target`` is allowed."""
    if target not in TRANSITIONS[current]:
        raise IllegalTransition(current, target)


@dataclass(frozen=True)
class Page:
    """One scanned page or document as the scanner produced it."""

    data: bytes
    media_type: str = "application/pdf"
    """``application/pdf``, ``image/jpeg`` or ``image/png``."""


@dataclass
class Draft:
    """Everything the citizen entered, in memory only, until finalize."""

    procedure_code: str
    identity: Identity
    form: dict[str, str] = field(default_factory=dict)
    pages: dict[str, list[Page]] = field(default_factory=dict)
    """Component code (MaThanhPhanHoSo) → its pages in order."""
    phone: str = ""
    email: str = ""
    replaces: str | None = None
    """Dossier id this one corrects; a frozen payload never changes (DESIGN §5)."""

    def wipe(self) -> None:
        """Drop references to personal data (the session is over)."""
        self.form.clear()
        self.pages.clear()
        self.phone = ""
        self.email = ""
