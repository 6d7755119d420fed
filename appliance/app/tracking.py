"""What tracking tells a citizen about a dossier found by its code (the words are the UI's).

Local first: this kiosk's store knows its own dossiers and the province's answers the sync
daemon pulled. A short tracking code this kiosk does not hold (the citizen submitted at another
kiosk) is asked of the gateway when the daemon last found it online (``track_at_gateway``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from appliance.clock import VN_TZ
from appliance.config import KioskConfig
from appliance.domain.dossier import PENDING_STATES
from appliance.domain.tracking_code import normalise_tracking_code
from appliance.store import DossierRecord, OfficialAnswer, Store

log = logging.getLogger(__name__)
STALE_AFTER_S = 6 * 3600
"""A status older than this (or than the last successful sync) is shown with a warning."""
LOOKUP_TIMEOUT_S = 4.0
"""Connect and read timeout of a gateway lookup: a citizen is waiting at the screen."""


@dataclass(frozen=True)
class Tracking:
    kind: str
    """portal (the gateway reported a status), sent, checking (quarantined) or waiting."""
    portal_status: int | None
    as_of: dt.datetime | None
    """When the status shown was true (None: not known)."""
    due_at: dt.datetime | None
    """The return date the kiosk printed (its own estimate)."""
    stale: bool
    """The status may be old: nothing was heard from the gateway for a while."""
    heard_at: dt.datetime | None
    """The last time the kiosk heard from the gateway about it (for the warning)."""
    procedure_name: str | None = None
    official_due: dt.datetime | None = None
    """The province's NgayHenTra, once an officer accepted the dossier."""
    official_code: str | None = None
    reason: str | None = None
    """Why more papers are needed (status 5) or why it was refused (status 3)."""
    code: str | None = None
    """The dossier code (the reprint finds the dossier by it)."""
    local: bool = True
    """Held by this kiosk (so its slip can be reprinted here)."""

    @property
    def due_changed(self) -> bool:
        """The official return date is not the one printed on the slip."""
        if self.official_due is None or self.due_at is None:
            return self.official_due is not None
        return _local_minute(self.official_due) != _local_minute(self.due_at)


def _local_minute(when: dt.datetime) -> dt.datetime:
    local = when.astimezone(VN_TZ) if when.tzinfo else when
    return local.replace(second=0, microsecond=0, tzinfo=None)


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
    return Tracking(kind, record.portal_status, when, record.due_at, stale, heard,
                    procedure_name=record.slip_public.get("procedure_name"),
                    official_due=record.official_due_at, official_code=record.official_code,
                    reason=record.official_reason, code=record.code)


def gateway_online(config: KioskConfig, store: Store) -> bool:
    """Worth asking the gateway: one is configured and the sync daemon last found it online."""
    return bool(config.gateway.url) and bool((store.sync_state() or {}).get("online"))


def track_at_gateway(config: KioskConfig, code: str) -> Tracking | str | None:
    """Ask the gateway about a short tracking code this kiosk does not hold: the tracking facts,
    None when it knows none, ``"ambiguous"``, or ``"offline"`` when it cannot be asked."""
    from pathlib import Path

    from appliance.app.gateway import client_for
    from sync.client import Credentials, RetryPolicy
    from sync.errors import SyncError

    canonical = normalise_tracking_code(code)
    if canonical is None:
        return None
    gw = dataclasses.replace(config.gateway, connect_timeout_s=LOOKUP_TIMEOUT_S,
                             read_timeout_s=LOOKUP_TIMEOUT_S)
    try:
        credentials = Credentials.load(Path(gw.credentials_file).expanduser())
        client = client_for(dataclasses.replace(config, gateway=gw), credentials,
                            RetryPolicy(attempts=1))
        try:
            answer = client.track(canonical)
        finally:
            client.close()
    except SyncError as err:
        log.info("tracking lookup at the gateway failed: %s", err.describe())
        return "offline"
    if answer is None or answer.get("ambiguous"):
        return "ambiguous" if answer else None
    return tracking_of_answer(answer, dt.datetime.now(VN_TZ))


def tracking_of_answer(answer: dict[str, Any], now: dt.datetime) -> Tracking:
    """The gateway's tracking answer (docs/gateway-api.yaml ``TrackingAnswer``) as facts."""
    status = answer.get("TrangThaiHoSo")
    official = official_answer(answer, now) if status else None
    due = _stamp(answer.get("NgayHenTraDuKien"))
    name = answer.get("TenTTHC")
    return Tracking(
        "portal" if official else "sent", official.status if official else None,
        official.at if official else None, due, False, now,
        procedure_name=name if isinstance(name, str) else None,
        official_due=official.due_at if official else None,
        official_code=official.code if official else None,
        reason=official.reason if official else None,
        code=str(answer.get("dossier_code")), local=False)


MAX_REASON = 500
"""Longest "needs more papers" or refusal reason kept (the gateway's own limit)."""


def official_answer(update: dict[str, Any], now: dt.datetime) -> OfficialAnswer | None:
    """The province's answer in one updates-feed item (None when its status is unusable).
    A field the gateway sends malformed is dropped, never guessed."""
    status = update.get("TrangThaiHoSo")
    if not isinstance(status, int) or isinstance(status, bool) or not 1 <= status <= 10:
        return None
    code, reason = update.get("MaHoSo"), update.get("LyDo")
    return OfficialAnswer(
        status=status, at=_iso_time(update.get("at")) or now,
        code=code if isinstance(code, str) and code else None,
        received_at=_stamp(update.get("NgayTiepNhan")),
        due_at=_stamp(update.get("NgayHenTra")),
        reason=reason[:MAX_REASON] if isinstance(reason, str) and reason else None)


def _iso_time(value: object) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _stamp(value: object) -> dt.datetime | None:
    """A ``yyyyMMddHHmmss`` stamp (Asia/Ho_Chi_Minh) as an aware time; None when malformed."""
    if not isinstance(value, str) or len(value) != 14 or not value.isdigit():
        return None
    try:
        return dt.datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=VN_TZ)
    except ValueError:
        return None


