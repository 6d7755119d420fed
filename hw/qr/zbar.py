"""pyzbar backend, made correct for UTF-8 by switching zbar to binary mode.

zbar (which pyzbar wraps) guesses each QR code's text encoding and turns many Vietnamese names into
Shift-JIS mojibake. zbar ≥ 0.23 has ``ZBAR_CFG_BINARY``, which returns the symbol's bytes untouched;
pyzbar 0.1.9 predates it (its ``ZBarConfig`` enum even calls value 4 ``CFG_NUM``), so this module
drives zbar through pyzbar's ctypes wrappers with that option set. If the installed zbar rejects
the option, decoding is refused rather than risking garbled names.
"""

from __future__ import annotations

import ctypes
import functools
from types import ModuleType

import numpy as np

from hw.errors import HardwareError, require

ZBAR_CFG_ENABLE = 0
ZBAR_CFG_BINARY = 4
"""``zbar.h`` of zbar 0.23: ENABLE, ADD_CHECK, EMIT_CHECK, ASCII, BINARY, NUM, …"""


@functools.cache
def _lib() -> ModuleType:
    return require(
        "pyzbar.pyzbar",
        what="pyzbar/zbar QR decoder",
        install="pip install pyzbar and apt install libzbar0",
    )


class ZbarTooOld(HardwareError):
    def __init__(self) -> None:
        super().__init__(
            "qr.zbar_no_binary_mode",
            "Bộ giải mã zbar quá cũ, có thể đọc sai tên tiếng Việt. Hãy dùng bộ giải mã zxing.",
            "the installed zbar has no binary mode (needs zbar >= 0.23), so it would garble "
            "Vietnamese text; use qr_decoder = \"zxing\"",
        )


def decode_raw(luma: np.ndarray) -> list[bytes]:
    """Raw byte payloads of the QR codes in a luma frame."""
    pz = _lib()
    from pyzbar.wrapper import ZBarSymbol

    height, width = luma.shape
    data = np.ascontiguousarray(luma, dtype=np.uint8).tobytes()
    with pz._image_scanner() as scanner:
        pz.zbar_image_scanner_set_config(scanner, ZBarSymbol.NONE, ZBAR_CFG_ENABLE, 0)
        pz.zbar_image_scanner_set_config(scanner, ZBarSymbol.QRCODE, ZBAR_CFG_ENABLE, 1)
        if pz.zbar_image_scanner_set_config(scanner, ZBarSymbol.QRCODE, ZBAR_CFG_BINARY, 1) != 0:
            raise ZbarTooOld()
        with pz._image() as image:
            pz.zbar_image_set_format(image, pz._FOURCC["L800"])
            pz.zbar_image_set_size(image, width, height)
            pixels = ctypes.cast(ctypes.c_char_p(data), ctypes.c_void_p)
            pz.zbar_image_set_data(image, pixels, len(data), None)
            if pz.zbar_scan_image(scanner, image) < 0:
                return []
            return [d.data for d in pz._decode_symbols(pz._symbols_for_image(image))]
