"""Identity by the chip ID card's QR (or VNeID's): live preview, guidance, clear refusals."""

from __future__ import annotations

import logging

from kivy.clock import Clock
from kivy.properties import NumericProperty, StringProperty

from appliance.domain.idcard import QrRefusal
from appliance.ui import strings as T
from appliance.ui.screens.base import KioskScreen, load_kv
from appliance.ui.screens.preview import CameraPreview  # noqa: F401  (kv)

log = logging.getLogger(__name__)


class IdentityScreen(KioskScreen):
    step = 2
    say = T.ID_SAY
    back_to = "procedure"
    found = StringProperty("")
    """"Đã đọc được thẻ của: …", shown for ``found_s`` before the form opens."""
    hint = StringProperty("")
    """What to do when no QR has been read for ``hint_s`` (a blurred or worn card)."""
    found_s = NumericProperty(2.0)
    hint_s = NumericProperty(12.0)

    def on_enter(self, *_args: object) -> None:
        self.message = self.found = self.hint = ""
        self.services.start_camera(self.on_payload, self.ids.preview.show_frame, self.on_error)
        Clock.schedule_once(self._no_decode, self.hint_s)

    def on_leave(self, *_args: object) -> None:
        self.services.stop_camera()
        Clock.unschedule(self._no_decode)
        Clock.unschedule(self._to_form)

    def reset(self) -> None:
        super().reset()
        self.found = self.hint = ""
        self.ids.preview.clear()

    def _no_decode(self, _dt: float) -> None:
        if not self.found:
            self.hint = T.ID_NO_DECODE

    def on_payload(self, text: str, raw: bytes | None = None) -> None:
        """A QR was decoded (UI thread): accept an ID card, or say what is wrong and what to do."""
        result = self.services.parse_card(raw if raw is not None else text)
        if isinstance(result, QrRefusal):
            log.info("id_qr_refused code=%s", result.code)
            self.message = result.reason_vi
            return
        if self.found:
            return  # the same card seen again while its name is shown
        self.session.identity = result
        self.message = self.hint = ""
        self.found = T.ID_FOUND.format(name=result.full_name)
        self.services.stop_camera()
        Clock.schedule_once(self._to_form, self.found_s)

    def _to_form(self, _dt: float) -> None:
        if self.app.root.current != self.name or self.session.identity is None:
            return
        if self.services.has_card_reader:  # the QR's number opens the chip (docs/identity.md)
            self.app.go("card")
        else:
            self.app.go("form", start=True)

    def on_error(self, message_vi: str) -> None:
        self.message = message_vi or T.ID_CAMERA_FAIL

    def go_next(self) -> None:
        self.app.go("manual_id")


load_kv(__file__)
