"""systemd notifications for ``kiosk sync``: READY=1, STATUS=…, WATCHDOG=1, STOPPING=1.

Speaks the sd_notify datagram protocol directly (a few lines; the optional ``sdnotify`` package
would add nothing). Without ``$NOTIFY_SOCKET`` every call is a no-op, so the daemon behaves the
same under ``Type=exec``, in tests and on a desktop. The watchdog is pinged from the daemon's own
loop and waits, never from a side thread, so a hung daemon really stops the pings.
"""

from __future__ import annotations

import os
import socket
import time

_claimed: str | None = None


def claim() -> None:
    """Take ``$NOTIFY_SOCKET`` out of the environment (like sd_notify's ``unset_environment``):
    child processes such as ``timedatectl`` must not talk to systemd on the daemon's behalf."""
    global _claimed
    _claimed = os.environ.pop("NOTIFY_SOCKET", None) or _claimed


def notify(message: str) -> bool:
    """Send one notification; False when not run by systemd (or the socket is gone)."""
    address = _claimed or os.environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.connect(address)
            sock.sendall(message.encode())
    except OSError:
        return False
    return True


class Watchdog:
    """Pings ``WATCHDOG=1`` at half of systemd's ``WatchdogSec`` (from ``$WATCHDOG_USEC``)."""

    def __init__(self) -> None:
        usec = os.environ.get("WATCHDOG_USEC", "")
        self.interval_s = int(usec) / 2e6 if usec.isdigit() and int(usec) > 0 else None
        self._last = float("-inf")

    def ping(self) -> None:
        if self.interval_s is None:
            return
        now = time.monotonic()
        if now - self._last >= self.interval_s:
            self._last = now
            notify("WATCHDOG=1")
