"""A real ESC/POS printer over any python-escpos transport.

python-escpos 3.1's ``paper_status()`` reports "plenty of paper" when the printer says nothing
(escpos#622) and ``File``/``CupsPrinter`` cannot read at all: status is therefore queried here with
the raw ``DLE EOT`` commands, and silence or an unreadable transport is UNKNOWN.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PIL import Image

from hw.errors import HardwareError
from hw.printer import PaperState, Printer, PrinterError, PrinterStatus, paper_out_error
from hw.printer.raster import bands, to_raster

if TYPE_CHECKING:
    from escpos.escpos import Escpos  # untyped library: Any to the checker

log = logging.getLogger(__name__)

DLE_EOT_ONLINE = b"\x10\x04\x01"
DLE_EOT_PAPER = b"\x10\x04\x04"
FIXED_BITS_MASK = 0x93  # bits 0, 1, 4, 7 of every DLE EOT answer: 0, 1, 1, 0
FIXED_BITS = 0x12


def parse_online(answer: bytes) -> bool | None:
    if len(answer) != 1 or answer[0] & FIXED_BITS_MASK != FIXED_BITS:
        return None
    return not answer[0] & 0x08


def parse_paper(answer: bytes) -> PaperState:
    if len(answer) != 1 or answer[0] & FIXED_BITS_MASK != FIXED_BITS:
        return PaperState.UNKNOWN
    if answer[0] & 0x60:
        return PaperState.OUT
    if answer[0] & 0x0C:
        return PaperState.NEAR_END
    return PaperState.OK


def _offline(exc: BaseException) -> PrinterError:
    return PrinterError(
        "printer.offline",
        "Không kết nối được máy in. Xin mời gọi cán bộ hỗ trợ.",
        f"printer connection failed: {exc}",
    )


class EscposPrinter(Printer):
    """``make_device`` builds a python-escpos printer object (opened lazily on first write)."""

    def __init__(self, make_device: Callable[[], Escpos], width_dots: int, describe: str) -> None:
        self.width_dots = width_dots
        self.describe = describe
        self._make_device = make_device
        self._device: Escpos | None = None
        self._silent = False
        """Set once the printer left a status query unanswered: many cheap printers never answer,
        and waiting out a read timeout before every slip would make each citizen wait."""

    @property
    def device(self) -> Escpos:
        if self._device is None:
            device = self._make_device()
            # Tell python-escpos the paper width, else it prints a warning on every image.
            device.profile.profile_data["media"]["width"]["pixels"] = self.width_dots
            self._device = device
        return self._device

    def print_image(self, image: Image.Image) -> None:
        if not self._silent:
            status = self.status()
            if status.paper is PaperState.OUT:
                raise paper_out_error()
            if status.online is False:  # cover open, error state: the slip would be lost
                raise PrinterError(
                    "printer.offline",
                    "Máy in đang báo lỗi (nắp mở hoặc kẹt giấy). Xin mời gọi cán bộ hỗ trợ.",
                    "the printer reports itself offline",
                )
        raster = to_raster(image, self.width_dots)
        try:
            for band in bands(raster):
                self.device.image(band, impl="bitImageRaster", center=False)
        except HardwareError:
            raise
        except Exception as exc:  # OSError, escpos DeviceNotFoundError, USBError, SerialException
            self.close()
            raise _offline(exc) from exc

    def cut(self) -> None:
        try:
            self.device.cut()
        except HardwareError:
            raise
        except Exception as exc:
            self.close()
            raise _offline(exc) from exc

    def _query(self, command: bytes) -> bytes:
        try:
            device = self.device
            device._raw(command)
            return bytes(device._read() or b"")
        except NotImplementedError:  # File, CUPS, LP: write-only transports
            return b""
        except Exception as exc:  # timeouts and transport errors: no answer
            log.info("printer status query failed: %s", exc)
            self.close()
            return b""

    def status(self) -> PrinterStatus:
        online_answer = self._query(DLE_EOT_ONLINE)
        online = parse_online(online_answer)
        if online is None:
            self._silent = True
            return PrinterStatus(PaperState.UNKNOWN, None)
        self._silent = False
        return PrinterStatus(parse_paper(self._query(DLE_EOT_PAPER)), online)

    def close(self) -> None:
        if self._device is not None:
            try:
                self._device.close()
            except Exception as exc:
                log.info("closing the printer: %s", exc)
            self._device = None
