"""Receipt printer seam: raster images in bands, a cut, and honest paper/online status.

Vietnamese is printed as a rendered 1-bit image, never through printer code pages (DESIGN §8).
Backends: :mod:`hw.printer.escpos_printer` over python-escpos transports (USB, serial, network,
file, CUPS) and :mod:`hw.printer.sim`, which encodes the same ESC/POS bytes and writes what would
be printed to a folder.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from enum import StrEnum

from PIL import Image

from hw.errors import HardwareError
from hw.status import DeviceStatus, degraded, failed, ok, unknown

DOTS_PER_MM = 8  # 203 dpi thermal heads
WIDTH_DOTS = {80: 576, 58: 384}


def width_dots(paper_width_mm: int) -> int:
    try:
        return WIDTH_DOTS[paper_width_mm]
    except KeyError:
        raise ValueError(f"paper width must be 58 or 80 mm, got {paper_width_mm}") from None


class PaperState(StrEnum):
    OK = "ok"
    NEAR_END = "near_end"
    OUT = "out"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class PrinterStatus:
    paper: PaperState
    online: bool | None
    """None when the printer did not answer."""

    @property
    def device(self) -> DeviceStatus:
        """The same facts in the common status shape (no answer is UNKNOWN, never OK)."""
        if self.online is False:
            return failed("printer.offline", "Máy in đang tắt hoặc mất kết nối.", "printer offline")
        if self.paper is PaperState.OUT:
            return failed("printer.paper_out", "Máy in hết giấy. Cần thay cuộn giấy.", "paper out")
        if self.paper is PaperState.NEAR_END:
            return degraded(
                "printer.paper_near_end", "Giấy in sắp hết. Cần chuẩn bị cuộn mới.", "paper low"
            )
        if self.paper is PaperState.UNKNOWN or self.online is None:
            return unknown(
                "printer.no_answer",
                "Máy in không báo trạng thái; không biết còn giấy hay không.",
                "the printer gave no status answer",
            )
        return ok("printer.ok", "Máy in sẵn sàng.", "printer online, paper ok")

    def to_dict(self) -> dict[str, object]:
        return {"paper": str(self.paper), "online": self.online, **self.device.to_dict()}


class PrinterError(HardwareError):
    pass


def paper_out_error() -> PrinterError:
    return PrinterError(
        "printer.paper_out",
        "Máy in hết giấy. Xin mời gọi cán bộ thay giấy.",
        "the printer reports paper out",
    )


class Printer(abc.ABC):
    width_dots: int

    @abc.abstractmethod
    def print_image(self, image: Image.Image) -> None:
        """Print an image as 1-bit raster bands, scaled down to the paper width if wider."""

    @abc.abstractmethod
    def cut(self) -> None:
        """Feed and cut: ends the current slip."""

    @abc.abstractmethod
    def status(self) -> PrinterStatus: ...

    def close(self) -> None:  # noqa: B027 - most backends hold nothing
        """Release the connection."""
