"""Tracking facts in the citizen's words: which procedure, where it stands, and when to come.

Statuses follow the national codes (TrangThaiHoSo 1–10): 1 waits for the officer's check, 2 is
"Đã tiếp nhận" with the official date, 5 "Cần bổ sung: …" and 3 "Không được tiếp nhận: …" with
the officer's reason, 9 and 10 "Đã có kết quả". When the official date is not the printed one the
answer says so and, for a dossier of this kiosk, offers a reprint with the official date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from appliance.clock import VN_TZ
from appliance.ui import strings as T

if TYPE_CHECKING:
    from appliance.app.tracking import Tracking


@dataclass(frozen=True)
class TrackAnswer:
    text: str
    stale: str
    """A warning that the status may be old, or ""."""
    reprint_code: str | None = None
    """The dossier code when a reprint with the official date is offered here."""


def when_text(when: dt.datetime) -> str:
    local = when.astimezone(VN_TZ) if when.tzinfo else when
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}"


def _status(found: Tracking) -> list[str]:
    """The status line and, where it matters, what to do next."""
    if found.kind != "portal":
        return [{"sent": f"{T.TRACK_SENT} {T.TRACK_SUBMITTED}.",
                 "checking": T.TRACK_CHECKING}.get(found.kind, T.TRACK_WAITING)]
    status = found.portal_status or 0
    reason = found.reason or T.TRACK_NO_REASON
    words = {1: [T.TRACK_SUBMITTED], 2: [T.TRACK_ACCEPTED],
             3: [T.TRACK_REFUSED.format(reason=reason), T.TRACK_REFUSED_COME],
             5: [T.TRACK_MORE_PAPERS.format(reason=reason), T.TRACK_MORE_PAPERS_COME],
             9: [T.TRACK_RESULT_READY, T.TRACK_RESULT_COME],
             10: [T.TRACK_RESULT_READY]}.get(status, [T.PORTAL_STATUS.get(status, "?")])
    return [f"{T.TRACK_STATUS}: {words[0]}", *words[1:]]


def _dates(found: Tracking) -> list[str]:
    """When to come: the official date, else the kiosk's estimate (not after a refusal, nor
    while papers are missing: the time limit waits for them)."""
    if found.portal_status in (3, 5, 10):
        return []
    if found.official_due is not None:
        lines = [T.TRACK_DUE_OFFICIAL.format(when=when_text(found.official_due))]
        if found.due_changed and found.due_at is not None:
            lines.append(T.TRACK_DUE_CHANGED.format(printed=when_text(found.due_at)))
        return lines
    if found.due_at is not None:
        return [T.TRACK_DUE_ESTIMATE.format(when=when_text(found.due_at))]
    return []


def describe(found: Tracking) -> TrackAnswer:
    """The answer the tracking screen shows (and whether it offers a reprint)."""
    lines = [f"{T.TRACK_PROCEDURE}: {found.procedure_name}"] if found.procedure_name else []
    lines += _status(found) + _dates(found)
    if found.as_of is not None:
        lines.append(T.TRACK_AS_OF.format(when=f"{found.as_of.astimezone(VN_TZ):%H:%M %d/%m/%Y}"
                                          if found.as_of.tzinfo else
                                          f"{found.as_of:%H:%M %d/%m/%Y}"))
    reprint = found.code if (found.local and found.due_changed
                             and found.portal_status not in (3, 10)) else None
    if not found.stale:
        return TrackAnswer("\n".join(lines), "", reprint)
    shown = f"{found.heard_at:%H:%M %d/%m/%Y}" if found.heard_at else T.STAFF_NEVER
    return TrackAnswer("\n".join(lines), T.TRACK_OLD.format(when=shown), reprint)
