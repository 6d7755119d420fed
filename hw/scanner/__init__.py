"""Scanner seam: ``scan(on_page=…)`` feeds pages until the feeder is empty.

Backends: :mod:`hw.scanner.sim` (pages fed by tests/demo or from a folder), :mod:`hw.scanner.sane`
(``scanimage``, sheet-fed and flatbed), :mod:`hw.scanner.camera` (a still from the camera).
An empty feeder at the start of a scan is an error with code ``scanner.no_paper`` so the screen can
tell the citizen to insert the paper; an empty feeder after some pages is the normal end.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image

from hw.errors import HardwareError
from hw.status import DeviceStatus


@dataclass(frozen=True)
class ScannedPage:
    index: int
    """0-based position in this scan."""
    image: Image.Image
    dpi: float


PageCallback = Callable[[ScannedPage], None]


class ScannerError(HardwareError):
    pass


def no_paper() -> ScannerError:
    return ScannerError(
        "scanner.no_paper",
        "Chưa có giấy trong khe quét. Hãy đặt giấy vào khe rồi bấm Quét.",
        "the feeder is empty",
    )


class Scanner(abc.ABC):
    @abc.abstractmethod
    def scan(self, on_page: PageCallback | None = None) -> list[ScannedPage]:
        """Scan until the feeder is empty, calling ``on_page`` as each page arrives."""

    @abc.abstractmethod
    def status(self) -> DeviceStatus: ...

    def close(self) -> None:  # noqa: B027 - most backends hold nothing
        """Release the device (nothing to do for most backends)."""
