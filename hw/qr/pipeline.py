"""Per-frame QR decoding for the camera loop, tuned to keep a Pi's CPU low.

Luma only. A frame larger than ``fast_side`` is first decoded downscaled by an integer factor (box
filter, which also smooths sensor noise) with the decoder's cheap settings. The full-size frame is
decoded only when needed: at once when zxing saw a QR code it could not read at the small scale,
otherwise on every ``full_every``-th frame that found nothing, so a small code far from the lens is
still read within a few frames while an empty scene costs one cheap pass per frame.
"""

from __future__ import annotations

import numpy as np

from hw.qr import DecodedQr, raw_decoder


def downscale(luma: np.ndarray, factor: int) -> np.ndarray:
    """Box-filter downscale by an integer factor (the ragged edge is cropped)."""
    if factor <= 1:
        return luma
    h, w = (luma.shape[0] // factor) * factor, (luma.shape[1] // factor) * factor
    acc = np.zeros((h // factor, w // factor), dtype=np.uint16)
    for dy in range(factor):
        for dx in range(factor):
            acc += luma[dy:h:factor, dx:w:factor]
    return ((acc + (factor * factor) // 2) // (factor * factor)).astype(np.uint8)


class FramePipeline:
    def __init__(self, decoder: str = "zxing", fast_side: int = 640, full_every: int = 4) -> None:
        self.decoder = decoder
        self.fast_side = fast_side
        self.full_every = full_every
        self._full = raw_decoder(decoder)
        self._misses = 0
        if decoder == "zxing":
            from hw.qr import zxing

            self._fast = zxing.decode_fast
        else:
            self._fast = lambda luma: (self._full(luma), True)

    def decode(self, luma: np.ndarray) -> list[DecodedQr]:
        factor = max(1, -(-max(luma.shape) // self.fast_side))  # ceil division
        found, seen_unreadable = self._fast(np.ascontiguousarray(downscale(luma, factor)))
        if not found and factor > 1:
            self._misses += 1
            if seen_unreadable or self._misses % self.full_every == 0:
                found = self._full(luma)
        if found:
            self._misses = 0
        return [DecodedQr.from_bytes(raw) for raw in found]
