"""zxing-cpp backend (the default): fast, and exposes the symbol's raw bytes."""

from __future__ import annotations

from types import ModuleType

import numpy as np

from hw.errors import require


def _lib() -> ModuleType:
    return require("zxingcpp", what="zxing-cpp QR decoder", install="pip install 'zxing-cpp>=2.2'")


def decode_raw(luma: np.ndarray) -> list[bytes]:
    """Raw byte payloads of the QR codes in a luma frame (thorough: scales and inversion)."""
    zxingcpp = _lib()
    found = zxingcpp.read_barcodes(luma, formats=zxingcpp.BarcodeFormat.QRCode)
    return [bytes(b.bytes) for b in found if b.valid]


def decode_fast(luma: np.ndarray) -> tuple[list[bytes], bool]:
    """The camera pipeline's cheap pass: no downscaling pyramid, no inverted-image pass (card and
    VNeID codes are dark on light). Also says whether a QR code was seen but not read."""
    zxingcpp = _lib()
    found = zxingcpp.read_barcodes(
        luma,
        formats=zxingcpp.BarcodeFormat.QRCode,
        try_downscale=False,
        try_invert=False,
        return_errors=True,
    )
    return [bytes(b.bytes) for b in found if b.valid], any(not b.valid for b in found)
