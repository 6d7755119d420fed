"""The life cycle of one update, as persisted on the data partition (it survives power cuts).

idle → announced → downloading → downloaded → installing → installed-pending-reboot →
trying-new-slot → good | rolled-back. Every method returns the next state (frozen dataclasses);
a move that ``TRANSITIONS`` does not allow raises ``UpdateError``. ``booted`` is called at every
start of the system and is how a power cut or a failed trial is noticed: the state says what was
going on, the running version says how it ended.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any

MAX_TRIALS = 2
"""Trial reboots before a version is refused: one power cut during the switch or the trial is
forgiven (a trial that crashes or hangs is reset by the watchdog and counts as one)."""
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+~-]{0,63}$")


class UpdateError(ValueError):
    """A move the update life cycle does not allow, or an announcement that is not valid."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class Phase(StrEnum):
    IDLE = "idle"
    ANNOUNCED = "announced"
    DOWNLOADING = "downloading"
    DOWNLOADED = "downloaded"
    INSTALLING = "installing"
    INSTALLED = "installed-pending-reboot"
    TRYING = "trying-new-slot"
    GOOD = "good"
    ROLLED_BACK = "rolled-back"


RESTING = frozenset({Phase.IDLE, Phase.GOOD, Phase.ROLLED_BACK})
"""Nothing under way: a new announcement may start an update."""
FETCHING = frozenset({Phase.ANNOUNCED, Phase.DOWNLOADING, Phase.DOWNLOADED})
"""Only the data partition's download directory is touched: an offer may still be replaced."""

TRANSITIONS: dict[Phase, frozenset[Phase]] = {
    Phase.IDLE: frozenset({Phase.ANNOUNCED}),
    Phase.GOOD: frozenset({Phase.ANNOUNCED}),
    Phase.ROLLED_BACK: frozenset({Phase.ANNOUNCED}),
    Phase.ANNOUNCED: frozenset({Phase.ANNOUNCED, Phase.DOWNLOADING, Phase.IDLE}),
    Phase.DOWNLOADING: frozenset({Phase.DOWNLOADING, Phase.DOWNLOADED, Phase.ANNOUNCED,
                                  Phase.IDLE}),
    Phase.DOWNLOADED: frozenset({Phase.INSTALLING, Phase.ANNOUNCED, Phase.IDLE}),
    Phase.INSTALLING: frozenset({Phase.INSTALLED, Phase.DOWNLOADED, Phase.IDLE}),
    Phase.INSTALLED: frozenset({Phase.INSTALLED, Phase.TRYING, Phase.ROLLED_BACK}),
    Phase.TRYING: frozenset({Phase.TRYING, Phase.INSTALLED, Phase.GOOD, Phase.ROLLED_BACK}),
}


@dataclass(frozen=True)
class Offer:
    """One bundle announced by the gateway's updates feed."""

    version: str
    size: int
    sha256: str
    url: str

    @classmethod
    def from_feed(cls, obj: Any) -> Offer:
        """Validated, so a malformed feed entry is refused with a code instead of half-used."""
        if not isinstance(obj, dict):
            raise UpdateError("bundle announcement is not an object", "bad_offer")
        version, size = obj.get("version"), obj.get("size")
        sha256, url = obj.get("sha256"), obj.get("url")
        if not isinstance(version, str) or not _VERSION.match(version):
            raise UpdateError(f"bad bundle version {version!r}", "bad_offer")
        if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
            raise UpdateError(f"bad bundle size {size!r}", "bad_offer")
        if not isinstance(sha256, str) or not _SHA256.match(sha256):
            raise UpdateError("bad bundle sha256", "bad_offer")
        if not isinstance(url, str) or not url:
            raise UpdateError("bundle announcement without a URL", "bad_offer")
        return cls(version, size, sha256, url)


