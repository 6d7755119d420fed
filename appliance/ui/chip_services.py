"""The chip reader for the card screen: wait for the card and read it on its own worker thread.

Waiting for a card can last as long as the citizen takes, so it has its own thread (the devices
thread stays free for the printer). A new read or :meth:`ChipServices.cancel_chip` makes the
waiting read give up within half a second; a cancelled read never calls back.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from appliance.ui.workers import Workers, on_ui

if TYPE_CHECKING:
    from appliance.app.chip import ChipRefusal
    from appliance.domain.identity import Identity

log = logging.getLogger("appliance.ui.services")


class ChipServices(Workers):
    def _init_chip(self) -> None:
        self._chip_pool = ThreadPoolExecutor(1, thread_name_prefix="ui-chip")
        self._chip_token: object | None = None

    @property
    def has_card_reader(self) -> bool:
        return self.devices is not None and self.devices.card_reader is not None

    @property
    def allow_qr_only(self) -> bool:
        return self.config.identity.allow_qr_only

    def read_chip(self, qr: Identity, *, on_reading: Callable[[], None],
                  on_progress: Callable[[float], None], done: Callable[[Identity], None],
                  failed: Callable[[ChipRefusal], None]) -> None:
        """Wait for a card, then read and verify it against ``qr`` (callbacks on the UI thread)."""
        token = self._chip_token = object()

        def cancelled() -> bool:
            return self._chip_token is not token

        def run() -> None:
            from appliance.app import chip

            reader = self.opened_devices.card_reader
            try:
                if reader is None:
                    raise chip.NoCardReader()
                if not chip.wait_for_card(reader, cancelled):
                    return
                on_ui(on_reading)
                identity = chip.read_identity(
                    reader, qr, chip.ChipPolicy.of(self.config), dt.datetime.now(dt.UTC),
                    progress=lambda f: on_ui(on_progress, f))
            except Exception as exc:
                refusal = chip.refusal(exc)
                log.warning("chip_read_failed code=%s next=%s", refusal.code, refusal.next)
                if not cancelled():
                    on_ui(failed, refusal)
                return
            log.info("chip_read assurance=%s", identity.assurance_level)
            if not cancelled():
                on_ui(done, identity)

        self._submit(self._chip_pool, run, None, None, "chip_read")

    def qr_only(self, qr: Identity) -> Identity:
        from appliance.app.chip import qr_only

        return qr_only(qr)

    def cancel_chip(self) -> None:
        self._chip_token = None

    def _close_chip(self) -> None:
        self.cancel_chip()
        self._chip_pool.shutdown(wait=True)
