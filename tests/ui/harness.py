"""Drive the real Kivy window under Xvfb: one app per test process, touches, waits, screenshots.

Kivy does not like being restarted inside one process, so the app is built once per session
(``conftest.py``) and every test starts from the welcome screen with a wiped session. Waiting is
always for a condition while the event loop runs (never a sleep).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from appliance.ui.headless import start_xvfb

if TYPE_CHECKING:
    from appliance.config import KioskConfig

    from .conftest import Gateway

__all__ = ["Driver", "start_xvfb", "walk"]


def walk(widget: Any) -> Iterator[Any]:
    yield widget
    for child in widget.children:
        yield from walk(child)


class Driver:
    # Set by the ``ui`` fixture (conftest.py) once the kiosk and its gateway run.
    config: KioskConfig
    gateway: Gateway
    sync_pid: int
    notify_socket: socket.socket

    def __init__(self, app: Any) -> None:
        from kivy.base import EventLoop

        self.app = app
        self._loop = EventLoop
        self.frame_times: list[float] = []
        self.taps = 0
        """Touches made so far (the scripted citizen counts them)."""

    # ---- the event loop
    def pump(self, frames: int = 3) -> None:
        for _ in range(frames):
            self._loop.idle()
            self.frame_times.append(time.perf_counter())

    def wait_until(self, condition: Callable[[], Any], timeout: float = 20.0,
                   what: str = "condition") -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump(1)
            value = condition()
            if value:
                return value
        raise AssertionError(f"timed out after {timeout}s waiting for {what}")

    def settle(self) -> None:
        """Run until background work (store, devices) is done and its callbacks have run."""
        self.wait_until(lambda: not self.app.services.busy, what="background work")
        self.pump(3)

    # ---- screens and widgets
    @property
    def screen(self) -> Any:
        return self.app.root.current_screen

    def at(self, name: str, timeout: float = 20.0) -> Any:
        self.wait_until(lambda: self.app.root.current == name, timeout, f"screen {name!r}")
        self.pump(2)
        return self.screen

    def nav(self, which: str) -> Any:
        """The "back", "next" or "cancel" button of the current screen's frame."""
        return self.app.root.ids[which]

    def button(self, text: str, root: Any = None) -> Any:
        from kivy.core.window import Window
        from kivy.uix.button import Button

        roots = [root] if root is not None else [*Window.children[:-1], self.screen]
        for w in (w for r in roots for w in walk(r)):
            if isinstance(w, Button) and w.text == text and not w.disabled and w.opacity > 0:
                return w
        raise AssertionError(f"no enabled button {text!r} on screen {self.app.root.current!r}")

    def tap(self, widget: Any) -> None:
        from kivy.uix.scrollview import ScrollView

        assert widget.get_root_window() is not None, f"{widget} is not on screen"
        node = widget.parent
        while node is not None and node is not node.parent:
            if isinstance(node, ScrollView):
                wx, wy = widget.to_window(*widget.center)
                sx, sy = node.to_window(node.x, node.y)
                if not (sx <= wx <= sx + node.width and sy <= wy <= sy + node.height):
                    node.scroll_to(widget, animate=False)  # as a citizen would scroll
                    self.pump(3)
                break
            node = node.parent
        self.tap_at(*widget.to_window(*widget.center))

    def tap_text(self, text: str) -> None:
        def find() -> Any:
            try:
                return self.button(text)
            except AssertionError:
                return None

        self.tap(self.wait_until(find, 5.0, f"button {text!r}"))

    def tap_at(self, x: float, y: float) -> None:
        from kivy.tests import UnitTestTouch

        self.taps += 1
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        self.pump(1)
        touch.touch_up()
        self.pump(2)

    def tap_key(self, keyboard: Any, label: str) -> None:
        """Touch the on-screen keyboard's key showing ``label``."""
        key = keyboard.key_labelled(label)
        assert key is not None, f"no key {label!r} on the keyboard"
        self.tap_at(*keyboard.to_window(key.x + key.w / 2, key.y + key.h / 2))

    def type_keys(self, keyboard: Any, keys: str) -> None:
        """Type on the on-screen VnKeyboard by touching its keys: letters, "␣" for space, and
        tone names in braces, e.g. ``Nguyên{ngã}␣Văn``."""
        from appliance.ui import strings as T

        i = 0
        while i < len(keys):
            ch = keys[i]
            if ch == "{":
                end = keys.index("}", i)
                self.tap_key(keyboard, keys[i + 1:end])
                i = end + 1
                continue
            if ch == "␣":
                self.tap_key(keyboard, T.SPACE)
            else:
                if ch.isupper() and not keyboard._capital():
                    self.tap_key(keyboard, T.SHIFT)
                self.tap_key(keyboard, ch.upper() if keyboard._capital() else ch)
            i += 1

    def screenshot(self, path: Path) -> Path:
        from kivy.core.window import Window

        self.pump(2)
        made = Path(Window.screenshot(str(path)))
        made.replace(path)
        return path

    @contextlib.contextmanager
    def sync_paused(self) -> Iterator[None]:
        """Freeze our own sync daemon (by its pid) while the frame clock is watched, so the
        measure is about the UI process and not about two cores shared with the daemon."""
        os.kill(self.sync_pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.kill(self.sync_pid, signal.SIGCONT)

    def reset(self) -> None:
        """Back to a clean welcome screen between tests."""
        self.app.end_session("welcome")
        camera = getattr(self.app.services.devices, "camera", None)
        if camera is not None:
            camera.clear()  # take the previous test's card away from the camera
        self.settle()
