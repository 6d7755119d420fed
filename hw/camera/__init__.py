"""Camera seam: the latest luma frame for QR decoding, a small preview for the screen.

Backends: :mod:`hw.camera.sim` (folder/injected scenes), :mod:`hw.camera.picamera2` (Pi camera,
lores YUV stream), :mod:`hw.camera.v4l2` (USB webcam through ffmpeg). Every backend hands out only
its *latest* frame: a slow consumer skips frames instead of working through a backlog.
"""

from __future__ import annotations

import abc
from collections.abc import Iterator
from typing import Self

import numpy as np
from PIL import Image

from hw.status import DeviceStatus

PREVIEW_SIZE = (320, 240)


class Camera(abc.ABC):
    @abc.abstractmethod
    def read_luma(self, timeout: float = 2.0) -> np.ndarray:
        """The newest frame as a 2-D uint8 luma array; waits at most ``timeout`` for one.

        Raises :class:`hw.errors.HardwareError` when the camera gives nothing.
        """

    def capture(self) -> Image.Image:
        """A still at the best resolution the backend offers (grayscale), for page capture."""
        return Image.fromarray(self.read_luma())

    def preview(self, size: tuple[int, int] = PREVIEW_SIZE) -> Image.Image:
        """A small RGB image of what the camera sees, for the aiming view on screen."""
        image = Image.fromarray(self.read_luma()).convert("RGB")
        image.thumbnail(size)
        return image

    def frames(self) -> Iterator[np.ndarray]:
        """Newest luma frames, one after another, until the camera is closed."""
        while not self.closed:
            yield self.read_luma()

    @abc.abstractmethod
    def status(self) -> DeviceStatus: ...

    @property
    @abc.abstractmethod
    def closed(self) -> bool: ...

    @abc.abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
