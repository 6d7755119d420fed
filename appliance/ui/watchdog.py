"""systemd notifications from the Kivy main loop: READY=1 after the first frame, then WATCHDOG=1.

The pings are scheduled on Kivy's Clock, so they stop when the UI thread hangs and systemd
restarts the service (a thread that pings while the UI is stuck would defeat the watchdog).
Speaks the sd_notify datagram protocol directly; nothing happens without $NOTIFY_SOCKET.
"""

from __future__ import annotations

import os
import socket


def notify(message: str) -> bool:
    """Send one sd_notify message; False when not run by systemd (or the socket is gone)."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.setblocking(False)  # never stall the UI thread on a full notify queue
            sock.connect(address)
            sock.sendall(message.encode("utf-8"))
    except OSError:  # includes BlockingIOError: this ping is dropped, the next one follows
        return False
    return True


def ping_interval_s() -> float | None:
    """Half of systemd's WatchdogSec (from $WATCHDOG_USEC), or None when no watchdog is set."""
    usec = os.environ.get("WATCHDOG_USEC")
    if not usec or not usec.isdigit() or int(usec) == 0:
        return None
    return int(usec) / 2_000_000
