"""The camera (QR reading, preview) and the scanner for the screens, off the UI thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING

from appliance.ui import strings as T
from appliance.ui.workers import Done, Failed, Workers, on_ui

if TYPE_CHECKING:  # the hardware seams load on the devices thread (first frame first)
    from PIL import Image

    from appliance.app.devices import HardwareError, QrScanner, ScannedPage
    from appliance.domain.dossier import Page

log = logging.getLogger("appliance.ui.services")


class CaptureServices(Workers):
    """QR payloads and preview frames from the camera; pages from the scanner."""

    _devices_ready: Future[None] | None

    def _init_capture(self) -> None:
        self._qr: QrScanner | None = None
        self._qr_consumer: Callable[..., None] | None = None
        self._preview_consumer: Callable[..., None] | None = None
        self._camera_error: Failed | None = None
        self._preview_stop = threading.Event()
        self._preview_thread: threading.Thread | None = None
        self._thumbs: dict[int, Image.Image] = {}

    def start_camera(self, on_payload: Callable[..., None], on_preview: Callable[..., None] | None,
                     on_error: Failed) -> None:
        """Deliver decoded QR payloads (and preview frames) to the screen until stop_camera."""
        if self.devices is None and self._devices_ready is not None:
            self._devices_ready.result(30)  # only right after start-up
        if self.devices is None or self.devices.camera is None:
            on_error(T.ID_CAMERA_FAIL)
            return
        self._qr_consumer, self._preview_consumer = on_payload, on_preview
        self._camera_error = on_error
        self._camera_pool.submit(self._start_scanning)
        if on_preview is not None and self._preview_thread is None:
            self._preview_stop.clear()
            self._preview_thread = threading.Thread(target=self._preview_loop,
                                                    name="ui-preview", daemon=True)
            self._preview_thread.start()

    def _start_scanning(self) -> None:
        from appliance.app import devices

        if self._qr is None:
            self._qr = devices.qr_reader(self.opened_devices, self._payload, self._camera_failed)
        # A new screen wants the card that is in view now, even if it was read a moment ago
        # (a citizen who cancelled and starts again).
        self._qr.reset()
        self._qr.start()

    def stop_camera(self) -> None:
        self._qr_consumer = self._preview_consumer = self._camera_error = None
        self._preview_stop.set()
        self._preview_thread = None
        if self._qr is not None:
            self._camera_pool.submit(self._qr.stop)

    def _payload(self, text: str, raw: bytes) -> None:
        consumer = self._qr_consumer

        def deliver() -> None:
            if consumer is not None and self._qr_consumer is consumer:  # still that screen's
                consumer(text, None)

        on_ui(deliver)

    def _camera_failed(self, exc: HardwareError) -> None:
        log.warning("camera_error code=%s", getattr(exc, "code", "?"))
        on_ui(self._camera_error, T.ID_CAMERA_FAIL)

    def _preview_loop(self) -> None:
        camera = self.opened_devices.camera
        stop = self._preview_stop
        while camera is not None and not stop.wait(0.2):
            consumer = self._preview_consumer
            if consumer is None:
                break
            try:
                frame = camera.preview()
            except Exception:  # the QR loop reports camera failures
                continue
            on_ui(self._deliver_preview, consumer, frame)

    def _deliver_preview(self, consumer: Callable[..., None], frame: Image.Image) -> None:
        if self._preview_consumer is consumer:  # the screen has not moved on
            consumer(frame)

    def scan(self, component: object, on_page: Callable[[Page], None], done: Done,
             failed: Failed) -> None:
        """Scan until the feeder is empty; each page is processed (compact JPEG) on the devices
        thread and handed to ``on_page`` on the UI thread as it arrives."""
        from appliance.app import devices

        scanner = self.devices.scanner if self.devices is not None else None

        def page_done(scanned: ScannedPage) -> None:
            page, thumb = devices.page_of(scanned)
            self._thumbs[id(page)] = thumb
            on_ui(on_page, page)

        def run() -> int:
            if scanner is None:
                raise self.opened_devices.errors.get("scanner") or RuntimeError("no scanner")
            return len(scanner.scan(on_page=page_done))

        self.on_devices(run, done, failed, "scan")

    def thumbnail(self, page: Page) -> Image.Image | None:
        return self._thumbs.get(id(page))
