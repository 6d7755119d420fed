"""Pure timing rules of the UI: inactivity countdown, the hidden staff gesture, PIN lockout.

Each takes a ``now`` function (monotonic seconds) so tests drive time without sleeping.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

Now = Callable[[], float]


@dataclass(frozen=True)
class IdleState:
    phase: str
    """"active", "countdown" (show the warning with ``remaining`` seconds) or "expired"."""
    remaining: int = 0


class InactivityTimer:
    """After ``timeout_s`` without a touch the session ends; the last ``countdown_s`` are shown."""

    def __init__(self, timeout_s: float, countdown_s: float, now: Now = time.monotonic) -> None:
        if countdown_s > timeout_s:
            countdown_s = timeout_s
        self.timeout_s = timeout_s
        self.countdown_s = countdown_s
        self._now = now
        self._last = now()

    def touch(self) -> None:
        self._last = self._now()

    def now(self) -> float:
        """The timer's clock (monotonic seconds), for pauses measured on the same clock."""
        return self._now()

    def idle_since(self, seconds: float) -> None:
        """As if the last touch was ``seconds`` ago (the screenshot tour shows the countdown)."""
        self._last = self._now() - seconds

    def state(self) -> IdleState:
        idle = self._now() - self._last
        if idle >= self.timeout_s:
            return IdleState("expired")
        left = self.timeout_s - idle
        if left <= self.countdown_s:
            return IdleState("countdown", int(left + 0.999))
        return IdleState("active")


class TapGesture:
    """``taps`` taps within ``window_s`` seconds (on a hidden corner) opens staff mode."""

    def __init__(self, taps: int = 5, window_s: float = 3.0, now: Now = time.monotonic) -> None:
        self.taps = taps
        self.window_s = window_s
        self._now = now
        self._times: deque[float] = deque(maxlen=taps)

    def tap(self) -> bool:
        t = self._now()
        self._times.append(t)
        if len(self._times) == self.taps and t - self._times[0] <= self.window_s:
            self._times.clear()
            return True
        return False


@dataclass(frozen=True)
class PinResult:
    ok: bool
    attempts_left: int = 0
    locked_for_s: int = 0


MAX_LOCKOUT_S = 24 * 3600
"""Longest single lockout. With the doubling below, a 4-digit PIN gets a few hundred guesses a
week at most under any allowed ``[staff]`` setting (tests/ui/test_logic.py computes it)."""


def lockout_duration(lockouts: int, lockout_s: float) -> float:
    """Length of the ``lockouts``-th lockout in a row (1 = the first): ``lockout_s``, doubled at
    each further lockout without a correct PIN in between, at most MAX_LOCKOUT_S."""
    return min(MAX_LOCKOUT_S, lockout_s * 2 ** min(max(lockouts, 1) - 1, 32))


class PinMemory(Protocol):
    """Where a PinGate keeps its count across restarts (the store's settings on the kiosk)."""

    def load(self) -> tuple[int, bool, int]:
        """(failed attempts so far, whether a lockout was in force, lockouts in a row)."""
        ...

    def save(self, failures: int, locked: bool, lockouts: int) -> None: ...


class PinGate:
    """Staff PIN attempts, rate-limited: after ``max_attempts`` failures, locked for
    ``lockout_s``, doubled at each further lockout until a correct PIN (lockout_duration); every
    attempt during a lockout is refused without checking the PIN.

    With a ``memory``, pulling the plug does not buy more guesses: the failure and lockout counts
    survive a restart, and a lockout in force at the restart starts again in full (monotonic time
    does not survive a reboot and the wall clock may not be trusted, so the lockout is never
    shorter, only possibly longer). ``attempt`` reads and writes the memory: call it off the UI
    thread."""

    def __init__(self, verify: Callable[[str], bool], max_attempts: int, lockout_s: float,
                 now: Now = time.monotonic, memory: PinMemory | None = None) -> None:
        self._verify = verify
        self.max_attempts = max(1, max_attempts)
        self.lockout_s = max(1.0, lockout_s)
        self._now = now
        self._memory = memory
        self._loaded = memory is None
        self._failures = 0
        self._lockouts = 0
        self._locked_until = 0.0

    def locked_for(self) -> int:
        left = self._locked_until - self._now()
        return int(left + 0.999) if left > 0 else 0

    def _load(self) -> None:
        if not self._loaded and self._memory is not None:
            self._loaded = True
            failures, locked, lockouts = self._memory.load()
            self._failures = min(max(0, failures), self.max_attempts - 1)
            self._lockouts = max(0, lockouts)
            if locked:
                self._lockouts = max(1, self._lockouts)
                self._lock()

    def _lock(self) -> None:
        self._locked_until = self._now() + lockout_duration(self._lockouts, self.lockout_s)

    def _save(self) -> None:
        if self._memory is not None:
            self._memory.save(self._failures, self.locked_for() > 0, self._lockouts)

    def attempt(self, pin: str) -> PinResult:
        self._load()
        locked = self.locked_for()
        if locked:
            return PinResult(False, 0, locked)
        if self._verify(pin):
            self._failures = self._lockouts = 0
            self._save()
            return PinResult(True, self.max_attempts)
        self._failures += 1
        if self._failures >= self.max_attempts:
            self._failures = 0
            self._lockouts += 1
            self._lock()
            self._save()
            return PinResult(False, 0, self.locked_for())
        self._save()
        return PinResult(False, self.max_attempts - self._failures)
