"""The Kivy application: one ScreenManager, the session, inactivity, voice, staff gesture.

Screens live in ``appliance/ui/screens`` (one .py + one .kv each). Everything a screen needs from
the rest of the kiosk goes through ``app.services`` (services.py), which runs store and device work
off the UI thread and hands results back with ``Clock.schedule_once``.
"""

from __future__ import annotations

import gc
import importlib
import logging
from typing import TYPE_CHECKING, Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty
from kivy.uix.screenmanager import ScreenManager

from appliance import sdnotify
from appliance.ui import lockdown
from appliance.ui.session import Session
from appliance.ui.theme import sizes_for
from appliance.ui.timers import InactivityTimer
from appliance.ui.voice import Voice

if TYPE_CHECKING:
    from appliance.ui.screens.countdown import CountdownOverlay

log = logging.getLogger(__name__)

SCREENS: tuple[tuple[str, str, str], ...] = (
    ("attract", "attract", "AttractScreen"),
    ("welcome", "welcome", "WelcomeScreen"),
    ("catalogue", "catalogue", "CatalogueScreen"),
    ("procedure", "procedure", "ProcedureScreen"),
    ("identity", "identity", "IdentityScreen"),
    ("card", "card", "CardScreen"),
    ("manual_id", "manual_id", "ManualIdScreen"),
    ("form", "form", "FormScreen"),
    ("scan", "scan", "ScanScreen"),
    ("review", "review", "ReviewScreen"),
    ("confirm", "confirm", "ConfirmScreen"),
    ("success", "success", "SuccessScreen"),
    ("rating", "rating", "RatingScreen"),
    ("track", "track", "TrackScreen"),
    ("help", "help", "HelpScreen"),
    ("notice", "notice", "NoticeScreen"),
    ("staff_pin", "staff_pin", "StaffPinScreen"),
    ("staff", "staff", "StaffScreen"),
)
"""(screen name, module in appliance.ui.screens, class)."""

IDLE_SCREENS = frozenset({"attract", "welcome"})
"""Screens that hold nothing personal: the inactivity timer sleeps there."""


class KioskScreens(ScreenManager):
    """The one ScreenManager. Each screen is built on first use: the welcome screen shows without
    waiting for the others, and screens nobody opens (staff mode, tracking) cost no memory."""

    def get_screen(self, name: str) -> Any:
        if name not in self.screen_names:
            for screen_name, module, cls in SCREENS:
                if screen_name == name:
                    mod = importlib.import_module(f"appliance.ui.screens.{module}")
                    self.add_widget(getattr(mod, cls)(name=name))
                    break
        return super().get_screen(name)


class UiSizes(EventDispatcher):
    """The theme sizes as Kivy properties, so kv rules follow a window resize."""

    body = NumericProperty(30)
    title = NumericProperty(37)
    target = NumericProperty(63)
    pad = NumericProperty(8)
    portrait = BooleanProperty(False)
    px_per_mm = NumericProperty(5.2)

    def update(self, width: int, height: int) -> None:
        s = sizes_for(int(width), int(height))
        self.body, self.title, self.target, self.pad = s.body, s.title, s.target, s.pad
        self.portrait, self.px_per_mm = s.portrait, s.px_per_mm


