"""Raspberry Pi camera through picamera2: one instance per process, luma of the lores stream.

Re-creating ``Picamera2`` leaks camera memory (picamera2#887, #958), so the object is created once
and shared; ``close`` only stops this user's stream. Decoding reads the Y plane of a small YUV420
"lores" stream (``capture_array("lores")[:h, :w]``); stills come from the main stream.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

from hw.camera import Camera
from hw.errors import HardwareError, require
from hw.status import DeviceStatus, failed, ok

if TYPE_CHECKING:
    from picamera2 import Picamera2  # from Debian, untyped: Any to the checker

INSTALL = "apt install python3-picamera2 (venv created with --system-site-packages)"

_shared: Picamera2 | None = None
_shared_lock = threading.Lock()


def _picamera2() -> Picamera2:
    global _shared
    with _shared_lock:
        if _shared is None:
            module = require("picamera2", what="picamera2 (Raspberry Pi camera)", install=INSTALL)
            try:
                _shared = module.Picamera2()
            except (RuntimeError, IndexError) as exc:
                raise HardwareError(
                    "camera.not_found",
                    "Không mở được camera: kiểm tra cáp camera, hoặc camera đang được dùng.",
                    f"no Raspberry Pi camera available, absent or in use ({exc})",
                ) from None
        return _shared


class Picamera2Camera(Camera):
    def __init__(
        self, lores_size: tuple[int, int] = (640, 480), main_size: tuple[int, int] = (1280, 960)
    ) -> None:
        self.lores_size = lores_size
        self._cam = _picamera2()
        config = self._cam.create_preview_configuration(
            main={"size": main_size, "format": "RGB888"},
            lores={"size": lores_size, "format": "YUV420"},
        )
        self._cam.configure(config)
        self._cam.start()
        self._closed = False

    def read_luma(self, timeout: float = 2.0) -> np.ndarray:
        if self._closed:
            raise HardwareError("camera.closed", "Camera đã tắt.", "the camera is closed")
        width, height = self.lores_size
        return np.ascontiguousarray(self._cam.capture_array("lores")[:height, :width])

    def capture(self) -> Image.Image:
        return Image.fromarray(self._cam.capture_array("main")).convert("L")

    def preview(self, size: tuple[int, int] = (320, 240)) -> Image.Image:
        # picamera2's "RGB888" is BGR in memory order; flip it for Pillow.
        image = Image.fromarray(self._cam.capture_array("main")[:, :, ::-1])
        image.thumbnail(size)
        return image

    def status(self) -> DeviceStatus:
        if self._closed:
            return failed("camera.closed", "Camera đã tắt.", "the camera is closed")
        return ok("camera.picamera2", "Camera sẵn sàng.", "Raspberry Pi camera streaming")

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._cam.stop()
