"""Success: the short tracking code (large) with the slip's QR, the dossier code, the return
date, the slip printing (and reprint when it failed).

The dossier is already safely queued when this screen opens: a printer out of paper only changes
what the citizen is told (write the code down, press reprint or call staff), never the dossier.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, StringProperty

from appliance.domain.tracking_code import display_tracking_code
from appliance.ui import strings as T
from appliance.ui import tracking_widgets  # noqa: F401  (kv rules use its QrImage)
from appliance.ui.screens.base import KioskScreen, load_kv


class SuccessScreen(KioskScreen):
    say = T.SUCCESS_SAY
    back_to = "welcome"
    code = StringProperty("")
    tracking = StringProperty("")
    """The short tracking code as printed, e.g. ``AB3D-K7QX``."""
    qr = StringProperty("")
    """What the slip's QR holds (the lookup page with the dossier code)."""
    due = StringProperty("")
    print_state = StringProperty("")
    """"printing", "printed" or "failed"."""
    printing = BooleanProperty(False)

    def prepare(self, result: Any = None, **_kw: Any) -> None:
        self.code = result.code
        tracking = result.result.tracking_code
        self.tracking = display_tracking_code(tracking) if tracking else ""
        self.qr = result.slip.qr_text
        self.due = self.services.due_text(result)
        self.print_slip()

    def reset(self) -> None:
        super().reset()
        self.code, self.due, self.print_state, self.printing = "", "", "", False
        self.tracking = self.qr = ""

    def print_slip(self) -> None:
        if self.printing or self.session.result is None:
            return
        self.printing, self.print_state, self.message = True, "printing", ""
        self.services.print_slip(self.session.result, self._printed, self._print_failed)

    def _printed(self, *_args: Any) -> None:
        self.printing, self.print_state = False, "printed"

    def _print_failed(self, message_vi: str) -> None:
        self.printing, self.print_state = False, "failed"
        self.message = T.PRINT_FAIL

    def go_next(self) -> None:
        self.app.go("rating", code=self.code, after_submit=True)

    def finish(self) -> None:
        self.app.end_session()


load_kv(__file__)
