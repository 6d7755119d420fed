"""zxing-cpp backend (the default): fast, and exposes the symbol's raw bytes."""

from __future__ import annotations

import numpy as np

from hw.errors import require


def _lib():
    return require("zxingcpp", what="zxing-cpp QR decoder", install="pip install 'zxing-cpp>=2.2'")


def decode_raw(luma: np.ndarray, *, try_harder: bool = True) -> list[bytes]:
    """Raw byte payloads of the QR codes in a luma frame.

    ``try_harder=False`` is the cheap per-frame pass of the camera pipeline: no internal
    downscaling pyramid and no inverted-image pass (card and VNeID QR codes are dark on light).
    """
    zxingcpp = _lib()
    found = zxingcpp.read_barcodes(
        luma,
        formats=zxingcpp.BarcodeFormat.QRCode,
        try_rotate=True,
        try_downscale=try_harder,
        try_invert=try_harder,
    )
    return [bytes(b.bytes) for b in found if b.valid]
