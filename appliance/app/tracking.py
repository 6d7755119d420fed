"""What tracking tells a citizen about a dossier found by its code (the words are the UI's)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from appliance.domain.dossier import PENDING_STATES
from appliance.store import DossierRecord, Store

STALE_AFTER_S = 6 * 3600
"""A status older than this (or than the last successful sync) is shown with a warning."""


@dataclass(frozen=True)
class Tracking:
    kind: str
    """portal (the gateway reported a status), sent, checking (quarantined) or waiting."""
    portal_status: int | None
    as_of: dt.datetime | None
    """When the status shown was true (None: not known)."""
    due_at: dt.datetime | None
    stale: bool
    """The status may be old: nothing was heard from the gateway for a while."""
    heard_at: dt.datetime | None
    """The last time the kiosk heard from the gateway about it (for the warning)."""


def parse_time(value: object) -> dt.datetime | None:
    """A stored time (ISO text in sync state) as a datetime; None when absent or unreadable."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def track(store: Store, code: str) -> Tracking | None:
    """The dossier's tracking facts, or None when no dossier here has this code."""
    record = store.find_by_code(code)
    return tracking_of(store, record) if record is not None else None


def tracking_of(store: Store, record: DossierRecord) -> Tracking:
    state = str(record.state)
    when = record.portal_status_at
    if record.portal_status:
        kind = "portal"
    elif state in ("sent", "purged"):
        kind, when = "sent", record.received_at
    else:
        kind = "checking" if state == "quarantined" else "waiting"
    heard = parse_time((store.sync_state() or {}).get("last_success")) or when
    age = (store.clock.wall() - heard).total_seconds() if heard is not None else None
    stale = state not in PENDING_STATES and (age is None or age > STALE_AFTER_S)
    return Tracking(kind, record.portal_status, when, record.due_at, stale, heard)
