"""Page capture with the camera: one page per scan, for kiosks without a sheet-fed scanner."""

from __future__ import annotations

from hw.camera import Camera
from hw.pages import A4_WIDTH_MM
from hw.scanner import PageCallback, ScannedPage, Scanner
from hw.status import DeviceStatus


class CameraScanner(Scanner):
    def __init__(self, camera: Camera) -> None:
        self.camera = camera

    def scan(self, on_page: PageCallback | None = None) -> list[ScannedPage]:
        image = self.camera.capture()
        # The capture stand frames an A4 sheet's width: that gives the effective resolution.
        page = ScannedPage(0, image, image.width / (A4_WIDTH_MM / 25.4))
        if on_page:
            on_page(page)
        return [page]

    def status(self) -> DeviceStatus:
        return self.camera.status()