@dataclass(frozen=True)
class UpdateState:
    phase: Phase = Phase.IDLE
    running: str = ""
    """The version this system runs (set at every boot)."""
    offer: Offer | None = None
    received: int = 0
    """Bytes of the bundle on the data partition (the resume offset)."""
    previous: str | None = None
    """The version a trial came from, for the report after a roll-back or success."""
    trials: int = 0
    refused: str | None = None
    """A version that failed (digest, signature, health check, trial): never fetched again."""
    reason: str | None = None
    """English code of the last failure, for staff and the heartbeat."""

    # --- moving
    def _to(self, phase: Phase, **changes: Any) -> UpdateState:
        if phase not in TRANSITIONS.get(self.phase, frozenset()):
            raise UpdateError(f"update cannot go from {self.phase} to {phase}", "bad_transition")
        return replace(self, phase=phase, **changes)

    def _fail(self, reason: str) -> UpdateState:
        version = self.offer.version if self.offer else None
        return self._to(Phase.IDLE, offer=None, received=0, trials=0, refused=version,
                        reason=reason)

    def announce(self, offer: Offer) -> UpdateState:
        """A feed entry for this kiosk: start (or restart) fetching it unless already had."""
        if offer.version in (self.running, self.refused) or offer == self.offer:
            return self
        if self.phase not in RESTING | FETCHING:
            return self  # an install or a trial is under way: finish it first
        return self._to(Phase.ANNOUNCED, offer=offer, received=0, trials=0, reason=None)

    def withdraw(self) -> UpdateState:
        """The roll-out no longer names this kiosk: drop what was fetched."""
        if self.phase not in FETCHING:
            return self
        return self._to(Phase.IDLE, offer=None, received=0)

    def downloading(self, received: int) -> UpdateState:
        assert self.offer is not None
        if not 0 <= received <= self.offer.size:
            raise UpdateError(f"{received} bytes of a {self.offer.size}-byte bundle",
                              "bad_progress")
        return self._to(Phase.DOWNLOADING, received=received)

    def downloaded(self, digest: str) -> UpdateState:
        """The whole file is there; keep it only if its digest is the announced one."""
        assert self.offer is not None
        if self.received != self.offer.size or digest != self.offer.sha256:
            return self._fail("bad_digest")
        return self._to(Phase.DOWNLOADED)

    def installing(self) -> UpdateState:
        return self._to(Phase.INSTALLING)

    def installed(self) -> UpdateState:
        """The inactive slot is written and armed for a trial boot."""
        return self._to(Phase.INSTALLED)

    def install_failed(self, reason: str) -> UpdateState:
        """RAUC refused the bundle (signature, compatibility) before or while writing."""
        return self._fail(reason)

    def rebooting(self) -> UpdateState:
        """Persisted just before the reboot into the trial slot."""
        return self._to(Phase.INSTALLED, trials=self.trials + 1)

    def booted(self, version: str) -> UpdateState:
        """Every start: what the state was and which version came up say what happened."""
        state = replace(self, running=version)
        target = self.offer.version if self.offer else None
        if self.phase is Phase.INSTALLING:  # power cut mid-install: the bundle is still here
            return state._to(Phase.DOWNLOADED)
        if self.phase in (Phase.INSTALLED, Phase.TRYING) and version == target:
            previous = self.previous if self.phase is Phase.TRYING else self.running
            return state._to(Phase.TRYING, previous=previous)
        if (self.phase in (Phase.INSTALLED, Phase.TRYING) and self.reason is None
                and self.trials < MAX_TRIALS):
            # No verdict yet (a power cut before or during the trial): try again at quiet time.
            return state._to(Phase.INSTALLED)
        if self.phase in (Phase.INSTALLED, Phase.TRYING):
            return state._to(Phase.ROLLED_BACK, previous=target, refused=target,
                             reason=self.reason or "trial_failed")
        return state

    def healthy(self) -> UpdateState:
        return self._to(Phase.GOOD, offer=None, received=0, trials=0, reason=None)

    def unhealthy(self, reason: str) -> UpdateState:
        """The trial failed its check: noted, then the kiosk reboots into the committed slot."""
        return self._to(Phase.TRYING, reason=f"health_check:{reason}")

    def report(self, running_version: str, slot: str) -> dict[str, Any]:
        """Version, slot and update state for the heartbeat and ``kiosk status``."""
        offer = self.offer
        return {"version": running_version, "slot": slot, "state": self.phase.value,
                "offered": offer.version if offer else None, "received": self.received,
                "size": offer.size if offer else None, "reason": self.reason,
                "refused": self.refused}

    # --- persistence (the store's sync_state on the data partition, one transaction)
    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> UpdateState:
        data = json.loads(text)
        offer = Offer(**data["offer"]) if data.get("offer") else None
        return cls(**{**data, "phase": Phase(data["phase"]), "offer": offer})
