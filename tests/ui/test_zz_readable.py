"""Readable at arm's length (DESIGN §9) on every screen, at 800×480 and at 1080×1920: body text
and touch targets meet the physical minimums, no text is cut off by its box, no word is broken
over two lines, no two buttons overlap, no text lies on or under another widget, and the chrome
rules of issue 13: every citizen screen has "Gọi cán bộ", exactly one primary (blue) action,
"Quay lại" and "Hủy" until the dossier is submitted and no "Hủy" after.

(The file name sorts last: it resizes the shared window, then puts it back.)"""

from __future__ import annotations

import math

from kivy.core.window import Window
from kivy.uix.button import Button
from kivy.uix.image import Image
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView
from kivy.uix.textinput import TextInput

from appliance.ui import strings as T
from appliance.ui.keyboard import VnKeyboard
from appliance.ui.theme import CAP_HEIGHT_EM, MIN_CAP_MM, MIN_TARGET_MM, sizes_for
from appliance.ui.tour import run_tour
from appliance.ui.widgets import BigButton

from .harness import Driver, walk

NO_NAV = {"attract", "welcome", "refused"}
"""The attract screen is one big touch target; the welcome screen is the start and a refusal
notice only leads back to it (nothing to go back to, nothing to cancel)."""
SUBMITTED = {"success", "rating", "rating-reason"}
"""After the dossier is submitted: nothing left to cancel, so no "Hủy"."""
NEUTRAL = {"rating", "rating-reason", "card-reading"}
"""No blue button: choices that must not be biased, and the chip being read (nothing to do but
wait)."""


def visible(widget) -> bool:
    """Shown and enabled. A squashed widget still counts: its text is drawn over its
    neighbours, which is exactly what these checks are for."""
    node = widget
    while node is not None and node is not Window:
        if node.opacity == 0 or getattr(node, "disabled", False):
            return False
        node = node.parent
    return True


def ancestors(widget) -> list:
    out, node = [], widget.parent
    while node is not None and node is not Window:
        out.append(node)
        node = node.parent
    return out


def check_screen(ui: Driver, name: str, problems: list[str]) -> None:
    width, height = Window.size
    sizes = sizes_for(width, height)
    min_font = math.ceil(MIN_CAP_MM / CAP_HEIGHT_EM * sizes.px_per_mm)
    min_target = MIN_TARGET_MM * sizes.px_per_mm - 0.5
    roots = [ui.app.root, *[w for w in Window.children if w is not ui.app.root]]
    buttons = []
    for root in roots:
        for w in walk(root):
            if not visible(w):
                continue
            if isinstance(w, Button):
                buttons.append(w)
                if min(w.width, w.height) < min_target:
                    problems.append(f"{width}x{height} {name}: button {w.text!r} is "
                                    f"{w.width:.0f}×{w.height:.0f} px < {min_target:.0f}")
            if isinstance(w, VnKeyboard):
                for key in w.keys:
                    if min(key.w, key.h) < min_target:
                        problems.append(f"{width}x{height} {name}: key {key.label!r} is "
                                        f"{key.w:.0f}×{key.h:.0f} px < {min_target:.0f}")
                    if w.label_width(key) > key.w - 4:  # inside the key's border
                        problems.append(f"{width}x{height} {name}: key label {key.label!r} "
                                        f"is squashed into {key.w:.0f} px")
            has_text = isinstance(w, TextInput) or (isinstance(w, Label) and w.text)
            if has_text and w.font_size < min_font:
                problems.append(f"{width}x{height} {name}: text {w.text[:30]!r} at "
                                f"{w.font_size:.0f} px < {min_font}")
            if isinstance(w, Label) and w.text.strip():
                one_word = not any(c.isspace() for c in w.text.strip())
                if one_word and w.texture_size[1] > w.font_size * 1.8:
                    problems.append(f"{width}x{height} {name}: the word {w.text[:30]!r} is "
                                    f"broken over lines ({w.width:.0f} px wide)")
                tw, th = w.texture_size
                if tw > w.width + 2 or th > w.height + 2:
                    problems.append(f"{width}x{height} {name}: text {w.text[:30]!r} needs "
                                    f"{tw:.0f}×{th:.0f} px, has {w.width:.0f}×{w.height:.0f}")
    top = Window.children[0]  # the topmost: an open overlay (countdown) covers the screen
    placed = [(b, *b.to_window(b.x, b.y), *b.to_window(b.right, b.top)) for b in buttons
              if top in ancestors(b) and not any(isinstance(a, ScrollView) for a in ancestors(b))]
    for i, (a, ax0, ay0, ax1, ay1) in enumerate(placed):
        for b, bx0, by0, bx1, by1 in placed[i + 1:]:
            if min(ax1, bx1) - max(ax0, bx0) > 1 and min(ay1, by1) - max(ay0, by0) > 1:
                problems.append(f"{width}x{height} {name}: buttons {a.text[:20]!r} and "
                                f"{b.text[:20]!r} overlap")
    check_overlaps(name, top, problems)
    if not name.startswith("staff") and name != "attract":
        check_chrome(ui, name, [b for b in buttons if top in ancestors(b)], problems)


