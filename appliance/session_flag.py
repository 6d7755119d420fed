"""The citizen-session flag: how the sync daemon knows a citizen is at the kiosk.

The UI touches ``session.active`` on the data partition when a citizen starts and removes it when
the session ends or is wiped; the daemon (another process) only reads it. A flag older than
``STALE_AFTER_S`` is ignored, so a UI that crashed mid-session cannot block updates forever (the
UI's own inactivity timeout wipes a session long before that).
"""

from __future__ import annotations

import os
from pathlib import Path

FLAG_NAME = "session.active"
STALE_AFTER_S = 30 * 60.0


def flag_path(data_dir: Path) -> Path:
    return data_dir / FLAG_NAME


def mark(data_dir: Path, active: bool) -> None:
    """Set (touch, refreshing its time) or clear the flag; never raises for a missing flag."""
    path = flag_path(data_dir)
    if active:
        path.touch()
        os.utime(path)
    else:
        path.unlink(missing_ok=True)


def is_active(data_dir: Path, now: float, stale_after_s: float = STALE_AFTER_S) -> bool:
    """``now``: wall-clock seconds (``time.time()``), compared with the flag's mtime."""
    try:
        age = now - flag_path(data_dir).stat().st_mtime
    except OSError:
        return False
    return age < stale_after_s
