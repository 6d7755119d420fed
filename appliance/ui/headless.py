"""Running the real Kivy window without a screen: Xvfb, and pumping the event loop by hand.

Used by ``make screenshots``, ``bench/ui.py`` and the UI tests, so all three see exactly the
window a citizen sees.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable
from typing import Any


def start_xvfb(size: str = "1920x1920x24") -> subprocess.Popen[bytes]:
    """Start Xvfb on a free display (it tells us which through -displayfd) and export it."""
    if shutil.which("Xvfb") is None:
        raise RuntimeError("Xvfb is not installed (apt-get install xvfb)")
    read, write = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", size,
                             "-nolisten", "tcp"], pass_fds=(write,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as pipe:
        display = pipe.readline().strip()
    if not display:
        proc.kill()
        raise RuntimeError("Xvfb did not start")
    os.environ["DISPLAY"] = f":{display}"
    return proc


def pump(frames: int = 3) -> None:
    from kivy.base import EventLoop

    for _ in range(frames):
        EventLoop.idle()


def wait_until(condition: Callable[[], Any], timeout: float = 20.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pump(1)
        value = condition()
        if value:
            return value
    raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
