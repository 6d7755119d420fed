"""Continuous QR scanning: a background thread turning camera frames into payload callbacks.

The loop takes the camera's newest frame, decodes it, and only then asks for the next one: frames
that arrive meanwhile are dropped by the camera, never queued. A payload is delivered once while it
stays in view, and again only after it has been out of view for ``repeat_after_s`` or a different
one was seen. Callbacks run on the scanner thread: a UI must hop to its own thread
(Kivy ``Clock.schedule_once``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from hw.camera import Camera
from hw.errors import HardwareError
from hw.qr.pipeline import FramePipeline
from hw.status import DeviceStatus, ok, unknown

log = logging.getLogger(__name__)

PayloadCallback = Callable[[str, bytes], None]


class QrScanner:
    def __init__(
        self,
        camera: Camera,
        on_payload: PayloadCallback,
        decoder: str = "zxing",
        repeat_after_s: float = 3.0,
        on_error: Callable[[HardwareError], None] | None = None,
        error_backoff_s: float = 1.0,
    ) -> None:
        self.camera = camera
        self.on_payload = on_payload
        self.on_error = on_error
        self.pipeline = FramePipeline(decoder)
        self.repeat_after_s = repeat_after_s
        self.error_backoff_s = error_backoff_s
        self.frames_decoded = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_text: str | None = None
        self._last_seen = 0.0
        self._status = unknown("qr.not_started", "Chưa bật đọc mã QR.", "QR scanner not started")

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="qr-scanner", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def status(self) -> DeviceStatus:
        return self._status

    def reset(self) -> None:
        """Forget the last payload: the code in view now is delivered again (a new screen or a
        citizen starting over wants it even if it was read a moment ago)."""
        self._last_text = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                luma = self.camera.read_luma()
            except HardwareError as exc:
                if self._stop.is_set():
                    break
                self._status = exc.status
                if self.on_error:
                    try:
                        self.on_error(exc)
                    except Exception:
                        log.exception("QR error callback failed")
                self._stop.wait(self.error_backoff_s)
                continue
            self._status = ok("qr.scanning", "Đang đọc mã QR.", "QR scanner running")
            found = self.pipeline.decode(luma)
            self.frames_decoded += 1
            now = time.monotonic()
            for qr in found:
                self._deliver(qr.text, qr.raw_bytes, now)

    def _deliver(self, text: str, raw: bytes, now: float) -> None:
        repeat = text == self._last_text and now - self._last_seen < self.repeat_after_s
        self._last_text, self._last_seen = text, now
        if repeat:
            return
        try:
            self.on_payload(text, raw)
        except Exception:  # a faulty consumer must not kill the camera loop
            log.exception("QR payload callback failed")
