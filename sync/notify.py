"""systemd notifications for ``kiosk sync`` (the protocol is ``appliance.sdnotify``): the
watchdog is pinged from the daemon's own loop and waits, never from a side thread, so a hung
daemon really stops the pings."""

from __future__ import annotations

import time

from appliance.sdnotify import claim, notify, watchdog_interval_s

__all__ = ["Watchdog", "claim", "notify"]


class Watchdog:
    """Pings ``WATCHDOG=1`` at half of systemd's ``WatchdogSec`` (from ``$WATCHDOG_USEC``)."""

    def __init__(self) -> None:
        self.interval_s = watchdog_interval_s()
        self._last = float("-inf")

    def ping(self) -> None:
        if self.interval_s is None:
            return
        now = time.monotonic()
        if now - self._last >= self.interval_s:
            self._last = now
            notify("WATCHDOG=1")
