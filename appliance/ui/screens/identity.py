"""Identity by the chip ID card's QR (or VNeID's): live preview, guidance, clear refusals."""

from __future__ import annotations

import logging

from appliance.domain.idcard import QrRefusal
from appliance.ui import strings as T
from appliance.ui.screens.base import KioskScreen, load_kv
from appliance.ui.screens.preview import CameraPreview  # noqa: F401  (kv)

log = logging.getLogger(__name__)


class IdentityScreen(KioskScreen):
    step = 2
    say = T.ID_SAY
    back_to = "procedure"

    def on_enter(self, *_args: object) -> None:
        self.message = ""
        self.services.start_camera(self.on_payload, self.ids.preview.show_frame, self.on_error)

    def on_leave(self, *_args: object) -> None:
        self.services.stop_camera()

    def reset(self) -> None:
        super().reset()
        self.ids.preview.clear()

    def on_payload(self, text: str, raw: bytes | None = None) -> None:
        """A QR was decoded (UI thread): accept an ID card, or say what is wrong and what to do."""
        result = self.services.parse_card(raw if raw is not None else text)
        if isinstance(result, QrRefusal):
            log.info("id_qr_refused code=%s", result.code)
            self.message = result.reason_vi
            return
        self.session.identity = result
        self.message = ""
        if self.services.has_card_reader:  # the QR's number opens the chip (docs/identity.md)
            self.app.go("card")
        else:
            self.app.go("form", start=True)

    def on_error(self, message_vi: str) -> None:
        self.message = message_vi or T.ID_CAMERA_FAIL

    def go_next(self) -> None:
        self.app.go("manual_id")


load_kv(__file__)
