"""Simulated camera: shows an injected scene, or one of the sample files in a folder.

The scene starts empty (a plain grey card-reader slot). ``inject`` accepts an image, a numpy array
or a payload string, which is rendered as a QR code held in front of the camera. Sample files
(``*.png``/``*.jpg`` images, ``*.txt`` payloads) in the folder can be shown with ``show_sample``.
Frames are paced at ``fps`` like a real sensor, so a consumer loop never spins.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
from PIL import Image

from hw.camera import Camera
from hw.errors import HardwareError
from hw.status import DeviceStatus, failed, ok

FRAME_SIZE = (640, 480)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp")


def render_payload(
    payload: str,
    size: tuple[int, int] = FRAME_SIZE,
    *,
    module_px: int | None = None,
    angle: float = 0.0,
    blur: float = 0.0,
    noise: float = 0.0,
    seed: int = 0,
) -> Image.Image:
    """A grey frame showing ``payload`` as a QR code (UTF-8 bytes, no ECI, as on the card).

    ``module_px`` defaults to filling about 70 % of the frame; ``angle`` rotates the card,
    ``blur`` (Gaussian radius, px) and ``noise`` (σ of sensor noise) make it look photographed.
    """
    import segno

    qr = segno.make(payload, encoding="utf-8", error="m", micro=False)
    modules = np.pad(np.array(qr.matrix, dtype=bool), 4)  # 4-module quiet zone
    scale = module_px or max(2, int(min(size) * 0.7) // modules.shape[0])
    pixels = np.where(modules, 20, 235).astype(np.uint8).repeat(scale, 0).repeat(scale, 1)
    code = Image.fromarray(pixels)
    if angle:
        code = code.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=150)
    frame = Image.new("L", size, 150)
    rng = np.random.default_rng(seed)
    x = (size[0] - code.width) // 2 + int(rng.integers(-8, 9))
    y = (size[1] - code.height) // 2 + int(rng.integers(-8, 9))
    frame.paste(code, (x, y))
    if blur:
        from PIL import ImageFilter

        frame = frame.filter(ImageFilter.GaussianBlur(blur))
    if noise:
        arr = np.asarray(frame, dtype=np.float32) + rng.normal(0, noise, (size[1], size[0]))
        frame = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    return frame


class SimCamera(Camera):
    def __init__(self, folder: Path | None = None, fps: float = 10.0) -> None:
        self.folder = Path(folder) if folder else None
        self.fps = fps
        self._scene = np.full((FRAME_SIZE[1], FRAME_SIZE[0]), 150, dtype=np.uint8)
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._next_frame = time.monotonic()
        self.frame_count = 0

    def samples(self) -> list[Path]:
        if not self.folder or not self.folder.is_dir():
            return []
        return sorted(
            p for p in self.folder.iterdir() if p.suffix.lower() in (*IMAGE_SUFFIXES, ".txt")
        )

    def show_sample(self, index: int) -> Path:
        path = self.samples()[index]
        if path.suffix.lower() == ".txt":
            self.inject(path.read_text(encoding="utf-8").strip("\n"))
        else:
            with Image.open(path) as image:
                self.inject(image.convert("L"))
        return path

    def inject(self, image_or_payload: object) -> None:
        """Put a scene in front of the camera until the next ``inject`` or ``clear``."""
        if isinstance(image_or_payload, str):
            image_or_payload = render_payload(image_or_payload)
        from hw.qr import to_luma

        luma = to_luma(image_or_payload)
        with self._lock:
            self._scene = luma

    def clear(self) -> None:
        with self._lock:
            self._scene = np.full_like(self._scene, 150)

    def read_luma(self, timeout: float = 2.0) -> np.ndarray:
        if self._closed.is_set():
            raise HardwareError("camera.closed", "Camera đã tắt.", "the camera is closed")
        now = time.monotonic()
        self._next_frame = max(self._next_frame + 1.0 / self.fps, now)
        wait = self._next_frame - now
        if wait > 0 and self._closed.wait(min(wait, timeout)):
            raise HardwareError("camera.closed", "Camera đã tắt.", "the camera is closed")
        with self._lock:
            self.frame_count += 1
            return self._scene.copy()

    def preview(self, size: tuple[int, int] = (320, 240)) -> Image.Image:
        """The current scene, without taking a frame from the paced stream the scanner reads."""
        with self._lock:
            image = Image.fromarray(self._scene).convert("RGB")
        image.thumbnail(size)
        return image

    def status(self) -> DeviceStatus:
        if self._closed.is_set():
            return failed("camera.closed", "Camera đã tắt.", "the camera is closed")
        return ok("camera.sim", "Camera mô phỏng sẵn sàng.", "simulated camera ready")

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def close(self) -> None:
        self._closed.set()
