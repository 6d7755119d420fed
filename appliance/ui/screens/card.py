"""Reading the chip of the ID card after its QR: "Đặt thẻ lên đầu đọc", a picture of where the
reader is, progress while reading, and what to do when it fails (docs/identity.md).

Phases: ``wait`` (for a card; the citizen can say the card does not read), ``reading``,
``retry`` (lifted too soon), ``unreadable`` (go on with the QR alone where the province allows,
else call staff) and ``staff`` (the QR and the chip disagree, or the chip fails verification).
The chip's identity replaces the QR's: it is signed, the QR is not. One primary action per phase.
"""

from __future__ import annotations

import logging
from typing import Any

from kivy.properties import NumericProperty, OptionProperty, StringProperty

from appliance.ui import strings as T
from appliance.ui.screens.base import KioskScreen, load_kv

log = logging.getLogger(__name__)


class CardScreen(KioskScreen):
    step = 2
    say = T.CHIP_SAY
    back_to = "identity"
    phase = OptionProperty("wait", options=("wait", "reading", "retry", "unreadable", "staff"))
    progress = NumericProperty(0.0)
    action = StringProperty(T.CHIP_CANT)
    """The label of the phase's one primary action ('' while reading)."""

    def on_phase(self, *_args: object) -> None:
        self.action = next_label(self.phase, self.services.allow_qr_only)

    def on_enter(self, *_args: object) -> None:
        self.start()

    def on_leave(self, *_args: object) -> None:
        self.services.cancel_chip()

    def reset(self) -> None:
        super().reset()
        self.phase, self.progress = "wait", 0.0

    def start(self) -> None:
        """Wait for the card on the reader and read it with the QR's ID number as the key."""
        self.message, self.phase, self.progress = "", "wait", 0.0
        self.services.read_chip(self.session.identity, on_reading=self.reading_started,
                                on_progress=self.show_progress, done=self.chip_read,
                                failed=self.chip_refused)

    def reading_started(self) -> None:
        self.phase = "reading"

    def show_progress(self, fraction: float) -> None:
        self.progress = fraction

    def chip_read(self, identity: Any) -> None:
        self.progress = 1.0
        self.session.identity = identity  # the chip wins over the QR's text
        self.app.go("form", start=True)

    def chip_refused(self, refusal: Any) -> None:
        log.info("chip_refused code=%s", refusal.code)
        self.progress = 0.0
        if refusal.next == "retry":
            self.phase, self.message = "retry", refusal.reason_vi
        elif refusal.next == "staff":
            self.phase = "staff"
            self.message = f"{refusal.reason_vi} (Mã cho cán bộ: {refusal.code})"
        else:
            self.cannot_read(refusal.reason_vi)

    def cannot_read(self, reason_vi: str = "") -> None:
        """The chip cannot be read: the QR alone where the province allows, else staff."""
        self.services.cancel_chip()
        self.phase = "unreadable"
        advice = T.CHIP_QR_ONLY_NOTE if self.services.allow_qr_only else T.CHIP_NEED_STAFF
        self.message = f"{reason_vi} {advice}".strip()

    def go_next(self) -> None:
        action = self.action
        if action == T.CHIP_CANT:
            self.cannot_read()
        elif action == T.CHIP_RETRY:
            self.start()
        elif action == T.CHIP_QR_ONLY:
            self.session.identity = self.services.qr_only(self.session.identity)
            self.app.go("form", start=True)
        elif action == T.CHIP_CALL_STAFF:
            self.app.go("help")


def next_label(phase: str, allow_qr_only: bool) -> str:
    """The one primary action of a phase ('' while reading)."""
    if phase == "unreadable":
        return T.CHIP_QR_ONLY if allow_qr_only else T.CHIP_CALL_STAFF
    return {"wait": T.CHIP_CANT, "retry": T.CHIP_RETRY, "staff": T.CHIP_CALL_STAFF}.get(phase, "")


load_kv(__file__)
