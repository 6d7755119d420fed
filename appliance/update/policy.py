"""The rules an update follows: who gets it, when it may use the network, when it may reboot.

- Staged roll-out: a kiosk list, or a percentage decided by a stable hash of the kiosk id and the
  version, so raising the percentage only adds kiosks and each version picks a different first
  few (no commune is always the guinea pig; pilots go on the list).
- Dossiers first: no bundle byte while a dossier waits; never while a citizen is in a session.
- Reboot only in the quiet window (or when staff force it), never during a citizen's session.
- Good only after the health check: the store opens, the UI drew its first frame and feeds its
  watchdog, the sync daemon started.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

HEALTH_CHECKS = ("store_opens", "ui_first_frame", "sync_started")


@dataclass(frozen=True)
class Rollout:
    """Who an announced bundle is for: listed kiosks, plus ``percent`` of all the others."""

    percent: float = 0.0
    kiosks: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not 0.0 <= self.percent <= 100.0:
            raise ValueError(f"roll-out percentage {self.percent} is not within 0..100")

    def includes(self, kiosk_id: str, version: str) -> bool:
        return kiosk_id in self.kiosks or bucket(kiosk_id, version) < self.percent * 100


def bucket(kiosk_id: str, version: str) -> int:
    """0..9999, stable for a (kiosk, version) pair: the kiosk's place in the roll-out queue."""
    digest = hashlib.sha256(f"{version}\0{kiosk_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 10_000


@dataclass(frozen=True)
class QuietWindow:
    """Local times between which a reboot disturbs nobody; may wrap midnight (22:00–05:00)."""

    start: dt.time = dt.time(22, 0)
    end: dt.time = dt.time(5, 0)

    def contains(self, at: dt.time) -> bool:
        if self.start <= self.end:
            return self.start <= at < self.end
        return at >= self.start or at < self.end


@dataclass(frozen=True)
class Facts:
    """What the daemon knows when it decides (read from the store and the UI's flag file)."""

    session_active: bool = False
    pending_dossiers: int = 0
    local_time: dt.time = dt.time(12, 0)
    quiet: QuietWindow = QuietWindow()
    force_reboot: bool = False
    health: Mapping[str, bool] | None = None
    """Results of the trial system's checks so far (None: the check has not run yet)."""


def may_download(facts: Facts) -> bool:
    return not facts.session_active and facts.pending_dossiers == 0


def may_install(facts: Facts) -> bool:
    return not facts.session_active


def may_reboot(facts: Facts) -> bool:
    """Staff may force a reboot outside the quiet window, never into a citizen's session."""
    if facts.session_active:
        return False
    return facts.force_reboot or facts.quiet.contains(facts.local_time)


def failed_checks(results: Mapping[str, bool], required: Collection[str] = HEALTH_CHECKS
                  ) -> list[str]:
    """The required checks that did not pass (a missing result is a failure)."""
    return [name for name in required if results.get(name) is not True]