def rect(widget) -> tuple[float, float, float, float]:
    """The window rectangle where the widget draws: a label's text, any other widget's box;
    clipped by the ScrollViews around it."""
    if isinstance(widget, Label) and not isinstance(widget, Button):
        tw, th = widget.texture_size
        cx, cy = widget.center
        x0, y0, x1, y1 = cx - tw / 2, cy - th / 2, cx + tw / 2, cy + th / 2
    else:
        x0, y0, x1, y1 = widget.x, widget.y, widget.right, widget.top
    (x0, y0), (x1, y1) = widget.to_window(x0, y0), widget.to_window(x1, y1)
    for view in (a for a in ancestors(widget) if isinstance(a, ScrollView)):
        (vx0, vy0), (vx1, vy1) = view.to_window(view.x, view.y), view.to_window(view.right,
                                                                                view.top)
        x0, y0, x1, y1 = max(x0, vx0), max(y0, vy0), min(x1, vx1), min(y1, vy1)
    return x0, y0, x1, y1


def drawn(widget) -> bool:
    """A widget that puts something on the glass: text, a button, a field, a picture, keys."""
    if isinstance(widget, Button | TextInput | Image | VnKeyboard):
        return True
    return isinstance(widget, Label) and bool(widget.text.strip())


def check_overlaps(name: str, top, problems: list[str]) -> None:
    """No text lies on another widget or under it (a message over a button, a reminder hidden
    behind one), among what is visible under the topmost layer."""
    width, height = Window.size
    shown = []
    for w in walk(top):
        if drawn(w) and visible(w):
            x0, y0, x1, y1 = rect(w)
            if x1 - x0 > 1 and y1 - y0 > 1:
                shown.append((w, x0, y0, x1, y1, set(map(id, ancestors(w)))))
    for i, (a, ax0, ay0, ax1, ay1, a_up) in enumerate(shown):
        for b, bx0, by0, bx1, by1, b_up in shown[i + 1:]:
            if id(a) in b_up or id(b) in a_up:
                continue  # a button's own label, a keyboard inside its box
            if not (isinstance(a, Label) or isinstance(b, Label)):
                continue  # buttons against buttons: checked above
            if min(ax1, bx1) - max(ax0, bx0) > 1 and min(ay1, by1) - max(ay0, by0) > 1:
                problems.append(f"{width}x{height} {name}: {label(a)} and {label(b)} overlap "
                                f"({rect(a)} {rect(b)})")


def label(widget) -> str:
    text = getattr(widget, "text", "")
    return f"{type(widget).__name__} {text[:24]!r}" if text else type(widget).__name__


def check_chrome(ui: Driver, name: str, buttons: list, problems: list[str]) -> None:
    """Help everywhere, one primary action, "Quay lại"/"Hủy" while there is something to
    cancel and no "Hủy" once the dossier is submitted."""
    width, height = Window.size
    where = f"{width}x{height} {name}"
    help_button = ui.app.root.ids.help
    if not visible(help_button) or help_button.text != T.HELP:
        problems.append(f"{where}: no visible {T.HELP!r} in the header")
    primary = [b.text for b in buttons if isinstance(b, BigButton) and b.kind == "primary"]
    if len(primary) != (0 if name in NEUTRAL else 1):
        problems.append(f"{where}: primary buttons {primary}")
    texts = {b.text for b in buttons}
    cancels = [b.text for b in buttons
               if b.text == T.CANCEL or (isinstance(b, BigButton) and b.kind == "danger")]
    if name in SUBMITTED and cancels:
        problems.append(f"{where}: {cancels} after the dossier is submitted")
    on_screen = ui.app.help is None and not ui.app.countdown
    if name in NO_NAV and any(T.BACK in t for t in texts):
        problems.append(f"{where}: {T.BACK!r} on the start screen")
    if on_screen and name not in NO_NAV | SUBMITTED and (
            not any(T.BACK in t for t in texts) or T.CANCEL not in texts):
        problems.append(f"{where}: no visible back/cancel ({sorted(texts)})")


def test_every_screen_is_readable_unhidden_with_help_and_one_primary(ui: Driver) -> None:
    problems: list[str] = []
    seen: list[str] = []
    try:
        for size in ((800, 480), (1080, 1920)):
            Window.size = size
            ui.pump(5)

            def each(name: str) -> None:
                seen.append(name)
                check_screen(ui, name, problems)

            run_tour(ui.app, each)
    finally:
        Window.size = (800, 480)
        ui.pump(5)
    assert len(seen) >= 2 * 28
    assert not problems, "\n".join(problems)
