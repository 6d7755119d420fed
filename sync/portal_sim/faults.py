"""Seeded, reproducible fault injection for the reference gateway.

Field networks fail in a handful of recognisable ways; the sim reproduces each of them so the sync
daemon's classification can be tested against the real thing rather than a mock. Decisions come
from one ``random.Random(seed)`` behind a lock, so the same seed and the same request sequence give
the same faults. Tests that need one exact fault queue it with ``plan`` (applied to the next
matching requests before any random draw).
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class FaultKind(StrEnum):
    ERROR_5XX = "5xx"
    """500 with a JSON error, or 502 with a proxy's HTML page; nothing is processed."""
    RETRY_AFTER = "retry_after"
    """429 or 503 with ``Retry-After``, answered at the front door (body not read)."""
    RESET = "reset"
    """Connection reset in the middle of a body: the request's (before processing) or the
    response's (after processing, so the client never learns that the gateway committed)."""
    SLOW = "slow"
    """The request is processed, then the answer is held back longer than a client's timeout."""
    CAPTIVE = "captive"
    """A Wi-Fi login page for whatever was asked (``200 text/html``, or a ``302`` to it);
    nothing processed."""
    EXPIRED_TOKEN = "expired_token"
    """The presented bearer token is expired on the spot: ``401 token_expired``."""


ALL_KINDS: tuple[FaultKind, ...] = tuple(FaultKind)


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    variant: int
    """A second seeded draw for kinds with two forms (500/502, 429/503, request/response reset)."""


@dataclass
class PlannedFault:
    kind: FaultKind
    path_prefix: str = ""


@dataclass
class FaultInjector:
    rate: float = 0.0
    seed: int = 0
    kinds: tuple[FaultKind, ...] = ALL_KINDS
    retry_after_s: int = 1
    slow_ms: int = 1500
    plan: list[PlannedFault] = field(default_factory=list)
    injected: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._rng = random.Random(self.seed)

    def configure(
        self,
        *,
        rate: float | None = None,
        seed: int | None = None,
        kinds: list[str] | None = None,
        retry_after_s: int | None = None,
        slow_ms: int | None = None,
        plan: list[dict[str, Any]] | None = None,
    ) -> None:
        """Change settings at run time (admin API). Raises ValueError on a bad value."""
        with self._lock:
            if rate is not None:
                if not 0.0 <= float(rate) <= 1.0:
                    raise ValueError("rate must be between 0 and 1")
                self.rate = float(rate)
            if seed is not None:
                self.seed = int(seed)
                self._rng = random.Random(self.seed)
            if kinds is not None:
                self.kinds = tuple(FaultKind(k) for k in kinds)
            if retry_after_s is not None:
                self.retry_after_s = max(0, int(retry_after_s))
            if slow_ms is not None:
                self.slow_ms = max(0, int(slow_ms))
            if plan is not None:
                self.plan = [
                    PlannedFault(FaultKind(p["kind"]), str(p.get("path", ""))) for p in plan
                ]

    def decide(self, path: str, *, authenticated: bool) -> Fault | None:
        """The fault to apply to this request, or None. ``/admin`` is never faulted."""
        if path.startswith("/admin"):
            return None
        with self._lock:
            for i, planned in enumerate(self.plan):
                if path.startswith(planned.path_prefix) and (
                    authenticated or planned.kind is not FaultKind.EXPIRED_TOKEN
                ):
                    del self.plan[i]
                    return self._record(planned.kind)
            if self.rate <= 0.0 or self._rng.random() >= self.rate:
                return None
            kinds = [k for k in self.kinds if authenticated or k is not FaultKind.EXPIRED_TOKEN]
            if not kinds:
                return None
            return self._record(self._rng.choice(kinds))

    def _record(self, kind: FaultKind) -> Fault:
        self.injected[kind.value] += 1
        return Fault(kind, self._rng.randrange(2))

    def counts(self) -> dict[str, int]:
        with self._lock:
            return {k.value: self.injected.get(k.value, 0) for k in FaultKind}

    def settings(self) -> dict[str, Any]:
        with self._lock:
            return {
                "rate": self.rate,
                "seed": self.seed,
                "kinds": [k.value for k in self.kinds],
                "retry_after_s": self.retry_after_s,
                "slow_ms": self.slow_ms,
                "plan": [{"kind": p.kind.value, "path": p.path_prefix} for p in self.plan],
            }
