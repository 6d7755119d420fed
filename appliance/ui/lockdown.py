"""Kiosk lockdown: settings that must be in place before Kivy opens its window.

No key (Escape, F1 settings, Alt+F4 close request) leads out of the app; only the app itself
(staff "safe shutdown") stops it. Leaving to a console is closed at the OS level by the device
image (no getty on the UI's VT, no desktop).
"""

from __future__ import annotations

import os


def limit_malloc_arenas(arenas: int = 2) -> None:
    """Few glibc malloc arenas: the UI's worker threads pass page images of megabytes around,
    and one arena per thread would keep each thread's high-water mark resident for months.
    Must run before those threads start; a no-op where libc is not glibc."""
    import contextlib
    import ctypes

    m_arena_max = -8
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(m_arena_max, arenas)


def configure(width: int, height: int, fullscreen: bool) -> None:
    """Set Kivy's Config for kiosk use. Call before importing kivy.core.window."""
    limit_malloc_arenas()
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    # No copy and paste on a kiosk: without this a focused text field makes Kivy probe for xclip
    # and xsel and log two tracebacks (the form focuses its field to show the cursor).
    os.environ.setdefault("KIVY_CLIPBOARD", "dummy")
    from kivy.config import Config

    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "pause_on_minimize", "0")
    Config.set("kivy", "keyboard_mode", "system")  # our own on-screen keyboard, never Kivy's
    Config.set("kivy", "desktop", "0")
    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    Config.set("graphics", "fullscreen", "auto" if fullscreen else "0")
    Config.set("graphics", "borderless", "1" if fullscreen else "0")
    Config.set("graphics", "resizable", "0" if fullscreen else "1")
    Config.set("graphics", "show_cursor", "0" if fullscreen else "1")
    Config.set("input", "mouse", "mouse,disable_multitouch")
    Config.remove_option("modules", "inspector") if Config.has_option(
        "modules", "inspector") else None


class KioskClipboard:
    """Copy and paste inside the app only. A kiosk shares no clipboard with anything, and
    Kivy's own choice on Linux probes for the xclip and xsel programs, which a kiosk image does
    not have (a page of import errors in the log of every session)."""

    def __init__(self) -> None:
        self._data = ""

    def copy(self, data: str = "") -> None:
        self._data = str(data)

    def paste(self) -> str:
        return self._data


def keep_clipboard_inside() -> None:
    """Give every TextInput the KioskClipboard before the first one is made."""
    import kivy.uix.textinput as textinput

    if textinput.Clipboard is None:
        textinput.Clipboard = KioskClipboard()


BLOCKED_KEYS = frozenset({27, 282, 283, 284, 285, 286, 287, 288, 289, 290, 291, 292, 293})
"""Escape and F1–F12 (F1 opens Kivy's settings panel by default)."""


def swallow_key(key: int, modifiers: list[str] | None = None) -> bool:
    """True when a key press must not reach Kivy's defaults (escape, F-keys, Alt+F4, Ctrl+Q)."""
    mods = set(modifiers or [])
    if key in BLOCKED_KEYS:
        return True
    return bool(("alt" in mods or "ctrl" in mods) and key in (ord("q"), ord("w"), 285))
