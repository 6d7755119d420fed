"""Sizes derived from DESIGN §9, for any window.

The rule is physical: capital letters of body text at least 4 mm tall, touch targets at least
12 mm, read by a 70-year-old at arm's length. Pixels per millimetre come from the panel: the
official 7" 800×480 panel has about 5.2 px/mm; the 1080×1920 cabinet is assumed to be a 21.5"
portrait panel (about 4.0 px/mm). Other sizes fall back to 5.2 px/mm, the densest we support, so
the physical minimum is always met. On top of the minimum the layout scales with the window's
width so a big portrait screen is not a small screen with a lot of empty glass, and portrait gets
a further PORTRAIT_BOOST for its spare height.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

CAP_HEIGHT_EM = 0.711
"""Capital height of Roboto (Kivy's default font) as a fraction of its font size."""
MIN_CAP_MM = 4.0
MIN_TARGET_MM = 12.0
KNOWN_PANELS: dict[tuple[int, int], float] = {(800, 480): 5.2, (1080, 1920): 4.03}
DEFAULT_PX_PER_MM = 5.2
PORTRAIT_BOOST = 1.3
"""A portrait cabinet has height to spare: bigger type and targets rather than empty glass (the
layouts put lists right above the buttons)."""


@dataclass(frozen=True)
class Sizes:
    px_per_mm: float
    body: int
    """Font size of body text (px)."""
    title: int
    small: int
    """Secondary text: still ≥ the body minimum (nothing a citizen must read is smaller)."""
    target: int
    """Minimum height and width of anything touchable (px)."""
    pad: int
    portrait: bool

    @property
    def cap_mm(self) -> float:
        return self.body * CAP_HEIGHT_EM / self.px_per_mm

    @property
    def target_mm(self) -> float:
        return self.target / self.px_per_mm


def sizes_for(width: int, height: int, px_per_mm: float | None = None) -> Sizes:
    """Theme sizes for a window of ``width``×``height`` pixels."""
    ppm = px_per_mm or KNOWN_PANELS.get((width, height), DEFAULT_PX_PER_MM)
    min_body = math.ceil(MIN_CAP_MM / CAP_HEIGHT_EM * ppm)
    min_target = math.ceil(MIN_TARGET_MM * ppm)
    scale = max(1.0, min(width, 1.8 * height) / 800)
    if height > width:
        scale *= PORTRAIT_BOOST
    body = max(min_body, round(30 * scale))
    target = max(min_target, round(64 * scale))
    return Sizes(
        px_per_mm=ppm,
        body=body,
        title=round(body * 1.25),
        small=body,
        target=target,
        pad=round(8 * scale),
        portrait=height > width,
    )


# Colours (RGBA): high contrast, calm. Dark text on light backgrounds.
BACKGROUND = (0.97, 0.96, 0.93, 1)
TEXT = (0.08, 0.08, 0.1, 1)
MUTED = (0.25, 0.25, 0.3, 1)
PRIMARY = (0.0, 0.36, 0.62, 1)
PRIMARY_TEXT = (1, 1, 1, 1)
SECONDARY = (0.86, 0.86, 0.84, 1)
CURRENT = (0.78, 0.87, 0.97, 1)
"""Where the citizen is (the current paper of the checklist): light blue, not an action."""
DANGER = (0.7, 0.1, 0.1, 1)
SUCCESS = (0.05, 0.45, 0.2, 1)
WARNING_BG = (1.0, 0.93, 0.7, 1)
HEADER = (0.62, 0.05, 0.05, 1)
