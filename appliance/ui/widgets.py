"""Shared widgets: the screen frame (title, steps, back/cancel), big buttons, keypads.

Sizes come from ``app.ui`` (see theme.py) so the same widgets meet DESIGN §9 at 800×480 and at
1080×1920. Kv rules are in widgets.kv, loaded once with this module.
"""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import (
    BooleanProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.textinput import TextInput

from appliance.ui import strings as T
from appliance.ui.keyboard import VnKeyboard  # noqa: F401  (kv rules use it)
from appliance.ui.lockdown import keep_clipboard_inside
from appliance.ui.vn_input import telex

keep_clipboard_inside()


class BigButton(Button):
    """A touch target of at least 12 mm with body-size text (DESIGN §9)."""

    kind = StringProperty("secondary")
    """"primary" (the screen's one main action), "secondary", "danger", "done" (a finished
    step) or "current" (where the citizen is, not an action): colour only."""


def grow_to_text(button: Button) -> Button:
    """A full-width button that grows to its wrapped label (a long procedure name on the big
    portrait type) instead of drawing two lines in a one-line box; never below one target."""

    def fit(*_args: object) -> None:
        ui = App.get_running_app().ui
        button.height = max(ui.target, button.texture_size[1] + 2 * ui.pad)

    button.bind(texture_size=fit)
    fit()
    return button


class Body(Label):
    """Body text that wraps to its width and grows to fit its lines."""


class Title(Label):
    pass


class StepBar(BoxLayout):
    """"Bước n/6 — name": where the citizen is in the journey."""

    step = NumericProperty(0)
    text = StringProperty("")

    def on_step(self, *_args: object) -> None:
        if self.step:
            self.text = T.STEP.format(n=int(self.step), total=len(T.STEPS))
        else:
            self.text = ""


class Frame(BoxLayout):
    """A screen's content, with what the shared chrome shows for it: title, step, the label of
    the primary action. The header and the nav row ("Quay lại", the action, "Hủy") exist once, in
    Chrome, so every screen has them and none pays for its own copy."""

    title = StringProperty("")
    step = NumericProperty(0)
    next_text = StringProperty("")
    """Label of the primary action in the nav row; empty hides it."""
    next_enabled = BooleanProperty(True)
    next_primary = BooleanProperty(True)
    """False when the screen's own main button is the one primary action (only one is blue)."""
    back_text = StringProperty(T.BACK)
    """Empty hides "Quay lại" (the welcome screen, a finished submission)."""
    cancel_text = StringProperty(T.CANCEL)
    """Empty hides "Hủy" (nothing left to cancel once a dossier is submitted)."""
    help_shown = BooleanProperty(True)
    """"Gọi cán bộ" in the header: every citizen screen; not staff mode (staff are there)."""
    screen = ObjectProperty(None, allownone=True)


class Chrome(BoxLayout):
    """The window's layout: header (title, step, "Gọi cán bộ"), the ScreenManager, the nav row.

    It stands in for the ScreenManager towards the app (``current``, ``get_screen`` …) so code
    and tests address screens the same way whatever wraps them.
    """

    frame = ObjectProperty(None, allownone=True)
    """The current screen's Frame; None (no header, no nav) on the attract screen."""
    title = StringProperty("")
    step = NumericProperty(0)
    next_text = StringProperty("")
    next_enabled = BooleanProperty(False)
    next_primary = BooleanProperty(True)
    back_text = StringProperty(T.BACK)
    cancel_text = StringProperty(T.CANCEL)
    nav_shown = BooleanProperty(True)
    """False when the frame shows no nav button at all: the row takes no room."""
    help_shown = BooleanProperty(True)
    _SHOWN = ("title", "step", "next_text", "next_enabled", "next_primary", "back_text",
              "cancel_text", "help_shown")

    @property
    def sm(self):
        return self.ids.sm

    def on_kv_post(self, _base_widget: object) -> None:
        self.sm.bind(current_screen=lambda _sm, screen: self._follow(screen))

    def _follow(self, screen: object) -> None:
        """Show the new screen's frame and keep following its title, step and action."""
        if self.frame is not None:
            self.frame.unbind(**{name: self._copy for name in self._SHOWN})
        frames = [w for w in getattr(screen, "children", []) if isinstance(w, Frame)]
        self.frame = frames[0] if frames else None
        if self.frame is not None:
            self.frame.bind(**{name: self._copy for name in self._SHOWN})
        self._copy()

    def _copy(self, *_args: object) -> None:
        frame = self.frame
        self.title = frame.title if frame else ""
        self.step = frame.step if frame else 0
        self.next_text = frame.next_text if frame else ""
        self.next_enabled = bool(frame and frame.next_enabled and frame.next_text)
        self.next_primary = frame.next_primary if frame else True
        self.back_text = frame.back_text if frame else ""
        self.cancel_text = frame.cancel_text if frame else ""
        self.nav_shown = bool(self.next_text or self.back_text or self.cancel_text)
        self.help_shown = frame.help_shown if frame else False

    @property
    def current(self) -> str:
        return self.sm.current

    @current.setter
    def current(self, name: str) -> None:
        self.sm.current = name

    @property
    def current_screen(self):
        return self.sm.current_screen

    @property
    def screens(self) -> list:
        return self.sm.screens

    @property
    def screen_names(self) -> list:
        return self.sm.screen_names

    def get_screen(self, name: str):
        return self.sm.get_screen(name)

    def back(self) -> None:
        if self.frame is not None and self.frame.screen is not None:
            self.frame.screen.go_back()

    def next(self) -> None:
        if self.frame is not None and self.frame.screen is not None and self.frame.next_text:
            self.frame.screen.go_next()

    def cancel(self) -> None:
        if self.frame is not None and self.frame.screen is not None:
            self.frame.screen.ask_cancel()


class NumPad(GridLayout):
    """Big digits for ID numbers, codes and PINs, typing into ``target``."""

    target = ObjectProperty(None, allownone=True)
    max_length = NumericProperty(12)
    action = ObjectProperty(None, allownone=True)
    """Called with the typed text when the OK key is pressed."""
    done_text = StringProperty(T.DONE_KEY)
    done_key = StringProperty("ok")
    """What the bottom-right key does: "ok" (``action``) or "/" (dates: close the day/month)."""
    key_handler = ObjectProperty(None, allownone=True)
    """When set, every key goes to this callable instead of editing ``target`` (date mask)."""

    def press(self, key: str) -> None:
        App.get_running_app().activity()
        if self.key_handler is not None and key != "ok":
            self.key_handler(key)
            return
        if self.target is None:
            return
        if key == "del":
            self.target.text = self.target.text[:-1]
        elif key == "ok":
            if self.action:
                self.action(self.target.text)
        elif len(self.target.text) < self.max_length:
            self.target.text += key


class HeaderButton(Button):
    """A button of the header ("Gọi cán bộ", the demo tray): as wide as its one-line label."""


class TabButton(Button):
    """A tab of staff mode: as wide as its label."""

    selected = BooleanProperty(False)


class TelexInput(TextInput):
    """A text field that also takes Telex from a plugged-in keyboard (``Nguyeenx`` → Nguyễn).

    The field is never given the system's virtual keyboard: the on-screen VnKeyboard types into it.
    """

    telex_enabled = BooleanProperty(True)
    text: str  # TextInput's Kivy property (declared for the checker; no runtime effect)

    def insert_text(self, substring: str, from_undo: bool = False) -> None:
        app = App.get_running_app()
        if app is not None:
            app.activity()
        if not self.telex_enabled or from_undo or len(substring) != 1 or not substring.isalpha():
            return super().insert_text(substring, from_undo=from_undo)
        index = self.cursor_index()
        head = telex(self.text[:index], substring)  # Telex acts at the cursor, as the keys do
        self.text = head + self.text[index:]
        self.cursor = self.get_cursor_from_index(len(head))
        return None


class DigitInput(TextInput):
    """A digits-only field (ID numbers, codes); filled by the NumPad or a real keyboard."""

    def insert_text(self, substring: str, from_undo: bool = False) -> None:
        digits = "".join(c for c in substring if c.isdigit())
        return super().insert_text(digits, from_undo=from_undo)


class Banner(Label):
    """A message box: what happened and what to do next. Empty text hides it."""

    kind = StringProperty("info")


Builder.load_file(str(Path(__file__).with_name("widgets.kv")))
