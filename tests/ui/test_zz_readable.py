"""Readable at arm's length (DESIGN §9) on every screen, at 800×480 and at 1080×1920: body text
and touch targets meet the physical minimums, no text is cut off by its box, no word is broken
over two lines, no two buttons overlap, and every screen offers "Quay lại" and "Hủy".

(The file name sorts last: it resizes the shared window, then puts it back.)"""

from __future__ import annotations

import math

from kivy.core.window import Window
from kivy.uix.button import Button
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView
from kivy.uix.textinput import TextInput

from appliance.ui import strings as T
from appliance.ui.keyboard import VnKeyboard
from appliance.ui.theme import CAP_HEIGHT_EM, MIN_CAP_MM, MIN_TARGET_MM, sizes_for
from appliance.ui.tour import run_tour

from .harness import Driver, walk

NO_NAV = {"attract"}
"""The attract screen is one big touch target: any touch leads to the welcome screen."""


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
    if name not in NO_NAV:
        texts = {b.text for b in buttons}
        if not any(T.BACK in t for t in texts) or (T.CANCEL not in texts and name != "countdown"):
            problems.append(f"{width}x{height} {name}: no visible back/cancel ({sorted(texts)})")


def test_every_screen_is_readable_with_back_and_cancel_at_both_sizes(ui: Driver) -> None:
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
    assert len(seen) >= 2 * 24
    assert not problems, "\n".join(problems)
