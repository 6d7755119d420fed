"""Per-frame QR decoding for the camera loop, tuned to keep a Pi's CPU low.

Luma only; frames larger than ``fast_side`` are first decoded downscaled by an integer factor
(block mean, which also smooths sensor noise) with the decoder's cheap settings; the full-size frame
is tried only when that finds nothing. A QR held at a readable distance is large enough to survive
a 2× downscale, so most frames with a code cost one cheap pass.
"""

from __future__ import annotations

import numpy as np

from hw.qr import DecodedQr, raw_decoder


def downscale(luma: np.ndarray, factor: int) -> np.ndarray:
    """Block-mean downscale by an integer factor (crops the ragged edge)."""
    if factor <= 1:
        return luma
    h, w = (luma.shape[0] // factor) * factor, (luma.shape[1] // factor) * factor
    blocks = luma[:h, :w].reshape(h // factor, factor, w // factor, factor)
    return blocks.mean(axis=(1, 3), dtype=np.float32).astype(np.uint8)


class FramePipeline:
    def __init__(self, decoder: str = "zxing", fast_side: int = 640) -> None:
        self.decoder = decoder
        self.fast_side = fast_side
        self._full = raw_decoder(decoder)
        if decoder == "zxing":
            from hw.qr import zxing

            self._fast = lambda luma: zxing.decode_raw(luma, try_harder=False)
        else:
            self._fast = self._full

    def decode(self, luma: np.ndarray) -> list[DecodedQr]:
        factor = max(1, -(-max(luma.shape) // self.fast_side))  # ceil division
        found = self._fast(np.ascontiguousarray(downscale(luma, factor)))
        if not found and factor > 1:
            found = self._full(luma)
        return [DecodedQr.from_bytes(raw) for raw in found]