class KioskApp(App):
    title = "Kiosk"
    ui = ObjectProperty(None)
    countdown = NumericProperty(0)
    """Seconds left before the session is wiped; 0 when no countdown is shown."""

    def __init__(self, services: Any, *, timeout_s: float = 120, countdown_s: float = 20,
                 voice: bool = False, demo: bool = False, unconfigured: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services = services
        self.session = Session()
        self.voice = Voice(enabled=voice)
        self.demo = demo
        self.ui = UiSizes()
        self.idle = InactivityTimer(timeout_s, countdown_s)
        self.use_kivy_settings = False
        self._overlay: CountdownOverlay | None = None
        self.previous = "welcome"
        self.shutdown_requested = False
        """Staff or the power-fail input asked for a safe shutdown (``kiosk run`` exits 5)."""
        self.unconfigured = unconfigured
        """Why the kiosk is not configured (from provisioning), shown instead of the journey."""
        self.wipes = 0
        """How many times a session was wiped (tests, bench)."""

    # --- lifecycle
    def build(self) -> Any:
        self.ui.update(*Window.size)
        Window.bind(size=lambda _w, size: self.ui.update(*size))
        Window.bind(on_request_close=lambda *_a, **_k: True)
        Window.bind(on_keyboard=self._on_keyboard)
        Window.bind(on_touch_down=lambda *_a: self.activity())
        Window.clearcolor = (0.97, 0.96, 0.93, 1)
        from kivy.factory import Factory

        Factory.register("KioskScreens", cls=KioskScreens)
        from appliance.ui.widgets import Chrome

        chrome = Chrome()
        sm = chrome.sm
        sm.current = "welcome"
        self.root = chrome  # go() below needs it before build() returns
        if self.unconfigured:
            self._show_unconfigured()
        sm.bind(current=self._on_screen)
        Clock.schedule_interval(self._tick, 0.25)
        # READY after the first frame, and WATCHDOG pings on Kivy's Clock: a hung UI thread
        # stops them and systemd restarts the service.
        Clock.schedule_once(lambda _dt: sdnotify.notify("READY=1\nSTATUS=touch UI running"), 0)
        Clock.schedule_interval(lambda _dt: self.services and self.services.update_light(), 10)
        interval = sdnotify.watchdog_interval_s()
        if interval:
            Clock.schedule_interval(lambda _dt: sdnotify.notify("WATCHDOG=1"), interval)
        if self.services is not None:
            self.services.attach(self)
        return chrome

    def _show_unconfigured(self) -> None:
        from appliance.ui import strings as T

        self.go("notice", title=T.UNCONFIGURED_TITLE,
                text=T.UNCONFIGURED_BODY + "\n" + str(self.unconfigured), back_to="notice")

    def open_settings(self, *_args: Any) -> bool:
        return False  # F1 must not open Kivy's settings panel on a kiosk

    def on_stop(self) -> None:
        self.voice.stop()
        self.session.wipe()
        if self.services is not None:
            self.services.close()

    # --- navigation
    def go(self, name: str, **kwargs: Any) -> None:
        screen = self.root.get_screen(name)
        if kwargs:
            screen.prepare(**kwargs)
        if self.root.current != name:
            self.previous = self.root.current
        self.root.current = name

    @property
    def screen(self) -> Any:
        return self.root.current_screen

    def _on_screen(self, _sm: Any, name: str) -> None:
        self.activity()
        screen = self.root.get_screen(name)
        self.voice.say(getattr(screen, "say", ""))

    def end_session(self, to: str = "welcome") -> None:
        """Cancel, completion and timeout all end here: wipe memory, temp files and widgets."""
        self.hide_countdown()
        from kivy.uix.modalview import ModalView

        for widget in list(Window.children):
            if isinstance(widget, ModalView):
                widget.dismiss(animation=False)
        self.session.wipe()
        self.wipes += 1
        for screen in self.root.screens:
            reset = getattr(screen, "reset", None)
            if reset:
                reset()
        # The finished session's widgets (labels, thumbnails, checklist rows) sit in reference
        # cycles through their bindings and keep their textures until Python's rare full
        # collection. Collect now, on the UI thread (Kivy objects must not be collected on
        # another), ~40 ms on a PC: the next citizen starts from the same memory (bench/ui.py).
        gc.collect()
        if self.services is not None:
            self.services.session_ended()
        if self.unconfigured:
            self._show_unconfigured()  # nothing leads past "chưa cấu hình"
            return
        self.root.current = to

    # --- inactivity
    def activity(self) -> None:
        self.idle.touch()  # the countdown, if shown, is hidden by the next tick

    def _tick(self, _dt: float) -> None:
        if self.root.current in IDLE_SCREENS and not self.session.active:
            if self.root.current == "welcome" and self.idle.state().phase == "expired":
                self.root.current = "attract"  # nobody there: the calm attract screen
            if self.root.current == "attract":
                self.idle.touch()
            return
        state = self.idle.state()
        if state.phase == "expired":
            log.info("session_timeout")
            self.end_session("attract")
        elif state.phase == "countdown":
            self.show_countdown(state.remaining)
        elif self.countdown:
            self.hide_countdown()

    def show_countdown(self, remaining: int) -> None:
        from appliance.ui.screens.countdown import CountdownOverlay

        if self._overlay is None:
            self._overlay = CountdownOverlay()
            Window.add_widget(self._overlay)
        self.countdown = remaining

    def hide_countdown(self) -> None:
        self.countdown = 0
        if self._overlay is not None:
            Window.remove_widget(self._overlay)
            self._overlay = None

    # --- keyboard lockdown
    def _on_keyboard(self, _window: Any, key: int, _scancode: int, _codepoint: str,
                     modifiers: list[str]) -> bool:
        self.activity()
        if self.root.current == "attract":
            self.root.current = "welcome"
        return lockdown.swallow_key(key, modifiers)
