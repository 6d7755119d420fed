"""systemd notifications (sd_notify) for the UI and the sync daemon: READY=1, STATUS=…,
WATCHDOG=1, STOPPING=1.

Speaks the datagram protocol directly (a few lines; the optional ``sdnotify`` package would add
nothing). Without ``$NOTIFY_SOCKET`` every call is a no-op, so the services behave the same
under ``Type=exec``, in tests and on a desktop. Callers ping the watchdog from their own main
loop (Kivy's Clock, the daemon's loop), never from a side thread, so a hung process really
stops the pings and systemd restarts it.
"""

from __future__ import annotations

import os
import socket

_claimed: str | None = None


def claim() -> None:
    """Take ``$NOTIFY_SOCKET`` out of the environment (like sd_notify's ``unset_environment``):
    child processes such as ``timedatectl`` must not talk to systemd on our behalf."""
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
            sock.setblocking(False)  # never stall a main loop on a full notify queue
            sock.connect(address)
            sock.sendall(message.encode("utf-8"))
    except OSError:  # includes BlockingIOError: this ping is dropped, the next one follows
        return False
    return True


def watchdog_interval_s() -> float | None:
    """Half of systemd's ``WatchdogSec`` (from ``$WATCHDOG_USEC``), or None when none is set."""
    usec = os.environ.get("WATCHDOG_USEC", "")
    if not usec.isdigit() or int(usec) == 0:
        return None
    return int(usec) / 2_000_000
