"""QR decoding: ``decode(image_or_luma, decoder="zxing") -> list[DecodedQr]``.

Both decoders return the symbol's raw bytes and the text is always our own strict UTF-8 decoding of
them, never the library's guess: zbar guesses Shift-JIS for many Vietnamese names (pyzbar#14) and
even zxing guesses when a code has no ECI. The chip ID card QR is UTF-8 (reference §2). A payload
that is not valid UTF-8 is still returned (``utf8=False``, undecodable bytes replaced) so callers
can refuse it precisely instead of silently getting nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

DECODERS = ("zxing", "pyzbar")


@dataclass(frozen=True)
class DecodedQr:
    text: str
    raw_bytes: bytes
    utf8: bool = True
    """False when ``raw_bytes`` is not valid UTF-8 and ``text`` carries replacement characters."""

    @classmethod
    def from_bytes(cls, raw: bytes) -> DecodedQr:
        try:
            return cls(raw.decode("utf-8"), raw, True)
        except UnicodeDecodeError:
            return cls(raw.decode("utf-8", errors="replace"), raw, False)


def to_luma(image: object) -> np.ndarray:
    """A C-contiguous 2-D uint8 array from a PIL image or a numpy luma/RGB array."""
    if isinstance(image, np.ndarray):
        arr = image
        if arr.ndim == 3:
            if arr.shape[2] == 4:
                arr = arr[:, :, :3]
            # ITU-R 601 luma, the same weights Pillow's convert("L") uses.
            arr = (arr[:, :, 0] * 299 + arr[:, :, 1] * 587 + arr[:, :, 2] * 114) // 1000
        if arr.ndim != 2:
            raise ValueError(f"expected a 2-D luma or 3-D RGB array, got shape {image.shape}")
        return np.ascontiguousarray(arr, dtype=np.uint8)
    from PIL import Image

    if isinstance(image, Image.Image):
        return np.asarray(image.convert("L"), dtype=np.uint8).copy()
    raise TypeError(f"expected a PIL image or a numpy array, got {type(image).__name__}")


def raw_decoder(name: str) -> Callable[[np.ndarray], list[bytes]]:
    """The backend function ``luma -> [raw bytes]`` for a decoder name (imported lazily)."""
    if name == "zxing":
        from hw.qr import zxing

        return zxing.decode_raw
    if name == "pyzbar":
        from hw.qr import zbar

        return zbar.decode_raw
    raise ValueError(f"unknown QR decoder {name!r}; expected one of {', '.join(DECODERS)}")


def decode(image_or_luma: object, decoder: str = "zxing") -> list[DecodedQr]:
    """Decode every QR code in one image (no downscaling tricks: see hw.qr.pipeline for frames)."""
    luma = to_luma(image_or_luma)
    return [DecodedQr.from_bytes(raw) for raw in raw_decoder(decoder)(luma)]
